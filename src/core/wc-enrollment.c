/* wc-enrollment.c: the key change of one user, in an order that never
 * loses a key. Issue stores the new key as pending before anything else
 * happens to it, and marks the user's earlier tokens superseded rather
 * than removing them, since the portal keeps the old key working until
 * activation. Activation changes the keyring only once the portal has
 * accepted the code; a failure leaves everything as it was, so activate
 * can simply be called again, or a later run can resume from the pending
 * token. Each step is a chain of callbacks on one GTask. */
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-otpauth-uri.h"

#include <glib/gi18n-lib.h>

struct _WcEnrollment
{
  GObject parent_instance;

  WcLoginSession *session;
  /* The token of the pending key, until it is activated. */
  WcToken *pending;
  /* The pending key, or the one just activated: what dup_uri shows. */
  WcToken *current;
};

G_DEFINE_FINAL_TYPE (WcEnrollment, wc_enrollment, G_TYPE_OBJECT)

typedef struct {
  char *account;             /* "USER@MERCHANT" */
  WcToken *token;            /* the pending token being issued or activated */
  GPtrArray *to_change;      /* tokens still to mark superseded or to remove */
  gint64 code_time;          /* when the activation's code was made */
} Op;

static void
op_free (Op *op)
{
  g_clear_pointer (&op->account, g_free);
  g_clear_object (&op->token);
  g_clear_pointer (&op->to_change, g_ptr_array_unref);
  g_free (op);
}

static void
wc_enrollment_dispose (GObject *object)
{
  WcEnrollment *self = (WcEnrollment *) object;

  g_clear_object (&self->session);
  g_clear_object (&self->pending);
  g_clear_object (&self->current);

  G_OBJECT_CLASS (wc_enrollment_parent_class)->dispose (object);
}

static void
wc_enrollment_class_init (WcEnrollmentClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wc_enrollment_dispose;
}

static void
wc_enrollment_init (WcEnrollment *self)
{
}

/**
 * wc_enrollment_new:
 * @session: a session with a new login (restricted or full)
 *
 * Returns: (transfer full): an enrollment for the logged-in user.
 */
WcEnrollment *
wc_enrollment_new (WcLoginSession *session)
{
  WcEnrollment *self;

  g_return_val_if_fail (WC_IS_LOGIN_SESSION (session), NULL);

  self = g_object_new (WC_TYPE_ENROLLMENT, NULL);
  self->session = g_object_ref (session);
  return self;
}

static WcTokenStore *
get_store (WcEnrollment *self)
{
  return wc_login_session_get_token_store (self->session);
}

static WcPortalClient *
get_client (WcEnrollment *self)
{
  return wc_login_session_get_client (self->session);
}

static void
set_pending (WcEnrollment *self,
             WcToken      *token)
{
  g_set_object (&self->pending, token);
  if (token != NULL)
    g_set_object (&self->current, token);
}

/* Starts a task for an operation on the logged-in user's account, or
 * reports that there is no login and returns NULL. */
static GTask *
task_new (WcEnrollment        *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  WcPortalLogin *login = wc_login_session_get_login (self->session);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (login == NULL || login->user == NULL)
    {
      g_task_return_error (task,
                           wc_portal_error_new_full (WC_PORTAL_ERROR_NOT_LOGGED_IN, "C051000001",
                                                     _("You are not logged in to the portal. Log in and try again."),
                                                     NULL, 0, 0));
      g_object_unref (task);
      return NULL;
    }

  op->account = g_strdup_printf ("%s@%s", login->user->user_id, login->user->merchant_code);
  return task;
}

static gboolean
belongs_to (WcToken    *token,
            const char *account)
{
  return wc_token_is_readable (token)
         && g_strcmp0 (wc_token_get_account (token), account) == 0;
}

/* Resume. */

static void
on_resume_listed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) tokens = NULL;
  GError *error = NULL;

  tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (belongs_to (token, op->account)
          && wc_token_get_state (token) == WC_TOKEN_STATE_PENDING)
        {
          set_pending (self, token);
          g_task_return_pointer (task, g_object_ref (token), g_object_unref);
          return;
        }
    }
  g_task_return_pointer (task, NULL, NULL);
}

void
wc_enrollment_resume_async (WcEnrollment        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_ENROLLMENT (self));

  task = task_new (self, wc_enrollment_resume_async, cancellable, callback, user_data);
  if (task != NULL)
    wc_token_store_list_async (get_store (self), cancellable, on_resume_listed, task);
}

/**
 * wc_enrollment_resume_finish:
 *
 * Returns: (transfer full) (nullable): the pending token, or %NULL, with
 *   @error unset when there simply is none.
 */
WcToken *
wc_enrollment_resume_finish (WcEnrollment  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_enrollment_resume_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Issue. */

static void supersede_next (GTask *task);

static void
on_superseded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!wc_token_store_set_state_finish (WC_TOKEN_STORE (source), result, &error))
    {
      /* The new key is safely stored as pending, and resume finds it. */
      g_task_return_error (task, error);
      return;
    }
  supersede_next (g_steal_pointer (&task));
}

static void
supersede_next (GTask *task)
{
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(WcToken) token = NULL;

  if (op->to_change->len == 0)
    {
      g_task_return_pointer (task, g_object_ref (op->token), g_object_unref);
      g_object_unref (task);
      return;
    }

  token = g_ptr_array_steal_index (op->to_change, 0);
  wc_token_store_set_state_async (get_store (self), token, WC_TOKEN_STATE_SUPERSEDED,
                                  g_task_get_cancellable (task), on_superseded, task);
}

static void
on_issue_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) tokens = NULL;
  GError *error = NULL;

  tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* The portal keeps only the newest pending key, so an earlier pending
   * token is replaced as much as the active one is. It may even be the
   * active key, activated by a run that ended before it could say so. */
  op->to_change = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (belongs_to (token, op->account)
          && g_strcmp0 (wc_token_get_uuid (token), wc_token_get_uuid (op->token)) != 0
          && wc_token_get_state (token) != WC_TOKEN_STATE_SUPERSEDED)
        g_ptr_array_add (op->to_change, g_object_ref (token));
    }
  supersede_next (task);
}

static void
on_pending_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!wc_token_store_add_finish (WC_TOKEN_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  set_pending (self, op->token);
  wc_token_store_list_async (WC_TOKEN_STORE (source), g_task_get_cancellable (task),
                             on_issue_listed, task);
}

static void
on_secret_issued (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(WcPortalOtpOffer) offer = NULL;
  GError *error = NULL;

  offer = wc_portal_client_issue_otp_secret_finish (WC_PORTAL_CLIENT (source), result, &error);
  if (offer != NULL)
    op->token = wc_otpauth_uri_parse (wc_secret_get_text (offer->otpauth_uri), &error);
  if (op->token == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* The login picks tokens by this account, whatever the URI's label. */
  wc_token_set_account (op->token, op->account);
  wc_token_set_state (op->token, WC_TOKEN_STATE_PENDING);
  wc_token_store_add_async (get_store (self), op->token, g_task_get_cancellable (task),
                            on_pending_stored, task);
}

void
wc_enrollment_issue_async (WcEnrollment        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_ENROLLMENT (self));

  task = task_new (self, wc_enrollment_issue_async, cancellable, callback, user_data);
  if (task != NULL)
    wc_portal_client_issue_otp_secret_async (get_client (self), cancellable,
                                             on_secret_issued, task);
}

/**
 * wc_enrollment_issue_finish:
 *
 * Returns: (transfer full): the pending token, or %NULL with @error set.
 *   After an error in marking the earlier tokens, the pending token is
 *   stored all the same (get_pending and resume give it).
 */
WcToken *
wc_enrollment_issue_finish (WcEnrollment  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_enrollment_issue_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Activate. */

static void remove_next (GTask *task);

static void
on_superseded_removed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The new key is active on both sides; a stale item left behind is
   * harmless (never picked) and can be removed by hand. */
  if (!wc_token_store_remove_finish (WC_TOKEN_STORE (source), result, &error))
    g_debug ("could not remove a superseded token: %s", error->message);
  remove_next (g_steal_pointer (&task));
}

static void
remove_next (GTask *task)
{
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(WcToken) token = NULL;

  if (op->to_change == NULL || op->to_change->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  token = g_ptr_array_steal_index (op->to_change, 0);
  wc_token_store_remove_async (get_store (self), token, g_task_get_cancellable (task),
                               on_superseded_removed, task);
}

static void
on_activate_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  if (tokens == NULL)
    {
      g_debug ("could not list the superseded tokens: %s", error->message);
      remove_next (task);
      return;
    }

  op->to_change = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (belongs_to (token, op->account)
          && wc_token_get_state (token) == WC_TOKEN_STATE_SUPERSEDED)
        g_ptr_array_add (op->to_change, g_object_ref (token));
    }
  remove_next (task);
}

static void
on_made_active (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  WcEnrollment *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!wc_token_store_set_state_finish (WC_TOKEN_STORE (source), result, &error))
    {
      /* The portal has the key and so does the keyring, as pending. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_clear_object (&self->pending);
  wc_token_store_list_async (WC_TOKEN_STORE (source), g_task_get_cancellable (task),
                             on_activate_listed, task);
}

static void
on_activated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  WcEnrollment *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!wc_portal_client_finish (WC_PORTAL_CLIENT (source), result, &error))
    {
      if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED)
          && g_strcmp0 (wc_portal_error_get_code (error), WC_PORTAL_CODE_OTP_NOT_PENDING) == 0)
        {
          g_autoptr(GError) portal_error = error;

          error = wc_portal_error_new_full (WC_PORTAL_ERROR_REJECTED, WC_PORTAL_CODE_OTP_NOT_PENDING,
                                            _("The portal has no secret key waiting for activation: it was either activated already or it has expired. Issue a new key."),
                                            NULL, 0, 0);
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* The portal took this step's code: a login right after must not send
   * it again. */
  wc_login_session_note_code_sent (self->session, op->token, op->code_time);
  wc_token_store_set_state_async (get_store (self), op->token, WC_TOKEN_STATE_ACTIVE,
                                  g_task_get_cancellable (task), on_made_active, task);
}

void
wc_enrollment_activate_async (WcEnrollment        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Op *op;
  g_autofree char *code = NULL;
  GError *error = NULL;

  g_return_if_fail (WC_IS_ENROLLMENT (self));

  task = task_new (self, wc_enrollment_activate_async, cancellable, callback, user_data);
  if (task == NULL)
    return;

  if (self->pending == NULL)
    {
      g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND,
                               _("There is no pending secret key to activate. Issue a new key."));
      g_object_unref (task);
      return;
    }

  op = g_task_get_task_data (task);
  op->token = g_object_ref (self->pending);
  code = wc_login_session_make_code (op->token, wc_portal_client_now (get_client (self)), &error);
  if (code == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  op->code_time = wc_portal_client_now (get_client (self));
  wc_portal_client_activate_otp_async (get_client (self), code, cancellable, on_activated, task);
}

gboolean
wc_enrollment_activate_finish (WcEnrollment  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_enrollment_activate_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * wc_enrollment_get_pending:
 *
 * Returns: (transfer none) (nullable): the pending token.
 */
WcToken *
wc_enrollment_get_pending (WcEnrollment *self)
{
  g_return_val_if_fail (WC_IS_ENROLLMENT (self), NULL);
  return self->pending;
}

/**
 * wc_enrollment_dup_uri:
 *
 * Returns: (transfer full) (nullable): the otpauth:// URI of the pending
 *   or just-activated key.
 */
WcSecret *
wc_enrollment_dup_uri (WcEnrollment *self)
{
  g_return_val_if_fail (WC_IS_ENROLLMENT (self), NULL);
  return self->current != NULL ? wc_otpauth_uri_format (self->current) : NULL;
}
