/* wc-ui-window.c: Escape and the first focus of secondary windows. */
#include "wc-ui-window.h"

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
