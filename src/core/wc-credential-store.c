/* wc-credential-store.c: remembered portal passwords on the Secret
 * Service.
 *
 * Each password is one keyring item in the default collection. Its
 * attributes say which portal, which login and which user it is for; the
 * secret is the password itself. Saving under the same key again gives
 * that one item the new password. Nothing here unlocks anything: a
 * password in a locked keyring, or a new one that would go into a locked
 * collection, fails with WC_STORE_ERROR_LOCKED, and the caller decides
 * whether to ask the user (WcTokenStore can run the unlock prompt).
 *
 * Inside a sandbox (see wc_keyring_in_file()) the same items live in
 * libsecret's keyring file and go through its password API: storing
 * under the same attributes replaces the one item there too, and nothing
 * there is ever locked. */
#include "wc-credential-store.h"
#include "wc-error.h"
#include "wc-keyring.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

struct _WcCredentialStore
{
  GObject parent_instance;

  SecretService *service;
  gboolean in_file;     /* see wc_keyring_in_file() */
};

G_DEFINE_FINAL_TYPE (WcCredentialStore, wc_credential_store, G_TYPE_OBJECT)

/* How keyring failures are put to the user; see wc-keyring.h. The words
 * say what is lost here: a remembered password, not the tokens. */
static const WcKeyringMessages messages = {
  .no_service = N_("No keyring is available, so the password cannot be remembered. Start GNOME Keyring, or log in to a desktop session that provides one, then try again."),
  .locked = N_("The keyring is locked. Unlock it to use remembered passwords."),
};

typedef enum {
  OP_SAVE,
  OP_LOOKUP,
  OP_FORGET,
} OpKind;

typedef struct {
  OpKind kind;
  GHashTable *attributes;
  char *label;          /* OP_SAVE */
  WcSecret *password;   /* OP_SAVE */
} Op;

static void
op_free (Op *op)
{
  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->label, g_free);
  g_clear_pointer (&op->password, wc_secret_unref);
  g_free (op);
}

#define CREDENTIAL_ATTRIBUTES \
  { "portal", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "merchant-code", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "user-id", SECRET_SCHEMA_ATTRIBUTE_STRING }

static const SecretSchema *
credential_schema (void)
{
  static const SecretSchema schema = {
    WC_CREDENTIAL_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { CREDENTIAL_ATTRIBUTES, { NULL, 0 } }
  };
  return &schema;
}

/* The same for the keyring file, which needs xdg:schema spelt out; see
 * wc_keyring_file_attributes(). */
static const SecretSchema *
credential_file_schema (void)
{
  static const SecretSchema schema = {
    WC_CREDENTIAL_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { CREDENTIAL_ATTRIBUTES, { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  return &schema;
}

static void
wc_credential_store_dispose (GObject *object)
{
  WcCredentialStore *self = (WcCredentialStore *) object;

  g_clear_object (&self->service);

  G_OBJECT_CLASS (wc_credential_store_parent_class)->dispose (object);
}

static void
wc_credential_store_class_init (WcCredentialStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wc_credential_store_dispose;
}

static void
wc_credential_store_init (WcCredentialStore *self)
{
  self->in_file = wc_keyring_in_file ();
}

WcCredentialStore *
wc_credential_store_new (void)
{
  return g_object_new (WC_TYPE_CREDENTIAL_STORE, NULL);
}

static void
task_return_mapped (GTask        *task,
                    const GError *error)
{
  wc_keyring_return_error (task, error, &messages);
}

static void
return_locked (GTask *task)
{
  g_task_return_error (task, wc_keyring_locked_error (&messages));
}

static const char *
kind_to_string (WcCredentialKind kind)
{
  switch (kind)
    {
    case WC_CREDENTIAL_KIND_NEW:
      return "new";
    case WC_CREDENTIAL_KIND_LEGACY:
      return "legacy";
    default:
      g_assert_not_reached ();
    }
}

static GHashTable *
attributes_for (const char       *portal,
                WcCredentialKind  kind,
                const char       *merchant_code,
                const char       *user_id)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (char *) "portal", g_strdup (portal));
  g_hash_table_insert (attributes, (char *) "kind", g_strdup (kind_to_string (kind)));
  g_hash_table_insert (attributes, (char *) "merchant-code", g_strdup (merchant_code));
  /* The old login has no user ID; an empty one keeps the attribute set
   * the same for both kinds, so a lookup never matches the wrong one. */
  g_hash_table_insert (attributes, (char *) "user-id",
                       g_strdup (kind == WC_CREDENTIAL_KIND_LEGACY ? "" : user_id));
  return attributes;
}

static char *
item_label_for (WcCredentialKind  kind,
                const char       *merchant_code,
                const char       *user_id)
{
  /* TRANSLATORS: the name of a keyring item as Seahorse shows it; the
   * first %s is the merchant code, the second the user ID. */
  if (kind == WC_CREDENTIAL_KIND_NEW)
    return g_strdup_printf (_("Web Collect Login password (new login) %s / %s"), merchant_code, user_id);
  /* TRANSLATORS: the name of a keyring item as Seahorse shows it; %s is
   * the merchant code. */
  return g_strdup_printf (_("Web Collect Login password (old login) %s"), merchant_code);
}

static void run_op (GTask *task);

static void
start_op (WcCredentialStore   *self,
          Op                  *op,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  if (self->in_file)
    run_op (task);
  else
    wc_keyring_run_with_service (task, &self->service, &messages, run_op);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!wc_keyring_store_finish (source, result, &error))
    task_return_mapped (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_secret_set (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_item_set_secret_finish (SECRET_ITEM (source), result, &error))
    task_return_mapped (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* A new item goes to the default collection, but never into a locked
 * one: libsecret would bring up the unlock prompt itself, and it loses
 * the outcome when the prompt is dismissed or cancelled (see
 * wc-token-store.c). The caller can unlock with WcTokenStore and retry. */
static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(SecretValue) value = NULL;
  WcCredentialStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      return_locked (task);
      return;
    }

  value = wc_keyring_value_new (op->password);
  secret_service_store (self->service, credential_schema (), op->attributes,
                        SECRET_COLLECTION_DEFAULT, op->label, value, cancellable,
                        on_stored, g_steal_pointer (&task));
}

/* Saving: an item that is there already gets the new secret; otherwise a
 * new item is made. Asking the Secret Service to replace the item
 * instead would work too, but gnome-keyring logs a warning each time
 * (fatal under G_DEBUG=fatal-warnings, which the tests pass on to it). */
static void
on_save_searched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcCredentialStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GList *items;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  if (items == NULL)
    secret_collection_for_alias (self->service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                                 cancellable, on_default_collection, g_steal_pointer (&task));
  else if (secret_item_get_locked (items->data))
    return_locked (task);
  else
    {
      g_autoptr(SecretValue) value = wc_keyring_value_new (op->password);

      secret_item_set_secret (items->data, value, cancellable, on_secret_set,
                              g_steal_pointer (&task));
    }
  g_list_free_full (items, g_object_unref);
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = NULL;
  GList *items;
  gboolean locked = FALSE;

  items = wc_keyring_search_finish (source, result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  for (GList *l = items; l != NULL && value == NULL; l = l->next)
    {
      gboolean item_locked;

      value = wc_keyring_item_secret (l->data, &item_locked);
      locked |= item_locked;
    }
  g_list_free_full (items, g_object_unref);

  if (value != NULL)
    {
      gsize length = 0;
      const char *data = secret_value_get (value, &length);

      /* Only the WcSecret copy outlives this call. */
      g_task_return_pointer (task, wc_secret_new_from_data (data, length),
                             (GDestroyNotify) wc_secret_unref);
    }
  else if (locked)
    return_locked (task);
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
on_forget_deleted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    {
      task_return_mapped (task, error);
      return;
    }
  /* Search again, in case more than one item matched. */
  run_op (g_steal_pointer (&task));
}

/* Forgetting deletes the matching items one by one. Like a lookup, it
 * never brings up an unlock prompt: a locked item is reported. */
static void
on_forget_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GList *items;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    task_return_mapped (task, error);
  else if (items == NULL)
    g_task_return_boolean (task, TRUE);
  else if (secret_item_get_locked (items->data))
    return_locked (task);
  else
    secret_item_delete (items->data, cancellable, on_forget_deleted, g_steal_pointer (&task));
  g_list_free_full (items, g_object_unref);
}

static void
on_file_cleared (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to forget. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    task_return_mapped (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The keyring file: the password API does each operation in one call.
 * The attributes name all four fields, as every item this store writes
 * has them, so they match the one item of that portal, login and user. */
static void
run_file_op (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GHashTable) attributes =
    wc_keyring_file_attributes (WC_CREDENTIAL_SCHEMA_NAME, op->attributes);

  switch (op->kind)
    {
    case OP_SAVE:
      {
        g_autoptr(SecretValue) value = wc_keyring_value_new (op->password);

        secret_password_storev_binary (credential_file_schema (), attributes,
                                       SECRET_COLLECTION_DEFAULT, op->label, value, cancellable,
                                       on_stored, task);
      }
      break;

    case OP_LOOKUP:
      secret_password_searchv (credential_file_schema (), attributes,
                               SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                               cancellable, on_searched, task);
      break;

    case OP_FORGET:
      secret_password_clearv (credential_file_schema (), attributes, cancellable,
                              on_file_cleared, task);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
run_op (GTask *task)
{
  WcCredentialStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (self->in_file)
    {
      run_file_op (task);
      return;
    }

  switch (op->kind)
    {
    case OP_SAVE:
      secret_service_search (self->service, credential_schema (), op->attributes,
                             SECRET_SEARCH_ALL, cancellable, on_save_searched, task);
      break;

    case OP_LOOKUP:
      /* No SECRET_SEARCH_UNLOCK: a lookup never brings up a prompt. */
      secret_service_search (self->service, credential_schema (), op->attributes,
                             SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                             cancellable, on_searched, task);
      break;

    case OP_FORGET:
      secret_service_search (self->service, credential_schema (), op->attributes,
                             SECRET_SEARCH_ALL, cancellable, on_forget_searched, task);
      break;

    default:
      g_assert_not_reached ();
    }
}

static Op *
op_new (OpKind            op_kind,
        const char       *portal,
        WcCredentialKind  kind,
        const char       *merchant_code,
        const char       *user_id)
{
  Op *op = g_new0 (Op, 1);

  op->kind = op_kind;
  op->attributes = attributes_for (portal, kind, merchant_code, user_id);
  return op;
}

/* The key of an item: for the new login, a user ID is required; for the
 * old login it is ignored. */
static gboolean
key_is_valid (const char       *portal,
              WcCredentialKind  kind,
              const char       *merchant_code,
              const char       *user_id)
{
  return portal != NULL && *portal != '\0'
         && (kind == WC_CREDENTIAL_KIND_NEW || kind == WC_CREDENTIAL_KIND_LEGACY)
         && merchant_code != NULL && *merchant_code != '\0'
         && (kind == WC_CREDENTIAL_KIND_LEGACY || (user_id != NULL && *user_id != '\0'));
}

/**
 * wc_credential_store_save_async:
 * @portal: which portal the password is for, as the caller names it: its
 *   URL, or "demo"
 * @user_id: the user ID for %WC_CREDENTIAL_KIND_NEW; ignored (and may be
 *   %NULL) for %WC_CREDENTIAL_KIND_LEGACY
 * @password: the password; the keyring gets a copy
 *
 * Remembers @password, replacing any password remembered for the same
 * portal, kind, merchant and user. A new item goes to the default
 * collection. Fails with %WC_STORE_ERROR_LOCKED, without prompting, when
 * the item or that collection is locked.
 */
void
wc_credential_store_save_async (WcCredentialStore   *self,
                                const char          *portal,
                                WcCredentialKind     kind,
                                const char          *merchant_code,
                                const char          *user_id,
                                WcSecret            *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Op *op;

  g_return_if_fail (WC_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (key_is_valid (portal, kind, merchant_code, user_id));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = op_new (OP_SAVE, portal, kind, merchant_code, user_id);
  op->label = item_label_for (kind, merchant_code, user_id);
  op->password = wc_secret_ref (password);
  start_op (self, op, wc_credential_store_save_async, cancellable, callback, user_data);
}

gboolean
wc_credential_store_save_finish (WcCredentialStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_credential_store_save_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * wc_credential_store_lookup_async:
 *
 * Reads the password remembered for the portal, kind, merchant and user
 * (see wc_credential_store_save_async()). Never unlocks the keyring: a
 * password in a locked keyring fails with %WC_STORE_ERROR_LOCKED.
 */
void
wc_credential_store_lookup_async (WcCredentialStore   *self,
                                  const char          *portal,
                                  WcCredentialKind     kind,
                                  const char          *merchant_code,
                                  const char          *user_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (WC_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (key_is_valid (portal, kind, merchant_code, user_id));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_op (self, op_new (OP_LOOKUP, portal, kind, merchant_code, user_id),
            wc_credential_store_lookup_async, cancellable, callback, user_data);
}

/**
 * wc_credential_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the password, or %NULL without an
 *   error when none is remembered, or %NULL with @error set in
 *   %WC_STORE_ERROR (or %G_IO_ERROR_CANCELLED).
 */
WcSecret *
wc_credential_store_lookup_finish (WcCredentialStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_credential_store_lookup_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * wc_credential_store_forget_async:
 *
 * Deletes the password remembered for the portal, kind, merchant and
 * user, and nothing else. Forgetting a password that is not remembered
 * succeeds; one in a locked keyring fails with %WC_STORE_ERROR_LOCKED.
 */
void
wc_credential_store_forget_async (WcCredentialStore   *self,
                                  const char          *portal,
                                  WcCredentialKind     kind,
                                  const char          *merchant_code,
                                  const char          *user_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (WC_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (key_is_valid (portal, kind, merchant_code, user_id));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_op (self, op_new (OP_FORGET, portal, kind, merchant_code, user_id),
            wc_credential_store_forget_async, cancellable, callback, user_data);
}

gboolean
wc_credential_store_forget_finish (WcCredentialStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_credential_store_forget_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
