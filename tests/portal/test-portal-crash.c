/* test-portal-crash.c: crash safety and persistence of webcollect-portal.
 *
 * /portal-crash/kill: while the test creates, renames and deletes child
 * users, resets their passwords and changes their and the main user's
 * passwords (a few requests in flight at any time), the server is
 * killed with SIGKILL at a random moment, several times. After each kill
 * portal.db passes PRAGMA integrity_check, the server starts again on
 * the same data directory, every change it had acknowledged is there
 * (created users exist, deleted ones do not, new names and passwords are
 * in force), a change it had not acknowledged is there completely or
 * not at all (a user is listed with all its members and its password
 * logs in, or it is not there), and nothing else changed.
 *
 * /portal-crash/restart: after a clean stop (SIGTERM) and a restart,
 * the accounts, the main user's enrolled key and the child users are
 * still there, and the sessions are not (401 W051000002). */
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "portal-fixture.h"
#include "wc-tls.h"

#define MERCHANT "CR500600700"
#define INITIAL_PASSWORD "Initial-pass-8642"
#define MAIN_PASSWORD "Changed-pass-9753"
#define SEED 20211115
#define ROUNDS 5
#define IN_FLIGHT 3
#define MAX_USERS 12

/* The server's database: intact, whatever happened to the server. Read
 * only, while the server is stopped. */
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
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static PortalResponse *
login (PortalFixture *portal,
       const char    *user_id,
       const char    *password,
       const char    *otp)
{
  g_autofree char *body = otp != NULL
    ? g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}",
                       MERCHANT, user_id, password, otp)
    : g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\"}", MERCHANT, user_id, password);

  return portal_request (portal, "POST", "/api/v1/login", NULL, body);
}

static char *
token_of (PortalResponse *response)
{
  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (json_object_get_string_member (portal_response_object (response), "token"));
}

/* The main user's first login, new password and key; returns the key. */
static char *
enroll_main (PortalFixture *portal,
             gint64        *otp_time)
{
  g_autoptr(PortalResponse) first = NULL;
  g_autoptr(PortalResponse) changed = NULL;
  g_autoptr(PortalResponse) secret = NULL;
  g_autoptr(PortalResponse) activated = NULL;
  g_autofree char *token = NULL;
  g_autofree char *change = NULL;
  g_autofree char *activate = NULL;
  g_autofree char *code = NULL;

  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  first = login (portal, MERCHANT, INITIAL_PASSWORD, NULL);
  token = token_of (first);
  change = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"%s\"}", INITIAL_PASSWORD, MAIN_PASSWORD);
  changed = portal_request (portal, "POST", "/api/v1/password", token, change);
  if (changed->status != 204)
    g_error ("POST /api/v1/password %s in the main user's first-login session: expected 204, got %u %s",
             change, changed->status, changed->raw);
  secret = portal_request (portal, "POST", "/api/v1/otp/secret", token, NULL);
  g_assert_cmpuint (secret->status, ==, 200);
  *otp_time = portal_now (portal);
  code = portal_totp (json_object_get_string_member (portal_response_object (secret), "secret"), *otp_time);
  activate = g_strdup_printf ("{\"otp\":\"%s\"}", code);
  activated = portal_request (portal, "POST", "/api/v1/otp/activate", token, activate);
  g_assert_cmpuint (activated->status, ==, 204);
  return g_strdup (json_object_get_string_member (portal_response_object (secret), "secret"));
}

/* A full login of the main user with @password and a code of a step
 * not used before (the test clock starts again at each restart). */
static PortalResponse *
main_login (PortalFixture *portal,
            const char    *secret,
            const char    *password,
            gint64        *otp_time)
{
  g_autofree char *code = NULL;
  gint64 now = portal_now (portal);

  if (now < *otp_time + 30)
    {
      portal_advance (portal, *otp_time + 30 - now);
      now = portal_now (portal);
    }
  code = portal_totp (secret, now);
  *otp_time = now;
  return login (portal, MERCHANT, password, code);
}

static JsonArray *
list_users (PortalFixture  *portal,
            const char     *token,
            PortalResponse **keep)
{
  *keep = portal_request (portal, "GET", "/api/v1/users", token, NULL);
  g_assert_cmpuint ((*keep)->status, ==, 200);
  return json_object_get_array_member (portal_response_object (*keep), "users");
}

/* The model: what the server acknowledged, and what it might have done. */

typedef enum {
  EXISTS_NO,
  EXISTS_YES,
  EXISTS_MAYBE,
} Exists;

typedef struct {
  char *user_id;
  char *role;
  Exists exists;
  char *display_name;
  char *maybe_display_name;   /* a rename without an answer */
  char *password;             /* NULL: not known */
  char *maybe_password;       /* a change without an answer */
  gboolean busy;
} User;

static void
user_free (User *user)
{
  g_free (user->user_id);
  g_free (user->role);
  g_free (user->display_name);
  g_free (user->maybe_display_name);
  g_free (user->password);
  g_free (user->maybe_password);
  g_free (user);
}

typedef struct {
  PortalFixture *portal;
  SoupSession *session;
  GRand *rand;
  GMainLoop *loop;
  char *secret;
  gint64 otp_time;
  char *main_password;
  char *maybe_main_password;
  gboolean main_busy;
  char *main_token;
  GHashTable *users;          /* user ID → User */
  guint round;
  guint serial;
  guint in_flight;
  gboolean killed;
  guint answered;
  guint in_flight_at_kill;
  guint problems;
} Crash;

typedef enum {
  OP_CREATE,
  OP_DELETE,
  OP_RENAME,
  OP_RESET,
  OP_CHILD_LOGIN,
  OP_CHILD_PASSWORD,
  OP_MAIN_PASSWORD,
} OpKind;

typedef struct {
  Crash *crash;
  OpKind kind;
  User *user;
  char *value;                /* the new name or password */
  char *token;                /* the child's session */
  SoupMessage *msg;
  char *request;              /* for reports */
} Op;

static void
op_free (Op *op)
{
  g_free (op->value);
  g_free (op->token);
  g_clear_object (&op->msg);
  g_free (op->request);
  g_free (op);
}

static void
problem (Crash      *crash,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (Crash      *crash,
         const char *format,
         ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  crash->problems++;
  g_test_message ("PROBLEM (round %u): %s", crash->round, text);
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  PortalFixture *portal = user_data;

  return wc_tls_certificate_matches (certificate, portal->fingerprint);
}

static void start_ops (Crash *crash);

static void
on_op_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Op *op = user_data;
  Crash *crash = op->crash;
  User *user = op->user;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = bytes != NULL ? soup_message_get_status (op->msg) : 0;
  JsonObject *object = NULL;
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  guint expected[] = { 201, 204, 200, 200, 200, 204, 204 };

  crash->in_flight--;
  if (size > 0 && json_parser_load_from_data (parser, data, (gssize) size, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  if (status == 0)
    {
      /* No answer: it happened or it did not. */
      switch (op->kind)
        {
        case OP_CREATE:
          user->exists = EXISTS_MAYBE;
          break;
        case OP_DELETE:
          user->exists = EXISTS_MAYBE;
          break;
        case OP_RENAME:
          user->maybe_display_name = g_steal_pointer (&op->value);
          break;
        case OP_RESET:
          g_clear_pointer (&user->password, g_free);
          break;
        case OP_CHILD_PASSWORD:
          user->maybe_password = g_steal_pointer (&op->value);
          break;
        case OP_MAIN_PASSWORD:
          crash->maybe_main_password = g_steal_pointer (&op->value);
          break;
        case OP_CHILD_LOGIN:
        default:
          break;
        }
    }
  else if (status != expected[op->kind])
    {
      problem (crash, "%s answered %u: %.*s", op->request, status, (int) MIN (size, 300), data);
      if (user != NULL)
        {
          user->exists = EXISTS_MAYBE;
          g_clear_pointer (&user->password, g_free);
        }
    }
  else
    {
      crash->answered++;
      switch (op->kind)
        {
        case OP_CREATE:
          user->exists = EXISTS_YES;
          user->password = g_strdup (json_object_get_string_member (object, "initial_password"));
          break;
        case OP_DELETE:
          user->exists = EXISTS_NO;
          break;
        case OP_RENAME:
          g_free (user->display_name);
          user->display_name = g_steal_pointer (&op->value);
          break;
        case OP_RESET:
          g_free (user->password);
          user->password = g_strdup (json_object_get_string_member (object, "initial_password"));
          break;
        case OP_CHILD_LOGIN:
          {
            /* Now the change itself, in the child's session. */
            Op *change = g_new0 (Op, 1);
            g_autofree char *body = NULL;
            g_autofree char *uri = g_strconcat (crash->portal->url, "/api/v1/password", NULL);
            g_autofree char *authorization = NULL;
            g_autoptr(GBytes) request = NULL;

            change->crash = crash;
            change->kind = OP_CHILD_PASSWORD;
            change->user = user;
            change->value = g_strdup_printf ("Crash-%u-%u-pass", crash->round, ++crash->serial);
            change->token = g_strdup (json_object_get_string_member (object, "token"));
            body = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
                                    user->password, change->value);
            change->request = g_strdup_printf ("POST /api/v1/password %s (user %s)", body, user->user_id);
            if (crash->killed)
              {
                user->busy = FALSE;
                op_free (change);
                break;
              }
            change->msg = soup_message_new ("POST", uri);
            g_signal_connect (change->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), crash->portal);
            authorization = g_strconcat ("Bearer ", change->token, NULL);
            soup_message_headers_replace (soup_message_get_request_headers (change->msg), "Authorization",
                                          authorization);
            request = g_bytes_new (body, strlen (body));
            soup_message_set_request_body_from_bytes (change->msg, "application/json", request);
            crash->in_flight++;
            soup_session_send_and_read_async (crash->session, change->msg, G_PRIORITY_DEFAULT, NULL,
                                              on_op_done, change);
            user = NULL;    /* still busy */
          }
          break;
        case OP_CHILD_PASSWORD:
          g_free (user->password);
          user->password = g_steal_pointer (&op->value);
          break;
        case OP_MAIN_PASSWORD:
          g_free (crash->main_password);
          crash->main_password = g_steal_pointer (&op->value);
          break;
        default:
          break;
        }
    }

  if (user != NULL)
    user->busy = FALSE;
  if (op->kind == OP_MAIN_PASSWORD)
    crash->main_busy = FALSE;
  op_free (op);
  if (!crash->killed)
    start_ops (crash);
  else if (crash->in_flight == 0)
    g_main_loop_quit (crash->loop);
}

static void
send_op (Crash      *crash,
         Op         *op,
         const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  g_autofree char *uri = g_strconcat (crash->portal->url, "/api/v1", path, NULL);

  op->crash = crash;
  op->msg = soup_message_new (method, uri);
  op->request = g_strdup_printf ("%s /api/v1%s %s", method, path, body != NULL ? body : "");
  g_signal_connect (op->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), crash->portal);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (op->msg), "Authorization", authorization);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (op->msg, "application/json", bytes);
    }
  if (op->user != NULL)
    op->user->busy = TRUE;
  crash->in_flight++;
  soup_session_send_and_read_async (crash->session, op->msg, G_PRIORITY_DEFAULT, NULL, on_op_done, op);
}

/* A user that no request is working on, known for sure. */
static User *
pick_user (Crash    *crash,
           gboolean  need_password)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  GHashTableIter iter;
  User *user;

  g_hash_table_iter_init (&iter, crash->users);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &user))
    if (user->exists == EXISTS_YES && !user->busy && (!need_password || user->password != NULL))
      g_ptr_array_add (candidates, user);
  if (candidates->len == 0)
    return NULL;
  /* Hash order is not the seed's: sort first. */
  g_ptr_array_sort (candidates, (GCompareFunc) g_strcmp0);
  return g_ptr_array_index (candidates, g_rand_int_range (crash->rand, 0, (gint32) candidates->len));
}

static guint
count_users (Crash *crash)
{
  GHashTableIter iter;
  User *user;
  guint n = 0;

  g_hash_table_iter_init (&iter, crash->users);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &user))
    n += user->exists == EXISTS_YES;
  return n;
}

static gboolean
start_op (Crash *crash)
{
  Op *op = g_new0 (Op, 1);
  double roll = g_rand_double (crash->rand);
  guint n = count_users (crash);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  if (n < 3 || (n < MAX_USERS && roll < 0.3))
    {
      User *user = g_new0 (User, 1);

      user->user_id = g_strdup_printf ("r%uu%u", crash->round, ++crash->serial);
      user->role = g_strdup (g_rand_boolean (crash->rand) ? "general" : "shipping");
      user->display_name = g_strdup_printf ("クラッシュ %s", user->user_id);
      user->exists = EXISTS_MAYBE;
      g_hash_table_insert (crash->users, user->user_id, user);
      op->kind = OP_CREATE;
      op->user = user;
      body = g_strdup_printf ("{\"user_id\":\"%s\",\"display_name\":\"%s\",\"role\":\"%s\"}", user->user_id,
                              user->display_name, user->role);
      send_op (crash, op, "POST", "/users", crash->main_token, body);
      return TRUE;
    }
  if (roll < 0.45 || n >= MAX_USERS)
    {
      op->kind = OP_DELETE;
      op->user = pick_user (crash, FALSE);
    }
  else if (roll < 0.6)
    {
      op->kind = OP_RENAME;
      op->user = pick_user (crash, FALSE);
    }
  else if (roll < 0.7)
    {
      op->kind = OP_RESET;
      op->user = pick_user (crash, FALSE);
    }
  else if (roll < 0.9)
    {
      op->kind = OP_CHILD_LOGIN;
      op->user = pick_user (crash, TRUE);
      if (op->user != NULL && op->user->maybe_password != NULL)
        op->user = NULL;
    }
  else if (!crash->main_busy && crash->maybe_main_password == NULL)
    op->kind = OP_MAIN_PASSWORD;
  else
    {
      op->kind = OP_RENAME;
      op->user = pick_user (crash, FALSE);
    }

  if (op->kind != OP_MAIN_PASSWORD && op->user == NULL)
    {
      op_free (op);
      return FALSE;
    }
  switch (op->kind)
    {
    case OP_DELETE:
      path = g_strconcat ("/users/", op->user->user_id, NULL);
      send_op (crash, op, "DELETE", path, crash->main_token, NULL);
      break;
    case OP_RENAME:
      op->value = g_strdup_printf ("改名 %u-%u", crash->round, ++crash->serial);
      path = g_strconcat ("/users/", op->user->user_id, NULL);
      body = g_strdup_printf ("{\"display_name\":\"%s\"}", op->value);
      send_op (crash, op, "PATCH", path, crash->main_token, body);
      break;
    case OP_RESET:
      path = g_strconcat ("/users/", op->user->user_id, "/password-reset", NULL);
      send_op (crash, op, "POST", path, crash->main_token, NULL);
      break;
    case OP_CHILD_LOGIN:
      body = g_strdup_printf ("{\"merchant_code\":\"%s\",\"user_id\":\"%s\",\"password\":\"%s\"}", MERCHANT,
                              op->user->user_id, op->user->password);
      send_op (crash, op, "POST", "/login", NULL, body);
      break;
    case OP_MAIN_PASSWORD:
      op->value = g_strdup_printf ("Main-%u-%u-pass", crash->round, ++crash->serial);
      body = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"%s\"}", crash->main_password,
                              op->value);
      crash->main_busy = TRUE;
      send_op (crash, op, "POST", "/password", crash->main_token, body);
      break;
    case OP_CREATE:
    case OP_CHILD_PASSWORD:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static void
start_ops (Crash *crash)
{
  for (guint tries = 0; crash->in_flight < IN_FLIGHT && tries < 10; tries++)
    start_op (crash);
}

static gboolean
on_kill (gpointer user_data)
{
  Crash *crash = user_data;

  crash->killed = TRUE;
  crash->in_flight_at_kill = crash->in_flight;
  portal_fixture_stop (crash->portal, TRUE);
  if (crash->in_flight == 0)
    g_main_loop_quit (crash->loop);
  return G_SOURCE_REMOVE;
}

/* The main user logs in with whichever password is in force. */
static void
main_session (Crash *crash)
{
  const char *candidates[] = { crash->main_password, crash->maybe_main_password };

  g_clear_pointer (&crash->main_token, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (candidates) && crash->main_token == NULL; i++)
    {
      g_autoptr(PortalResponse) response = NULL;

      if (candidates[i] == NULL)
        continue;
      response = main_login (crash->portal, crash->secret, candidates[i], &crash->otp_time);
      if (response->status == 200)
        {
          crash->main_token = token_of (response);
          if (i == 1)
            {
              g_free (crash->main_password);
              crash->main_password = g_steal_pointer (&crash->maybe_main_password);
            }
        }
      else if (i == 0 && crash->maybe_main_password == NULL)
        problem (crash, "the main user's acknowledged password %s does not log in: %u %s", candidates[i],
                 response->status, response->raw);
    }
  if (crash->main_token == NULL)
    g_error ("round %u: the main user can log in with neither password", crash->round);
  g_clear_pointer (&crash->maybe_main_password, g_free);
}

static JsonObject *
find_listed (JsonArray  *users,
             const char *user_id)
{
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (user, "user_id"), user_id) == 0)
        return user;
    }
  return NULL;
}

/* A listed user is complete: every member there, and a password that
 * logs in. */
static void
check_listed_user (Crash      *crash,
                   User       *user,
                   JsonObject *listed)
{
  const char *members[] = {
    "merchant_code", "user_id", "display_name", "role", "disabled", "otp_enrolled", "must_change_password",
    "locked_until", "created_at", "password_changed_at",
  };
  const char *name = json_object_get_string_member (listed, "display_name");
  const char *candidates[2] = { user->maybe_password, user->password };
  gboolean logged_in = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (!json_object_has_member (listed, members[i]))
      problem (crash, "user %s is listed without %s", user->user_id, members[i]);
  if (g_strcmp0 (json_object_get_string_member (listed, "role"), user->role) != 0)
    problem (crash, "user %s has role %s, not %s", user->user_id, json_object_get_string_member (listed, "role"),
             user->role);
  if (g_strcmp0 (name, user->display_name) != 0 && g_strcmp0 (name, user->maybe_display_name) != 0)
    problem (crash, "user %s is named %s, not %s%s%s", user->user_id, name, user->display_name,
             user->maybe_display_name != NULL ? " or " : "",
             user->maybe_display_name != NULL ? user->maybe_display_name : "");
  if (!json_object_get_null_member (listed, "locked_until"))
    problem (crash, "user %s is locked", user->user_id);
  g_free (user->display_name);
  user->display_name = g_strdup (name);
  g_clear_pointer (&user->maybe_display_name, g_free);

  /* A change without an answer may or may not be in force. */
  for (guint i = 0; i < G_N_ELEMENTS (candidates) && !logged_in; i++)
    {
      g_autoptr(PortalResponse) response = NULL;

      if (candidates[i] == NULL)
        continue;
      response = login (crash->portal, user->user_id, candidates[i], NULL);
      if (response->status == 200)
        {
          logged_in = TRUE;
          if (candidates[i] != user->password)
            {
              g_free (user->password);
              user->password = g_strdup (candidates[i]);
            }
        }
      else if (candidates[i] == user->password && user->maybe_password == NULL)
        problem (crash, "user %s: the acknowledged password %s does not log in: %u %s", user->user_id,
                 candidates[i], response->status, response->raw);
    }
  g_clear_pointer (&user->maybe_password, g_free);

  if (!logged_in && (user->password == NULL || user->exists == EXISTS_MAYBE))
    {
      /* A creation or reset without an answer: the password is unknown.
       * A reset shows that the user is complete enough to get one. */
      g_autofree char *path = g_strconcat ("/api/v1/users/", user->user_id, "/password-reset", NULL);
      g_autoptr(PortalResponse) reset = portal_request (crash->portal, "POST", path, crash->main_token, NULL);
      g_autoptr(PortalResponse) response = NULL;

      if (reset->status != 200)
        {
          problem (crash, "user %s is listed but its password cannot be reset: %u %s", user->user_id,
                   reset->status, reset->raw);
          return;
        }
      g_free (user->password);
      user->password = g_strdup (json_object_get_string_member (portal_response_object (reset), "initial_password"));
      response = login (crash->portal, user->user_id, user->password, NULL);
      if (response->status != 200)
        problem (crash, "user %s: its reset password does not log in: %u %s", user->user_id, response->status,
                 response->raw);
    }
  else if (!logged_in)
    problem (crash, "user %s: no password logs in", user->user_id);
  user->exists = EXISTS_YES;
}

/* After a restart: the users are what the model allows, and complete. */
static void
verify (Crash *crash)
{
  g_autoptr(PortalResponse) keep = NULL;
  g_autoptr(PortalResponse) legacy = NULL;
  g_autoptr(GList) ids = NULL;
  g_autofree char *legacy_body = g_strdup_printf ("{\"merchant_code\":\"%s\",\"password\":\"%s\"}", MERCHANT,
                                                  INITIAL_PASSWORD);
  JsonArray *listed;

  main_session (crash);
  listed = list_users (crash->portal, crash->main_token, &keep);

  for (guint i = 0; i < json_array_get_length (listed); i++)
    {
      const char *user_id = json_object_get_string_member (json_array_get_object_element (listed, i), "user_id");

      if (!g_hash_table_contains (crash->users, user_id))
        problem (crash, "user %s is listed, but it was never created", user_id);
    }

  ids = g_list_sort (g_hash_table_get_keys (crash->users), (GCompareFunc) g_strcmp0);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      User *user = g_hash_table_lookup (crash->users, l->data);
      JsonObject *found = find_listed (listed, user->user_id);

      if (user->exists == EXISTS_YES && found == NULL)
        problem (crash, "user %s: its creation was acknowledged (201), but it is gone", user->user_id);
      else if (user->exists == EXISTS_NO && found != NULL)
        problem (crash, "user %s: its deletion was acknowledged (204), but it is still listed", user->user_id);
      if (found != NULL)
        check_listed_user (crash, user, found);
      else
        {
          /* Not there, so it must not log in either (no half user). */
          if (user->exists == EXISTS_MAYBE && user->password != NULL)
            {
              g_autoptr(PortalResponse) response = login (crash->portal, user->user_id, user->password, NULL);

              if (response->status != 401)
                problem (crash, "user %s is not listed, but its login answers %u %s", user->user_id,
                         response->status, response->raw);
            }
          user->exists = EXISTS_NO;
        }
    }

  /* The old-login password was never changed. */
  legacy = portal_request (crash->portal, "POST", "/api/v1/legacy/login", NULL, legacy_body);
  if (legacy->status != 200)
    problem (crash, "the old login with the unchanged password answers %u %s", legacy->status, legacy->raw);
}

static void
test_kill (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) user_free);
  Crash crash = { 0 };
  guint in_flight_at_kills = 0;

  g_test_message ("seed %u", SEED);
  crash.portal = portal;
  crash.loop = loop;
  crash.rand = rand;
  crash.users = users;
  crash.secret = enroll_main (portal, &crash.otp_time);
  crash.main_password = g_strdup (MAIN_PASSWORD);
  main_session (&crash);

  for (crash.round = 1; crash.round <= ROUNDS; crash.round++)
    {
      /* Some kills early, most while the work is in full swing. */
      guint delay = crash.round == 1 ? (guint) g_rand_int_range (rand, 5, 60)
                                     : (guint) g_rand_int_range (rand, 100, 2500);
      g_autoptr(GTimer) timer = g_timer_new ();

      crash.session = soup_session_new_with_options ("timeout", 60, NULL);
      crash.killed = FALSE;
      crash.answered = 0;
      start_ops (&crash);
      g_timeout_add (delay, on_kill, &crash);
      g_main_loop_run (loop);
      g_clear_object (&crash.session);
      in_flight_at_kills += crash.in_flight_at_kill;
      g_test_message ("round %u: killed after %u ms with %u requests in flight, %u answered before",
                      crash.round, delay, crash.in_flight_at_kill, crash.answered);

      check_database (portal->data_dir);
      g_timer_start (timer);
      portal_fixture_relaunch (portal);
      g_test_message ("round %u: started again in %.2f s", crash.round, g_timer_elapsed (timer, NULL));
      verify (&crash);
      g_test_message ("round %u: %u users now", crash.round, count_users (&crash));
    }

  /* The kills did hit requests in flight. */
  g_assert_cmpuint (in_flight_at_kills, >, 0);
  portal_fixture_stop (portal, FALSE);
  check_database (portal->data_dir);
  g_free (crash.secret);
  g_free (crash.main_password);
  g_free (crash.maybe_main_password);
  g_free (crash.main_token);
  if (crash.problems > 0)
    g_test_fail_printf ("%u problems after kills (see the PROBLEM lines)", crash.problems);
}

static void
test_restart (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) full = NULL;
  g_autoptr(PortalResponse) keep_before = NULL;
  g_autoptr(PortalResponse) keep_after = NULL;
  g_autoptr(PortalResponse) child = NULL;
  g_autoptr(PortalResponse) changed = NULL;
  g_autoptr(PortalResponse) again = NULL;
  g_autoptr(PortalResponse) old_main = NULL;
  g_autoptr(PortalResponse) old_child = NULL;
  g_autoptr(PortalResponse) child_after = NULL;
  g_autoptr(PortalResponse) second_after = NULL;
  g_autoptr(PortalResponse) legacy = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *main_token = NULL;
  g_autofree char *child_token = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *change = NULL;
  g_autofree char *legacy_body = g_strdup_printf ("{\"merchant_code\":\"%s\",\"password\":\"%s\"}", MERCHANT,
                                                  INITIAL_PASSWORD);
  const char *ids[] = { "tanaka", "suzuki" };
  char *passwords[2] = { NULL, NULL };
  JsonObject *session;
  gint64 otp_time = 0;

  secret = enroll_main (portal, &otp_time);
  full = main_login (portal, secret, MAIN_PASSWORD, &otp_time);
  main_token = token_of (full);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"user_id\":\"%s\",\"display_name\":\"子 %s\",\"role\":\"general\"}",
                                               ids[i], ids[i]);
      g_autoptr(PortalResponse) created = portal_request (portal, "POST", "/api/v1/users", main_token, body);

      g_assert_cmpuint (created->status, ==, 201);
      passwords[i] = g_strdup (json_object_get_string_member (portal_response_object (created), "initial_password"));
    }
  /* The first child changes its password. */
  child = login (portal, ids[0], passwords[0], NULL);
  child_token = token_of (child);
  change = g_strdup_printf ("{\"current_password\":\"%s\",\"new_password\":\"Tanaka-pass-2024\"}", passwords[0]);
  changed = portal_request (portal, "POST", "/api/v1/password", child_token, change);
  g_assert_cmpuint (changed->status, ==, 204);
  keep_before = portal_request (portal, "GET", "/api/v1/users", main_token, NULL);
  g_assert_cmpuint (keep_before->status, ==, 200);
  before = json_node_copy (json_object_get_member (portal_response_object (keep_before), "users"));

  portal_fixture_restart (portal);

  /* Sessions live in memory only. */
  old_main = portal_request (portal, "GET", "/api/v1/session", main_token, NULL);
  portal_assert_error (old_main, 401, "W051000002");
  old_child = portal_request (portal, "GET", "/api/v1/session", child_token, NULL);
  portal_assert_error (old_child, 401, "W051000002");

  /* The key, the passwords and the users stay. The test clock starts
   * again from the real time, so the next code must come after the
   * last one used. */
  again = main_login (portal, secret, MAIN_PASSWORD, &otp_time);
  g_assert_cmpuint (again->status, ==, 200);
  session = portal_response_object (again);
  g_assert_false (json_object_get_boolean_member (session, "restricted"));
  g_assert_true (json_object_get_boolean_member (session, "otp_enrolled"));
  g_free (main_token);
  main_token = token_of (again);
  keep_after = portal_request (portal, "GET", "/api/v1/users", main_token, NULL);
  g_assert_cmpuint (keep_after->status, ==, 200);
  g_assert_true (json_node_equal (json_object_get_member (portal_response_object (keep_after), "users"), before));

  child_after = login (portal, ids[0], "Tanaka-pass-2024", NULL);
  g_assert_cmpuint (child_after->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (portal_response_object (child_after), "must_change_password"));
  second_after = login (portal, ids[1], passwords[1], NULL);
  g_assert_cmpuint (second_after->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (portal_response_object (second_after), "must_change_password"));
  legacy = portal_request (portal, "POST", "/api/v1/legacy/login", NULL, legacy_body);
  g_assert_cmpuint (legacy->status, ==, 200);

  portal_fixture_stop (portal, FALSE);
  check_database (portal->data_dir);
  g_free (passwords[0]);
  g_free (passwords[1]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-crash/restart", test_restart);
  g_test_add_func ("/portal-crash/kill", test_kill);
  return portal_test_run ();
}
