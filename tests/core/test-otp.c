/* test-otp.c: code generation against the RFC 6238 and RFC 4226 vectors,
 * parameter refusals, and a cross-check with the independent oathtool. */
#include <gio/gio.h>
#include <string.h>

#include "wc-error.h"
#include "wc-otp.h"
#include "wc-token.h"

static const char sha1_seed[] = "12345678901234567890";
static const char sha256_seed[] = "12345678901234567890123456789012";
static const char sha512_seed[] = "1234567890123456789012345678901234567890123456789012345678901234";

typedef struct {
  gint64 time;
  const char *sha1;
  const char *sha256;
  const char *sha512;
} TotpVector;

/* RFC 6238, appendix B. */
static const TotpVector totp_vectors[] = {
  { 59LL, "94287082", "46119246", "90693936" },
  { 1111111109LL, "07081804", "68084774", "25091201" },
  { 1111111111LL, "14050471", "67062674", "99943326" },
  { 1234567890LL, "89005924", "91819424", "93441116" },
  { 2000000000LL, "69279037", "90698825", "38618901" },
  { 20000000000LL, "65353130", "77737706", "47863826" },
};

/* RFC 4226, appendix D. */
static const char *hotp_vectors[] = {
  "755224", "287082", "359152", "969429", "338314",
  "254676", "287922", "162583", "399871", "520489",
};

static WcSecret *
seed (const char *text)
{
  return wc_secret_new_from_text (text);
}

static void
test_rfc6238 (void)
{
  g_autoptr(WcSecret) k1 = seed (sha1_seed);
  g_autoptr(WcSecret) k256 = seed (sha256_seed);
  g_autoptr(WcSecret) k512 = seed (sha512_seed);
  guint checked = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (totp_vectors); i++)
    {
      const TotpVector *v = &totp_vectors[i];
      struct { WcSecret *key; WcOtpAlgorithm algorithm; const char *expected; } cases[] = {
        { k1, WC_OTP_ALGORITHM_SHA1, v->sha1 },
        { k256, WC_OTP_ALGORITHM_SHA256, v->sha256 },
        { k512, WC_OTP_ALGORITHM_SHA512, v->sha512 },
      };

      for (gsize j = 0; j < G_N_ELEMENTS (cases); j++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *code = wc_otp_totp (cases[j].key, cases[j].algorithm, 8, 30,
                                               v->time, &error);

          g_assert_no_error (error);
          g_assert_cmpstr (code, ==, cases[j].expected);
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, 18);
}

static void
test_rfc4226 (void)
{
  g_autoptr(WcSecret) key = seed (sha1_seed);

  for (guint64 counter = 0; counter < G_N_ELEMENTS (hotp_vectors); counter++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = wc_otp_hotp (key, WC_OTP_ALGORITHM_SHA1, 6, counter, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, hotp_vectors[counter]);
    }
}

static void
test_digits (void)
{
  g_autoptr(WcSecret) key = seed (sha1_seed);

  for (guint digits = 0; digits <= 12; digits++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, digits, 30, 59, &error);

      if (digits >= 6 && digits <= 8)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (strlen (code), ==, digits);
          /* The low digits of the 8-digit vector 94287082. */
          g_assert_true (g_str_has_suffix ("94287082", code));
        }
      else
        {
          g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_DIGITS);
          g_assert_null (code);
          g_assert_nonnull (strstr (error->message, "6, 7 or 8"));
        }
    }
}

static void
test_period (void)
{
  g_autoptr(WcSecret) key = seed (sha1_seed);
  guint periods[] = { 0, 301, 1000 };

  for (gsize i = 0; i < G_N_ELEMENTS (periods); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, periods[i], 59, &error);

      g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_PERIOD);
      g_assert_null (code);
    }

  /* Period 1 is HOTP over the Unix time; 300 is the longest allowed. */
  for (guint64 t = 0; t < 10; t++)
    {
      g_autofree char *code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 1, (gint64) t, NULL);

      g_assert_cmpstr (code, ==, hotp_vectors[t]);
    }
  {
    g_autofree char *a = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 300, 0, NULL);
    g_autofree char *b = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 300, 299, NULL);
    g_autofree char *c = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 300, 300, NULL);

    g_assert_cmpstr (a, ==, hotp_vectors[0]);
    g_assert_cmpstr (b, ==, hotp_vectors[0]);
    g_assert_cmpstr (c, ==, hotp_vectors[1]);
  }
}

static void
test_refusals (void)
{
  g_autoptr(WcSecret) short_key = wc_secret_new_from_text ("123456789");
  g_autoptr(WcSecret) key = seed (sha1_seed);
  g_autoptr(GError) error = NULL;
  char *code;

  code = wc_otp_hotp (short_key, WC_OTP_ALGORITHM_SHA1, 6, 0, &error);
  g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_SECRET);
  g_assert_null (code);
  g_clear_error (&error);

  code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 30, -1, &error);
  g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_TIME);
  g_assert_null (code);
  g_clear_error (&error);

  code = wc_otp_hotp (key, WC_OTP_ALGORITHM_SHA1, 6, (guint64) G_MAXINT64 + 1, &error);
  g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_COUNTER);
  g_assert_null (code);
}

static void
test_64bit_time (void)
{
  g_autoptr(WcSecret) key = seed (sha1_seed);
  /* Past 2038 and past 2106, where 32-bit time and 32-bit steps break. */
  gint64 times[] = { 4102444800LL, 4294967296LL * 30 + 15, 253402300799LL };
  g_autoptr(WcToken) token = wc_token_new ();

  wc_token_set_key (token, key);
  wc_token_set_digits (token, 8);

  for (gsize i = 0; i < G_N_ELEMENTS (times); i++)
    {
      guint64 step = (guint64) times[i] / 30;
      g_autofree char *by_time = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 8, 30, times[i], NULL);
      g_autofree char *by_step = wc_otp_hotp (key, WC_OTP_ALGORITHM_SHA1, 8, step, NULL);

      g_assert_nonnull (by_time);
      g_assert_cmpstr (by_time, ==, by_step);
    }
  /* The step counter must not wrap at 2^32: the code at step 2^32 differs
   * from the one at step 0. */
  {
    g_autofree char *wrapped = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 8, 30, 4294967296LL * 30 + 15, NULL);
    g_autofree char *zero = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 8, 30, 15, NULL);

    g_assert_cmpstr (wrapped, !=, zero);
  }
}

static void
test_seconds_left_and_neighbours (void)
{
  g_autoptr(WcSecret) key = seed (sha1_seed);
  g_autoptr(WcToken) token = wc_token_new ();
  g_autoptr(GError) error = NULL;

  wc_token_set_key (token, key);
  wc_token_set_digits (token, 8);

  g_assert_cmpuint (wc_token_get_seconds_left (token, 30), ==, 30);
  g_assert_cmpuint (wc_token_get_seconds_left (token, 59), ==, 1);
  g_assert_cmpuint (wc_token_get_seconds_left (token, 1111111109), ==, 1);
  g_assert_cmpuint (wc_token_get_seconds_left (token, 1111111111), ==, 29);

  /* 1111111109 and 1111111111 straddle a step boundary. */
  {
    g_autofree char *next = wc_token_dup_code (token, 1111111109, 1, &error);
    g_autofree char *previous = wc_token_dup_code (token, 1111111111, -1, &error);
    g_autofree char *current = wc_token_dup_code (token, 1111111111, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (next, ==, "14050471");
    g_assert_cmpstr (previous, ==, "07081804");
    g_assert_cmpstr (current, ==, "14050471");
  }

  /* There is no code before step 0. */
  {
    g_autofree char *none = wc_token_dup_code (token, 10, -1, &error);

    g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_COUNTER);
    g_assert_null (none);
  }

  wc_token_set_otp_type (token, WC_OTP_TYPE_HOTP);
  wc_token_set_digits (token, 6);
  wc_token_set_counter (token, 3);
  g_assert_cmpuint (wc_token_get_seconds_left (token, 59), ==, 0);
  {
    g_autofree char *code = wc_token_dup_code (token, 0, 0, NULL);
    g_autofree char *next = wc_token_dup_code (token, 0, 1, NULL);

    g_assert_cmpstr (code, ==, hotp_vectors[3]);
    g_assert_cmpstr (next, ==, hotp_vectors[4]);
  }
}

/* Cross-check against oathtool, an independent implementation, on random
 * keys of every supported size, algorithm, digit count and period. The
 * key reaches oathtool on standard input, not as an argument. */
static char *
oathtool_code (const char     *hex_key,
               WcOtpAlgorithm  algorithm,
               guint           digits,
               guint           period,
               gint64          time)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *totp = g_strdup_printf ("--totp=%s", wc_otp_algorithm_to_string (algorithm));
  g_autofree char *digits_arg = g_strdup_printf ("--digits=%u", digits);
  g_autofree char *step = g_strdup_printf ("--time-step-size=%us", period);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time);
  g_autofree char *when = g_date_time_format (dt, "--now=%Y-%m-%d %H:%M:%S UTC");
  g_autofree char *input = g_strdup_printf ("%s\n", hex_key);
  g_autofree char *output = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "oathtool", totp, digits_arg, step, when, "-", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strstrip (g_steal_pointer (&output));
}

static void
test_oathtool (void)
{
  g_autofree char *oathtool = g_find_program_in_path ("oathtool");
  WcOtpAlgorithm algorithms[] = { WC_OTP_ALGORITHM_SHA1, WC_OTP_ALGORITHM_SHA256, WC_OTP_ALGORITHM_SHA512 };
  guint rounds = 0;

  if (oathtool == NULL)
    {
      g_test_fail_printf ("oathtool is not installed; it is part of the test dependencies");
      return;
    }

  for (guint i = 0; i < 60; i++)
    {
      gsize len = (gsize) g_test_rand_int_range (10, 65);
      g_autoptr(WcSecret) key = wc_secret_new (len);
      g_autoptr(GString) hex = g_string_new (NULL);
      WcOtpAlgorithm algorithm = algorithms[i % 3];
      guint digits = 6 + (i / 3) % 3;
      guint period = (i % 4 == 0) ? 30 : (guint) g_test_rand_int_range (1, 301);
      gint64 time = (gint64) g_test_rand_int_range (0, G_MAXINT32) * (i % 2 == 0 ? 1 : 40);
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;

      for (gsize j = 0; j < len; j++)
        {
          wc_secret_get_data (key)[j] = (guint8) g_test_rand_int_range (0, 256);
          g_string_append_printf (hex, "%02x", wc_secret_get_data (key)[j]);
        }

      ours = wc_otp_totp (key, algorithm, digits, period, time, NULL);
      theirs = oathtool_code (hex->str, algorithm, digits, period, time);
      g_assert_cmpstr (ours, ==, theirs);
      rounds++;
    }
  g_assert_cmpuint (rounds, ==, 60);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/otp/rfc6238", test_rfc6238);
  g_test_add_func ("/otp/rfc4226", test_rfc4226);
  g_test_add_func ("/otp/digits", test_digits);
  g_test_add_func ("/otp/period", test_period);
  g_test_add_func ("/otp/refusals", test_refusals);
  g_test_add_func ("/otp/64bit-time", test_64bit_time);
  g_test_add_func ("/otp/seconds-left-and-neighbours", test_seconds_left_and_neighbours);
  g_test_add_func ("/otp/oathtool", test_oathtool);

  return g_test_run ();
}
