/* wc-initial-password-dialog.c: the one and only showing of a child
 * user's initial password. GTK keeps its own copy of a label's text,
 * which cannot be wiped; the label is emptied when the dialog closes so
 * that copy goes as soon as GTK lets it, and the WcSecret is wiped. */
#include "wc-initial-password-dialog.h"
#include "wc-ui-util.h"

#include <glib/gi18n-lib.h>

/* Seconds before a copied password is cleared from the clipboard. */
#define CLEAR_AFTER 30

struct _WcInitialPasswordDialog
{
  AdwMessageDialog parent_instance;

  WcSecret *password;
  WcClipboardGuard *guard;

  /* Template children. */
  GtkLabel *password_label;
  GtkButton *copy_button;
};

G_DEFINE_FINAL_TYPE (WcInitialPasswordDialog, wc_initial_password_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
forget_password (WcInitialPasswordDialog *self)
{
  gtk_label_set_text (self->password_label, "");
  g_clear_pointer (&self->password, wc_secret_unref);
}

static void
on_copy_clicked (WcInitialPasswordDialog *self)
{
  if (self->password == NULL || self->guard == NULL)
    return;
  wc_clipboard_guard_copy (self->guard, wc_secret_get_text (self->password), CLEAR_AFTER);
  wc_ui_show_toast (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))),
                    _("Password copied. The clipboard is cleared in 30 seconds."));
}

static void
on_response (WcInitialPasswordDialog *self,
             const char              *response)
{
  forget_password (self);
}

static void
wc_initial_password_dialog_dispose (GObject *object)
{
  WcInitialPasswordDialog *self = WC_INITIAL_PASSWORD_DIALOG (object);

  if (self->password_label != NULL)
    forget_password (self);
  g_clear_object (&self->guard);
  gtk_widget_dispose_template (GTK_WIDGET (object), WC_TYPE_INITIAL_PASSWORD_DIALOG);
  G_OBJECT_CLASS (wc_initial_password_dialog_parent_class)->dispose (object);
}

static void
wc_initial_password_dialog_class_init (WcInitialPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_initial_password_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-initial-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WcInitialPasswordDialog, password_label);
  gtk_widget_class_bind_template_child (widget_class, WcInitialPasswordDialog, copy_button);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
}

static void
wc_initial_password_dialog_init (WcInitialPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (on_response), NULL);
}

WcInitialPasswordDialog *
wc_initial_password_dialog_new (GtkWindow        *parent,
                                WcClipboardGuard *guard,
                                const char       *user_id,
                                WcSecret         *password,
                                gboolean          reset)
{
  WcInitialPasswordDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (guard == NULL || WC_IS_CLIPBOARD_GUARD (guard), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  self = g_object_new (WC_TYPE_INITIAL_PASSWORD_DIALOG, "transient-for", parent, NULL);
  self->password = wc_secret_ref (password);
  self->guard = guard != NULL ? g_object_ref (guard) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), guard != NULL);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  reset ? _("New Initial Password") : _("User Added"));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  /* Translators: %s is a user ID. */
                                  reset ? _("Give “%s” this password to log in with:")
                                        /* Translators: %s is a user ID. */
                                        : _("“%s” logs in for the first time with this password:"),
                                  user_id);
  gtk_label_set_text (self->password_label, wc_secret_get_text (password));
  return self;
}
