/* wc-window.c: the main window. It connects to the portal the settings
 * name, keeps one WcLoginSession for it, and shows the page that fits the
 * login state. The first frame never waits: the portal and the keyring
 * are reached after the window is up, and each page is made when it is
 * first needed. */
#include "wc-window-private.h"
#include "wc-error-bar.h"
#include "wc-ui-util.h"

#include <glib/gi18n-lib.h>

G_DEFINE_FINAL_TYPE (WcWindow, wc_window, ADW_TYPE_APPLICATION_WINDOW)

static void on_login_changed (WcLoginSession *session, GParamSpec *pspec, WcWindow *self);
static void on_session_ended (WcLoginSession *session, int reason, WcWindow *self);
static void on_remember_failed (WcLoginSession *session, GError *error, WcWindow *self);
static void on_connect_requested (WcConnectPage *page, const char *url, const char *fingerprint, WcWindow *self);
static void on_demo_requested (WcConnectPage *page, WcWindow *self);

/* The pages. A first start shows only the connect page, a later one only
 * the login page; making, styling and measuring all five pages with the
 * window took about as long as the rest of the first frame (GtkStack
 * sizes itself for every page it holds, shown or not). So each page is
 * made on first use, and then kept. */

static WcConnectPage *
ensure_connect_page (WcWindow *self)
{
  if (self->connect_page == NULL)
    {
      self->connect_page = g_object_new (WC_TYPE_CONNECT_PAGE, NULL);
      g_signal_connect (self->connect_page, "connect", G_CALLBACK (on_connect_requested), self);
      g_signal_connect (self->connect_page, "demo", G_CALLBACK (on_demo_requested), self);
      gtk_stack_add_named (self->login_stack, GTK_WIDGET (self->connect_page), "connect");
    }
  return self->connect_page;
}

static WcLoginPage *
ensure_login_page (WcWindow *self)
{
  if (self->login_page == NULL)
    {
      self->login_page = g_object_new (WC_TYPE_LOGIN_PAGE, NULL);
      wc_login_page_set_settings (self->login_page, self->settings);
      gtk_stack_add_named (self->login_stack, GTK_WIDGET (self->login_page), "login");
    }
  return self->login_page;
}

static WcPasswordPage *
ensure_password_page (WcWindow *self)
{
  if (self->password_page == NULL)
    {
      self->password_page = wc_password_page_new ();
      gtk_stack_add_named (self->login_stack, GTK_WIDGET (self->password_page), "password");
    }
  return self->password_page;
}

static WcSessionPage *
ensure_session_page (WcWindow *self)
{
  if (self->session_page == NULL)
    {
      self->session_page = wc_session_page_new ();
      wc_session_page_set_session (self->session_page, self->session);
      gtk_stack_add_named (self->login_stack, GTK_WIDGET (self->session_page), "session");
    }
  return self->session_page;
}

WcTokenPage *
wc_window_ensure_token_page (WcWindow *self)
{
  g_return_val_if_fail (WC_IS_WINDOW (self), NULL);

  if (self->token_page == NULL)
    {
      self->token_page = g_object_new (WC_TYPE_TOKEN_PAGE,
                                       "store", wc_application_get_token_store (self->application),
                                       "settings", self->settings,
                                       "session", self->session,
                                       NULL);
      adw_bin_set_child (self->token_bin, GTK_WIDGET (self->token_page));
    }
  return self->token_page;
}

static void
scroll_to_top (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    scroll_to_top (child);
}

static gboolean
focus_into_page (gpointer user_data)
{
  WcWindow *self = user_data;
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  self->focus_source = 0;
  if (GTK_IS_STACK (page) || ADW_IS_BIN (page))
    {
      GtkWidget *inner = GTK_IS_STACK (page) ? gtk_stack_get_visible_child (GTK_STACK (page))
                                             : adw_bin_get_child (ADW_BIN (page));
      page = inner != NULL ? inner : page;
    }
  /* A page that placed the focus itself (on the field to fill in) keeps it. */
  if (page != NULL && gtk_widget_get_mapped (page) && (focus == NULL || !gtk_widget_is_ancestor (focus, page))
      && !gtk_widget_grab_focus (page))
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
  return G_SOURCE_REMOVE;
}

/* A page that comes into view opens at its top, with the focus inside it:
 * after Alt+2 the keyboard is in the token list, not on the tab. */
static void
enter_page (WcWindow *self)
{
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (page != NULL)
    scroll_to_top (page);
  if (self->focus_source == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->focus_source = g_idle_add (focus_into_page, self);
}

/* The tab switcher, a shortcut or an action showed a tab. */
static void
on_view_changed (WcWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "authenticator") == 0)
    wc_window_ensure_token_page (self);
  enter_page (self);
}

static void
set_session (WcWindow       *self,
             WcLoginSession *session)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      wc_login_session_set_watched (self->session, FALSE);
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect (session, "notify::login", G_CALLBACK (on_login_changed), self);
      g_signal_connect (session, "ended", G_CALLBACK (on_session_ended), self);
      g_signal_connect (session, "remember-failed", G_CALLBACK (on_remember_failed), self);
    }
  /* A session is shown on the login page first; a page not made yet
   * takes the session when it is made. */
  if (session != NULL)
    ensure_login_page (self);
  if (self->login_page != NULL)
    wc_login_page_set_session (self->login_page, session);
  if (self->session_page != NULL)
    wc_session_page_set_session (self->session_page, session);
  if (self->token_page != NULL)
    g_object_set (self->token_page, "session", session, NULL);
  /* The status is kept current while the window is on screen. */
  if (session != NULL)
    wc_login_session_set_watched (session, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

void
wc_window_update_login_page (WcWindow *self)
{
  WcPortalLogin *login = self->session != NULL ? wc_login_session_get_login (self->session) : NULL;

  wc_window_update_switch_action (self);
  if (self->session == NULL)
    {
      wc_window_show_connect_page (self);
      return;
    }
  if (login == NULL)
    {
      gtk_stack_set_visible_child_name (self->login_stack, "login");
      return;
    }
  if (wc_login_session_get_next_action (self->session) == WC_LOGIN_NEXT_CHANGE_PASSWORD)
    {
      gboolean expired = login->password_expires_at != 0
                         && login->password_expires_at <= wc_login_session_now (self->session);

      wc_password_page_start (ensure_password_page (self), self->session,
                              expired
                              ? _("Your password has expired. Choose a new one to go on.")
                              : _("This password was given to you for the first login only. Choose your own password to go on."));
      gtk_stack_set_visible_child_name (self->login_stack, "password");
      return;
    }
  ensure_session_page (self);
  gtk_stack_set_visible_child_name (self->login_stack, "session");
}

void
wc_window_show_connect_page (WcWindow *self)
{
  g_autofree char *url = wc_settings_dup_portal_url (self->settings);
  g_autofree char *fingerprint = wc_settings_dup_portal_fingerprint (self->settings);

  wc_connect_page_set_portal (ensure_connect_page (self), url, fingerprint);
  gtk_stack_set_visible_child_name (self->login_stack, "connect");
  adw_view_stack_set_visible_child_name (self->view_stack, "login");
}

static void
on_login_changed (WcLoginSession *session,
                  GParamSpec     *pspec,
                  WcWindow       *self)
{
  WcPortalLogin *login = wc_login_session_get_login (session);

  if (login != NULL)
    {
      wc_settings_set_last_login (self->settings, login->user->merchant_code,
                                  login->method == WC_PORTAL_LOGIN_METHOD_NEW ? login->user->user_id : NULL);
      /* A failure from before this login is over. */
      wc_error_bar_show (self->error_bar, NULL);
    }
  wc_window_update_login_page (self);
}

static void
on_session_ended (WcLoginSession *session,
                  int             reason,
                  WcWindow       *self)
{
  switch (reason)
    {
    case WC_PORTAL_SESSION_END_IDLE:
      wc_ui_show_error (GTK_WIDGET (self),
                        _("You were logged out after 15 minutes without activity, to protect the account. Log in again to go on."));
      break;
    case WC_PORTAL_SESSION_END_INVALID:
      wc_ui_show_error (GTK_WIDGET (self),
                        _("The portal ended the session (a login elsewhere or a restart). Log in again to go on."));
      break;
    case WC_PORTAL_SESSION_END_LOGGED_OUT:
    default:
      wc_ui_show_toast (GTK_WIDGET (self), _("Logged out."));
      break;
    }
}

static void
on_remember_failed (WcLoginSession *session,
                    GError         *error,
                    WcWindow       *self)
{
  g_autofree char *text = wc_ui_describe_error (error, NULL);
  g_autofree char *message = NULL;

  if (text == NULL)
    return;
  message = g_strdup_printf (_("The password could not be remembered: %s"), text);
  wc_ui_show_error (GTK_WIDGET (self), message);
}

/* Connecting. */

static void
use_portal (WcWindow   *self,
            const char *url,
            const char *fingerprint,
            const char *portal_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcLoginSession) session = NULL;

  session = wc_login_session_new_for_portal (url, fingerprint, portal_id,
                                             wc_application_get_token_store (self->application),
                                             wc_application_get_credential_store (self->application),
                                             &error);
  if (session == NULL)
    {
      g_autofree char *text = wc_ui_describe_error (error, NULL);

      set_session (self, NULL);
      wc_window_show_connect_page (self);
      wc_connect_page_set_error (self->connect_page, text);
      return;
    }

  set_session (self, session);
  if (self->connect_page != NULL)
    {
      wc_connect_page_set_busy (self->connect_page, NULL);
      wc_connect_page_set_error (self->connect_page, NULL);
    }
  wc_window_update_login_page (self);
}

static void
on_demo_started (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WcWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcDemoPortal) demo = wc_application_start_demo_finish (WC_APPLICATION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->connecting--;
  if (demo == NULL)
    {
      wc_connect_page_set_busy (ensure_connect_page (self), NULL);
      wc_connect_page_set_error (self->connect_page, error->message);
      wc_window_show_connect_page (self);
      return;
    }

  use_portal (self, wc_demo_portal_get_url (demo), wc_demo_portal_get_fingerprint (demo), "demo");
  wc_login_page_set_demo (ensure_login_page (self), demo);
}

void
wc_window_connect (WcWindow *self,
                   gboolean  demo)
{
  WcPortalMode mode;

  g_return_if_fail (WC_IS_WINDOW (self));

  mode = demo ? WC_PORTAL_MODE_DEMO : wc_settings_get_portal_mode (self->settings);
  self->demo = mode == WC_PORTAL_MODE_DEMO;
  if (self->login_page != NULL)
    wc_login_page_set_demo (self->login_page, NULL);

  switch (mode)
    {
    case WC_PORTAL_MODE_DEMO:
      set_session (self, NULL);
      wc_window_show_connect_page (self);
      wc_connect_page_set_error (self->connect_page, NULL);
      wc_connect_page_set_busy (self->connect_page, _("Starting the demo portal on this computer…"));
      self->connecting++;
      /* On two cores the portal's start (key, certificate, database)
       * would hold back the window's first frame: it waits for it. */
      if (self->painted)
        wc_application_start_demo_async (self->application, self->cancellable, on_demo_started, self);
      else
        self->demo_waiting = TRUE;
      break;
    case WC_PORTAL_MODE_URL:
      {
        g_autofree char *url = wc_settings_dup_portal_url (self->settings);
        g_autofree char *fingerprint = wc_settings_dup_portal_fingerprint (self->settings);

        use_portal (self, url, fingerprint, url);
      }
      break;
    case WC_PORTAL_MODE_UNSET:
    default:
      set_session (self, NULL);
      wc_window_show_connect_page (self);
      break;
    }
}

static void
on_connect_requested (WcConnectPage *page,
                      const char    *url,
                      const char    *fingerprint,
                      WcWindow      *self)
{
  wc_settings_set_portal (self->settings, url, fingerprint);
  wc_window_connect (self, FALSE);
}

static void
on_demo_requested (WcConnectPage *page,
                   WcWindow      *self)
{
  wc_settings_set_portal_mode (self->settings, WC_PORTAL_MODE_DEMO);
  wc_window_connect (self, TRUE);
}

/* Queries for tests and screenshots. */

WcLoginSession *
wc_window_get_session (WcWindow *self)
{
  g_return_val_if_fail (WC_IS_WINDOW (self), NULL);
  return self->session;
}

char *
wc_window_dup_page_name (WcWindow *self)
{
  const char *view;
  const char *page;

  g_return_val_if_fail (WC_IS_WINDOW (self), NULL);

  view = adw_view_stack_get_visible_child_name (self->view_stack);
  if (g_strcmp0 (view, "authenticator") == 0)
    return g_strdup (view);
  page = gtk_stack_get_visible_child_name (self->login_stack);
  if (g_strcmp0 (page, "login") == 0 && self->login_page != NULL && wc_login_page_get_legacy (self->login_page))
    return g_strdup ("legacy-login");
  return g_strdup (page);
}

gboolean
wc_window_is_busy (WcWindow *self)
{
  g_return_val_if_fail (WC_IS_WINDOW (self), FALSE);
  return self->connecting > 0
         || (self->login_page != NULL && wc_login_page_is_busy (self->login_page));
}

/* The window. The portal's status is watched while the window is on
 * screen, and asked for again whenever it comes to the front. */

static void
on_after_paint (GdkFrameClock *clock,
                WcWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, self);
  self->painted = TRUE;
  if (self->demo_waiting)
    {
      self->demo_waiting = FALSE;
      wc_application_start_demo_async (self->application, self->cancellable, on_demo_started, self);
    }
}

static void
wc_window_map (GtkWidget *widget)
{
  WcWindow *self = WC_WINDOW (widget);

  GTK_WIDGET_CLASS (wc_window_parent_class)->map (widget);
  if (!self->painted)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (on_after_paint), self, 0);
  if (self->session != NULL)
    wc_login_session_set_watched (self->session, TRUE);
}

static void
wc_window_unmap (GtkWidget *widget)
{
  WcWindow *self = WC_WINDOW (widget);

  if (self->session != NULL)
    wc_login_session_set_watched (self->session, FALSE);
  GTK_WIDGET_CLASS (wc_window_parent_class)->unmap (widget);
}

static void
on_active_changed (WcWindow *self)
{
  if (self->session != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    wc_login_session_refresh_status (self->session);
}

static gboolean
wc_window_close_request (GtkWindow *window)
{
  WcWindow *self = WC_WINDOW (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (wc_window_parent_class)->close_request (window);
}

static void
wc_window_dispose (GObject *object)
{
  WcWindow *self = WC_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->focus_source, g_source_remove);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      wc_login_session_set_watched (self->session, FALSE);
    }
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_WINDOW);
  /* The pages went with the stacks that held them. */
  self->connect_page = NULL;
  self->login_page = NULL;
  self->password_page = NULL;
  self->session_page = NULL;
  self->token_page = NULL;
  G_OBJECT_CLASS (wc_window_parent_class)->dispose (object);
}

static void
wc_window_finalize (GObject *object)
{
  WcWindow *self = WC_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (wc_window_parent_class)->finalize (object);
}

static void
wc_window_class_init (WcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wc_window_dispose;
  object_class->finalize = wc_window_finalize;
  widget_class->map = wc_window_map;
  widget_class->unmap = wc_window_unmap;
  window_class->close_request = wc_window_close_request;

  g_type_ensure (WC_TYPE_ERROR_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WcWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, WcWindow, login_view);
  gtk_widget_class_bind_template_child (widget_class, WcWindow, login_stack);
  gtk_widget_class_bind_template_child (widget_class, WcWindow, token_bin);
  gtk_widget_class_bind_template_child (widget_class, WcWindow, error_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed);

  wc_window_install_actions (klass);
}

static void
wc_window_init (WcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->login_stack, "notify::visible-child", G_CALLBACK (enter_page), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed), NULL);
}

WcWindow *
wc_window_new (WcApplication *application)
{
  WcWindow *self;

  g_return_val_if_fail (WC_IS_APPLICATION (application), NULL);

  self = g_object_new (WC_TYPE_WINDOW, "application", application, NULL);
  self->application = g_object_ref (application);
  self->settings = g_object_ref (wc_application_get_settings (application));
  wc_settings_bind_window (self->settings, self);
  g_signal_connect_object (wc_settings_get_gsettings (self->settings), "changed::migration-step",
                           G_CALLBACK (wc_window_update_switch_action), self, G_CONNECT_SWAPPED);
  wc_window_update_switch_action (self);
  return self;
}
