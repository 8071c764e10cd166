/* wc-portal-service.h: the portal's rules, apart from HTTP. Every call
 * takes plain values that the server has already checked for type and
 * length, and answers with the JSON body to send (NULL for none), or a
 * WC_API_ERROR. Calls that hash a password are asynchronous; the rest
 * are quick. docs/portal-api.yaml is the contract they follow. */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-portal-clock.h"
#include "wc-portal-db.h"
#include "wc-portal-hasher.h"
#include "wc-portal-sessions.h"

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_SERVICE (wc_portal_service_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalService, wc_portal_service, WC, PORTAL_SERVICE, GObject)

#define WC_PORTAL_PASSWORD_MIN_LENGTH 12
#define WC_PORTAL_PASSWORD_MAX_LENGTH 256
#define WC_PORTAL_PASSWORD_HISTORY 4
#define WC_PORTAL_PASSWORD_MAX_AGE_DAYS 90
#define WC_PORTAL_LOCKOUT_ATTEMPTS 10
#define WC_PORTAL_LOCKOUT_SECONDS (30 * 60)
#define WC_PORTAL_OTP_SECRET_BYTES 20
#define WC_PORTAL_OTP_PERIOD 30
#define WC_PORTAL_OTP_DIGITS 6
#define WC_PORTAL_OTP_PENDING_SECONDS (24 * 3600)
#define WC_PORTAL_LEGACY_TEMP_SECONDS (24 * 3600)
#define WC_PORTAL_LEGACY_RESET_INTERVAL (5 * 60)
#define WC_PORTAL_MAX_CHILD_USERS 100
#define WC_PORTAL_ISSUER "Kuroneko Web Collect"

/* What a route asks of its session; see "Order of checks" in the
 * contract. */
typedef struct {
  WcPortalScopes scope;
  gboolean restricted_allowed;
  gboolean renew;             /* every call but GET /session */
} WcPortalAccess;

WcPortalService *wc_portal_service_new             (WcPortalDb         *db,
                                                    WcPortalClock      *clock,
                                                    const char         *outbox_path);

WcPortalClock   *wc_portal_service_get_clock       (WcPortalService    *self);
WcPortalDb      *wc_portal_service_get_db          (WcPortalService    *self);
WcPortalSessions *wc_portal_service_get_sessions   (WcPortalService    *self);
WcPortalHasher  *wc_portal_service_get_hasher      (WcPortalService    *self);

/* Merchant setup, for the command line: the initial access password is
 * both the old-login password and the main user's first password. */
void             wc_portal_service_add_merchant_async  (WcPortalService     *self,
                                                        const char          *code,
                                                        const char          *display_name,
                                                        const char          *password,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         wc_portal_service_add_merchant_finish (WcPortalService     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The error to answer with while a maintenance window is open, or NULL. */
GError          *wc_portal_service_check_maintenance (WcPortalService  *self);
gboolean         wc_portal_service_legacy_closed    (WcPortalService    *self);
JsonNode        *wc_portal_service_status           (WcPortalService    *self);

/* The three logins. @user_id is for the new login only; @otp may be
 * NULL. They answer with the login body. */
void             wc_portal_service_login_async      (WcPortalService     *self,
                                                     WcPortalLoginKind    kind,
                                                     const char          *merchant_code,
                                                     const char          *user_id,
                                                     const char          *password,
                                                     const char          *otp,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);

/* Answers the same, with no body, whether the merchant exists or not. */
void             wc_portal_service_legacy_reset_async  (WcPortalService     *self,
                                                        const char          *merchant_code,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);

/* Checks a bearer token and what the session may do. */
WcPortalSession *wc_portal_service_authorize        (WcPortalService      *self,
                                                     const char           *token,
                                                     const WcPortalAccess *access,
                                                     GError              **error);
JsonNode        *wc_portal_service_session_info     (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     GError            **error);
void             wc_portal_service_logout           (WcPortalService    *self,
                                                     const char         *token);

void             wc_portal_service_change_password_async  (WcPortalService     *self,
                                                           const char          *token,
                                                           const char          *current_password,
                                                           const char          *new_password,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);

/* POST /tablet/password: a main user's full new-login session sets the
 * merchant's old (tablet) password, proven by the user's current
 * new-login password; the same policy, history and 90-day clock. */
void             wc_portal_service_set_tablet_password_async (WcPortalService     *self,
                                                              const char          *token,
                                                              const char          *current_password,
                                                              const char          *new_password,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);

JsonNode        *wc_portal_service_otp_secret       (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     GError            **error);
gboolean         wc_portal_service_otp_activate     (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     const char         *otp,
                                                     GError            **error);

JsonNode        *wc_portal_service_list_users       (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     GError            **error);
/* Creating a user and resetting its password make a new initial
 * password, which takes a hash. */
void             wc_portal_service_create_user_async  (WcPortalService     *self,
                                                       WcPortalSession     *session,
                                                       const char          *user_id,
                                                       const char          *display_name,
                                                       const char          *role,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
void             wc_portal_service_reset_password_async (WcPortalService     *self,
                                                         WcPortalSession     *session,
                                                         const char          *user_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* @display_name and @role may be NULL; @disabled is -1 to leave it. */
JsonNode        *wc_portal_service_update_user      (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     const char         *user_id,
                                                     const char         *display_name,
                                                     const char         *role,
                                                     int                 disabled,
                                                     GError            **error);
gboolean         wc_portal_service_delete_user      (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     const char         *user_id,
                                                     GError            **error);
gboolean         wc_portal_service_reset_otp        (WcPortalService    *self,
                                                     WcPortalSession    *session,
                                                     const char         *user_id,
                                                     GError            **error);

/* Finishes every asynchronous call above: the body, NULL for none. */
JsonNode        *wc_portal_service_finish           (WcPortalService     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

gint64           wc_portal_service_get_legacy_closes_at (WcPortalService *self);

/* The policy on a new password (length, letters and digits, not the user
 * ID); the history is checked separately. */
gboolean         wc_portal_password_check_policy    (const char         *password,
                                                     const char         *user_id,
                                                     GError            **error);
/* A first or reset password: 16 characters from the system CSPRNG over
 * letters and digits without look-alikes, with at least one of each. */
char            *wc_portal_service_new_password     (void);
/* NFC, as every password is hashed and compared. */
char            *wc_portal_password_normalize       (const char         *password);

G_END_DECLS
