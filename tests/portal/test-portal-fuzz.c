/* test-portal-fuzz.c: webcollect-portal against malformed requests.
 *
 * /portal-fuzz/random sends a few thousand broken requests made by a
 * fixed-seed PRNG: random bytes, truncated and mutated JSON, deep
 * nesting, huge numbers, wrong types, nulls, duplicate and unknown
 * members, over-long strings, invalid UTF-8 and U+0000, unknown paths
 * and methods, percent-encoded user IDs, bogus Authorization headers,
 * wrong media types and oversized bodies, and a few well-formed logins
 * to accounts that do not exist. An oracle built from docs/portal-api.yaml
 * ("Order of checks", the request schemas, each operation's
 * x-error-codes) says which error each one must get; every answer must
 * be a catalogued JSON error with the contract's headers, never 2xx or
 * 500, and the server must never crash. Afterwards the accounts and
 * users are as before, their passwords still work, nothing is locked,
 * and portal.db passes PRAGMA integrity_check.
 *
 * /portal-fuzz/probes replays, one by one, the cases that showed
 * problems while this test was written, so that each has a plain
 * reproduction.
 *
 * Problems are collected, not fatal at once: each kind is shown with its
 * first examples (request and answer) and the test fails at the end.
 * WC_PORTAL_FUZZ_SEED picks another seed, and WC_PORTAL_FUZZ_CASES another
 * number of cases (the sanitizer run in CI sends fewer). */
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "portal-fixture.h"
#include "wc-tls.h"

#define MERCHANT "FZ100200300"
#define INITIAL_PASSWORD "Initial-pass-2468"
#define MAIN_PASSWORD "Changed-pass-1357"
#define MAX_BODY 65536
#define N_CASES 3000
#define MAX_HASHING 110         /* requests that reach Argon2id */
#define DEFAULT_SEED 20211114
#define EXAMPLES_PER_KIND 2

/* The catalogue: every code and its status (top-level x-error-codes). */
static const struct {
  const char *code;
  guint status;
} catalogue[] = {
  { "W011000001", 401 }, { "W011000002", 401 }, { "W011000003", 401 }, { "W011000004", 429 },
  { "W013000001", 403 }, { "W021000001", 400 }, { "W021000002", 429 }, { "W022000001", 400 },
  { "W022000002", 400 }, { "W022000003", 400 }, { "W022000004", 400 }, { "W022000005", 403 },
  { "W022000006", 403 }, { "W031000001", 400 }, { "W034000001", 409 }, { "W043000001", 403 },
  { "W043000002", 403 }, { "W044000001", 404 }, { "W044000002", 409 }, { "W044000003", 409 },
  { "W051000001", 401 }, { "W051000002", 401 }, { "W051000003", 401 }, { "W053000001", 403 },
  { "W053000002", 403 }, { "W061000001", 401 }, { "W061000002", 429 }, { "W066000001", 410 },
  { "T041000001", 401 }, { "T041000002", 429 }, { "T042000005", 403 }, { "T042000006", 403 },
  { "W094000001", 404 }, { "W094000002", 405 }, { "W095000001", 400 }, { "W095000002", 400 },
  { "W095000003", 400 }, { "W095000004", 400 }, { "W095000005", 400 }, { "W095000006", 400 },
  { "W095000007", 400 }, { "W095000008", 413 }, { "W095000009", 415 }, { "W096000001", 503 },
  { "W099000001", 500 },
};

/* Routing codes belong to paths, not operations; W095000008 is for "a
 * request body larger than 65536 bytes, on any endpoint". */
#define ALWAYS_CODES "W094000001 W094000002 W095000008"
#define REQUEST_CODES "W095000001 W095000002 W095000003 W095000004 W095000005 W095000006 " \
                      "W095000007 W095000008 W095000009"
#define SESSION_CODES "W051000001 W051000002 W051000003"
#define USERS_CODES "W022000005 W022000006 W043000001 " SESSION_CODES " W053000001 W053000002"
#define BAD_REQUEST_CODES "W095000001 W095000002 W095000003 W095000004 W095000005 W095000006 W095000007"

typedef enum {
  BODY_NONE,
  BODY_LOGIN,
  BODY_OLD_LOGIN,       /* the old and the tablet login */
  BODY_RESET,
  BODY_PASSWORD,
  BODY_OTP,
  BODY_USER_CREATE,
  BODY_USER_PATCH,
  BODY_CLOCK,
} BodyKind;

typedef enum {
  ACCESS_NONE,
  ACCESS_SESSION,       /* any session, restricted ones too */
  ACCESS_PASSWORD,
  ACCESS_OTP,
  ACCESS_USERS,         /* full new-login session of the main user */
} AccessKind;

typedef struct {
  const char *method;
  const char *path;     /* below /api/v1; "{}" is the user ID */
  BodyKind body;
  AccessKind access;
  const char *codes;    /* the operation's x-error-codes */
} Route;

static const Route routes[] = {
  { "GET", "/status", BODY_NONE, ACCESS_NONE, "W099000001" },
  { "POST", "/login", BODY_LOGIN, ACCESS_NONE,
    "W011000001 W011000002 W011000003 W011000004 W013000001 " REQUEST_CODES " W096000001 W099000001" },
  { "POST", "/legacy/login", BODY_OLD_LOGIN, ACCESS_NONE,
    "W061000001 W061000002 W066000001 " REQUEST_CODES " W096000001 W099000001" },
  { "POST", "/legacy/password-reset", BODY_RESET, ACCESS_NONE,
    "W066000001 " REQUEST_CODES " W096000001 W099000001" },
  { "POST", "/tablet/login", BODY_OLD_LOGIN, ACCESS_NONE,
    "T041000001 T041000002 T042000005 T042000006 " REQUEST_CODES " W096000001 W099000001" },
  { "POST", "/password", BODY_PASSWORD, ACCESS_PASSWORD,
    "W021000001 W021000002 W022000001 W022000002 W022000003 W022000004 " SESSION_CODES " W053000001 "
    REQUEST_CODES " W096000001 W099000001" },
  { "POST", "/otp/secret", BODY_NONE, ACCESS_OTP,
    SESSION_CODES " W053000001 W095000008 W096000001 W099000001" },
  { "POST", "/otp/activate", BODY_OTP, ACCESS_OTP,
    "W031000001 W034000001 " SESSION_CODES " W053000001 " REQUEST_CODES " W096000001 W099000001" },
  { "GET", "/session", BODY_NONE, ACCESS_SESSION, SESSION_CODES " W095000008 W096000001 W099000001" },
  { "POST", "/logout", BODY_NONE, ACCESS_SESSION, SESSION_CODES " W095000008 W096000001 W099000001" },
  { "GET", "/users", BODY_NONE, ACCESS_USERS, USERS_CODES " W095000008 W096000001 W099000001" },
  { "POST", "/users", BODY_USER_CREATE, ACCESS_USERS,
    USERS_CODES " W044000002 W044000003 " REQUEST_CODES " W096000001 W099000001" },
  { "PATCH", "/users/{}", BODY_USER_PATCH, ACCESS_USERS,
    USERS_CODES " W043000002 W044000001 W095000001 W095000003 W095000004 W095000005 W095000006 "
    "W095000007 W095000008 W095000009 W096000001 W099000001" },
  { "DELETE", "/users/{}", BODY_NONE, ACCESS_USERS,
    USERS_CODES " W043000002 W044000001 W095000007 W095000008 W096000001 W099000001" },
  { "POST", "/users/{}/password-reset", BODY_NONE, ACCESS_USERS,
    USERS_CODES " W043000002 W044000001 W095000007 W095000008 W096000001 W099000001" },
  { "POST", "/users/{}/otp-reset", BODY_NONE, ACCESS_USERS,
    USERS_CODES " W043000002 W044000001 W095000007 W095000008 W096000001 W099000001" },
  { "POST", "/test/clock", BODY_CLOCK, ACCESS_NONE,
    "W094000001 W095000001 W095000002 W095000003 W095000005 W095000006 W095000007 W095000008 "
    "W095000009 W099000001" },
};

/* The request schemas, members in the order the contract lists them. */
typedef enum {
  FIELD_TEXT,           /* length only */
  FIELD_USER_ID,
  FIELD_OTP,
  FIELD_DISPLAY_NAME,
  FIELD_ROLE,
  FIELD_BOOLEAN,
  FIELD_SECONDS,
} FieldType;

typedef struct {
  const char *name;
  FieldType type;
  glong max_length;
  gboolean required;
} Field;

static const Field login_fields[] = {
  { "merchant_code", FIELD_TEXT, 32, TRUE }, { "user_id", FIELD_TEXT, 64, TRUE },
  { "password", FIELD_TEXT, 256, TRUE }, { "otp", FIELD_OTP, 6, FALSE }, { NULL },
};
static const Field old_login_fields[] = {
  { "merchant_code", FIELD_TEXT, 32, TRUE }, { "password", FIELD_TEXT, 256, TRUE }, { NULL },
};
static const Field reset_fields[] = { { "merchant_code", FIELD_TEXT, 32, TRUE }, { NULL } };
static const Field password_fields[] = {
  { "current_password", FIELD_TEXT, 256, TRUE }, { "new_password", FIELD_TEXT, 256, TRUE }, { NULL },
};
static const Field otp_fields[] = { { "otp", FIELD_OTP, 6, TRUE }, { NULL } };
static const Field create_fields[] = {
  { "user_id", FIELD_USER_ID, 64, TRUE }, { "display_name", FIELD_DISPLAY_NAME, 100, TRUE },
  { "role", FIELD_ROLE, 8, TRUE }, { NULL },
};
static const Field patch_fields[] = {
  { "display_name", FIELD_DISPLAY_NAME, 100, FALSE }, { "role", FIELD_ROLE, 8, FALSE },
  { "disabled", FIELD_BOOLEAN, 0, FALSE }, { NULL },
};
static const Field clock_fields[] = { { "advance_seconds", FIELD_SECONDS, 0, TRUE }, { NULL } };

static const Field *
body_fields (BodyKind kind)
{
  switch (kind)
    {
    case BODY_LOGIN: return login_fields;
    case BODY_OLD_LOGIN: return old_login_fields;
    case BODY_RESET: return reset_fields;
    case BODY_PASSWORD: return password_fields;
    case BODY_OTP: return otp_fields;
    case BODY_USER_CREATE: return create_fields;
    case BODY_USER_PATCH: return patch_fields;
    case BODY_CLOCK: return clock_fields;
    case BODY_NONE:
    default:
      return NULL;
    }
}

/* Bearer tokens the fuzzer sends. */
typedef enum {
  TOKEN_NONE,           /* no Authorization header */
  TOKEN_MALFORMED,      /* not "Bearer" and a token: W051000001 */
  TOKEN_UNKNOWN,        /* a token of no session: W051000002 */
  TOKEN_ODD,            /* either of the two */
  TOKEN_MAIN,           /* the main user's full session */
  TOKEN_MAIN_FIRST,     /* the main user's first login, restricted */
  TOKEN_CHILD,          /* a child's first login: restricted, must change */
  TOKEN_LEGACY,         /* old login with the first password: restricted */
  N_TOKENS
} TokenKind;

typedef struct {
  PortalFixture *portal;
  SoupSession *session;
  GRand *rand;
  guint port;
  char *tokens[N_TOKENS];
  gboolean main_changed;    /* the main user's first password was changed */
  char *secret;             /* the main user's key, once enrolled */
  gint64 otp_time;          /* server time of the last accepted code */
  GPtrArray *children;      /* user IDs */
  GPtrArray *child_passwords;
  JsonNode *users_before;
  GHashTable *failures;     /* lockout account → failed logins so far */
  GHashTable *tally;        /* "label → expected code" → cases */
  guint hashing;
  guint sent;
  gboolean dead;
  /* problems */
  GHashTable *kinds;        /* kind → count */
  GPtrArray *kind_order;
  guint problems;
} Fuzzer;

typedef struct {
  const char *label;        /* what made it */
  const char *method;
  char *path;               /* absolute */
  char *authorization;
  const char *content_type;
  GBytes *body;
  gboolean chunked;
  const Route *route;       /* NULL for an unknown path or method */
  char *allow;              /* the methods of a known path */
  char *segment;            /* the raw {} part */
  gboolean dot_or_slash;    /* it decodes to "." or ".." or has a "/" */
  char *expect;             /* the codes the contract allows; NULL: any error */
  char *field;              /* the field the error must name */
  char *account;            /* a well-formed login: its lockout account */
} Case;

typedef struct {
  guint status;             /* 0: no HTTP answer */
  char *transport_error;
  SoupMessageHeaders *headers;
  GBytes *body;
  JsonNode *json;
} Reply;

static void
case_clear (Case *c)
{
  g_free (c->path);
  g_free (c->authorization);
  g_clear_pointer (&c->body, g_bytes_unref);
  g_free (c->allow);
  g_free (c->segment);
  g_free (c->expect);
  g_free (c->field);
  g_free (c->account);
  memset (c, 0, sizeof *c);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Case, case_clear)

static void
reply_free (Reply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->transport_error);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static gboolean
has_code (const char *codes,
          const char *code)
{
  return codes != NULL && code != NULL && strlen (code) == 10 && strstr (codes, code) != NULL;
}

/* @a and @b, each code once. */
static char *
codes_union (const char *a,
             const char *b)
{
  g_auto(GStrv) more = g_strsplit (b, " ", -1);
  GString *text = g_string_new (a);

  for (guint i = 0; more[i] != NULL; i++)
    if (!has_code (text->str, more[i]))
      g_string_append_printf (text, " %s", more[i]);
  return g_string_free (text, FALSE);
}

static int
catalogue_status (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
    if (g_strcmp0 (catalogue[i].code, code) == 0)
      return (int) catalogue[i].status;
  return -1;
}

/* Sending. */

static void
fuzzer_connect (Fuzzer *fz)
{
  g_autoptr(GUri) uri = g_uri_parse (fz->portal->url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  fz->port = (guint) g_uri_get_port (uri);
  g_clear_object (&fz->session);
  fz->session = soup_session_new_with_options ("timeout", 60, NULL);
}

/* One request exactly as given: @path is sent as it is (already
 * percent-encoded), @content_type may be NULL for none. */
static Reply *
send_raw (Fuzzer     *fz,
          const char *method,
          const char *path,
          const char *authorization,
          const char *content_type,
          GBytes     *body,
          gboolean    chunked)
{
  g_autoptr(GUri) uri = g_uri_build (SOUP_HTTP_URI_FLAGS, "https", NULL, "127.0.0.1", (int) fz->port,
                                     path, NULL, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Reply *reply = g_new0 (Reply, 1);
  gsize size = 0;
  const char *data;

  g_assert_nonnull (msg);
  portal_fixture_prepare (fz->portal, msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL && chunked)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (msg, NULL, stream, -1);
    }
  else if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, NULL, body);
  /* Set by hand: libsoup would check it. */
  if (body != NULL && content_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type", content_type);

  fz->sent++;
  bytes = soup_session_send_and_read (fz->session, msg, NULL, &error);
  if (bytes == NULL)
    {
      reply->transport_error = g_strdup (error->message);
      return reply;
    }
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->body = g_steal_pointer (&bytes);
  data = g_bytes_get_data (reply->body, &size);
  if (size > 0 && g_utf8_validate_len (data, size, NULL))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, (gssize) size, NULL))
        reply->json = json_parser_steal_root (parser);
    }
  return reply;
}

/* A well-behaved request, for setting up and checking state. */
static Reply *
call (Fuzzer     *fz,
      const char *method,
      const char *path,
      const char *token,
      const char *json)
{
  g_autofree char *full = g_strconcat ("/api/v1", path, NULL);
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  return send_raw (fz, method, full, authorization, "application/json", body, FALSE);
}

static JsonObject *
reply_object (Reply *reply)
{
  return reply->json != NULL && JSON_NODE_HOLDS_OBJECT (reply->json) ? json_node_get_object (reply->json) : NULL;
}

static const char *
reply_code (Reply *reply)
{
  JsonObject *object = reply_object (reply);
  JsonNode *error = object != NULL ? json_object_get_member (object, "error") : NULL;
  JsonNode *code;

  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return NULL;
  code = json_object_get_member (json_node_get_object (error), "code");
  if (code == NULL || !JSON_NODE_HOLDS_VALUE (code) || json_node_get_value_type (code) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (code);
}

static const char *
reply_string (Reply      *reply,
              const char *member)
{
  JsonObject *object = reply_object (reply);
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Text for reports: printable, escaped, cut to @max bytes. */
static char *
show_bytes (const char *data,
            gsize       size,
            gsize       max)
{
  g_autofree char *head = g_strndup (data != NULL ? data : "", MIN (size, max));
  GString *text = g_string_new (NULL);

  /* g_strndup stops at a NUL: escape by hand. */
  for (gsize i = 0; i < MIN (size, max); i++)
    {
      guchar c = (guchar) data[i];

      if (c == '\\')
        g_string_append (text, "\\\\");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (text, (char) c);
      else
        g_string_append_printf (text, "\\x%02x", c);
    }
  if (size > max)
    g_string_append_printf (text, "… (%" G_GSIZE_FORMAT " bytes in all)", size);
  return g_string_free (text, FALSE);
}

static char *
describe_request (const Case *c)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "  request (%s): %s %s\n", c->label, c->method, c->path);
  if (c->authorization != NULL)
    {
      g_autofree char *shown = show_bytes (c->authorization, strlen (c->authorization), 120);

      g_string_append_printf (text, "    Authorization: %s\n", shown);
    }
  if (c->body != NULL)
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (c->body, &size);
      g_autofree char *shown = show_bytes (data, size, 300);

      g_string_append_printf (text, "    Content-Type: %s%s\n", c->content_type != NULL ? c->content_type : "(none)",
                              c->chunked ? "\n    Transfer-Encoding: chunked" : "");
      g_string_append_printf (text, "    body: %s\n", shown);
    }
  g_string_append_printf (text, "  contract: %s%s%s\n", c->expect != NULL ? c->expect : "any catalogued error",
                          c->field != NULL ? ", field " : "", c->field != NULL ? c->field : "");
  return g_string_free (text, FALSE);
}

static char *
describe_reply (Reply *reply)
{
  gsize size = 0;
  const char *data;
  g_autofree char *shown = NULL;

  if (reply->status == 0)
    return g_strdup_printf ("  answer: none (%s)\n", reply->transport_error);
  data = g_bytes_get_data (reply->body, &size);
  shown = show_bytes (data, size, 240);
  return g_strdup_printf ("  answer: %u %s\n", reply->status, shown);
}

/* Records a problem of @kind; the first examples of each kind are shown. */
static void
problem (Fuzzer     *fz,
         const char *kind,
         const Case *c,
         Reply      *reply)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (fz->kinds, kind)) + 1;
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;

  if (count == 1)
    g_ptr_array_add (fz->kind_order, g_strdup (kind));
  g_hash_table_replace (fz->kinds, g_strdup (kind), GUINT_TO_POINTER (count));
  fz->problems++;
  if (count > EXAMPLES_PER_KIND)
    return;
  request = c != NULL ? describe_request (c) : g_strdup ("");
  answer = reply != NULL ? describe_reply (reply) : g_strdup ("");
  g_test_message ("PROBLEM %s\n%s%s", kind, request, answer);
}

static void
report_problems (Fuzzer *fz)
{
  if (fz->problems == 0)
    return;
  g_test_message ("%u problems of %u kinds:", fz->problems, fz->kind_order->len);
  for (guint i = 0; i < fz->kind_order->len; i++)
    {
      const char *kind = g_ptr_array_index (fz->kind_order, i);

      g_test_message ("  %5u x %s", GPOINTER_TO_UINT (g_hash_table_lookup (fz->kinds, kind)), kind);
    }
  g_test_fail_printf ("%u contract violations of %u kinds (see the PROBLEM lines)", fz->problems,
                      fz->kind_order->len);
}

/* A strict RFC 8259 reading of a body: is it JSON, an object, and what
 * are its top-level members. Not recursive, so deep nesting costs no
 * stack. */

typedef enum {
  VALUE_STRING,
  VALUE_NUMBER,
  VALUE_LITERAL,
  VALUE_ARRAY,
  VALUE_OBJECT,
} ValueKind;

typedef struct {
  char *name;
  ValueKind kind;
  char *text;           /* a string's value, a number or literal as written */
} Member;

typedef struct {
  gboolean json;
  gboolean object;
  gboolean bad_chars;   /* invalid UTF-8, a NUL, \u0000 or an unpaired surrogate */
  gboolean surrogate;   /* an unpaired surrogate among them */
  gboolean duplicates;  /* a top-level member twice */
  GPtrArray *members;
} Parsed;

static void
member_free (Member *member)
{
  g_free (member->name);
  g_free (member->text);
  g_free (member);
}

static void
parsed_clear (Parsed *parsed)
{
  g_clear_pointer (&parsed->members, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear)

typedef struct {
  const guchar *p;
  const guchar *end;
} Scanner;

static void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
scan_hex4 (Scanner  *s,
           gunichar *out)
{
  gunichar value = 0;

  if (s->end - s->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value ((char) s->p[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (gunichar) digit;
    }
  s->p += 4;
  *out = value;
  return TRUE;
}

/* A string at s->p (its opening quote) into @value. */
static gboolean
scan_string (Scanner  *s,
             GString  *value,
             gboolean *bad,
             gboolean *surrogate)
{
  g_string_truncate (value, 0);
  s->p++;
  while (s->p < s->end)
    {
      guchar c = *s->p;
      gunichar u;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        {
          if (s->end - s->p < 2)
            return FALSE;
          c = s->p[1];
          s->p += 2;
          switch (c)
            {
            case '"': case '\\': case '/':
              g_string_append_c (value, (char) c);
              continue;
            case 'b': g_string_append_c (value, '\b'); continue;
            case 'f': g_string_append_c (value, '\f'); continue;
            case 'n': g_string_append_c (value, '\n'); continue;
            case 'r': g_string_append_c (value, '\r'); continue;
            case 't': g_string_append_c (value, '\t'); continue;
            case 'u':
              break;
            default:
              return FALSE;
            }
          if (!scan_hex4 (s, &u))
            return FALSE;
          if (u >= 0xd800 && u <= 0xdbff && s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u')
            {
              const guchar *save = s->p;
              gunichar low = 0;

              s->p += 2;
              if (scan_hex4 (s, &low) && low >= 0xdc00 && low <= 0xdfff)
                u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
              else
                s->p = save;
            }
          if (u >= 0xd800 && u <= 0xdfff)
            *surrogate = TRUE;
          if (u == 0 || (u >= 0xd800 && u <= 0xdfff))
            {
              *bad = TRUE;
              u = 0xfffd;
            }
          g_string_append_unichar (value, u);
          continue;
        }
      if (c < 0x80)
        {
          g_string_append_c (value, (char) c);
          s->p++;
          continue;
        }
      u = g_utf8_get_char_validated ((const char *) s->p, s->end - s->p);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        {
          *bad = TRUE;
          g_string_append_unichar (value, 0xfffd);
          s->p++;
          continue;
        }
      g_string_append_unichar (value, u);
      s->p = (const guchar *) g_utf8_next_char (s->p);
    }
  return FALSE;
}

static gboolean
scan_number (Scanner *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end)
    return FALSE;
  if (*s->p == '0')
    s->p++;
  else if (*s->p >= '1' && *s->p <= '9')
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      s->p++;
  else
    return FALSE;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  return TRUE;
}

static void
parse_strict (GBytes *body,
              Parsed *out)
{
  gsize size = 0;
  const guchar *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  Scanner s = { data, data + size };
  g_autoptr(GByteArray) stack = g_byte_array_new ();
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  enum { WANT_VALUE, WANT_NAME, AFTER_VALUE } state = WANT_VALUE;
  Member *member = NULL;    /* the top-level member whose value comes next */

  memset (out, 0, sizeof *out);
  out->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  if (data == NULL)
    return;
  out->bad_chars = !g_utf8_validate_len ((const char *) data, size, NULL) || memchr (data, 0, size) != NULL;

  for (;;)
    {
      skip_space (&s);
      if (state == WANT_VALUE)
        {
          guchar c;

          if (s.p >= s.end)
            return;
          c = *s.p;
          if (stack->len == 0)
            out->object = c == '{';
          if (c == '{' || c == '[')
            {
              if (member != NULL)
                member->kind = c == '{' ? VALUE_OBJECT : VALUE_ARRAY;
              member = NULL;
              g_byte_array_append (stack, &c, 1);
              s.p++;
              skip_space (&s);
              if (s.p < s.end && *s.p == (c == '{' ? '}' : ']'))
                {
                  s.p++;
                  g_byte_array_set_size (stack, stack->len - 1);
                  state = AFTER_VALUE;
                }
              else
                state = c == '{' ? WANT_NAME : WANT_VALUE;
              continue;
            }
          if (c == '"')
            {
              gboolean bad = FALSE;

              if (!scan_string (&s, text, &bad, &out->surrogate))
                return;
              out->bad_chars |= bad;
              if (member != NULL)
                {
                  member->kind = VALUE_STRING;
                  member->text = g_strdup (text->str);
                }
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              const guchar *start = s.p;

              if (!scan_number (&s))
                return;
              if (member != NULL)
                {
                  member->kind = VALUE_NUMBER;
                  member->text = g_strndup ((const char *) start, (gsize) (s.p - start));
                }
            }
          else
            {
              const char *literals[] = { "true", "false", "null" };
              const char *literal = NULL;

              for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
                if ((gsize) (s.end - s.p) >= strlen (literals[i])
                    && memcmp (s.p, literals[i], strlen (literals[i])) == 0)
                  literal = literals[i];
              if (literal == NULL)
                return;
              s.p += strlen (literal);
              if (member != NULL)
                {
                  member->kind = VALUE_LITERAL;
                  member->text = g_strdup (literal);
                }
            }
          member = NULL;
          state = AFTER_VALUE;
        }
      else if (state == WANT_NAME)
        {
          gboolean bad = FALSE;

          if (s.p >= s.end || *s.p != '"' || !scan_string (&s, text, &bad, &out->surrogate))
            return;
          out->bad_chars |= bad;
          skip_space (&s);
          if (s.p >= s.end || *s.p != ':')
            return;
          s.p++;
          if (stack->len == 1)
            {
              member = g_new0 (Member, 1);
              member->name = g_strdup (text->str);
              if (g_hash_table_contains (names, member->name))
                out->duplicates = TRUE;
              else
                g_hash_table_add (names, member->name);
              g_ptr_array_add (out->members, member);
            }
          state = WANT_VALUE;
        }
      else
        {
          guchar open;

          if (stack->len == 0)
            {
              out->json = s.p == s.end;
              return;
            }
          open = stack->data[stack->len - 1];
          if (s.p >= s.end)
            return;
          if (*s.p == ',')
            {
              s.p++;
              state = open == '{' ? WANT_NAME : WANT_VALUE;
            }
          else if (*s.p == (open == '{' ? '}' : ']'))
            {
              s.p++;
              g_byte_array_set_size (stack, stack->len - 1);
            }
          else
            return;
        }
    }
}

/* Checking an answer. */

static gboolean
same_methods (const char *a,
              const char *b)
{
  g_auto(GStrv) left = g_strsplit (a != NULL ? a : "", ",", -1);
  g_auto(GStrv) right = g_strsplit (b != NULL ? b : "", ",", -1);
  guint n = 0;

  for (guint i = 0; left[i] != NULL; i++)
    g_strstrip (left[i]);
  for (guint i = 0; right[i] != NULL; i++)
    g_strstrip (right[i]);
  for (guint i = 0; left[i] != NULL; i++, n++)
    if (!g_strv_contains ((const char * const *) right, left[i]))
      return FALSE;
  return n == g_strv_length (right);
}

static gboolean
method_allowed (const char *allow,
                const char *method)
{
  g_auto(GStrv) methods = g_strsplit (allow, ", ", -1);

  return g_strv_contains ((const char * const *) methods, method);
}

static void
check_alive (Fuzzer     *fz,
             const Case *c)
{
  g_autoptr(Reply) status = call (fz, "GET", "/status", NULL, NULL);

  if (status->status != 200)
    {
      problem (fz, "the server stopped answering (crash?)", c, status);
      fz->dead = TRUE;
    }
}

/* Names a wrong code by its likely cause, so that one cause is one kind. */
static char *
wrong_code_kind (const Case *c,
                 const char *code)
{
  g_auto(Parsed) parsed = { 0 };
  gboolean json_level = c->expect != NULL && (g_str_equal (c->expect, "W095000001")
                                              || g_str_equal (c->expect, "W095000005 W095000001"));

  if (g_str_equal (c->expect, "W095000009"))
    return g_strdup_printf ("Content-Type \"%s\" is accepted (contract: 415 W095000009)",
                            c->content_type != NULL ? c->content_type : "(none)");
  if (json_level && !has_code ("W095000001 W095000005", code))
    {
      parse_strict (c->body, &parsed);
      if (parsed.surrogate)
        return g_strdup ("a string with an unpaired UTF-16 surrogate escape (\\udc00) is accepted "
                         "(contract: 400 W095000005 or W095000001)");
      if (!parsed.bad_chars)
        return g_strdup ("a body that is not RFC 8259 JSON is accepted (contract: 400 W095000001)");
    }
  return g_strdup_printf ("%s: expected %s, got %s", c->label, c->expect, code);
}

/* Everything the contract says about any error answer, and what it says
 * about this one. */
static void
check_reply (Fuzzer     *fz,
             const Case *c,
             Reply      *reply)
{
  JsonObject *object = reply_object (reply);
  JsonObject *error = NULL;
  const char *code = reply_code (reply);
  const char *header;
  int status;

  if (reply->status == 0)
    {
      problem (fz, "no HTTP answer", c, reply);
      check_alive (fz, c);
      return;
    }
  if (reply->status >= 200 && reply->status < 300)
    {
      g_autofree char *kind = g_strdup_printf ("%s: a 2xx answer to a bad request", c->label);

      problem (fz, kind, c, reply);
      return;
    }
  if (reply->status == 500)
    {
      problem (fz, "500", c, reply);
      return;
    }
  if (code == NULL)
    {
      g_autofree char *kind = g_strdup_printf ("%s: %u without a JSON error body", c->label, reply->status);

      problem (fz, kind, c, reply);
      return;
    }

  error = json_object_get_object_member (object, "error");
  if (!g_regex_match_simple ("^[A-Z][0-9A-Z]{2}[0-9]{7}$", code, 0, 0))
    problem (fz, "a code of the wrong shape", c, reply);
  status = catalogue_status (code);
  if (status < 0)
    problem (fz, "a code not in the catalogue", c, reply);
  else if ((guint) status != reply->status)
    problem (fz, "a status other than the catalogue's", c, reply);
  if (reply->status < 400 || reply->status > 503)
    problem (fz, "a status outside 400..503", c, reply);
  if (!json_object_has_member (error, "message") || !json_object_has_member (error, "message_ja"))
    problem (fz, "an error without message or message_ja", c, reply);

  if (c->route != NULL && !has_code (c->route->codes, code) && !has_code (ALWAYS_CODES, code))
    {
      g_autofree char *kind = g_strdup_printf ("%s %s: %s is not in the operation's x-error-codes",
                                               c->route->method, c->route->path, code);

      problem (fz, kind, c, reply);
    }
  if (c->expect != NULL && !has_code (c->expect, code))
    {
      g_autofree char *kind = wrong_code_kind (c, code);

      problem (fz, kind, c, reply);
    }
  else if (c->field != NULL && c->expect != NULL
           && (g_str_has_prefix (code, "W09500000") || g_str_equal (code, "W043000002")
               || g_str_equal (code, "W044000001"))
           && !g_str_equal (code, "W095000005") && !g_str_equal (code, "W095000001")
           && !g_str_equal (code, "W095000008") && !g_str_equal (code, "W095000009")
           && g_strcmp0 (json_object_get_string_member_with_default (error, "field", NULL), c->field) != 0)
    {
      g_autofree char *kind = g_strdup_printf ("%s: %s without field %s", c->label, code, c->field);

      problem (fz, kind, c, reply);
    }

  /* Headers on every answer, and on some. */
  header = soup_message_headers_get_one (reply->headers, "Date");
  if (header == NULL)
    problem (fz, "an answer without Date", c, reply);
  else
    {
      g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (header);

      if (date == NULL)
        problem (fz, "an unreadable Date", c, reply);
    }
  if (g_strcmp0 (soup_message_headers_get_one (reply->headers, "Cache-Control"), "no-store") != 0)
    problem (fz, "an answer without Cache-Control: no-store", c, reply);
  if (reply->status == 401)
    {
      header = soup_message_headers_get_one (reply->headers, "WWW-Authenticate");
      if (header == NULL || !g_str_has_prefix (header, "Bearer realm=\"webcollect-portal\""))
        problem (fz, "a 401 without WWW-Authenticate: Bearer realm=\"webcollect-portal\"", c, reply);
      else if ((g_str_equal (code, "W051000002") || g_str_equal (code, "W051000003"))
               && strstr (header, "error=\"invalid_token\"") == NULL)
        problem (fz, "a session error (W051000002/3) whose WWW-Authenticate lacks error=\"invalid_token\"", c, reply);
    }
  if (reply->status == 405 && !c->dot_or_slash
      && !same_methods (soup_message_headers_get_one (reply->headers, "Allow"), c->allow))
    problem (fz, "a 405 whose Allow header does not list the path's methods", c, reply);
  if (reply->status == 429)
    {
      gint64 retry_after = json_object_get_int_member_with_default (error, "retry_after", 0);
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      header = soup_message_headers_get_one (reply->headers, "Retry-After");
      if (retry_after < 1 || g_strcmp0 (header, expected) != 0)
        problem (fz, "a 429 without matching Retry-After and retry_after", c, reply);
    }
}

static Member *
find_member (Parsed     *parsed,
             const char *name,
             gboolean    last)
{
  Member *found = NULL;

  for (guint i = 0; i < parsed->members->len; i++)
    {
      Member *member = g_ptr_array_index (parsed->members, i);

      if (g_str_equal (member->name, name))
        {
          found = member;
          if (!last)
            break;
        }
    }
  return found;
}

static gboolean
is_user_id (const char *text)
{
  return g_regex_match_simple ("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$", text, 0, 0);
}

static gboolean
good_display_name (const char *text)
{
  gboolean blank = TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        return FALSE;
      if (!g_unichar_isspace (c))
        blank = FALSE;
    }
  return !blank;
}

/* The schema's verdict on the members (step 7 after the JSON itself):
 * the allowed codes, or NULL when the body is good. */
static const char *
judge_members (const Field  *fields,
               Parsed       *parsed,
               gboolean      last,
               const char  **field)
{
  for (guint i = 0; i < parsed->members->len; i++)
    {
      Member *member = g_ptr_array_index (parsed->members, i);
      gboolean known = FALSE;

      for (const Field *f = fields; f->name != NULL; f++)
        known |= g_str_equal (f->name, member->name);
      if (!known)
        {
          *field = member->name;
          return "W095000006";
        }
    }

  for (const Field *f = fields; f->name != NULL; f++)
    {
      Member *member = find_member (parsed, f->name, last);
      glong length;
      gboolean ok;

      *field = f->name;
      if (member == NULL)
        {
          if (f->required)
            return "W095000002";
          continue;
        }
      if (f->type == FIELD_BOOLEAN)
        {
          if (member->kind != VALUE_LITERAL || g_str_equal (member->text, "null"))
            return "W095000003";
          continue;
        }
      if (f->type == FIELD_SECONDS)
        {
          const char *digits = member->text;

          if (member->kind != VALUE_NUMBER || strchr (member->text, '.') != NULL)
            return "W095000003";
          /* 1e999 is neither a fraction nor in range. */
          if (strpbrk (member->text, "eE") != NULL)
            return "W095000003 W095000007";
          if (digits[0] == '-')
            {
              if (g_str_equal (digits, "-0"))
                continue;
              return "W095000007";
            }
          if (strlen (digits) > 9 || g_ascii_strtoll (digits, NULL, 10) > 315360000)
            return "W095000007";
          continue;
        }
      if (member->kind != VALUE_STRING)
        return "W095000003";
      length = g_utf8_strlen (member->text, -1);
      if (length > f->max_length)
        return "W095000004";
      if (length == 0)
        return "W095000007";
      switch (f->type)
        {
        case FIELD_USER_ID:
          ok = is_user_id (member->text);
          break;
        case FIELD_OTP:
          ok = g_regex_match_simple ("^[0-9]{6}$", member->text, 0, 0);
          break;
        case FIELD_DISPLAY_NAME:
          ok = good_display_name (member->text);
          break;
        case FIELD_ROLE:
          ok = g_str_equal (member->text, "general") || g_str_equal (member->text, "shipping");
          break;
        case FIELD_TEXT:
        case FIELD_BOOLEAN:
        case FIELD_SECONDS:
        default:
          ok = TRUE;
          break;
        }
      if (!ok)
        return "W095000007";
    }
  *field = NULL;
  return NULL;
}

/* Step 7 for a body: the allowed codes and the field, or NULL when the
 * body is good and the request goes on to the operation, or "unsafe"
 * when a member comes twice and one of the two readings is good. */
static char *
judge_body (BodyKind   kind,
            GBytes    *body,
            char     **field)
{
  g_auto(Parsed) parsed = { 0 };
  const char *first_field = NULL, *last_field = NULL;
  const char *first, *last;

  *field = NULL;
  parse_strict (body, &parsed);
  if (parsed.bad_chars)
    return g_strdup ("W095000005 W095000001");
  if (!parsed.json || !parsed.object)
    return g_strdup ("W095000001");

  /* The contract does not say which of two equal names counts. */
  last = judge_members (body_fields (kind), &parsed, TRUE, &last_field);
  if (!parsed.duplicates)
    {
      *field = g_strdup (last_field);
      return g_strdup (last);
    }
  first = judge_members (body_fields (kind), &parsed, FALSE, &first_field);
  if (first == NULL || last == NULL)
    return g_strdup ("unsafe");
  return g_strdup (BAD_REQUEST_CODES);
}

/* A percent-encoded path segment, as the server must see it. */
static const char *
judge_segment (Fuzzer      *fz,
               const char  *raw,
               const char **field,
               gboolean    *unsafe)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree char *text = NULL;

  *field = "user_id";
  *unsafe = FALSE;
  for (const char *p = raw; *p != '\0'; p++)
    {
      guint8 byte = (guint8) *p;

      if (*p == '%')
        {
          int high = g_ascii_xdigit_value (p[1]);
          int low = high >= 0 ? g_ascii_xdigit_value (p[2]) : -1;

          if (low < 0)
            return NULL;
          byte = (guint8) (high * 16 + low);
          p += 2;
        }
      g_byte_array_append (bytes, &byte, 1);
    }
  if (memchr (bytes->data, '/', bytes->len) != NULL)
    return "W094000001 W095000007";
  if (memchr (bytes->data, 0, bytes->len) != NULL || !g_utf8_validate_len ((const char *) bytes->data, bytes->len, NULL))
    return "W095000007";
  text = g_strndup ((const char *) bytes->data, bytes->len);
  if (g_str_equal (text, ".") || g_str_equal (text, ".."))
    return "W094000001 W095000007";
  if (g_utf8_strlen (text, -1) > 64)
    return "W095000004 W095000007";
  if (!is_user_id (text))
    return "W095000007";
  if (g_str_equal (text, MERCHANT))
    return "W043000002";
  for (guint i = 0; i < fz->children->len; i++)
    if (g_str_equal (text, g_ptr_array_index (fz->children, i)))
      *unsafe = TRUE;
  return "W044000001";
}

/* Steps 5 and 6: the session and what it may do; NULL when it passes. */
static const char *
judge_access (Fuzzer      *fz,
              const Route *route,
              TokenKind    token)
{
  gboolean restricted, change_pending, legacy;

  if (route->access == ACCESS_NONE)
    return NULL;
  switch (token)
    {
    case TOKEN_NONE:
    case TOKEN_MALFORMED:
      return "W051000001";
    case TOKEN_UNKNOWN:
      return "W051000002";
    case TOKEN_ODD:
      return "W051000001 W051000002";
    case TOKEN_MAIN:
      return NULL;
    case TOKEN_MAIN_FIRST:
    case TOKEN_CHILD:
    case TOKEN_LEGACY:
    case N_TOKENS:
    default:
      break;
    }
  restricted = TRUE;
  legacy = token == TOKEN_LEGACY;
  change_pending = token != TOKEN_MAIN_FIRST || !fz->main_changed;
  if (restricted && route->access == ACCESS_USERS)
    return change_pending ? "W022000005" : "W053000002";
  if (legacy && route->access == ACCESS_OTP)
    return "W053000001";
  return NULL;
}

/* Random values. */

static const char *
pick (Fuzzer             *fz,
      const char * const *list,
      guint               n)
{
  return list[g_rand_int_range (fz->rand, 0, (gint32) n)];
}

#define PICK(fz, array) pick ((fz), (array), G_N_ELEMENTS (array))

static gboolean
chance (Fuzzer *fz,
        double  p)
{
  return g_rand_double (fz->rand) < p;
}

static guint
between (Fuzzer *fz,
         guint   low,
         guint   high)
{
  return (guint) g_rand_int_range (fz->rand, (gint32) low, (gint32) high + 1);
}

static char *
random_from (Fuzzer     *fz,
             const char *alphabet,
             guint       length)
{
  GString *text = g_string_new (NULL);
  guint n = (guint) strlen (alphabet);

  for (guint i = 0; i < length; i++)
    g_string_append_c (text, alphabet[between (fz, 0, n - 1)]);
  return g_string_free (text, FALSE);
}

/* @length characters (code points), some of them multi-byte, as the
 * inside of a JSON string. */
static char *
random_text (Fuzzer *fz,
             guint   length)
{
  static const char * const pieces[] = {
    "a", "Z", "0", "7", " ", "-", "_", ".", "@", "é", "あ", "漢", "👍", "\\\"", "\\\\", "\\n", "\\u00e9", "\\u3042",
    "\\ud83d\\udc4d", "/", "%", "'",
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < length; i++)
    g_string_append (text, PICK (fz, pieces));
  return g_string_free (text, FALSE);
}

static char *
random_token (Fuzzer *fz)
{
  return random_from (fz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43);
}

static char *
quoted (const char *inside)
{
  return g_strconcat ("\"", inside, "\"", NULL);
}

/* A good value (as JSON text) for @f. */
static char *
good_value (Fuzzer      *fz,
            const Field *f)
{
  g_autofree char *inside = NULL;

  switch (f->type)
    {
    case FIELD_TEXT:
      if (g_str_equal (f->name, "merchant_code"))
        inside = chance (fz, 0.7) ? g_strdup_printf ("FZ%u", g_rand_int (fz->rand)) : random_text (fz, between (fz, 1, 32));
      else if (g_str_equal (f->name, "user_id"))
        inside = chance (fz, 0.7) ? g_strdup_printf ("ghost%u", g_rand_int (fz->rand)) : random_text (fz, between (fz, 1, 64));
      else
        inside = chance (fz, 0.5) ? g_strdup_printf ("Wrong-pass-%u", g_rand_int (fz->rand))
                                  : random_text (fz, between (fz, 1, 256));
      break;
    case FIELD_USER_ID:
      {
        g_autofree char *tail = random_from (fz, "abcdefghijklmnopqrstuvwxyz0123456789._@-", between (fz, 0, 20));

        inside = g_strconcat ("fz", tail, NULL);
      }
      break;
    case FIELD_OTP:
      inside = g_strdup_printf ("%06u", between (fz, 0, 999999));
      break;
    case FIELD_DISPLAY_NAME:
      {
        g_autofree char *tail = random_text (fz, between (fz, 0, 99));

        inside = chance (fz, 0.5) ? g_strdup ("Fuzz ユーザー") : g_strconcat ("x", tail, NULL);
      }
      break;
    case FIELD_ROLE:
      return g_strdup (chance (fz, 0.5) ? "\"general\"" : "\"shipping\"");
    case FIELD_BOOLEAN:
      return g_strdup (chance (fz, 0.5) ? "true" : "false");
    case FIELD_SECONDS:
      return g_strdup_printf ("%u", between (fz, 0, 100));
    default:
      g_assert_not_reached ();
    }
  return quoted (inside);
}

static char *
deep_array (guint depth)
{
  GString *text = g_string_sized_new (depth * 2);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

/* A value (as JSON text) that is wrong for @f in some way. */
static char *
bad_value (Fuzzer      *fz,
           const Field *f)
{
  static const char * const wrong_types[] = {
    "1", "-1", "0", "0.5", "1e999", "-1e999", "99999999999999999999999999", "123456789012345678901234567890.5",
    "true", "false", "null", "[]", "{}", "[\"x\"]", "{\"a\":\"b\"}", "[null]", "{\"\":{}}",
  };
  static const char * const bad_chars[] = {
    "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u0000\\u0000\"", "\"\xff\"", "\"a\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe3\x81\"",
    "\"\xf8\x88\x80\x80\x80\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\udfff\\ud800\"", "\"x\\ud83d\"", "\"\x80\"",
  };
  static const char * const bad_user_ids[] = {
    "-x", ".x", "_x", "@x", "a b", "a/b", "a#b", "あ", "é", "a+b", "a:b", "a\\\\b", "a\\tb", " ab", "ab ", "a%20b",
  };
  static const char * const bad_otps[] = {
    "12345", "12345a", "１２３４５６", " 12345", "abcdef", "12 456", "-12345", "1234.5", "١٢٣٤٥٦", "00000\\n",
  };
  static const char * const bad_display_names[] = {
    " ", "   ", "\\u3000", "\\t", "a\\u0001b", "a\\nb", "\\u007f", "x\\u0085", "\\u009f", "a\\rb", "\\u001f",
  };
  static const char * const bad_roles[] = {
    "main", "admin", "General", "general ", " shipping", "SHIPPING", "ship", "一般", "generalgeneral",
  };
  static const char * const bad_booleans[] = { "\"true\"", "\"false\"", "1", "0", "null", "[]", "{}", "\"\"" };
  static const char * const bad_seconds[] = {
    "\"5\"", "\"\"", "1.5", "0.25", "-2.5", "1e999", "true", "false", "null", "[]", "{}", "[5]", "-1", "-100",
    "-315360000", "316224001", "400000000", "9223372036854775807", "99999999999999999999",
  };
  guint choice = between (fz, 0, 9);

  if (f->type == FIELD_BOOLEAN)
    return g_strdup (PICK (fz, bad_booleans));
  if (f->type == FIELD_SECONDS)
    return g_strdup (PICK (fz, bad_seconds));

  switch (choice)
    {
    case 0:
    case 1:
      return g_strdup (PICK (fz, wrong_types));
    case 2:
      return g_strdup_printf ("{\"x\":%s}", chance (fz, 0.5) ? "1" : "\"y\"");
    case 3:
      return deep_array (between (fz, 2, chance (fz, 0.2) ? 30000 : 200));
    case 4:
      return g_strdup (PICK (fz, bad_chars));
    case 5:
      {
        /* Over the limit, in characters; sometimes far over. */
        guint length = (guint) f->max_length + (chance (fz, 0.2) ? between (fz, 1000, 20000) : between (fz, 1, 40));
        g_autofree char *inside = chance (fz, 0.5) ? random_from (fz, "abc012", length) : random_text (fz, length);

        return quoted (inside);
      }
    case 6:
      return g_strdup ("\"\"");
    case 7:
      {
        /* Exactly at the limit, in characters, but more bytes. */
        GString *text = g_string_new ("\"");

        for (glong i = 0; i < f->max_length; i++)
          g_string_append (text, chance (fz, 0.5) ? "あ" : "\\u00e9");
        g_string_append_c (text, '"');
        return g_string_free (text, FALSE);
      }
    default:
      break;
    }
  switch (f->type)
    {
    case FIELD_USER_ID:
      return quoted (PICK (fz, bad_user_ids));
    case FIELD_OTP:
      return quoted (PICK (fz, bad_otps));
    case FIELD_DISPLAY_NAME:
      return quoted (PICK (fz, bad_display_names));
    case FIELD_ROLE:
      return quoted (PICK (fz, bad_roles));
    case FIELD_TEXT:
    case FIELD_BOOLEAN:
    case FIELD_SECONDS:
    default:
      return g_strdup (PICK (fz, wrong_types));
    }
}

static const char *
json_space (Fuzzer *fz)
{
  static const char * const spaces[] = { "", "", "", " ", "\n", "\t", "\r\n", "  " };

  return PICK (fz, spaces);
}

/* An object for @kind with some members broken, missing, unknown or
 * repeated. */
static char *
structured_body (Fuzzer   *fz,
                 BodyKind  kind)
{
  static const char * const unknown_names[] = {
    "foo", "Merchant_code", "merchant_code ", "", "user", "__proto__", "user id", "é", "otp_code", "token",
    "\\u0000", "a\\u0000", "\xff", "disabled", "role", "password", "advance_seconds", "constructor",
  };
  const Field *fields = body_fields (kind);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
  GString *text = g_string_new ("{");
  guint n_fields = 0;

  for (const Field *f = fields; f->name != NULL; f++)
    n_fields++;
  for (guint i = 0; i < n_fields; i++)
    {
      const Field *f = &fields[i];
      g_autofree char *value = NULL;

      if (!f->required && chance (fz, 0.4))
        continue;
      if (chance (fz, 0.1))
        continue;   /* missing */
      value = chance (fz, 0.45) ? bad_value (fz, f) : good_value (fz, f);
      g_ptr_array_add (members, g_strdup_printf ("\"%s\"%s:%s%s", f->name, json_space (fz), json_space (fz), value));
      if (chance (fz, 0.05))
        {
          g_autofree char *again = chance (fz, 0.5) ? bad_value (fz, f) : good_value (fz, f);

          g_ptr_array_add (members, g_strdup_printf ("\"%s\":%s", f->name, again));
        }
    }
  if (chance (fz, 0.15))
    {
      g_autofree char *value = good_value (fz, &fields[between (fz, 0, n_fields - 1)]);
      const char *name = PICK (fz, unknown_names);

      g_ptr_array_insert (members, (gint) between (fz, 0, members->len),
                          g_strdup_printf ("\"%s\":%s", name, value));
    }
  /* Shuffle a little: the order in the text must not matter. */
  if (members->len > 1 && chance (fz, 0.3))
    {
      guint a = between (fz, 0, members->len - 1), b = between (fz, 0, members->len - 1);
      gpointer swap = members->pdata[a];

      members->pdata[a] = members->pdata[b];
      members->pdata[b] = swap;
    }
  for (guint i = 0; i < members->len; i++)
    g_string_append_printf (text, "%s%s%s", i > 0 ? "," : "", json_space (fz), (char *) g_ptr_array_index (members, i));
  g_string_append_printf (text, "%s}", json_space (fz));
  return g_string_free (text, FALSE);
}

/* A body of no particular shape. */
static GBytes *
raw_body (Fuzzer   *fz,
          BodyKind  kind)
{
  static const char * const non_objects[] = {
    "", " ", "[]", "[{}]", "\"{}\"", "123", "-0", "null", "true", "false", "{", "}", "{{}}", "{\"a\"}", "{\"a\":}",
    "{,}", "{\"a\":1,}", "{\"a\":1}}", "{\"a\":1} x", "[1,2", "\"unterminated", "{\"a\":tru}", "{\"a\":NaN}",
    "{'a':1}", "{a:1}", "/**/{}", "{\"a\":01}", "{\"a\":0x1}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
    "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\uZZZZ\"}", "\xef\xbb\xbf", "{\"a\":\"\t\"}",
  };
  guint choice = between (fz, 0, 9);

  switch (choice)
    {
    case 0:
      {
        guint length = between (fz, 0, 300);
        g_autofree guint8 *data = g_malloc (length + 1);

        for (guint i = 0; i < length; i++)
          data[i] = (guint8) g_rand_int_range (fz->rand, 0, 256);
        return g_bytes_new (data, length);
      }
    case 1:
      {
        g_autofree char *text = random_from (fz, "{}[]\":,0123456789.eE+-tfnrulsa \\u", between (fz, 0, 200));

        return g_bytes_new (text, strlen (text));
      }
    case 2:
    case 3:
    case 4:
      {
        /* A template, mutated or truncated. */
        g_autofree char *text = structured_body (fz, kind);
        GString *mutated = g_string_new (text);
        guint rounds = between (fz, 1, 4);

        for (guint r = 0; r < rounds && mutated->len > 0; r++)
          {
            guint at = between (fz, 0, (guint) mutated->len - 1);

            switch (between (fz, 0, 4))
              {
              case 0:
                mutated->str[at] = (char) g_rand_int_range (fz->rand, 0, 256);
                break;
              case 1:
                g_string_insert_c (mutated, at, (char) g_rand_int_range (fz->rand, 0, 256));
                break;
              case 2:
                g_string_erase (mutated, at, 1);
                break;
              case 3:
                g_string_truncate (mutated, at);
                break;
              default:
                g_string_insert_c (mutated, at, "{}[]\":,\\"[between (fz, 0, 7)]);
                break;
              }
          }
        return g_string_free_to_bytes (mutated);
      }
    case 5:
    case 6:
      {
        const char *text = PICK (fz, non_objects);

        return g_bytes_new (text, strlen (text));
      }
    case 7:
      {
        /* Deep nesting, closed or not, at the top or in a member. */
        guint depth = between (fz, 100, 32000);
        g_autofree char *nested = deep_array (depth);
        g_autofree char *text = NULL;

        if (chance (fz, 0.3))
          nested[depth + between (fz, 0, depth - 1)] = '\0';
        text = chance (fz, 0.5) ? g_strdup (nested)
                                : g_strdup_printf ("{\"%s\":%s}", body_fields (kind)[0].name, nested);
        return g_bytes_new (text, strlen (text));
      }
    case 8:
      {
        GString *text = g_string_new (NULL);
        guint depth = between (fz, 100, 10000);

        for (guint i = 0; i < depth; i++)
          g_string_append (text, "{\"a\":");
        g_string_append (text, "1");
        if (chance (fz, 0.7))
          for (guint i = 0; i < depth; i++)
            g_string_append_c (text, '}');
        return g_string_free_to_bytes (text);
      }
    default:
      {
        g_autofree char *text = structured_body (fz, kind);

        return g_bytes_new (text, strlen (text));
      }
    }
}

/* Building cases. */

static const char *
route_method_list (const char *path)
{
  static GHashTable *lists;
  GString *text;

  if (lists == NULL)
    lists = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (g_hash_table_contains (lists, path))
    return g_hash_table_lookup (lists, path);
  text = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, path))
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", routes[i].method);
  g_hash_table_insert (lists, (gpointer) path, g_string_free (text, FALSE));
  return g_hash_table_lookup (lists, path);
}

static char *
fill_path (const char *pattern,
           const char *segment)
{
  g_autofree char *path = NULL;
  const char *brace = strstr (pattern, "{}");

  if (brace == NULL)
    path = g_strdup (pattern);
  else
    {
      g_autofree char *head = g_strndup (pattern, (gsize) (brace - pattern));

      path = g_strconcat (head, segment, brace + 2, NULL);
    }
  return g_strconcat ("/api/v1", path, NULL);
}

static TokenKind
random_token_kind (Fuzzer   *fz,
                   gboolean  passing)
{
  for (;;)
    {
      TokenKind kind = passing ? (chance (fz, 0.75) ? TOKEN_MAIN : (TokenKind) between (fz, TOKEN_MAIN, N_TOKENS - 1))
                               : (TokenKind) between (fz, 0, N_TOKENS - 1);

      if (kind < TOKEN_MAIN || fz->tokens[kind] != NULL)
        return kind;
      passing = FALSE;
    }
}

static char *
fill_token (const char *form,
            const char *token)
{
  const char *at = strstr (form, "{}");
  g_autofree char *head = NULL;

  if (at == NULL)
    return g_strdup (form);
  head = g_strndup (form, (gsize) (at - form));
  return g_strconcat (head, token, at + 2, NULL);
}

static char *
authorization_for (Fuzzer    *fz,
                   TokenKind  kind)
{
  /* "{}" stands for a token. */
  static const char * const malformed[] = {
    "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer\t{}", "Token {}", "{}", "Bearer,{}", "Digest x",
    "Bearer={}", "Negotiate {}", "BearerX {}", "Bear {}", "Bearer\t", "Bearer:{}",
  };
  static const char * const unknown[] = { "Bearer {}", "bearer {}", "BEARER {}", "BeArEr {}" };
  g_autofree char *token = random_token (fz);

  switch (kind)
    {
    case TOKEN_NONE:
      return NULL;
    case TOKEN_MALFORMED:
      return fill_token (PICK (fz, malformed), token);
    case TOKEN_UNKNOWN:
      return fill_token (PICK (fz, unknown), chance (fz, 0.2) ? "A" : token);
    case TOKEN_ODD:
      switch (between (fz, 0, 5))
        {
        case 0:
          {
            g_autofree char *tail = random_from (fz, "abc-_", between (fz, 214, 2000));

            return g_strconcat ("Bearer ", token, tail, NULL);
          }
        case 1:
          return g_strdup ("Bearer é漢字");
        case 2:
          return g_strdup_printf ("Bearer %s %s", token, token);
        case 3:
          return g_strdup_printf ("Bearer  %s", token);
        case 4:
          {
            /* A real token in other case: identifiers match exactly. */
            g_autofree char *real = g_strdup (fz->tokens[TOKEN_LEGACY] != NULL ? fz->tokens[TOKEN_LEGACY] : token);

            for (char *p = real; *p != '\0'; p++)
              *p = g_ascii_isupper (*p) ? g_ascii_tolower (*p) : g_ascii_toupper (*p);
            return g_strconcat ("Bearer ", real, NULL);
          }
        default:
          return g_strdup_printf ("Bearer %s!", token);
        }
    case TOKEN_MAIN:
    case TOKEN_MAIN_FIRST:
    case TOKEN_CHILD:
    case TOKEN_LEGACY:
      return g_strdup_printf (chance (fz, 0.1) ? "bearer %s" : "Bearer %s", fz->tokens[kind]);
    case N_TOKENS:
    default:
      g_assert_not_reached ();
    }
}

static const struct {
  const char *type;
  gboolean ok;
} media_types[] = {
  { NULL, FALSE },
  { "text/plain", FALSE },
  { "application/x-www-form-urlencoded", FALSE },
  { "multipart/form-data; boundary=x", FALSE },
  { "application/jsonx", FALSE },
  { "application/json-patch+json", FALSE },
  { "application/problem+json", FALSE },
  { "text/json", FALSE },
  { "json", FALSE },
  { "application/json; charset=iso-8859-1", FALSE },
  { "application/json; charset=utf-16", FALSE },
  { "application/json; foo=bar", FALSE },
  { "application/json; charset=utf-8; foo=bar", FALSE },
  { "application/json, text/plain", FALSE },
  { "application/json", TRUE },
  { "application/json; charset=utf-8", TRUE },
  { "application/json;charset=UTF-8", TRUE },
  { "APPLICATION/JSON", TRUE },
  { "application/json; charset=\"utf-8\"", TRUE },
};

/* The members as json-glib reads them (as the server does), more
 * leniently than RFC 8259; for knowing what a server that takes such a
 * body would do with it. */
static void
parse_lenient (GBytes *body,
               Parsed *out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) names = NULL;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  JsonObject *object;

  memset (out, 0, sizeof *out);
  out->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  out->json = out->object = TRUE;
  object = json_node_get_object (json_parser_get_root (parser));
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);
      Member *member = g_new0 (Member, 1);

      member->name = g_strdup (l->data);
      if (JSON_NODE_HOLDS_OBJECT (node))
        member->kind = VALUE_OBJECT;
      else if (JSON_NODE_HOLDS_ARRAY (node))
        member->kind = VALUE_ARRAY;
      else if (JSON_NODE_HOLDS_NULL (node))
        {
          member->kind = VALUE_LITERAL;
          member->text = g_strdup ("null");
        }
      else if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          member->kind = VALUE_STRING;
          member->text = g_strdup (json_node_get_string (node));
        }
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        {
          member->kind = VALUE_LITERAL;
          member->text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
        }
      else if (json_node_get_value_type (node) == G_TYPE_INT64)
        {
          member->kind = VALUE_NUMBER;
          member->text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
        }
      else
        {
          member->kind = VALUE_NUMBER;
          member->text = g_strdup ("0.5");  /* a double */
        }
      g_ptr_array_add (out->members, member);
    }
}

/* Step 7 and 8 for a request that passed the session checks: fills
 * @expect and @field. FALSE when the fuzzer must not send the request
 * because it could succeed and change the accounts, also on a server
 * that reads the JSON leniently or lets a wrong media type through. */
static gboolean
judge_operation (Fuzzer     *fz,
                 Case       *c,
                 TokenKind   token,
                 char      **expect,
                 char      **field)
{
  g_autofree char *body_verdict = NULL;
  g_autofree char *body_field = NULL;
  g_auto(Parsed) lenient = { 0 };
  const char *segment_verdict = NULL, *segment_field = NULL, *ignored = NULL;
  gboolean unsafe = FALSE, reaches, lenient_reaches = FALSE;
  BodyKind kind = c->route->body;

  if (c->segment != NULL)
    {
      segment_verdict = judge_segment (fz, c->segment, &segment_field, &unsafe);
      if (segment_verdict == NULL || unsafe)
        return FALSE;
    }
  if (kind != BODY_NONE)
    {
      body_verdict = judge_body (kind, c->body, &body_field);
      if (g_strcmp0 (body_verdict, "unsafe") == 0)
        return FALSE;
      parse_lenient (c->body, &lenient);
      lenient_reaches = lenient.object && judge_members (body_fields (kind), &lenient, TRUE, &ignored) == NULL;
    }
  reaches = body_verdict == NULL;

  if (body_verdict != NULL)
    {
      gboolean json_level = has_code (body_verdict, "W095000001") || has_code (body_verdict, "W095000005");

      /* The JSON itself comes first; between the path's user ID and the
       * members the contract sets no order. */
      if (segment_verdict != NULL && has_code (segment_verdict, "W095000007") && !json_level)
        *expect = codes_union (body_verdict, segment_verdict);
      else
        {
          *expect = g_steal_pointer (&body_verdict);
          *field = g_steal_pointer (&body_field);
        }
    }
  else if (segment_verdict != NULL)
    {
      *expect = g_strdup (segment_verdict);
      *field = g_strdup (segment_field);
    }
  if (!reaches && !lenient_reaches)
    return TRUE;

  /* 8. The operation: only those that change nothing. */
  if (segment_verdict != NULL)
    return TRUE;
  switch (kind)
    {
    case BODY_OTP:
      if (*expect == NULL)
        *expect = g_strdup ("W034000001");
      return TRUE;
    case BODY_LOGIN:
    case BODY_OLD_LOGIN:
      {
        Member *merchant = find_member (&lenient, "merchant_code", TRUE);
        Member *user = find_member (&lenient, "user_id", TRUE);
        gboolean legacy = kind == BODY_OLD_LOGIN;
        gboolean tablet = g_str_equal (c->route->path, "/tablet/login");
        guint failures;

        if (fz->hashing >= MAX_HASHING || merchant == NULL || (!legacy && user == NULL))
          return FALSE;
        /* Never a wrong password for a real account. */
        if (g_str_equal (merchant->text, MERCHANT)
            && (legacy || g_str_equal (user->text, MERCHANT)
                || g_ptr_array_find_with_equal_func (fz->children, user->text, g_str_equal, NULL)))
          return FALSE;
        c->account = legacy ? g_strconcat ("old\n", merchant->text, NULL)
                            : g_strconcat ("new\n", merchant->text, "\n", user->text, NULL);
        if (*expect != NULL)
          return TRUE;
        /* The attempt that makes the 10th failure is already locked. */
        failures = GPOINTER_TO_UINT (g_hash_table_lookup (fz->failures, c->account));
        if (legacy)
          *expect = g_strdup (failures >= 9 ? (tablet ? "T041000002" : "W061000002")
                                            : (tablet ? "T041000001" : "W061000001"));
        else
          *expect = g_strdup (failures >= 9 ? "W011000004" : "W011000001");
        return TRUE;
      }
    case BODY_NONE:
    case BODY_RESET:
    case BODY_PASSWORD:
    case BODY_USER_CREATE:
    case BODY_USER_PATCH:
    case BODY_CLOCK:
    default:
      return FALSE;
    }
}

/* Works out what the contract says about @c sent with @token: fills
 * c->expect and c->field, following "Order of checks". FALSE when the
 * fuzzer must not send the request. */
static gboolean
judge_case (Fuzzer    *fz,
            Case      *c,
            TokenKind  token,
            gboolean   media_ok)
{
  gsize size = c->body != NULL ? g_bytes_get_size (c->body) : 0;
  g_autofree char *expect = NULL;
  g_autofree char *field = NULL;
  const char *access;

  /* 1. Routing; an oversized body may be refused before the path is
   * looked at. */
  if (c->route == NULL)
    {
      const char *code = c->allow != NULL ? "W094000002" : "W094000001";

      c->expect = size > MAX_BODY ? g_strconcat (code, " W095000008", NULL) : g_strdup (code);
      return TRUE;
    }
  access = judge_access (fz, c->route, token);
  if (access == NULL && size <= MAX_BODY && !judge_operation (fz, c, token, &expect, &field))
    return FALSE;

  /* 4. Size, then the media type; 5, 6. the session; 7, 8. */
  if (size > MAX_BODY)
    c->expect = g_strdup ("W095000008");
  else if (c->route->body != BODY_NONE && !media_ok)
    c->expect = g_strdup ("W095000009");
  else if (access != NULL)
    c->expect = g_strdup (access);
  else
    {
      c->expect = g_steal_pointer (&expect);
      c->field = g_steal_pointer (&field);
    }
  if (c->dot_or_slash && c->expect != NULL)
    {
      char *wider = codes_union (c->expect, "W094000001 W094000002");

      g_free (c->expect);
      c->expect = wider;
    }
  return TRUE;
}

static const Route *
random_route (Fuzzer   *fz,
              gboolean  with_body)
{
  for (;;)
    {
      const Route *route = &routes[between (fz, 0, G_N_ELEMENTS (routes) - 1)];

      if (!with_body || route->body != BODY_NONE)
        return route;
    }
}

static char *
random_segment (Fuzzer *fz)
{
  static const char * const fixed[] = {
    "%00", "a%00b", "%00%00", "%FF", "%C3%28", "%ED%A0%80", "%C0%AF", "%F4%90%80%80", "%E3%81%82", "%20", "a%20b",
    "%2F", "a%2Fb", "%25", "-x", "_x", ".x", "@x", "x%2C", "%2E", "%2E%2E", "a%3Bb", "%4D", "%6E%6Fuser", "%C3%A9",
  };
  GString *text;

  switch (between (fz, 0, 7))
    {
    case 0:
    case 1:
      return g_strdup (PICK (fz, fixed));
    case 2:
      return g_strdup_printf ("nouser%u", g_rand_int (fz->rand));
    case 3:
      {
        /* The main user, sometimes percent-encoded. */
        text = g_string_new (NULL);
        for (const char *p = MERCHANT; *p != '\0'; p++)
          if (chance (fz, 0.3))
            g_string_append_printf (text, "%%%02X", (guchar) *p);
          else
            g_string_append_c (text, *p);
        return g_string_free (text, FALSE);
      }
    case 4:
      return random_from (fz, "abcdefghijklmnopqrstuvwxyz0123456789", between (fz, 65, 200));
    case 5:
      {
        g_autofree char *tail = random_from (fz, "abcdefghijklmnopqrstuvwxyz0123456789", between (fz, 55, 63));

        return g_strconcat ("u", tail, NULL);
      }
    default:
      text = g_string_new (NULL);
      for (guint i = between (fz, 1, 20); i > 0; i--)
        g_string_append_printf (text, "%%%02X", (guint) between (fz, 1, 255));
      return g_string_free (text, FALSE);
    }
}

static char *
unknown_path (Fuzzer *fz)
{
  static const char * const known_first[] = {
    "status", "login", "legacy", "tablet", "password", "otp", "session", "logout", "users", "test",
  };
  static const char * const odd_paths[] = {
    "/", "/api", "/api/", "/api/v1", "/api/v1/", "/favicon.ico", "/api/v1//status", "/API/v1/status", "/api/V1/status",
  };
  const Route *route = random_route (fz, FALSE);
  g_autofree char *known = fill_path (route->path, "nouser1");
  g_autofree char *segment = random_from (fz, "abcdefghijklmnopqrstuvwxyz0123456789-_~", between (fz, 1, 20));

  switch (between (fz, 0, 9))
    {
    case 0:
      if (g_strv_contains (known_first, segment))
        return g_strconcat ("/api/v1/x", segment, NULL);
      return g_strconcat ("/api/v1/", segment, chance (fz, 0.3) ? "/x" : "", NULL);
    case 1:
      return g_strconcat ("/api/v2", known + strlen ("/api/v1"), NULL);
    case 2:
      return g_strconcat ("/api", known + strlen ("/api/v1"), NULL);
    case 3:
      /* Past the end of a path; /users/ID/x/y is no path either. */
      if (g_str_equal (route->path, "/users"))
        return g_strconcat (known, "/nouser1/x", NULL);
      return g_strconcat (known, "/", segment, NULL);
    case 4:
      return g_strconcat (known, "/", NULL);
    case 5:
      {
        char *upper = g_strdup (known);

        upper[strlen ("/api/v1/")] = g_ascii_toupper (upper[strlen ("/api/v1/")]);
        return upper;
      }
    case 6:
      return g_strdup (known + strlen ("/api/v1"));
    case 7:
      return g_strdup (PICK (fz, odd_paths));
    case 8:
      return g_strconcat ("/api/v1/", segment, "%00", NULL);
    default:
      return g_strconcat ("/api/v1/users/nouser1/", segment, NULL);
    }
}

static GBytes *
oversized_body (Fuzzer *fz)
{
  gsize size = chance (fz, 0.1) ? between (fz, 1000000, 2000000) : MAX_BODY + between (fz, 1, 200000);
  char *data = g_malloc (size);

  memset (data, chance (fz, 0.5) ? ' ' : 'x', size);
  if (chance (fz, 0.5))
    {
      data[0] = '{';
      data[size - 1] = '}';
    }
  return g_bytes_new_take (data, size);
}

/* A known route with its path filled in. */
static void
set_route (Fuzzer      *fz,
           Case        *c,
           const Route *route,
           const char  *segment)
{
  c->route = route;
  c->method = route->method;
  if (strstr (route->path, "{}") != NULL)
    {
      g_autofree char *decoded = NULL;

      c->segment = segment != NULL ? g_strdup (segment) : g_strdup_printf ("nouser%u", g_rand_int (fz->rand));
      c->path = fill_path (route->path, c->segment);
      /* An encoded "/" or dot segment may be taken as path structure
       * (RFC 3986 6.2.2.2 allows decoding "%2E"), which changes the
       * route; any routing answer is then fair. */
      decoded = g_uri_unescape_string (c->segment, NULL);
      c->dot_or_slash = decoded != NULL && (g_str_equal (decoded, ".") || g_str_equal (decoded, "..")
                                            || strchr (decoded, '/') != NULL);
    }
  else
    c->path = fill_path (route->path, NULL);
}

/* One random case; FALSE to try again. */
static gboolean
make_case (Fuzzer *fz,
           Case   *c)
{
  static const char * const all_methods[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "get", "post", "M-SEARCH", "PROPFIND",
  };
  guint roll = between (fz, 0, 99);
  TokenKind token;
  guint media;

  if (roll < 6)
    {
      c->label = "unknown path";
      c->method = PICK (fz, all_methods);
      c->path = unknown_path (fz);
      token = random_token_kind (fz, FALSE);
      c->authorization = authorization_for (fz, token);
      c->content_type = "application/json";
      if (chance (fz, 0.1))
        c->body = oversized_body (fz);
      else if (chance (fz, 0.5))
        c->body = raw_body (fz, BODY_LOGIN);
      return judge_case (fz, c, token, TRUE);
    }
  if (roll < 11)
    {
      const Route *route = random_route (fz, FALSE);
      const char *allow = route_method_list (route->path);
      const char *method;

      do
        method = PICK (fz, all_methods);
      while (method_allowed (allow, method));
      c->label = "method";
      set_route (fz, c, route, NULL);
      c->route = NULL;
      c->method = method;
      c->allow = g_strdup (allow);
      token = random_token_kind (fz, FALSE);
      c->authorization = authorization_for (fz, token);
      c->content_type = "application/json";
      if (chance (fz, 0.5))
        c->body = raw_body (fz, route->body != BODY_NONE ? route->body : BODY_LOGIN);
      else if (chance (fz, 0.1))
        c->body = oversized_body (fz);
      return judge_case (fz, c, token, TRUE);
    }
  if (roll < 18)
    {
      const Route *route = random_route (fz, TRUE);

      c->label = "media type";
      set_route (fz, c, route, NULL);
      token = random_token_kind (fz, route->access != ACCESS_NONE);
      c->authorization = authorization_for (fz, token);
      media = between (fz, 0, G_N_ELEMENTS (media_types) - 1);
      c->content_type = media_types[media].type;
      if (chance (fz, 0.7))
        {
          char *text = structured_body (fz, route->body);

          c->body = g_bytes_new_take (text, strlen (text));
        }
      else
        c->body = raw_body (fz, route->body);
      return judge_case (fz, c, token, media_types[media].ok);
    }
  if (roll < 28)
    {
      const Route *route;

      do
        route = random_route (fz, FALSE);
      while (route->access == ACCESS_NONE);
      c->label = "authorization";
      set_route (fz, c, route, NULL);
      token = (TokenKind) between (fz, TOKEN_NONE, TOKEN_ODD);
      c->authorization = authorization_for (fz, token);
      c->content_type = "application/json";
      if (route->body != BODY_NONE || chance (fz, 0.3))
        c->body = raw_body (fz, route->body != BODY_NONE ? route->body : BODY_LOGIN);
      return judge_case (fz, c, token, TRUE);
    }
  if (roll < 34)
    {
      const Route *route = random_route (fz, FALSE);

      c->label = roll < 32 ? "oversized body" : "oversized chunked body";
      set_route (fz, c, route, NULL);
      token = random_token_kind (fz, FALSE);
      c->authorization = authorization_for (fz, token);
      media = between (fz, 0, G_N_ELEMENTS (media_types) - 1);
      c->content_type = media_types[media].type;
      c->body = oversized_body (fz);
      c->chunked = roll >= 32;
      return judge_case (fz, c, token, media_types[media].ok);
    }
  if (roll < 35)
    {
      /* Exactly at the limit: not too large. */
      const Route *route = random_route (fz, TRUE);
      g_autofree char *text = structured_body (fz, route->body);
      GString *padded = g_string_new (text);

      c->label = "body of exactly 64 KiB";
      set_route (fz, c, route, NULL);
      token = random_token_kind (fz, TRUE);
      c->authorization = authorization_for (fz, token);
      c->content_type = "application/json";
      if (padded->len > MAX_BODY)
        g_string_truncate (padded, MAX_BODY);
      while (padded->len < MAX_BODY)
        g_string_append_c (padded, ' ');
      c->body = g_string_free_to_bytes (padded);
      c->chunked = chance (fz, 0.3);
      return judge_case (fz, c, token, TRUE);
    }
  if (roll < 48)
    {
      const Route *route = random_route (fz, TRUE);

      c->label = "raw body";
      set_route (fz, c, route, NULL);
      token = random_token_kind (fz, TRUE);
      c->authorization = authorization_for (fz, token);
      c->content_type = "application/json";
      c->body = raw_body (fz, route->body);
      return judge_case (fz, c, token, TRUE);
    }
  if (roll < 86)
    {
      const Route *route = random_route (fz, TRUE);
      g_autofree char *text = structured_body (fz, route->body);

      c->label = "structured";
      set_route (fz, c, route, NULL);
      token = random_token_kind (fz, TRUE);
      c->authorization = authorization_for (fz, token);
      c->content_type = chance (fz, 0.8) ? "application/json" : "application/json; charset=utf-8";
      c->body = g_bytes_new (text, strlen (text));
      if (!judge_case (fz, c, token, TRUE))
        return FALSE;
      /* Well-formed logins are kept for their own case. */
      return c->account == NULL || g_str_has_prefix (c->expect, "W095");
    }
  if (roll < 97)
    {
      static const char * const segment_routes[] = {
        "/users/{}", "/users/{}", "/users/{}/password-reset", "/users/{}/otp-reset",
      };
      g_autofree char *segment = random_segment (fz);
      const char *pattern = PICK (fz, segment_routes);
      const Route *route = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
        if (g_str_equal (routes[i].path, pattern)
            && (!g_str_equal (pattern, "/users/{}") || g_str_equal (routes[i].method, chance (fz, 0.5) ? "PATCH" : "DELETE")))
          {
            route = &routes[i];
            break;
          }
      if (route == NULL)
        return FALSE;
      c->label = "user ID in the path";
      set_route (fz, c, route, segment);
      token = random_token_kind (fz, TRUE);
      c->authorization = authorization_for (fz, token);
      if (route->body != BODY_NONE)
        {
          g_autofree char *text = chance (fz, 0.5) ? g_strdup ("{}") : structured_body (fz, route->body);

          c->content_type = "application/json";
          c->body = g_bytes_new (text, strlen (text));
        }
      return judge_case (fz, c, token, TRUE);
    }

  /* Well-formed logins to accounts that do not exist; some of them again
   * and again, until they lock. */
  {
    static const char * const lock_paths[] = { "/legacy/login", "/tablet/login" };
    g_autofree char *password = g_strdup_printf ("Wrong-pass-%u", g_rand_int (fz->rand));
    g_autofree char *text = NULL;
    const char *path;
    const Route *route = NULL;

    switch (between (fz, 0, 5))
      {
      case 0:
        path = "/login";
        text = g_strdup_printf ("{\"merchant_code\":\"FZ%u\",\"user_id\":\"ghost\",\"password\":\"%s\"}",
                                g_rand_int (fz->rand), password);
        break;
      case 1:
        path = "/login";
        text = g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"ghost%u\",\"password\":\"%s\",\"otp\":\"%06u\"}",
                                MERCHANT, between (fz, 0, 3), password, between (fz, 0, 999999));
        break;
      case 2:
        path = "/login";
        text = g_strdup_printf ("{\"merchant_code\":\"LOCKNEW\",\"user_id\":\"ghost\",\"password\":\"%s\"}", password);
        break;
      case 3:
        path = PICK (fz, lock_paths);
        text = g_strdup_printf ("{\"merchant_code\":\"LOCKOLD\",\"password\":\"%s\"}", password);
        break;
      default:
        path = PICK (fz, lock_paths);
        text = g_strdup_printf ("{\"merchant_code\":\"FZ%u\",\"password\":\"%s\"}", g_rand_int (fz->rand), password);
        break;
      }
    for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
      if (g_str_equal (routes[i].path, path))
        route = &routes[i];
    c->label = "well-formed login";
    set_route (fz, c, route, NULL);
    c->content_type = "application/json";
    c->body = g_bytes_new (text, strlen (text));
    return judge_case (fz, c, TOKEN_NONE, TRUE);
  }
}

static void
run_case (Fuzzer *fz,
          Case   *c)
{
  g_autoptr(Reply) reply = send_raw (fz, c->method, c->path, c->authorization, c->content_type, c->body, c->chunked);
  const char *code = reply_code (reply);
  g_autofree char *key = g_strdup_printf ("%-22s -> %s", c->label, c->expect != NULL ? c->expect : "any");
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (fz->tally, key)) + 1;

  g_hash_table_replace (fz->tally, g_steal_pointer (&key), GUINT_TO_POINTER (count));
  check_reply (fz, c, reply);
  if (c->account != NULL)
    {
      guint failures = GPOINTER_TO_UINT (g_hash_table_lookup (fz->failures, c->account));

      if (code != NULL && (reply->status == 401 || reply->status == 429))
        {
          fz->hashing++;
          g_hash_table_replace (fz->failures, g_strdup (c->account), GUINT_TO_POINTER (MIN (failures + 1, 10)));
        }
    }
}

/* Setting up and checking the accounts. */

static gboolean
expect_status (Fuzzer     *fz,
               const char *what,
               Reply      *reply,
               guint       status)
{
  g_autofree char *kind = NULL;

  if (reply->status == status)
    return TRUE;
  kind = g_strdup_printf ("%s: expected %u", what, status);
  problem (fz, kind, NULL, reply);
  return FALSE;
}

/* A full login of the main user with a fresh code. */
static char *
main_login (Fuzzer *fz)
{
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  g_autoptr(Reply) reply = NULL;
  gint64 now;

  if (fz->secret == NULL)
    return NULL;
  now = portal_now (fz->portal);
  if (now < fz->otp_time + 30)
    {
      portal_advance (fz->portal, fz->otp_time + 30 - now);
      now = portal_now (fz->portal);
    }
  code = portal_totp (fz->secret, now);
  body = g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}",
                          MERCHANT, MERCHANT, MAIN_PASSWORD, code);
  reply = call (fz, "POST", "/login", NULL, body);
  if (!expect_status (fz, "the main user's full login", reply, 200))
    return NULL;
  fz->otp_time = now;
  if (json_object_get_boolean_member (reply_object (reply), "restricted"))
    problem (fz, "the main user's full login is restricted", NULL, reply);
  return g_strdup (reply_string (reply, "token"));
}

static char *
login (Fuzzer     *fz,
       const char *what,
       const char *path,
       const char *user_id,
       const char *password)
{
  g_autofree char *body = user_id != NULL
    ? g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\"}", MERCHANT, user_id, password)
    : g_strdup_printf ("{\"merchant_code\":\"%s\",\"password\":\"%s\"}", MERCHANT, password);
  g_autoptr(Reply) reply = call (fz, "POST", path, NULL, body);

  if (!expect_status (fz, what, reply, 200))
    return NULL;
  return g_strdup (reply_string (reply, "token"));
}

static JsonNode *
list_users (Fuzzer     *fz,
            const char *token)
{
  g_autoptr(Reply) reply = call (fz, "GET", "/users", token, NULL);
  JsonNode *users;

  if (!expect_status (fz, "GET /users", reply, 200) || reply_object (reply) == NULL)
    return NULL;
  users = json_object_get_member (reply_object (reply), "users");
  return users != NULL ? json_node_copy (users) : NULL;
}

/* Merchant, the main user's enrollment (first login, new password, key),
 * two children and the sessions the fuzzer uses. What the portal refuses
 * is recorded, and the fuzzer goes on with what it has. */
static void
set_up (Fuzzer *fz)
{
  g_autoptr(Reply) changed = NULL;
  g_autoptr(Reply) secret = NULL;
  g_autoptr(Reply) activated = NULL;
  g_autofree char *change = NULL;
  g_autofree char *activate = NULL;
  g_autofree char *code = NULL;
  const char * const child_ids[] = { "child-one", "child.two" };
  const char *first;

  portal_add_merchant (fz->portal, MERCHANT, INITIAL_PASSWORD);
  fz->tokens[TOKEN_MAIN_FIRST] = login (fz, "the main user's first login", "/login", MERCHANT, INITIAL_PASSWORD);
  fz->tokens[TOKEN_LEGACY] = login (fz, "the old login", "/legacy/login", NULL, INITIAL_PASSWORD);
  first = fz->tokens[TOKEN_MAIN_FIRST];
  if (first == NULL)
    return;

  change = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"%s\"}", INITIAL_PASSWORD, MAIN_PASSWORD);
  changed = call (fz, "POST", "/password", first, change);
  if (!expect_status (fz, "setup: POST /password in the main user's first-login session", changed, 204))
    return;
  fz->main_changed = TRUE;
  secret = call (fz, "POST", "/otp/secret", first, NULL);
  if (!expect_status (fz, "setup: POST /otp/secret", secret, 200))
    return;
  fz->otp_time = portal_now (fz->portal);
  code = portal_totp (reply_string (secret, "secret"), fz->otp_time);
  activate = g_strdup_printf ("{\"otp\":\"%s\"}", code);
  activated = call (fz, "POST", "/otp/activate", first, activate);
  if (!expect_status (fz, "setup: POST /otp/activate", activated, 204))
    return;
  fz->secret = g_strdup (reply_string (secret, "secret"));
  fz->tokens[TOKEN_MAIN] = main_login (fz);
  if (fz->tokens[TOKEN_MAIN] == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (child_ids); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\",\"display_name\":\"子 %u\",\"role\":\"%s\"}",
                                               child_ids[i], i, i == 0 ? "general" : "shipping");
      g_autoptr(Reply) created = call (fz, "POST", "/users", fz->tokens[TOKEN_MAIN], body);
      JsonObject *object;

      if (!expect_status (fz, "setup: POST /users", created, 201))
        return;
      object = reply_object (created);
      g_ptr_array_add (fz->children, g_strdup (child_ids[i]));
      g_ptr_array_add (fz->child_passwords, g_strdup (json_object_get_string_member (object, "initial_password")));
    }
  fz->tokens[TOKEN_CHILD] = login (fz, "a child's first login", "/login", g_ptr_array_index (fz->children, 0),
                                   g_ptr_array_index (fz->child_passwords, 0));
  fz->users_before = list_users (fz, fz->tokens[TOKEN_MAIN]);
}

/* After the fuzzing: the same accounts, passwords and users, no locks. */
static void
check_state (Fuzzer *fz)
{
  g_autoptr(Reply) status = call (fz, "GET", "/status", NULL, NULL);
  g_autofree char *legacy = NULL;
  g_autofree char *first = NULL;
  g_autofree char *full = NULL;

  expect_status (fz, "GET /status after the fuzzing", status, 200);
  legacy = login (fz, "the old login after the fuzzing", "/legacy/login", NULL, INITIAL_PASSWORD);
  if (!fz->main_changed)
    {
      first = login (fz, "the main user's first login after the fuzzing", "/login", MERCHANT, INITIAL_PASSWORD);
      return;
    }
  if (fz->secret == NULL)
    return;
  full = main_login (fz);
  if (full == NULL)
    return;
  if (fz->users_before != NULL)
    {
      g_autoptr(JsonNode) users = list_users (fz, full);

      if (users == NULL || !json_node_equal (users, fz->users_before))
        {
          g_autofree char *before = json_to_string (fz->users_before, FALSE);
          g_autofree char *after = users != NULL ? json_to_string (users, FALSE) : g_strdup ("(none)");

          problem (fz, "the users changed", NULL, NULL);
          g_test_message ("users before: %s\nusers after:  %s", before, after);
        }
    }
  for (guint i = 0; i < fz->children->len; i++)
    {
      g_autofree char *token = login (fz, "a child's login after the fuzzing", "/login",
                                      g_ptr_array_index (fz->children, i), g_ptr_array_index (fz->child_passwords, i));
    }
}

static void
check_database (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "portal.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static Fuzzer *
fuzzer_new (guint32 seed)
{
  Fuzzer *fz = g_new0 (Fuzzer, 1);

  fz->portal = portal_fixture_start (NULL, NULL);
  fz->rand = g_rand_new_with_seed (seed);
  fz->children = g_ptr_array_new_with_free_func (g_free);
  fz->child_passwords = g_ptr_array_new_with_free_func (g_free);
  fz->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fz->tally = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fz->kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fz->kind_order = g_ptr_array_new_with_free_func (g_free);
  fuzzer_connect (fz);
  return fz;
}

static void
fuzzer_free (Fuzzer *fz)
{
  g_clear_object (&fz->session);
  portal_fixture_free (fz->portal);
  g_rand_free (fz->rand);
  for (guint i = 0; i < N_TOKENS; i++)
    g_free (fz->tokens[i]);
  g_free (fz->secret);
  g_ptr_array_unref (fz->children);
  g_ptr_array_unref (fz->child_passwords);
  g_clear_pointer (&fz->users_before, json_node_unref);
  g_hash_table_unref (fz->failures);
  g_hash_table_unref (fz->tally);
  g_hash_table_unref (fz->kinds);
  g_ptr_array_unref (fz->kind_order);
  g_free (fz);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fuzzer, fuzzer_free)

static guint32
fuzz_seed (void)
{
  const char *text = g_getenv ("WC_PORTAL_FUZZ_SEED");

  return text != NULL ? (guint32) g_ascii_strtoull (text, NULL, 0) : DEFAULT_SEED;
}

static guint
fuzz_cases (void)
{
  const char *text = g_getenv ("WC_PORTAL_FUZZ_CASES");
  guint64 cases = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;

  return cases > 0 && cases <= 1000000 ? (guint) cases : N_CASES;
}

static void
test_random (void)
{
  guint32 seed = fuzz_seed ();
  guint n_cases = fuzz_cases ();
  g_autoptr(Fuzzer) fz = fuzzer_new (seed);
  g_autoptr(GTimer) timer = g_timer_new ();
  guint made = 0, tries = 0;

  g_test_message ("seed %u (set WC_PORTAL_FUZZ_SEED to change it)", seed);
  set_up (fz);
  g_test_message ("set up in %.1f s: sessions main %s, main first login %s, child %s, old login %s",
                  g_timer_elapsed (timer, NULL), fz->tokens[TOKEN_MAIN] != NULL ? "yes" : "no",
                  fz->tokens[TOKEN_MAIN_FIRST] != NULL ? "yes" : "no", fz->tokens[TOKEN_CHILD] != NULL ? "yes" : "no",
                  fz->tokens[TOKEN_LEGACY] != NULL ? "yes" : "no");

  g_timer_start (timer);
  while (made < n_cases && !fz->dead)
    {
      g_auto(Case) c = { 0 };

      tries++;
      if (!make_case (fz, &c))
        continue;
      made++;
      run_case (fz, &c);
    }
  g_test_message ("%u cases (%u tried, %u reached Argon2id) in %.1f s", made, tries, fz->hashing,
                  g_timer_elapsed (timer, NULL));
  {
    g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (fz->tally), (GCompareFunc) g_strcmp0);

    for (GList *l = keys; l != NULL; l = l->next)
      g_test_message ("  %4u x %s", GPOINTER_TO_UINT (g_hash_table_lookup (fz->tally, l->data)), (char *) l->data);
  }

  if (!fz->dead)
    {
      check_state (fz);
      portal_fixture_stop (fz->portal, FALSE);
      check_database (fz->portal->data_dir);
    }
  report_problems (fz);
}

/* Probes: single requests with the answer the contract prescribes. */

typedef struct {
  const char *what;
  const char *method;
  const char *path;         /* absolute, sent as it is */
  const char *token;        /* "main" for the main user's session, or an Authorization value */
  const char *content_type;
  const char *body;         /* NULL: none */
  gssize size;              /* of the body, -1 for strlen */
  const char *expect;       /* allowed codes; NULL: any JSON error */
} Probe;

static void
run_probe (Fuzzer      *fz,
           const Probe *probe)
{
  g_auto(Case) c = { 0 };
  g_autoptr(Reply) reply = NULL;

  c.label = probe->what;
  c.method = probe->method;
  c.path = g_strdup (probe->path);
  if (probe->token != NULL && g_str_equal (probe->token, "main"))
    c.authorization = fz->tokens[TOKEN_MAIN] != NULL ? g_strconcat ("Bearer ", fz->tokens[TOKEN_MAIN], NULL) : NULL;
  else
    c.authorization = g_strdup (probe->token);
  c.content_type = probe->content_type;
  if (probe->body != NULL)
    c.body = g_bytes_new (probe->body, probe->size >= 0 ? (gsize) probe->size : strlen (probe->body));
  c.expect = g_strdup (probe->expect);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *path = fill_path (routes[i].path, "x");

      if (g_str_equal (routes[i].method, probe->method) && g_str_equal (path, probe->path))
        c.route = &routes[i];
    }
  reply = send_raw (fz, c.method, c.path, c.authorization, c.content_type, c.body, FALSE);
  check_reply (fz, &c, reply);
}

static void
test_probes (void)
{
  static const char json[] = "application/json";
  static const Probe anonymous[] = {
    { "charset other than UTF-8", "POST", "/api/v1/login", NULL, "application/json; charset=iso-8859-1", "{}", -1,
      "W095000009" },
    { "media type parameter other than charset", "POST", "/api/v1/login", NULL, "application/json; foo=bar", "{}", -1,
      "W095000009" },
    { "test clock past ten years", "POST", "/api/v1/test/clock", NULL, json, "{\"advance_seconds\":315360001}", -1,
      "W095000007" },
    { "test clock with a huge negative number", "POST", "/api/v1/test/clock", NULL, json,
      "{\"advance_seconds\":-18446744073709551516}", -1, "W095000007" },
    { "single-quoted JSON", "POST", "/api/v1/test/clock", NULL, json, "{'advance_seconds':0}", -1, "W095000001" },
    { "two JSON texts", "POST", "/api/v1/test/clock", NULL, json, "{\"advance_seconds\":0}{}", -1, "W095000001" },
    { "JSON with a comment", "POST", "/api/v1/test/clock", NULL, json, "/**/{\"advance_seconds\":0}", -1, "W095000001" },
    { "hexadecimal number", "POST", "/api/v1/test/clock", NULL, json, "{\"advance_seconds\":0x10}", -1, "W095000001" },
    { "leading zero", "POST", "/api/v1/test/clock", NULL, json, "{\"advance_seconds\":010}", -1, "W095000001" },
    { "raw control character in a string", "POST", "/api/v1/login", NULL, json,
      "{\"merchant_code\":\"a\tb\",\"user_id\":\"c\",\"password\":\"d\"}", -1, "W095000001" },
    { "invalid \\u escape", "POST", "/api/v1/login", NULL, json,
      "{\"merchant_code\":\"\\uZZZZ\",\"user_id\":\"c\",\"password\":\"d\"}", -1, "W095000001" },
    { "unpaired low surrogate", "POST", "/api/v1/login", NULL, json,
      "{\"merchant_code\":\"\\udc00x\",\"user_id\":\"c\",\"password\":\"d\"}", -1, "W095000005 W095000001" },
    { "%00 in a user ID", "DELETE", "/api/v1/users/%00", NULL, NULL, NULL, -1, "W051000001" },
    { "%00 in an unknown path", "GET", "/api/v1/status%00", NULL, NULL, NULL, -1, "W094000001" },
    /* A target like /users/%zz is not HTTP at all: libsoup refuses it
     * with a bare 400 before the API sees it, as the contract says. */
    { "unknown session", "GET", "/api/v1/session", "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, -1,
      "W051000002" },
  };
  static const Probe with_session[] = {
    { "65-character user ID in the path", "DELETE",
      "/api/v1/users/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "main", NULL, NULL, -1,
      "W095000007" },
    { "%00 in a user ID, with a session", "DELETE", "/api/v1/users/%00", "main", NULL, NULL, -1, "W095000007" },
    { "invalid UTF-8 in a user ID", "DELETE", "/api/v1/users/%FF", "main", NULL, NULL, -1, "W095000007" },
    { "unpaired surrogate in a display name", "POST", "/api/v1/users", "main", json,
      "{\"user_id\":\"probe1\",\"display_name\":\"\\udc00x\",\"role\":\"general\"}", -1, "W095000005 W095000001" },
  };
  g_autoptr(Fuzzer) fz = fuzzer_new (DEFAULT_SEED);

  for (guint i = 0; i < G_N_ELEMENTS (anonymous); i++)
    run_probe (fz, &anonymous[i]);
  set_up (fz);
  if (fz->tokens[TOKEN_MAIN] != NULL)
    {
      g_autoptr(Reply) reset = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (with_session); i++)
        run_probe (fz, &with_session[i]);
      /* A child's password reset works and gives a password that logs in. */
      reset = call (fz, "POST", "/users/child-one/password-reset", fz->tokens[TOKEN_MAIN], NULL);
      if (expect_status (fz, "POST /users/child-one/password-reset", reset, 200))
        {
          g_autofree char *token = login (fz, "login with the reset password", "/login", "child-one",
                                          reply_string (reset, "initial_password"));
        }
    }
  check_alive (fz, NULL);
  report_problems (fz);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char **args = g_new0 (char *, argc + 2);

  /* Each case finds other problems: run the second after the first
   * failed. */
  memcpy (args, argv, sizeof (char *) * argc);
  args[argc++] = (char *) "--keep-going";
  argv = args;
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-fuzz/probes", test_probes);
  g_test_add_func ("/portal-fuzz/random", test_random);
  return portal_test_run ();
}
