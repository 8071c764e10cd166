/* test-dialogs.c: every dialog and secondary window of the app, opened
 * the way a merchant opens it, on the whole window against a real
 * webcollect-portal on loopback and the real keyring. Each one opens with
 * the focus inside it, shows every text whole (no label cut off with
 * "…"), and closes on Escape; with WC_SCREENSHOT_DIR each leaves a
 * picture, named after the language. It runs in English (dialogs) and in
 * Japanese (dialogs-ja). */
#include "app-test-util.h"

#include <glib/gi18n.h>

#include "portal-fixture.h"
#include "wc-application.h"
#include "wc-initial-password-dialog.h"
#include "wc-login-page.h"
#include "wc-session-page.h"
#include "wc-token-page.h"
#include "wc-ui-window.h"
#include "wc-user-dialog.h"
#include "wc-users-page.h"
#include "wc-window.h"

/* What the app shows, in the language the test runs in. */
#define T(text) g_dgettext (GETTEXT_PACKAGE, text)

#define MERCHANT "123456789"
#define INITIAL_PASSWORD "Initial-pass-2026x"
#define CHOSEN_PASSWORD "Chosen-pass-2026y"
#define CHILD "kato"

static WcApplication *app;

static gboolean
in_japanese (void)
{
  return g_str_has_prefix (g_get_language_names ()[0], "ja");
}

/* Waits for the dialog that @main's last action opened and checks it:
 * the focus is inside, nothing is cut off, a picture. Returns it, open. */
static GtkWindow *
check_dialog (GtkWindow  *main,
              const char *name)
{
  g_autofree char *shot = g_strdup_printf ("dialog-%s-%s", in_japanese () ? "ja" : "en", name);
  GtkWindow *dialog;
  GtkWidget *focus;

  app_test_wait_until (wc_ui_newest_dialog (main) != NULL, 10000);
  dialog = wc_ui_newest_dialog (main);
  g_test_message ("%s: %s", name, G_OBJECT_TYPE_NAME (dialog));
  /* Allocated, with its transitions over. */
  app_test_spin (400);
  g_assert_true (gtk_window_get_transient_for (dialog) == main);

  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  if (focus == NULL)
    g_error ("%s opened without the focus in it", name);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (dialog)));
  /* Nothing cut off, and a picture. */
  app_test_screenshot (dialog, shot);
  return dialog;
}

/* Presses Escape in @dialog and waits for it to go. */
static void
escape_closes (GtkWindow  *dialog,
               const char *name)
{
  gpointer alive = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &alive);
  if (!app_test_press_escape (dialog))
    g_error ("%s does not answer Escape", name);
  app_test_wait_until (alive == NULL || !gtk_widget_get_visible (GTK_WIDGET (dialog)), 5000);
  if (alive != NULL)
    g_object_remove_weak_pointer (G_OBJECT (dialog), &alive);
}

/* Opens a dialog with @action on @widget, checks it and closes it with
 * Escape. */
static void
open_check_escape (GtkWindow  *main,
                   GtkWidget  *widget,
                   const char *action,
                   const char *parameter,
                   const char *name)
{
  if (!gtk_widget_activate_action (widget, action, parameter != NULL ? "s" : NULL, parameter))
    g_error ("no action %s", action);
  escape_closes (check_dialog (main, name), name);
}

static GtkWidget *
find_page (WcWindow *window,
           GType     type)
{
  GtkWidget *page;

  app_test_wait_until (app_test_find_shown (GTK_WIDGET (window), type, NULL) != NULL, 10000);
  page = app_test_find_shown (GTK_WIDGET (window), type, NULL);
  return page;
}

static void
log_in (WcWindow *window)
{
  GtkWidget *page = find_page (window, WC_TYPE_LOGIN_PAGE);

  app_test_fill (page, T ("Merchant code"), MERCHANT);
  app_test_fill (page, T ("User ID"), MERCHANT);
  app_test_fill (page, T ("Password"), CHOSEN_PASSWORD);
  gtk_widget_activate_action (page, "login.submit", NULL);
  app_test_wait_until (!wc_login_page_is_busy (WC_LOGIN_PAGE (page)), 20000);
  app_test_wait_until (wc_login_session_get_login (wc_window_get_session (window)) != NULL, 20000);
}

/* The users section: Add User (then the initial password it shows),
 * and each question and dialog on the child and on the own key. */
static void
check_users_dialogs (WcWindow *window)
{
  GtkWindow *main = GTK_WINDOW (window);
  GtkWidget *users = find_page (window, WC_TYPE_USERS_PAGE);
  GtkWindow *dialog;

  app_test_wait_until (!wc_users_page_is_busy (WC_USERS_PAGE (users)), 20000);
  gtk_widget_activate_action (users, "users.create", NULL);
  dialog = check_dialog (main, "add-user");
  g_assert_true (WC_IS_USER_DIALOG (dialog));
  app_test_fill (GTK_WIDGET (dialog), T ("Display name"), "加藤 健");
  app_test_fill (GTK_WIDGET (dialog), T ("User ID"), CHILD);
  /* Enter in the last field answers with the default: Create. */
  gtk_widget_activate_default (GTK_WIDGET (dialog));
  app_test_wait_until (WC_IS_INITIAL_PASSWORD_DIALOG (wc_ui_newest_dialog (main)), 20000);
  escape_closes (check_dialog (main, "initial-password"), "initial-password");
  app_test_wait_until (app_test_shows_text (users, CHILD), 20000);

  open_check_escape (main, users, "users.rename", CHILD, "rename-user");
  open_check_escape (main, users, "users.set-role", CHILD, "change-role");
  open_check_escape (main, users, "users.reset-password", CHILD, "reset-user-password");
  open_check_escape (main, users, "users.reset-otp", CHILD, "reset-user-key");
  open_check_escape (main, users, "users.delete", CHILD, "delete-user");
  open_check_escape (main, users, "users.reissue-key", NULL, "reissue-key");
  open_check_escape (main, users, "users.show-key-qr", NULL, "own-key-qr");
}

/* The authenticator: the QR window, Rename, Remove and Add Token. */
static void
check_token_dialogs (WcWindow *window,
                     WcToken  *token)
{
  GtkWindow *main = GTK_WINDOW (window);
  GtkWidget *tokens;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-authenticator", NULL);
  tokens = find_page (window, WC_TYPE_TOKEN_PAGE);
  app_test_wait_until (app_test_shows_text (tokens, wc_token_get_account (token)), 20000);
  open_check_escape (main, tokens, "tokens.show-qr", wc_token_get_uuid (token), "token-qr");
  open_check_escape (main, tokens, "tokens.rename", wc_token_get_uuid (token), "rename-token");
  open_check_escape (main, tokens, "tokens.remove", wc_token_get_uuid (token), "remove-token");
  open_check_escape (main, GTK_WIDGET (window), "win.add-token", NULL, "add-token");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-login", NULL);
}

/* What the window itself opens: the guide, the shortcuts, About. */
static void
check_window_dialogs (WcWindow *window)
{
  GtkWindow *main = GTK_WINDOW (window);

  open_check_escape (main, GTK_WIDGET (window), "win.show-guide", NULL, "guide");
  open_check_escape (main, GTK_WIDGET (window), "win.show-help-overlay", NULL, "shortcuts");
  open_check_escape (main, GTK_WIDGET (window), "app.about", NULL, "about");
}

/* The old login's "Forgot your password?" question. */
static void
check_login_dialogs (WcWindow *window)
{
  WcLoginSession *session = wc_window_get_session (window);
  GtkWidget *page;

  gtk_widget_activate_action (find_page (window, WC_TYPE_SESSION_PAGE), "session.logout", NULL);
  app_test_wait_until (wc_login_session_get_login (session) == NULL, 20000);
  page = find_page (window, WC_TYPE_LOGIN_PAGE);
  gtk_widget_activate_action (page, "login.show-legacy", NULL);
  app_test_fill (page, T ("Merchant code"), MERCHANT);
  open_check_escape (GTK_WINDOW (window), page, "login.reset-password", NULL, "reset-question");
}

static void
test_every_dialog (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcToken) token = NULL;
  WcWindow *window;

  portal_add_merchant (portal, MERCHANT, INITIAL_PASSWORD);
  token = app_test_enroll (portal, wc_application_get_token_store (app), MERCHANT, MERCHANT,
                           INITIAL_PASSWORD, CHOSEN_PASSWORD);
  window = app_test_open_window (app, portal);
  log_in (window);

  check_users_dialogs (window);
  check_token_dialogs (window, token);
  check_window_dialogs (window);
  check_login_dialogs (window);
  app_test_close_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  app_test_init (&argc, &argv);
  app = wc_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/dialogs/every-dialog", test_every_dialog);
  status = portal_test_run ();
  g_clear_object (&app);
  return status;
}
