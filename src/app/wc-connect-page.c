/* wc-connect-page.c: choosing a portal. The page checks the form and
 * says what is wrong; connecting is the window's job ("connect", "demo"). */
#include "wc-connect-page.h"
#include "wc-ui-util.h"
#include "wc-tls.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _WcConnectPage
{
  AdwBin parent_instance;

  GtkWidget *busy_box;
  GtkSpinner *spinner;
  GtkLabel *busy_label;
  GtkLabel *error_label;
  AdwEntryRow *url_row;
  AdwEntryRow *fingerprint_row;
};

G_DEFINE_FINAL_TYPE (WcConnectPage, wc_connect_page, ADW_TYPE_BIN)

enum {
  CONNECT,
  DEMO,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
mark_row (AdwEntryRow *row,
          gboolean     wrong)
{
  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
on_form_changed (WcConnectPage *self)
{
  mark_row (self->url_row, FALSE);
  mark_row (self->fingerprint_row, FALSE);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcConnectPage *self = WC_CONNECT_PAGE (widget);
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  const char *fingerprint_text = gtk_editable_get_text (GTK_EDITABLE (self->fingerprint_row));
  g_autofree char *fingerprint = NULL;

  if (!g_str_has_prefix (url, "https://") || strlen (url) <= strlen ("https://"))
    {
      mark_row (self->url_row, TRUE);
      wc_connect_page_set_error (self, _("Enter the portal's address, starting with https://. Plain http:// is never used, because passwords would travel unprotected."));
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }
  if (*fingerprint_text != '\0')
    {
      fingerprint = wc_tls_fingerprint_normalize (fingerprint_text);
      if (fingerprint == NULL)
        {
          mark_row (self->fingerprint_row, TRUE);
          wc_connect_page_set_error (self, _("The fingerprint must be the certificate's SHA-256 fingerprint: 64 hexadecimal digits, with or without colons. Leave it empty for a portal with a certificate from a known authority."));
          gtk_widget_grab_focus (GTK_WIDGET (self->fingerprint_row));
          return;
        }
    }
  wc_connect_page_set_error (self, NULL);
  g_signal_emit (self, signals[CONNECT], 0, url, fingerprint);
}

static void
demo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[DEMO], 0);
}

static void
on_entry_activated (WcConnectPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "connect.connect", NULL);
}

static void
wc_connect_page_class_init (WcConnectPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* The user chose a portal: its https:// URL and the normalized
   * fingerprint, or NULL to trust the system's authorities. */
  signals[CONNECT] =
    g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* The user chose the demo portal on this computer. */
  signals[DEMO] =
    g_signal_new ("demo", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-connect-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, busy_box);
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, WcConnectPage, fingerprint_row);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "connect.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "connect.demo", NULL, demo_action);
}

static void
wc_connect_page_init (WcConnectPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
}

void
wc_connect_page_set_portal (WcConnectPage *self,
                            const char    *url,
                            const char    *fingerprint)
{
  g_return_if_fail (WC_IS_CONNECT_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->fingerprint_row), fingerprint != NULL ? fingerprint : "");
}

void
wc_connect_page_set_busy (WcConnectPage *self,
                          const char    *text)
{
  gboolean busy = text != NULL;

  g_return_if_fail (WC_IS_CONNECT_PAGE (self));

  gtk_widget_set_visible (self->busy_box, busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_label_set_text (self->busy_label, busy ? text : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.connect", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connect.demo", !busy);
}

void
wc_connect_page_set_error (WcConnectPage *self,
                           const char    *text)
{
  g_return_if_fail (WC_IS_CONNECT_PAGE (self));

  wc_ui_show_notice (self->error_label, NULL, text);
}
