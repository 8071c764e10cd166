/* wc-login-session-status.c: the portal's status as a WcLoginSession
 * keeps it (see wc-login-session.h): asked for now, watched every
 * interval, and asked again after an answer that means it changed. */
#include "wc-login-session-private.h"
#include "wc-error.h"

#define properties wc_login_session_properties


static void
set_status (WcLoginSession       *self,
            const WcPortalStatus *status)
{
  g_clear_pointer (&self->status, wc_portal_status_free);
  self->status = wc_portal_status_copy (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[WC_LOGIN_SESSION_PROP_STATUS]);
}

void
wc_login_session_note_error (WcLoginSession *self,
                             const GError   *error)
{
  if (error == NULL || error->domain != WC_PORTAL_ERROR)
    return;
  if (error->code == WC_PORTAL_ERROR_MAINTENANCE
      || error->code == WC_PORTAL_ERROR_SESSION_ENDED
      || g_strcmp0 (wc_portal_error_get_code (error), WC_PORTAL_CODE_OLD_LOGIN_CLOSED) == 0)
    wc_login_session_refresh_status (self);
}

static void
on_status (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcLoginSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  WcPortalStatus *status = wc_portal_client_status_finish (WC_PORTAL_CLIENT (source), result, &error);

  if (status == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  set_status (self, status);
  g_task_return_pointer (task, status, (GDestroyNotify) wc_portal_status_free);
}

void
wc_login_session_refresh_status_async (WcLoginSession      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_refresh_status_async);
  wc_portal_client_status_async (self->client, cancellable, on_status, task);
}

WcPortalStatus *
wc_login_session_refresh_status_finish (WcLoginSession  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The session's own request holds no reference: dispose cancels it, and
 * a cancelled answer touches nothing. */
static void
on_status_refreshed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = wc_portal_client_status_finish (WC_PORTAL_CLIENT (source), result, &error);
  WcLoginSession *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WC_LOGIN_SESSION (user_data);
  self->status_pending = FALSE;
  if (status == NULL)
    {
      g_signal_emit (self, wc_login_session_signals[WC_LOGIN_SESSION_STATUS_FAILED], 0, error);
      return;
    }
  set_status (self, status);
}

void
wc_login_session_refresh_status (WcLoginSession *self)
{
  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  if (self->status_pending)
    return;
  self->status_pending = TRUE;
  wc_portal_client_status_async (self->client, self->cancellable, on_status_refreshed, self);
}

static gboolean
on_status_interval (gpointer user_data)
{
  wc_login_session_refresh_status (WC_LOGIN_SESSION (user_data));
  return G_SOURCE_CONTINUE;
}

void
wc_login_session_set_watched (WcLoginSession *self,
                              gboolean        watched)
{
  g_return_if_fail (WC_IS_LOGIN_SESSION (self));

  if (watched == (self->status_source != 0))
    return;
  if (!watched)
    {
      g_clear_handle_id (&self->status_source, g_source_remove);
      return;
    }
  self->status_source = g_timeout_add_seconds (self->status_interval, on_status_interval, self);
  wc_login_session_refresh_status (self);
}

void
wc_login_session_set_status_interval (WcLoginSession *self,
                                      guint           seconds)
{
  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (seconds > 0);

  self->status_interval = seconds;
  if (self->status_source != 0)
    {
      wc_login_session_set_watched (self, FALSE);
      wc_login_session_set_watched (self, TRUE);
    }
}
