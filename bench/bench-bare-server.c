/* bench-bare-server.c: the floor bench/portal-session measures the portal
 * against. A SoupServer over TLS with the portal's own certificate, that
 * answers every request with one fixed JSON body of the size of a
 * GET /api/v1/session answer and the same headers, and does nothing
 * else: no routing, no session, no database, no JSON building.
 *
 * Like webcollect-portal serve, its first output line is
 * "https://HOST:PORT FINGERPRINT"; it runs until SIGINT or SIGTERM.
 *
 *   bench-bare-server --cert FILE --key FILE */
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "wc-tls.h"

/* What the portal answers for a main user's first (restricted) login. */
static const char session_body[] =
  "{\"user\":{\"merchant_code\":\"900000001\",\"user_id\":\"900000001\",\"display_name\":\"900000001\","
  "\"role\":\"main\"},\"login_method\":\"new\",\"restricted\":true,"
  "\"required_actions\":[\"change_password\",\"enroll_otp\"],\"scopes\":[\"session\",\"password\",\"otp\"],"
  "\"must_change_password\":true,\"otp_enrolled\":false,\"idle_seconds_left\":900,"
  "\"idle_timeout_seconds\":900,\"created_at\":\"2021-11-14T01:02:03Z\","
  "\"password_changed_at\":\"2021-11-14T01:00:00Z\",\"password_age_days\":0,"
  "\"legacy_password_changed_at\":\"2021-11-14T01:00:00Z\",\"legacy_password_age_days\":0,"
  "\"legacy_password_expires_at\":\"2022-02-12T01:00:00Z\"}";

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                    session_body, strlen (session_body));
}

static gboolean
on_stop_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, "TLS certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "TLS private key (PEM)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, 0);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GSList) uris = NULL;
  g_autofree char *fingerprint = NULL;
  GUri *uri;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (cert_file == NULL || key_file == NULL)
    g_error ("usage: bench-bare-server --cert FILE --key FILE");

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  if (certificate == NULL)
    g_error ("%s", error->message);
  server = g_object_new (SOUP_TYPE_SERVER,
                         "server-header", "webcollect-portal",
                         "tls-certificate", certificate,
                         NULL);
  soup_server_add_handler (server, NULL, handle_request, NULL, NULL);
  if (!soup_server_listen (server, socket_address, SOUP_SERVER_LISTEN_HTTPS, &error))
    g_error ("%s", error->message);

  uris = soup_server_get_uris (server);
  uri = uris->data;
  fingerprint = wc_tls_certificate_fingerprint (certificate);
  g_print ("https://%s:%d %s\n", g_uri_get_host (uri), g_uri_get_port (uri), fingerprint);
  fflush (stdout);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  g_unix_signal_add (SIGINT, on_stop_signal, loop);
  g_unix_signal_add (SIGTERM, on_stop_signal, loop);
  g_main_loop_run (loop);
  return 0;
}
