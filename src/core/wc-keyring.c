/* wc-keyring.c: the Secret Service plumbing of the keyring stores; see
 * the header.
 *
 * Both stores sort failures the same way, so that the app can offer the
 * same way out (start a keyring, unlock it, try again) whichever store
 * hit them. */
#include "wc-keyring.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

GError *
wc_keyring_locked_error (const WcKeyringMessages *messages)
{
  return g_error_new_literal (WC_STORE_ERROR, WC_STORE_ERROR_LOCKED, _(messages->locked));
}

/* The raw text goes to the debug log only; it never holds a secret. */
GError *
wc_keyring_map_error (const GError            *error,
                      gboolean                 connecting,
                      const WcKeyringMessages *messages)
{
  g_autofree char *remote = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == WC_STORE_ERROR)
    return g_error_copy (error);

  g_debug ("keyring error: %s", error->message);

  if (g_dbus_error_is_remote_error (error))
    remote = g_dbus_error_get_remote_error (error);

  if (connecting
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)
      || (remote != NULL && g_str_has_prefix (remote, "org.freedesktop.DBus.Error.Spawn")))
    return g_error_new_literal (WC_STORE_ERROR, WC_STORE_ERROR_NO_SERVICE, _(messages->no_service));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return wc_keyring_locked_error (messages);

  return g_error_new_literal (WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                              _("The keyring could not complete the request. Try again; if it keeps failing, restart the keyring or log in again."));
}

void
wc_keyring_return_error (GTask                   *task,
                         const GError            *error,
                         const WcKeyringMessages *messages)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  /* In the keyring file, a cancellation nobody asked for is the Secret
   * portal refusing to hand over the file's key: there is no keyring to
   * use. (wc_keyring_map_error() lets cancellations through, because the
   * app shows nothing for them.) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && wc_keyring_in_file ()
      && (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)))
    {
      g_debug ("keyring error: %s", error->message);
      g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_NO_SERVICE,
                               "%s", _(messages->no_service));
      return;
    }
  g_task_return_error (task, wc_keyring_map_error (error, FALSE, messages));
}

typedef struct {
  GTask *task;
  SecretService **service;
  const WcKeyringMessages *messages;
  WcKeyringRunFunc run;
} ServiceWait;

static void
on_service_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree ServiceWait *wait = user_data;
  g_autoptr(GTask) task = wait->task;
  g_autoptr(GError) error = NULL;
  SecretService *service;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      /* A cancelled wait is still reported as a cancellation. */
      g_task_return_error (task, wc_keyring_map_error (error, TRUE, wait->messages));
      return;
    }

  /* Another operation of the same store may have got there first. */
  if (*wait->service == NULL)
    *wait->service = service;
  else
    g_object_unref (service);

  wait->run (g_steal_pointer (&task));
}

void
wc_keyring_run_with_service (GTask                   *task,
                             SecretService          **service,
                             const WcKeyringMessages *messages,
                             WcKeyringRunFunc         run)
{
  ServiceWait *wait;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (service != NULL && messages != NULL && run != NULL);

  if (*service != NULL)
    {
      run (task);
      return;
    }

  wait = g_new0 (ServiceWait, 1);
  wait->task = task;
  wait->service = service;
  wait->messages = messages;
  wait->run = run;
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, g_task_get_cancellable (task),
                      on_service_ready, wait);
}

gboolean
wc_keyring_in_file (void)
{
  /* libsecret 0.20 goes to the file in a sandbox when the Secret portal
   * is there; without the portal it tries the Secret Service, which the
   * sandbox does not reach either way, and the password API reports
   * that as no keyring. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) || g_getenv ("SNAP_NAME") != NULL)
    return TRUE;
  return g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0;
}

GHashTable *
wc_keyring_file_attributes (const char *schema_name,
                            GHashTable *attributes)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer name, value;

  g_return_val_if_fail (schema_name != NULL, NULL);

  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (attributes != NULL)
    {
      g_hash_table_iter_init (&iter, attributes);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_replace (copy, g_strdup (name), g_strdup (value));
    }
  g_hash_table_replace (copy, g_strdup ("xdg:schema"), g_strdup (schema_name));
  return copy;
}

GList *
wc_keyring_search_finish (GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  if (source != NULL)
    return secret_service_search_finish (SECRET_SERVICE (source), result, error);
  return secret_password_search_finish (result, error);
}

gboolean
wc_keyring_store_finish (GObject       *source,
                         GAsyncResult  *result,
                         GError       **error)
{
  if (source != NULL)
    return secret_service_store_finish (SECRET_SERVICE (source), result, error);
  return secret_password_store_finish (result, error);
}

SecretValue *
wc_keyring_item_secret (GObject  *item,
                        gboolean *locked)
{
  g_autoptr(GError) error = NULL;
  SecretValue *value;

  *locked = FALSE;
  if (SECRET_IS_ITEM (item))
    {
      *locked = secret_item_get_locked (SECRET_ITEM (item));
      return *locked ? NULL : secret_item_get_secret (SECRET_ITEM (item));
    }

  /* A keyring file item holds its secret already (the file backend
   * decrypts what it finds), so this returns without waiting. */
  value = secret_retrievable_retrieve_secret_sync (SECRET_RETRIEVABLE (item), NULL, &error);
  if (value == NULL)
    g_debug ("could not read a keyring file item: %s", error != NULL ? error->message : "no value");
  return value;
}

SecretValue *
wc_keyring_value_new (WcSecret *text)
{
  char *copy;

  g_return_val_if_fail (text != NULL, NULL);

  /* The SecretValue takes a copy; wipe ours when it goes. */
  copy = g_strdup (wc_secret_get_text (text));
  return secret_value_new_full (copy, (gssize) strlen (copy), "text/plain",
                                (GDestroyNotify) wc_secure_str_free);
}
