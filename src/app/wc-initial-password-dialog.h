/* wc-initial-password-dialog.h: shows a child user's one-time initial
 * password, once, with a copy button and the note that it must be
 * changed at the first login. The password is dropped (and its buffer
 * wiped) when the dialog closes. */
#pragma once

#include <adwaita.h>

#include "wc-clipboard-guard.h"
#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_TYPE_INITIAL_PASSWORD_DIALOG (wc_initial_password_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WcInitialPasswordDialog, wc_initial_password_dialog, WC, INITIAL_PASSWORD_DIALOG, AdwMessageDialog)

/* @guard copies the password and clears the clipboard after 30 s; it
 * belongs to the caller, so that the clearing outlives the dialog. With
 * @reset the text says the password was reset rather than created. */
WcInitialPasswordDialog *wc_initial_password_dialog_new (GtkWindow        *parent,
                                                         WcClipboardGuard *guard,
                                                         const char       *user_id,
                                                         WcSecret         *password,
                                                         gboolean          reset);

G_END_DECLS
