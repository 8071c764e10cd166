/* wc-portal-hasher.c: see wc-portal-hasher.h. The work runs in a pool of
 * one thread per core: Argon2id is bound by memory bandwidth, so running
 * more hashes than cores at once makes every one of them slower. */
#include "wc-portal-hasher.h"

#include <argon2.h>
#include <string.h>
#include <sys/random.h>

#include "wc-secret.h"

#define SALT_LENGTH 16
#define HASH_LENGTH 32

struct _WcPortalHasher {
  GObject parent_instance;
  char *dummy_hash;     /* checked against when there is nothing to check */
  guint checks;         /* Argon2id checks run, atomic */
  GThreadPool *pool;    /* one thread per core: more hashes at once only
                         * fight over the caches and finish later */
};

G_DEFINE_FINAL_TYPE (WcPortalHasher, wc_portal_hasher, G_TYPE_OBJECT)

typedef struct {
  char *password;       /* wiped when the job is freed */
  GStrv hashes;
  guint min_checks;
  const char *dummy;
  guint *checks;
  gboolean match;       /* a check, not a new hash */
} Job;

static void
job_free (Job *job)
{
  wc_secure_str_free (job->password);
  g_strfreev (job->hashes);
  g_free (job);
}

static char *
hash_password (const char  *password,
               GError     **error)
{
  guint8 salt[SALT_LENGTH];
  gsize encoded_length;
  char *encoded;
  int rc;

  if (getrandom (salt, sizeof salt, 0) != sizeof salt)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the system random source failed");
      return NULL;
    }

  encoded_length = argon2_encodedlen (WC_PORTAL_ARGON2_PASSES, WC_PORTAL_ARGON2_MEMORY_KIB,
                                      WC_PORTAL_ARGON2_LANES, SALT_LENGTH, HASH_LENGTH, Argon2_id);
  encoded = g_malloc0 (encoded_length);
  rc = argon2id_hash_encoded (WC_PORTAL_ARGON2_PASSES, WC_PORTAL_ARGON2_MEMORY_KIB,
                              WC_PORTAL_ARGON2_LANES, password, strlen (password),
                              salt, sizeof salt, HASH_LENGTH, encoded, encoded_length);
  wc_secure_wipe (salt, sizeof salt);
  if (rc != ARGON2_OK)
    {
      g_free (encoded);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Argon2id failed: %s", argon2_error_message (rc));
      return NULL;
    }
  return encoded;
}

static void run_job (gpointer data, gpointer user_data);

static void
wc_portal_hasher_finalize (GObject *object)
{
  WcPortalHasher *self = (WcPortalHasher *) object;

  /* Every job holds a reference on the hasher through its task, so the
   * pool is idle by now. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_free (self->dummy_hash);

  G_OBJECT_CLASS (wc_portal_hasher_parent_class)->finalize (object);
}

static void
wc_portal_hasher_class_init (WcPortalHasherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_portal_hasher_finalize;
}

static void
wc_portal_hasher_init (WcPortalHasher *self)
{
  guint8 noise[24];
  g_autofree char *password = NULL;

  /* A hash of random bytes with the same parameters as real ones, so a
   * check against it costs exactly what a real check costs. */
  if (getrandom (noise, sizeof noise, 0) != sizeof noise)
    g_error ("the system random source failed");
  password = g_base64_encode (noise, sizeof noise);
  self->dummy_hash = hash_password (password, NULL);
  wc_secure_wipe (noise, sizeof noise);
  wc_secure_wipe (password, strlen (password));
  if (self->dummy_hash == NULL)
    g_error ("Argon2id is not working");

  self->pool = g_thread_pool_new (run_job, NULL, (int) g_get_num_processors (), FALSE, NULL);
}

WcPortalHasher *
wc_portal_hasher_new (void)
{
  return g_object_new (WC_TYPE_PORTAL_HASHER, NULL);
}

static void
hash_job (GTask *task,
          Job   *job)
{
  GError *error = NULL;
  char *encoded = hash_password (job->password, &error);

  if (encoded == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, encoded, g_free);
}

static void
match_job (GTask *task,
           Job   *job)
{
  gsize length = strlen (job->password);
  guint n_hashes = job->hashes != NULL ? g_strv_length (job->hashes) : 0;
  int found = -1;

  for (guint i = 0; i < MAX (n_hashes, job->min_checks); i++)
    {
      gboolean real = i < n_hashes;
      gboolean match = argon2id_verify (real ? job->hashes[i] : job->dummy, job->password, length) == ARGON2_OK;

      g_atomic_int_inc (job->checks);
      if (match && real && found < 0)
        found = (int) i;
    }
  g_task_return_int (task, found);
}

/* Runs in a pool thread; the task returns to the caller's main context. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);

  if (job->match)
    match_job (task, job);
  else
    hash_job (task, job);
}

void
wc_portal_hasher_hash_async (WcPortalHasher      *self,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (WC_IS_PORTAL_HASHER (self));
  g_return_if_fail (password != NULL);

  job = g_new0 (Job, 1);
  job->password = g_strdup (password);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_portal_hasher_hash_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

char *
wc_portal_hasher_hash_finish (WcPortalHasher  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_portal_hasher_hash_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wc_portal_hasher_match_async (WcPortalHasher      *self,
                              const char * const  *hashes,
                              guint                min_checks,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (WC_IS_PORTAL_HASHER (self));
  g_return_if_fail (password != NULL);

  job = g_new0 (Job, 1);
  job->password = g_strdup (password);
  job->hashes = g_strdupv ((char **) hashes);
  job->min_checks = min_checks;
  job->dummy = self->dummy_hash;
  job->checks = &self->checks;
  job->match = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wc_portal_hasher_match_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

int
wc_portal_hasher_match_finish (WcPortalHasher  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_async_result_is_tagged (result, wc_portal_hasher_match_async), -1);
  return (int) g_task_propagate_int (G_TASK (result), error);
}

guint
wc_portal_hasher_get_checks (WcPortalHasher *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_HASHER (self), 0);
  return (guint) g_atomic_int_get (&self->checks);
}
