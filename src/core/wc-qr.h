/* wc-qr.h: reading QR codes from images (zbar) and drawing them
 * (qrencode). The text of a token's QR code is its otpauth URI, so the
 * decoded text and the module matrix are both kept in wiped memory. */
#pragma once

#include <glib.h>

#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_QR_MAX_IMAGE_SIDE 16384

WcSecret *wc_qr_decode_file    (const char     *path,
                                GError        **error);
WcSecret *wc_qr_decode_pixels  (const guint8   *pixels,
                                int             width,
                                int             height,
                                int             rowstride,
                                int             n_channels,
                                gboolean        has_alpha,
                                GError        **error);

WcSecret *wc_qr_encode         (const WcSecret *text,
                                guint          *width,
                                GError        **error);
WcSecret *wc_qr_render_utf8    (const WcSecret *modules,
                                guint           width);
gboolean  wc_qr_save_png       (const WcSecret *modules,
                                guint           width,
                                guint           scale,
                                const char     *path,
                                GError        **error);

G_END_DECLS
