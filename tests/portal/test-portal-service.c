/* test-portal-service.c: the portal's service in process, where the
 * Argon2id checks a login runs can be counted. A wrong password costs the
 * same number of checks whether the merchant code exists or not, and
 * whether a reset of its old password is pending or not: the old and the
 * tablet login always check two hashes, the new login one. */
#include <glib/gstdio.h>

#include "wc-portal-service.h"
#include "wc-wait.h"

#define MERCHANT "123456789"
#define OTHER "987654321"
#define UNKNOWN "555555555"
#define PASSWORD "Initial-pass-2026x"
#define WRONG "Wrong-pass-2026zz"

typedef struct {
  char *dir;
  WcPortalService *service;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *outbox = NULL;
  g_autoptr(WcPortalDb) db = NULL;
  g_autoptr(WcPortalClock) clock = wc_portal_clock_new (TRUE);

  f->dir = g_dir_make_tmp ("wc-service-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (f->dir, "portal.db", NULL);
  outbox = g_build_filename (f->dir, "outbox.log", NULL);
  db = wc_portal_db_open (db_path, &error);
  g_assert_no_error (error);
  f->service = wc_portal_service_new (db, clock, outbox);
  for (guint i = 0; i < 2; i++)
    {
      g_auto(WcWait) wait = WC_WAIT_INIT;

      wc_wait_init (&wait);
      wc_portal_service_add_merchant_async (f->service, i == 0 ? MERCHANT : OTHER, "Shop", PASSWORD, NULL,
                                            wc_wait_done, &wait);
      g_assert_true (wc_portal_service_add_merchant_finish (f->service, wc_wait_result (&wait), &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->service);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Logs in and returns how many Argon2id checks it took; @ok says
 * whether the login should succeed. */
static guint
checks_of_login (Fixture           *f,
                 WcPortalLoginKind  kind,
                 const char        *merchant,
                 const char        *password,
                 gboolean           ok)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  WcPortalHasher *hasher = wc_portal_service_get_hasher (f->service);
  guint before = wc_portal_hasher_get_checks (hasher);

  wc_wait_init (&wait);
  wc_portal_service_login_async (f->service, kind, merchant, kind == WC_PORTAL_LOGIN_NEW ? merchant : NULL,
                                 password, NULL, NULL, wc_wait_done, &wait);
  body = wc_portal_service_finish (f->service, wc_wait_result (&wait), &error);
  if (ok)
    g_assert_no_error (error);
  else
    g_assert_nonnull (error);
  return wc_portal_hasher_get_checks (hasher) - before;
}

static void
request_reset (Fixture    *f,
               const char *merchant)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  wc_wait_init (&wait);
  wc_portal_service_legacy_reset_async (f->service, merchant, NULL, wc_wait_done, &wait);
  body = wc_portal_service_finish (f->service, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
}

static void
test_same_checks (Fixture       *f,
                  gconstpointer  data)
{
  const WcPortalLoginKind old_kinds[] = { WC_PORTAL_LOGIN_LEGACY, WC_PORTAL_LOGIN_TABLET };

  for (guint i = 0; i < G_N_ELEMENTS (old_kinds); i++)
    {
      /* Known, unknown, and known with a reset pending: two each. */
      g_assert_cmpuint (checks_of_login (f, old_kinds[i], MERCHANT, WRONG, FALSE), ==, 2);
      g_assert_cmpuint (checks_of_login (f, old_kinds[i], UNKNOWN, WRONG, FALSE), ==, 2);
    }
  request_reset (f, OTHER);
  request_reset (f, UNKNOWN);
  for (guint i = 0; i < G_N_ELEMENTS (old_kinds); i++)
    {
      g_assert_cmpuint (checks_of_login (f, old_kinds[i], OTHER, WRONG, FALSE), ==, 2);
      g_assert_cmpuint (checks_of_login (f, old_kinds[i], UNKNOWN, WRONG, FALSE), ==, 2);
    }
  /* The right password does not stop early either. */
  g_assert_cmpuint (checks_of_login (f, WC_PORTAL_LOGIN_LEGACY, OTHER, PASSWORD, TRUE), ==, 2);
  g_assert_cmpuint (checks_of_login (f, WC_PORTAL_LOGIN_LEGACY, MERCHANT, PASSWORD, TRUE), ==, 2);

  /* The new login has one password: one check, known or not. */
  g_assert_cmpuint (checks_of_login (f, WC_PORTAL_LOGIN_NEW, MERCHANT, WRONG, FALSE), ==, 1);
  g_assert_cmpuint (checks_of_login (f, WC_PORTAL_LOGIN_NEW, UNKNOWN, WRONG, FALSE), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/portal-service/same-checks", Fixture, NULL, fixture_setup, test_same_checks, fixture_teardown);
  return g_test_run ();
}
