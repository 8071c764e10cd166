/* wc-password-page.c: the forced password change; see the header.
 *
 * The typed passwords go from the entries straight into WcSecret
 * buffers; the copies the live checks make (normalized, case-folded) are
 * wiped as soon as they have been looked at. Nothing here logs them. */
#include "wc-password-page.h"
#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-ui-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _WcPasswordPage
{
  AdwBin parent_instance;

  WcLoginSession *session;
  GCancellable *cancellable;
  gboolean busy;
  gboolean tablet;              /* the old (tablet) password, from a new login */
  WcPasswordRules rules;

  /* Template children. */
  GtkLabel *title_label;
  GtkLabel *reason_label;
  GtkLabel *error_label;
  AdwPreferencesGroup *account_group;
  GtkLabel *merchant_label;
  AdwActionRow *user_row;
  GtkLabel *user_label;
  AdwPreferencesGroup *password_group;
  AdwPasswordEntryRow *current_entry;
  AdwPasswordEntryRow *new_entry;
  AdwPasswordEntryRow *repeat_entry;
  AdwActionRow *length_row;
  GtkImage *length_icon;
  AdwActionRow *max_length_row;
  GtkImage *max_length_icon;
  AdwActionRow *classes_row;
  GtkImage *classes_icon;
  AdwActionRow *user_id_row;
  GtkImage *user_id_icon;
  AdwActionRow *current_row;
  GtkImage *current_icon;
  AdwActionRow *match_row;
  GtkImage *match_icon;
  AdwActionRow *history_row;
  GtkImage *history_icon;
  GtkSpinner *spinner;
  GtkWidget *logout_button;
};

G_DEFINE_FINAL_TYPE (WcPasswordPage, wc_password_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void on_status_changed (WcLoginSession *session, GParamSpec *pspec, WcPasswordPage *self);

/* The checks. */

static gboolean
has_letter_and_digit (const char *text)
{
  gboolean letter = FALSE;
  gboolean digit = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      letter = letter || g_unichar_isalpha (c);
      digit = digit || g_unichar_isdigit (c);
    }
  return letter && digit;
}

static gboolean
equal_folded (const char *a,
              const char *b)
{
  char *folded_a = g_utf8_casefold (a, -1);
  char *folded_b = g_utf8_casefold (b, -1);
  gboolean equal = strcmp (folded_a, folded_b) == 0;

  wc_secure_str_free (folded_a);
  wc_secure_str_free (folded_b);
  return equal;
}

/* NFC, as the portal normalizes; invalid UTF-8 stays as it is. */
static char *
normalize (const char *text)
{
  char *normalized = text != NULL ? g_utf8_normalize (text, -1, G_NORMALIZE_NFC) : NULL;

  return normalized != NULL ? normalized : g_strdup (text != NULL ? text : "");
}

WcPasswordRules
wc_password_check (const char *new_password,
                   const char *repeat,
                   const char *current_password,
                   const char *user_id,
                   guint       min_length,
                   guint       max_length)
{
  WcPasswordRules rules = 0;
  char *password;
  char *other;
  glong length;

  g_return_val_if_fail (new_password != NULL, 0);

  if (*new_password == '\0')
    return 0;

  password = normalize (new_password);
  length = g_utf8_strlen (password, -1);
  if (length >= (glong) min_length)
    rules |= WC_PASSWORD_RULE_MIN_LENGTH;
  if (max_length == 0 || length <= (glong) max_length)
    rules |= WC_PASSWORD_RULE_MAX_LENGTH;
  if (has_letter_and_digit (password))
    rules |= WC_PASSWORD_RULE_CLASSES;
  if (user_id == NULL || *user_id == '\0' || !equal_folded (password, user_id))
    rules |= WC_PASSWORD_RULE_NOT_USER;

  other = normalize (current_password);
  if (*other == '\0' || strcmp (password, other) != 0)
    rules |= WC_PASSWORD_RULE_NOT_SAME;
  wc_secure_str_free (other);

  other = normalize (repeat);
  if (strcmp (password, other) == 0)
    rules |= WC_PASSWORD_RULE_MATCH;
  wc_secure_str_free (other);

  wc_secure_str_free (password);
  return rules;
}

/* The policy, from /status or the documented defaults. */

static guint
get_min_length (WcPasswordPage *self)
{
  WcPortalStatus *status = self->session != NULL ? wc_login_session_get_status (self->session) : NULL;

  return status != NULL && status->password_min_length > 0
         ? status->password_min_length : WC_PASSWORD_DEFAULT_MIN_LENGTH;
}

static guint
get_max_length (WcPasswordPage *self)
{
  WcPortalStatus *status = self->session != NULL ? wc_login_session_get_status (self->session) : NULL;

  return status != NULL && status->password_max_length > 0
         ? status->password_max_length : WC_PASSWORD_DEFAULT_MAX_LENGTH;
}

static WcPortalLogin *
get_login (WcPasswordPage *self)
{
  return self->session != NULL ? wc_login_session_get_login (self->session) : NULL;
}

/* The password changed is a user's new-login one (not the old one). */
static gboolean
is_new_login (WcPasswordPage *self)
{
  WcPortalLogin *login = get_login (self);

  return !self->tablet && (login == NULL || login->method == WC_PORTAL_LOGIN_METHOD_NEW);
}

/* The current password is not asked for: the login just gave it. */
static gboolean
knows_current (WcPasswordPage *self)
{
  return !self->tablet && self->session != NULL && wc_login_session_has_login_password (self->session);
}

/* What the new password must not be: the user ID, or for the old
 * login's password the merchant code. */
static const char *
get_forbidden_name (WcPasswordPage *self)
{
  WcPortalLogin *login = get_login (self);

  if (login == NULL || login->user == NULL)
    return NULL;
  return is_new_login (self) ? login->user->user_id : login->user->merchant_code;
}

static void
update_policy_texts (WcPasswordPage *self)
{
  WcPortalStatus *status = self->session != NULL ? wc_login_session_get_status (self->session) : NULL;
  guint min_length = get_min_length (self);
  guint max_length = get_max_length (self);
  g_autofree char *length_text = NULL;
  g_autofree char *max_length_text = NULL;
  g_autofree char *history_text = NULL;

  length_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "At least %u character", "At least %u characters", min_length),
                                 min_length);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->length_row), length_text);
  max_length_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "At most %u character", "At most %u characters", max_length),
                                     max_length);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->max_length_row), max_length_text);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->classes_row),
                                 _("Letters and digits, at least one of each"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->user_id_row),
                                 is_new_login (self)
                                 ? _("Not the same as your user ID")
                                 : _("Not the same as the merchant code"));

  if (status != NULL && status->password_history > 0)
    history_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Must differ from your last %u password",
                                              "Must differ from your last %u passwords",
                                              status->password_history),
                                    status->password_history);
  else
    history_text = g_strdup (_("Must differ from your recent passwords"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->history_row), history_text);
  adw_action_row_set_subtitle (self->history_row, _("The portal checks this when you change it."));
}

/* A rule's row: a check mark when met, a neutral dot while not yet. */
static void
show_rule (GtkImage *icon,
           gboolean  met)
{
  gtk_image_set_from_icon_name (icon, met ? "emblem-ok-symbolic" : "media-record-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  if (met)
    {
      gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (icon), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
      gtk_widget_add_css_class (GTK_WIDGET (icon), "dim-label");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  met ? _("Met") : _("Not met yet"),
                                  -1);
}

/* A rule the portal said the password breaks. */
static void
show_rule_broken (GtkImage *icon)
{
  gtk_image_set_from_icon_name (icon, "dialog-error-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Not met"),
                                  -1);
}

static void
reset_history_note (WcPasswordPage *self)
{
  gtk_image_set_from_icon_name (self->history_icon, "dialog-information-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->history_icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->history_icon), "dim-label");
}

static void
update_actions (WcPasswordPage *self)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_entry));
  gboolean known = knows_current (self);
  gboolean ready = !self->busy
                   && get_login (self) != NULL
                   && (known || *current != '\0')
                   && (self->rules & WC_PASSWORD_RULES_ALL) == WC_PASSWORD_RULES_ALL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.change", ready);
  /* Setting the tablet password is a side errand of a full session:
   * logging out is not its business. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.logout",
                                 !self->busy && !self->tablet && get_login (self) != NULL);
}

static void
update_rules (WcPasswordPage *self)
{
  const char *new_password = gtk_editable_get_text (GTK_EDITABLE (self->new_entry));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_entry));
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_entry));
  gboolean repeat_typed = *repeat != '\0';

  /* For the tablet, the current entry holds the login password, which the
   * old password may equal. */
  self->rules = wc_password_check (new_password, repeat, self->tablet ? "" : current, get_forbidden_name (self),
                                   get_min_length (self), get_max_length (self));

  show_rule (self->length_icon, self->rules & WC_PASSWORD_RULE_MIN_LENGTH);
  show_rule (self->max_length_icon, self->rules & WC_PASSWORD_RULE_MAX_LENGTH);
  /* Only worth a row when it is broken: hardly anyone gets there. */
  gtk_widget_set_visible (GTK_WIDGET (self->max_length_row),
                          *new_password != '\0' && !(self->rules & WC_PASSWORD_RULE_MAX_LENGTH));
  show_rule (self->classes_icon, self->rules & WC_PASSWORD_RULE_CLASSES);
  show_rule (self->user_id_icon, self->rules & WC_PASSWORD_RULE_NOT_USER);
  show_rule (self->current_icon, self->rules & WC_PASSWORD_RULE_NOT_SAME);
  show_rule (self->match_icon, self->rules & WC_PASSWORD_RULE_MATCH);

  /* A mismatch is only an error once both have been typed. */
  if (repeat_typed && !(self->rules & WC_PASSWORD_RULE_MATCH))
    gtk_widget_add_css_class (GTK_WIDGET (self->repeat_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->repeat_entry), "error");

  update_actions (self);
}

static void
hide_error (WcPasswordPage *self)
{
  wc_ui_show_notice (self->error_label, NULL, NULL);
}

static void
show_error (WcPasswordPage *self,
            const char     *text)
{
  wc_ui_show_notice (self->error_label, NULL, text);
}

static void
clear_entries (WcPasswordPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->current_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_entry), "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->current_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_entry), "error");
}

static void
set_busy (WcPasswordPage *self,
          gboolean        busy)
{
  /* The focus comes back with a refusal. */
  self->busy = busy;
  wc_ui_set_spinning (self->spinner, busy);
  wc_ui_set_sensitive (GTK_WIDGET (self->password_group), !busy);
  update_actions (self);
}

/* Signal handlers. */

static void
on_current_changed (WcPasswordPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->current_entry), "error");
  update_rules (self);
}

static void
on_new_changed (WcPasswordPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_entry), "error");
  reset_history_note (self);
  update_rules (self);
}

static void
on_entry_activated (WcPasswordPage *self,
                    AdwEntryRow    *entry)
{
  if (gtk_widget_activate_action (GTK_WIDGET (self), "password.change", NULL))
    return;
  /* Not ready yet: go on to the next field. */
  if (entry == ADW_ENTRY_ROW (self->current_entry))
    gtk_widget_grab_focus (GTK_WIDGET (self->new_entry));
  else if (entry == ADW_ENTRY_ROW (self->new_entry))
    gtk_widget_grab_focus (GTK_WIDGET (self->repeat_entry));
}

static void
on_status_changed (WcLoginSession *session,
                   GParamSpec     *pspec,
                   WcPasswordPage *self)
{
  update_policy_texts (self);
  update_rules (self);
}

/* Changing. */

/* The portal's refusal, next to what it is about. */
static void
mark_refusal (WcPasswordPage *self,
              const GError   *error)
{
  const char *code;
  const char *field;

  if (error->domain != WC_PORTAL_ERROR)
    return;
  code = wc_portal_error_get_code (error);
  field = wc_portal_error_get_field (error);

  if (g_strcmp0 (field, "current_password") == 0 || g_strcmp0 (code, WC_PORTAL_CODE_CURRENT_PASSWORD_WRONG) == 0)
    {
      /* A wrong current password is typed again from scratch. */
      gtk_editable_set_text (GTK_EDITABLE (self->current_entry), "");
      gtk_widget_add_css_class (GTK_WIDGET (self->current_entry), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->current_entry));
      return;
    }
  if (g_strcmp0 (field, "new_password") != 0 && (code == NULL || !g_str_has_prefix (code, "W022")))
    return;

  gtk_widget_add_css_class (GTK_WIDGET (self->new_entry), "error");
  if (g_strcmp0 (code, WC_PORTAL_CODE_PASSWORD_TOO_SHORT) == 0)
    show_rule_broken (self->length_icon);
  else if (g_strcmp0 (code, WC_PORTAL_CODE_PASSWORD_CLASSES) == 0)
    show_rule_broken (self->classes_icon);
  else if (g_strcmp0 (code, WC_PORTAL_CODE_PASSWORD_EQUALS_ID) == 0)
    show_rule_broken (self->user_id_icon);
  else if (g_strcmp0 (code, WC_PORTAL_CODE_PASSWORD_REUSED) == 0)
    show_rule_broken (self->history_icon);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_entry));
}

static void
on_password_changed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  WcLoginSession *session = WC_LOGIN_SESSION (source);
  WcPasswordPage *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Cancelled means the page is gone or started over: touch nothing. */
  if (!(g_task_get_source_tag (G_TASK (result)) == wc_login_session_set_tablet_password_async
        ? wc_login_session_set_tablet_password_finish (session, result, &error)
        : wc_login_session_change_password_finish (session, result, &error))
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_PASSWORD_PAGE (user_data);

  set_busy (self, FALSE);

  if (error != NULL)
    {
      text = wc_ui_describe_error (error, wc_login_session_get_status (session));
      if (text != NULL)
        show_error (self, text);
      mark_refusal (self, error);
      update_actions (self);
      return;
    }

  clear_entries (self);
  hide_error (self);
  /* The session lifted the restriction; the window follows the login. */
  wc_ui_show_toast (GTK_WIDGET (self), _("Password changed"));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
change_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcPasswordPage *self = WC_PASSWORD_PAGE (widget);
  g_autoptr(WcSecret) current = NULL;
  g_autoptr(WcSecret) new_password = NULL;

  if (self->busy || self->session == NULL
      || (self->rules & WC_PASSWORD_RULES_ALL) != WC_PASSWORD_RULES_ALL)
    return;

  /* Right after the login the session still knows the current one. */
  if (!knows_current (self))
    current = wc_secret_new_from_text (gtk_editable_get_text (GTK_EDITABLE (self->current_entry)));
  new_password = wc_secret_new_from_text (gtk_editable_get_text (GTK_EDITABLE (self->new_entry)));

  hide_error (self);
  set_busy (self, TRUE);
  if (self->tablet)
    wc_login_session_set_tablet_password_async (self->session, current, new_password,
                                                self->cancellable, on_password_changed, self);
  else
    wc_login_session_change_password_async (self->session, current, new_password,
                                            self->cancellable, on_password_changed, self);
}

/* Logging out instead. */

static void
on_logged_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WcLoginSession *session = WC_LOGIN_SESSION (source);
  WcPasswordPage *self;
  g_autoptr(GError) error = NULL;

  if (!wc_login_session_logout_finish (session, result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = WC_PASSWORD_PAGE (user_data);
  set_busy (self, FALSE);
  /* The client ends the session even when the portal could not be
   * told; the window shows the login page then. */
  wc_ui_show_failure (GTK_WIDGET (self), error, wc_login_session_get_status (session));
}

static void
logout_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcPasswordPage *self = WC_PASSWORD_PAGE (widget);

  if (self->busy || self->session == NULL)
    return;

  clear_entries (self);
  hide_error (self);
  set_busy (self, TRUE);
  wc_login_session_logout_async (self->session, self->cancellable, on_logged_out, self);
}

/* The object. */

static void
set_session (WcPasswordPage *self,
             WcLoginSession *session)
{
  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect (session, "notify::status", G_CALLBACK (on_status_changed), self);
}

static void
wc_password_page_dispose (GObject *object)
{
  WcPasswordPage *self = WC_PASSWORD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_PASSWORD_PAGE);
  G_OBJECT_CLASS (wc_password_page_parent_class)->dispose (object);
}

static void
wc_password_page_finalize (GObject *object)
{
  WcPasswordPage *self = WC_PASSWORD_PAGE (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (wc_password_page_parent_class)->finalize (object);
}

static void
wc_password_page_class_init (WcPasswordPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_password_page_dispose;
  object_class->finalize = wc_password_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-password-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, account_group);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, merchant_label);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, user_label);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, password_group);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, current_entry);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, new_entry);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, length_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, length_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, max_length_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, max_length_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, classes_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, classes_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, user_id_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, user_id_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, current_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, current_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, match_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, match_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, history_row);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, history_icon);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, WcPasswordPage, logout_button);
  gtk_widget_class_bind_template_callback (widget_class, on_current_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_new_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  /* The portal took the new password. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "password.change", NULL, change_action);
  gtk_widget_class_install_action (widget_class, "password.logout", NULL, logout_action);
}

static void
wc_password_page_init (WcPasswordPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_policy_texts (self);
  update_rules (self);
}

WcPasswordPage *
wc_password_page_new (void)
{
  return g_object_new (WC_TYPE_PASSWORD_PAGE, NULL);
}

static void
start (WcPasswordPage *self,
       WcLoginSession *session,
       gboolean        tablet,
       const char     *reason)
{
  WcPortalLogin *login;
  gboolean new_login;

  /* The window starts the page again on every change of the login; a
   * change on its way for the same session must not be lost to that. */
  if (self->busy && session == self->session && get_login (self) != NULL)
    {
      gtk_label_set_text (self->reason_label, reason != NULL ? reason : "");
      gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL && *reason != '\0');
      return;
    }

  /* Whatever the previous start left on its way is of no interest now. */
  if (self->busy)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->busy = FALSE;
    }

  set_session (self, session);
  self->tablet = tablet;
  login = get_login (self);
  new_login = is_new_login (self);

  gtk_label_set_text (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL && *reason != '\0');
  gtk_label_set_text (self->title_label,
                      tablet ? _("New Password for the Tablet")
                      : new_login ? _("Choose a New Password") : _("Choose a New Password for the Old Login"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->current_entry),
                                 tablet ? _("Your login password") : _("Current password"));
  gtk_label_set_text (self->merchant_label,
                      login != NULL && login->user != NULL ? login->user->merchant_code : "");
  gtk_label_set_text (self->user_label,
                      login != NULL && login->user != NULL ? login->user->user_id : "");
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), new_login || tablet);
  adw_preferences_group_set_description (self->account_group,
                                         tablet
                                         ? _("This sets the old password, which the tablet (iPad) login uses. Confirm it with the password you logged in with; that one stays as it is.")
                                         : new_login
                                         ? _("This changes the password of the new login for this user. The old-login password stays as it is.")
                                         : _("This changes the old-login password, which the tablet (iPad) login also uses. The new-login password stays as it is."));

  clear_entries (self);
  hide_error (self);
  reset_history_note (self);
  /* Not asked again when the login just gave it. */
  gtk_widget_set_visible (GTK_WIDGET (self->current_entry), !knows_current (self));
  gtk_widget_set_visible (self->logout_button, !tablet);
  gtk_widget_set_visible (GTK_WIDGET (self->current_row),
                          gtk_widget_get_visible (GTK_WIDGET (self->current_entry)) && !tablet);
  set_busy (self, FALSE);
  update_policy_texts (self);
  update_rules (self);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (gtk_widget_get_visible (GTK_WIDGET (self->current_entry))
                                       ? self->current_entry : self->new_entry));
}

void
wc_password_page_start (WcPasswordPage *self,
                        WcLoginSession *session,
                        const char     *reason)
{
  g_return_if_fail (WC_IS_PASSWORD_PAGE (self));
  g_return_if_fail (session == NULL || WC_IS_LOGIN_SESSION (session));
  start (self, session, FALSE, reason);
}

void
wc_password_page_start_tablet (WcPasswordPage *self,
                               WcLoginSession *session,
                               const char     *reason)
{
  g_return_if_fail (WC_IS_PASSWORD_PAGE (self));
  g_return_if_fail (WC_IS_LOGIN_SESSION (session));
  start (self, session, TRUE, reason);
}

WcPasswordRules
wc_password_page_get_rules (WcPasswordPage *self)
{
  g_return_val_if_fail (WC_IS_PASSWORD_PAGE (self), 0);
  return self->rules;
}

gboolean
wc_password_page_is_busy (WcPasswordPage *self)
{
  g_return_val_if_fail (WC_IS_PASSWORD_PAGE (self), FALSE);
  return self->busy;
}
