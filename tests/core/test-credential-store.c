/* test-credential-store.c: remembered passwords against a real
 * gnome-keyring, run inside tests/run-in-session. Covers round trips for
 * both logins, which items are kept apart, forgetting, what secret-tool
 * sees in the keyring, and a locked keyring. */
#include <libsecret/secret.h>
#include <string.h>

#include "keyring-test-util.h"
#include "store-test-util.h"
#include "wc-credential-store.h"
#include "wc-error.h"
#include "wc-wait.h"

#define PORTAL "https://portal.example.test"

typedef struct {
  WcCredentialStore *store;
} Fixture;

static const SecretSchema *
any_credential_schema (void)
{
  /* Matches every item of the store's schema, whatever its attributes. */
  static const SecretSchema schema = {
    WC_CREDENTIAL_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* Every item of the store's schema, unlocked, with its secret. */
static GList *
all_items (void)
{
  return keyring_test_find_items (any_credential_schema (),
                                  "xdg:schema", WC_CREDENTIAL_SCHEMA_NAME, NULL);
}

static guint
count_items (void)
{
  GList *items = all_items ();
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  keyring_test_remove_all (any_credential_schema ());
  f->store = wc_credential_store_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  keyring_test_remove_all (any_credential_schema ());
}

static void
save (Fixture          *f,
      const char       *portal,
      WcCredentialKind  kind,
      const char       *merchant_code,
      const char       *user_id,
      const char       *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_test_save_password (f->store, portal, kind, merchant_code, user_id,
                                           password, &error));
  g_assert_no_error (error);
}

/* Asserts that the store finds @expected (or nothing, for NULL). */
static void
assert_stored (Fixture          *f,
               const char       *portal,
               WcCredentialKind  kind,
               const char       *merchant_code,
               const char       *user_id,
               const char       *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) found = store_test_lookup_password (f->store, portal, kind, merchant_code,
                                                          user_id, &error);

  g_assert_no_error (error);
  if (expected == NULL)
    {
      g_assert_null (found);
      return;
    }
  g_assert_nonnull (found);
  g_assert_cmpuint (wc_secret_get_size (found), ==, strlen (expected));
  g_assert_cmpstr (wc_secret_get_text (found), ==, expected);
}

/* What secret-tool, an independent client, finds for these attributes;
 * NULL when it finds nothing. Only attributes go on its command line. */
static char *
secret_tool_lookup (const char *portal,
                    const char *kind,
                    const char *merchant_code,
                    const char *user_id)
{
  g_autofree char *out = NULL;
  const char *args[] = {
    "lookup", "portal", portal, "kind", kind, "merchant-code", merchant_code, "user-id", user_id,
    NULL
  };

  if (!keyring_test_secret_tool (args, NULL, &out))
    {
      g_assert_cmpstr (out, ==, "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *seen = NULL;

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "Sunny-Day-2024!");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "Sunny-Day-2024!");

  /* The old login has no user ID: NULL and anything else name the same
   * item. */
  save (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-pass-1");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-pass-1");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", "user1", "old-pass-1");
  g_assert_cmpuint (count_items (), ==, 2);

  /* Non-ASCII survives the trip. */
  save (f, "demo", WC_CREDENTIAL_KIND_NEW, "987654321", "管理者", "パスワード-Ünïcödé");
  assert_stored (f, "demo", WC_CREDENTIAL_KIND_NEW, "987654321", "管理者", "パスワード-Ünïcödé");

  /* secret-tool sees the very same secrets under the documented
   * attributes. */
  seen = secret_tool_lookup (PORTAL, "new", "123456789", "user1");
  g_assert_cmpstr (seen, ==, "Sunny-Day-2024!");
  g_clear_pointer (&seen, g_free);
  seen = secret_tool_lookup (PORTAL, "legacy", "123456789", "");
  g_assert_cmpstr (seen, ==, "old-pass-1");
  g_clear_pointer (&seen, g_free);
  seen = secret_tool_lookup ("demo", "new", "987654321", "管理者");
  g_assert_cmpstr (seen, ==, "パスワード-Ünïcödé");
}

static void
test_save_replaces (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *seen = NULL;

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "first-password");
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "second-password");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "second-password");
  g_assert_cmpuint (count_items (), ==, 1);

  seen = secret_tool_lookup (PORTAL, "new", "123456789", "user1");
  g_assert_cmpstr (seen, ==, "second-password");
}

static void
test_kinds_are_separate (Fixture       *f,
                         gconstpointer  data)
{
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "123456789", "new-login-pass");
  save (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass");
  g_assert_cmpuint (count_items (), ==, 2);

  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "123456789", "new-login-pass");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass");

  /* Changing one leaves the other as it was. */
  save (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass-2");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "123456789", "new-login-pass");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass-2");

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "123456789", "new-login-pass-2");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "123456789", "new-login-pass-2");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass-2");
  g_assert_cmpuint (count_items (), ==, 2);
}

static void
test_users_and_portals_are_separate (Fixture       *f,
                                     gconstpointer  data)
{
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-of-user1");
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", "password-of-user2");
  save (f, "demo", WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-on-demo");
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "555555555", "user1", "other-merchant");
  g_assert_cmpuint (count_items (), ==, 4);

  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-of-user1");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", "password-of-user2");
  assert_stored (f, "demo", WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-on-demo");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "555555555", "user1", "other-merchant");
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  /* An empty keyring, then one with a near miss in it. */
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", NULL);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, NULL);

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "some-password");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", NULL);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, NULL);
  assert_stored (f, PORTAL "/", WC_CREDENTIAL_KIND_NEW, "123456789", "user1", NULL);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "12345678", "user1", NULL);
}

static void
test_forget (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seen = NULL;

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-of-user1");
  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", "password-of-user2");
  save (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass");
  save (f, "demo", WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-on-demo");

  g_assert_true (store_test_forget_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                             "user1", &error));
  g_assert_no_error (error);

  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", NULL);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", "password-of-user2");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, "old-login-pass");
  assert_stored (f, "demo", WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "password-on-demo");
  g_assert_cmpuint (count_items (), ==, 3);

  seen = secret_tool_lookup (PORTAL, "new", "123456789", "user1");
  g_assert_null (seen);

  /* Forgetting what is not there is not an error. */
  g_assert_true (store_test_forget_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                             "user1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (), ==, 3);

  g_assert_true (store_test_forget_password (f->store, PORTAL, WC_CREDENTIAL_KIND_LEGACY,
                                             "123456789", NULL, &error));
  g_assert_no_error (error);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, NULL);
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", "password-of-user2");
  g_assert_cmpuint (count_items (), ==, 2);
}

static void
test_item_shape (Fixture       *f,
                 gconstpointer  data)
{
  const char *password = "Label-Must-Not-Show-This";
  GList *items;

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", password);
  save (f, PORTAL, WC_CREDENTIAL_KIND_LEGACY, "123456789", NULL, password);

  items = all_items ();
  g_assert_cmpuint (g_list_length (items), ==, 2);
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autofree char *label = secret_item_get_label (l->data);
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      g_autoptr(SecretValue) value = secret_item_get_secret (l->data);
      const char *kind = g_hash_table_lookup (attributes, "kind");

      g_assert_null (strstr (label, password));
      g_assert_nonnull (value);
      g_assert_cmpstr (secret_value_get_text (value), ==, password);
      g_assert_cmpstr (secret_value_get_content_type (value), ==, "text/plain");

      g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, WC_CREDENTIAL_SCHEMA_NAME);
      g_assert_cmpstr (g_hash_table_lookup (attributes, "portal"), ==, PORTAL);
      g_assert_cmpstr (g_hash_table_lookup (attributes, "merchant-code"), ==, "123456789");
      g_assert_cmpuint (g_hash_table_size (attributes), ==, 5);
      if (g_strcmp0 (kind, "new") == 0)
        {
          g_assert_cmpstr (g_hash_table_lookup (attributes, "user-id"), ==, "user1");
          g_assert_cmpstr (label, ==, "Web Collect Login password (new login) 123456789 / user1");
        }
      else
        {
          g_assert_cmpstr (kind, ==, "legacy");
          g_assert_cmpstr (g_hash_table_lookup (attributes, "user-id"), ==, "");
          g_assert_cmpstr (label, ==, "Web Collect Login password (old login) 123456789");
        }
    }
  g_list_free_full (items, g_object_unref);
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) found = NULL;

  save (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "locked-away");
  keyring_test_lock ();

  /* A lookup never prompts: it says the keyring is locked. */
  found = store_test_lookup_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                      "user1", &error);
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_assert_null (found);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  /* Nothing stored is still nothing, locked or not. */
  found = store_test_lookup_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                      "user2", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Nor does saving or forgetting: the item, or the collection a new
   * one would go to, is locked. */
  g_assert_false (store_test_save_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                            "user1", "replacement", &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (store_test_save_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789",
                                            "user2", "new-one", &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (store_test_forget_password (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW,
                                              "123456789", "user1", &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  /* Nothing changed meanwhile. */
  keyring_test_unlock_with_password ();
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1", "locked-away");
  assert_stored (f, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user2", NULL);
  g_assert_cmpuint (count_items (), ==, 1);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) found = NULL;

  g_cancellable_cancel (cancellable);
  wc_wait_init (&wait);
  wc_credential_store_lookup_async (f->store, PORTAL, WC_CREDENTIAL_KIND_NEW, "123456789", "user1",
                                    cancellable, wc_wait_done, &wait);
  found = wc_credential_store_lookup_finish (f->store, wc_wait_result (&wait), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (found);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!keyring_test_in_session ())
    return 1;

#define ADD(path, func) \
  g_test_add ("/credential-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("save-replaces", test_save_replaces);
  ADD ("kinds-are-separate", test_kinds_are_separate);
  ADD ("users-and-portals-are-separate", test_users_and_portals_are_separate);
  ADD ("missing", test_missing);
  ADD ("forget", test_forget);
  ADD ("item-shape", test_item_shape);
  ADD ("locked", test_locked);
  ADD ("cancelled", test_cancelled);
#undef ADD

  return g_test_run ();
}
