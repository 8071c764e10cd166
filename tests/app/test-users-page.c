/* test-users-page.c: the main user's account management against a real
 * webcollect-portal on loopback: every action on a child user with its
 * toast, the one-time initial password shown once, the portal's
 * refusals (a general user's 403, a duplicate user ID, a policy
 * violation) with their messages, and the own key: re-issue and QR. */
#include "app-test-util.h"
#include "portal-fixture.h"
#include "wc-initial-password-dialog.h"
#include "wc-otpauth-uri.h"
#include "wc-session-page.h"
#include "wc-token-qr-dialog.h"
#include "wc-ui-util.h"
#include "wc-user-dialog.h"
#include "wc-users-page.h"
#include "wc-wait.h"

#include <string.h>

#define INITIAL_PASSWORD "Initial-pass-2026x"
#define CHOSEN_PASSWORD "Chosen-pass-2026y"
#define CHILD_PASSWORD "Child-pass-2026zq"

typedef struct {
  PortalFixture *portal;
  char *merchant;
  WcLoginSession *session;
  GtkWindow *window;
  WcUsersPage *page;
} Fixture;

static guint merchant_counter;

static WcPortalClient *
new_client (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  WcPortalClient *client = wc_portal_client_new (f->portal->url, f->portal->fingerprint, &error);

  g_assert_no_error (error);
  return client;
}

static void
log_in (WcLoginSession *session,
        const char     *merchant,
        const char     *user_id,
        const char     *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);
  g_autoptr(WcPortalLogin) login = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  wc_wait_init (&wait);
  /* The portal's clock moved on: let the client measure it first. */
  wc_login_session_refresh_status_async (session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_login_session_login_async (session, merchant, user_id, secret, NULL, FALSE, NULL, wc_wait_done, &wait);
  login = wc_login_session_login_finish (session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_false (login->restricted);
}

static WcLoginSession *
new_session (Fixture *f)
{
  g_autoptr(WcPortalClient) client = new_client (f);
  g_autoptr(WcTokenStore) tokens = wc_token_store_new ();
  g_autoptr(WcCredentialStore) credentials = wc_credential_store_new ();

  return wc_login_session_new (client, f->portal->url, tokens, credentials);
}

static void
open_window (Fixture   *f,
             GtkWidget *child)
{
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 560, 720);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), scrolled);
  gtk_window_set_child (f->window, overlay);
  gtk_window_present (f->window);
  app_test_wait_until (gtk_widget_get_mapped (child), 5000);
}

/* A main user with a full new login, and the users page on it. */
static void
fixture_setup (Fixture *f)
{
  f->portal = portal_fixture_start (NULL, NULL);
  f->merchant = g_strdup_printf ("12345678%u", ++merchant_counter % 10);
  portal_add_merchant (f->portal, f->merchant, INITIAL_PASSWORD);
  f->session = new_session (f);
  g_object_unref (app_test_enroll (f->portal, wc_login_session_get_token_store (f->session), f->merchant,
                                   f->merchant, INITIAL_PASSWORD, CHOSEN_PASSWORD));
  log_in (f->session, f->merchant, f->merchant, CHOSEN_PASSWORD);

  f->page = g_object_ref_sink (wc_users_page_new ());
  open_window (f, GTK_WIDGET (f->page));
  wc_users_page_set_session (f->page, f->session);
  app_test_wait_until (!wc_users_page_is_busy (f->page), 20000);
}

static void
close_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (gtk_window_get_transient_for (window) != NULL)
        gtk_window_destroy (window);
    }
}

static void
fixture_teardown (Fixture *f)
{
  close_dialogs ();
  gtk_window_destroy (f->window);
  app_test_spin (50);
  if (f->page != NULL)
    g_assert_finalize_object (f->page);
  g_clear_object (&f->session);
  g_free (f->merchant);
  portal_fixture_free (f->portal);
}

/* The newest shown dialog of @type, or NULL. */
static GtkWindow *
find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        found = window;
    }
  return found;
}

static GtkWindow *
wait_for_dialog (GType type)
{
  app_test_wait_until (find_dialog (type) != NULL, 5000);
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (find_dialog (type))), 5000);
  return find_dialog (type);
}

/* Clicks the response button of @dialog labelled @label, as a user does. */
static void
click (GtkWindow  *dialog,
       const char *label)
{
  /* Looked up in the catalogue, so that the test also runs in Japanese. */
  GtkWidget *button = app_test_find_shown (GTK_WIDGET (dialog), GTK_TYPE_BUTTON,
                                           g_dgettext (GETTEXT_PACKAGE, label));

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
fill (GtkWindow  *dialog,
      const char *title,
      const char *text)
{
  GtkWidget *row = app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW,
                                        g_dgettext (GETTEXT_PACKAGE, title));

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
activate (Fixture    *f,
          const char *action,
          const char *user_id)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), action, user_id != NULL ? "s" : NULL, user_id));
}

static void
wait_for_text (Fixture    *f,
               const char *text)
{
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (f->window), g_dgettext (GETTEXT_PACKAGE, text)), 20000);
}

static void
wait_idle (Fixture *f)
{
  app_test_wait_until (!wc_users_page_is_busy (f->page), 20000);
}

static const char *
shown_password (GtkWindow *dialog)
{
  GtkWidget *label = NULL;
  GtkWidget *stack[64];
  int depth = 0;

  stack[depth++] = GTK_WIDGET (dialog);
  while (depth > 0 && label == NULL)
    {
      GtkWidget *widget = stack[--depth];

      if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "monospace"))
        label = widget;
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL && depth < 64;
           child = gtk_widget_get_next_sibling (child))
        stack[depth++] = child;
    }
  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* Creates a user through the form; returns the password dialog's text. */
static char *
create_user (Fixture    *f,
             const char *user_id,
             const char *name,
             gboolean    shipping)
{
  GtkWindow *dialog;
  GtkWindow *shown;

  activate (f, "users.create", NULL);
  dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
  fill (dialog, "User ID", user_id);
  fill (dialog, "Display name", name);
  if (shipping)
    adw_combo_row_set_selected (ADW_COMBO_ROW (app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, g_dgettext (GETTEXT_PACKAGE, "Role"))), 1);
  click (dialog, "Cr_eate");
  shown = wait_for_dialog (WC_TYPE_INITIAL_PASSWORD_DIALOG);
  g_assert_null (find_dialog (WC_TYPE_USER_DIALOG));
  g_assert_true (app_test_shows_text (GTK_WIDGET (shown),
                                      g_dgettext (GETTEXT_PACKAGE, "This password works once: the user must change it at the first login. It is not shown again.")));
  wait_idle (f);
  return g_strdup (shown_password (shown));
}

/* Closes the password dialog and checks the password went with it. */
static char *
take_password (void)
{
  GtkWindow *dialog = wait_for_dialog (WC_TYPE_INITIAL_PASSWORD_DIALOG);
  char *password = g_strdup (shown_password (dialog));
  GtkWidget *label;

  g_assert_cmpuint (strlen (password), >=, 12);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  label = app_test_find_shown (GTK_WIDGET (dialog), GTK_TYPE_LABEL, password);
  g_assert_nonnull (label);
  g_object_ref (label);
  click (dialog, "_Done");
  app_test_wait_until (dialog == NULL, 5000);
  /* Shown once: nothing on screen holds it any more. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "");
  g_object_unref (label);
  g_assert_null (find_dialog (WC_TYPE_INITIAL_PASSWORD_DIALOG));
  return password;
}

static void
test_actions (void)
{
  Fixture f = { 0 };
  GtkWindow *dialog;
  g_autofree char *password = NULL;
  g_autofree char *reset = NULL;

  fixture_setup (&f);
  wait_for_text (&f, "No users yet");

  /* Create: the initial password, once, and a toast. */
  g_free (create_user (&f, "tanaka", "Tanaka Ichiro", FALSE));
  password = take_password ();
  wait_for_text (&f, "“Tanaka Ichiro” added");
  wait_for_text (&f, "tanaka · General · OTP not enrolled, Must change password");
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.window), password));

  /* Rename. The dialog opens with the focus in its field, never on
   * Cancel, so typing goes into the name. */
  activate (&f, "users.rename", "tanaka");
  dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
  {
    GtkWidget *name = app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW,
                                           g_dgettext (GETTEXT_PACKAGE, "Display name"));

    app_test_wait_until (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL
                         && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), name), 5000);
  }
  fill (dialog, "Display name", "Tanaka Jiro");
  click (dialog, "_Rename");
  wait_for_text (&f, "“Tanaka Ichiro” renamed to “Tanaka Jiro”");
  wait_idle (&f);
  wait_for_text (&f, "Tanaka Jiro");

  /* Change the role. */
  activate (&f, "users.set-role", "tanaka");
  dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
  adw_combo_row_set_selected (ADW_COMBO_ROW (app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, g_dgettext (GETTEXT_PACKAGE, "Role"))), 1);
  click (dialog, "C_hange");
  wait_for_text (&f, "“Tanaka Jiro” is now Shipping");
  wait_idle (&f);
  wait_for_text (&f, "tanaka · Shipping");

  /* Disable, with progress on the row, and undo it from the toast. */
  activate (&f, "users.disable", "tanaka");
  g_assert_true (wc_users_page_is_busy (f.page));
  wait_for_text (&f, "“Tanaka Jiro” disabled");
  wait_idle (&f);
  wait_for_text (&f, "tanaka · Shipping · Disabled");
  {
    GtkWidget *undo = app_test_find_shown (GTK_WIDGET (f.window), GTK_TYPE_BUTTON,
                                           g_dgettext (GETTEXT_PACKAGE, "_Undo"));

    g_assert_nonnull (undo);
    app_test_spin (500);  /* as a person would: the toast has come in */
    g_signal_emit_by_name (undo, "clicked");
  }
  wait_for_text (&f, "“Tanaka Jiro” enabled");
  wait_idle (&f);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), "Disabled"));
  /* And the menu way, disable then enable. */
  activate (&f, "users.disable", "tanaka");
  wait_idle (&f);
  wait_for_text (&f, "tanaka · Shipping · Disabled");
  activate (&f, "users.enable", "tanaka");
  wait_idle (&f);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f.page), "Disabled"));

  /* Reset the password: confirmed, then shown once. */
  activate (&f, "users.reset-password", "tanaka");
  click (wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG), "Reset _Password");
  reset = take_password ();
  g_assert_cmpstr (reset, !=, password);
  wait_for_text (&f, "Password of “Tanaka Jiro” reset");
  wait_idle (&f);

  /* Reset the one-time password enrollment. */
  activate (&f, "users.reset-otp", "tanaka");
  click (wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG), "_Reset Key");
  wait_for_text (&f, "One-time password key of “Tanaka Jiro” reset");
  wait_idle (&f);

  /* Delete, after a destructive confirmation. */
  activate (&f, "users.delete", "tanaka");
  dialog = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (app_test_shows_text (GTK_WIDGET (dialog), "This cannot be undone"));
  click (dialog, "De_lete");
  wait_for_text (&f, "“Tanaka Jiro” deleted");
  wait_idle (&f);
  wait_for_text (&f, "No users yet");

  fixture_teardown (&f);
}

static void
test_refusals (void)
{
  Fixture f = { 0 };
  GtkWindow *dialog;
  GtkWidget *row;

  fixture_setup (&f);
  g_free (create_user (&f, "suzuki", "Suzuki Hanako", TRUE));
  g_free (take_password ());

  /* A taken user ID: the portal's message, at the User ID row. */
  activate (&f, "users.create", NULL);
  dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
  fill (dialog, "User ID", "suzuki");
  fill (dialog, "Display name", "Another Suzuki");
  click (dialog, "Cr_eate");
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (dialog), "This user ID is already in use"), 20000);
  row = app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "User ID");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  /* Nothing typed is lost. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "suzuki");

  /* A policy violation: a display name with a control character. */
  fill (dialog, "User ID", "sato");
  fill (dialog, "Display name", "Sato\x01Taro");
  click (dialog, "Cr_eate");
  app_test_wait_until (app_test_shows_text (GTK_WIDGET (dialog), "An entry is not valid"), 20000);
  row = app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Display name");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_has_css_class (app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "User ID"), "error"));
  gtk_window_destroy (dialog);
  wait_idle (&f);

  /* An impossible user ID never reaches the portal: Create stays off. */
  activate (&f, "users.create", NULL);
  dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
  fill (dialog, "User ID", "-bad id");
  fill (dialog, "Display name", "Bad");
  g_assert_false (gtk_widget_is_sensitive (app_test_find_shown (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Cr_eate")));
  gtk_window_destroy (dialog);

  /* An action on a user that went away meanwhile: 404, as a toast. */
  {
    g_auto(WcWait) wait = WC_WAIT_INIT;
    g_autoptr(GError) error = NULL;

    wc_wait_init (&wait);
    wc_portal_client_delete_user_async (wc_login_session_get_client (f.session), "suzuki", NULL, wc_wait_done, &wait);
    g_assert_true (wc_portal_client_finish (wc_login_session_get_client (f.session), wc_wait_result (&wait), &error));
  }
  activate (&f, "users.disable", "suzuki");
  wait_idle (&f);
  wait_for_text (&f, "W044000001");

  fixture_teardown (&f);
}

/* A general user's login: the session page has no users page, and the
 * users page, given that session anyway, shows the 403 and hides. */
static void
test_general_user (void)
{
  Fixture f = { 0 };
  g_autoptr(WcLoginSession) child = NULL;
  g_autofree char *password = NULL;
  WcSessionPage *session_page;
  GtkWindow *window;

  fixture_setup (&f);
  g_free (create_user (&f, "kato", "Kato Ken", FALSE));
  password = take_password ();

  child = new_session (&f);
  g_object_unref (app_test_enroll (f.portal, wc_login_session_get_token_store (child), f.merchant, "kato",
                                   password, CHILD_PASSWORD));
  log_in (child, f.merchant, "kato", CHILD_PASSWORD);

  wc_users_page_set_session (f.page, child);
  wait_for_text (&f, "Only the main user can manage users");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f.page)));

  /* The session page hosts it for the main user only. */
  window = f.window;
  session_page = g_object_ref_sink (wc_session_page_new ());
  f.window = NULL;
  open_window (&f, GTK_WIDGET (session_page));
  wc_session_page_set_session (session_page, child);
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (wc_session_page_get_account_area (session_page))));
  wc_session_page_set_session (session_page, f.session);
  g_assert_true (WC_IS_USERS_PAGE (gtk_widget_get_first_child (GTK_WIDGET (wc_session_page_get_account_area (session_page)))));
  wait_for_text (&f, "Kato Ken");
  gtk_window_destroy (f.window);
  app_test_spin (50);
  g_assert_finalize_object (session_page);
  f.window = window;

  fixture_teardown (&f);
}

static void
test_own_key (void)
{
  Fixture f = { 0 };
  GtkWindow *dialog;

  fixture_setup (&f);
  activate (&f, "users.reissue-key", NULL);
  dialog = wait_for_dialog (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (app_test_shows_text (GTK_WIDGET (dialog), "Your current key stops working then"));
  click (dialog, "_Re-issue");
  wait_for_text (&f, "Your new secret key is active");
  wait_idle (&f);

  activate (&f, "users.show-key-qr", NULL);
  dialog = wait_for_dialog (WC_TYPE_TOKEN_QR_DIALOG);
  g_assert_nonnull (wc_token_qr_dialog_get_texture (WC_TOKEN_QR_DIALOG (dialog)));
  gtk_window_destroy (dialog);

  fixture_teardown (&f);
}

/* Pictures to look at: the page with three users, and a password. */
static void
test_screenshots (void)
{
  Fixture f = { 0 };
  const char *dir = g_getenv ("WC_SCREENSHOT_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *page_png = NULL;
  g_autofree char *dialog_png = NULL;

  if (dir == NULL)
    {
      g_test_skip ("WC_SCREENSHOT_DIR is not set");
      return;
    }
  fixture_setup (&f);
  g_free (create_user (&f, "tanaka", "田中 一郎", FALSE));
  g_free (take_password ());
  g_free (create_user (&f, "suzuki", "鈴木 花子", TRUE));
  g_free (take_password ());
  g_free (create_user (&f, "sato", "Sato Taro", FALSE));
  activate (&f, "users.disable", "suzuki");
  wait_idle (&f);
  app_test_spin (6000);  /* let the toasts go */

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  dialog_png = g_build_filename (dir, "users-password-dialog.png", NULL);
  wc_ui_render_png (wait_for_dialog (WC_TYPE_INITIAL_PASSWORD_DIALOG), dialog_png, &error);
  g_assert_no_error (error);
  g_free (take_password ());
  app_test_spin (6000);
  page_png = g_build_filename (dir, "users-page.png", NULL);
  /* The dialogs at their own size: no title cut short, in either language. */
  {
    g_autofree char *rename_png = g_build_filename (dir, "users-rename-dialog.png", NULL);
    g_autofree char *add_png = g_build_filename (dir, "users-add-dialog.png", NULL);
    GtkWindow *dialog;

    activate (&f, "users.rename", "tanaka");
    dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
    app_test_spin (500);
    wc_ui_render_png (dialog, rename_png, &error);
    g_assert_no_error (error);
    gtk_window_destroy (dialog);
    activate (&f, "users.create", NULL);
    dialog = wait_for_dialog (WC_TYPE_USER_DIALOG);
    app_test_spin (500);
    wc_ui_render_png (dialog, add_png, &error);
    g_assert_no_error (error);
    /* Escape closes it. */
    g_assert_true (app_test_press_escape (dialog));
    app_test_wait_until (find_dialog (WC_TYPE_USER_DIALOG) == NULL, 5000);
    app_test_spin (500);
  }
  wc_ui_render_png (f.window, page_png, &error);
  g_assert_no_error (error);

  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/users-page/actions", test_actions);
  g_test_add_func ("/users-page/refusals", test_refusals);
  g_test_add_func ("/users-page/general-user", test_general_user);
  g_test_add_func ("/users-page/own-key", test_own_key);
  g_test_add_func ("/users-page/screenshots", test_screenshots);
  return portal_test_run ();
}
