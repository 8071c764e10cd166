/* wc-session-page.c: what the user sees after logging in: who is logged
 * in and how, how long until the portal's idle logout, the ages of the
 * passwords, and the way out. Account management is added below by
 * others through wc_session_page_get_account_area().
 *
 * The countdown reads the client's idle deadline once a second, and only
 * while the page is on screen; it never asks the portal, so it does not
 * keep the session alive by itself. */
#include "wc-session-page.h"
#include "wc-login-page.h"
#include "wc-password-page.h"
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-tablet-care.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"
#include "wc-users-page.h"

#include <glib/gi18n-lib.h>

struct _WcSessionPage
{
  AdwBin parent_instance;

  WcLoginSession *session;
  /* Lives as long as the page; cancelled in dispose. */
  GCancellable *cancellable;
  /* Tablet password care: the old password's age and its reminders. */
  WcTabletCare *tablet_care;
  guint tablet_check_id;
  GtkWidget *tablet_box;
  GtkLabel *tablet_label;
  GtkWindow *tablet_dialog;
  guint tick_id;
  gboolean busy;
  WcEnrollment *enrollment;     /* a child user's own key being set up */

  /* Template children. */
  AdwAvatar *avatar;
  GtkLabel *name_label;
  GtkLabel *summary_label;
  GtkLabel *restricted_label;
  GtkButton *next_button;
  GtkLabel *merchant_label;
  AdwActionRow *user_row;
  GtkLabel *user_label;
  GtkLabel *role_label;
  GtkLabel *method_label;
  AdwActionRow *idle_row;
  AdwActionRow *password_row;
  AdwActionRow *legacy_row;
  AdwEntryRow *tablet_check_row;
  GtkBox *account_area;
  GtkSpinner *spinner;
  WcUsersPage *users_page;      /* in account_area, for a main user only */
};

G_DEFINE_FINAL_TYPE (WcSessionPage, wc_session_page, ADW_TYPE_BIN)

static WcPortalLogin *
get_login (WcSessionPage *self)
{
  return self->session != NULL ? wc_login_session_get_login (self->session) : NULL;
}

/* Texts. */

static const char *
describe_role (const char *role)
{
  if (g_strcmp0 (role, "main") == 0)
    return _("Main user");
  return wc_ui_describe_role (role);
}

static const char *
describe_method (WcPortalLoginMethod method)
{
  switch (method)
    {
    case WC_PORTAL_LOGIN_METHOD_LEGACY:
      return _("Old login");
    case WC_PORTAL_LOGIN_METHOD_TABLET:
      return _("Tablet login");
    case WC_PORTAL_LOGIN_METHOD_NEW:
    default:
      return _("New login");
    }
}

static char *
describe_age (guint days)
{
  if (days == 0)
    return g_strdup (_("Changed today"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Changed %u day ago", "Changed %u days ago", days), days);
}

/* The old password is renewed on this page (an old-login session);
 * otherwise through the old login. */
static gboolean
renewal_is_here (WcSessionPage *self)
{
  return self->session != NULL && wc_login_session_renews_tablet_password (self->session);
}

/* The idle countdown. */

static void
update_countdown (WcSessionPage *self)
{
  gint64 deadline = 0;
  g_autofree char *left = NULL;
  g_autofree char *title = NULL;

  if (get_login (self) != NULL)
    deadline = wc_login_session_get_idle_deadline (self->session);
  gtk_widget_set_visible (GTK_WIDGET (self->idle_row), deadline != 0);
  if (deadline == 0)
    return;

  left = wc_ui_format_countdown (deadline - g_get_real_time () / G_USEC_PER_SEC);
  /* Translators: %s is minutes:seconds, e.g. 14:32. */
  title = g_strdup_printf (_("Logged out after %s without activity"), left);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->idle_row), title);
}

static gboolean
on_tick (gpointer user_data)
{
  update_countdown (WC_SESSION_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (WcSessionPage *self)
{
  update_countdown (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, on_tick, self, NULL);
}

static void
stop_ticking (WcSessionPage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

/* Tablet password care. The tablet (iPad) payment login uses the old
 * password, and the portal refuses it with T042000005 once that is more
 * than 90 days old: from day 80 a reminder shows here, and a desktop
 * notification goes out once a day while the app runs. */

static void
on_tablet_care_saved (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The reminder still works from memory; it may only come once more. */
  if (!wc_tablet_care_save_finish (WC_TABLET_CARE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The tablet password record was not saved: %s", error->message);
}

static WcTabletCare *
ensure_tablet_care (WcSessionPage *self)
{
  if (self->tablet_care == NULL)
    self->tablet_care = wc_tablet_care_new (NULL);
  return self->tablet_care;
}

static void
check_tablet_reminder (WcSessionPage *self)
{
  WcPortalLogin *login = get_login (self);
  const char *merchant;
  gint64 now;
  int days_left;
  const char *text;

  if (login == NULL || login->user == NULL || self->tablet_care == NULL)
    {
      gtk_widget_set_visible (self->tablet_box, FALSE);
      return;
    }
  merchant = login->user->merchant_code;
  now = wc_login_session_now (self->session);
  if (!wc_tablet_care_reminder_due (self->tablet_care, merchant, now))
    {
      gtk_widget_set_visible (self->tablet_box, FALSE);
      return;
    }

  days_left = wc_tablet_care_get_days_left (self->tablet_care, merchant, now);
  text = days_left >= 0
         ? _("The tablet (iPad) login stops working after day 90 with error T042000005. Change the old password now.")
         : _("The old password is more than 90 days old: the tablet (iPad) login fails with error T042000005 until it is changed. Change the old password now.");
  gtk_label_set_text (self->tablet_label, text);
  gtk_widget_set_visible (self->tablet_box, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tablet_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);

  if (wc_tablet_care_take_notification (self->tablet_care, merchant, now))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Change the old password"));
      GApplication *application = g_application_get_default ();

      g_notification_set_body (notification, text);
      if (application != NULL && g_application_get_is_registered (application))
        g_application_send_notification (application, "tablet-password", notification);
      wc_tablet_care_save_async (self->tablet_care, self->cancellable, on_tablet_care_saved, NULL);
    }
}

static gboolean
on_tablet_check (gpointer user_data)
{
  check_tablet_reminder (WC_SESSION_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
update_tablet_care (WcSessionPage             *self,
                    const WcPortalSessionInfo *info)
{
  if (info->legacy_password_changed_at != 0)
    {
      wc_tablet_care_update_from_session (ensure_tablet_care (self), info);
      wc_tablet_care_save_async (self->tablet_care, self->cancellable, on_tablet_care_saved, NULL);
    }
  check_tablet_reminder (self);
  /* Checked on login, then every hour while logged in. */
  if (self->tablet_check_id == 0)
    self->tablet_check_id = g_timeout_add_seconds (60 * 60, on_tablet_check, self);
}

/* The way to the old password's change: in an old-login session or a
 * main user's full new login, the password form right here (the new login
 * sets it with POST /tablet/password, also after the old login closed);
 * otherwise log out, and the window's login page shows the old login. */

static void
on_tablet_dialog_login_changed (WcLoginSession *session,
                                GParamSpec     *pspec,
                                WcSessionPage  *self)
{
  WcPortalLogin *login = wc_login_session_get_login (session);

  if (self->tablet_dialog == NULL)
    return;
  if (login != NULL && login->user != NULL)
    {
      wc_tablet_care_record_change (ensure_tablet_care (self), login->user->merchant_code,
                                    wc_login_session_now (session));
      wc_tablet_care_save_async (self->tablet_care, self->cancellable, on_tablet_care_saved, NULL);
    }
  gtk_window_destroy (self->tablet_dialog);
  check_tablet_reminder (self);
}

static void
on_tablet_dialog_destroyed (WcSessionPage *self)
{
  self->tablet_dialog = NULL;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, on_tablet_dialog_login_changed, self);
}

static void
on_tablet_password_set (WcPasswordPage *page,
                        WcSessionPage  *self)
{
  WcPortalLogin *login = get_login (self);

  if (self->tablet_dialog == NULL)
    return;
  if (login != NULL && login->user != NULL)
    {
      wc_tablet_care_record_change (ensure_tablet_care (self), login->user->merchant_code,
                                    wc_login_session_now (self->session));
      wc_tablet_care_save_async (self->tablet_care, self->cancellable, on_tablet_care_saved, NULL);
    }
  gtk_window_destroy (self->tablet_dialog);
  check_tablet_reminder (self);
  wc_ui_show_toast (GTK_WIDGET (self), _("The old password is changed. Use the new one on the tablet too."));
}

static void
show_legacy_password_change (WcSessionPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  WcPasswordPage *page = wc_password_page_new ();
  GtkWidget *dialog = adw_window_new ();

  gtk_window_set_title (GTK_WINDOW (dialog), _("Change the Old Password"));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, 640);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (dialog), box);
  wc_ui_close_on_escape (GTK_WINDOW (dialog));
  self->tablet_dialog = GTK_WINDOW (dialog);
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (on_tablet_dialog_destroyed), self);
  if (get_login (self)->method == WC_PORTAL_LOGIN_METHOD_LEGACY)
    {
      wc_password_page_start (page, self->session,
                              _("The tablet (iPad) login uses the old password. Choose a new one; then use it on the tablet too."));
      g_signal_connect (self->session, "notify::login", G_CALLBACK (on_tablet_dialog_login_changed), self);
    }
  else
    {
      wc_password_page_start_tablet (page, self->session,
                                     _("The tablet (iPad) login uses the old password. Choose a new one; then use it on the tablet too."));
      g_signal_connect (page, "changed", G_CALLBACK (on_tablet_password_set), self);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_logged_out_for_renewal (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWidget) self = user_data;
  GtkWidget *stack;
  GtkWidget *login_page;

  if (!wc_login_session_logout_finish (WC_LOGIN_SESSION (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The login page is this page's sibling in the window's stack. */
  stack = gtk_widget_get_parent (self);
  login_page = GTK_IS_STACK (stack) ? gtk_stack_get_child_by_name (GTK_STACK (stack), "login") : NULL;
  if (!WC_IS_LOGIN_PAGE (login_page))
    return;
  wc_login_page_set_legacy (WC_LOGIN_PAGE (login_page), TRUE);
  wc_login_page_show_notice (WC_LOGIN_PAGE (login_page), "info",
                             _("Log in with the old login (merchant code and old password) to change the old password, which the tablet (iPad) login uses."));
}

static void
renew_tablet_password_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  WcSessionPage *self = WC_SESSION_PAGE (widget);
  WcPortalLogin *login = get_login (self);

  if (login == NULL)
    return;
  if (renewal_is_here (self))
    {
      if (self->tablet_dialog == NULL)
        show_legacy_password_change (self);
      return;
    }
  wc_login_session_logout_async (self->session, self->cancellable, on_logged_out_for_renewal, g_object_ref (self));
}

/* Checking the tablet login from here, the way the iPad logs in; the
 * session does it on a connection of its own, so this page's login stays
 * as it is. The refusals the tablet meets get the reminder box, with
 * their explanation and the way to the renewal. */

static void
explain_tablet_refusal (WcSessionPage *self,
                        const char    *text)
{
  gtk_label_set_text (self->tablet_label, text);
  gtk_widget_set_visible (self->tablet_box, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tablet_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
on_tablet_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  WcSessionPage *self;
  g_autofree char *text = NULL;
  const char *code;

  if (!wc_login_session_check_tablet_finish (WC_LOGIN_SESSION (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_SESSION_PAGE (user_data);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tablet_check_row), TRUE);
  if (error == NULL)
    {
      wc_ui_show_toast (GTK_WIDGET (self), _("The tablet (iPad) login works with this old password."));
      return;
    }
  code = error->domain == WC_PORTAL_ERROR ? wc_portal_error_get_code (error) : NULL;
  if (g_strcmp0 (code, WC_PORTAL_CODE_TABLET_PASSWORD_EXPIRED) == 0)
    {
      explain_tablet_refusal (self, renewal_is_here (self)
                              ? _("The tablet (iPad) login is refused with error T042000005: the old password is more than 90 days old. Set a new old password with “Change the Old Password”; the tablet then logs in with the new one.")
                              : _("The tablet (iPad) login is refused with error T042000005: the old password is more than 90 days old. Change it through the old login; the tablet then logs in with the new one."));
      return;
    }
  if (g_strcmp0 (code, WC_PORTAL_CODE_TABLET_PASSWORD_INITIAL) == 0)
    {
      explain_tablet_refusal (self, renewal_is_here (self)
                              ? _("The tablet (iPad) login is refused with error T042000006: the old password is still the first (or a reset) password, which must be changed before the tablet works. Set a new one with “Change the Old Password”; the tablet then logs in with the new one.")
                              : _("The tablet (iPad) login is refused with error T042000006: the old password is still the first (or a reset) password, which must be changed before the tablet works. Change it through the old login; the tablet then logs in with the new one."));
      return;
    }
  wc_ui_show_failure (GTK_WIDGET (self), error, wc_login_session_get_status (self->session));
}

static void
on_tablet_check_apply (WcSessionPage *self)
{
  WcPortalLogin *login = get_login (self);
  g_autoptr(WcSecret) password = NULL;

  if (login == NULL || login->user == NULL
      || *gtk_editable_get_text (GTK_EDITABLE (self->tablet_check_row)) == '\0')
    return;
  password = wc_secret_new_from_text (gtk_editable_get_text (GTK_EDITABLE (self->tablet_check_row)));
  gtk_editable_set_text (GTK_EDITABLE (self->tablet_check_row), "");
  wc_ui_set_sensitive (GTK_WIDGET (self->tablet_check_row), FALSE);
  wc_login_session_check_tablet_async (self->session, login->user->merchant_code, password,
                                       self->cancellable, on_tablet_checked, self);
}

/* GET /session: extra facts, shown quietly. */

static void
show_session_info (WcSessionPage             *self,
                   const WcPortalSessionInfo *info)
{
  g_autofree char *age = NULL;
  g_autofree char *legacy_text = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  WcOldPasswordState state = wc_login_session_get_old_password_state (self->session);

  age = info->password_changed_at != 0 ? describe_age (info->password_age_days) : NULL;
  adw_action_row_set_subtitle (self->password_row, age != NULL ? age : "");

  /* Only a merchant's main user has the old password. */
  gtk_widget_set_visible (GTK_WIDGET (self->legacy_row), state != WC_OLD_PASSWORD_UNKNOWN);
  gtk_widget_set_visible (GTK_WIDGET (self->tablet_check_row), state != WC_OLD_PASSWORD_UNKNOWN);

  switch (state)
    {
    case WC_OLD_PASSWORD_INITIAL:
      legacy_text = g_strdup (renewal_is_here (self)
                              ? _("Still the first password: the tablet (iPad) login refuses it until it is changed. Change it with “Change the Old Password”.")
                              : _("Still the first password: the tablet (iPad) login refuses it until it is changed through the old login."));
      break;
    case WC_OLD_PASSWORD_EXPIRED:
      legacy_text = g_strdup (renewal_is_here (self)
                              ? _("Expired: the tablet login fails with T042000005 until it is changed. Change it with “Change the Old Password”.")
                              : _("Expired: the tablet login fails with T042000005 until it is changed through the old login."));
      break;
    case WC_OLD_PASSWORD_CURRENT:
      since = wc_ui_format_time (wc_login_session_to_local (self->session, info->legacy_password_changed_at));
      until = wc_ui_format_time (wc_login_session_to_local (self->session, info->legacy_password_expires_at));
      /* Translators: two dates: when the old password was changed, and by when to renew it. */
      legacy_text = g_strdup_printf (renewal_is_here (self)
                                     ? _("Changed on %s. Renew it before %s, or the tablet login stops working.")
                                     : _("Changed on %s. Renew it through the old login before %s, or the tablet login stops working."),
                                     since, until);
      break;
    case WC_OLD_PASSWORD_UNKNOWN:
    default:
      return;
    }
  adw_action_row_set_subtitle (self->legacy_row, legacy_text);
}

static void
on_session_info_changed (WcLoginSession *session,
                         GParamSpec     *pspec,
                         WcSessionPage  *self)
{
  WcPortalSessionInfo *info = wc_login_session_get_session_info (session);

  if (info == NULL)
    return;
  show_session_info (self, info);
  update_tablet_care (self, info);
}

/* The login. */

/* A restricted login shows its one next action as the page's main
 * button; the window opens the switch to the new login for it. */
static void
update_next_action (WcSessionPage *self)
{
  WcPortalLogin *login = get_login (self);
  WcLoginNextAction next = self->session != NULL ? wc_login_session_get_next_action (self->session)
                                                 : WC_LOGIN_NEXT_NONE;
  const char *text = NULL;
  const char *button = NULL;

  switch (next)
    {
    case WC_LOGIN_NEXT_SET_UP_KEY:
      text = _("Set up your one-time password key next: the built-in authenticator receives it, and then you log in with the new login.");
      button = _("Set _Up the One-Time Password Key");
      break;
    case WC_LOGIN_NEXT_SWITCH:
      text = _("You are logged in with the old login. Switch to the new login next: it sets up the one-time password key in the built-in authenticator.");
      button = _("_Switch to the New Login");
      break;
    case WC_LOGIN_NEXT_CHANGE_PASSWORD:
    case WC_LOGIN_NEXT_NONE:
    default:
      if (login != NULL && login->restricted)
        text = login->method == WC_PORTAL_LOGIN_METHOD_NEW
               ? _("This session may only change the password and set up a one-time password key.")
               : _("This session may only change the password.");
      break;
    }
  gtk_label_set_text (self->restricted_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->restricted_label), text != NULL);
  /* Its accessible name follows without the access key (wc_ui_name_controls). */
  if (button != NULL)
    gtk_button_set_label (self->next_button, button);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), button != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "session.next", button != NULL && !self->busy);
}

static void set_busy (WcSessionPage *self, gboolean busy);

/* A child user's first login: the key goes into the built-in
 * authenticator and is activated here, then the session logs in again
 * with it (the main user has the switch for this). */
static void
own_key_failed (WcSessionPage *self,
                const GError  *error)
{
  g_autofree char *text = wc_ui_describe_error (error, wc_login_session_get_status (self->session));

  set_busy (self, FALSE);
  if (text != NULL)
    {
      gtk_label_set_text (self->restricted_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->restricted_label), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->restricted_label),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
    }
}

static void
on_own_relogin (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_login_session_login_finish (WC_LOGIN_SESSION (source), result, &error);
  WcSessionPage *self;

  if (login == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_SESSION_PAGE (user_data);
  if (login == NULL)
    {
      own_key_failed (self, error);
      return;
    }
  set_busy (self, FALSE);
  wc_ui_show_toast (GTK_WIDGET (self), _("Your key is set up. You are logged in with the new login."));
}

static void
on_own_key_activated (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  WcSessionPage *self;

  if (!wc_enrollment_activate_finish (WC_ENROLLMENT (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_SESSION_PAGE (user_data);
  if (error != NULL)
    {
      own_key_failed (self, error);
      return;
    }
  /* The session waits for a code the portal has not taken yet. */
  wc_login_session_relogin_async (self->session, self->cancellable, on_own_relogin, self);
}

static void
on_own_key_issued (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_enrollment_issue_finish (WC_ENROLLMENT (source), result, &error);
  WcSessionPage *self;

  if (token == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_SESSION_PAGE (user_data);
  if (token == NULL)
    {
      own_key_failed (self, error);
      return;
    }
  wc_enrollment_activate_async (self->enrollment, self->cancellable, on_own_key_activated, self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WcSessionPage *self = WC_SESSION_PAGE (widget);

  if (self->busy || self->session == NULL)
    return;
  if (wc_login_session_is_main_user (self->session))
    {
      gtk_widget_activate_action (widget, "win.switch-login", NULL);
      return;
    }
  g_clear_object (&self->enrollment);
  self->enrollment = wc_enrollment_new (self->session);
  set_busy (self, TRUE);
  wc_enrollment_issue_async (self->enrollment, self->cancellable, on_own_key_issued, self);
}

/* Account management is for a main user's full new login; for anyone
 * else the users page is absent (the portal would refuse it anyway). */
static void
update_users_page (WcSessionPage *self,
                   WcPortalLogin *login)
{
  gboolean manages = login != NULL && !login->restricted && login->method == WC_PORTAL_LOGIN_METHOD_NEW
                     && login->user != NULL && g_strcmp0 (login->user->role, "main") == 0;

  if (self->users_page != NULL && !manages)
    {
      gtk_box_remove (self->account_area, GTK_WIDGET (self->users_page));
      self->users_page = NULL;
    }
  if (self->users_page == NULL && manages)
    {
      self->users_page = wc_users_page_new ();
      gtk_box_prepend (self->account_area, GTK_WIDGET (self->users_page));
    }
  if (self->users_page != NULL)
    wc_users_page_set_session (self->users_page, self->session);
}

static void
update_actions (WcSessionPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "session.logout",
                                 !self->busy && get_login (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "session.next",
                                 !self->busy && gtk_widget_get_visible (GTK_WIDGET (self->next_button)));
}

static void
refresh (WcSessionPage *self)
{
  WcPortalLogin *login = get_login (self);
  const WcPortalUserInfo *user = login != NULL ? login->user : NULL;
  const char *name = NULL;
  gboolean new_login = login == NULL || login->method == WC_PORTAL_LOGIN_METHOD_NEW;

  /* A portal may give the code itself as the name. Initials of a code
   * mean nothing: the avatar then shows its default picture. */
  if (user != NULL && user->display_name != NULL && *user->display_name != '\0'
      && g_strcmp0 (user->display_name, user->merchant_code) != 0
      && g_strcmp0 (user->display_name, user->user_id) != 0)
    name = user->display_name;

  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_text (self->name_label,
                      name != NULL ? name : user != NULL ? user->merchant_code : "");
  gtk_label_set_text (self->summary_label, user != NULL ? describe_role (user->role) : "");
  gtk_label_set_text (self->merchant_label, user != NULL ? user->merchant_code : "");
  gtk_label_set_text (self->user_label, user != NULL ? user->user_id : "");
  gtk_label_set_text (self->role_label, user != NULL ? describe_role (user->role) : "");
  gtk_label_set_text (self->method_label, login != NULL ? describe_method (login->method) : "");
  /* The old login acts for the merchant: there is no user ID to show. */
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), new_login);

  update_next_action (self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                 new_login ? _("Password") : _("New-login password"));
  adw_action_row_set_subtitle (self->password_row, "");
  gtk_widget_set_visible (GTK_WIDGET (self->legacy_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->tablet_check_row), FALSE);

  update_users_page (self, login);
  update_countdown (self);
  update_actions (self);
}

static void
on_login_changed (WcLoginSession *session,
                  GParamSpec     *pspec,
                  WcSessionPage  *self)
{
  refresh (self);
  if (get_login (self) == NULL)
    check_tablet_reminder (self);
}

/* Logging out. */

static void
set_busy (WcSessionPage *self,
          gboolean       busy)
{
  self->busy = busy;
  wc_ui_set_spinning (self->spinner, busy);
  update_actions (self);
}

static void
on_logged_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WcLoginSession *session = WC_LOGIN_SESSION (source);
  WcSessionPage *self;
  g_autoptr(GError) error = NULL;

  if (!wc_login_session_logout_finish (session, result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = WC_SESSION_PAGE (user_data);
  set_busy (self, FALSE);
  /* The session ends here either way; the window moves on by itself. */
  wc_ui_show_failure (GTK_WIDGET (self), error, wc_login_session_get_status (session));
}

static void
logout_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcSessionPage *self = WC_SESSION_PAGE (widget);

  if (self->busy || get_login (self) == NULL)
    return;
  set_busy (self, TRUE);
  wc_login_session_logout_async (self->session, self->cancellable, on_logged_out, self);
}

/* The object. */

static void
wc_session_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (wc_session_page_parent_class)->map (widget);
  start_ticking (WC_SESSION_PAGE (widget));
}

static void
wc_session_page_unmap (GtkWidget *widget)
{
  stop_ticking (WC_SESSION_PAGE (widget));
  GTK_WIDGET_CLASS (wc_session_page_parent_class)->unmap (widget);
}

static void
wc_session_page_dispose (GObject *object)
{
  WcSessionPage *self = WC_SESSION_PAGE (object);

  stop_ticking (self);
  g_clear_handle_id (&self->tablet_check_id, g_source_remove);
  if (self->tablet_dialog != NULL)
    gtk_window_destroy (self->tablet_dialog);
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_SESSION_PAGE);
  G_OBJECT_CLASS (wc_session_page_parent_class)->dispose (object);
}

static void
wc_session_page_finalize (GObject *object)
{
  WcSessionPage *self = WC_SESSION_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->tablet_care);
  g_clear_object (&self->enrollment);
  G_OBJECT_CLASS (wc_session_page_parent_class)->finalize (object);
}

static void
wc_session_page_class_init (WcSessionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_session_page_dispose;
  object_class->finalize = wc_session_page_finalize;
  widget_class->map = wc_session_page_map;
  widget_class->unmap = wc_session_page_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-session-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, restricted_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, merchant_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, user_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, role_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, method_label);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, idle_row);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, legacy_row);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, tablet_check_row);
  gtk_widget_class_bind_template_callback (widget_class, on_tablet_check_apply);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, account_area);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, spinner);

  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, tablet_box);
  gtk_widget_class_bind_template_child (widget_class, WcSessionPage, tablet_label);
  gtk_widget_class_install_action (widget_class, "session.logout", NULL, logout_action);
  gtk_widget_class_install_action (widget_class, "session.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "session.renew-tablet-password", NULL, renew_tablet_password_action);
}

static void
wc_session_page_init (WcSessionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  refresh (self);
}

WcSessionPage *
wc_session_page_new (void)
{
  return g_object_new (WC_TYPE_SESSION_PAGE, NULL);
}

void
wc_session_page_set_session (WcSessionPage  *self,
                             WcLoginSession *session)
{
  g_return_if_fail (WC_IS_SESSION_PAGE (self));
  g_return_if_fail (session == NULL || WC_IS_LOGIN_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect (session, "notify::login", G_CALLBACK (on_login_changed), self);
      g_signal_connect (session, "notify::session-info", G_CALLBACK (on_session_info_changed), self);
    }
  /* A logout of the previous session is no longer this page's business. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_busy (self, FALSE);
    }
  refresh (self);
  if (session != NULL && wc_login_session_get_session_info (session) != NULL)
    on_session_info_changed (session, NULL, self);
}

GtkBox *
wc_session_page_get_account_area (WcSessionPage *self)
{
  g_return_val_if_fail (WC_IS_SESSION_PAGE (self), NULL);
  return self->account_area;
}
