/* test-portal-client.c: WcPortalClient against the real webcollect-portal
 * over TLS on loopback (a merchant's whole path, every flow, the error
 * model, clock skew), and against hostile servers made here: a wrong or
 * missing pin, plain HTTP, a stall, a cut-off body, garbage, oversized
 * and wrong-typed JSON. */
#include <glib/gstdio.h>
#include <string.h>

#include "portal-fixture.h"
#include "wc-api-error.h"
#include "wc-error.h"
#include "wc-otp.h"
#include "wc-portal-cert.h"
#include "wc-portal-client.h"
#include "wc-tls.h"
#include "wc-wait.h"

#define MAIN_PASSWORD "first-pass-1234"

static WcPortalClient *
client_for (PortalFixture *portal)
{
  g_autoptr(GError) error = NULL;
  WcPortalClient *client = wc_portal_client_new (portal->url, portal->fingerprint, &error);

  g_assert_no_error (error);
  return client;
}

/* Synchronous wrappers: one call at a time on a private loop. */

static WcPortalLogin *
login (WcPortalClient *client,
       const char     *merchant,
       const char     *user,
       const char     *password,
       const char     *otp,
       GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_login_async (client, merchant, user, password, otp, NULL, wc_wait_done, &wait);
  return wc_portal_client_login_finish (client, wc_wait_result (&wait), error);
}

static WcPortalLogin *
legacy_login (WcPortalClient *client,
              const char     *merchant,
              const char     *password,
              gboolean        tablet,
              GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  if (tablet)
    wc_portal_client_tablet_login_async (client, merchant, password, NULL, wc_wait_done, &wait);
  else
    wc_portal_client_legacy_login_async (client, merchant, password, NULL, wc_wait_done, &wait);
  return wc_portal_client_login_finish (client, wc_wait_result (&wait), error);
}

static WcPortalStatus *
status (WcPortalClient *client,
        GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_status_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_status_finish (client, wc_wait_result (&wait), error);
}

static gboolean
change_password (WcPortalClient *client,
                 const char     *current,
                 const char     *replacement,
                 GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_change_password_async (client, current, replacement, NULL, wc_wait_done, &wait);
  return wc_portal_client_finish (client, wc_wait_result (&wait), error);
}

static WcPortalOtpOffer *
issue_secret (WcPortalClient *client,
              GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_issue_otp_secret_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_issue_otp_secret_finish (client, wc_wait_result (&wait), error);
}

static gboolean
activate (WcPortalClient *client,
          const char     *otp,
          GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_activate_otp_async (client, otp, NULL, wc_wait_done, &wait);
  return wc_portal_client_finish (client, wc_wait_result (&wait), error);
}

static gboolean
logout (WcPortalClient *client,
        GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_logout_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_finish (client, wc_wait_result (&wait), error);
}

static WcPortalSessionInfo *
session_info (WcPortalClient *client,
              GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_session_info_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_session_info_finish (client, wc_wait_result (&wait), error);
}

static WcPortalNewUser *
create_user (WcPortalClient *client,
             const char     *user_id,
             const char     *role,
             GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_create_user_async (client, user_id, "テスト 利用者", role, NULL, wc_wait_done, &wait);
  return wc_portal_client_new_user_finish (client, wc_wait_result (&wait), error);
}

static GPtrArray *
list_users (WcPortalClient *client,
            GError        **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_portal_client_list_users_async (client, NULL, wc_wait_done, &wait);
  return wc_portal_client_list_users_finish (client, wc_wait_result (&wait), error);
}

static char *
code_for (WcPortalClient   *client,
          WcPortalOtpOffer *offer,
          gint64            shift)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcSecret) key = wc_base32_decode (wc_secret_get_text (offer->secret), &error);
  char *code;

  g_assert_no_error (error);
  code = wc_otp_totp (key, WC_OTP_ALGORITHM_SHA1, 6, 30, wc_portal_client_now (client) + shift, &error);
  g_assert_no_error (error);
  return code;
}

/* Moves the portal's test clock, and lets the client see the new time,
 * as the app does by asking for the status before a login. */
static void
advance (PortalFixture  *portal,
         WcPortalClient *client,
         gint64          seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) now = NULL;

  portal_advance (portal, seconds);
  now = status (client, &error);
  g_assert_no_error (error);
}

#define assert_portal_error(error, kind, code_) G_STMT_START { \
    g_assert_error ((error), WC_PORTAL_ERROR, (int) (kind)); \
    g_assert_cmpstr (wc_portal_error_get_code (error), ==, (code_)); \
  } G_STMT_END

/* Takes the main user through the first login, the password change and
 * the key enrollment; returns the key. */
static WcPortalOtpOffer *
enroll_main (WcPortalClient *client,
             const char     *merchant,
             const char     *new_password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = login (client, merchant, merchant, MAIN_PASSWORD, NULL, &error);
  g_autoptr(WcPortalOtpOffer) offer = NULL;
  g_autofree char *code = NULL;

  g_assert_no_error (error);
  g_assert_true (first->restricted);
  g_assert_true (g_strv_contains ((const char * const *) first->required_actions, "change_password"));
  g_assert_true (g_strv_contains ((const char * const *) first->required_actions, "enroll_otp"));
  g_assert_cmpint (first->method, ==, WC_PORTAL_LOGIN_METHOD_NEW);
  g_assert_cmpstr (first->user->role, ==, "main");

  change_password (client, MAIN_PASSWORD, new_password, &error);
  g_assert_no_error (error);

  offer = issue_secret (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (wc_secret_get_text (offer->secret)), ==, 32);
  g_assert_true (g_str_has_prefix (wc_secret_get_text (offer->otpauth_uri), "otpauth://totp/"));
  g_assert_cmpuint (offer->digits, ==, 6);
  g_assert_cmpuint (offer->period, ==, 30);
  g_assert_cmpint (offer->expires_at, >, wc_portal_client_now (client));

  code = code_for (client, offer, 0);
  g_assert_true (activate (client, code, &error));
  g_assert_no_error (error);
  g_assert_true (logout (client, &error));
  g_assert_no_error (error);
  g_assert_false (wc_portal_client_is_logged_in (client));
  return g_steal_pointer (&offer);
}

static void
test_merchant_path (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcPortalOtpOffer) offer = NULL;
  g_autoptr(WcPortalLogin) full = NULL;
  g_autoptr(WcPortalNewUser) general = NULL;
  g_autoptr(WcPortalNewUser) shipping = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(WcPortalSessionInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  const char *roles[] = { "general", "shipping" };
  WcPortalNewUser *children[2];

  portal_add_merchant (portal, "M100", MAIN_PASSWORD);
  client = client_for (portal);
  offer = enroll_main (client, "M100", "second-pass-5678");

  /* Without the code the portal asks for it; with it, a full session. */
  full = login (client, "M100", "M100", "second-pass-5678", NULL, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000002");
  g_assert_cmpstr (wc_portal_error_get_field (error), ==, "otp");
  g_clear_error (&error);
  /* The activation used the current step; the next one is accepted. */
  advance (portal, client, 30);
  code = code_for (client, offer, 0);
  full = login (client, "M100", "M100", "second-pass-5678", code, &error);
  g_assert_no_error (error);
  g_assert_false (full->restricted);
  g_assert_true (g_strv_contains ((const char * const *) full->scopes, "users"));
  g_assert_cmpuint (full->idle_timeout_seconds, ==, 900);
  g_assert_cmpint (wc_portal_client_get_idle_deadline (client), >, 0);

  general = create_user (client, "tanaka", "general", &error);
  g_assert_no_error (error);
  shipping = create_user (client, "sato.shipping", "shipping", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (general->user->role, ==, "general");
  g_assert_cmpuint (strlen (wc_secret_get_text (general->initial_password)), ==, 16);

  users = list_users (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 2);

  info = session_info (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->user->user_id, ==, "M100");
  g_assert_cmpint (info->legacy_password_age_days, ==, 0);
  g_assert_cmpuint (info->idle_seconds_left, <=, 900);

  /* Each child logs in (a first login, restricted) and is refused user
   * management. */
  children[0] = general;
  children[1] = shipping;
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autoptr(WcPortalClient) child = client_for (portal);
      g_autoptr(WcPortalLogin) child_login = NULL;
      g_autoptr(GPtrArray) refused = NULL;

      child_login = login (child, "M100", children[i]->user->user_id,
                           wc_secret_get_text (children[i]->initial_password), NULL, &error);
      g_assert_no_error (error);
      g_assert_true (child_login->restricted);
      g_assert_cmpstr (child_login->user->role, ==, roles[i]);
      refused = list_users (child, &error);
      g_assert_null (refused);
      g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED);
      g_assert_cmpuint (strlen (wc_portal_error_get_code (error)), ==, 10);
      g_clear_error (&error);
    }

  g_assert_true (logout (client, &error));
  g_assert_no_error (error);
  g_clear_pointer (&users, g_ptr_array_unref);
  users = list_users (client, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_NOT_LOGGED_IN, "C051000001");
}

static void
test_status_maintenance_and_closure (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcPortalClient) client = client_for (portal);
  g_autoptr(WcPortalStatus) before = NULL;
  g_autoptr(WcPortalStatus) during = NULL;
  g_autoptr(WcPortalLogin) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = g_date_time_add_minutes (now, 40);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);

  before = status (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before->name, ==, "webcollect-portal");
  g_assert_true (before->old_login_available);
  g_assert_false (before->maintenance_active);
  g_assert_cmpstr (before->support_phone, ==, "0120-69-5090");
  g_assert_cmpuint (before->password_min_length, ==, 12);
  g_assert_true (wc_portal_client_has_clock_offset (client));

  admin = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("WEBCOLLECT_PORTAL"),
                            "maintenance", "add", "--data", portal->data_dir, "--starts-at", "now",
                            "--ends-at", end_text, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (admin, NULL, &error));
  g_clear_object (&admin);
  admin = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, g_getenv ("WEBCOLLECT_PORTAL"),
                            "old-login", "close", "--data", portal->data_dir, "--at", "now", NULL);
  g_assert_true (g_subprocess_wait_check (admin, NULL, &error));

  during = status (client, &error);
  g_assert_no_error (error);
  g_assert_true (during->maintenance_active);
  g_assert_cmpint (during->maintenance_ends_at, ==, g_date_time_to_unix (end));
  g_assert_cmpuint (during->windows->len, ==, 1);
  g_assert_false (during->old_login_available);
  g_assert_cmpint (during->old_login_closes_at, >, 0);

  refused = login (client, "M1", "M1", "whatever-1234", NULL, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_MAINTENANCE, "W096000001");
  g_assert_cmpint (wc_portal_error_get_ends_at (error), ==, g_date_time_to_unix (end));
  g_assert_cmpint (wc_portal_error_get_retry_after (error), >, 0);
  g_clear_error (&error);

  portal_advance (portal, 41 * 60);
  refused = legacy_login (client, "M1", "whatever-1234", FALSE, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W066000001");
}

static void
on_session_ended (WcPortalClient     *client,
                  WcPortalSessionEnd  reason,
                  GArray             *reasons)
{
  int value = (int) reason;

  g_array_append_val (reasons, value);
}

static void
test_errors (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcPortalClient) client = client_for (portal);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) result = NULL;

  portal_add_merchant (portal, "M200", MAIN_PASSWORD);

  /* Unknown account and wrong password: the same answer. */
  result = login (client, "M200", "nobody", MAIN_PASSWORD, NULL, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000001");
  g_clear_error (&error);
  for (guint i = 0; i < 8; i++)
    {
      result = login (client, "M200", "M200", "wrong-pass-1234", NULL, &error);
      assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000001");
      g_clear_error (&error);
    }
  result = login (client, "M200", "M200", "wrong-pass-1234", NULL, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000001");
  g_clear_error (&error);
  /* The tenth failure locks, with the time to wait. */
  result = login (client, "M200", "M200", "wrong-pass-1234", NULL, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_LOCKED, "W011000004");
  g_assert_cmpint (wc_portal_error_get_retry_after (error), >, 1700);
  g_clear_error (&error);

  /* The tablet with a first password; the policy on a new password. */
  result = legacy_login (client, "M200", MAIN_PASSWORD, TRUE, &error);
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "T042000006");
  g_clear_error (&error);
  result = legacy_login (client, "M200", MAIN_PASSWORD, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (result->restricted);
  g_assert_cmpint (result->method, ==, WC_PORTAL_LOGIN_METHOD_LEGACY);
  g_assert_false (change_password (client, MAIN_PASSWORD, "short1", &error));
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W022000001");
  g_assert_cmpstr (wc_portal_error_get_field (error), ==, "new_password");
  g_clear_error (&error);
  g_assert_false (change_password (client, MAIN_PASSWORD, "onlyletterspassword", &error));
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W022000002");
  g_clear_error (&error);

  /* The portal ends an idle session; the client says so. */
  portal_advance (portal, 15 * 60);
  g_assert_false (change_password (client, MAIN_PASSWORD, "another-pass-1234", &error));
  assert_portal_error (error, WC_PORTAL_ERROR_SESSION_ENDED, "W051000003");
  g_assert_false (wc_portal_client_is_logged_in (client));
  g_clear_error (&error);

  /* Logging out of a session the portal has already ended is a logout,
   * not an idle end that the app would explain: one signal, LOGGED_OUT. */
  {
    g_autoptr(WcPortalLogin) again = legacy_login (client, "M200", MAIN_PASSWORD, FALSE, &error);
    g_autoptr(GArray) reasons = g_array_new (FALSE, FALSE, sizeof (int));

    g_assert_no_error (error);
    g_signal_connect (client, "session-ended", G_CALLBACK (on_session_ended), reasons);
    portal_advance (portal, 15 * 60);
    g_assert_true (logout (client, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (reasons->len, ==, 1);
    g_assert_cmpint (g_array_index (reasons, int, 0), ==, WC_PORTAL_SESSION_END_LOGGED_OUT);
    g_signal_handlers_disconnect_by_data (client, reasons);
  }
}

/* Messages follow the user's language. */
static void
test_japanese_messages (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcPortalClient) client = client_for (portal);
  g_autoptr(WcPortalLogin) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *saved = g_getenv ("LANGUAGE");
  g_autofree char *restore = g_strdup (saved);

  g_setenv ("LANGUAGE", "ja", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  result = login (client, "M300", "M300", "wrong-pass-1234", NULL, &error);
  if (restore != NULL)
    g_setenv ("LANGUAGE", restore, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000001");
  g_assert_nonnull (strstr (error->message, "加盟店コード"));
}

/* A clock shifted by @shift seconds. */
static gint64
shifted_clock (gpointer user_data)
{
  return g_get_real_time () + *(gint64 *) user_data * G_USEC_PER_SEC;
}

static void
test_skew (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(WcPortalClient) setup = NULL;
  g_autoptr(WcPortalOtpOffer) offer = NULL;
  const gint64 shifts[] = { 90, -90 };

  portal_add_merchant (portal, "M400", MAIN_PASSWORD);
  setup = client_for (portal);
  offer = enroll_main (setup, "M400", "second-pass-5678");

  for (guint i = 0; i < G_N_ELEMENTS (shifts); i++)
    {
      for (int correct = 0; correct <= 1; correct++)
        {
          g_autoptr(WcPortalClient) client = client_for (portal);
          g_autoptr(WcPortalStatus) first = NULL;
          g_autoptr(WcPortalLogin) result = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *code = NULL;
          gint64 shift = shifts[i];

          wc_portal_client_set_clock_func (client, shifted_clock, &shift, NULL);
          wc_portal_client_set_skew_correction (client, correct);
          /* Each round uses a fresh step, so that no code is a replay. */
          advance (portal, client, 30);
          first = status (client, &error);
          g_assert_no_error (error);
          /* The measured offset undoes the shift, and the test clock's
           * advances, to within a second. */
          if (correct)
            g_assert_cmpint (ABS ((wc_portal_client_now (client) - portal_now (portal))), <=, 1);
          else
            g_assert_cmpint (ABS ((wc_portal_client_now (client) - portal_now (portal))), >=, 60);
          code = code_for (client, offer, 0);
          result = login (client, "M400", "M400", "second-pass-5678", code, &error);
          g_test_message ("shift %" G_GINT64_FORMAT " s, correction %s", shift, correct ? "on" : "off");
          if (correct)
            g_assert_no_error (error);
          else
            assert_portal_error (error, WC_PORTAL_ERROR_REJECTED, "W011000003");
        }
    }
}

static void
test_insecure_url_and_pin (void)
{
  g_autoptr(PortalFixture) portal = portal_fixture_start (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalClient) plain = wc_portal_client_new ("http://127.0.0.1:8443", NULL, &error);
  g_autoptr(WcPortalClient) wrong = NULL;
  g_autoptr(WcPortalClient) unpinned = NULL;
  g_autoptr(WcPortalStatus) result = NULL;
  g_autofree char *other = g_strdup (portal->fingerprint);

  g_assert_null (plain);
  assert_portal_error (error, WC_PORTAL_ERROR_INSECURE_URL, "C095000001");
  g_clear_error (&error);

  other[0] = other[0] == '0' ? '1' : '0';
  wrong = wc_portal_client_new (portal->url, other, &error);
  g_assert_no_error (error);
  result = status (wrong, &error);
  g_assert_null (result);
  assert_portal_error (error, WC_PORTAL_ERROR_PIN_MISMATCH, "C091000002");
  g_clear_error (&error);

  /* A self-signed portal without a pin is not trusted. */
  unpinned = wc_portal_client_new (portal->url, NULL, &error);
  g_assert_no_error (error);
  result = status (unpinned, &error);
  g_assert_null (result);
  assert_portal_error (error, WC_PORTAL_ERROR_TLS, "C091000001");
}

/* A hostile server: TLS with its own pinned certificate, then whatever
 * bytes a case wants, or nothing at all. */
typedef struct {
  GSocketService *service;
  GTlsCertificate *certificate;
  char *fingerprint;
  char *dir;
  guint16 port;
  GBytes *answer;      /* NULL: stall */
  GPtrArray *connections;
} Hostile;

/* Each connection carries its own answer, so that a handshake finishing
 * after its test is over touches nothing that is gone. */
static void
on_request_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GIOStream) tls = user_data;
  GBytes *answer = g_object_get_data (G_OBJECT (tls), "answer");

  if (g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL) <= 0 || answer == NULL)
    return;  /* a stall: say nothing */
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), g_bytes_get_data (answer, NULL),
                             g_bytes_get_size (answer), NULL, NULL, NULL);
  g_io_stream_close (tls, NULL, NULL);
}

static void
on_handshaken (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GIOStream) tls = user_data;
  char *buffer;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL))
    return;
  buffer = g_malloc (4096);
  g_object_set_data_full (G_OBJECT (tls), "buffer", buffer, g_free);
  g_input_stream_read_async (g_io_stream_get_input_stream (tls), buffer, 4096, G_PRIORITY_DEFAULT, NULL,
                             on_request_read, g_object_ref (tls));
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Hostile *hostile = user_data;
  g_autoptr(GError) error = NULL;
  GIOStream *tls = g_tls_server_connection_new (G_IO_STREAM (connection), hostile->certificate, &error);

  g_assert_no_error (error);
  if (hostile->answer != NULL)
    g_object_set_data_full (G_OBJECT (tls), "answer", g_bytes_ref (hostile->answer), (GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (hostile->connections, g_object_ref (tls));
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, NULL, on_handshaken, tls);
  return TRUE;
}

static Hostile *
hostile_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  Hostile *hostile = g_new0 (Hostile, 1);

  hostile->dir = g_dir_make_tmp ("wc-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (wc_portal_cert_ensure (hostile->dir, NULL, &cert, &key, &error));
  hostile->certificate = wc_portal_cert_load (cert, key, &error);
  g_assert_no_error (error);
  hostile->fingerprint = wc_tls_certificate_fingerprint (hostile->certificate);
  hostile->connections = g_ptr_array_new_with_free_func (g_object_unref);
  hostile->service = g_socket_service_new ();
  {
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (hostile->service), address,
                                                  G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                                  &bound, &error));
    g_assert_no_error (error);
    hostile->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  g_signal_connect (hostile->service, "incoming", G_CALLBACK (on_incoming), hostile);
  g_socket_service_start (hostile->service);
  return hostile;
}

static void
hostile_free (Hostile *hostile)
{
  g_autofree char *cert = g_build_filename (hostile->dir, "portal.crt", NULL);
  g_autofree char *key = g_build_filename (hostile->dir, "portal.key", NULL);

  g_socket_service_stop (hostile->service);
  g_socket_listener_close (G_SOCKET_LISTENER (hostile->service));
  g_clear_object (&hostile->service);
  g_ptr_array_unref (hostile->connections);
  g_clear_object (&hostile->certificate);
  g_clear_pointer (&hostile->answer, g_bytes_unref);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (hostile->dir);
  g_free (hostile->dir);
  g_free (hostile->fingerprint);
  g_free (hostile);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Hostile, hostile_free)

/* An HTTP answer whose JSON body opens @depth arrays, inside an object
 * as an answer's body is. */
static char *
nested_answer (const char *status,
               guint       depth)
{
  g_autoptr(GString) body = g_string_new ("{\"name\": ");

  for (guint i = 0; i < depth - 1; i++)
    g_string_append_c (body, '[');
  for (guint i = 0; i < depth - 1; i++)
    g_string_append_c (body, ']');
  g_string_append_c (body, '}');
  return g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
                          status, body->len, body->str);
}

static void
test_hostile_servers (void)
{
  g_autofree char *huge_body = NULL;
  struct {
    const char *name;
    char *answer;                 /* NULL: stall */
    WcPortalError kind;
    const char *code;
  } cases[] = {
    { "stall", NULL, WC_PORTAL_ERROR_TIMEOUT, "C096000002" },
    { "cut-off body", g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"name\": \"webc"),
      WC_PORTAL_ERROR_NETWORK, "C096000001" },
    { "garbage", g_strdup ("\x16\x03garbage that is not HTTP at all\r\n\r\n"), WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003" },
    { "truncated JSON", g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"name\": \"webc"),
      WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003" },
    { "wrong types", g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"name\": 5, \"api_version\": [] }"),
      WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003" },
    { "missing members", g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n{\"name\": \"webcollect-portal\"}"),
      WC_PORTAL_ERROR_MISSING_FIELD, "C095000005" },
    { "huge", NULL, WC_PORTAL_ERROR_RESPONSE_TOO_LARGE, "C095000004" },
    { "error without JSON", g_strdup ("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\noops!"),
      WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002" },
    /* Followed, the answer would come from a plain-HTTP listener. */
    { "redirect", g_strdup ("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/api/v1/status\r\nContent-Length: 0\r\n\r\n"),
      WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002" },
    { "permanent redirect", g_strdup ("HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.invalid/\r\nContent-Length: 0\r\n\r\n"),
      WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002" },
    /* A NUL would cut the name short, and then look like a missing member. */
    { "escaped NUL", g_strdup ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"name\": \"web\\u0000collect-x\"}"),
      WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003" },
    /* json-glib would recurse once per level, to a stack overflow. */
    { "deeply nested", nested_answer ("200 OK", 100000), WC_PORTAL_ERROR_MALFORMED_RESPONSE, "C095000003" },
    { "deeply nested error", nested_answer ("400 Bad Request", 100000), WC_PORTAL_ERROR_UNEXPECTED_STATUS, "C095000002" },
  };
  gsize huge_size = 2 * 1024 * 1024;

  {
    gsize head;

    huge_body = g_malloc (huge_size + 200);
    g_snprintf (huge_body, 200, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n", huge_size);
    head = strlen (huge_body);
    memset (huge_body + head, ' ', huge_size);
    huge_body[head + huge_size] = '\0';
    cases[6].answer = g_steal_pointer (&huge_body);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Hostile) hostile = hostile_new ();
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", hostile->port);
      g_autoptr(WcPortalClient) client = NULL;
      g_autoptr(WcPortalStatus) result = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("hostile server: %s", cases[i].name);
      if (cases[i].answer != NULL)
        hostile->answer = g_bytes_new_take (cases[i].answer, strlen (cases[i].answer));
      client = wc_portal_client_new (url, hostile->fingerprint, &error);
      g_assert_no_error (error);
      /* Short only where the timeout is the point: a slow (sanitizer)
       * build must not turn the other answers into timeouts. */
      if (cases[i].kind == WC_PORTAL_ERROR_TIMEOUT)
        g_object_set (client, "connect-timeout", 2, "request-timeout", 3, NULL);
      else
        g_object_set (client, "connect-timeout", 60, "request-timeout", 60, NULL);
      result = status (client, &error);
      g_assert_null (result);
      assert_portal_error (error, cases[i].kind, cases[i].code);
      /* Nothing raw reaches the message. */
      g_assert_null (strstr (error->message, "garbage"));
      /* A redirect says what it was, not only an unexpected status. */
      if (strstr (cases[i].name, "redirect") != NULL)
        g_assert_nonnull (strstr (error->message, "sent the app to another address"));
    }
}

/* An error answer whose details are out of bounds: a message of 900 KB
 * is cut to a few sentences, and a retry_after near INT64_MAX is held to
 * a month, so that no time computed from it overflows. */
static void
test_hostile_error_details (void)
{
  g_autoptr(Hostile) hostile = hostile_new ();
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", hostile->port);
  g_autofree char *message = g_strnfill (900 * 1000, 'x');
  g_autofree char *body = g_strdup_printf ("{\"error\": {\"code\": \"W011000004\", \"message\": \"%s\", "
                                           "\"retry_after\": 9223372036854775807}}", message);
  g_autofree char *answer = g_strdup_printf ("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                                             "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s", strlen (body), body);
  g_autoptr(WcPortalClient) client = NULL;
  g_autoptr(WcPortalStatus) result = NULL;
  g_autoptr(GError) error = NULL;

  hostile->answer = g_bytes_new (answer, strlen (answer));
  client = wc_portal_client_new (url, hostile->fingerprint, &error);
  g_assert_no_error (error);
  g_object_set (client, "connect-timeout", 60, "request-timeout", 60, NULL);
  result = status (client, &error);
  g_assert_null (result);
  g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_LOCKED);
  g_assert_cmpint (g_utf8_strlen (error->message, -1), ==, WC_PORTAL_CLIENT_MAX_MESSAGE + 1);
  g_assert_true (g_str_has_suffix (error->message, "x…"));
  g_assert_cmpint (wc_portal_error_get_retry_after (error), ==, WC_PORTAL_ERROR_MAX_RETRY_AFTER);
}

/* Every code of the catalogue, as a portal would send it, arrives as the
 * right GError: its kind, code, field, retry-after, end time, and the
 * message in the user's language. */
static void
test_every_error_code (void)
{
  const WcApiErrorInfo *catalogue;
  guint n;

  catalogue = wc_api_error_catalogue (&n);
  g_assert_cmpuint (n, >=, 45);
  for (guint i = 0; i < n; i++)
    {
      const WcApiErrorInfo *info = &catalogue[i];
      g_autoptr(Hostile) hostile = hostile_new ();
      g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", hostile->port);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *body = NULL;
      g_autofree char *answer = NULL;
      g_autoptr(WcPortalClient) client = NULL;
      g_autoptr(WcPortalStatus) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean waits = info->status == 429 || info->status == 503;
      WcPortalError kind = WC_PORTAL_ERROR_REJECTED;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, info->code);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, info->message);
      json_builder_set_member_name (builder, "message_ja");
      json_builder_add_string_value (builder, info->message_ja);
      if (info->field != NULL)
        {
          json_builder_set_member_name (builder, "field");
          json_builder_add_string_value (builder, info->field);
        }
      if (waits)
        {
          json_builder_set_member_name (builder, "retry_after");
          json_builder_add_int_value (builder, 1800);
        }
      if (info->status == 503)
        {
          json_builder_set_member_name (builder, "ends_at");
          json_builder_add_string_value (builder, "2021-11-14T19:40:00Z");
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      body = json_to_string (root, FALSE);
      answer = g_strdup_printf ("HTTP/1.1 %u Error\r\nContent-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
                                "\r\nConnection: close\r\n\r\n%s", info->status, strlen (body), body);
      hostile->answer = g_bytes_new (answer, strlen (answer));

      client = wc_portal_client_new (url, hostile->fingerprint, &error);
      g_assert_no_error (error);
      result = status (client, &error);
      g_assert_null (result);

      if (info->status == 429)
        kind = WC_PORTAL_ERROR_LOCKED;
      else if (info->status == 503)
        kind = WC_PORTAL_ERROR_MAINTENANCE;
      else if (g_str_has_prefix (info->code, "W051"))
        kind = WC_PORTAL_ERROR_SESSION_ENDED;
      g_test_message ("%s → %s", info->code, error->message);
      assert_portal_error (error, kind, info->code);
      g_assert_cmpstr (wc_portal_error_get_field (error), ==, info->field);
      g_assert_cmpint (wc_portal_error_get_retry_after (error), ==, waits ? 1800 : 0);
      g_assert_cmpint (wc_portal_error_get_ends_at (error), ==, info->status == 503 ? 1636918800 : 0);
      /* The tests run with LANGUAGE=C: the English text. */
      g_assert_cmpstr (error->message, ==, info->message);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/portal-client/merchant-path", test_merchant_path);
  g_test_add_func ("/portal-client/status-maintenance-closure", test_status_maintenance_and_closure);
  g_test_add_func ("/portal-client/errors", test_errors);
  g_test_add_func ("/portal-client/japanese-messages", test_japanese_messages);
  g_test_add_func ("/portal-client/skew", test_skew);
  g_test_add_func ("/portal-client/insecure-url-and-pin", test_insecure_url_and_pin);
  g_test_add_func ("/portal-client/hostile-servers", test_hostile_servers);
  g_test_add_func ("/portal-client/hostile-error-details", test_hostile_error_details);
  g_test_add_func ("/portal-client/every-error-code", test_every_error_code);
  return portal_test_run ();
}
