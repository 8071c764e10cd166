/* wc-otp.c: one-time password generation. All HMAC work is liboath's; this
 * file checks parameters, so that every refusal is a clear GError rather
 * than a liboath return code. */
#include "wc-otp.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <liboath/oath.h>
#include <time.h>

/* TOTP steps and HOTP counters reach liboath as time_t. */
G_STATIC_ASSERT (sizeof (time_t) >= 8);

static gsize oath_initialized;

static void
ensure_oath (void)
{
  if (g_once_init_enter (&oath_initialized))
    {
      int rc = oath_init ();

      if (rc != OATH_OK)
        g_error ("liboath failed to initialise: %s", oath_strerror (rc));
      g_once_init_leave (&oath_initialized, 1);
    }
}

const char *
wc_otp_type_to_string (WcOtpType type)
{
  return type == WC_OTP_TYPE_HOTP ? "hotp" : "totp";
}

gboolean
wc_otp_type_from_string (const char *text,
                         WcOtpType  *type)
{
  g_return_val_if_fail (text != NULL && type != NULL, FALSE);

  if (g_ascii_strcasecmp (text, "totp") == 0)
    *type = WC_OTP_TYPE_TOTP;
  else if (g_ascii_strcasecmp (text, "hotp") == 0)
    *type = WC_OTP_TYPE_HOTP;
  else
    return FALSE;
  return TRUE;
}

const char *
wc_otp_algorithm_to_string (WcOtpAlgorithm algorithm)
{
  switch (algorithm)
    {
    case WC_OTP_ALGORITHM_SHA256: return "SHA256";
    case WC_OTP_ALGORITHM_SHA512: return "SHA512";
    case WC_OTP_ALGORITHM_SHA1:
    default: return "SHA1";
    }
}

gboolean
wc_otp_algorithm_from_string (const char     *text,
                              WcOtpAlgorithm *algorithm)
{
  g_return_val_if_fail (text != NULL && algorithm != NULL, FALSE);

  if (g_ascii_strcasecmp (text, "SHA1") == 0)
    *algorithm = WC_OTP_ALGORITHM_SHA1;
  else if (g_ascii_strcasecmp (text, "SHA256") == 0)
    *algorithm = WC_OTP_ALGORITHM_SHA256;
  else if (g_ascii_strcasecmp (text, "SHA512") == 0)
    *algorithm = WC_OTP_ALGORITHM_SHA512;
  else
    return FALSE;
  return TRUE;
}

gboolean
wc_otp_check_digits (guint    digits,
                     GError **error)
{
  if (digits < WC_OTP_MIN_DIGITS || digits > WC_OTP_MAX_DIGITS)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_DIGITS,
                   _("%u digits are not supported: a code has 6, 7 or 8 digits"),
                   digits);
      return FALSE;
    }
  return TRUE;
}

gboolean
wc_otp_check_period (guint    period,
                     GError **error)
{
  if (period < WC_OTP_MIN_PERIOD || period > WC_OTP_MAX_PERIOD)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_PERIOD,
                   _("A period of %u seconds is not supported: it must be between 1 and 300 seconds"),
                   period);
      return FALSE;
    }
  return TRUE;
}

gboolean
wc_otp_check_key (const WcSecret  *key,
                  GError         **error)
{
  gsize size = wc_secret_get_size (key);

  if (size < WC_OTP_MIN_KEY_BYTES)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET,
                   _("The secret key is too short: it has %u bits, and at least 80 are needed"),
                   (guint) (size * 8));
      return FALSE;
    }
  if (size > WC_OTP_MAX_KEY_BYTES)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET,
                   _("The secret key is too long: at most 2048 bits are supported"));
      return FALSE;
    }
  return TRUE;
}

static int
oath_flags_for (WcOtpAlgorithm algorithm)
{
  switch (algorithm)
    {
    case WC_OTP_ALGORITHM_SHA256: return OATH_TOTP_HMAC_SHA256;
    case WC_OTP_ALGORITHM_SHA512: return OATH_TOTP_HMAC_SHA512;
    case WC_OTP_ALGORITHM_SHA1:
    default: return 0;
    }
}

/**
 * wc_otp_hotp:
 * @key: the raw key
 * @algorithm: the HMAC hash
 * @digits: 6, 7 or 8
 * @counter: the moving factor
 *
 * Computes an RFC 4226 code. liboath 2.6 offers SHA256 and SHA512 only
 * through its TOTP entry point, and TOTP is HOTP over the time step, so a
 * one-second step starting at zero turns it into plain HOTP over @counter
 * for every algorithm.
 *
 * Returns: (transfer full): the code, or %NULL with @error set.
 */
char *
wc_otp_hotp (const WcSecret  *key,
             WcOtpAlgorithm   algorithm,
             guint            digits,
             guint64          counter,
             GError         **error)
{
  char otp[WC_OTP_MAX_DIGITS + 1] = { 0 };
  int rc;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!wc_otp_check_digits (digits, error) || !wc_otp_check_key (key, error))
    return NULL;
  if (algorithm > WC_OTP_ALGORITHM_SHA512)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_ALGORITHM,
                   _("Unknown hash algorithm"));
      return NULL;
    }
  if (counter > G_MAXINT64)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_COUNTER,
                   _("The counter is too large"));
      return NULL;
    }

  ensure_oath ();
  rc = oath_totp_generate2 ((const char *) wc_secret_get_data ((WcSecret *) key),
                            wc_secret_get_size (key),
                            (time_t) counter, 1, 0, digits,
                            oath_flags_for (algorithm), otp);
  if (rc != OATH_OK)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_FAILED,
                   _("The code could not be computed (%s)"), oath_strerror_name (rc));
      return NULL;
    }
  return g_strdup (otp);
}

guint64
wc_otp_totp_step (gint64 unix_time,
                  guint  period)
{
  g_return_val_if_fail (period >= WC_OTP_MIN_PERIOD, 0);
  g_return_val_if_fail (unix_time >= 0, 0);
  return (guint64) unix_time / period;
}

/**
 * wc_otp_totp_seconds_left:
 *
 * Returns: how many seconds the code valid at @unix_time stays valid,
 *   from @period (just begun) down to 1.
 */
guint
wc_otp_totp_seconds_left (gint64 unix_time,
                          guint  period)
{
  g_return_val_if_fail (period >= WC_OTP_MIN_PERIOD, 0);
  g_return_val_if_fail (unix_time >= 0, 0);
  return period - (guint) ((guint64) unix_time % period);
}

/**
 * wc_otp_totp:
 * @unix_time: seconds since the epoch, 64-bit
 *
 * Computes the RFC 6238 code valid at @unix_time.
 *
 * Returns: (transfer full): the code, or %NULL with @error set.
 */
char *
wc_otp_totp (const WcSecret  *key,
             WcOtpAlgorithm   algorithm,
             guint            digits,
             guint            period,
             gint64           unix_time,
             GError         **error)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (!wc_otp_check_period (period, error))
    return NULL;
  if (unix_time < 0)
    {
      g_set_error (error, WC_OTP_ERROR, WC_OTP_ERROR_TIME,
                   _("The time lies before 1970"));
      return NULL;
    }
  return wc_otp_hotp (key, algorithm, digits,
                      wc_otp_totp_step (unix_time, period), error);
}
