/* wc-ui-util.c: toasts and messages shared by the app's widgets. */
#include "wc-ui-util.h"
#include "wc-error-bar.h"
#include "wc-portal-codes.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

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

AdwToast *
wc_ui_toast_new (const char *text)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  escaped = g_markup_escape_text (text, -1);
  return adw_toast_new (escaped);
}

void
wc_ui_show_toast_full (GtkWidget  *widget,
                       const char *text,
                       guint       timeout)
{
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  toast = wc_ui_toast_new (text);
  adw_toast_set_timeout (toast, timeout);
  if (timeout == 0)
    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  wc_ui_present_toast (widget, toast);
}

void
wc_ui_present_toast (GtkWidget *widget,
                     AdwToast  *toast)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (ADW_IS_TOAST (toast));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  /* Given the window itself, the overlay is inside it. */
  if (overlay == NULL && GTK_IS_WINDOW (widget))
    overlay = find_descendant (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_debug ("No toast overlay for: %s", adw_toast_get_title (toast));
      g_object_unref (toast);
      return;
    }
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
      break;
    }

  /* The portal words this for any authenticator app; this app is the
   * authenticator, and it waits for a fresh code by itself. */
  if (g_strcmp0 (code, WC_PORTAL_CODE_OTP_INVALID) == 0)
    return g_strdup_printf (_("The portal did not accept the one-time password: it was wrong or already used. A code this app filled in comes from its own key: check that this computer's clock is right. A code you typed: wait for the next one. Then log in again. (%s)"),
                            code);
  /* Final: trying again, or calling support, changes nothing. So is a
   * message that names the support desk already. */
  if (g_strcmp0 (code, WC_PORTAL_CODE_OLD_LOGIN_CLOSED) == 0 || g_strcmp0 (code, WC_PORTAL_CODE_INTERNAL) == 0)
    /* Translators: the portal's message, the error code. */
    return g_strdup_printf (_("%s (%s)"), error->message, code);
  support = support_line (status);
  /* Translators: the portal's message, the error code, the support line. */
  return g_strdup_printf (_("%s (%s) %s"), error->message, code, support);
}

void
wc_ui_show_error (GtkWidget  *widget,
                  const char *text)
{
  GtkRoot *root;
  GtkWidget *bar;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  root = gtk_widget_get_root (widget);
  bar = root != NULL ? find_descendant (GTK_WIDGET (root), WC_TYPE_ERROR_BAR) : NULL;
  if (bar != NULL)
    wc_error_bar_show (WC_ERROR_BAR (bar), text);
  else
    /* A page on its own (the widget tests): a toast that stays. */
    wc_ui_show_toast_full (widget, text, 0);
}

void
wc_ui_show_failure (GtkWidget            *widget,
                    const GError         *error,
                    const WcPortalStatus *status)
{
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (error != NULL && (text = wc_ui_describe_error (error, status)) != NULL)
    wc_ui_show_error (widget, text);
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
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("?");
  /* Times are the desktop's own (its time zone), so no zone is named. */
  if (g_date_time_get_year (time) == g_date_time_get_year (now))
    /* Translators: a date and time of this year, as g_date_time_format()
     * takes it ("Mar 7, 12:19"); Japanese: "%Y年%-m月%-d日 %H:%M". */
    return g_date_time_format (time, _("%b %-d, %H:%M"));
  /* Translators: a date and time of another year, as g_date_time_format()
   * takes it ("Mar 7, 2025, 12:19"); Japanese: "%Y年%-m月%-d日 %H:%M". */
  return g_date_time_format (time, _("%b %-d, %Y, %H:%M"));
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

char *
wc_ui_strip_mnemonic (const char *label)
{
  g_autoptr(GRegex) key = NULL;
  g_autofree char *without_key = NULL;
  GString *text;

  if (label == NULL)
    return NULL;
  /* "戻る(_B)": the letter in brackets goes with its brackets. */
  key = g_regex_new ("\\s*\\(_[[:alnum:]]\\)", 0, 0, NULL);
  without_key = g_regex_replace_literal (key, label, -1, 0, "", 0, NULL);
  text = g_string_new (NULL);
  for (const char *p = without_key; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

static void
set_name (GtkWidget  *widget,
          const char *name)
{
  if (widget == NULL)
    return;
  /* GTK 4.8 reads the label property and then every label that the
   * labelled-by relation names (here the access-key label itself, with
   * its "(B)"): the name alone, without the relation. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
name_after_label (GtkWidget *widget)
{
  g_autofree char *name = NULL;

  if (GTK_IS_BUTTON (widget))
    {
      name = gtk_button_get_use_underline (GTK_BUTTON (widget))
             ? wc_ui_strip_mnemonic (gtk_button_get_label (GTK_BUTTON (widget))) : NULL;
      if (name != NULL && *name != '\0')
        set_name (widget, name);
    }
  else if (GTK_IS_LABEL (widget))
    {
      /* A label that gives its access key to another widget (a button's
       * own box) names that widget: it says its text without the key. */
      name = gtk_label_get_use_underline (GTK_LABEL (widget))
             ? wc_ui_strip_mnemonic (gtk_label_get_label (GTK_LABEL (widget))) : NULL;
      if (name != NULL && *name != '\0')
        gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  else if (ADW_IS_BUTTON_CONTENT (widget))
    {
      /* An icon and a label in a button: the button is named by that
       * label (the relation comes back whenever the content is placed),
       * so the label says its text without the access key. */
      name = adw_button_content_get_use_underline (ADW_BUTTON_CONTENT (widget))
             ? wc_ui_strip_mnemonic (adw_button_content_get_label (ADW_BUTTON_CONTENT (widget))) : NULL;
      if (name == NULL || *name == '\0')
        return;
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_LABEL (child))
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
  else if (ADW_IS_PREFERENCES_ROW (widget))
    {
      name = adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (widget))
             ? wc_ui_strip_mnemonic (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))) : NULL;
      if (name == NULL || *name == '\0')
        return;
      set_name (widget, name);
      /* The switch of a "Remember …" row is named by the row's title. */
      if (ADW_IS_ACTION_ROW (widget))
        set_name (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (widget)), name);
    }
}

/* A label with an access key is read without its mark ("C_hange" would
 * be read "C_hange Change", "戻る(_B)" as "戻る(B)"), also after it
 * changes. */
static void
name_without_mnemonic (GtkWidget  *widget,
                       const char *property)
{
  g_autofree char *signal = g_strconcat ("notify::", property, NULL);

  name_after_label (widget);
  if (g_object_get_data (G_OBJECT (widget), "wc-named") != NULL)
    return;
  g_object_set_data (G_OBJECT (widget), "wc-named", GINT_TO_POINTER (TRUE));
  g_signal_connect (widget, signal, G_CALLBACK (name_after_label), NULL);
  g_signal_connect (widget, "notify::use-underline", G_CALLBACK (name_after_label), NULL);
}

/* libadwaita 1.2 words the reveal button's tooltip itself ("Show Text"),
 * and has no Japanese for it: the app's own words, in the user's
 * language, as the button changes. */
static void
word_reveal_tooltip (GtkWidget *button)
{
  const char *wanted = g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (button)), "view-conceal-symbolic") == 0
                       ? _("Hide the password") : _("Show the password");

  if (g_strcmp0 (gtk_widget_get_tooltip_text (button), wanted) != 0)
    gtk_widget_set_tooltip_text (button, wanted);
}

/* Wrapped Japanese breaks between any two characters, and would leave
 * "す。" alone on a line: the last few characters of a wrapped label
 * stay together (in English, the last word with its neighbour). */
#define WC_UI_TAIL_CHARS 4

static void
keep_tail_together (GtkLabel *label)
{
  const char *text = gtk_label_get_text (label);
  glong length = g_utf8_strlen (text, -1);
  g_autoptr(PangoAttrList) attrs = NULL;
  PangoAttribute *no_break;

  /* The app's labels carry no attributes of their own. */
  if (length <= WC_UI_TAIL_CHARS * 2)
    {
      gtk_label_set_attributes (label, NULL);
      return;
    }
  attrs = pango_attr_list_new ();
  no_break = pango_attr_allow_breaks_new (FALSE);
  no_break->start_index = (guint) (g_utf8_offset_to_pointer (text, length - WC_UI_TAIL_CHARS) - text);
  no_break->end_index = (guint) strlen (text);
  pango_attr_list_insert (attrs, no_break);
  gtk_label_set_attributes (label, attrs);
}

static void
name_controls (GtkWidget *widget,
               gboolean   in_password_row)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_wrap (GTK_LABEL (widget))
      && g_object_get_data (G_OBJECT (widget), "wc-tail") == NULL)
    {
      g_object_set_data (G_OBJECT (widget), "wc-tail", GINT_TO_POINTER (TRUE));
      keep_tail_together (GTK_LABEL (widget));
      g_signal_connect (widget, "notify::label", G_CALLBACK (keep_tail_together), NULL);
    }
  if (ADW_IS_PREFERENCES_ROW (widget) && adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (widget)))
    name_without_mnemonic (widget, "title");
  if (ADW_IS_BUTTON_CONTENT (widget) && adw_button_content_get_use_underline (ADW_BUTTON_CONTENT (widget)))
    name_without_mnemonic (widget, "label");
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget))
      && gtk_label_get_mnemonic_widget (GTK_LABEL (widget)) != NULL
      && !GTK_IS_BUTTON (gtk_widget_get_parent (widget)))
    name_without_mnemonic (widget, "label");
  if (GTK_IS_BUTTON (widget))
    {
      if (gtk_button_get_use_underline (GTK_BUTTON (widget)))
        name_without_mnemonic (widget, "label");
      else if (in_password_row && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Show or hide the password"), -1);
          word_reveal_tooltip (widget);
          g_signal_connect (widget, "notify::tooltip-text", G_CALLBACK (word_reveal_tooltip), NULL);
        }
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

void
wc_ui_show_notice (GtkLabel   *label,
                   const char *style,
                   const char *text)
{
  gboolean shown = text != NULL && *text != '\0';

  g_return_if_fail (GTK_IS_LABEL (label));

  if (style != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (label), "info");
      gtk_widget_add_css_class (GTK_WIDGET (label), style);
    }
  gtk_label_set_text (label, shown ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), shown);
  /* Screen readers announce the new notice. */
  if (shown)
    gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}
