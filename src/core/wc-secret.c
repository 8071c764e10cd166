/* wc-secret.c: wiped, RAM-locked buffers for secrets on pages of their
 * own, and the base32 coding of TOTP keys done inside them, so that no
 * decoded key ever sits in ordinary heap memory. */
#include "wc-secret.h"
#include "wc-error.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

struct _WcSecret
{
  gatomicrefcount ref_count;
  gsize size;       /* bytes in use, not counting the trailing NUL */
  gsize capacity;
  gboolean locked;
  guint8 *data;     /* always NUL-terminated at data[size] */
  guint8 *region;   /* the mapping: the data's pages, then a guard page */
  gsize region_size;
};

G_DEFINE_BOXED_TYPE (WcSecret, wc_secret, wc_secret_ref, wc_secret_unref)

/**
 * wc_secure_wipe:
 *
 * Overwrites @size bytes at @data with zeros in a way the compiler may
 * not optimise away.
 */
void
wc_secure_wipe (void  *data,
                gsize  size)
{
  if (data != NULL && size > 0)
    explicit_bzero (data, size);
}

/**
 * wc_secure_str_free:
 *
 * Wipes and frees a NUL-terminated string that held a secret.
 */
void
wc_secure_str_free (char *str)
{
  if (str == NULL)
    return;
  wc_secure_wipe (str, strlen (str));
  g_free (str);
}

void
wc_secure_process (void)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_warning ("cannot keep this process out of core dumps: %s", g_strerror (errno));
}

/* Pages of its own for each secret: locking and unlocking one never
 * touches another's page, and the whole mapping is left out of core
 * dumps. The data ends right before an inaccessible guard page, so that
 * a write past its end faults instead of reaching other memory. */
WcSecret *
wc_secret_new (gsize size)
{
  WcSecret *secret = g_new0 (WcSecret, 1);
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize data_pages;

  g_return_val_if_fail (size < G_MAXSIZE - 2 * page, NULL);

  g_atomic_ref_count_init (&secret->ref_count);
  secret->size = size;
  secret->capacity = size + 1;
  data_pages = (secret->capacity + page - 1) / page;
  secret->region_size = (data_pages + 1) * page;
  secret->region = mmap (NULL, secret->region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (secret->region == MAP_FAILED)
    g_error ("out of memory for a secret of %" G_GSIZE_FORMAT " bytes", size);
  /* Zero-filled already. */
  madvise (secret->region, secret->region_size, MADV_DONTDUMP);
  mprotect (secret->region + data_pages * page, page, PROT_NONE);
  secret->data = secret->region + data_pages * page - secret->capacity;
  /* Best effort: an unprivileged process may exceed RLIMIT_MEMLOCK, in
   * which case the buffer is still wiped on free. */
  secret->locked = mlock (secret->region, data_pages * page) == 0;
  return secret;
}

WcSecret *
wc_secret_new_from_data (const void *data,
                         gsize       size)
{
  WcSecret *secret = wc_secret_new (size);

  if (size > 0)
    memcpy (secret->data, data, size);
  return secret;
}

WcSecret *
wc_secret_new_from_text (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);
  return wc_secret_new_from_data (text, strlen (text));
}

WcSecret *
wc_secret_ref (WcSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_atomic_ref_count_inc (&secret->ref_count);
  return secret;
}

void
wc_secret_unref (WcSecret *secret)
{
  g_return_if_fail (secret != NULL);

  if (!g_atomic_ref_count_dec (&secret->ref_count))
    return;

  wc_secure_wipe (secret->data, secret->capacity);
  if (secret->locked)
    munlock (secret->region, secret->region_size - (gsize) sysconf (_SC_PAGESIZE));
  munmap (secret->region, secret->region_size);
  g_free (secret);
}

guint8 *
wc_secret_get_data (WcSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  return secret->data;
}

gsize
wc_secret_get_size (const WcSecret *secret)
{
  g_return_val_if_fail (secret != NULL, 0);
  return secret->size;
}

/**
 * wc_secret_get_text:
 *
 * Returns: the buffer as a NUL-terminated string. The buffer always has a
 *   terminating NUL, whatever it holds.
 */
const char *
wc_secret_get_text (const WcSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  return (const char *) secret->data;
}

gboolean
wc_secret_equal (const WcSecret *a,
                 const WcSecret *b)
{
  guint8 diff = 0;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->size != b->size)
    return FALSE;
  /* Constant time, so comparing secrets leaks nothing through timing. */
  for (gsize i = 0; i < a->size; i++)
    diff |= a->data[i] ^ b->data[i];
  return diff == 0;
}

/**
 * wc_secret_truncate:
 *
 * Shortens the secret to @size bytes, wiping what is cut off.
 */
void
wc_secret_truncate (WcSecret *secret,
                    gsize     size)
{
  g_return_if_fail (secret != NULL);
  g_return_if_fail (size <= secret->size);

  wc_secure_wipe (secret->data + size, secret->size - size);
  secret->size = size;
}

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int
base32_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

/**
 * wc_base32_normalize:
 * @text: base32 as a person or a URI may write it
 *
 * Accepts lower case, spaces, hyphens between groups and '=' padding at
 * the end, and returns the key as one upper-case line without padding.
 *
 * Returns: (transfer full): the normalized text, or %NULL with @error set
 *   in %WC_OTP_ERROR.
 */
WcSecret *
wc_base32_normalize (const char  *text,
                     GError     **error)
{
  g_autoptr(WcSecret) out = NULL;
  gsize len = 0;
  gsize padding = 0;

  g_return_val_if_fail (text != NULL, NULL);

  out = wc_secret_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '\t' || c == '-')
        continue;
      if (c == '=')
        {
          padding++;
          continue;
        }
      if (padding > 0 || base32_value (c) < 0)
        {
          g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET,
                       _("A secret key holds only the letters A to Z and the digits 2 to 7 (spaces and lower case are fine). Check it against the admin screen"));
          return NULL;
        }
      out->data[len++] = (guint8) c;
    }

  /* Up to six '=' can pad the last group; more means the text is not a
   * key. The bits that a partial group leaves over must be zero for the
   * encoding to be canonical, but authenticators in the wild ignore them,
   * so we do too. */
  if (padding > 6 || (padding > 0 && (len + padding) % 8 != 0))
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET,
                   _("The secret key has misplaced '=' padding"));
      return NULL;
    }

  if (len == 0)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET,
                   _("The secret key is empty"));
      return NULL;
    }

  wc_secret_truncate (out, len);
  return g_steal_pointer (&out);
}

/**
 * wc_base32_decode:
 * @text: base32 text; see wc_base32_normalize() for what is accepted
 *
 * Returns: (transfer full): the raw key bytes, or %NULL with @error set.
 */
WcSecret *
wc_base32_decode (const char  *text,
                  GError     **error)
{
  g_autoptr(WcSecret) normalized = NULL;
  g_autoptr(WcSecret) key = NULL;
  guint64 buffer = 0;
  guint bits = 0;
  gsize n = 0;

  normalized = wc_base32_normalize (text, error);
  if (normalized == NULL)
    return NULL;

  key = wc_secret_new (normalized->size * 5 / 8);

  for (gsize i = 0; i < normalized->size; i++)
    {
      buffer = (buffer << 5) | (guint64) base32_value ((char) normalized->data[i]);
      bits += 5;
      if (bits >= 8)
        {
          bits -= 8;
          key->data[n++] = (guint8) (buffer >> bits);
        }
    }
  wc_secure_wipe (&buffer, sizeof buffer);

  g_assert (n == key->size);
  return g_steal_pointer (&key);
}

/**
 * wc_base32_encode:
 * @key: raw key bytes
 *
 * Returns: (transfer full): @key as upper-case base32 without padding.
 */
WcSecret *
wc_base32_encode (const WcSecret *key)
{
  g_autoptr(WcSecret) text = NULL;
  guint64 buffer = 0;
  guint bits = 0;
  gsize n = 0;

  g_return_val_if_fail (key != NULL, NULL);

  text = wc_secret_new ((key->size * 8 + 4) / 5);

  for (gsize i = 0; i < key->size; i++)
    {
      buffer = (buffer << 8) | key->data[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          text->data[n++] = (guint8) base32_alphabet[(buffer >> bits) & 0x1f];
        }
    }
  if (bits > 0)
    text->data[n++] = (guint8) base32_alphabet[(buffer << (5 - bits)) & 0x1f];
  wc_secure_wipe (&buffer, sizeof buffer);

  g_assert (n == text->size);
  return g_steal_pointer (&text);
}
