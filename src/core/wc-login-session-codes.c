/* wc-login-session-codes.c: the one-time passwords a WcLoginSession sends
 * (see wc-login-session.h): which key of the built-in authenticator is
 * the user's, which time step's code goes out, and the steps the portal
 * already took, so that no code is sent twice. */
#include "wc-login-session-private.h"

/* Choosing the code. */

WcToken *
wc_login_session_pick_token (GPtrArray  *tokens,
                             const char *merchant_code,
                             const char *user_id)
{
  g_autofree char *account = NULL;
  WcToken *superseded = NULL;
  WcToken *pending = NULL;

  g_return_val_if_fail (tokens != NULL, NULL);
  g_return_val_if_fail (merchant_code != NULL && user_id != NULL, NULL);

  account = g_strdup_printf ("%s@%s", user_id, merchant_code);
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (!wc_token_is_readable (token)
          || wc_token_get_otp_type (token) != WC_OTP_TYPE_TOTP
          || g_strcmp0 (wc_token_get_account (token), account) != 0)
        continue;

      /* An active key wins. A superseded one is the key the portal still
       * accepts while its replacement waits for activation, so it comes
       * before the pending one, which serves only a first enrollment. */
      switch (wc_token_get_state (token))
        {
        case WC_TOKEN_STATE_ACTIVE:
          return token;
        case WC_TOKEN_STATE_SUPERSEDED:
          if (superseded == NULL)
            superseded = token;
          break;
        case WC_TOKEN_STATE_PENDING:
        default:
          if (pending == NULL)
            pending = token;
          break;
        }
    }
  return superseded != NULL ? superseded : pending;
}

static void
on_tokens_for_key (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GPtrArray) tokens = wc_token_store_list_finish (WC_TOKEN_STORE (source), result, &error);
  const char *merchant_code = g_object_get_data (G_OBJECT (task), "merchant-code");
  const char *user_id = g_object_get_data (G_OBJECT (task), "user-id");
  WcToken *token;

  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  token = wc_login_session_pick_token (tokens, merchant_code, user_id);
  g_task_return_boolean (task, token != NULL && wc_token_get_state (token) == WC_TOKEN_STATE_ACTIVE);
}

void
wc_login_session_has_key_async (WcLoginSession      *self,
                                const char          *merchant_code,
                                const char          *user_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (merchant_code != NULL && user_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_login_session_has_key_async);
  g_object_set_data_full (G_OBJECT (task), "merchant-code", g_strdup (merchant_code), g_free);
  g_object_set_data_full (G_OBJECT (task), "user-id", g_strdup (user_id), g_free);
  wc_token_store_list_async (self->tokens, cancellable, on_tokens_for_key, task);
}

gboolean
wc_login_session_has_key_finish (WcLoginSession  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gint64
wc_login_session_code_step (gint64 unix_time,
                            guint  period)
{
  g_return_val_if_fail (period > 0, 0);
  /* Fewer than MIN seconds left in this step: the next one. */
  return (unix_time + WC_LOGIN_SESSION_MIN_SECONDS_LEFT - 1) / period;
}

char *
wc_login_session_make_code (WcToken  *token,
                            gint64    unix_time,
                            GError  **error)
{
  guint period;
  int step = 0;

  g_return_val_if_fail (WC_IS_TOKEN (token), NULL);

  period = wc_token_get_period (token);
  if (wc_token_get_otp_type (token) == WC_OTP_TYPE_TOTP && period > 0 && unix_time >= 0)
    step = (int) (wc_login_session_code_step (unix_time, period) - unix_time / period);
  return wc_token_dup_code (token, unix_time, step, error);
}

void
wc_login_session_note_code_sent (WcLoginSession *self,
                                 WcToken        *token,
                                 gint64          unix_time)
{
  guint period;
  gint64 step;
  gpointer known;

  g_return_if_fail (WC_IS_LOGIN_SESSION (self));
  g_return_if_fail (WC_IS_TOKEN (token));

  period = wc_token_get_period (token);
  if (wc_token_get_otp_type (token) != WC_OTP_TYPE_TOTP || period == 0 || wc_token_get_account (token) == NULL)
    return;
  step = wc_login_session_code_step (unix_time, period);
  known = g_hash_table_lookup (self->sent_steps, wc_token_get_account (token));
  if (known == NULL || step > *(gint64 *) known)
    g_hash_table_insert (self->sent_steps, g_strdup (wc_token_get_account (token)),
                         g_memdup2 (&step, sizeof step));
}

guint
wc_login_session_seconds_to_fresh_code (WcLoginSession *self,
                                        WcToken        *token,
                                        gint64          now)
{
  guint period = wc_token_get_period (token);
  gint64 *sent;

  if (period == 0 || wc_token_get_account (token) == NULL)
    return 0;
  sent = g_hash_table_lookup (self->sent_steps, wc_token_get_account (token));
  if (sent == NULL || wc_login_session_code_step (now, period) > *sent)
    return 0;
  /* The step after the one sent starts at (sent + 1) * period, and its
   * code is sent from MIN - 1 seconds before. */
  return (guint) MAX (1, (*sent + 1) * (gint64) period - (WC_LOGIN_SESSION_MIN_SECONDS_LEFT - 1) - now);
}
