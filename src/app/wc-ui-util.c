/* wc-ui-util.c: toasts and messages shared by the app's widgets. */
#include "wc-ui-util.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>

static GtkWidget *
find_descendant (GtkWidget *root,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = g_type_is_a (G_OBJECT_TYPE (child), type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* libadwaita 1.2 leaves a toast's close button without a name (a screen
 * reader says "GtkImage"): name every such button the overlay shows. */
static void
name_toast_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL
          && g_strcmp0 (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (child)), "AdwToastWidget") == 0)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Close the message"), -1);
      name_toast_buttons (child);
    }
}

static gboolean
name_toast_buttons_later (gpointer user_data)
{
  GtkWidget *overlay = user_data;

  name_toast_buttons (overlay);
  return G_SOURCE_REMOVE;
}

void
wc_ui_show_toast_full (GtkWidget  *widget,
                       const char *text,
                       guint       timeout)
{
  GtkWidget *overlay;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  /* Given the window itself, the overlay is inside it. */
  if (overlay == NULL && GTK_IS_WINDOW (widget))
    overlay = find_descendant (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", text);
      return;
    }
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, timeout);
  if (timeout == 0)
    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  name_toast_buttons (overlay);
  /* A toast that waited for the one before is shown later. */
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (name_toast_buttons_later), overlay,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

void
wc_ui_show_toast (GtkWidget  *widget,
                  const char *text)
{
  wc_ui_show_toast_full (widget, text, 5);
}

static char *
support_line (const WcPortalStatus *status)
{
  if (status == NULL || status->support_phone == NULL)
    return g_strdup (_("If this keeps happening, contact the portal's support."));
  /* Translators: support desk, phone, opening hours. */
  return g_strdup_printf (_("If this keeps happening, contact %s, %s (%s)."),
                          status->support_name != NULL ? status->support_name : "",
                          status->support_phone,
                          status->support_hours != NULL ? status->support_hours : "");
}

char *
wc_ui_describe_error (const GError         *error,
                      const WcPortalStatus *status)
{
  g_autofree char *support = NULL;
  g_autofree char *when = NULL;
  const char *code;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;

  if (error->domain == WC_STORE_ERROR)
    {
      switch (error->code)
        {
        case WC_STORE_ERROR_NO_SERVICE:
          return g_strdup_printf ("%s %s", error->message,
                                  _("Start the desktop's keyring (for example GNOME Keyring) and try again."));
        case WC_STORE_ERROR_LOCKED:
        case WC_STORE_ERROR_UNLOCK_REFUSED:
          return g_strdup_printf ("%s %s", error->message,
                                  _("Unlock the keyring and try again."));
        default:
          return g_strdup (error->message);
        }
    }

  if (error->domain != WC_PORTAL_ERROR)
    return g_strdup (error->message);

  code = wc_portal_error_get_code (error);
  switch (error->code)
    {
    case WC_PORTAL_ERROR_LOCKED:
      when = wc_ui_format_time (g_get_real_time () / G_USEC_PER_SEC + wc_portal_error_get_retry_after (error));
      /* Translators: the portal's message, the time, the error code. */
      return g_strdup_printf (_("%s You can try again from %s. (%s)"), error->message, when, code);
    case WC_PORTAL_ERROR_MAINTENANCE:
      when = wc_ui_format_time (wc_portal_error_get_ends_at (error));
      return g_strdup_printf (_("%s It is planned to end at %s; the app retries by itself then. (%s)"),
                              error->message, when, code);
    case WC_PORTAL_ERROR_NETWORK:
    case WC_PORTAL_ERROR_TIMEOUT:
      return g_strdup_printf (_("%s Check the network connection and try again. (%s)"), error->message, code);
    case WC_PORTAL_ERROR_TLS:
    case WC_PORTAL_ERROR_PIN_MISMATCH:
      return g_strdup_printf (_("%s Check the portal address and fingerprint in the portal settings. (%s)"),
                              error->message, code);
    default:
      support = support_line (status);
      /* Translators: the portal's message, the error code, the support line. */
      return g_strdup_printf (_("%s (%s) %s"), error->message, code, support);
    }
}

void
wc_ui_show_error_toast (GtkWidget            *widget,
                        const GError         *error,
                        const WcPortalStatus *status)
{
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (error != NULL && (text = wc_ui_describe_error (error, status)) != NULL)
    wc_ui_show_toast (widget, text);
}

const char *
wc_ui_describe_role (const char *role)
{
  if (g_strcmp0 (role, "general") == 0)
    return _("General");
  if (g_strcmp0 (role, "shipping") == 0)
    return _("Shipping");
  /* A role from a newer portal: its own name is better than nothing. */
  return role != NULL ? role : "";
}

void
wc_ui_set_spinning (GtkSpinner *spinner,
                    gboolean    spinning)
{
  gtk_widget_set_visible (GTK_WIDGET (spinner), spinning);
  gtk_spinner_set_spinning (spinner, spinning);
}

char *
wc_ui_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  if (time == NULL)
    return g_strdup ("?");
  /* Translators: a date and time, as g_date_time_format() takes it;
   * Japanese uses "%m/%d %H:%M" (24-hour). */
  return g_date_time_format (time, _("%b %d, %H:%M"));
}

char *
wc_ui_format_time_range (gint64 from,
                         gint64 to)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (from);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (to);
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;

  if (start == NULL || end == NULL)
    return g_strdup ("?");
  start_text = wc_ui_format_time (from);
  if (g_date_time_get_year (start) == g_date_time_get_year (end)
      && g_date_time_get_day_of_year (start) == g_date_time_get_day_of_year (end))
    end_text = g_date_time_format (end, "%H:%M");
  else
    end_text = wc_ui_format_time (to);
  return g_strdup_printf ("%s–%s", start_text, end_text);
}

char *
wc_ui_format_countdown (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", seconds / 60, (int) (seconds % 60));
}

gboolean
wc_ui_render_png (GtkWindow   *window,
                  const char  *file,
                  GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);
  g_return_val_if_fail (file != NULL, FALSE);

  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window is not shown yet");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window drew nothing");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, file))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", file);
      return FALSE;
    }
  return TRUE;
}

static void
name_controls (GtkWidget *widget,
               gboolean   in_password_row)
{
  if (GTK_IS_BUTTON (widget))
    {
      if (gtk_button_get_use_underline (GTK_BUTTON (widget)))
        /* The label child names the button already. */
        gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
      else if (in_password_row && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Show or hide the password"), -1);
    }
  in_password_row = in_password_row || ADW_IS_PASSWORD_ENTRY_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_controls (child, in_password_row);
}

void
wc_ui_name_controls (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));
  name_controls (root, FALSE);
}

void
wc_ui_set_sensitive (GtkWidget *widget,
                     gboolean   sensitive)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (!sensitive && focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)))
    gtk_root_set_focus (root, NULL);
  gtk_widget_set_sensitive (widget, sensitive);
}
