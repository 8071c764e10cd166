/* wc-users-page.c: the main user's account management. It lists the
 * merchant's child users with their role and state, and offers per user
 * (a menu on each row, actions that take the user ID): rename, change
 * role, disable or enable, reset the password or the one-time-password
 * enrollment, delete; and "users.create". Every call shows progress on
 * its row (or in its form) and ends in a toast. A refusal that says this
 * login may not manage users hides the page. The list is the session's
 * cache of users, which every change (here or in the wizard) updates:
 * the page only follows it.
 *
 * The own-key part re-issues the main user's key through WcEnrollment
 * (stored pending, then activated, the old key kept until then) and shows
 * the active key as a QR code for a backup device. */
#include "wc-users-page.h"
#include "wc-clipboard-guard.h"
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-initial-password-dialog.h"
#include "wc-token-qr-dialog.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"
#include "wc-user-dialog.h"

#include <glib/gi18n-lib.h>

struct _WcUsersPage
{
  AdwBin parent_instance;

  WcLoginSession *session;
  /* Lives as long as the page; cancelled in dispose. */
  GCancellable *cancellable;
  GHashTable *busy_users;       /* user IDs with a call in flight */
  guint requests;               /* calls in flight, the list included */
  gboolean listing;
  WcClipboardGuard *guard;
  WcEnrollment *enrollment;
  gboolean key_busy;

  /* Template children. */
  AdwPreferencesGroup *users_group;
  GtkSpinner *list_spinner;
  GtkLabel *error_label;
  GtkListBox *list;
  AdwPreferencesGroup *key_group;
  GtkSpinner *key_spinner;
};

G_DEFINE_FINAL_TYPE (WcUsersPage, wc_users_page, ADW_TYPE_BIN)

static GPtrArray *
get_users (WcUsersPage *self)
{
  return self->session != NULL ? wc_login_session_get_users (self->session) : NULL;
}

static GtkWindow *
parent_window (WcUsersPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static const WcPortalUserInfo *
find_user (WcUsersPage *self,
           const char  *user_id)
{
  GPtrArray *users = get_users (self);

  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      const WcPortalUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->user_id, user_id) == 0)
        return user;
    }
  return NULL;
}

/* Texts. */

static const char *
user_name (const WcPortalUserInfo *user)
{
  return user->display_name != NULL && *user->display_name != '\0' ? user->display_name : user->user_id;
}

static char *
format_clock (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (when) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");
  return wc_ui_format_time (unix_time);
}

/* "Active", or what keeps the user from working: several may apply. */
static char *
describe_status (WcUsersPage            *self,
                 const WcPortalUserInfo *user)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  gint64 now = self->session != NULL ? wc_login_session_now (self->session)
                                     : g_get_real_time () / G_USEC_PER_SEC;

  if (user->disabled)
    g_ptr_array_add (parts, g_strdup (_("Disabled")));
  if (user->locked_until > now)
    {
      g_autofree char *until = format_clock (user->locked_until);

      /* Translators: %s is a time, e.g. 14:30. */
      g_ptr_array_add (parts, g_strdup_printf (_("Locked until %s"), until));
    }
  if (!user->otp_enrolled)
    g_ptr_array_add (parts, g_strdup (_("OTP not enrolled")));
  if (user->must_change_password)
    g_ptr_array_add (parts, g_strdup (_("Must change password")));
  if (parts->len == 0)
    g_ptr_array_add (parts, g_strdup (_("Active")));
  g_ptr_array_add (parts, NULL);
  /* Translators: the separator between states of a user. */
  return g_strjoinv (_(", "), (char **) parts->pdata);
}

/* The list. */

static void
add_menu_item (GMenu      *menu,
               const char *label,
               const char *action,
               const char *user_id)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (user_id));
  g_menu_append_item (menu, item);
}

static GtkWidget *
make_row (WcUsersPage            *self,
          const WcPortalUserInfo *user)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) danger = g_menu_new ();
  g_autofree char *status = describe_status (self, user);
  g_autofree char *subtitle = NULL;
  g_autofree char *actions = NULL;
  g_autofree char *busy_name = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user_name (user));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: user ID · role · state, e.g. "tanaka · General · Active". */
  subtitle = g_strdup_printf (_("%s · %s · %s"), user->user_id, wc_ui_describe_role (user->role), status);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  g_object_set_data_full (G_OBJECT (row), "user-id", g_strdup (user->user_id), g_free);
  if (user->disabled || !user->otp_enrolled || user->locked_until > 0)
    gtk_widget_add_css_class (row, "dim-subtitle");

  gtk_widget_set_visible (spinner, FALSE);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  /* Translators: %s is a user's name. */
  busy_name = g_strdup_printf (_("Working on %s"), user_name (user));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, busy_name, -1);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);

  add_menu_item (menu, _("_Rename…"), "users.rename", user->user_id);
  add_menu_item (menu, _("_Change Role…"), "users.set-role", user->user_id);
  if (user->disabled)
    add_menu_item (menu, _("_Enable"), "users.enable", user->user_id);
  else
    add_menu_item (menu, _("_Disable"), "users.disable", user->user_id);
  add_menu_item (menu, _("Reset _Password…"), "users.reset-password", user->user_id);
  add_menu_item (menu, _("Reset _One-Time Password Key…"), "users.reset-otp", user->user_id);
  add_menu_item (danger, _("De_lete…"), "users.delete", user->user_id);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (danger));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  /* Translators: the accessible label of a user's menu button. */
  actions = g_strdup_printf (_("Actions for %s"), user_name (user));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, actions, -1);
  gtk_widget_set_tooltip_text (menu_button, actions);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), menu_button);
  return row;
}

static void
update_row (GtkWidget *row,
            gboolean   busy)
{
  GtkSpinner *spinner = g_object_get_data (G_OBJECT (row), "spinner");

  wc_ui_set_sensitive (row, !busy);
  wc_ui_set_spinning (spinner, busy);
}

static void
update_busy (WcUsersPage *self)
{
  /* A call that ends after dispose finds no widgets any more. */
  if (self->list == NULL)
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *user_id = g_object_get_data (G_OBJECT (row), "user-id");

      if (user_id != NULL)
        update_row (row, g_hash_table_contains (self->busy_users, user_id));
    }
  wc_ui_set_spinning (self->list_spinner, self->listing);
  wc_ui_set_spinning (self->key_spinner, self->key_busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.reissue-key", !self->key_busy && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.create", self->session != NULL);
}

static void
rebuild_list (WcUsersPage *self)
{
  GPtrArray *users = get_users (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL
         && GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; users != NULL && i < users->len; i++)
    gtk_list_box_append (self->list, make_row (self, g_ptr_array_index (users, i)));
  update_busy (self);
}

/* Failures. */

static gboolean
refuses_this_login (const GError *error)
{
  const char *code;

  if (!g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED))
    return FALSE;
  code = wc_portal_error_get_code (error);
  /* Not the main user; an old-login or tablet session; a restricted one. */
  return g_strcmp0 (code, WC_PORTAL_CODE_NOT_MAIN_USER) == 0 || g_strcmp0 (code, WC_PORTAL_CODE_WRONG_LOGIN_METHOD) == 0
         || g_strcmp0 (code, WC_PORTAL_CODE_SESSION_RESTRICTED) == 0 || g_strcmp0 (code, WC_PORTAL_CODE_PASSWORD_CHANGE_REQUIRED) == 0
         || g_strcmp0 (code, WC_PORTAL_CODE_OLD_PASSWORD_EXPIRED) == 0;
}

/* Shows @error: in @dialog at its field when there is one, else as a
 * toast. Returns FALSE for a cancellation, which shows nothing. */
static gboolean
show_failure (WcUsersPage  *self,
              const GError *error,
              WcUserDialog *dialog)
{
  g_autofree char *text = wc_ui_describe_error (error, self->session != NULL
                                                       ? wc_login_session_get_status (self->session) : NULL);

  if (text == NULL)
    return FALSE;
  if (refuses_this_login (error))
    {
      /* Nothing here can work for this login: say so once, and go. */
      if (dialog != NULL)
        wc_user_dialog_finish (dialog);
      wc_ui_show_error (GTK_WIDGET (self), text);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return TRUE;
    }
  if (dialog != NULL)
    wc_user_dialog_show_error (dialog, wc_portal_error_get_field (error), text);
  else
    wc_ui_show_error (GTK_WIDGET (self), text);
  return TRUE;
}

/* One call about one user. */

typedef struct {
  WcUsersPage *self;
  char *user_id;
  char *name;
  char *done;           /* the toast for a call that answers only success */
  WcUserDialog *dialog;
} Operation;

static Operation *
operation_new (WcUsersPage  *self,
               const char   *user_id,
               const char   *name,
               WcUserDialog *dialog)
{
  Operation *op = g_new0 (Operation, 1);

  op->self = g_object_ref (self);
  op->user_id = g_strdup (user_id);
  op->name = g_strdup (name != NULL ? name : user_id);
  op->dialog = dialog != NULL ? g_object_ref (dialog) : NULL;
  self->requests++;
  if (user_id != NULL)
    g_hash_table_add (self->busy_users, g_strdup (user_id));
  update_busy (self);
  return op;
}

static void
operation_free (Operation *op)
{
  op->self->requests--;
  if (op->user_id != NULL)
    g_hash_table_remove (op->self->busy_users, op->user_id);
  update_busy (op->self);
  g_clear_object (&op->self);
  g_clear_object (&op->dialog);
  g_free (op->user_id);
  g_free (op->name);
  g_free (op->done);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

/* An operation on the user @user_id, named as the list names it. */
static Operation *
user_operation_new (WcUsersPage  *self,
                    const char   *user_id,
                    WcUserDialog *dialog)
{
  const WcPortalUserInfo *user = find_user (self, user_id);

  return operation_new (self, user_id, user != NULL ? user_name (user) : NULL, dialog);
}

/* Shows why @op failed; a cancelled one just closes its form. */
static void
operation_failed (Operation    *op,
                  const GError *error)
{
  if (!show_failure (op->self, error, op->dialog) && op->dialog != NULL)
    wc_user_dialog_finish (op->dialog);
}

/* Ends @op that worked: @toast. The session has listed the users again
 * already, and the list follows it. */
static void
operation_done (Operation  *op,
                const char *toast)
{
  wc_ui_show_toast (GTK_WIDGET (op->self), toast);
}

/* Listing. */

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  WcUsersPage *self = op->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = wc_login_session_refresh_users_finish (WC_LOGIN_SESSION (source), result, &error);

  self->listing = FALSE;
  if (users == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (refuses_this_login (error))
        {
          show_failure (self, error, NULL);
          return;
        }
      text = wc_ui_describe_error (error, wc_login_session_get_status (self->session));
      gtk_label_set_text (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

void
wc_users_page_reload (WcUsersPage *self)
{
  g_return_if_fail (WC_IS_USERS_PAGE (self));

  if (self->session == NULL || self->listing)
    return;
  self->listing = TRUE;
  wc_login_session_refresh_users_async (self->session, self->cancellable, on_listed,
                                        operation_new (self, NULL, NULL, NULL));
}

/* The one-time initial password. */

static void
show_initial_password (WcUsersPage *self,
                       const char  *user_id,
                       WcSecret    *password,
                       gboolean     reset)
{
  WcInitialPasswordDialog *dialog;

  if (self->guard == NULL)
    self->guard = wc_clipboard_guard_new (gtk_widget_get_clipboard (GTK_WIDGET (self)));
  dialog = wc_initial_password_dialog_new (parent_window (self), self->guard, user_id, password, reset);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Create. */

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalNewUser) created = wc_login_session_new_user_finish (WC_LOGIN_SESSION (source), result, &error);
  g_autofree char *toast = NULL;

  if (created == NULL)
    {
      operation_failed (op, error);
      return;
    }
  /* The dialog's texts are needed a moment longer. */
  show_initial_password (op->self,
                         created->user != NULL ? created->user->user_id : wc_user_dialog_get_user_id (op->dialog),
                         created->initial_password, FALSE);
  wc_user_dialog_finish (op->dialog);
  /* Translators: %s is a user's name. */
  toast = g_strdup_printf (_("“%s” added"), op->name);
  operation_done (op, toast);
}

/* Rename and change role share the form. */

static void set_disabled (WcUsersPage            *self,
                          const WcPortalUserInfo *user,
                          gboolean                disabled);

static void
on_undo_disable (AdwToast    *toast,
                 WcUsersPage *self)
{
  const WcPortalUserInfo *user = find_user (self, g_object_get_data (G_OBJECT (toast), "user-id"));

  if (user != NULL && !g_hash_table_contains (self->busy_users, user->user_id))
    set_disabled (self, user, FALSE);
}

static void
on_updated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalUserInfo) user = wc_login_session_update_user_finish (WC_LOGIN_SESSION (source), result, &error);
  g_autofree char *toast = NULL;
  if (user == NULL)
    {
      operation_failed (op, error);
      return;
    }
  if (op->dialog != NULL && wc_user_dialog_get_mode (op->dialog) == WC_USER_DIALOG_RENAME)
    /* Translators: the old name, then the new one. */
    toast = g_strdup_printf (_("“%s” renamed to “%s”"), op->name, user_name (user));
  else if (op->dialog != NULL)
    /* Translators: a user's name, then a role (General or Shipping). */
    toast = g_strdup_printf (_("“%s” is now %s"), user_name (user), wc_ui_describe_role (user->role));
  else if (user->disabled)
    {
      /* Disabling asks nothing first: the toast can take it back. */
      AdwToast *undo;

      /* Translators: %s is a user's name. */
      toast = g_strdup_printf (_("“%s” disabled: they can no longer log in"), user_name (user));
      undo = wc_ui_toast_new (toast);
      adw_toast_set_button_label (undo, _("_Undo"));
      adw_toast_set_timeout (undo, 10);
      g_object_set_data_full (G_OBJECT (undo), "user-id", g_strdup (user->user_id), g_free);
      g_signal_connect_object (undo, "button-clicked", G_CALLBACK (on_undo_disable), op->self, 0);
      wc_ui_present_toast (GTK_WIDGET (op->self), undo);
      return;
    }
  else
    /* Translators: %s is a user's name. */
    toast = g_strdup_printf (_("“%s” enabled"), user_name (user));
  if (op->dialog != NULL)
    wc_user_dialog_finish (op->dialog);
  operation_done (op, toast);
}

static void
on_dialog_submit (WcUserDialog *dialog,
                  WcUsersPage  *self)
{
  const char *user_id = wc_user_dialog_get_user_id (dialog);

  if (self->session == NULL)
    {
      wc_user_dialog_finish (dialog);
      return;
    }
  switch (wc_user_dialog_get_mode (dialog))
    {
    case WC_USER_DIALOG_CREATE:
      wc_login_session_create_user_async (self->session, user_id,
                                          wc_user_dialog_get_display_name (dialog),
                                          wc_user_dialog_get_role (dialog), self->cancellable, on_created,
                                          operation_new (self, NULL, wc_user_dialog_get_display_name (dialog), dialog));
      break;
    case WC_USER_DIALOG_RENAME:
      wc_login_session_update_user_async (self->session, user_id,
                                          wc_user_dialog_get_display_name (dialog), NULL, -1,
                                          self->cancellable, on_updated,
                                          user_operation_new (self, user_id, dialog));
      break;
    case WC_USER_DIALOG_SET_ROLE:
    default:
      wc_login_session_update_user_async (self->session, user_id, NULL,
                                          wc_user_dialog_get_role (dialog), -1,
                                          self->cancellable, on_updated,
                                          operation_new (self, user_id, NULL, dialog));
      break;
    }
}

static void
open_user_dialog (WcUsersPage            *self,
                  WcUserDialogMode        mode,
                  const WcPortalUserInfo *user)
{
  WcUserDialog *dialog = wc_user_dialog_new (parent_window (self), mode, user);

  g_signal_connect_object (dialog, "submit", G_CALLBACK (on_dialog_submit), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Confirmations. */

typedef void (*ConfirmedFunc) (WcUsersPage *self, const char *user_id);

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     WcUsersPage      *self)
{
  ConfirmedFunc func = g_object_get_data (G_OBJECT (dialog), "func");

  if (g_strcmp0 (response, "confirm") == 0)
    func (self, g_object_get_data (G_OBJECT (dialog), "user-id"));
}

static void
confirm (WcUsersPage   *self,
         const char    *user_id,
         const char    *heading,
         const char    *body,
         const char    *label,
         gboolean       destructive,
         ConfirmedFunc  func)
{
  /* Each of these changes something for good: Enter does not. */
  AdwMessageDialog *dialog = wc_ui_question_new (parent_window (self), heading, body, "cancel", _("_Cancel"),
                                                 "confirm", label,
                                                 destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED,
                                                 FALSE);

  g_object_set_data_full (G_OBJECT (dialog), "user-id", g_strdup (user_id), g_free);
  g_object_set_data (G_OBJECT (dialog), "func", func);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  wc_ui_present_question (dialog);
}

/* Delete, reset password, reset OTP. */

/* Deleting and resetting the OTP key answer only success; the toast is
 * written when the call starts, in op->done. */
static void
on_user_changed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_login_session_user_change_finish (WC_LOGIN_SESSION (source), result, &error))
    {
      operation_failed (op, error);
      return;
    }
  operation_done (op, op->done);
}

static void
delete_user (WcUsersPage *self,
             const char  *user_id)
{
  Operation *op;

  if (self->session == NULL)
    return;
  op = user_operation_new (self, user_id, NULL);
  /* Translators: %s is a user's name. */
  op->done = g_strdup_printf (_("“%s” deleted"), op->name);
  wc_login_session_delete_user_async (self->session, user_id, self->cancellable,
                                      on_user_changed, op);
}

static void
on_password_reset (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalNewUser) reset = wc_login_session_new_user_finish (WC_LOGIN_SESSION (source), result, &error);
  g_autofree char *toast = NULL;

  if (reset == NULL)
    {
      operation_failed (op, error);
      return;
    }
  show_initial_password (op->self, op->user_id, reset->initial_password, TRUE);
  /* Translators: %s is a user's name. */
  toast = g_strdup_printf (_("Password of “%s” reset"), op->name);
  operation_done (op, toast);
}

static void
reset_password (WcUsersPage *self,
                const char  *user_id)
{
  if (self->session == NULL)
    return;
  wc_login_session_reset_user_password_async (self->session, user_id, self->cancellable, on_password_reset,
                                              user_operation_new (self, user_id, NULL));
}

static void
reset_otp (WcUsersPage *self,
           const char  *user_id)
{
  Operation *op;

  if (self->session == NULL)
    return;
  op = user_operation_new (self, user_id, NULL);
  /* Translators: %s is a user's name. */
  op->done = g_strdup_printf (_("One-time password key of “%s” reset: they set up a new one at their next login"), op->name);
  wc_login_session_reset_user_otp_async (self->session, user_id, self->cancellable,
                                         on_user_changed, op);
}

/* User actions. */

static const WcPortalUserInfo *
user_for_parameter (WcUsersPage *self,
                    GVariant    *parameter)
{
  const WcPortalUserInfo *user = find_user (self, g_variant_get_string (parameter, NULL));

  if (user == NULL)
    g_debug ("no user for the ID the action names");
  else if (g_hash_table_contains (self->busy_users, user->user_id))
    return NULL;
  return user;
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);

  if (self->session != NULL)
    open_user_dialog (self, WC_USER_DIALOG_CREATE, NULL);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);
  const WcPortalUserInfo *user = user_for_parameter (self, parameter);

  if (user != NULL)
    open_user_dialog (self, WC_USER_DIALOG_RENAME, user);
}

static void
set_role_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);
  const WcPortalUserInfo *user = user_for_parameter (self, parameter);

  if (user != NULL)
    open_user_dialog (self, WC_USER_DIALOG_SET_ROLE, user);
}

static void
set_disabled (WcUsersPage            *self,
              const WcPortalUserInfo *user,
              gboolean                disabled)
{
  if (user == NULL || self->session == NULL)
    return;
  wc_login_session_update_user_async (self->session, user->user_id, NULL, NULL, disabled ? 1 : 0,
                                      self->cancellable, on_updated,
                                      operation_new (self, user->user_id, user_name (user), NULL));
}

static void
disable_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);

  set_disabled (self, user_for_parameter (self, parameter), TRUE);
}

static void
enable_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);

  set_disabled (self, user_for_parameter (self, parameter), FALSE);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);
  const WcPortalUserInfo *user = user_for_parameter (self, parameter);
  g_autofree char *body = NULL;

  if (user == NULL)
    return;
  /* Translators: a user's name, then the user ID. */
  body = g_strdup_printf (_("“%s” (%s) can no longer log in, and their one-time password key is removed. This cannot be undone; the user ID can be used again."),
                          user_name (user), user->user_id);
  confirm (self, user->user_id, _("Delete User?"), body, _("De_lete"), TRUE, delete_user);
}

static void
reset_password_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);
  const WcPortalUserInfo *user = user_for_parameter (self, parameter);
  g_autofree char *body = NULL;

  if (user == NULL)
    return;
  /* Translators: %s is a user's name. */
  body = g_strdup_printf (_("The current password of “%s” stops working. They get a one-time password, shown once, that must be changed at the next login."),
                          user_name (user));
  confirm (self, user->user_id, _("Reset Password?"), body, _("Reset _Password"), TRUE, reset_password);
}

static void
reset_otp_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);
  const WcPortalUserInfo *user = user_for_parameter (self, parameter);
  g_autofree char *body = NULL;

  if (user == NULL)
    return;
  /* Translators: %s is a user's name. */
  body = g_strdup_printf (_("The one-time password key of “%s” stops working. At their next login they register a new key, for example after losing their phone."),
                          user_name (user));
  confirm (self, user->user_id, _("Reset One-Time Password Key?"), body, _("_Reset Key"), TRUE, reset_otp);
}

/* The own key. */

static void start_issue (WcUsersPage *self);
static void start_activate (WcUsersPage *self);

static void
set_key_busy (WcUsersPage *self,
              gboolean     busy)
{
  self->key_busy = busy;
  update_busy (self);
}

static void
on_key_retry_response (AdwMessageDialog *dialog,
                       const char       *response,
                       WcUsersPage      *self)
{
  if (g_strcmp0 (response, "retry") != 0 || self->key_busy)
    return;
  if (self->enrollment != NULL && wc_enrollment_get_pending (self->enrollment) != NULL)
    start_activate (self);
  else
    start_issue (self);
}

static void
show_key_failure (WcUsersPage  *self,
                  const GError *error)
{
  g_autofree char *text = wc_ui_describe_error (error, self->session != NULL
                                                       ? wc_login_session_get_status (self->session) : NULL);
  gboolean pending = self->enrollment != NULL && wc_enrollment_get_pending (self->enrollment) != NULL;
  AdwMessageDialog *dialog;

  set_key_busy (self, FALSE);
  if (text == NULL)
    return;
  dialog = wc_ui_question_new (parent_window (self), pending ? _("New Key Not Activated") : _("Key Not Issued"), NULL,
                               "close", _("_Close"), "retry", _("_Retry"), ADW_RESPONSE_SUGGESTED, TRUE);
  /* Translators: why it failed, then what stays as it was. */
  adw_message_dialog_format_body (dialog, "%s\n\n%s", text,
                                  pending ? _("The new key is kept in the keyring and your current key still works. Retry to activate the new key.")
                                          : _("Your current key still works."));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_key_retry_response), self, 0);
  wc_ui_present_question (dialog);
}

static void
on_key_activated (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WcUsersPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_enrollment_activate_finish (WC_ENROLLMENT (source), result, &error))
    {
      show_key_failure (self, error);
      return;
    }
  set_key_busy (self, FALSE);
  wc_ui_show_toast (GTK_WIDGET (self),
                    _("Your new secret key is active. Register it again on any backup device."));
}

static void
start_activate (WcUsersPage *self)
{
  set_key_busy (self, TRUE);
  wc_enrollment_activate_async (self->enrollment, self->cancellable, on_key_activated, g_object_ref (self));
}

static void
on_key_issued (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(WcUsersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_enrollment_issue_finish (WC_ENROLLMENT (source), result, &error);

  if (token == NULL)
    {
      show_key_failure (self, error);
      return;
    }
  start_activate (self);
}

static void
start_issue (WcUsersPage *self)
{
  if (self->session == NULL)
    return;
  g_clear_object (&self->enrollment);
  self->enrollment = wc_enrollment_new (self->session);
  set_key_busy (self, TRUE);
  wc_enrollment_issue_async (self->enrollment, self->cancellable, on_key_issued, g_object_ref (self));
}

static void
reissue_confirmed (WcUsersPage *self,
                   const char  *unused)
{
  if (!self->key_busy)
    start_issue (self);
}

static void
reissue_key_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);

  if (self->session == NULL || self->key_busy)
    return;
  confirm (self, NULL, _("Re-issue Your Secret Key?"),
           _("The portal issues a new key, which the built-in authenticator stores and activates. Your current key stops working then, also on backup devices: register those again with the new QR code."),
           _("_Re-issue"), FALSE, reissue_confirmed);
}

static void
on_tokens_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WcUsersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  g_autoptr(GPtrArray) active = g_ptr_array_new ();
  WcPortalLogin *login = self->session != NULL ? wc_login_session_get_login (self->session) : NULL;
  WcToken *token;
  WcTokenQrDialog *dialog;

  if (tokens == NULL)
    {
      wc_ui_show_failure (GTK_WIDGET (self), error, NULL);
      return;
    }
  if (login == NULL || login->user == NULL)
    return;
  /* A pending key is not confirmed yet, a superseded one on its way out. */
  for (guint i = 0; i < tokens->len; i++)
    if (wc_token_get_state (g_ptr_array_index (tokens, i)) == WC_TOKEN_STATE_ACTIVE)
      g_ptr_array_add (active, g_ptr_array_index (tokens, i));
  token = wc_login_session_pick_token (active, login->user->merchant_code, login->user->user_id);
  if (token == NULL)
    {
      wc_ui_show_toast (GTK_WIDGET (self),
                        _("The built-in authenticator has no key for you. Re-issue your key to add one."));
      return;
    }
  dialog = wc_token_qr_dialog_new (parent_window (self), token);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_key_qr_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WcUsersPage *self = WC_USERS_PAGE (widget);

  if (self->session == NULL)
    return;
  wc_token_store_list_async (wc_login_session_get_token_store (self->session), self->cancellable,
                             on_tokens_listed, g_object_ref (self));
}

/* The object. */

static void
wc_users_page_dispose (GObject *object)
{
  WcUsersPage *self = WC_USERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->enrollment);
  g_clear_object (&self->guard);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_USERS_PAGE);
  G_OBJECT_CLASS (wc_users_page_parent_class)->dispose (object);
}

static void
wc_users_page_finalize (GObject *object)
{
  WcUsersPage *self = WC_USERS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->busy_users, g_hash_table_unref);
  G_OBJECT_CLASS (wc_users_page_parent_class)->finalize (object);
}

static void
wc_users_page_class_init (WcUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_users_page_dispose;
  object_class->finalize = wc_users_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, users_group);
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, list_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, list);
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, key_group);
  gtk_widget_class_bind_template_child (widget_class, WcUsersPage, key_spinner);

  gtk_widget_class_install_action (widget_class, "users.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "users.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "users.set-role", "s", set_role_action);
  gtk_widget_class_install_action (widget_class, "users.disable", "s", disable_action);
  gtk_widget_class_install_action (widget_class, "users.enable", "s", enable_action);
  gtk_widget_class_install_action (widget_class, "users.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "users.reset-password", "s", reset_password_action);
  gtk_widget_class_install_action (widget_class, "users.reset-otp", "s", reset_otp_action);
  gtk_widget_class_install_action (widget_class, "users.reissue-key", NULL, reissue_key_action);
  gtk_widget_class_install_action (widget_class, "users.show-key-qr", NULL, show_key_qr_action);
}

static void
wc_users_page_init (WcUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->busy_users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  update_busy (self);
}

WcUsersPage *
wc_users_page_new (void)
{
  return g_object_new (WC_TYPE_USERS_PAGE, NULL);
}

void
wc_users_page_set_session (WcUsersPage    *self,
                           WcLoginSession *session)
{
  g_return_if_fail (WC_IS_USERS_PAGE (self));
  g_return_if_fail (session == NULL || WC_IS_LOGIN_SESSION (session));

  if (self->session == session)
    return;
  /* What was in flight belongs to the previous session. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->enrollment);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_swapped (session, "notify::users", G_CALLBACK (rebuild_list), self);
  self->listing = FALSE;
  self->key_busy = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  rebuild_list (self);
  wc_users_page_reload (self);
}

void
wc_users_page_show_error (WcUsersPage  *self,
                          const GError *error)
{
  g_return_if_fail (WC_IS_USERS_PAGE (self));
  g_return_if_fail (error != NULL);
  show_failure (self, error, NULL);
}

gboolean
wc_users_page_is_busy (WcUsersPage *self)
{
  g_return_val_if_fail (WC_IS_USERS_PAGE (self), FALSE);
  return self->requests > 0 || self->key_busy;
}
