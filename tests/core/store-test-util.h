/* store-test-util.h: the keyring stores' calls, each run to completion,
 * for tests that go through WcTokenStore and WcCredentialStore the way
 * the app does but one step at a time. Whatever the keyring behind them. */
#pragma once

#include "wc-credential-store.h"
#include "wc-token-store.h"

G_BEGIN_DECLS

/* Parses an otpauth:// URI that the test knows to be valid. */
WcToken   *store_test_parse            (const char         *uri);

GPtrArray *store_test_list             (WcTokenStore       *store,
                                        GError            **error);
/* The token with @uuid in a listing, or NULL. */
WcToken   *store_test_find_uuid        (GPtrArray          *tokens,
                                        const char         *uuid);
/* Asserts that a listing holds @expected, readable, with the same
 * parameters and key. */
void       store_test_assert_listed    (GPtrArray          *tokens,
                                        WcToken            *expected);
WcToken   *store_test_lookup           (WcTokenStore       *store,
                                        const char         *query,
                                        GError            **error);
gboolean   store_test_add              (WcTokenStore       *store,
                                        WcToken            *token,
                                        GError            **error);
gboolean   store_test_rename           (WcTokenStore       *store,
                                        WcToken            *token,
                                        const char         *issuer,
                                        const char         *account,
                                        GError            **error);
gboolean   store_test_update           (WcTokenStore       *store,
                                        WcToken            *token,
                                        GError            **error);
gboolean   store_test_set_state        (WcTokenStore       *store,
                                        WcToken            *token,
                                        WcTokenState        state,
                                        GError            **error);
gboolean   store_test_remove           (WcTokenStore       *store,
                                        WcToken            *token,
                                        GError            **error);
char      *store_test_next_hotp_code   (WcTokenStore       *store,
                                        WcToken            *token,
                                        GError            **error);
gboolean   store_test_unlock           (WcTokenStore       *store,
                                        GError            **error);

gboolean   store_test_save_password    (WcCredentialStore  *store,
                                        const char         *portal,
                                        WcCredentialKind    kind,
                                        const char         *merchant_code,
                                        const char         *user_id,
                                        const char         *password,
                                        GError            **error);
WcSecret  *store_test_lookup_password  (WcCredentialStore  *store,
                                        const char         *portal,
                                        WcCredentialKind    kind,
                                        const char         *merchant_code,
                                        const char         *user_id,
                                        GError            **error);
gboolean   store_test_forget_password  (WcCredentialStore  *store,
                                        const char         *portal,
                                        WcCredentialKind    kind,
                                        const char         *merchant_code,
                                        const char         *user_id,
                                        GError            **error);

G_END_DECLS
