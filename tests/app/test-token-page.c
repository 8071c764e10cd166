/* test-token-page.c: the authenticator page against a real keyring:
 * the empty state, adding through the dialog, the codes it shows,
 * copying with clipboard clearing, unreadable items, renaming, removing,
 * HOTP and the QR export. */
#include "app-test-util.h"
#include "keyring-test-util.h"
#include "wc-token-page.h"
#include "wc-add-token-dialog.h"
#include "wc-token-qr-dialog.h"
#include "wc-otpauth-uri.h"
#include "wc-qr.h"
#include "wc-wait.h"
#include "wc-error.h"
#include "portal-fixture.h"

#include <libsecret/secret.h>
#include <string.h>

/* RFC test-vector style key; never a real secret. */
#define TEST_KEY "JBSWY3DPEHPK3PXP"
#define TEST_ISSUER "Kuroneko Web Collect"
#define TEST_ACCOUNT "tanaka@123456789"
#define TEST_URI "otpauth://totp/Kuroneko%20Web%20Collect:tanaka@123456789?secret=" TEST_KEY \
                 "&issuer=Kuroneko%20Web%20Collect"

typedef struct {
  WcTokenStore *store;
  WcSettings *settings;
  GtkWindow *window;
  WcTokenPage *page;
} Fixture;

static WcToken *
add_token (WcTokenStore *store,
           const char   *uri)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_otpauth_uri_parse (uri, &error);

  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_token_store_add_async (store, token, NULL, wc_wait_done, &wait);
  g_assert_true (wc_token_store_add_finish (store, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&token);
}

static void
wait_loaded (Fixture *f)
{
  app_test_wait_until (!wc_token_page_is_loading (f->page), 10000);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  keyring_test_remove_all (keyring_test_token_schema ());
  f->store = wc_token_store_new ();
  f->settings = wc_settings_new ();
  g_settings_set_uint (wc_settings_get_gsettings (f->settings), "clipboard-clear-seconds", 5);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 600, 700);
  f->page = g_object_ref (wc_token_page_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (f->page));
  gtk_window_set_child (f->window, overlay);
  g_object_set (f->page, "store", f->store, "settings", f->settings, NULL);
  /* Not mapped yet: nothing is listed before the page is shown. */
  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "loading");
  gtk_window_present (f->window);
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->page)), 5000);
  wait_loaded (f);
}

static void
close_other_windows (Fixture *f)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (l->data != f->window)
      gtk_window_destroy (l->data);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_other_windows (f);
  gtk_window_destroy (f->window);
  /* Let cancelled operations report back before checking for leaks. */
  app_test_spin (200);
  g_assert_finalize_object (f->page);
  g_clear_object (&f->settings);
  g_assert_finalize_object (f->store);
  keyring_test_remove_all (keyring_test_token_schema ());
}

static GtkWidget *
find_toplevel (GType type)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (g_type_is_a (G_OBJECT_TYPE (l->data), type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* The TOTP code for @unix_time from oathtool: an implementation other
 * than ours. The key is a published test vector, fine on a command line.
 * Without oathtool the test fails: comparing the app's code with itself
 * would prove nothing. */
static char *
oathtool_code (gint64 unix_time)
{
  g_autofree char *now = g_strdup_printf ("@%" G_GINT64_FORMAT, unix_time);
  const char *argv[] = { "oathtool", "--totp", "--base32", "--now", now, TEST_KEY, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    g_error ("oathtool, the reference for the codes, cannot run (Debian package oathtool): %s", error->message);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_strdup (g_strstrip (out));
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  GtkWindow *dialog;

  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "empty");
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "No tokens yet"));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "Add Token"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.add", NULL));
  dialog = wc_token_page_get_add_dialog (f->page);
  g_assert_nonnull (dialog);
  g_assert_true (WC_IS_ADD_TOKEN_DIALOG (dialog));
  g_assert_true (gtk_window_get_modal (dialog));
  g_assert_true (gtk_window_get_transient_for (dialog) == f->window);
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 5000);

  /* A second activation presents the same dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.add", NULL));
  g_assert_true (wc_token_page_get_add_dialog (f->page) == dialog);

  gtk_window_close (dialog);
  app_test_wait_until (wc_token_page_get_add_dialog (f->page) == NULL, 5000);
  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "empty");
}

static void
test_add_through_link (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *expected_description = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *countdown = NULL;
  g_autofree char *reference = NULL;
  WcAddTokenDialog *dialog;
  GtkWidget *uri_row;
  WcTokenRow *row;
  WcToken *token;
  const char *code = NULL;
  gint64 before;
  gint64 after;

  gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.add", NULL);
  dialog = WC_ADD_TOKEN_DIALOG (wc_token_page_get_add_dialog (f->page));
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 5000);
  wc_add_token_dialog_set_page (dialog, "link");
  uri_row = app_test_find_shown (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, "Link");
  g_assert_nonnull (uri_row);
  gtk_editable_set_text (GTK_EDITABLE (uri_row), TEST_URI);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "add.save", NULL));

  /* The dialog closes itself once the keyring has the token, and the
   * page lists it. */
  app_test_wait_until (wc_token_page_get_add_dialog (f->page) == NULL, 10000);
  app_test_wait_until (wc_token_page_get_n_rows (f->page) == 1 && !wc_token_page_is_loading (f->page), 10000);
  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "list");

  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  token = g_ptr_array_index (tokens, 0);
  g_assert_cmpstr (wc_token_get_issuer (token), ==, TEST_ISSUER);
  g_assert_cmpstr (wc_token_get_account (token), ==, TEST_ACCOUNT);

  row = wc_token_page_find_row (f->page, wc_token_get_uuid (token));
  g_assert_nonnull (row);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), TEST_ISSUER));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), TEST_ACCOUNT));

  /* The code shown is the one oathtool makes for now; retry if a time
   * step passed in between. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_clear_pointer (&reference, g_free);
      before = g_get_real_time () / G_USEC_PER_SEC;
      wc_token_row_update (row, before);
      code = wc_token_row_get_code (row);
      reference = oathtool_code (before);
      after = g_get_real_time () / G_USEC_PER_SEC;
      if (before / 30 == after / 30)
        break;
    }
  g_assert_nonnull (code);
  g_assert_cmpstr (code, ==, reference);

  grouped = g_strdup_printf ("%.3s %.3s", code, code + 3);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), grouped));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (row), GTK_TYPE_LABEL, grouped));
  expected_description = g_strdup_printf ("Code %s for " TEST_ISSUER " " TEST_ACCOUNT, grouped);
  g_assert_cmpstr (wc_token_row_get_code_description (row), ==, expected_description);
  g_assert_true (g_str_has_suffix (wc_token_row_get_countdown_description (row), " left"));

  /* The page's timer moves the countdown on by itself, about once a
   * second. */
  countdown = g_strdup (wc_token_row_get_countdown_description (row));
  app_test_wait_until (g_strcmp0 (countdown, wc_token_row_get_countdown_description (row)) != 0, 2500);
}

static void
test_copy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->page));
  WcClipboardGuard *guard;
  WcTokenRow *row;
  g_autofree char *copied = NULL;
  g_autofree char *code = NULL;
  g_autofree char *after = NULL;
  g_autofree char *kept = NULL;
  gint64 start;

  wc_token_page_reload (f->page);
  wait_loaded (f);
  row = wc_token_page_find_row (f->page, wc_token_get_uuid (token));
  g_assert_nonnull (row);

  /* Clicking the row or Enter on it activates "tokens.copy". */
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (row)), ==, "tokens.copy");
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.copy", "s",
                                             wc_token_get_uuid (token)));
  code = g_strdup (wc_token_row_get_code (row));
  guard = wc_token_page_get_clipboard_guard (f->page);
  g_assert_nonnull (guard);
  g_assert_true (wc_clipboard_guard_is_pending (guard));
  copied = app_test_read_clipboard (clipboard);
  g_assert_cmpstr (copied, ==, code);

  /* Cleared after the delay from the settings (5 s), not before. */
  app_test_wait_until (!wc_clipboard_guard_is_pending (guard), 10000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 5 * G_USEC_PER_SEC);
  after = app_test_read_clipboard (clipboard);
  g_assert_true (after == NULL || *after == '\0');

  /* Ctrl+C with the row focused copies it too; what the user copies
   * afterwards is left alone. */
  gtk_widget_grab_focus (GTK_WIDGET (row));
  g_assert_true (wc_token_page_copy_selected (f->page));
  g_assert_true (wc_clipboard_guard_is_pending (guard));
  gdk_clipboard_set_text (clipboard, "the user's own text");
  app_test_wait_until (!wc_clipboard_guard_is_pending (guard), 10000);
  kept = app_test_read_clipboard (clipboard);
  g_assert_cmpstr (kept, ==, "the user's own text");
}

static void
plant (const char *label,
       const char *secret,
       ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  va_list args;
  const char *name;

  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) WC_TOKEN_SCHEMA_NAME);
  va_start (args, secret);
  while ((name = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (attributes, (char *) name, (char *) va_arg (args, const char *));
  va_end (args);
  g_assert_true (secret_password_storev_sync (keyring_test_token_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                              label, secret, NULL, &error));
  g_assert_no_error (error);
}

static GtkWidget *
wait_for_message_dialog (void)
{
  GtkWidget *dialog = NULL;

  app_test_wait_until ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL
                       && gtk_widget_get_mapped (dialog), 5000);
  return dialog;
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  const char *uuid = "0c2a3f0e-8a1b-4c55-9a7e-1d2f3a4b5c6d";
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GPtrArray) again = NULL;
  WcTokenRow *row;
  GtkWidget *dialog;

  g_autoptr(WcToken) good = add_token (f->store, TEST_URI);
  plant ("Web Collect Login: broken digits", TEST_KEY, "uuid", uuid, "type", "totp",
         "algorithm", "SHA1", "digits", "10", "period", "30", "counter", "0", NULL);

  wc_token_page_reload (f->page);
  wait_loaded (f);
  g_assert_cmpuint (wc_token_page_get_n_rows (f->page), ==, 2);

  /* Listed with its label and its problem, never hidden. */
  row = wc_token_page_find_row (f->page, uuid);
  g_assert_nonnull (row);
  g_assert_false (wc_token_is_readable (wc_token_row_get_token (row)));
  g_assert_null (wc_token_row_get_code (row));
  g_assert_true (app_test_shows_text (GTK_WIDGET (row), "Web Collect Login: broken digits"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (row),
                                      wc_token_get_problem (wc_token_row_get_token (row))));
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  /* The good one still works beside it. */
  g_assert_nonnull (wc_token_row_get_code (wc_token_page_find_row (f->page, wc_token_get_uuid (good))));

  /* Listing deleted nothing, also after a reload. */
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 2);
  wc_token_page_reload (f->page);
  wait_loaded (f);
  again = app_test_list_tokens (f->store);
  g_assert_cmpuint (again->len, ==, 2);

  /* It can be removed on purpose. */
  row = wc_token_page_find_row (f->page, uuid);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.remove", "s", uuid));
  dialog = wait_for_message_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  app_test_wait_until (wc_token_page_find_row (f->page, uuid) == NULL && !wc_token_page_is_loading (f->page), 10000);
  g_clear_pointer (&again, g_ptr_array_unref);
  again = app_test_list_tokens (f->store);
  g_assert_cmpuint (again->len, ==, 1);
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  g_autoptr(GPtrArray) tokens = NULL;
  GtkWidget *dialog;
  GtkWidget *issuer;
  GtkWidget *account;
  WcToken *renamed;

  wc_token_page_reload (f->page);
  wait_loaded (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.rename", "s",
                                             wc_token_get_uuid (token)));
  dialog = wait_for_message_dialog ();
  issuer = app_test_find_shown (dialog, ADW_TYPE_ENTRY_ROW, "Issuer");
  account = app_test_find_shown (dialog, ADW_TYPE_ENTRY_ROW, "Account");
  g_assert_nonnull (issuer);
  g_assert_nonnull (account);
  /* Typing goes into the names, not onto Cancel. */
  app_test_wait_until (gtk_root_get_focus (GTK_ROOT (dialog)) != NULL
                       && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), issuer), 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (issuer)), ==, TEST_ISSUER);
  gtk_editable_set_text (GTK_EDITABLE (issuer), "Yamato");
  gtk_editable_set_text (GTK_EDITABLE (account), "shop-2");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "rename");

  app_test_wait_until (app_test_shows_text (GTK_WIDGET (f->window), "Yamato")
                       && !wc_token_page_is_loading (f->page), 10000);
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  renamed = g_ptr_array_index (tokens, 0);
  g_assert_cmpstr (wc_token_get_uuid (renamed), ==, wc_token_get_uuid (token));
  g_assert_cmpstr (wc_token_get_issuer (renamed), ==, "Yamato");
  g_assert_cmpstr (wc_token_get_account (renamed), ==, "shop-2");
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "shop-2"));
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  g_autoptr(GPtrArray) tokens = NULL;
  GtkWidget *dialog;

  wc_token_page_reload (f->page);
  wait_loaded (f);

  /* Cancel keeps it. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.remove", "s", wc_token_get_uuid (token));
  dialog = wait_for_message_dialog ();
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_true (app_test_shows_text (dialog, "can no longer be made here"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  app_test_spin (300);
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_nonnull (wc_token_page_find_row (f->page, wc_token_get_uuid (token)));

  gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.remove", "s", wc_token_get_uuid (token));
  dialog = wait_for_message_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  app_test_wait_until (g_strcmp0 (wc_token_page_get_state (f->page), "empty") == 0, 10000);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "No tokens yet"));
  g_clear_pointer (&tokens, g_ptr_array_unref);
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 0);
}

/* Issuer and account are shown as they are, never read as markup: an
 * ampersand is not an empty title, and a span does not paint the list. */
static void
test_markup_shown_as_is (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(WcToken) amp = add_token (f->store, "otpauth://totp/AT%26T:%3Cb%3Ebob%3C%2Fb%3E?secret=" TEST_KEY "&issuer=AT%26T");
  g_autoptr(WcToken) span = add_token (f->store, "otpauth://totp/%3Cspan%20size%3D%2260000%22%3EBIG%3C%2Fspan%3E?secret=" TEST_KEY);

  wc_token_page_reload (f->page);
  wait_loaded (f);
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->page), GTK_TYPE_LABEL, "AT&T"));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->page), GTK_TYPE_LABEL, "<b>bob</b>"));
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->page), GTK_TYPE_LABEL, "<span size=\"60000\">BIG</span>"));
}

static void
test_hotp (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, "otpauth://hotp/Bank:bob?secret=" TEST_KEY "&counter=0");
  WcTokenRow *row;
  GtkWidget *button;

  wc_token_page_reload (f->page);
  wait_loaded (f);
  row = wc_token_page_find_row (f->page, wc_token_get_uuid (token));
  g_assert_nonnull (row);
  /* No countdown: a button instead. */
  g_assert_null (wc_token_row_get_code (row));
  button = app_test_find_shown (GTK_WIDGET (row), GTK_TYPE_BUTTON, "Next Code");
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "tokens.next-code");
  g_assert_false (wc_token_page_copy_selected (f->page));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.next-code", "s",
                                             wc_token_get_uuid (token)));
  app_test_wait_until (wc_token_row_get_code (row) != NULL, 10000);
  g_assert_cmpuint (strlen (wc_token_row_get_code (row)), ==, 6);
  g_assert_true (g_str_has_prefix (wc_token_row_get_code_description (row), "Code "));
  g_assert_true (wc_token_page_copy_selected (f->page));
}

static void
test_show_qr (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  g_autoptr(WcSecret) uri = wc_otpauth_uri_format (token);
  g_autoptr(WcSecret) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  GtkWidget *dialog;
  GdkTexture *texture;
  int width;
  int height;

  wc_token_page_reload (f->page);
  wait_loaded (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.show-qr", "s",
                                             wc_token_get_uuid (token)));
  app_test_wait_until ((dialog = find_toplevel (WC_TYPE_TOKEN_QR_DIALOG)) != NULL
                       && gtk_widget_get_mapped (dialog), 5000);
  g_assert_true (app_test_shows_text (dialog, "This QR code is the secret key"));

  /* The picture reads back as the token's link. */
  texture = wc_token_qr_dialog_get_texture (WC_TOKEN_QR_DIALOG (dialog));
  g_assert_nonnull (texture);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  decoded = wc_qr_decode_pixels (pixels, width, height, width * 4, 4, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_secret_get_text (decoded), ==, wc_secret_get_text (uri));
  memset (pixels, 0, (gsize) width * height * 4);

  /* Escape closes it, and closing drops the picture. */
  g_object_ref (dialog);
  g_assert_true (app_test_press_escape (GTK_WINDOW (dialog)));
  g_assert_null (wc_token_qr_dialog_get_texture (WC_TOKEN_QR_DIALOG (dialog)));
  g_assert_finalize_object (dialog);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  GtkWidget *unlock;

  keyring_test_lock ();
  wc_token_page_reload (f->page);
  wait_loaded (f);

  /* What happened and how to fix it, with a way out. */
  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "error");
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "The Keyring Is Locked"));
  unlock = app_test_find_shown (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "Unlock");
  g_assert_nonnull (unlock);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (unlock)), ==, "tokens.unlock");
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, "Try Again"));

  /* Unlocked elsewhere (the login manager); Try Again lists the token. */
  keyring_test_unlock_with_password ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.reload", NULL));
  app_test_wait_until (g_strcmp0 (wc_token_page_get_state (f->page), "list") == 0
                       && !wc_token_page_is_loading (f->page), 10000);
  g_assert_nonnull (wc_token_page_find_row (f->page, wc_token_get_uuid (token)));

  /* With nothing locked, Unlock just lists again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "tokens.unlock", NULL));
  app_test_spin (300);
  wait_loaded (f);
  g_assert_cmpstr (wc_token_page_get_state (f->page), ==, "list");
}

/* A local clock @shift seconds ahead of the real one. */
static gint64
shifted_clock (gpointer user_data)
{
  return g_get_real_time () + *(gint64 *) user_data * G_USEC_PER_SEC;
}

static void
test_clock_skew (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start_real_clock (NULL, NULL);
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcCredentialStore) credentials = wc_credential_store_new ();
  WcLoginSession *session = NULL;
  g_autoptr(WcPortalStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = add_token (f->store, TEST_URI);
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autofree char *reference = NULL;
  static gint64 shift = 90;
  const char *code = NULL;
  WcTokenRow *row;
  gint64 sent;
  gint64 round_trip;
  gint64 real_now;
  gint64 portal_now;

  client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_assert_no_error (error);
  wc_portal_client_set_clock_func (client, shifted_clock, &shift, NULL);
  wc_wait_init (&wait);
  sent = g_get_real_time ();
  wc_portal_client_status_async (client, NULL, wc_wait_done, &wait);
  status = wc_portal_client_status_finish (client, wc_wait_result (&wait), &error);
  round_trip = g_get_real_time () - sent;
  g_assert_no_error (error);
  g_assert_true (wc_portal_client_has_clock_offset (client));

  wc_token_page_reload (f->page);
  wait_loaded (f);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f->window), "clock is off"));
  session = wc_login_session_new (client, portal->url, f->store, credentials);
  g_object_set (f->page, "session", session, NULL);
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "This computer's clock is off by"));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->window), "Set the clock automatically"));

  /* The code is made at the portal's time (here the real time), not at
   * the skewed local one. The client knows the portal's time only to
   * within the round trip of its request and the Date header's whole
   * second, which a slow (sanitizer) run makes seconds long: the code is
   * checked at the time the client gives, and that time against the
   * real one with that margin, far less than the 90 s of skew. */
  row = wc_token_page_find_row (f->page, wc_token_get_uuid (token));
  real_now = g_get_real_time () / G_USEC_PER_SEC;
  portal_now = wc_portal_client_now (client);
  g_assert_cmpint (ABS (portal_now - real_now), <=, round_trip / G_USEC_PER_SEC + 2);
  wc_token_row_update (row, portal_now);
  code = wc_token_row_get_code (row);
  reference = oathtool_code (portal_now);
  g_assert_cmpstr (code, ==, reference);

  /* No portal, no notice. */
  g_object_set (f->page, "session", NULL, NULL);
  g_assert_false (app_test_shows_text (GTK_WIDGET (f->window), "clock is off"));
  g_clear_object (&session);
  g_clear_object (&client);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/token-page/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("empty", test_empty);
  ADD ("add-through-link", test_add_through_link);
  ADD ("copy", test_copy);
  ADD ("unreadable", test_unreadable);
  ADD ("rename", test_rename);
  ADD ("remove", test_remove);
  ADD ("hotp", test_hotp);
  ADD ("markup-shown-as-is", test_markup_shown_as_is);
  ADD ("show-qr", test_show_qr);
  ADD ("locked", test_locked);
  ADD ("clock-skew", test_clock_skew);
#undef ADD
  return portal_test_run ();
}
