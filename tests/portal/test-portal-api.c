/* test-portal-api.c: the portal API of docs/portal-api.yaml, seen from
 * outside. Each case starts a real webcollect-portal on loopback (with
 * the test clock unless it says otherwise) and talks HTTPS to it,
 * trusting only its pinned certificate. Every rule of the contract has a
 * case that fails when the rule breaks: transport and headers, routing,
 * the order of checks and request validation; the new, old and tablet
 * logins, restricted sessions and scopes; the password policy, history
 * and the 90-day expiry of the old password; lockouts; one-time
 * passwords, enrollment and replay; idle timeouts; user management;
 * maintenance, the old login's closure and its password reset; the test
 * clock and restarts.
 *
 * Every response goes through check_response (), which holds each one to
 * the rules that apply to all: a Date and Cache-Control header, no CORS,
 * error bodies with catalogue texts and the right field, WWW-Authenticate
 * on 401, Retry-After equal to retry_after on 429 and 503. */
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "portal-fixture.h"
#include "wc-api-error.h"

#define API "/api/v1"

/* A merchant and the passwords the cases give it. */
#define MERCHANT "shop0001"
#define INITIAL "Initial2021pass"      /* the initial access password */
#define MAIN_PW "Main-login-2024"      /* the main user's new-login password */
#define OLD_PW "Old-login-2024"        /* the merchant's old password */
#define OLD_PW2 "Old-login-2025"
#define CHILD_PW "Child-login-2024"

#define DAY 86400
#define LOCK_SECONDS 1800
#define IDLE_SECONDS 900

#define STRV(...) ((const char * const []) { __VA_ARGS__, NULL })
#define NONE ((const char * const []) { NULL })

/* Every response. */


/* Whole seconds since @start (monotonic µs), rounded up, plus one for the
 * portal's own rounding: the slack a time-sensitive check allows, which
 * grows with a slow (sanitizer) build instead of being fixed. */
/* Seconds a check of "now" may be off by: 3, or $WC_TEST_SLACK for builds
 * that run many times slower (the sanitizer run in CI). */
static gint64
slack (void)
{
  const char *text = g_getenv ("WC_TEST_SLACK");
  gint64 value = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;

  return value > 3 ? value : 3;
}

static gint64
elapsed_since (gint64 start)
{
  return (g_get_monotonic_time () - start + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC + 1;
}

static gboolean
is_timestamp (const char *text)
{
  return text != NULL && g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", text, 0, 0);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = NULL;

  if (!is_timestamp (text))
    g_error ("not an RFC 3339 UTC timestamp with whole seconds: %s", text != NULL ? text : "(null)");
  time = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static JsonObject *
error_of (PortalResponse *response)
{
  return json_object_get_object_member (portal_response_object (response), "error");
}

static gint64
retry_after (PortalResponse *response)
{
  JsonObject *error = error_of (response);

  g_assert_true (json_object_has_member (error, "retry_after"));
  return json_object_get_int_member (error, "retry_after");
}

static const char *
error_field (PortalResponse *response)
{
  JsonObject *error = error_of (response);

  return json_object_has_member (error, "field") ? json_object_get_string_member (error, "field") : NULL;
}

static gint64
date_of (PortalResponse *response)
{
  const char *date = soup_message_headers_get_one (response->headers, "Date");
  g_autoptr(GDateTime) time = date != NULL ? soup_date_time_new_from_http_string (date) : NULL;

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

/* An error body: exactly the catalogue's status and texts, only the
 * members the Error schema has, `field` where the catalogue gives one
 * (and on the request errors that name a member), retry_after and
 * Retry-After on 429 and 503 only, ends_at on maintenance only. */
static void
check_error_body (PortalResponse *response)
{
  static const char * const members[] = { "code", "message", "message_ja", "field", "retry_after", "ends_at", NULL };
  static const char * const field_required[] = { "W095000002", "W095000003", "W095000004", "W095000006",
                                                  "W095000007", NULL };
  SoupMessageHeaders *headers = response->headers;
  const WcApiErrorInfo *catalogue, *info = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *root, *error;
  const char *code, *field, *header;
  guint n_entries;

  if (response->body == NULL || !JSON_NODE_HOLDS_OBJECT (response->body))
    g_error ("a %u answer without an error object: %s", response->status, response->raw);
  root = json_node_get_object (response->body);
  g_assert_cmpuint (json_object_get_size (root), ==, 1);
  error = json_object_get_object_member (root, "error");
  g_assert_nonnull (error);
  code = json_object_get_string_member (error, "code");
  g_assert_nonnull (code);

  catalogue = wc_api_error_catalogue (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    if (g_str_equal (catalogue[i].code, code))
      info = &catalogue[i];
  if (info == NULL)
    g_error ("%s is not in the catalogue", code);
  if (info->status != response->status)
    g_error ("%s came with status %u, the catalogue says %u", code, response->status, info->status);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, info->message);
  g_assert_cmpstr (json_object_get_string_member (error, "message_ja"), ==, info->message_ja);

  names = json_object_get_members (error);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (members, l->data))
      g_error ("unexpected member %s in %s", (const char *) l->data, response->raw);

  field = error_field (response);
  if (info->field != NULL)
    g_assert_cmpstr (field, ==, info->field);
  else if (g_strv_contains (field_required, code))
    {
      if (field == NULL)
        g_error ("%s without the field it is about: %s", code, response->raw);
    }
  else if (!g_str_equal (code, "W095000005") && !g_str_equal (code, "W095000001"))
    /* Those two name a member where one is known (a NUL inside it, a
     * member given twice); the others never do. */
    g_assert_null (field);

  header = soup_message_headers_get_one (headers, "Retry-After");
  if (response->status == 429 || response->status == 503)
    {
      gint64 seconds = retry_after (response);
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);

      g_assert_cmpint (seconds, >=, 1);
      g_assert_cmpstr (header, ==, text);
    }
  else
    {
      g_assert_false (json_object_has_member (error, "retry_after"));
      g_assert_null (header);
    }

  if (g_str_equal (code, "W096000001"))
    g_assert_true (is_timestamp (json_object_get_string_member (error, "ends_at")));
  else
    g_assert_false (json_object_has_member (error, "ends_at"));

  header = soup_message_headers_get_one (headers, "WWW-Authenticate");
  if (response->status == 401)
    {
      if (header == NULL || !g_str_has_prefix (header, "Bearer realm=\"webcollect-portal\""))
        g_error ("401 without WWW-Authenticate: Bearer realm=\"webcollect-portal\": %s",
                 header != NULL ? header : "(none)");
    }
}

/* What every response has. */
static void
check_response (PortalResponse *response)
{
  const char *date = soup_message_headers_get_one (response->headers, "Date");
  g_autoptr(GDateTime) parsed = NULL;

  /* RFC 9110 IMF-fixdate: "Sun, 14 Nov 2021 19:10:00 GMT". */
  if (date == NULL || strlen (date) != 29 || !g_str_has_suffix (date, " GMT")
      || (parsed = soup_date_time_new_from_http_string (date)) == NULL)
    g_error ("a %u answer without an IMF-fixdate Date header: %s", response->status, date != NULL ? date : "(none)");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==, "no-store");
  g_assert_null (soup_message_headers_get_one (response->headers, "Access-Control-Allow-Origin"));

  if (response->status >= 300)
    check_error_body (response);
  else if (response->status == 202 || response->status == 204)
    g_assert_cmpstr (response->raw, ==, "");
  else
    g_assert_true (response->body != NULL && JSON_NODE_HOLDS_OBJECT (response->body));
}

static PortalResponse *
request (PortalFixture *portal,
         const char    *method,
         const char    *path,
         const char    *token,
         const char    *body)
{
  PortalResponse *response = portal_request (portal, method, path, token, body);

  check_response (response);
  return response;
}

static PortalResponse *
request_full (PortalFixture *portal,
              const char    *method,
              const char    *path,
              const char    *authorization,
              const char    *content_type,
              GBytes        *body,
              gboolean       chunked)
{
  PortalResponse *response = portal_request_full (portal, method, path, authorization, content_type, body, chunked);

  check_response (response);
  return response;
}

static PortalResponse *
request_typed (PortalFixture *portal,
               const char    *path,
               const char    *content_type,
               const char    *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return request_full (portal, "POST", path, NULL, content_type, bytes, FALSE);
}

#define assert_status(response, status_) G_STMT_START { \
    PortalResponse *r__ = (response); \
    if (r__->status != (status_)) \
      g_error ("expected %u, got %u: %s", (guint) (status_), r__->status, r__->raw); \
  } G_STMT_END

/* portal_assert_error and the member the error names. */
#define assert_error_field(response, status_, code_, field_) G_STMT_START { \
    portal_assert_error ((response), (status_), (code_)); \
    g_assert_cmpstr (error_field (response), ==, (field_)); \
  } G_STMT_END

/* A JSON object of string members: name, value, ..., NULL. */
static char *body_of (const char *first_name,
                      ...) G_GNUC_NULL_TERMINATED;

static char *
body_of (const char *first_name,
         ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (text, unit);
  return g_string_free (text, FALSE);
}

/* Reading answers. */

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    g_error ("%s is not a string", name);
  return json_node_get_string (node);
}

static gboolean
null_member (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    g_error ("%s is missing", name);
  return JSON_NODE_HOLDS_NULL (node);
}

/* The array @name holds exactly @expected, in any order. */
static void
assert_strings (JsonObject         *object,
                const char         *name,
                const char * const *expected)
{
  JsonArray *array = json_object_get_array_member (object, name);
  guint n = g_strv_length ((char **) expected);
  g_autoptr(GStrvBuilder) seen = g_strv_builder_new ();
  g_auto(GStrv) seen_strv = NULL;
  g_autofree char *seen_text = NULL;
  gboolean ok;

  g_assert_nonnull (array);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_strv_builder_add (seen, json_array_get_string_element (array, i));
  seen_strv = g_strv_builder_end (seen);
  ok = g_strv_length (seen_strv) == n;
  for (guint i = 0; ok && i < n; i++)
    ok = g_strv_contains ((const char * const *) seen_strv, expected[i]);
  seen_text = g_strjoinv (",", seen_strv);
  if (!ok)
    g_error ("%s is [%s]", name, seen_text);
}

static const char *
token_of (PortalResponse *response)
{
  const char *token;

  assert_status (response, 200);
  token = string_member (portal_response_object (response), "token");
  /* 256 bits, base64url without padding. */
  g_assert_true (g_regex_match_simple ("^[A-Za-z0-9_-]{43}$", token, 0, 0));
  return token;
}

static JsonObject *
user_of (PortalResponse *response)
{
  return json_object_get_object_member (portal_response_object (response), "user");
}

static gboolean
bool_member (PortalResponse *response,
             const char     *name)
{
  JsonObject *object = portal_response_object (response);

  g_assert_true (json_object_has_member (object, name));
  return json_object_get_boolean_member (object, name);
}

/* A generated password: 16 characters without look-alikes, a letter and
 * a digit among them. */
static void
assert_generated_password (const char *password)
{
  g_assert_true (g_regex_match_simple ("^[A-HJ-NP-Za-km-z2-9]{16}$", password, 0, 0));
  g_assert_true (g_regex_match_simple ("[A-Za-z]", password, 0, 0));
  g_assert_true (g_regex_match_simple ("[0-9]", password, 0, 0));
}

/* Requests. */

static PortalResponse *
login (PortalFixture *portal,
       const char    *merchant_code,
       const char    *user_id,
       const char    *password,
       const char    *otp)
{
  g_autofree char *body = body_of ("merchant_code", merchant_code, "user_id", user_id, "password", password,
                                   otp != NULL ? "otp" : NULL, otp, NULL);

  return request (portal, "POST", API "/login", NULL, body);
}

static PortalResponse *
legacy_login (PortalFixture *portal,
              const char    *merchant_code,
              const char    *password)
{
  g_autofree char *body = body_of ("merchant_code", merchant_code, "password", password, NULL);

  return request (portal, "POST", API "/legacy/login", NULL, body);
}

static PortalResponse *
tablet_login (PortalFixture *portal,
              const char    *merchant_code,
              const char    *password)
{
  g_autofree char *body = body_of ("merchant_code", merchant_code, "password", password, NULL);

  return request (portal, "POST", API "/tablet/login", NULL, body);
}

static PortalResponse *
legacy_reset (PortalFixture *portal,
              const char    *merchant_code)
{
  g_autofree char *body = body_of ("merchant_code", merchant_code, NULL);

  return request (portal, "POST", API "/legacy/password-reset", NULL, body);
}

static PortalResponse *
change_password (PortalFixture *portal,
                 const char    *token,
                 const char    *current,
                 const char    *replacement)
{
  g_autofree char *body = body_of ("current_password", current, "new_password", replacement, NULL);

  return request (portal, "POST", API "/password", token, body);
}

static PortalResponse *
activate (PortalFixture *portal,
          const char    *token,
          const char    *otp)
{
  g_autofree char *body = body_of ("otp", otp, NULL);

  return request (portal, "POST", API "/otp/activate", token, body);
}

static PortalResponse *
get_session (PortalFixture *portal,
             const char    *token)
{
  return request (portal, "GET", API "/session", token, NULL);
}

static void
expect (PortalFixture *portal,
        const char    *method,
        const char    *path,
        const char    *token,
        const char    *body,
        guint          status)
{
  g_autoptr(PortalResponse) response = request (portal, method, path, token, body);

  assert_status (response, status);
}

static void
expect_error (PortalFixture *portal,
              const char    *method,
              const char    *path,
              const char    *token,
              const char    *body,
              guint          status,
              const char    *code)
{
  g_autoptr(PortalResponse) response = request (portal, method, path, token, body);

  portal_assert_error (response, status, code);
}

static void
logout (PortalFixture *portal,
        const char    *token)
{
  expect (portal, "POST", API "/logout", token, NULL, 204);
}

/* The session has ended: a token that is no longer valid. */
static void
assert_ended (PortalFixture *portal,
              const char    *token)
{
  g_autoptr(PortalResponse) response = get_session (portal, token);

  portal_assert_error (response, 401, "W051000002");
}

static void
assert_alive (PortalFixture *portal,
              const char    *token)
{
  g_autoptr(PortalResponse) response = get_session (portal, token);

  assert_status (response, 200);
}

static void
expect_login_error (PortalFixture *portal,
                    const char    *user_id,
                    const char    *password,
                    const char    *otp,
                    guint          status,
                    const char    *code)
{
  g_autoptr(PortalResponse) response = login (portal, MERCHANT, user_id, password, otp);

  portal_assert_error (response, status, code);
}

/* One-time passwords. */

static char *
code_at (const char *secret,
         gint64      unix_time)
{
  return portal_totp (secret, unix_time);
}

/* A code that no step from @around - 90 to @around + 90 has. */
static char *
wrong_code (const char *secret,
            gint64      around)
{
  for (guint candidate = 0; ; candidate++)
    {
      g_autofree char *code = g_strdup_printf ("%06u", (candidate * 104729u) % 1000000u);
      gboolean used = FALSE;

      for (gint64 t = around - 90; t <= around + 90; t += 30)
        {
          g_autofree char *real = code_at (secret, t);

          used |= g_str_equal (real, code);
        }
      if (!used)
        return g_steal_pointer (&code);
    }
}

/* Moves the server clock to just after the start of a 30-second step,
 * so that codes computed now stay in their step for a while. */
static gint64
step_start (PortalFixture *portal)
{
  gint64 now = portal_now (portal);

  portal_advance (portal, 30 - now % 30 + 1);
  return portal_now (portal);
}

/* Issues a key in @token's session and activates it with the current
 * code. Returns the base32 secret. */
static char *
enroll (PortalFixture *portal,
        const char    *token)
{
  g_autoptr(PortalResponse) issued = request (portal, "POST", API "/otp/secret", token, NULL);
  g_autoptr(PortalResponse) activated = NULL;
  g_autofree char *code = NULL;
  const char *secret;

  assert_status (issued, 200);
  secret = string_member (portal_response_object (issued), "secret");
  code = code_at (secret, portal_now (portal));
  activated = activate (portal, token, code);
  assert_status (activated, 204);
  return g_strdup (secret);
}

/* A full login with a fresh code: the clock moves on a minute first, so
 * that the code's step is later than any accepted before. */
static PortalResponse *
otp_login (PortalFixture *portal,
           const char    *merchant_code,
           const char    *user_id,
           const char    *password,
           const char    *secret)
{
  g_autofree char *code = NULL;

  portal_advance (portal, 60);
  code = code_at (secret, portal_now (portal));
  return login (portal, merchant_code, user_id, password, code);
}

static char *
full_login (PortalFixture *portal,
            const char    *merchant_code,
            const char    *user_id,
            const char    *password,
            const char    *secret)
{
  g_autoptr(PortalResponse) response = otp_login (portal, merchant_code, user_id, password, secret);

  g_assert_false (bool_member (response, "restricted"));
  return g_strdup (token_of (response));
}

/* The first login of a user with a first password: change it, enroll a
 * key, log out and log in fully. Returns the full session's token. */
static char *
set_up_user (PortalFixture *portal,
             const char    *merchant_code,
             const char    *user_id,
             const char    *first_password,
             const char    *password,
             char         **secret_out)
{
  g_autoptr(PortalResponse) first = login (portal, merchant_code, user_id, first_password, NULL);
  g_autoptr(PortalResponse) changed = NULL;
  g_autofree char *token = g_strdup (token_of (first));
  g_autofree char *secret = NULL;

  g_assert_true (bool_member (first, "restricted"));
  changed = change_password (portal, token, first_password, password);
  assert_status (changed, 204);
  secret = enroll (portal, token);
  logout (portal, token);
  if (secret_out != NULL)
    *secret_out = g_strdup (secret);
  return full_login (portal, merchant_code, user_id, password, secret);
}

/* MERCHANT with INITIAL, and a full session of its main user, whose
 * new-login password is then MAIN_PW. */
static char *
set_up_main (PortalFixture *portal,
             char         **secret_out)
{
  portal_add_merchant (portal, MERCHANT, INITIAL);
  return set_up_user (portal, MERCHANT, MERCHANT, INITIAL, MAIN_PW, secret_out);
}

/* Creates a child user and returns its initial password. */
static char *
create_user (PortalFixture *portal,
             const char    *main_token,
             const char    *user_id,
             const char    *role)
{
  g_autofree char *body = body_of ("user_id", user_id, "display_name", user_id, "role", role, NULL);
  g_autoptr(PortalResponse) created = request (portal, "POST", API "/users", main_token, body);
  const char *password;

  assert_status (created, 201);
  password = string_member (portal_response_object (created), "initial_password");
  assert_generated_password (password);
  return g_strdup (password);
}

/* The merchant's old password changed from INITIAL to OLD_PW through
 * the old login, so that it is no longer a first password. */
static void
change_old_password (PortalFixture *portal,
                     const char    *merchant_code)
{
  g_autoptr(PortalResponse) first = legacy_login (portal, merchant_code, INITIAL);
  g_autoptr(PortalResponse) changed = change_password (portal, token_of (first), INITIAL, OLD_PW);

  assert_status (changed, 204);
  logout (portal, token_of (first));
}

/* A restricted old-login session calling the /otp/ endpoints, which
 * restricted new-login sessions may call but old-login ones may not. The order of
 * checks puts the restriction first (@restricted_code); the endpoints'
 * own x-error-codes list only W053000001 as their 403. The contract is
 * ambiguous here, so either is taken, but never anything else. */
static void
expect_legacy_otp_refused (PortalFixture *portal,
                           const char    *token,
                           const char    *restricted_code)
{
  g_autoptr(PortalResponse) secret = request (portal, "POST", API "/otp/secret", token, NULL);
  g_autoptr(PortalResponse) activated = request (portal, "POST", API "/otp/activate", token, "{\"otp\":\"123456\"}");
  PortalResponse *answers[] = { secret, activated };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      const char *code = portal_response_error (answers[i]);

      g_assert_cmpuint (answers[i]->status, ==, 403);
      if (g_strcmp0 (code, restricted_code) != 0 && g_strcmp0 (code, "W053000001") != 0)
        g_error ("expected %s or W053000001, got %s", restricted_code, answers[i]->raw);
    }
}

/* Administration through the command line, as an operator would. */
static void
run_admin (PortalFixture      *portal,
           const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("WEBCOLLECT_PORTAL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--data");
  g_ptr_array_add (argv, portal->data_dir);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("webcollect-portal %s failed: %s", args[0], err);
}

/* The server's clock is real time plus whole seconds. Requests made
 * before the next second of real time begins see one server time, so
 * that a boundary can be hit to the second: this waits for a second to
 * begin and returns it. */
static gint64
start_of_second (void)
{
  gint64 now = g_get_real_time ();

  g_usleep ((gulong) (G_USEC_PER_SEC - now % G_USEC_PER_SEC + 10000));
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
still_second (gint64 second)
{
  return g_get_real_time () / G_USEC_PER_SEC == second;
}

/* The server's time from a zero move of the test clock. */
static gint64
server_time (PortalFixture *portal)
{
  g_autoptr(PortalResponse) response = request (portal, "POST", API "/test/clock", NULL, "{\"advance_seconds\": 0}");

  assert_status (response, 200);
  return parse_time (string_member (portal_response_object (response), "time"));
}

static JsonObject *
find_user (PortalResponse *list,
           const char     *user_id)
{
  JsonArray *users = json_object_get_array_member (portal_response_object (list), "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_str_equal (string_member (user, "user_id"), user_id))
        return user;
    }
  return NULL;
}

/* Status and transport. */

/* GET /status: public, with the server's time, the old login, the
 * maintenance windows, the support contact and the password policy. A
 * session header is ignored where no session is needed. */
static void
test_status (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) status = request (portal, "GET", API "/status", NULL, NULL);
  g_autoptr(PortalResponse) with_token = request (portal, "GET", API "/status", "no-such-token", NULL);
  gint64 real = g_get_real_time () / G_USEC_PER_SEC;
  JsonObject *root, *old_login, *maintenance, *support, *policy;

  assert_status (status, 200);
  assert_status (with_token, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (status->headers, NULL), ==, "application/json");

  root = portal_response_object (status);
  g_assert_cmpstr (string_member (root, "name"), ==, "webcollect-portal");
  g_assert_cmpstr (string_member (root, "api_version"), ==, "1.0");
  g_assert_cmpint (ABS (parse_time (string_member (root, "time")) - real), <=, 60);
  g_assert_cmpint (ABS (parse_time (string_member (root, "time")) - date_of (status)), <=, 1);

  old_login = json_object_get_object_member (root, "old_login");
  g_assert_true (json_object_get_boolean_member (old_login, "available"));
  g_assert_true (null_member (old_login, "closes_at"));

  maintenance = json_object_get_object_member (root, "maintenance");
  g_assert_false (json_object_get_boolean_member (maintenance, "active"));
  g_assert_true (null_member (maintenance, "ends_at"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (maintenance, "windows")), ==, 0);

  support = json_object_get_object_member (root, "support");
  g_assert_cmpstr (string_member (support, "name"), ==, "ヤマト運輸 決済サービス カスタマーサービスセンター");
  g_assert_cmpstr (string_member (support, "phone"), ==, "0120-69-5090");
  g_assert_cmpstr (string_member (support, "hours"), ==, "9:00-18:00 JST");
  g_assert_nonnull (strchr (string_member (support, "email"), '@'));

  policy = json_object_get_object_member (root, "password_policy");
  g_assert_cmpint (json_object_get_int_member (policy, "min_length"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (policy, "max_length"), ==, 256);
  g_assert_true (json_object_get_boolean_member (policy, "require_letters"));
  g_assert_true (json_object_get_boolean_member (policy, "require_digits"));
  g_assert_cmpint (json_object_get_int_member (policy, "history"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (policy, "max_age_days"), ==, 90);
  g_assert_cmpint (json_object_get_int_member (policy, "lockout_attempts"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (policy, "lockout_minutes"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (policy, "idle_timeout_minutes"), ==, 15);
}

/* The port speaks TLS only: plain HTTP never gets an HTTP answer. */
static void
test_plain_http (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 20, NULL);
  g_autofree char *url = g_strconcat ("http://", portal->url + strlen ("https://"), API "/status", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PortalResponse) after = NULL;

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_nonnull (error);
  g_test_message ("plain HTTP: %s", error->message);
  g_assert_false (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)));
  g_assert_cmpuint (soup_message_get_status (msg), <, 100);

  after = request (portal, "GET", API "/status", NULL, NULL);
  assert_status (after, 200);
}

/* Every kind of answer has a Date from the server's clock, which is the
 * test clock: after a move the Date moves with it. (check_response ()
 * holds each to the format and to Cache-Control: no-store.) */
static void
test_date_header (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *big = repeat (" ", 70 * 1024);
  gint64 offset = 0;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) portal_response_free);
      gint64 started = g_get_real_time () / G_USEC_PER_SEC + offset;
      g_autoptr(PortalResponse) first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
      g_autoptr(PortalResponse) status = NULL;
      const char *token = token_of (first);
      gint64 ended;

      g_ptr_array_add (answers, request (portal, "GET", API "/status", NULL, NULL));              /* 200 */
      g_ptr_array_add (answers, request (portal, "POST", API "/otp/secret", token, NULL));        /* 200 */
      g_ptr_array_add (answers, legacy_reset (portal, "nosuch"));                                 /* 202 */
      g_ptr_array_add (answers, request (portal, "POST", API "/login", NULL, "{"));               /* 400 */
      g_ptr_array_add (answers, request (portal, "GET", API "/session", NULL, NULL));             /* 401 */
      g_ptr_array_add (answers, request (portal, "GET", API "/users", token, NULL));              /* 403 */
      g_ptr_array_add (answers, request (portal, "GET", API "/no-such-path", NULL, NULL));        /* 404 */
      g_ptr_array_add (answers, request (portal, "GET", API "/login", NULL, NULL));               /* 405 */
      g_ptr_array_add (answers, request (portal, "POST", API "/login", NULL, big));               /* 413 */
      g_ptr_array_add (answers, request_typed (portal, API "/login", "text/plain", "{}"));        /* 415 */
      g_ptr_array_add (answers, request (portal, "POST", API "/logout", token, NULL));            /* 204 */
      /* Each Date lies between the first request and the last answer (a
       * second either way), however slowly a sanitizer build runs. */
      ended = g_get_real_time () / G_USEC_PER_SEC + offset;
      for (guint i = 0; i < answers->len; i++)
        {
          PortalResponse *answer = g_ptr_array_index (answers, i);

          if (date_of (answer) < started - 1 || date_of (answer) > ended + 1)
            g_error ("round %u: a %u answer has Date %s, expected between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                     round, answer->status, soup_message_headers_get_one (answer->headers, "Date"), started, ended);
        }
      status = request (portal, "GET", API "/status", NULL, NULL);
      g_assert_cmpint (ABS (parse_time (string_member (portal_response_object (status), "time")) - date_of (status)), <=, 1);

      portal_advance (portal, 3 * DAY + 7);
      offset += 3 * DAY + 7;
    }
}

/* Routing: an unknown path is 404 W094000001, always the same bytes,
 * whatever the method, session, media type or size; a known path with
 * another method is 405 W094000002 with Allow. */
static void
test_routing (void)
{
  static const char * const unknown[] = {
    "/", "/api", "/api/v1", API "/", API "/no-such-path", API "/status/", API "//status", "/api/v2/status",
    "/API/v1/status", API "/Status", API "/legacy", API "/users/", API "/users/a/b", API "/users/a/password-reset/x",
    API "/users/a/otp-reset/", API "/test", API "/test/clock/x", API "/otp", API "/%00",
    API "/status%00",
  };
  static const struct {
    const char *method;
    const char *path;
    const char * const allow[3];
  } other_method[] = {
    { "POST", API "/status", { "GET" } },
    { "GET", API "/login", { "POST" } },
    { "PUT", API "/login", { "POST" } },
    { "DELETE", API "/legacy/login", { "POST" } },
    { "GET", API "/legacy/password-reset", { "POST" } },
    { "PATCH", API "/tablet/login", { "POST" } },
    { "GET", API "/password", { "POST" } },
    { "GET", API "/otp/secret", { "POST" } },
    { "DELETE", API "/otp/activate", { "POST" } },
    { "POST", API "/session", { "GET" } },
    { "GET", API "/logout", { "POST" } },
    { "DELETE", API "/users", { "GET", "POST" } },
    { "PUT", API "/users", { "GET", "POST" } },
    { "GET", API "/users/tanaka", { "PATCH", "DELETE" } },
    { "POST", API "/users/tanaka", { "PATCH", "DELETE" } },
    { "GET", API "/users/tanaka/password-reset", { "POST" } },
    { "DELETE", API "/users/tanaka/otp-reset", { "POST" } },
    { "GET", API "/test/clock", { "POST" } },
  };
  static const char * const methods[] = { "GET", "POST", "DELETE", "PATCH" };
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) reference = request (portal, "GET", API "/no-such-path", NULL, NULL);
  g_autofree char *big = repeat (" ", 70 * 1024);

  portal_assert_error (reference, 404, "W094000001");
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    for (guint j = 0; j < G_N_ELEMENTS (methods); j++)
      {
        g_autoptr(PortalResponse) response = request (portal, methods[j], unknown[i], NULL, NULL);

        portal_assert_error (response, 404, "W094000001");
        g_assert_cmpstr (response->raw, ==, reference->raw);
      }

  /* Routing is judged first. */
  {
    g_autoptr(PortalResponse) typed = request_typed (portal, API "/no-such-path", "text/plain", "x");
    g_autoptr(PortalResponse) sized = request (portal, "POST", API "/no-such-path", "no-such-token", big);
    g_autoptr(PortalResponse) method_sized = request (portal, "PUT", API "/login", NULL, big);

    portal_assert_error (typed, 404, "W094000001");
    g_assert_cmpstr (typed->raw, ==, reference->raw);
    portal_assert_error (sized, 404, "W094000001");
    portal_assert_error (method_sized, 405, "W094000002");
  }

  for (guint i = 0; i < G_N_ELEMENTS (other_method); i++)
    {
      g_autoptr(PortalResponse) response = request (portal, other_method[i].method, other_method[i].path, NULL, "{}");
      const char *allow = soup_message_headers_get_one (response->headers, "Allow");
      g_auto(GStrv) listed = NULL;
      guint n = 0;

      portal_assert_error (response, 405, "W094000002");
      g_assert_nonnull (allow);
      listed = g_strsplit (allow, ",", -1);
      for (guint j = 0; listed[j] != NULL; j++)
        g_strstrip (listed[j]);
      while (n < G_N_ELEMENTS (other_method[i].allow) && other_method[i].allow[n] != NULL)
        {
          g_assert_true (g_strv_contains ((const char * const *) listed, other_method[i].allow[n]));
          n++;
        }
      g_assert_cmpuint (g_strv_length (listed), ==, n);
    }
}

/* Request validation. */

typedef struct {
  const char *path;
  const char *body;
  const char *code;
  const char *field;
} BadBody;

static void
expect_bad_body (PortalFixture *portal,
                 const char    *token,
                 const BadBody *bad)
{
  g_autoptr(PortalResponse) response = request (portal, "POST", bad->path, token, bad->body);
  const WcApiErrorInfo *catalogue;
  guint n_entries, status = 400;

  catalogue = wc_api_error_catalogue (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    if (g_str_equal (catalogue[i].code, bad->code))
      status = catalogue[i].status;
  if (response->status != status || g_strcmp0 (portal_response_error (response), bad->code) != 0
      || (bad->field != NULL && g_strcmp0 (error_field (response), bad->field) != 0))
    g_error ("%s %s: expected %s (%s), got %u: %s", bad->path, bad->body, bad->code,
             bad->field != NULL ? bad->field : "no field", response->status, response->raw);
}

/* The bodies of the endpoints that need no session: the JSON, then
 * unknown members, then each member in the schema's order (missing,
 * type, characters, length, value), one problem at a time. Lengths
 * count characters, not bytes. */
static void
test_request_validation (void)
{
  static const BadBody cases[] = {
    /* The JSON itself. */
    { API "/login", "", "W095000001", NULL },
    { API "/login", "{", "W095000001", NULL },
    { API "/login", "[]", "W095000001", NULL },
    { API "/login", "null", "W095000001", NULL },
    { API "/login", "\"merchant_code\"", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\"} {}", "W095000001", NULL },
    { API "/login", "{'merchant_code':'m'}", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":'m',\"user_id\":\"u\",\"password\":\"p\"}", "W095000001", NULL },
    { API "/login", "{merchant_code:\"m\"}", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":\"m\",}", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":\"m\tx\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":\"\\x41\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000001", NULL },
    { API "/test/clock", "{\"advance_seconds\":0x10}", "W095000001", NULL },
    { API "/test/clock", "{\"advance_seconds\":010}", "W095000001", NULL },
    { API "/test/clock", "{\"advance_seconds\":.5}", "W095000001", NULL },
    { API "/test/clock", "{\"advance_seconds\":1} {\"advance_seconds\":2}", "W095000001", NULL },
    { API "/login", "{\"merchant_code\":\"\\ud800\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"\\udc00x\",\"password\":\"p\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"a\\u0000b\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"\\u0000\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"\xff\xfe\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"\xc0\xaf\",\"password\":\"p\"}", "W095000005", NULL },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"\xed\xa0\x80pass\"}", "W095000005", NULL },
    /* Unknown members come before the members. */
    { API "/login", "{\"extra\":1}", "W095000006", "extra" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"Password\":\"p\"}", "W095000006", "Password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"123456\",\"remember\":true}", "W095000006", "remember" },
    /* Then the members in the schema's order. */
    { API "/login", "{}", "W095000002", "merchant_code" },
    { API "/login", "{\"password\":5,\"user_id\":\"u\"}", "W095000002", "merchant_code" },
    { API "/login", "{\"merchant_code\":\"m\",\"password\":\"p\"}", "W095000002", "user_id" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\"}", "W095000002", "password" },
    { API "/login", "{\"merchant_code\":5,\"user_id\":\"u\",\"password\":\"p\"}", "W095000003", "merchant_code" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":{},\"password\":\"p\"}", "W095000003", "user_id" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":5}", "W095000003", "password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":null}", "W095000003", "password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":true}", "W095000003", "password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":[\"p\"]}", "W095000003", "password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":null}", "W095000003", "otp" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":123456}", "W095000003", "otp" },
    { API "/login", "{\"merchant_code\":\"\",\"user_id\":5,\"password\":\"p\"}", "W095000007", "merchant_code" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"\",\"password\":\"p\"}", "W095000007", "user_id" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"\"}", "W095000007", "password" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"\"}", "W095000007", "otp" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"12345\"}", "W095000007", "otp" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"12345a\"}", "W095000007", "otp" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"１２３４５６\"}", "W095000007", "otp" },
    { API "/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\",\"otp\":\"1234567\"}", "W095000004", "otp" },
    /* The other logins and the reset have their own members. */
    { API "/legacy/login", "{\"merchant_code\":\"m\",\"user_id\":\"u\",\"password\":\"p\"}", "W095000006", "user_id" },
    { API "/legacy/login", "{\"merchant_code\":\"m\"}", "W095000002", "password" },
    { API "/legacy/login", "{\"merchant_code\":\"m\",\"password\":\"\"}", "W095000007", "password" },
    { API "/legacy/login", "{", "W095000001", NULL },
    { API "/tablet/login", "{\"password\":\"p\"}", "W095000002", "merchant_code" },
    { API "/tablet/login", "{\"merchant_code\":\"m\",\"password\":\"p\",\"otp\":\"123456\"}", "W095000006", "otp" },
    { API "/tablet/login", "{\"merchant_code\":[],\"password\":\"p\"}", "W095000003", "merchant_code" },
    { API "/legacy/password-reset", "{}", "W095000002", "merchant_code" },
    { API "/legacy/password-reset", "{\"merchant_code\":1}", "W095000003", "merchant_code" },
    { API "/legacy/password-reset", "{\"merchant_code\":null}", "W095000003", "merchant_code" },
    { API "/legacy/password-reset", "{\"merchant_code\":\"\"}", "W095000007", "merchant_code" },
    { API "/legacy/password-reset", "{\"merchant_code\":\"m\",\"email\":\"x\"}", "W095000006", "email" },
    { API "/legacy/password-reset", "[\"m\"]", "W095000001", NULL },
  };
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *code_33 = repeat ("a", 33);
  g_autofree char *code_32 = repeat ("a", 32);
  g_autofree char *user_65 = repeat ("u", 65);
  g_autofree char *user_64 = repeat ("u", 64);
  g_autofree char *ascii_257 = repeat ("a", 257);
  g_autofree char *kana_257 = repeat ("あ", 257);
  g_autofree char *kana_256 = repeat ("あ", 256);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_bad_body (portal, NULL, &cases[i]);

  /* maxLength counts characters. */
  {
    g_autofree char *long_code = body_of ("merchant_code", code_33, "user_id", "u", "password", "p", NULL);
    g_autofree char *long_user = body_of ("merchant_code", "m", "user_id", user_65, "password", "p", NULL);
    g_autofree char *long_password = body_of ("merchant_code", "m", "user_id", "u", "password", ascii_257, NULL);
    g_autofree char *long_kana = body_of ("merchant_code", "m", "user_id", "u", "password", kana_257, NULL);
    g_autofree char *long_reset = body_of ("merchant_code", code_33, NULL);
    g_autofree char *long_tablet = body_of ("merchant_code", "m", "password", kana_257, NULL);
    const BadBody long_cases[] = {
      { API "/login", long_code, "W095000004", "merchant_code" },
      { API "/login", long_user, "W095000004", "user_id" },
      { API "/login", long_password, "W095000004", "password" },
      { API "/login", long_kana, "W095000004", "password" },
      { API "/legacy/password-reset", long_reset, "W095000004", "merchant_code" },
      { API "/tablet/login", long_tablet, "W095000004", "password" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (long_cases); i++)
      expect_bad_body (portal, NULL, &long_cases[i]);
  }

  /* At the limits the request is fine and goes on to the login. */
  {
    g_autoptr(PortalResponse) longest_code = login (portal, code_32, "u", "p", NULL);
    g_autoptr(PortalResponse) longest_user = login (portal, "m", user_64, "p", NULL);
    g_autoptr(PortalResponse) longest_password = login (portal, "m", "u", kana_256, NULL);

    portal_assert_error (longest_code, 401, "W011000001");
    portal_assert_error (longest_user, 401, "W011000001");
    portal_assert_error (longest_password, 401, "W011000001");
  }

  /* A NUL byte in the body itself. */
  {
    static const char with_nul[] = "{\"merchant_code\":\"m\0\",\"user_id\":\"u\",\"password\":\"p\"}";
    g_autoptr(GBytes) bytes = g_bytes_new (with_nul, sizeof with_nul - 1);
    g_autoptr(PortalResponse) response = request_full (portal, "POST", API "/login", NULL, "application/json", bytes, FALSE);

    portal_assert_error (response, 400, "W095000005");
  }
}

/* Media type and size: application/json, with at most a charset=utf-8
 * parameter; at most 65536 bytes, judged from Content-Length or, without
 * one, while reading. */
static void
test_media_type_and_size (void)
{
  static const struct {
    const char *type;
    gboolean ok;
  } types[] = {
    { "application/json", TRUE },
    { "application/json; charset=utf-8", TRUE },
    { "application/json;charset=UTF-8", TRUE },
    { NULL, FALSE },
    { "text/plain", FALSE },
    { "text/json", FALSE },
    { "application/x-www-form-urlencoded", FALSE },
    { "application/json-patch+json", FALSE },
    { "application/json; charset=iso-8859-1", FALSE },
    { "application/json; charset=utf-16", FALSE },
    { "application/json; version=2", FALSE },
  };
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const char *head = "{\"merchant_code\":\"m\"";

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static ("{}", 2);
      g_autoptr(PortalResponse) response = request_full (portal, "POST", API "/login", NULL, types[i].type, bytes, FALSE);

      g_test_message ("Content-Type: %s", types[i].type != NULL ? types[i].type : "(none)");
      if (types[i].ok)
        assert_error_field (response, 400, "W095000002", "merchant_code");
      else
        portal_assert_error (response, 415, "W095000009");
    }

  /* 65536 bytes are fine, 65537 are not; with or without a length. */
  for (guint chunked = 0; chunked < 2; chunked++)
    for (gsize size = 65535; size <= 65537; size++)
      {
        g_autofree char *padding = repeat (" ", (guint) (size - strlen (head) - 1));
        g_autofree char *text = g_strconcat (head, padding, "}", NULL);
        g_autoptr(GBytes) bytes = g_bytes_new (text, size);
        g_autoptr(PortalResponse) response = NULL;

        g_assert_cmpuint (strlen (text), ==, size);
        response = request_full (portal, "POST", API "/login", NULL, "application/json", bytes, chunked);
        g_test_message ("%" G_GSIZE_FORMAT " bytes%s", size, chunked ? ", chunked" : "");
        if (size <= 65536)
          assert_error_field (response, 400, "W095000002", "user_id");
        else
          portal_assert_error (response, 413, "W095000008");
      }

  /* 70 KiB, on endpoints with and without a body. */
  {
    g_autofree char *big = repeat ("x", 70 * 1024);
    g_autoptr(GBytes) bytes = g_bytes_new (big, strlen (big));
    g_autoptr(PortalResponse) plain = request_full (portal, "POST", API "/legacy/password-reset", NULL, "text/plain", bytes, FALSE);
    g_autoptr(PortalResponse) chunked = request_full (portal, "POST", API "/tablet/login", NULL, "application/json", bytes, TRUE);
    g_autoptr(PortalResponse) no_body = request_full (portal, "POST", API "/otp/secret", NULL, "application/json", bytes, FALSE);
    g_autoptr(PortalResponse) no_body_chunked = request_full (portal, "POST", API "/logout", NULL, "text/plain", bytes, TRUE);

    portal_assert_error (plain, 413, "W095000008");
    portal_assert_error (chunked, 413, "W095000008");
    portal_assert_error (no_body, 413, "W095000008");
    portal_assert_error (no_body_chunked, 413, "W095000008");
  }
}

/* The order of checks across the steps: size and media type before the
 * session, the session before access and the body, access before the
 * body, and within access the restriction before the login method. */
static void
test_order_of_checks (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) first = NULL;
  g_autoptr(PortalResponse) legacy = NULL;
  g_autofree char *big = repeat (" ", 70 * 1024);
  g_autofree char *long_password = repeat ("p", 257);
  g_autofree char *too_long = body_of ("current_password", "x", "new_password", long_password, NULL);
  const char *token, *legacy_token;

  portal_add_merchant (portal, MERCHANT, INITIAL);

  /* 4 before 5. */
  expect_error (portal, "POST", API "/password", NULL, big, 413, "W095000008");
  expect_error (portal, "GET", API "/session", "no-such-token", big, 413, "W095000008");
  {
    g_autoptr(PortalResponse) typed = request_typed (portal, API "/password", "text/plain", "{}");
    g_autoptr(PortalResponse) ignored = request_typed (portal, API "/logout", "text/plain", "bye");

    portal_assert_error (typed, 415, "W095000009");
    /* An endpoint without a body ignores its media type. */
    portal_assert_error (ignored, 401, "W051000001");
  }

  /* 5 before 6 and 7. */
  expect_error (portal, "POST", API "/password", NULL, "{", 401, "W051000001");
  expect_error (portal, "POST", API "/password", "no-such-token", "{\"x\":1}", 401, "W051000002");
  expect_error (portal, "POST", API "/users", NULL, "{", 401, "W051000001");
  expect_error (portal, "PATCH", API "/users/-bad-", NULL, "{", 401, "W051000001");
  expect_error (portal, "POST", API "/otp/activate", NULL, "{}", 401, "W051000001");

  /* 6 before 7: a restricted session is refused before its body or path
   * is looked at. */
  first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  token = token_of (first);
  expect_error (portal, "POST", API "/users", token, "{", 403, "W022000005");
  expect_error (portal, "PATCH", API "/users/-bad-", token, "{", 403, "W022000005");
  expect_error (portal, "DELETE", API "/users/" MERCHANT, token, NULL, 403, "W022000005");
  expect_error (portal, "POST", API "/users/nobody/otp-reset", token, NULL, 403, "W022000005");

  /* Where it is allowed, the body is judged. */
  {
    const BadBody cases[] = {
      { API "/password", "{", "W095000001", NULL },
      { API "/password", "{\"current_password\":\"x\",\"new_password\":\"y\",\"extra\":1}", "W095000006", "extra" },
      { API "/password", "{\"new_password\":5}", "W095000002", "current_password" },
      { API "/password", "{\"current_password\":5}", "W095000003", "current_password" },
      { API "/password", "{\"current_password\":\"x\"}", "W095000002", "new_password" },
      { API "/password", "{\"current_password\":\"\",\"new_password\":\"y\"}", "W095000007", "current_password" },
      { API "/password", "{\"current_password\":\"x\",\"new_password\":\"\"}", "W095000007", "new_password" },
      { API "/password", "{\"current_password\":\"x\",\"new_password\":null}", "W095000003", "new_password" },
      { API "/password", too_long, "W095000004", "new_password" },
      { API "/otp/activate", "{}", "W095000002", "otp" },
      { API "/otp/activate", "{\"otp\":123456}", "W095000003", "otp" },
      { API "/otp/activate", "{\"otp\":\"12\"}", "W095000007", "otp" },
      { API "/otp/activate", "{\"otp\":\"123456\",\"x\":1}", "W095000006", "x" },
      /* A well-formed code with no pending key is the operation's answer. */
      { API "/otp/activate", "{\"otp\":\"123456\"}", "W034000001", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      expect_bad_body (portal, token, &cases[i]);
  }

  /* The restriction before the login method: an old-login session with
   * a first password is told to change it, not that its method cannot. */
  legacy = legacy_login (portal, MERCHANT, INITIAL);
  legacy_token = token_of (legacy);
  expect_error (portal, "GET", API "/users", legacy_token, NULL, 403, "W022000005");
  expect_legacy_otp_refused (portal, legacy_token, "W022000005");
}

/* The new login. */

static void
assert_session_user (JsonObject *user,
                     const char *merchant_code,
                     const char *user_id,
                     const char *role)
{
  g_assert_cmpstr (string_member (user, "merchant_code"), ==, merchant_code);
  g_assert_cmpstr (string_member (user, "user_id"), ==, user_id);
  g_assert_cmpstr (string_member (user, "role"), ==, role);
  g_assert_nonnull (string_member (user, "display_name"));
}

/* The main user's first login with the initial access password, the
 * restricted session and what it may do, the password change, the key's
 * enrollment, and the full login with all four factors. */
static void
test_new_login (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) first = NULL;
  g_autoptr(PortalResponse) second = NULL;
  g_autoptr(PortalResponse) info = NULL;
  g_autoptr(PortalResponse) changed = NULL;
  g_autoptr(PortalResponse) issued = NULL;
  g_autoptr(PortalResponse) full = NULL;
  g_autoptr(PortalResponse) users = NULL;
  g_autofree char *token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *expected_uri = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *right = NULL;
  JsonObject *object;
  gint64 now;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  now = portal_now (portal);

  /* The main user's ID is the merchant code; the first login is
   * restricted to changing the password and enrolling a key. */
  first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  token = g_strdup (token_of (first));
  object = portal_response_object (first);
  g_assert_true (bool_member (first, "restricted"));
  g_assert_true (bool_member (first, "must_change_password"));
  g_assert_false (bool_member (first, "otp_enrolled"));
  assert_session_user (user_of (first), MERCHANT, MERCHANT, "main");
  g_assert_cmpstr (string_member (user_of (first), "display_name"), ==, MERCHANT);
  g_assert_cmpstr (string_member (object, "login_method"), ==, "new");
  assert_strings (object, "scopes", STRV ("session", "password", "otp"));
  assert_strings (object, "required_actions", STRV ("change_password", "enroll_otp"));
  g_assert_true (null_member (object, "password_expires_at"));
  g_assert_cmpint (json_object_get_int_member (object, "idle_timeout_seconds"), ==, IDLE_SECONDS);

  info = get_session (portal, token);
  assert_status (info, 200);
  object = portal_response_object (info);
  assert_session_user (user_of (info), MERCHANT, MERCHANT, "main");
  g_assert_cmpstr (string_member (object, "login_method"), ==, "new");
  g_assert_true (bool_member (info, "restricted"));
  g_assert_true (bool_member (info, "must_change_password"));
  g_assert_false (bool_member (info, "otp_enrolled"));
  assert_strings (object, "scopes", STRV ("session", "password", "otp"));
  assert_strings (object, "required_actions", STRV ("change_password", "enroll_otp"));
  g_assert_cmpint (json_object_get_int_member (object, "idle_seconds_left"), >=, IDLE_SECONDS - slack ());
  g_assert_cmpint (json_object_get_int_member (object, "idle_seconds_left"), <=, IDLE_SECONDS);
  g_assert_cmpint (json_object_get_int_member (object, "idle_timeout_seconds"), ==, IDLE_SECONDS);
  g_assert_cmpint (ABS (parse_time (string_member (object, "created_at")) - now), <=, slack ());
  g_assert_cmpint (ABS (parse_time (string_member (object, "password_changed_at")) - now), <=, 60);
  g_assert_cmpint (json_object_get_int_member (object, "password_age_days"), ==, 0);
  g_assert_cmpint (parse_time (string_member (object, "legacy_password_expires_at"))
                   - parse_time (string_member (object, "legacy_password_changed_at")), ==, 90 * DAY);
  g_assert_cmpint (json_object_get_int_member (object, "legacy_password_age_days"), ==, 0);

  /* Restricted: the password must be changed first. */
  expect_error (portal, "GET", API "/users", token, NULL, 403, "W022000005");
  expect_error (portal, "POST", API "/users", token, "{\"user_id\":\"a\",\"display_name\":\"a\",\"role\":\"general\"}",
                403, "W022000005");

  /* A code given on a first login is ignored; logging in again does not
   * end the first session. */
  second = login (portal, MERCHANT, MERCHANT, INITIAL, "000000");
  g_assert_true (bool_member (second, "restricted"));
  assert_alive (portal, token);

  changed = change_password (portal, token, INITIAL, MAIN_PW);
  assert_status (changed, 204);
  /* This session stays, as restricted as it was; the other one opened
   * with the old password ends. */
  assert_alive (portal, token);
  assert_ended (portal, token_of (second));
  g_clear_pointer (&info, portal_response_free);
  info = get_session (portal, token);
  g_assert_true (bool_member (info, "restricted"));
  g_assert_false (bool_member (info, "must_change_password"));
  assert_strings (portal_response_object (info), "required_actions", STRV ("enroll_otp"));
  expect_error (portal, "GET", API "/users", token, NULL, 403, "W053000002");

  /* The key. */
  issued = request (portal, "POST", API "/otp/secret", token, NULL);
  assert_status (issued, 200);
  object = portal_response_object (issued);
  secret = g_strdup (string_member (object, "secret"));
  g_assert_true (g_regex_match_simple ("^[A-Z2-7]{32}$", secret, 0, 0));
  expected_uri = g_strconcat ("otpauth://totp/Kuroneko%20Web%20Collect:" MERCHANT "%40" MERCHANT "?secret=", secret,
                              "&issuer=Kuroneko%20Web%20Collect&algorithm=SHA1&digits=6&period=30", NULL);
  g_assert_cmpstr (string_member (object, "otpauth_uri"), ==, expected_uri);
  g_assert_cmpstr (string_member (object, "algorithm"), ==, "SHA1");
  g_assert_cmpint (json_object_get_int_member (object, "digits"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (object, "period"), ==, 30);
  g_assert_cmpstr (string_member (object, "issuer"), ==, "Kuroneko Web Collect");
  g_assert_cmpstr (string_member (object, "account"), ==, MERCHANT "@" MERCHANT);
  now = portal_now (portal);
  g_assert_cmpint (ABS (parse_time (string_member (object, "expires_at")) - (now + DAY)), <=, slack ());

  wrong = wrong_code (secret, now);
  {
    g_autoptr(PortalResponse) mismatch = activate (portal, token, wrong);

    assert_error_field (mismatch, 400, "W031000001", "otp");
  }
  right = code_at (secret, now);
  {
    g_autoptr(PortalResponse) activated = activate (portal, token, right);
    g_autoptr(PortalResponse) again = NULL;

    assert_status (activated, 204);
    /* Nothing is pending any more. */
    again = activate (portal, token, right);
    portal_assert_error (again, 409, "W034000001");
  }
  g_clear_pointer (&info, portal_response_free);
  info = get_session (portal, token);
  g_assert_true (bool_member (info, "restricted"));
  g_assert_true (bool_member (info, "otp_enrolled"));
  assert_strings (portal_response_object (info), "required_actions", NONE);
  /* Nothing is left, but the session stays restricted. */
  expect_error (portal, "GET", API "/users", token, NULL, 403, "W053000002");

  logout (portal, token);
  assert_ended (portal, token);

  /* With a key, all four are needed. */
  portal_advance (portal, 60);
  now = portal_now (portal);
  g_clear_pointer (&right, g_free);
  g_clear_pointer (&wrong, g_free);
  right = code_at (secret, now);
  wrong = wrong_code (secret, now);
  expect_login_error (portal, MERCHANT, MAIN_PW, NULL, 401, "W011000002");
  expect_login_error (portal, MERCHANT, MAIN_PW, wrong, 401, "W011000003");
  expect_login_error (portal, MERCHANT, INITIAL, right, 401, "W011000001");

  full = login (portal, MERCHANT, MERCHANT, MAIN_PW, right);
  assert_status (full, 200);
  object = portal_response_object (full);
  g_assert_false (bool_member (full, "restricted"));
  g_assert_false (bool_member (full, "must_change_password"));
  g_assert_true (bool_member (full, "otp_enrolled"));
  g_assert_cmpstr (string_member (object, "login_method"), ==, "new");
  assert_session_user (user_of (full), MERCHANT, MERCHANT, "main");
  assert_strings (object, "scopes", STRV ("session", "password", "otp", "users"));
  assert_strings (object, "required_actions", NONE);
  g_assert_true (null_member (object, "password_expires_at"));

  users = request (portal, "GET", API "/users", token_of (full), NULL);
  assert_status (users, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (portal_response_object (users), "users")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (portal_response_object (users), "max_users"), ==, 100);

  g_clear_pointer (&info, portal_response_free);
  info = get_session (portal, token_of (full));
  g_assert_false (bool_member (info, "restricted"));
  assert_strings (portal_response_object (info), "scopes", STRV ("session", "password", "otp", "users"));
  assert_strings (portal_response_object (info), "required_actions", NONE);
}

/* Unknown merchant, unknown user and wrong password are the same answer
 * (and take an Argon2id check each); what tells more comes only after
 * the password is right. */
static void
test_enumeration (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *main_token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *right = NULL;
  gint64 fastest_unknown = G_MAXINT64, fastest_wrong = G_MAXINT64;

  main_token = set_up_main (portal, &secret);

  {
    g_autoptr(PortalResponse) unknown_merchant = login (portal, "nosuch", MERCHANT, MAIN_PW, NULL);
    g_autoptr(PortalResponse) unknown_user = login (portal, MERCHANT, "ghost", MAIN_PW, NULL);
    g_autoptr(PortalResponse) wrong_password = login (portal, MERCHANT, MERCHANT, "Wrong-password-1", NULL);
    g_autoptr(PortalResponse) impossible = login (portal, "no-such code!", "-x y", MAIN_PW, NULL);
    g_autoptr(PortalResponse) case_differs = login (portal, "SHOP0001", MERCHANT, MAIN_PW, NULL);

    portal_assert_error (unknown_merchant, 401, "W011000001");
    g_assert_cmpstr (unknown_user->raw, ==, unknown_merchant->raw);
    g_assert_cmpstr (wrong_password->raw, ==, unknown_merchant->raw);
    g_assert_cmpstr (impossible->raw, ==, unknown_merchant->raw);
    g_assert_cmpstr (case_differs->raw, ==, unknown_merchant->raw);
    g_assert_cmpuint (wrong_password->status, ==, unknown_user->status);
    g_assert_cmpstr (soup_message_headers_get_one (wrong_password->headers, "WWW-Authenticate"), ==,
                     soup_message_headers_get_one (unknown_user->headers, "WWW-Authenticate"));
  }

  /* The user has a key, but without the right password that is not
   * told: no "OTP required", no "OTP wrong". */
  portal_advance (portal, 60);
  right = code_at (secret, portal_now (portal));
  wrong = wrong_code (secret, portal_now (portal));
  expect_login_error (portal, MERCHANT, "Wrong-password-1", NULL, 401, "W011000001");
  expect_login_error (portal, MERCHANT, "Wrong-password-1", wrong, 401, "W011000001");
  expect_login_error (portal, MERCHANT, "Wrong-password-1", right, 401, "W011000001");

  {
    g_autoptr(PortalResponse) legacy_unknown = legacy_login (portal, "nosuch", INITIAL);
    g_autoptr(PortalResponse) legacy_wrong = legacy_login (portal, MERCHANT, "Wrong-password-1");
    g_autoptr(PortalResponse) legacy_impossible = legacy_login (portal, "!!", INITIAL);
    g_autoptr(PortalResponse) tablet_unknown = tablet_login (portal, "nosuch", INITIAL);
    g_autoptr(PortalResponse) tablet_wrong = tablet_login (portal, MERCHANT, "Wrong-password-1");
    g_autoptr(PortalResponse) tablet_impossible = tablet_login (portal, "a b", INITIAL);

    portal_assert_error (legacy_unknown, 401, "W061000001");
    g_assert_cmpstr (legacy_wrong->raw, ==, legacy_unknown->raw);
    g_assert_cmpstr (legacy_impossible->raw, ==, legacy_unknown->raw);
    portal_assert_error (tablet_unknown, 401, "T041000001");
    g_assert_cmpstr (tablet_wrong->raw, ==, tablet_unknown->raw);
    g_assert_cmpstr (tablet_impossible->raw, ==, tablet_unknown->raw);
  }

  /* An unknown user costs a password check too: a quick answer would
   * tell that the account does not exist. Generous bounds, so that a
   * busy machine does not matter; an answer without a check is about a
   * hundred times quicker. */
  for (guint i = 0; i < 3; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(PortalResponse) unknown = login (portal, MERCHANT, "ghost", "Wrong-password-1", NULL);
      gint64 middle = g_get_monotonic_time ();
      g_autoptr(PortalResponse) wrong_password = login (portal, MERCHANT, MERCHANT, "Wrong-password-1", NULL);
      gint64 end = g_get_monotonic_time ();

      portal_assert_error (unknown, 401, "W011000001");
      portal_assert_error (wrong_password, 401, "W011000001");
      fastest_unknown = MIN (fastest_unknown, middle - start);
      fastest_wrong = MIN (fastest_wrong, end - middle);
    }
  g_test_message ("unknown user %" G_GINT64_FORMAT " µs, wrong password %" G_GINT64_FORMAT " µs",
                  fastest_unknown, fastest_wrong);
  g_assert_cmpint (fastest_unknown * 4, >=, fastest_wrong);
}

/* One-time passwords: one step of drift either way, never two; a code
 * accepted once (by a login or by the activation) is rejected with the
 * same answer as a wrong one; omitted, wrong and replayed codes count
 * towards the lockout. */
static void
test_otp_replay_and_drift (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) first = NULL;
  g_autoptr(PortalResponse) changed = NULL;
  g_autoptr(PortalResponse) issued = NULL;
  g_autoptr(PortalResponse) activated = NULL;
  g_autoptr(PortalResponse) replayed = NULL;
  g_autoptr(PortalResponse) wrong_answer = NULL;
  g_autofree char *activation_code = NULL;
  g_autofree char *wrong = NULL;
  const char *token, *secret;
  gint64 now;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  token = token_of (first);
  changed = change_password (portal, token, INITIAL, MAIN_PW);
  assert_status (changed, 204);
  now = step_start (portal);
  issued = request (portal, "POST", API "/otp/secret", token, NULL);
  assert_status (issued, 200);
  secret = string_member (portal_response_object (issued), "secret");
  activation_code = code_at (secret, now);
  activated = activate (portal, token, activation_code);
  assert_status (activated, 204);
  logout (portal, token);

  /* The activation used the code: a login cannot, though it is still
   * in its window; and that answer is byte for byte a wrong code's. */
  replayed = login (portal, MERCHANT, MERCHANT, MAIN_PW, activation_code);
  assert_error_field (replayed, 401, "W011000003", "otp");
  wrong = wrong_code (secret, now);
  wrong_answer = login (portal, MERCHANT, MERCHANT, MAIN_PW, wrong);
  portal_assert_error (wrong_answer, 401, "W011000003");
  g_assert_cmpstr (replayed->raw, ==, wrong_answer->raw);

  /* A login uses its code too. */
  portal_advance (portal, 90);
  now = step_start (portal);
  {
    g_autofree char *current = code_at (secret, now);
    g_autofree char *ahead = code_at (secret, now + 30);
    g_autofree char *two_ahead = code_at (secret, now + 60);
    g_autoptr(PortalResponse) accepted = login (portal, MERCHANT, MERCHANT, MAIN_PW, current);
    g_autoptr(PortalResponse) again = login (portal, MERCHANT, MERCHANT, MAIN_PW, current);
    g_autoptr(PortalResponse) drift_ahead = NULL;
    g_autoptr(PortalResponse) drift_two_ahead = NULL;

    assert_status (accepted, 200);
    g_assert_false (bool_member (accepted, "restricted"));
    portal_assert_error (again, 401, "W011000003");
    g_assert_cmpstr (again->raw, ==, wrong_answer->raw);

    /* The next step is accepted, the one after it is not. */
    drift_ahead = login (portal, MERCHANT, MERCHANT, MAIN_PW, ahead);
    assert_status (drift_ahead, 200);
    drift_two_ahead = login (portal, MERCHANT, MERCHANT, MAIN_PW, two_ahead);
    portal_assert_error (drift_two_ahead, 401, "W011000003");
  }

  /* Well after the last accepted step: two steps behind fail, one step
   * behind works, once. */
  portal_advance (portal, 300);
  now = step_start (portal);
  {
    g_autofree char *two_behind = code_at (secret, now - 60);
    g_autofree char *two_ahead = code_at (secret, now + 60);
    g_autofree char *behind = code_at (secret, now - 30);
    g_autofree char *current = code_at (secret, now);
    g_autoptr(PortalResponse) too_old = login (portal, MERCHANT, MERCHANT, MAIN_PW, two_behind);
    g_autoptr(PortalResponse) too_new = login (portal, MERCHANT, MERCHANT, MAIN_PW, two_ahead);
    g_autoptr(PortalResponse) late = login (portal, MERCHANT, MERCHANT, MAIN_PW, behind);
    g_autoptr(PortalResponse) late_again = login (portal, MERCHANT, MERCHANT, MAIN_PW, behind);
    g_autoptr(PortalResponse) on_time = login (portal, MERCHANT, MERCHANT, MAIN_PW, current);

    portal_assert_error (too_old, 401, "W011000003");
    portal_assert_error (too_new, 401, "W011000003");
    assert_status (late, 200);
    portal_assert_error (late_again, 401, "W011000003");
    assert_status (on_time, 200);
  }

  /* Omitted, wrong and replayed codes and wrong passwords are failures
   * alike: the tenth in a row locks. */
  portal_advance (portal, 60);
  now = portal_now (portal);
  {
    g_autofree char *current = code_at (secret, now);
    g_autofree char *bad = wrong_code (secret, now);
    g_autoptr(PortalResponse) accepted = login (portal, MERCHANT, MERCHANT, MAIN_PW, current);
    g_autoptr(PortalResponse) locked = NULL;
    g_autoptr(PortalResponse) refused = NULL;

    assert_status (accepted, 200);
    for (guint i = 0; i < 3; i++)
      {
        expect_login_error (portal, MERCHANT, MAIN_PW, NULL, 401, "W011000002");
        expect_login_error (portal, MERCHANT, MAIN_PW, bad, 401, "W011000003");
        expect_login_error (portal, MERCHANT, MAIN_PW, current, 401, "W011000003");
      }
    locked = login (portal, MERCHANT, MERCHANT, "Wrong-password-1", NULL);
    portal_assert_error (locked, 429, "W011000004");
    portal_advance (portal, 30);
    g_clear_pointer (&current, g_free);
    current = code_at (secret, portal_now (portal));
    refused = login (portal, MERCHANT, MERCHANT, MAIN_PW, current);
    portal_assert_error (refused, 429, "W011000004");
  }
}

/* The pending key: issued by POST /otp/secret, replaced by the next one,
 * kept across logouts, expiring after 24 hours, and replacing the active
 * key only when a code of it is confirmed. Wrong confirmation codes do
 * not count towards the lockout. */
static void
test_otp_enrollment (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) first = NULL;
  g_autoptr(PortalResponse) again = NULL;
  g_autoptr(PortalResponse) info = NULL;
  g_autofree char *secret_1 = NULL;
  g_autofree char *secret_2 = NULL;
  g_autofree char *secret_3 = NULL;
  g_autofree char *secret_4 = NULL;
  gint64 now;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  expect_error (portal, "POST", API "/otp/activate", token_of (first), "{\"otp\":\"123456\"}", 409, "W034000001");

  {
    g_autoptr(PortalResponse) issued_1 = request (portal, "POST", API "/otp/secret", token_of (first), NULL);
    g_autoptr(PortalResponse) issued_2 = request (portal, "POST", API "/otp/secret", token_of (first), NULL);

    assert_status (issued_1, 200);
    assert_status (issued_2, 200);
    secret_1 = g_strdup (string_member (portal_response_object (issued_1), "secret"));
    secret_2 = g_strdup (string_member (portal_response_object (issued_2), "secret"));
    g_assert_cmpstr (secret_1, !=, secret_2);
  }

  /* The first key was replaced; eleven wrong codes are no lockout. */
  now = portal_now (portal);
  {
    g_autofree char *old_code = code_at (secret_1, now);
    g_autofree char *bad = wrong_code (secret_2, now);
    g_autoptr(PortalResponse) replaced = activate (portal, token_of (first), old_code);

    assert_error_field (replaced, 400, "W031000001", "otp");
    for (guint i = 0; i < 10; i++)
      {
        g_autoptr(PortalResponse) mismatch = activate (portal, token_of (first), bad);

        assert_error_field (mismatch, 400, "W031000001", "otp");
      }
  }
  logout (portal, token_of (first));

  /* The pending key belongs to the user and survives the logout. */
  again = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  assert_status (again, 200);
  {
    g_autofree char *code = code_at (secret_2, portal_now (portal));
    g_autoptr(PortalResponse) activated = activate (portal, token_of (again), code);

    assert_status (activated, 204);
  }
  info = get_session (portal, token_of (again));
  g_assert_true (bool_member (info, "otp_enrolled"));
  /* Still must change the password; the key is done. */
  assert_strings (portal_response_object (info), "required_actions", STRV ("change_password"));

  /* A pending key expires 24 hours after issue. */
  {
    g_autoptr(PortalResponse) issued_3 = request (portal, "POST", API "/otp/secret", token_of (again), NULL);
    g_autoptr(PortalResponse) later = NULL;
    g_autoptr(PortalResponse) expired = NULL;
    g_autofree char *code = NULL;

    assert_status (issued_3, 200);
    secret_3 = g_strdup (string_member (portal_response_object (issued_3), "secret"));
    logout (portal, token_of (again));
    portal_advance (portal, DAY + 1);
    later = otp_login (portal, MERCHANT, MERCHANT, INITIAL, secret_2);
    assert_status (later, 200);
    g_assert_true (bool_member (later, "restricted"));
    assert_strings (portal_response_object (later), "required_actions", STRV ("change_password"));
    code = code_at (secret_3, portal_now (portal));
    expired = activate (portal, token_of (later), code);
    portal_assert_error (expired, 409, "W034000001");

    /* The active key works until a new one is confirmed. */
    {
      g_autoptr(PortalResponse) issued_4 = request (portal, "POST", API "/otp/secret", token_of (later), NULL);
      g_autoptr(PortalResponse) still_old = NULL;
      g_autoptr(PortalResponse) switched = NULL;
      g_autoptr(PortalResponse) old_refused = NULL;
      g_autoptr(PortalResponse) new_accepted = NULL;
      g_autofree char *new_code = NULL;
      g_autofree char *old_code = NULL;

      assert_status (issued_4, 200);
      secret_4 = g_strdup (string_member (portal_response_object (issued_4), "secret"));
      logout (portal, token_of (later));
      still_old = otp_login (portal, MERCHANT, MERCHANT, INITIAL, secret_2);
      assert_status (still_old, 200);
      new_code = code_at (secret_4, portal_now (portal));
      switched = activate (portal, token_of (still_old), new_code);
      assert_status (switched, 204);
      logout (portal, token_of (still_old));

      old_refused = otp_login (portal, MERCHANT, MERCHANT, INITIAL, secret_2);
      portal_assert_error (old_refused, 401, "W011000003");
      new_accepted = otp_login (portal, MERCHANT, MERCHANT, INITIAL, secret_4);
      assert_status (new_accepted, 200);
    }
  }
}

/* Lockout (PCI DSS 8.3.4) of a new-login account. */
static void
test_lockout (void)
{
  gint64 locked_at;
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) locked = NULL;
  g_autoptr(PortalResponse) refused = NULL;
  g_autoptr(PortalResponse) later = NULL;
  g_autoptr(PortalResponse) unlocked = NULL;
  g_autoptr(PortalResponse) legacy = NULL;
  gint64 seconds;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  assert_status (session, 200);

  /* Nine failures, then a success: the count starts again. */
  for (guint i = 0; i < 9; i++)
    expect_login_error (portal, MERCHANT, "Wrong-password-1", NULL, 401, "W011000001");
  {
    g_autoptr(PortalResponse) success = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);

    assert_status (success, 200);
  }
  for (guint i = 0; i < 9; i++)
    expect_login_error (portal, MERCHANT, "Wrong-password-1", NULL, 401, "W011000001");

  /* The tenth failure in a row gets the locked answer itself. */
  locked_at = g_get_monotonic_time ();
  locked = login (portal, MERCHANT, MERCHANT, "Wrong-password-1", NULL);
  portal_assert_error (locked, 429, "W011000004");
  seconds = retry_after (locked);
  g_assert_cmpint (seconds, >=, LOCK_SECONDS - elapsed_since (locked_at));
  g_assert_cmpint (seconds, <=, LOCK_SECONDS);

  /* Locked: the right password is refused, and nothing extends the lock. */
  refused = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  portal_assert_error (refused, 429, "W011000004");
  g_assert_cmpint (retry_after (refused), <=, seconds);
  {
    g_autoptr(PortalResponse) change = change_password (portal, token_of (session), INITIAL, MAIN_PW);

    portal_assert_error (change, 429, "W021000002");
    g_assert_cmpint (retry_after (change), <=, seconds);
  }
  /* The old password is another account. */
  legacy = legacy_login (portal, MERCHANT, INITIAL);
  assert_status (legacy, 200);

  portal_advance (portal, 1000);
  for (guint i = 0; i < 3; i++)
    expect_login_error (portal, MERCHANT, "Wrong-password-1", NULL, 429, "W011000004");
  later = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  portal_assert_error (later, 429, "W011000004");
  seconds = retry_after (later);
  /* Real time passes too, slowly or fast depending on the build. */
  g_assert_cmpint (seconds, >=, LOCK_SECONDS - 1000 - elapsed_since (locked_at));
  g_assert_cmpint (seconds, <=, LOCK_SECONDS - 1000);

  /* When the lock ends, the right password works, and the count has
   * started again. */
  portal_advance (portal, seconds);
  unlocked = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  assert_status (unlocked, 200);
  expect_login_error (portal, MERCHANT, "Wrong-password-1", NULL, 401, "W011000001");

  /* Identifiers that match no account lock the same way, each apart. */
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(PortalResponse) ghost = login (portal, MERCHANT, "ghost", "Wrong-password-1", NULL);
      g_autoptr(PortalResponse) nobody = login (portal, "nosuch", "nobody", "Wrong-password-1", NULL);

      portal_assert_error (ghost, 401, "W011000001");
      portal_assert_error (nobody, 401, "W011000001");
    }
  {
    g_autoptr(PortalResponse) ghost = login (portal, MERCHANT, "ghost", "Wrong-password-1", NULL);
    g_autoptr(PortalResponse) nobody = login (portal, "nosuch", "nobody", "Wrong-password-1", NULL);
    g_autoptr(PortalResponse) other = login (portal, MERCHANT, "ghost2", "Wrong-password-1", NULL);

    portal_assert_error (ghost, 429, "W011000004");
    g_assert_cmpint (retry_after (ghost), >=, LOCK_SECONDS - 2);
    portal_assert_error (nobody, 429, "W011000004");
    portal_assert_error (other, 401, "W011000001");
  }
}

/* A wrong current password on POST /password counts against the same
 * account as the logins; the tenth locks both. */
static void
test_lockout_password_change (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) locked = NULL;
  g_autoptr(PortalResponse) right = NULL;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(PortalResponse) wrong = change_password (portal, token_of (session), "Wrong-password-1", MAIN_PW);

      assert_error_field (wrong, 400, "W021000001", "current_password");
    }
  locked = change_password (portal, token_of (session), "Wrong-password-1", MAIN_PW);
  portal_assert_error (locked, 429, "W021000002");
  g_assert_cmpint (retry_after (locked), >=, LOCK_SECONDS - 2);
  right = change_password (portal, token_of (session), INITIAL, MAIN_PW);
  portal_assert_error (right, 429, "W021000002");
  expect_login_error (portal, MERCHANT, INITIAL, NULL, 429, "W011000004");

  portal_advance (portal, LOCK_SECONDS + 1);
  {
    g_autoptr(PortalResponse) fresh = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (fresh), INITIAL, MAIN_PW);

    assert_status (changed, 204);
  }
}

/* The old login and the tablet login. */

/* Old and new passwords are separate; an old-login session acts for the
 * main user and may change only the old password; a tablet session may
 * only look at itself. A password change ends the other sessions opened
 * with that password, and only those; logging in never ends any. */
static void
test_legacy_login (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) restricted = NULL;
  g_autoptr(PortalResponse) new_session = NULL;
  g_autoptr(PortalResponse) new_other = NULL;
  g_autoptr(PortalResponse) full = NULL;
  g_autoptr(PortalResponse) full_other = NULL;
  g_autoptr(PortalResponse) tablet = NULL;
  g_autoptr(PortalResponse) tablet_other = NULL;
  g_autoptr(PortalResponse) info = NULL;
  JsonObject *object;
  gint64 changed_at;

  portal_add_merchant (portal, MERCHANT, INITIAL);

  /* The initial access password is the first old password: restricted. */
  restricted = legacy_login (portal, MERCHANT, INITIAL);
  assert_status (restricted, 200);
  object = portal_response_object (restricted);
  g_assert_cmpstr (string_member (object, "login_method"), ==, "legacy");
  assert_session_user (user_of (restricted), MERCHANT, MERCHANT, "main");
  g_assert_true (bool_member (restricted, "restricted"));
  g_assert_true (bool_member (restricted, "must_change_password"));
  g_assert_false (bool_member (restricted, "otp_enrolled"));
  assert_strings (object, "scopes", STRV ("session", "password"));
  assert_strings (object, "required_actions", STRV ("change_password"));
  g_assert_cmpint (ABS (parse_time (string_member (object, "password_expires_at")) - (portal_now (portal) + 90 * DAY)), <=, 60);
  g_assert_cmpint (json_object_get_int_member (object, "idle_timeout_seconds"), ==, IDLE_SECONDS);
  expect_error (portal, "GET", API "/users", token_of (restricted), NULL, 403, "W022000005");
  expect_legacy_otp_refused (portal, token_of (restricted), "W022000005");
  expect_error (portal, "POST", API "/tablet/login", NULL, "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" INITIAL "\"}",
                403, "T042000006");

  new_session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  new_other = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  assert_status (new_session, 200);
  assert_status (new_other, 200);

  /* POST /password in an old-login session changes the old password. */
  {
    g_autoptr(PortalResponse) same_as_code = change_password (portal, token_of (restricted), INITIAL, "SHOP0001");
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (restricted), INITIAL, OLD_PW);

    /* (Too short before anything else; a code-sized password fails on
     * length. The merchant-code rule is in test_password_policy.) */
    portal_assert_error (same_as_code, 400, "W022000001");
    assert_status (changed, 204);
  }
  expect_login_error (portal, MERCHANT, OLD_PW, NULL, 401, "W011000001");
  {
    g_autoptr(PortalResponse) new_unchanged = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
    g_autoptr(PortalResponse) old_gone = legacy_login (portal, MERCHANT, INITIAL);

    assert_status (new_unchanged, 200);
    g_assert_true (bool_member (new_unchanged, "must_change_password"));
    portal_assert_error (old_gone, 401, "W061000001");
  }
  /* The new-login sessions go on; the changing session stays restricted,
   * with nothing left to do. */
  assert_alive (portal, token_of (new_session));
  info = get_session (portal, token_of (restricted));
  g_assert_true (bool_member (info, "restricted"));
  g_assert_false (bool_member (info, "must_change_password"));
  assert_strings (portal_response_object (info), "required_actions", NONE);
  expect_error (portal, "GET", API "/users", token_of (restricted), NULL, 403, "W053000002");
  expect_legacy_otp_refused (portal, token_of (restricted), "W053000002");

  /* A full old-login session: only the password, never keys or users. */
  full = legacy_login (portal, MERCHANT, OLD_PW);
  assert_status (full, 200);
  object = portal_response_object (full);
  g_assert_false (bool_member (full, "restricted"));
  g_assert_false (bool_member (full, "must_change_password"));
  assert_strings (object, "scopes", STRV ("session", "password"));
  assert_strings (object, "required_actions", NONE);
  g_clear_pointer (&info, portal_response_free);
  info = get_session (portal, token_of (full));
  changed_at = parse_time (string_member (portal_response_object (info), "legacy_password_changed_at"));
  g_assert_cmpint (parse_time (string_member (object, "password_expires_at")), ==, changed_at + 90 * DAY);
  g_assert_cmpstr (string_member (portal_response_object (info), "login_method"), ==, "legacy");
  assert_session_user (user_of (info), MERCHANT, MERCHANT, "main");
  expect_error (portal, "GET", API "/users", token_of (full), NULL, 403, "W053000001");
  expect_error (portal, "POST", API "/users", token_of (full), "{}", 403, "W053000001");
  expect_error (portal, "POST", API "/otp/secret", token_of (full), NULL, 403, "W053000001");
  expect_error (portal, "POST", API "/otp/activate", token_of (full), "{\"otp\":\"123456\"}", 403, "W053000001");

  /* The tablet: the old password, a session that may do nothing but
   * look at itself and log out. */
  tablet = tablet_login (portal, MERCHANT, OLD_PW);
  assert_status (tablet, 200);
  object = portal_response_object (tablet);
  g_assert_cmpstr (string_member (object, "login_method"), ==, "tablet");
  assert_session_user (user_of (tablet), MERCHANT, MERCHANT, "main");
  g_assert_false (bool_member (tablet, "restricted"));
  g_assert_false (bool_member (tablet, "must_change_password"));
  assert_strings (object, "scopes", STRV ("session"));
  assert_strings (object, "required_actions", NONE);
  g_assert_cmpint (parse_time (string_member (object, "password_expires_at")), ==, changed_at + 90 * DAY);
  expect_error (portal, "POST", API "/password", token_of (tablet),
                "{\"current_password\":\"" OLD_PW "\",\"new_password\":\"" OLD_PW2 "\"}", 403, "W053000001");
  expect_error (portal, "POST", API "/otp/secret", token_of (tablet), NULL, 403, "W053000001");
  expect_error (portal, "GET", API "/users", token_of (tablet), NULL, 403, "W053000001");
  {
    g_autoptr(PortalResponse) tablet_info = get_session (portal, token_of (tablet));

    assert_status (tablet_info, 200);
    g_assert_cmpstr (string_member (portal_response_object (tablet_info), "login_method"), ==, "tablet");
    assert_strings (portal_response_object (tablet_info), "scopes", STRV ("session"));
  }

  /* More logins end nothing. */
  tablet_other = tablet_login (portal, MERCHANT, OLD_PW);
  full_other = legacy_login (portal, MERCHANT, OLD_PW);
  assert_alive (portal, token_of (tablet));
  assert_alive (portal, token_of (full));

  /* Changing the new-login password leaves the old password and its
   * sessions alone, and ends the other new-login sessions. */
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (new_session), INITIAL, MAIN_PW);
    g_autoptr(PortalResponse) old_works = legacy_login (portal, MERCHANT, OLD_PW);

    assert_status (changed, 204);
    assert_status (old_works, 200);
    assert_alive (portal, token_of (full));
    assert_alive (portal, token_of (tablet));
    assert_alive (portal, token_of (new_session));
    assert_ended (portal, token_of (new_other));
  }

  /* Changing the old password ends the other old-login and tablet
   * sessions, not the new-login ones. */
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (full), OLD_PW, OLD_PW2);
    g_autoptr(PortalResponse) tablet_old = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet_new = tablet_login (portal, MERCHANT, OLD_PW2);
    g_autoptr(PortalResponse) new_login = login (portal, MERCHANT, MERCHANT, MAIN_PW, NULL);

    assert_status (changed, 204);
    assert_alive (portal, token_of (full));
    assert_ended (portal, token_of (full_other));
    assert_ended (portal, token_of (restricted));
    assert_ended (portal, token_of (tablet));
    assert_ended (portal, token_of (tablet_other));
    assert_alive (portal, token_of (new_session));
    portal_assert_error (tablet_old, 401, "T041000001");
    assert_status (tablet_new, 200);
    /* The new-login password is MAIN_PW, changed: only the key is left. */
    assert_status (new_login, 200);
    g_assert_false (bool_member (new_login, "must_change_password"));
    assert_strings (portal_response_object (new_login), "required_actions", STRV ("enroll_otp"));
  }
}

/* The old password's lock is shared by the old and tablet logins and
 * apart from the new login's; the tablet's 403 answers count as a right
 * password. */
static void
test_lockout_old_password (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) locked = NULL;
  g_autoptr(PortalResponse) session = NULL;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  portal_add_merchant (portal, "shop0002", INITIAL);
  change_old_password (portal, MERCHANT);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PortalResponse) response = legacy_login (portal, MERCHANT, "Wrong-password-1");

      portal_assert_error (response, 401, "W061000001");
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(PortalResponse) response = tablet_login (portal, MERCHANT, "Wrong-password-1");

      portal_assert_error (response, 401, "T041000001");
    }
  locked = tablet_login (portal, MERCHANT, "Wrong-password-1");
  portal_assert_error (locked, 429, "T041000002");
  g_assert_cmpint (retry_after (locked), >=, LOCK_SECONDS - 2);
  {
    g_autoptr(PortalResponse) legacy = legacy_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) new_login = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);

    portal_assert_error (legacy, 429, "W061000002");
    g_assert_cmpint (retry_after (legacy), <=, retry_after (locked));
    portal_assert_error (tablet, 429, "T041000002");
    assert_status (new_login, 200);
  }
  portal_advance (portal, LOCK_SECONDS + 1);
  {
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);

    assert_status (tablet, 200);
  }

  /* A wrong current password in an old-login session counts against
   * the old password. */
  session = legacy_login (portal, MERCHANT, OLD_PW);
  assert_status (session, 200);
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(PortalResponse) wrong = change_password (portal, token_of (session), "Wrong-password-1", OLD_PW2);

      assert_error_field (wrong, 400, "W021000001", "current_password");
    }
  {
    g_autoptr(PortalResponse) tenth = change_password (portal, token_of (session), "Wrong-password-1", OLD_PW2);
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) legacy = legacy_login (portal, MERCHANT, OLD_PW);

    portal_assert_error (tenth, 429, "W021000002");
    portal_assert_error (tablet, 429, "T041000002");
    portal_assert_error (legacy, 429, "W061000002");
  }

  /* T042000006 is a right password: it resets the count. */
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(PortalResponse) response = tablet_login (portal, "shop0002", "Wrong-password-1");

      portal_assert_error (response, 401, "T041000001");
    }
  {
    g_autoptr(PortalResponse) first_password = tablet_login (portal, "shop0002", INITIAL);
    g_autoptr(PortalResponse) after = tablet_login (portal, "shop0002", "Wrong-password-1");

    portal_assert_error (first_password, 403, "T042000006");
    portal_assert_error (after, 401, "T041000001");
  }
}

/* The old password expires when more than 90 × 86400 seconds have
 * passed since its change: the tablet is refused, the old login is
 * restricted to changing it. New-login passwords do not expire. */
static void
test_legacy_expiry (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) legacy = NULL;
  g_autoptr(PortalResponse) info = NULL;
  g_autoptr(PortalResponse) expired = NULL;
  g_autoptr(PortalResponse) expired_info = NULL;
  g_autoptr(PortalResponse) new_first = NULL;
  JsonObject *object;
  gint64 changed_at, expires_at;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  portal_add_merchant (portal, "shop0002", INITIAL);

  /* A first old password: the tablet refuses it whatever its age. */
  expect_error (portal, "POST", API "/tablet/login", NULL, "{\"merchant_code\":\"shop0002\",\"password\":\"" INITIAL "\"}",
                403, "T042000006");

  new_first = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (new_first), INITIAL, MAIN_PW);

    assert_status (changed, 204);
  }
  legacy = legacy_login (portal, MERCHANT, INITIAL);
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (legacy), INITIAL, OLD_PW);

    assert_status (changed, 204);
  }
  info = get_session (portal, token_of (legacy));
  changed_at = parse_time (string_member (portal_response_object (info), "legacy_password_changed_at"));
  expires_at = changed_at + 90 * DAY;
  g_assert_cmpint (parse_time (string_member (portal_response_object (info), "legacy_password_expires_at")), ==, expires_at);

  /* 89 days: fine. */
  portal_advance (portal, changed_at + 89 * DAY - portal_now (portal));
  {
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) old = legacy_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) old_info = NULL;

    assert_status (tablet, 200);
    g_assert_cmpint (parse_time (string_member (portal_response_object (tablet), "password_expires_at")), ==, expires_at);
    assert_status (old, 200);
    g_assert_false (bool_member (old, "restricted"));
    old_info = get_session (portal, token_of (old));
    g_assert_cmpint (json_object_get_int_member (portal_response_object (old_info), "legacy_password_age_days"), ==, 89);
  }

  /* Exactly 90 days is not more than 90 days. The boundary is hit to the
   * second when the requests fit in one second of real time. */
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      gint64 second = start_of_second ();
      gint64 now = server_time (portal);
      g_autoptr(PortalResponse) tablet = NULL;

      if (now > expires_at)
        break;
      portal_advance (portal, expires_at - now);
      tablet = tablet_login (portal, MERCHANT, OLD_PW);
      if (still_second (second))
        {
          assert_status (tablet, 200);
          break;
        }
      g_test_message ("the exact 90-day check took too long; %s", attempt < 4 ? "again" : "giving up");
    }

  /* One second more: expired. */
  portal_advance (portal, MAX (1, expires_at + 1 - portal_now (portal)));
  expect_error (portal, "POST", API "/tablet/login", NULL,
                "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" OLD_PW "\"}", 403, "T042000005");
  /* Only after the password: a wrong one does not tell. */
  for (guint i = 0; i < 9; i++)
    {
      g_autoptr(PortalResponse) wrong = tablet_login (portal, MERCHANT, "Wrong-password-1");

      portal_assert_error (wrong, 401, "T041000001");
    }
  /* T042000005 is a right password: it resets the count. */
  expect_error (portal, "POST", API "/tablet/login", NULL,
                "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" OLD_PW "\"}", 403, "T042000005");
  {
    g_autoptr(PortalResponse) wrong = tablet_login (portal, MERCHANT, "Wrong-password-1");

    portal_assert_error (wrong, 401, "T041000001");
  }

  /* The old login still works, restricted to changing the password. */
  expired = legacy_login (portal, MERCHANT, OLD_PW);
  assert_status (expired, 200);
  object = portal_response_object (expired);
  g_assert_true (bool_member (expired, "restricted"));
  g_assert_true (bool_member (expired, "must_change_password"));
  assert_strings (object, "required_actions", STRV ("change_password"));
  assert_strings (object, "scopes", STRV ("session", "password"));
  g_assert_cmpint (parse_time (string_member (object, "password_expires_at")), ==, expires_at);
  expect_error (portal, "GET", API "/users", token_of (expired), NULL, 403, "W022000006");
  expect_legacy_otp_refused (portal, token_of (expired), "W022000006");
  expired_info = get_session (portal, token_of (expired));
  object = portal_response_object (expired_info);
  g_assert_true (bool_member (expired_info, "restricted"));
  g_assert_true (bool_member (expired_info, "must_change_password"));
  assert_strings (object, "required_actions", STRV ("change_password"));
  g_assert_cmpint (json_object_get_int_member (object, "legacy_password_age_days"), ==, 90);
  g_assert_cmpint (parse_time (string_member (object, "legacy_password_expires_at")), ==, expires_at);

  /* The new-login password, as old, has not expired. */
  {
    g_autoptr(PortalResponse) new_login = login (portal, MERCHANT, MERCHANT, MAIN_PW, NULL);
    g_autoptr(PortalResponse) new_info = NULL;

    assert_status (new_login, 200);
    g_assert_false (bool_member (new_login, "must_change_password"));
    assert_strings (portal_response_object (new_login), "required_actions", STRV ("enroll_otp"));
    g_assert_true (null_member (portal_response_object (new_login), "password_expires_at"));
    new_info = get_session (portal, token_of (new_login));
    g_assert_cmpint (json_object_get_int_member (portal_response_object (new_info), "password_age_days"), >=, 90);
    g_assert_false (bool_member (new_info, "must_change_password"));
  }

  /* Changing it starts the 90 days again. */
  {
    g_autoptr(PortalResponse) same = change_password (portal, token_of (expired), OLD_PW, OLD_PW);
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (expired), OLD_PW, OLD_PW2);
    g_autoptr(PortalResponse) after = NULL;
    g_autoptr(PortalResponse) tablet = NULL;

    portal_assert_error (same, 400, "W022000004");
    assert_status (changed, 204);
    after = get_session (portal, token_of (expired));
    g_assert_false (bool_member (after, "must_change_password"));
    assert_strings (portal_response_object (after), "required_actions", NONE);
    g_assert_cmpint (json_object_get_int_member (portal_response_object (after), "legacy_password_age_days"), ==, 0);
    expect_error (portal, "GET", API "/users", token_of (expired), NULL, 403, "W053000002");
    tablet = tablet_login (portal, MERCHANT, OLD_PW2);
    assert_status (tablet, 200);
  }
}

/* Passwords. */

/* The policy (8.3.6, 8.3.7): length, letters and digits (any script),
 * not the user ID or merchant code, not one of the last four; NFC
 * before everything; the current password is checked first. */
static void
test_password_policy (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) other = NULL;
  g_autoptr(PortalResponse) legacy = NULL;
  const char *code = "Merchant2024";
  /* Ä decomposed (NFD) and composed (NFC). */
  const char *a_nfd = "Passwort-A\xcc\x88-2024";
  const char *a_nfc = "Passwort-\xc3\x84-2024";
  const char *b = "さくらさくら２０２４ねん";
  const char *c = "Password-C-2024";
  const char *d = "Password-D-2024";
  const char *e = "Password-E-2024";
  /* Twelve code points before NFC, eleven after. */
  const char *combining = "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "12345";
  const char *current;
  const struct {
    const char *password;
    const char *code;
  } bad[] = {
    { "short1", "W022000001" },
    { "Abcdefgh123", "W022000001" },
    { combining, "W022000001" },
    { "abcdefghijkl", "W022000002" },
    { "password-with-no-digit", "W022000002" },
    { "123456789012", "W022000002" },
    { "１２３４５６７８９０１２", "W022000002" },
    { "------------1", "W022000002" },
    { "Merchant2024", "W022000003" },
    { "mERCHANT2024", "W022000003" },
    { "MERCHANT2024", "W022000003" },
    { INITIAL, "W022000004" },
  };

  portal_add_merchant (portal, code, INITIAL);
  session = login (portal, code, code, INITIAL, NULL);
  other = login (portal, code, code, INITIAL, NULL);

  /* The current password before the policy. */
  {
    g_autoptr(PortalResponse) wrong = change_password (portal, token_of (session), "Wrong-password-1", "short");

    assert_error_field (wrong, 400, "W021000001", "current_password");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PortalResponse) response = change_password (portal, token_of (session), INITIAL, bad[i].password);

      g_test_message ("new password %s", bad[i].password);
      assert_error_field (response, 400, bad[i].code, "new_password");
    }
  /* Nothing was changed by the refusals. */
  assert_alive (portal, token_of (other));

  /* A → B → C → D → E; the history is E, D, C, B. */
  {
    g_autoptr(PortalResponse) to_a = change_password (portal, token_of (session), INITIAL, a_nfd);

    assert_status (to_a, 204);
    /* The other session opened with the old password ends; this one
     * stays. */
    assert_ended (portal, token_of (other));
    assert_alive (portal, token_of (session));
  }
  /* NFC: the composed form is the same password. */
  {
    g_autoptr(PortalResponse) composed = login (portal, code, code, a_nfc, NULL);

    assert_status (composed, 200);
  }
  current = a_nfc;
  {
    const char *chain[] = { b, c, d, e };

    for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
      {
        g_autoptr(PortalResponse) changed = change_password (portal, token_of (session), current, chain[i]);

        g_test_message ("%s → %s", current, chain[i]);
        assert_status (changed, 204);
        current = chain[i];
      }
  }
  {
    const char *recent[] = { e, d, c, b };

    for (guint i = 0; i < G_N_ELEMENTS (recent); i++)
      {
        g_autoptr(PortalResponse) refused = change_password (portal, token_of (session), e, recent[i]);

        assert_error_field (refused, 400, "W022000004", "new_password");
      }
  }
  /* A is five passwords back: allowed again, in either form. */
  {
    g_autoptr(PortalResponse) back = change_password (portal, token_of (session), e, a_nfc);
    g_autoptr(PortalResponse) works = NULL;

    assert_status (back, 204);
    works = login (portal, code, code, a_nfd, NULL);
    assert_status (works, 200);
  }

  /* The old password may not be the merchant code either, nor one of
   * its last four. */
  legacy = legacy_login (portal, code, INITIAL);
  {
    g_autoptr(PortalResponse) same_code = change_password (portal, token_of (legacy), INITIAL, "mercHANT2024");
    g_autoptr(PortalResponse) same = change_password (portal, token_of (legacy), INITIAL, INITIAL);
    g_autoptr(PortalResponse) digits = change_password (portal, token_of (legacy), INITIAL, "old-password-without");
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (legacy), INITIAL, a_nfc);

    assert_error_field (same_code, 400, "W022000003", "new_password");
    assert_error_field (same, 400, "W022000004", "new_password");
    assert_error_field (digits, 400, "W022000002", "new_password");
    /* The new-login history is the new login's: A is fine here. */
    assert_status (changed, 204);
  }
}

/* Sessions. */

/* 15 minutes without an authenticated request end a session; every
 * request that passes the session check renews it, GET /session does
 * not. */
static void
test_idle_timeout (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) info = NULL;
  gint64 left;
  gboolean exact = FALSE;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);

  /* Requests renew: 1200 seconds after the login, but never more than
   * 600 without a request. */
  portal_advance (portal, 600);
  expect (portal, "POST", API "/otp/secret", token_of (session), NULL, 200);
  portal_advance (portal, 600);
  expect (portal, "POST", API "/otp/secret", token_of (session), NULL, 200);
  /* A refused request has passed the session check: it renews too. */
  portal_advance (portal, 600);
  expect_error (portal, "GET", API "/users", token_of (session), NULL, 403, "W022000005");

  /* GET /session shows the time left without renewing it. */
  portal_advance (portal, 600);
  info = get_session (portal, token_of (session));
  assert_status (info, 200);
  left = json_object_get_int_member (portal_response_object (info), "idle_seconds_left");
  g_assert_cmpint (left, >=, IDLE_SECONDS - 600 - slack ());
  g_assert_cmpint (left, <=, IDLE_SECONDS - 600);
  portal_advance (portal, 300);
  expect_error (portal, "POST", API "/otp/secret", token_of (session), NULL, 401, "W051000003");
  {
    g_autoptr(PortalResponse) later = get_session (portal, token_of (session));

    g_assert_cmpuint (later->status, ==, 401);
    g_assert_true (g_strcmp0 (portal_response_error (later), "W051000002") == 0
                   || g_strcmp0 (portal_response_error (later), "W051000003") == 0);
  }

  /* To the second: 899 seconds are fine, 900 are not. The login and the
   * requests must fit in one second of real time. */
  for (guint attempt = 0; attempt < 5 && !exact; attempt++)
    {
      gint64 second = start_of_second ();
      g_autoptr(PortalResponse) fresh = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
      g_autoptr(PortalResponse) renewed = NULL;
      g_autoptr(PortalResponse) full_time = NULL;
      g_autoptr(PortalResponse) one_left = NULL;
      g_autoptr(PortalResponse) timed_out = NULL;

      portal_advance (portal, IDLE_SECONDS - 1);
      renewed = request (portal, "POST", API "/otp/secret", token_of (fresh), NULL);
      full_time = get_session (portal, token_of (fresh));
      portal_advance (portal, IDLE_SECONDS - 1);
      one_left = get_session (portal, token_of (fresh));
      portal_advance (portal, 1);
      timed_out = request (portal, "POST", API "/otp/secret", token_of (fresh), NULL);
      if (!still_second (second))
        {
          g_test_message ("the exact idle check took too long; again");
          continue;
        }
      exact = TRUE;
      assert_status (renewed, 200);
      assert_status (full_time, 200);
      g_assert_cmpint (json_object_get_int_member (portal_response_object (full_time), "idle_seconds_left"), ==, IDLE_SECONDS);
      assert_status (one_left, 200);
      g_assert_cmpint (json_object_get_int_member (portal_response_object (one_left), "idle_seconds_left"), ==, 1);
      portal_assert_error (timed_out, 401, "W051000003");
    }
  /* A build slowed down many times (sanitizers) may never fit the
   * requests in one second; the normal run checks the boundary. */
  if (!exact && slack () > 3)
    g_test_message ("the exact idle check never fitted in a second of this slow build; not checked");
  else
    g_assert_true (exact);
}

/* The server forgets ended sessions in rounds, once a minute; a session
 * that ended by idleness still gets W051000003 at its next request, not
 * W051000002, however late that comes. This waits for one round. */
static void
test_idle_after_sweep (void)
{
  gint64 started = g_get_monotonic_time ();
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) idle = NULL;
  gint64 wait;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  assert_status (session, 200);
  portal_advance (portal, 3 * IDLE_SECONDS);
  /* The first round is a minute after the server started. */
  wait = started + 63 * G_USEC_PER_SEC - g_get_monotonic_time ();
  if (wait > 0)
    g_usleep ((gulong) wait);
  idle = get_session (portal, token_of (session));
  portal_assert_error (idle, 401, "W051000003");
}

/* The Authorization header, logout, and the answers about sessions. */
static void
test_session_header_and_logout (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) lower = NULL;
  g_autoptr(PortalResponse) upper = NULL;
  g_autoptr(PortalResponse) unknown = NULL;
  g_autoptr(PortalResponse) missing = NULL;
  g_autofree char *lower_header = NULL;
  g_autofree char *upper_header = NULL;
  const char *challenge;
  const char *bad_headers[] = { "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "", "BearerX abc" };

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);

  missing = request (portal, "GET", API "/session", NULL, NULL);
  portal_assert_error (missing, 401, "W051000001");
  challenge = soup_message_headers_get_one (missing->headers, "WWW-Authenticate");
  g_assert_true (g_str_has_prefix (challenge, "Bearer realm=\"webcollect-portal\""));
  for (guint i = 0; i < G_N_ELEMENTS (bad_headers); i++)
    {
      g_autoptr(PortalResponse) response = request_full (portal, "GET", API "/session", bad_headers[i], NULL, NULL, FALSE);

      g_test_message ("Authorization: %s", bad_headers[i]);
      portal_assert_error (response, 401, "W051000001");
    }

  /* The scheme name is case-insensitive. */
  lower_header = g_strdup_printf ("bearer %s", token_of (session));
  upper_header = g_strdup_printf ("BEARER %s", token_of (session));
  lower = request_full (portal, "GET", API "/session", lower_header, NULL, NULL, FALSE);
  upper = request_full (portal, "GET", API "/session", upper_header, NULL, NULL, FALSE);
  assert_status (lower, 200);
  assert_status (upper, 200);

  /* Session errors name the token as invalid (RFC 6750). */
  unknown = get_session (portal, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  portal_assert_error (unknown, 401, "W051000002");
  challenge = soup_message_headers_get_one (unknown->headers, "WWW-Authenticate");
  g_assert_true (g_str_has_prefix (challenge, "Bearer realm=\"webcollect-portal\""));
  g_assert_nonnull (strstr (challenge, "error=\"invalid_token\""));

  /* A login ignores a session header. */
  {
    g_autofree char *body = body_of ("merchant_code", MERCHANT, "user_id", MERCHANT, "password", INITIAL, NULL);
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
    g_autoptr(PortalResponse) with_header = request_full (portal, "POST", API "/login", "Basic dXNlcjpwYXNz",
                                                          "application/json", bytes, FALSE);

    assert_status (with_header, 200);
  }

  /* Logout ends the session at once; its body is ignored. */
  {
    g_autofree char *authorization = g_strdup_printf ("Bearer %s", token_of (session));
    g_autoptr(GBytes) bytes = g_bytes_new_static ("bye", 3);
    g_autoptr(PortalResponse) out = request_full (portal, "POST", API "/logout", authorization, "text/plain", bytes, FALSE);
    g_autoptr(PortalResponse) again = NULL;

    assert_status (out, 204);
    assert_ended (portal, token_of (session));
    again = request (portal, "POST", API "/logout", token_of (session), NULL);
    portal_assert_error (again, 401, "W051000002");
    g_assert_nonnull (strstr (soup_message_headers_get_one (again->headers, "WWW-Authenticate"), "error=\"invalid_token\""));
  }

  /* An idle end is a session error too. */
  {
    g_autoptr(PortalResponse) idle_session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
    g_autoptr(PortalResponse) idle = NULL;

    portal_advance (portal, IDLE_SECONDS + 1);
    idle = get_session (portal, token_of (idle_session));
    portal_assert_error (idle, 401, "W051000003");
    g_assert_nonnull (strstr (soup_message_headers_get_one (idle->headers, "WWW-Authenticate"), "error=\"invalid_token\""));
  }
}

/* User management. */

static void
expect_user_error (PortalFixture *portal,
                   const char    *token,
                   const char    *user_path,
                   guint          status,
                   const char    *code)
{
  g_autofree char *path = g_strconcat (API "/users/", user_path, NULL);
  g_autofree char *password_reset = g_strconcat (path, "/password-reset", NULL);
  g_autofree char *otp_reset = g_strconcat (path, "/otp-reset", NULL);
  g_autoptr(PortalResponse) patch = request (portal, "PATCH", path, token, "{}");
  g_autoptr(PortalResponse) delete = request (portal, "DELETE", path, token, NULL);
  g_autoptr(PortalResponse) reset = request (portal, "POST", password_reset, token, NULL);
  g_autoptr(PortalResponse) otp = request (portal, "POST", otp_reset, token, NULL);

  g_test_message ("users/%s", user_path);
  portal_assert_error (patch, status, code);
  portal_assert_error (delete, status, code);
  portal_assert_error (reset, status, code);
  portal_assert_error (otp, status, code);
  if (status == 400 || status == 404 || g_str_equal (code, "W043000002"))
    {
      g_assert_cmpstr (error_field (patch), ==, "user_id");
      g_assert_cmpstr (error_field (delete), ==, "user_id");
      g_assert_cmpstr (error_field (reset), ==, "user_id");
      g_assert_cmpstr (error_field (otp), ==, "user_id");
    }
}

static PortalResponse *
patch_user (PortalFixture *portal,
            const char    *token,
            const char    *user_id,
            const char    *body)
{
  g_autofree char *path = g_strconcat (API "/users/", user_id, NULL);

  return request (portal, "PATCH", path, token, body);
}

/* The main user creates, lists, changes, disables, resets and deletes
 * child users; children may do none of it. */
static void
test_users (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *main_token = NULL;
  g_autofree char *tanaka_password = NULL;
  g_autofree char *tanaka_secret = NULL;
  g_autofree char *tanaka_token = NULL;
  g_autofree char *suzuki_password = NULL;
  g_autofree char *reset_password = NULL;
  g_autoptr(PortalResponse) created = NULL;
  g_autoptr(PortalResponse) list = NULL;
  g_autoptr(PortalResponse) suzuki_session = NULL;
  JsonObject *user;
  JsonArray *users;
  gint64 now;

  main_token = set_up_main (portal, NULL);
  now = portal_now (portal);

  created = request (portal, "POST", API "/users", main_token,
                     "{\"user_id\":\"tanaka\",\"display_name\":\"田中 一郎\",\"role\":\"general\"}");
  assert_status (created, 201);
  g_assert_cmpstr (soup_message_headers_get_one (created->headers, "Location"), ==, API "/users/tanaka");
  user = json_object_get_object_member (portal_response_object (created), "user");
  g_assert_cmpstr (string_member (user, "merchant_code"), ==, MERCHANT);
  g_assert_cmpstr (string_member (user, "user_id"), ==, "tanaka");
  g_assert_cmpstr (string_member (user, "display_name"), ==, "田中 一郎");
  g_assert_cmpstr (string_member (user, "role"), ==, "general");
  g_assert_false (json_object_get_boolean_member (user, "disabled"));
  g_assert_false (json_object_get_boolean_member (user, "otp_enrolled"));
  g_assert_true (json_object_get_boolean_member (user, "must_change_password"));
  g_assert_true (null_member (user, "locked_until"));
  g_assert_cmpint (ABS (parse_time (string_member (user, "created_at")) - now), <=, slack ());
  g_assert_cmpint (ABS (parse_time (string_member (user, "password_changed_at")) - now), <=, slack ());
  tanaka_password = g_strdup (string_member (portal_response_object (created), "initial_password"));
  assert_generated_password (tanaka_password);

  {
    g_autoptr(PortalResponse) suzuki = request (portal, "POST", API "/users", main_token,
                                                "{\"user_id\":\"suzuki.h@x-1\",\"display_name\":\"鈴木 花子\",\"role\":\"shipping\"}");
    g_autofree char *location = NULL;

    assert_status (suzuki, 201);
    location = g_uri_unescape_string (soup_message_headers_get_one (suzuki->headers, "Location"), NULL);
    g_assert_cmpstr (location, ==, API "/users/suzuki.h@x-1");
    suzuki_password = g_strdup (string_member (portal_response_object (suzuki), "initial_password"));
    g_assert_cmpstr (suzuki_password, !=, tanaka_password);
  }
  g_free (create_user (portal, main_token, "Alpha", "general"));

  /* Taken IDs, the merchant code included; then the request rules. */
  {
    g_autofree char *long_id = repeat ("u", 65);
    g_autofree char *long_name = repeat ("名", 101);
    g_autofree char *long_id_body = body_of ("user_id", long_id, "display_name", "x", "role", "general", NULL);
    g_autofree char *long_name_body = body_of ("user_id", "x", "display_name", long_name, "role", "general", NULL);
    const BadBody cases[] = {
      { API "/users", "{\"user_id\":\"tanaka\",\"display_name\":\"x\",\"role\":\"shipping\"}", "W044000002", "user_id" },
      { API "/users", "{\"user_id\":\"" MERCHANT "\",\"display_name\":\"x\",\"role\":\"general\"}", "W044000002", "user_id" },
      { API "/users", "{\"user_id\":\"-bad\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000007", "user_id" },
      { API "/users", "{\"user_id\":\"bad id\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000007", "user_id" },
      { API "/users", "{\"user_id\":\"müller\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000007", "user_id" },
      { API "/users", "{\"user_id\":\"a/b\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000007", "user_id" },
      { API "/users", "{\"user_id\":\"\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000007", "user_id" },
      { API "/users", long_id_body, "W095000004", "user_id" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"   \",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\\u0007b\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\\u0085b\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"\",\"role\":\"general\"}", "W095000007", "display_name" },
      /* Names that pass for another in a list: a bidi override turning
       * text around, zero-width characters, combining marks alone or
       * first, a line separator, private use, an unassigned code point. */
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"\u202etanaka\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"\u2066田中\u2069\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"ta\u200bnaka\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"\u0301\u0301\u0301\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\" \u0301a\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\u2028b\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\ue000\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\u0378\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"a\\tb\",\"role\":\"general\"}", "W095000007", "display_name" },
      { API "/users", long_name_body, "W095000004", "display_name" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\",\"role\":\"main\"}", "W095000007", "role" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\",\"role\":\"admin\"}", "W095000007", "role" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\"}", "W095000002", "role" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\",\"role\":null}", "W095000003", "role" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\",\"role\":\"general\",\"disabled\":false}", "W095000006", "disabled" },
      { API "/users", "{\"display_name\":\"x\",\"role\":\"general\"}", "W095000002", "user_id" },
      /* json-glib would keep the second silently. */
      { API "/users", "{\"user_id\":\"x\",\"user_id\":\"y\",\"display_name\":\"x\",\"role\":\"general\"}", "W095000001", "user_id" },
      { API "/users", "{\"user_id\":\"x\",\"display_name\":\"x\",\"role\":\"general\",\"\\u0072ole\":\"shipping\"}", "W095000001", "role" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      expect_bad_body (portal, main_token, &cases[i]);
  }

  /* The list: child users only, in byte order of their IDs. */
  list = request (portal, "GET", API "/users", main_token, NULL);
  assert_status (list, 200);
  users = json_object_get_array_member (portal_response_object (list), "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 3);
  g_assert_cmpstr (string_member (json_array_get_object_element (users, 0), "user_id"), ==, "Alpha");
  g_assert_cmpstr (string_member (json_array_get_object_element (users, 1), "user_id"), ==, "suzuki.h@x-1");
  g_assert_cmpstr (string_member (json_array_get_object_element (users, 2), "user_id"), ==, "tanaka");
  g_assert_cmpstr (string_member (find_user (list, "suzuki.h@x-1"), "role"), ==, "shipping");
  g_assert_cmpint (json_object_get_int_member (portal_response_object (list), "max_users"), ==, 100);

  /* A child's first login is restricted like the main user's. */
  {
    g_autoptr(PortalResponse) first = login (portal, MERCHANT, "tanaka", tanaka_password, NULL);
    JsonObject *object = portal_response_object (first);

    assert_status (first, 200);
    g_assert_true (bool_member (first, "restricted"));
    g_assert_true (bool_member (first, "must_change_password"));
    assert_session_user (user_of (first), MERCHANT, "tanaka", "general");
    g_assert_cmpstr (string_member (user_of (first), "display_name"), ==, "田中 一郎");
    assert_strings (object, "scopes", STRV ("session", "password", "otp"));
    assert_strings (object, "required_actions", STRV ("change_password", "enroll_otp"));
    expect_error (portal, "GET", API "/users", token_of (first), NULL, 403, "W022000005");
    logout (portal, token_of (first));
  }
  tanaka_token = set_up_user (portal, MERCHANT, "tanaka", tanaka_password, CHILD_PW, &tanaka_secret);

  /* A full child session: no user management, no old password. */
  {
    g_autoptr(PortalResponse) info = get_session (portal, tanaka_token);
    JsonObject *object = portal_response_object (info);

    assert_strings (object, "scopes", STRV ("session", "password", "otp"));
    assert_session_user (user_of (info), MERCHANT, "tanaka", "general");
    g_assert_true (null_member (object, "legacy_password_changed_at"));
    g_assert_true (null_member (object, "legacy_password_age_days"));
    g_assert_true (null_member (object, "legacy_password_expires_at"));
  }
  expect_error (portal, "GET", API "/users", tanaka_token, NULL, 403, "W043000001");
  expect_error (portal, "POST", API "/users", tanaka_token, "{", 403, "W043000001");
  expect_user_error (portal, tanaka_token, "Alpha", 403, "W043000001");
  expect_user_error (portal, tanaka_token, "nobody", 403, "W043000001");

  /* The main user's own ID, an unknown one, an impossible one. */
  expect_user_error (portal, main_token, MERCHANT, 403, "W043000002");
  expect_user_error (portal, main_token, "nobody", 404, "W044000001");
  expect_user_error (portal, main_token, "TANAKA", 404, "W044000001");
  expect_user_error (portal, main_token, "-bad", 400, "W095000007");
  expect_user_error (portal, main_token, "a%20b", 400, "W095000007");
  expect_user_error (portal, main_token, "%FF", 400, "W095000007");
  expect_user_error (portal, main_token, "%00", 400, "W095000007");
  expect_user_error (portal, main_token, "tanaka%00", 400, "W095000007");
  /* One level of percent-encoding: %2540 is "%40", not "@". */
  expect_user_error (portal, main_token, "suzuki.h%2540x-1", 400, "W095000007");
  {
    g_autofree char *long_id = repeat ("u", 65);

    expect_user_error (portal, main_token, long_id, 400, "W095000007");
  }

  /* PATCH: members left out keep their values. */
  {
    g_autoptr(PortalResponse) nothing = patch_user (portal, main_token, "tanaka", "{}");
    g_autoptr(PortalResponse) renamed = patch_user (portal, main_token, "tanaka", "{\"display_name\":\"田中 二郎\"}");
    g_autoptr(PortalResponse) moved = patch_user (portal, main_token, "tanaka", "{\"role\":\"shipping\"}");
    const BadBody cases[] = {
      { API "/users/tanaka", "{\"role\":\"main\"}", "W095000007", "role" },
      { API "/users/tanaka", "{\"disabled\":\"yes\"}", "W095000003", "disabled" },
      { API "/users/tanaka", "{\"disabled\":null}", "W095000003", "disabled" },
      { API "/users/tanaka", "{\"display_name\":\" \"}", "W095000007", "display_name" },
      { API "/users/tanaka", "{\"display_name\":\"\u202e郎二 中田\"}", "W095000007", "display_name" },
      { API "/users/tanaka", "{\"user_id\":\"x\"}", "W095000006", "user_id" },
      { API "/users/tanaka", "[]", "W095000001", NULL },
    };

    assert_status (nothing, 200);
    g_assert_cmpstr (string_member (portal_response_object (nothing), "display_name"), ==, "田中 一郎");
    g_assert_cmpstr (string_member (portal_response_object (nothing), "role"), ==, "general");
    assert_status (renamed, 200);
    g_assert_cmpstr (string_member (portal_response_object (renamed), "display_name"), ==, "田中 二郎");
    g_assert_cmpstr (string_member (portal_response_object (renamed), "role"), ==, "general");
    assert_status (moved, 200);
    g_assert_cmpstr (string_member (portal_response_object (moved), "display_name"), ==, "田中 二郎");
    g_assert_cmpstr (string_member (portal_response_object (moved), "role"), ==, "shipping");
    g_assert_true (json_object_get_boolean_member (portal_response_object (moved), "otp_enrolled"));
    /* A mark after its base letter and the ideographic space are names. */
    {
      g_autoptr(PortalResponse) marked = patch_user (portal, main_token, "tanaka",
                                                     "{\"display_name\":\"Jose\u0301\u3000田中\"}");

      assert_status (marked, 200);
      g_assert_cmpstr (string_member (portal_response_object (marked), "display_name"), ==, "Jose\xcc\x81\xe3\x80\x80田中");
    }
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(PortalResponse) response = patch_user (portal, main_token, "tanaka", cases[i].body);

        portal_assert_error (response, 400, cases[i].code);
        g_assert_cmpstr (error_field (response), ==, cases[i].field);
      }
  }

  /* Disabling ends the child's sessions; its logins are refused once
   * the password is right (before any code is asked for), and counted
   * when it is wrong. Enabling does not clear a lock; a reset does. */
  {
    g_autoptr(PortalResponse) disabled = patch_user (portal, main_token, "tanaka", "{\"disabled\":true}");
    g_autoptr(PortalResponse) no_code = NULL;
    g_autoptr(PortalResponse) with_code = NULL;
    g_autoptr(PortalResponse) locked = NULL;
    g_autoptr(PortalResponse) enabled = NULL;
    g_autoptr(PortalResponse) still_locked = NULL;
    g_autoptr(PortalResponse) locked_list = NULL;
    g_autoptr(PortalResponse) reset = NULL;
    g_autoptr(PortalResponse) unlocked_list = NULL;
    g_autoptr(PortalResponse) old_password = NULL;
    g_autoptr(PortalResponse) without_code = NULL;
    g_autoptr(PortalResponse) after_reset = NULL;
    JsonObject *object;

    assert_status (disabled, 200);
    g_assert_true (json_object_get_boolean_member (portal_response_object (disabled), "disabled"));
    assert_ended (portal, tanaka_token);
    no_code = login (portal, MERCHANT, "tanaka", CHILD_PW, NULL);
    portal_assert_error (no_code, 403, "W013000001");
    with_code = otp_login (portal, MERCHANT, "tanaka", CHILD_PW, tanaka_secret);
    portal_assert_error (with_code, 403, "W013000001");
    for (guint i = 0; i < 9; i++)
      expect_login_error (portal, "tanaka", "Wrong-password-1", NULL, 401, "W011000001");
    locked = login (portal, MERCHANT, "tanaka", "Wrong-password-1", NULL);
    portal_assert_error (locked, 429, "W011000004");

    enabled = patch_user (portal, main_token, "tanaka", "{\"disabled\":false}");
    assert_status (enabled, 200);
    g_assert_false (json_object_get_boolean_member (portal_response_object (enabled), "disabled"));
    still_locked = otp_login (portal, MERCHANT, "tanaka", CHILD_PW, tanaka_secret);
    portal_assert_error (still_locked, 429, "W011000004");
    locked_list = request (portal, "GET", API "/users", main_token, NULL);
    object = find_user (locked_list, "tanaka");
    g_assert_false (null_member (object, "locked_until"));
    g_assert_cmpint (parse_time (string_member (object, "locked_until")), >, portal_now (portal));

    reset = request (portal, "POST", API "/users/tanaka/password-reset", main_token, NULL);
    assert_status (reset, 200);
    reset_password = g_strdup (string_member (portal_response_object (reset), "initial_password"));
    assert_generated_password (reset_password);
    unlocked_list = request (portal, "GET", API "/users", main_token, NULL);
    object = find_user (unlocked_list, "tanaka");
    g_assert_true (null_member (object, "locked_until"));
    g_assert_true (json_object_get_boolean_member (object, "must_change_password"));
    g_assert_true (json_object_get_boolean_member (object, "otp_enrolled"));

    /* The reset password must be changed; the key stays, so it needs a
     * code. */
    old_password = otp_login (portal, MERCHANT, "tanaka", CHILD_PW, tanaka_secret);
    portal_assert_error (old_password, 401, "W011000001");
    without_code = login (portal, MERCHANT, "tanaka", reset_password, NULL);
    portal_assert_error (without_code, 401, "W011000002");
    after_reset = otp_login (portal, MERCHANT, "tanaka", reset_password, tanaka_secret);
    assert_status (after_reset, 200);
    g_assert_true (bool_member (after_reset, "restricted"));
    g_assert_true (bool_member (after_reset, "must_change_password"));
    g_assert_true (bool_member (after_reset, "otp_enrolled"));
    assert_strings (portal_response_object (after_reset), "required_actions", STRV ("change_password"));

    /* A reset ends the child's sessions. */
    {
      g_autoptr(PortalResponse) second_reset = request (portal, "POST", API "/users/tanaka/password-reset", main_token, NULL);

      assert_status (second_reset, 200);
      assert_ended (portal, token_of (after_reset));
      g_free (reset_password);
      reset_password = g_strdup (string_member (portal_response_object (second_reset), "initial_password"));
    }
  }

  /* An OTP reset: the key goes, the sessions end, the next login is a
   * first login again. */
  {
    g_autoptr(PortalResponse) session = otp_login (portal, MERCHANT, "tanaka", reset_password, tanaka_secret);
    g_autoptr(PortalResponse) changed = NULL;
    g_autoptr(PortalResponse) otp_reset = NULL;
    g_autoptr(PortalResponse) list_after = NULL;
    g_autoptr(PortalResponse) first_again = NULL;
    g_autoptr(PortalResponse) with_code = NULL;

    assert_status (session, 200);
    changed = change_password (portal, token_of (session), reset_password, CHILD_PW "x");
    assert_status (changed, 204);
    otp_reset = request (portal, "POST", API "/users/tanaka/otp-reset", main_token, NULL);
    assert_status (otp_reset, 204);
    assert_ended (portal, token_of (session));
    list_after = request (portal, "GET", API "/users", main_token, NULL);
    g_assert_false (json_object_get_boolean_member (find_user (list_after, "tanaka"), "otp_enrolled"));
    first_again = login (portal, MERCHANT, "tanaka", CHILD_PW "x", NULL);
    assert_status (first_again, 200);
    g_assert_true (bool_member (first_again, "restricted"));
    g_assert_false (bool_member (first_again, "otp_enrolled"));
    g_assert_false (bool_member (first_again, "must_change_password"));
    assert_strings (portal_response_object (first_again), "required_actions", STRV ("enroll_otp"));
    /* The old key's codes mean nothing now: a code is ignored. */
    with_code = otp_login (portal, MERCHANT, "tanaka", CHILD_PW "x", tanaka_secret);
    assert_status (with_code, 200);
    g_assert_true (bool_member (with_code, "restricted"));
    {
      g_autoptr(PortalResponse) no_pending = activate (portal, token_of (first_again), "123456");

      portal_assert_error (no_pending, 409, "W034000001");
    }
  }

  /* Deleting ends the sessions and frees the ID. */
  suzuki_session = login (portal, MERCHANT, "suzuki.h@x-1", suzuki_password, NULL);
  assert_status (suzuki_session, 200);
  assert_strings (portal_response_object (suzuki_session), "scopes", STRV ("session", "password", "otp"));
  g_assert_cmpstr (string_member (user_of (suzuki_session), "role"), ==, "shipping");
  expect (portal, "DELETE", API "/users/suzuki.h%40x-1", main_token, NULL, 204);
  assert_ended (portal, token_of (suzuki_session));
  expect_login_error (portal, "suzuki.h@x-1", suzuki_password, NULL, 401, "W011000001");
  expect_user_error (portal, main_token, "suzuki.h@x-1", 404, "W044000001");
  {
    g_autoptr(PortalResponse) after = request (portal, "GET", API "/users", main_token, NULL);
    g_autofree char *again = NULL;

    g_assert_null (find_user (after, "suzuki.h@x-1"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (portal_response_object (after), "users")), ==, 2);
    again = create_user (portal, main_token, "suzuki.h@x-1", "general");
    g_assert_cmpstr (again, !=, suzuki_password);
  }

  /* Another merchant's main user sees none of this. */
  {
    g_autofree char *other_main = NULL;
    g_autoptr(PortalResponse) other_list = NULL;

    portal_add_merchant (portal, "shop0002", INITIAL);
    other_main = set_up_user (portal, "shop0002", "shop0002", INITIAL, MAIN_PW, NULL);
    other_list = request (portal, "GET", API "/users", other_main, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (portal_response_object (other_list), "users")), ==, 0);
    expect_user_error (portal, other_main, "tanaka", 404, "W044000001");
    expect_user_error (portal, other_main, MERCHANT, 404, "W044000001");
    g_free (create_user (portal, other_main, "tanaka", "general"));
  }
}

/* At most 100 child users per merchant. */
static void
test_user_limit (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *main_token = set_up_main (portal, NULL);
  g_autoptr(PortalResponse) full = NULL;
  g_autoptr(PortalResponse) list = NULL;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *user_id = g_strdup_printf ("user%03u", i);
      g_autofree char *body = body_of ("user_id", user_id, "display_name", user_id, "role", "shipping", NULL);

      /* The session must not time out meanwhile: each request renews it. */
      expect (portal, "POST", API "/users", main_token, body, 201);
    }
  full = request (portal, "POST", API "/users", main_token, "{\"user_id\":\"one-more\",\"display_name\":\"x\",\"role\":\"general\"}");
  portal_assert_error (full, 409, "W044000003");
  /* A taken ID is still a taken ID. */
  expect_error (portal, "POST", API "/users", main_token, "{\"user_id\":\"user000\",\"display_name\":\"x\",\"role\":\"general\"}",
                409, "W044000002");
  list = request (portal, "GET", API "/users", main_token, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (portal_response_object (list), "users")), ==, 100);

  /* Deleting one makes room for one. */
  expect (portal, "DELETE", API "/users/user042", main_token, NULL, 204);
  expect (portal, "POST", API "/users", main_token, "{\"user_id\":\"one-more\",\"display_name\":\"x\",\"role\":\"general\"}", 201);
  expect_error (portal, "POST", API "/users", main_token, "{\"user_id\":\"two-more\",\"display_name\":\"x\",\"role\":\"general\"}",
                409, "W044000003");
}

/* Maintenance, closure and the old-password reset. */

typedef struct {
  const char *method;
  const char *path;
  gboolean session;
  const char *body;
} Endpoint;

/* Every endpoint but GET /status and POST /test/clock. */
static const Endpoint endpoints[] = {
  { "POST", API "/login", FALSE, "{\"merchant_code\":\"" MERCHANT "\",\"user_id\":\"" MERCHANT "\",\"password\":\"" INITIAL "\"}" },
  { "POST", API "/legacy/login", FALSE, "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" INITIAL "\"}" },
  { "POST", API "/legacy/password-reset", FALSE, "{\"merchant_code\":\"" MERCHANT "\"}" },
  { "POST", API "/tablet/login", FALSE, "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" INITIAL "\"}" },
  { "POST", API "/password", TRUE, "{\"current_password\":\"" INITIAL "\",\"new_password\":\"" MAIN_PW "\"}" },
  { "POST", API "/otp/secret", TRUE, NULL },
  { "POST", API "/otp/activate", TRUE, "{\"otp\":\"123456\"}" },
  { "GET", API "/session", TRUE, NULL },
  { "POST", API "/logout", TRUE, NULL },
  { "GET", API "/users", TRUE, NULL },
  { "POST", API "/users", TRUE, "{\"user_id\":\"tanaka\",\"display_name\":\"x\",\"role\":\"general\"}" },
  { "PATCH", API "/users/tanaka", TRUE, "{}" },
  { "DELETE", API "/users/tanaka", TRUE, NULL },
  { "POST", API "/users/tanaka/password-reset", TRUE, NULL },
  { "POST", API "/users/tanaka/otp-reset", TRUE, NULL },
};

/* A maintenance answer to a request made at @before or a little later. */
static void
assert_maintenance (PortalResponse *response,
                    gint64          ends_at,
                    gint64          before)
{
  JsonObject *error;

  portal_assert_error (response, 503, "W096000001");
  error = error_of (response);
  g_assert_cmpint (parse_time (string_member (error, "ends_at")), ==, ends_at);
  g_assert_cmpint (retry_after (response), <=, ends_at - before);
  g_assert_cmpint (retry_after (response), >=, ends_at - before - slack ());
}

/* A maintenance window blocks everything but GET /status and the test
 * clock, before any other check but routing; touching windows are one;
 * the test clock moves through them; sessions live on, but idle. */
static void
test_maintenance (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) session = NULL;
  g_autoptr(PortalResponse) status = NULL;
  g_autofree char *first_end = NULL;
  g_autofree char *second_end = NULL;
  g_autofree char *later_start = NULL;
  g_autofree char *later_end = NULL;
  g_autofree char *big = repeat (" ", 70 * 1024);
  JsonObject *maintenance;
  JsonArray *windows;
  gint64 start, ends_at;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  session = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
  start = portal_now (portal);
  first_end = format_time (start + 600);
  second_end = format_time (start + 1200);
  later_start = format_time (start + 5000);
  later_end = format_time (start + 6000);
  run_admin (portal, STRV ("maintenance", "add", "--starts-at", "now", "--ends-at", first_end));
  run_admin (portal, STRV ("maintenance", "add", "--starts-at", first_end, "--ends-at", second_end,
                           "--message", "Upgrade.", "--message-ja", "更新です。"));
  run_admin (portal, STRV ("maintenance", "add", "--starts-at", later_start, "--ends-at", later_end));
  run_admin (portal, STRV ("old-login", "close", "--at", "now"));
  ends_at = start + 1200;

  /* GET /status answers, and tells. */
  status = request (portal, "GET", API "/status", NULL, NULL);
  assert_status (status, 200);
  maintenance = json_object_get_object_member (portal_response_object (status), "maintenance");
  g_assert_true (json_object_get_boolean_member (maintenance, "active"));
  g_assert_cmpint (parse_time (string_member (maintenance, "ends_at")), ==, ends_at);
  windows = json_object_get_array_member (maintenance, "windows");
  g_assert_cmpuint (json_array_get_length (windows), ==, 3);
  g_assert_cmpint (parse_time (string_member (json_array_get_object_element (windows, 0), "ends_at")), ==, start + 600);
  g_assert_cmpstr (string_member (json_array_get_object_element (windows, 0), "message"), ==, "Scheduled maintenance.");
  g_assert_cmpstr (string_member (json_array_get_object_element (windows, 0), "message_ja"), ==, "定期メンテナンスです。");
  g_assert_cmpint (parse_time (string_member (json_array_get_object_element (windows, 1), "starts_at")), ==, start + 600);
  g_assert_cmpstr (string_member (json_array_get_object_element (windows, 1), "message"), ==, "Upgrade.");
  g_assert_cmpstr (string_member (json_array_get_object_element (windows, 1), "message_ja"), ==, "更新です。");
  g_assert_cmpint (parse_time (string_member (json_array_get_object_element (windows, 2), "starts_at")), ==, start + 5000);

  /* Everything else: 503 until the end of both windows. */
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      gint64 before = portal_now (portal);
      g_autoptr(PortalResponse) response = request (portal, endpoints[i].method, endpoints[i].path,
                                                    endpoints[i].session ? token_of (session) : NULL, endpoints[i].body);

      g_test_message ("%s %s", endpoints[i].method, endpoints[i].path);
      assert_maintenance (response, ends_at, before);
    }
  /* Before the body, session, media type, size and closure checks. */
  {
    gint64 before = portal_now (portal);
    g_autoptr(PortalResponse) no_session = request (portal, "GET", API "/session", NULL, NULL);
    g_autoptr(PortalResponse) bad_body = request (portal, "POST", API "/login", NULL, "{");
    g_autoptr(PortalResponse) typed = request_typed (portal, API "/tablet/login", "text/plain", "x");
    g_autoptr(PortalResponse) sized = request (portal, "POST", API "/login", NULL, big);
    g_autoptr(PortalResponse) closed = request (portal, "POST", API "/legacy/password-reset", NULL, "{}");
    g_autoptr(PortalResponse) unknown = request (portal, "GET", API "/no-such-path", NULL, NULL);
    g_autoptr(PortalResponse) method = request (portal, "GET", API "/login", NULL, NULL);
    g_autoptr(PortalResponse) clock = request (portal, "POST", API "/test/clock", NULL, "{\"advance_seconds\":0}");

    assert_maintenance (no_session, ends_at, before);
    assert_maintenance (bad_body, ends_at, before);
    assert_maintenance (typed, ends_at, before);
    assert_maintenance (sized, ends_at, before);
    assert_maintenance (closed, ends_at, before);
    /* Routing still comes first; the test clock is exempt. */
    portal_assert_error (unknown, 404, "W094000001");
    portal_assert_error (method, 405, "W094000002");
    assert_status (clock, 200);
  }

  /* The first window ends, the second goes on. Requests during
   * maintenance do not renew a session. */
  portal_advance (portal, 700);
  {
    gint64 before = portal_now (portal);
    g_autoptr(PortalResponse) blocked = request (portal, "GET", API "/users", token_of (session), NULL);

    assert_maintenance (blocked, ends_at, before);
  }
  portal_advance (portal, 500);
  g_clear_pointer (&status, portal_response_free);
  status = request (portal, "GET", API "/status", NULL, NULL);
  maintenance = json_object_get_object_member (portal_response_object (status), "maintenance");
  g_assert_false (json_object_get_boolean_member (maintenance, "active"));
  g_assert_true (null_member (maintenance, "ends_at"));
  windows = json_object_get_array_member (maintenance, "windows");
  g_assert_cmpuint (json_array_get_length (windows), ==, 1);
  g_assert_cmpint (parse_time (string_member (json_array_get_object_element (windows, 0), "starts_at")), ==, start + 5000);
  /* The session's idle time ran on through the maintenance. */
  expect_error (portal, "GET", API "/session", token_of (session), NULL, 401, "W051000003");

  /* The API works again. */
  {
    g_autoptr(PortalResponse) again = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);
    g_autofree char *short_start = NULL;
    g_autofree char *short_end = NULL;

    assert_status (again, 200);
    /* A session outlives a short window. */
    short_start = format_time (portal_now (portal) - 1);
    short_end = format_time (portal_now (portal) + 300);
    run_admin (portal, STRV ("maintenance", "add", "--starts-at", short_start, "--ends-at", short_end));
    expect_error (portal, "GET", API "/session", token_of (again), NULL, 503, "W096000001");
    portal_advance (portal, 301);
    expect (portal, "POST", API "/otp/secret", token_of (again), NULL, 200);
  }

  /* The upcoming window starts on the test clock. */
  portal_advance (portal, start + 5000 - portal_now (portal));
  {
    gint64 before = portal_now (portal);
    g_autoptr(PortalResponse) blocked = login (portal, MERCHANT, MERCHANT, INITIAL, NULL);

    assert_maintenance (blocked, start + 6000, before);
  }
  portal_advance (portal, 1000);
  expect (portal, "POST", API "/login",
          NULL, "{\"merchant_code\":\"" MERCHANT "\",\"user_id\":\"" MERCHANT "\",\"password\":\"" INITIAL "\"}", 200);
}

/* After the closing time the /legacy/ endpoints answer 410 before looking at the
 * request; the tablet login goes on. */
/* POST /tablet/password: a main user's full new login sets the old
 * (tablet) password, before and after the old login's closure, with the
 * user's own new-login password as proof and the old password's policy,
 * history and 90-day clock. Nobody else may. */
static void
test_tablet_password (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *main_token = NULL;
  g_autofree char *child_password = NULL;
  g_autofree char *body = NULL;
  g_autoptr(PortalResponse) first_tablet = NULL;
  g_autoptr(PortalResponse) session = NULL;

  main_token = set_up_main (portal, NULL);
  /* Still the initial old password: the tablet refuses it, and the
   * session says so. */
  first_tablet = tablet_login (portal, MERCHANT, INITIAL);
  portal_assert_error (first_tablet, 403, "T042000006");
  session = request (portal, "GET", API "/session", main_token, NULL);
  g_assert_true (bool_member (session, "legacy_password_must_change"));

  /* The proof is the user's new-login password, not the old one. */
  body = body_of ("current_password", INITIAL, "new_password", OLD_PW, NULL);
  {
    g_autoptr(PortalResponse) wrong = request (portal, "POST", API "/tablet/password", main_token, body);

    assert_error_field (wrong, 400, "W021000001", "current_password");
  }
  g_clear_pointer (&body, g_free);
  /* The old password's policy applies (here: too short). */
  body = body_of ("current_password", MAIN_PW, "new_password", MERCHANT, NULL);
  {
    g_autoptr(PortalResponse) named = request (portal, "POST", API "/tablet/password", main_token, body);

    g_assert_cmpint (named->status, ==, 400);
    g_assert_true (g_str_has_prefix (portal_response_error (named), "W022"));
  }
  g_clear_pointer (&body, g_free);

  /* After the closure it is the only way, and it works. */
  run_admin (portal, STRV ("old-login", "close", "--at", "now"));
  body = body_of ("current_password", MAIN_PW, "new_password", OLD_PW, NULL);
  {
    g_autoptr(PortalResponse) set = request (portal, "POST", API "/tablet/password", main_token, body);
    g_autoptr(PortalResponse) tablet = NULL;
    g_autoptr(PortalResponse) again = NULL;

    assert_status (set, 204);
    tablet = tablet_login (portal, MERCHANT, OLD_PW);
    assert_status (tablet, 200);
    again = request (portal, "GET", API "/session", main_token, NULL);
    g_assert_false (bool_member (again, "legacy_password_must_change"));
    g_assert_cmpint (json_object_get_int_member (portal_response_object (again), "legacy_password_age_days"), ==, 0);
  }
  /* The history holds: the same password again is refused. */
  {
    g_autoptr(PortalResponse) reused = request (portal, "POST", API "/tablet/password", main_token, body);

    assert_error_field (reused, 400, "W022000004", "new_password");
  }
  g_clear_pointer (&body, g_free);

  /* A child user may not. */
  child_password = create_user (portal, main_token, "tanaka", "general");
  {
    g_autofree char *child_token = set_up_user (portal, MERCHANT, "tanaka", child_password, CHILD_PW, NULL);
    g_autofree char *child_body = body_of ("current_password", CHILD_PW, "new_password", "Child-tablet-2024", NULL);
    g_autoptr(PortalResponse) refused = request (portal, "POST", API "/tablet/password", child_token, child_body);

    portal_assert_error (refused, 403, "W043000001");
  }

  /* The 90-day clock runs from the change: on day 91 the tablet fails. */
  portal_advance (portal, 91 * DAY);
  {
    g_autoptr(PortalResponse) expired = tablet_login (portal, MERCHANT, OLD_PW);

    portal_assert_error (expired, 403, "T042000005");
  }
}

static void
test_legacy_closure (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) status = NULL;
  g_autoptr(PortalResponse) tablet = NULL;
  g_autofree char *big = repeat (" ", 70 * 1024);
  g_autofree char *closes_text = NULL;
  JsonObject *old_login;
  gint64 closes_at;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  change_old_password (portal, MERCHANT);

  /* Closed at once. */
  run_admin (portal, STRV ("old-login", "close", "--at", "now"));
  status = request (portal, "GET", API "/status", NULL, NULL);
  old_login = json_object_get_object_member (portal_response_object (status), "old_login");
  g_assert_false (json_object_get_boolean_member (old_login, "available"));
  g_assert_cmpint (parse_time (string_member (old_login, "closes_at")), <=, portal_now (portal));
  expect_error (portal, "POST", API "/legacy/login", NULL, "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" OLD_PW "\"}",
                410, "W066000001");
  expect_error (portal, "POST", API "/legacy/password-reset", NULL, "{\"merchant_code\":\"" MERCHANT "\"}", 410, "W066000001");
  /* Before media type, size and body; after routing. */
  {
    g_autoptr(PortalResponse) typed = request_typed (portal, API "/legacy/login", "text/plain", "x");
    g_autoptr(PortalResponse) sized = request (portal, "POST", API "/legacy/password-reset", NULL, big);
    g_autoptr(PortalResponse) bad_body = request (portal, "POST", API "/legacy/login", NULL, "{\"x\":1}");
    g_autoptr(PortalResponse) method = request (portal, "GET", API "/legacy/login", NULL, NULL);

    portal_assert_error (typed, 410, "W066000001");
    portal_assert_error (sized, 410, "W066000001");
    portal_assert_error (bad_body, 410, "W066000001");
    portal_assert_error (method, 405, "W094000002");
  }
  tablet = tablet_login (portal, MERCHANT, OLD_PW);
  assert_status (tablet, 200);

  /* Reopened, then closed at a time to come, which the test clock
   * reaches. */
  run_admin (portal, STRV ("old-login", "reopen"));
  {
    g_autoptr(PortalResponse) open = legacy_login (portal, MERCHANT, OLD_PW);

    assert_status (open, 200);
  }
  closes_at = portal_now (portal) + 3600;
  closes_text = format_time (closes_at);
  run_admin (portal, STRV ("old-login", "close", "--at", closes_text));
  g_clear_pointer (&status, portal_response_free);
  status = request (portal, "GET", API "/status", NULL, NULL);
  old_login = json_object_get_object_member (portal_response_object (status), "old_login");
  g_assert_true (json_object_get_boolean_member (old_login, "available"));
  g_assert_cmpint (parse_time (string_member (old_login, "closes_at")), ==, closes_at);
  {
    g_autoptr(PortalResponse) open = legacy_login (portal, MERCHANT, OLD_PW);

    assert_status (open, 200);
  }
  portal_advance (portal, closes_at - portal_now (portal));
  g_clear_pointer (&status, portal_response_free);
  status = request (portal, "GET", API "/status", NULL, NULL);
  old_login = json_object_get_object_member (portal_response_object (status), "old_login");
  g_assert_false (json_object_get_boolean_member (old_login, "available"));
  expect_error (portal, "POST", API "/legacy/login", NULL, "{\"merchant_code\":\"" MERCHANT "\",\"password\":\"" OLD_PW "\"}",
                410, "W066000001");
  g_clear_pointer (&tablet, portal_response_free);
  tablet = tablet_login (portal, MERCHANT, OLD_PW);
  assert_status (tablet, 200);
}

static GStrv
outbox_lines (PortalFixture *portal)
{
  g_autofree char *path = g_build_filename (portal->data_dir, "outbox.log", NULL);
  g_autofree char *contents = NULL;
  GStatBuf st;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_new0 (char *, 1);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (contents[0] == '\0' || g_str_has_suffix (contents, "\n"));
  contents[strlen (contents) > 0 ? strlen (contents) - 1 : 0] = '\0';
  return contents[0] == '\0' ? g_new0 (char *, 1) : g_strsplit (contents, "\n", -1);
}

/* The temporary password in the last outbox line, checked. */
static char *
outbox_password (PortalFixture *portal,
                 guint          expected_lines,
                 gint64         now)
{
  g_auto(GStrv) lines = outbox_lines (portal);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *line;
  const char *password;

  g_assert_cmpuint (g_strv_length (lines), ==, expected_lines);
  g_assert_true (json_parser_load_from_data (parser, lines[expected_lines - 1], -1, NULL));
  line = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (string_member (line, "merchant_code"), ==, MERCHANT);
  password = string_member (line, "temporary_password");
  assert_generated_password (password);
  g_assert_cmpint (ABS (parse_time (string_member (line, "expires_at")) - (now + DAY)), <=, slack ());
  return g_strdup (password);
}

/* The forgotten old-password reset: 202 for any merchant code, a
 * temporary password in the outbox for real ones only, at most one
 * every 5 minutes; the current password keeps working until the
 * temporary one is used; it is valid for 24 hours. */
static void
test_legacy_reset (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) unknown = NULL;
  g_autoptr(PortalResponse) known = NULL;
  g_autoptr(PortalResponse) temporary = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_auto(GStrv) lines = NULL;

  portal_add_merchant (portal, MERCHANT, INITIAL);
  change_old_password (portal, MERCHANT);

  unknown = legacy_reset (portal, "nosuch");
  assert_status (unknown, 202);
  lines = outbox_lines (portal);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
  known = legacy_reset (portal, MERCHANT);
  assert_status (known, 202);
  g_assert_cmpstr (known->raw, ==, unknown->raw);
  first = outbox_password (portal, 1, portal_now (portal));

  /* The current password still works, on the tablet too. */
  {
    g_autoptr(PortalResponse) old = legacy_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);

    assert_status (old, 200);
    g_assert_false (bool_member (old, "restricted"));
    assert_status (tablet, 200);
  }

  /* Within 5 minutes nothing more is made. */
  portal_advance (portal, 60);
  {
    g_autoptr(PortalResponse) again = legacy_reset (portal, MERCHANT);
    g_autoptr(PortalResponse) unknown_again = legacy_reset (portal, "nosuch");

    assert_status (again, 202);
    assert_status (unknown_again, 202);
    g_clear_pointer (&lines, g_strfreev);
    lines = outbox_lines (portal);
    g_assert_cmpuint (g_strv_length (lines), ==, 1);
  }

  /* After them, a new one replaces the unused one. */
  portal_advance (portal, 300);
  {
    g_autoptr(PortalResponse) again = legacy_reset (portal, MERCHANT);

    assert_status (again, 202);
    second = outbox_password (portal, 2, portal_now (portal));
    g_assert_cmpstr (second, !=, first);
  }
  {
    g_autoptr(PortalResponse) replaced = legacy_login (portal, MERCHANT, first);

    portal_assert_error (replaced, 401, "W061000001");
  }

  /* The temporary password logs in, restricted, and becomes the old
   * password: the one before stops working. */
  temporary = legacy_login (portal, MERCHANT, second);
  assert_status (temporary, 200);
  g_assert_cmpstr (string_member (portal_response_object (temporary), "login_method"), ==, "legacy");
  g_assert_true (bool_member (temporary, "restricted"));
  g_assert_true (bool_member (temporary, "must_change_password"));
  assert_strings (portal_response_object (temporary), "required_actions", STRV ("change_password"));
  expect_error (portal, "GET", API "/users", token_of (temporary), NULL, 403, "W022000005");
  {
    g_autoptr(PortalResponse) old = legacy_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet_old = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet_temporary = tablet_login (portal, MERCHANT, second);

    portal_assert_error (old, 401, "W061000001");
    portal_assert_error (tablet_old, 401, "T041000001");
    portal_assert_error (tablet_temporary, 403, "T042000006");
  }
  {
    g_autoptr(PortalResponse) reused = change_password (portal, token_of (temporary), second, OLD_PW);
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (temporary), second, OLD_PW2);
    g_autoptr(PortalResponse) temporary_again = legacy_login (portal, MERCHANT, second);
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW2);

    /* OLD_PW is one of the last four. */
    portal_assert_error (reused, 400, "W022000004");
    assert_status (changed, 204);
    portal_assert_error (temporary_again, 401, "W061000001");
    assert_status (tablet, 200);
  }

  /* A temporary password lasts 24 hours. */
  portal_advance (portal, 300);
  {
    g_autoptr(PortalResponse) again = legacy_reset (portal, MERCHANT);
    g_autoptr(PortalResponse) expired = NULL;
    g_autoptr(PortalResponse) current = NULL;

    assert_status (again, 202);
    third = outbox_password (portal, 3, portal_now (portal));
    portal_advance (portal, DAY + 1);
    expired = legacy_login (portal, MERCHANT, third);
    portal_assert_error (expired, 401, "W061000001");
    current = legacy_login (portal, MERCHANT, OLD_PW2);
    assert_status (current, 200);
  }

  /* A reset does not lift a lock. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(PortalResponse) wrong = legacy_login (portal, MERCHANT, "Wrong-password-1");

      portal_assert_error (wrong, i < 9 ? 401 : 429, i < 9 ? "W061000001" : "W061000002");
    }
  portal_advance (portal, 301);
  {
    g_autoptr(PortalResponse) again = legacy_reset (portal, MERCHANT);
    g_autofree char *fourth = NULL;
    g_autoptr(PortalResponse) locked_temporary = NULL;
    g_autoptr(PortalResponse) locked_current = NULL;

    assert_status (again, 202);
    fourth = outbox_password (portal, 4, portal_now (portal));
    locked_temporary = legacy_login (portal, MERCHANT, fourth);
    portal_assert_error (locked_temporary, 429, "W061000002");
    locked_current = legacy_login (portal, MERCHANT, OLD_PW2);
    portal_assert_error (locked_current, 429, "W061000002");
  }
}

/* The test clock. */

/* Without --test-clock the hook does not exist: 404, byte for byte like
 * any unknown path, whatever the method. */
static void
test_test_clock_absent (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start_real_clock (NULL, NULL);
  g_autoptr(PortalResponse) unknown = request (portal, "POST", API "/no-such-path", NULL, "{\"advance_seconds\":60}");
  g_autoptr(PortalResponse) status = NULL;
  const char *methods[] = { "POST", "GET", "PUT", "DELETE" };

  portal_assert_error (unknown, 404, "W094000001");
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(PortalResponse) hook = request (portal, methods[i], API "/test/clock", NULL, "{\"advance_seconds\":60}");

      portal_assert_error (hook, 404, "W094000001");
      g_assert_cmpstr (hook->raw, ==, unknown->raw);
    }
  status = request (portal, "GET", API "/status", NULL, NULL);
  g_assert_cmpint (ABS (parse_time (string_member (portal_response_object (status), "time"))
                        - g_get_real_time () / G_USEC_PER_SEC), <=, 60);
}

/* With --test-clock: forward only, by a whole number of seconds up to
 * ten years, and everything follows. */
static void
test_test_clock (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const BadBody cases[] = {
    { API "/test/clock", "{}", "W095000002", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":\"60\"}", "W095000003", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":1.5}", "W095000003", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":null}", "W095000003", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":true}", "W095000003", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":-1}", "W095000007", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":315360001}", "W095000007", "advance_seconds" },
    { API "/test/clock", "{\"advance_seconds\":0,\"seconds\":1}", "W095000006", "seconds" },
    { API "/test/clock", "{", "W095000001", NULL },
  };
  gint64 before, after;

  before = server_time (portal);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_bad_body (portal, NULL, &cases[i]);
  {
    g_autoptr(PortalResponse) typed = request_typed (portal, API "/test/clock", "text/plain", "{\"advance_seconds\":1}");

    portal_assert_error (typed, 415, "W095000009");
  }
  /* None of that moved the clock. */
  after = server_time (portal);
  g_assert_cmpint (after - before, >=, 0);
  g_assert_cmpint (after - before, <=, slack ());

  {
    g_autoptr(PortalResponse) moved = request (portal, "POST", API "/test/clock", "ignored-token", "{\"advance_seconds\":3600}");
    g_autoptr(PortalResponse) status = NULL;
    gint64 time;

    assert_status (moved, 200);
    time = parse_time (string_member (portal_response_object (moved), "time"));
    g_assert_cmpint (time - after, >=, 3600);
    g_assert_cmpint (time - after, <=, 3603);
    g_assert_cmpint (ABS (date_of (moved) - time), <=, 1);
    status = request (portal, "GET", API "/status", NULL, NULL);
    g_assert_cmpint (parse_time (string_member (portal_response_object (status), "time")) - time, <=, 2);
    g_assert_cmpint (parse_time (string_member (portal_response_object (status), "time")) - time, >=, 0);
  }
  {
    g_autoptr(PortalResponse) longest = request (portal, "POST", API "/test/clock", NULL, "{\"advance_seconds\":315360000}");

    assert_status (longest, 200);
    g_assert_cmpint (parse_time (string_member (portal_response_object (longest), "time")) - after, >=, 315360000 + 3600);
  }
}

/* Restarts. */

/* The database keeps merchants, passwords, users, keys and locks; the
 * sessions and the clock offset live in memory and are gone. */
static void
test_restart (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) legacy = NULL;
  g_autoptr(PortalResponse) child = NULL;
  g_autofree char *main_token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *child_password = NULL;
  g_autofree char *locked_password = NULL;
  gint64 before, after;

  main_token = set_up_main (portal, &secret);
  child_password = create_user (portal, main_token, "tanaka", "general");
  locked_password = create_user (portal, main_token, "locked", "shipping");
  child = login (portal, MERCHANT, "tanaka", child_password, NULL);
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (child), child_password, CHILD_PW);

    assert_status (changed, 204);
  }
  legacy = legacy_login (portal, MERCHANT, INITIAL);
  {
    g_autoptr(PortalResponse) changed = change_password (portal, token_of (legacy), INITIAL, OLD_PW);

    assert_status (changed, 204);
  }
  for (guint i = 0; i < 10; i++)
    expect_login_error (portal, "locked", "Wrong-password-1", NULL, i < 9 ? 401 : 429, i < 9 ? "W011000001" : "W011000004");

  /* The keys are in the database, which only its owner may read. */
  {
    g_autofree char *db = g_build_filename (portal->data_dir, "portal.db", NULL);
    GStatBuf st;

    g_assert_cmpint (g_stat (db, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  before = portal_now (portal);
  portal_fixture_restart (portal);
  after = portal_now (portal);
  /* The clock's offset (a minute or more) is gone. */
  g_assert_cmpint (after, <, before - 30);

  assert_ended (portal, main_token);
  assert_ended (portal, token_of (legacy));
  assert_ended (portal, token_of (child));

  /* Past every step the server accepted before the restart. */
  portal_advance (portal, before - after + 60);
  expect_login_error (portal, MERCHANT, MAIN_PW, NULL, 401, "W011000002");
  expect_login_error (portal, MERCHANT, INITIAL, NULL, 401, "W011000001");
  {
    g_autofree char *again = full_login (portal, MERCHANT, MERCHANT, MAIN_PW, secret);
    g_autoptr(PortalResponse) list = request (portal, "GET", API "/users", again, NULL);
    g_autoptr(PortalResponse) old = legacy_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW);
    g_autoptr(PortalResponse) child_again = login (portal, MERCHANT, "tanaka", CHILD_PW, NULL);
    g_autoptr(PortalResponse) still_locked = login (portal, MERCHANT, "locked", locked_password, NULL);

    assert_status (list, 200);
    g_assert_nonnull (find_user (list, "tanaka"));
    g_assert_false (null_member (find_user (list, "locked"), "locked_until"));
    assert_status (old, 200);
    g_assert_false (bool_member (old, "restricted"));
    assert_status (tablet, 200);
    /* Old and tablet logins tell whether the main user has a key. */
    g_assert_true (bool_member (old, "otp_enrolled"));
    g_assert_true (bool_member (tablet, "otp_enrolled"));
    assert_status (child_again, 200);
    assert_strings (portal_response_object (child_again), "required_actions", STRV ("enroll_otp"));
    portal_assert_error (still_locked, 429, "W011000004");
  }

  /* Even a killed server has kept what it answered for. */
  {
    g_autoptr(PortalResponse) changed = NULL;
    g_autoptr(PortalResponse) old = legacy_login (portal, MERCHANT, OLD_PW);

    changed = change_password (portal, token_of (old), OLD_PW, OLD_PW2);
    assert_status (changed, 204);
    portal_fixture_stop (portal, TRUE);
    portal_fixture_restart (portal);
    portal_advance (portal, before - after + 120);
  }
  {
    g_autoptr(PortalResponse) tablet = tablet_login (portal, MERCHANT, OLD_PW2);

    assert_status (tablet, 200);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-api/status", test_status);
  g_test_add_func ("/portal-api/transport/plain-http", test_plain_http);
  g_test_add_func ("/portal-api/transport/date-header", test_date_header);
  g_test_add_func ("/portal-api/request/routing", test_routing);
  g_test_add_func ("/portal-api/request/validation", test_request_validation);
  g_test_add_func ("/portal-api/request/media-type-and-size", test_media_type_and_size);
  g_test_add_func ("/portal-api/request/order-of-checks", test_order_of_checks);
  g_test_add_func ("/portal-api/login/new", test_new_login);
  g_test_add_func ("/portal-api/login/enumeration", test_enumeration);
  g_test_add_func ("/portal-api/otp/replay-and-drift", test_otp_replay_and_drift);
  g_test_add_func ("/portal-api/otp/enrollment", test_otp_enrollment);
  g_test_add_func ("/portal-api/lockout/new-login", test_lockout);
  g_test_add_func ("/portal-api/lockout/password-change", test_lockout_password_change);
  g_test_add_func ("/portal-api/lockout/old-password", test_lockout_old_password);
  g_test_add_func ("/portal-api/legacy/login", test_legacy_login);
  g_test_add_func ("/portal-api/legacy/expiry", test_legacy_expiry);
  g_test_add_func ("/portal-api/legacy/closure", test_legacy_closure);
  g_test_add_func ("/portal-api/tablet/password", test_tablet_password);
  g_test_add_func ("/portal-api/legacy/reset", test_legacy_reset);
  g_test_add_func ("/portal-api/password/policy", test_password_policy);
  g_test_add_func ("/portal-api/session/idle-timeout", test_idle_timeout);
  g_test_add_func ("/portal-api/session/idle-after-sweep", test_idle_after_sweep);
  g_test_add_func ("/portal-api/session/header-and-logout", test_session_header_and_logout);
  g_test_add_func ("/portal-api/users/manage", test_users);
  g_test_add_func ("/portal-api/users/limit", test_user_limit);
  g_test_add_func ("/portal-api/maintenance", test_maintenance);
  g_test_add_func ("/portal-api/test-clock/absent", test_test_clock_absent);
  g_test_add_func ("/portal-api/test-clock/moves", test_test_clock);
  g_test_add_func ("/portal-api/restart", test_restart);
  return portal_test_run ();
}
