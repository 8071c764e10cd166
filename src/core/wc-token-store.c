/* wc-token-store.c: the token store on the Secret Service.
 *
 * Each token is one keyring item whose attributes carry its parameters
 * and whose secret is the base32 key as one line. Listing is a single
 * search that loads all secrets at once, so the cost does not grow with
 * per-item round trips. An item that cannot be understood becomes an
 * unreadable WcToken in the list: it is reported, never hidden, and never
 * deleted except by an explicit remove. Updates rewrite attributes only
 * (or, in the keyring file, copy the key exactly as stored), so no
 * failure can overwrite a stored key. A token's state (active,
 * pending, superseded) is the "state" attribute; items written before
 * there were states have none and are active.
 *
 * Inside a sandbox (see wc_keyring_in_file()) the items live in
 * libsecret's keyring file and only its password API reaches them. That
 * API cannot change an item's attributes, so a change there stores the
 * item anew, with the new attributes and the key exactly as it was
 * stored, and only then clears the old item: a failure in between leaves
 * both, never neither, and the next change to the token clears such a
 * copy. Nothing in the file is ever locked. */
#include "wc-token-store.h"
#include "wc-error.h"
#include "wc-keyring.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

struct _WcTokenStore
{
  GObject parent_instance;

  SecretService *service;
  gboolean in_file;     /* see wc_keyring_in_file() */
  /* The items of the last listing by token UUID (SecretItems, or the
   * keyring file's items), so that an item with broken attributes can
   * still be removed. */
  GHashTable *items;
};

G_DEFINE_FINAL_TYPE (WcTokenStore, wc_token_store, G_TYPE_OBJECT)

/* How keyring failures are put to the user; see wc-keyring.h. */
static const WcKeyringMessages messages = {
  .no_service = N_("No keyring is available. Web Collect Login keeps its keys in the system keyring (Secret Service). Start GNOME Keyring, or log in to a desktop session that provides one, then try again."),
  .locked = N_("The keyring is locked. Unlock it to use your tokens."),
};

typedef enum {
  OP_LIST,
  OP_LOOKUP,
  OP_ADD,
  OP_UPDATE,
  OP_RENAME,
  OP_SET_STATE,
  OP_REMOVE,
  OP_NEXT_HOTP,
  OP_UNLOCK,
} OpKind;

typedef struct {
  OpKind kind;
  WcToken *token;      /* the caller's token */
  WcToken *updated;    /* the token as it will be once written */
  char *query;
  char *code;          /* OP_NEXT_HOTP: shown only once the counter is saved */
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->token);
  g_clear_object (&op->updated);
  g_clear_pointer (&op->query, g_free);
  g_clear_pointer (&op->code, g_free);
  g_free (op);
}

#define TOKEN_ATTRIBUTES \
  { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "issuer", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "type", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "algorithm", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "digits", SECRET_SCHEMA_ATTRIBUTE_INTEGER }, \
  { "period", SECRET_SCHEMA_ATTRIBUTE_INTEGER }, \
  { "counter", SECRET_SCHEMA_ATTRIBUTE_STRING }, \
  { "state", SECRET_SCHEMA_ATTRIBUTE_STRING }

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { TOKEN_ATTRIBUTES, { NULL, 0 } }
  };
  return &schema;
}

/* The same for the keyring file, which needs xdg:schema spelt out; see
 * wc_keyring_file_attributes(). */
static const SecretSchema *
token_file_schema (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { TOKEN_ATTRIBUTES, { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  return &schema;
}

static void
wc_token_store_dispose (GObject *object)
{
  WcTokenStore *self = (WcTokenStore *) object;

  g_clear_object (&self->service);
  g_clear_pointer (&self->items, g_hash_table_unref);

  G_OBJECT_CLASS (wc_token_store_parent_class)->dispose (object);
}

static void
wc_token_store_class_init (WcTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wc_token_store_dispose;
}

static void
wc_token_store_init (WcTokenStore *self)
{
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->in_file = wc_keyring_in_file ();
}

WcTokenStore *
wc_token_store_new (void)
{
  return g_object_new (WC_TYPE_TOKEN_STORE, NULL);
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

static void
return_not_found (GTask      *task,
                  const char *what)
{
  g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND,
                           _("No token matches “%s”"), what);
}

static GHashTable *
attributes_for (WcToken *token)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (char *) "uuid", g_strdup (wc_token_get_uuid (token)));
  g_hash_table_insert (attributes, (char *) "issuer", g_strdup (wc_token_get_issuer (token)));
  g_hash_table_insert (attributes, (char *) "account", g_strdup (wc_token_get_account (token)));
  g_hash_table_insert (attributes, (char *) "type",
                       g_strdup (wc_otp_type_to_string (wc_token_get_otp_type (token))));
  g_hash_table_insert (attributes, (char *) "algorithm",
                       g_strdup (wc_otp_algorithm_to_string (wc_token_get_algorithm (token))));
  g_hash_table_insert (attributes, (char *) "digits",
                       g_strdup_printf ("%u", wc_token_get_digits (token)));
  g_hash_table_insert (attributes, (char *) "period",
                       g_strdup_printf ("%u", wc_token_get_period (token)));
  g_hash_table_insert (attributes, (char *) "counter",
                       g_strdup_printf ("%" G_GUINT64_FORMAT, wc_token_get_counter (token)));
  g_hash_table_insert (attributes, (char *) "state",
                       g_strdup (wc_token_state_to_string (wc_token_get_state (token))));
  return attributes;
}

static char *
item_label_for (WcToken *token)
{
  /* TRANSLATORS: the name of a keyring item as Seahorse shows it; %s is
   * "issuer (account)". */
  return g_strdup_printf (_("Web Collect Login: %s"), wc_token_get_label (token));
}

static gboolean
parse_number (const char *text,
              guint64     max,
              guint64    *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0' || !g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return FALSE;
  *out = value;
  return TRUE;
}

static WcToken *
unreadable (const char *uuid,
            GObject    *item,
            const char *problem)
{
  g_autofree char *label = secret_retrievable_get_label (SECRET_RETRIEVABLE (item));

  return wc_token_new_unreadable (uuid, label != NULL && *label != '\0' ? label : _("Unnamed item"),
                                  problem);
}

static WcToken *
unreadable_attribute (const char *uuid,
                      GObject    *item,
                      const char *attribute)
{
  g_autofree char *problem =
    g_strdup_printf (_("The keyring item’s “%s” attribute is missing or not valid, so no code can be made from it. It has been left in the keyring untouched."),
                     attribute);

  return unreadable (uuid, item, problem);
}

/* Builds a token from a keyring item, or an unreadable placeholder that
 * says what is wrong with it. Never fails, never touches the item. */
static WcToken *
token_from_item (GObject *item)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (SECRET_RETRIEVABLE (item));
  g_autoptr(WcToken) token = NULL;
  gboolean locked = FALSE;
  g_autoptr(SecretValue) value = wc_keyring_item_secret (item, &locked);
  g_autoptr(WcSecret) text = NULL;
  g_autoptr(WcSecret) key = NULL;
  const char *uuid = g_hash_table_lookup (attributes, "uuid");
  const char *attr;
  WcOtpType type;
  WcOtpAlgorithm algorithm;
  WcTokenState state = WC_TOKEN_STATE_ACTIVE;
  guint64 number;
  gsize len = 0;
  const char *data;

  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return unreadable_attribute (NULL, item, "uuid");

  if (locked)
    return unreadable (uuid, item, _("The item is in a locked keyring. Unlock the keyring to use it."));

  token = wc_token_new ();
  wc_token_set_uuid (token, uuid);
  wc_token_set_issuer (token, g_hash_table_lookup (attributes, "issuer"));
  wc_token_set_account (token, g_hash_table_lookup (attributes, "account"));

  attr = g_hash_table_lookup (attributes, "type");
  if (attr == NULL || !wc_otp_type_from_string (attr, &type))
    return unreadable_attribute (uuid, item, "type");
  wc_token_set_otp_type (token, type);

  attr = g_hash_table_lookup (attributes, "algorithm");
  if (attr == NULL || !wc_otp_algorithm_from_string (attr, &algorithm))
    return unreadable_attribute (uuid, item, "algorithm");
  wc_token_set_algorithm (token, algorithm);

  if (!parse_number (g_hash_table_lookup (attributes, "digits"), 99, &number)
      || !wc_otp_check_digits ((guint) number, NULL))
    return unreadable_attribute (uuid, item, "digits");
  wc_token_set_digits (token, (guint) number);

  if (!parse_number (g_hash_table_lookup (attributes, "period"), 100000, &number)
      || (type == WC_OTP_TYPE_TOTP && !wc_otp_check_period ((guint) number, NULL)))
    return unreadable_attribute (uuid, item, "period");
  wc_token_set_period (token, (guint) number);

  if (!parse_number (g_hash_table_lookup (attributes, "counter"), G_MAXINT64, &number))
    return unreadable_attribute (uuid, item, "counter");
  wc_token_set_counter (token, number);

  attr = g_hash_table_lookup (attributes, "state");
  if (attr != NULL && !wc_token_state_from_string (attr, &state))
    return unreadable_attribute (uuid, item, "state");
  wc_token_set_state (token, state);

  if (value == NULL)
    return unreadable (uuid, item, _("The secret key of this item could not be read from the keyring. It has been left in the keyring untouched."));

  data = secret_value_get (value, &len);
  text = wc_secret_new_from_data (data, len);
  if (memchr (data, '\0', len) != NULL
      || (key = wc_base32_decode (wc_secret_get_text (text), NULL)) == NULL
      || !wc_otp_check_key (key, NULL))
    return unreadable (uuid, item, _("The secret stored in this keyring item is not a valid base32 key of at least 80 bits. It has been left in the keyring untouched."));

  wc_token_set_key (token, key);
  return g_steal_pointer (&token);
}

static int
compare_tokens (gconstpointer a,
                gconstpointer b)
{
  WcToken *ta = *(WcToken **) a;
  WcToken *tb = *(WcToken **) b;
  g_autofree char *ka = g_utf8_collate_key (wc_token_get_label (ta), -1);
  g_autofree char *kb = g_utf8_collate_key (wc_token_get_label (tb), -1);
  int cmp = strcmp (ka, kb);

  return cmp != 0 ? cmp : strcmp (wc_token_get_uuid (ta), wc_token_get_uuid (tb));
}

static gboolean
equal_casefold (const char *a,
                const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);

  return strcmp (fa, fb) == 0;
}

/**
 * wc_token_store_filter:
 * @tokens: (element-type WcToken): tokens, as from wc_token_store_list_finish()
 * @query: a UUID (or its prefix), "issuer:account", or a piece of either
 *
 * Exact matches (the whole UUID, "issuer:account", the issuer or the
 * account) win over partial ones, so that a query can always be made to
 * name one token.
 *
 * Returns: (transfer container) (element-type WcToken): the matches.
 */
GPtrArray *
wc_token_store_filter (GPtrArray  *tokens,
                       const char *query)
{
  g_autoptr(GPtrArray) exact = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) partial = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (tokens != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);
      g_autofree char *full = g_strconcat (wc_token_get_issuer (token), ":",
                                           wc_token_get_account (token), NULL);

      if (strcmp (wc_token_get_uuid (token), query) == 0
          || equal_casefold (full, query)
          || equal_casefold (wc_token_get_issuer (token), query)
          || equal_casefold (wc_token_get_account (token), query))
        g_ptr_array_add (exact, g_object_ref (token));
      else if (wc_token_matches (token, query))
        g_ptr_array_add (partial, g_object_ref (token));
    }

  return exact->len > 0 ? g_steal_pointer (&exact) : g_steal_pointer (&partial);
}

/* The operations, each continuing from a search. */

static void run_op (GTask *task);

static void
start_op (WcTokenStore        *self,
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

static GPtrArray *
tokens_from_items (WcTokenStore *self,
                   GList        *items)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_remove_all (self->items);
  for (GList *l = items; l != NULL; l = l->next)
    {
      WcToken *token = token_from_item (l->data);

      g_hash_table_replace (self->items, g_strdup (wc_token_get_uuid (token)),
                            g_object_ref (l->data));
      g_ptr_array_add (tokens, token);
    }
  g_ptr_array_sort (tokens, compare_tokens);
  return tokens;
}

static void
on_list_searched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GList *items;
  guint locked = 0;

  items = wc_keyring_search_finish (source, result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
      locked++;

  /* When nothing can be read because everything is locked, that is the
   * state to report; a mix shows the locked items as unreadable. */
  if (locked > 0 && locked == g_list_length (items))
    {
      g_list_free_full (items, g_object_unref);
      return_locked (task);
      return;
    }

  tokens = tokens_from_items (self, items);
  g_list_free_full (items, g_object_unref);

  if (op->kind == OP_LIST)
    {
      g_task_return_pointer (task, g_steal_pointer (&tokens), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  {
    g_autoptr(GPtrArray) matches = wc_token_store_filter (tokens, op->query);

    if (matches->len == 0)
      return_not_found (task, op->query);
    else if (matches->len > 1)
      {
        g_autoptr(GString) names = g_string_new (NULL);

        for (guint i = 0; i < matches->len; i++)
          g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                  wc_token_get_label (g_ptr_array_index (matches, i)));
        g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_AMBIGUOUS,
                                 _("“%s” matches more than one token: %s"), op->query, names->str);
      }
    else
      g_task_return_pointer (task, g_object_ref (g_ptr_array_index (matches, 0)), g_object_unref);
  }
}

static GHashTable *
uuid_attributes (WcToken *token)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (char *) "uuid", (char *) wc_token_get_uuid (token));
  return attributes;
}

static void
on_item_stored (GObject      *source,
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
store_new_item (WcTokenStore *self,
                GTask        *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GHashTable) attributes = attributes_for (op->token);
  g_autoptr(WcSecret) base32 = wc_token_dup_base32_key (op->token);
  g_autoptr(SecretValue) value = wc_keyring_value_new (base32);
  g_autofree char *label = item_label_for (op->token);

  if (self->in_file)
    {
      g_autoptr(GHashTable) file_attributes = wc_keyring_file_attributes (WC_TOKEN_SCHEMA_NAME,
                                                                          attributes);

      secret_password_storev_binary (token_file_schema (), file_attributes,
                                     SECRET_COLLECTION_DEFAULT, label, value,
                                     g_task_get_cancellable (task), on_item_stored, task);
      return;
    }
  secret_service_store (self->service, token_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                        label, value, g_task_get_cancellable (task), on_item_stored, task);
}

static void
on_attributes_set (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data);

static void
on_item_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    {
      task_return_mapped (task, error);
      return;
    }
  g_hash_table_remove (self->items, wc_token_get_uuid (op->token));
  g_task_return_boolean (task, TRUE);
}

static void finish_write    (GTask   *task);
static void write_file_item (GTask   *task,
                             GObject *item);

/* Writes the change @task carries to @item, or deletes it. Takes @task. */
static void
write_item (GTask   *task,
            GObject *item)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!SECRET_IS_ITEM (item))
    {
      write_file_item (task, item);
      return;
    }

  if (op->kind == OP_REMOVE)
    {
      secret_item_delete (SECRET_ITEM (item), cancellable, on_item_deleted, task);
      return;
    }

  if (secret_item_get_locked (SECRET_ITEM (item)))
    {
      return_locked (task);
      g_object_unref (task);
      return;
    }

  {
    g_autoptr(GHashTable) attributes = attributes_for (op->updated);

    g_object_set_data_full (G_OBJECT (task), "item", g_object_ref (item), g_object_unref);
    secret_item_set_attributes (SECRET_ITEM (item), token_schema (), attributes, cancellable,
                                on_attributes_set, task);
  }
}

static void
on_label_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_item_set_label_finish (SECRET_ITEM (source), result, &error))
    {
      /* The attributes are written; only the display label lags. */
      g_debug ("could not relabel keyring item: %s", error->message);
    }
  finish_write (g_steal_pointer (&task));
}

/* The keyring holds the change: hands it to the caller. Takes @task. */
static void
finish_write (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  /* Only now that the keyring holds the new state does the caller's token
   * take it, and only now is an HOTP code released. */
  g_object_set (op->token,
                "issuer", wc_token_get_issuer (op->updated),
                "account", wc_token_get_account (op->updated),
                "otp-type", wc_token_get_otp_type (op->updated),
                "algorithm", wc_token_get_algorithm (op->updated),
                "digits", wc_token_get_digits (op->updated),
                "period", wc_token_get_period (op->updated),
                "counter", wc_token_get_counter (op->updated),
                "state", wc_token_get_state (op->updated),
                NULL);

  if (op->kind == OP_NEXT_HOTP)
    g_task_return_pointer (task, g_steal_pointer (&op->code), g_free);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_attributes_set (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Op *op = g_task_get_task_data (task);
  g_autofree char *label = NULL;
  GCancellable *cancellable;

  if (!secret_item_set_attributes_finish (SECRET_ITEM (source), result, &error))
    {
      task_return_mapped (task, error);
      return;
    }

  label = item_label_for (op->updated);
  cancellable = g_task_get_cancellable (task);
  secret_item_set_label (SECRET_ITEM (source), label, cancellable,
                         on_label_set, g_steal_pointer (&task));
}

/* The item a change to @token starts from. In the keyring file a change
 * cut short can leave more than one item for a token; the one holding the
 * token's key is the one to change, so that no other key is copied under
 * this token's name. */
static GObject *
item_for (WcToken *token,
          GList   *items)
{
  g_autoptr(WcSecret) base32 = NULL;

  if (items->next == NULL || SECRET_IS_ITEM (items->data) || !wc_token_is_readable (token))
    return items->data;

  base32 = wc_token_dup_base32_key (token);
  for (GList *l = items; l != NULL; l = l->next)
    {
      gboolean locked;
      g_autoptr(SecretValue) value = wc_keyring_item_secret (l->data, &locked);

      if (value != NULL && g_strcmp0 (secret_value_get_text (value), wc_secret_get_text (base32)) == 0)
        return l->data;
    }
  return items->data;
}

static void
on_uuid_searched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GList *items;
  guint n;

  items = wc_keyring_search_finish (source, result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }
  n = g_list_length (items);

  if (op->kind == OP_ADD)
    {
      g_list_free_full (items, g_object_unref);
      if (n > 0)
        g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                                 _("This token is already in the keyring"));
      else
        store_new_item (self, g_steal_pointer (&task));
      return;
    }

  if (n == 0)
    {
      g_list_free_full (items, g_object_unref);
      return_not_found (task, wc_token_get_label (op->token));
      return;
    }

  write_item (g_steal_pointer (&task), item_for (op->token, items));
  g_list_free_full (items, g_object_unref);
}

/* Changes on the keyring file; see the top of the file. The old item is
 * cleared by its attributes, with no schema to check them against: an
 * item planted with odd attributes must still be matched, not refused. */

static gboolean
attributes_within (GHashTable *part,
                   GHashTable *whole)
{
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, part);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (g_strcmp0 (g_hash_table_lookup (whole, name), value) != 0)
      return FALSE;
  return TRUE;
}

/* Removing. The password API clears every item that has all the
 * attributes it is given, so an item is only cleared by attributes that
 * name its token (a UUID) and find it alone, exactly as it was listed.
 * Anything less could take a good token with it. */
static void
on_file_removed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  gboolean cleared;

  cleared = secret_password_clear_finish (result, &error);
  g_hash_table_remove (self->items, wc_token_get_uuid (op->token));
  if (error != NULL)
    task_return_mapped (task, error);
  else if (!cleared)
    return_not_found (task, wc_token_get_label (op->token));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_file_remove_searched (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) found = NULL;
  Op *op = g_task_get_task_data (task);
  GHashTable *old = g_object_get_data (G_OBJECT (task), "old-attributes");
  GList *items;
  guint n;

  items = secret_password_search_finish (result, &error);
  n = g_list_length (items);
  if (n == 1)
    found = secret_retrievable_get_attributes (items->data);
  g_list_free_full (items, g_object_unref);

  if (error != NULL)
    task_return_mapped (task, error);
  else if (n == 0)
    return_not_found (task, wc_token_get_label (op->token));
  else if (n > 1 || !attributes_within (found, old))
    g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                             _("This keyring item cannot be removed on its own, because its attributes also match other items. It has been left in the keyring untouched."));
  else
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      secret_password_clearv (NULL, old, cancellable, on_file_removed, g_steal_pointer (&task));
    }
}

/* Changing. Once the new item is stored, the old one is cleared, and so
 * is any other copy of the same token (same UUID, same key) that a change
 * cut short has left behind. A copy whose attributes all stand in the new
 * item cannot be cleared without clearing the new one too; it stays. */

static gboolean
same_secret (SecretValue *a,
             SecretValue *b)
{
  gsize la = 0, lb = 0;
  const char *da = secret_value_get (a, &la);
  const char *db = secret_value_get (b, &lb);

  return la == lb && memcmp (da, db, la) == 0;
}

static void clear_next_copy (GTask *task);

static void
on_file_copy_cleared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      /* The change is stored; the old copy stays until the next one. */
      task_return_mapped (task, error);
      return;
    }
  clear_next_copy (g_steal_pointer (&task));
}

static void
clear_next_copy (GTask *task)
{
  GPtrArray *copies = g_object_get_data (G_OBJECT (task), "copies");
  g_autoptr(GHashTable) attributes = NULL;

  if (copies->len == 0)
    {
      finish_write (task);
      return;
    }
  attributes = g_ptr_array_steal_index_fast (copies, copies->len - 1);
  secret_password_clearv (NULL, attributes, g_task_get_cancellable (task), on_file_copy_cleared,
                          task);
}

static void
on_file_copies_found (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GHashTable *stored = g_object_get_data (G_OBJECT (task), "new-attributes");
  SecretValue *key = g_object_get_data (G_OBJECT (task), "key");
  GPtrArray *copies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  GList *items;

  g_object_set_data_full (G_OBJECT (task), "copies", copies, (GDestroyNotify) g_ptr_array_unref);
  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      gboolean locked;
      g_autoptr(SecretValue) value = NULL;

      if (attributes_within (attributes, stored))
        continue;
      value = wc_keyring_item_secret (l->data, &locked);
      if (value != NULL && same_secret (value, key))
        g_ptr_array_add (copies, g_steal_pointer (&attributes));
    }
  g_list_free_full (items, g_object_unref);
  clear_next_copy (g_steal_pointer (&task));
}

static void
on_file_stored_anew (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GHashTable) uuid = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  /* The listed item is not the stored one any more, whatever happens. */
  g_hash_table_remove (self->items, wc_token_get_uuid (op->token));
  if (!secret_password_store_finish (result, &error))
    {
      /* The old item is as it was. If only the wait was cancelled, the
       * new one may be stored too: the next change clears the copy. */
      task_return_mapped (task, error);
      return;
    }

  uuid = uuid_attributes (op->token);
  attributes = wc_keyring_file_attributes (WC_TOKEN_SCHEMA_NAME, uuid);
  secret_password_searchv (token_file_schema (), attributes,
                           SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, cancellable,
                           on_file_copies_found, g_steal_pointer (&task));
}

static void
write_file_item (GTask   *task,
                 GObject *item)
{
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GHashTable *old = secret_retrievable_get_attributes (SECRET_RETRIEVABLE (item));
  g_autoptr(GHashTable) updated = NULL;
  GHashTable *attributes;
  SecretValue *key;
  g_autofree char *label = NULL;
  gboolean locked;

  g_object_set_data_full (G_OBJECT (task), "old-attributes", old,
                          (GDestroyNotify) g_hash_table_unref);

  if (op->kind == OP_REMOVE)
    {
      const char *uuid = g_hash_table_lookup (old, "uuid");

      if (uuid == NULL || !g_uuid_string_is_valid (uuid))
        {
          g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                                   _("This keyring item has no valid token ID, so it cannot be removed safely from here. It has been left in the keyring untouched."));
          g_object_unref (task);
          return;
        }
      secret_password_searchv (NULL, old, SECRET_SEARCH_ALL, cancellable,
                               on_file_remove_searched, task);
      return;
    }

  updated = attributes_for (op->updated);
  attributes = wc_keyring_file_attributes (WC_TOKEN_SCHEMA_NAME, updated);
  g_object_set_data_full (G_OBJECT (task), "new-attributes", attributes,
                          (GDestroyNotify) g_hash_table_unref);
  if (attributes_within (old, attributes))
    {
      if (attributes_within (attributes, old))
        /* Nothing changes. */
        finish_write (task);
      else
        {
          /* The item lacks an attribute the new one would have (it was
           * written before there were token states): clearing it would
           * clear the new item as well. */
          g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                                   _("This keyring item was written by an older version and cannot be changed here. It has been left in the keyring untouched."));
          g_object_unref (task);
        }
      return;
    }

  /* The key goes over exactly as it was stored. */
  key = wc_keyring_item_secret (item, &locked);
  if (key == NULL)
    {
      g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_FAILED,
                               _("The secret key of this item could not be read from the keyring. It has been left in the keyring untouched."));
      g_object_unref (task);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "key", key, (GDestroyNotify) secret_value_unref);

  label = item_label_for (op->updated);
  secret_password_storev_binary (token_file_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                 label, key, cancellable, on_file_stored_anew, task);
}

/* Unlocking. The store runs the Secret Service's unlock prompt itself,
 * following the org.freedesktop.Secret.Prompt protocol: call Prompt, then
 * wait for Completed. libsecret's own prompt helpers lose the result when
 * the user dismisses the dialog (the task is returned with no error, and
 * on Debian 12's libsecret a dismissal can end the wait before the prompt
 * does), so they are not used. A dismissal is a refusal; cancelling the
 * operation dismisses the prompt. */

typedef struct {
  GTask *task;
  GDBusConnection *bus;
  char *owner;
  char *path;
  guint completed_id;
  gulong cancelled_id;
} UnlockPrompt;

static void
return_unlock_refused (GTask *task)
{
  g_task_return_new_error (task, WC_STORE_ERROR, WC_STORE_ERROR_UNLOCK_REFUSED,
                           _("The keyring was not unlocked, so your tokens cannot be read. Unlock it with your login password to use them."));
}

static void
return_unlocked (GTask    *task,
                 GVariant *unlocked)
{
  if (unlocked == NULL || !g_variant_is_of_type (unlocked, G_VARIANT_TYPE ("ao"))
      || g_variant_n_children (unlocked) == 0)
    return_unlock_refused (task);
  else
    g_task_return_boolean (task, TRUE);
}

/* Ends the wait for @prompt and returns its task: an error, or else the
 * unlocked objects (NULL when the user dismissed the prompt). */
static void
unlock_prompt_done (UnlockPrompt *prompt,
                    const GError *error,
                    GVariant     *unlocked)
{
  GCancellable *cancellable = g_task_get_cancellable (prompt->task);

  g_dbus_connection_signal_unsubscribe (prompt->bus, prompt->completed_id);
  if (prompt->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, prompt->cancelled_id);

  if (g_task_return_error_if_cancelled (prompt->task))
    ;
  else if (error != NULL)
    task_return_mapped (prompt->task, error);
  else
    return_unlocked (prompt->task, unlocked);

  g_object_unref (prompt->task);
  g_object_unref (prompt->bus);
  g_free (prompt->owner);
  g_free (prompt->path);
  g_free (prompt);
}

static void
on_prompt_completed (GDBusConnection *bus,
                     const char      *sender,
                     const char      *path,
                     const char      *interface,
                     const char      *signal,
                     GVariant        *parameters,
                     gpointer         user_data)
{
  UnlockPrompt *prompt = user_data;
  g_autoptr(GVariant) result = NULL;
  gboolean dismissed = TRUE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bv)")))
    g_variant_get (parameters, "(bv)", &dismissed, &result);
  unlock_prompt_done (prompt, NULL, dismissed ? NULL : result);
}

static void
on_prompt_called (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  UnlockPrompt *prompt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    unlock_prompt_done (prompt, error, NULL);
  /* Otherwise the prompt is showing; Completed ends it. */
}

static void
on_unlock_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  UnlockPrompt *prompt = user_data;

  /* The Completed signal that follows ends the wait. */
  g_dbus_connection_call (prompt->bus, prompt->owner, prompt->path,
                          "org.freedesktop.Secret.Prompt", "Dismiss", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
}

static void
unlock_prompt_run (GTask      *task,
                   GDBusProxy *service,
                   const char *path)
{
  UnlockPrompt *prompt = g_new0 (UnlockPrompt, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  prompt->task = task;
  prompt->bus = g_object_ref (g_dbus_proxy_get_connection (service));
  prompt->owner = g_dbus_proxy_get_name_owner (service);
  prompt->path = g_strdup (path);
  if (prompt->owner == NULL)
    prompt->owner = g_strdup (g_dbus_proxy_get_name (service));

  prompt->completed_id =
    g_dbus_connection_signal_subscribe (prompt->bus, prompt->owner, "org.freedesktop.Secret.Prompt",
                                        "Completed", path, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prompt_completed, prompt, NULL);
  if (cancellable != NULL)
    prompt->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_unlock_cancelled),
                                                  prompt, NULL);

  g_dbus_connection_call (prompt->bus, prompt->owner, path, "org.freedesktop.Secret.Prompt", "Prompt",
                          g_variant_new ("(s)", ""), NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          NULL, on_prompt_called, prompt);
}

static void
on_unlock_called (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) unlocked = NULL;
  const char *prompt_path = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (reply == NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  g_variant_get (reply, "(@ao&o)", &unlocked, &prompt_path);
  if (g_str_equal (prompt_path, "/"))
    return_unlocked (task, unlocked);
  else
    unlock_prompt_run (g_steal_pointer (&task), G_DBUS_PROXY (source), prompt_path);
}

/* Asks the service to unlock @objects (items or collections). */
static void
unlock_objects (WcTokenStore *self,
                GList        *objects,
                GTask        *task)
{
  GVariantBuilder paths;

  g_variant_builder_init (&paths, G_VARIANT_TYPE ("ao"));
  for (GList *l = objects; l != NULL; l = l->next)
    g_variant_builder_add (&paths, "o", g_dbus_proxy_get_object_path (l->data));

  g_dbus_proxy_call (G_DBUS_PROXY (self->service), "Unlock", g_variant_new ("(ao)", &paths),
                     G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                     on_unlock_called, task);
}

static void
on_default_collection (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  GList objects = { NULL, NULL, NULL };

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }
  if (collection == NULL || !secret_collection_get_locked (collection))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  objects.data = collection;
  unlock_objects (self, &objects, g_steal_pointer (&task));
}

static void
on_unlock_searched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WcTokenStore *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GList *items;
  GList *locked = NULL;

  items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error != NULL)
    {
      task_return_mapped (task, error);
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    if (secret_item_get_locked (l->data))
      locked = g_list_prepend (locked, l->data);

  if (locked != NULL)
    unlock_objects (self, locked, g_steal_pointer (&task));
  else
    /* No tokens yet: unlock the collection new ones will go into. */
    secret_collection_for_alias (self->service, SECRET_COLLECTION_DEFAULT,
                                 SECRET_COLLECTION_NONE, cancellable,
                                 on_default_collection, g_steal_pointer (&task));

  g_list_free (locked);
  g_list_free_full (items, g_object_unref);
}

/* The keyring file: each search goes through the password API, within
 * the token schema. Nothing there is locked, so there is nothing to
 * unlock. */
static void
run_file_op (GTask *task)
{
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GHashTable) attributes = NULL;
  GObject *item;

  switch (op->kind)
    {
    case OP_LIST:
    case OP_LOOKUP:
      attributes = wc_keyring_file_attributes (WC_TOKEN_SCHEMA_NAME, NULL);
      secret_password_searchv (token_file_schema (), attributes,
                               SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                               cancellable, on_list_searched, task);
      break;

    case OP_UNLOCK:
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      break;

    case OP_REMOVE:
    case OP_ADD:
    case OP_UPDATE:
    case OP_RENAME:
    case OP_SET_STATE:
    case OP_NEXT_HOTP:
      item = g_hash_table_lookup (self->items, wc_token_get_uuid (op->token));
      if (op->kind == OP_REMOVE && item != NULL)
        {
          write_item (task, item);
          break;
        }
      {
        g_autoptr(GHashTable) uuid = uuid_attributes (op->token);

        attributes = wc_keyring_file_attributes (WC_TOKEN_SCHEMA_NAME, uuid);
        secret_password_searchv (token_file_schema (), attributes,
                                 SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                 cancellable, on_uuid_searched, task);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
run_op (GTask *task)
{
  WcTokenStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GHashTable) no_attributes = g_hash_table_new (g_str_hash, g_str_equal);

  if (self->in_file)
    {
      run_file_op (task);
      return;
    }

  switch (op->kind)
    {
    case OP_LIST:
    case OP_LOOKUP:
      secret_service_search (self->service, token_schema (), no_attributes,
                             SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                             cancellable, on_list_searched, task);
      break;

    case OP_UNLOCK:
      secret_service_search (self->service, token_schema (), no_attributes,
                             SECRET_SEARCH_ALL, cancellable, on_unlock_searched, task);
      break;

    case OP_REMOVE:
      {
        GObject *item = g_hash_table_lookup (self->items, wc_token_get_uuid (op->token));

        if (item != NULL)
          {
            write_item (task, item);
            break;
          }
      }
      G_GNUC_FALLTHROUGH;
    case OP_ADD:
    case OP_UPDATE:
    case OP_RENAME:
    case OP_SET_STATE:
    case OP_NEXT_HOTP:
      {
        g_autoptr(GHashTable) attributes = uuid_attributes (op->token);

        secret_service_search (self->service, token_schema (), attributes, SECRET_SEARCH_ALL,
                               cancellable, on_uuid_searched, task);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static Op *
op_new (OpKind   kind,
        WcToken *token)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  if (token != NULL)
    op->token = g_object_ref (token);
  return op;
}

static gboolean
propagate_boolean (WcTokenStore  *self,
                   GAsyncResult  *result,
                   gpointer       tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, tag), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
propagate_pointer (WcTokenStore  *self,
                   GAsyncResult  *result,
                   gpointer       tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, tag), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * wc_token_store_list_async:
 *
 * Lists every token in the keyring, with its key, in one search.
 * Unreadable items are included as unreadable tokens.
 */
void
wc_token_store_list_async (WcTokenStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  start_op (self, op_new (OP_LIST, NULL), wc_token_store_list_async,
            cancellable, callback, user_data);
}

/**
 * wc_token_store_list_finish:
 *
 * Returns: (transfer full) (element-type WcToken): the tokens sorted by
 *   label, or %NULL with @error set in %WC_STORE_ERROR.
 */
GPtrArray *
wc_token_store_list_finish (WcTokenStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return propagate_pointer (self, result, wc_token_store_list_async, error);
}

/**
 * wc_token_store_lookup_async:
 * @query: see wc_token_store_filter()
 *
 * Finds the one token @query names. It fails with
 * %WC_STORE_ERROR_NOT_FOUND or %WC_STORE_ERROR_AMBIGUOUS otherwise.
 */
void
wc_token_store_lookup_async (WcTokenStore        *self,
                             const char          *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (query != NULL);

  op = op_new (OP_LOOKUP, NULL);
  op->query = g_strdup (query);
  start_op (self, op, wc_token_store_lookup_async, cancellable, callback, user_data);
}

WcToken *
wc_token_store_lookup_finish (WcTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_pointer (self, result, wc_token_store_lookup_async, error);
}

/**
 * wc_token_store_add_async:
 * @token: a valid token with a key
 *
 * Stores a new item. A token whose UUID is already stored is refused,
 * never overwritten.
 */
void
wc_token_store_add_async (WcTokenStore        *self,
                          WcToken             *token,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));

  if (!wc_token_validate (token, &error))
    {
      g_task_report_error (self, callback, user_data, wc_token_store_add_async,
                           g_steal_pointer (&error));
      return;
    }
  start_op (self, op_new (OP_ADD, token), wc_token_store_add_async,
            cancellable, callback, user_data);
}


gboolean
wc_token_store_add_finish (WcTokenStore  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_add_async, error);
}

/**
 * wc_token_store_update_async:
 * @token: a token read from the store, with changed parameters
 *
 * Writes the token's parameters to its item. The stored key is never
 * rewritten from @token (in the keyring file it is copied from the stored
 * item), so a failed or mistaken update cannot lose it.
 */
void
wc_token_store_update_async (WcTokenStore        *self,
                             WcToken             *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));

  op = op_new (OP_UPDATE, token);
  op->updated = wc_token_copy (token);
  start_op (self, op, wc_token_store_update_async, cancellable, callback, user_data);
}

gboolean
wc_token_store_update_finish (WcTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_update_async, error);
}

/**
 * wc_token_store_rename_async:
 *
 * Changes the issuer and account of a stored token. @token takes the new
 * names only once the keyring has them.
 */
void
wc_token_store_rename_async (WcTokenStore        *self,
                             WcToken             *token,
                             const char          *issuer,
                             const char          *account,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));
  g_return_if_fail (wc_token_is_readable (token));

  op = op_new (OP_RENAME, token);
  op->updated = wc_token_copy (token);
  wc_token_set_issuer (op->updated, issuer);
  wc_token_set_account (op->updated, account);
  start_op (self, op, wc_token_store_rename_async, cancellable, callback, user_data);
}

gboolean
wc_token_store_rename_finish (WcTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_rename_async, error);
}

/**
 * wc_token_store_set_state_async:
 *
 * Marks a stored token active, pending or superseded. Like a rename it
 * changes the item's attributes only, never its key; @token takes the
 * new state only once the keyring has it.
 */
void
wc_token_store_set_state_async (WcTokenStore        *self,
                                WcToken             *token,
                                WcTokenState         state,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Op *op;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));
  g_return_if_fail (wc_token_is_readable (token));
  g_return_if_fail (state <= WC_TOKEN_STATE_SUPERSEDED);

  op = op_new (OP_SET_STATE, token);
  op->updated = wc_token_copy (token);
  wc_token_set_state (op->updated, state);
  start_op (self, op, wc_token_store_set_state_async, cancellable, callback, user_data);
}

gboolean
wc_token_store_set_state_finish (WcTokenStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_set_state_async, error);
}

/**
 * wc_token_store_remove_async:
 *
 * Deletes the token's keyring item. This is the only call that deletes
 * anything; it works on unreadable tokens too.
 */
void
wc_token_store_remove_async (WcTokenStore        *self,
                             WcToken             *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));

  start_op (self, op_new (OP_REMOVE, token), wc_token_store_remove_async,
            cancellable, callback, user_data);
}

gboolean
wc_token_store_remove_finish (WcTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_remove_async, error);
}

/**
 * wc_token_store_next_hotp_code_async:
 * @token: a readable HOTP token
 *
 * Computes the code for the token's counter and stores the incremented
 * counter. The code is only handed out once the keyring holds the new
 * counter, so no code is ever shown twice, even after a crash.
 */
void
wc_token_store_next_hotp_code_async (WcTokenStore        *self,
                                     WcToken             *token,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  Op *op;

  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  g_return_if_fail (WC_IS_TOKEN (token));

  if (wc_token_get_otp_type (token) != WC_OTP_TYPE_HOTP)
    error = g_error_new_literal (WC_OTP_ERROR, WC_OTP_ERROR_COUNTER,
                                 _("Only counter-based (HOTP) tokens have a counter to advance"));
  else if (wc_token_get_counter (token) >= G_MAXINT64)
    error = g_error_new_literal (WC_OTP_ERROR, WC_OTP_ERROR_COUNTER,
                                 _("The counter of this token has reached its limit"));
  else
    code = wc_token_dup_code (token, 0, 0, &error);

  if (code == NULL)
    {
      g_task_report_error (self, callback, user_data, wc_token_store_next_hotp_code_async,
                           g_steal_pointer (&error));
      return;
    }

  op = op_new (OP_NEXT_HOTP, token);
  op->code = g_steal_pointer (&code);
  op->updated = wc_token_copy (token);
  wc_token_set_counter (op->updated, wc_token_get_counter (token) + 1);
  start_op (self, op, wc_token_store_next_hotp_code_async, cancellable, callback, user_data);
}

char *
wc_token_store_next_hotp_code_finish (WcTokenStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_pointer (self, result, wc_token_store_next_hotp_code_async, error);
}

/**
 * wc_token_store_unlock_async:
 *
 * Asks the keyring to unlock the collections holding tokens (or the
 * default one, when there are no tokens yet). The keyring shows its own
 * prompt. Fails with %WC_STORE_ERROR_UNLOCK_REFUSED when the user
 * dismisses it. In the keyring file nothing is locked, and it succeeds
 * at once.
 */
void
wc_token_store_unlock_async (WcTokenStore        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (WC_IS_TOKEN_STORE (self));
  start_op (self, op_new (OP_UNLOCK, NULL), wc_token_store_unlock_async,
            cancellable, callback, user_data);
}

gboolean
wc_token_store_unlock_finish (WcTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_boolean (self, result, wc_token_store_unlock_async, error);
}
