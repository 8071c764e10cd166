/* wc-credential-store.h: portal passwords the user asked to remember,
 * kept in the system keyring through libsecret, one item per password. */
#pragma once

#include <gio/gio.h>

#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_TYPE_CREDENTIAL_STORE (wc_credential_store_get_type ())
#define WC_CREDENTIAL_SCHEMA_NAME "io.github.wclogin.WebCollectLogin.Password"

G_DECLARE_FINAL_TYPE (WcCredentialStore, wc_credential_store, WC, CREDENTIAL_STORE, GObject)

/* Which login a password is for: the PCI DSS login (merchant code, user
 * ID, password) or the old one (merchant code and password). */
typedef enum {
  WC_CREDENTIAL_KIND_NEW,
  WC_CREDENTIAL_KIND_LEGACY,
} WcCredentialKind;

WcCredentialStore *wc_credential_store_new           (void);

void               wc_credential_store_save_async    (WcCredentialStore   *self,
                                                      const char          *portal,
                                                      WcCredentialKind     kind,
                                                      const char          *merchant_code,
                                                      const char          *user_id,
                                                      WcSecret            *password,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           wc_credential_store_save_finish   (WcCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void               wc_credential_store_lookup_async  (WcCredentialStore   *self,
                                                      const char          *portal,
                                                      WcCredentialKind     kind,
                                                      const char          *merchant_code,
                                                      const char          *user_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
WcSecret          *wc_credential_store_lookup_finish (WcCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void               wc_credential_store_forget_async  (WcCredentialStore   *self,
                                                      const char          *portal,
                                                      WcCredentialKind     kind,
                                                      const char          *merchant_code,
                                                      const char          *user_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           wc_credential_store_forget_finish (WcCredentialStore   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
