/* test-session-page.c: the page after login against a real
 * webcollect-portal on loopback: who is logged in and how, the idle
 * countdown against the client's deadline, the password ages from
 * GET /session, and Log Out. */
#include "app-test-util.h"
#include "portal-fixture.h"
#include "wc-enrollment.h"
#include "wc-session-page.h"
#include "wc-wait.h"

#include <stdio.h>
#include <string.h>

#define MERCHANT "123456789"
#define INITIAL_PASSWORD "Initial-pass-2026x"
#define CHOSEN_PASSWORD "Chosen-pass-2026y"

typedef struct {
  PortalFixture *portal;
  WcLoginSession *session;
  GtkWindow *window;
  WcSessionPage *page;
} Fixture;

static WcPortalLogin *
log_in (WcLoginSession *session,
        const char     *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);
  WcPortalLogin *login;

  wc_wait_init (&wait);
  wc_login_session_login_async (session, MERCHANT, MERCHANT, secret, NULL, FALSE, NULL,
                                wc_wait_done, &wait);
  login = wc_login_session_login_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  return login;
}

static void
fixture_setup (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcTokenStore) tokens = wc_token_store_new ();
  g_autoptr(WcCredentialStore) credentials = wc_credential_store_new ();
  GtkWidget *overlay;

  f->portal = portal_fixture_start (NULL, NULL);
  portal_add_merchant (f->portal, MERCHANT, INITIAL_PASSWORD);
  client = wc_portal_client_new (f->portal->url, f->portal->fingerprint, &error);
  g_assert_no_error (error);
  f->session = wc_login_session_new (client, f->portal->url, tokens, credentials);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 480, 800);
  overlay = adw_toast_overlay_new ();
  f->page = g_object_ref_sink (wc_session_page_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (f->page));
  gtk_window_set_child (f->window, overlay);
  wc_session_page_set_session (f->page, f->session);
  gtk_window_present (f->window);
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->page)), 5000);
}

static void
fixture_teardown (Fixture *f)
{
  gtk_window_destroy (f->window);
  app_test_spin (50);
  g_assert_finalize_object (f->page);
  g_clear_object (&f->session);
  portal_fixture_free (f->portal);
}

/* The seconds the countdown row shows, or -1. */
static int
shown_countdown (Fixture *f)
{
  GtkWidget *row = app_test_find_shown (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, "Logged out after ");
  const char *title;
  int minutes;
  int seconds;

  if (row == NULL)
    return -1;
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  g_assert_cmpint (sscanf (title, "Logged out after %d:%d without activity", &minutes, &seconds), ==, 2);
  g_assert_cmpint (seconds, <, 60);
  return minutes * 60 + seconds;
}

static gint64
seconds_to_deadline (Fixture *f)
{
  gint64 deadline = wc_login_session_get_idle_deadline (f->session);

  g_assert_cmpint (deadline, >, 0);
  return deadline - g_get_real_time () / G_USEC_PER_SEC;
}

static void
test_shows_login (void)
{
  Fixture f = { 0 };
  g_autoptr(WcPortalLogin) login = NULL;

  fixture_setup (&f);
  /* Nothing to show before a login. */
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), MERCHANT));
  g_assert_cmpint (shown_countdown (&f), ==, -1);

  /* The main user's first login: restricted. */
  login = log_in (f.session, INITIAL_PASSWORD);
  g_assert_true (login->restricted);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), MERCHANT));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "User ID"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Main user"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "New login"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page),
                                      "This session may only change the password and set up a one-time password key"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Any request to the portal starts the count again"));

  /* GET /session adds the password ages, quietly. */
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (f.page), "Changed today"), 20000);
  /* The old password is still the initial one, which the tablet refuses:
   * it is not shown as "changed". */
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (f.page), "Still the first password"), 20000);

  /* The account area is there, empty, for account management. */
  g_assert_true (GTK_IS_BOX (wc_session_page_get_account_area (f.page)));
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (wc_session_page_get_account_area (f.page))));

  fixture_teardown (&f);
}

static void
test_old_login (void)
{
  Fixture f = { 0 };
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (INITIAL_PASSWORD);
  g_autoptr(WcPortalLogin) login = NULL;

  fixture_setup (&f);
  wc_wait_init (&wait);
  wc_login_session_legacy_login_async (f.session, MERCHANT, secret, FALSE, NULL, wc_wait_done, &wait);
  login = wc_login_session_login_finish (f.session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);

  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Old login"));
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), "User ID"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "This session may only change the password."));
  fixture_teardown (&f);
}

static void
test_countdown (void)
{
  Fixture f = { 0 };
  g_autoptr(WcPortalLogin) login = NULL;
  int first;
  int later;

  fixture_setup (&f);
  login = log_in (f.session, INITIAL_PASSWORD);
  /* The answer to the page's GET /session sets the deadline again, from
   * the moment it arrives: wait for it, and for a tick after it, or on a
   * slow run the countdown starts over in the middle of the test. */
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (f.page), "Changed today"), 20000);
  app_test_spin (1100);

  first = shown_countdown (&f);
  g_assert_cmpint (first, >, 0);
  /* The label changes once a second; on a loaded sanitizer run its tick
   * may come late by another second. */
  g_assert_cmpint (ABS (first - seconds_to_deadline (&f)), <=, 3);
  /* 15 minutes at most. */
  g_assert_cmpint (first, <=, 15 * 60);

  app_test_spin (2200);
  later = shown_countdown (&f);
  g_assert_cmpint (later, <, first);
  g_assert_cmpint (ABS (later - seconds_to_deadline (&f)), <=, 3);

  fixture_teardown (&f);
}

static void
on_ended (WcLoginSession *session,
          int             reason,
          int            *ended_with)
{
  *ended_with = reason;
}

static void
test_logout (void)
{
  Fixture f = { 0 };
  g_autoptr(WcPortalLogin) login = NULL;
  int ended_with = -1;

  fixture_setup (&f);
  login = log_in (f.session, INITIAL_PASSWORD);
  g_signal_connect (f.session, "ended", G_CALLBACK (on_ended), &ended_with);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "session.logout", NULL));
  app_test_wait_until (wc_login_session_get_login (f.session) == NULL, 20000);
  g_assert_cmpint (ended_with, ==, WC_PORTAL_SESSION_END_LOGGED_OUT);
  g_assert_false (wc_portal_client_is_logged_in (wc_login_session_get_client (f.session)));
  /* What was shown of the login is gone. */
  app_test_spin (100);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), MERCHANT));
  g_assert_cmpint (shown_countdown (&f), ==, -1);

  fixture_teardown (&f);
}

/* A page that goes away with a request in flight is simply gone. */
static void
test_closed_while_busy (void)
{
  Fixture f = { 0 };
  g_autoptr(WcPortalLogin) login = NULL;

  fixture_setup (&f);
  login = log_in (f.session, INITIAL_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "session.logout", NULL));
  gtk_window_destroy (f.window);
  g_assert_finalize_object (g_steal_pointer (&f.page));
  /* Let the cancelled call come back. */
  app_test_spin (2000);
  g_clear_object (&f.session);
  portal_fixture_free (f.portal);
}

static gboolean
change_password (WcLoginSession *session,
                 const char     *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);
  gboolean changed;

  wc_wait_init (&wait);
  /* The current password came with the login. */
  wc_login_session_change_password_async (session, NULL, secret, NULL, wc_wait_done, &wait);
  changed = wc_login_session_change_password_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  return changed;
}

/* The main user's first run in the model alone, then a child user:
 * returns the child's initial password. */
static char *
create_child (Fixture *f)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (f->portal->url, f->portal->fingerprint, &error);
  g_autoptr(WcTokenStore) tokens = wc_token_store_new ();
  g_autoptr(WcCredentialStore) credentials = wc_credential_store_new ();
  g_autoptr(WcLoginSession) main_session = wc_login_session_new (client, f->portal->url, tokens, credentials);
  g_autoptr(WcEnrollment) enrollment = wc_enrollment_new (main_session);
  g_autoptr(WcPortalLogin) first = log_in (main_session, INITIAL_PASSWORD);
  g_autoptr(WcToken) token = NULL;
  g_autoptr(WcPortalLogin) full = NULL;
  g_autoptr(WcPortalNewUser) child = NULL;

  g_assert_true (change_password (main_session, CHOSEN_PASSWORD));
  wc_wait_init (&wait);
  wc_enrollment_issue_async (enrollment, NULL, wc_wait_done, &wait);
  token = wc_enrollment_issue_finish (enrollment, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_enrollment_activate_async (enrollment, NULL, wc_wait_done, &wait);
  g_assert_true (wc_enrollment_activate_finish (enrollment, wc_wait_result (&wait), &error));
  /* The session waits for a code the portal has not taken yet. */
  wc_wait_init (&wait);
  wc_login_session_relogin_async (main_session, NULL, wc_wait_done, &wait);
  full = wc_login_session_login_finish (main_session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_false (full->restricted);
  wc_wait_init (&wait);
  wc_login_session_create_user_async (main_session, "tanaka", "田中", "general", NULL, wc_wait_done, &wait);
  child = wc_login_session_new_user_finish (main_session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  return g_strdup (wc_secret_get_text (child->initial_password));
}

static gboolean
is_full_login (WcLoginSession *session)
{
  WcPortalLogin *login = wc_login_session_get_login (session);

  return login != NULL && !login->restricted && login->otp_enrolled;
}

/* A child user's first login never ends on a page without a way on:
 * after the password, the page's main button sets up the child's own key
 * and logs in again with it. */
static void
test_child_first_run (void)
{
  Fixture f = { 0 };
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  g_autoptr(WcSecret) secret = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  GtkWidget *button;

  fixture_setup (&f);
  initial = create_child (&f);
  secret = wc_secret_new_from_text (initial);
  wc_wait_init (&wait);
  wc_login_session_login_async (f.session, MERCHANT, "tanaka", secret, NULL, WC_LOGIN_REMEMBER_LEAVE,
                                NULL, wc_wait_done, &wait);
  first = wc_login_session_login_finish (f.session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wc_login_session_get_next_action (f.session), ==, WC_LOGIN_NEXT_CHANGE_PASSWORD);
  g_assert_true (change_password (f.session, "Tanaka-pass-2026"));
  g_assert_cmpint (wc_login_session_get_next_action (f.session), ==, WC_LOGIN_NEXT_SET_UP_KEY);

  button = app_test_find_shown (GTK_WIDGET (f.page), GTK_TYPE_BUTTON, "Set _Up the One-Time Password Key");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "session.next", NULL));
  app_test_wait_until (is_full_login (f.session), 90000);
  g_assert_cmpint (wc_login_session_get_next_action (f.session), ==, WC_LOGIN_NEXT_NONE);
  g_assert_false (gtk_widget_get_visible (button));
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/session-page/shows-login", test_shows_login);
  g_test_add_func ("/session-page/old-login", test_old_login);
  g_test_add_func ("/session-page/countdown", test_countdown);
  g_test_add_func ("/session-page/logout", test_logout);
  g_test_add_func ("/session-page/closed-while-busy", test_closed_while_busy);
  g_test_add_func ("/session-page/child-first-run", test_child_first_run);
  return portal_test_run ();
}
