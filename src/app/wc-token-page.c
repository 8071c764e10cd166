/* wc-token-page.c: the authenticator page. It lists the keyring's tokens
 * once it is shown (never before the first frame), redraws the codes at
 * most once a second from one timer aligned to the second boundary while
 * it is visible, and offers copying, adding, renaming, removing and the
 * QR export as actions. Codes are made at portal time. */
#include "wc-token-page.h"
#include "wc-add-token-dialog.h"
#include "wc-token-qr-dialog.h"
#include "wc-error.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>

#define DEFAULT_CLEAR_SECONDS 30

struct _WcTokenPage
{
  AdwBin parent_instance;

  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkButton *unlock_button;
  GtkScrolledWindow *scrolled;
  GtkLabel *skew_label;
  GtkListBox *list_box;

  WcTokenStore *store;
  WcSettings *settings;
  WcLoginSession *session;          /* for portal time */

  GCancellable *cancellable;        /* renames, removals, unlocks */
  GCancellable *load_cancellable;   /* the listing under way, if any */
  gboolean needs_load;

  guint tick_id;
  GdkSurface *surface;              /* watched for minimizing */
  gboolean has_totp;
  gint64 shown_skew;

  char *focus_uuid;                 /* restored after a reload */
  double scroll_value;

  WcClipboardGuard *guard;
  GtkWindow *add_dialog;            /* weak */
};

G_DEFINE_FINAL_TYPE (WcTokenPage, wc_token_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_ticking (WcTokenPage *self);

/* Rows and time */

static gint64
page_now (WcTokenPage *self)
{
  if (self->session != NULL)
    return wc_login_session_now (self->session);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
update_skew_notice (WcTokenPage *self)
{
  gint64 skew = 0;
  gint64 magnitude;

  if (self->session != NULL && wc_login_session_get_clock_offset (self->session, &skew))
    skew /= G_USEC_PER_SEC;
  magnitude = ABS (skew);
  if (magnitude <= WC_LOGIN_SESSION_SKEW_WARNING)
    skew = 0;
  if (skew == self->shown_skew)
    return;

  self->shown_skew = skew;
  if (skew != 0)
    {
      g_autofree char *text = NULL;
      int seconds = (int) MIN (magnitude, G_MAXINT);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "This computer's clock is off by %d second. Codes are made at the portal's time, but other sites may refuse them. Set the clock automatically in the system settings.",
                                        "This computer's clock is off by %d seconds. Codes are made at the portal's time, but other sites may refuse them. Set the clock automatically in the system settings.",
                                        seconds),
                              seconds);
      gtk_label_set_label (self->skew_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->skew_label), skew != 0);
}

static void
tick (WcTokenPage *self)
{
  gint64 now = page_now (self);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (WC_IS_TOKEN_ROW (child))
      wc_token_row_update (WC_TOKEN_ROW (child), now);
  update_skew_notice (self);
}

static guint
ms_to_next_second (WcTokenPage *self)
{
  gint64 us = g_get_real_time ();
  gint64 offset = 0;

  if (self->session != NULL && wc_login_session_get_clock_offset (self->session, &offset))
    us += offset;
  /* A few milliseconds late rather than early, so that the tick lands in
   * the new second. */
  return (guint) (1000 - (us / 1000) % 1000) + 5;
}

static gboolean
on_tick (gpointer user_data)
{
  WcTokenPage *self = user_data;

  self->tick_id = 0;
  tick (self);
  update_ticking (self);
  return G_SOURCE_REMOVE;
}

static gboolean
is_minimized (WcTokenPage *self)
{
  return self->surface != NULL && GDK_IS_TOPLEVEL (self->surface)
         && (gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED) != 0;
}

static void
update_ticking (WcTokenPage *self)
{
  gboolean wanted = gtk_widget_get_mapped (GTK_WIDGET (self)) && !is_minimized (self)
                    && (self->has_totp || self->session != NULL)
                    && gtk_widget_get_first_child (GTK_WIDGET (self->list_box)) != NULL;

  if (!wanted)
    {
      g_clear_handle_id (&self->tick_id, g_source_remove);
      return;
    }
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_full (G_PRIORITY_DEFAULT, ms_to_next_second (self),
                                        on_tick, self, NULL);
}

static void
on_surface_state (WcTokenPage *self)
{
  gboolean was_ticking = self->tick_id != 0;

  update_ticking (self);
  /* Coming back from minimized: show current codes at once. */
  if (!was_ticking && self->tick_id != 0)
    tick (self);
}

static WcTokenRow *
row_for_uuid (WcTokenPage *self,
              const char  *uuid)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (WC_IS_TOKEN_ROW (child)
        && g_strcmp0 (wc_token_row_get_uuid (WC_TOKEN_ROW (child)), uuid) == 0)
      return WC_TOKEN_ROW (child);
  return NULL;
}

static GtkWindow *
parent_window (WcTokenPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_failure (WcTokenPage  *self,
              const GError *error)
{
  wc_ui_show_failure (GTK_WIDGET (self), error, NULL);
}

/* Loading */

static void
clear_rows (WcTokenPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->has_totp = FALSE;
}

static void
remember_position (WcTokenPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, WC_TYPE_TOKEN_ROW) : NULL;

  if (row != NULL && gtk_widget_is_ancestor (row, GTK_WIDGET (self->list_box)) && self->focus_uuid == NULL)
    self->focus_uuid = g_strdup (wc_token_row_get_uuid (WC_TOKEN_ROW (row)));
  self->scroll_value = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scrolled));
}

static void
restore_position (WcTokenPage *self)
{
  WcTokenRow *row = self->focus_uuid != NULL ? row_for_uuid (self, self->focus_uuid) : NULL;

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), self->scroll_value);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
  g_clear_pointer (&self->focus_uuid, g_free);
}

static void
show_list_error (WcTokenPage  *self,
                 const GError *error)
{
  g_autofree char *described = wc_ui_describe_error (error, NULL);
  gboolean locked = g_error_matches (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED)
                    || g_error_matches (error, WC_STORE_ERROR, WC_STORE_ERROR_UNLOCK_REFUSED);

  if (g_error_matches (error, WC_STORE_ERROR, WC_STORE_ERROR_NO_SERVICE))
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-password-symbolic");
      adw_status_page_set_title (self->error_page, _("No Keyring Is Running"));
      adw_status_page_set_description (self->error_page,
                                       _("Tokens are kept in the desktop's keyring, and no keyring service answers. Start GNOME Keyring, or log in to a desktop session that starts one, then try again."));
    }
  else if (locked)
    {
      adw_status_page_set_icon_name (self->error_page, "system-lock-screen-symbolic");
      adw_status_page_set_title (self->error_page, _("The Keyring Is Locked"));
      adw_status_page_set_description (self->error_page,
                                       g_error_matches (error, WC_STORE_ERROR, WC_STORE_ERROR_UNLOCK_REFUSED)
                                       ? described
                                       : _("Your tokens are in a locked keyring. Unlock it with your login password to see the codes."));
    }
  else
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->error_page, _("Cannot Read the Tokens"));
      adw_status_page_set_description (self->error_page, described);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_button), locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), TRUE);
  clear_rows (self);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
populate (WcTokenPage *self,
          GPtrArray   *tokens)
{
  clear_rows (self);
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);
      WcTokenRow *row = wc_token_row_new (token);

      if (wc_token_is_readable (token) && wc_token_get_otp_type (token) == WC_OTP_TYPE_TOTP)
        self->has_totp = TRUE;
      gtk_list_box_append (self->list_box, GTK_WIDGET (row));
    }
  gtk_stack_set_visible_child_name (self->stack, tokens->len > 0 ? "list" : "empty");
  tick (self);
  restore_position (self);
  update_ticking (self);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(WcTokenPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (tokens == NULL)
    {
      g_debug ("listing the tokens failed: %s", error->message);
      show_list_error (self, error);
      return;
    }
  g_debug ("listed %u tokens", tokens->len);
  populate (self, tokens);
}

static void
start_load (WcTokenPage *self)
{
  g_assert (self->store != NULL);

  self->needs_load = FALSE;
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  /* A reload keeps the list in view; only a first load shows a spinner. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") == 0)
    remember_position (self);
  else
    {
      gtk_spinner_set_spinning (self->spinner, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  wc_token_store_list_async (self->store, self->load_cancellable, on_listed, g_object_ref (self));
}

static void
maybe_load (WcTokenPage *self)
{
  if (self->needs_load && self->store != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_load (self);
}

void
wc_token_page_reload (WcTokenPage *self)
{
  g_return_if_fail (WC_IS_TOKEN_PAGE (self));

  self->needs_load = TRUE;
  maybe_load (self);
}

/* Copying */

static gboolean
copy_row (WcTokenPage *self,
          WcTokenRow  *row)
{
  const char *code = wc_token_row_get_code (row);
  g_autofree char *text = NULL;
  guint delay;

  if (code == NULL)
    {
      if (wc_token_is_readable (wc_token_row_get_token (row)))
        wc_ui_show_toast (GTK_WIDGET (self), _("Press “Next Code” to get a code first."));
      return FALSE;
    }
  if (self->guard == NULL)
    self->guard = wc_clipboard_guard_new (gtk_widget_get_clipboard (GTK_WIDGET (self)));
  delay = self->settings != NULL ? wc_settings_get_clipboard_clear_seconds (self->settings) : DEFAULT_CLEAR_SECONDS;
  wc_clipboard_guard_copy (self->guard, code, delay);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Code copied. It is removed from the clipboard in %u second.",
                                    "Code copied. It is removed from the clipboard in %u seconds.",
                                    delay),
                          delay);
  wc_ui_show_toast (GTK_WIDGET (self), text);
  return TRUE;
}

gboolean
wc_token_page_copy_selected (WcTokenPage *self)
{
  GtkRoot *root;
  GtkWidget *focus;
  GtkWidget *row = NULL;
  GtkWidget *first;

  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), FALSE);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  if (focus != NULL)
    row = gtk_widget_get_ancestor (focus, WC_TYPE_TOKEN_ROW);
  if (row != NULL && !gtk_widget_is_ancestor (row, GTK_WIDGET (self->list_box)))
    row = NULL;

  /* With a single token there is nothing to choose. */
  first = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
  if (row == NULL && first != NULL && gtk_widget_get_next_sibling (first) == NULL
      && gtk_widget_get_mapped (first))
    row = first;

  if (row == NULL || !WC_IS_TOKEN_ROW (row))
    return FALSE;
  return copy_row (self, WC_TOKEN_ROW (row));
}

/* Operations on one token */

typedef struct {
  WcTokenPage *self;
  char *uuid;
} Operation;

static Operation *
operation_new (WcTokenPage *self,
               const char  *uuid)
{
  Operation *op = g_new0 (Operation, 1);
  WcTokenRow *row = row_for_uuid (self, uuid);

  op->self = g_object_ref (self);
  op->uuid = g_strdup (uuid);
  if (row != NULL)
    wc_token_row_set_busy (row, TRUE);
  return op;
}

static void
operation_free (Operation *op)
{
  WcTokenRow *row = row_for_uuid (op->self, op->uuid);

  if (row != NULL)
    wc_token_row_set_busy (row, FALSE);
  g_clear_object (&op->self);
  g_free (op->uuid);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Operation, operation_free)

static void
on_next_code (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;
  char *code = wc_token_store_next_hotp_code_finish (WC_TOKEN_STORE (source), result, &error);
  WcTokenRow *row;

  if (code == NULL)
    {
      show_failure (op->self, error);
      return;
    }
  row = row_for_uuid (op->self, op->uuid);
  if (row != NULL)
    wc_token_row_set_hotp_code (row, code);
  wc_secure_str_free (code);
}

static void
on_renamed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_token_store_rename_finish (WC_TOKEN_STORE (source), result, &error))
    {
      show_failure (op->self, error);
      return;
    }
  wc_ui_show_toast (GTK_WIDGET (op->self), _("Token renamed"));
  g_free (op->self->focus_uuid);
  op->self->focus_uuid = g_strdup (op->uuid);
  wc_token_page_reload (op->self);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Operation) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_token_store_remove_finish (WC_TOKEN_STORE (source), result, &error))
    {
      show_failure (op->self, error);
      return;
    }
  wc_ui_show_toast (GTK_WIDGET (op->self), _("Token removed"));
  wc_token_page_reload (op->self);
}

typedef struct {
  WcTokenPage *self;
  WcToken *token;
  GtkEditable *issuer;
  GtkEditable *account;
} RenameData;

static void
rename_data_free (gpointer data,
                  GClosure *closure)
{
  RenameData *rename = data;

  g_clear_object (&rename->self);
  g_clear_object (&rename->token);
  g_free (rename);
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    RenameData       *rename)
{
  WcTokenPage *self = rename->self;

  /* The entries go away with the dialog: let them lose focus first. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (g_strcmp0 (response, "rename") != 0 || self->store == NULL)
    return;
  wc_token_store_rename_async (self->store, rename->token,
                               gtk_editable_get_text (rename->issuer),
                               gtk_editable_get_text (rename->account),
                               self->cancellable, on_renamed,
                               operation_new (self, wc_token_get_uuid (rename->token)));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    WcTokenPage      *self)
{
  WcToken *token = g_object_get_data (G_OBJECT (dialog), "token");

  if (g_strcmp0 (response, "remove") != 0 || self->store == NULL)
    return;
  wc_token_store_remove_async (self->store, token, self->cancellable, on_removed,
                               operation_new (self, wc_token_get_uuid (token)));
}

static GtkEditable *
add_entry_row (GtkListBox *list,
               const char *title,
               const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  gtk_list_box_append (list, row);
  return GTK_EDITABLE (row);
}

static void
show_rename_dialog (WcTokenPage *self,
                    WcToken     *token)
{
  AdwMessageDialog *dialog;
  GtkWidget *list;
  RenameData *rename = g_new0 (RenameData, 1);

  dialog = wc_ui_question_new (parent_window (self), _("Rename Token"),
                               _("Change the names the token is listed under. Its secret key and codes stay the same."),
                               "cancel", _("_Cancel"), "rename", _("_Rename"), ADW_RESPONSE_SUGGESTED, TRUE);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  rename->self = g_object_ref (self);
  rename->token = g_object_ref (token);
  rename->issuer = add_entry_row (GTK_LIST_BOX (list), _("Issuer"), wc_token_get_issuer (token));
  rename->account = add_entry_row (GTK_LIST_BOX (list), _("Account"), wc_token_get_account (token));
  adw_message_dialog_set_extra_child (dialog, list);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_rename_response), rename,
                         rename_data_free, 0);
  /* Typing goes into the names, not onto a button. */
  wc_ui_focus_on_show (GTK_WINDOW (dialog), GTK_WIDGET (rename->issuer));
  wc_ui_present_question (dialog);
}

static void
show_remove_dialog (WcTokenPage *self,
                    WcToken     *token)
{
  AdwMessageDialog *dialog;

  dialog = wc_ui_question_new (parent_window (self), _("Remove Token?"), NULL,
                               "cancel", _("_Cancel"), "remove", _("R_emove"), ADW_RESPONSE_DESTRUCTIVE, FALSE);
  /* Translators: the token's name, e.g. "ACME (alice)". */
  adw_message_dialog_format_body (dialog,
                                  _("“%s” and its secret key are removed from the keyring. Its codes can no longer be made here, so make sure you can still log in another way, for example with a backup device."),
                                  wc_token_get_label (token));
  g_object_set_data_full (G_OBJECT (dialog), "token", g_object_ref (token), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  wc_ui_present_question (dialog);
}

/* Actions */

static WcTokenRow *
row_for_parameter (WcTokenPage *self,
                   GVariant    *parameter)
{
  WcTokenRow *row = row_for_uuid (self, g_variant_get_string (parameter, NULL));

  if (row == NULL)
    g_debug ("no row for the token the action names");
  return row;
}

static void
on_token_added (WcAddTokenDialog *dialog,
                WcToken          *token,
                WcTokenPage      *self)
{
  wc_ui_show_toast (GTK_WIDGET (self), _("Token added"));
  g_free (self->focus_uuid);
  self->focus_uuid = g_strdup (wc_token_get_uuid (token));
  wc_token_page_reload (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcAddTokenDialog *dialog;

  if (self->store == NULL)
    return;
  if (self->add_dialog != NULL)
    {
      gtk_window_present (self->add_dialog);
      return;
    }
  dialog = wc_add_token_dialog_new (parent_window (self), self->store);
  g_signal_connect_object (dialog, "token-added", G_CALLBACK (on_token_added), self, 0);
  g_set_weak_pointer (&self->add_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  wc_token_page_reload (WC_TOKEN_PAGE (widget));
}

static void
on_unlocked (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(WcTokenPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_token_store_unlock_finish (WC_TOKEN_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_list_error (self, error);
      return;
    }
  wc_token_page_reload (self);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);

  if (self->store == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), FALSE);
  wc_token_store_unlock_async (self->store, self->cancellable, on_unlocked, g_object_ref (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcTokenRow *row = row_for_parameter (self, parameter);

  if (row != NULL)
    copy_row (self, row);
}

static void
next_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcTokenRow *row = row_for_parameter (self, parameter);

  if (row == NULL || self->store == NULL)
    return;
  wc_token_store_next_hotp_code_async (self->store, wc_token_row_get_token (row), self->cancellable,
                                       on_next_code, operation_new (self, wc_token_row_get_uuid (row)));
}

static void
show_qr_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcTokenRow *row = row_for_parameter (self, parameter);
  WcTokenQrDialog *dialog;

  if (row == NULL || !wc_token_is_readable (wc_token_row_get_token (row)))
    return;
  dialog = wc_token_qr_dialog_new (parent_window (self), wc_token_row_get_token (row));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcTokenRow *row = row_for_parameter (self, parameter);

  if (row != NULL && wc_token_is_readable (wc_token_row_get_token (row)))
    show_rename_dialog (self, wc_token_row_get_token (row));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  WcTokenRow *row = row_for_parameter (self, parameter);

  if (row != NULL)
    show_remove_dialog (self, wc_token_row_get_token (row));
}

/* GObject and GtkWidget */

static void
set_store (WcTokenPage  *self,
           WcTokenStore *store)
{
  if (!g_set_object (&self->store, store))
    return;
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  clear_rows (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.add", store != NULL);
  self->needs_load = store != NULL;
  maybe_load (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
set_session (WcTokenPage    *self,
             WcLoginSession *session)
{
  if (!g_set_object (&self->session, session))
    return;
  /* Portal time may differ from local time: redraw at once, and align
   * the timer to the new seconds. */
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tick (self);
  update_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
wc_token_page_map (GtkWidget *widget)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (wc_token_page_parent_class)->map (widget);

  native = gtk_widget_get_native (widget);
  if (native != NULL && gtk_native_get_surface (native) != NULL)
    {
      g_set_object (&self->surface, gtk_native_get_surface (native));
      g_signal_connect_object (self->surface, "notify::state", G_CALLBACK (on_surface_state),
                               self, G_CONNECT_SWAPPED);
    }
  maybe_load (self);
  tick (self);
  update_ticking (self);
}

static void
wc_token_page_unmap (GtkWidget *widget)
{
  WcTokenPage *self = WC_TOKEN_PAGE (widget);

  if (self->surface != NULL)
    g_signal_handlers_disconnect_by_func (self->surface, on_surface_state, self);
  g_clear_object (&self->surface);
  g_clear_handle_id (&self->tick_id, g_source_remove);

  GTK_WIDGET_CLASS (wc_token_page_parent_class)->unmap (widget);
}

static void
wc_token_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WcTokenPage *self = WC_TOKEN_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_token_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WcTokenPage *self = WC_TOKEN_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      if (g_set_object (&self->settings, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SESSION:
      set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wc_token_page_dispose (GObject *object)
{
  WcTokenPage *self = WC_TOKEN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_object (&self->surface);
  g_clear_weak_pointer (&self->add_dialog);
  g_clear_object (&self->guard);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->load_cancellable);


  G_OBJECT_CLASS (wc_token_page_parent_class)->dispose (object);
}

static void
wc_token_page_finalize (GObject *object)
{
  WcTokenPage *self = WC_TOKEN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->focus_uuid);

  G_OBJECT_CLASS (wc_token_page_parent_class)->finalize (object);
}

static void
wc_token_page_class_init (WcTokenPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wc_token_page_get_property;
  object_class->set_property = wc_token_page_set_property;
  object_class->dispose = wc_token_page_dispose;
  object_class->finalize = wc_token_page_finalize;
  widget_class->map = wc_token_page_map;
  widget_class->unmap = wc_token_page_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, WC_TYPE_TOKEN_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, WC_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, WC_TYPE_LOGIN_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-token-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, skew_label);
  gtk_widget_class_bind_template_child (widget_class, WcTokenPage, list_box);

  gtk_widget_class_install_action (widget_class, "tokens.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "tokens.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "tokens.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "tokens.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "tokens.next-code", "s", next_code_action);
  gtk_widget_class_install_action (widget_class, "tokens.show-qr", "s", show_qr_action);
  gtk_widget_class_install_action (widget_class, "tokens.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "tokens.remove", "s", remove_action);
}

static void
wc_token_page_init (WcTokenPage *self)
{
  g_type_ensure (WC_TYPE_TOKEN_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.add", FALSE);
}

WcTokenPage *
wc_token_page_new (void)
{
  return g_object_new (WC_TYPE_TOKEN_PAGE, NULL);
}

const char *
wc_token_page_get_state (WcTokenPage *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
wc_token_page_is_loading (WcTokenPage *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), FALSE);
  return self->load_cancellable != NULL || self->needs_load;
}

WcTokenRow *
wc_token_page_find_row (WcTokenPage *self,
                        const char  *uuid)
{
  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), NULL);
  return row_for_uuid (self, uuid);
}

guint
wc_token_page_get_n_rows (WcTokenPage *self)
{
  guint n = 0;

  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), 0);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

GtkWindow *
wc_token_page_get_add_dialog (WcTokenPage *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), NULL);
  return self->add_dialog;
}

WcClipboardGuard *
wc_token_page_get_clipboard_guard (WcTokenPage *self)
{
  g_return_val_if_fail (WC_IS_TOKEN_PAGE (self), NULL);
  return self->guard;
}
