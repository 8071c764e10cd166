/* wc-ui-window.c: Escape and the first focus of secondary windows, and
 * the app's questions. */
#include "wc-ui-window.h"
#include "wc-ui-util.h"

void
wc_ui_close_on_escape (GtkWindow *window)
{
  GtkEventController *controller;
  GtkShortcut *shortcut;

  g_return_if_fail (GTK_IS_WINDOW (window));

  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                               gtk_named_action_new ("window.close"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
}

static gboolean
focus_first (gpointer user_data)
{
  GtkWidget *first = user_data;

  if (gtk_widget_get_mapped (first) && gtk_widget_is_sensitive (first))
    gtk_widget_grab_focus (first);
  return G_SOURCE_REMOVE;
}

static void
on_window_map (GtkWidget *window,
               GtkWidget *first)
{
  /* After the window's own map handler, which moves the focus. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, focus_first, g_object_ref (first), g_object_unref);
}

void
wc_ui_focus_on_show (GtkWindow *window,
                     GtkWidget *first)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (GTK_IS_WIDGET (first));

  g_signal_connect_object (window, "map", G_CALLBACK (on_window_map), first, G_CONNECT_AFTER);
}

AdwMessageDialog *
wc_ui_question_new (GtkWindow             *parent,
                    const char            *heading,
                    const char            *body,
                    const char            *close_id,
                    const char            *close_label,
                    const char            *answer_id,
                    const char            *answer_label,
                    AdwResponseAppearance  appearance,
                    gboolean               answer_is_default)
{
  AdwMessageDialog *dialog;

  g_return_val_if_fail (close_id != NULL && answer_id != NULL, NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  adw_message_dialog_add_responses (dialog, close_id, close_label, answer_id, answer_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, answer_id, appearance);
  adw_message_dialog_set_default_response (dialog, answer_is_default ? answer_id : close_id);
  adw_message_dialog_set_close_response (dialog, close_id);
  return dialog;
}

void
wc_ui_present_question (AdwMessageDialog *dialog)
{
  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (dialog));

  wc_ui_name_controls (GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWindow *
wc_ui_newest_dialog (GtkWindow *main)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != main && gtk_widget_get_mapped (GTK_WIDGET (window)))
        found = window;
    }
  return found;
}
