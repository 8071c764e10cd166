/* app-test-util.c: helpers of the widget tests. */
#include "app-test-util.h"
#include "store-test-util.h"

#include "wc-otpauth-uri.h"
#include "wc-ui-util.h"
#include "wc-wait.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

void
app_test_init (int    *argc,
               char ***argv)
{
  const char *localedir = g_getenv ("WC_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* The build's own catalogues, so that a test run in Japanese shows the
   * app in Japanese. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
}

void
app_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A row's title comes first, so that rows are found by what they ask
 * for; its text or subtitle second. */
static const char *
shown_text (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  return NULL;
}

static const char *
second_text (GtkWidget *widget)
{
  if (ADW_IS_ACTION_ROW (widget))
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  if (ADW_IS_PREFERENCES_ROW (widget) && GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_description (ADW_STATUS_PAGE (widget));
  return NULL;
}

GtkWidget *
app_test_find_shown (GtkWidget  *root,
                     GType       type,
                     const char *text)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    {
      const char *first = shown_text (root);
      const char *second = second_text (root);

      if (text == NULL
          || (first != NULL && strstr (first, text) != NULL)
          || (second != NULL && strstr (second, text) != NULL))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_test_find_shown (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
app_test_shows_text (GtkWidget  *root,
                     const char *text)
{
  return app_test_find_shown (root, GTK_TYPE_WIDGET, text) != NULL;
}

void
app_test_fill (GtkWidget  *root,
               const char *row_title,
               const char *text)
{
  GtkWidget *row = app_test_find_shown (root, ADW_TYPE_ENTRY_ROW, row_title);

  if (row == NULL)
    g_error ("no row “%s” is shown", row_title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

typedef struct {
  gboolean done;
  char *text;
} ReadResult;

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ReadResult *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

char *
app_test_read_clipboard (GdkClipboard *clipboard)
{
  ReadResult read = { FALSE, NULL };

  gdk_clipboard_read_text_async (clipboard, NULL, on_read, &read);
  app_test_wait_until (read.done, 5000);
  return read.text;
}

WcToken *
app_test_enroll (PortalFixture *portal,
                 WcTokenStore  *tokens,
                 const char    *merchant,
                 const char    *user_id,
                 const char    *first_password,
                 const char    *password)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcPortalLogin) login = NULL;
  g_autoptr(WcPortalOtpOffer) offer = NULL;
  g_autoptr(WcToken) token = NULL;
  g_autofree char *code = NULL;

  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_portal_client_login_async (client, merchant, user_id, first_password, NULL, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (login->must_change_password);

  wc_portal_client_change_password_async (client, first_password, password, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  wc_portal_client_issue_otp_secret_async (client, NULL, wc_wait_done, &wait);
  offer = wc_portal_client_issue_otp_secret_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  token = wc_otpauth_uri_parse (wc_secret_get_text (offer->otpauth_uri), &error);
  g_assert_no_error (error);

  /* Into the keyring first, then activated: as the app does. */
  wc_token_store_add_async (tokens, token, NULL, wc_wait_done, &wait);
  g_assert_true (wc_token_store_add_finish (tokens, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  code = wc_token_dup_code (token, wc_portal_client_now (client), 0, &error);
  g_assert_no_error (error);
  wc_portal_client_activate_otp_async (client, code, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  wc_portal_client_logout_async (client, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
  portal_advance (portal, 30);
  return g_steal_pointer (&token);
}

GPtrArray *
app_test_list_tokens (WcTokenStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tokens = store_test_list (store, &error);

  g_assert_no_error (error);
  return tokens;
}

WcWindow *
app_test_open_window (WcApplication *app,
                      PortalFixture *portal)
{
  WcWindow *window = wc_window_new (app);

  wc_settings_set_portal (wc_application_get_settings (app), portal->url, portal->fingerprint);
  gtk_window_present (GTK_WINDOW (window));
  wc_window_connect (window, FALSE);
  app_test_wait_until (wc_window_get_session (window) != NULL
                       && wc_login_session_get_status (wc_window_get_session (window)) != NULL
                       && !wc_window_is_busy (window), 20000);
  return window;
}

void
app_test_close_window (WcWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  app_test_spin (50);
  g_assert_finalize_object (window);
}

/* Fails when a shown label under @widget is cut off with an ellipsis. */
static void
assert_nothing_cut (GtkWidget  *widget,
                    const char *name)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget)
      && gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE
      && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_error ("%s: the text “%s” is cut off", name, gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_nothing_cut (child, name);
}

void
app_test_screenshot (GtkWindow  *window,
                     const char *name)
{
  const char *dir = g_getenv ("WC_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;

  /* Allocated, with transitions over. */
  app_test_spin (300);
  assert_nothing_cut (GTK_WIDGET (window), name);
  if (dir == NULL)
    return;
  file = g_strdup_printf ("%s/%s.png", dir, name);
  if (!wc_ui_render_png (window, file, &error))
    g_test_message ("no screenshot %s: %s", name, error->message);
}

gboolean
app_test_press_escape (GtkWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (trigger, "Escape"))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (window),
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}
