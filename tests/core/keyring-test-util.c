/* keyring-test-util.c: see the header. */
#include "keyring-test-util.h"

#include <gio/gio.h>
#include "wc-token-store.h"
#include <string.h>

gboolean
keyring_test_in_session (void)
{
  if (g_getenv ("WC_TEST_KEYRING_PASSWORD") != NULL)
    return TRUE;
  g_printerr ("run this test through tests/run-in-session\n");
  return FALSE;
}

SecretCollection *
keyring_test_login_collection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  SecretCollection *collection;

  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  return collection;
}

void
keyring_test_lock (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = keyring_test_login_collection ();
  SecretService *service = secret_collection_get_service (collection);
  GList objects = { collection, NULL, NULL };

  g_assert_cmpint (secret_service_lock_sync (service, &objects, NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
}

/* Through gnome-keyring's private D-Bus interface for exactly this, with
 * the password sent over a "plain" session of the bus that only this
 * test's session can reach. Asking the Secret Service to unlock would
 * bring up the prompt instead. */
void
keyring_test_unlock_with_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(SecretCollection) collection = keyring_test_login_collection ();
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *password = g_getenv ("WC_TEST_KEYRING_PASSWORD");
  const char *session = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (password);

  opened = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                        NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(v&o)", NULL, &session);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o(o@ay@ays))",
                                                      g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)),
                                                      session,
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                                                 strlen (password), 1),
                                                      "text/plain"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

void
keyring_test_remove_all (const SecretSchema *schema)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (char *) "xdg:schema", (char *) schema->name);
  /* Each call deletes one item, and says whether there was one. */
  while (secret_password_clearv_sync (schema, attributes, NULL, &error))
    ;
  g_assert_no_error (error);
}

GList *
keyring_test_find_items (const SecretSchema *schema,
                         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  va_list args;
  const char *name;

  g_assert_no_error (error);
  va_start (args, schema);
  while ((name = va_arg (args, const char *)) != NULL)
    g_hash_table_insert (attributes, (char *) name, va_arg (args, char *));
  va_end (args);

  items = secret_service_search_sync (service, schema, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  return items;
}

gboolean
keyring_test_secret_tool (const char * const *args,
                          const char         *input,
                          char              **output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) tool = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;
  g_autofree char *err = NULL;

  g_strv_builder_add (argv, "secret-tool");
  g_strv_builder_addv (argv, (const char **) args);
  words = g_strv_builder_end (argv);

  launcher = g_subprocess_launcher_new ((input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0)
                                        | (output != NULL ? G_SUBPROCESS_FLAGS_STDOUT_PIPE : 0)
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Debug messages would go to its standard output, with the secret. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  tool = g_subprocess_launcher_spawnv (launcher, (const char * const *) words, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (tool, input, NULL, output, &err, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("secret-tool: %s", err);
  return g_subprocess_get_successful (tool);
}

const SecretSchema *
keyring_test_token_schema (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "issuer", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "type", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "algorithm", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "digits", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "period", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "counter", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}
