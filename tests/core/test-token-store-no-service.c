/* test-token-store-no-service.c: the store on a session bus with no
 * Secret Service (a private GTestDBus bus with no services to activate),
 * and with no session bus at all. Each case runs in a subprocess, since
 * libsecret keeps one service connection per process. */
#include "wc-error.h"
#include "wc-token-store.h"

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
expect_no_service (void)
{
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = NULL;

  wc_token_store_list_async (store, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  tokens = wc_token_store_list_finish (store, result, &error);
  g_assert_null (tokens);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NO_SERVICE);
  g_assert_true (g_str_has_prefix (error->message, "No keyring is available"));
}

static void
test_bus_without_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      g_test_dbus_up (bus);
      expect_no_service ();
      g_test_dbus_down (bus);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wc-test-bus", TRUE);
      expect_no_service ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-store/no-service/bus-without-service", test_bus_without_service);
  g_test_add_func ("/token-store/no-service/no-bus", test_no_bus);

  return g_test_run ();
}
