/* bench-argon2.c: what one Argon2id check with the portal's parameters
 * costs on this machine, the unit of work of every password login. Run
 * it through bench/portal-logins, which turns the figures into the
 * hashing limit a login benchmark is judged against.
 *
 * Prints key=value lines: the median time of one argon2id_verify() in
 * this thread (what a login's check costs when it has a core to itself),
 * the number of cores, and the throughput of the portal's own
 * WcPortalHasher, worker threads and all, with as many checks in flight
 * as there are cores and with eight. Each measurement also gives how
 * many cores other processes kept busy meanwhile (other_cores): on a
 * shared machine that skews the figures.
 *
 *   bench-argon2 [SECONDS]     (per hasher measurement; default 2) */
#include <argon2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wc-portal-hasher.h"
#include "wc-wait.h"

#define ROUNDS 15
#define PASSWORD "BenchPassword2024"

/* CPU seconds used by everything but this process: the machine's busy
 * time (the first line of /proc/stat, less idle and iowait) less ours. */
static double
others_cpu_seconds (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  struct rusage usage;
  double busy = 0;
  char *end;

  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL) || !g_str_has_prefix (text, "cpu "))
    return 0;
  end = strchr (text, '\n');
  if (end != NULL)
    *end = '\0';
  fields = g_strsplit (text + 4, " ", 0);
  for (guint i = 0, n = 0; fields[i] != NULL; i++)
    {
      if (*fields[i] == '\0')
        continue;
      /* user nice system idle iowait irq softirq steal */
      if (n != 3 && n != 4 && n < 8)
        busy += g_ascii_strtod (fields[i], NULL);
      n++;
    }
  getrusage (RUSAGE_SELF, &usage);
  return busy / sysconf (_SC_CLK_TCK)
         - (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);
}

/* Cores other processes kept busy since @since_others at @since. */
static double
other_cores (double since_others,
             gint64 since)
{
  double seconds = (g_get_monotonic_time () - since) / (double) G_USEC_PER_SEC;

  return MAX (0.0, (others_cpu_seconds () - since_others) / seconds);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One verify costs exactly one hash: it recomputes it and compares. */
static double
median_verify_ms (const char *encoded)
{
  double ms[ROUNDS];

  argon2id_verify (encoded, PASSWORD, strlen (PASSWORD));   /* warm-up */
  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 start = g_get_monotonic_time ();

      if (argon2id_verify (encoded, PASSWORD, strlen (PASSWORD)) != ARGON2_OK)
        g_error ("argon2id_verify failed on its own hash");
      ms[r] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, ROUNDS, sizeof (double), compare_doubles);
  return ms[ROUNDS / 2];
}

typedef struct {
  WcPortalHasher *hasher;
  const char *hashes[2];
  gint64 end;
  guint in_flight;
  guint done;
  GMainLoop *loop;
} Run;

static void on_matched (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_check (Run *run)
{
  run->in_flight++;
  wc_portal_hasher_match_async (run->hasher, run->hashes, 1, PASSWORD, NULL, on_matched, run);
}

static void
on_matched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (wc_portal_hasher_match_finish (WC_PORTAL_HASHER (source), result, &error) != 0)
    g_error ("the hasher did not match its own hash: %s", error != NULL ? error->message : "no match");
  run->in_flight--;
  if (g_get_monotonic_time () < run->end)
    {
      run->done++;
      start_check (run);
    }
  else if (run->in_flight == 0)
    g_main_loop_quit (run->loop);
}

/* Checks per second through the hasher with @parallel checks always in
 * flight; only checks that finish inside the window count. */
static double
hasher_rate (WcPortalHasher *hasher,
             const char     *encoded,
             guint           parallel,
             double          seconds)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Run run = { hasher, { encoded, NULL }, 0, 0, 0, loop };
  gint64 start = g_get_monotonic_time ();

  run.end = start + (gint64) (seconds * G_USEC_PER_SEC);
  for (guint i = 0; i < parallel; i++)
    start_check (&run);
  g_main_loop_run (loop);
  return run.done / seconds;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(WcPortalHasher) hasher = wc_portal_hasher_new ();
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 2.0;
  guint cores = g_get_num_processors ();
  const guint parallels[] = { cores, 8 };
  double hash_ms, others;
  gint64 start;

  if (seconds <= 0)
    g_error ("usage: bench-argon2 [SECONDS]");

  wc_wait_init (&wait);
  wc_portal_hasher_hash_async (hasher, PASSWORD, NULL, wc_wait_done, &wait);
  encoded = wc_portal_hasher_hash_finish (hasher, wc_wait_result (&wait), &error);
  if (encoded == NULL)
    g_error ("could not hash: %s", error->message);

  g_print ("params m=%u t=%u p=%u\n", WC_PORTAL_ARGON2_MEMORY_KIB, WC_PORTAL_ARGON2_PASSES, WC_PORTAL_ARGON2_LANES);
  others = others_cpu_seconds ();
  start = g_get_monotonic_time ();
  hash_ms = median_verify_ms (encoded);
  g_print ("hash_ms=%.2f cores=%u limit=%.2f other_cores=%.2f\n",
           hash_ms, cores, cores * 1000.0 / hash_ms, other_cores (others, start));
  for (guint i = 0; i < G_N_ELEMENTS (parallels); i++)
    {
      double rate;

      others = others_cpu_seconds ();
      start = g_get_monotonic_time ();
      rate = hasher_rate (hasher, encoded, parallels[i], seconds);
      g_print ("hasher parallel=%u rate=%.2f other_cores=%.2f\n", parallels[i], rate, other_cores (others, start));
    }

  return 0;
}
