/* wc-portal-client-flows.c: each flow of the portal API contract as an
 * async call of WcPortalClient: its method, path, JSON body and what it
 * reads from the answer. The transport is wc-portal-client.c. */
#include "wc-portal-client-private.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>

#include "wc-error.h"
#include "wc-portal-reader.h"

static char *
body_of (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
add_member (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* A JSON object of @n_members name and string value pairs; a pair whose
 * value is NULL is left out. */
static char *
json_body (guint n_members,
           ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, n_members);
  for (guint i = 0; i < n_members; i++)
    {
      const char *name = va_arg (args, const char *);
      const char *value = va_arg (args, const char *);

      add_member (builder, name, value);
    }
  va_end (args);
  json_builder_end_object (builder);
  return body_of (builder);
}

void
wc_portal_client_status_async (WcPortalClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  wc_portal_client_start_call (self, "GET", "/status", NULL, 0, wc_portal_read_status, (GDestroyNotify) wc_portal_status_free,
                               wc_portal_client_status_async, cancellable, callback, user_data);
}

static gpointer
propagate (WcPortalClient  *self,
           GAsyncResult    *result,
           gpointer         tag,
           GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, tag), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

WcPortalStatus *
wc_portal_client_status_finish (WcPortalClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return propagate (self, result, wc_portal_client_status_async, error);
}

static void
start_login (WcPortalClient      *self,
             const char          *path,
             const char          *merchant_code,
             const char          *user_id,
             const char          *password,
             const char          *otp,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  wc_portal_client_start_call (self, "POST", path,
                               json_body (4, "merchant_code", merchant_code, "user_id", user_id, "password", password, "otp", otp),
                               CALL_LOGIN, NULL,
                               (GDestroyNotify) wc_portal_login_free, wc_portal_client_login_finish, cancellable, callback, user_data);
}

void
wc_portal_client_login_async (WcPortalClient      *self,
                              const char          *merchant_code,
                              const char          *user_id,
                              const char          *password,
                              const char          *otp,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  g_return_if_fail (merchant_code != NULL && user_id != NULL && password != NULL);
  start_login (self, "/login", merchant_code, user_id, password, otp, cancellable, callback, user_data);
}

void
wc_portal_client_legacy_login_async (WcPortalClient      *self,
                                     const char          *merchant_code,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  g_return_if_fail (merchant_code != NULL && password != NULL);
  start_login (self, "/legacy/login", merchant_code, NULL, password, NULL, cancellable, callback, user_data);
}

void
wc_portal_client_tablet_login_async (WcPortalClient      *self,
                                     const char          *merchant_code,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  g_return_if_fail (merchant_code != NULL && password != NULL);
  start_login (self, "/tablet/login", merchant_code, NULL, password, NULL, cancellable, callback, user_data);
}

WcPortalLogin *
wc_portal_client_login_finish (WcPortalClient  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return propagate (self, result, wc_portal_client_login_finish, error);
}

void
wc_portal_client_legacy_password_reset_async (WcPortalClient      *self,
                                              const char          *merchant_code,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  wc_portal_client_start_call (self, "POST", "/legacy/password-reset", json_body (1, "merchant_code", merchant_code), 0, NULL, NULL,
                               wc_portal_client_finish, cancellable, callback, user_data);
}

void
wc_portal_client_change_password_async (WcPortalClient      *self,
                                        const char          *current_password,
                                        const char          *new_password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  wc_portal_client_start_call (self, "POST", "/password", json_body (2, "current_password", current_password, "new_password", new_password), CALL_WITH_SESSION | CALL_RENEWS, NULL, NULL,
                               wc_portal_client_finish, cancellable, callback, user_data);
}

void
wc_portal_client_set_tablet_password_async (WcPortalClient      *self,
                                            const char          *current_password,
                                            const char          *new_password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  wc_portal_client_start_call (self, "POST", "/tablet/password", json_body (2, "current_password", current_password, "new_password", new_password), CALL_WITH_SESSION | CALL_RENEWS, NULL, NULL,
                               wc_portal_client_finish, cancellable, callback, user_data);
}

void
wc_portal_client_activate_otp_async (WcPortalClient      *self,
                                     const char          *otp,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  wc_portal_client_start_call (self, "POST", "/otp/activate", json_body (1, "otp", otp), CALL_WITH_SESSION | CALL_RENEWS, NULL, NULL,
                               wc_portal_client_finish, cancellable, callback, user_data);
}

static void
on_logged_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcPortalClient *self = g_task_get_source_object (task);

  g_task_propagate_boolean (G_TASK (result), &error);
  /* Logged out either way: an ended session is as good as a logout. */
  wc_portal_client_end_session (self, WC_PORTAL_SESSION_END_LOGGED_OUT);
  if (error != NULL && !g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_SESSION_ENDED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
wc_portal_client_logout_async (WcPortalClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, wc_portal_client_finish);
  if (!wc_portal_client_is_logged_in (self))
    {
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  wc_portal_client_start_call (self, "POST", "/logout", NULL, CALL_WITH_SESSION | CALL_LOGOUT, NULL, NULL, wc_portal_client_logout_async,
                               cancellable, on_logged_out, outer);
}

gboolean
wc_portal_client_finish (WcPortalClient  *self,
                         GAsyncResult    *result,
                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_portal_client_finish), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wc_portal_client_issue_otp_secret_async (WcPortalClient      *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  wc_portal_client_start_call (self, "POST", "/otp/secret", NULL, CALL_WITH_SESSION | CALL_RENEWS, wc_portal_read_otp_offer,
                               (GDestroyNotify) wc_portal_otp_offer_free, wc_portal_client_issue_otp_secret_async,
                               cancellable, callback, user_data);
}

WcPortalOtpOffer *
wc_portal_client_issue_otp_secret_finish (WcPortalClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return propagate (self, result, wc_portal_client_issue_otp_secret_async, error);
}

void
wc_portal_client_session_info_async (WcPortalClient      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  /* GET /session does not renew the idle timer; it says how much is left. */
  wc_portal_client_start_call (self, "GET", "/session", NULL, CALL_WITH_SESSION | CALL_IDLE_FROM_ANSWER, wc_portal_read_session_info,
                               (GDestroyNotify) wc_portal_session_info_free, wc_portal_client_session_info_async,
                               cancellable, callback, user_data);
}

WcPortalSessionInfo *
wc_portal_client_session_info_finish (WcPortalClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return propagate (self, result, wc_portal_client_session_info_async, error);
}

void
wc_portal_client_list_users_async (WcPortalClient      *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  wc_portal_client_start_call (self, "GET", "/users", NULL, CALL_WITH_SESSION | CALL_RENEWS, wc_portal_read_users, (GDestroyNotify) g_ptr_array_unref,
                               wc_portal_client_list_users_async, cancellable, callback, user_data);
}

GPtrArray *
wc_portal_client_list_users_finish (WcPortalClient  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  return propagate (self, result, wc_portal_client_list_users_async, error);
}

static char *
user_path (const char *user_id,
           const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (user_id, NULL, FALSE);

  return g_strconcat ("/users/", escaped, suffix, NULL);
}

void
wc_portal_client_create_user_async (WcPortalClient      *self,
                                    const char          *user_id,
                                    const char          *display_name,
                                    const char          *role,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  wc_portal_client_start_call (self, "POST", "/users", json_body (3, "user_id", user_id, "display_name", display_name, "role", role), CALL_WITH_SESSION | CALL_RENEWS, wc_portal_read_new_user,
                               (GDestroyNotify) wc_portal_new_user_free, wc_portal_client_new_user_finish,
                               cancellable, callback, user_data);
}

void
wc_portal_client_reset_user_password_async (WcPortalClient      *self,
                                            const char          *user_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  path = user_path (user_id, "/password-reset");
  wc_portal_client_start_call (self, "POST", path, NULL, CALL_WITH_SESSION | CALL_RENEWS, wc_portal_read_new_user, (GDestroyNotify) wc_portal_new_user_free,
                               wc_portal_client_new_user_finish, cancellable, callback, user_data);
}

WcPortalNewUser *
wc_portal_client_new_user_finish (WcPortalClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return propagate (self, result, wc_portal_client_new_user_finish, error);
}

void
wc_portal_client_update_user_async (WcPortalClient      *self,
                                    const char          *user_id,
                                    const char          *display_name,
                                    const char          *role,
                                    int                  disabled,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *path = NULL;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  json_builder_begin_object (builder);
  add_member (builder, "display_name", display_name);
  add_member (builder, "role", role);
  if (disabled >= 0)
    {
      json_builder_set_member_name (builder, "disabled");
      json_builder_add_boolean_value (builder, disabled != 0);
    }
  json_builder_end_object (builder);
  path = user_path (user_id, "");
  wc_portal_client_start_call (self, "PATCH", path, body_of (builder), CALL_WITH_SESSION | CALL_RENEWS, wc_portal_read_user,
                               (GDestroyNotify) wc_portal_user_info_free, wc_portal_client_update_user_async,
                               cancellable, callback, user_data);
}

WcPortalUserInfo *
wc_portal_client_update_user_finish (WcPortalClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return propagate (self, result, wc_portal_client_update_user_async, error);
}

void
wc_portal_client_delete_user_async (WcPortalClient      *self,
                                    const char          *user_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  path = user_path (user_id, "");
  wc_portal_client_start_call (self, "DELETE", path, NULL, CALL_WITH_SESSION | CALL_RENEWS, NULL, NULL, wc_portal_client_finish,
                               cancellable, callback, user_data);
}

void
wc_portal_client_reset_user_otp_async (WcPortalClient      *self,
                                       const char          *user_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  path = user_path (user_id, "/otp-reset");
  wc_portal_client_start_call (self, "POST", path, NULL, CALL_WITH_SESSION | CALL_RENEWS, NULL, NULL, wc_portal_client_finish,
                               cancellable, callback, user_data);
}

static void
on_tablet_check_logged_out (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* The session ends by itself when idle anyway; but a portal that now
   * shows another certificate is not the one the login went to. */
  if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_PIN_MISMATCH)
      || g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_TLS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("the tablet check's session did not end: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_tablet_check_login (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_portal_client_login_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (login == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  wc_portal_client_logout_async (WC_PORTAL_CLIENT (source), NULL, on_tablet_check_logged_out, g_steal_pointer (&task));
}

void
wc_portal_client_check_tablet_async (WcPortalClient      *self,
                                     const char          *merchant_code,
                                     const WcSecret      *old_password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  g_return_if_fail (merchant_code != NULL && old_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_portal_client_check_tablet_async);
  wc_portal_client_tablet_login_async (self, merchant_code, wc_secret_get_text (old_password), cancellable,
                                       on_tablet_check_login, task);
}

gboolean
wc_portal_client_check_tablet_finish (WcPortalClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_portal_client_check_tablet_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
