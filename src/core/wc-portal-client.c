/* wc-portal-client.c: see wc-portal-client.h. The transport: the
 * session, TLS and the pinned certificate, timeouts, the size limit, the
 * clock offset from Date headers, and turning an answer into a result or
 * a WC_PORTAL_ERROR. Each flow of the contract is a call in
 * wc-portal-client-flows.c; answers are read in wc-portal-reader.c. */
#include "wc-portal-client-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "wc-error.h"
#include "wc-json-text.h"
#include "wc-portal-reader.h"
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

void
wc_portal_client_end_session (WcPortalClient     *self,
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
  wc_portal_client_end_session (self, WC_PORTAL_SESSION_END_IDLE);
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

/* Calls. */

typedef struct {
  SoupMessage *msg;
  GCancellable *cancellable;    /* ours: the caller's, a timeout, a pin failure */
  gulong caller_cancelled;
  guint timeout_source;
  gboolean timed_out;
  gboolean pin_failed;
  CallFlags flags;
  ReadFunc read;                /* NULL: no body is read */
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
    return wc_portal_malformed_error ();
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

  shown = wc_portal_cap_message (japanese_wanted () && message_ja != NULL ? message_ja : message);
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
          g_task_return_error (task, wc_portal_malformed_error ());
          return;
        }
    }

  if (status >= 400)
    {
      error = portal_error (self, status, root);
      if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_SESSION_ENDED) && !(call->flags & CALL_LOGOUT))
        wc_portal_client_end_session (self, g_strcmp0 (wc_portal_error_get_code (error), "W051000003") == 0
                                            ? WC_PORTAL_SESSION_END_IDLE : WC_PORTAL_SESSION_END_INVALID);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status < 200 || status >= 300)
    {
      g_task_return_error (task, status >= 300 && status < 400 ? redirect_error (status) : status_error (status));
      return;
    }

  if ((call->flags & CALL_WITH_SESSION) && (call->flags & CALL_RENEWS))
    set_idle_deadline (self, call->received, self->idle_timeout);

  if (call->read == NULL && !(call->flags & CALL_LOGIN))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_error (task, wc_portal_malformed_error ());
      return;
    }
  if (call->flags & CALL_LOGIN)
    {
      g_autoptr(WcSecret) token = NULL;
      WcPortalLogin *login = wc_portal_read_login (json_node_get_object (root), &token, &error);

      if (login != NULL)
        {
          g_clear_pointer (&self->token, wc_secret_unref);
          self->token = g_steal_pointer (&token);
          self->idle_timeout = login->idle_timeout_seconds;
          set_idle_deadline (self, call->received, self->idle_timeout);
        }
      result = login;
    }
  else
    result = call->read (json_node_get_object (root), &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (call->flags & CALL_IDLE_FROM_ANSWER)
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

void
wc_portal_client_start_call (WcPortalClient      *self,
                             const char          *method,
                             const char          *path,
                             char                *body,
                             CallFlags            flags,
                             ReadFunc             read,
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

  if ((flags & CALL_WITH_SESSION) && self->token == NULL)
    {
      if (body != NULL)
        wc_secure_str_free (body);
      g_task_return_error (task, not_logged_in_error ());
      return;
    }

  call = g_new0 (Call, 1);
  call->flags = flags;
  call->read = read;
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
  if (flags & CALL_WITH_SESSION)
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
