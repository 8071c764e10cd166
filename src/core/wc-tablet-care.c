/* wc-tablet-care.c: the record of when each merchant's old password was
 * last changed, and the reminder arithmetic on it. The record is a key
 * file with one group per merchant code:
 *
 *   [123456789]
 *   changed-at=1636934400     (Unix time, portal time)
 *   notified-on=2021-11-15    (local calendar day of the last notification)
 *
 * It holds dates only. It is read once when the object is made (a few
 * bytes from the user's own data directory) and written asynchronously,
 * readable by the user alone. */
#include "wc-tablet-care.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
#define KEY_CHANGED_AT "changed-at"
#define KEY_NOTIFIED_ON "notified-on"

struct _WcTabletCare
{
  GObject parent_instance;

  char *path;
  GKeyFile *record;
};

G_DEFINE_FINAL_TYPE (WcTabletCare, wc_tablet_care, G_TYPE_OBJECT)

static void
wc_tablet_care_finalize (GObject *object)
{
  WcTabletCare *self = (WcTabletCare *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->record, g_key_file_unref);

  G_OBJECT_CLASS (wc_tablet_care_parent_class)->finalize (object);
}

static void
wc_tablet_care_class_init (WcTabletCareClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_tablet_care_finalize;
}

static void
wc_tablet_care_init (WcTabletCare *self)
{
  self->record = g_key_file_new ();
}

/**
 * wc_tablet_care_new:
 * @state_file: (nullable): the key file, or %NULL for the default one
 *
 * Reads the record if there is one. A missing or broken file is an empty
 * record: the next session info fills it again.
 *
 * Returns: (transfer full): the tablet care.
 */
WcTabletCare *
wc_tablet_care_new (const char *state_file)
{
  WcTabletCare *self = g_object_new (WC_TYPE_TABLET_CARE, NULL);
  g_autoptr(GError) error = NULL;

  if (state_file != NULL)
    self->path = g_strdup (state_file);
  else
    self->path = g_build_filename (g_get_user_data_dir (), "webcollect-login", "tablet-care.ini", NULL);

  if (!g_key_file_load_from_file (self->record, self->path, G_KEY_FILE_NONE, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("ignoring the tablet care record %s: %s", self->path, error->message);
  return self;
}

/* A merchant code is a group name; anything a key file cannot carry as
 * one is never a merchant code. */
static gboolean
valid_group (const char *merchant_code)
{
  if (merchant_code == NULL || *merchant_code == '\0')
    return FALSE;
  for (const char *p = merchant_code; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

/**
 * wc_tablet_care_update_from_session:
 *
 * Takes the portal's word for the last change of the old password. The
 * portal gives it to main users only; for general and shipping users
 * (no date, age -1) nothing changes.
 */
void
wc_tablet_care_update_from_session (WcTabletCare              *self,
                                    const WcPortalSessionInfo *info)
{
  g_return_if_fail (WC_IS_TABLET_CARE (self));
  g_return_if_fail (info != NULL);

  if (info->user == NULL || info->legacy_password_changed_at <= 0
      || info->legacy_password_age_days < 0)
    return;
  wc_tablet_care_record_change (self, info->user->merchant_code, info->legacy_password_changed_at);
}

void
wc_tablet_care_record_change (WcTabletCare *self,
                              const char   *merchant_code,
                              gint64        when)
{
  g_return_if_fail (WC_IS_TABLET_CARE (self));
  g_return_if_fail (when > 0);

  if (!valid_group (merchant_code))
    return;
  g_key_file_set_int64 (self->record, merchant_code, KEY_CHANGED_AT, when);
}

gint64
wc_tablet_care_get_changed_at (WcTabletCare *self,
                               const char   *merchant_code)
{
  gint64 when;

  g_return_val_if_fail (WC_IS_TABLET_CARE (self), 0);

  if (!valid_group (merchant_code))
    return 0;
  when = g_key_file_get_int64 (self->record, merchant_code, KEY_CHANGED_AT, NULL);
  return MAX (when, 0);
}

int
wc_tablet_care_get_age_days (WcTabletCare *self,
                             const char   *merchant_code,
                             gint64        now)
{
  gint64 changed_at;
  gint64 seconds;
  gint64 days;

  g_return_val_if_fail (WC_IS_TABLET_CARE (self), -1);

  changed_at = wc_tablet_care_get_changed_at (self, merchant_code);
  if (changed_at == 0)
    return -1;

  /* A change "in the future" (a clock that is behind) is today's. */
  seconds = MAX (now - changed_at, 0);
  days = seconds / SECONDS_PER_DAY;
  return (int) MIN (days, G_MAXINT);
}

int
wc_tablet_care_get_days_left (WcTabletCare *self,
                              const char   *merchant_code,
                              gint64        now)
{
  int age;

  g_return_val_if_fail (WC_IS_TABLET_CARE (self), 0);

  age = wc_tablet_care_get_age_days (self, merchant_code, now);
  if (age < 0)
    return 0;
  return WC_TABLET_CARE_MAX_AGE_DAYS - MIN (age, G_MAXINT / 2);
}

gboolean
wc_tablet_care_reminder_due (WcTabletCare *self,
                             const char   *merchant_code,
                             gint64        now)
{
  g_return_val_if_fail (WC_IS_TABLET_CARE (self), FALSE);

  return wc_tablet_care_get_age_days (self, merchant_code, now) >= WC_TABLET_CARE_REMIND_FROM_DAY;
}

gboolean
wc_tablet_care_take_notification (WcTabletCare *self,
                                  const char   *merchant_code,
                                  gint64        now)
{
  g_autoptr(GDateTime) moment = NULL;
  g_autofree char *today = NULL;
  g_autofree char *notified_on = NULL;

  g_return_val_if_fail (WC_IS_TABLET_CARE (self), FALSE);

  if (!wc_tablet_care_reminder_due (self, merchant_code, now))
    return FALSE;

  moment = g_date_time_new_from_unix_local (now);
  if (moment == NULL)
    return FALSE;
  today = g_date_time_format (moment, "%Y-%m-%d");
  notified_on = g_key_file_get_string (self->record, merchant_code, KEY_NOTIFIED_ON, NULL);
  if (g_strcmp0 (notified_on, today) == 0)
    return FALSE;

  g_key_file_set_string (self->record, merchant_code, KEY_NOTIFIED_ON, today);
  return TRUE;
}

/* Saving. */

typedef struct {
  GFile *file;
  GBytes *contents;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->contents, g_bytes_unref);
  g_free (data);
}

static void
on_replaced (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
make_directory_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GFile) parent = g_file_get_parent (data->file);
  g_autofree char *dir = parent != NULL ? g_file_get_path (parent) : NULL;

  if (dir != NULL && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("The folder %s could not be created: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_directory_made (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (G_TASK (result));
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_file_replace_contents_bytes_async (data->file, data->contents, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_replaced, g_steal_pointer (&task));
}

/**
 * wc_tablet_care_save_async:
 *
 * Writes the record as it is now, creating the folder (mode 0700) if
 * needed; the file is readable by the user alone (0600).
 */
void
wc_tablet_care_save_async (WcTabletCare        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) mkdir_task = NULL;
  SaveData *data;
  gsize length = 0;
  char *text;

  g_return_if_fail (WC_IS_TABLET_CARE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_tablet_care_save_async);

  text = g_key_file_to_data (self->record, &length, NULL);
  data = g_new0 (SaveData, 1);
  data->file = g_file_new_for_path (self->path);
  data->contents = g_bytes_new_take (text, length);

  mkdir_task = g_task_new (self, cancellable, on_directory_made, g_steal_pointer (&task));
  g_task_set_task_data (mkdir_task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (mkdir_task, make_directory_thread);
}

gboolean
wc_tablet_care_save_finish (WcTabletCare  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_tablet_care_save_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
