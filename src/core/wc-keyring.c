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
