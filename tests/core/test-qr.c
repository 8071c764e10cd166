/* test-qr.c: QR codes drawn with qrencode read back with zbar, through
 * PNG files and raw pixels, and clear errors for images that hold none. */
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wc-error.h"
#include "wc-qr.h"

#define URI "otpauth://totp/%E3%83%A4%E3%83%9E%E3%83%88:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E3%83%A4%E3%83%9E%E3%83%88"

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("wc-qr-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static WcSecret *
encode (const char *text,
        guint      *width)
{
  g_autoptr(WcSecret) input = wc_secret_new_from_text (text);
  g_autoptr(GError) error = NULL;
  WcSecret *modules = wc_qr_encode (input, width, &error);

  g_assert_no_error (error);
  g_assert_nonnull (modules);
  g_assert_cmpuint (wc_secret_get_size (modules), ==, (gsize) *width * *width);
  return modules;
}

static void
test_png_round_trip (void)
{
  g_autofree char *path = temp_path ("code.png");
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(WcSecret) decoded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  guint width = 0;

  modules = encode (URI, &width);
  g_assert_true (wc_qr_save_png (modules, width, 4, path, &error));
  g_assert_no_error (error);

  /* Whoever can read the PNG holds the key: owner-only. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  decoded = wc_qr_decode_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_secret_get_text (decoded), ==, URI);
  remove_path (path);
}

/* A screenshot-like image: the code small, off-centre, on a transparent
 * background next to other content, as when it is cut from the admin
 * screen. Transparency must read as white. */
static void
test_pixels_in_screenshot (void)
{
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(WcSecret) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) canvas = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 900, 600);
  guint width = 0;
  guint8 *pixels;
  int stride;
  const int scale = 3, ox = 500, oy = 200;

  modules = encode (URI, &width);
  gdk_pixbuf_fill (canvas, 0x00000000);  /* fully transparent black */
  pixels = gdk_pixbuf_get_pixels (canvas);
  stride = gdk_pixbuf_get_rowstride (canvas);

  /* Some unrelated dark content on the left. */
  for (int y = 50; y < 550; y++)
    for (int x = 40; x < 300; x += 7)
      {
        guint8 *px = pixels + y * stride + x * 4;
        px[0] = px[1] = px[2] = 30;
        px[3] = 255;
      }

  for (guint my = 0; my < width; my++)
    for (guint mx = 0; mx < width; mx++)
      if (wc_secret_get_text (modules)[my * width + mx])
        for (int dy = 0; dy < scale; dy++)
          for (int dx = 0; dx < scale; dx++)
            {
              guint8 *px = pixels + (oy + (int) my * scale + dy) * stride + (ox + (int) mx * scale + dx) * 4;
              px[0] = px[1] = px[2] = 0;
              px[3] = 255;
            }

  decoded = wc_qr_decode_pixels (pixels, 900, 600, stride, 4, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_secret_get_text (decoded), ==, URI);
}

static void
test_no_code (void)
{
  g_autofree char *path = temp_path ("blank.png");
  g_autoptr(GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 200, 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) decoded = NULL;

  gdk_pixbuf_fill (blank, 0xffffffff);
  g_assert_true (gdk_pixbuf_save (blank, path, "png", &error, NULL));

  decoded = wc_qr_decode_file (path, &error);
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_NO_CODE);
  g_assert_null (decoded);
  remove_path (path);
}

static void
test_broken_images (void)
{
  g_autofree char *path = temp_path ("broken.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) decoded = NULL;
  g_autoptr(WcSecret) modules = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint width = 0;

  /* Not an image at all. */
  g_assert_true (g_file_set_contents (path, "this is not a PNG", -1, NULL));
  decoded = wc_qr_decode_file (path, &error);
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE);
  g_assert_null (decoded);
  g_clear_error (&error);

  /* A real PNG cut in half, as an interrupted download leaves it. */
  modules = encode (URI, &width);
  g_assert_true (wc_qr_save_png (modules, width, 4, path, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (path, contents, (gssize) length / 2, NULL));
  decoded = wc_qr_decode_file (path, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == WC_QR_ERROR);
  g_assert_null (decoded);
  g_clear_error (&error);

  /* A file that does not exist. */
  remove_path (path);
  decoded = wc_qr_decode_file (path, &error);
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE);
  g_assert_nonnull (strstr (error->message, "does not exist"));
}

/* Decodes @path, which must be refused as an image with words that
 * contain @words. */
static void
assert_refused (const char *path,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) decoded = wc_qr_decode_file (path, &error);

  g_assert_null (decoded);
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE);
  if (strstr (error->message, words) == NULL)
    g_error ("refused with “%s”, not for “%s”", error->message, words);
}

/* Files that would take gigabytes or block for ever are refused before
 * anything is decoded: the app's file and clipboard paths share this. */
static void
test_hostile_images (void)
{
  g_autofree char *path = temp_path ("hostile.svg");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *fifo = g_build_filename (dir, "fifo.png", NULL);
  g_autofree char *big = g_build_filename (dir, "big.png", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  /* 124 bytes that declare 16384 × 16384 (2.1 GB once rendered). */
  g_assert_true (g_file_set_contents (path, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16384\" height=\"16384\"><rect width=\"9\" height=\"9\"/></svg>", -1, NULL));
  assert_refused (path, "megapixels");
  /* Within 16384 a side, but 49 megapixels. */
  g_assert_true (g_file_set_contents (path, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"7000\" height=\"7000\"><rect width=\"9\" height=\"9\"/></svg>", -1, NULL));
  assert_refused (path, "megapixels");

  /* A FIFO would block the reader for ever. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_refused (fifo, "not an image file");
  g_unlink (fifo);

  /* Over 64 MiB (sparse: nothing is written). */
  fd = g_open (big, O_CREAT | O_WRONLY, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, WC_QR_MAX_FILE_SIZE + 1), ==, 0);
  close (fd);
  assert_refused (big, "MiB");
  g_unlink (big);
  remove_path (path);

  /* The bound itself, to the pixel. */
  g_assert_true (wc_qr_check_image_size (6325, 6324, NULL));
  g_assert_false (wc_qr_check_image_size (6325, 6325, &error));
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_IMAGE);
  g_clear_error (&error);
  g_assert_true (wc_qr_check_image_size (16384, 2, NULL));
  g_assert_false (wc_qr_check_image_size (16385, 1, NULL));
  g_assert_false (wc_qr_check_image_size (0, 5, NULL));
}

static void
test_too_long (void)
{
  g_autofree char *text = g_strnfill (8000, 'x');
  g_autoptr(WcSecret) input = wc_secret_new_from_text (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) modules = NULL;
  guint width = 0;

  modules = wc_qr_encode (input, &width, &error);
  g_assert_error (error, WC_QR_ERROR, WC_QR_ERROR_TOO_LONG);
  g_assert_null (modules);
}

static void
test_utf8_drawing (void)
{
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(WcSecret) drawing = NULL;
  g_auto(GStrv) lines = NULL;
  guint width = 0;

  modules = encode ("hello", &width);
  drawing = wc_qr_render_utf8 (modules, width);
  g_assert_true (g_utf8_validate (wc_secret_get_text (drawing), -1, NULL));
  lines = g_strsplit (wc_secret_get_text (drawing), "\n", -1);
  /* Two module rows per line, a quiet zone of four on each side. */
  g_assert_cmpuint (g_strv_length (lines) - 1, ==, (width + 8 + 1) / 2);
  g_assert_cmpint (g_utf8_strlen (lines[0], -1), ==, (glong) width + 8);
  /* The quiet zone is light: full blocks on the first line. */
  g_assert_true (g_str_has_prefix (lines[0], "████"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/qr/png-round-trip", test_png_round_trip);
  g_test_add_func ("/qr/pixels-in-screenshot", test_pixels_in_screenshot);
  g_test_add_func ("/qr/no-code", test_no_code);
  g_test_add_func ("/qr/broken-images", test_broken_images);
  g_test_add_func ("/qr/hostile-images", test_hostile_images);
  g_test_add_func ("/qr/too-long", test_too_long);
  g_test_add_func ("/qr/utf8-drawing", test_utf8_drawing);

  return g_test_run ();
}
