/* wc-migration-wizard.c: the switch to the new login, step by step.
 *
 * The portal issues keys only in a new-login session (POST /otp/secret
 * refuses old-login and tablet sessions), so step 2 first needs a new
 * login of the main user, whose user ID is the merchant code; before any
 * key exists that is a restricted "first login", which may still issue
 * and activate a key and change its password. A restricted session
 * stays restricted, and creating users needs a full one: step 3 logs in
 * again with the new key. A code is good once only, so a login right
 * after the activation waits for the next 30-second step.
 *
 * Progress (the step reached and the merchant) is kept in the settings;
 * the key itself is in the keyring, pending until activated, where
 * WcEnrollment finds it again after a crash. */
#include "wc-migration-wizard.h"
#include "wc-clipboard-guard.h"
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-password-page.h"
#include "wc-token-qr-dialog.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>

#define OTP_PERIOD 30

typedef enum {
  KEY_IDLE,
  KEY_WORKING,
  KEY_FAILED_ISSUE,
  KEY_FAILED_ACTIVATE,
  KEY_DONE,
} KeyState;

typedef void (*WizardFunc) (WcMigrationWizard *self);

struct _WcMigrationWizard
{
  AdwWindow parent_instance;

  WcLoginSession *session;
  WcSettings *settings;
  char *merchant;
  GCancellable *cancellable;
  gboolean disposed;

  guint step;
  guint progress;               /* the furthest step reached */
  KeyState key_state;
  WcEnrollment *enrollment;
  WcToken *token;               /* the key of this run, for the QR code */
  WcSecret *password;           /* the main user's new-login password, this run only */
  GHashTable *initial_passwords; /* user ID -> WcSecret */
  WcClipboardGuard *clipboard;
  gint64 last_code_step;        /* the latest step whose code the portal accepted */
  guint wait_source;
  WizardFunc after_wait;
  gboolean login_busy;
  gboolean users_busy;
  gboolean relogin_tried;
  gboolean next_after_create;   /* Next asked to create the forms first */
  GtkWidget *current_form;      /* the user being created */
  GString *users_errors;

  /* Template children. */
  AdwWindowTitle *window_title;
  GtkLabel *step_label;
  GtkLabel *left_label;
  GtkStack *step_stack;
  GtkWidget *login_box;
  AdwEntryRow *merchant_row;
  AdwEntryRow *password_row;
  AdwBin *change_bin;
  GtkSpinner *key_spinner;
  GtkLabel *key_status_label;
  GtkLabel *key_error_label;
  GtkWidget *retry_button;
  GtkWidget *reissue_button;
  GtkWidget *key_qr_button;
  AdwActionRow *qr_row;
  GtkWidget *relogin_box;
  AdwEntryRow *relogin_password_row;
  GtkWidget *users_box;
  GtkBox *user_forms;
  AdwPreferencesGroup *created_group;
  GtkSpinner *users_spinner;
  GtkLabel *users_status_label;
  GtkLabel *users_error_label;
  AdwActionRow *final_merchant_row;
  AdwActionRow *final_user_row;
  AdwEntryRow *final_password_row;
  GtkSpinner *final_spinner;
  GtkLabel *final_status_label;
  GtkLabel *final_error_label;
  GtkWidget *next_button;
  GtkWidget *finish_button;
};

G_DEFINE_FINAL_TYPE (WcMigrationWizard, wc_migration_wizard, ADW_TYPE_WINDOW)

enum {
  SIGNAL_KEY_ISSUED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_step (WcMigrationWizard *self, guint step);
static void update_key_step (WcMigrationWizard *self);
static void update_users_step (WcMigrationWizard *self);
static void start_key (WcMigrationWizard *self);
static void issue_key (WcMigrationWizard *self);
static void activate_key (WcMigrationWizard *self);

/* Helpers. */

gboolean
wc_migration_wizard_is_busy (WcMigrationWizard *self)
{
  g_return_val_if_fail (WC_IS_MIGRATION_WIZARD (self), FALSE);
  return self->key_state == KEY_WORKING || self->login_busy || self->users_busy
         || self->wait_source != 0;
}

guint
wc_migration_wizard_get_step (WcMigrationWizard *self)
{
  g_return_val_if_fail (WC_IS_MIGRATION_WIZARD (self), 0);
  return self->step;
}

static WcPortalLogin *
get_login (WcMigrationWizard *self)
{
  return wc_login_session_get_login (self->session);
}

/* A new login of the main user of this merchant (restricted or not). */
static gboolean
is_main_new_login (WcMigrationWizard *self,
                   WcPortalLogin     *login)
{
  return login != NULL && login->user != NULL
         && login->method == WC_PORTAL_LOGIN_METHOD_NEW
         && g_strcmp0 (login->user->user_id, login->user->merchant_code) == 0
         && g_strcmp0 (login->user->merchant_code, self->merchant) == 0;
}

static char *
describe (WcMigrationWizard *self,
          const GError      *error)
{
  return wc_ui_describe_error (error, wc_login_session_get_status (self->session));
}

static void
update_actions (WcMigrationWizard *self)
{
  gboolean busy = wc_migration_wizard_is_busy (self);
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "wizard.back", self->step > 1 && !busy);
  gtk_widget_action_set_enabled (widget, "wizard.next",
                                 self->step < WC_MIGRATION_WIZARD_STEPS && !busy
                                 && (self->step != 2 || self->progress > 2));
  gtk_widget_action_set_enabled (widget, "wizard.finish", self->step == WC_MIGRATION_WIZARD_STEPS && !busy);
  gtk_widget_action_set_enabled (widget, "wizard.sign-in", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.retry", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.reissue", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.relogin", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.create-users", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.add-user", !busy);
  gtk_widget_action_set_enabled (widget, "wizard.show-qr", self->token != NULL);
  gtk_widget_set_visible (self->next_button, self->step < WC_MIGRATION_WIZARD_STEPS);
  gtk_widget_set_visible (self->finish_button, self->step == WC_MIGRATION_WIZARD_STEPS);
  adw_action_row_set_subtitle (self->qr_row,
                               self->token != NULL
                               ? _("Your key is ready to be shown.")
                               : _("Available once your key is issued in step 2."));
}

static GtkLabel *
status_label (WcMigrationWizard *self)
{
  switch (self->step)
    {
    case 2:
      return self->key_status_label;
    case 3:
      return self->users_status_label;
    default:
      return self->final_status_label;
    }
}

/* One-time codes. The portal takes each 30-second step's code once:
 * a login right after the activation (or another login) waits for the
 * next step. */

static gint64
code_step_now (WcMigrationWizard *self)
{
  return wc_login_session_code_step (wc_login_session_now (self->session), OTP_PERIOD);
}

static void
note_code_used (WcMigrationWizard *self)
{
  self->last_code_step = MAX (self->last_code_step, code_step_now (self));
}

static gboolean
on_wait_tick (gpointer user_data)
{
  WcMigrationWizard *self = user_data;
  WizardFunc func;
  gint64 now;
  int left;
  g_autofree char *text = NULL;

  if (code_step_now (self) > self->last_code_step)
    {
      self->wait_source = 0;
      func = self->after_wait;
      self->after_wait = NULL;
      update_actions (self);
      func (self);
      return G_SOURCE_REMOVE;
    }
  /* Until the step whose code would be sent changes. */
  now = wc_login_session_now (self->session);
  left = (int) ((wc_login_session_code_step (now, OTP_PERIOD) + 1) * OTP_PERIOD
                - (now + WC_LOGIN_SESSION_MIN_SECONDS_LEFT - 1));
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting for the next one-time password (%d second)…",
                                    "Waiting for the next one-time password (%d seconds)…", left),
                          left);
  gtk_label_set_text (status_label (self), text);
  return G_SOURCE_CONTINUE;
}

static void
run_with_fresh_code (WcMigrationWizard *self,
                     WizardFunc         func)
{
  if (code_step_now (self) > self->last_code_step)
    {
      func (self);
      return;
    }
  self->after_wait = func;
  g_clear_handle_id (&self->wait_source, g_source_remove);
  self->wait_source = g_timeout_add (500, on_wait_tick, self);
  on_wait_tick (self);
  update_actions (self);
}

/* Steps. */

static void
set_progress (WcMigrationWizard *self,
              guint              step)
{
  if (step <= self->progress)
    return;
  self->progress = step;
  if (self->merchant != NULL && *self->merchant != '\0')
    wc_settings_set_migration (self->settings, self->merchant, step);
}

static const char *
step_title (guint step)
{
  switch (step)
    {
    case 1:
      return _("Nothing to Install");
    case 2:
      return _("Your Secret Key");
    case 3:
      return _("Users for Your Staff");
    case 4:
    default:
      return _("First New Login");
    }
}

static const char *
steps_left (guint step)
{
  switch (step)
    {
    case 1:
      return _("Still to do: issue your secret key, create users, and log in with the new login.");
    case 2:
      return _("Still to do: create users, and log in with the new login.");
    case 3:
      return _("Still to do: log in with the new login.");
    case 4:
    default:
      return _("This is the last step.");
    }
}

static void
show_step (WcMigrationWizard *self,
           guint              step)
{
  g_autofree char *name = g_strdup_printf ("%u", step);
  g_autofree char *count = NULL;
  g_autofree char *title = NULL;

  self->step = CLAMP (step, 1, WC_MIGRATION_WIZARD_STEPS);
  gtk_stack_set_visible_child_name (self->step_stack, name);
  /* Translators: "Step 2 of 4". */
  count = g_strdup_printf (_("Step %u of %u"), self->step, WC_MIGRATION_WIZARD_STEPS);
  /* Translators: "Step 2 of 4", then the step's title. */
  title = g_strdup_printf (_("%s: %s"), count, step_title (self->step));
  gtk_label_set_text (self->step_label, title);
  adw_window_title_set_subtitle (self->window_title, count);
  gtk_label_set_text (self->left_label, steps_left (self->step));
  set_progress (self, self->step);

  switch (self->step)
    {
    case 2:
      update_key_step (self);
      break;
    case 3:
      update_users_step (self);
      break;
    case 4:
      adw_action_row_set_subtitle (self->final_merchant_row, self->merchant);
      adw_action_row_set_subtitle (self->final_user_row, self->merchant);
      if (self->password != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->final_password_row)) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->final_password_row), wc_secret_get_text (self->password));
      break;
    default:
      break;
    }
  update_actions (self);
}

static guint filled_forms (WcMigrationWizard *self);
static void discard_filled_forms (WcMigrationWizard *self);

static void
on_unsaved_users_response (AdwMessageDialog  *dialog,
                           const char        *response,
                           WcMigrationWizard *self)
{
  if (g_strcmp0 (response, "create") == 0)
    {
      self->next_after_create = TRUE;
      gtk_widget_activate_action (GTK_WIDGET (self), "wizard.create-users", NULL);
    }
  else if (g_strcmp0 (response, "discard") == 0)
    {
      discard_filled_forms (self);
      show_step (self, self->step + 1);
    }
}

/* Users filled in but not created: create them, discard them, or go
 * back to the forms. Never lost without a word. */
static void
ask_about_unsaved_users (WcMigrationWizard *self,
                         guint              count)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Create the Users You Entered?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "%u user is filled in but not created yet.",
                                               "%u users are filled in but not created yet.", count),
                                  count);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "back", _("_Go Back"),
                                    "discard", _("_Discard"),
                                    "create", _("C_reate and Go On"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "back");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_unsaved_users_response), self, 0);
  /* The response buttons say their labels without the mnemonic marks. */
  wc_ui_name_controls (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  guint filled;

  if (self->step >= WC_MIGRATION_WIZARD_STEPS)
    return;
  filled = self->step == 3 && gtk_widget_get_visible (self->users_box) ? filled_forms (self) : 0;
  if (filled > 0)
    {
      ask_about_unsaved_users (self, filled);
      return;
    }
  show_step (self, self->step + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);

  if (self->step > 1)
    show_step (self, self->step - 1);
}

/* Step 1 (and 2): the QR code of the key for a phone. */

static void
show_qr_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);

  if (self->token == NULL)
    return;
  gtk_window_present (GTK_WINDOW (wc_token_qr_dialog_new (GTK_WINDOW (self), self->token)));
}

/* Step 2: the secret key. */

static void
show_key_error (WcMigrationWizard *self,
                KeyState           state,
                const GError      *error,
                const char        *prefix)
{
  g_autofree char *text = describe (self, error);
  g_autofree char *full = NULL;

  self->key_state = state;
  wc_ui_set_spinning (self->key_spinner, FALSE);
  gtk_label_set_text (self->key_status_label, "");
  if (text == NULL)
    return;
  full = prefix != NULL ? g_strdup_printf ("%s %s", prefix, text) : g_strdup (text);
  wc_ui_show_notice (self->key_error_label, NULL, full);
  gtk_widget_set_visible (self->retry_button, TRUE);
  gtk_widget_set_visible (self->reissue_button,
                          state == KEY_FAILED_ACTIVATE
                          && g_strcmp0 (wc_portal_error_get_code (error), WC_PORTAL_CODE_OTP_NOT_PENDING) == 0);
  update_actions (self);
}

static void
set_key_working (WcMigrationWizard *self,
                 const char        *text)
{
  self->key_state = KEY_WORKING;
  wc_ui_set_spinning (self->key_spinner, TRUE);
  gtk_label_set_text (self->key_status_label, text);
  wc_ui_show_notice (self->key_error_label, NULL, NULL);
  gtk_widget_set_visible (self->retry_button, FALSE);
  gtk_widget_set_visible (self->reissue_button, FALSE);
  update_actions (self);
}

static void
on_activated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;

  if (!wc_enrollment_activate_finish (WC_ENROLLMENT (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  if (error != NULL)
    {
      show_key_error (self, KEY_FAILED_ACTIVATE, error,
                      _("The key could not be activated. It stays in the keyring, so nothing is lost: try again."));
      return;
    }

  note_code_used (self);
  self->key_state = KEY_DONE;
  wc_ui_set_spinning (self->key_spinner, FALSE);
  set_progress (self, 3);
  update_key_step (self);
  update_actions (self);
}

static void
activate_key (WcMigrationWizard *self)
{
  set_key_working (self, _("Confirming the key to the portal with a code made from it…"));
  wc_enrollment_activate_async (self->enrollment, self->cancellable, on_activated, self);
}

static void
on_issued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_enrollment_issue_finish (WC_ENROLLMENT (source), result, &error);

  if (token == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  if (token == NULL)
    {
      show_key_error (self, KEY_FAILED_ISSUE, error, _("The key could not be issued."));
      return;
    }
  g_set_object (&self->token, token);

  /* The key is in the keyring now; whoever listens may end the run here
   * (the tests do, as a crash would), and the next run resumes. */
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_KEY_ISSUED], 0);
  if (!self->disposed)
    activate_key (self);
  g_object_unref (self);
}

static void
issue_key (WcMigrationWizard *self)
{
  set_key_working (self, _("Issuing your secret key and keeping it in the keyring…"));
  wc_enrollment_issue_async (self->enrollment, self->cancellable, on_issued, self);
}

static void
on_resumed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_enrollment_resume_finish (WC_ENROLLMENT (source), result, &error);

  if (token == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  if (error != NULL)
    {
      show_key_error (self, KEY_FAILED_ISSUE, error, _("The keyring could not be read."));
      return;
    }
  if (token == NULL)
    {
      issue_key (self);
      return;
    }
  g_set_object (&self->token, token);
  gtk_label_set_text (self->key_status_label,
                      _("A key issued by an earlier run is waiting in the keyring. Activating it…"));
  wc_enrollment_activate_async (self->enrollment, self->cancellable, on_activated, self);
}

static void
start_key (WcMigrationWizard *self)
{
  g_clear_object (&self->enrollment);
  self->enrollment = wc_enrollment_new (self->session);
  set_key_working (self, _("Looking for a key left by an earlier run…"));
  wc_enrollment_resume_async (self->enrollment, self->cancellable, on_resumed, self);
}

static void
update_key_step (WcMigrationWizard *self)
{
  WcPortalLogin *login = get_login (self);
  gboolean need_login;
  gboolean need_change;

  if (self->key_state == KEY_WORKING || self->login_busy)
    return;

  need_login = self->progress <= 2 && !is_main_new_login (self, login);
  need_change = self->progress <= 2 && !need_login && wc_portal_login_must_change_password (login);
  gtk_widget_set_visible (self->login_box, need_login);
  gtk_widget_set_visible (GTK_WIDGET (self->change_bin), need_change);
  gtk_widget_set_visible (self->key_qr_button, self->progress > 2 && self->token != NULL);

  if (self->progress > 2)
    {
      wc_ui_set_spinning (self->key_spinner, FALSE);
      wc_ui_show_notice (self->key_error_label, NULL, NULL);
      gtk_widget_set_visible (self->retry_button, FALSE);
      gtk_widget_set_visible (self->reissue_button, FALSE);
      gtk_label_set_text (self->key_status_label,
                          _("Your secret key is active and kept in the keyring. The built-in authenticator now makes your one-time passwords."));
      return;
    }
  if (need_login)
    {
      if (*gtk_editable_get_text (GTK_EDITABLE (self->merchant_row)) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->merchant_row), self->merchant);
      gtk_label_set_text (self->key_status_label, "");
      return;
    }
  if (need_change)
    {
      GtkWidget *page = adw_bin_get_child (self->change_bin);

      /* The password typed for the first login is about to change. */
      g_clear_pointer (&self->password, wc_secret_unref);
      if (page == NULL)
        {
          page = GTK_WIDGET (wc_password_page_new ());
          adw_bin_set_child (self->change_bin, page);
        }
      wc_password_page_start (WC_PASSWORD_PAGE (page), self->session,
                              _("Your new-login password is still the one given for the first login. Choose your own now; the key is issued right after."));
      gtk_label_set_text (self->key_status_label, "");
      return;
    }
  if (self->key_state == KEY_IDLE)
    start_key (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);

  if (self->key_state == KEY_FAILED_ACTIVATE && self->enrollment != NULL)
    activate_key (self);
  else if (self->key_state == KEY_FAILED_ISSUE)
    {
      self->key_state = KEY_IDLE;
      update_key_step (self);
    }
}

static void
reissue_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);

  if (self->enrollment != NULL && self->key_state != KEY_WORKING)
    issue_key (self);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_login_session_login_finish (WC_LOGIN_SESSION (source), result, &error);

  if (login == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  self->login_busy = FALSE;
  wc_ui_set_spinning (self->key_spinner, FALSE);
  if (login == NULL)
    {
      g_autofree char *text = describe (self, error);

      gtk_label_set_text (self->key_status_label, "");
      wc_ui_show_notice (self->key_error_label, NULL, text);
      update_actions (self);
      return;
    }
  /* A first login (no key yet) sends no code. */
  if (login->otp_enrolled)
    note_code_used (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  update_key_step (self);
  update_actions (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  g_autofree char *merchant = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->merchant_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (wc_migration_wizard_is_busy (self))
    return;
  if (*merchant == '\0' || *password == '\0')
    {
      wc_ui_show_notice (self->key_error_label, NULL, *merchant == '\0' ? _("Enter the merchant code.") : _("Enter the password."));
      gtk_widget_grab_focus (GTK_WIDGET (*merchant == '\0' ? self->merchant_row : self->password_row));
      return;
    }
  if (g_strcmp0 (merchant, self->merchant) != 0)
    {
      g_free (self->merchant);
      self->merchant = g_strdup (merchant);
      self->progress = 0;
      set_progress (self, self->step);
    }
  g_clear_pointer (&self->password, wc_secret_unref);
  self->password = wc_secret_new_from_text (password);
  self->login_busy = TRUE;
  wc_ui_show_notice (self->key_error_label, NULL, NULL);
  wc_ui_set_spinning (self->key_spinner, TRUE);
  gtk_label_set_text (self->key_status_label, _("Logging in…"));
  update_actions (self);
  wc_login_session_login_async (self->session, merchant, merchant, self->password, NULL, WC_LOGIN_REMEMBER_LEAVE,
                                self->cancellable, on_signed_in, self);
}

static void
on_sign_in_activated (WcMigrationWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.sign-in", NULL);
}

/* Step 3: child users. */

/* "New User 1", "New User 2"…, in the order shown. */
static void
renumber_forms (GtkBox *forms)
{
  guint number = 0;

  for (GtkWidget *group = gtk_widget_get_first_child (GTK_WIDGET (forms)); group != NULL;
       group = gtk_widget_get_next_sibling (group))
    {
      GtkWidget *remove = g_object_get_data (G_OBJECT (group), "remove-button");
      g_autofree char *title = g_strdup_printf (_("New User %u"), ++number);
      /* Translators: "Remove New User 2". */
      g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), title);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
      gtk_widget_set_tooltip_text (remove, remove_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
    }
}

/* A form that is not wanted goes, filled in or not. */
static void
remove_user_form (GtkWidget *group)
{
  GtkWidget *box = gtk_widget_get_parent (group);

  /* Not while the forms are being created (they are insensitive then). */
  if (!GTK_IS_BOX (box) || !gtk_widget_is_sensitive (group))
    return;
  gtk_box_remove (GTK_BOX (box), group);
  renumber_forms (GTK_BOX (box));
}

static GtkWidget *
add_user_form (WcMigrationWizard *self)
{
  const char *roles[] = { _("General"), _("Shipping"), NULL };
  g_autoptr(GtkStringList) model = gtk_string_list_new (roles);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *user_row = adw_entry_row_new ();
  GtkWidget *name_row = adw_entry_row_new ();
  GtkWidget *role_row = adw_combo_row_new ();
  GtkWidget *remove;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (user_row), _("User ID"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name_row), _("Display name"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (role_row), _("Role"));
  adw_combo_row_set_model (ADW_COMBO_ROW (role_row), G_LIST_MODEL (model));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), user_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), name_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), role_row);
  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_object_set_data (G_OBJECT (group), "remove-button", remove);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (remove, "clicked", G_CALLBACK (remove_user_form), group);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), remove);
  g_object_set_data (G_OBJECT (group), "user-row", user_row);
  g_object_set_data (G_OBJECT (group), "name-row", name_row);
  g_object_set_data (G_OBJECT (group), "role-row", role_row);
  gtk_box_append (self->user_forms, group);
  renumber_forms (self->user_forms);
  wc_ui_name_controls (group);
  return group;
}

static void
add_user_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  GtkWidget *group = add_user_form (self);

  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (group), "user-row"));
}

static void
copy_password_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  WcSecret *password = g_hash_table_lookup (self->initial_passwords, g_variant_get_string (parameter, NULL));

  if (password == NULL)
    return;
  if (self->clipboard == NULL)
    self->clipboard = wc_clipboard_guard_new (gtk_widget_get_clipboard (widget));
  wc_clipboard_guard_copy (self->clipboard, wc_secret_get_text (password),
                           wc_settings_get_clipboard_clear_seconds (self->settings));
  wc_ui_show_toast (widget, _("Initial password copied. The clipboard is cleared again shortly."));
}

static const char *
role_label (const char *role)
{
  return g_strcmp0 (role, "shipping") == 0 ? _("Shipping") : _("General");
}

static void
add_created_row (WcMigrationWizard     *self,
                 const WcPortalNewUser *created,
                 const char            *user_id,
                 const char            *role)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  const char *name = created->user != NULL && created->user->display_name != NULL ? created->user->display_name : "";
  g_autofree char *title = NULL;
  g_autofree char *copy_label = NULL;

  GtkWidget *password = gtk_label_new (wc_secret_get_text (created->initial_password));

  /* Translators: user ID, display name, role. */
  title = g_strdup_printf (_("%s (%s, %s)"), user_id, name, role_label (role));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Large, monospace and selectable, as the reset dialog shows it. */
  gtk_label_set_selectable (GTK_LABEL (password), TRUE);
  gtk_widget_add_css_class (password, "title-3");
  gtk_widget_add_css_class (password, "monospace");
  gtk_widget_set_valign (password, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), password);

  copy_label = g_strdup_printf (_("Copy the initial password of %s"), user_id);
  gtk_widget_set_tooltip_text (button, _("Copy Initial Password"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "wizard.copy-password");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", user_id);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_hash_table_replace (self->initial_passwords, g_strdup (user_id), wc_secret_ref (created->initial_password));
  adw_preferences_group_add (self->created_group, row);
  gtk_widget_set_visible (GTK_WIDGET (self->created_group), TRUE);
}

static void create_next_user (WcMigrationWizard *self);

static const char *
form_text (GtkWidget  *form,
           const char *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (form), row)));
}

static const char *
form_role (GtkWidget *form)
{
  AdwComboRow *row = g_object_get_data (G_OBJECT (form), "role-row");

  return adw_combo_row_get_selected (row) == 1 ? "shipping" : "general";
}

static void
on_user_created (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalNewUser) created = wc_login_session_new_user_finish (WC_LOGIN_SESSION (source), result, &error);
  g_autofree char *user_id = NULL;
  GtkWidget *form;

  if (created == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  form = g_steal_pointer (&self->current_form);
  user_id = g_strstrip (g_strdup (form_text (form, "user-row")));

  if (created == NULL)
    {
      g_autofree char *text = describe (self, error);

      if (self->users_errors->len > 0)
        g_string_append_c (self->users_errors, '\n');
      /* Translators: a user ID, then why it could not be created. */
      g_string_append_printf (self->users_errors, _("%s was not created: %s"), user_id, text);
      gtk_widget_add_css_class (g_object_get_data (G_OBJECT (form), "user-row"), "error");
    }
  else
    {
      add_created_row (self, created, user_id, form_role (form));
      gtk_box_remove (self->user_forms, form);
      renumber_forms (self->user_forms);
    }
  g_object_unref (form);
  create_next_user (self);
}

static guint
filled_forms (WcMigrationWizard *self)
{
  guint count = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_forms));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (*form_text (child, "user-row") != '\0')
      count++;
  return count;
}

static void
discard_filled_forms (WcMigrationWizard *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_forms));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (*form_text (child, "user-row") != '\0')
        gtk_box_remove (self->user_forms, child);
      child = next;
    }
  renumber_forms (self->user_forms);
}

static void
create_next_user (WcMigrationWizard *self)
{
  GtkWidget *form = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_forms));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (*form_text (child, "user-row") != '\0' && g_object_get_data (G_OBJECT (child), "tried") == NULL)
      {
        form = child;
        break;
      }

  if (form == NULL)
    {
      self->users_busy = FALSE;
      wc_ui_set_sensitive (GTK_WIDGET (self->user_forms), TRUE);
      wc_ui_set_spinning (self->users_spinner, FALSE);
      gtk_label_set_text (self->users_status_label, "");
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_forms));
           child != NULL; child = gtk_widget_get_next_sibling (child))
        g_object_set_data (G_OBJECT (child), "tried", NULL);
      wc_ui_show_notice (self->users_error_label, NULL, self->users_errors->str);
      if (self->next_after_create && self->users_errors->len == 0)
        {
          self->next_after_create = FALSE;
          update_actions (self);
          show_step (self, self->step + 1);
          return;
        }
      self->next_after_create = FALSE;
      if (gtk_widget_get_first_child (GTK_WIDGET (self->user_forms)) == NULL)
        {
          add_user_form (self);
        }
      update_actions (self);
      return;
    }

  g_object_set_data (G_OBJECT (form), "tried", GINT_TO_POINTER (TRUE));
  gtk_widget_remove_css_class (g_object_get_data (G_OBJECT (form), "user-row"), "error");
  user_id = g_strstrip (g_strdup (form_text (form, "user-row")));
  name = g_strstrip (g_strdup (form_text (form, "name-row")));
  self->current_form = g_object_ref (form);
  /* Translators: %s is a user ID. */
  text = g_strdup_printf (_("Creating %s…"), user_id);
  gtk_label_set_text (self->users_status_label, text);
  wc_login_session_create_user_async (self->session, user_id,
                                      *name != '\0' ? name : user_id, form_role (form),
                                      self->cancellable, on_user_created, self);
}

static void
create_users_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  gboolean any = FALSE;

  if (wc_migration_wizard_is_busy (self))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_forms));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    any |= *form_text (child, "user-row") != '\0';
  if (!any)
    {
      wc_ui_show_notice (self->users_error_label, NULL, _("Enter a user ID for each user to create, or go on with Next to create users later."));
      return;
    }
  g_string_truncate (self->users_errors, 0);
  wc_ui_show_notice (self->users_error_label, NULL, NULL);
  self->users_busy = TRUE;
  wc_ui_set_sensitive (GTK_WIDGET (self->user_forms), FALSE);
  wc_ui_set_spinning (self->users_spinner, TRUE);
  update_actions (self);
  create_next_user (self);
}

/* Steps 3 and 4 log in again, each showing it in its own widgets. */

static void
start_login (WcMigrationWizard   *self,
             GtkSpinner          *spinner,
             GtkLabel            *status_label,
             GtkLabel            *error_label,
             const char          *status,
             GAsyncReadyCallback  callback)
{
  self->login_busy = TRUE;
  wc_ui_show_notice (error_label, NULL, NULL);
  wc_ui_set_spinning (spinner, TRUE);
  gtk_label_set_text (status_label, status);
  update_actions (self);
  /* Opened from a first login whose password changed in the window: the
   * session still holds that password. */
  if (self->password == NULL)
    wc_login_session_relogin_async (self->session, self->cancellable, callback, self);
  else
    wc_login_session_login_async (self->session, self->merchant, self->merchant, self->password, NULL,
                                  WC_LOGIN_REMEMBER_LEAVE, self->cancellable, callback, self);
}

/* Ends a login that start_login() began (not a cancelled one: the wizard
 * may be gone then). Returns FALSE when it failed, which @error_label
 * says; a session the portal still limits is said there as well. */
static gboolean
end_login (WcMigrationWizard *self,
           WcPortalLogin     *login,
           const GError      *error,
           GtkSpinner        *spinner,
           GtkLabel          *status_label,
           GtkLabel          *error_label,
           GtkWidget         *password_row)
{
  self->login_busy = FALSE;
  wc_ui_set_spinning (spinner, FALSE);
  gtk_label_set_text (status_label, "");
  if (login == NULL)
    {
      g_autofree char *text = describe (self, error);

      wc_ui_show_notice (error_label, NULL, text);
      update_actions (self);
      return FALSE;
    }
  note_code_used (self);
  gtk_editable_set_text (GTK_EDITABLE (password_row), "");
  if (login->restricted)
    wc_ui_show_notice (error_label, NULL,
                       _("The portal still limits this session: the key or the password is not set up yet. Go back to step 2."));
  return TRUE;
}

static void
on_relogged_in (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_login_session_login_finish (WC_LOGIN_SESSION (source), result, &error);

  if (login == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  if (!end_login (self, login, error, self->users_spinner, self->users_status_label,
                  self->users_error_label, GTK_WIDGET (self->relogin_password_row)))
    return;
  update_users_step (self);
  update_actions (self);
}

static void
relogin (WcMigrationWizard *self)
{
  self->relogin_tried = TRUE;
  start_login (self, self->users_spinner, self->users_status_label, self->users_error_label,
               _("Logging in with the new key…"), on_relogged_in);
}

static void
relogin_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->relogin_password_row));

  if (wc_migration_wizard_is_busy (self))
    return;
  if (*typed != '\0')
    {
      g_clear_pointer (&self->password, wc_secret_unref);
      self->password = wc_secret_new_from_text (typed);
    }
  if (self->password == NULL && !wc_login_session_has_login_password (self->session))
    {
      wc_ui_show_notice (self->users_error_label, NULL, _("Enter the password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->relogin_password_row));
      return;
    }
  run_with_fresh_code (self, relogin);
}

static void
on_relogin_activated (WcMigrationWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.relogin", NULL);
}

static void
update_users_step (WcMigrationWizard *self)
{
  WcPortalLogin *login = get_login (self);
  gboolean full = is_main_new_login (self, login) && !login->restricted;

  if (self->login_busy || self->wait_source != 0)
    return;
  gtk_widget_set_visible (self->relogin_box, !full);
  gtk_widget_set_visible (self->users_box, full);
  if (full && gtk_widget_get_first_child (GTK_WIDGET (self->user_forms)) == NULL)
    add_user_form (self);
  /* The password of step 2 is still at hand: no need to ask again. */
  if (!full && (self->password != NULL || wc_login_session_has_login_password (self->session))
      && !self->relogin_tried && self->step == 3)
    run_with_fresh_code (self, relogin);
}

/* Step 4: the first real new login. */

/* Done: the window shows the logged-in page by itself. */
static void
complete (WcMigrationWizard *self)
{
  wc_settings_clear_migration (self->settings);
  wc_ui_show_toast (gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL
                    ? GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))) : GTK_WIDGET (self),
                    _("You are logged in with the new login. The switch is complete."));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WcMigrationWizard *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) login = wc_login_session_login_finish (WC_LOGIN_SESSION (source), result, &error);

  if (login == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_MIGRATION_WIZARD (user_data);
  if (!end_login (self, login, error, self->final_spinner, self->final_status_label,
                  self->final_error_label, GTK_WIDGET (self->final_password_row)))
    return;
  if (login->restricted)
    {
      update_actions (self);
      return;
    }
  complete (self);
}

static void
finish_login (WcMigrationWizard *self)
{
  start_login (self, self->final_spinner, self->final_status_label, self->final_error_label,
               _("Logging in…"), on_finished);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (widget);
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->final_password_row));

  if (wc_migration_wizard_is_busy (self) || self->step != WC_MIGRATION_WIZARD_STEPS)
    return;
  /* Step 3 already logged in with the new login and a code from the new
   * key: that session is the switch's first new login. */
  if (*typed == '\0' && is_main_new_login (self, get_login (self)) && !get_login (self)->restricted)
    {
      complete (self);
      return;
    }
  if (*typed == '\0')
    {
      wc_ui_show_notice (self->final_error_label, NULL, _("Enter the password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->final_password_row));
      return;
    }
  g_clear_pointer (&self->password, wc_secret_unref);
  self->password = wc_secret_new_from_text (typed);
  run_with_fresh_code (self, finish_login);
}

static void
on_finish_activated (WcMigrationWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.finish", NULL);
}

/* The session. */

static void
on_login_changed (WcLoginSession    *session,
                  GParamSpec        *pspec,
                  WcMigrationWizard *self)
{
  /* A password changed on step 2, a logout, an idle end. */
  if (self->step == 2)
    update_key_step (self);
  else if (self->step == 3)
    update_users_step (self);
  update_actions (self);
}

/* The object. */

static void
wc_migration_wizard_dispose (GObject *object)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->wait_source, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->enrollment);
  g_clear_object (&self->token);
  g_clear_object (&self->current_form);
  g_clear_object (&self->clipboard);
  g_clear_pointer (&self->password, wc_secret_unref);
  g_clear_pointer (&self->initial_passwords, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), WC_TYPE_MIGRATION_WIZARD);
  G_OBJECT_CLASS (wc_migration_wizard_parent_class)->dispose (object);
}

static void
wc_migration_wizard_finalize (GObject *object)
{
  WcMigrationWizard *self = WC_MIGRATION_WIZARD (object);

  g_clear_object (&self->cancellable);
  g_free (self->merchant);
  g_string_free (self->users_errors, TRUE);
  G_OBJECT_CLASS (wc_migration_wizard_parent_class)->finalize (object);
}

static void
wc_migration_wizard_class_init (WcMigrationWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wc_migration_wizard_dispose;
  object_class->finalize = wc_migration_wizard_finalize;

  /* The key is issued and in the keyring; its activation comes next. */
  signals[SIGNAL_KEY_ISSUED] = g_signal_new ("key-issued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-migration-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, step_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, left_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, step_stack);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, login_box);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, merchant_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, password_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, change_bin);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, key_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, key_status_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, key_error_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, retry_button);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, reissue_button);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, key_qr_button);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, qr_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, relogin_box);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, relogin_password_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, users_box);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, user_forms);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, created_group);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, users_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, users_status_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, users_error_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_merchant_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_user_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_password_row);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_spinner);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_status_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, final_error_label);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, WcMigrationWizard, finish_button);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_relogin_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_finish_activated);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.show-qr", NULL, show_qr_action);
  gtk_widget_class_install_action (widget_class, "wizard.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "wizard.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "wizard.reissue", NULL, reissue_action);
  gtk_widget_class_install_action (widget_class, "wizard.relogin", NULL, relogin_action);
  gtk_widget_class_install_action (widget_class, "wizard.add-user", NULL, add_user_action);
  gtk_widget_class_install_action (widget_class, "wizard.create-users", NULL, create_users_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy-password", "s", copy_password_action);
  gtk_widget_class_install_action (widget_class, "wizard.finish", NULL, finish_action);
}

static void
wc_migration_wizard_init (WcMigrationWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  wc_ui_close_on_escape (GTK_WINDOW (self));
  self->cancellable = g_cancellable_new ();
  self->users_errors = g_string_new (NULL);
  self->initial_passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) wc_secret_unref);
}

WcMigrationWizard *
wc_migration_wizard_new (GtkWindow      *parent,
                         WcLoginSession *session,
                         WcSettings     *settings,
                         const char     *merchant_code)
{
  WcMigrationWizard *self;
  WcPortalLogin *login;
  g_autofree char *stored = NULL;
  guint stored_step;
  guint step = 1;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (WC_IS_LOGIN_SESSION (session), NULL);
  g_return_val_if_fail (WC_IS_SETTINGS (settings), NULL);

  self = g_object_new (WC_TYPE_MIGRATION_WIZARD, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);

  login = wc_login_session_get_login (session);
  stored = wc_settings_dup_migration_merchant (settings);
  stored_step = wc_settings_get_migration_step (settings);
  if (merchant_code != NULL && *merchant_code != '\0')
    self->merchant = g_strdup (merchant_code);
  else if (login != NULL && login->user != NULL)
    self->merchant = g_strdup (login->user->merchant_code);
  else
    self->merchant = g_strdup (stored);

  /* A switch under way for this merchant goes on where it stopped; a
   * first login whose password is changed goes straight on to the key. */
  if (stored_step > 0 && g_strcmp0 (stored, self->merchant) == 0)
    {
      step = stored_step;
      self->progress = stored_step;
    }
  else if (wc_login_session_get_next_action (session) == WC_LOGIN_NEXT_SET_UP_KEY)
    step = 2;
  g_signal_connect (session, "notify::login", G_CALLBACK (on_login_changed), self);
  show_step (self, step);
  return self;
}
