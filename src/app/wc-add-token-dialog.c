/* wc-add-token-dialog.c: the ways a token comes in — an otpauth link, the
 * fields typed by hand, a QR code in an image file or on the clipboard —
 * all end in one WcToken that is stored asynchronously. Errors are shown
 * at the field they are about, and nothing typed is lost on a failure.
 * Secrets go from the entries straight into WcSecret and the entries are
 * emptied when the dialog closes. */
#include "wc-add-token-dialog.h"
#include "wc-error.h"
#include "wc-otpauth-uri.h"
#include "wc-qr.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>

struct _WcAddTokenDialog
{
  AdwWindow parent_instance;

  AdwViewStack *view_stack;
  GtkButton *add_button;
  GtkSpinner *save_spinner;
  GtkLabel *save_error;
  AdwPasswordEntryRow *uri_row;
  GtkLabel *uri_error;
  AdwPreferencesGroup *info_group;
  GtkLabel *info_label;
  AdwEntryRow *issuer_row;
  AdwEntryRow *account_row;
  AdwPasswordEntryRow *secret_row;
  GtkLabel *manual_error;
  AdwComboRow *type_row;
  AdwComboRow *algorithm_row;
  AdwComboRow *digits_row;
  AdwActionRow *period_row;
  GtkSpinButton *period_spin;
  AdwActionRow *counter_row;
  GtkSpinButton *counter_spin;
  GtkLabel *details_error;
  GtkBox *qr_progress;
  GtkSpinner *qr_spinner;
  GtkLabel *qr_error;

  WcTokenStore *store;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
  WcToken *saving;
  gboolean reading_qr;
  const char *error_field;      /* static strings only */
  GtkWidget *error_row;         /* the row marked with .error */
  GtkLabel *error_label;        /* the label holding the message */
};

G_DEFINE_FINAL_TYPE (WcAddTokenDialog, wc_add_token_dialog, ADW_TYPE_WINDOW)

enum {
  TOKEN_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Errors */

static const char *
field_title (const char *field)
{
  if (g_strcmp0 (field, "secret") == 0)
    return _("Secret key");
  if (g_strcmp0 (field, "digits") == 0)
    return _("Digits");
  if (g_strcmp0 (field, "period") == 0)
    return _("Period");
  if (g_strcmp0 (field, "counter") == 0)
    return _("Counter");
  if (g_strcmp0 (field, "algorithm") == 0)
    return _("Algorithm");
  if (g_strcmp0 (field, "type") == 0)
    return _("Type");
  if (g_strcmp0 (field, "issuer") == 0)
    return _("Issuer");
  if (g_strcmp0 (field, "label") == 0)
    return _("Account");
  return _("Link");
}

/* The static spelling of a field name, so that it can be kept. */
static const char *
intern_field (const char *field)
{
  static const char * const fields[] = {
    "uri", "scheme", "type", "label", "secret", "issuer", "algorithm",
    "digits", "period", "counter", "image", "save", NULL
  };

  for (guint i = 0; fields[i] != NULL; i++)
    if (g_strcmp0 (field, fields[i]) == 0)
      return fields[i];
  return "uri";
}

static void
clear_errors (WcAddTokenDialog *self)
{
  GtkLabel *labels[] = { self->save_error, self->uri_error, self->manual_error,
                         self->details_error, self->qr_error };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_label (labels[i], "");
      gtk_widget_set_visible (GTK_WIDGET (labels[i]), FALSE);
    }
  if (self->error_row != NULL)
    gtk_widget_remove_css_class (self->error_row, "error");
  self->error_row = NULL;
  self->error_label = NULL;
  self->error_field = NULL;
}

static void
show_error (WcAddTokenDialog *self,
            const char       *field,
            GtkWidget        *row,
            GtkLabel         *label,
            const char       *text)
{
  clear_errors (self);
  self->error_field = intern_field (field);
  self->error_label = label;
  gtk_label_set_label (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  if (row != NULL)
    {
      self->error_row = row;
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
  /* A screen reader hears what went wrong without looking for it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

/* An otpauth link that did not parse: name the field the error is about. */
static void
show_uri_error (WcAddTokenDialog *self,
                GtkWidget        *row,
                GtkLabel         *label,
                const GError     *error)
{
  const char *field = error->domain == WC_URI_ERROR ? wc_uri_error_get_field (error->code) : "uri";
  g_autofree char *text = NULL;

  if (g_str_equal (field, "uri") || g_str_equal (field, "scheme"))
    text = g_strdup (error->message);
  else
    /* Translators: a field of the link (e.g. "Secret key"), then what is
     * wrong with it. */
    text = g_strdup_printf (_("%s: %s"), field_title (field), error->message);
  show_error (self, field, row, label, text);
}

/* Busy states */

static void
update_actions (WcAddTokenDialog *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  gboolean busy = self->saving != NULL || self->reading_qr;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.save",
                                 !busy && g_strcmp0 (page, "qr") != 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.open-image", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.paste-image", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.paste-link", !busy);
}

static void
set_saving (WcAddTokenDialog *self,
            WcToken          *token)
{
  g_set_object (&self->saving, token);
  gtk_widget_set_visible (GTK_WIDGET (self->save_spinner), token != NULL);
  gtk_spinner_set_spinning (self->save_spinner, token != NULL);
  wc_ui_set_sensitive (GTK_WIDGET (self->view_stack), token == NULL);
  update_actions (self);
}

static void
set_reading_qr (WcAddTokenDialog *self,
                gboolean          reading)
{
  self->reading_qr = reading;
  gtk_widget_set_visible (GTK_WIDGET (self->qr_progress), reading);
  gtk_spinner_set_spinning (self->qr_spinner, reading);
  update_actions (self);
}

/* Building the token */

static WcToken *
token_from_link (WcAddTokenDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->uri_row));
  g_autoptr(GError) error = NULL;
  WcToken *token;

  if (*text == '\0')
    {
      show_error (self, "uri", GTK_WIDGET (self->uri_row), self->uri_error,
                  _("Paste the link first. It starts with “otpauth://”."));
      return NULL;
    }
  token = wc_otpauth_uri_parse (text, &error);
  if (token == NULL)
    show_uri_error (self, GTK_WIDGET (self->uri_row), self->uri_error, error);
  return token;
}

static WcToken *
token_from_form (WcAddTokenDialog *self)
{
  g_autoptr(WcToken) token = wc_token_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) normalized = NULL;
  g_autoptr(WcSecret) key = NULL;
  g_autofree char *issuer = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->issuer_row))));
  g_autofree char *account = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->account_row))));
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  static const WcOtpAlgorithm algorithms[] = {
    WC_OTP_ALGORITHM_SHA1, WC_OTP_ALGORITHM_SHA256, WC_OTP_ALGORITHM_SHA512
  };
  guint algorithm = adw_combo_row_get_selected (self->algorithm_row);

  if (*issuer == '\0' && *account == '\0')
    {
      show_error (self, "label", GTK_WIDGET (self->account_row), self->manual_error,
                  _("Enter an issuer or an account name, so that you can tell the token apart."));
      return NULL;
    }
  if (*secret == '\0')
    {
      show_error (self, "secret", GTK_WIDGET (self->secret_row), self->manual_error,
                  _("Enter the secret key."));
      return NULL;
    }
  normalized = wc_base32_normalize (secret, &error);
  if (normalized != NULL)
    key = wc_base32_decode (wc_secret_get_text (normalized), &error);
  if (key == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %s"), field_title ("secret"), error->message);

      show_error (self, "secret", GTK_WIDGET (self->secret_row), self->manual_error, text);
      return NULL;
    }

  wc_token_set_issuer (token, issuer);
  wc_token_set_account (token, account);
  wc_token_set_key (token, key);
  wc_token_set_otp_type (token, adw_combo_row_get_selected (self->type_row) == 1
                                ? WC_OTP_TYPE_HOTP : WC_OTP_TYPE_TOTP);
  wc_token_set_algorithm (token, algorithms[MIN (algorithm, G_N_ELEMENTS (algorithms) - 1)]);
  wc_token_set_digits (token, WC_OTP_MIN_DIGITS + adw_combo_row_get_selected (self->digits_row));
  wc_token_set_period (token, (guint) gtk_spin_button_get_value_as_int (self->period_spin));
  wc_token_set_counter (token, (guint64) gtk_spin_button_get_value (self->counter_spin));

  if (!wc_token_validate (token, &error))
    {
      GtkWidget *row = GTK_WIDGET (self->secret_row);
      GtkLabel *label = self->manual_error;
      const char *field = "secret";
      g_autofree char *text = NULL;

      if (error->domain == WC_OTP_ERROR && error->code == WC_OTP_ERROR_DIGITS)
        field = "digits";
      else if (error->domain == WC_OTP_ERROR && error->code == WC_OTP_ERROR_PERIOD)
        field = "period";
      else if (error->domain == WC_OTP_ERROR && error->code == WC_OTP_ERROR_ALGORITHM)
        field = "algorithm";
      else if (error->domain == WC_OTP_ERROR && error->code == WC_OTP_ERROR_COUNTER)
        field = "counter";
      if (!g_str_equal (field, "secret"))
        {
          label = self->details_error;
          row = g_str_equal (field, "digits") ? GTK_WIDGET (self->digits_row)
                : g_str_equal (field, "period") ? GTK_WIDGET (self->period_row)
                : g_str_equal (field, "algorithm") ? GTK_WIDGET (self->algorithm_row)
                : GTK_WIDGET (self->counter_row);
        }
      text = g_strdup_printf (_("%s: %s"), field_title (field), error->message);
      show_error (self, field, row, label, text);
      return NULL;
    }
  return g_steal_pointer (&token);
}

/* Fills the form from a token read from a QR code, for the user to check. */
static void
fill_form (WcAddTokenDialog *self,
           WcToken          *token)
{
  g_autoptr(WcSecret) base32 = wc_token_dup_base32_key (token);

  gtk_editable_set_text (GTK_EDITABLE (self->issuer_row), wc_token_get_issuer (token));
  gtk_editable_set_text (GTK_EDITABLE (self->account_row), wc_token_get_account (token));
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), base32 != NULL ? wc_secret_get_text (base32) : "");
  adw_combo_row_set_selected (self->type_row, wc_token_get_otp_type (token) == WC_OTP_TYPE_HOTP ? 1 : 0);
  adw_combo_row_set_selected (self->algorithm_row, (guint) wc_token_get_algorithm (token));
  adw_combo_row_set_selected (self->digits_row, wc_token_get_digits (token) - WC_OTP_MIN_DIGITS);
  gtk_spin_button_set_value (self->period_spin, wc_token_get_period (token));
  gtk_spin_button_set_value (self->counter_spin, (double) wc_token_get_counter (token));
}

/* Saving */

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(WcAddTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = NULL;

  if (!wc_token_store_add_finish (WC_TOKEN_STORE (source), result, &error))
    {
      g_autofree char *text = wc_ui_describe_error (error, NULL);

      if (text == NULL)
        return;   /* cancelled: the dialog is closing */
      set_saving (self, NULL);
      show_error (self, "save", NULL, self->save_error, text);
      return;
    }
  token = g_steal_pointer (&self->saving);
  set_saving (self, NULL);
  g_debug ("token added");
  g_signal_emit (self, signals[TOKEN_ADDED], 0, token);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (widget);
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  g_autoptr(WcToken) token = NULL;

  if (self->saving != NULL)
    return;
  clear_errors (self);
  if (g_strcmp0 (page, "link") == 0)
    token = token_from_link (self);
  else if (g_strcmp0 (page, "manual") == 0)
    token = token_from_form (self);
  if (token == NULL)
    return;

  set_saving (self, token);
  wc_token_store_add_async (self->store, token, self->cancellable, on_added, g_object_ref (self));
}

/* The link from the clipboard */

static void
on_link_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WcAddTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, "uri", GTK_WIDGET (self->uri_row), self->uri_error,
                    _("The clipboard holds no text. Copy the link in the admin screen, then paste it here."));
      return;
    }
  clear_errors (self);
  g_strstrip (text);
  gtk_editable_set_text (GTK_EDITABLE (self->uri_row), text);
  wc_secure_str_free (text);
}

static void
paste_link_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 on_link_read, g_object_ref (self));
}

/* QR codes */

static void
on_qr_text (WcAddTokenDialog *self,
            WcSecret         *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_otpauth_uri_parse (wc_secret_get_text (text), &error);

  if (token == NULL)
    {
      if (error->domain == WC_URI_ERROR && error->code == WC_URI_ERROR_SCHEME)
        show_error (self, "image", NULL, self->qr_error,
                    _("The QR code holds something other than a token. Use the QR code from the admin screen's secret key page."));
      else
        show_uri_error (self, NULL, self->qr_error, error);
      return;
    }
  fill_form (self, token);
  clear_errors (self);
  gtk_label_set_label (self->info_label,
                       _("Read from the QR code. Check the names, then add the token."));
  gtk_widget_set_visible (GTK_WIDGET (self->info_group), TRUE);
  adw_view_stack_set_visible_child_name (self->view_stack, "manual");
}

static void
show_qr_failure (WcAddTokenDialog *self,
                 const GError     *error)
{
  const char *text = error->message;

  if (g_error_matches (error, WC_QR_ERROR, WC_QR_ERROR_NO_CODE))
    text = _("The image holds no readable QR code. Use a sharp screenshot that shows the whole code.");
  else if (g_error_matches (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE))
    text = _("The file is not an image that can be read. Use a PNG or JPEG screenshot of the QR code.");
  show_error (self, "image", NULL, self->qr_error, text);
}

static void
on_qr_decoded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) text = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_reading_qr (self, FALSE);
  if (text == NULL)
    show_qr_failure (self, error);
  else
    on_qr_text (self, text);
}

typedef struct {
  char *path;
  WcSecret *pixels;
  int width;
  int height;
  int stride;
} QrJob;

static void
qr_job_free (QrJob *job)
{
  g_free (job->path);
  g_clear_pointer (&job->pixels, wc_secret_unref);
  g_free (job);
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  QrJob *job = task_data;
  GError *error = NULL;
  WcSecret *text;

  if (job->path != NULL)
    text = wc_qr_decode_file (job->path, &error);
  else
    text = wc_qr_decode_pixels (wc_secret_get_data (job->pixels), job->width, job->height,
                                job->stride, 4, TRUE, &error);
  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, (GDestroyNotify) wc_secret_unref);
}

static void
decode_async (WcAddTokenDialog *self,
              QrJob            *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_qr_decoded, NULL);

  g_task_set_source_tag (task, decode_async);
  g_task_set_task_data (task, job, (GDestroyNotify) qr_job_free);
  clear_errors (self);
  set_reading_qr (self, TRUE);
  g_task_run_in_thread (task, decode_in_thread);
}

void
wc_add_token_dialog_open_file (WcAddTokenDialog *self,
                               GFile            *file)
{
  QrJob *job;

  g_return_if_fail (WC_IS_ADD_TOKEN_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (QrJob, 1);
  job->path = g_file_get_path (file);
  if (job->path == NULL)
    {
      qr_job_free (job);
      show_error (self, "image", NULL, self->qr_error,
                  _("The image is not on this computer. Save it to a folder first, then open it."));
      return;
    }
  decode_async (self, job);
}

static void
on_chooser_response (GtkNativeDialog  *chooser,
                     int               response,
                     WcAddTokenDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    wc_add_token_dialog_open_file (self, file);
}

static void
open_image_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  self->chooser = gtk_file_chooser_native_new (_("Open QR Code Image"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_texture_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WcAddTokenDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  QrJob *job;
  int width;
  int height;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_reading_qr (self, FALSE);
  if (texture == NULL)
    {
      g_debug ("no image on the clipboard: %s", error->message);
      show_error (self, "image", NULL, self->qr_error,
                  _("The clipboard holds no image. Copy the QR code picture (for example with a screenshot tool), then paste it here."));
      return;
    }
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  if (!wc_qr_check_image_size (width, height, &error))
    {
      show_error (self, "image", NULL, self->qr_error, error->message);
      return;
    }

  /* The picture may be the secret itself: keep its pixels in wiped memory. */
  job = g_new0 (QrJob, 1);
  job->width = width;
  job->height = height;
  job->stride = width * 4;
  job->pixels = wc_secret_new ((gsize) job->stride * (gsize) height);
  gdk_texture_download (texture, wc_secret_get_data (job->pixels), (gsize) job->stride);
  decode_async (self, job);
}

static void
paste_image_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (widget);

  clear_errors (self);
  set_reading_qr (self, TRUE);
  gdk_clipboard_read_texture_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                    on_texture_read, g_object_ref (self));
}

/* The window */

static void
on_page_changed (WcAddTokenDialog *self)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  update_actions (self);
  /* The focus follows into the page's first field. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  if (g_strcmp0 (page, "link") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->uri_row));
  else if (g_strcmp0 (page, "manual") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}

static void
on_type_changed (WcAddTokenDialog *self)
{
  gboolean hotp = adw_combo_row_get_selected (self->type_row) == 1;

  gtk_widget_set_visible (GTK_WIDGET (self->period_row), !hotp);
  gtk_widget_set_visible (GTK_WIDGET (self->counter_row), hotp);
}

static void
forget_input (WcAddTokenDialog *self)
{
  /* Let a focused entry stop its cursor before it goes away. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The link and the key are secrets: leave nothing in the entries. */
  if (self->uri_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->uri_row), "");
  if (self->secret_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
}

static gboolean
wc_add_token_dialog_close_request (GtkWindow *window)
{
  forget_input (WC_ADD_TOKEN_DIALOG (window));
  return GTK_WINDOW_CLASS (wc_add_token_dialog_parent_class)->close_request (window);
}

static void
wc_add_token_dialog_dispose (GObject *object)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (object);

  forget_input (self);
  self->error_row = NULL;
  self->error_label = NULL;
  g_clear_object (&self->saving);
  g_clear_object (&self->store);


  G_OBJECT_CLASS (wc_add_token_dialog_parent_class)->dispose (object);
}

static void
wc_add_token_dialog_finalize (GObject *object)
{
  WcAddTokenDialog *self = WC_ADD_TOKEN_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (wc_add_token_dialog_parent_class)->finalize (object);
}

static void
wc_add_token_dialog_class_init (WcAddTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wc_add_token_dialog_dispose;
  object_class->finalize = wc_add_token_dialog_finalize;
  window_class->close_request = wc_add_token_dialog_close_request;

  /**
   * WcAddTokenDialog::token-added:
   * @token: the token as stored
   */
  signals[TOKEN_ADDED] =
    g_signal_new ("token-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, WC_TYPE_TOKEN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-add-token-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, save_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, save_error);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, uri_error);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, info_group);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, info_label);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, secret_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, manual_error);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, algorithm_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, digits_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, period_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, period_spin);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, counter_row);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, counter_spin);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, details_error);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, qr_progress);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, qr_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcAddTokenDialog, qr_error);

  gtk_widget_class_install_action (widget_class, "add.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "add.paste-link", NULL, paste_link_action);
  gtk_widget_class_install_action (widget_class, "add.open-image", NULL, open_image_action);
  gtk_widget_class_install_action (widget_class, "add.paste-image", NULL, paste_image_action);
}

static void
wc_add_token_dialog_init (WcAddTokenDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->add_button));
  wc_ui_close_on_escape (GTK_WINDOW (self));
  /* Named in full: GTK 4.8 does not name a spin button by its row. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->period_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Period"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->counter_spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Counter"), -1);
  wc_ui_focus_on_show (GTK_WINDOW (self), GTK_WIDGET (self->uri_row));
  g_signal_connect_swapped (self->view_stack, "notify::visible-child-name",
                            G_CALLBACK (on_page_changed), self);
  g_signal_connect_swapped (self->type_row, "notify::selected",
                            G_CALLBACK (on_type_changed), self);
  update_actions (self);
}

WcAddTokenDialog *
wc_add_token_dialog_new (GtkWindow    *parent,
                         WcTokenStore *store)
{
  WcAddTokenDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (WC_IS_TOKEN_STORE (store), NULL);

  self = g_object_new (WC_TYPE_ADD_TOKEN_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  return self;
}

void
wc_add_token_dialog_set_page (WcAddTokenDialog *self,
                              const char       *page)
{
  g_return_if_fail (WC_IS_ADD_TOKEN_DIALOG (self));
  adw_view_stack_set_visible_child_name (self->view_stack, page);
}

const char *
wc_add_token_dialog_get_page (WcAddTokenDialog *self)
{
  g_return_val_if_fail (WC_IS_ADD_TOKEN_DIALOG (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

gboolean
wc_add_token_dialog_is_busy (WcAddTokenDialog *self)
{
  g_return_val_if_fail (WC_IS_ADD_TOKEN_DIALOG (self), FALSE);
  return self->saving != NULL || self->reading_qr;
}

const char *
wc_add_token_dialog_get_error_field (WcAddTokenDialog *self)
{
  g_return_val_if_fail (WC_IS_ADD_TOKEN_DIALOG (self), NULL);
  return self->error_field;
}

const char *
wc_add_token_dialog_get_error_text (WcAddTokenDialog *self)
{
  g_return_val_if_fail (WC_IS_ADD_TOKEN_DIALOG (self), NULL);
  return self->error_label != NULL ? gtk_label_get_label (self->error_label) : NULL;
}
