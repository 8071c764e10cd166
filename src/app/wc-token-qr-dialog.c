/* wc-token-qr-dialog.c: draws a token's otpauth link as a QR code. The
 * picture is built in memory only — never written to a file — from the
 * module matrix, with a white quiet zone, and its pixels live in wiped
 * memory that is cleared as soon as the dialog closes. */
#include "wc-token-qr-dialog.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"
#include "wc-otpauth-uri.h"
#include "wc-qr.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define QUIET_ZONE 4        /* modules of white around the code */
#define TARGET_SIDE 320     /* pixels, roughly */

struct _WcTokenQrDialog
{
  AdwWindow parent_instance;

  GtkPicture *picture;
  GtkLabel *name_label;
  GtkLabel *error_label;
  GtkWidget *close_button;

  GdkTexture *texture;
  WcSecret *pixels;       /* the texture's memory */
};

G_DEFINE_FINAL_TYPE (WcTokenQrDialog, wc_token_qr_dialog, ADW_TYPE_WINDOW)

static void
wipe_picture (WcTokenQrDialog *self)
{
  if (self->picture != NULL)
    gtk_picture_set_paintable (self->picture, NULL);
  g_clear_object (&self->texture);
  if (self->pixels != NULL)
    {
      /* Whoever still holds the texture sees white noise, not the key. */
      wc_secure_wipe (wc_secret_get_data (self->pixels), wc_secret_get_size (self->pixels));
      g_clear_pointer (&self->pixels, wc_secret_unref);
    }
}

static gboolean
render (WcTokenQrDialog *self,
        WcToken         *token,
        GError         **error)
{
  g_autoptr(WcSecret) uri = wc_otpauth_uri_format (token);
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *dark;
  guint8 *out;
  guint width = 0;
  guint side;
  guint scale;
  gsize stride;

  if (uri == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The token cannot be written as a link."));
      return FALSE;
    }
  modules = wc_qr_encode (uri, &width, error);
  if (modules == NULL)
    return FALSE;

  scale = MAX (TARGET_SIDE / (width + 2 * QUIET_ZONE), 2);
  side = (width + 2 * QUIET_ZONE) * scale;
  stride = (gsize) side * 3;
  self->pixels = wc_secret_new (stride * side);
  out = wc_secret_get_data (self->pixels);
  memset (out, 0xff, stride * side);
  dark = wc_secret_get_data (modules);

  for (guint y = 0; y < width; y++)
    for (guint x = 0; x < width; x++)
      {
        if (dark[(gsize) y * width + x] == 0)
          continue;
        for (guint dy = 0; dy < scale; dy++)
          {
            guint8 *row = out + ((gsize) (y + QUIET_ZONE) * scale + dy) * stride;

            memset (row + (gsize) (x + QUIET_ZONE) * scale * 3, 0, (gsize) scale * 3);
          }
      }

  bytes = g_bytes_new_with_free_func (out, stride * side,
                                      (GDestroyNotify) wc_secret_unref,
                                      wc_secret_ref (self->pixels));
  self->texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes, stride);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->texture));
  return TRUE;
}

static gboolean
wc_token_qr_dialog_close_request (GtkWindow *window)
{
  wipe_picture (WC_TOKEN_QR_DIALOG (window));
  return GTK_WINDOW_CLASS (wc_token_qr_dialog_parent_class)->close_request (window);
}

static void
wc_token_qr_dialog_dispose (GObject *object)
{
  WcTokenQrDialog *self = WC_TOKEN_QR_DIALOG (object);

  wipe_picture (self);

  G_OBJECT_CLASS (wc_token_qr_dialog_parent_class)->dispose (object);
}

static void
wc_token_qr_dialog_class_init (WcTokenQrDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_token_qr_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = wc_token_qr_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-token-qr-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WcTokenQrDialog, picture);
  gtk_widget_class_bind_template_child (widget_class, WcTokenQrDialog, name_label);
  gtk_widget_class_bind_template_child (widget_class, WcTokenQrDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WcTokenQrDialog, close_button);
}

static void
wc_token_qr_dialog_init (WcTokenQrDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  wc_ui_close_on_escape (GTK_WINDOW (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->close_button);
  wc_ui_focus_on_show (GTK_WINDOW (self), self->close_button);
}

WcTokenQrDialog *
wc_token_qr_dialog_new (GtkWindow *parent,
                        WcToken   *token)
{
  WcTokenQrDialog *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (WC_IS_TOKEN (token), NULL);

  self = g_object_new (WC_TYPE_TOKEN_QR_DIALOG, "transient-for", parent, NULL);
  gtk_label_set_label (self->name_label, wc_token_get_label (token));
  if (!render (self, token, &error))
    {
      wipe_picture (self);
      gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
  return self;
}

GdkTexture *
wc_token_qr_dialog_get_texture (WcTokenQrDialog *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_QR_DIALOG (self), NULL);
  return self->texture;
}
