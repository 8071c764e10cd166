/* test-clipboard-guard.c: a copied code leaves the clipboard after the
 * delay, but only when the clipboard still holds it. */
#include "app-test-util.h"
#include "wc-clipboard-guard.h"

static GdkClipboard *
clipboard (void)
{
  return gdk_display_get_clipboard (gdk_display_get_default ());
}

static void
test_cleared_when_unchanged (void)
{
  g_autoptr(WcClipboardGuard) guard = wc_clipboard_guard_new (clipboard ());
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 start = g_get_monotonic_time ();

  wc_clipboard_guard_copy (guard, "287082", 1);
  before = app_test_read_clipboard (clipboard ());
  g_assert_cmpstr (before, ==, "287082");
  g_assert_true (wc_clipboard_guard_is_pending (guard));

  app_test_wait_until (!wc_clipboard_guard_is_pending (guard), 5000);
  /* Not before the delay. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  after = app_test_read_clipboard (clipboard ());
  g_assert_true (after == NULL || *after == '\0');
  g_assert_finalize_object (g_steal_pointer (&guard));
}

static void
test_kept_when_changed (void)
{
  g_autoptr(WcClipboardGuard) guard = wc_clipboard_guard_new (clipboard ());
  g_autofree char *after = NULL;

  wc_clipboard_guard_copy (guard, "287082", 1);
  /* The user copies something else before the delay is over. */
  gdk_clipboard_set_text (clipboard (), "a note of the user's");
  app_test_wait_until (!wc_clipboard_guard_is_pending (guard), 5000);
  after = app_test_read_clipboard (clipboard ());
  g_assert_cmpstr (after, ==, "a note of the user's");
  g_assert_finalize_object (g_steal_pointer (&guard));
}

static void
test_new_copy_replaces_pending (void)
{
  g_autoptr(WcClipboardGuard) guard = wc_clipboard_guard_new (clipboard ());
  g_autofree char *middle = NULL;
  g_autofree char *after = NULL;

  wc_clipboard_guard_copy (guard, "111111", 1);
  app_test_spin (500);
  wc_clipboard_guard_copy (guard, "222222", 2);
  /* The first copy's delay passes: the second code stays. */
  app_test_spin (1200);
  middle = app_test_read_clipboard (clipboard ());
  g_assert_cmpstr (middle, ==, "222222");
  g_assert_true (wc_clipboard_guard_is_pending (guard));

  app_test_wait_until (!wc_clipboard_guard_is_pending (guard), 5000);
  after = app_test_read_clipboard (clipboard ());
  g_assert_true (after == NULL || *after == '\0');
  g_assert_finalize_object (g_steal_pointer (&guard));
}

static void
test_dispose_clears (void)
{
  WcClipboardGuard *guard = wc_clipboard_guard_new (clipboard ());
  g_autofree char *after = NULL;

  wc_clipboard_guard_copy (guard, "333333", 60);
  /* Going away (the app quits) does not leave the code behind. */
  g_assert_finalize_object (guard);
  after = app_test_read_clipboard (clipboard ());
  g_assert_true (after == NULL || *after == '\0');
}

int
main (int   argc,
      char *argv[])
{
  app_test_init (&argc, &argv);

  g_test_add_func ("/clipboard-guard/cleared-when-unchanged", test_cleared_when_unchanged);
  g_test_add_func ("/clipboard-guard/kept-when-changed", test_kept_when_changed);
  g_test_add_func ("/clipboard-guard/new-copy-replaces-pending", test_new_copy_replaces_pending);
  g_test_add_func ("/clipboard-guard/dispose-clears", test_dispose_clears);
  return g_test_run ();
}
