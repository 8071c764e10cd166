/* wc-user-dialog.h: the form for a child user: create one (user ID,
 * display name, role), rename one, or change its role. It stays open
 * while the portal answers, so that a refusal is shown at the row it is
 * about and nothing typed is lost. */
#pragma once

#include <adwaita.h>

#include "wc-portal-types.h"

G_BEGIN_DECLS

#define WC_TYPE_USER_DIALOG (wc_user_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WcUserDialog, wc_user_dialog, WC, USER_DIALOG, AdwWindow)

typedef enum {
  WC_USER_DIALOG_CREATE,
  WC_USER_DIALOG_RENAME,
  WC_USER_DIALOG_SET_ROLE,
} WcUserDialogMode;

/* @user is the user to change; NULL for WC_USER_DIALOG_CREATE. The
 * "submit" signal asks the owner to send the form: it then calls
 * wc_user_dialog_show_error() or closes the dialog. */
WcUserDialog     *wc_user_dialog_new             (GtkWindow              *parent,
                                                  WcUserDialogMode        mode,
                                                  const WcPortalUserInfo *user);
WcUserDialogMode  wc_user_dialog_get_mode        (WcUserDialog           *self);
const char       *wc_user_dialog_get_user_id     (WcUserDialog           *self);
const char       *wc_user_dialog_get_display_name (WcUserDialog          *self);
/* "general" or "shipping". */
const char       *wc_user_dialog_get_role        (WcUserDialog           *self);
/* Shows @text at the row of @field ("user_id", "display_name", "role"),
 * or below the form for any other field, and makes the form usable
 * again. */
void              wc_user_dialog_show_error      (WcUserDialog           *self,
                                                  const char             *field,
                                                  const char             *text);
/* Closes the dialog after a success. */
void              wc_user_dialog_finish          (WcUserDialog           *self);

G_END_DECLS
