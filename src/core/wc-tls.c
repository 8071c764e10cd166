/* wc-tls.c: see wc-tls.h. */
#include "wc-tls.h"

#include <string.h>

char *
wc_tls_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

char *
wc_tls_fingerprint_normalize (const char *text)
{
  /* Either 64 hex digits, or 32 pairs separated by single colons. */
  gboolean colons;
  gsize len;
  char *normal;
  guint out = 0;

  g_return_val_if_fail (text != NULL, NULL);

  len = strlen (text);
  colons = strchr (text, ':') != NULL;
  if (len != (colons ? WC_TLS_FINGERPRINT_LENGTH / 2 * 3 - 1 : WC_TLS_FINGERPRINT_LENGTH))
    return NULL;

  normal = g_malloc (WC_TLS_FINGERPRINT_LENGTH + 1);
  for (gsize i = 0; i < len; i++)
    {
      if (colons && i % 3 == 2)
        {
          if (text[i] == ':')
            continue;
        }
      else if (g_ascii_isxdigit (text[i]))
        {
          normal[out++] = g_ascii_tolower (text[i]);
          continue;
        }
      g_free (normal);
      return NULL;
    }
  normal[out] = '\0';
  return normal;
}

gboolean
wc_tls_certificate_matches (GTlsCertificate *certificate,
                            const char      *fingerprint)
{
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  guint8 diff = 0;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  expected = wc_tls_fingerprint_normalize (fingerprint);
  actual = wc_tls_certificate_fingerprint (certificate);
  if (expected == NULL || actual == NULL)
    return FALSE;

  /* Both are public, but compare without shortcuts anyway. */
  for (guint i = 0; i < WC_TLS_FINGERPRINT_LENGTH; i++)
    diff |= (guint8) (expected[i] ^ actual[i]);
  return diff == 0;
}
