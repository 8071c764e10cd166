/* wc-tls.h: certificate fingerprints, the only way a self-signed portal
 * is trusted. A fingerprint is the SHA-256 of the certificate's DER
 * encoding, written as 64 lowercase hex digits. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WC_TLS_FINGERPRINT_LENGTH 64

char     *wc_tls_certificate_fingerprint (GTlsCertificate *certificate);

/* Accepts upper or lower case, with or without colons between bytes,
 * and returns the canonical form, or NULL when @text is not 32 bytes of
 * hex. */
char     *wc_tls_fingerprint_normalize   (const char      *text);

gboolean  wc_tls_certificate_matches     (GTlsCertificate *certificate,
                                          const char      *fingerprint);

G_END_DECLS
