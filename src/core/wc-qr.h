/* wc-qr.h: reading QR codes from images (zbar) and drawing them
 * (qrencode). The text of a token's QR code is its otpauth URI, so the
 * decoded text and the module matrix are both kept in wiped memory. */
#pragma once

#include <glib.h>

#include "wc-secret.h"

G_BEGIN_DECLS

/* The largest image read: 40 megapixels (an 8K screen is 33), at most
 * 16384 pixels a side, from a regular file of at most 64 MiB. Decoding
 * takes about 5 bytes a pixel; a 124-byte SVG can declare 16384 × 16384. */
#define WC_QR_MAX_IMAGE_SIDE 16384
#define WC_QR_MAX_IMAGE_PIXELS 40000000
#define WC_QR_MAX_FILE_SIZE (64 * 1024 * 1024)

/* Whether an image of @width × @height may be decoded; if not, @error
 * says why in words for the user. */
gboolean  wc_qr_check_image_size (int             width,
                                  int             height,
                                  GError        **error);

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
