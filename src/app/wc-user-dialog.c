/* wc-user-dialog.c: the form for creating, renaming or re-roling a child
 * user. The page that opens it sends the form on "submit"; meanwhile the
 * dialog stays open, insensitive, with a spinner, and a refusal comes
 * back to the row it names (the portal's "field"). */
#include "wc-user-dialog.h"
#include "wc-ui-util.h"
#include "wc-ui-window.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The portal's pattern for a user ID: ^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$.
 * The portal checks it again; here it only keeps Create insensitive. */
#define USER_ID_MAX 64
#define DISPLAY_NAME_MAX 100

struct _WcUserDialog
{
  AdwWindow parent_instance;

  WcUserDialogMode mode;
  gboolean busy;

  /* Template children. */
  AdwWindowTitle *window_title;
  GtkLabel *body_label;
  GtkButton *cancel_button;
  GtkButton *submit_button;
  GtkListBox *form;
  AdwEntryRow *user_id_row;
  AdwEntryRow *name_row;
  AdwComboRow *role_row;
  GtkLabel *hint_label;
  GtkLabel *error_label;
  GtkSpinner *spinner;
};

enum {
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WcUserDialog, wc_user_dialog, ADW_TYPE_WINDOW)

static const char *roles[] = { "general", "shipping" };

static gboolean
user_id_is_possible (const char *text)
{
  gsize length = strlen (text);

  if (length == 0 || length > USER_ID_MAX || !g_ascii_isalnum (text[0]))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
display_name_is_possible (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  return *stripped != '\0' && g_utf8_strlen (text, -1) <= DISPLAY_NAME_MAX;
}

static gboolean
form_is_complete (WcUserDialog *self)
{
  switch (self->mode)
    {
    case WC_USER_DIALOG_CREATE:
      return user_id_is_possible (gtk_editable_get_text (GTK_EDITABLE (self->user_id_row)))
             && display_name_is_possible (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
    case WC_USER_DIALOG_RENAME:
      return display_name_is_possible (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
    case WC_USER_DIALOG_SET_ROLE:
    default:
      return TRUE;
    }
}

static void
clear_errors (WcUserDialog *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->user_id_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->role_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_label_set_text (self->error_label, "");
}

static void
update_response (WcUserDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !self->busy && form_is_complete (self));
}

static void
on_changed (WcUserDialog *self)
{
  update_response (self);
}

static void
set_busy (WcUserDialog *self,
          gboolean      busy)
{
  self->busy = busy;
  wc_ui_set_sensitive (GTK_WIDGET (self->form), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), !busy);
  update_response (self);
}

static void
on_submit_clicked (WcUserDialog *self)
{
  if (self->busy || !form_is_complete (self))
    return;
  clear_errors (self);
  /* Stays open (see close_request) until the owner has the answer. */
  set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0);
}

static gboolean
wc_user_dialog_close_request (GtkWindow *window)
{
  WcUserDialog *self = WC_USER_DIALOG (window);

  /* A sent form waits for its answer. */
  if (self->busy)
    return TRUE;
  return GTK_WINDOW_CLASS (wc_user_dialog_parent_class)->close_request (window);
}

static void
wc_user_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), WC_TYPE_USER_DIALOG);
  G_OBJECT_CLASS (wc_user_dialog_parent_class)->dispose (object);
}

static void
wc_user_dialog_class_init (WcUserDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wc_user_dialog_dispose;
  window_class->close_request = wc_user_dialog_close_request;

  /* Emitted when the form is sent; the dialog is busy until the owner
   * calls wc_user_dialog_show_error() or wc_user_dialog_finish(). */
  signals[SIGNAL_SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/wclogin/WebCollectLogin/wc-user-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, body_label);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, submit_button);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, form);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, user_id_row);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WcUserDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
}

static void
wc_user_dialog_init (WcUserDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wc_ui_name_controls (GTK_WIDGET (self));
  wc_ui_close_on_escape (GTK_WINDOW (self));
}

WcUserDialog *
wc_user_dialog_new (GtkWindow              *parent,
                    WcUserDialogMode        mode,
                    const WcPortalUserInfo *user)
{
  WcUserDialog *self;
  const char *name;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (mode == WC_USER_DIALOG_CREATE || user != NULL, NULL);

  self = g_object_new (WC_TYPE_USER_DIALOG, "transient-for", parent, NULL);
  self->mode = mode;
  name = user != NULL && user->display_name != NULL && *user->display_name != '\0'
         ? user->display_name : user != NULL ? user->user_id : NULL;

  switch (mode)
    {
    case WC_USER_DIALOG_CREATE:
      gtk_window_set_title (GTK_WINDOW (self), _("Add User"));
      gtk_label_set_text (self->body_label,
                                   _("The new user gets a one-time initial password, shown once. They set up their own password and one-time password key at their first login."));
      gtk_label_set_text (self->hint_label,
                          _("A user ID has up to 64 letters, digits and . _ @ -, and starts with a letter or digit."));
      break;
    case WC_USER_DIALOG_RENAME:
      gtk_window_set_title (GTK_WINDOW (self), _("Rename User"));
      /* Translators: %s is a user ID. */
      body = g_strdup_printf (_("The display name of “%s” in lists. The user ID stays the same."), user->user_id);
      gtk_button_set_label (self->submit_button, _("_Rename"));
      gtk_widget_set_visible (GTK_WIDGET (self->user_id_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->role_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
      break;
    case WC_USER_DIALOG_SET_ROLE:
    default:
      gtk_window_set_title (GTK_WINDOW (self), _("Change Role"));
      /* Translators: %s is a user's name. */
      body = g_strdup_printf (_("What “%s” may do in the merchant admin screen. General users handle orders and settlements; shipping users handle shipments."),
                              name);
      gtk_button_set_label (self->submit_button, _("C_hange"));
      gtk_widget_set_visible (GTK_WIDGET (self->user_id_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->name_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
      break;
    }
  if (body != NULL)
    gtk_label_set_text (self->body_label, body);
  adw_window_title_set_title (self->window_title, gtk_window_get_title (GTK_WINDOW (self)));
  if (user != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->user_id_row), user->user_id);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), user->display_name != NULL ? user->display_name : "");
      adw_combo_row_set_selected (self->role_row, g_strcmp0 (user->role, "shipping") == 0 ? 1 : 0);
    }
  update_response (self);
  /* Typing goes into the first field, never onto Cancel. */
  wc_ui_focus_on_show (GTK_WINDOW (self),
                       mode == WC_USER_DIALOG_CREATE ? GTK_WIDGET (self->user_id_row)
                       : mode == WC_USER_DIALOG_RENAME ? GTK_WIDGET (self->name_row)
                       : GTK_WIDGET (self->role_row));
  return self;
}

WcUserDialogMode
wc_user_dialog_get_mode (WcUserDialog *self)
{
  g_return_val_if_fail (WC_IS_USER_DIALOG (self), WC_USER_DIALOG_CREATE);
  return self->mode;
}

const char *
wc_user_dialog_get_user_id (WcUserDialog *self)
{
  g_return_val_if_fail (WC_IS_USER_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->user_id_row));
}

const char *
wc_user_dialog_get_display_name (WcUserDialog *self)
{
  g_return_val_if_fail (WC_IS_USER_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

const char *
wc_user_dialog_get_role (WcUserDialog *self)
{
  guint selected;

  g_return_val_if_fail (WC_IS_USER_DIALOG (self), NULL);
  selected = adw_combo_row_get_selected (self->role_row);
  return roles[selected < G_N_ELEMENTS (roles) ? selected : 0];
}

void
wc_user_dialog_show_error (WcUserDialog *self,
                           const char   *field,
                           const char   *text)
{
  GtkWidget *row = NULL;

  g_return_if_fail (WC_IS_USER_DIALOG (self));

  set_busy (self, FALSE);
  clear_errors (self);
  if (g_strcmp0 (field, "user_id") == 0)
    row = GTK_WIDGET (self->user_id_row);
  else if (g_strcmp0 (field, "display_name") == 0)
    row = GTK_WIDGET (self->name_row);
  else if (g_strcmp0 (field, "role") == 0)
    row = GTK_WIDGET (self->role_row);
  if (row != NULL && gtk_widget_get_visible (row))
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL && *text != '\0');
}

void
wc_user_dialog_finish (WcUserDialog *self)
{
  g_return_if_fail (WC_IS_USER_DIALOG (self));

  set_busy (self, FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}
