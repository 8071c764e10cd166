/* test-password-page.c: the forced password change against a real
 * webcollect-portal on loopback: the live policy checklist, when the
 * Change button may be pressed, a change the portal accepts (and a new
 * login with the new password), the portal's refusals shown with their
 * codes, and Log Out instead. */
#include "app-test-util.h"
#include "portal-fixture.h"
#include "wc-error.h"
#include "wc-password-page.h"
#include "wc-wait.h"

#define MERCHANT "123456789"
#define INITIAL_PASSWORD "Initial-pass-2026x"
#define NEW_PASSWORD "Fresh-pass-2026y"

typedef struct {
  PortalFixture *portal;
  WcPortalClient *client;
  WcLoginSession *session;
  GtkWindow *window;
  WcPasswordPage *page;
} Fixture;

static WcLoginSession *
new_session (PortalFixture *portal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcTokenStore) tokens = wc_token_store_new ();
  g_autoptr(WcCredentialStore) credentials = wc_credential_store_new ();

  g_assert_no_error (error);
  return wc_login_session_new (client, portal->url, tokens, credentials);
}

static void
refresh_status (WcLoginSession *session)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
}

/* A new login of the main user; NULL and @error_out set on a refusal. */
static WcPortalLogin *
log_in (WcLoginSession  *session,
        const char      *password,
        GError         **error_out)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);

  wc_wait_init (&wait);
  wc_login_session_login_async (session, MERCHANT, MERCHANT, secret, NULL, FALSE, NULL,
                                wc_wait_done, &wait);
  return wc_login_session_login_finish (session, wc_wait_result (&wait), error_out);
}

static void
fixture_setup (Fixture  *f,
               gboolean  with_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = NULL;
  GtkWidget *overlay;

  f->portal = portal_fixture_start (NULL, NULL);
  portal_add_merchant (f->portal, MERCHANT, INITIAL_PASSWORD);
  f->session = new_session (f->portal);
  f->client = g_object_ref (wc_login_session_get_client (f->session));
  if (with_status)
    refresh_status (f->session);

  /* The main user's first login, with the initial access password. */
  login = log_in (f->session, INITIAL_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (login->must_change_password);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 480, 900);
  overlay = adw_toast_overlay_new ();
  f->page = g_object_ref_sink (wc_password_page_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (f->page));
  gtk_window_set_child (f->window, overlay);
  gtk_window_present (f->window);
  wc_password_page_start (f->page, f->session, "This password was given to you for the first login only.");
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->page)), 5000);
}

static void
fixture_teardown (Fixture *f)
{
  gtk_window_destroy (f->window);
  app_test_spin (50);
  g_assert_finalize_object (f->page);
  g_clear_object (&f->session);
  g_clear_object (&f->client);
  portal_fixture_free (f->portal);
}

/* Finding things. */

static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (g_type_is_a (G_OBJECT_TYPE (root), type)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkEditable *
entry (Fixture    *f,
       const char *title)
{
  GtkWidget *row = find_row (GTK_WIDGET (f->page), ADW_TYPE_PASSWORD_ENTRY_ROW, title);

  if (row == NULL)
    g_error ("no entry “%s” is shown", title);
  return GTK_EDITABLE (row);
}

static void
type_passwords (Fixture    *f,
                const char *current,
                const char *new_password,
                const char *repeat)
{
  /* Right after a login the session knows the current password, and the
   * page does not ask for it. */
  if (find_row (GTK_WIDGET (f->page), ADW_TYPE_PASSWORD_ENTRY_ROW, "Current password") != NULL)
    gtk_editable_set_text (entry (f, "Current password"), current);
  gtk_editable_set_text (entry (f, "New password"), new_password);
  gtk_editable_set_text (entry (f, "Repeat new password"), repeat);
}

/* The icon a checklist row shows. */
static const char *
row_icon (Fixture    *f,
          const char *title)
{
  GtkWidget *row = find_row (GTK_WIDGET (f->page), ADW_TYPE_ACTION_ROW, title);

  if (row == NULL)
    g_error ("no row “%s” is shown", title);
  for (GtkWidget *w = gtk_widget_get_first_child (row); w != NULL; )
    {
      if (GTK_IS_IMAGE (w) && gtk_widget_get_visible (w)
          && gtk_image_get_icon_name (GTK_IMAGE (w)) != NULL)
        return gtk_image_get_icon_name (GTK_IMAGE (w));
      /* Depth first through the row's parts. */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != row && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == row ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_error ("row “%s” shows no icon", title);
  return NULL;
}

static GtkWidget *
change_button (Fixture *f)
{
  GtkWidget *button = app_test_find_shown (GTK_WIDGET (f->page), GTK_TYPE_BUTTON, "Change Password");

  g_assert_nonnull (button);
  return button;
}

#define assert_rule(f, title, met) \
  g_assert_cmpstr (row_icon ((f), (title)), ==, (met) ? "emblem-ok-symbolic" : "media-record-symbolic")

/* The checks without a display. */

static void
test_check_rules (void)
{
  /* Too short; letters only; digits only. */
  g_assert_cmpint (wc_password_check ("abc123", "abc123", NULL, NULL, 12, 256) & WC_PASSWORD_RULE_MIN_LENGTH, ==, 0);
  g_assert_cmpint (wc_password_check ("abcdefghijklm", NULL, NULL, NULL, 12, 256) & WC_PASSWORD_RULE_CLASSES, ==, 0);
  g_assert_cmpint (wc_password_check ("1234567890123", NULL, NULL, NULL, 12, 256) & WC_PASSWORD_RULE_CLASSES, ==, 0);
  g_assert_cmpint (wc_password_check ("Tanaka-pass-2026", "Tanaka-pass-2026", "Old-pass-2025x", "tanaka", 12, 256),
                   ==, WC_PASSWORD_RULES_ALL);
  /* The user ID, compared case-insensitively as the portal does. */
  g_assert_cmpint (wc_password_check ("TANAKA2026abc", NULL, NULL, "tanaka2026ABC", 12, 256) & WC_PASSWORD_RULE_NOT_USER, ==, 0);
  /* Unicode letters and decimal digits count, lengths are code points
   * after NFC: "e" + combining acute is one character. */
  g_assert_cmpint (wc_password_check ("パスワードぱすわーど１２", NULL, NULL, NULL, 12, 256)
                   & (WC_PASSWORD_RULE_MIN_LENGTH | WC_PASSWORD_RULE_CLASSES),
                   ==, WC_PASSWORD_RULE_MIN_LENGTH | WC_PASSWORD_RULE_CLASSES);
  g_assert_cmpint (wc_password_check ("abcde\xcc\x81" "fghij1", NULL, NULL, NULL, 12, 256) & WC_PASSWORD_RULE_MIN_LENGTH, ==, 0);
  g_assert_cmpint (wc_password_check ("abcdefghij12", NULL, NULL, NULL, 12, 11) & WC_PASSWORD_RULE_MAX_LENGTH, ==, 0);
  /* The current password again, and a repetition that differs. */
  g_assert_cmpint (wc_password_check ("Same-pass-2026", NULL, "Same-pass-2026", NULL, 12, 256) & WC_PASSWORD_RULE_NOT_SAME, ==, 0);
  g_assert_cmpint (wc_password_check ("Same-pass-2026", "Same-pass-2027", NULL, NULL, 12, 256) & WC_PASSWORD_RULE_MATCH, ==, 0);
  g_assert_cmpint (wc_password_check ("", "", NULL, NULL, 12, 256), ==, 0);
}

/* The checklist as the user types. */

static void
test_checklist (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, TRUE);

  /* The user and the policy from /status. */
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), MERCHANT));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "first login only"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "At least 12 characters"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Must differ from your last 4 passwords"));
  g_assert_false (gtk_widget_get_sensitive (change_button (&f)));

  type_passwords (&f, INITIAL_PASSWORD, "short1", "");
  assert_rule (&f, "At least 12 characters", FALSE);
  assert_rule (&f, "Letters and digits, at least one of each", TRUE);
  assert_rule (&f, "The two new passwords match", FALSE);
  g_assert_false (gtk_widget_get_sensitive (change_button (&f)));

  gtk_editable_set_text (entry (&f, "New password"), "onlylettershere");
  assert_rule (&f, "At least 12 characters", TRUE);
  assert_rule (&f, "Letters and digits, at least one of each", FALSE);

  /* The user ID itself (the merchant code, for the main user), made long
   * enough by a policy of 9 would still be refused: check it alone. */
  gtk_editable_set_text (entry (&f, "New password"), MERCHANT);
  assert_rule (&f, "Not the same as your user ID", FALSE);
  gtk_editable_set_text (entry (&f, "New password"), NEW_PASSWORD);
  assert_rule (&f, "Not the same as your user ID", TRUE);

  /* The current password came with the login and is not typed: the
   * portal's history rule covers it, so no rule of its own is shown. */
  g_assert_null (find_row (GTK_WIDGET (f.page), ADW_TYPE_ACTION_ROW, "Differs from the current password"));

  /* A mismatch, then everything right. */
  type_passwords (&f, INITIAL_PASSWORD, NEW_PASSWORD, "Fresh-pass-2026z");
  assert_rule (&f, "The two new passwords match", FALSE);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry (&f, "Repeat new password")), "error"));
  g_assert_false (gtk_widget_get_sensitive (change_button (&f)));

  gtk_editable_set_text (entry (&f, "Repeat new password"), NEW_PASSWORD);
  assert_rule (&f, "At least 12 characters", TRUE);
  assert_rule (&f, "Letters and digits, at least one of each", TRUE);
  assert_rule (&f, "Not the same as your user ID", TRUE);
  assert_rule (&f, "The two new passwords match", TRUE);
  g_assert_cmpint (wc_password_page_get_rules (f.page), ==, WC_PASSWORD_RULES_ALL);
  g_assert_true (gtk_widget_get_sensitive (change_button (&f)));

  /* The login just gave the current password: it is not asked again. */
  g_assert_null (find_row (GTK_WIDGET (f.page), ADW_TYPE_PASSWORD_ENTRY_ROW, "Current password"));

  fixture_teardown (&f);
}

/* Before /status has been read, the documented policy applies. */
static void
test_policy_fallback (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, FALSE);
  g_assert_null (wc_login_session_get_status (f.session));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "At least 12 characters"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Letters and digits"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Must differ from your recent passwords"));

  /* The policy follows /status once it arrives. */
  refresh_status (f.session);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "Must differ from your last 4 passwords"));
  fixture_teardown (&f);
}

/* Changing. */

static void
change (Fixture    *f,
        const char *current,
        const char *new_password)
{
  type_passwords (f, current, new_password, new_password);
  g_assert_true (gtk_widget_get_sensitive (change_button (f)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "password.change", NULL));
  g_assert_true (wc_password_page_is_busy (f->page));
  app_test_wait_until (!wc_password_page_is_busy (f->page), 30000);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_change (void)
{
  Fixture f = { 0 };
  WcPortalLogin *login;
  g_autoptr(WcLoginSession) fresh = NULL;
  g_autoptr(WcPortalLogin) fresh_login = NULL;
  g_autoptr(WcPortalLogin) refused = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  fixture_setup (&f, TRUE);
  g_signal_connect (f.session, "notify::login", G_CALLBACK (count_notify), &notified);

  change (&f, INITIAL_PASSWORD, NEW_PASSWORD);

  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), "W02"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.window), "Password changed"));
  /* The window moves on through the login: it no longer asks for a change. */
  g_assert_cmpuint (notified, ==, 1);
  login = wc_login_session_get_login (f.session);
  g_assert_nonnull (login);
  g_assert_false (login->must_change_password);
  g_assert_true (login->required_actions == NULL
                 || !g_strv_contains ((const char * const *) login->required_actions, "change_password"));
  /* The passwords do not linger in the form. */
  g_assert_cmpstr (gtk_editable_get_text (entry (&f, "New password")), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (entry (&f, "Repeat new password")), ==, "");

  /* The portal takes the new password, and no longer the old one. */
  fresh = new_session (f.portal);
  fresh_login = log_in (fresh, NEW_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_false (fresh_login->must_change_password);
  refused = log_in (fresh, INITIAL_PASSWORD, &error);
  g_assert_null (refused);
  g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED);
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, "W011000001");

  fixture_teardown (&f);
}

static void
test_refusals (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, TRUE);

  /* The current password is the one the login was made with: the page
   * does not ask for it, so it cannot be typed wrong. */
  g_assert_null (find_row (GTK_WIDGET (f.page), ADW_TYPE_PASSWORD_ENTRY_ROW, "Current password"));

  /* Going back to a recent password: only the portal knows; its answer
   * marks the history note. */
  change (&f, INITIAL_PASSWORD, NEW_PASSWORD);
  g_assert_false (wc_login_session_get_login (f.session)->must_change_password);
  wc_password_page_start (f.page, f.session, NULL);
  change (&f, NEW_PASSWORD, INITIAL_PASSWORD);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f.page), "W022000004"));
  g_assert_cmpstr (row_icon (&f, "Must differ from your last 4 passwords"), ==, "dialog-error-symbolic");
  g_assert_cmpstr (gtk_editable_get_text (entry (&f, "New password")), ==, INITIAL_PASSWORD);

  /* A new start forgets the failure. */
  wc_password_page_start (f.page, f.session, NULL);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), "W022000004"));
  g_assert_cmpstr (row_icon (&f, "Must differ from your last 4 passwords"), ==, "dialog-information-symbolic");

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
  int ended_with = -1;

  fixture_setup (&f, TRUE);
  g_signal_connect (f.session, "ended", G_CALLBACK (on_ended), &ended_with);
  type_passwords (&f, INITIAL_PASSWORD, NEW_PASSWORD, "");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "password.logout", NULL));
  app_test_wait_until (wc_login_session_get_login (f.session) == NULL, 20000);
  app_test_wait_until (!wc_password_page_is_busy (f.page), 20000);
  g_assert_cmpint (ended_with, ==, WC_PORTAL_SESSION_END_LOGGED_OUT);
  g_assert_cmpstr (gtk_editable_get_text (entry (&f, "New password")), ==, "");
  g_assert_false (wc_portal_client_is_logged_in (f.client));

  fixture_teardown (&f);
}

/* Closing the window while the portal is busy: the answer finds the page
 * gone and shows nothing. */
static void
test_closed_while_busy (void)
{
  Fixture f = { 0 };

  fixture_setup (&f, TRUE);
  type_passwords (&f, INITIAL_PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "password.change", NULL));
  g_assert_true (wc_password_page_is_busy (f.page));

  gtk_window_destroy (f.window);
  g_assert_finalize_object (g_steal_pointer (&f.page));
  /* Let the cancelled call come back. */
  app_test_spin (3000);

  g_clear_object (&f.session);
  g_clear_object (&f.client);
  portal_fixture_free (f.portal);
}

int
main (int    argc,
      char **argv)
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/password-page/check-rules", test_check_rules);
  g_test_add_func ("/password-page/checklist", test_checklist);
  g_test_add_func ("/password-page/policy-fallback", test_policy_fallback);
  g_test_add_func ("/password-page/change", test_change);
  g_test_add_func ("/password-page/refusals", test_refusals);
  g_test_add_func ("/password-page/logout", test_logout);
  g_test_add_func ("/password-page/closed-while-busy", test_closed_while_busy);
  return portal_test_run ();
}
