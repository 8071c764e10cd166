/* wc-application.h: the application object. It owns what lives as long
 * as the app: settings, the keyring stores and the demo portal. */
#pragma once

#include <adwaita.h>

#include "wc-credential-store.h"
#include "wc-demo-portal.h"
#include "wc-settings.h"
#include "wc-token-store.h"

G_BEGIN_DECLS

#define WC_TYPE_APPLICATION (wc_application_get_type ())

G_DECLARE_FINAL_TYPE (WcApplication, wc_application, WC, APPLICATION, AdwApplication)

WcApplication     *wc_application_new                  (void);
WcSettings        *wc_application_get_settings         (WcApplication       *self);
WcTokenStore      *wc_application_get_token_store      (WcApplication       *self);
WcCredentialStore *wc_application_get_credential_store (WcApplication       *self);

/* Starts the demo portal on loopback, once; later calls share it. It is
 * stopped when the app shuts down. */
void               wc_application_start_demo_async     (WcApplication       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
WcDemoPortal      *wc_application_start_demo_finish    (WcApplication       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
