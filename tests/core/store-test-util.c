/* store-test-util.c: see store-test-util.h. Each call starts one
 * operation and runs a main loop until it is done (wc-wait). */
#include "store-test-util.h"
#include "wc-otpauth-uri.h"
#include "wc-wait.h"

WcToken *
store_test_parse (const char *uri)
{
  g_autoptr(GError) error = NULL;
  WcToken *token = wc_otpauth_uri_parse (uri, &error);

  g_assert_no_error (error);
  return token;
}

GPtrArray *
store_test_list (WcTokenStore  *store,
                 GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_list_async (store, NULL, wc_wait_done, &wait);
  return wc_token_store_list_finish (store, wc_wait_result (&wait), error);
}

WcToken *
store_test_find_uuid (GPtrArray  *tokens,
                      const char *uuid)
{
  for (guint i = 0; i < tokens->len; i++)
    if (g_str_equal (wc_token_get_uuid (g_ptr_array_index (tokens, i)), uuid))
      return g_ptr_array_index (tokens, i);
  return NULL;
}

void
store_test_assert_listed (GPtrArray *tokens,
                          WcToken   *expected)
{
  WcToken *out = store_test_find_uuid (tokens, wc_token_get_uuid (expected));

  g_assert_nonnull (out);
  g_assert_true (wc_token_is_readable (out));
  g_assert_cmpstr (wc_token_get_issuer (out), ==, wc_token_get_issuer (expected));
  g_assert_cmpstr (wc_token_get_account (out), ==, wc_token_get_account (expected));
  g_assert_cmpint (wc_token_get_otp_type (out), ==, wc_token_get_otp_type (expected));
  g_assert_cmpint (wc_token_get_algorithm (out), ==, wc_token_get_algorithm (expected));
  g_assert_cmpuint (wc_token_get_digits (out), ==, wc_token_get_digits (expected));
  g_assert_cmpuint (wc_token_get_period (out), ==, wc_token_get_period (expected));
  g_assert_cmpuint (wc_token_get_counter (out), ==, wc_token_get_counter (expected));
  g_assert_cmpint (wc_token_get_state (out), ==, wc_token_get_state (expected));
  g_assert_true (wc_secret_equal (wc_token_get_key (out), wc_token_get_key (expected)));
}

WcToken *
store_test_lookup (WcTokenStore  *store,
                   const char    *query,
                   GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_lookup_async (store, query, NULL, wc_wait_done, &wait);
  return wc_token_store_lookup_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_add (WcTokenStore  *store,
                WcToken       *token,
                GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_add_async (store, token, NULL, wc_wait_done, &wait);
  return wc_token_store_add_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_rename (WcTokenStore  *store,
                   WcToken       *token,
                   const char    *issuer,
                   const char    *account,
                   GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_rename_async (store, token, issuer, account, NULL, wc_wait_done, &wait);
  return wc_token_store_rename_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_update (WcTokenStore  *store,
                   WcToken       *token,
                   GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_update_async (store, token, NULL, wc_wait_done, &wait);
  return wc_token_store_update_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_set_state (WcTokenStore  *store,
                      WcToken       *token,
                      WcTokenState   state,
                      GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_set_state_async (store, token, state, NULL, wc_wait_done, &wait);
  return wc_token_store_set_state_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_remove (WcTokenStore  *store,
                   WcToken       *token,
                   GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_remove_async (store, token, NULL, wc_wait_done, &wait);
  return wc_token_store_remove_finish (store, wc_wait_result (&wait), error);
}

char *
store_test_next_hotp_code (WcTokenStore  *store,
                           WcToken       *token,
                           GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_next_hotp_code_async (store, token, NULL, wc_wait_done, &wait);
  return wc_token_store_next_hotp_code_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_unlock (WcTokenStore  *store,
                   GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_unlock_async (store, NULL, wc_wait_done, &wait);
  return wc_token_store_unlock_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_save_password (WcCredentialStore  *store,
                          const char         *portal,
                          WcCredentialKind    kind,
                          const char         *merchant_code,
                          const char         *user_id,
                          const char         *password,
                          GError            **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);

  wc_wait_init (&wait);
  wc_credential_store_save_async (store, portal, kind, merchant_code, user_id, secret,
                                  NULL, wc_wait_done, &wait);
  return wc_credential_store_save_finish (store, wc_wait_result (&wait), error);
}

WcSecret *
store_test_lookup_password (WcCredentialStore  *store,
                            const char         *portal,
                            WcCredentialKind    kind,
                            const char         *merchant_code,
                            const char         *user_id,
                            GError            **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_credential_store_lookup_async (store, portal, kind, merchant_code, user_id,
                                    NULL, wc_wait_done, &wait);
  return wc_credential_store_lookup_finish (store, wc_wait_result (&wait), error);
}

gboolean
store_test_forget_password (WcCredentialStore  *store,
                            const char         *portal,
                            WcCredentialKind    kind,
                            const char         *merchant_code,
                            const char         *user_id,
                            GError            **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_credential_store_forget_async (store, portal, kind, merchant_code, user_id,
                                    NULL, wc_wait_done, &wait);
  return wc_credential_store_forget_finish (store, wc_wait_result (&wait), error);
}
