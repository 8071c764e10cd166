/* wc-portal-cli.c: see wc-portal-cli.h. */
#include "wc-portal-cli.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "wc-portal-cert.h"
#include "wc-api-error.h"
#include "wc-portal-server.h"
#include "wc-secret.h"
#include "wc-tls.h"
#include "wc-wait.h"

#define STDIN_LIMIT 4096

static int
fail (int         status,
      const char *message)
{
  g_printerr ("webcollect-portal: %s\n", message);
  return status;
}

/* The data directory, created with mode 0700 when missing. */
static gboolean
prepare_data_dir (const char  *dir,
                  GError     **error)
{
  GStatBuf st;

  if (dir == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--data DIR is required"));
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_stat (dir, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("cannot use the data directory %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode) || g_access (dir, R_OK | W_OK | X_OK) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("cannot use the data directory %s: it is not a directory this user can write to"), dir);
      return FALSE;
    }
  return TRUE;
}

static WcPortalService *
open_service (const char  *dir,
              gboolean     test_clock,
              GError     **error)
{
  g_autofree char *db_path = NULL;
  g_autofree char *outbox = NULL;
  g_autoptr(WcPortalDb) db = NULL;
  g_autoptr(WcPortalClock) clock = NULL;

  if (!prepare_data_dir (dir, error))
    return NULL;
  db_path = g_build_filename (dir, "portal.db", NULL);
  outbox = g_build_filename (dir, "outbox.log", NULL);
  db = wc_portal_db_open (db_path, error);
  if (db == NULL)
    return NULL;
  clock = wc_portal_clock_new (test_clock);
  return wc_portal_service_new (db, clock, outbox);
}

/* TIME: RFC 3339 with an offset, or "now". */
static gboolean
parse_time (const char  *text,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GDateTime) time = NULL;

  if (text != NULL && g_str_equal (text, "now"))
    {
      *out = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  if (text != NULL)
    time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL || strchr (text, 'T') == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a time: use RFC 3339 with an offset, such as 2021-11-15T04:00:00+09:00, or “now”"),
                   text != NULL ? text : "");
      return FALSE;
    }
  *out = g_date_time_to_unix (time);
  return TRUE;
}

/* HOST:PORT or [IPv6]:PORT. */
static gboolean
parse_listen (const char  *text,
              char       **host,
              guint16     *port,
              GError     **error)
{
  const char *colon;
  guint64 number;

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto bad;
      *host = g_strndup (text + 1, (gsize) (close - text - 1));
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        goto bad;
      *host = g_strndup (text, (gsize) (colon - text));
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &number, NULL) || !g_hostname_is_ip_address (*host))
    {
      g_clear_pointer (host, g_free);
      goto bad;
    }
  *port = (guint16) number;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--listen wants an IP address and a port, such as 127.0.0.1:8443 or [::1]:0, not “%s”"), text);
  return FALSE;
}

/* Reads the first line of standard input into wiped memory. */
static char *
read_password (GError **error)
{
  g_autoptr(WcSecret) buffer = wc_secret_new (STDIN_LIMIT + 1);
  char *data = (char *) wc_secret_get_data (buffer);
  gsize length = 0;
  int c;

  while (length < STDIN_LIMIT && (c = getchar ()) != EOF && c != '\n')
    data[length++] = (char) c;
  if (length > 0 && data[length - 1] == '\r')
    length--;
  data[length] = '\0';
  if (length == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("no password on standard input: pipe the initial access password in"));
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the password is not valid UTF-8"));
      return NULL;
    }
  return g_strndup (data, length);
}

static gboolean
add_merchant (WcPortalService  *service,
              const char       *code,
              const char       *name,
              const char       *password,
              GError          **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_service_add_merchant_async (service, code, name, password, NULL, wc_wait_done, &wait);
  return wc_portal_service_add_merchant_finish (service, wc_wait_result (&wait), error);
}

/* serve and demo. */

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static int
run_server (int       argc,
            char    **argv,
            gboolean  demo)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  gboolean test_clock = FALSE;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Data directory (created when missing)"), N_("DIR") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port to listen on (default 127.0.0.1:8443; port 0 picks a free one)"), N_("HOST:PORT") },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, N_("TLS certificate (PEM); default: a self-signed one in DIR"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, N_("TLS private key (PEM) for --cert"), N_("FILE") },
    { "test-clock", 0, 0, G_OPTION_ARG_NONE, &test_clock, N_("Enable POST /api/v1/test/clock, for tests only"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalService) service = NULL;
  g_autoptr(WcPortalServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *demo_password = NULL;
  guint16 port = 8443;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, demo
                                ? _("Serve the portal API with a demo merchant (123456789), printing its credentials.")
                                : _("Serve the portal API over HTTPS. The first output line is the URL and the certificate's SHA-256 fingerprint."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (WC_PORTAL_EXIT_USAGE, error->message);
  if (argc > 1)
    return fail (WC_PORTAL_EXIT_USAGE, _("unexpected argument; see --help"));
  if ((cert_file == NULL) != (key_file == NULL))
    return fail (WC_PORTAL_EXIT_USAGE, _("--cert and --key go together"));
  if (listen == NULL)
    host = g_strdup ("127.0.0.1");
  else if (!parse_listen (listen, &host, &port, &error))
    return fail (WC_PORTAL_EXIT_USAGE, error->message);

  service = open_service (data_dir, test_clock, &error);
  if (service == NULL)
    return fail (error->domain == G_OPTION_ERROR ? WC_PORTAL_EXIT_USAGE : WC_PORTAL_EXIT_FAILURE, error->message);

  if (cert_file == NULL
      && !wc_portal_cert_ensure (data_dir, host, &cert_file, &key_file, &error))
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);
  certificate = wc_portal_cert_load (cert_file, key_file, &error);
  if (certificate == NULL)
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);

  if (demo)
    {
      g_autoptr(WcPortalMerchant) existing =
        wc_portal_db_get_merchant (wc_portal_service_get_db (service), WC_PORTAL_DEMO_MERCHANT, &error);

      if (error != NULL)
        return fail (WC_PORTAL_EXIT_FAILURE, error->message);
      if (existing == NULL)
        {
          demo_password = wc_portal_service_new_password ();
          if (!add_merchant (service, WC_PORTAL_DEMO_MERCHANT, "デモ商店", demo_password, &error))
            return fail (WC_PORTAL_EXIT_FAILURE, error->message);
        }
    }

  server = wc_portal_server_new (service, certificate, &error);
  if (server == NULL || !wc_portal_server_listen (server, host, port, &error))
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);

  /* SIGINT and SIGTERM stop it cleanly from the moment it says it is
   * ready, not only once the main loop runs. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_stop_signal, loop);
  g_unix_signal_add (SIGTERM, on_stop_signal, loop);

  url = wc_portal_server_dup_url (server);
  fingerprint = wc_tls_certificate_fingerprint (certificate);
  g_print ("%s %s\n", url, fingerprint);
  if (demo)
    {
      g_print ("merchant_code=%s\n", WC_PORTAL_DEMO_MERCHANT);
      if (demo_password != NULL)
        g_print ("initial_password=%s\n", demo_password);
    }
  fflush (stdout);
  if (demo_password != NULL)
    wc_secure_wipe (demo_password, strlen (demo_password));

  g_main_loop_run (loop);
  return WC_PORTAL_EXIT_OK;
}

/* merchant add. */

static int
run_merchant (int    argc,
              char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Data directory"), N_("DIR") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Display name of the main user (default: the code)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("add CODE < initial-password"));
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalService) service = NULL;
  g_autofree char *password = NULL;
  const char *code;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Add a merchant and its main user. The initial access password comes from the first line of standard input; "
      "it starts as both the old-login password and the main user's first password."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (WC_PORTAL_EXIT_USAGE, error->message);
  if (argc != 3 || !g_str_equal (argv[1], "add"))
    return fail (WC_PORTAL_EXIT_USAGE, _("usage: webcollect-portal merchant add CODE --data DIR [--name NAME] < initial-password"));
  code = argv[2];
  if (strlen (code) == 0 || strlen (code) > 32 || strspn (code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != strlen (code))
    return fail (WC_PORTAL_EXIT_USAGE, _("a merchant code has 1 to 32 letters and digits"));
  if (name != NULL && (g_utf8_strlen (name, -1) > 100 || *name == '\0'))
    return fail (WC_PORTAL_EXIT_USAGE, _("a name has 1 to 100 characters"));

  service = open_service (data_dir, FALSE, &error);
  if (service == NULL)
    return fail (error->domain == G_OPTION_ERROR ? WC_PORTAL_EXIT_USAGE : WC_PORTAL_EXIT_FAILURE, error->message);
  password = read_password (&error);
  if (password == NULL)
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);

  if (!add_merchant (service, code, name, password, &error))
    {
      wc_secure_wipe (password, strlen (password));
      if (error->domain == WC_API_ERROR)
        return fail (WC_PORTAL_EXIT_FAILURE, wc_api_error_info (error->code)->message);
      return fail (WC_PORTAL_EXIT_FAILURE, error->message);
    }
  wc_secure_wipe (password, strlen (password));
  g_print (_("Added merchant %s\n"), code);
  return WC_PORTAL_EXIT_OK;
}

/* maintenance add|list|clear. */

static int
run_maintenance (int    argc,
                 char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *starts = NULL;
  g_autofree char *ends = NULL;
  g_autofree char *message = NULL;
  g_autofree char *message_ja = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Data directory"), N_("DIR") },
    { "starts-at", 0, 0, G_OPTION_ARG_STRING, &starts, N_("Start (add): RFC 3339 with an offset, or “now”"), N_("TIME") },
    { "ends-at", 0, 0, G_OPTION_ARG_STRING, &ends, N_("End (add), after the start"), N_("TIME") },
    { "message", 0, 0, G_OPTION_ARG_STRING, &message, N_("Notice in English (add)"), N_("TEXT") },
    { "message-ja", 0, 0, G_OPTION_ARG_STRING, &message_ja, N_("Notice in Japanese (add)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("add|list|clear"));
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalService) service = NULL;
  WcPortalDb *db;
  const char *action;
  gint64 starts_at = 0, ends_at = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Schedule, list or remove maintenance windows. During one, every API call but /status answers 503."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (WC_PORTAL_EXIT_USAGE, error->message);
  if (argc != 2)
    return fail (WC_PORTAL_EXIT_USAGE, _("usage: webcollect-portal maintenance add|list|clear --data DIR …"));
  action = argv[1];
  if (!g_str_equal (action, "add") && !g_str_equal (action, "list") && !g_str_equal (action, "clear"))
    return fail (WC_PORTAL_EXIT_USAGE, _("maintenance takes add, list or clear"));

  if (g_str_equal (action, "add"))
    {
      if (!parse_time (starts, &starts_at, &error) || !parse_time (ends, &ends_at, &error))
        return fail (WC_PORTAL_EXIT_USAGE, error->message);
      if (ends_at <= starts_at)
        return fail (WC_PORTAL_EXIT_USAGE, _("--ends-at must be after --starts-at"));
      if ((message != NULL && g_utf8_strlen (message, -1) > 500) || (message_ja != NULL && g_utf8_strlen (message_ja, -1) > 500))
        return fail (WC_PORTAL_EXIT_USAGE, _("a notice has at most 500 characters"));
    }

  service = open_service (data_dir, FALSE, &error);
  if (service == NULL)
    return fail (error->domain == G_OPTION_ERROR ? WC_PORTAL_EXIT_USAGE : WC_PORTAL_EXIT_FAILURE, error->message);
  db = wc_portal_service_get_db (service);

  if (g_str_equal (action, "add"))
    {
      gint64 id = wc_portal_db_add_maintenance (db, starts_at, ends_at,
                                         message != NULL ? message : "Scheduled maintenance.",
                                         message_ja != NULL ? message_ja : "定期メンテナンスです。", &error);
      if (id < 0)
        return fail (WC_PORTAL_EXIT_FAILURE, error->message);
      g_print ("%" G_GINT64_FORMAT "\n", id);
    }
  else if (g_str_equal (action, "list"))
    {
      g_autoptr(GPtrArray) windows = wc_portal_db_list_maintenance (db, &error);

      if (windows == NULL)
        return fail (WC_PORTAL_EXIT_FAILURE, error->message);
      for (guint i = 0; i < windows->len; i++)
        {
          WcPortalMaintenance *window = g_ptr_array_index (windows, i);
          g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (window->starts_at);
          g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (window->ends_at);
          g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%dT%H:%M:%SZ");
          g_autofree char *to_text = g_date_time_format (to, "%Y-%m-%dT%H:%M:%SZ");

          g_print ("%" G_GINT64_FORMAT " %s %s %s\n", window->id, from_text, to_text, window->message);
        }
    }
  else if (!wc_portal_db_clear_maintenance (db, &error))
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);
  return WC_PORTAL_EXIT_OK;
}

/* old-login close|reopen. */

static int
run_old_login (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *at = NULL;
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Data directory"), N_("DIR") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Closing time (close): RFC 3339 with an offset, or “now”"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("close|reopen"));
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalService) service = NULL;
  WcPortalDb *db;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Set or remove the time the old login closes. After it, /legacy/* answers 410."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (WC_PORTAL_EXIT_USAGE, error->message);
  if (argc != 2 || (!g_str_equal (argv[1], "close") && !g_str_equal (argv[1], "reopen")))
    return fail (WC_PORTAL_EXIT_USAGE, _("usage: webcollect-portal old-login close --at TIME --data DIR, or old-login reopen --data DIR"));

  if (g_str_equal (argv[1], "close"))
    {
      gint64 closes_at;

      if (!parse_time (at, &closes_at, &error))
        return fail (WC_PORTAL_EXIT_USAGE, error->message);
      service = open_service (data_dir, FALSE, &error);
      if (service == NULL)
        return fail (error->domain == G_OPTION_ERROR ? WC_PORTAL_EXIT_USAGE : WC_PORTAL_EXIT_FAILURE, error->message);
      db = wc_portal_service_get_db (service);
      ok = wc_portal_db_set_setting_int (db, "legacy_closes_at", MAX (closes_at, 1), &error);
    }
  else
    {
      service = open_service (data_dir, FALSE, &error);
      if (service == NULL)
        return fail (error->domain == G_OPTION_ERROR ? WC_PORTAL_EXIT_USAGE : WC_PORTAL_EXIT_FAILURE, error->message);
      db = wc_portal_service_get_db (service);
      ok = wc_portal_db_delete_setting (db, "legacy_closes_at", &error);
    }
  if (!ok)
    return fail (WC_PORTAL_EXIT_FAILURE, error->message);
  return WC_PORTAL_EXIT_OK;
}

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage:\n  webcollect-portal COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("The reference Web Collect portal: the API the app signs in to, over HTTPS, with SQLite storage."));
  fprintf (out, "%s\n", _("Commands:"));
  fprintf (out, "  serve         %s\n", _("Serve the API (--data DIR [--listen HOST:PORT] [--cert FILE --key FILE] [--test-clock])"));
  fprintf (out, "  demo          %s\n", _("Serve with a demo merchant and print its credentials"));
  fprintf (out, "  merchant add  %s\n", _("Add a merchant; the initial access password comes on standard input"));
  fprintf (out, "  maintenance   %s\n", _("add, list or clear maintenance windows"));
  fprintf (out, "  old-login     %s\n\n", _("close the old login at a time, or reopen it"));
  fprintf (out, "%s\n\n", _("Run “webcollect-portal COMMAND --help” for the options of a command."));
  fprintf (out, "%s\n", _("Exit status: 0 success, 1 failure, 2 wrong usage."));
}

int
wc_portal_cli_main (int    argc,
                    char **argv)
{
  const char *command;

  /* Everything the portal writes, the database included, is for this
   * user alone. */
  umask (077);

  if (argc < 2)
    {
      print_help (stderr);
      return WC_PORTAL_EXIT_USAGE;
    }
  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      print_help (stdout);
      return WC_PORTAL_EXIT_OK;
    }
  if (g_str_equal (command, "--version"))
    {
      g_print ("webcollect-portal %s\n", PACKAGE_VERSION);
      return WC_PORTAL_EXIT_OK;
    }

  g_set_prgname ("webcollect-portal");
  if (g_str_equal (command, "serve"))
    return run_server (argc - 1, argv + 1, FALSE);
  if (g_str_equal (command, "demo"))
    return run_server (argc - 1, argv + 1, TRUE);
  if (g_str_equal (command, "merchant"))
    return run_merchant (argc - 1, argv + 1);
  if (g_str_equal (command, "maintenance"))
    return run_maintenance (argc - 1, argv + 1);
  if (g_str_equal (command, "old-login"))
    return run_old_login (argc - 1, argv + 1);

  g_printerr (_("webcollect-portal: unknown command “%s”; run webcollect-portal --help\n"), command);
  return WC_PORTAL_EXIT_USAGE;
}
