/* wc-add-token-dialog.h: adds a token to the keyring from an otpauth
 * link, from typed-in fields, or from a QR code in an image file or on
 * the clipboard. Emits "token-added" (WcToken) once it is stored. */
#pragma once

#include <adwaita.h>

#include "wc-token-store.h"

G_BEGIN_DECLS

#define WC_TYPE_ADD_TOKEN_DIALOG (wc_add_token_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WcAddTokenDialog, wc_add_token_dialog, WC, ADD_TOKEN_DIALOG, AdwWindow)

WcAddTokenDialog *wc_add_token_dialog_new            (GtkWindow        *parent,
                                                      WcTokenStore     *store);
/* Shows "link", "manual" or "qr". */
void              wc_add_token_dialog_set_page       (WcAddTokenDialog *self,
                                                      const char       *page);
const char       *wc_add_token_dialog_get_page       (WcAddTokenDialog *self);
/* Reads a QR code from an image file, as "Open Image…" does after the
 * file chooser. */
void              wc_add_token_dialog_open_file      (WcAddTokenDialog *self,
                                                      GFile            *file);
/* Whether a save or a QR read is under way. */
gboolean          wc_add_token_dialog_is_busy        (WcAddTokenDialog *self);
/* The field the shown error is about ("secret", "digits", "uri", …, or
 * "image" for a QR read, "save" for the keyring), or NULL. */
const char       *wc_add_token_dialog_get_error_field (WcAddTokenDialog *self);
const char       *wc_add_token_dialog_get_error_text (WcAddTokenDialog *self);

G_END_DECLS
