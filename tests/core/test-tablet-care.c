/* test-tablet-care.c: WcTabletCare headless: the age arithmetic, the
 * reminder from day 80 and not before, one notification a calendar day,
 * the session info of main and of other users, and the record on disk
 * (saved, read back, mode 0600, dates only). */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-tablet-care.h"
#include "wc-wait.h"

#define DAY 86400
/* 2021-11-15 03:00:00 UTC; the test runs with TZ=UTC. */
#define T0 G_GINT64_CONSTANT (1636945200)

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tablet-care-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
save (WcTabletCare *care)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;

  wc_wait_init (&wait);
  wc_tablet_care_save_async (care, NULL, wc_wait_done, &wait);
  g_assert_true (wc_tablet_care_save_finish (care, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
}

static void
test_unknown (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "care.ini", NULL);
  g_autoptr(WcTabletCare) care = wc_tablet_care_new (path);

  g_assert_cmpint (wc_tablet_care_get_changed_at (care, "123456789"), ==, 0);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, -1);
  g_assert_false (wc_tablet_care_reminder_due (care, "123456789", T0));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", T0));
  remove_tree (dir);
}

static void
test_age_and_reminder (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "care.ini", NULL);
  g_autoptr(WcTabletCare) care = wc_tablet_care_new (path);

  wc_tablet_care_record_change (care, "123456789", T0);
  g_assert_cmpint (wc_tablet_care_get_changed_at (care, "123456789"), ==, T0);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, 0);
  g_assert_cmpint (wc_tablet_care_get_days_left (care, "123456789", T0), ==, 90);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0 + DAY - 1), ==, 0);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0 + DAY), ==, 1);

  /* Day 79 (to its last second): no reminder. */
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0 + 80 * DAY - 1), ==, 79);
  g_assert_false (wc_tablet_care_reminder_due (care, "123456789", T0 + 79 * DAY));
  g_assert_false (wc_tablet_care_reminder_due (care, "123456789", T0 + 80 * DAY - 1));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", T0 + 80 * DAY - 1));
  /* Day 80: the reminder. */
  g_assert_true (wc_tablet_care_reminder_due (care, "123456789", T0 + 80 * DAY));
  g_assert_cmpint (wc_tablet_care_get_days_left (care, "123456789", T0 + 80 * DAY), ==, 10);
  g_assert_cmpint (wc_tablet_care_get_days_left (care, "123456789", T0 + 91 * DAY), ==, -1);

  /* Another merchant is not concerned. */
  g_assert_false (wc_tablet_care_reminder_due (care, "987654321", T0 + 80 * DAY));
  remove_tree (dir);
}

static void
test_notification_once_a_day (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "care.ini", NULL);
  g_autoptr(WcTabletCare) care = wc_tablet_care_new (path);
  gint64 day80 = T0 + 80 * DAY;
  /* Local midnight at the end of day 80's calendar day (TZ=UTC). */
  gint64 midnight = day80 - day80 % DAY + DAY;

  wc_tablet_care_record_change (care, "123456789", T0);
  g_assert_true (wc_tablet_care_take_notification (care, "123456789", day80));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", day80 + 60));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", midnight - 1));
  /* The reminder still shows; only the notification waits. */
  g_assert_true (wc_tablet_care_reminder_due (care, "123456789", midnight - 1));
  g_assert_true (wc_tablet_care_take_notification (care, "123456789", midnight));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", midnight + 3600));

  /* After a renewal there is nothing to notify. */
  wc_tablet_care_record_change (care, "123456789", midnight + 7200);
  g_assert_false (wc_tablet_care_reminder_due (care, "123456789", midnight + 7200));
  g_assert_false (wc_tablet_care_take_notification (care, "123456789", midnight + DAY));
  remove_tree (dir);
}

static void
test_session_info (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "care.ini", NULL);
  g_autoptr(WcTabletCare) care = wc_tablet_care_new (path);
  WcPortalUserInfo user = { .merchant_code = (char *) "123456789", .user_id = (char *) "123456789",
                            .role = (char *) "main" };
  WcPortalSessionInfo info = { .user = &user };

  /* General and shipping users: the portal does not say. */
  info.legacy_password_changed_at = 0;
  info.legacy_password_age_days = -1;
  wc_tablet_care_update_from_session (care, &info);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, -1);

  info.legacy_password_changed_at = T0 - 85 * DAY;
  info.legacy_password_age_days = 85;
  wc_tablet_care_update_from_session (care, &info);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, 85);
  g_assert_true (wc_tablet_care_reminder_due (care, "123456789", T0));

  /* The app's own change wins until the portal says otherwise. */
  wc_tablet_care_record_change (care, "123456789", T0);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, 0);

  /* A general user's session leaves the main user's record alone. */
  user.role = (char *) "general";
  user.user_id = (char *) "clerk";
  info.legacy_password_changed_at = 0;
  info.legacy_password_age_days = -1;
  wc_tablet_care_update_from_session (care, &info);
  g_assert_cmpint (wc_tablet_care_get_changed_at (care, "123456789"), ==, T0);
  remove_tree (dir);
}

static void
test_save_and_reload (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "sub", "dir", "care.ini", NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autoptr(WcTabletCare) care = wc_tablet_care_new (path);
  g_autoptr(WcTabletCare) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  wc_tablet_care_record_change (care, "123456789", T0);
  wc_tablet_care_record_change (care, "555", T0 - 10 * DAY);
  g_assert_true (wc_tablet_care_take_notification (care, "123456789", T0 + 85 * DAY));
  save (care);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (parent, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* Dates, and nothing else. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "[123456789]"));
  g_assert_nonnull (strstr (contents, "changed-at=1636945200"));
  g_assert_nonnull (strstr (contents, "notified-on=2022-02-08"));
  g_assert_null (strstr (contents, "password"));

  reloaded = wc_tablet_care_new (path);
  g_assert_cmpint (wc_tablet_care_get_changed_at (reloaded, "123456789"), ==, T0);
  g_assert_cmpint (wc_tablet_care_get_changed_at (reloaded, "555"), ==, T0 - 10 * DAY);
  g_assert_false (wc_tablet_care_take_notification (reloaded, "123456789", T0 + 85 * DAY + 60));
  g_assert_true (wc_tablet_care_take_notification (reloaded, "123456789", T0 + 86 * DAY));

  /* A second save replaces the file and keeps its mode. */
  save (reloaded);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  remove_tree (dir);
}

static void
test_broken_file (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "care.ini", NULL);
  g_autoptr(WcTabletCare) care = NULL;

  g_assert_true (g_file_set_contents (path, "not a key file [[[\n\x01", -1, NULL));
  care = wc_tablet_care_new (path);
  g_assert_cmpint (wc_tablet_care_get_age_days (care, "123456789", T0), ==, -1);
  wc_tablet_care_record_change (care, "123456789", T0);
  save (care);
  g_clear_object (&care);
  care = wc_tablet_care_new (path);
  g_assert_cmpint (wc_tablet_care_get_changed_at (care, "123456789"), ==, T0);
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tablet-care/unknown", test_unknown);
  g_test_add_func ("/tablet-care/age-and-reminder", test_age_and_reminder);
  g_test_add_func ("/tablet-care/notification-once-a-day", test_notification_once_a_day);
  g_test_add_func ("/tablet-care/session-info", test_session_info);
  g_test_add_func ("/tablet-care/save-and-reload", test_save_and_reload);
  g_test_add_func ("/tablet-care/broken-file", test_broken_file);

  return g_test_run ();
}
