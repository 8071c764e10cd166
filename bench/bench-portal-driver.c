/* bench-portal-driver.c: the load generator behind bench/portal-logins
 * and bench/portal-session. It keeps clients busy against one HTTPS
 * server, each sending its next request as soon as the last one is
 * answered, over keep-alive connections with libsoup's asynchronous API.
 * The server is trusted only through the certificate fingerprint it
 * printed: verification is never switched off.
 *
 * Up to two loads run side by side, each on its own SoupSession (so its
 * own connections): new logins (POST /login, which must all succeed) and
 * GETs of one path with a bearer token. The token is either given or
 * comes from one login before the run. After a warm-up, which also opens
 * the connections, the driver counts the requests that complete inside
 * the window and prints, per load, one line of key=value pairs:
 *
 *   load=NAME clients=N requests=… seconds=… rate=… p50_ms=… p99_ms=…
 *   max_ms=… errors=… body_bytes=…
 *
 * and with --server-pid a last line with the CPU time, in seconds, that
 * the server, this driver and everything else on the machine used inside
 * the window (cpu server_s=… driver_s=… other_s=… seconds=…): other
 * work on a shared machine skews every figure.
 *
 *   bench-portal-driver --url URL --fingerprint HEX
 *                       [--logins N --merchant CODE --password PASSWORD]
 *                       [--gets N --path PATH [--token TOKEN]]
 *                       [--warmup S] [--duration S] [--server-pid PID] */
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wc-tls.h"
#include "wc-wait.h"

typedef struct _Bench Bench;

typedef struct {
  Bench *bench;
  const char *name;
  SoupSession *session;
  char *uri;
  const char *method;
  GBytes *body;             /* NULL: no request body */
  char *authorization;      /* NULL: no Authorization header */
  guint clients;
  gboolean stopped;         /* a login failed: send nothing more */
  GArray *latencies;        /* ms, of the requests completed in the window */
  guint64 body_bytes;
  guint errors;
  char *first_error;
} Load;

struct _Bench {
  char *fingerprint;
  gint64 window_start;      /* monotonic µs */
  gint64 window_end;
  guint in_flight;
  GMainLoop *loop;
  int server_pid;
  double server_cpu[2];     /* seconds, at the window's start and end */
  double driver_cpu[2];
  double busy_cpu[2];       /* all processes on all cores */
  gboolean ended;
};

typedef struct {
  Load *load;
  SoupMessage *msg;
  gint64 sent;
} Request;

/* Trusts exactly the certificate the server printed, nothing else. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Bench *bench = user_data;

  return wc_tls_certificate_matches (certificate, bench->fingerprint);
}

static SoupMessage *
new_message (Bench       *bench,
             const char  *method,
             const char  *uri,
             const char  *authorization,
             GBytes      *body)
{
  SoupMessage *msg = soup_message_new (method, uri);

  if (msg == NULL)
    g_error ("not a URI: %s", uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), bench);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  /* libsoup sends a POST on a new connection unless told it may be
   * repeated: without this every login would pay a TLS handshake. */
  soup_message_set_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  return msg;
}

static SoupSession *
new_session (guint clients)
{
  /* libsoup allows two connections per host by default: every client
   * gets its own, kept alive for the whole run. */
  return soup_session_new_with_options ("max-conns", clients + 2,
                                        "max-conns-per-host", clients + 2,
                                        "timeout", 120,
                                        NULL);
}

static GBytes *
login_body (const char *merchant,
            const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize length;
  char *data;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "merchant_code");
  json_builder_add_string_value (builder, merchant);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, merchant);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

/* One login before the run: it proves the credentials, so that the load
 * never piles up failed attempts (ten lock the account), and its token
 * serves the GET load. */
static char *
login_once (Bench      *bench,
            const char *url,
            GBytes     *body)
{
  g_autoptr(SoupSession) session = new_session (1);
  g_autofree char *uri = g_strconcat (url, "/api/v1/login", NULL);
  g_autoptr(SoupMessage) msg = new_message (bench, "POST", uri, NULL, body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  JsonNode *root;
  const char *data;
  gsize size;

  wc_wait_init (&wait);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, wc_wait_done, &wait);
  bytes = soup_session_send_and_read_finish (session, wc_wait_result (&wait), &error);
  if (bytes == NULL)
    g_error ("login failed: %s", error->message);
  data = g_bytes_get_data (bytes, &size);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("login answered %u: %.*s", soup_message_get_status (msg), (int) size, data);
  if (!json_parser_load_from_data (parser, data, (gssize) size, &error))
    g_error ("login answered no JSON: %s", error->message);
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) || !json_object_has_member (json_node_get_object (root), "token"))
    g_error ("login answered no token: %.*s", (int) size, data);
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "token"));
}

static double
process_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  /* The name in parentheses may hold spaces: count fields after it.
   * utime and stime are fields 14 and 15, the 12th and 13th after it. */
  after_name = strrchr (text, ')');
  if (after_name == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static double
own_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Busy time of the whole machine, from the first line of /proc/stat:
 * everything but idle and iowait, steal included. */
static double
machine_cpu_seconds (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
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
      /* user nice system idle iowait irq softirq steal (guests are in user) */
      if (n != 3 && n != 4 && n < 8)
        busy += g_ascii_strtod (fields[i], NULL);
      n++;
    }
  return busy / sysconf (_SC_CLK_TCK);
}

static void
sample_cpu (Bench *bench,
            guint  index)
{
  if (bench->server_pid > 0)
    bench->server_cpu[index] = process_cpu_seconds (bench->server_pid);
  bench->driver_cpu[index] = own_cpu_seconds ();
  bench->busy_cpu[index] = machine_cpu_seconds ();
}

static gboolean
on_window_start (gpointer user_data)
{
  sample_cpu (user_data, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_window_end (gpointer user_data)
{
  Bench *bench = user_data;

  if (!bench->ended)
    sample_cpu (bench, 1);
  bench->ended = TRUE;
  return G_SOURCE_REMOVE;
}

static void on_answered (GObject *source, GAsyncResult *result, gpointer user_data);

static void
send_request (Load *load)
{
  Request *request = g_new0 (Request, 1);

  request->load = load;
  request->msg = new_message (load->bench, load->method, load->uri, load->authorization, load->body);
  request->sent = g_get_monotonic_time ();
  load->bench->in_flight++;
  soup_session_send_and_read_async (load->session, request->msg, G_PRIORITY_DEFAULT, NULL, on_answered, request);
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  Load *load = request->load;
  Bench *bench = load->bench;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  gint64 now = g_get_monotonic_time ();
  guint status = soup_message_get_status (request->msg);
  gboolean ok = bytes != NULL && status == SOUP_STATUS_OK;

  bench->in_flight--;
  if (!ok)
    {
      load->errors++;
      if (load->first_error == NULL)
        load->first_error = bytes == NULL
                            ? g_strdup (error->message)
                            : g_strdup_printf ("HTTP %u: %.*s", status, (int) g_bytes_get_size (bytes),
                                               (const char *) g_bytes_get_data (bytes, NULL));
      /* A failed login counts towards the lockout: never repeat one. */
      if (load->body != NULL || bytes == NULL)
        load->stopped = TRUE;
    }
  else if (now >= bench->window_start && now < bench->window_end)
    {
      double ms = (now - request->sent) / 1000.0;

      g_array_append_val (load->latencies, ms);
      load->body_bytes += g_bytes_get_size (bytes);
    }

  g_object_unref (request->msg);
  g_free (request);

  if (now < bench->window_end && !load->stopped)
    send_request (load);
  else if (bench->in_flight == 0)
    g_main_loop_quit (bench->loop);
}

static Load *
load_new (Bench      *bench,
          const char *name,
          guint       clients,
          const char *method,
          char       *uri,
          GBytes     *body,
          const char *token)
{
  Load *load = g_new0 (Load, 1);

  load->bench = bench;
  load->name = name;
  load->clients = clients;
  load->session = new_session (clients);
  load->method = method;
  load->uri = uri;
  load->body = body != NULL ? g_bytes_ref (body) : NULL;
  load->authorization = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  load->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  return load;
}

static void
load_free (Load *load)
{
  g_object_unref (load->session);
  g_free (load->uri);
  g_clear_pointer (&load->body, g_bytes_unref);
  g_free (load->authorization);
  g_array_unref (load->latencies);
  g_free (load->first_error);
  g_free (load);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The nearest-rank percentile. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) MAX (1.0, (p / 100.0) * sorted->len + 0.999999);
  return g_array_index (sorted, double, MIN (rank, sorted->len) - 1);
}

static void
report (Load   *load,
        double  seconds)
{
  GArray *ms = load->latencies;

  g_array_sort (ms, compare_doubles);
  g_print ("load=%s clients=%u requests=%u seconds=%.2f rate=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
           "errors=%u body_bytes=%.0f\n",
           load->name, load->clients, ms->len, seconds, ms->len / seconds,
           percentile (ms, 50), percentile (ms, 99), ms->len > 0 ? g_array_index (ms, double, ms->len - 1) : 0.0,
           load->errors, ms->len > 0 ? (double) load->body_bytes / ms->len : 0.0);
  if (load->first_error != NULL)
    g_printerr ("bench-portal-driver: %s: first error: %s\n", load->name, load->first_error);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *merchant = NULL;
  g_autofree char *password = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  int logins = 0, gets = 0, server_pid = 0;
  double warmup = 2, duration = 10;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server base URL (https://HOST:PORT)", "URL" },
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint, "SHA-256 fingerprint of its certificate", "HEX" },
    { "logins", 0, 0, G_OPTION_ARG_INT, &logins, "Clients doing new logins", "N" },
    { "merchant", 0, 0, G_OPTION_ARG_STRING, &merchant, "Merchant code (and main user ID) to log in as", "CODE" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Its password", "PASSWORD" },
    { "gets", 0, 0, G_OPTION_ARG_INT, &gets, "Clients doing GETs", "N" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path, "Path for the GETs", "PATH" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Bearer token for the GETs (default: from a login)", "TOKEN" },
    { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &warmup, "Seconds before counting (default 2)", "S" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds counted (default 10)", "S" },
    { "server-pid", 0, 0, G_OPTION_ARG_INT, &server_pid, "Report this process's CPU time in the window", "PID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GBytes) credentials = NULL;
  g_autoptr(GPtrArray) loads = g_ptr_array_new_with_free_func ((GDestroyNotify) load_free);
  Bench bench = { 0 };
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (url == NULL || fingerprint == NULL || (logins <= 0 && gets <= 0) || warmup < 0 || duration <= 0
      || (logins > 0 && (merchant == NULL || password == NULL))
      || (gets > 0 && (path == NULL || (token == NULL && (merchant == NULL || password == NULL)))))
    g_error ("missing or bad options; see --help");

  bench.fingerprint = wc_tls_fingerprint_normalize (fingerprint);
  if (bench.fingerprint == NULL)
    g_error ("not a fingerprint: %s", fingerprint);
  bench.loop = loop;
  bench.server_pid = server_pid;

  if (merchant != NULL && password != NULL)
    {
      credentials = login_body (merchant, password);
      if (token == NULL)
        token = login_once (&bench, url, credentials);
      else
        g_free (login_once (&bench, url, credentials));
    }

  if (gets > 0)
    g_ptr_array_add (loads, load_new (&bench, "get", (guint) gets, "GET", g_strconcat (url, path, NULL), NULL, token));
  if (logins > 0)
    g_ptr_array_add (loads, load_new (&bench, "login", (guint) logins, "POST",
                                      g_strconcat (url, "/api/v1/login", NULL), credentials, NULL));

  start = g_get_monotonic_time ();
  bench.window_start = start + (gint64) (warmup * G_USEC_PER_SEC);
  bench.window_end = bench.window_start + (gint64) (duration * G_USEC_PER_SEC);
  g_timeout_add ((guint) (warmup * 1000), on_window_start, &bench);
  g_timeout_add ((guint) ((warmup + duration) * 1000), on_window_end, &bench);
  for (guint l = 0; l < loads->len; l++)
    {
      Load *load = g_ptr_array_index (loads, l);

      for (guint c = 0; c < load->clients; c++)
        send_request (load);
    }
  g_main_loop_run (loop);
  on_window_end (&bench);

  for (guint l = 0; l < loads->len; l++)
    report (g_ptr_array_index (loads, l), duration);
  if (server_pid > 0)
    {
      double server_s = bench.server_cpu[1] - bench.server_cpu[0];
      double driver_s = bench.driver_cpu[1] - bench.driver_cpu[0];
      double busy_s = bench.busy_cpu[1] - bench.busy_cpu[0];

      g_print ("cpu server_s=%.2f driver_s=%.2f other_s=%.2f seconds=%.2f\n",
               server_s, driver_s, MAX (0.0, busy_s - server_s - driver_s), duration);
    }

  g_free (bench.fingerprint);
  for (guint l = 0; l < loads->len; l++)
    if (((Load *) g_ptr_array_index (loads, l))->errors > 0)
      return 1;
  return 0;
}
