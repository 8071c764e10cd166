/* wc-portal-client.h: the app's only way to a portal. One asynchronous
 * call per flow of docs/portal-api.yaml, typed results, every failure a
 * WC_PORTAL_ERROR with a code and a message in the user's language.
 *
 * Trust: the system CA store, or, for a portal with a pinned SHA-256
 * fingerprint (the demo portal), that certificate and no other; http://
 * is refused and there is no way to switch verification off. The bearer
 * token lives in wiped memory only. Each response's Date header refines
 * the measured offset between the desktop's clock and the portal's, so
 * that codes can be made at portal time. */
#pragma once

#include <gio/gio.h>

#include "wc-portal-types.h"

G_BEGIN_DECLS

/* Arrays and objects in an answer nest at most this deep (the contract's
 * answers nest a few levels); a deeper answer is malformed. */
#define WC_PORTAL_CLIENT_MAX_JSON_DEPTH 64
/* A portal's error or maintenance message is cut after this many
 * characters. */
#define WC_PORTAL_CLIENT_MAX_MESSAGE 500


#define WC_TYPE_PORTAL_CLIENT (wc_portal_client_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalClient, wc_portal_client, WC, PORTAL_CLIENT, GObject)

#define WC_PORTAL_CLIENT_MAX_RESPONSE (1024 * 1024)
/* A clock off by more than this (in seconds) deserves a word to the user:
 * codes are still made at portal time, but other sites will refuse them. */
#define WC_PORTAL_CLIENT_SKEW_WARNING 15

/* Why a session ended, as the "session-ended" signal says. */
typedef enum {
  WC_PORTAL_SESSION_END_LOGGED_OUT,   /* wc_portal_client_logout_async() */
  WC_PORTAL_SESSION_END_IDLE,         /* 15 minutes without a request */
  WC_PORTAL_SESSION_END_INVALID,      /* ended by the portal (elsewhere, restart) */
} WcPortalSessionEnd;

/* The local clock, in microseconds since 1970; tests inject a skewed one. */
typedef gint64 (*WcPortalClockFunc) (gpointer user_data);

WcPortalClient *wc_portal_client_new                 (const char         *base_url,
                                                      const char         *fingerprint,
                                                      GError            **error);
const char     *wc_portal_client_get_base_url        (WcPortalClient     *self);
/* The pinned fingerprint, or NULL when the system's authorities are trusted. */
const char     *wc_portal_client_get_fingerprint     (WcPortalClient     *self);
void            wc_portal_client_set_clock_func      (WcPortalClient     *self,
                                                      WcPortalClockFunc   func,
                                                      gpointer            user_data,
                                                      GDestroyNotify      destroy);
void            wc_portal_client_set_skew_correction (WcPortalClient     *self,
                                                      gboolean            enabled);
/* Portal time minus local time, in microseconds, as measured so far. */
gboolean        wc_portal_client_has_clock_offset    (WcPortalClient     *self);
gint64          wc_portal_client_get_clock_offset    (WcPortalClient     *self);
/* Now, in portal time (local time when skew correction is off), in
 * Unix seconds: what one-time passwords must be made for. */
gint64          wc_portal_client_now                 (WcPortalClient     *self);
gboolean        wc_portal_client_is_logged_in        (WcPortalClient     *self);
/* When the session idles out, in local Unix seconds, or 0. */
gint64          wc_portal_client_get_idle_deadline   (WcPortalClient     *self);

void                 wc_portal_client_status_async          (WcPortalClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
WcPortalStatus      *wc_portal_client_status_finish         (WcPortalClient *self, GAsyncResult *result, GError **error);

/* New login; @otp is NULL on a first login. */
void                 wc_portal_client_login_async           (WcPortalClient *self, const char *merchant_code, const char *user_id, const char *password, const char *otp, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_legacy_login_async    (WcPortalClient *self, const char *merchant_code, const char *password, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_tablet_login_async    (WcPortalClient *self, const char *merchant_code, const char *password, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Finishes any of the three logins. */
WcPortalLogin       *wc_portal_client_login_finish          (WcPortalClient *self, GAsyncResult *result, GError **error);

void                 wc_portal_client_legacy_password_reset_async (WcPortalClient *self, const char *merchant_code, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_change_password_async (WcPortalClient *self, const char *current_password, const char *new_password, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* A main user's full new login sets the merchant's old (tablet) password;
 * @current_password is the user's own new-login password. */
void                 wc_portal_client_set_tablet_password_async (WcPortalClient *self, const char *current_password, const char *new_password, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_activate_otp_async    (WcPortalClient *self, const char *otp, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_logout_async          (WcPortalClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_delete_user_async     (WcPortalClient *self, const char *user_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_reset_user_otp_async  (WcPortalClient *self, const char *user_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Finishes any call that answers with no body (the seven above). */
gboolean             wc_portal_client_finish                (WcPortalClient *self, GAsyncResult *result, GError **error);

/* The tablet check, for the app and the CLI alike: a tablet login with
 * @old_password, then a logout. TRUE when the tablet login works; else
 * the login's error (T042000005: more than 90 days old; T042000006: a
 * first or temporary password). The logout's own failure is only
 * logged, but a certificate that no longer matches the pin by then
 * fails the check. */
void                 wc_portal_client_check_tablet_async    (WcPortalClient *self, const char *merchant_code, const WcSecret *old_password, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean             wc_portal_client_check_tablet_finish   (WcPortalClient *self, GAsyncResult *result, GError **error);

void                 wc_portal_client_issue_otp_secret_async  (WcPortalClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
WcPortalOtpOffer    *wc_portal_client_issue_otp_secret_finish (WcPortalClient *self, GAsyncResult *result, GError **error);

void                 wc_portal_client_session_info_async    (WcPortalClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
WcPortalSessionInfo *wc_portal_client_session_info_finish   (WcPortalClient *self, GAsyncResult *result, GError **error);

/* Returns a GPtrArray of WcPortalUserInfo. */
void                 wc_portal_client_list_users_async      (WcPortalClient *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray           *wc_portal_client_list_users_finish     (WcPortalClient *self, GAsyncResult *result, GError **error);

void                 wc_portal_client_create_user_async     (WcPortalClient *self, const char *user_id, const char *display_name, const char *role, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
void                 wc_portal_client_reset_user_password_async (WcPortalClient *self, const char *user_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* Finishes either of the two above; a reset gives no user. */
WcPortalNewUser     *wc_portal_client_new_user_finish       (WcPortalClient *self, GAsyncResult *result, GError **error);

/* @display_name and @role may be NULL; @disabled is -1 to leave it. */
void                 wc_portal_client_update_user_async     (WcPortalClient *self, const char *user_id, const char *display_name, const char *role, int disabled, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
WcPortalUserInfo    *wc_portal_client_update_user_finish    (WcPortalClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
