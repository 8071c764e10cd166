/* test-portal-cli.c: webcollect-portal's command line: help, usage
 * errors, data-directory errors, merchant add, maintenance and old-login
 * administration seen through a running server, the demo, and a clean
 * stop on SIGTERM. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "portal-fixture.h"

typedef struct {
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_portal (Run                *run,
            const char         *input,
            const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) g_getenv ("WEBCOLLECT_PORTAL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static guint
count_lines (const char *text)
{
  guint lines = 0;

  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';
  return lines;
}

static void
test_help (void)
{
  const char *commands[] = { "serve", "demo", "merchant add", "maintenance", "old-login" };
  const char *subcommands[][3] = {
    { "serve", "--help", NULL }, { "demo", "--help", NULL }, { "merchant", "--help", NULL },
    { "maintenance", "--help", NULL }, { "old-login", "--help", NULL },
  };
  g_auto(Run) run = { 0 };

  run_portal (&run, NULL, (const char *[]) { "--help", NULL });
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (run.out, commands[i]));

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      g_auto(Run) sub = { 0 };

      run_portal (&sub, NULL, subcommands[i]);
      g_assert_cmpint (sub.status, ==, 0);
      g_assert_nonnull (strstr (sub.out, "--data"));
    }
}

static void
test_usage_errors (void)
{
  const char *cases[][8] = {
    { "frobnicate", NULL },
    { "serve", "--no-such-flag", NULL },
    { "serve", NULL },                                          /* no --data */
    { "serve", "--data", "/tmp/x", "--listen", "localhost", NULL },
    { "serve", "--data", "/tmp/x", "--cert", "a.pem", NULL },   /* --cert without --key */
    { "maintenance", "add", "--data", "/tmp/x", "--starts-at", "tomorrow" },
    { "old-login", "close", "--data", "/tmp/x", "--at", "yesterday" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_portal (&run, NULL, cases[i]);
      g_test_message ("%s → %s", cases[i][0], run.err);
      g_assert_cmpint (run.status, ==, 2);
      /* One clear line, naming the program. */
      g_assert_true (g_str_has_prefix (run.err, "webcollect-portal: "));
      g_assert_cmpuint (count_lines (run.err), ==, 1);
      g_assert_cmpstr (run.out, ==, "");
    }
}

static void
test_bad_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wc-portal-cli-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *under_file = g_build_filename (file, "data", NULL);
  g_auto(Run) run = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "not a directory", -1, NULL));

  run_portal (&run, NULL, (const char *[]) { "serve", "--data", under_file, NULL });
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "webcollect-portal: "));
  g_assert_nonnull (strstr (run.err, under_file));
  g_assert_cmpuint (count_lines (run.err), ==, 1);

  g_unlink (file);
  g_rmdir (dir);
}

static void
test_merchant_add (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_auto(Run) weak = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) empty = { 0 };
  g_autoptr(PortalResponse) login = NULL;

  /* The policy applies to the initial access password too. */
  run_portal (&weak, "short1\n", (const char *[]) { "merchant", "add", "M1", "--data", portal->data_dir, NULL });
  g_assert_cmpint (weak.status, ==, 1);
  g_assert_nonnull (strstr (weak.err, "12"));

  run_portal (&empty, "", (const char *[]) { "merchant", "add", "M1", "--data", portal->data_dir, NULL });
  g_assert_cmpint (empty.status, ==, 1);

  portal_add_merchant (portal, "M1", "initial-pass-1234");
  run_portal (&again, "initial-pass-5678\n", (const char *[]) { "merchant", "add", "M1", "--data", portal->data_dir, NULL });
  g_assert_cmpint (again.status, ==, 1);

  /* The password works for both logins, and is not in the output. */
  login = portal_request (portal, "POST", "/api/v1/login", NULL,
                          "{\"merchant_code\":\"M1\",\"user_id\":\"M1\",\"password\":\"initial-pass-1234\"}");
  g_assert_cmpuint (login->status, ==, 200);
  g_clear_pointer (&login, portal_response_free);
  login = portal_request (portal, "POST", "/api/v1/legacy/login", NULL,
                          "{\"merchant_code\":\"M1\",\"password\":\"initial-pass-1234\"}");
  g_assert_cmpuint (login->status, ==, 200);
  g_assert_null (strstr (again.out, "initial-pass"));
}

static void
test_maintenance_and_closure (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(PortalResponse) status = NULL;
  g_autoptr(PortalResponse) blocked = NULL;
  g_autoptr(PortalResponse) closed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = g_date_time_add_minutes (now, 40);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);
  g_auto(Run) add = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) clear = { 0 };
  g_auto(Run) close = { 0 };
  g_auto(Run) reopen = { 0 };
  JsonObject *maintenance;

  run_portal (&add, NULL, (const char *[]) { "maintenance", "add", "--data", portal->data_dir, "--starts-at", "now",
                                             "--ends-at", end_text, "--message-ja", "メンテナンス中です", NULL });
  g_assert_cmpint (add.status, ==, 0);
  run_portal (&list, NULL, (const char *[]) { "maintenance", "list", "--data", portal->data_dir, NULL });
  g_assert_cmpuint (count_lines (list.out), ==, 1);

  /* The running server sees it at its next request. */
  status = portal_request (portal, "GET", "/api/v1/status", NULL, NULL);
  maintenance = json_object_get_object_member (portal_response_object (status), "maintenance");
  g_assert_true (json_object_get_boolean_member (maintenance, "active"));
  blocked = portal_request (portal, "GET", "/api/v1/session", NULL, NULL);
  portal_assert_error (blocked, 503, "W096000001");

  run_portal (&clear, NULL, (const char *[]) { "maintenance", "clear", "--data", portal->data_dir, NULL });
  g_assert_cmpint (clear.status, ==, 0);

  run_portal (&close, NULL, (const char *[]) { "old-login", "close", "--data", portal->data_dir, "--at", "now", NULL });
  g_assert_cmpint (close.status, ==, 0);
  closed = portal_request (portal, "POST", "/api/v1/legacy/login", NULL,
                           "{\"merchant_code\":\"M1\",\"password\":\"whatever-1234\"}");
  portal_assert_error (closed, 410, "W066000001");

  run_portal (&reopen, NULL, (const char *[]) { "old-login", "reopen", "--data", portal->data_dir, NULL });
  g_assert_cmpint (reopen.status, ==, 0);
  g_clear_pointer (&closed, portal_response_free);
  closed = portal_request (portal, "POST", "/api/v1/legacy/login", NULL,
                           "{\"merchant_code\":\"M1\",\"password\":\"whatever-1234\"}");
  portal_assert_error (closed, 401, "W061000001");
}

static void
test_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wc-portal-demo-XXXXXX", &error);
  g_autoptr(GSubprocess) demo = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *first = NULL;
  g_autofree char *code = NULL;
  g_autofree char *password = NULL;

  g_assert_no_error (error);
  demo = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("WEBCOLLECT_PORTAL"), "demo",
                           "--data", dir, "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (demo));
  first = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  code = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  password = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_regex_match_simple ("^https://127\\.0\\.0\\.1:[0-9]+ [0-9a-f]{64}$", first, 0, 0));
  g_assert_cmpstr (code, ==, "merchant_code=123456789");
  g_assert_true (g_regex_match_simple ("^initial_password=[A-Za-z0-9]{16}$", password, 0, 0));

  /* SIGTERM stops it cleanly. */
  g_subprocess_send_signal (demo, SIGTERM);
  g_assert_true (g_subprocess_wait (demo, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (demo));
  g_assert_cmpint (g_subprocess_get_exit_status (demo), ==, 0);

  /* The files are the owner's alone. */
  {
    const char *names[] = { "portal.db", "portal.crt", "portal.key" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        GStatBuf st;

        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (st.st_mode & 0077, ==, 0);
      }
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-cli/help", test_help);
  g_test_add_func ("/portal-cli/usage-errors", test_usage_errors);
  g_test_add_func ("/portal-cli/bad-data-dir", test_bad_data_dir);
  g_test_add_func ("/portal-cli/merchant-add", test_merchant_add);
  g_test_add_func ("/portal-cli/maintenance-and-closure", test_maintenance_and_closure);
  g_test_add_func ("/portal-cli/demo", test_demo);
  return portal_test_run ();
}
