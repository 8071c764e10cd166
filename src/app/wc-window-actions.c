/* wc-window-actions.c: what a user can do from anywhere in the window,
 * as actions, so that shortcuts, menus and tests share one path. */
#include "wc-window-private.h"
#include "wc-guide-window.h"

static void
copy_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WcWindow *self = WC_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Ctrl+C in a text field keeps its usual meaning. */
  if (focus != NULL && GTK_IS_EDITABLE (focus)
      && gtk_editable_get_selection_bounds (GTK_EDITABLE (focus), NULL, NULL))
    {
      gtk_widget_activate_action (focus, "clipboard.copy", NULL);
      return;
    }
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "authenticator") == 0)
    wc_token_page_copy_selected (wc_window_ensure_token_page (self));
}

static void
add_token_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WcWindow *self = WC_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "authenticator");
  gtk_widget_activate_action (GTK_WIDGET (wc_window_ensure_token_page (self)), "tokens.add", NULL);
}

static void
show_login_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  adw_view_stack_set_visible_child_name (WC_WINDOW (widget)->view_stack, "login");
}

static void
show_authenticator_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  adw_view_stack_set_visible_child_name (WC_WINDOW (widget)->view_stack, "authenticator");
}

static void
choose_portal_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  wc_window_show_connect_page (WC_WINDOW (widget));
}

/* GtkApplication would build the shortcuts window with every main window,
 * before its first frame, had it found gtk/help-overlay.ui under the
 * resource base path; the resource has another name so that it is built
 * here, the first time it is asked for. wc-application.c gives the
 * action GTK's usual Ctrl+? shortcut. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource ("/io/github/wclogin/WebCollectLogin/wc-help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

static void
show_guide_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WcGuideWindow *guide = wc_guide_window_new (GTK_WINDOW (widget));

  gtk_window_present (GTK_WINDOW (guide));
}

/* The switch to the new login, from the menu or a page's next step: the
 * login page opens the wizard for the merchant it knows. */
static void
switch_login_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  WcWindow *self = WC_WINDOW (widget);

  if (self->login_page != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->login_page), "login.migrate", NULL);
}

void
wc_window_update_switch_action (WcWindow *self)
{
  WcLoginNextAction next = self->session != NULL ? wc_login_session_get_next_action (self->session)
                                                 : WC_LOGIN_NEXT_NONE;
  WcPortalLogin *login = self->session != NULL ? wc_login_session_get_login (self->session) : NULL;
  /* The switch is the main user's; a child sets up a key on the page. */
  gboolean main_user = self->session != NULL && wc_login_session_is_main_user (self->session);
  gboolean left = (main_user && next == WC_LOGIN_NEXT_SET_UP_KEY) || next == WC_LOGIN_NEXT_SWITCH
                  || (login == NULL && self->session != NULL && wc_settings_get_migration_step (self->settings) > 0);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-login", left && self->login_page != NULL);
}

void
wc_window_install_actions (WcWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.copy-code", NULL, copy_code_action);
  gtk_widget_class_install_action (widget_class, "win.add-token", NULL, add_token_action);
  gtk_widget_class_install_action (widget_class, "win.show-login", NULL, show_login_action);
  gtk_widget_class_install_action (widget_class, "win.show-authenticator", NULL, show_authenticator_action);
  gtk_widget_class_install_action (widget_class, "win.choose-portal", NULL, choose_portal_action);
  gtk_widget_class_install_action (widget_class, "win.show-guide", NULL, show_guide_action);
  gtk_widget_class_install_action (widget_class, "win.switch-login", NULL, switch_login_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
}
