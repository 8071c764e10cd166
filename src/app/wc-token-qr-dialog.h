/* wc-token-qr-dialog.h: shows a token as a QR code, for registering a
 * backup device, with a warning that the picture is the secret key. */
#pragma once

#include <adwaita.h>

#include "wc-token.h"

G_BEGIN_DECLS

#define WC_TYPE_TOKEN_QR_DIALOG (wc_token_qr_dialog_get_type ())

G_DECLARE_FINAL_TYPE (WcTokenQrDialog, wc_token_qr_dialog, WC, TOKEN_QR_DIALOG, AdwWindow)

WcTokenQrDialog *wc_token_qr_dialog_new         (GtkWindow       *parent,
                                                 WcToken         *token);
/* The picture shown, or NULL when it could not be made (tests decode it
 * again). */
GdkTexture      *wc_token_qr_dialog_get_texture (WcTokenQrDialog *self);

G_END_DECLS
