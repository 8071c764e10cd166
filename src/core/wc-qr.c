/* wc-qr.c: QR codes in and out. Images are read with gdk-pixbuf (a GLib
 * library, not GTK), flattened onto white and scanned by zbar for QR
 * symbols only; codes are drawn with qrencode. */
#include "wc-qr.h"
#include "wc-error.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <qrencode.h>
#include <string.h>
#include <zbar.h>

#define QUIET_ZONE 4   /* modules of white border the QR standard asks for */

/**
 * wc_qr_decode_pixels:
 * @pixels: 8-bit samples, RGB(A) or grey
 * @n_channels: 1 (grey), 3 (RGB) or 4 (RGBA)
 *
 * Finds a QR code in an image already in memory, such as a clipboard
 * texture. When the image holds several codes, an otpauth:// one wins.
 *
 * Returns: (transfer full): the decoded text, or %NULL with @error set.
 */
WcSecret *
wc_qr_decode_pixels (const guint8  *pixels,
                     int            width,
                     int            height,
                     int            rowstride,
                     int            n_channels,
                     gboolean       has_alpha,
                     GError       **error)
{
  g_autofree guint8 *grey = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  WcSecret *result = NULL;
  int found;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (n_channels == 1 || n_channels == 3 || n_channels == 4, NULL);

  if (!wc_qr_check_image_size (width, height, error))
    return NULL;

  grey = g_malloc ((gsize) width * (gsize) height);
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * (gsize) rowstride;

      for (int x = 0; x < width; x++)
        {
          const guint8 *px = row + (gsize) x * (gsize) n_channels;
          guint value;

          if (n_channels == 1)
            value = px[0];
          else
            value = (px[0] * 77u + px[1] * 150u + px[2] * 29u) >> 8;

          /* Flatten transparency onto white: a transparent background
           * would otherwise read as black and hide the code. */
          if (has_alpha && n_channels == 4)
            value = (value * px[3] + 255u * (255u - px[3])) / 255u;

          grey[(gsize) y * (gsize) width + (gsize) x] = (guint8) value;
        }
    }

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  /* Keep the bytes as they are instead of guessing a character set. */
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) width, (unsigned) height);
  zbar_image_set_data (image, grey, (unsigned long) width * (unsigned long) height, NULL);

  found = zbar_scan_image (scanner, image);
  if (found > 0)
    {
      for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image);
           symbol != NULL;
           symbol = zbar_symbol_next (symbol))
        {
          const char *data = zbar_symbol_get_data (symbol);
          unsigned int len = zbar_symbol_get_data_length (symbol);
          gboolean is_otpauth;

          if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE || data == NULL)
            continue;
          is_otpauth = len >= 10 && g_ascii_strncasecmp (data, "otpauth://", 10) == 0;
          if (result == NULL || is_otpauth)
            {
              g_clear_pointer (&result, wc_secret_unref);
              result = wc_secret_new_from_data (data, len);
            }
          if (is_otpauth)
            break;
        }
    }

  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  wc_secure_wipe (grey, (gsize) width * (gsize) height);

  if (found < 0)
    {
      g_clear_pointer (&result, wc_secret_unref);
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_FAILED, _("The QR reader failed on this image"));
      return NULL;
    }
  if (result == NULL)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_NO_CODE,
                   _("No QR code was found in the image. Use a sharper picture in which the whole code is visible."));
      return NULL;
    }
  if (memchr (wc_secret_get_data (result), '\0', wc_secret_get_size (result)) != NULL)
    {
      g_clear_pointer (&result, wc_secret_unref);
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_NO_CODE,
                   _("The QR code holds binary data, not a text such as an otpauth:// URI"));
      return NULL;
    }
  return result;
}

gboolean
wc_qr_check_image_size (int      width,
                        int      height,
                        GError **error)
{
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE, _("The image is empty."));
      return FALSE;
    }
  if (width > WC_QR_MAX_IMAGE_SIDE || height > WC_QR_MAX_IMAGE_SIDE
      || (gint64) width * height > WC_QR_MAX_IMAGE_PIXELS)
    {
      /* Translators: a width and a height in pixels, then a number of
       * megapixels. */
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("The image is %d × %d pixels, larger than the %d megapixels that can be read. Use a smaller picture, or one cut to the QR code."),
                   width, height, WC_QR_MAX_IMAGE_PIXELS / 1000000);
      return FALSE;
    }
  return TRUE;
}

/**
 * wc_qr_decode_file:
 * @path: a PNG, JPEG or other image gdk-pixbuf can read
 *
 * Returns: (transfer full): the decoded text, or %NULL with @error set in
 *   %WC_QR_ERROR.
 */
WcSecret *
wc_qr_decode_file (const char  *path,
                   GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *display = NULL;
  WcSecret *text;
  int width = 0, height = 0;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  display = g_filename_display_basename (path);

  /* A regular file of a sane size only: a FIFO or a device would block
   * the reader for ever or feed it without end. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE, _("“%s” does not exist"), display);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("“%s” is not an image file. Choose a saved picture such as a PNG or JPEG file."), display);
      return NULL;
    }
  if (g_file_info_get_size (info) > WC_QR_MAX_FILE_SIZE)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("“%s” is larger than %d MiB. Use a smaller picture of the QR code."),
                   display, WC_QR_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }

  /* Check the size before decoding, so a hostile file cannot make us
   * allocate gigabytes. */
  if (gdk_pixbuf_get_file_info (path, &width, &height) == NULL)
    {
      /* It exists: the query above found it. */
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("“%s” is not an image that can be read (PNG, JPEG and other common formats are)"),
                   display);
      return NULL;
    }
  if (!wc_qr_check_image_size (width, height, error))
    return NULL;

  pixbuf = gdk_pixbuf_new_from_file (path, &local_error);
  if (pixbuf == NULL)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("“%s” could not be read as an image: it may be damaged or cut short"),
                   display);
      return NULL;
    }
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE,
                   _("“%s” uses a pixel format that cannot be read"), display);
      return NULL;
    }

  text = wc_qr_decode_pixels (gdk_pixbuf_read_pixels (pixbuf),
                              gdk_pixbuf_get_width (pixbuf),
                              gdk_pixbuf_get_height (pixbuf),
                              gdk_pixbuf_get_rowstride (pixbuf),
                              gdk_pixbuf_get_n_channels (pixbuf),
                              gdk_pixbuf_get_has_alpha (pixbuf),
                              error);
  return text;
}

/**
 * wc_qr_encode:
 * @text: the text to encode, typically an otpauth URI
 * @width: (out): the side of the matrix, in modules
 *
 * Returns: (transfer full): @width × @width bytes, row by row, 1 for a
 *   dark module and 0 for a light one, or %NULL with @error set.
 */
WcSecret *
wc_qr_encode (const WcSecret  *text,
              guint           *width,
              GError         **error)
{
  QRcode *code;
  WcSecret *modules;
  guint8 *out;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (width != NULL, NULL);

  /* Medium error correction survives a phone camera and a little glare
   * while keeping a 4 KiB URI within the largest QR version. */
  code = QRcode_encodeString8bit (wc_secret_get_text (text), 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_TOO_LONG,
                   _("The text is too long to fit in a QR code"));
      return NULL;
    }

  n = (gsize) code->width * (gsize) code->width;
  modules = wc_secret_new (n);
  out = wc_secret_get_data (modules);
  for (gsize i = 0; i < n; i++)
    out[i] = code->data[i] & 1;

  *width = (guint) code->width;
  wc_secure_wipe (code->data, n);
  QRcode_free (code);
  return modules;
}

static gboolean
module_dark (const WcSecret *modules,
             guint           width,
             int             x,
             int             y)
{
  if (x < 0 || y < 0 || (guint) x >= width || (guint) y >= width)
    return FALSE;
  return wc_secret_get_text (modules)[(gsize) y * width + (gsize) x] != 0;
}

/**
 * wc_qr_render_utf8:
 *
 * Draws the matrix with half-block characters, two module rows per text
 * line, dark modules as spaces on a light background, so the code scans
 * on dark and light terminals alike. The quiet zone is included.
 *
 * Returns: (transfer full): the drawing, one line per two module rows.
 */
WcSecret *
wc_qr_render_utf8 (const WcSecret *modules,
                   guint           width)
{
  /* Indexed by (top dark) * 2 + (bottom dark). Light modules are drawn
   * in the foreground colour, as qrencode's UTF-8 mode does, which suits
   * the usual light-on-dark terminal. */
  static const char *blocks[4] = { "█", "▀", "▄", " " };
  int side = (int) width + 2 * QUIET_ZONE;
  gsize line_bytes = (gsize) side * 3 + 1;
  gsize lines = ((gsize) side + 1) / 2;
  WcSecret *out = wc_secret_new (line_bytes * lines);
  guint8 *p = wc_secret_get_data (out);
  gsize used = 0;

  g_return_val_if_fail (modules != NULL, NULL);

  for (int y = 0; y < side; y += 2)
    {
      for (int x = 0; x < side; x++)
        {
          gboolean top = module_dark (modules, width, x - QUIET_ZONE, y - QUIET_ZONE);
          gboolean bottom = y + 1 < side
                            && module_dark (modules, width, x - QUIET_ZONE, y + 1 - QUIET_ZONE);
          const char *glyph = blocks[(top ? 2 : 0) + (bottom ? 1 : 0)];
          gsize glen = strlen (glyph);

          memcpy (p + used, glyph, glen);
          used += glen;
        }
      p[used++] = '\n';
    }
  wc_secret_truncate (out, used);
  return out;
}

/**
 * wc_qr_save_png:
 * @scale: pixels per module
 *
 * Writes the code as a PNG readable only by its owner (mode 0600), since
 * whoever sees it holds the key.
 */
gboolean
wc_qr_save_png (const WcSecret  *modules,
                guint            width,
                guint            scale,
                const char      *path,
                GError         **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  gchar *buffer = NULL;
  gsize buffer_size = 0;
  guint side;
  guint8 *pixels;
  int rowstride;
  gboolean ok;

  g_return_val_if_fail (modules != NULL, FALSE);
  g_return_val_if_fail (scale >= 1 && scale <= 64, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  display = g_filename_display_name (path);
  side = (width + 2 * QUIET_ZONE) * scale;
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) side, (int) side);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);

  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        gboolean dark = module_dark (modules, width,
                                     (int) (x / scale) - QUIET_ZONE,
                                     (int) (y / scale) - QUIET_ZONE);
        guint8 *px = pixels + (gsize) y * (gsize) rowstride + (gsize) x * 3;

        px[0] = px[1] = px[2] = dark ? 0 : 255;
      }

  ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &buffer_size, "png", &local_error, NULL);
  wc_secure_wipe (pixels, (gsize) rowstride * side);
  if (!ok)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_FAILED,
                   _("The QR code could not be drawn"));
      return FALSE;
    }

  ok = g_file_set_contents_full (path, buffer, (gssize) buffer_size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error);
  wc_secure_wipe (buffer, buffer_size);
  g_free (buffer);
  if (!ok)
    {
      g_set_error (error, WC_QR_ERROR, WC_QR_ERROR_FAILED,
                   _("“%s” could not be written: %s"), display, local_error->message);
      return FALSE;
    }
  return TRUE;
}
