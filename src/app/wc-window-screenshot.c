/* wc-window-screenshot.c: the hidden --screenshot option. It waits until
 * nothing is loading, shows the page asked for, renders the window (or
 * the dialog the page opens) to PNG, and quits. */
#include "wc-window-private.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

typedef struct {
  WcWindow *window;
  char *page;
  char *file;
  gint64 started;
  gboolean page_shown;
  gint64 shown_at;
} Shot;

static void
shot_free (Shot *shot)
{
  g_object_unref (shot->window);
  g_free (shot->page);
  g_free (shot->file);
  g_free (shot);
}

static void
show_page (WcWindow   *self,
           const char *page)
{
  if (page == NULL || g_str_equal (page, "login"))
    return;
  if (g_str_equal (page, "legacy-login"))
    {
      if (self->login_page != NULL)
        wc_login_page_set_legacy (self->login_page, TRUE);
    }
  else if (g_str_equal (page, "connect"))
    wc_window_show_connect_page (self);
  else if (g_str_equal (page, "authenticator"))
    adw_view_stack_set_visible_child_name (self->view_stack, "authenticator");
  else if (g_str_equal (page, "add-token"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.add-token", NULL);
  else if (g_str_equal (page, "guide"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-guide", NULL);
  else if (g_str_equal (page, "shortcuts"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-help-overlay", NULL);
  else if (g_str_equal (page, "about"))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.about", NULL);
  else
    g_printerr ("webcollect-login: unknown page “%s”\n", page);
}

static gboolean
on_shot_tick (gpointer user_data)
{
  Shot *shot = user_data;
  WcWindow *self = shot->window;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  GtkWindow *target;

  /* Give up waiting on slow loading after 30 s and render what is there. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self))
      || (wc_window_is_busy (self) && now - shot->started < 30 * G_USEC_PER_SEC))
    return G_SOURCE_CONTINUE;

  if (!shot->page_shown)
    {
      show_page (self, shot->page);
      shot->page_shown = TRUE;
      shot->shown_at = now;
      return G_SOURCE_CONTINUE;
    }
  /* Time for lists to load and transitions to end. */
  if (now - shot->shown_at < 1500 * 1000)
    return G_SOURCE_CONTINUE;

  target = wc_ui_newest_dialog (GTK_WINDOW (self));
  if (target == NULL)
    target = GTK_WINDOW (self);
  if (!wc_ui_render_png (target, shot->file, &error))
    g_printerr ("webcollect-login: %s\n", error->message);
  /* Closing the windows ends the app, as it does for a user. */
  if (target != GTK_WINDOW (self))
    gtk_window_destroy (target);
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

void
wc_window_take_screenshot (WcWindow   *self,
                           const char *page,
                           const char *file)
{
  Shot *shot;

  g_return_if_fail (WC_IS_WINDOW (self));
  g_return_if_fail (file != NULL);

  shot = g_new0 (Shot, 1);
  shot->window = g_object_ref (self);
  shot->page = g_strdup (page);
  shot->file = g_strdup (file);
  shot->started = g_get_monotonic_time ();
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, on_shot_tick, shot, (GDestroyNotify) shot_free);
}
