/* portal-fixture.c: see portal-fixture.h. */
#include "portal-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "wc-otp.h"
#include "wc-secret.h"
#include "wc-tls.h"

static const char *
portal_binary (void)
{
  const char *path = g_getenv ("WEBCOLLECT_PORTAL");

  if (path == NULL)
    g_error ("set WEBCOLLECT_PORTAL to the webcollect-portal binary");
  return path;
}

/* Trusts exactly the certificate whose fingerprint the server printed;
 * nothing else, and TLS verification stays on for everything else. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  PortalFixture *fixture = user_data;

  return wc_tls_certificate_matches (certificate, fixture->fingerprint);
}

void
portal_fixture_prepare (PortalFixture *fixture,
                        SoupMessage   *msg)
{
  /* libsoup opens a new connection for every POST unless told that the
   * request may go over an idle one, and each new connection reads the
   * system's CA list again (glib-networking 2.74): seconds under the
   * sanitizers. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), fixture);
}

/* In the server, between fork and exec: it goes when the test goes, also
 * when a failed assertion aborts the test, instead of living on and
 * holding the test's output open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
launch (PortalFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;

  g_ptr_array_add (argv, (char *) portal_binary ());
  g_ptr_array_add (argv, (char *) "serve");
  g_ptr_array_add (argv, (char *) "--data");
  g_ptr_array_add (argv, fixture->data_dir);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  if (!fixture->real_clock)
    g_ptr_array_add (argv, (char *) "--test-clock");
  for (guint i = 0; fixture->extra_args != NULL && fixture->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, fixture->extra_args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL)
    g_error ("webcollect-portal printed nothing; see its standard error");

  parts = g_strsplit (line, " ", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_true (g_str_has_prefix (parts[0], "https://127.0.0.1:"));
  g_free (fixture->url);
  g_free (fixture->fingerprint);
  fixture->url = g_strdup (parts[0]);
  fixture->fingerprint = wc_tls_fingerprint_normalize (parts[1]);
  g_assert_nonnull (fixture->fingerprint);

  g_clear_object (&fixture->session);
  fixture->session = soup_session_new_with_options ("timeout", 60, NULL);
}

static PortalFixture *
fixture_start (const char         *data_dir,
               const char * const *extra_args,
               gboolean            real_clock)
{
  PortalFixture *fixture = g_new0 (PortalFixture, 1);
  g_autoptr(GError) error = NULL;

  fixture->real_clock = real_clock;

  if (data_dir != NULL)
    fixture->data_dir = g_strdup (data_dir);
  else
    {
      fixture->data_dir = g_dir_make_tmp ("wc-portal-XXXXXX", &error);
      g_assert_no_error (error);
      fixture->owns_dir = TRUE;
    }
  fixture->extra_args = g_strdupv ((char **) extra_args);
  launch (fixture);
  return fixture;
}

PortalFixture *
portal_fixture_start (const char         *data_dir,
                      const char * const *extra_args)
{
  return fixture_start (data_dir, extra_args, FALSE);
}

PortalFixture *
portal_fixture_start_real_clock (const char         *data_dir,
                                 const char * const *extra_args)
{
  return fixture_start (data_dir, extra_args, TRUE);
}

void
portal_fixture_stop (PortalFixture *fixture,
                     gboolean       kill)
{
  if (fixture->process == NULL)
    return;
  g_subprocess_send_signal (fixture->process, kill ? SIGKILL : SIGTERM);
  g_subprocess_wait (fixture->process, NULL, NULL);
  if (!kill)
    g_assert_true (g_subprocess_get_if_exited (fixture->process)
                   && g_subprocess_get_exit_status (fixture->process) == 0);
  g_clear_object (&fixture->process);
  g_clear_object (&fixture->session);
}

void
portal_fixture_restart (PortalFixture *fixture)
{
  portal_fixture_stop (fixture, FALSE);
  launch (fixture);
}

void
portal_fixture_relaunch (PortalFixture *fixture)
{
  g_assert_null (fixture->process);
  launch (fixture);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

gint64
portal_test_timeout_ms (gint64 ms)
{
  const char *text = g_getenv ("WC_TEST_TIMEOUT_MULTIPLIER");
  guint64 multiplier = 1;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 100, &multiplier, NULL))
    g_error ("WC_TEST_TIMEOUT_MULTIPLIER must be a whole number from 1 to 100, not %s", text);
  return ms * (gint64) multiplier;
}

int
portal_test_run (void)
{
  int status = g_test_run ();
#if defined(__SANITIZE_ADDRESS__)
  gint64 deadline;

  /* A thread first waits half a second for more work in its own pool and
   * then joins the unused ones, where none may stay now: it ends. */
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  g_usleep (G_USEC_PER_SEC);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_thread_pool_get_num_unused_threads () > 0 && g_get_monotonic_time () < deadline)
    {
      g_thread_pool_stop_unused_threads ();
      g_usleep (10000);
    }
#endif
  return status;
}

void
portal_fixture_free (PortalFixture *fixture)
{
  if (fixture == NULL)
    return;
  portal_fixture_stop (fixture, FALSE);
  if (fixture->owns_dir)
    remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
  g_free (fixture->url);
  g_free (fixture->fingerprint);
  g_strfreev (fixture->extra_args);
  g_free (fixture);
}

void
portal_add_merchant (PortalFixture *fixture,
                     const char    *code,
                     const char    *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) add = NULL;
  g_autofree char *input = g_strdup_printf ("%s\n", password);

  add = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                          portal_binary (), "merchant", "add", code, "--data", fixture->data_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (add, input, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (add));
}

PortalResponse *
portal_request_full (PortalFixture *fixture,
                     const char    *method,
                     const char    *path,
                     const char    *authorization,
                     const char    *content_type,
                     GBytes        *body,
                     gboolean       chunked)
{
  g_autofree char *uri = g_strconcat (fixture->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PortalResponse *response;
  gsize size = 0;
  const char *data;

  g_assert_nonnull (msg);
  portal_fixture_prepare (fixture, msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL && chunked)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (msg, content_type, stream, -1);
    }
  else if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  bytes = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);

  response = g_new0 (PortalResponse, 1);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  data = g_bytes_get_data (bytes, &size);
  response->raw = g_strndup (data != NULL ? data : "", size);
  if (size > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, response->raw, (gssize) size, &error))
        g_error ("the portal answered %u with something that is not JSON: %s", response->status, response->raw);
      response->body = json_parser_steal_root (parser);
    }
  return response;
}

PortalResponse *
portal_request (PortalFixture *fixture,
                const char    *method,
                const char    *path,
                const char    *token,
                const char    *body)
{
  g_autofree char *authorization = token != NULL ? g_strdup_printf ("Bearer %s", token) : NULL;
  g_autoptr(GBytes) request_body = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return portal_request_full (fixture, method, path, authorization, "application/json", request_body, FALSE);
}

PortalResponse *
portal_request_json (PortalFixture *fixture,
                     const char    *method,
                     const char    *path,
                     const char    *token,
                     JsonNode      *body)
{
  g_autofree char *text = json_to_string (body, FALSE);

  return portal_request (fixture, method, path, token, text);
}

void
portal_response_free (PortalResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response->raw);
  g_free (response);
}

JsonObject *
portal_response_object (PortalResponse *response)
{
  g_assert_nonnull (response->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->body));
  return json_node_get_object (response->body);
}

const char *
portal_response_error (PortalResponse *response)
{
  JsonObject *error;

  if (response->body == NULL || !JSON_NODE_HOLDS_OBJECT (response->body))
    return NULL;
  error = json_object_get_object_member (json_node_get_object (response->body), "error");
  return error != NULL ? json_object_get_string_member (error, "code") : NULL;
}

void
portal_advance (PortalFixture *fixture,
                gint64         seconds)
{
  g_autofree char *body = g_strdup_printf ("{\"advance_seconds\": %" G_GINT64_FORMAT "}", seconds);
  g_autoptr(PortalResponse) response = portal_request (fixture, "POST", "/api/v1/test/clock", NULL, body);

  g_assert_cmpuint (response->status, ==, 200);
}

gint64
portal_now (PortalFixture *fixture)
{
  g_autoptr(PortalResponse) response = portal_request (fixture, "GET", "/api/v1/status", NULL, NULL);
  g_autoptr(GDateTime) time = NULL;

  g_assert_cmpuint (response->status, ==, 200);
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (portal_response_object (response), "time"), NULL);
  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

char *
portal_totp (const char *secret,
             gint64      unix_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) key = wc_base32_decode (secret, &error);
  char *code;

  g_assert_no_error (error);
  code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 30, unix_time, &error);
  g_assert_no_error (error);
  return code;
}
