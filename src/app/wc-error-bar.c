/* wc-error-bar.c: a failure's message under the window's header. */
#include "wc-error-bar.h"

#include <glib/gi18n-lib.h>

struct _WcErrorBar
{
  AdwBin parent_instance;

  GtkRevealer *revealer;
  GtkLabel *label;
};

G_DEFINE_FINAL_TYPE (WcErrorBar, wc_error_bar, ADW_TYPE_BIN)

static void
close_clicked (WcErrorBar *self)
{
  wc_error_bar_show (self, NULL);
}

static void
wc_error_bar_class_init (WcErrorBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* A screen reader says a new message at once. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
  gtk_widget_class_set_css_name (widget_class, "errorbar");
}

static void
wc_error_bar_init (WcErrorBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_selectable (self->label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_widget_set_valign (close, GTK_ALIGN_START);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_set_tooltip_text (close, _("Close the message"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Close the message"), -1);
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (close_clicked), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (box), close);
  gtk_widget_add_css_class (box, "notice");
  gtk_widget_add_css_class (box, "error");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_bottom (box, 6);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->revealer, box);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->revealer));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
wc_error_bar_new (void)
{
  return g_object_new (WC_TYPE_ERROR_BAR, NULL);
}

void
wc_error_bar_show (WcErrorBar *self,
                   const char *text)
{
  g_return_if_fail (WC_IS_ERROR_BAR (self));

  if (text == NULL)
    {
      gtk_revealer_set_reveal_child (self->revealer, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      gtk_label_set_text (self->label, "");
      return;
    }
  gtk_label_set_text (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

const char *
wc_error_bar_get_text (WcErrorBar *self)
{
  g_return_val_if_fail (WC_IS_ERROR_BAR (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self)) ? gtk_label_get_text (self->label) : NULL;
}
