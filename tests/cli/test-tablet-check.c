/* test-tablet-check.c: "webcollect-otp tablet-check" as a real process
 * against the real webcollect-portal on its test clock: a first password
 * is refused (T042000006), a changed one works, day 91 is refused with
 * T042000005 and its explanation (exit 7), and a renewal through the old
 * login makes it work again. The password only ever goes on standard
 * input. */
#include <gio/gio.h>
#include <string.h>

#include "portal-fixture.h"
#include "wc-error.h"
#include "wc-portal-client.h"
#include "wc-wait.h"

#define MERCHANT "123456789"
#define FIRST_PASSWORD "first-pass-1234"
#define DAY 86400

typedef struct {
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
tablet_check (PortalFixture *portal,
              const char    *password,
              Result        *r)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strdup_printf ("%s\n", password);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("WEBCOLLECT_OTP"), "tablet-check",
                              "--portal", portal->url, "--fingerprint", portal->fingerprint,
                              MERCHANT, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  r->status = g_subprocess_get_exit_status (process);
}

static void
assert_works (PortalFixture *portal,
              const char    *password)
{
  g_auto(Result) r = { 0 };

  tablet_check (portal, password, &r);
  if (r.status != 0)
    g_error ("tablet-check: exit %d\nstdout: %s\nstderr: %s", r.status, r.out, r.err);
  g_assert_cmpstr (r.out, ==, "The tablet login works for " MERCHANT ".\n");
}

/* The old login and its password change, as the app makes them. */
static void
change_old_password (PortalFixture *portal,
                     const char    *current,
                     const char    *replacement)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) client = wc_portal_client_new (portal->url, portal->fingerprint, &error);
  g_autoptr(WcPortalLogin) login = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;

  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_portal_client_legacy_login_async (client, MERCHANT, current, NULL, wc_wait_done, &wait);
  login = wc_portal_client_login_finish (client, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (login->must_change_password);

  wc_wait_init (&wait);
  wc_portal_client_change_password_async (client, current, replacement, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  wc_wait_init (&wait);
  wc_portal_client_logout_async (client, NULL, wc_wait_done, &wait);
  g_assert_true (wc_portal_client_finish (client, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
}

static void
test_tablet_check (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_auto(Result) r = { 0 };

  portal_add_merchant (portal, MERCHANT, FIRST_PASSWORD);

  /* The first password must be changed before the tablet may use it. */
  tablet_check (portal, FIRST_PASSWORD, &r);
  g_assert_cmpint (r.status, ==, 7);
  g_assert_nonnull (strstr (r.err, "T042000006"));
  g_assert_null (strstr (r.err, FIRST_PASSWORD));
  result_clear (&r);

  change_old_password (portal, FIRST_PASSWORD, "tablet-pass-2022a");
  assert_works (portal, "tablet-pass-2022a");

  /* A wrong password is a refusal too, with the portal's code. */
  tablet_check (portal, "not-the-password-1", &r);
  g_assert_cmpint (r.status, ==, 7);
  g_assert_nonnull (strstr (r.err, "T041000001"));
  result_clear (&r);

  /* Day 89 still works; day 91 is refused, with the explanation. */
  portal_advance (portal, 89 * DAY);
  assert_works (portal, "tablet-pass-2022a");
  portal_advance (portal, 2 * DAY);
  tablet_check (portal, "tablet-pass-2022a", &r);
  g_assert_cmpint (r.status, ==, 7);
  g_assert_cmpstr (r.out, ==, "");
  g_assert_nonnull (strstr (r.err, "The old password is more than 90 days old, so the tablet (iPad) login is refused (T042000005)."));
  g_assert_nonnull (strstr (r.err, "“Change the Old Password” after the main user's new login, or through the old login while it is open"));
  result_clear (&r);

  /* The renewal through the old login. */
  change_old_password (portal, "tablet-pass-2022a", "tablet-pass-2023b");
  assert_works (portal, "tablet-pass-2023b");
}

static void
test_usage (void)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* No portal given. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("WEBCOLLECT_OTP"), "tablet-check", MERCHANT, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "secret-password-1\n", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_null (strstr (err, "secret-password-1"));
  g_clear_object (&process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Plain HTTP is refused. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("WEBCOLLECT_OTP"), "tablet-check", "--portal",
                              "http://127.0.0.1:1", MERCHANT, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "secret-password-1\n", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tablet-check/renewal", test_tablet_check);
  g_test_add_func ("/tablet-check/usage", test_usage);

  return portal_test_run ();
}
