/* wc-token-store.h: authenticator tokens kept in the system keyring
 * through libsecret, one item per token. */
#pragma once

#include <gio/gio.h>

#include "wc-token.h"

G_BEGIN_DECLS

#define WC_TYPE_TOKEN_STORE (wc_token_store_get_type ())
#define WC_TOKEN_SCHEMA_NAME "io.github.wclogin.WebCollectLogin.Token"

G_DECLARE_FINAL_TYPE (WcTokenStore, wc_token_store, WC, TOKEN_STORE, GObject)

WcTokenStore *wc_token_store_new                 (void);

void          wc_token_store_list_async          (WcTokenStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray    *wc_token_store_list_finish         (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_lookup_async        (WcTokenStore         *self,
                                                  const char           *query,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
WcToken      *wc_token_store_lookup_finish       (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_add_async           (WcTokenStore         *self,
                                                  WcToken              *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_add_finish          (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_update_async        (WcTokenStore         *self,
                                                  WcToken              *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_update_finish       (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_rename_async        (WcTokenStore         *self,
                                                  WcToken              *token,
                                                  const char           *issuer,
                                                  const char           *account,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_rename_finish       (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Rewrites the "state" attribute only; the key is never touched. */
void          wc_token_store_set_state_async     (WcTokenStore         *self,
                                                  WcToken              *token,
                                                  WcTokenState          state,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_set_state_finish    (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_remove_async        (WcTokenStore         *self,
                                                  WcToken              *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_remove_finish       (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void          wc_token_store_next_hotp_code_async  (WcTokenStore       *self,
                                                    WcToken            *token,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
char         *wc_token_store_next_hotp_code_finish (WcTokenStore       *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

void          wc_token_store_unlock_async        (WcTokenStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      wc_token_store_unlock_finish       (WcTokenStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

GPtrArray    *wc_token_store_filter              (GPtrArray            *tokens,
                                                  const char           *query);

G_END_DECLS
