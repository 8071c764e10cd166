/* test-otpauth-uri.c: every rejection the otpauth parser promises, the
 * lenient forms it accepts, and formatting round trips. */
#include <string.h>

#include "wc-error.h"
#include "wc-otpauth-uri.h"

/* "12345678901234567890" in base32. */
#define SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

typedef struct {
  const char *uri;
  WcUriError code;
  const char *field_in_message;
} Rejection;

static const Rejection rejections[] = {
  { "http://totp/a?secret=" SECRET, WC_URI_ERROR_SCHEME, "scheme" },
  { "otpauth:/totp/a?secret=" SECRET, WC_URI_ERROR_SCHEME, "scheme" },
  { "", WC_URI_ERROR_SCHEME, "scheme" },
  { "otpauth://totp/ACME:alice", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?issuer=ACME", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=GEZDGNBV1Y3TQOJQ", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=GEZD%21NBVGY3TQOJQ", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJ", WC_URI_ERROR_SECRET, "at least 80" },
  { "otpauth://totp/ACME:alice?secret=GE======", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=GE=ZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=%ZZ", WC_URI_ERROR_SECRET, "secret" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&secret=" SECRET, WC_URI_ERROR_SECRET, "more than once" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&algorithm=MD5", WC_URI_ERROR_ALGORITHM, "algorithm" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&algorithm=", WC_URI_ERROR_ALGORITHM, "algorithm" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&digits=5", WC_URI_ERROR_DIGITS, "digits" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&digits=9", WC_URI_ERROR_DIGITS, "digits" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&digits=six", WC_URI_ERROR_DIGITS, "digits" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&digits=-6", WC_URI_ERROR_DIGITS, "digits" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&digits=99999999999999999999999", WC_URI_ERROR_DIGITS, "digits" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&period=0", WC_URI_ERROR_PERIOD, "period" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&period=301", WC_URI_ERROR_PERIOD, "period" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&period=30s", WC_URI_ERROR_PERIOD, "period" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&period=", WC_URI_ERROR_PERIOD, "period" },
  { "otpauth://hotp/ACME:alice?secret=" SECRET, WC_URI_ERROR_COUNTER, "counter" },
  { "otpauth://hotp/ACME:alice?secret=" SECRET "&counter=", WC_URI_ERROR_COUNTER, "counter" },
  { "otpauth://hotp/ACME:alice?secret=" SECRET "&counter=-1", WC_URI_ERROR_COUNTER, "counter" },
  { "otpauth://hotp/ACME:alice?secret=" SECRET "&counter=9223372036854775808", WC_URI_ERROR_COUNTER, "counter" },
  { "otpauth://totp/ACME:alice:bob?secret=" SECRET, WC_URI_ERROR_LABEL, "colon" },
  { "otpauth://totp/ACME%3Aalice%3Abob?secret=" SECRET, WC_URI_ERROR_LABEL, "colon" },
  { "otpauth://totp/:alice?secret=" SECRET, WC_URI_ERROR_LABEL, "label" },
  { "otpauth://totp/?secret=" SECRET, WC_URI_ERROR_LABEL, "label" },
  { "otpauth://totp/AC%ME:alice?secret=" SECRET, WC_URI_ERROR_LABEL, "label" },
  { "otpauth://totp/AC%FFME:alice?secret=" SECRET, WC_URI_ERROR_LABEL, "UTF-8" },
  { "otpauth://totp/AC%0AME:alice?secret=" SECRET, WC_URI_ERROR_LABEL, "control" },
  { "otpauth://motp/ACME:alice?secret=" SECRET, WC_URI_ERROR_TYPE, "type" },
  { "otpauth://ACME:alice?secret=" SECRET, WC_URI_ERROR_TYPE, "type" },
  { "otpauth://totp?secret=" SECRET, WC_URI_ERROR_TYPE, "type" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "&issuer=%FF", WC_URI_ERROR_ISSUER, "issuer" },
  { "otpauth://totp/ACME:alice?secret=" SECRET "\n", WC_URI_ERROR_INVALID, NULL },
  { "otpauth://totp/ACME:al\nice?secret=" SECRET, WC_URI_ERROR_INVALID, "uri" },
};

static void
test_rejections (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rejections); i++)
    {
      const Rejection *r = &rejections[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(WcToken) token = NULL;

      /* A trailing newline is trimmed, so that case is accepted. */
      if (r->field_in_message == NULL)
        {
          token = wc_otpauth_uri_parse (r->uri, &error);
          g_assert_no_error (error);
          g_assert_nonnull (token);
          continue;
        }

      token = wc_otpauth_uri_parse (r->uri, &error);
      if (error == NULL || error->code != (int) r->code || strstr (error->message, r->field_in_message) == NULL)
        g_printerr ("case %" G_GSIZE_FORMAT ": %s: %s\n", i, r->uri, error ? error->message : "accepted");
      g_assert_error (error, WC_URI_ERROR, (int) r->code);
      g_assert_null (token);
      /* Every message names its field first, then the reason. */
      g_assert_true (g_str_has_prefix (error->message, wc_uri_error_get_field (r->code)));
      g_assert_nonnull (strstr (error->message, r->field_in_message));
    }
}

static void
test_too_long (void)
{
  g_autoptr(GString) uri = g_string_new ("otpauth://totp/ACME:alice?secret=" SECRET "&image=");
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = NULL;

  while (uri->len < WC_OTPAUTH_URI_MAX_LENGTH)
    g_string_append_c (uri, 'x');
  token = wc_otpauth_uri_parse (uri->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_clear_object (&token);

  g_string_append_c (uri, 'x');
  token = wc_otpauth_uri_parse (uri->str, &error);
  g_assert_error (error, WC_URI_ERROR, WC_URI_ERROR_TOO_LONG);
  g_assert_null (token);
  g_assert_nonnull (strstr (error->message, "4096"));
}

static void
check_key (WcToken *token)
{
  g_autoptr(WcSecret) expected = wc_secret_new_from_text ("12345678901234567890");

  g_assert_nonnull (wc_token_get_key (token));
  g_assert_true (wc_secret_equal (wc_token_get_key (token), expected));
}

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) token = wc_otpauth_uri_parse ("otpauth://totp/ACME:alice?secret=" SECRET, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_issuer (token), ==, "ACME");
  g_assert_cmpstr (wc_token_get_account (token), ==, "alice");
  g_assert_cmpint (wc_token_get_otp_type (token), ==, WC_OTP_TYPE_TOTP);
  g_assert_cmpint (wc_token_get_algorithm (token), ==, WC_OTP_ALGORITHM_SHA1);
  g_assert_cmpuint (wc_token_get_digits (token), ==, 6);
  g_assert_cmpuint (wc_token_get_period (token), ==, 30);
  g_assert_true (g_uuid_string_is_valid (wc_token_get_uuid (token)));
  check_key (token);
}

static void
test_lenient_secret (void)
{
  const char *forms[] = {
    "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
    "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
    "GEZD%20GNBV%20GY3T%20QOJQ%20GEZD%20GNBV%20GY3T%20QOJQ",
    "gezd+gnbv+gy3t+qojq+gezd+gnbv+gy3t+qojq",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
  };
  g_autoptr(WcToken) padded = NULL;
  g_autoptr(WcSecret) padded_key = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *uri = g_strdup_printf ("otpauth://totp/ACME:alice?secret=%s", forms[i]);
      g_autoptr(WcToken) token = wc_otpauth_uri_parse (uri, &error);
      g_autoptr(WcSecret) normalized = NULL;

      g_assert_no_error (error);
      check_key (token);
      normalized = wc_token_dup_base32_key (token);
      g_assert_cmpstr (wc_secret_get_text (normalized), ==, SECRET);
    }

  /* 16 bytes need padding: "…======" style and lower case. */
  padded = wc_otpauth_uri_parse ("otpauth://totp/ACME:alice?secret=jbswy3dpehpk3pxpjbswy3dpeh%3D%3D%3D%3D%3D%3D", &error);
  g_assert_no_error (error);
  padded_key = wc_token_dup_base32_key (padded);
  g_assert_cmpstr (wc_secret_get_text (padded_key), ==, "JBSWY3DPEHPK3PXPJBSWY3DPEE");
  g_assert_cmpuint (wc_secret_get_size (wc_token_get_key (padded)), ==, 16);
}

static void
test_label_forms (void)
{
  g_autoptr(GError) error = NULL;
  struct { const char *uri; const char *issuer; const char *account; } cases[] = {
    /* Japanese issuer, percent-encoded UTF-8 */
    { "otpauth://totp/%E3%82%AF%E3%83%AD%E3%83%8D%E3%82%B3webcollect:A123456789?secret=" SECRET,
      "クロネコwebcollect", "A123456789" },
    /* raw UTF-8 as many QR generators write it */
    { "otpauth://totp/ヤマト運輸:加盟店?secret=" SECRET, "ヤマト運輸", "加盟店" },
    /* encoded colon, space after it */
    { "otpauth://totp/ACME%3A%20alice%40example.com?secret=" SECRET, "ACME", "alice@example.com" },
    /* the issuer parameter wins over the label prefix */
    { "otpauth://totp/Old:alice?secret=" SECRET "&issuer=New%20Name", "New Name", "alice" },
    /* issuer only as a parameter */
    { "otpauth://totp/alice?secret=" SECRET "&issuer=ACME", "ACME", "alice" },
    /* no issuer at all */
    { "otpauth://totp/alice?secret=" SECRET, "", "alice" },
    /* upper-case scheme, type and parameter names; unknown parameters */
    { "OTPAUTH://TOTP/ACME:alice?SECRET=" SECRET "&image=https%3A%2F%2Fx&Issuer=ACME", "ACME", "alice" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(WcToken) token = wc_otpauth_uri_parse (cases[i].uri, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (wc_token_get_issuer (token), ==, cases[i].issuer);
      g_assert_cmpstr (wc_token_get_account (token), ==, cases[i].account);
      check_key (token);
    }
}

static void
test_parameters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) totp = wc_otpauth_uri_parse (
    "otpauth://totp/ACME:alice?secret=" SECRET "&algorithm=sha512&digits=8&period=60", &error);
  g_autoptr(WcToken) hotp = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (wc_token_get_algorithm (totp), ==, WC_OTP_ALGORITHM_SHA512);
  g_assert_cmpuint (wc_token_get_digits (totp), ==, 8);
  g_assert_cmpuint (wc_token_get_period (totp), ==, 60);

  hotp = wc_otpauth_uri_parse ("otpauth://hotp/ACME:alice?secret=" SECRET "&counter=9223372036854775807&algorithm=SHA256&digits=7", &error);
  g_assert_no_error (error);
  g_assert_cmpint (wc_token_get_otp_type (hotp), ==, WC_OTP_TYPE_HOTP);
  g_assert_cmpuint (wc_token_get_counter (hotp), ==, G_MAXINT64);
  g_assert_cmpint (wc_token_get_algorithm (hotp), ==, WC_OTP_ALGORITHM_SHA256);
  g_assert_cmpuint (wc_token_get_digits (hotp), ==, 7);
}

static void
test_format_round_trip (void)
{
  const char *uris[] = {
    "otpauth://totp/%E3%82%AF%E3%83%AD%E3%83%8D%E3%82%B3:%E5%8A%A0%E7%9B%9F%E5%BA%97%201?secret=" SECRET "&algorithm=SHA256&digits=8&period=45",
    "otpauth://hotp/ACME%20%26%20Co:bob%2Bx%40example.com?secret=" SECRET "&counter=42",
    "otpauth://totp/solo?secret=" SECRET,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WcToken) first = wc_otpauth_uri_parse (uris[i], &error);
      g_autoptr(WcSecret) formatted = NULL;
      g_autoptr(WcToken) second = NULL;

      g_assert_no_error (error);
      formatted = wc_otpauth_uri_format (first);
      g_assert_true (g_str_has_prefix (wc_secret_get_text (formatted), "otpauth://"));
      g_assert_nonnull (strstr (wc_secret_get_text (formatted), "secret=" SECRET));
      second = wc_otpauth_uri_parse (wc_secret_get_text (formatted), &error);
      g_assert_no_error (error);

      g_assert_cmpstr (wc_token_get_issuer (first), ==, wc_token_get_issuer (second));
      g_assert_cmpstr (wc_token_get_account (first), ==, wc_token_get_account (second));
      g_assert_cmpint (wc_token_get_otp_type (first), ==, wc_token_get_otp_type (second));
      g_assert_cmpint (wc_token_get_algorithm (first), ==, wc_token_get_algorithm (second));
      g_assert_cmpuint (wc_token_get_digits (first), ==, wc_token_get_digits (second));
      g_assert_cmpuint (wc_token_get_period (first), ==, wc_token_get_period (second));
      g_assert_cmpuint (wc_token_get_counter (first), ==, wc_token_get_counter (second));
      g_assert_true (wc_secret_equal (wc_token_get_key (first), wc_token_get_key (second)));
    }
}

static void
test_base32 (void)
{
  /* RFC 4648 section 10 vectors. */
  struct { const char *plain; const char *encoded; } vectors[] = {
    { "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" }, { "foob", "MZXW6YQ" },
    { "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
  };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(WcSecret) plain = wc_secret_new_from_text (vectors[i].plain);
      g_autoptr(WcSecret) encoded = wc_base32_encode (plain);
      g_autoptr(WcSecret) decoded = wc_base32_decode (vectors[i].encoded, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (wc_secret_get_text (encoded), ==, vectors[i].encoded);
      g_assert_true (wc_secret_equal (decoded, plain));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/otpauth-uri/rejections", test_rejections);
  g_test_add_func ("/otpauth-uri/too-long", test_too_long);
  g_test_add_func ("/otpauth-uri/defaults", test_defaults);
  g_test_add_func ("/otpauth-uri/lenient-secret", test_lenient_secret);
  g_test_add_func ("/otpauth-uri/label-forms", test_label_forms);
  g_test_add_func ("/otpauth-uri/parameters", test_parameters);
  g_test_add_func ("/otpauth-uri/format-round-trip", test_format_round_trip);
  g_test_add_func ("/otpauth-uri/base32", test_base32);

  return g_test_run ();
}
