/* wc-portal-reader.c: reading the portal's JSON answers into the typed
 * results of wc-portal-types.h. Every member the contract requires must
 * be there with its type; anything else is a malformed answer. The
 * transport (TLS, pinning, timeouts, size limits, the clock) is
 * wc-portal-client.c. */
#include "wc-portal-reader.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "wc-error.h"
#include "wc-portal-client.h"

GError *
wc_portal_malformed_error (void)
{
  return wc_portal_error_new_full (WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003",
                       _("The portal's answer could not be read. Try again later; if it keeps happening, update the app."), NULL, 0, 0);
}

GError *
wc_portal_missing_field_error (void)
{
  return wc_portal_error_new_full (WC_PORTAL_ERROR_MISSING_FIELD, "C095000005",
                       _("The portal's answer lacks information the app needs. Try again later; if it keeps happening, update the app."), NULL, 0, 0);
}

/* A portal's words for people (error and maintenance messages) are a
 * few sentences; more is cut, so that no portal can fill the window. */
char *
wc_portal_cap_message (const char *text)
{
  g_autofree char *head = NULL;

  if (text == NULL || g_utf8_strlen (text, -1) <= WC_PORTAL_CLIENT_MAX_MESSAGE)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, WC_PORTAL_CLIENT_MAX_MESSAGE);
  return g_strconcat (head, "…", NULL);
}

typedef struct {
  JsonObject *object;
  GError *error;
} Reader;

static JsonNode *
member (Reader     *reader,
        const char *name,
        gboolean    nullable)
{
  JsonNode *node;

  if (reader->error != NULL)
    return NULL;
  node = json_object_get_member (reader->object, name);
  if (node == NULL)
    {
      reader->error = wc_portal_missing_field_error ();
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        reader->error = wc_portal_missing_field_error ();
      return NULL;
    }
  return node;
}

static const char *
read_string (Reader     *reader,
             const char *name)
{
  JsonNode *node = member (reader, name, FALSE);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      reader->error = wc_portal_malformed_error ();
      return NULL;
    }
  return json_node_get_string (node);
}

static char *
dup_string (Reader     *reader,
            const char *name)
{
  return g_strdup (read_string (reader, name));
}

static gboolean
read_boolean (Reader     *reader,
              const char *name)
{
  JsonNode *node = member (reader, name, FALSE);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      reader->error = wc_portal_malformed_error ();
      return FALSE;
    }
  return json_node_get_boolean (node);
}

static gint64
read_int (Reader     *reader,
          const char *name,
          gboolean    nullable,
          gint64      null_value)
{
  JsonNode *node = member (reader, name, nullable);

  if (node == NULL)
    return null_value;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      reader->error = wc_portal_malformed_error ();
      return null_value;
    }
  return json_node_get_int (node);
}

static guint
read_uint (Reader     *reader,
           const char *name)
{
  gint64 value = read_int (reader, name, FALSE, 0);

  if (value < 0 || value > G_MAXUINT)
    {
      if (reader->error == NULL)
        reader->error = wc_portal_malformed_error ();
      return 0;
    }
  return (guint) value;
}

/* An RFC 3339 time, or 0 for null where that is allowed. */
static gint64
read_time (Reader     *reader,
           const char *name,
           gboolean    nullable)
{
  JsonNode *node = member (reader, name, nullable);
  g_autoptr(GDateTime) time = NULL;

  if (node == NULL)
    return 0;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    time = g_date_time_new_from_iso8601 (json_node_get_string (node), NULL);
  if (time == NULL)
    {
      reader->error = wc_portal_malformed_error ();
      return 0;
    }
  return g_date_time_to_unix (time);
}

static JsonObject *
read_object (Reader     *reader,
             const char *name)
{
  JsonNode *node = member (reader, name, FALSE);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reader->error = wc_portal_malformed_error ();
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
read_array (Reader     *reader,
            const char *name)
{
  JsonNode *node = member (reader, name, FALSE);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      reader->error = wc_portal_malformed_error ();
      return NULL;
    }
  return json_node_get_array (node);
}

static GStrv
read_strings (Reader     *reader,
              const char *name)
{
  JsonArray *array = read_array (reader, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (array == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          reader->error = wc_portal_malformed_error ();
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

static WcPortalLoginMethod
read_method (Reader     *reader,
             const char *name)
{
  const char *text = read_string (reader, name);

  if (g_strcmp0 (text, "legacy") == 0)
    return WC_PORTAL_LOGIN_METHOD_LEGACY;
  if (g_strcmp0 (text, "tablet") == 0)
    return WC_PORTAL_LOGIN_METHOD_TABLET;
  if (text != NULL && !g_str_equal (text, "new") && reader->error == NULL)
    reader->error = wc_portal_malformed_error ();
  return WC_PORTAL_LOGIN_METHOD_NEW;
}

/* A user as in login and session answers (four members), or in full as
 * in user lists. */
static WcPortalUserInfo *
read_user (Reader     *parent,
           JsonObject *object,
           gboolean    full)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalUserInfo) user = g_new0 (WcPortalUserInfo, 1);

  if (object == NULL)
    return NULL;
  user->merchant_code = dup_string (&reader, "merchant_code");
  user->user_id = dup_string (&reader, "user_id");
  user->display_name = dup_string (&reader, "display_name");
  user->role = dup_string (&reader, "role");
  if (full)
    {
      user->disabled = read_boolean (&reader, "disabled");
      user->otp_enrolled = read_boolean (&reader, "otp_enrolled");
      user->must_change_password = read_boolean (&reader, "must_change_password");
      user->locked_until = read_time (&reader, "locked_until", TRUE);
      user->created_at = read_time (&reader, "created_at", FALSE);
      user->password_changed_at = read_time (&reader, "password_changed_at", FALSE);
    }
  if (reader.error != NULL)
    {
      if (parent->error == NULL)
        parent->error = reader.error;
      else
        g_error_free (reader.error);
      return NULL;
    }
  return g_steal_pointer (&user);
}

gpointer
wc_portal_read_status (JsonObject  *object,
                       GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalStatus) status = g_new0 (WcPortalStatus, 1);
  JsonObject *part;
  JsonArray *windows;

  status->name = dup_string (&reader, "name");
  status->api_version = dup_string (&reader, "api_version");
  status->time = read_time (&reader, "time", FALSE);
  status->windows = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_portal_maintenance_window_free);

  if ((part = read_object (&reader, "old_login")) != NULL)
    {
      reader.object = part;
      status->old_login_available = read_boolean (&reader, "available");
      status->old_login_closes_at = read_time (&reader, "closes_at", TRUE);
      reader.object = object;
    }
  if ((part = read_object (&reader, "maintenance")) != NULL)
    {
      reader.object = part;
      status->maintenance_active = read_boolean (&reader, "active");
      status->maintenance_ends_at = read_time (&reader, "ends_at", TRUE);
      windows = read_array (&reader, "windows");
      for (guint i = 0; windows != NULL && reader.error == NULL && i < json_array_get_length (windows); i++)
        {
          JsonNode *node = json_array_get_element (windows, i);
          WcPortalMaintenanceWindow *window;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              reader.error = wc_portal_malformed_error ();
              break;
            }
          reader.object = json_node_get_object (node);
          window = g_new0 (WcPortalMaintenanceWindow, 1);
          window->starts_at = read_time (&reader, "starts_at", FALSE);
          window->ends_at = read_time (&reader, "ends_at", FALSE);
          window->message = wc_portal_cap_message (read_string (&reader, "message"));
          window->message_ja = wc_portal_cap_message (read_string (&reader, "message_ja"));
          g_ptr_array_add (status->windows, window);
        }
      reader.object = object;
    }
  if ((part = read_object (&reader, "support")) != NULL)
    {
      reader.object = part;
      status->support_name = dup_string (&reader, "name");
      status->support_email = dup_string (&reader, "email");
      status->support_phone = dup_string (&reader, "phone");
      status->support_hours = dup_string (&reader, "hours");
      reader.object = object;
    }
  if ((part = read_object (&reader, "password_policy")) != NULL)
    {
      reader.object = part;
      status->password_min_length = read_uint (&reader, "min_length");
      status->password_max_length = read_uint (&reader, "max_length");
      status->password_history = read_uint (&reader, "history");
      status->password_max_age_days = read_uint (&reader, "max_age_days");
      status->lockout_attempts = read_uint (&reader, "lockout_attempts");
      status->lockout_minutes = read_uint (&reader, "lockout_minutes");
      status->idle_timeout_minutes = read_uint (&reader, "idle_timeout_minutes");
      reader.object = object;
    }

  if (reader.error != NULL)
    {
      g_propagate_error (error, reader.error);
      return NULL;
    }
  return g_steal_pointer (&status);
}

WcPortalLogin *
wc_portal_read_login (JsonObject  *object,
                      WcSecret   **token_out,
                      GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalLogin) login = g_new0 (WcPortalLogin, 1);
  g_autofree char *token = dup_string (&reader, "token");

  login->method = read_method (&reader, "login_method");
  login->restricted = read_boolean (&reader, "restricted");
  login->must_change_password = read_boolean (&reader, "must_change_password");
  login->otp_enrolled = read_boolean (&reader, "otp_enrolled");
  login->user = read_user (&reader, read_object (&reader, "user"), FALSE);
  login->scopes = read_strings (&reader, "scopes");
  login->required_actions = read_strings (&reader, "required_actions");
  login->password_expires_at = read_time (&reader, "password_expires_at", TRUE);
  login->idle_timeout_seconds = read_uint (&reader, "idle_timeout_seconds");
  if (reader.error == NULL && (token == NULL || *token == '\0' || strlen (token) > 256))
    reader.error = wc_portal_malformed_error ();

  if (reader.error != NULL)
    {
      if (token != NULL)
        wc_secure_wipe (token, strlen (token));
      g_propagate_error (error, reader.error);
      return NULL;
    }

  *token_out = wc_secret_new_from_text (token);
  wc_secure_wipe (token, strlen (token));
  return g_steal_pointer (&login);
}

gpointer
wc_portal_read_session_info (JsonObject  *object,
                             GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalSessionInfo) info = g_new0 (WcPortalSessionInfo, 1);

  info->user = read_user (&reader, read_object (&reader, "user"), FALSE);
  info->method = read_method (&reader, "login_method");
  info->restricted = read_boolean (&reader, "restricted");
  info->required_actions = read_strings (&reader, "required_actions");
  info->scopes = read_strings (&reader, "scopes");
  info->must_change_password = read_boolean (&reader, "must_change_password");
  info->otp_enrolled = read_boolean (&reader, "otp_enrolled");
  info->idle_seconds_left = read_uint (&reader, "idle_seconds_left");
  info->idle_timeout_seconds = read_uint (&reader, "idle_timeout_seconds");
  info->created_at = read_time (&reader, "created_at", FALSE);
  info->password_changed_at = read_time (&reader, "password_changed_at", FALSE);
  info->password_age_days = read_uint (&reader, "password_age_days");
  info->legacy_password_changed_at = read_time (&reader, "legacy_password_changed_at", TRUE);
  info->legacy_password_age_days = (int) read_int (&reader, "legacy_password_age_days", TRUE, -1);
  info->legacy_password_expires_at = read_time (&reader, "legacy_password_expires_at", TRUE);
  info->legacy_password_must_change = member (&reader, "legacy_password_must_change", TRUE) != NULL
                                      && read_boolean (&reader, "legacy_password_must_change");

  if (reader.error != NULL)
    {
      g_propagate_error (error, reader.error);
      return NULL;
    }
  return g_steal_pointer (&info);
}

gpointer
wc_portal_read_otp_offer (JsonObject  *object,
                          GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalOtpOffer) offer = g_new0 (WcPortalOtpOffer, 1);
  const char *secret = read_string (&reader, "secret");
  const char *uri = read_string (&reader, "otpauth_uri");

  offer->secret = secret != NULL ? wc_secret_new_from_text (secret) : NULL;
  offer->otpauth_uri = uri != NULL ? wc_secret_new_from_text (uri) : NULL;
  offer->algorithm = dup_string (&reader, "algorithm");
  offer->digits = read_uint (&reader, "digits");
  offer->period = read_uint (&reader, "period");
  offer->issuer = dup_string (&reader, "issuer");
  offer->account = dup_string (&reader, "account");
  offer->expires_at = read_time (&reader, "expires_at", FALSE);

  if (reader.error != NULL)
    {
      g_propagate_error (error, reader.error);
      return NULL;
    }
  return g_steal_pointer (&offer);
}

gpointer
wc_portal_read_users (JsonObject  *object,
                      GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) wc_portal_user_info_free);
  JsonArray *array = read_array (&reader, "users");

  for (guint i = 0; array != NULL && reader.error == NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      WcPortalUserInfo *user;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          reader.error = wc_portal_malformed_error ();
          break;
        }
      user = read_user (&reader, json_node_get_object (node), TRUE);
      if (user != NULL)
        g_ptr_array_add (users, user);
    }
  if (reader.error != NULL)
    {
      g_propagate_error (error, reader.error);
      return NULL;
    }
  return g_steal_pointer (&users);
}

gpointer
wc_portal_read_user (JsonObject  *object,
                     GError     **error)
{
  Reader reader = { object, NULL };
  WcPortalUserInfo *user = read_user (&reader, object, TRUE);

  if (reader.error != NULL)
    g_propagate_error (error, reader.error);
  return user;
}

gpointer
wc_portal_read_new_user (JsonObject  *object,
                         GError     **error)
{
  Reader reader = { object, NULL };
  g_autoptr(WcPortalNewUser) new_user = g_new0 (WcPortalNewUser, 1);
  const char *password = read_string (&reader, "initial_password");

  if (json_object_has_member (object, "user"))
    new_user->user = read_user (&reader, read_object (&reader, "user"), TRUE);
  new_user->initial_password = password != NULL ? wc_secret_new_from_text (password) : NULL;
  if (reader.error != NULL)
    {
      g_propagate_error (error, reader.error);
      return NULL;
    }
  return g_steal_pointer (&new_user);
}
