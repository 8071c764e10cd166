/* wc-portal-client.c: see wc-portal-client.h. */
#include "wc-portal-client.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "wc-error.h"
#include "wc-json-text.h"
#include "wc-tls.h"

#define API_BASE "/api/v1"
#define READ_CHUNK 16384

struct _WcPortalClient {
  GObject parent_instance;

  SoupSession *session;
  char *base_url;
  char *fingerprint;            /* NULL: the system CA store */
  guint connect_timeout;
  guint request_timeout;
  gboolean skew_correction;

  WcPortalClockFunc clock_func;
  gpointer clock_data;
  GDestroyNotify clock_destroy;

  /* The offset portal − local lies in [offset_low, offset_high] (µs):
   * each Date header narrows it. */
  gboolean have_offset;
  gint64 offset_low;
  gint64 offset_high;

  WcSecret *token;
  guint idle_timeout;
  gint64 idle_deadline;         /* local µs */
  guint idle_source;
};

G_DEFINE_FINAL_TYPE (WcPortalClient, wc_portal_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_REQUEST_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SESSION_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Errors. */

static gboolean
japanese_wanted (void)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      if (g_str_has_prefix (languages[i], "ja"))
        return TRUE;
      if (g_str_equal (languages[i], "C") || g_str_has_prefix (languages[i], "en"))
        return FALSE;
    }
  return FALSE;
}

static GError *
client_error (WcPortalError  kind,
              const char    *code,
              const char    *message)
{
  return wc_portal_error_new_full (kind, code, message, NULL, 0, 0);
}

static GError *
network_error (void)
{
  return client_error (WC_PORTAL_ERROR_NETWORK, "C096000001",
                       _("The portal could not be reached. Check the network connection and the portal address, then try again."));
}

static GError *
timeout_error (void)
{
  return client_error (WC_PORTAL_ERROR_TIMEOUT, "C096000002",
                       _("The portal did not answer in time. Try again in a moment."));
}

static GError *
tls_error (void)
{
  return client_error (WC_PORTAL_ERROR_TLS, "C091000001",
                       _("The portal's certificate is not trusted, so the connection was stopped and nothing was sent. Check the portal address."));
}

static GError *
pin_error (void)
{
  return client_error (WC_PORTAL_ERROR_PIN_MISMATCH, "C091000002",
                       _("The portal's certificate does not match the fingerprint saved for it, so the connection was stopped and nothing was sent. Someone may be impersonating the portal."));
}

static GError *
malformed_error (void)
{
  return client_error (WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003",
                       _("The portal's answer could not be read. Try again later; if it keeps happening, update the app."));
}

static GError *
missing_field_error (void)
{
  return client_error (WC_PORTAL_ERROR_MISSING_FIELD, "C095000005",
                       _("The portal's answer lacks information the app needs. Try again later; if it keeps happening, update the app."));
}

static GError *
status_error (guint status)
{
  g_autofree char *message =
    g_strdup_printf (_("The portal gave an answer the app does not expect (HTTP %u). Try again later; if it keeps happening, update the app."),
                     status);

  return client_error (WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002", message);
}

static GError *
redirect_error (guint status)
{
  g_autofree char *message =
    /* Translators: %u is an HTTP status, e.g. 302. */
    g_strdup_printf (_("The portal's address sent the app to another address (HTTP %u), which it never follows. Check the portal address, or ask the portal's operator for the right one."),
                     status);

  return client_error (WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002", message);
}

static GError *
not_logged_in_error (void)
{
  return client_error (WC_PORTAL_ERROR_NOT_LOGGED_IN, "C051000001",
                       _("You are not logged in to the portal. Log in and try again."));
}

/* Clock and skew. */

static gint64
local_now_usec (WcPortalClient *self)
{
  return self->clock_func != NULL ? self->clock_func (self->clock_data) : g_get_real_time ();
}

/* A Date header says the portal's clock read D (whole seconds, so some
 * time in [D, D + 1)) at a moment between sending and receiving. */
static void
update_offset (WcPortalClient *self,
               gint64          sent,
               gint64          received,
               GDateTime      *date)
{
  gint64 portal = g_date_time_to_unix (date) * G_USEC_PER_SEC;
  gint64 low = portal - received;
  gint64 high = portal + G_USEC_PER_SEC - sent;

  if (self->have_offset && low <= self->offset_high && high >= self->offset_low)
    {
      self->offset_low = MAX (self->offset_low, low);
      self->offset_high = MIN (self->offset_high, high);
    }
  else
    {
      /* First measurement, or a clock jumped: start again. */
      self->have_offset = TRUE;
      self->offset_low = low;
      self->offset_high = high;
    }
}

gboolean
wc_portal_client_has_clock_offset (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), FALSE);
  return self->have_offset;
}

gint64
wc_portal_client_get_clock_offset (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), 0);
  return self->have_offset ? self->offset_low + (self->offset_high - self->offset_low) / 2 : 0;
}

gint64
wc_portal_client_now (WcPortalClient *self)
{
  gint64 now;

  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), 0);

  now = local_now_usec (self);
  if (self->skew_correction)
    now += wc_portal_client_get_clock_offset (self);
  return now / G_USEC_PER_SEC;
}

void
wc_portal_client_set_clock_func (WcPortalClient    *self,
                                 WcPortalClockFunc  func,
                                 gpointer           user_data,
                                 GDestroyNotify     destroy)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock_func = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
  self->have_offset = FALSE;
}

void
wc_portal_client_set_skew_correction (WcPortalClient *self,
                                      gboolean        enabled)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  self->skew_correction = enabled;
}

/* The session. */

static void
end_session (WcPortalClient     *self,
             WcPortalSessionEnd  reason)
{
  gboolean had = self->token != NULL;

  g_clear_pointer (&self->token, wc_secret_unref);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  self->idle_deadline = 0;
  if (had)
    g_signal_emit (self, signals[SESSION_ENDED], 0, reason);
}

static gboolean
on_idle_deadline (gpointer user_data)
{
  WcPortalClient *self = user_data;

  self->idle_source = 0;
  end_session (self, WC_PORTAL_SESSION_END_IDLE);
  return G_SOURCE_REMOVE;
}

/* The portal ends an idle session @seconds after @from (local µs). */
static void
set_idle_deadline (WcPortalClient *self,
                   gint64          from,
                   guint           seconds)
{
  gint64 wait;

  if (self->token == NULL)
    return;
  self->idle_deadline = from + (gint64) seconds * G_USEC_PER_SEC;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  wait = (self->idle_deadline - local_now_usec (self)) / 1000;
  self->idle_source = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) CLAMP (wait, 0, G_MAXUINT),
                                          on_idle_deadline, self, NULL);
}

gboolean
wc_portal_client_is_logged_in (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), FALSE);
  return self->token != NULL;
}

gint64
wc_portal_client_get_idle_deadline (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), 0);
  return self->idle_deadline / G_USEC_PER_SEC;
}

/* Reading JSON answers. Every member the contract requires must be there
 * with its type; anything else is a malformed answer. */

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
      reader->error = missing_field_error ();
      return NULL;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (!nullable)
        reader->error = missing_field_error ();
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
      reader->error = malformed_error ();
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

/* A portal's words for people (error and maintenance messages) are a
 * few sentences; more is cut, so that no portal can fill the window. */
static char *
cap_message (const char *text)
{
  g_autofree char *head = NULL;

  if (text == NULL || g_utf8_strlen (text, -1) <= WC_PORTAL_CLIENT_MAX_MESSAGE)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, WC_PORTAL_CLIENT_MAX_MESSAGE);
  return g_strconcat (head, "…", NULL);
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
      reader->error = malformed_error ();
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
      reader->error = malformed_error ();
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
        reader->error = malformed_error ();
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
      reader->error = malformed_error ();
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
      reader->error = malformed_error ();
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
      reader->error = malformed_error ();
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
          reader->error = malformed_error ();
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
    reader->error = malformed_error ();
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

static gpointer
parse_status (WcPortalClient  *self,
              JsonObject      *object,
              GError         **error)
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
              reader.error = malformed_error ();
              break;
            }
          reader.object = json_node_get_object (node);
          window = g_new0 (WcPortalMaintenanceWindow, 1);
          window->starts_at = read_time (&reader, "starts_at", FALSE);
          window->ends_at = read_time (&reader, "ends_at", FALSE);
          window->message = cap_message (read_string (&reader, "message"));
          window->message_ja = cap_message (read_string (&reader, "message_ja"));
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

static gpointer
parse_login (WcPortalClient  *self,
             JsonObject      *object,
             GError         **error)
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
    reader.error = malformed_error ();

  if (reader.error != NULL)
    {
      if (token != NULL)
        wc_secure_wipe (token, strlen (token));
      g_propagate_error (error, reader.error);
      return NULL;
    }

  g_clear_pointer (&self->token, wc_secret_unref);
  self->token = wc_secret_new_from_text (token);
  wc_secure_wipe (token, strlen (token));
  self->idle_timeout = login->idle_timeout_seconds;
  return g_steal_pointer (&login);
}

static gpointer
parse_session_info (WcPortalClient  *self,
                    JsonObject      *object,
                    GError         **error)
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

static gpointer
parse_otp_offer (WcPortalClient  *self,
                 JsonObject      *object,
                 GError         **error)
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

static gpointer
parse_users (WcPortalClient  *self,
             JsonObject      *object,
             GError         **error)
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
          reader.error = malformed_error ();
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

static gpointer
parse_user (WcPortalClient  *self,
            JsonObject      *object,
            GError         **error)
{
  Reader reader = { object, NULL };
  WcPortalUserInfo *user = read_user (&reader, object, TRUE);

  if (reader.error != NULL)
    g_propagate_error (error, reader.error);
  return user;
}

static gpointer
parse_new_user (WcPortalClient  *self,
                JsonObject      *object,
                GError         **error)
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

/* Calls. */

typedef gpointer (*ParseFunc) (WcPortalClient *self, JsonObject *object, GError **error);

typedef struct {
  SoupMessage *msg;
  GCancellable *cancellable;    /* ours: the caller's, a timeout, a pin failure */
  gulong caller_cancelled;
  guint timeout_source;
  gboolean timed_out;
  gboolean pin_failed;
  gboolean with_session;
  gboolean renews;              /* the call renews the idle timer */
  gboolean is_logout;
  ParseFunc parse;
  GDestroyNotify free_result;
  gint64 sent;
  gint64 received;
  GInputStream *stream;
  GByteArray *body;
} Call;

static void
call_free (Call *call)
{
  if (call->caller_cancelled != 0)
    g_cancellable_disconnect (g_object_get_data (G_OBJECT (call->cancellable), "caller"), call->caller_cancelled);
  g_clear_handle_id (&call->timeout_source, g_source_remove);
  g_clear_object (&call->msg);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->stream);
  if (call->body != NULL)
    {
      wc_secure_wipe (call->body->data, call->body->len);
      g_byte_array_unref (call->body);
    }
  g_free (call);
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static gboolean
on_call_timeout (gpointer user_data)
{
  Call *call = user_data;

  call->timeout_source = 0;
  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

/* With a pin, only the pinned certificate is accepted, whatever the CA
 * store says: checked right after the handshake, before a byte of the
 * request is sent. */
static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  GTask *task = user_data;
  WcPortalClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  GTlsCertificate *certificate;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || self->fingerprint == NULL)
    return;
  certificate = G_IS_TLS_CONNECTION (connection)
                ? g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (connection)) : NULL;
  if (certificate == NULL || !wc_tls_certificate_matches (certificate, self->fingerprint))
    {
      call->pin_failed = TRUE;
      g_cancellable_cancel (call->cancellable);
    }
}

/* A self-signed certificate is accepted only when it is the pinned one. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GTask *task = user_data;
  WcPortalClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  if (self->fingerprint == NULL)
    return FALSE;
  if (wc_tls_certificate_matches (certificate, self->fingerprint))
    return TRUE;
  call->pin_failed = TRUE;
  return FALSE;
}

static GError *
transport_error (Call         *call,
                 const GError *error)
{
  if (call->pin_failed)
    return pin_error ();
  if (call->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return timeout_error ();
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  g_debug ("portal request failed: %s", error->message);
  if (error->domain == G_TLS_ERROR)
    return tls_error ();
  if (error->domain == SOUP_SESSION_ERROR
      && (error->code == SOUP_SESSION_ERROR_PARSING || error->code == SOUP_SESSION_ERROR_ENCODING))
    return malformed_error ();
  return network_error ();
}

/* An error answer from the portal, in the user's language. */
static GError *
portal_error (WcPortalClient *self,
              guint           status,
              JsonNode       *root)
{
  JsonObject *error;
  const char *code, *message, *message_ja, *field = NULL;
  g_autofree char *shown = NULL;
  gint64 retry_after = 0, ends_at = 0;
  WcPortalError kind = WC_PORTAL_ERROR_REJECTED;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (node = json_object_get_member (json_node_get_object (root), "error")) == NULL
      || !JSON_NODE_HOLDS_OBJECT (node))
    return status_error (status);
  error = json_node_get_object (node);
  code = json_object_get_string_member_with_default (error, "code", NULL);
  message = json_object_get_string_member_with_default (error, "message", NULL);
  message_ja = json_object_get_string_member_with_default (error, "message_ja", NULL);
  if (code == NULL || strlen (code) != 10 || message == NULL)
    return status_error (status);
  if (json_object_has_member (error, "field"))
    field = json_object_get_string_member_with_default (error, "field", NULL);
  retry_after = json_object_get_int_member_with_default (error, "retry_after", 0);
  if (json_object_has_member (error, "ends_at"))
    {
      g_autoptr(GDateTime) time =
        g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (error, "ends_at", ""), NULL);
      ends_at = time != NULL ? g_date_time_to_unix (time) : 0;
    }

  if (status == 429)
    kind = WC_PORTAL_ERROR_LOCKED;
  else if (status == 503)
    kind = WC_PORTAL_ERROR_MAINTENANCE;
  else if (status == 401 && g_str_has_prefix (code, "W051"))
    kind = WC_PORTAL_ERROR_SESSION_ENDED;

  shown = cap_message (japanese_wanted () && message_ja != NULL ? message_ja : message);
  return wc_portal_error_new_full (kind, code, shown, field, retry_after, ends_at);
}

static void
finish_call (GTask *task)
{
  WcPortalClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  guint status = soup_message_get_status (call->msg);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gpointer result;

  if (call->body->len > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      const char *data = (const char *) call->body->data;
      WcJsonTextFlags flags = 0;

      /* json-glib would follow any nesting down the stack, to a crash;
       * strict JSON of a sane depth only, and no NUL that would cut a
       * string short without a word. */
      if (wc_json_text_check (data, call->body->len, WC_PORTAL_CLIENT_MAX_JSON_DEPTH, &flags, NULL)
          && !(flags & (WC_JSON_TEXT_NUL | WC_JSON_TEXT_BAD_CHARACTERS))
          && json_parser_load_from_data (parser, data, call->body->len, NULL))
        root = json_parser_steal_root (parser);
      else if (status >= 200 && status < 300)
        {
          g_task_return_error (task, malformed_error ());
          return;
        }
    }

  if (status >= 400)
    {
      error = portal_error (self, status, root);
      if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_SESSION_ENDED) && !call->is_logout)
        end_session (self, g_strcmp0 (wc_portal_error_get_code (error), "W051000003") == 0
                           ? WC_PORTAL_SESSION_END_IDLE : WC_PORTAL_SESSION_END_INVALID);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status < 200 || status >= 300)
    {
      g_task_return_error (task, status >= 300 && status < 400 ? redirect_error (status) : status_error (status));
      return;
    }

  if (call->with_session && call->renews)
    set_idle_deadline (self, call->received, self->idle_timeout);

  if (call->parse == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_error (task, malformed_error ());
      return;
    }
  result = call->parse (self, json_node_get_object (root), &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (call->parse == parse_login)
    set_idle_deadline (self, call->received, self->idle_timeout);
  else if (call->parse == parse_session_info)
    set_idle_deadline (self, call->received, ((WcPortalSessionInfo *) result)->idle_seconds_left);
  g_task_return_pointer (task, result, call->free_result);
}

static void read_more (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Call *call = g_task_get_task_data (task);

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, transport_error (call, error));
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      finish_call (task);
      return;
    }
  if (call->body->len + g_bytes_get_size (bytes) > WC_PORTAL_CLIENT_MAX_RESPONSE)
    {
      g_task_return_error (task, client_error (WC_PORTAL_ERROR_RESPONSE_TOO_LARGE, "C095000004",
                                               _("The portal's answer was larger than 1 MiB and was refused. Try again later; if it keeps happening, update the app.")));
      return;
    }
  g_byte_array_append (call->body, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  read_more (g_steal_pointer (&task));
}

static void
read_more (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (call->stream, READ_CHUNK, G_PRIORITY_DEFAULT, call->cancellable,
                                   on_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcPortalClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  const char *date_header;
  GDateTime *date;
  goffset length;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  call->received = local_now_usec (self);
  if (call->stream == NULL)
    {
      g_task_return_error (task, transport_error (call, error));
      return;
    }

  date_header = soup_message_headers_get_one (soup_message_get_response_headers (call->msg), "Date");
  date = date_header != NULL ? soup_date_time_new_from_http_string (date_header) : NULL;
  if (date != NULL)
    {
      update_offset (self, call->sent, call->received, date);
      g_date_time_unref (date);
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (call->msg));
  if (length > WC_PORTAL_CLIENT_MAX_RESPONSE)
    {
      g_task_return_error (task, client_error (WC_PORTAL_ERROR_RESPONSE_TOO_LARGE, "C095000004",
                                               _("The portal's answer was larger than 1 MiB and was refused. Try again later; if it keeps happening, update the app.")));
      return;
    }
  call->body = g_byte_array_new ();
  read_more (g_steal_pointer (&task));
}

/* Starts a call. @body (JSON text) is wiped once sent. */
static void
start_call (WcPortalClient      *self,
            const char          *method,
            const char          *path,
            char                *body,
            gboolean             with_session,
            gboolean             renews,
            ParseFunc            parse,
            GDestroyNotify       free_result,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *uri = g_strconcat (self->base_url, API_BASE, path, NULL);
  Call *call;

  g_task_set_source_tag (task, source_tag);

  if (with_session && self->token == NULL)
    {
      if (body != NULL)
        wc_secure_str_free (body);
      g_task_return_error (task, not_logged_in_error ());
      return;
    }

  call = g_new0 (Call, 1);
  call->with_session = with_session;
  call->renews = renews;
  call->parse = parse;
  call->free_result = free_result;
  call->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  if (cancellable != NULL)
    {
      g_object_set_data_full (G_OBJECT (call->cancellable), "caller", g_object_ref (cancellable), g_object_unref);
      call->caller_cancelled = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                      call->cancellable, NULL);
    }

  call->msg = soup_message_new (method, uri);
  if (call->msg == NULL)
    {
      if (body != NULL)
        wc_secure_str_free (body);
      g_task_return_error (task, network_error ());
      return;
    }
  /* An answer comes from the pinned portal or not at all: no redirect is
   * followed (to http://, or to another host whose answer and Date would
   * be trusted). A 3xx is an error of its own. */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect (call->msg, "network-event", G_CALLBACK (on_network_event), task);
  g_signal_connect (call->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), task);
  soup_message_headers_replace (soup_message_get_request_headers (call->msg), "Accept", "application/json");
  if (with_session)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", wc_secret_get_text (self->token));

      soup_message_headers_replace (soup_message_get_request_headers (call->msg), "Authorization", authorization);
      wc_secure_wipe (authorization, strlen (authorization));
    }
  if (body != NULL)
    {
      /* The bytes own the text and wipe it when libsoup is done. */
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (body, strlen (body), (GDestroyNotify) wc_secure_str_free, body);

      soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
    }

  call->timeout_source = g_timeout_add_seconds (self->request_timeout, on_call_timeout, call);
  call->sent = local_now_usec (self);
  soup_session_send_async (self->session, call->msg, G_PRIORITY_DEFAULT, call->cancellable,
                           on_sent, g_steal_pointer (&task));
}

/* JSON bodies, built so that secrets never sit in a JsonNode longer than
 * needed. */
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

/* Object. */

static void
wc_portal_client_dispose (GObject *object)
{
  WcPortalClient *self = (WcPortalClient *) object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_object (&self->session);
  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  self->clock_destroy = NULL;

  G_OBJECT_CLASS (wc_portal_client_parent_class)->dispose (object);
}

static void
wc_portal_client_finalize (GObject *object)
{
  WcPortalClient *self = (WcPortalClient *) object;

  g_clear_pointer (&self->token, wc_secret_unref);
  g_free (self->base_url);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (wc_portal_client_parent_class)->finalize (object);
}

static void
wc_portal_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WcPortalClient *self = WC_PORTAL_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_portal_client_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  WcPortalClient *self = WC_PORTAL_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      self->connect_timeout = g_value_get_uint (value);
      if (self->session != NULL)
        g_object_set (self->session, "timeout", self->connect_timeout, NULL);
      break;
    case PROP_REQUEST_TIMEOUT:
      self->request_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_portal_client_class_init (WcPortalClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wc_portal_client_dispose;
  object_class->finalize = wc_portal_client_finalize;
  object_class->get_property = wc_portal_client_get_property;
  object_class->set_property = wc_portal_client_set_property;

  /* Seconds to connect (and, after that, the longest silence while
   * reading or writing). */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, 600, 10,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Seconds for a whole call, from sending to the last byte. */
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, 3600, 30,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The session is over: WcPortalSessionEnd says why. */
  signals[SESSION_ENDED] =
    g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
wc_portal_client_init (WcPortalClient *self)
{
  g_autofree char *agent = g_strdup_printf ("webcollect-login/%s", PACKAGE_VERSION);

  self->connect_timeout = 10;
  self->request_timeout = 30;
  self->skew_correction = TRUE;
  self->session = soup_session_new_with_options ("user-agent", agent,
                                                 "timeout", self->connect_timeout,
                                                 "max-conns-per-host", 4,
                                                 NULL);
}

WcPortalClient *
wc_portal_client_new (const char  *base_url,
                      const char  *fingerprint,
                      GError     **error)
{
  g_autoptr(WcPortalClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *pin = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL
      || *g_uri_get_host (uri) == '\0')
    {
      g_propagate_error (error, client_error (WC_PORTAL_ERROR_INSECURE_URL, "C095000001",
                                              _("The portal address must be an https:// address. Web Collect Login never sends passwords over an unencrypted connection.")));
      return NULL;
    }
  if (fingerprint != NULL && (pin = wc_tls_fingerprint_normalize (fingerprint)) == NULL)
    {
      g_propagate_error (error, client_error (WC_PORTAL_ERROR_TLS, "C091000003",
                                              _("The certificate fingerprint must be 64 hexadecimal digits (SHA-256), with or without colons.")));
      return NULL;
    }

  self = g_object_new (WC_TYPE_PORTAL_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->fingerprint = g_steal_pointer (&pin);
  return g_steal_pointer (&self);
}

const char *
wc_portal_client_get_base_url (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), NULL);
  return self->base_url;
}

const char *
wc_portal_client_get_fingerprint (WcPortalClient *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLIENT (self), NULL);
  return self->fingerprint;
}

/* Flows. */

void
wc_portal_client_status_async (WcPortalClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (WC_IS_PORTAL_CLIENT (self));
  start_call (self, "GET", "/status", NULL, FALSE, FALSE, parse_status, (GDestroyNotify) wc_portal_status_free,
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
  start_call (self, "POST", path,
              json_body (4, "merchant_code", merchant_code, "user_id", user_id, "password", password, "otp", otp),
              FALSE, FALSE, parse_login,
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

  start_call (self, "POST", "/legacy/password-reset", json_body (1, "merchant_code", merchant_code), FALSE, FALSE, NULL, NULL,
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

  start_call (self, "POST", "/password", json_body (2, "current_password", current_password, "new_password", new_password), TRUE, TRUE, NULL, NULL,
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

  start_call (self, "POST", "/tablet/password", json_body (2, "current_password", current_password, "new_password", new_password), TRUE, TRUE, NULL, NULL,
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

  start_call (self, "POST", "/otp/activate", json_body (1, "otp", otp), TRUE, TRUE, NULL, NULL,
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
  end_session (self, WC_PORTAL_SESSION_END_LOGGED_OUT);
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
  if (self->token == NULL)
    {
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  start_call (self, "POST", "/logout", NULL, TRUE, FALSE, NULL, NULL, wc_portal_client_logout_async,
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
  start_call (self, "POST", "/otp/secret", NULL, TRUE, TRUE, parse_otp_offer,
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
  start_call (self, "GET", "/session", NULL, TRUE, FALSE, parse_session_info,
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
  start_call (self, "GET", "/users", NULL, TRUE, TRUE, parse_users, (GDestroyNotify) g_ptr_array_unref,
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

  start_call (self, "POST", "/users", json_body (3, "user_id", user_id, "display_name", display_name, "role", role), TRUE, TRUE, parse_new_user,
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
  start_call (self, "POST", path, NULL, TRUE, TRUE, parse_new_user, (GDestroyNotify) wc_portal_new_user_free,
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
  start_call (self, "PATCH", path, body_of (builder), TRUE, TRUE, parse_user,
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
  start_call (self, "DELETE", path, NULL, TRUE, TRUE, NULL, NULL, wc_portal_client_finish,
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
  start_call (self, "POST", path, NULL, TRUE, TRUE, NULL, NULL, wc_portal_client_finish,
              cancellable, callback, user_data);
}
