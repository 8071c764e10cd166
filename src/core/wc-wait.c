/* wc-wait.c: see wc-wait.h. */
#include "wc-wait.h"

void
wc_wait_init (WcWait *wait)
{
  /* Callers reuse one WcWait for call after call: drop the last one's
   * loop and result rather than leak them. */
  wc_wait_clear (wait);
  wait->loop = g_main_loop_new (NULL, FALSE);
}

void
wc_wait_clear (WcWait *wait)
{
  g_clear_object (&wait->result);
  g_clear_pointer (&wait->loop, g_main_loop_unref);
}

void
wc_wait_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WcWait *wait = user_data;

  g_clear_object (&wait->result);
  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

GAsyncResult *
wc_wait_result (WcWait *wait)
{
  g_return_val_if_fail (wait->loop != NULL, NULL);

  g_main_loop_run (wait->loop);
  return wait->result;
}
