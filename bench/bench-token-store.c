/* bench-token-store.c: how long listing tokens with their codes takes
 * through WcTokenStore, next to one raw libsecret search that loads the
 * same items with their secrets. Run it through bench/token-store, which
 * gives it a throw-away keyring.
 *
 *   bench-token-store [SIZE…]     (default: 10 100 1000) */
#include <libsecret/secret.h>
#include <stdlib.h>

#include "wc-token-store.h"
#include "wc-wait.h"

#define ROUNDS 9

static void
fill (WcTokenStore *store,
      WcWait       *wait,
      guint         from,
      guint         to)
{
  g_autoptr(WcSecret) key = wc_base32_decode ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", NULL);

  for (guint i = from; i < to; i++)
    {
      g_autoptr(WcToken) token = wc_token_new ();
      g_autofree char *issuer = g_strdup_printf ("Bench %u", i % 7);
      g_autofree char *account = g_strdup_printf ("merchant-%05u", i);
      g_autoptr(GError) error = NULL;

      wc_token_set_issuer (token, issuer);
      wc_token_set_account (token, account);
      wc_token_set_key (token, key);
      wc_token_store_add_async (store, token, NULL, wc_wait_done, wait);
      if (!wc_token_store_add_finish (store, wc_wait_result (wait), &error))
        g_error ("could not add a token: %s", error->message);
    }
}

/* The store's way: one listing, then a code for every token. */
static double
time_store (WcTokenStore *store,
            WcWait       *wait,
            guint         expected)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  wc_token_store_list_async (store, NULL, wc_wait_done, wait);
  tokens = wc_token_store_list_finish (store, wc_wait_result (wait), &error);
  if (tokens == NULL)
    g_error ("listing failed: %s", error->message);
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autofree char *code = wc_token_dup_code (g_ptr_array_index (tokens, i), now, 0, &error);

      if (code == NULL)
        g_error ("no code: %s", error->message);
    }
  if (tokens->len != expected)
    g_error ("listed %u tokens, expected %u", tokens->len, expected);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The floor: a single libsecret search that loads every item with its
 * secret, on the same service connection. */
static double
time_raw (SecretService *service,
          WcWait        *wait,
          guint          expected)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_NONE, { { NULL, 0 } }
  };
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GList *items;
  guint count;

  secret_service_search (service, &schema, attributes,
                         SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, wc_wait_done, wait);
  items = secret_service_search_finish (service, wc_wait_result (wait), &error);
  if (error != NULL)
    g_error ("search failed: %s", error->message);
  count = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  if (count != expected)
    g_error ("found %u items, expected %u", count, expected);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values)
{
  qsort (values, ROUNDS, sizeof (double), compare_doubles);
  return values[ROUNDS / 2];
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(WcWait) wait = WC_WAIT_INIT;
  guint filled = 0;
  gboolean within = TRUE;

  for (int i = 1; i < argc; i++)
    {
      guint size = (guint) g_ascii_strtoull (argv[i], NULL, 10);
      g_array_append_val (sizes, size);
    }
  if (sizes->len == 0)
    {
      const guint defaults[] = { 10, 100, 1000 };
      g_array_append_vals (sizes, defaults, G_N_ELEMENTS (defaults));
    }

  wc_wait_init (&wait);
  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  if (service == NULL)
    g_error ("no Secret Service: %s", error->message);

  g_print ("%8s  %14s  %14s  %6s\n", "tokens", "store+codes ms", "raw search ms", "ratio");
  for (guint s = 0; s < sizes->len; s++)
    {
      guint size = g_array_index (sizes, guint, s);
      double store_ms[ROUNDS], raw_ms[ROUNDS];
      double ratio;

      fill (store, &wait, filled, size);
      filled = MAX (filled, size);

      /* Warm both paths, then alternate them so drift hits both alike. */
      time_store (store, &wait, filled);
      time_raw (service, &wait, filled);
      for (guint r = 0; r < ROUNDS; r++)
        {
          store_ms[r] = time_store (store, &wait, filled);
          raw_ms[r] = time_raw (service, &wait, filled);
        }

      ratio = median (store_ms) / median (raw_ms);
      within = within && ratio <= 1.2;
      g_print ("%8u  %14.1f  %14.1f  %5.2fx\n", filled, median (store_ms), median (raw_ms), ratio);
    }
  g_print ("target: store within 1.2x of the raw search at every size: %s\n", within ? "met" : "NOT met");

  return within ? 0 : 1;
}
