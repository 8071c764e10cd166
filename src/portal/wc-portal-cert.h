/* wc-portal-cert.h: the portal's TLS identity. Without a certificate
 * given on the command line the portal creates a self-signed one on
 * first start and keeps it in its data directory. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Makes sure DATA_DIR/portal.crt and DATA_DIR/portal.key exist.
 *
 * When both are missing, creates an ECDSA P-256 key and a self-signed
 * X.509 v3 certificate for it: subject CN=webcollect-portal; SAN
 * DNS:localhost, IP:127.0.0.1 and IP:::1, plus @host when it is not NULL
 * (as an IP SAN if it parses as an IP address, “[…]” allowed, else as a
 * DNS SAN); a serial of 16 random bytes with the top bit cleared;
 * validity from an hour ago to ten years ahead; basicConstraints CA:FALSE
 * and keyUsage digitalSignature, both critical; extendedKeyUsage
 * serverAuth; a subject key identifier; a SHA-256 signature. Both are
 * written as PEM with mode 0600, each to a temporary file in DATA_DIR
 * that is synced and then moved into place, so that a crash never leaves
 * a half-written file and an existing file is never replaced.
 *
 * When exactly one of the two exists, fails with G_IO_ERROR_FAILED and a
 * message naming the missing file; nothing is overwritten. When both
 * exist, does nothing. DATA_DIR must exist: it is not created here.
 *
 * On success sets *cert_path and *key_path (either may be NULL) to newly
 * allocated paths. */
gboolean         wc_portal_cert_ensure (const char  *data_dir,
                                        const char  *host,
                                        char       **cert_path,
                                        char       **key_path,
                                        GError     **error);

/* Loads a certificate and its key from PEM files
 * (g_tls_certificate_new_from_files) and checks that the key belongs to
 * the certificate. Error messages begin with the name of the file at
 * fault so that a person can act on them. */
GTlsCertificate *wc_portal_cert_load   (const char  *cert_path,
                                        const char  *key_path,
                                        GError     **error);

G_END_DECLS
