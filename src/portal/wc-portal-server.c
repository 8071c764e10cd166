/* wc-portal-server.c: see wc-portal-server.h. */
#include "wc-portal-server.h"

#include <string.h>

#include "wc-api-error.h"
#include "wc-json-text.h"
#include "wc-secret.h"

struct _WcPortalServer {
  GObject parent_instance;
  SoupServer *soup;
  WcPortalService *service;
  guint sweep_id;
};

G_DEFINE_FINAL_TYPE (WcPortalServer, wc_portal_server, G_TYPE_OBJECT)

typedef struct _Request Request;
typedef void (*Handler) (WcPortalServer *self, Request *request);

typedef struct {
  const char *method;
  const char *path;         /* "{}" stands for one path segment */
  Handler handler;
  gboolean session;         /* needs one, checked as @access says */
  WcPortalAccess access;
  gboolean body;            /* takes a JSON body */
  gboolean test_clock;      /* only with --test-clock */
} Route;

struct _Request {
  WcPortalServer *server;
  SoupServerMessage *msg;
  JsonObject *body;         /* an empty object for routes without one */
  JsonNode *body_node;
  char *token;
  char *segment;            /* the {} part of the path, decoded */
  gboolean huge_numbers;    /* the body has an integer beyond 64 bits */
  WcPortalSession *session; /* valid only until the next session call */
};

static void
request_free (Request *request)
{
  g_clear_object (&request->server);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->body_node, json_node_unref);
  wc_secure_str_free (request->token);
  g_free (request->segment);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* Responses. */

static void
set_common_headers (WcPortalServer    *self,
                    SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  WcPortalClock *clock = wc_portal_service_get_clock (self->service);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (wc_portal_clock_now (clock));
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);

  /* The portal's own clock, the test clock included: clients measure
   * their skew from it. */
  soup_message_headers_replace (headers, "Date", date);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

static void
respond_json (WcPortalServer    *self,
              SoupServerMessage *msg,
              guint              status,
              JsonNode          *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  char *data;
  gsize length;

  set_common_headers (self, msg);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE, data, length);
}

static void
respond_empty (WcPortalServer    *self,
               SoupServerMessage *msg,
               guint              status)
{
  set_common_headers (self, msg);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
respond_error (WcPortalServer    *self,
               SoupServerMessage *msg,
               const GError      *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const WcApiErrorInfo *info;
  const char *field = NULL;
  gint64 retry_after = 0;

  if (error->domain == WC_API_ERROR)
    {
      info = wc_api_error_info (error->code);
      field = wc_api_error_get_field (error);
      retry_after = wc_api_error_get_retry_after (error);
    }
  else
    {
      g_warning ("unexpected error: %s", error->message);
      info = wc_api_error_info (WC_API_ERROR_INTERNAL);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, info->code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, info->message);
  json_builder_set_member_name (builder, "message_ja");
  json_builder_add_string_value (builder, info->message_ja);
  if (field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
    }
  if (retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      json_builder_set_member_name (builder, "retry_after");
      json_builder_add_int_value (builder, retry_after);
      soup_message_headers_replace (headers, "Retry-After", seconds);
    }
  if (error->domain == WC_API_ERROR && error->code == WC_API_ERROR_MAINTENANCE)
    {
      g_autoptr(GDateTime) ends = g_date_time_new_from_unix_utc (wc_api_error_get_ends_at (error));
      g_autofree char *ends_text = g_date_time_format (ends, "%Y-%m-%dT%H:%M:%SZ");

      json_builder_set_member_name (builder, "ends_at");
      json_builder_add_string_value (builder, ends_text);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  /* RFC 6750: a token that was sent but is no good is an invalid_token;
   * no token at all gets no error code. */
  if (info->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate",
                                  error->domain == WC_API_ERROR
                                  && (error->code == WC_API_ERROR_SESSION_INVALID
                                      || error->code == WC_API_ERROR_SESSION_IDLE)
                                  ? "Bearer realm=\"webcollect-portal\", error=\"invalid_token\""
                                  : "Bearer realm=\"webcollect-portal\"");
  root = json_builder_get_root (builder);
  respond_json (self, msg, info->status, root);
}

static void
respond_code (WcPortalServer    *self,
              SoupServerMessage *msg,
              WcApiErrorCode  code,
              const char        *field)
{
  g_autoptr(GError) error = wc_api_error_new_for_field (code, field);

  respond_error (self, msg, error);
}

/* Answers a request that waited for a worker thread: with @node, or no
 * body when it is NULL, or @error. */
static void
complete (Request  *request,
          guint     status,
          JsonNode *node,
          GError   *error)
{
  if (error != NULL)
    respond_error (request->server, request->msg, error);
  else if (node != NULL)
    respond_json (request->server, request->msg, status, node);
  else
    respond_empty (request->server, request->msg, status);
  soup_server_message_unpause (request->msg);
}

/* Hands the request over to an asynchronous call: the returned copy owns
 * its parts from now on, and @request is left empty. Take the copy
 * before passing on any of its parts: in one argument list the order of
 * evaluation is unspecified. */
static Request *
hand_over (Request *request)
{
  Request *copy = g_memdup2 (request, sizeof *request);

  soup_server_message_pause (request->msg);
  memset (request, 0, sizeof *request);
  return copy;
}

/* Request members. Each check names the member it is about; a member is
 * judged in the order missing, type, characters, length, value. */

/* A display name must not be able to pass for another one in a list:
 * no control, format (bidirectional controls, zero-width characters),
 * separator, private-use, surrogate or unassigned code point, and no
 * combining mark before its first base character. */
static gboolean
is_display_name (const char *text)
{
  gboolean seen_base = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
        case G_UNICODE_UNASSIGNED:
        case G_UNICODE_PRIVATE_USE:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
          return FALSE;
        case G_UNICODE_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
        case G_UNICODE_NON_SPACING_MARK:
          if (!seen_base)
            return FALSE;
          break;
        case G_UNICODE_SPACE_SEPARATOR:
          break;
        default:
          seen_base = TRUE;
        }
    }
  return seen_base;
}

static gboolean
is_user_id (const char *text)
{
  if (!g_ascii_isalnum (text[0]))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;
  return TRUE;
}

typedef enum {
  KIND_LOGIN_MERCHANT_CODE,   /* length only: see "Enumeration resistance" */
  KIND_LOGIN_USER_ID,
  KIND_USER_ID,
  KIND_PASSWORD,
  KIND_OTP,
  KIND_DISPLAY_NAME,
  KIND_ROLE,
} FieldKind;

static gboolean
check_value (const char  *name,
             const char  *value,
             FieldKind    kind,
             GError     **error)
{
  static const glong max_lengths[] = { 32, 64, 64, 256, 6, 100, 8 };
  glong length;
  gboolean ok = TRUE;

  length = g_utf8_strlen (value, -1);
  if (length > max_lengths[kind])
    {
      g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_TOO_LONG, name));
      return FALSE;
    }

  switch (kind)
    {
    case KIND_LOGIN_MERCHANT_CODE:
    case KIND_LOGIN_USER_ID:
    case KIND_PASSWORD:
      break;
    case KIND_USER_ID:
      ok = is_user_id (value);
      break;
    case KIND_OTP:
      ok = length == 6 && strspn (value, "0123456789") == 6;
      break;
    case KIND_DISPLAY_NAME:
      ok = is_display_name (value);
      break;
    case KIND_ROLE:
      ok = g_str_equal (value, "general") || g_str_equal (value, "shipping");
      break;
    default:
      g_assert_not_reached ();
    }

  if (length == 0 || !ok)
    {
      g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_INVALID_VALUE, name));
      return FALSE;
    }
  return TRUE;
}

/* Reads a string member. A missing optional one gives NULL and TRUE. */
static gboolean
get_string (Request     *request,
            const char  *name,
            FieldKind    kind,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (request->body, name);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_MISSING_FIELD, name));
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_WRONG_TYPE, name));
      return FALSE;
    }
  if (!check_value (name, json_node_get_string (node), kind, error))
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

/* Refuses members a route does not know, so that a typo is an error and
 * not a silently ignored field. */
static gboolean
only_members (Request            *request,
              const char * const *allowed,
              GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (request->body);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_UNKNOWN_FIELD, l->data));
        return FALSE;
      }
  return TRUE;
}

/* Handlers. */

static void
handle_status (WcPortalServer *self,
               Request        *request)
{
  g_autoptr(JsonNode) node = wc_portal_service_status (self->service);

  respond_json (self, request->msg, SOUP_STATUS_OK, node);
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = wc_portal_service_finish (WC_PORTAL_SERVICE (source), result, &error);
  const char *method = soup_server_message_get_method (request->msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (request->msg));
  guint status = node != NULL ? SOUP_STATUS_OK : SOUP_STATUS_NO_CONTENT;

  if (g_str_equal (path, WC_PORTAL_API_BASE "/legacy/password-reset"))
    status = SOUP_STATUS_ACCEPTED;
  else if (error == NULL && g_str_equal (method, "POST") && g_str_equal (path, WC_PORTAL_API_BASE "/users"))
    {
      JsonObject *user = json_object_get_object_member (json_node_get_object (node), "user");
      g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (user, "user_id"), NULL, FALSE);
      g_autofree char *location = g_strconcat (WC_PORTAL_API_BASE "/users/", escaped, NULL);

      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Location", location);
      status = SOUP_STATUS_CREATED;
    }
  complete (request, status, node, error);
}

static void
start_login (WcPortalServer    *self,
             Request           *request,
             WcPortalLoginKind  kind)
{
  static const char * const new_fields[] = { "merchant_code", "user_id", "password", "otp", NULL };
  static const char * const old_fields[] = { "merchant_code", "password", NULL };
  g_autoptr(GError) error = NULL;
  Request *pending;
  const char *merchant_code, *user_id = NULL, *password, *otp = NULL;

  if (!only_members (request, kind == WC_PORTAL_LOGIN_NEW ? new_fields : old_fields, &error)
      || !get_string (request, "merchant_code", KIND_LOGIN_MERCHANT_CODE, TRUE, &merchant_code, &error)
      || (kind == WC_PORTAL_LOGIN_NEW
          && !get_string (request, "user_id", KIND_LOGIN_USER_ID, TRUE, &user_id, &error))
      || !get_string (request, "password", KIND_PASSWORD, TRUE, &password, &error)
      || (kind == WC_PORTAL_LOGIN_NEW && !get_string (request, "otp", KIND_OTP, FALSE, &otp, &error)))
    {
      respond_error (self, request->msg, error);
      return;
    }
  pending = hand_over (request);
  wc_portal_service_login_async (self->service, kind, merchant_code, user_id, password, otp, NULL,
                                 on_answered, pending);
}

static void
handle_login (WcPortalServer *self,
              Request        *request)
{
  start_login (self, request, WC_PORTAL_LOGIN_NEW);
}

static void
handle_legacy_login (WcPortalServer *self,
                     Request        *request)
{
  start_login (self, request, WC_PORTAL_LOGIN_LEGACY);
}

static void
handle_tablet_login (WcPortalServer *self,
                     Request        *request)
{
  start_login (self, request, WC_PORTAL_LOGIN_TABLET);
}

static void
handle_legacy_reset (WcPortalServer *self,
                     Request        *request)
{
  static const char * const fields[] = { "merchant_code", NULL };
  g_autoptr(GError) error = NULL;
  Request *pending;
  const char *merchant_code;

  if (!only_members (request, fields, &error)
      || !get_string (request, "merchant_code", KIND_LOGIN_MERCHANT_CODE, TRUE, &merchant_code, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  pending = hand_over (request);
  wc_portal_service_legacy_reset_async (self->service, merchant_code, NULL, on_answered, pending);
}

/* POST /password and POST /tablet/password take the same body; the
 * service tells the two changes apart. */
static void
change_password (WcPortalServer *self,
                 Request        *request,
                 gboolean        tablet)
{
  static const char * const fields[] = { "current_password", "new_password", NULL };
  g_autoptr(GError) error = NULL;
  const char *current, *replacement;
  Request *pending;

  if (!only_members (request, fields, &error)
      || !get_string (request, "current_password", KIND_PASSWORD, TRUE, &current, &error)
      || !get_string (request, "new_password", KIND_PASSWORD, TRUE, &replacement, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  pending = hand_over (request);
  if (tablet)
    wc_portal_service_set_tablet_password_async (self->service, pending->token, current, replacement, NULL,
                                                 on_answered, pending);
  else
    wc_portal_service_change_password_async (self->service, pending->token, current, replacement, NULL,
                                             on_answered, pending);
}

static void
handle_password (WcPortalServer *self,
                 Request        *request)
{
  change_password (self, request, FALSE);
}

static void
handle_tablet_password (WcPortalServer *self,
                        Request        *request)
{
  change_password (self, request, TRUE);
}

static void
respond_node_or_error (WcPortalServer *self,
                       Request        *request,
                       JsonNode       *node,
                       GError         *error)
{
  if (node != NULL)
    respond_json (self, request->msg, SOUP_STATUS_OK, node);
  else
    respond_error (self, request->msg, error);
}

static void
respond_done_or_error (WcPortalServer *self,
                       Request        *request,
                       gboolean        done,
                       GError         *error)
{
  if (done)
    respond_empty (self, request->msg, SOUP_STATUS_NO_CONTENT);
  else
    respond_error (self, request->msg, error);
}

static void
handle_otp_secret (WcPortalServer *self,
                   Request        *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = wc_portal_service_otp_secret (self->service, request->session, &error);

  respond_node_or_error (self, request, node, error);
}

static void
handle_otp_activate (WcPortalServer *self,
                     Request        *request)
{
  static const char * const fields[] = { "otp", NULL };
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  const char *otp;

  if (only_members (request, fields, &error)
      && get_string (request, "otp", KIND_OTP, TRUE, &otp, &error))
    done = wc_portal_service_otp_activate (self->service, request->session, otp, &error);
  respond_done_or_error (self, request, done, error);
}

static void
handle_session (WcPortalServer *self,
                Request        *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = wc_portal_service_session_info (self->service, request->session, &error);

  respond_node_or_error (self, request, node, error);
}

static void
handle_logout (WcPortalServer *self,
               Request        *request)
{
  wc_portal_service_logout (self->service, request->token);
  respond_empty (self, request->msg, SOUP_STATUS_NO_CONTENT);
}

static void
handle_users_list (WcPortalServer *self,
                   Request        *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = wc_portal_service_list_users (self->service, request->session, &error);

  respond_node_or_error (self, request, node, error);
}

static void
handle_users_create (WcPortalServer *self,
                     Request        *request)
{
  static const char * const fields[] = { "user_id", "display_name", "role", NULL };
  g_autoptr(GError) error = NULL;
  const char *user_id, *display_name, *role;
  Request *pending;

  if (!only_members (request, fields, &error)
      || !get_string (request, "user_id", KIND_USER_ID, TRUE, &user_id, &error)
      || !get_string (request, "display_name", KIND_DISPLAY_NAME, TRUE, &display_name, &error)
      || !get_string (request, "role", KIND_ROLE, TRUE, &role, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  pending = hand_over (request);
  wc_portal_service_create_user_async (self->service, pending->session, user_id, display_name, role, NULL,
                                       on_answered, pending);
}

/* The user ID in the path: one that cannot be a user ID, too long
 * included, is not a value (W095000007), not a member that is too long. */
static gboolean
check_segment (Request  *request,
               GError  **error)
{
  if (request->segment == NULL || g_utf8_strlen (request->segment, -1) > 64
      || !check_value ("user_id", request->segment, KIND_USER_ID, NULL))
    {
      g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_INVALID_VALUE, "user_id"));
      return FALSE;
    }
  return TRUE;
}

static void
handle_user_patch (WcPortalServer *self,
                   Request        *request)
{
  static const char * const fields[] = { "display_name", "role", "disabled", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *display_name = NULL, *role = NULL;
  int disabled = -1;
  JsonNode *member;

  if (!check_segment (request, &error)
      || !only_members (request, fields, &error)
      || !get_string (request, "display_name", KIND_DISPLAY_NAME, FALSE, &display_name, &error)
      || !get_string (request, "role", KIND_ROLE, FALSE, &role, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  member = json_object_get_member (request->body, "disabled");
  if (member != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          respond_code (self, request->msg, WC_API_ERROR_WRONG_TYPE, "disabled");
          return;
        }
      disabled = json_node_get_boolean (member) ? 1 : 0;
    }

  node = wc_portal_service_update_user (self->service, request->session, request->segment,
                                        display_name, role, disabled, &error);
  respond_node_or_error (self, request, node, error);
}

static void
handle_user_delete (WcPortalServer *self,
                    Request        *request)
{
  g_autoptr(GError) error = NULL;
  gboolean done = check_segment (request, &error)
                  && wc_portal_service_delete_user (self->service, request->session, request->segment, &error);

  respond_done_or_error (self, request, done, error);
}

static void
handle_user_password_reset (WcPortalServer *self,
                            Request        *request)
{
  g_autoptr(GError) error = NULL;
  Request *pending;

  if (!check_segment (request, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  pending = hand_over (request);
  wc_portal_service_reset_password_async (self->service, pending->session, pending->segment, NULL,
                                          on_answered, pending);
}

static void
handle_user_otp_reset (WcPortalServer *self,
                       Request        *request)
{
  g_autoptr(GError) error = NULL;
  gboolean done = check_segment (request, &error)
                  && wc_portal_service_reset_otp (self->service, request->session, request->segment, &error);

  respond_done_or_error (self, request, done, error);
}

static void
handle_test_clock (WcPortalServer *self,
                   Request        *request)
{
  static const char * const fields[] = { "advance_seconds", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *now_text = NULL;
  WcPortalClock *clock = wc_portal_service_get_clock (self->service);
  JsonNode *member;

  if (!only_members (request, fields, &error))
    {
      respond_error (self, request->msg, error);
      return;
    }
  member = json_object_get_member (request->body, "advance_seconds");
  if (member == NULL)
    {
      respond_code (self, request->msg, WC_API_ERROR_MISSING_FIELD, "advance_seconds");
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    {
      respond_code (self, request->msg, WC_API_ERROR_WRONG_TYPE, "advance_seconds");
      return;
    }
  /* json-glib wraps an integer beyond 64 bits; it is out of range. */
  if (request->huge_numbers)
    {
      respond_code (self, request->msg, WC_API_ERROR_INVALID_VALUE, "advance_seconds");
      return;
    }
  if (!wc_portal_clock_advance (clock, json_node_get_int (member)))
    {
      respond_code (self, request->msg, WC_API_ERROR_INVALID_VALUE, "advance_seconds");
      return;
    }

  now = g_date_time_new_from_unix_utc (wc_portal_clock_now (clock));
  now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, now_text);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  respond_json (self, request->msg, SOUP_STATUS_OK, node);
}

#define ANY_SESSION { WC_PORTAL_SCOPE_SESSION, TRUE, TRUE }
#define NO_ACCESS { 0, FALSE, FALSE }
#define USERS { WC_PORTAL_SCOPE_USERS, FALSE, TRUE }

static const Route routes[] = {
  { "GET",    "/status",                  handle_status,              FALSE, NO_ACCESS, FALSE, FALSE },
  { "POST",   "/login",                   handle_login,               FALSE, NO_ACCESS, TRUE, FALSE },
  { "POST",   "/legacy/login",            handle_legacy_login,        FALSE, NO_ACCESS, TRUE, FALSE },
  { "POST",   "/legacy/password-reset",   handle_legacy_reset,        FALSE, NO_ACCESS, TRUE, FALSE },
  { "POST",   "/tablet/login",            handle_tablet_login,        FALSE, NO_ACCESS, TRUE, FALSE },
  /* Checks its session itself, after hashing, like /password. */
  { "POST",   "/tablet/password",         handle_tablet_password,     TRUE, USERS, TRUE, FALSE },
  /* The password change checks its session itself, after hashing. */
  { "POST",   "/password",                handle_password,            TRUE, { WC_PORTAL_SCOPE_PASSWORD, TRUE, TRUE }, TRUE, FALSE },
  { "POST",   "/otp/secret",              handle_otp_secret,          TRUE, { WC_PORTAL_SCOPE_OTP, TRUE, TRUE }, FALSE, FALSE },
  { "POST",   "/otp/activate",            handle_otp_activate,        TRUE, { WC_PORTAL_SCOPE_OTP, TRUE, TRUE }, TRUE, FALSE },
  { "GET",    "/session",                 handle_session,             TRUE, { WC_PORTAL_SCOPE_SESSION, TRUE, FALSE }, FALSE, FALSE },
  { "POST",   "/logout",                  handle_logout,              TRUE, ANY_SESSION, FALSE, FALSE },
  { "GET",    "/users",                   handle_users_list,          TRUE, USERS, FALSE, FALSE },
  { "POST",   "/users",                   handle_users_create,        TRUE, USERS, TRUE, FALSE },
  { "PATCH",  "/users/{}",                handle_user_patch,          TRUE, USERS, TRUE, FALSE },
  { "DELETE", "/users/{}",                handle_user_delete,         TRUE, USERS, FALSE, FALSE },
  { "POST",   "/users/{}/password-reset", handle_user_password_reset, TRUE, USERS, FALSE, FALSE },
  { "POST",   "/users/{}/otp-reset",      handle_user_otp_reset,      TRUE, USERS, FALSE, FALSE },
  { "POST",   "/test/clock",              handle_test_clock,          FALSE, NO_ACCESS, TRUE, TRUE },
};

GStrv
wc_portal_server_dup_routes (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *path = g_strdup (routes[i].path);
      g_autofree char *line = NULL;
      char *brace = strstr (path, "{}");

      if (brace != NULL)
        {
          g_autofree char *head = g_strndup (path, (gsize) (brace - path));
          char *rest = g_strconcat (head, "{user_id}", brace + 2, NULL);

          g_free (path);
          path = rest;
        }
      line = g_strdup_printf ("%s %s", routes[i].method, path);
      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

/* Matches @path against a route pattern; a "{}" takes one segment, which
 * comes back decoded (NULL when it does not decode to UTF-8). */
static gboolean
path_matches (const char  *pattern,
              const char  *path,
              char       **segment)
{
  const char *brace = strstr (pattern, "{}");
  const char *end;
  gsize head;

  *segment = NULL;
  if (brace == NULL)
    return g_str_equal (pattern, path);

  head = (gsize) (brace - pattern);
  if (strncmp (pattern, path, head) != 0)
    return FALSE;
  end = strchr (path + head, '/');
  if (end == NULL)
    end = path + strlen (path);
  if (end == path + head || !g_str_equal (brace + 2, end))
    return FALSE;

  *segment = g_uri_unescape_segment (path + head, end, "/");
  if (*segment != NULL && !g_utf8_validate (*segment, -1, NULL))
    g_clear_pointer (segment, g_free);
  return TRUE;
}

static char *
bearer_token (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  if (*header == '\0' || strlen (header) > 256)
    return NULL;
  return g_strdup (header);
}

/* The only parameter application/json may have is charset=utf-8. */
static gboolean
only_utf8_charset (GHashTable *params)
{
  GHashTableIter iter;
  gpointer name, value;

  if (params == NULL)
    return TRUE;
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "charset") != 0 || value == NULL || g_ascii_strcasecmp (value, "utf-8") != 0)
      return FALSE;
  return TRUE;
}

/* The body's size and media type. */
static gboolean
check_body (Request      *request,
            const Route  *route,
            GBytes      **bytes_out,
            GError      **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GHashTable) params = NULL;
  const char *content_type;

  if (g_bytes_get_size (bytes) > WC_PORTAL_MAX_BODY)
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_BODY_TOO_LARGE));
      return FALSE;
    }
  if (!route->body)
    return TRUE;

  content_type = soup_message_headers_get_content_type (headers, &params);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0
      || !only_utf8_charset (params))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_UNSUPPORTED_MEDIA_TYPE));
      return FALSE;
    }
  *bytes_out = g_steal_pointer (&bytes);
  return TRUE;
}

/* json-glib would cut a string at an escaped U+0000 without a word, so
 * the raw text is checked for one first. Backslashes occur only inside
 * strings in JSON. */
static gboolean
has_escaped_nul (const char *data,
                 gsize       size)
{
  for (gsize i = 0; i + 1 < size; i++)
    {
      if (data[i] != '\\')
        continue;
      if (data[i + 1] == 'u' && i + 5 < size && strncmp (data + i + 2, "0000", 4) == 0)
        return TRUE;
      i++;  /* the escaped character */
    }
  return FALSE;
}

static gboolean
parse_body (Request  *request,
            GBytes   *bytes,
            GError  **error)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  WcJsonTextFlags flags = 0;
  g_autofree char *duplicate = NULL;
  gboolean json;

  if (bytes == NULL)
    {
      /* Routes without a body ignore whatever came. */
      request->body_node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (request->body_node, json_object_new ());
      request->body = json_node_get_object (request->body_node);
      return TRUE;
    }

  if (size > 0 && (!g_utf8_validate_len (data, size, NULL) || memchr (data, '\0', size) != NULL
                   || has_escaped_nul (data, size)))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_BAD_CHARACTERS));
      return FALSE;
    }
  /* No bound on nesting here: a body is at most 64 KiB. */
  json = size > 0 && wc_json_text_check (data, size, G_MAXUINT, &flags, &duplicate);
  if (json && (flags & WC_JSON_TEXT_BAD_CHARACTERS))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_BAD_CHARACTERS));
      return FALSE;
    }
  /* json-glib would keep the last of two members of one name, silently. */
  if (json && duplicate != NULL)
    {
      g_propagate_error (error, wc_api_error_new_for_field (WC_API_ERROR_BAD_JSON, duplicate));
      return FALSE;
    }
  parser = json_parser_new_immutable ();
  if (!json
      || !json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_propagate_error (error, wc_api_error_new (WC_API_ERROR_BAD_JSON));
      return FALSE;
    }
  request->body_node = json_parser_steal_root (parser);
  request->body = json_node_get_object (request->body_node);
  request->huge_numbers = (flags & WC_JSON_TEXT_HUGE_NUMBERS) != 0;
  return TRUE;
}

/* Steps 1 to 3 of the order of checks: routing, maintenance and the old
 * login's closure. Returns the route, with the {} segment of its path in
 * @segment; or NULL after answering the request. */
static const Route *
find_route (WcPortalServer     *self,
            SoupServerMessage  *msg,
            const char         *path,
            char              **segment)
{
  g_autoptr(GStrvBuilder) allowed = g_strv_builder_new ();
  g_auto(GStrv) allowed_methods = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *api_path = NULL;
  const Route *route = NULL;
  gboolean test_clock = wc_portal_clock_is_adjustable (wc_portal_service_get_clock (self->service));

  *segment = NULL;

  /* 1. Routing. */
  if (g_str_has_prefix (path, WC_PORTAL_API_BASE "/"))
    api_path = path + strlen (WC_PORTAL_API_BASE);
  for (guint i = 0; api_path != NULL && i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *route_segment = NULL;

      if (routes[i].test_clock && !test_clock)
        continue;
      if (!path_matches (routes[i].path, api_path, &route_segment))
        continue;
      g_strv_builder_add (allowed, routes[i].method);
      if (route == NULL && g_str_equal (routes[i].method, method))
        {
          route = &routes[i];
          *segment = g_steal_pointer (&route_segment);
        }
    }
  allowed_methods = g_strv_builder_end (allowed);
  if (route == NULL && allowed_methods[0] == NULL)
    {
      respond_code (self, msg, WC_API_ERROR_NOT_FOUND, NULL);
      return NULL;
    }
  if (route == NULL)
    {
      g_autofree char *allow = g_strjoinv (", ", allowed_methods);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
      respond_code (self, msg, WC_API_ERROR_METHOD_NOT_ALLOWED, NULL);
      return NULL;
    }

  /* 2. Maintenance, for all but /status and the test clock. */
  if (route->handler != handle_status && !route->test_clock)
    {
      g_autoptr(GError) maintenance = wc_portal_service_check_maintenance (self->service);

      if (maintenance != NULL)
        {
          g_clear_pointer (segment, g_free);
          respond_error (self, msg, maintenance);
          return NULL;
        }
    }

  /* 3. The old login's closure. */
  if (g_str_has_prefix (route->path, "/legacy/") && wc_portal_service_legacy_closed (self->service))
    {
      g_clear_pointer (segment, g_free);
      respond_code (self, msg, WC_API_ERROR_LEGACY_CLOSED, NULL);
      return NULL;
    }
  return route;
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  WcPortalServer *self = user_data;
  g_autoptr(Request) request = g_new0 (Request, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  const Route *route;

  request->server = g_object_ref (self);
  request->msg = g_object_ref (msg);

  /* 1 to 3. Routing, maintenance, closure. */
  route = find_route (self, msg, path, &request->segment);
  if (route == NULL)
    return;

  /* 4. Size and media type; 5 and 6. the session and what it may do;
   * 7. the body itself; 8. the operation. */
  if (!check_body (request, route, &body, &error))
    {
      respond_error (self, msg, error);
      return;
    }
  request->token = bearer_token (msg);
  if (route->session)
    {
      request->session = wc_portal_service_authorize (self->service, request->token, &route->access, &error);
      if (request->session == NULL)
        {
          respond_error (self, msg, error);
          return;
        }
    }
  if (!parse_body (request, body, &error))
    {
      respond_error (self, msg, error);
      return;
    }

  route->handler (self, request);
}

/* Refuses an oversized body as soon as its headers arrive, before
 * reading it. */
static void
on_got_headers (SoupServerMessage *msg,
                gpointer           user_data)
{
  WcPortalServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > WC_PORTAL_MAX_BODY)
    {
      g_autofree char *segment = NULL;

      /* The size is step 4: routing, maintenance and the closure come
       * first (and answer themselves when they fail). */
      if (find_route (self, msg, g_uri_get_path (soup_server_message_get_uri (msg)), &segment) != NULL)
        respond_code (self, msg, WC_API_ERROR_BODY_TOO_LARGE, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
    }
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (on_got_headers), user_data, 0);
}

static gboolean
sweep_sessions (gpointer user_data)
{
  WcPortalServer *self = user_data;
  WcPortalClock *clock = wc_portal_service_get_clock (self->service);

  wc_portal_sessions_sweep (wc_portal_service_get_sessions (self->service), wc_portal_clock_now (clock));
  return G_SOURCE_CONTINUE;
}

static void
wc_portal_server_dispose (GObject *object)
{
  WcPortalServer *self = (WcPortalServer *) object;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (wc_portal_server_parent_class)->dispose (object);
}

static void
wc_portal_server_class_init (WcPortalServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wc_portal_server_dispose;
}

static void
wc_portal_server_init (WcPortalServer *self)
{
}

WcPortalServer *
wc_portal_server_new (WcPortalService  *service,
                      GTlsCertificate  *certificate,
                      GError          **error)
{
  g_autoptr(WcPortalServer) self = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVICE (service), NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (WC_TYPE_PORTAL_SERVER, NULL);
  self->service = g_object_ref (service);
  /* Raw paths: path_matches () decodes the user ID once. libsoup would
   * decode the whole path first, and "%2540" would become "@". */
  self->soup = g_object_new (SOUP_TYPE_SERVER,
                             "server-header", "webcollect-portal",
                             "tls-certificate", certificate,
                             "raw-paths", TRUE,
                             NULL);

  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  self->sweep_id = g_timeout_add_seconds (60, sweep_sessions, self);
  return g_steal_pointer (&self);
}

gboolean
wc_portal_server_listen (WcPortalServer  *self,
                         const char      *host,
                         guint16          port,
                         GError         **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SERVER (self), FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  return soup_server_listen (self->soup, socket_address, SOUP_SERVER_LISTEN_HTTPS, error);
}

char *
wc_portal_server_dup_url (WcPortalServer *self)
{
  GSList *listeners;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  GInetSocketAddress *inet;

  g_return_val_if_fail (WC_IS_PORTAL_SERVER (self), NULL);

  /* From the listening socket itself: libsoup 3.2's
   * soup_server_get_uris() leaks the address it reads. */
  listeners = soup_server_get_listeners (self->soup);
  if (listeners == NULL)
    return NULL;
  address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  return strchr (host, ':') != NULL
         ? g_strdup_printf ("https://[%s]:%u", host, g_inet_socket_address_get_port (inet))
         : g_strdup_printf ("https://%s:%u", host, g_inet_socket_address_get_port (inet));
}
