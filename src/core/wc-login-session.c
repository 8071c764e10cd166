/* wc-login-session.c: the app's hold on one portal (see the header): the
 * object, the login and its restrictions, portal time, logins, password
 * changes, logout and remembered passwords. The status and its watch are
 * in wc-login-session-status.c, the codes sent in wc-login-session-codes.c,
 * session details, users and the tablet in wc-login-session-accounts.c.
 *
 * The code for a new login is made only when the user presses the
 * button, at portal time, so that a slow form never sends a stale code. */
#include "wc-login-session-private.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (WcLoginSession, wc_login_session, G_TYPE_OBJECT)

GParamSpec *wc_login_session_properties[WC_LOGIN_SESSION_N_PROPS];
#define properties wc_login_session_properties
#define PROP_STATUS WC_LOGIN_SESSION_PROP_STATUS
#define PROP_LOGIN WC_LOGIN_SESSION_PROP_LOGIN
#define PROP_SESSION_INFO WC_LOGIN_SESSION_PROP_SESSION_INFO
#define PROP_USERS WC_LOGIN_SESSION_PROP_USERS

guint wc_login_session_signals[WC_LOGIN_SESSION_N_SIGNALS];
#define signals wc_login_session_signals
#define OTP_FILLED WC_LOGIN_SESSION_OTP_FILLED
#define ENDED WC_LOGIN_SESSION_ENDED
#define REMEMBER_FAILED WC_LOGIN_SESSION_REMEMBER_FAILED
#define STATUS_FAILED WC_LOGIN_SESSION_STATUS_FAILED

/* One login or password change in flight. */
typedef struct {
  WcCredentialKind kind;
  char *merchant_code;
  char *user_id;
  WcSecret *password;
  WcSecret *new_password;
  char *otp;
  gboolean remember;
  WcPortalLogin *login;
  WcToken *token;               /* the authenticator's key that makes the code */
  gint64 code_time;             /* when op->otp was made from it */
} Op;

static void
op_free (Op *op)
{
  g_free (op->merchant_code);
  g_free (op->user_id);
  g_clear_pointer (&op->password, wc_secret_unref);
  g_clear_pointer (&op->new_password, wc_secret_unref);
  if (op->otp != NULL)
    wc_secure_str_free (op->otp);
  g_clear_pointer (&op->login, wc_portal_login_free);
  g_clear_object (&op->token);
  g_free (op);
}

static void set_login (WcLoginSession *self, const WcPortalLogin *login);

static void
on_session_ended (WcPortalClient     *client,
                  WcPortalSessionEnd  reason,
                  WcLoginSession     *self)
{
  set_login (self, NULL);
  g_signal_emit (self, signals[ENDED], 0, (int) reason);
  /* The portal ended it: a restart or a maintenance may be why. */
  if (reason == WC_PORTAL_SESSION_END_INVALID)
    wc_login_session_refresh_status (self);
}

static void
wc_login_session_dispose (GObject *object)
{
  WcLoginSession *self = WC_LOGIN_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->login_cancellable != NULL)
    g_cancellable_cancel (self->login_cancellable);
  g_clear_handle_id (&self->status_source, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->tokens);
  g_clear_object (&self->credentials);
  G_OBJECT_CLASS (wc_login_session_parent_class)->dispose (object);
}

static void
wc_login_session_finalize (GObject *object)
{
  WcLoginSession *self = WC_LOGIN_SESSION (object);

  g_free (self->portal_id);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->login_cancellable);
  g_clear_pointer (&self->status, wc_portal_status_free);
  g_clear_pointer (&self->login, wc_portal_login_free);
  g_clear_pointer (&self->login_password, wc_secret_unref);
  g_clear_pointer (&self->session_info, wc_portal_session_info_free);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->sent_steps, g_hash_table_unref);
  G_OBJECT_CLASS (wc_login_session_parent_class)->finalize (object);
}

static void
wc_login_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WcLoginSession *self = WC_LOGIN_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_boxed (value, self->status);
      break;
    case PROP_LOGIN:
      g_value_set_boxed (value, self->login);
      break;
    case PROP_SESSION_INFO:
      g_value_set_boxed (value, self->session_info);
      break;
    case PROP_USERS:
      g_value_set_boxed (value, self->users);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_login_session_class_init (WcLoginSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_login_session_dispose;
  object_class->finalize = wc_login_session_finalize;
  object_class->get_property = wc_login_session_get_property;

  properties[PROP_STATUS] =
    g_param_spec_boxed ("status", NULL, NULL, WC_TYPE_PORTAL_STATUS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN] =
    g_param_spec_boxed ("login", NULL, NULL, WC_TYPE_PORTAL_LOGIN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_INFO] =
    g_param_spec_boxed ("session-info", NULL, NULL, WC_TYPE_PORTAL_SESSION_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERS] =
    g_param_spec_boxed ("users", NULL, NULL, G_TYPE_PTR_ARRAY,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, WC_LOGIN_SESSION_N_PROPS, properties);

  /* The code the authenticator made for a login, as it was sent. */
  signals[OTP_FILLED] =
    g_signal_new ("otp-filled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The login ended: a WcPortalSessionEnd. */
  signals[ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* A login succeeded but its password could not be remembered. */
  signals[REMEMBER_FAILED] =
    g_signal_new ("remember-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The status could not be had (the portal is unreachable, say). */
  signals[STATUS_FAILED] =
    g_signal_new ("status-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wc_login_session_init (WcLoginSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->status_interval = WC_LOGIN_SESSION_STATUS_INTERVAL;
  self->sent_steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

WcLoginSession *
wc_login_session_new (WcPortalClient    *client,
                      const char        *portal_id,
                      WcTokenStore      *tokens,
                      WcCredentialStore *credentials)
{
  WcLoginSession *self;

  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (client), NULL);
  g_return_val_if_fail (portal_id != NULL, NULL);
  g_return_val_if_fail (WC_IS_TOKEN_STORE (tokens), NULL);
  g_return_val_if_fail (WC_IS_CREDENTIAL_STORE (credentials), NULL);

  self = g_object_new (WC_TYPE_LOGIN_SESSION, NULL);
  self->client = g_object_ref (client);
  self->portal_id = g_strdup (portal_id);
  self->tokens = g_object_ref (tokens);
  self->credentials = g_object_ref (credentials);
  g_signal_connect (client, "session-ended", G_CALLBACK (on_session_ended), self);
  return self;
}

WcLoginSession *
wc_login_session_new_for_portal (const char         *url,
                                 const char         *fingerprint,
                                 const char         *portal_id,
                                 WcTokenStore       *tokens,
                                 WcCredentialStore  *credentials,
                                 GError            **error)
{
  g_autoptr(WcPortalClient) client = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  client = wc_portal_client_new (url, fingerprint != NULL && *fingerprint != '\0' ? fingerprint : NULL, error);
  if (client == NULL)
    return NULL;
  return wc_login_session_new (client, portal_id, tokens, credentials);
}

WcPortalClient *
wc_login_session_get_client (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->client;
}

const char *
wc_login_session_get_portal_id (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->portal_id;
}

WcTokenStore *
wc_login_session_get_token_store (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->tokens;
}

WcCredentialStore *
wc_login_session_get_credential_store (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->credentials;
}

WcPortalStatus *
wc_login_session_get_status (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->status;
}

WcPortalLogin *
wc_login_session_get_login (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->login;
}

/* The only writer of the login. */
static void
set_login (WcLoginSession      *self,
           const WcPortalLogin *login)
{
  if (login == NULL && self->login == NULL)
    return;
  g_clear_pointer (&self->login, wc_portal_login_free);
  if (login != NULL)
    self->login = wc_portal_login_copy (login);
  /* Kept only while the login is not yet a full one. */
  if (self->login == NULL || (!self->login->restricted && !wc_portal_login_must_change_password (self->login)))
    g_clear_pointer (&self->login_password, wc_secret_unref);
  wc_login_session_reset_accounts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN]);
  if (self->login != NULL)
    wc_login_session_fetch_details (self);
}

/* Restrictions: the one place that reads them. */

gboolean
wc_login_session_is_main_user (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), FALSE);
  return self->login != NULL && self->login->user != NULL
         && (g_strcmp0 (self->login->user->role, "main") == 0
             || g_strcmp0 (self->login->user->user_id, self->login->user->merchant_code) == 0);
}

gboolean
wc_login_session_has_login_password (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), FALSE);
  return self->login_password != NULL;
}

gboolean
wc_portal_login_must_change_password (const WcPortalLogin *login)
{
  g_return_val_if_fail (login != NULL, FALSE);
  return login->must_change_password
         || (login->required_actions != NULL
             && g_strv_contains ((const char * const *) login->required_actions, "change_password"));
}

WcLoginNextAction
wc_login_session_get_next_action (WcLoginSession *self)
{
  const WcPortalLogin *login;

  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), WC_LOGIN_NEXT_NONE);

  login = self->login;
  if (login == NULL || login->user == NULL)
    return WC_LOGIN_NEXT_NONE;
  if (wc_portal_login_must_change_password (login))
    return WC_LOGIN_NEXT_CHANGE_PASSWORD;
  if (login->method == WC_PORTAL_LOGIN_METHOD_NEW && !login->otp_enrolled)
    return WC_LOGIN_NEXT_SET_UP_KEY;
  if (login->method == WC_PORTAL_LOGIN_METHOD_LEGACY && !login->otp_enrolled)
    return WC_LOGIN_NEXT_SWITCH;
  return WC_LOGIN_NEXT_NONE;
}

/* The login as it is once its password changed. */
static WcPortalLogin *
login_after_change (const WcPortalLogin *login)
{
  WcPortalLogin *changed = wc_portal_login_copy (login);
  g_autoptr(GStrvBuilder) actions = g_strv_builder_new ();

  changed->must_change_password = FALSE;
  changed->password_expires_at = 0;
  for (guint i = 0; changed->required_actions != NULL && changed->required_actions[i] != NULL; i++)
    if (g_strcmp0 (changed->required_actions[i], "change_password") != 0)
      g_strv_builder_add (actions, changed->required_actions[i]);
  g_strfreev (changed->required_actions);
  changed->required_actions = g_strv_builder_end (actions);
  return changed;
}

/* Portal time. */

gint64
wc_login_session_now (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), 0);
  return wc_portal_client_now (self->client);
}

gint64
wc_login_session_to_local (WcLoginSession *self,
                           gint64          portal_time)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), portal_time);
  return portal_time - wc_portal_client_get_clock_offset (self->client) / G_USEC_PER_SEC;
}

gboolean
wc_login_session_get_clock_offset (WcLoginSession *self,
                                   gint64         *usec)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), FALSE);

  if (!wc_portal_client_has_clock_offset (self->client))
    {
      if (usec != NULL)
        *usec = 0;
      return FALSE;
    }
  if (usec != NULL)
    *usec = wc_portal_client_get_clock_offset (self->client);
  return TRUE;
}

gint64
wc_login_session_get_idle_deadline (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), 0);
  return self->login != NULL ? wc_portal_client_get_idle_deadline (self->client) : 0;
}

/* Logins. */

static void
on_password_remembered (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(WcLoginSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_credential_store_save_finish (WC_CREDENTIAL_STORE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[REMEMBER_FAILED], 0, error);
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(WcPortalLogin) login = wc_portal_client_login_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (login == NULL)
    {
      wc_login_session_note_error (self, error);
      g_task_return_error (task, error);
      return;
    }

  /* The login stands even if the keyring then fails: that failure is
   * reported on its own. */
  if (op->remember)
    wc_credential_store_save_async (self->credentials, self->portal_id, op->kind,
                                    op->merchant_code, op->user_id, op->password,
                                    NULL, on_password_remembered, g_object_ref (self));
  /* The portal took the code (it checks one only once the user has a
   * key): it is not sent again. */
  if (op->token != NULL && login->otp_enrolled)
    wc_login_session_note_code_sent (self, op->token, op->code_time);
  g_clear_pointer (&self->login_password, wc_secret_unref);
  if (login->restricted || wc_portal_login_must_change_password (login))
    self->login_password = wc_secret_ref (op->password);
  set_login (self, login);
  g_task_return_pointer (task, g_steal_pointer (&login), (GDestroyNotify) wc_portal_login_free);
}

static void
send_login (GTask *task)
{
  WcLoginSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (op->kind == WC_CREDENTIAL_KIND_LEGACY)
    wc_portal_client_legacy_login_async (self->client, op->merchant_code,
                                         wc_secret_get_text (op->password),
                                         g_task_get_cancellable (task), on_logged_in, task);
  else
    wc_portal_client_login_async (self->client, op->merchant_code, op->user_id,
                                  wc_secret_get_text (op->password), op->otp,
                                  g_task_get_cancellable (task), on_logged_in, task);
}

static void send_with_code (GTask *task);

static gboolean
on_code_step_passed (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_return_error_if_cancelled (task))
    send_with_code (task);
  else
    g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Makes the code from op->token at the moment of sending, once it is one
 * the portal has not taken yet. */
static void
send_with_code (GTask *task)
{
  WcLoginSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 now = wc_portal_client_now (self->client);
  guint wait = wc_login_session_seconds_to_fresh_code (self, op->token, now);

  if (wait > 0)
    {
      g_timeout_add_seconds (wait, on_code_step_passed, task);
      return;
    }
  op->otp = wc_login_session_make_code (op->token, now, &error);
  if (op->otp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  op->code_time = now;
  g_signal_emit (self, signals[OTP_FILLED], 0, op->otp);
  send_login (task);
}

static void
on_tokens_for_login (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  WcToken *token;

  if (tokens == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("The one-time password could not be made: %s Type the code from another device, or fix the keyring and try again."),
                               error->message);
      g_object_unref (task);
      return;
    }

  token = wc_login_session_pick_token (tokens, op->merchant_code, op->user_id);
  if (token == NULL)
    {
      send_login (task);
      return;
    }
  op->token = g_object_ref (token);
  send_with_code (task);
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Best effort: an item that cannot be cleared now stays as it was. */
  if (!wc_credential_store_forget_finish (WC_CREDENTIAL_STORE (source), result, &error))
    g_debug ("Could not forget a password: %s", error->message);
}

/* The task of a login of either kind, holding what the login and then
 * remembering the password need; @user_id is NULL for the old login. */
static GTask *
login_task_new (WcLoginSession      *self,
                WcCredentialKind     kind,
                const char          *merchant_code,
                const char          *user_id,
                WcSecret            *password,
                WcLoginRemember      remember,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->kind = kind;
  op->merchant_code = g_strdup (merchant_code);
  op->user_id = g_strdup (user_id);
  op->password = wc_secret_ref (password);
  op->remember = remember == WC_LOGIN_REMEMBER_SAVE;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  /* Not remembering means keeping nothing, also from an earlier login. */
  if (remember == WC_LOGIN_REMEMBER_FORGET)
    wc_credential_store_forget_async (self->credentials, self->portal_id, kind, merchant_code, user_id,
                                      NULL, on_forgotten, NULL);
  return task;
}

void
wc_login_session_login_async (WcLoginSession      *self,
                              const char          *merchant_code,
                              const char          *user_id,
                              WcSecret            *password,
                              const char          *otp,
                              WcLoginRemember      remember,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL && user_id != NULL && password != NULL);

  task = login_task_new (self, WC_CREDENTIAL_KIND_NEW, merchant_code, user_id, password, remember,
                         wc_login_session_login_async, cancellable, callback, user_data);
  op = g_task_get_task_data (task);
  if (otp != NULL && *otp != '\0')
    {
      op->otp = g_strdup (otp);
      send_login (task);
    }
  else
    wc_token_store_list_async (self->tokens, cancellable, on_tokens_for_login, task);
}

void
wc_login_session_relogin_async (WcLoginSession      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  if (self->login == NULL || self->login->user == NULL || self->login_password == NULL
      || self->login->method != WC_PORTAL_LOGIN_METHOD_NEW)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, wc_login_session_login_async);
      g_task_return_new_error (task, WC_PORTAL_ERROR, WC_PORTAL_ERROR_NOT_LOGGED_IN,
                               _("Log in again with your password."));
      g_object_unref (task);
      return;
    }
  wc_login_session_login_async (self, self->login->user->merchant_code, self->login->user->user_id,
                                self->login_password, NULL, WC_LOGIN_REMEMBER_LEAVE, cancellable, callback, user_data);
}

void
wc_login_session_legacy_login_async (WcLoginSession      *self,
                                     const char          *merchant_code,
                                     WcSecret            *password,
                                     WcLoginRemember      remember,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL && password != NULL);

  send_login (login_task_new (self, WC_CREDENTIAL_KIND_LEGACY, merchant_code, NULL, password,
                              remember, wc_login_session_legacy_login_async,
                              cancellable, callback, user_data));
}

WcPortalLogin *
wc_login_session_login_finish (WcLoginSession  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Password change. */

static void
on_remembered_for_change (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) remembered =
    wc_credential_store_lookup_finish (WC_CREDENTIAL_STORE (source), result, &error);

  /* Only a password that was remembered is replaced; none is added. */
  if (remembered != NULL)
    wc_credential_store_save_async (self->credentials, self->portal_id, op->kind,
                                    op->merchant_code, op->user_id, op->new_password,
                                    NULL, on_password_remembered, g_object_ref (self));
  else if (error != NULL)
    g_signal_emit (self, signals[REMEMBER_FAILED], 0, error);
  g_task_return_boolean (task, TRUE);
}

static void
on_password_changed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error))
    {
      wc_login_session_note_error (self, error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* The one place that lifts the restriction the change was for. */
  g_clear_pointer (&self->login_password, wc_secret_unref);
  self->login_password = wc_secret_ref (op->new_password);
  if (self->login != NULL)
    {
      g_autoptr(WcPortalLogin) changed = login_after_change (self->login);

      set_login (self, changed);
    }
  wc_credential_store_lookup_async (self->credentials, self->portal_id, op->kind,
                                    op->merchant_code, op->user_id,
                                    NULL, on_remembered_for_change, task);
}

void
wc_login_session_change_password_async (WcLoginSession      *self,
                                        WcSecret            *current_password,
                                        WcSecret            *new_password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  Op *op;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (new_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_change_password_async);
  if (current_password == NULL)
    current_password = self->login_password;
  if (self->login == NULL || current_password == NULL)
    {
      g_task_return_new_error (task, WC_PORTAL_ERROR, WC_PORTAL_ERROR_NOT_LOGGED_IN,
                               _("You are not logged in."));
      g_object_unref (task);
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = self->login->method == WC_PORTAL_LOGIN_METHOD_NEW
             ? WC_CREDENTIAL_KIND_NEW : WC_CREDENTIAL_KIND_LEGACY;
  op->merchant_code = g_strdup (self->login->user->merchant_code);
  op->user_id = op->kind == WC_CREDENTIAL_KIND_NEW ? g_strdup (self->login->user->user_id) : NULL;
  op->new_password = wc_secret_ref (new_password);
  op->password = wc_secret_ref (current_password);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  wc_portal_client_change_password_async (self->client,
                                          wc_secret_get_text (op->password),
                                          wc_secret_get_text (new_password),
                                          cancellable, on_password_changed, task);
}

gboolean
wc_login_session_change_password_finish (WcLoginSession  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Logout. */

static void
on_logout (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* The client ends the session either way; "ended" has been emitted. */
  if (!wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
wc_login_session_logout_async (WcLoginSession      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_logout_async);
  wc_portal_client_logout_async (self->client, cancellable, on_logout, task);
}

gboolean
wc_login_session_logout_finish (WcLoginSession  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Remembered passwords. */

static void
on_password_found (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  WcSecret *password = wc_credential_store_lookup_finish (WC_CREDENTIAL_STORE (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, (GDestroyNotify) wc_secret_unref);
}

void
wc_login_session_lookup_password_async (WcLoginSession      *self,
                                        WcCredentialKind     kind,
                                        const char          *merchant_code,
                                        const char          *user_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_lookup_password_async);
  wc_credential_store_lookup_async (self->credentials, self->portal_id, kind, merchant_code,
                                    kind == WC_CREDENTIAL_KIND_NEW ? user_id : NULL,
                                    cancellable, on_password_found, task);
}

WcSecret *
wc_login_session_lookup_password_finish (WcLoginSession  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
