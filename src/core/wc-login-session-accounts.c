/* wc-login-session-accounts.c: what WcLoginSession knows about the
 * current login's account (see wc-login-session.h): its details from
 * GET /session (password ages, the old password's state), the cached
 * list of child users and the calls that change them, the old login's
 * password reset, and the tablet check.
 *
 * Every change to a user lists the users again before it reports
 * success, so that whoever shows "users" sees the change when the call
 * returns, whichever widget made it. */
#include "wc-login-session-private.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>

#define properties wc_login_session_properties

void
wc_login_session_reset_accounts (WcLoginSession *self)
{
  if (self->login_cancellable != NULL)
    g_cancellable_cancel (self->login_cancellable);
  g_clear_object (&self->login_cancellable);
  if (self->session_info != NULL)
    {
      g_clear_pointer (&self->session_info, wc_portal_session_info_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[WC_LOGIN_SESSION_PROP_SESSION_INFO]);
    }
  if (self->users != NULL)
    {
      g_clear_pointer (&self->users, g_ptr_array_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[WC_LOGIN_SESSION_PROP_USERS]);
    }
}

/* The calls of the current login are cancelled when it changes. */
static GCancellable *
login_cancellable (WcLoginSession *self)
{
  if (self->login_cancellable == NULL)
    self->login_cancellable = g_cancellable_new ();
  return self->login_cancellable;
}

/* A task whose portal call is also cancelled when the login changes. */
static GTask *
account_task_new (WcLoginSession      *self,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static GCancellable *
call_cancellable (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  return cancellable != NULL ? cancellable : login_cancellable (g_task_get_source_object (task));
}

/* Fails @task and lets the session look at the error; TRUE when @error
 * was set. */
static gboolean
task_failed (GTask  *task,
             GError *error)
{
  if (error == NULL)
    return FALSE;
  wc_login_session_note_error (g_task_get_source_object (task), error);
  g_task_return_error (task, error);
  g_object_unref (task);
  return TRUE;
}

/* Session details. */

static void
set_session_info (WcLoginSession            *self,
                  const WcPortalSessionInfo *info)
{
  g_clear_pointer (&self->session_info, wc_portal_session_info_free);
  self->session_info = info != NULL ? wc_portal_session_info_copy (info) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[WC_LOGIN_SESSION_PROP_SESSION_INFO]);
}

WcPortalSessionInfo *
wc_login_session_get_session_info (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->session_info;
}

WcOldPasswordState
wc_login_session_get_old_password_state (WcLoginSession *self)
{
  const WcPortalSessionInfo *info;

  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), WC_OLD_PASSWORD_UNKNOWN);

  info = self->session_info;
  if (info == NULL || info->legacy_password_age_days < 0 || info->legacy_password_changed_at == 0)
    return WC_OLD_PASSWORD_UNKNOWN;
  if (info->legacy_password_must_change)
    return WC_OLD_PASSWORD_INITIAL;
  if (info->legacy_password_expires_at != 0
      && info->legacy_password_expires_at <= wc_login_session_now (self))
    return WC_OLD_PASSWORD_EXPIRED;
  return WC_OLD_PASSWORD_CURRENT;
}

static void
on_session_info (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  WcPortalSessionInfo *info = wc_portal_client_session_info_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (task_failed (task, error))
    return;
  set_session_info (self, info);
  g_task_return_pointer (task, info, (GDestroyNotify) wc_portal_session_info_free);
  g_object_unref (task);
}

void
wc_login_session_refresh_session_info_async (WcLoginSession      *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  task = account_task_new (self, wc_login_session_refresh_session_info_async, cancellable, callback, user_data);
  wc_portal_client_session_info_async (self->client, call_cancellable (task), on_session_info, task);
}

WcPortalSessionInfo *
wc_login_session_refresh_session_info_finish (WcLoginSession  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The session's own request holds no reference: a new login or dispose
 * cancels it, and a cancelled answer touches nothing. */
static void
on_details_fetched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalSessionInfo) info =
    wc_portal_client_session_info_finish (WC_PORTAL_CLIENT (source), result, &error);
  WcLoginSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_LOGIN_SESSION (user_data);
  if (info == NULL)
    {
      /* The details are extras: pages show what they have. */
      g_debug ("No session details: %s", error->message);
      wc_login_session_note_error (self, error);
      return;
    }
  set_session_info (self, info);
}

void
wc_login_session_fetch_details (WcLoginSession *self)
{
  wc_portal_client_session_info_async (self->client, login_cancellable (self), on_details_fetched, self);
}

/* Users. */

GPtrArray *
wc_login_session_get_users (WcLoginSession *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), NULL);
  return self->users;
}

static void
on_users_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  GPtrArray *users = wc_portal_client_list_users_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (task_failed (task, error))
    return;
  g_clear_pointer (&self->users, g_ptr_array_unref);
  self->users = g_ptr_array_ref (users);
  g_object_notify_by_pspec (G_OBJECT (self), properties[WC_LOGIN_SESSION_PROP_USERS]);
  g_task_return_pointer (task, users, (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

void
wc_login_session_refresh_users_async (WcLoginSession      *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  task = account_task_new (self, wc_login_session_refresh_users_async, cancellable, callback, user_data);
  wc_portal_client_list_users_async (self->client, call_cancellable (task), on_users_listed, task);
}

GPtrArray *
wc_login_session_refresh_users_finish (WcLoginSession  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A change succeeded: the list follows, then @task returns what the
 * change gave (the list's own failure does not undo the change). */
static void
on_relisted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = wc_login_session_refresh_users_finish (WC_LOGIN_SESSION (source), result, &error);
  gpointer value = g_task_get_task_data (task);

  if (users == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The users were not listed again: %s", error->message);
  if (value == NULL)
    g_task_return_boolean (task, TRUE);
  else if (g_task_get_source_tag (task) == wc_login_session_update_user_async)
    g_task_return_pointer (task, wc_portal_user_info_copy (value), (GDestroyNotify) wc_portal_user_info_free);
  else
    g_task_return_pointer (task, wc_portal_new_user_copy (value), (GDestroyNotify) wc_portal_new_user_free);
  g_object_unref (task);
}

static void
relist_then_return (GTask          *task,
                    gpointer        value,
                    GDestroyNotify  free_value)
{
  WcLoginSession *self = g_task_get_source_object (task);

  if (value != NULL)
    g_task_set_task_data (task, value, free_value);
  wc_portal_client_list_users_async (self->client, call_cancellable (task), on_users_listed,
                                     account_task_new (self, wc_login_session_refresh_users_async,
                                                       g_task_get_cancellable (task), on_relisted, task));
}

static void
on_new_user (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  WcPortalNewUser *created = wc_portal_client_new_user_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (task_failed (task, error))
    return;
  relist_then_return (task, created, (GDestroyNotify) wc_portal_new_user_free);
}

void
wc_login_session_create_user_async (WcLoginSession      *self,
                                    const char          *user_id,
                                    const char          *display_name,
                                    const char          *role,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (user_id != NULL && role != NULL);

  task = account_task_new (self, wc_login_session_create_user_async, cancellable, callback, user_data);
  wc_portal_client_create_user_async (self->client, user_id, display_name, role, call_cancellable (task),
                                      on_new_user, task);
}

void
wc_login_session_reset_user_password_async (WcLoginSession      *self,
                                            const char          *user_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (user_id != NULL);

  task = account_task_new (self, wc_login_session_reset_user_password_async, cancellable, callback, user_data);
  wc_portal_client_reset_user_password_async (self->client, user_id, call_cancellable (task), on_new_user, task);
}

WcPortalNewUser *
wc_login_session_new_user_finish (WcLoginSession  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_user_updated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  WcPortalUserInfo *user = wc_portal_client_update_user_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (task_failed (task, error))
    return;
  relist_then_return (task, user, (GDestroyNotify) wc_portal_user_info_free);
}

void
wc_login_session_update_user_async (WcLoginSession      *self,
                                    const char          *user_id,
                                    const char          *display_name,
                                    const char          *role,
                                    int                  disabled,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (user_id != NULL);

  task = account_task_new (self, wc_login_session_update_user_async, cancellable, callback, user_data);
  wc_portal_client_update_user_async (self->client, user_id, display_name, role, disabled,
                                      call_cancellable (task), on_user_updated, task);
}

WcPortalUserInfo *
wc_login_session_update_user_finish (WcLoginSession  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_user_changed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error);
  if (task_failed (task, error))
    return;
  relist_then_return (task, NULL, NULL);
}

void
wc_login_session_delete_user_async (WcLoginSession      *self,
                                    const char          *user_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (user_id != NULL);

  task = account_task_new (self, wc_login_session_delete_user_async, cancellable, callback, user_data);
  wc_portal_client_delete_user_async (self->client, user_id, call_cancellable (task), on_user_changed, task);
}

void
wc_login_session_reset_user_otp_async (WcLoginSession      *self,
                                       const char          *user_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (user_id != NULL);

  task = account_task_new (self, wc_login_session_reset_user_otp_async, cancellable, callback, user_data);
  wc_portal_client_reset_user_otp_async (self->client, user_id, call_cancellable (task), on_user_changed, task);
}

gboolean
wc_login_session_user_change_finish (WcLoginSession  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The old login's password reset. */

static void
on_reset_requested (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error);
  if (task_failed (task, error))
    return;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
wc_login_session_reset_old_password_async (WcLoginSession      *self,
                                           const char          *merchant_code,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_reset_old_password_async);
  wc_portal_client_legacy_password_reset_async (self->client, merchant_code, cancellable,
                                                on_reset_requested, task);
}

gboolean
wc_login_session_reset_old_password_finish (WcLoginSession  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The old (tablet) password from the new login. */

gboolean
wc_login_session_renews_tablet_password (WcLoginSession *self)
{
  const WcPortalLogin *login;

  g_return_val_if_fail (WC_IS_LOGIN_SESSION (self), FALSE);

  login = self->login;
  if (login == NULL || login->user == NULL)
    return FALSE;
  if (login->method == WC_PORTAL_LOGIN_METHOD_LEGACY)
    return TRUE;
  return login->method == WC_PORTAL_LOGIN_METHOD_NEW && !login->restricted
         && wc_login_session_is_main_user (self);
}

static void
on_tablet_password_set (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error);
  if (task_failed (task, error))
    return;
  /* The old password's age and state are in the details. */
  wc_login_session_fetch_details (g_task_get_source_object (task));
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
wc_login_session_set_tablet_password_async (WcLoginSession      *self,
                                            WcSecret            *current_password,
                                            WcSecret            *new_password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (current_password != NULL && new_password != NULL);

  task = account_task_new (self, wc_login_session_set_tablet_password_async, cancellable, callback, user_data);
  wc_portal_client_set_tablet_password_async (self->client, wc_secret_get_text (current_password),
                                              wc_secret_get_text (new_password), call_cancellable (task),
                                              on_tablet_password_set, task);
}

gboolean
wc_login_session_set_tablet_password_finish (WcLoginSession  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The tablet check, on a client of its own. */

static void
on_tablet_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!wc_portal_client_check_tablet_finish (WC_PORTAL_CLIENT (source), result, &error))
    {
      task_failed (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
wc_login_session_check_tablet_async (WcLoginSession      *self,
                                     const char          *merchant_code,
                                     WcSecret            *old_password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  g_autoptr(WcPortalClient) client = NULL;
  GError *error = NULL;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL && old_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_check_tablet_async);
  client = wc_portal_client_new (wc_portal_client_get_base_url (self->client),
                                 wc_portal_client_get_fingerprint (self->client), &error);
  if (client == NULL)
    {
      task_failed (task, error);
      return;
    }
  wc_portal_client_check_tablet_async (client, merchant_code, old_password, cancellable, on_tablet_checked, task);
}

gboolean
wc_login_session_check_tablet_finish (WcLoginSession  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
