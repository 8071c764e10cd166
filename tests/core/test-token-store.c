/* test-token-store.c: the token store against a real gnome-keyring, run
 * inside tests/run-in-session. Covers round trips, lookups, renames,
 * HOTP counters, removal, items planted behind the store's back, and a
 * locked keyring. */
#include <libsecret/secret.h>
#include <string.h>

#include "keyring-test-util.h"
#include "store-test-util.h"
#include "wc-error.h"
#include "wc-otpauth-uri.h"
#include "wc-token-store.h"

#define SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const char *hotp_vectors[] = {
  "755224", "287082", "359152", "969429", "338314",
};

typedef struct {
  WcTokenStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  keyring_test_remove_all (keyring_test_token_schema ());
  f->store = wc_token_store_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  keyring_test_remove_all (keyring_test_token_schema ());
}

static GPtrArray *
list (Fixture *f,
      GError **error)
{
  return store_test_list (f->store, error);
}

static void
add (Fixture *f,
     WcToken *token)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_add (f->store, token, &error));
  g_assert_no_error (error);
}

/* Reads an item straight from the keyring, bypassing the store. */
static SecretItem *
raw_item (const char *uuid)
{
  GList *items = keyring_test_find_items (keyring_test_token_schema (), "uuid", uuid, NULL);
  SecretItem *item;

  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = g_object_ref (items->data);
  g_list_free_full (items, g_object_unref);
  return item;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=gezd+gnbv+gy3t+qojq+gezd+gnbv+gy3t+qojq");
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/%E3%82%AF%E3%83%AD%E3%83%8D%E3%82%B3:%E5%8A%A0%E7%9B%9F%E5%BA%97?secret=" SECRET_B32 "&algorithm=SHA512&digits=8&period=60");
  g_autoptr(WcToken) c = store_test_parse ("otpauth://hotp/Bank:bob?secret=" SECRET_B32 "&counter=7&algorithm=SHA256&digits=7");
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *label = NULL;
  WcToken *inputs[3];

  inputs[0] = a; inputs[1] = b; inputs[2] = c;
  for (guint i = 0; i < 3; i++)
    add (f, inputs[i]);

  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 3);

  for (guint i = 0; i < 3; i++)
    store_test_assert_listed (tokens, inputs[i]);

  /* As Seahorse shows it: a readable label, the normalized key as one
   * line, and the parameters as attributes. */
  item = raw_item (wc_token_get_uuid (a));
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "Web Collect Login: ACME (alice)");
  value = secret_item_get_secret (item);
  g_assert_cmpstr (secret_value_get_text (value), ==, SECRET_B32);
  {
    g_autoptr(GHashTable) attributes = secret_item_get_attributes (item);
    const char *names[] = { "uuid", "issuer", "account", "type", "algorithm", "digits", "period", "counter" };

    for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
      g_assert_nonnull (g_hash_table_lookup (attributes, names[i]));
    g_assert_cmpstr (g_hash_table_lookup (attributes, "type"), ==, "totp");
    g_assert_cmpstr (g_hash_table_lookup (attributes, "digits"), ==, "6");
  }

  /* The same token twice is refused, and the first one is untouched. */
  g_assert_false (store_test_add (f->store, a, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_FAILED);
}

static void
test_lookup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/ACME:alison?secret=" SECRET_B32);
  g_autoptr(WcToken) c = store_test_parse ("otpauth://totp/Other:alice?secret=" SECRET_B32);
  g_autoptr(GError) error = NULL;
  WcToken *found;

  add (f, a);
  add (f, b);
  add (f, c);

  /* Exact "issuer:account", case-insensitive. */
  found = store_test_lookup (f->store, "acme:ALICE", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_uuid (found), ==, wc_token_get_uuid (a));
  g_object_unref (found);

  /* A unique piece. */
  found = store_test_lookup (f->store, "lison", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_uuid (found), ==, wc_token_get_uuid (b));
  g_object_unref (found);

  /* A UUID prefix. */
  {
    g_autofree char *prefix = g_strndup (wc_token_get_uuid (c), 13);

    found = store_test_lookup (f->store, prefix, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (wc_token_get_uuid (found), ==, wc_token_get_uuid (c));
    g_object_unref (found);
  }

  /* "alice" is the exact account of two tokens. */
  found = store_test_lookup (f->store, "alice", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_AMBIGUOUS);
  g_assert_null (found);
  g_clear_error (&error);

  found = store_test_lookup (f->store, "nobody", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
}

static void
test_rename_and_update (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autofree char *label = NULL;

  add (f, a);

  g_assert_true (store_test_rename (f->store, a, "ヤマト運輸", "加盟店 A", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_issuer (a), ==, "ヤマト運輸");

  stored = store_test_lookup (f->store, wc_token_get_uuid (a), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_issuer (stored), ==, "ヤマト運輸");
  g_assert_cmpstr (wc_token_get_account (stored), ==, "加盟店 A");
  g_assert_true (wc_secret_equal (wc_token_get_key (stored), wc_token_get_key (a)));
  g_clear_object (&stored);

  item = raw_item (wc_token_get_uuid (a));
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "Web Collect Login: ヤマト運輸 (加盟店 A)");

  wc_token_set_digits (a, 8);
  wc_token_set_algorithm (a, WC_OTP_ALGORITHM_SHA256);
  g_assert_true (store_test_update (f->store, a, &error));
  g_assert_no_error (error);

  stored = store_test_lookup (f->store, wc_token_get_uuid (a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wc_token_get_digits (stored), ==, 8);
  g_assert_cmpint (wc_token_get_algorithm (stored), ==, WC_OTP_ALGORITHM_SHA256);
  g_assert_true (wc_secret_equal (wc_token_get_key (stored), wc_token_get_key (a)));
}

static void
test_hotp_counter (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(WcToken) token = store_test_parse ("otpauth://hotp/ACME:alice?secret=" SECRET_B32 "&counter=2");
  g_autoptr(GError) error = NULL;

  add (f, token);

  for (guint i = 2; i < 5; i++)
    {
      g_autofree char *code = NULL;
      g_autoptr(WcToken) stored = NULL;

      code = store_test_next_hotp_code (f->store, token, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (code, ==, hotp_vectors[i]);

      /* By the time the code is in hand, the keyring has the next counter. */
      stored = store_test_lookup (f->store, "ACME:alice", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (wc_token_get_counter (stored), ==, i + 1);
      g_assert_cmpuint (wc_token_get_counter (token), ==, i + 1);
    }

  /* A TOTP token has no counter to advance. */
  {
    g_autoptr(WcToken) totp = store_test_parse ("otpauth://totp/ACME:carol?secret=" SECRET_B32);
    g_autofree char *code = NULL;

    code = store_test_next_hotp_code (f->store, totp, &error);
    g_assert_error (error, WC_OTP_ERROR, WC_OTP_ERROR_COUNTER);
    g_assert_null (code);
  }
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(WcToken) b = store_test_parse ("otpauth://totp/ACME:bob?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  add (f, a);
  add (f, b);

  g_assert_true (store_test_remove (f->store, a, &error));
  g_assert_no_error (error);

  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpstr (wc_token_get_uuid (g_ptr_array_index (tokens, 0)), ==, wc_token_get_uuid (b));

  g_assert_false (store_test_remove (f->store, a, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND);
}

/* Plants an item behind the store's back, with secret-tool, as a user or
 * another program might. */
static void
plant (const char *label,
       const char *secret,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  va_list words;
  const char *word;

  g_ptr_array_add (args, g_strdup ("store"));
  g_ptr_array_add (args, g_strdup_printf ("--label=%s", label));
  g_ptr_array_add (args, g_strdup ("xdg:schema"));
  g_ptr_array_add (args, g_strdup (WC_TOKEN_SCHEMA_NAME));
  va_start (words, secret);
  while ((word = va_arg (words, const char *)) != NULL)
    g_ptr_array_add (args, g_strdup (word));
  va_end (words);
  g_ptr_array_add (args, NULL);

  g_assert_true (keyring_test_secret_tool ((const char * const *) args->pdata, secret, NULL));
}

static void
test_unreadable_items (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(WcToken) good = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  guint unreadable = 0;
  const char *uuid_bad_secret = "0c2a3f0e-8a1b-4c55-9a7e-1d2f3a4b5c6d";

  add (f, good);

  /* A secret that is not base32. */
  plant ("Web Collect Login: broken secret", "not base32!", "uuid", uuid_bad_secret,
         "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30", "counter", "0", NULL);
  /* Digits liboath cannot do. */
  plant ("Web Collect Login: broken digits", SECRET_B32, "uuid", "1c2a3f0e-8a1b-4c55-9a7e-1d2f3a4b5c6d",
         "type", "totp", "algorithm", "SHA1", "digits", "10", "period", "30", "counter", "0", NULL);
  /* No UUID at all. The Secret Service replaces any item whose
   * attributes include all of a new item's, so this one carries an
   * issuer the others lack. */
  plant ("Web Collect Login: no uuid", SECRET_B32, "issuer", "Nameless",
         "type", "totp", "algorithm", "SHA1", "digits", "6", "period", "30", "counter", "0", NULL);

  /* A type the store does not know. */
  plant ("hand-made", SECRET_B32, "uuid", "2c2a3f0e-8a1b-4c55-9a7e-1d2f3a4b5c6d", "type", "sms", NULL);

  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 5);

  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);
      g_autofree char *code = NULL;

      if (wc_token_is_readable (token))
        {
          g_assert_cmpstr (wc_token_get_uuid (token), ==, wc_token_get_uuid (good));
          /* The good token still works next to the broken ones. */
          code = wc_token_dup_code (token, 59, 0, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (code, ==, "287082");
          continue;
        }

      unreadable++;
      g_assert_nonnull (wc_token_get_problem (token));
      g_assert_null (wc_token_get_key (token));
      code = wc_token_dup_code (token, 59, 0, &error);
      g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_UNREADABLE);
      g_clear_error (&error);
      g_assert_null (code);

      if (g_str_equal (wc_token_get_uuid (token), uuid_bad_secret))
        g_assert_nonnull (strstr (wc_token_get_problem (token), "base32"));
    }
  g_assert_cmpuint (unreadable, ==, 4);

  /* Listing set them aside; it deleted nothing. A second listing sees
   * exactly the same. */
  g_clear_pointer (&tokens, g_ptr_array_unref);
  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 5);

  /* An explicit remove works on an unreadable token, even one without a
   * UUID of its own. */
  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (!wc_token_is_readable (token))
        {
          g_assert_true (store_test_remove (f->store, token, &error));
          g_assert_no_error (error);
        }
    }
  g_clear_pointer (&tokens, g_ptr_array_unref);
  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 1);
}

/* Stands in for the user turning down the keyring's password dialog: it
 * presses Escape in the real gcr-prompter window once it shows. */
static gboolean
close_prompt (gpointer user_data)
{
  g_autoptr(GSubprocess) search = NULL;
  g_autofree char *windows = NULL;
  g_auto(GStrv) ids = NULL;

  search = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                             "xdotool", "search", "--onlyvisible", "--class", "gcr-prompter", NULL);
  if (search == NULL || !g_subprocess_communicate_utf8 (search, NULL, NULL, &windows, NULL, NULL))
    return G_SOURCE_CONTINUE;

  ids = g_strsplit (g_strstrip (windows), "\n", -1);
  for (guint i = 0; ids[i] != NULL && *ids[i] != '\0'; i++)
    {
      g_autoptr(GSubprocess) press =
        g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                          "xdotool", "windowfocus", "--sync", ids[i], "key", "Escape", NULL);

      if (press != NULL)
        g_subprocess_wait (press, NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WcToken) a = store_test_parse ("otpauth://totp/ACME:alice?secret=" SECRET_B32);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcToken) found = NULL;
  guint closer;

  add (f, a);
  keyring_test_lock ();

  tokens = list (f, &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_assert_null (tokens);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  found = store_test_lookup (f->store, "ACME", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  /* Updates are refused while locked, and nothing is lost. */
  g_assert_false (store_test_rename (f->store, a, "X", "Y", &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_assert_cmpstr (wc_token_get_issuer (a), ==, "ACME");
  g_clear_error (&error);

  /* Asking to unlock brings up the keyring's own prompt; closing it is a
   * refusal. */
  closer = g_timeout_add (100, close_prompt, NULL);
  g_assert_false (store_test_unlock (f->store, &error));
  g_source_remove (closer);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_UNLOCK_REFUSED);
  g_clear_error (&error);

  keyring_test_unlock_with_password ();
  tokens = list (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpstr (wc_token_get_issuer (g_ptr_array_index (tokens, 0)), ==, "ACME");

  /* With nothing locked, unlocking is a no-op that succeeds. */
  g_assert_true (store_test_unlock (f->store, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!keyring_test_in_session ())
    return 1;

#define ADD(path, func) \
  g_test_add ("/token-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("lookup", test_lookup);
  ADD ("rename-and-update", test_rename_and_update);
  ADD ("hotp-counter", test_hotp_counter);
  ADD ("remove", test_remove);
  ADD ("unreadable-items", test_unreadable_items);
  ADD ("locked", test_locked);
#undef ADD

  return g_test_run ();
}
