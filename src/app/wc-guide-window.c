/* wc-guide-window.c: the "How to log in" guide. The text lives in the
 * template; only the support contact can come from the portal. */
#include "wc-guide-window.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>

/* The contact from the portal's notice, for when /status has none. */
#define DEFAULT_SUPPORT_PHONE "0120-69-5090"

struct _WcGuideWindow
{
  AdwWindow parent_instance;

  AdwActionRow *support_name_row;
  AdwActionRow *support_phone_row;
  AdwActionRow *support_hours_row;
  AdwActionRow *support_email_row;
};

G_DEFINE_FINAL_TYPE (WcGuideWindow, wc_guide_window, ADW_TYPE_WINDOW)

static void
set_row (AdwActionRow *row,
         const char   *value,
         const char   *fallback)
{
  const char *text = value != NULL && *value != '\0' ? value : fallback;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL);
}

static void
wc_guide_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), WC_TYPE_GUIDE_WINDOW);
  G_OBJECT_CLASS (wc_guide_window_parent_class)->dispose (object);
}

static void
wc_guide_window_class_init (WcGuideWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_guide_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-guide-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WcGuideWindow, support_name_row);
  gtk_widget_class_bind_template_child (widget_class, WcGuideWindow, support_phone_row);
  gtk_widget_class_bind_template_child (widget_class, WcGuideWindow, support_hours_row);
  gtk_widget_class_bind_template_child (widget_class, WcGuideWindow, support_email_row);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
wc_guide_window_init (WcGuideWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  wc_ui_close_on_escape (GTK_WINDOW (self));
  wc_guide_window_set_status (self, NULL);
}

WcGuideWindow *
wc_guide_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (WC_TYPE_GUIDE_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}

void
wc_guide_window_set_status (WcGuideWindow        *self,
                            const WcPortalStatus *status)
{
  gboolean has_contact;

  g_return_if_fail (WC_IS_GUIDE_WINDOW (self));

  /* A portal's own contact replaces the notice's as a whole, so that a
   * name is never shown with another desk's number. */
  has_contact = status != NULL && status->support_phone != NULL && *status->support_phone != '\0';
  if (!has_contact)
    {
      set_row (self->support_name_row, NULL, _("Yamato Transport payment service customer service center"));
      set_row (self->support_phone_row, NULL, DEFAULT_SUPPORT_PHONE);
      /* Translators: opening hours, Japan time. */
      set_row (self->support_hours_row, NULL, _("9:00–18:00"));
      set_row (self->support_email_row, NULL, NULL);
      return;
    }
  set_row (self->support_name_row, status->support_name, NULL);
  set_row (self->support_phone_row, status->support_phone, NULL);
  set_row (self->support_hours_row, status->support_hours, NULL);
  set_row (self->support_email_row, status->support_email, NULL);
}
