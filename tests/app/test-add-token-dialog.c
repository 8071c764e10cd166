/* test-add-token-dialog.c: every way into the add dialog — a link, typed
 * fields, a QR image file, a QR picture on the clipboard — and its
 * errors, which must name the right field and lose nothing typed. */
#include "app-test-util.h"
#include "keyring-test-util.h"
#include "wc-add-token-dialog.h"
#include "wc-otpauth-uri.h"
#include "wc-qr.h"
#include "wc-wait.h"
#include "wc-error.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>

/* A published test-vector key; never a real secret. */
#define TEST_KEY "JBSWY3DPEHPK3PXP"
#define TEST_ISSUER "Kuroneko Web Collect"
#define TEST_ACCOUNT "tanaka@123456789"
#define TEST_URI "otpauth://totp/Kuroneko%20Web%20Collect:tanaka@123456789?secret=" TEST_KEY \
                 "&issuer=Kuroneko%20Web%20Collect"

typedef struct {
  WcTokenStore *store;
  GtkWindow *window;
  WcAddTokenDialog *dialog;   /* weak */
  guint added;
  char *tmpdir;
} Fixture;

static void
remove_everything (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    { { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };

  keyring_test_remove_all (&schema);
}

static void
on_token_added (WcAddTokenDialog *dialog,
                WcToken          *token,
                Fixture          *f)
{
  g_assert_true (WC_IS_TOKEN (token));
  f->added++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  remove_everything ();
  f->store = wc_token_store_new ();
  f->tmpdir = g_dir_make_tmp ("wc-add-token-XXXXXX", &error);
  g_assert_no_error (error);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (f->window);
  f->dialog = wc_add_token_dialog_new (f->window, f->store);
  g_object_add_weak_pointer (G_OBJECT (f->dialog), (gpointer *) &f->dialog);
  g_signal_connect (f->dialog, "token-added", G_CALLBACK (on_token_added), f);
  gtk_window_present (GTK_WINDOW (f->dialog));
  app_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (f->dialog)), 5000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->tmpdir, 0, NULL);
  const char *name;

  if (f->dialog != NULL)
    {
      WcAddTokenDialog *dialog = g_object_ref (f->dialog);

      gtk_window_destroy (GTK_WINDOW (dialog));
      app_test_wait_until (!wc_add_token_dialog_is_busy (dialog), 5000);
      app_test_spin (100);
      g_assert_finalize_object (dialog);
    }
  gtk_window_destroy (f->window);
  app_test_spin (100);
  g_assert_finalize_object (f->store);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->tmpdir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->tmpdir);
  g_free (f->tmpdir);
  remove_everything ();
}

static GtkWidget *
row (Fixture    *f,
     GType       type,
     const char *title)
{
  GtkWidget *found = app_test_find_shown (GTK_WIDGET (f->dialog), type, title);

  g_assert_nonnull (found);
  return found;
}

static void
save (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "add.save", NULL));
  app_test_wait_until (f->dialog == NULL || !wc_add_token_dialog_is_busy (f->dialog), 10000);
}

static void
assert_error (Fixture    *f,
              const char *field,
              GtkWidget  *at_row)
{
  const char *text = wc_add_token_dialog_get_error_text (f->dialog);

  g_assert_nonnull (f->dialog);
  g_assert_cmpstr (wc_add_token_dialog_get_error_field (f->dialog), ==, field);
  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->dialog), text));
  if (at_row != NULL)
    g_assert_true (gtk_widget_has_css_class (at_row, "error"));
}

static void
test_link_valid (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = NULL;
  GtkWidget *uri;

  wc_add_token_dialog_set_page (f->dialog, "link");
  uri = row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Link");
  gtk_editable_set_text (GTK_EDITABLE (uri), TEST_URI);
  save (f);
  app_test_wait_until (f->dialog == NULL, 5000);
  g_assert_cmpuint (f->added, ==, 1);

  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpstr (wc_token_get_issuer (g_ptr_array_index (tokens, 0)), ==, TEST_ISSUER);
  g_assert_cmpstr (wc_token_get_account (g_ptr_array_index (tokens, 0)), ==, TEST_ACCOUNT);
}

static void
test_link_errors (Fixture       *f,
                  gconstpointer  data)
{
  static const struct {
    const char *uri;
    const char *field;
    const char *shown;
  } cases[] = {
    { "", "uri", NULL },
    { "https://example.com/", "scheme", NULL },
    { "otpauth://totp/ACME:alice?secret=not*base32*at*all", "secret", "Secret key" },
    { "otpauth://totp/ACME:alice?secret=" TEST_KEY "&digits=9", "digits", "Digits" },
    { "otpauth://totp/ACME:alice?secret=" TEST_KEY "&period=0", "period", "Period" },
    { "otpauth://totp/ACME:alice?secret=" TEST_KEY "&algorithm=MD5", "algorithm", "Algorithm" },
    { "otpauth://sms/ACME:alice?secret=" TEST_KEY, "type", "Type" },
  };
  g_autoptr(GPtrArray) tokens = NULL;
  GtkWidget *uri;

  wc_add_token_dialog_set_page (f->dialog, "link");
  uri = row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Link");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u: field %s", i, cases[i].field);
      gtk_editable_set_text (GTK_EDITABLE (uri), cases[i].uri);
      save (f);
      assert_error (f, cases[i].field, uri);
      if (cases[i].shown != NULL)
        g_assert_true (g_str_has_prefix (wc_add_token_dialog_get_error_text (f->dialog), cases[i].shown));
      /* What was typed stays. */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri)), ==, cases[i].uri);
    }
  g_assert_cmpuint (f->added, ==, 0);
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 0);

  /* Fixing it clears the error and adds the token. */
  gtk_editable_set_text (GTK_EDITABLE (uri), TEST_URI);
  save (f);
  app_test_wait_until (f->dialog == NULL, 5000);
  g_assert_cmpuint (f->added, ==, 1);
}

static void
test_manual (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(WcToken) reference = wc_otpauth_uri_parse (TEST_URI, NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  GtkWidget *issuer;
  GtkWidget *account;
  GtkWidget *secret;
  WcToken *token;

  wc_add_token_dialog_set_page (f->dialog, "manual");
  issuer = row (f, ADW_TYPE_ENTRY_ROW, "Issuer");
  account = row (f, ADW_TYPE_ENTRY_ROW, "Account");
  secret = row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Secret Key");

  /* No name at all. */
  gtk_editable_set_text (GTK_EDITABLE (secret), TEST_KEY);
  save (f);
  assert_error (f, "label", account);

  /* A secret that is not base32: the error is at the secret row. */
  gtk_editable_set_text (GTK_EDITABLE (issuer), TEST_ISSUER);
  gtk_editable_set_text (GTK_EDITABLE (account), TEST_ACCOUNT);
  gtk_editable_set_text (GTK_EDITABLE (secret), "abc!?");
  save (f);
  assert_error (f, "secret", secret);
  g_assert_false (gtk_widget_has_css_class (account, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (issuer)), ==, TEST_ISSUER);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret)), ==, "abc!?");

  /* Valid base32 but too short a key. */
  gtk_editable_set_text (GTK_EDITABLE (secret), "JBSWY3DP");
  save (f);
  assert_error (f, "secret", secret);

  /* As a person types it: lower case, in groups. */
  gtk_editable_set_text (GTK_EDITABLE (secret), "jbsw y3dp ehpk 3pxp");
  save (f);
  app_test_wait_until (f->dialog == NULL, 5000);
  g_assert_cmpuint (f->added, ==, 1);

  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  token = g_ptr_array_index (tokens, 0);
  g_assert_cmpstr (wc_token_get_issuer (token), ==, TEST_ISSUER);
  g_assert_cmpint (wc_token_get_otp_type (token), ==, WC_OTP_TYPE_TOTP);
  g_assert_cmpuint (wc_token_get_digits (token), ==, 6);
  g_assert_cmpuint (wc_token_get_period (token), ==, 30);
  expected = wc_token_dup_code (reference, 59, 0, NULL);
  got = wc_token_dup_code (token, 59, 0, NULL);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_manual_hotp (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = NULL;
  GtkWidget *type;
  GtkWidget *counter;
  WcToken *token;

  wc_add_token_dialog_set_page (f->dialog, "manual");
  gtk_editable_set_text (GTK_EDITABLE (row (f, ADW_TYPE_ENTRY_ROW, "Issuer")), "Bank");
  gtk_editable_set_text (GTK_EDITABLE (row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Secret Key")), TEST_KEY);
  g_assert_nonnull (app_test_find_shown (GTK_WIDGET (f->dialog), ADW_TYPE_ACTION_ROW, "Period"));
  type = row (f, ADW_TYPE_COMBO_ROW, "Type");
  adw_combo_row_set_selected (ADW_COMBO_ROW (type), 1);
  app_test_spin (50);
  /* Counter instead of period. */
  g_assert_null (app_test_find_shown (GTK_WIDGET (f->dialog), ADW_TYPE_ACTION_ROW, "Period"));
  counter = row (f, ADW_TYPE_ACTION_ROW, "Counter");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (app_test_find_shown (counter, GTK_TYPE_SPIN_BUTTON, NULL)), 7);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row (f, ADW_TYPE_COMBO_ROW, "Digits")), 2);
  save (f);
  app_test_wait_until (f->dialog == NULL, 5000);

  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
  token = g_ptr_array_index (tokens, 0);
  g_assert_cmpint (wc_token_get_otp_type (token), ==, WC_OTP_TYPE_HOTP);
  g_assert_cmpuint (wc_token_get_counter (token), ==, 7);
  g_assert_cmpuint (wc_token_get_digits (token), ==, 8);
}

static char *
write_qr_png (Fixture    *f,
              const char *uri)
{
  g_autoptr(WcSecret) text = wc_secret_new_from_text (uri);
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->tmpdir, "qr.png", NULL);
  guint width = 0;

  modules = wc_qr_encode (text, &width, &error);
  g_assert_no_error (error);
  g_assert_true (wc_qr_save_png (modules, width, 4, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_form_filled (Fixture *f)
{
  g_assert_cmpstr (wc_add_token_dialog_get_page (f->dialog), ==, "manual");
  g_assert_null (wc_add_token_dialog_get_error_field (f->dialog));
  g_assert_true (app_test_shows_text (GTK_WIDGET (f->dialog), "Read from the QR code"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, ADW_TYPE_ENTRY_ROW, "Issuer"))), ==, TEST_ISSUER);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, ADW_TYPE_ENTRY_ROW, "Account"))), ==, TEST_ACCOUNT);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Secret Key"))), ==, TEST_KEY);
}

static void
test_qr_file (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = write_qr_png (f, TEST_URI);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) tokens = NULL;

  wc_add_token_dialog_set_page (f->dialog, "qr");
  /* Nothing to add before an image is read. */
  gtk_widget_activate_action (GTK_WIDGET (f->dialog), "add.save", NULL);
  g_assert_false (wc_add_token_dialog_is_busy (f->dialog));
  g_assert_cmpuint (f->added, ==, 0);
  wc_add_token_dialog_open_file (f->dialog, file);
  g_assert_true (wc_add_token_dialog_is_busy (f->dialog));
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_form_filled (f);

  save (f);
  app_test_wait_until (f->dialog == NULL, 5000);
  tokens = app_test_list_tokens (f->store);
  g_assert_cmpuint (tokens->len, ==, 1);
}

static void
test_qr_broken_files (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *garbage = g_build_filename (f->tmpdir, "garbage.png", NULL);
  g_autofree char *blank = g_build_filename (f->tmpdir, "blank.png", NULL);
  g_autofree char *other = NULL;
  g_autoptr(GFile) garbage_file = g_file_new_for_path (garbage);
  g_autoptr(GFile) blank_file = g_file_new_for_path (blank);
  g_autoptr(GFile) other_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) white = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 pixels[64 * 64 * 3];

  wc_add_token_dialog_set_page (f->dialog, "qr");

  /* Not an image at all. */
  g_assert_true (g_file_set_contents (garbage, "\x89PNG\r\n\x1a\n this is not really a PNG", -1, &error));
  g_assert_no_error (error);
  wc_add_token_dialog_open_file (f->dialog, garbage_file);
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_error (f, "image", NULL);
  g_assert_cmpstr (wc_add_token_dialog_get_page (f->dialog), ==, "qr");

  /* An image without a QR code. */
  memset (pixels, 0xff, sizeof pixels);
  white = g_bytes_new (pixels, sizeof pixels);
  texture = gdk_memory_texture_new (64, 64, GDK_MEMORY_R8G8B8, white, 64 * 3);
  g_assert_true (gdk_texture_save_to_png (texture, blank));
  wc_add_token_dialog_open_file (f->dialog, blank_file);
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_error (f, "image", NULL);
  g_assert_nonnull (strstr (wc_add_token_dialog_get_error_text (f->dialog), "no readable QR code"));

  /* A QR code with a broken link: the error names the field. */
  other = write_qr_png (f, "otpauth://totp/ACME:alice?secret=" TEST_KEY "&digits=12");
  other_file = g_file_new_for_path (other);
  wc_add_token_dialog_open_file (f->dialog, other_file);
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_error (f, "digits", NULL);

  g_assert_cmpuint (f->added, ==, 0);
}

static void
test_qr_clipboard (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = write_qr_png (f, TEST_URI);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->dialog));

  g_assert_no_error (error);
  wc_add_token_dialog_set_page (f->dialog, "qr");

  /* Text is no picture. */
  gdk_clipboard_set_text (clipboard, "hello");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "add.paste-image", NULL));
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_error (f, "image", NULL);

  gdk_clipboard_set_texture (clipboard, texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "add.paste-image", NULL));
  app_test_wait_until (!wc_add_token_dialog_is_busy (f->dialog), 10000);
  assert_form_filled (f);
}

static void
test_paste_link (Fixture       *f,
                 gconstpointer  data)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->dialog));
  GtkWidget *uri;

  wc_add_token_dialog_set_page (f->dialog, "link");
  uri = row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Link");
  gdk_clipboard_set_text (clipboard, "  " TEST_URI "\n");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->dialog), "add.paste-link", NULL));
  app_test_wait_until (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (uri)), TEST_URI) == 0, 5000);
  gdk_clipboard_set_content (clipboard, NULL);
}

static void
test_close_forgets (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GtkWidget) uri = NULL;
  g_autoptr(GtkWidget) secret = NULL;

  wc_add_token_dialog_set_page (f->dialog, "link");
  uri = g_object_ref (row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Link"));
  gtk_editable_set_text (GTK_EDITABLE (uri), TEST_URI);
  wc_add_token_dialog_set_page (f->dialog, "manual");
  secret = g_object_ref (row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Secret Key"));
  gtk_editable_set_text (GTK_EDITABLE (secret), TEST_KEY);

  gtk_window_close (GTK_WINDOW (f->dialog));
  app_test_wait_until (f->dialog == NULL, 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (uri)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret)), ==, "");
  g_assert_cmpuint (f->added, ==, 0);
}

/* The keyboard: the dialog opens with the focus in the link field, the
 * focus follows a page change into its first field, and Escape closes
 * the dialog. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *uri = row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "Link");
  GtkWidget *issuer;

  app_test_wait_until (gtk_root_get_focus (GTK_ROOT (f->dialog)) != NULL
                       && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->dialog)), uri), 5000);
  wc_add_token_dialog_set_page (f->dialog, "manual");
  issuer = row (f, ADW_TYPE_ENTRY_ROW, "Issuer");
  app_test_wait_until (gtk_root_get_focus (GTK_ROOT (f->dialog)) != NULL
                       && gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->dialog)), issuer), 5000);

  g_assert_true (app_test_press_escape (GTK_WINDOW (f->dialog)));
  app_test_wait_until (f->dialog == NULL, 5000);
  g_assert_cmpuint (f->added, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/add-token-dialog/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("link-valid", test_link_valid);
  ADD ("link-errors", test_link_errors);
  ADD ("manual", test_manual);
  ADD ("manual-hotp", test_manual_hotp);
  ADD ("qr-file", test_qr_file);
  ADD ("qr-broken-files", test_qr_broken_files);
  ADD ("qr-clipboard", test_qr_clipboard);
  ADD ("paste-link", test_paste_link);
  ADD ("close-forgets", test_close_forgets);
  ADD ("keyboard", test_keyboard);
#undef ADD
  return portal_test_run ();
}
