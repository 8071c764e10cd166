/* wc-demo-portal.h: the reference portal (`webcollect-portal demo`) run
 * as a child process on loopback, for the app's demo mode. */
#pragma once

#include <gio/gio.h>

#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_TYPE_DEMO_PORTAL (wc_demo_portal_get_type ())

G_DECLARE_FINAL_TYPE (WcDemoPortal, wc_demo_portal, WC, DEMO_PORTAL, GObject)

WcDemoPortal *wc_demo_portal_new                  (const char          *program,
                                                   const char          *data_dir);

/* $WC_PORTAL_PROGRAM when set, else the installed webcollect-portal. */
char         *wc_demo_portal_find_program         (void);
/* Where the demo portal keeps its data: under the user data directory. */
char         *wc_demo_portal_default_data_dir     (void);

void          wc_demo_portal_start_async          (WcDemoPortal        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean      wc_demo_portal_start_finish         (WcDemoPortal        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* These are NULL unless the portal has started and is not stopped. */
const char   *wc_demo_portal_get_url              (WcDemoPortal        *self);
const char   *wc_demo_portal_get_fingerprint      (WcDemoPortal        *self);
const char   *wc_demo_portal_get_merchant_code    (WcDemoPortal        *self);
/* The demo merchant's initial password, only when this start created
 * the merchant (a fresh data directory); NULL otherwise. */
WcSecret     *wc_demo_portal_dup_initial_password (WcDemoPortal        *self);

void          wc_demo_portal_stop                 (WcDemoPortal        *self);

/* The demo portal sends no mail: an old-password reset's temporary
 * password goes to its outbox (DIR/outbox.log) instead. This reads the
 * newest such message for @merchant_code: the temporary password, and
 * in @expires_at (may be NULL) until when it works. G_IO_ERROR_NOT_FOUND
 * when there is none. Only the end of a long outbox is read. */
WcSecret     *wc_demo_portal_read_reset_mail      (WcDemoPortal        *self,
                                                   const char          *merchant_code,
                                                   gint64              *expires_at,
                                                   GError             **error);

G_END_DECLS
