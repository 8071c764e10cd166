/* wc-login-session.h: the app's hold on one portal. It keeps the client,
 * the latest /status, and the current login, and adds what the app does
 * around a login: the one-time password made by the built-in
 * authenticator at the moment of sending, and remembered passwords.
 * GLib only, so the flows are tested without a display. */
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

WcLoginSession    *wc_login_session_new                (WcPortalClient    *client,
                                                        const char        *portal_id,
                                                        WcTokenStore      *tokens,
                                                        WcCredentialStore *credentials);
WcPortalClient    *wc_login_session_get_client         (WcLoginSession    *self);
/* What remembered passwords are filed under: the URL, or "demo". */
const char        *wc_login_session_get_portal_id      (WcLoginSession    *self);
WcTokenStore      *wc_login_session_get_token_store    (WcLoginSession    *self);
WcCredentialStore *wc_login_session_get_credential_store (WcLoginSession  *self);
/* The latest /status answer, or NULL before the first one. */
WcPortalStatus    *wc_login_session_get_status         (WcLoginSession    *self);
/* The current login, or NULL when logged out. */
WcPortalLogin     *wc_login_session_get_login          (WcLoginSession    *self);
void               wc_login_session_set_login          (WcLoginSession    *self,
                                                        WcPortalLogin     *login);

void               wc_login_session_refresh_status_async  (WcLoginSession      *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
WcPortalStatus    *wc_login_session_refresh_status_finish (WcLoginSession      *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* New login. With @otp NULL or empty, the code comes from the built-in
 * authenticator's token for this user, if there is one ("otp-filled"
 * says which code was sent); without a token the login goes without a
 * code, which the portal treats as a first login. With @remember the
 * password is saved in the keyring once the portal accepts it. */
void               wc_login_session_login_async        (WcLoginSession      *self,
                                                        const char          *merchant_code,
                                                        const char          *user_id,
                                                        WcSecret            *password,
                                                        const char          *otp,
                                                        gboolean             remember,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
void               wc_login_session_legacy_login_async (WcLoginSession      *self,
                                                        const char          *merchant_code,
                                                        WcSecret            *password,
                                                        gboolean             remember,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* Finishes either login. */
WcPortalLogin     *wc_login_session_login_finish       (WcLoginSession      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Changes the password of the current login (new or old, whichever it
 * is); a remembered password is replaced by the new one. */
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

/* The token of the built-in authenticator that belongs to this user of
 * this merchant (account "USER@MERCHANT"), or NULL. */
WcToken           *wc_login_session_pick_token         (GPtrArray           *tokens,
                                                        const char          *merchant_code,
                                                        const char          *user_id);
/* The code to send at @unix_time: the current one, or the next one when
 * the current has fewer than WC_LOGIN_SESSION_MIN_SECONDS_LEFT left. */
char              *wc_login_session_make_code          (WcToken             *token,
                                                        gint64               unix_time,
                                                        GError             **error);

G_END_DECLS
