/* test-keyring-file.c: both stores on libsecret's keyring file, the way
 * they run inside the Flatpak sandbox, where the Secret Service is out of
 * reach and libsecret keeps the items in a file whose key comes from the
 * Secret portal. Here libsecret's own test switches stand in for the
 * portal: SECRET_BACKEND=file, with the file and its key given by
 * SECRET_FILE_TEST_PATH and SECRET_FILE_TEST_PASSWORD (set in main()).
 * Everything else is the real file backend, read back through the
 * password API as an independent client would, and by webcollect-otp. */
#define _GNU_SOURCE /* memmem */
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "store-test-util.h"
#include "wc-error.h"
#include "wc-keyring.h"

#define SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define PORTAL "https://portal.example.test"

static char *keyring_path;

static const char *hotp_vectors[] = {
  "755224", "287082", "359152", "969429", "338314",
};

typedef struct {
  WcTokenStore *tokens;
  WcCredentialStore *credentials;
} Fixture;

/* The attributes that follow, as name and value pairs ended by NULL,
 * plus the schema's name as the stores record it in the file. */
static GHashTable *
attributes_new (const char *schema_name,
                va_list     pairs)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);
  const char *name;

  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) schema_name);
  while ((name = va_arg (pairs, const char *)) != NULL)
    g_hash_table_insert (attributes, (char *) name, va_arg (pairs, char *));
  return attributes;
}

/* The items of the file that have the attributes that follow, read with
 * their secrets, bypassing the stores. */
static GList *
raw_items (const char *schema_name,
           ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  va_list pairs;

  va_start (pairs, schema_name);
  attributes = attributes_new (schema_name, pairs);
  va_end (pairs);
  items = secret_password_searchv_sync (NULL, attributes,
                                        SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                        NULL, &error);
  g_assert_no_error (error);
  return items;
}

static guint
count_raw (GList *items)
{
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}

static char *
raw_attribute (SecretRetrievable *item,
               const char        *name)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);

  return g_strdup (g_hash_table_lookup (attributes, name));
}

static char *
raw_secret (SecretRetrievable *item)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = secret_retrievable_retrieve_secret_sync (item, NULL, &error);

  g_assert_no_error (error);
  return g_strdup (secret_value_get_text (value));
}

/* The one token item with this UUID. */
static SecretRetrievable *
raw_token_item (const char *uuid)
{
  GList *items = raw_items (WC_TOKEN_SCHEMA_NAME, "uuid", uuid, NULL);
  SecretRetrievable *item;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = g_object_ref (items->data);
  g_list_free_full (items, g_object_unref);
  return item;
}

/* Writes an item behind the stores' backs, with no schema to check its
 * attributes, as another program might. */
static void
plant (const char *label,
       const char *secret,
       ...)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = secret_value_new (secret, -1, "text/plain");
  va_list pairs;

  va_start (pairs, secret);
  attributes = attributes_new (WC_TOKEN_SCHEMA_NAME, pairs);
  va_end (pairs);
  g_assert_true (secret_password_storev_binary_sync (NULL, attributes, NULL, label, value,
                                                     NULL, &error));
  g_assert_no_error (error);
}

static void
clear_schema (const char *schema_name)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) schema_name);
  secret_password_clearv_sync (NULL, attributes, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  clear_schema (WC_TOKEN_SCHEMA_NAME);
  clear_schema (WC_CREDENTIAL_SCHEMA_NAME);
  f->tokens = wc_token_store_new ();
  f->credentials = wc_credential_store_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->tokens);
  g_assert_finalize_object (f->credentials);
  clear_schema (WC_TOKEN_SCHEMA_NAME);
  clear_schema (WC_CREDENTIAL_SCHEMA_NAME);
}

static GPtrArray *
list (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *tokens = store_test_list (f->tokens, &error);

  g_assert_no_error (error);
  return tokens;
}

static void
add_ok (Fixture *f,
        WcToken *token)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_add (f->tokens, token, &error));
  g_assert_no_error (error);
}

/* Whether @needle occurs anywhere in the keyring file's bytes. */
static gboolean
file_contains (const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (keyring_path, &contents, &length, &error));
  g_assert_no_error (error);
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_tokens_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=gezd+gnbv+gy3t+qojq+gezd+gnbv+gy3t+qojq");
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/%E3%82%AF%E3%83%AD%E3%83%8D%E3%82%B3:%E5%8A%A0%E7%9B%9F%E5%BA%97?secret=" SECRET_B32 "&algorithm=SHA512&digits=8&period=60");
  g_autoptr(WcToken) c = store_test_parse ("otpauth://hotp/Bank:bob?secret=" SECRET_B32 "&counter=7&algorithm=SHA256&digits=7");
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(SecretRetrievable) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *state = NULL;
  WcToken *inputs[] = { a, b, c };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    add_ok (f, inputs[i]);

  tokens = list (f);
  g_assert_cmpuint (tokens->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    store_test_assert_listed (tokens, inputs[i]);

  /* The item as another client of the file sees it: the same label,
   * key and attributes as on the Secret Service. */
  item = raw_token_item (wc_token_get_uuid (a));
  label = secret_retrievable_get_label (item);
  g_assert_cmpstr (label, ==, "Web Collect Login: ACME (alice)");
  secret = raw_secret (item);
  g_assert_cmpstr (secret, ==, SECRET_B32);
  state = raw_attribute (item, "state");
  g_assert_cmpstr (state, ==, "active");

  /* The file holds neither the key nor the names in the clear. */
  g_assert_true (g_file_test (keyring_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (file_contains (SECRET_B32));
  g_assert_false (file_contains ("alice"));
  g_assert_false (file_contains ("ACME"));

  /* The same token twice is refused, and the first one stays. */
  g_assert_false (store_test_add (f->tokens, a, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_FAILED);
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, "uuid", wc_token_get_uuid (a), NULL)),
                    ==, 1);
}

static void
test_tokens_lookup (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/Other:alice?secret=" SECRET_B32);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) found = NULL;
  WcToken *none;

  add_ok (f, a);
  add_ok (f, b);

  found = store_test_lookup (f->tokens, "acme:ALICE", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_uuid (found), ==, wc_token_get_uuid (a));

  none = store_test_lookup (f->tokens, "alice", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_AMBIGUOUS);
  g_assert_null (none);
  g_clear_error (&error);

  none = store_test_lookup (f->tokens, "nobody", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND);
  g_assert_null (none);
}

/* Renames, updates and state changes store the item anew and clear the
 * old one: afterwards there is exactly one item, with the same key. */
static void
test_tokens_changes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) stored = NULL;
  g_autoptr(SecretRetrievable) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *state = NULL;
  const char *uuid;

  add_ok (f, a);
  uuid = wc_token_get_uuid (a);

  g_assert_true (store_test_rename (f->tokens, a, "ヤマト運輸", "加盟店 A", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_issuer (a), ==, "ヤマト運輸");
  item = raw_token_item (uuid);
  label = secret_retrievable_get_label (item);
  g_assert_cmpstr (label, ==, "Web Collect Login: ヤマト運輸 (加盟店 A)");
  secret = raw_secret (item);
  g_assert_cmpstr (secret, ==, SECRET_B32);
  g_clear_object (&item);

  wc_token_set_digits (a, 8);
  wc_token_set_algorithm (a, WC_OTP_ALGORITHM_SHA256);
  g_assert_true (store_test_update (f->tokens, a, &error));
  g_assert_no_error (error);
  stored = store_test_lookup (f->tokens, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wc_token_get_digits (stored), ==, 8);
  g_assert_cmpint (wc_token_get_algorithm (stored), ==, WC_OTP_ALGORITHM_SHA256);
  g_assert_cmpstr (wc_token_get_account (stored), ==, "加盟店 A");
  g_assert_true (wc_secret_equal (wc_token_get_key (stored), wc_token_get_key (a)));

  /* An update that changes nothing writes nothing and loses nothing. */
  g_assert_true (store_test_update (f->tokens, a, &error));
  g_assert_no_error (error);

  g_assert_true (store_test_set_state (f->tokens, a, WC_TOKEN_STATE_SUPERSEDED, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wc_token_get_state (a), ==, WC_TOKEN_STATE_SUPERSEDED);
  item = raw_token_item (uuid);
  state = raw_attribute (item, "state");
  g_assert_cmpstr (state, ==, "superseded");
  g_clear_pointer (&secret, g_free);
  secret = raw_secret (item);
  g_assert_cmpstr (secret, ==, SECRET_B32);

  /* Still the one item, so still one token. */
  {
    g_autoptr(GPtrArray) tokens = list (f);

    g_assert_cmpuint (tokens->len, ==, 1);
    g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==,
                     WC_TOKEN_STATE_SUPERSEDED);
  }
}

static void
test_tokens_hotp (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(WcToken) token = store_test_parse ("otpauth://hotp/ACME:alice?secret=" SECRET_B32 "&counter=2");

  add_ok (f, token);
  for (guint i = 2; i < G_N_ELEMENTS (hotp_vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;
      g_autoptr(WcToken) stored = NULL;

      code = store_test_next_hotp_code (f->tokens, token, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, hotp_vectors[i]);

      /* By the time the code is in hand, the file has the next counter. */
      stored = store_test_lookup (f->tokens, "ACME:alice", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (wc_token_get_counter (stored), ==, i + 1);
    }
}

static void
test_tokens_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/ACME:bob?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  add_ok (f, a);
  add_ok (f, b);

  /* Not listed first: the store finds the item by its UUID. */
  g_assert_true (store_test_remove (f->tokens, a, &error));
  g_assert_no_error (error);

  tokens = list (f);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpstr (wc_token_get_uuid (g_ptr_array_index (tokens, 0)), ==, wc_token_get_uuid (b));

  /* Listed first, and renamed since: the store does not clear by the
   * attributes it listed. */
  g_assert_true (store_test_rename (f->tokens, b, "ACME", "robert", &error));
  g_assert_no_error (error);
  g_assert_true (store_test_remove (f->tokens, g_ptr_array_index (tokens, 0), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, NULL)), ==, 0);

  g_assert_false (store_test_remove (f->tokens, a, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND);
}

/* Items the store would never write are listed as unreadable, never
 * block the others, and are never cleared along with another item. */
static void
test_tokens_unreadable (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(WcToken) good = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad_digits = "8f0c3a52-3d0e-4d8e-9d52-7c1f0e6b2a11";
  const char *bad_key = "0b7f7d1e-5a8c-4f43-9a0e-3c2d1b4a5f66";
  WcToken *no_uuid = NULL;

  add_ok (f, good);
  plant ("Broken digits", SECRET_B32, "uuid", bad_digits, "issuer", "ACME", "account", "x",
         "type", "totp", "algorithm", "SHA1", "digits", "many", "period", "30", "counter", "0",
         NULL);
  plant ("Broken key", "not base32!", "uuid", bad_key, "issuer", "ACME", "account", "y",
         "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30", "counter", "0", NULL);
  /* Its attributes are a part of the good token's. */
  plant ("No UUID", SECRET_B32, "issuer", "ACME", NULL);

  tokens = list (f);
  g_assert_cmpuint (tokens->len, ==, 4);
  g_assert_true (wc_token_is_readable (store_test_find_uuid (tokens, wc_token_get_uuid (good))));
  g_assert_false (wc_token_is_readable (store_test_find_uuid (tokens, bad_digits)));
  g_assert_false (wc_token_is_readable (store_test_find_uuid (tokens, bad_key)));
  for (guint i = 0; i < tokens->len; i++)
    if (strcmp (wc_token_get_label (g_ptr_array_index (tokens, i)), "No UUID") == 0)
      no_uuid = g_ptr_array_index (tokens, i);
  g_assert_nonnull (no_uuid);
  g_assert_false (wc_token_is_readable (no_uuid));

  /* Clearing it would clear the good token too: refused, nothing lost. */
  g_assert_false (store_test_remove (f->tokens, no_uuid, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, NULL)), ==, 4);

  /* The broken ones that stand alone can be removed. */
  g_assert_true (store_test_remove (f->tokens, store_test_find_uuid (tokens, bad_digits), &error));
  g_assert_no_error (error);
  g_assert_true (store_test_remove (f->tokens, store_test_find_uuid (tokens, bad_key), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, NULL)), ==, 2);
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, "uuid", wc_token_get_uuid (good), NULL)),
                    ==, 1);
}

/* An item from before token states has no "state": it is active, and a
 * state change is refused rather than risk clearing the new item with
 * the old one. */
static void
test_tokens_stateless_item (Fixture       *f,
                            gconstpointer  data)
{
  const char *uuid = "5d6f1c2b-8e3a-4b7c-9f1d-2a3b4c5d6e7f";
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(SecretRetrievable) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  WcToken *token;

  plant ("Web Collect Login: ACME (old)", SECRET_B32, "uuid", uuid, "issuer", "ACME",
         "account", "old", "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30",
         "counter", "0", NULL);

  tokens = list (f);
  g_assert_cmpuint (tokens->len, ==, 1);
  token = g_ptr_array_index (tokens, 0);
  g_assert_true (wc_token_is_readable (token));
  g_assert_cmpint (wc_token_get_state (token), ==, WC_TOKEN_STATE_ACTIVE);

  g_assert_false (store_test_set_state (f->tokens, token, WC_TOKEN_STATE_SUPERSEDED, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_FAILED);
  g_assert_cmpint (wc_token_get_state (token), ==, WC_TOKEN_STATE_ACTIVE);

  item = raw_token_item (uuid);
  state = raw_attribute (item, "state");
  g_assert_null (state);
}

/* A change cut short can leave two items for one token. The next change
 * clears every copy with the same key, and never one with another key. */
static void
test_tokens_copies (Fixture       *f,
                    gconstpointer  data)
{
  const char *uuid = "2f1e4c6a-7b8d-4e9f-a0b1-c2d3e4f5a6b7";
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  WcToken *token = NULL;
  GList *items;

  /* First in the file, an item with the same UUID but another key. */
  plant ("Web Collect Login: ACME (alice)", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "uuid", uuid,
         "issuer", "ACME", "account", "alice", "type", "totp", "algorithm", "SHA1",
         "digits", "8", "period", "30", "counter", "0", "state", "active", NULL);
  /* The token, and an older copy of it with the same key. */
  plant ("Web Collect Login: ACME (alice)", SECRET_B32, "uuid", uuid, "issuer", "ACME",
         "account", "alice", "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30",
         "counter", "0", "state", "active", NULL);
  plant ("Web Collect Login: ACME (alice)", SECRET_B32, "uuid", uuid, "issuer", "ACME",
         "account", "alice", "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30",
         "counter", "0", "state", "superseded", NULL);

  /* All three are listed, none hidden. */
  tokens = store_test_list (f->tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 3);
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *t = g_ptr_array_index (tokens, i);

      if (wc_token_get_digits (t) == 6 && wc_token_get_state (t) == WC_TOKEN_STATE_ACTIVE)
        token = t;
    }
  g_assert_nonnull (token);

  g_assert_true (store_test_rename (f->tokens, token, "ACME", "alice (main)", &error));
  g_assert_no_error (error);

  /* The token's own key was renamed and its copy cleared; the item with
   * the other key is left as it was. */
  items = raw_items (WC_TOKEN_SCHEMA_NAME, "uuid", uuid, NULL);
  g_assert_cmpuint (g_list_length (items), ==, 2);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *account = raw_attribute (l->data, "account");
      g_autofree char *digits = raw_attribute (l->data, "digits");
      g_autofree char *secret = raw_secret (l->data);

      if (g_str_equal (secret, SECRET_B32))
        {
          g_assert_cmpstr (account, ==, "alice (main)");
          g_assert_cmpstr (digits, ==, "6");
        }
      else
        {
          g_assert_cmpstr (account, ==, "alice");
          g_assert_cmpstr (digits, ==, "8");
        }
    }
  g_list_free_full (items, g_object_unref);
}

/* The Secret portal refusing the file's key reaches the stores as a
 * cancellation nobody asked for; that is "no keyring", while a real
 * cancellation stays one. */
static void
test_portal_refusal (Fixture       *f,
                     gconstpointer  data)
{
  static const WcKeyringMessages messages = {
    .no_service = "no keyring",
    .locked = "locked",
  };
  g_autoptr(GError) refusal = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   "user interaction cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  task = g_task_new (NULL, NULL, NULL, NULL);
  wc_keyring_return_error (task, refusal, &messages);
  g_assert_false (g_task_propagate_boolean (task, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NO_SERVICE);
  g_assert_cmpstr (error->message, ==, "no keyring");
  g_clear_error (&error);
  g_clear_object (&task);

  g_cancellable_cancel (cancellable);
  task = g_task_new (NULL, cancellable, NULL, NULL);
  g_task_set_check_cancellable (task, FALSE);
  wc_keyring_return_error (task, refusal, &messages);
  g_assert_false (g_task_propagate_boolean (task, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_tokens_unlock (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing in the file is locked: unlocking succeeds at once. */
  g_assert_true (store_test_unlock (f->tokens, &error));
  g_assert_no_error (error);
}

static void
save (Fixture          *f,
      WcCredentialKind  kind,
      const char       *merchant_code,
      const char       *user_id,
      const char       *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_save_password (f->credentials, PORTAL, kind, merchant_code, user_id,
                                           password, &error));
  g_assert_no_error (error);
}

/* Asserts that the store finds @expected (or nothing, for NULL). */
static void
assert_saved (Fixture          *f,
              WcCredentialKind  kind,
              const char       *merchant_code,
              const char       *user_id,
              const char       *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) found = store_test_lookup_password (f->credentials, PORTAL, kind,
                                                          merchant_code, user_id, &error);

  g_assert_no_error (error);
  if (expected == NULL)
    g_assert_null (found);
  else
    g_assert_cmpstr (wc_secret_get_text (found), ==, expected);
}

static void
forget (Fixture          *f,
        WcCredentialKind  kind,
        const char       *merchant_code,
        const char       *user_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_forget_password (f->credentials, PORTAL, kind, merchant_code, user_id,
                                             &error));
  g_assert_no_error (error);
}

static void
test_credentials (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(WcToken) token = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  GList *items;
  g_autofree char *secret = NULL;

  add_ok (f, token);

  save (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "Sunny-Day-2024!");
  save (f, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-pass-1");
  assert_saved (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "Sunny-Day-2024!");
  assert_saved (f, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-pass-1");
  assert_saved (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", NULL);
  g_assert_false (file_contains ("Sunny-Day-2024!"));

  /* Saving again replaces the one item. */
  save (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "パスワード-2025");
  assert_saved (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "パスワード-2025");
  items = raw_items (WC_CREDENTIAL_SCHEMA_NAME, "kind", "new", NULL);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  secret = raw_secret (items->data);
  g_assert_cmpstr (secret, ==, "パスワード-2025");
  g_list_free_full (items, g_object_unref);

  /* The two stores' items share the file but never mix. */
  tokens = list (f);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_true (wc_token_is_readable (g_ptr_array_index (tokens, 0)));

  forget (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1");
  assert_saved (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", NULL);
  assert_saved (f, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-pass-1");
  /* Forgetting what is not there is no error. */
  forget (f, WC_CREDENTIAL_KIND_NEW, "123456789", "user1");
  g_assert_cmpuint (count_raw (raw_items (WC_TOKEN_SCHEMA_NAME, NULL)), ==, 1);
}

/* webcollect-otp, another process, reads the same file and makes the
 * same code. */
static void
test_cli_reads_file (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WcToken) token = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *argv[] = { WC_OTP_PROGRAM_PATH, "code", "ACME:alice", NULL };
  int status = -1;

  add_ok (f, token);

  /* The code can turn over while the program runs; it then matches the
   * next period's. */
  before = wc_token_dup_code (token, g_get_real_time () / G_USEC_PER_SEC, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  after = wc_token_dup_code (token, g_get_real_time () / G_USEC_PER_SEC, 0, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("webcollect-otp code failed: %s", err);
  g_strstrip (out);
  g_assert_true (g_str_equal (out, before) || g_str_equal (out, after));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  /* Before libsecret picks its backend, which it does once. */
  dir = g_dir_make_tmp ("wc-keyring-file-XXXXXX", &error);
  g_assert_no_error (error);
  keyring_path = g_build_filename (dir, "keyrings", "default.keyring", NULL);
  password = g_uuid_string_random ();
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring_path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", password, TRUE);

#define ADD(path, func) \
  g_test_add ("/keyring-file/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("tokens/round-trip", test_tokens_round_trip);
  ADD ("tokens/lookup", test_tokens_lookup);
  ADD ("tokens/changes", test_tokens_changes);
  ADD ("tokens/hotp", test_tokens_hotp);
  ADD ("tokens/remove", test_tokens_remove);
  ADD ("tokens/unreadable", test_tokens_unreadable);
  ADD ("tokens/stateless-item", test_tokens_stateless_item);
  ADD ("tokens/copies", test_tokens_copies);
  ADD ("tokens/unlock", test_tokens_unlock);
  ADD ("portal-refusal", test_portal_refusal);
  ADD ("credentials", test_credentials);
  ADD ("cli-reads-file", test_cli_reads_file);
#undef ADD

  result = g_test_run ();

  {
    g_autofree char *keyrings = g_path_get_dirname (keyring_path);
    g_autofree char *backup = g_strconcat (keyring_path, "~", NULL);

    g_unlink (keyring_path);
    g_unlink (backup);
    g_rmdir (keyrings);
    g_rmdir (dir);
  }
  g_free (keyring_path);
  return result;
}
