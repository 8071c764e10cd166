/* test-tls.c: certificate fingerprints, checked against the one openssl
 * printed for tests/core/data/fingerprint-test.crt. */
#include "wc-tls.h"

#define EXPECTED "314d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4"
#define EXPECTED_COLONS "31:4D:25:5F:F0:B5:25:BE:15:5C:64:0C:C4:61:CC:AB:" \
                        "46:6F:32:74:A7:11:E5:BB:16:80:22:9A:DF:9B:0B:D4"

static GTlsCertificate *
load_test_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "core", "data", "fingerprint-test.crt", NULL);
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return certificate;
}

static void
test_fingerprint (void)
{
  g_autoptr(GTlsCertificate) certificate = load_test_certificate ();
  g_autofree char *fingerprint = wc_tls_certificate_fingerprint (certificate);

  g_assert_cmpstr (fingerprint, ==, EXPECTED);
  g_assert_true (wc_tls_certificate_matches (certificate, EXPECTED));
  g_assert_true (wc_tls_certificate_matches (certificate, EXPECTED_COLONS));
  g_assert_false (wc_tls_certificate_matches (certificate,
                                              "414d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4"));
  g_assert_false (wc_tls_certificate_matches (certificate, "not a fingerprint"));
}

static void
test_normalize (void)
{
  const char *refused[] = {
    "",
    "31",
    EXPECTED "00",                       /* 33 bytes */
    "314d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd",  /* 63 digits */
    "g14d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4",
    ":314d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4",
    "314d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4:",
    "3:14d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4",
    "31::4d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4",
    "31 4d255ff0b525be155c640cc461ccab466f3274a711e5bb1680229adf9b0bd4",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *normal = wc_tls_fingerprint_normalize (refused[i]);

      g_test_message ("refusing “%s”", refused[i]);
      g_assert_null (normal);
    }

  {
    g_autofree char *upper = wc_tls_fingerprint_normalize (EXPECTED_COLONS);
    g_assert_cmpstr (upper, ==, EXPECTED);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls/fingerprint", test_fingerprint);
  g_test_add_func ("/tls/normalize", test_normalize);
  return g_test_run ();
}
