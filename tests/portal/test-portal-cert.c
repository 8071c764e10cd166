/* test-portal-cert.c: the portal's self-signed certificate: what it
 * contains, file modes, reuse on later starts, the names it is valid
 * for, and clear refusals for half-present, broken or mismatched files
 * and unusable data directories. Each case works in its own temporary
 * directory. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wc-portal-cert.h"
#include "wc-tls.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-portal-cert-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->dir);
}

static void
remove_tree (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      g_assert_cmpint (g_chmod (path, 0700), ==, 0);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

static void
fixture_tear_down (Fixture *f)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

static char *
file_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static char *
make_subdir (Fixture    *f,
             const char *name)
{
  char *dir = file_in (f->dir, name);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  return dir;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @dir, sorted and joined with spaces. */
static char *
list_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
}

/* Everything about a file that a rewrite would change. */
typedef struct {
  char *contents;
  dev_t dev;
  ino_t ino;
  struct timespec mtime;
} Snapshot;

static void
snapshot_take (Snapshot   *s,
               const char *path)
{
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  s->contents = read_file (path);
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  s->mtime = st.st_mtim;
}

static void
snapshot_assert_unchanged (Snapshot   *s,
                           const char *path)
{
  Snapshot now;

  snapshot_take (&now, path);
  g_assert_cmpstr (now.contents, ==, s->contents);
  g_assert_true (now.dev == s->dev);
  g_assert_true (now.ino == s->ino);
  g_assert_cmpint (now.mtime.tv_sec, ==, s->mtime.tv_sec);
  g_assert_cmpint (now.mtime.tv_nsec, ==, s->mtime.tv_nsec);
  g_free (now.contents);
}

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->contents, g_free);
}

static GTlsCertificate *
ensure_and_load (const char  *dir,
                 const char  *host)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  GTlsCertificate *certificate;

  g_assert_true (wc_portal_cert_ensure (dir, host, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  certificate = wc_portal_cert_load (cert_path, key_path, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CERTIFICATE (certificate));
  return certificate;
}

static GTlsCertificateFlags
verify_for_host (GTlsCertificate *certificate,
                 const char      *host)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (host, 443);

  return g_tls_certificate_verify (certificate, identity, certificate);
}

static GTlsCertificateFlags
verify_for_ip (GTlsCertificate *certificate,
               const char      *ip)
{
  g_autoptr(GSocketAddress) identity = g_inet_socket_address_new_from_string (ip, 443);

  g_assert_nonnull (identity);
  return g_tls_certificate_verify (certificate, G_SOCKET_CONNECTABLE (identity), certificate);
}

static void
assert_valid_for (GTlsCertificate *certificate,
                  const char      *host_or_ip)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host_or_ip);

  g_test_message ("identity %s", host_or_ip);
  g_assert_cmpint (verify_for_host (certificate, host_or_ip) & G_TLS_CERTIFICATE_BAD_IDENTITY, ==, 0);
  g_assert_cmpint (verify_for_host (certificate, host_or_ip), ==, 0);
  if (address != NULL)
    g_assert_cmpint (verify_for_ip (certificate, host_or_ip), ==, 0);
}

static void
assert_not_valid_for (GTlsCertificate *certificate,
                      const char      *host)
{
  g_assert_cmpint (verify_for_host (certificate, host) & G_TLS_CERTIFICATE_BAD_IDENTITY,
                   ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_create_and_reuse (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsCertificate) again = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *cert_path2 = NULL;
  g_autofree char *key_path2 = NULL;
  g_autofree char *expected_cert = file_in (f->dir, "portal.crt");
  g_autofree char *expected_key = file_in (f->dir, "portal.key");
  g_autofree char *fingerprint = NULL;
  g_autofree char *fingerprint2 = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *cert_pem = NULL;
  Snapshot cert_before, key_before;

  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cert_path, ==, expected_cert);
  g_assert_cmpstr (key_path, ==, expected_key);

  /* Exactly the two files: no temporary file is left behind. */
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "portal.crt portal.key");
  assert_mode_0600 (cert_path);
  assert_mode_0600 (key_path);

  key_pem = read_file (key_path);
  g_assert_true (g_str_has_prefix (key_pem, "-----BEGIN PRIVATE KEY-----\n"));
  g_assert_true (g_str_has_suffix (key_pem, "-----END PRIVATE KEY-----\n"));
  cert_pem = read_file (cert_path);
  g_assert_true (g_str_has_prefix (cert_pem, "-----BEGIN CERTIFICATE-----\n"));
  g_assert_null (strstr (cert_pem, "PRIVATE KEY"));

  certificate = wc_portal_cert_load (cert_path, key_path, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_TLS_CERTIFICATE (certificate));
  fingerprint = wc_tls_certificate_fingerprint (certificate);
  g_assert_cmpuint (strlen (fingerprint), ==, WC_TLS_FINGERPRINT_LENGTH);
  for (const char *p = fingerprint; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));

  /* A later start finds both files and leaves them exactly as they are,
   * even when asked for another host. */
  snapshot_take (&cert_before, cert_path);
  snapshot_take (&key_before, key_path);
  g_usleep (20 * 1000);
  g_assert_true (wc_portal_cert_ensure (f->dir, "portal.example", &cert_path2, &key_path2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (cert_path2, ==, cert_path);
  g_assert_cmpstr (key_path2, ==, key_path);
  snapshot_assert_unchanged (&cert_before, cert_path);
  snapshot_assert_unchanged (&key_before, key_path);
  snapshot_clear (&cert_before);
  snapshot_clear (&key_before);

  again = wc_portal_cert_load (cert_path2, key_path2, &error);
  g_assert_no_error (error);
  fingerprint2 = wc_tls_certificate_fingerprint (again);
  g_assert_cmpstr (fingerprint2, ==, fingerprint);

  /* The output arguments are optional. */
  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_two_dirs_differ (Fixture *f)
{
  g_autofree char *a = make_subdir (f, "a");
  g_autofree char *b = make_subdir (f, "b");
  g_autoptr(GTlsCertificate) cert_a = ensure_and_load (a, NULL);
  g_autoptr(GTlsCertificate) cert_b = ensure_and_load (b, NULL);
  g_autofree char *fingerprint_a = wc_tls_certificate_fingerprint (cert_a);
  g_autofree char *fingerprint_b = wc_tls_certificate_fingerprint (cert_b);

  g_assert_cmpstr (fingerprint_a, !=, fingerprint_b);
}

static void
assert_san (gnutls_x509_crt_t  crt,
            unsigned int       index,
            int                type,
            const void        *value,
            gsize              size)
{
  guint8 buf[256];
  size_t buf_size = sizeof buf;
  int rc;

  /* GnuTLS 3.7 leaves the criticality argument of this call unset, so
   * test_contents() checks it on the extension itself. */
  rc = gnutls_x509_crt_get_subject_alt_name (crt, index, buf, &buf_size, NULL);
  g_assert_cmpint (rc, ==, type);
  g_assert_cmpmem (buf, buf_size, value, size);
}

static void
assert_no_more_sans (gnutls_x509_crt_t crt,
                     unsigned int      index)
{
  guint8 buf[256];
  size_t buf_size = sizeof buf;

  g_assert_cmpint (gnutls_x509_crt_get_subject_alt_name (crt, index, buf, &buf_size, NULL),
                   ==, GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
}

static void
import_certificate (gnutls_x509_crt_t *crt,
                    const char        *pem)
{
  gnutls_datum_t datum = { (unsigned char *) pem, (unsigned int) strlen (pem) };

  g_assert_cmpint (gnutls_x509_crt_init (crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (*crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
}

static void
test_contents (Fixture *f)
{
  static const guint8 ipv4_loopback[] = { 127, 0, 0, 1 };
  static const guint8 ipv6_loopback[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 };
  gnutls_datum_t y = { NULL, 0 };
  char text[256];
  size_t text_size;
  guint8 serial[64];
  size_t serial_size = sizeof serial;
  guint8 ski[64], crt_id[64], key_id[64];
  size_t ski_size = sizeof ski, crt_id_size = sizeof crt_id, key_id_size = sizeof key_id;
  unsigned int critical, key_usage, verify_status;
  unsigned int ca = 1;
  int path_len;
  gint64 now;

  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  now = g_get_real_time () / G_USEC_PER_SEC;

  cert_pem = read_file (cert_path);
  import_certificate (&crt, cert_pem);

  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);

  text_size = sizeof text;
  g_assert_cmpint (gnutls_x509_crt_get_dn (crt, text, &text_size), ==, 0);
  g_assert_cmpstr (text, ==, "CN=webcollect-portal");
  text_size = sizeof text;
  g_assert_cmpint (gnutls_x509_crt_get_issuer_dn (crt, text, &text_size), ==, 0);
  g_assert_cmpstr (text, ==, "CN=webcollect-portal");

  /* 16 random bytes with the top bit clear; DER drops a leading zero
   * byte, so one time in 128 the stored number is shorter. */
  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_size), ==, 0);
  g_assert_cmpuint (serial_size, <=, 16);
  g_assert_cmpuint (serial_size, >=, 14);
  g_assert_cmpuint (serial[0] & 0x80, ==, 0);

  g_assert_cmpint (gnutls_x509_crt_get_activation_time (crt), >=, now - 3600 - 60);
  g_assert_cmpint (gnutls_x509_crt_get_activation_time (crt), <=, now - 3600 + 1);
  g_assert_cmpint (gnutls_x509_crt_get_expiration_time (crt), >=, now + 3652 * (gint64) 86400 - 60);
  g_assert_cmpint (gnutls_x509_crt_get_expiration_time (crt), <=, now + 3653 * (gint64) 86400);

  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, NULL), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, &x, &y), ==, 0);
  g_assert_cmpint (curve, ==, GNUTLS_ECC_CURVE_SECP256R1);
  gnutls_free (x.data);
  gnutls_free (y.data);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_ECDSA_SHA256);

  critical = 0;
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &path_len), ==, 0);
  g_assert_cmpuint (critical, ==, 1);
  g_assert_cmpuint (ca, ==, 0);

  critical = 0;
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &key_usage, &critical), ==, 0);
  g_assert_cmpuint (critical, ==, 1);
  g_assert_cmpuint (key_usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);

  text_size = sizeof text;
  critical = 1;
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (crt, 0, text, &text_size, &critical), ==, 0);
  g_assert_cmpstr (text, ==, GNUTLS_KP_TLS_WWW_SERVER);
  g_assert_cmpuint (critical, ==, 0);
  text_size = sizeof text;
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (crt, 1, text, &text_size, NULL),
                   ==, GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);

  critical = 1;
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (crt, ski, &ski_size, &critical), ==, 0);
  g_assert_cmpuint (critical, ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, crt_id, &crt_id_size), ==, 0);
  g_assert_cmpmem (ski, ski_size, crt_id, crt_id_size);

  text_size = sizeof text;
  critical = 1;
  g_assert_cmpint (gnutls_x509_crt_get_extension_by_oid (crt, GNUTLS_X509EXT_OID_SAN, 0,
                                                         text, &text_size, &critical), ==, 0);
  g_assert_cmpuint (critical, ==, 0);
  assert_san (crt, 0, GNUTLS_SAN_DNSNAME, "localhost", strlen ("localhost"));
  assert_san (crt, 1, GNUTLS_SAN_IPADDRESS, ipv4_loopback, sizeof ipv4_loopback);
  assert_san (crt, 2, GNUTLS_SAN_IPADDRESS, ipv6_loopback, sizeof ipv6_loopback);
  assert_no_more_sans (crt, 3);

  /* Self-signed, and the signature checks out. */
  g_assert_cmpint (gnutls_x509_crt_check_issuer (crt, crt), ==, 1);
  g_assert_cmpint (gnutls_x509_crt_verify (crt, &crt, 1, 0, &verify_status), ==, 0);
  g_assert_cmpuint (verify_status, ==, 0);

  /* The key file holds the key of this certificate. */
  key_pem = read_file (key_path);
  datum.data = (unsigned char *) key_pem;
  datum.size = (unsigned int) strlen (key_pem);
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_get_pk_algorithm (key), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size), ==, 0);
  g_assert_cmpmem (key_id, key_id_size, crt_id, crt_id_size);

  explicit_bzero (key_pem, strlen (key_pem));
  gnutls_x509_privkey_deinit (key);
  gnutls_x509_crt_deinit (crt);
}

static void
test_identity (Fixture *f)
{
  g_autoptr(GTlsCertificate) certificate = ensure_and_load (f->dir, NULL);

  assert_valid_for (certificate, "localhost");
  assert_valid_for (certificate, "127.0.0.1");
  assert_valid_for (certificate, "::1");
  assert_not_valid_for (certificate, "portal.example");
  assert_not_valid_for (certificate, "127.0.0.2");
  assert_not_valid_for (certificate, "webcollect-portal");
}

static void
test_extra_host (Fixture *f)
{
  g_autoptr(GTlsCertificate) certificate = ensure_and_load (f->dir, "portal.example");

  assert_valid_for (certificate, "portal.example");
  assert_valid_for (certificate, "localhost");
  assert_valid_for (certificate, "127.0.0.1");
  assert_valid_for (certificate, "::1");
  assert_not_valid_for (certificate, "other.example");
}

static void
test_extra_ip (Fixture *f)
{
  g_autofree char *v4 = make_subdir (f, "v4");
  g_autofree char *v6 = make_subdir (f, "v6");
  g_autofree char *bracketed = make_subdir (f, "bracketed");
  g_autoptr(GTlsCertificate) cert_v4 = ensure_and_load (v4, "192.0.2.7");
  g_autoptr(GTlsCertificate) cert_v6 = ensure_and_load (v6, "2001:db8::7");
  g_autoptr(GTlsCertificate) cert_bracketed = ensure_and_load (bracketed, "[2001:db8::8]");

  assert_valid_for (cert_v4, "192.0.2.7");
  assert_valid_for (cert_v4, "127.0.0.1");
  assert_not_valid_for (cert_v4, "192.0.2.8");
  assert_valid_for (cert_v6, "2001:db8::7");
  assert_valid_for (cert_v6, "::1");
  assert_not_valid_for (cert_v6, "2001:db8::8");
  assert_valid_for (cert_bracketed, "2001:db8::8");
}

/* A host that is already there is not named twice. */
static void
test_extra_host_duplicate (Fixture *f)
{
  const char *hosts[] = { "localhost", "LOCALHOST", "127.0.0.1", "::1" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *name = g_strdup_printf ("d%u", i);
      g_autofree char *dir = make_subdir (f, name);
      g_autofree char *cert_path = NULL;
      g_autofree char *cert_pem = NULL;
      g_autoptr(GError) error = NULL;
      gnutls_x509_crt_t crt = NULL;

      g_assert_true (wc_portal_cert_ensure (dir, hosts[i], &cert_path, NULL, &error));
      g_assert_no_error (error);
      cert_pem = read_file (cert_path);
      import_certificate (&crt, cert_pem);
      assert_no_more_sans (crt, 3);
      gnutls_x509_crt_deinit (crt);
    }
}

static void
test_bad_host (Fixture *f)
{
  const char *hosts[] = { "", "bad host", "portal..example", "a/b", "[not-an-ip]", "x\n" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *cert_path = NULL;
      g_autofree char *listing = NULL;

      g_assert_false (wc_portal_cert_ensure (f->dir, hosts[i], &cert_path, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
      g_assert_null (cert_path);
      listing = list_dir (f->dir);
      g_assert_cmpstr (listing, ==, "");
    }
}

static void
test_only_key (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *out_cert = NULL;
  g_autofree char *out_key = NULL;
  g_autofree char *listing = NULL;
  Snapshot key_before;

  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (cert_path), ==, 0);
  snapshot_take (&key_before, key_path);

  g_assert_false (wc_portal_cert_ensure (f->dir, NULL, &out_cert, &out_key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "portal.crt"));
  g_assert_nonnull (strstr (error->message, "missing"));
  g_assert_null (out_cert);
  g_assert_null (out_key);

  snapshot_assert_unchanged (&key_before, key_path);
  snapshot_clear (&key_before);
  assert_mode_0600 (key_path);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "portal.key");
}

static void
test_only_cert (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *listing = NULL;
  Snapshot cert_before;

  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (key_path), ==, 0);
  snapshot_take (&cert_before, cert_path);

  g_assert_false (wc_portal_cert_ensure (f->dir, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "portal.key"));
  g_assert_nonnull (strstr (error->message, "missing"));

  snapshot_assert_unchanged (&cert_before, cert_path);
  snapshot_clear (&cert_before);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "portal.crt");
}

static void
assert_load_fails_naming (const char *cert_path,
                          const char *key_path,
                          const char *culprit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;

  certificate = wc_portal_cert_load (cert_path, key_path, &error);
  g_assert_null (certificate);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, culprit));
}

static void
test_load_garbage (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *good_cert = NULL;
  g_autofree char *good_key = NULL;
  g_autofree char *missing = file_in (f->dir, "missing.crt");

  g_assert_true (wc_portal_cert_ensure (f->dir, NULL, &cert_path, &key_path, &error));
  g_assert_no_error (error);
  good_cert = read_file (cert_path);
  good_key = read_file (key_path);

  write_file (cert_path, "this is not a certificate\n");
  assert_load_fails_naming (cert_path, key_path, cert_path);

  write_file (cert_path, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  assert_load_fails_naming (cert_path, key_path, cert_path);

  write_file (cert_path, good_cert);
  write_file (key_path, "this is not a key either\n");
  assert_load_fails_naming (cert_path, key_path, key_path);

  write_file (key_path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  assert_load_fails_naming (cert_path, key_path, key_path);

  write_file (key_path, good_key);
  assert_load_fails_naming (missing, key_path, missing);

  g_free (missing);
  missing = file_in (f->dir, "missing.key");
  assert_load_fails_naming (cert_path, missing, missing);
}

static void
test_load_mismatched_key (Fixture *f)
{
  g_autofree char *a = make_subdir (f, "a");
  g_autofree char *b = make_subdir (f, "b");
  g_autofree char *cert_a = NULL;
  g_autofree char *key_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_assert_true (wc_portal_cert_ensure (a, NULL, &cert_a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wc_portal_cert_ensure (b, NULL, NULL, &key_b, &error));
  g_assert_no_error (error);

  certificate = wc_portal_cert_load (cert_a, key_b, &error);
  g_assert_null (certificate);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, key_b));
  g_assert_nonnull (strstr (error->message, cert_a));
}

static void
test_unusable_dir (Fixture *f)
{
  g_autofree char *regular = file_in (f->dir, "regular");
  g_autofree char *under_file = file_in (regular, "sub");
  g_autofree char *missing = file_in (f->dir, "missing");
  const char *dirs[] = { under_file, regular, missing };

  write_file (regular, "not a directory\n");

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      g_assert_false (wc_portal_cert_ensure (dirs[i], NULL, &cert_path, &key_path, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, dirs[i]));
      g_assert_null (cert_path);
      g_assert_null (key_path);
    }
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_read_only_dir (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root writes to read-only directories");
      return;
    }

  g_assert_cmpint (g_chmod (f->dir, 0500), ==, 0);
  g_assert_false (wc_portal_cert_ensure (f->dir, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->dir));
  g_assert_cmpint (g_chmod (f->dir, 0700), ==, 0);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");
}

typedef struct {
  const char *path;
  void (*func) (Fixture *f);
} Case;

static const Case cases[] = {
  { "/portal-cert/create-and-reuse", test_create_and_reuse },
  { "/portal-cert/two-dirs-differ", test_two_dirs_differ },
  { "/portal-cert/contents", test_contents },
  { "/portal-cert/identity", test_identity },
  { "/portal-cert/extra-host", test_extra_host },
  { "/portal-cert/extra-ip", test_extra_ip },
  { "/portal-cert/extra-host-duplicate", test_extra_host_duplicate },
  { "/portal-cert/bad-host", test_bad_host },
  { "/portal-cert/only-key", test_only_key },
  { "/portal-cert/only-cert", test_only_cert },
  { "/portal-cert/load-garbage", test_load_garbage },
  { "/portal-cert/load-mismatched-key", test_load_mismatched_key },
  { "/portal-cert/unusable-dir", test_unusable_dir },
  { "/portal-cert/read-only-dir", test_read_only_dir },
};

/* Runs one case in a fresh temporary directory, removed afterwards. */
static void
run_case (gconstpointer data)
{
  const Case *c = data;
  Fixture f;

  fixture_set_up (&f);
  c->func (&f);
  fixture_tear_down (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);

  return g_test_run ();
}
