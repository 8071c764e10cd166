/* wc-login-session.h: the app's hold on one portal, and the only way
 * from a widget to it. It owns what the app knows about that portal and
 * keeps it current, so that every page follows one model:
 *
 *  - "status": the latest GET /status (old-login availability, maintenance
 *    now and ahead, policy). Refreshed at start, every 60 s while someone
 *    watches (the window is visible), on wc_login_session_refresh_status(),
 *    and at once after an answer that signals a change: the old login's
 *    closure (W066000001), maintenance (503) and session errors (401);
 *  - "login": the current login and its restrictions; only the session
 *    writes it (a login, a password change, the end of a session);
 *  - "session-info": the latest GET /session of that login (password ages);
 *  - "users": the merchant's child users, one cache that every change made
 *    through the session updates.
 *
 * Around a login it adds the one-time password made by the built-in
 * authenticator at the moment of sending, and remembering or forgetting
 * the password in the keyring. GLib only, so the flows are tested without
 * a display. */
#pragma once

#include <gio/gio.h>

#include "wc-credential-store.h"
#include "wc-portal-client.h"
#include "wc-token-store.h"

G_BEGIN_DECLS

#define WC_TYPE_LOGIN_SESSION (wc_login_session_get_type ())

G_DECLARE_FINAL_TYPE (WcLoginSession, wc_login_session, WC, LOGIN_SESSION, GObject)

/* A code with fewer seconds left than this is not sent: the next one is,
 * so that it cannot expire on its way to the portal. */
#define WC_LOGIN_SESSION_MIN_SECONDS_LEFT 3
/* How often the status is asked for while someone watches it. */
#define WC_LOGIN_SESSION_STATUS_INTERVAL 60
/* A desktop clock off by more than this many seconds deserves a word. */
#define WC_LOGIN_SESSION_SKEW_WARNING WC_PORTAL_CLIENT_SKEW_WARNING

/* What a login does with the password in the keyring. */
typedef enum {
  WC_LOGIN_REMEMBER_LEAVE,        /* leave what is remembered as it is */
  WC_LOGIN_REMEMBER_SAVE,         /* remember it once the portal accepts it */
  WC_LOGIN_REMEMBER_FORGET,       /* forget any remembered one for this login */
} WcLoginRemember;

/* What the current login must do next before it is a full session. */
typedef enum {
  WC_LOGIN_NEXT_NONE,             /* logged out, or nothing left to do */
  WC_LOGIN_NEXT_CHANGE_PASSWORD,  /* a first, reset or expired password */
  WC_LOGIN_NEXT_SET_UP_KEY,       /* a new login without a key yet */
  WC_LOGIN_NEXT_SWITCH,           /* an old login of a merchant without a key */
} WcLoginNextAction;

/* What is known of the merchant's old (tablet) password. */
typedef enum {
  WC_OLD_PASSWORD_UNKNOWN,        /* not a main user, or not asked yet */
  WC_OLD_PASSWORD_INITIAL,        /* first or reset: the tablet refuses it (T042000006) */
  WC_OLD_PASSWORD_CURRENT,        /* changed, not yet 90 days old */
  WC_OLD_PASSWORD_EXPIRED,        /* more than 90 days old: T042000005 */
} WcOldPasswordState;

WcLoginSession    *wc_login_session_new                (WcPortalClient    *client,
                                                        const char        *portal_id,
                                                        WcTokenStore      *tokens,
                                                        WcCredentialStore *credentials);
/* A session on the portal at @url, trusted by @fingerprint when given
 * (else by the system's authorities); NULL with an error for an address
 * that cannot be used (not https://, say). */
WcLoginSession    *wc_login_session_new_for_portal     (const char        *url,
                                                        const char        *fingerprint,
                                                        const char        *portal_id,
                                                        WcTokenStore      *tokens,
                                                        WcCredentialStore *credentials,
                                                        GError           **error);
/* For core and tests: widgets go through the session's own calls. */
WcPortalClient    *wc_login_session_get_client         (WcLoginSession    *self);
/* What remembered passwords are filed under: the URL, or "demo". */
const char        *wc_login_session_get_portal_id      (WcLoginSession    *self);
WcTokenStore      *wc_login_session_get_token_store    (WcLoginSession    *self);
WcCredentialStore *wc_login_session_get_credential_store (WcLoginSession  *self);
/* The latest /status answer, or NULL before the first one. */
WcPortalStatus    *wc_login_session_get_status         (WcLoginSession    *self);
/* The current login, or NULL when logged out. */
WcPortalLogin     *wc_login_session_get_login          (WcLoginSession    *self);
/* The session still holds the password the current login was made with
 * (or changed to), because that login is not a full one yet: a change
 * or a login again needs no other. */
gboolean           wc_login_session_has_login_password (WcLoginSession    *self);
/* The current login is the merchant's main user's. */
gboolean           wc_login_session_is_main_user       (WcLoginSession    *self);
/* The one rule for what a login must do first. */
WcLoginNextAction  wc_login_session_get_next_action    (WcLoginSession    *self);
/* The login's password is a first or reset one, or has expired. */
gboolean           wc_portal_login_must_change_password (const WcPortalLogin *login);
/* The latest GET /session of the current login, or NULL. */
WcPortalSessionInfo *wc_login_session_get_session_info (WcLoginSession    *self);
WcOldPasswordState wc_login_session_get_old_password_state (WcLoginSession *self);
/* The cached child users (of WcPortalUserInfo), or NULL before the first
 * listing of this login. */
GPtrArray         *wc_login_session_get_users          (WcLoginSession    *self);

/* Portal time. Now, in Unix seconds at the portal's clock: what codes
 * and the portal's dates are measured against. */
gint64             wc_login_session_now                (WcLoginSession    *self);
/* A portal time as a desktop-clock time, for timers and display. */
gint64             wc_login_session_to_local           (WcLoginSession    *self,
                                                        gint64             portal_time);
/* Portal minus desktop clock in microseconds; FALSE before any answer. */
gboolean           wc_login_session_get_clock_offset   (WcLoginSession    *self,
                                                        gint64            *usec);
/* When the login idles out, in desktop Unix seconds, or 0. */
gint64             wc_login_session_get_idle_deadline  (WcLoginSession    *self);

/* While watched (the window is shown), the status is asked for every
 * WC_LOGIN_SESSION_STATUS_INTERVAL seconds. */
void               wc_login_session_set_watched        (WcLoginSession    *self,
                                                        gboolean           watched);
/* Asks for the status now (at most one request at a time); "status"
 * notifies when it arrives, "status-failed" when it cannot be had. */
void               wc_login_session_refresh_status     (WcLoginSession    *self);

void               wc_login_session_refresh_status_async  (WcLoginSession      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
WcPortalStatus    *wc_login_session_refresh_status_finish (WcLoginSession      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* New login. With @otp NULL or empty, the code comes from the built-in
 * authenticator's token for this user, if there is one, made at the
 * moment of sending (after waiting for the next step when this step's
 * code already went out); without a token the login goes without a code,
 * which the portal treats as a first login. @remember says what becomes
 * of the password in the keyring. */
void               wc_login_session_login_async        (WcLoginSession      *self,
                                                        const char          *merchant_code,
                                                        const char          *user_id,
                                                        WcSecret            *password,
                                                        const char          *otp,
                                                        WcLoginRemember      remember,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void               wc_login_session_legacy_login_async (WcLoginSession      *self,
                                                        const char          *merchant_code,
                                                        WcSecret            *password,
                                                        WcLoginRemember      remember,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* A new login again, as the same user with the password the current
 * (restricted) login was made with or changed to, and a fresh code from
 * the built-in authenticator: the way from a first login to a full one
 * without asking for the password again. */
void               wc_login_session_relogin_async      (WcLoginSession      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Finishes any of the logins. */
WcPortalLogin     *wc_login_session_login_finish       (WcLoginSession      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Changes the password of the current login (new or old, whichever it
 * is); a remembered password is replaced by the new one. @current_password
 * may be NULL right after a login through this session, which still
 * holds the password it logged in with. On success the login no longer
 * has to change its password ("login" notifies). */
void               wc_login_session_change_password_async  (WcLoginSession      *self,
                                                            WcSecret            *current_password,
                                                            WcSecret            *new_password,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean           wc_login_session_change_password_finish (WcLoginSession      *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void               wc_login_session_logout_async       (WcLoginSession      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           wc_login_session_logout_finish      (WcLoginSession      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The remembered password, or NULL (no error) when there is none. */
void               wc_login_session_lookup_password_async  (WcLoginSession      *self,
                                                            WcCredentialKind     kind,
                                                            const char          *merchant_code,
                                                            const char          *user_id,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
WcSecret          *wc_login_session_lookup_password_finish (WcLoginSession      *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/* Sets the merchant's old (tablet) password from a main user's full new
 * login, proven by @current_password, the user's own new-login password;
 * the session's details follow. The way to renew it once the old login
 * has closed, and a way before. */
void               wc_login_session_set_tablet_password_async  (WcLoginSession      *self,
                                                                WcSecret            *current_password,
                                                                WcSecret            *new_password,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean           wc_login_session_set_tablet_password_finish (WcLoginSession      *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
/* The merchant's old password is renewed through this login: a main
 * user's full new login, or an old-login session. */
gboolean           wc_login_session_renews_tablet_password (WcLoginSession    *self);

/* The old login's password reset: a temporary password goes to the
 * merchant's registered contact (the demo portal's outbox). */
void               wc_login_session_reset_old_password_async  (WcLoginSession      *self,
                                                               const char          *merchant_code,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean           wc_login_session_reset_old_password_finish (WcLoginSession      *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* GET /session for the current login; "session-info" notifies. */
void               wc_login_session_refresh_session_info_async  (WcLoginSession      *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
WcPortalSessionInfo *wc_login_session_refresh_session_info_finish (WcLoginSession      *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);

/* Account management (a main user's full new login). Every change that
 * succeeds lists the users again, so "users" follows. */
void               wc_login_session_refresh_users_async  (WcLoginSession      *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray         *wc_login_session_refresh_users_finish (WcLoginSession      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void               wc_login_session_create_user_async    (WcLoginSession      *self,
                                                          const char          *user_id,
                                                          const char          *display_name,
                                                          const char          *role,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
void               wc_login_session_reset_user_password_async (WcLoginSession      *self,
                                                               const char          *user_id,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
/* Finishes either of the two above; a reset gives no user. */
WcPortalNewUser   *wc_login_session_new_user_finish      (WcLoginSession      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* @display_name and @role may be NULL; @disabled is -1 to leave it. */
void               wc_login_session_update_user_async    (WcLoginSession      *self,
                                                          const char          *user_id,
                                                          const char          *display_name,
                                                          const char          *role,
                                                          int                  disabled,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
WcPortalUserInfo  *wc_login_session_update_user_finish   (WcLoginSession      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void               wc_login_session_delete_user_async    (WcLoginSession      *self,
                                                          const char          *user_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
void               wc_login_session_reset_user_otp_async (WcLoginSession      *self,
                                                          const char          *user_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* Finishes either of the two above. */
gboolean           wc_login_session_user_change_finish   (WcLoginSession      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* The tablet (iPad) login with @merchant_code and the old password, on a
 * connection of its own so that the current login stays as it is; its
 * session is ended again at once. TRUE when the tablet would get in; the
 * portal's refusal (T042000005, T042000006, …) is the error otherwise. */
void               wc_login_session_check_tablet_async   (WcLoginSession      *self,
                                                          const char          *merchant_code,
                                                          WcSecret            *old_password,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean           wc_login_session_check_tablet_finish  (WcLoginSession      *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Whether the built-in authenticator holds an active key of this user of
 * this merchant: for the main user (@user_id the merchant code), the
 * switch to the new login is done. */
void               wc_login_session_has_key_async      (WcLoginSession      *self,
                                                        const char          *merchant_code,
                                                        const char          *user_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           wc_login_session_has_key_finish     (WcLoginSession      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The token of the built-in authenticator that belongs to this user of
 * this merchant (account "USER@MERCHANT"), or NULL. */
WcToken           *wc_login_session_pick_token         (GPtrArray           *tokens,
                                                        const char          *merchant_code,
                                                        const char          *user_id);
/* The time step whose code is sent at @unix_time with a @period: the
 * current one, or the next one when the current has fewer than
 * WC_LOGIN_SESSION_MIN_SECONDS_LEFT seconds left. The one rule that both
 * the code and any wait for a fresh code follow. */
gint64             wc_login_session_code_step          (gint64               unix_time,
                                                        guint                period);
/* The portal took a code of @token made at @unix_time (a login, an
 * activation): a login that makes its code itself waits for the next step
 * rather than send one the portal already took. */
void               wc_login_session_note_code_sent     (WcLoginSession      *self,
                                                        WcToken             *token,
                                                        gint64               unix_time);
/* The code to send at @unix_time: the code of wc_login_session_code_step(). */
char              *wc_login_session_make_code          (WcToken             *token,
                                                        gint64               unix_time,
                                                        GError             **error);

G_END_DECLS
