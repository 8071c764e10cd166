/* wc-portal-cert.c: the portal's self-signed certificate, made with
 * GnuTLS on first start, and loading a certificate and key from files.
 *
 * Key material lives only in GnuTLS structures and in the exported PEM
 * buffer, which is wiped before it is freed. The files appear complete
 * or not at all: each is written to a temporary file created 0600,
 * synced, and then linked into place, which fails rather than replace a
 * file that is already there. */
#include "wc-portal-cert.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CERT_NAME         "portal.crt"
#define KEY_NAME          "portal.key"
#define COMMON_NAME       "webcollect-portal"
#define SERIAL_SIZE       16
#define VALIDITY_YEARS    10
#define BACKDATE_SECONDS  3600

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

/* A buffer from GnuTLS that may hold key material: always wiped. */
static void
datum_wipe (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    {
      explicit_bzero (datum->data, datum->size);
      gnutls_free (datum->data);
    }
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_wipe)

static gboolean
set_gnutls_error (GError     **error,
                  int          rc,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "%s: %s", what, gnutls_strerror (rc));
  return FALSE;
}

/* Whether @path exists, without following a final symlink. Anything but
 * “no such file” is an error, so that a file that cannot be seen is never
 * taken for a missing one. */
static gboolean
path_exists (const char  *path,
             gboolean    *exists,
             GError     **error)
{
  GStatBuf st;
  int saved_errno;

  if (g_lstat (path, &st) == 0)
    {
      *exists = TRUE;
      return TRUE;
    }
  saved_errno = errno;
  if (saved_errno == ENOENT)
    {
      *exists = FALSE;
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not check whether “%s” exists: %s",
               path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
check_data_dir (const char  *data_dir,
                GError     **error)
{
  GStatBuf st;

  if (g_stat (data_dir, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "The portal's data directory “%s” cannot be used: %s",
                   data_dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   "The portal's data directory “%s” is not a directory",
                   data_dir);
      return FALSE;
    }
  return TRUE;
}

/* Accepts a host name (converted to its ASCII form) and returns it in
 * lower case, or NULL when it cannot be a DNS name. */
static char *
dns_name_from_host (const char *host)
{
  g_autofree char *ascii = g_hostname_to_ascii (host);
  gsize len;

  if (ascii == NULL)
    return NULL;
  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[--len] = '\0';
  if (len == 0 || len > 253)
    return NULL;

  for (const char *label = ascii; label != NULL; )
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (label_len == 0 || label_len > 63)
        return NULL;
      for (gsize i = 0; i < label_len; i++)
        if (!g_ascii_isalnum (label[i]) && label[i] != '-')
          return NULL;
      label = dot != NULL ? dot + 1 : NULL;
    }
  return g_ascii_strdown (ascii, -1);
}

static gboolean
add_ip_name (gnutls_x509_crt_t   crt,
             GInetAddress       *address,
             GError            **error)
{
  int rc;

  rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                             g_inet_address_to_bytes (address),
                                             (unsigned int) g_inet_address_get_native_size (address),
                                             GNUTLS_FSAN_APPEND);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not add an IP address to the certificate");
  return TRUE;
}

static gboolean
add_dns_name (gnutls_x509_crt_t   crt,
              const char         *name,
              GError            **error)
{
  int rc;

  rc = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME,
                                             name, (unsigned int) strlen (name),
                                             GNUTLS_FSAN_APPEND);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not add a host name to the certificate");
  return TRUE;
}

/* localhost, 127.0.0.1 and ::1, and @host unless it is one of them. */
static gboolean
add_alt_names (gnutls_x509_crt_t   crt,
               const char         *host,
               GError            **error)
{
  g_autoptr(GInetAddress) loopback4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *dns_name = NULL;
  gsize len;

  if (!add_dns_name (crt, "localhost", error)
      || !add_ip_name (crt, loopback4, error)
      || !add_ip_name (crt, loopback6, error))
    return FALSE;

  if (host == NULL)
    return TRUE;

  /* An IPv6 address may come as in a URL, in brackets. */
  len = strlen (host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  if (address != NULL)
    {
      if (g_inet_address_equal (address, loopback4)
          || g_inet_address_equal (address, loopback6))
        return TRUE;
      return add_ip_name (crt, address, error);
    }

  dns_name = dns_name_from_host (host);
  if (dns_name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is neither an IP address nor a valid host name; the certificate cannot name it",
                   host);
      return FALSE;
    }
  if (g_str_equal (dns_name, "localhost"))
    return TRUE;
  return add_dns_name (crt, dns_name, error);
}

/* Makes the key and the certificate and exports both as PEM. */
static gboolean
make_pair (const char      *host,
           gnutls_datum_t  *cert_pem,
           gnutls_datum_t  *key_pem,
           GError         **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) expires = NULL;
  guint8 serial[SERIAL_SIZE];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  int rc;

  rc = gnutls_x509_privkey_init (&key);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not create the portal's private key");
  rc = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not create the portal's private key");

  rc = gnutls_x509_crt_init (&crt);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not create the portal's certificate");

  rc = gnutls_x509_crt_set_version (crt, 3);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not set the certificate's version");

  rc = gnutls_x509_crt_set_key (crt, key);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not put the public key in the certificate");

  rc = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                      COMMON_NAME, strlen (COMMON_NAME));
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not set the certificate's subject");

  rc = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not draw a serial number");
  serial[0] &= 0x7f;  /* a positive INTEGER */
  rc = gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not set the certificate's serial number");

  /* An hour back, so that a client whose clock is a little behind still
   * accepts a certificate made a moment ago. */
  now = g_date_time_new_now_utc ();
  expires = g_date_time_add_years (now, VALIDITY_YEARS);
  rc = gnutls_x509_crt_set_activation_time (crt, (time_t) (g_date_time_to_unix (now) - BACKDATE_SECONDS));
  if (rc >= 0)
    rc = gnutls_x509_crt_set_expiration_time (crt, (time_t) g_date_time_to_unix (expires));
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not set the certificate's validity");

  if (!add_alt_names (crt, host, error))
    return FALSE;

  /* GnuTLS marks both of these critical. */
  rc = gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size);
  if (rc >= 0)
    rc = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not set the certificate's extensions");

  rc = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not sign the certificate");

  rc = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, cert_pem);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not encode the certificate");
  rc = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                          GNUTLS_PKCS_PLAIN, key_pem);
  if (rc < 0)
    return set_gnutls_error (error, rc, "Could not encode the private key");
  return TRUE;
}

/* Writes @data to a new file next to @path, created 0600 with O_EXCL
 * and synced, and returns the file's name. */
static char *
write_temporary (const char     *path,
                 const guint8   *data,
                 gsize           size,
                 GError        **error)
{
  g_autofree char *tmp_path = NULL;
  gsize written = 0;
  int saved_errno;
  int fd = -1;

  for (guint attempt = 0; attempt < 16 && fd < 0; attempt++)
    {
      g_free (tmp_path);
      tmp_path = g_strdup_printf ("%s.tmp-%08x", path, g_random_int ());
      fd = open (tmp_path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create a file next to “%s”: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }

  while (written < size)
    {
      ssize_t n = write (fd, data + written, size - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      written += (gsize) n;
    }
  if (fsync (fd) != 0)
    goto fail;
  /* On Linux the descriptor is gone even when close() fails, so it is
   * never retried. */
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  return g_steal_pointer (&tmp_path);

fail:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not write a file next to “%s”: %s", path, g_strerror (saved_errno));
  return NULL;
}

/* Moves @tmp_path to @path without ever replacing a file there: another
 * portal starting at the same moment must not pair its key with our
 * certificate. Hard links do that atomically; where the file system
 * has none, rename() after a last check is the fallback. */
static gboolean
publish (const char  *tmp_path,
         const char  *path,
         GError     **error)
{
  int saved_errno;

  if (link (tmp_path, path) == 0)
    {
      g_unlink (tmp_path);
      return TRUE;
    }
  saved_errno = errno;

  if (saved_errno == EPERM || saved_errno == ENOTSUP || saved_errno == EOPNOTSUPP
      || saved_errno == ENOSYS || saved_errno == EMLINK)
    {
      gboolean exists = FALSE;

      if (!path_exists (path, &exists, error))
        return FALSE;
      if (!exists)
        {
          if (g_rename (tmp_path, path) == 0)
            return TRUE;
          saved_errno = errno;
        }
      else
        saved_errno = EEXIST;
    }

  if (saved_errno == EEXIST)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                 "“%s” appeared while the portal was creating it (is another portal starting?); it was left alone",
                 path);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "Could not create “%s”: %s", path, g_strerror (saved_errno));
  return FALSE;
}

/* Best effort: makes the new names durable. */
static void
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("could not sync %s: %s", dir, g_strerror (errno));
  close (fd);
}

static gboolean
create_pair (const char  *data_dir,
             const char  *host,
             const char  *cert_path,
             const char  *key_path,
             GError     **error)
{
  g_auto(gnutls_datum_t) cert_pem = { NULL, 0 };
  g_auto(gnutls_datum_t) key_pem = { NULL, 0 };
  g_autofree char *cert_tmp = NULL;
  g_autofree char *key_tmp = NULL;

  if (!make_pair (host, &cert_pem, &key_pem, error))
    return FALSE;

  key_tmp = write_temporary (key_path, key_pem.data, key_pem.size, error);
  datum_wipe (&key_pem);
  if (key_tmp == NULL)
    return FALSE;
  cert_tmp = write_temporary (cert_path, cert_pem.data, cert_pem.size, error);
  if (cert_tmp == NULL)
    {
      g_unlink (key_tmp);
      return FALSE;
    }

  /* Both are complete on disk before either appears, so only a crash
   * between the two steps below can leave one without the other. */
  if (!publish (key_tmp, key_path, error))
    {
      g_unlink (key_tmp);
      g_unlink (cert_tmp);
      return FALSE;
    }
  if (!publish (cert_tmp, cert_path, error))
    {
      /* The key was ours a moment ago and has no certificate. */
      g_unlink (cert_tmp);
      g_unlink (key_path);
      return FALSE;
    }
  sync_dir (data_dir);

  g_info ("Created a self-signed certificate in %s", cert_path);
  return TRUE;
}

gboolean
wc_portal_cert_ensure (const char  *data_dir,
                       const char  *host,
                       char       **cert_path,
                       char       **key_path,
                       GError     **error)
{
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  gboolean have_cert = FALSE;
  gboolean have_key = FALSE;

  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cert_file = g_build_filename (data_dir, CERT_NAME, NULL);
  key_file = g_build_filename (data_dir, KEY_NAME, NULL);

  if (!check_data_dir (data_dir, error)
      || !path_exists (cert_file, &have_cert, error)
      || !path_exists (key_file, &have_key, error))
    return FALSE;

  if (have_cert && !have_key)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The portal's key “%s” is missing, but its certificate “%s” exists. "
                   "Restore the key, or move the certificate away so that a new pair is made; "
                   "clients that trust the old certificate's fingerprint must then be told the new one.",
                   key_file, cert_file);
      return FALSE;
    }
  if (have_key && !have_cert)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The portal's certificate “%s” is missing, but its key “%s” exists. "
                   "Restore the certificate, or move the key away so that a new pair is made; "
                   "clients that trust the old certificate's fingerprint must then be told the new one.",
                   cert_file, key_file);
      return FALSE;
    }
  if (!have_cert && !have_key
      && !create_pair (data_dir, host, cert_file, key_file, error))
    return FALSE;

  if (cert_path != NULL)
    *cert_path = g_steal_pointer (&cert_file);
  if (key_path != NULL)
    *key_path = g_steal_pointer (&key_file);
  return TRUE;
}

/* The key ID (SHA-256 of the public key) of the private key in the PEM
 * file @key_path, or NULL with @error set. */
static GBytes *
private_key_id (const char  *key_path,
                GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  char *contents = NULL;
  gsize length = 0;
  gnutls_datum_t datum;
  guint8 id[32];
  size_t id_size = sizeof id;
  int rc;

  if (!g_file_get_contents (key_path, &contents, &length, error))
    return NULL;
  datum.data = (unsigned char *) contents;
  datum.size = (unsigned int) length;

  rc = gnutls_x509_privkey_init (&key);
  if (rc >= 0)
    rc = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (rc >= 0)
    rc = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, id, &id_size);
  explicit_bzero (contents, length);
  g_free (contents);
  if (rc < 0)
    {
      set_gnutls_error (error, rc, "The private key could not be read");
      return NULL;
    }
  return g_bytes_new (id, id_size);
}

static GBytes *
certificate_key_id (GTlsCertificate  *certificate,
                    GError          **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autoptr(GByteArray) der = NULL;
  gnutls_datum_t datum;
  guint8 id[32];
  size_t id_size = sizeof id;
  int rc;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "The certificate could not be read");
      return NULL;
    }
  datum.data = der->data;
  datum.size = der->len;

  rc = gnutls_x509_crt_init (&crt);
  if (rc >= 0)
    rc = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (rc >= 0)
    rc = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, id, &id_size);
  if (rc < 0)
    {
      set_gnutls_error (error, rc, "The certificate could not be read");
      return NULL;
    }
  return g_bytes_new (id, id_size);
}

GTlsCertificate *
wc_portal_cert_load (const char  *cert_path,
                     const char  *key_path,
                     GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) cert_id = NULL;
  g_autoptr(GBytes) key_id = NULL;

  g_return_val_if_fail (cert_path != NULL, NULL);
  g_return_val_if_fail (key_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &local_error);
  if (certificate == NULL)
    {
      g_autoptr(GTlsCertificate) cert_only = NULL;
      g_autoptr(GError) cert_error = NULL;

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "%s (is glib-networking installed?)", local_error->message);
          return NULL;
        }

      /* Which of the two files is at fault: the certificate if it does
       * not load on its own, else the key. */
      cert_only = g_tls_certificate_new_from_file (cert_path, &cert_error);
      if (cert_only == NULL)
        {
          g_prefix_error (&cert_error, "%s: ", cert_path);
          g_propagate_error (error, g_steal_pointer (&cert_error));
        }
      else
        {
          g_prefix_error (&local_error, "%s: ", key_path);
          g_propagate_error (error, g_steal_pointer (&local_error));
        }
      return NULL;
    }

  /* GLib does not check that the key belongs to the certificate; a
   * mismatch would only show as failed handshakes. */
  cert_id = certificate_key_id (certificate, &local_error);
  if (cert_id == NULL)
    {
      g_prefix_error (&local_error, "%s: ", cert_path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  key_id = private_key_id (key_path, &local_error);
  if (key_id == NULL)
    {
      g_prefix_error (&local_error, "%s: ", key_path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!g_bytes_equal (cert_id, key_id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s: the key does not belong to the certificate “%s”",
                   key_path, cert_path);
      return NULL;
    }

  return g_steal_pointer (&certificate);
}
