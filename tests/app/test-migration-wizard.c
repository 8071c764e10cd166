/* test-migration-wizard.c: the switch to the new login end to end, in the
 * whole window against a real webcollect-portal and the real keyring: a
 * run through all four steps that ends on the logged-in page, child
 * users who must change their initial password at their first login, a
 * run ended between the key's issue and its activation and resumed with
 * no key lost, and a failed activation retried. */
#include "app-test-util.h"

#include <glib/gi18n.h>

#include "portal-fixture.h"
#include "wc-application.h"
#include "wc-error.h"
#include "wc-login-page.h"
#include "wc-migration-wizard.h"
#include "wc-password-page.h"
#include "wc-ui-util.h"
#include "wc-wait.h"
#include "wc-window.h"

#define T(text) g_dgettext (GETTEXT_PACKAGE, text)

#define MERCHANT "123456789"
#define INITIAL_PASSWORD "Initial-pass-2026x"
#define CHOSEN_PASSWORD "Chosen-pass-2026y"

static WcApplication *app;
/* Desktop notifications shown (see start_notification_server). */
static guint notifications_shown;

static gboolean
page_is (WcWindow   *window,
         const char *name)
{
  g_autofree char *page = wc_window_dup_page_name (window);

  return g_strcmp0 (page, name) == 0;
}

static gboolean
shows_step (WcMigrationWizard *wizard,
            guint              step)
{
  g_autofree char *text = g_strdup_printf (T ("Step %u of %u"), step, 4);

  return app_test_shows_text (GTK_WIDGET (wizard), text);
}

/* The wizard the window has open, once it is shown. */
static WcMigrationWizard *
find_wizard (void)
{
  GListModel *windows = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (windows, i);

      if (WC_IS_MIGRATION_WIZARD (item) && gtk_widget_get_mapped (GTK_WIDGET (item)))
        return WC_MIGRATION_WIZARD (item);
    }
  return NULL;
}

static WcMigrationWizard *
open_wizard (WcWindow *window)
{
  GtkWidget *page = app_test_find_shown (GTK_WIDGET (window), WC_TYPE_LOGIN_PAGE, NULL);
  WcMigrationWizard *wizard;

  g_assert_nonnull (page);
  /* The action behind the link and the menu entry; the link itself goes
   * once the keyring holds the merchant's active key, which an earlier
   * test of this run may have left (the journey test checks the link). */
  gtk_widget_activate_action (page, "login.migrate", NULL);
  app_test_wait_until ((wizard = find_wizard ()) != NULL, 5000);
  return wizard;
}

static void
wait_idle (WcMigrationWizard *wizard)
{
  app_test_spin (20);
  app_test_wait_until (!wc_migration_wizard_is_busy (wizard), 30000);
}

/* Moves the portal on to the next 30-second step, and the app's measured
 * clock with it, so that a login after the activation need not wait for
 * a fresh one-time password in real time. */
static void
next_code_step (PortalFixture  *portal,
                WcLoginSession *session)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcPortalStatus) status = NULL;

  portal_advance (portal, 30);
  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (session, wc_wait_result (&wait), NULL);
  g_assert_nonnull (status);
}

/* The main user's first new login and own password, done beforehand, so
 * that step 2 goes straight to the key. */
static void
choose_main_password (PortalFixture *portal)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcPortalLogin) login = NULL;

  g_assert_no_error (error);
  wc_wait_init (&wait);
  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  wc_portal_client_login_async (client, MERCHANT, MERCHANT, INITIAL_PASSWORD, NULL, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_portal_client_change_password_async (client, INITIAL_PASSWORD, CHOSEN_PASSWORD, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  wc_portal_client_logout_async (client, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
}

/* Step 2's login as the main user. */
static void
sign_in (WcMigrationWizard *wizard,
         const char        *password)
{
  app_test_fill (GTK_WIDGET (wizard), T ("Merchant code"), MERCHANT);
  app_test_fill (GTK_WIDGET (wizard), T ("New-login password"), password);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.sign-in", NULL);
}

static void
wait_key_active (WcMigrationWizard *wizard)
{
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (wizard),
                                            T ("Your secret key is active and kept in the keyring. The built-in authenticator now makes your one-time passwords.")),
                       30000);
  wait_idle (wizard);
}

/* Step 4, and the end: the wizard goes, the window shows the session. */
static void
finish (PortalFixture     *portal,
        WcWindow          *window,
        WcMigrationWizard *wizard,
        const char        *shot)
{
  gpointer alive = wizard;
  gint64 deadline;
  WcLoginSession *session = wc_window_get_session (window);
  WcPortalLogin *login;

  /* Users may be created later: step 3 is skipped here when not done. */
  while (wc_migration_wizard_get_step (wizard) < 4)
    {
      wait_idle (wizard);
      gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
    }
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 4);
  g_assert_true (shows_step (wizard, 4));
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), T ("This is the last step.")));
  app_test_fill (GTK_WIDGET (wizard), T ("New-login password"), CHOSEN_PASSWORD);
  if (shot != NULL)
    app_test_screenshot (GTK_WINDOW (wizard), shot);
  next_code_step (portal, session);
  g_object_add_weak_pointer (G_OBJECT (wizard), &alive);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.finish", NULL);
  deadline = g_get_monotonic_time () + portal_test_timeout_ms (30000) * 1000;
  while (alive != NULL && g_get_monotonic_time () < deadline)
    app_test_spin (50);
  if (alive != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (wizard), &alive);
      app_test_screenshot (GTK_WINDOW (wizard), "failed-finish");
      g_error ("the wizard did not finish");
    }

  app_test_wait_until (page_is (window, "session"), 10000);
  login = wc_login_session_get_login (session);
  g_assert_nonnull (login);
  g_assert_cmpint (login->method, ==, WC_PORTAL_LOGIN_METHOD_NEW);
  g_assert_false (login->restricted);
  g_assert_true (login->otp_enrolled);
  g_assert_cmpuint (wc_settings_get_migration_step (wc_application_get_settings (app)), ==, 0);
}

static GtkWidget *
find_monospace_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "monospace"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_monospace_label (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
shown_initial_password (WcMigrationWizard *wizard,
                        const char        *user_id)
{
  GtkWidget *row = app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_ACTION_ROW, user_id);
  GtkWidget *label;

  g_assert_nonnull (row);
  /* Shown large and monospace, selectable, beside its copy button. */
  label = find_monospace_label (row);
  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  return g_strdup (gtk_label_get_text (GTK_LABEL (label)));
}

static void
fill_user_form (WcMigrationWizard *wizard,
                guint              index,
                const char        *user_id,
                const char        *name,
                guint              role)
{
  g_autofree char *title = g_strdup_printf (T ("New User %u"), index);
  GtkWidget *label = app_test_find_shown (GTK_WIDGET (wizard), GTK_TYPE_LABEL, title);
  GtkWidget *group;
  GtkWidget *combo;

  g_assert_nonnull (label);
  group = gtk_widget_get_ancestor (label, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_nonnull (group);
  app_test_fill (group, T ("User ID"), user_id);
  app_test_fill (group, T ("Display name"), name);
  combo = app_test_find_shown (group, ADW_TYPE_COMBO_ROW, T ("Role"));
  g_assert_nonnull (combo);
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), role);
}

/* A child's first login: its initial password works once, and only to
 * choose its own. */
static void
assert_child_first_login (PortalFixture *portal,
                          const char    *user_id,
                          const char    *password,
                          const char    *role)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcPortalLogin) login = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (password), ==, 16);
  wc_wait_init (&wait);
  wc_portal_client_login_async (client, MERCHANT, user_id, password, NULL, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (login->must_change_password);
  g_assert_true (login->restricted);
  g_assert_cmpstr (login->user->role, ==, role);
  g_assert_true (g_strv_contains ((const char * const *) login->required_actions, "change_password"));
}

static void
test_full_run (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "ja") ? "ja" : "en";
  g_autofree char *shot = NULL;
  g_autofree char *tanaka = NULL;
  g_autofree char *sato = NULL;
  WcMigrationWizard *wizard;
  WcWindow *window;

  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  wc_settings_clear_migration (wc_application_get_settings (app));
  window = app_test_open_window (app, portal);
  wizard = open_wizard (window);

  /* Step 1: nothing to install; the phone's QR code comes after step 2. */
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 1);
  g_assert_true (shows_step (wizard, 1));
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), T ("Nothing to Install")));
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), T ("Available once your key is issued in step 2.")));
  g_assert_false (gtk_widget_is_sensitive (app_test_find_shown (GTK_WIDGET (wizard), GTK_TYPE_BUTTON, T ("Show QR Code"))));
  shot = g_strdup_printf ("wizard-1-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);

  /* Step 2: the main user's first new login, then their own password. */
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 2);
  g_free (shot);
  shot = g_strdup_printf ("wizard-2-login-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  sign_in (wizard, INITIAL_PASSWORD);
  /* Once the merchant is known, its progress is kept. */
  g_assert_cmpuint (wc_settings_get_migration_step (wc_application_get_settings (app)), ==, 2);
  app_test_wait_until (app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW, T ("Repeat new password")) != NULL, 30000);
  /* The sign-in just gave the current password: it is not asked again. */
  g_assert_null (app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_PASSWORD_ENTRY_ROW, T ("Current password")));
  app_test_fill (GTK_WIDGET (wizard), T ("New password"), CHOSEN_PASSWORD);
  app_test_fill (GTK_WIDGET (wizard), T ("Repeat new password"), CHOSEN_PASSWORD);
  g_free (shot);
  shot = g_strdup_printf ("wizard-2-password-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  gtk_widget_activate_action (app_test_find_shown (GTK_WIDGET (wizard), WC_TYPE_PASSWORD_PAGE, NULL),
                              "password.change", NULL);
  wait_key_active (wizard);
  g_free (shot);
  shot = g_strdup_printf ("wizard-2-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  g_assert_true (gtk_widget_is_sensitive (app_test_find_shown (GTK_WIDGET (wizard), GTK_TYPE_BUTTON, T ("Show QR Code for a Phone"))));

  /* Step 3: a full login with the new key, then two users. */
  next_code_step (portal, wc_window_get_session (window));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 3);
  app_test_wait_until (app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW, T ("New-login password")) != NULL
                       || app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_PREFERENCES_GROUP, NULL) != NULL, 5000);
  wait_idle (wizard);
  if (app_test_find_shown (GTK_WIDGET (wizard), ADW_TYPE_ENTRY_ROW, T ("New-login password")) != NULL)
    {
      app_test_fill (GTK_WIDGET (wizard), T ("New-login password"), CHOSEN_PASSWORD);
      gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.relogin", NULL);
      wait_idle (wizard);
    }
  g_assert_false (wc_login_session_get_login (wc_window_get_session (window))->restricted);
  fill_user_form (wizard, 1, "tanaka", "田中 一郎", 0);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.add-user", NULL);
  fill_user_form (wizard, 2, "sato", "佐藤 花子", 1);
  g_free (shot);
  shot = g_strdup_printf ("wizard-3-form-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.create-users", NULL);
  wait_idle (wizard);
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), T ("Each initial password is shown only this once. Give it to its user: it works for the first login only and must be changed then.")));
  tanaka = shown_initial_password (wizard, "tanaka");
  sato = shown_initial_password (wizard, "sato");
  g_free (shot);
  shot = g_strdup_printf ("wizard-3-%s", lang);
  app_test_screenshot (GTK_WINDOW (wizard), shot);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy-password", "s", "tanaka");
  assert_child_first_login (portal, "tanaka", tanaka, "general");
  assert_child_first_login (portal, "sato", sato, "shipping");

  /* Step 4: the real new login. */
  g_free (shot);
  shot = g_strdup_printf ("wizard-4-%s", lang);
  finish (portal, window, wizard, shot);
  g_free (shot);
  shot = g_strdup_printf ("wizard-done-%s", lang);
  app_test_screenshot (GTK_WINDOW (window), shot);
  app_test_close_window (window);
}

static void
on_key_issued (WcMigrationWizard *wizard,
               gboolean          *issued)
{
  /* As if the app were killed right here. */
  *issued = TRUE;
  gtk_window_destroy (GTK_WINDOW (wizard));
}

static gboolean
has_main_token (WcLoginSession *session)
{
  g_autoptr(GPtrArray) tokens =
    app_test_list_tokens (wc_login_session_get_token_store (session));

  for (guint i = 0; i < tokens->len; i++)
    if (g_strcmp0 (wc_token_get_account (g_ptr_array_index (tokens, i)), MERCHANT "@" MERCHANT) == 0)
      return TRUE;
  return FALSE;
}

static void
test_resume_after_kill (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "ja") ? "ja" : "en";
  g_autofree char *shot = g_strdup_printf ("login-resume-%s", lang);
  g_autofree char *resume_link = NULL;
  gboolean issued = FALSE;
  WcMigrationWizard *wizard;
  WcWindow *window;

  choose_main_password (portal);
  wc_settings_clear_migration (wc_application_get_settings (app));
  window = app_test_open_window (app, portal);
  wizard = open_wizard (window);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_signal_connect (wizard, "key-issued", G_CALLBACK (on_key_issued), &issued);
  sign_in (wizard, CHOSEN_PASSWORD);
  app_test_wait_until (issued, 30000);
  app_test_spin (100);
  g_assert_null (find_wizard ());
  /* The key waits in the keyring, and the progress in the settings. */
  g_assert_true (has_main_token (wc_window_get_session (window)));
  g_assert_cmpuint (wc_settings_get_migration_step (wc_application_get_settings (app)), ==, 2);

  /* The next start offers to go on, opens at step 2, finds the key in
   * the keyring after the login and activates it. */
  app_test_close_window (window);
  window = app_test_open_window (app, portal);
  resume_link = g_strdup_printf (T ("Resume switching to the new login (step %u of %u)"), 2, 4);
  g_assert_true (app_test_shows_text (GTK_WIDGET (window), resume_link));
  app_test_screenshot (GTK_WINDOW (window), shot);
  wizard = find_wizard () != NULL ? find_wizard () : NULL;
  g_assert_null (wizard);
  gtk_widget_activate_action (app_test_find_shown (GTK_WIDGET (window), WC_TYPE_LOGIN_PAGE, NULL), "login.migrate", NULL);
  app_test_wait_until ((wizard = find_wizard ()) != NULL, 5000);
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 2);
  sign_in (wizard, CHOSEN_PASSWORD);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (wizard), T ("A key issued by an earlier run is waiting in the keyring. Activating it…"))
                       || app_test_shows_text (GTK_WIDGET (wizard), T ("Your secret key is active and kept in the keyring. The built-in authenticator now makes your one-time passwords.")), 30000);
  wait_key_active (wizard);

  /* No key lost: the final login with it works. */
  next_code_step (portal, wc_window_get_session (window));
  finish (portal, window, wizard, NULL);
  app_test_close_window (window);
}

static gint64
far_clock (gpointer user_data)
{
  return g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC;
}

static void
test_failed_activation_and_retry (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "ja") ? "ja" : "en";
  g_autofree char *shot = g_strdup_printf ("wizard-2-retry-%s", lang);
  WcMigrationWizard *wizard;
  WcPortalClient *client;
  WcWindow *window;

  choose_main_password (portal);
  wc_settings_clear_migration (wc_application_get_settings (app));
  window = app_test_open_window (app, portal);
  client = wc_login_session_get_client (wc_window_get_session (window));
  wizard = open_wizard (window);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);

  /* A clock an hour off makes a code the portal refuses. */
  wc_portal_client_set_skew_correction (client, FALSE);
  wc_portal_client_set_clock_func (client, far_clock, NULL, NULL);
  sign_in (wizard, CHOSEN_PASSWORD);
  app_test_wait_until (app_test_find_shown (GTK_WIDGET (wizard), GTK_TYPE_BUTTON, T ("_Retry")) != NULL, 30000);
  wait_idle (wizard);
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), "W031000001"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (wizard), T ("The key could not be activated. It stays in the keyring, so nothing is lost: try again.")));
  g_assert_cmpuint (wc_migration_wizard_get_step (wizard), ==, 2);
  app_test_screenshot (GTK_WINDOW (wizard), shot);

  /* The clock put right, the same pending key is activated. */
  wc_portal_client_set_clock_func (client, NULL, NULL, NULL);
  wc_portal_client_set_skew_correction (client, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.retry", NULL);
  wait_key_active (wizard);
  next_code_step (portal, wc_window_get_session (window));
  finish (portal, window, wizard, NULL);
  app_test_close_window (window);
}


/* Tablet password care, on the portal's test clock. */

#define TABLET_MERCHANT "987654321"
#define OLD_PASSWORD "Old-pass-2026w"
#define RENEWED_OLD_PASSWORD "Tablet-pass-2026z"
#define DAY (24 * 60 * 60)

static void
new_login (WcLoginSession *session,
           const char     *merchant,
           const char     *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);
  g_autoptr(WcPortalLogin) login = NULL;

  wc_wait_init (&wait);
  wc_login_session_login_async (session, merchant, merchant, secret, NULL, FALSE, NULL, wc_wait_done, &wait);
  login = wc_login_session_login_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
}

static void
logout (WcLoginSession *session)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_login_session_logout_async (session, NULL, wc_wait_done, &wait);
  wc_login_session_logout_finish (session, wc_wait_result (&wait), NULL);
}

static GError *
tablet_login (PortalFixture *portal,
              const char    *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  GError *error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcPortalLogin) login = NULL;

  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_portal_client_tablet_login_async (client, TABLET_MERCHANT, password, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_true ((login != NULL) == (error == NULL));
  return error;
}

static gboolean
shows_age (WcWindow *window,
           guint     days)
{
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed %u day ago", "Changed %u days ago", days), days);

  return app_test_shows_text (GTK_WIDGET (window), text);
}

/* The tablet check on the session page, with @password. */
static void
check_tablet_login (WcWindow   *window,
                    const char *password)
{
  const char *title = T ("Old password, to check the tablet login");
  GtkWidget *row;

  app_test_wait_until (app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, title) != NULL, 20000);
  row = app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, title);
  gtk_editable_set_text (GTK_EDITABLE (row), password);
  g_signal_emit_by_name (row, "apply");
}

static void
test_tablet_care (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  const char *lang = g_str_has_prefix (g_get_language_names ()[0], "ja") ? "ja" : "en";
  const char *reminder = T ("The tablet (iPad) login stops working after day 90 with error T042000005. Change the old password now.");
  g_autofree char *shot = g_strdup_printf ("tablet-reminder-%s", lang);
  g_autofree char *explained = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcPortalLogin) login = NULL;
  WcLoginSession *session;
  WcWindow *window;
  GtkWidget *page;

  /* The merchant's main user chooses a new-login password on day 0; the
   * old password stays the one of day 0. */
  wc_wait_init (&wait);
  portal_add_merchant (portal, TABLET_MERCHANT, INITIAL_PASSWORD);
  client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  wc_portal_client_login_async (client, TABLET_MERCHANT, TABLET_MERCHANT, INITIAL_PASSWORD, NULL, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_portal_client_change_password_async (client, INITIAL_PASSWORD, CHOSEN_PASSWORD, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  /* And its own old password, which the tablet uses. */
  g_clear_pointer (&login, wc_portal_login_free);
  wc_portal_client_legacy_login_async (client, TABLET_MERCHANT, INITIAL_PASSWORD, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_portal_client_change_password_async (client, INITIAL_PASSWORD, OLD_PASSWORD, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_null (tablet_login (portal, OLD_PASSWORD));

  /* Day 79: no reminder yet. */
  portal_advance (portal, 79 * DAY + 60);
  window = app_test_open_window (app, portal);
  session = wc_window_get_session (window);
  new_login (session, TABLET_MERCHANT, CHOSEN_PASSWORD);
  app_test_wait_until (page_is (window, "session") && shows_age (window, 79), 20000);
  app_test_spin (200);
  g_assert_false (app_test_shows_text (GTK_WIDGET (window), reminder));
  g_assert_cmpuint (notifications_shown, ==, 0);
  logout (session);

  /* Day 80: the reminder, with the way to the renewal. */
  portal_advance (portal, DAY);
  new_login (session, TABLET_MERCHANT, CHOSEN_PASSWORD);
  app_test_wait_until (page_is (window, "session") && app_test_shows_text (GTK_WIDGET (window), reminder), 20000);
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("_Change the Old Password")));
  /* One desktop notification that day, however often it is checked. */
  app_test_wait_until (notifications_shown == 1, 5000);
  app_test_screenshot (GTK_WINDOW (window), shot);
  logout (session);

  /* Day 91: the tablet login fails with T042000005, explained. */
  portal_advance (portal, 11 * DAY);
  g_clear_error (&error);
  error = tablet_login (portal, OLD_PASSWORD);
  g_assert_nonnull (error);
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, "T042000005");
  explained = wc_ui_describe_error (error, NULL);
  g_assert_nonnull (strstr (explained, "T042000005"));
  g_assert_cmpuint (strlen (explained), >, 40);
  g_clear_error (&error);

  /* The renewal path from the logged-in page: the old login, then its
   * password change. */
  new_login (session, TABLET_MERCHANT, CHOSEN_PASSWORD);
  app_test_wait_until (page_is (window, "session")
                       && app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("_Change the Old Password")) != NULL,
                       20000);
  g_free (shot);
  shot = g_strdup_printf ("tablet-expired-%s", lang);
  app_test_screenshot (GTK_WINDOW (window), shot);
  /* The app meets T042000005 itself when it checks the tablet login,
   * explains it, and offers the same renewal. */
  check_tablet_login (window, OLD_PASSWORD);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), T ("The tablet (iPad) login is refused with error T042000005: the old password is more than 90 days old. Change it through the old login; the tablet then logs in with the new one.")), 20000);
  gtk_widget_activate_action (app_test_find_shown (GTK_WIDGET (window), GTK_TYPE_BUTTON, T ("_Change the Old Password")),
                              "session.renew-tablet-password", NULL);
  app_test_wait_until (page_is (window, "legacy-login"), 20000);
  g_assert_true (app_test_shows_text (GTK_WIDGET (window), T ("Log in with the old login (merchant code and old password) to change the old password, which the tablet (iPad) login uses.")));
  app_test_fill (GTK_WIDGET (window), T ("Merchant code"), TABLET_MERCHANT);
  app_test_fill (GTK_WIDGET (window), T ("Old password"), OLD_PASSWORD);
  page = app_test_find_shown (GTK_WIDGET (window), WC_TYPE_LOGIN_PAGE, NULL);
  gtk_widget_activate_action (page, "login.submit", NULL);
  app_test_wait_until (page_is (window, "password"), 20000);
  g_assert_null (app_test_find_shown (GTK_WIDGET (window), ADW_TYPE_PASSWORD_ENTRY_ROW, T ("Current password")));
  app_test_fill (GTK_WIDGET (window), T ("New password"), RENEWED_OLD_PASSWORD);
  app_test_fill (GTK_WIDGET (window), T ("Repeat new password"), RENEWED_OLD_PASSWORD);
  gtk_widget_activate_action (app_test_find_shown (GTK_WIDGET (window), WC_TYPE_PASSWORD_PAGE, NULL),
                              "password.change", NULL);
  app_test_wait_until (page_is (window, "session"), 20000);
  /* The session page shows the renewed password as current, with the
   * date to renew it by. */
  app_test_wait_until (wc_login_session_get_old_password_state (wc_window_get_session (window))
                       == WC_OLD_PASSWORD_CURRENT, 20000);
  g_assert_false (app_test_shows_text (GTK_WIDGET (window), reminder));

  /* The tablet logs in again with the new old password, and the app's
   * own check says so. */
  error = tablet_login (portal, RENEWED_OLD_PASSWORD);
  g_assert_no_error (error);
  check_tablet_login (window, RENEWED_OLD_PASSWORD);
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (window), T ("The tablet (iPad) login works with this old password.")), 20000);
  app_test_close_window (window);
}

/* A desktop notification server on the test session's bus, which only
 * counts what it is asked to show. */
static void
on_notifications_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      notifications_shown++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications_shown));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(@as [],)"));
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "test", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "<arg type='u' direction='out'/></method>"
    "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
    "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
    "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { on_notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, &error);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  app_test_init (&argc, &argv);
  /* As main.c does: ngettext () looks in the default domain. */
  textdomain (GETTEXT_PACKAGE);
  start_notification_server ();
  app = wc_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/migration-wizard/full-run", test_full_run);
  g_test_add_func ("/migration-wizard/resume-after-kill", test_resume_after_kill);
  g_test_add_func ("/migration-wizard/failed-activation-and-retry", test_failed_activation_and_retry);
  g_test_add_func ("/migration-wizard/tablet-care", test_tablet_care);
  status = portal_test_run ();
  g_clear_object (&app);
  return status;
}
