/* wc-wait.h: drive one asynchronous call at a time to completion, for
 * short-lived programs (the CLI, benchmarks) that have no main loop of
 * their own. The application never uses this: it stays asynchronous. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
} WcWait;

#define WC_WAIT_INIT { NULL, NULL }

/* @wait starts as WC_WAIT_INIT; init may be called again for the next call. */
void          wc_wait_init   (WcWait       *wait);
void          wc_wait_clear  (WcWait       *wait);

/* A GAsyncReadyCallback: pass it with the WcWait as user data. */
void          wc_wait_done   (GObject      *source,
                              GAsyncResult *result,
                              gpointer      wait);

/* Runs the main loop until wc_wait_done() is called, and returns the
 * result, owned by @wait until the next call. */
GAsyncResult *wc_wait_result (WcWait       *wait);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WcWait, wc_wait_clear)

G_END_DECLS
