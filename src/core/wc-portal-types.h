/* wc-portal-types.h: what WcPortalClient hands back, as small boxed
 * types rather than JSON. Times are Unix seconds in portal time, 0 when
 * the portal gave none. Secrets (keys, initial passwords) stay in
 * WcSecret buffers that are wiped when freed. */
#pragma once

#include <glib-object.h>

#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_USER_INFO (wc_portal_user_info_get_type ())
#define WC_TYPE_PORTAL_STATUS (wc_portal_status_get_type ())
#define WC_TYPE_PORTAL_LOGIN (wc_portal_login_get_type ())
#define WC_TYPE_PORTAL_SESSION_INFO (wc_portal_session_info_get_type ())
#define WC_TYPE_PORTAL_OTP_OFFER (wc_portal_otp_offer_get_type ())
#define WC_TYPE_PORTAL_NEW_USER (wc_portal_new_user_get_type ())

typedef struct {
  char *merchant_code;
  char *user_id;
  char *display_name;
  char *role;                   /* "main", "general" or "shipping" */
  /* The members below are only in user lists, not in login answers. */
  gboolean disabled;
  gboolean otp_enrolled;
  gboolean must_change_password;
  gint64 locked_until;
  gint64 created_at;
  gint64 password_changed_at;
} WcPortalUserInfo;

typedef struct {
  gint64 starts_at;
  gint64 ends_at;
  char *message;
  char *message_ja;
} WcPortalMaintenanceWindow;

typedef struct {
  char *name;
  char *api_version;
  gint64 time;
  gboolean old_login_available;
  gint64 old_login_closes_at;
  gboolean maintenance_active;
  gint64 maintenance_ends_at;
  GPtrArray *windows;           /* of WcPortalMaintenanceWindow */
  char *support_name;
  char *support_email;
  char *support_phone;
  char *support_hours;
  guint password_min_length;
  guint password_max_length;
  guint password_history;
  guint password_max_age_days;
  guint lockout_attempts;
  guint lockout_minutes;
  guint idle_timeout_minutes;
} WcPortalStatus;

typedef enum {
  WC_PORTAL_LOGIN_METHOD_NEW,
  WC_PORTAL_LOGIN_METHOD_LEGACY,
  WC_PORTAL_LOGIN_METHOD_TABLET,
} WcPortalLoginMethod;

typedef struct {
  WcPortalLoginMethod method;
  gboolean restricted;
  gboolean must_change_password;
  gboolean otp_enrolled;
  WcPortalUserInfo *user;
  GStrv scopes;
  GStrv required_actions;       /* "change_password", "enroll_otp" */
  gint64 password_expires_at;
  guint idle_timeout_seconds;
} WcPortalLogin;

typedef struct {
  WcPortalLoginMethod method;
  WcPortalUserInfo *user;
  gboolean restricted;
  GStrv scopes;
  GStrv required_actions;
  gboolean must_change_password;
  gboolean otp_enrolled;
  guint idle_seconds_left;
  guint idle_timeout_seconds;
  gint64 created_at;
  gint64 password_changed_at;
  guint password_age_days;
  gint64 legacy_password_changed_at;   /* 0 for general and shipping users */
  int legacy_password_age_days;        /* -1 for general and shipping users */
  gint64 legacy_password_expires_at;
  gboolean legacy_password_must_change; /* a first or reset password: the tablet refuses it */
} WcPortalSessionInfo;

/* A new, pending one-time-password key. */
typedef struct {
  WcSecret *secret;             /* base32 */
  WcSecret *otpauth_uri;
  char *algorithm;
  guint digits;
  guint period;
  char *issuer;
  char *account;
  gint64 expires_at;
} WcPortalOtpOffer;

typedef struct {
  WcPortalUserInfo *user;       /* NULL after a password reset */
  WcSecret *initial_password;
} WcPortalNewUser;

GType                 wc_portal_user_info_get_type    (void) G_GNUC_CONST;
WcPortalUserInfo     *wc_portal_user_info_copy        (const WcPortalUserInfo    *info);
void                  wc_portal_user_info_free        (WcPortalUserInfo          *info);

GType                 wc_portal_status_get_type       (void) G_GNUC_CONST;
WcPortalStatus       *wc_portal_status_copy           (const WcPortalStatus      *status);
void                  wc_portal_status_free           (WcPortalStatus            *status);
void                  wc_portal_maintenance_window_free (WcPortalMaintenanceWindow *window);

GType                 wc_portal_login_get_type        (void) G_GNUC_CONST;
WcPortalLogin        *wc_portal_login_copy            (const WcPortalLogin       *login);
void                  wc_portal_login_free            (WcPortalLogin             *login);

GType                 wc_portal_session_info_get_type (void) G_GNUC_CONST;
WcPortalSessionInfo  *wc_portal_session_info_copy     (const WcPortalSessionInfo *info);
void                  wc_portal_session_info_free     (WcPortalSessionInfo       *info);

GType                 wc_portal_otp_offer_get_type    (void) G_GNUC_CONST;
WcPortalOtpOffer     *wc_portal_otp_offer_copy        (const WcPortalOtpOffer    *offer);
void                  wc_portal_otp_offer_free        (WcPortalOtpOffer          *offer);

GType                 wc_portal_new_user_get_type     (void) G_GNUC_CONST;
WcPortalNewUser      *wc_portal_new_user_copy         (const WcPortalNewUser     *new_user);
void                  wc_portal_new_user_free         (WcPortalNewUser           *new_user);

const char           *wc_portal_login_method_to_string (WcPortalLoginMethod       method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalUserInfo, wc_portal_user_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalStatus, wc_portal_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalLogin, wc_portal_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalSessionInfo, wc_portal_session_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalOtpOffer, wc_portal_otp_offer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WcPortalNewUser, wc_portal_new_user_free)

G_END_DECLS
