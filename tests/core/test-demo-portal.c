/* test-demo-portal.c: WcDemoPortal running the real webcollect-portal
 * built in this tree, headless. Covers a first start on a fresh data
 * directory (with the initial password, which logs in through the real
 * client), a second start on the same directory, stopping, a missing
 * program and a portal that fails to start. */
#include <glib/gstdio.h>
#include <string.h>

#include "wc-demo-portal.h"
#include "wc-error.h"
#include "wc-portal-client.h"
#include "wc-wait.h"

#ifndef WC_PORTAL_PROGRAM_PATH
#error "WC_PORTAL_PROGRAM_PATH must name the webcollect-portal executable"
#endif

typedef struct {
  char *data_dir;   /* a fresh, not yet existing directory */
  char *tmp_dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp_dir = g_dir_make_tmp ("wc-demo-portal-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->tmp_dir, "data", "demo-portal", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->tmp_dir);
  g_free (f->tmp_dir);
  g_free (f->data_dir);
}

static gboolean
start (WcDemoPortal  *portal,
       GCancellable  *cancellable,
       GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_demo_portal_start_async (portal, cancellable, wc_wait_done, &wait);
  return wc_demo_portal_start_finish (portal, wc_wait_result (&wait), error);
}

static WcPortalStatus *
status (WcPortalClient  *client,
        GError         **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_status_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_status_finish (client, wc_wait_result (&wait), error);
}

static gboolean
is_lower_hex (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static void
finalize_portal (WcDemoPortal *portal)
{
  g_assert_finalize_object (portal);
}

/* Waits, within a few seconds, until the port at @url refuses
 * connections: the portal gets SIGTERM at stop and needs a moment to
 * exit, during which a connection may still be accepted and then cut. */
static void
assert_gone (const char *url,
             const char *fingerprint)
{
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  client = wc_portal_client_new (url, fingerprint, &error);
  g_assert_no_error (error);

  for (;;)
    {
      g_autoptr(WcPortalStatus) answer = status (client, &error);

      if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_NETWORK))
        break;
      g_test_message ("still there: %s", error != NULL ? error->message : "it answered");
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
}

static void
test_first_and_second_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(WcDemoPortal) portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, f->data_dir);
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcPortalStatus) answer = NULL;
  g_autoptr(WcPortalLogin) login = NULL;
  g_autoptr(WcSecret) password = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  GStatBuf st;

  g_assert_null (wc_demo_portal_get_url (portal));
  g_assert_true (start (portal, NULL, &error));
  g_assert_no_error (error);

  /* The data directory was made, readable by its owner only. */
  g_assert_cmpint (g_stat (f->data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  url = g_strdup (wc_demo_portal_get_url (portal));
  fingerprint = g_strdup (wc_demo_portal_get_fingerprint (portal));
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_true (is_lower_hex (fingerprint));
  g_assert_cmpstr (wc_demo_portal_get_merchant_code (portal), ==, "123456789");

  password = wc_demo_portal_dup_initial_password (portal);
  g_assert_nonnull (password);
  g_assert_cmpuint (wc_secret_get_size (password), >=, 12);
  g_assert_cmpuint (strlen (wc_secret_get_text (password)), ==, wc_secret_get_size (password));
  g_assert_null (strchr (wc_secret_get_text (password), '\n'));

  /* It is a real portal: the core client talks to it, trusting only the
   * fingerprint, and the initial password opens the old login. */
  client = wc_portal_client_new (url, fingerprint, &error);
  g_assert_no_error (error);
  answer = status (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_nonnull (answer->name);
  g_assert_cmpstr (answer->name, !=, "");

  wc_wait_init (&wait);
  wc_portal_client_legacy_login_async (client, wc_demo_portal_get_merchant_code (portal),
                                       wc_secret_get_text (password), NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (login);
  g_assert_true (login->must_change_password);

  /* Stopping ends the process: the port refuses connections. */
  wc_demo_portal_stop (portal);
  g_assert_null (wc_demo_portal_get_url (portal));
  g_assert_null (wc_demo_portal_get_fingerprint (portal));
  g_assert_null (wc_demo_portal_get_merchant_code (portal));
  g_assert_null (wc_demo_portal_dup_initial_password (portal));
  assert_gone (url, fingerprint);
  wc_demo_portal_stop (portal);

  /* A second start on the same directory: the merchant exists, so no
   * initial password, and the certificate is the same. The same object
   * can start again. */
  g_assert_true (start (portal, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (wc_demo_portal_get_url (portal), "https://127.0.0.1:"));
  g_assert_cmpstr (wc_demo_portal_get_fingerprint (portal), ==, fingerprint);
  g_assert_cmpstr (wc_demo_portal_get_merchant_code (portal), ==, "123456789");
  g_assert_null (wc_demo_portal_dup_initial_password (portal));
  g_clear_pointer (&url, g_free);
  url = g_strdup (wc_demo_portal_get_url (portal));

  /* Starting what runs already is refused, and changes nothing. */
  g_assert_false (start (portal, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpstr (wc_demo_portal_get_url (portal), ==, url);

  /* Dropping the last reference stops it too. */
  finalize_portal (g_steal_pointer (&portal));
  assert_gone (url, fingerprint);
}

static void
append_line (const char *path,
             const char *line)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  out = g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), text, strlen (text), NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The demo portal's "mail": the newest old-password reset for the
 * merchant, read from the end of the outbox only. */
static void
test_reset_mail (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(WcDemoPortal) portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, f->data_dir);
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcPortalLogin) login = NULL;
  g_autoptr(WcSecret) temporary = NULL;
  g_autoptr(WcSecret) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outbox = g_build_filename (f->data_dir, "outbox.log", NULL);
  g_autofree char *other = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  const char *merchant;
  gint64 expires_at = 0;
  gsize padded = 0;

  g_assert_true (start (portal, NULL, &error));
  g_assert_no_error (error);
  merchant = wc_demo_portal_get_merchant_code (portal);

  /* No reset yet: no outbox at all. */
  g_assert_null (wc_demo_portal_read_reset_mail (portal, merchant, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  client = wc_portal_client_new (wc_demo_portal_get_url (portal), wc_demo_portal_get_fingerprint (portal), &error);
  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_portal_client_legacy_password_reset_async (client, merchant, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  temporary = wc_demo_portal_read_reset_mail (portal, merchant, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (temporary);
  g_assert_cmpuint (strlen (wc_secret_get_text (temporary)), ==, 16);
  g_assert_cmpint (ABS (expires_at - (g_get_real_time () / G_USEC_PER_SEC + 24 * 3600)), <, 600);
  /* Another merchant code has no mail. */
  g_assert_null (wc_demo_portal_read_reset_mail (portal, "987654321", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* It is the password the portal made: the old login takes it. */
  wc_wait_init (&wait);
  wc_portal_client_legacy_login_async (client, merchant, wc_secret_get_text (temporary), NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (login->must_change_password);

  /* Lines that are not messages are passed over. */
  append_line (outbox, "not json {");
  append_line (outbox, "[1, 2]");
  again = wc_demo_portal_read_reset_mail (portal, merchant, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wc_secret_equal (again, temporary));
  g_clear_pointer (&again, wc_secret_unref);

  /* Only the outbox's last 64 KiB are read: a message further back is
   * not found, however long the file. */
  other = g_strdup_printf ("{\"kind\":\"legacy-password-reset\",\"merchant_code\":\"987654321\","
                           "\"temporary_password\":\"%s\"}", "Aa1-other-merchant-pw");
  while (padded <= 64 * 1024)
    {
      append_line (outbox, other);
      padded += strlen (other) + 1;
    }
  g_assert_null (wc_demo_portal_read_reset_mail (portal, merchant, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The newest message counts. */
  append_line (outbox, "{\"kind\":\"legacy-password-reset\",\"merchant_code\":\"123456789\","
                       "\"temporary_password\":\"Newest-temp-pw-16\",\"expires_at\":\"2026-12-08T10:00:00Z\"}");
  again = wc_demo_portal_read_reset_mail (portal, merchant, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_secret_get_text (again), ==, "Newest-temp-pw-16");
  g_assert_cmpint (expires_at, ==, 1796724000);
}

static void
test_missing_program (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *program = g_build_filename (f->tmp_dir, "no-such-dir", "webcollect-portal", NULL);
  g_autoptr(WcDemoPortal) portal = wc_demo_portal_new (program, f->data_dir);
  g_autoptr(GError) error = NULL;

  g_assert_false (start (portal, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, program));
  g_assert_null (wc_demo_portal_get_url (portal));

  finalize_portal (g_steal_pointer (&portal));
}

/* A data directory that cannot be a portal's: the folder cannot be made
 * at all, or the portal itself gives up, and then the error quotes what
 * it wrote to standard error. */
static void
test_portal_fails (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->tmp_dir, "not-a-directory", NULL);
  g_autofree char *below = g_build_filename (file, "data", NULL);
  g_autofree char *database = g_build_filename (f->data_dir, "portal.db", NULL);
  g_autoptr(WcDemoPortal) portal = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, below);
  g_assert_false (start (portal, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, "not-a-directory"));
  g_clear_error (&error);
  g_clear_object (&portal);

  /* A directory where the database should be. */
  g_assert_cmpint (g_mkdir_with_parents (database, 0700), ==, 0);
  portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, f->data_dir);
  g_assert_false (start (portal, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The demo portal could not start: "));
  g_assert_nonnull (strstr (error->message, "webcollect-portal: "));
  g_assert_null (wc_demo_portal_get_url (portal));
  g_clear_error (&error);
  g_clear_object (&portal);

  /* A program that says nothing at all: the error says how it ended. */
  portal = wc_demo_portal_new ("/bin/false", f->data_dir);
  g_assert_false (start (portal, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "The demo portal could not start: it exited with status 1");

  finalize_portal (g_steal_pointer (&portal));
}

static void
test_stop_without_start (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(WcDemoPortal) portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, f->data_dir);

  wc_demo_portal_stop (portal);
  wc_demo_portal_stop (portal);
  g_assert_null (wc_demo_portal_get_url (portal));
  g_assert_null (wc_demo_portal_dup_initial_password (portal));
  /* Nothing was started, so nothing was created. */
  g_assert_false (g_file_test (f->data_dir, G_FILE_TEST_EXISTS));

  finalize_portal (g_steal_pointer (&portal));
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(WcDemoPortal) portal = wc_demo_portal_new (WC_PORTAL_PROGRAM_PATH, f->data_dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;

  /* Cancelled while the portal is on its way up. */
  wc_wait_init (&wait);
  wc_demo_portal_start_async (portal, cancellable, wc_wait_done, &wait);
  g_cancellable_cancel (cancellable);
  g_assert_false (wc_demo_portal_start_finish (portal, wc_wait_result (&wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (wc_demo_portal_get_url (portal));
  g_clear_error (&error);
  /* The result holds a reference to the portal. */
  wc_wait_clear (&wait);

  /* It can start afterwards. */
  g_assert_true (start (portal, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (wc_demo_portal_get_url (portal));

  finalize_portal (g_steal_pointer (&portal));
}

static void
test_defaults (void)
{
  g_autofree char *data_dir = wc_demo_portal_default_data_dir ();
  g_autofree char *expected_dir = g_build_filename (g_get_user_data_dir (), "webcollect-login",
                                                    "demo-portal", NULL);
  g_autofree char *program = NULL;

  g_assert_cmpstr (data_dir, ==, expected_dir);

  g_setenv ("WC_PORTAL_PROGRAM", WC_PORTAL_PROGRAM_PATH, TRUE);
  program = wc_demo_portal_find_program ();
  g_assert_cmpstr (program, ==, WC_PORTAL_PROGRAM_PATH);
  g_clear_pointer (&program, g_free);

  g_unsetenv ("WC_PORTAL_PROGRAM");
  program = wc_demo_portal_find_program ();
  g_assert_true (g_path_is_absolute (program));
  g_assert_true (g_str_has_suffix (program, G_DIR_SEPARATOR_S "webcollect-portal"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/demo-portal/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("first-and-second-start", test_first_and_second_start);
  ADD ("missing-program", test_missing_program);
  ADD ("reset-mail", test_reset_mail);
  ADD ("portal-fails", test_portal_fails);
  ADD ("stop-without-start", test_stop_without_start);
  ADD ("cancelled", test_cancelled);
#undef ADD
  g_test_add_func ("/demo-portal/defaults", test_defaults);

  return g_test_run ();
}
