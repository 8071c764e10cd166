/* wc-login-page.c: the new login, the old login for this run only, and
 * what the portal says about itself (maintenance, the old login's end).
 *
 * Passwords go from the entry straight into a WcSecret and the entry is
 * cleared after a login. A login refused for maintenance is sent again
 * by itself when the maintenance ends, as long as the form is unchanged. */
#include "wc-login-page.h"
#include "wc-error.h"
#include "wc-migration-wizard.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _WcLoginPage
{
  AdwBin parent_instance;

  WcSettings *settings;
  WcLoginSession *session;
  GCancellable *cancellable;     /* the session's calls; renewed per session */
  WcSecret *demo_password;
  WcDemoPortal *demo;
  gboolean legacy;
  guint status_loading;
  gboolean logging_in;
  gboolean status_failed;       /* the notice says the status could not be had */
  gboolean status_waiting;      /* a status asked for has not come yet */
  guint key_check_source;       /* the merchant code changed: look for its key */
  guint retry_source;

  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *maintenance_label;
  GtkLabel *notice_label;
  AdwPreferencesGroup *demo_group;
  AdwActionRow *demo_merchant_row;
  AdwActionRow *demo_password_row;
  GtkStack *form_stack;
  AdwEntryRow *merchant_row;
  AdwEntryRow *user_row;
  AdwEntryRow *password_row;
  AdwEntryRow *otp_row;
  GtkSwitch *remember_switch;
  AdwEntryRow *legacy_merchant_row;
  AdwEntryRow *legacy_password_row;
  GtkSwitch *legacy_remember_switch;
  GtkWidget *login_button;
  GtkSpinner *spinner;
  GtkWidget *new_links;
  GtkWidget *legacy_link;
  GtkLabel *legacy_note_label;
  GtkWidget *legacy_links;
  GtkButton *migrate_link;
  GtkWidget *demo_mail_button;
};

G_DEFINE_FINAL_TYPE (WcLoginPage, wc_login_page, ADW_TYPE_BIN)

static void refresh_status (WcLoginPage *self);
static void lookup_remembered_password (WcLoginPage *self);
static void update_demo_card (WcLoginPage *self);

static gboolean
is_japanese (void)
{
  const char * const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "ja");
}

/* Portal time to local time, for timers and display. */
static gint64
to_local_seconds (WcLoginPage *self,
                  gint64       portal_time)
{
  return wc_login_session_to_local (self->session, portal_time);
}

void
wc_login_page_show_notice (WcLoginPage *self,
                           const char  *style,
                           const char  *text)
{
  g_return_if_fail (WC_IS_LOGIN_PAGE (self));

  wc_ui_show_notice (self->notice_label, style != NULL ? style : "info", text);
}

static void
update_busy (WcLoginPage *self)
{
  gboolean busy = self->logging_in;

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.reset-password", !busy && self->session != NULL);
}

gboolean
wc_login_page_is_busy (WcLoginPage *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_PAGE (self), FALSE);
  return self->logging_in || self->status_loading > 0 || self->status_waiting;
}

static void
mark_field (WcLoginPage *self,
            const char  *field)
{
  AdwEntryRow *rows[] = { self->merchant_row, self->user_row, self->password_row, self->otp_row,
                          self->legacy_merchant_row, self->legacy_password_row };
  AdwEntryRow *target = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
  if (field == NULL)
    return;

  if (g_str_equal (field, "merchant_code"))
    target = self->legacy ? self->legacy_merchant_row : self->merchant_row;
  else if (g_str_equal (field, "user_id"))
    target = self->user_row;
  else if (g_str_equal (field, "password"))
    target = self->legacy ? self->legacy_password_row : self->password_row;
  else if (g_str_equal (field, "otp"))
    target = self->otp_row;
  if (target != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (target), "error");
      gtk_widget_grab_focus (GTK_WIDGET (target));
    }
}

static void schedule_switch_check (WcLoginPage *self);

static void
on_row_changed (GtkEditable *row,
                WcLoginPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (row == GTK_EDITABLE (self->merchant_row))
    schedule_switch_check (self);
  /* A changed form is no longer the one a maintenance retry would send. */
  g_clear_handle_id (&self->retry_source, g_source_remove);
}

static void
on_entry_activated (WcLoginPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.submit", NULL);
}

/* What /status says. */

static void
show_status (WcLoginPage *self)
{
  WcPortalStatus *status = self->session != NULL ? wc_login_session_get_status (self->session) : NULL;
  g_autoptr(GString) windows = g_string_new (NULL);
  gint64 now;

  if (status == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->maintenance_label), FALSE);
      return;
    }

  now = status->time;
  if (status->maintenance_active)
    {
      g_autofree char *until = wc_ui_format_time (to_local_seconds (self, status->maintenance_ends_at));
      const char *message = NULL;

      /* The portal's own word on the window under way, when it has one. */
      for (guint i = 0; status->windows != NULL && i < status->windows->len; i++)
        {
          WcPortalMaintenanceWindow *window = g_ptr_array_index (status->windows, i);

          if (window->starts_at <= now && now < window->ends_at)
            message = is_japanese () && window->message_ja != NULL ? window->message_ja : window->message;
        }
      g_string_append_printf (windows, _("The portal is under maintenance until %s. Logging in is possible again after that."), until);
      if (message != NULL && *message != '\0')
        g_string_append_printf (windows, "\n%s", message);
    }
  for (guint i = 0; status->windows != NULL && i < status->windows->len; i++)
    {
      WcPortalMaintenanceWindow *window = g_ptr_array_index (status->windows, i);
      g_autofree char *range = NULL;
      const char *message;

      if (window->ends_at <= now || (status->maintenance_active && window->starts_at <= now))
        continue;
      range = wc_ui_format_time_range (to_local_seconds (self, window->starts_at),
                                       to_local_seconds (self, window->ends_at));
      message = is_japanese () && window->message_ja != NULL ? window->message_ja : window->message;
      if (windows->len > 0)
        g_string_append_c (windows, '\n');
      /* Translators: a maintenance window ahead, e.g. "11/15 04:00–04:40 maintenance". */
      g_string_append_printf (windows, _("%s maintenance"), range);
      if (message != NULL && *message != '\0')
        g_string_append_printf (windows, ": %s", message);
    }
  gtk_label_set_text (self->maintenance_label, windows->str);
  gtk_widget_set_visible (GTK_WIDGET (self->maintenance_label), windows->len > 0);

  /* The old login: a link while it is open, an explanation once closed. */
  if (!status->old_login_available)
    {
      g_autofree char *closed = status->old_login_closes_at > 0
                                ? wc_ui_format_time (to_local_seconds (self, status->old_login_closes_at)) : NULL;
      g_autofree char *text = closed != NULL
        ? g_strdup_printf (_("The old login (merchant code and password only) closed on %s. Log in with the new login; “How to log in” shows how to prepare it."), closed)
        : g_strdup (_("The old login (merchant code and password only) is closed. Log in with the new login; “How to log in” shows how to prepare it."));

      gtk_widget_set_visible (self->legacy_link, FALSE);
      gtk_label_set_text (self->legacy_note_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->legacy_note_label), TRUE);
      if (self->legacy)
        wc_login_page_set_legacy (self, FALSE);
    }
  else
    {
      gtk_widget_set_visible (self->legacy_link, TRUE);
      if (status->old_login_closes_at > 0)
        {
          g_autofree char *closes = wc_ui_format_time (to_local_seconds (self, status->old_login_closes_at));
          g_autofree char *text = g_strdup_printf (_("The old login closes on %s."), closes);

          gtk_label_set_text (self->legacy_note_label, text);
          gtk_widget_set_visible (GTK_WIDGET (self->legacy_note_label), TRUE);
        }
      else
        gtk_widget_set_visible (GTK_WIDGET (self->legacy_note_label), FALSE);
    }
}

/* The session keeps the status current; the page follows it. A notice
 * about the status not being had goes once the status is back. */
static void
on_status_changed (WcLoginSession *session,
                   GParamSpec     *pspec,
                   WcLoginPage    *self)
{
  self->status_waiting = FALSE;
  if (self->status_failed)
    {
      self->status_failed = FALSE;
      wc_login_page_show_notice (self, NULL, NULL);
    }
  show_status (self);
}

static void
on_status_failed (WcLoginSession *session,
                  GError         *error,
                  WcLoginPage    *self)
{
  g_autofree char *text = wc_ui_describe_error (error, NULL);

  self->status_waiting = FALSE;
  /* A notice of the page's own (a refused login, say) stays. */
  if (text == NULL || (gtk_widget_get_visible (GTK_WIDGET (self->notice_label)) && !self->status_failed))
    return;
  self->status_failed = TRUE;
  wc_login_page_show_notice (self, "error", text);
}

static void
refresh_status (WcLoginPage *self)
{
  if (self->session == NULL)
    return;
  self->status_waiting = TRUE;
  wc_login_session_refresh_status (self->session);
}

/* Remembered passwords fill the form. */

static void
on_password_found (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcLoginPage *self = g_task_get_source_object (task);
  AdwEntryRow *row = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) password =
    wc_login_session_lookup_password_finish (WC_LOGIN_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->status_loading--;
  /* A keyring that cannot be read only means typing the password. */
  if (password != NULL && *gtk_editable_get_text (GTK_EDITABLE (row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (row), wc_secret_get_text (password));
}

static void
lookup_remembered_password (WcLoginPage *self)
{
  const char *merchant;
  const char *user;
  GTask *task;

  if (self->session == NULL || self->settings == NULL
      || !wc_settings_get_remember_password (self->settings))
    return;

  merchant = gtk_editable_get_text (GTK_EDITABLE (self->legacy ? self->legacy_merchant_row : self->merchant_row));
  user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  if (*merchant == '\0' || (!self->legacy && *user == '\0'))
    return;

  /* The task only carries the row to fill to the callback. */
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_task_data (task, g_object_ref (self->legacy ? self->legacy_password_row : self->password_row),
                        g_object_unref);
  self->status_loading++;
  wc_login_session_lookup_password_async (self->session,
                                          self->legacy ? WC_CREDENTIAL_KIND_LEGACY : WC_CREDENTIAL_KIND_NEW,
                                          merchant, user, self->cancellable, on_password_found, task);
}

/* Logging in. */

static void clear_passwords (WcLoginPage *self);

static gboolean
retry_login (gpointer user_data)
{
  WcLoginPage *self = user_data;

  self->retry_source = 0;
  refresh_status (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "login.submit", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WcLoginPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_login_session_login_finish (WC_LOGIN_SESSION (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->logging_in = FALSE;
  update_busy (self);

  if (login != NULL)
    {
      wc_login_page_show_notice (self, NULL, NULL);
      mark_field (self, NULL);
      clear_passwords (self);
      /* The merchant still logs in the old way and has no key: that is
       * what the switch to the new login is for. */
      if (login->method == WC_PORTAL_LOGIN_METHOD_LEGACY && !login->otp_enrolled && !login->restricted)
        gtk_widget_activate_action (GTK_WIDGET (self), "login.migrate", NULL);
      return;
    }

  /* A code that was sent is never sent again: the field only ever holds
   * a code typed for the next try. */
  if (!self->legacy)
    gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
  text = wc_ui_describe_error (error, wc_login_session_get_status (self->session));
  if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_MAINTENANCE))
    {
      gint64 wait = wc_portal_error_get_retry_after (error);

      if (wait <= 0 && wc_portal_error_get_ends_at (error) > 0)
        wait = wc_portal_error_get_ends_at (error) - wc_login_session_now (self->session);
      wait = CLAMP (wait, 1, 24 * 60 * 60);
      /* The maintenance banner, from the status the session asks for
       * again, says it once, with the portal's own message. */
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->retry_source = g_timeout_add_seconds ((guint) wait + 1, retry_login, self);
      return;
    }
  wc_login_page_show_notice (self, g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_LOCKED)
                                   ? "warning" : "error", text);
  if (error->domain == WC_PORTAL_ERROR)
    mark_field (self, wc_portal_error_get_field (error));
}

static gboolean
require (WcLoginPage *self,
         AdwEntryRow *row,
         const char  *field,
         const char  *message)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (row)) != '\0')
    return TRUE;
  mark_field (self, field);
  wc_login_page_show_notice (self, "error", message);
  return FALSE;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcLoginPage *self = WC_LOGIN_PAGE (widget);
  g_autoptr(WcSecret) password = NULL;
  g_autofree char *merchant = NULL;
  g_autofree char *user = NULL;     /* NULL for the old login */
  gboolean remember;

  if (self->session == NULL || self->logging_in)
    return;
  g_clear_handle_id (&self->retry_source, g_source_remove);

  if (self->legacy)
    {
      if (!require (self, self->legacy_merchant_row, "merchant_code", _("Enter the merchant code."))
          || !require (self, self->legacy_password_row, "password", _("Enter the old password.")))
        return;
      merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->legacy_merchant_row))));
      password = wc_secret_new_from_text (gtk_editable_get_text (GTK_EDITABLE (self->legacy_password_row)));
      remember = gtk_switch_get_active (self->legacy_remember_switch);
      wc_login_session_legacy_login_async (self->session, merchant, password,
                                           remember ? WC_LOGIN_REMEMBER_SAVE : WC_LOGIN_REMEMBER_FORGET,
                                           self->cancellable, on_logged_in, self);
    }
  else
    {
      if (!require (self, self->merchant_row, "merchant_code", _("Enter the merchant code."))
          || !require (self, self->user_row, "user_id", _("Enter the user ID. For the main user it is the merchant code."))
          || !require (self, self->password_row, "password", _("Enter the password.")))
        return;
      merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->merchant_row))));
      user = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
      password = wc_secret_new_from_text (gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      remember = gtk_switch_get_active (self->remember_switch);
      wc_login_session_login_async (self->session, merchant, user, password,
                                    gtk_editable_get_text (GTK_EDITABLE (self->otp_row)),
                                    remember ? WC_LOGIN_REMEMBER_SAVE : WC_LOGIN_REMEMBER_FORGET,
                                    self->cancellable, on_logged_in, self);
    }

  self->logging_in = TRUE;
  update_busy (self);
  wc_login_page_show_notice (self, NULL, NULL);
}

static void
clear_passwords (WcLoginPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->legacy_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
}

/* The old login, and its password reset. */

void
wc_login_page_set_legacy (WcLoginPage *self,
                          gboolean     legacy)
{
  g_return_if_fail (WC_IS_LOGIN_PAGE (self));

  self->legacy = legacy;
  gtk_stack_set_visible_child_name (self->form_stack, legacy ? "legacy" : "new");
  gtk_label_set_text (self->title_label, legacy ? _("Old Login") : _("Log In"));
  gtk_label_set_text (self->subtitle_label,
                      legacy ? _("Merchant code and old password, as before the new login.")
                             : _("Merchant code, user ID, password and a one-time password."));
  gtk_widget_set_visible (self->new_links, !legacy);
  gtk_widget_set_visible (self->legacy_links, legacy);
  mark_field (self, NULL);
  wc_login_page_show_notice (self, NULL, NULL);
  if (legacy && *gtk_editable_get_text (GTK_EDITABLE (self->legacy_merchant_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->legacy_merchant_row),
                           gtk_editable_get_text (GTK_EDITABLE (self->merchant_row)));
  lookup_remembered_password (self);
}

gboolean
wc_login_page_get_legacy (WcLoginPage *self)
{
  g_return_val_if_fail (WC_IS_LOGIN_PAGE (self), FALSE);
  return self->legacy;
}

static void
show_legacy_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  wc_login_page_set_legacy (WC_LOGIN_PAGE (widget), TRUE);
}

static void
show_new_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  wc_login_page_set_legacy (WC_LOGIN_PAGE (widget), FALSE);
}

static void
on_reset_requested (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WcLoginPage *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_login_session_reset_old_password_finish (WC_LOGIN_SESSION (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->logging_in = FALSE;
  update_busy (self);
  if (error != NULL)
    {
      g_autofree char *text = wc_ui_describe_error (error, wc_login_session_get_status (self->session));

      wc_login_page_show_notice (self, "error", text);
      return;
    }
  wc_login_page_show_notice (self, "info",
                             self->demo != NULL
                             ? _("The password reset has started. The demo portal sends no mail: open its message below. Log in here with the temporary password; you will then choose a new old password right away.")
                             : _("The password reset has started. If the merchant code is registered, a temporary password is sent to the merchant's registered contact. Log in here with it; you will then choose a new old password right away. The temporary password works only until you change it."));
  gtk_widget_set_visible (self->demo_mail_button, self->demo != NULL);
}

static void
on_reset_confirmed (AdwMessageDialog *dialog,
                    const char       *response,
                    WcLoginPage      *self)
{
  const char *merchant = g_object_get_data (G_OBJECT (dialog), "merchant-code");

  if (g_strcmp0 (response, "reset") != 0 || self->session == NULL || self->logging_in)
    return;
  self->logging_in = TRUE;
  update_busy (self);
  wc_login_session_reset_old_password_async (self->session, merchant, self->cancellable,
                                             on_reset_requested, self);
}

/* "Forgot your password?" asks first, and says where the temporary
 * password goes. */
static void
reset_password_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  WcLoginPage *self = WC_LOGIN_PAGE (widget);
  g_autofree char *merchant = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->session == NULL || self->logging_in)
    return;
  if (!require (self, self->legacy_merchant_row, "merchant_code",
                _("Enter the merchant code whose old password you forgot, then choose “Forgot your password?” again.")))
    return;
  merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->legacy_merchant_row))));
  /* Translators: %s is a merchant code. */
  body = g_strdup_printf (_("A temporary password for merchant code %s is sent to the merchant's registered contact. It works for 24 hours. Your current old password keeps working until the temporary one is used."),
                          merchant);
  if (self->demo != NULL)
    {
      g_autofree char *plain = g_steal_pointer (&body);

      body = g_strconcat (plain, "\n\n",
                          _("This is the demo portal: it sends no mail. Its message waits in the portal's outbox, and this app shows it to you."),
                          NULL);
    }
  /* Nothing is lost by a reset: the current password keeps working. */
  dialog = wc_ui_question_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                               _("Reset the Old Password?"), body,
                               "cancel", _("_Cancel"), "reset", _("_Send a Temporary Password"),
                               ADW_RESPONSE_SUGGESTED, TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "merchant-code", g_steal_pointer (&merchant), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reset_confirmed), self, 0);
  wc_ui_present_question (dialog);
}

static void
on_demo_mail_response (AdwMessageDialog *dialog,
                       const char       *response,
                       WcLoginPage      *self)
{
  WcSecret *password = g_object_get_data (G_OBJECT (dialog), "password");

  if (g_strcmp0 (response, "use") != 0 || password == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->legacy_password_row), wc_secret_get_text (password));
  gtk_widget_grab_focus (self->login_button);
}

/* The demo portal's "mail" with the temporary password, as the merchant's
 * registered contact would get it. */
static void
show_demo_mail_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  WcLoginPage *self = WC_LOGIN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) password = NULL;
  g_autofree char *merchant = NULL;
  g_autofree char *body = NULL;
  g_autofree char *until = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *label;
  gint64 expires_at = 0;

  if (self->demo == NULL)
    return;
  merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->legacy_merchant_row))));
  password = wc_demo_portal_read_reset_mail (self->demo, merchant, &expires_at, &error);
  if (password == NULL)
    {
      wc_login_page_show_notice (self, "error", error->message);
      return;
    }
  until = wc_ui_format_time (expires_at);
  /* Translators: a merchant code, then a date and time. */
  body = g_strdup_printf (_("To the registered contact of merchant %s: your temporary old password is below. It works once, until %s."),
                          merchant, until);
  dialog = wc_ui_question_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                               _("Mail from the Demo Portal"), body,
                               "close", _("_Close"), "use", _("_Fill It In"), ADW_RESPONSE_SUGGESTED, TRUE);
  label = gtk_label_new (wc_secret_get_text (password));
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Temporary password"), -1);
  adw_message_dialog_set_extra_child (dialog, label);
  g_object_set_data_full (G_OBJECT (dialog), "password", g_steal_pointer (&password),
                          (GDestroyNotify) wc_secret_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_demo_mail_response), self, 0);
  wc_ui_present_question (dialog);
}

/* The switch to the new login. */

static void
update_migrate_link (WcLoginPage *self)
{
  guint step = self->settings != NULL ? wc_settings_get_migration_step (self->settings) : 0;
  g_autofree char *label = NULL;

  if (step == 0)
    {
      gtk_button_set_label (self->migrate_link, _("Switch to the new login"));
      schedule_switch_check (self);
      return;
    }
  /* Translators: "step 2 of 4". */
  label = g_strdup_printf (_("Resume switching to the new login (step %u of %u)"), step, WC_MIGRATION_WIZARD_STEPS);
  gtk_button_set_label (self->migrate_link, label);
  schedule_switch_check (self);
}

/* Once the built-in authenticator holds the main user's active key, the
 * switch is done and no longer offered; the users page re-issues keys. */
static void
on_key_checked (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean has_key = wc_login_session_has_key_finish (WC_LOGIN_SESSION (source), result, &error);
  WcLoginPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_LOGIN_PAGE (user_data);
  /* A keyring that cannot be read leaves the offer as it is. */
  if (error == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->migrate_link),
                            !has_key || (self->settings != NULL && wc_settings_get_migration_step (self->settings) > 0));
}

static gboolean
check_switch_done (gpointer user_data)
{
  WcLoginPage *self = user_data;
  g_autofree char *merchant = NULL;

  self->key_check_source = 0;
  if (self->session == NULL)
    return G_SOURCE_REMOVE;
  merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->merchant_row))));
  if (*merchant == '\0')
    {
      gtk_widget_set_visible (GTK_WIDGET (self->migrate_link), TRUE);
      return G_SOURCE_REMOVE;
    }
  wc_login_session_has_key_async (self->session, merchant, merchant, self->cancellable, on_key_checked, self);
  return G_SOURCE_REMOVE;
}

static void
schedule_switch_check (WcLoginPage *self)
{
  g_clear_handle_id (&self->key_check_source, g_source_remove);
  self->key_check_source = g_timeout_add (300, check_switch_done, self);
}

static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcLoginPage *self = WC_LOGIN_PAGE (widget);
  WcPortalLogin *login;
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *merchant = NULL;
  WcMigrationWizard *wizard;

  if (self->session == NULL || self->settings == NULL)
    return;
  login = wc_login_session_get_login (self->session);
  if (login != NULL && login->user != NULL)
    merchant = g_strdup (login->user->merchant_code);
  else if (wc_settings_get_migration_step (self->settings) == 0)
    merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->legacy ? self->legacy_merchant_row
                                                                                          : self->merchant_row))));
  wizard = wc_migration_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                    self->session, self->settings, merchant);
  gtk_window_present (GTK_WINDOW (wizard));
}

/* Setup. */

void
wc_login_page_set_settings (WcLoginPage *self,
                            WcSettings  *settings)
{
  g_autofree char *merchant = NULL;
  g_autofree char *user = NULL;

  g_return_if_fail (WC_IS_LOGIN_PAGE (self));
  g_return_if_fail (WC_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  wc_settings_bind (settings, "remember-password", self->remember_switch, "active");
  wc_settings_bind (settings, "remember-password", self->legacy_remember_switch, "active");
  merchant = wc_settings_dup_last_merchant_code (settings);
  user = wc_settings_dup_last_user_id (settings);
  gtk_editable_set_text (GTK_EDITABLE (self->merchant_row), merchant);
  gtk_editable_set_text (GTK_EDITABLE (self->legacy_merchant_row), merchant);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  g_signal_connect_object (wc_settings_get_gsettings (settings), "changed::migration-step",
                           G_CALLBACK (update_migrate_link), self, G_CONNECT_SWAPPED);
  update_migrate_link (self);
}

void
wc_login_page_set_session (WcLoginPage    *self,
                           WcLoginSession *session)
{
  g_return_if_fail (WC_IS_LOGIN_PAGE (self));

  if (session == self->session)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->status_loading = 0;
  self->status_waiting = FALSE;
  self->status_failed = FALSE;
  self->logging_in = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  wc_login_page_show_notice (self, NULL, NULL);
  update_busy (self);
  if (session == NULL)
    return;

  g_signal_connect (session, "notify::status", G_CALLBACK (on_status_changed), self);
  g_signal_connect_swapped (session, "notify::login", G_CALLBACK (schedule_switch_check), self);
  g_signal_connect_swapped (session, "notify::login", G_CALLBACK (update_demo_card), self);
  g_signal_connect (session, "status-failed", G_CALLBACK (on_status_failed), self);
  /* Each start shows the new login again: the old one is per run. */
  wc_login_page_set_legacy (self, FALSE);
  show_status (self);
  refresh_status (self);
  schedule_switch_check (self);
}

static void
on_demo_password_saved (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wc_credential_store_save_finish (WC_CREDENTIAL_STORE (source), result, &error))
    g_debug ("The demo password was not remembered: %s", error->message);
}

/* The demo card tells what the demo merchant's password is now: once the
 * main user has chosen a new one, the initial one no longer opens the
 * new login. */
static void
update_demo_card (WcLoginPage *self)
{
  WcPortalLogin *login = self->session != NULL ? wc_login_session_get_login (self->session) : NULL;

  if (self->demo_password == NULL || login == NULL || login->user == NULL
      || login->method != WC_PORTAL_LOGIN_METHOD_NEW || login->must_change_password
      || !wc_login_session_is_main_user (self->session))
    return;
  g_clear_pointer (&self->demo_password, wc_secret_unref);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->demo_password_row), _("Password"));
  adw_action_row_set_subtitle (self->demo_password_row,
                               _("The password you chose. The old login has a password of its own."));
}

void
wc_login_page_set_demo (WcLoginPage  *self,
                        WcDemoPortal *demo)
{
  g_autoptr(WcSecret) initial_password = NULL;
  const char *merchant_code;

  g_return_if_fail (WC_IS_LOGIN_PAGE (self));
  g_return_if_fail (demo == NULL || WC_IS_DEMO_PORTAL (demo));

  g_set_object (&self->demo, demo);
  g_clear_pointer (&self->demo_password, wc_secret_unref);
  gtk_widget_set_visible (self->demo_mail_button, FALSE);
  merchant_code = demo != NULL ? wc_demo_portal_get_merchant_code (demo) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->demo_group), merchant_code != NULL);
  if (merchant_code == NULL)
    return;
  initial_password = wc_demo_portal_dup_initial_password (demo);

  adw_action_row_set_subtitle (self->demo_merchant_row, merchant_code);
  gtk_editable_set_text (GTK_EDITABLE (self->merchant_row), merchant_code);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), merchant_code);
  gtk_editable_set_text (GTK_EDITABLE (self->legacy_merchant_row), merchant_code);

  if (initial_password == NULL)
    {
      adw_action_row_set_subtitle (self->demo_password_row,
                                   _("The password you chose. If you ticked “Remember”, the keyring fills it in."));
      lookup_remembered_password (self);
      return;
    }

  /* A demo's first password is shown, and kept in the keyring like any
   * remembered password, because the demo portal prints it only once. */
  self->demo_password = wc_secret_ref (initial_password);
  adw_action_row_set_subtitle (self->demo_password_row, wc_secret_get_text (initial_password));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), wc_secret_get_text (initial_password));
  gtk_editable_set_text (GTK_EDITABLE (self->legacy_password_row), wc_secret_get_text (initial_password));
  if (self->settings != NULL)
    wc_settings_set_remember_password (self->settings, TRUE);
  if (self->session != NULL)
    {
      WcCredentialStore *credentials = wc_login_session_get_credential_store (self->session);
      const char *portal = wc_login_session_get_portal_id (self->session);

      wc_credential_store_save_async (credentials, portal, WC_CREDENTIAL_KIND_NEW, merchant_code, merchant_code,
                                      initial_password, NULL, on_demo_password_saved, NULL);
      wc_credential_store_save_async (credentials, portal, WC_CREDENTIAL_KIND_LEGACY, merchant_code, NULL,
                                      initial_password, NULL, on_demo_password_saved, NULL);
    }
}

static void
on_map (WcLoginPage *self)
{
  /* Fill the remembered password when the page is first shown, not
   * before: the first frame never waits for the keyring. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->legacy ? self->legacy_password_row : self->password_row)) == '\0')
    lookup_remembered_password (self);
}

static void
wc_login_page_dispose (GObject *object)
{
  WcLoginPage *self = WC_LOGIN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->key_check_source, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_LOGIN_PAGE);
  G_OBJECT_CLASS (wc_login_page_parent_class)->dispose (object);
}

static void
wc_login_page_finalize (GObject *object)
{
  WcLoginPage *self = WC_LOGIN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->demo_password, wc_secret_unref);
  g_clear_object (&self->demo);
  G_OBJECT_CLASS (wc_login_page_parent_class)->finalize (object);
}

/* Given the focus (the page came into view), the page puts it on the
 * first field still to fill in, or on Log In when all are filled. */
static gboolean
wc_login_page_grab_focus (GtkWidget *widget)
{
  WcLoginPage *self = WC_LOGIN_PAGE (widget);
  AdwEntryRow *new_rows[] = { self->merchant_row, self->user_row, self->password_row, NULL };
  AdwEntryRow *legacy_rows[] = { self->legacy_merchant_row, self->legacy_password_row, NULL };

  for (AdwEntryRow **row = self->legacy ? legacy_rows : new_rows; *row != NULL; row++)
    if (*gtk_editable_get_text (GTK_EDITABLE (*row)) == '\0')
      return gtk_widget_grab_focus (GTK_WIDGET (*row));
  return gtk_widget_grab_focus (self->login_button);
}

static void
wc_login_page_class_init (WcLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_login_page_dispose;
  object_class->finalize = wc_login_page_finalize;
  widget_class->grab_focus = wc_login_page_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, maintenance_label);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, demo_group);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, demo_merchant_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, demo_password_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, form_stack);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, merchant_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, otp_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_merchant_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_password_row);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_remember_switch);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, login_button);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, demo_mail_button);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, new_links);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_link);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_note_label);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, legacy_links);
  gtk_widget_class_bind_template_child (widget_class, WcLoginPage, migrate_link);
  gtk_widget_class_bind_template_callback (widget_class, on_row_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "login.show-legacy", NULL, show_legacy_action);
  gtk_widget_class_install_action (widget_class, "login.show-new", NULL, show_new_action);
  gtk_widget_class_install_action (widget_class, "login.reset-password", NULL, reset_password_action);
  gtk_widget_class_install_action (widget_class, "login.show-demo-mail", NULL, show_demo_mail_action);
  gtk_widget_class_install_action (widget_class, "login.migrate", NULL, migrate_action);
}

static void
wc_login_page_init (WcLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  wc_login_page_set_legacy (self, FALSE);
  update_busy (self);
}
