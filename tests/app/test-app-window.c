/* test-app-window.c: the whole window against a real webcollect-portal on
 * loopback and the real keyring: a new login whose one-time password the
 * built-in authenticator fills in, the old login lasting one run only,
 * the maintenance notice with its automatic retry, lockout, the forced
 * password change, the old login's closure, and idle logout's toast.
 * With SECRET_BACKEND=file (app-window-file) the keys live in libsecret's
 * keyring file, as inside the Flatpak, in the session's throw-away HOME. */
#include "app-test-util.h"
#include "wc-error-bar.h"

#include <glib/gi18n.h>

#include "portal-fixture.h"
#include "wc-application.h"
#include "wc-error.h"
#include "wc-login-page.h"
#include "wc-otpauth-uri.h"
#include "wc-ui-util.h"
#include "wc-wait.h"
#include "wc-window.h"

/* What the app shows, in the language the test runs in. */
#define T(text) g_dgettext (GETTEXT_PACKAGE, text)

#define MERCHANT "123456789"
#define INITIAL_PASSWORD "Initial-pass-2026x"
#define CHOSEN_PASSWORD "Chosen-pass-2026y"

static WcApplication *app;

static char *
page_of (WcWindow *window)
{
  return wc_window_dup_page_name (window);
}

#define assert_page(window, name) G_STMT_START { \
    g_autofree char *page__ = page_of (window); \
    g_assert_cmpstr (page__, ==, (name)); \
  } G_STMT_END

static gboolean
in_japanese (void)
{
  return g_str_has_prefix (g_get_language_names ()[0], "ja");
}

/* Whether the window shows a text made from @format, judged by the
 * part before its first directive. */
static gboolean
shows_format (WcWindow   *window,
              const char *format)
{
  g_autofree char *head = g_strndup (format, strstr (format, "%s") - format);

  return app_test_shows_text (GTK_WIDGET (window), head);
}

static gboolean
page_is (WcWindow   *window,
         const char *name)
{
  g_autofree char *page = page_of (window);

  return g_strcmp0 (page, name) == 0;
}

static GtkWidget *
login_page (WcWindow *window)
{
  GtkWidget *page = app_test_find_shown (GTK_WIDGET (window), WC_TYPE_LOGIN_PAGE, NULL);

  g_assert_nonnull (page);
  return page;
}

static void
fill (WcWindow   *window,
      const char *row_title,
      const char *text)
{
  GtkWidget *row = app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, row_title);

  if (row == NULL)
    {
      g_autofree char *page = wc_window_dup_page_name (window);
      g_error ("no row “%s” is shown on page %s", row_title, page);
    }
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
submit (WcWindow *window)
{
  gtk_widget_activate_action (login_page (window), "login.submit", NULL);
}

static void
wait_for_login_answer (WcWindow *window)
{
  app_test_wait_until (!wc_login_page_is_busy (WC_LOGIN_PAGE (login_page (window))), 20000);
}

static void
on_otp_filled (WcLoginSession *session,
               const char     *code,
               char          **filled)
{
  g_free (*filled);
  *filled = g_strdup (code);
}

static void
test_new_login_with_filled_code (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcToken) token = NULL;
  g_autofree char *filled = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  WcLoginSession *session;
  WcPortalLogin *login;
  WcWindow *window;
  gint64 portal_time;

  /* The activation used one step's code, and a code is good once only:
   * the portal moved to the next step, and the app follows it through
   * the clock offset it measures. */
  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  token = app_test_enroll (portal, wc_application_get_token_store (app), MERCHANT, MERCHANT,
                           INITIAL_PASSWORD, CHOSEN_PASSWORD);
  window = app_test_open_window (app, portal);
  session = wc_window_get_session (window);
  assert_page (window, "login");
  g_signal_connect (session, "otp-filled", G_CALLBACK (on_otp_filled), &filled);

  fill (window, T ("Merchant code"), MERCHANT);
  fill (window, T ("User ID"), MERCHANT);
  fill (window, T ("Password"), CHOSEN_PASSWORD);
  portal_time = portal_now (portal);
  submit (window);
  app_test_wait_until (page_is (window, "session") || !wc_login_page_is_busy (WC_LOGIN_PAGE (login_page (window))), 20000);
  assert_page (window, "session");

  /* The code sent is the token's code at portal time. */
  g_assert_nonnull (filled);
  expected = wc_login_session_make_code (token, portal_time, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (filled, expected) != 0)
    {
      /* The step may have turned between reading the time and sending. */
      g_autofree char *next = wc_login_session_make_code (token, portal_time + 3, &error);

      g_assert_cmpstr (filled, ==, next);
    }

  login = wc_login_session_get_login (session);
  g_assert_nonnull (login);
  g_assert_cmpint (login->method, ==, WC_PORTAL_LOGIN_METHOD_NEW);
  g_assert_cmpstr (login->user->user_id, ==, MERCHANT);
  g_assert_cmpstr (login->user->role, ==, "main");
  g_assert_false (login->restricted);
  /* The session page says who is logged in. */
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), MERCHANT), 5000);
  app_test_screenshot (GTK_WINDOW (window), "session");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-authenticator", NULL);
  app_test_screenshot (GTK_WINDOW (window), "authenticator");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-login", NULL);

  /* An idle logout explains itself and returns to the form: in the
   * window's error bar, whole and wrapped, not in a toast that covers
   * the buttons and goes away; the bar's close button hides it. */
  g_signal_emit_by_name (wc_login_session_get_client (session), "session-ended", WC_PORTAL_SESSION_END_IDLE);
  g_assert_null (wc_login_session_get_login (session));
  app_test_wait_until (page_is (window, "login"), 5000);
  {
    const char *idle = T ("You were logged out after 15 minutes without activity, to protect the account. Log in again to go on.");
    GtkWidget *bar;
    GtkWidget *close;

    app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), idle), 5000);
    bar = app_test_find_shown (GTK_WIDGET (window), WC_TYPE_ERROR_BAR, NULL);
    g_assert_nonnull (bar);
    g_assert_cmpstr (wc_error_bar_get_text (WC_ERROR_BAR (bar)), ==, idle);
    g_assert_true (gtk_widget_is_ancestor (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_LABEL, idle), bar));
    app_test_screenshot (GTK_WINDOW (window), "idle-logout");

    /* The next login puts it away: that failure is over. The last code
     * was sent: the portal moves on a step, and the app measures its
     * clock again (else it rightly waits for the next step by its own,
     * up to 30 s). */
    portal_advance (portal, 30);
    {
      g_auto(WcWait) wait = WC_WAIT_INIT;
      g_autoptr(WcPortalStatus) status = NULL;

      wc_wait_init (&wait);
      wc_login_session_refresh_status_async (session, NULL, wc_wait_done, &wait);
      status = wc_login_session_refresh_status_finish (session, wc_wait_result (&wait), &error);
      g_assert_no_error (error);
    }
    fill (window, T ("Password"), CHOSEN_PASSWORD);
    submit (window);
    app_test_wait_until (page_is (window, "session") || !wc_login_page_is_busy (WC_LOGIN_PAGE (login_page (window))), 20000);
    assert_page (window, "session");
    g_assert_null (wc_error_bar_get_text (WC_ERROR_BAR (bar)));

    /* Its close button does too. */
    g_signal_emit_by_name (wc_login_session_get_client (session), "session-ended", WC_PORTAL_SESSION_END_IDLE);
    app_test_wait_until (page_is (window, "login") && wc_error_bar_get_text (WC_ERROR_BAR (bar)) != NULL
                         && app_test_find_shown (bar, GTK_TYPE_BUTTON, NULL) != NULL, 5000);
    close = app_test_find_shown (bar, GTK_TYPE_BUTTON, NULL);
    g_assert_nonnull (close);
    g_signal_emit_by_name (close, "clicked");
    g_assert_null (wc_error_bar_get_text (WC_ERROR_BAR (bar)));
  }

  app_test_close_window (window);
}

static void
test_old_login_is_for_one_run (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  WcWindow *window = app_test_open_window (app, portal);

  assert_page (window, "login");
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("Use the old login")));
  gtk_widget_activate_action (login_page (window), "login.show-legacy", NULL);
  assert_page (window, "legacy-login");
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, T ("Old password")));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("Forgot your password?")));
  app_test_close_window (window);

  /* The next start shows the new login again. */
  window = app_test_open_window (app, portal);
  assert_page (window, "login");
  g_assert_null (app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, T ("Old password")));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, T ("User ID")));
  app_test_close_window (window);
}

static void
run_admin (PortalFixture *portal,
           const char    *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("WEBCOLLECT_PORTAL"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  admin = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (admin, NULL, &error));
  g_assert_no_error (error);
}

static char *
portal_time_text (PortalFixture *portal,
                  int            from_now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (portal_now (portal) + from_now);

  return g_date_time_format_iso8601 (time);
}

static void
test_maintenance_notice_and_retry (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *later_start = portal_time_text (portal, 3600);
  g_autofree char *later_end = portal_time_text (portal, 3600 + 40 * 60);
  g_autofree char *now = NULL;
  g_autofree char *soon = NULL;
  WcWindow *window;

  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);

  /* A window ahead is announced on the login page. */
  run_admin (portal, "maintenance", "add", "--data", portal->data_dir, "--starts-at", later_start,
             "--ends-at", later_end, "--message", "Planned upgrade",
             "--message-ja", "計画メンテナンス", NULL);
  window = app_test_open_window (app, portal);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), in_japanese () ? "計画メンテナンス" : "Planned upgrade"), 5000);
  app_test_screenshot (GTK_WINDOW (window), "maintenance-ahead");

  /* One that is on now refuses the login, says until when, and the app
   * logs in by itself once it is over. */
  now = portal_time_text (portal, -1);
  /* Long enough for the refusal to be seen before the retry: a sanitizer
   * run ($WC_TEST_SLACK) is many times slower. */
  soon = portal_time_text (portal, g_getenv ("WC_TEST_SLACK") != NULL ? 30 : 6);
  run_admin (portal, "maintenance", "add", "--data", portal->data_dir, "--starts-at", now,
             "--ends-at", soon, "--message", "Database upgrade", "--message-ja", "データベース更新", NULL);
  gtk_widget_activate_action (login_page (window), "login.show-legacy", NULL);
  fill (window, T ("Merchant code"), MERCHANT);
  fill (window, T ("Old password"), INITIAL_PASSWORD);
  submit (window);
  wait_for_login_answer (window);
  assert_page (window, "legacy-login");
  /* Said once, in the maintenance banner, with the portal's own message. */
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), in_japanese () ? "データベース更新" : "Database upgrade"), 5000);
  g_assert_false (app_test_shows_text (GTK_WIDGET (window), "W096000001"));
  app_test_screenshot (GTK_WINDOW (window), "maintenance-now");

  /* The initial password must be changed at once: the retry ends on the
   * forced password change. */
  app_test_wait_until (page_is (window, "password"), 60000);
  g_assert_true (wc_login_session_get_login (wc_window_get_session (window))->must_change_password);
  app_test_screenshot (GTK_WINDOW (window), "password-old-login");
  app_test_close_window (window);
}

static void
test_lockout_and_forced_change (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  WcWindow *window;
  gboolean locked = FALSE;

  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  window = app_test_open_window (app, portal);

  /* A first login (no key yet, no code) with the initial password goes
   * straight to the password change. */
  fill (window, T ("Merchant code"), MERCHANT);
  fill (window, T ("User ID"), MERCHANT);
  fill (window, T ("Password"), INITIAL_PASSWORD);
  submit (window);
  app_test_wait_until (page_is (window, "password"), 20000);
  g_assert_true (app_test_shows_text (GTK_WIDGET (window), T ("This password was given to you for the first login only. Choose your own password to go on.")));
  app_test_screenshot (GTK_WINDOW (window), "password-first-login");
  app_test_close_window (window);

  /* Ten wrong passwords lock the account; the page says when to retry. */
  window = app_test_open_window (app, portal);
  for (int attempt = 0; attempt < 12 && !locked; attempt++)
    {
      fill (window, T ("Merchant code"), MERCHANT);
      fill (window, T ("User ID"), MERCHANT);
      fill (window, T ("Password"), "Wrong-password-99");
      submit (window);
      wait_for_login_answer (window);
      assert_page (window, "login");
      locked = app_test_shows_text (GTK_WIDGET (window), "W011000004");
    }
  g_assert_true (locked);
  app_test_screenshot (GTK_WINDOW (window), "lockout");
  app_test_close_window (window);
}

static void
test_old_login_closed (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autofree char *now = portal_time_text (portal, -1);
  WcWindow *window;

  run_admin (portal, "old-login", "close", "--data", portal->data_dir, "--at", now, NULL);
  window = app_test_open_window (app, portal);
  g_assert_null (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("Use the old login")));
  g_assert_true (shows_format (window, T ("The old login (merchant code and password only) closed on %s. Log in with the new login; “How to log in” shows how to prepare it.")));
  app_test_screenshot (GTK_WINDOW (window), "old-login-closed");
  app_test_close_window (window);
}

static void
test_bad_portal_address (void)
{
  WcWindow *window = wc_window_new (app);
  GtkWidget *connect;

  wc_settings_set_portal_mode (wc_application_get_settings (app), WC_PORTAL_MODE_UNSET);
  gtk_window_present (GTK_WINDOW (window));
  wc_window_connect (window, FALSE);
  assert_page (window, "connect");

  fill (window, T ("Portal address (https://…)"), "http://example.invalid");
  connect = app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("_Connect"));
  g_assert_nonnull (connect);
  gtk_widget_activate (connect);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), T ("Enter the portal's address, starting with https://. Plain http:// is never used, because passwords would travel unprotected.")), 5000);
  assert_page (window, "connect");

  fill (window, T ("Portal address (https://…)"), "https://127.0.0.1:1");
  fill (window, T ("Certificate fingerprint, SHA-256 (optional)"), "not-a-fingerprint");
  gtk_widget_activate (connect);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), T ("The fingerprint must be the certificate's SHA-256 fingerprint: 64 hexadecimal digits, with or without colons. Leave it empty for a portal with a certificate from a known authority.")), 5000);
  app_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring_file = NULL;
  int status;

  /* Before anything asks libsecret for its backend, which it picks once. */
  if (g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0)
    {
      g_autofree char *password = g_uuid_string_random ();

      keyring_file = g_build_filename (g_get_home_dir (), "keyrings", "default.keyring", NULL);
      g_setenv ("SECRET_FILE_TEST_PATH", keyring_file, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", password, TRUE);
    }

  app_test_init (&argc, &argv);
  app = wc_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app-window/new-login-with-filled-code", test_new_login_with_filled_code);
  g_test_add_func ("/app-window/old-login-is-for-one-run", test_old_login_is_for_one_run);
  g_test_add_func ("/app-window/maintenance-notice-and-retry", test_maintenance_notice_and_retry);
  g_test_add_func ("/app-window/lockout-and-forced-change", test_lockout_and_forced_change);
  g_test_add_func ("/app-window/old-login-closed", test_old_login_closed);
  g_test_add_func ("/app-window/bad-portal-address", test_bad_portal_address);
  status = portal_test_run ();
  g_clear_object (&app);

  /* The key the first test stored went to the file, not to the Secret
   * Service. */
  if (keyring_file != NULL)
    g_assert_true (g_file_test (keyring_file, G_FILE_TEST_IS_REGULAR));
  return status;
}
