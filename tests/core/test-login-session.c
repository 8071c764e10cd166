/* test-login-session.c: WcLoginSession, the app's one model of a portal,
 * against the real webcollect-portal (test clock) and a real gnome-keyring,
 * inside tests/run-in-session:
 *
 *  - the first run in the model alone: a first login, the password change
 *    without asking for the current password again, the key, and a login
 *    again with a fresh code, each step's next action from the one rule;
 *  - remembering, forgetting and replacing a password inside the calls;
 *  - the next code used when fewer than 3 s are left;
 *  - the status refreshed by itself after the old login's closure and
 *    after a maintenance answer, with nobody asking;
 *  - the users cache following every change, whoever makes it. */
#include <string.h>

#include "keyring-test-util.h"
#include "portal-fixture.h"
#include "store-test-util.h"
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-login-session-private.h"
#include "wc-portal-codes.h"
#include "wc-wait.h"

#define MERCHANT "123456789"
#define FIRST_PASSWORD "first-pass-1234"
#define PASSWORD "second-pass-5678"

typedef struct {
  PortalFixture *portal;
  WcTokenStore *tokens;
  WcCredentialStore *credentials;
  WcLoginSession *session;
} Fixture;

static const SecretSchema *
any_token_schema (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    { { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  return &schema;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  keyring_test_remove_all (any_token_schema ());
  f->portal = portal_fixture_start (NULL, NULL);
  portal_add_merchant (f->portal, MERCHANT, FIRST_PASSWORD);
  f->tokens = wc_token_store_new ();
  f->credentials = wc_credential_store_new ();
  f->session = wc_login_session_new_for_portal (f->portal->url, f->portal->fingerprint, f->portal->url,
                                                f->tokens, f->credentials, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->session);
  g_clear_object (&f->credentials);
  g_clear_object (&f->tokens);
  g_clear_pointer (&f->portal, portal_fixture_free);
  keyring_test_remove_all (any_token_schema ());
}

/* Runs the main loop until @done says so, for at most 20 s (scaled). */
static void
spin_until (gboolean (*done) (Fixture *f),
            Fixture   *f)
{
  gint64 deadline = g_get_monotonic_time () + portal_test_timeout_ms (20000) * 1000;

  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static WcPortalLogin *
login (Fixture          *f,
       const char       *user_id,
       const char       *password,
       WcLoginRemember   remember,
       GError          **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);

  wc_wait_init (&wait);
  wc_login_session_login_async (f->session, MERCHANT, user_id, secret, NULL, remember, NULL, wc_wait_done, &wait);
  return wc_login_session_login_finish (f->session, wc_wait_result (&wait), error);
}

/* Moves the portal's test clock on by one code step, and lets the session
 * measure the jump (the app's clock moves smoothly; the test clock leaps). */
static void
next_code_step (Fixture *f)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  portal_advance (f->portal, 30);
  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (f->session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
}

static WcPortalLogin *
relogin (Fixture  *f,
         GError  **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_login_session_relogin_async (f->session, NULL, wc_wait_done, &wait);
  return wc_login_session_login_finish (f->session, wc_wait_result (&wait), error);
}

static gboolean
change_password (Fixture     *f,
                 const char  *current,
                 const char  *new_password,
                 GError     **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) current_secret = current != NULL ? wc_secret_new_from_text (current) : NULL;
  g_autoptr(WcSecret) new_secret = wc_secret_new_from_text (new_password);

  wc_wait_init (&wait);
  wc_login_session_change_password_async (f->session, current_secret, new_secret, NULL, wc_wait_done, &wait);
  return wc_login_session_change_password_finish (f->session, wc_wait_result (&wait), error);
}

static void
set_up_key (Fixture *f)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcEnrollment) enrollment = wc_enrollment_new (f->session);
  g_autoptr(WcToken) token = NULL;

  wc_wait_init (&wait);
  wc_enrollment_issue_async (enrollment, NULL, wc_wait_done, &wait);
  token = wc_enrollment_issue_finish (enrollment, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_enrollment_activate_async (enrollment, NULL, wc_wait_done, &wait);
  g_assert_true (wc_enrollment_activate_finish (enrollment, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
}

/* The main user's first run, quickly: first login, own password, key,
 * and a full login on the next code step. */
static WcPortalLogin *
main_user_set_up (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = login (f, MERCHANT, FIRST_PASSWORD, WC_LOGIN_REMEMBER_LEAVE, &error);
  WcPortalLogin *full;

  g_assert_no_error (error);
  g_assert_true (change_password (f, NULL, PASSWORD, &error));
  set_up_key (f);
  next_code_step (f);
  full = relogin (f, &error);
  g_assert_no_error (error);
  return full;
}

static WcSecret *
remembered (Fixture          *f,
            WcCredentialKind  kind,
            const char       *user_id)
{
  g_autoptr(GError) error = NULL;
  WcSecret *secret = store_test_lookup_password (f->credentials, f->portal->url, kind, MERCHANT, user_id, &error);

  g_assert_no_error (error);
  return secret;
}

/* The first run, with the session alone: never a logout, never the
 * password asked twice, and each step's next action from the model. */
static void
test_first_run (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  g_autoptr(WcPortalLogin) full = NULL;

  g_assert_cmpint (wc_login_session_get_next_action (f->session), ==, WC_LOGIN_NEXT_NONE);
  first = login (f, MERCHANT, FIRST_PASSWORD, WC_LOGIN_REMEMBER_LEAVE, &error);
  g_assert_no_error (error);
  g_assert_true (first->restricted);
  g_assert_cmpint (wc_login_session_get_next_action (f->session), ==, WC_LOGIN_NEXT_CHANGE_PASSWORD);
  g_assert_true (wc_login_session_has_login_password (f->session));

  /* The current password is the one the login was made with. */
  g_assert_true (change_password (f, NULL, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_false (wc_portal_login_must_change_password (wc_login_session_get_login (f->session)));
  g_assert_cmpint (wc_login_session_get_next_action (f->session), ==, WC_LOGIN_NEXT_SET_UP_KEY);

  set_up_key (f);
  /* A code is good once: right after the activation the session itself
   * waits for the next step (in real time, here) rather than send the
   * activation's code again, which the portal refuses (W011000003). */
  full = relogin (f, &error);
  g_assert_no_error (error);
  g_assert_false (full->restricted);
  g_assert_true (full->otp_enrolled);
  g_assert_cmpint (wc_login_session_get_next_action (f->session), ==, WC_LOGIN_NEXT_NONE);
  /* A full login holds no password any more. */
  g_assert_false (wc_login_session_has_login_password (f->session));
}

/* The keyring writes go on in the background: waits until the
 * remembered password is @expected (NULL: none), for at most 10 s. */
static void
assert_remembered (Fixture    *f,
                   const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + portal_test_timeout_ms (10000) * 1000;

  for (;;)
    {
      g_autoptr(WcSecret) kept = remembered (f, WC_CREDENTIAL_KIND_NEW, MERCHANT);

      if (g_strcmp0 (kept != NULL ? wc_secret_get_text (kept) : NULL, expected) == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("remembered %s, expected %s", kept != NULL ? "a password" : "none",
                 expected != NULL ? "another" : "none");
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

/* Remembering and forgetting happen inside the login; a change replaces
 * what was remembered. */
static void
test_remember (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  g_autoptr(WcPortalLogin) again = NULL;

  first = login (f, MERCHANT, FIRST_PASSWORD, WC_LOGIN_REMEMBER_SAVE, &error);
  g_assert_no_error (error);
  assert_remembered (f, FIRST_PASSWORD);

  g_assert_true (change_password (f, FIRST_PASSWORD, PASSWORD, &error));
  g_assert_no_error (error);
  assert_remembered (f, PASSWORD);

  /* Leaving keeps it; forgetting clears it, even for a failed login. */
  again = login (f, MERCHANT, "wrong-password-1", WC_LOGIN_REMEMBER_LEAVE, &error);
  g_assert_null (again);
  g_clear_error (&error);
  assert_remembered (f, PASSWORD);
  again = login (f, MERCHANT, "wrong-password-1", WC_LOGIN_REMEMBER_FORGET, &error);
  g_assert_null (again);
  g_clear_error (&error);
  assert_remembered (f, NULL);
}

static void
on_remember_failed (WcLoginSession *session,
                    GError         *error,
                    GError        **out)
{
  g_assert_null (*out);
  *out = g_error_copy (error);
}

static gboolean
remember_failed (Fixture *f)
{
  return g_object_get_data (G_OBJECT (f->session), "remember-error") != NULL
         && *(GError **) g_object_get_data (G_OBJECT (f->session), "remember-error") != NULL;
}

/* The keyring refuses to remember: the login stands, and the failure is
 * said on its own ("remember-failed"). */
static void
test_remember_failed (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) remember_error = NULL;
  g_autoptr(WcPortalLogin) login = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (FIRST_PASSWORD);

  g_signal_connect (f->session, "remember-failed", G_CALLBACK (on_remember_failed), &remember_error);
  g_object_set_data (G_OBJECT (f->session), "remember-error", &remember_error);
  keyring_test_lock ();
  wc_wait_init (&wait);
  wc_login_session_legacy_login_async (f->session, MERCHANT, secret, WC_LOGIN_REMEMBER_SAVE,
                                       NULL, wc_wait_done, &wait);
  login = wc_login_session_login_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (wc_login_session_get_login (f->session));
  spin_until (remember_failed, f);
  g_assert_error (remember_error, WC_STORE_ERROR, WC_STORE_ERROR_LOCKED);
  keyring_test_unlock_with_password ();
  g_signal_handlers_disconnect_by_func (f->session, on_remember_failed, &remember_error);
  g_object_set_data (G_OBJECT (f->session), "remember-error", NULL);
}

static gboolean has_details (Fixture *f);

static void
on_ended (WcLoginSession *session,
          int             reason,
          int            *out)
{
  *out = reason;
}

static gboolean
logged_out (Fixture *f)
{
  return wc_login_session_get_login (f->session) == NULL;
}

/* The idle logout comes from the client's own timer: the portal says how
 * much idle time is left (GET /session does not renew it), and when that
 * runs out the session ends by itself, as idle. */
static void
test_idle_end (Fixture       *f,
               gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  g_autoptr(WcPortalSessionInfo) info = NULL;
  int reason = -1;
  gint64 deadline;

  first = login (f, MERCHANT, FIRST_PASSWORD, WC_LOGIN_REMEMBER_LEAVE, &error);
  g_assert_no_error (error);
  g_signal_connect (f->session, "ended", G_CALLBACK (on_ended), &reason);
  deadline = wc_login_session_get_idle_deadline (f->session);
  g_assert_cmpint (deadline - g_get_real_time () / G_USEC_PER_SEC, >, 800);

  /* The details the login asks for by itself come first (on a slow run
   * they could otherwise be answered after the clock moved). */
  spin_until (has_details, f);
  portal_advance (f->portal, first->idle_timeout_seconds - 5);
  wc_wait_init (&wait);
  wc_login_session_refresh_session_info_async (f->session, NULL, wc_wait_done, &wait);
  info = wc_login_session_refresh_session_info_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->idle_seconds_left, <=, 5);
  g_assert_cmpint (wc_login_session_get_idle_deadline (f->session) - g_get_real_time () / G_USEC_PER_SEC, <=, 6);

  spin_until (logged_out, f);
  g_assert_cmpint (reason, ==, WC_PORTAL_SESSION_END_IDLE);
  g_signal_handlers_disconnect_by_func (f->session, on_ended, &reason);
}

/* With fewer than 3 s left the next step's code is sent. */
static void
test_next_code (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(WcToken) token =
    store_test_parse ("otpauth://totp/Demo:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Demo");
  g_autoptr(GError) error = NULL;

  for (gint64 t = 1800000000; t < 1800000030; t++)
    {
      g_autofree char *sent = wc_login_session_make_code (token, t, &error);
      g_autofree char *now = wc_token_dup_code (token, t, 0, &error);
      g_autofree char *next = wc_token_dup_code (token, t, 1, &error);
      int left = 30 - (int) (t % 30);

      g_assert_no_error (error);
      g_assert_cmpstr (sent, ==, left < WC_LOGIN_SESSION_MIN_SECONDS_LEFT ? next : now);
      /* A wait for a fresh code follows the same rule (here it was off by
       * one: at 3 s left it waited for a step whose code was not sent). */
      g_assert_cmpint (wc_login_session_code_step (t, 30), ==,
                       t / 30 + (left < WC_LOGIN_SESSION_MIN_SECONDS_LEFT ? 1 : 0));
    }
}

static gboolean
old_login_closed (Fixture *f)
{
  WcPortalStatus *status = wc_login_session_get_status (f->session);

  return status != NULL && !status->old_login_available;
}

static gboolean
old_login_open (Fixture *f)
{
  WcPortalStatus *status = wc_login_session_get_status (f->session);

  return status != NULL && status->old_login_available;
}

static gboolean
under_maintenance (Fixture *f)
{
  WcPortalStatus *status = wc_login_session_get_status (f->session);

  return status != NULL && status->maintenance_active;
}

static void
portal_admin (Fixture            *f,
              const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status = 0;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("WEBCOLLECT_PORTAL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, (char *) "--data");
  g_ptr_array_add (argv, f->portal->data_dir);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The old login's 410 makes the session ask for the status by itself. */
static void
test_status_after_closure (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;
  g_autoptr(WcPortalLogin) refused = NULL;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (FIRST_PASSWORD);

  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (f->session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (status->old_login_available);

  portal_admin (f, (const char * const[]) { "old-login", "close", "--at", "now", NULL });
  wc_wait_init (&wait);
  wc_login_session_legacy_login_async (f->session, MERCHANT, secret, WC_LOGIN_REMEMBER_LEAVE,
                                       NULL, wc_wait_done, &wait);
  refused = wc_login_session_login_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_null (refused);
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, WC_PORTAL_CODE_OLD_LOGIN_CLOSED);
  spin_until (old_login_closed, f);
}

/* While watched, the status is asked for on its own, every interval:
 * a closure shows without any call. Unwatched, nothing is asked. */
static void
test_status_watch (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (f->session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_true (status->old_login_available);

  wc_login_session_set_status_interval (f->session, 1);
  portal_admin (f, (const char * const[]) { "old-login", "close", "--at", "now", NULL });
  /* Not watched: two intervals later, still the old status. */
  for (int i = 0; i < 250; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_false (old_login_closed (f));
  wc_login_session_set_watched (f->session, TRUE);
  spin_until (old_login_closed, f);

  /* Reopened while watched: the next interval shows it. */
  portal_admin (f, (const char * const[]) { "old-login", "reopen", NULL });
  spin_until (old_login_open, f);
  wc_login_session_set_watched (f->session, FALSE);
}

/* A maintenance answer to any call does the same. */
static void
test_status_after_maintenance (Fixture       *f,
                               gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  g_autoptr(WcPortalSessionInfo) info = NULL;
  g_autoptr(GDateTime) later = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) end = g_date_time_add_hours (later, 24 * 365 * 10);
  g_autofree char *ends_at = g_date_time_format_iso8601 (end);

  first = login (f, MERCHANT, FIRST_PASSWORD, WC_LOGIN_REMEMBER_LEAVE, &error);
  g_assert_no_error (error);
  g_assert_false (under_maintenance (f));

  portal_admin (f, (const char * const[]) { "maintenance", "add", "--starts-at", "now", "--ends-at", ends_at, NULL });
  wc_wait_init (&wait);
  wc_login_session_refresh_session_info_async (f->session, NULL, wc_wait_done, &wait);
  info = wc_login_session_refresh_session_info_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_null (info);
  g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_MAINTENANCE);
  spin_until (under_maintenance, f);
}

static gboolean
has_users_list (Fixture *f)
{
  return wc_login_session_get_users (f->session) != NULL;
}

static gboolean
lists_user (Fixture    *f,
            const char *user_id)
{
  GPtrArray *users = wc_login_session_get_users (f->session);

  for (guint i = 0; users != NULL && i < users->len; i++)
    if (g_str_equal (((WcPortalUserInfo *) g_ptr_array_index (users, i))->user_id, user_id))
      return TRUE;
  return FALSE;
}

/* Every change lists the users again before it returns. */
static void
test_users_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) full = NULL;
  g_autoptr(WcPortalNewUser) created = NULL;
  g_autoptr(WcPortalUserInfo) renamed = NULL;

  full = main_user_set_up (f);
  g_assert_null (wc_login_session_get_users (f->session));

  wc_wait_init (&wait);
  wc_login_session_create_user_async (f->session, "tanaka", "田中", "general", NULL, wc_wait_done, &wait);
  created = wc_login_session_new_user_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (created->initial_password);
  g_assert_true (has_users_list (f));
  g_assert_true (lists_user (f, "tanaka"));

  wc_wait_init (&wait);
  wc_login_session_update_user_async (f->session, "tanaka", "田中 太郎", NULL, -1, NULL, wc_wait_done, &wait);
  renamed = wc_login_session_update_user_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->display_name, ==, "田中 太郎");
  g_assert_cmpstr (((WcPortalUserInfo *) g_ptr_array_index (wc_login_session_get_users (f->session), 0))->display_name,
                   ==, "田中 太郎");

  wc_wait_init (&wait);
  wc_login_session_delete_user_async (f->session, "tanaka", NULL, wc_wait_done, &wait);
  g_assert_true (wc_login_session_user_change_finish (f->session, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
  g_assert_false (lists_user (f, "tanaka"));
}

static gboolean
has_details (Fixture *f)
{
  return wc_login_session_get_session_info (f->session) != NULL;
}

static gboolean
old_password_current (Fixture *f)
{
  return wc_login_session_get_old_password_state (f->session) == WC_OLD_PASSWORD_CURRENT;
}

static gboolean
check_tablet (Fixture     *f,
              const char  *password,
              GError     **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);

  wc_wait_init (&wait);
  wc_login_session_check_tablet_async (f->session, MERCHANT, secret, NULL, wc_wait_done, &wait);
  return wc_login_session_check_tablet_finish (f->session, wc_wait_result (&wait), error);
}

/* After the old login closed, the main user's new login renews the old
 * (tablet) password; the model's state of it follows. */
static void
test_tablet_password (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) full = NULL;
  g_autoptr(WcSecret) wrong = wc_secret_new_from_text (FIRST_PASSWORD);
  g_autoptr(WcSecret) proof = wc_secret_new_from_text (PASSWORD);
  g_autoptr(WcSecret) tablet = wc_secret_new_from_text ("Tablet-pass-2026");

  full = main_user_set_up (f);
  g_assert_true (wc_login_session_renews_tablet_password (f->session));

  /* The first old password: the tablet refuses it, the model says so. */
  spin_until (has_details, f);
  g_assert_cmpint (wc_login_session_get_old_password_state (f->session), ==, WC_OLD_PASSWORD_INITIAL);
  g_assert_false (check_tablet (f, FIRST_PASSWORD, &error));
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, WC_PORTAL_CODE_TABLET_PASSWORD_INITIAL);
  g_clear_error (&error);

  portal_admin (f, (const char * const[]) { "old-login", "close", "--at", "now", NULL });
  /* The proof is the user's own login password. */
  wc_wait_init (&wait);
  wc_login_session_set_tablet_password_async (f->session, wrong, tablet, NULL, wc_wait_done, &wait);
  g_assert_false (wc_login_session_set_tablet_password_finish (f->session, wc_wait_result (&wait), &error));
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, WC_PORTAL_CODE_CURRENT_PASSWORD_WRONG);
  g_clear_error (&error);

  wc_wait_init (&wait);
  wc_login_session_set_tablet_password_async (f->session, proof, tablet, NULL, wc_wait_done, &wait);
  g_assert_true (wc_login_session_set_tablet_password_finish (f->session, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
  spin_until (old_password_current, f);
  g_assert_true (check_tablet (f, "Tablet-pass-2026", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!keyring_test_in_session ())
    return portal_test_run ();
  g_test_add ("/login-session/first-run", Fixture, NULL, fixture_setup, test_first_run, fixture_teardown);
  g_test_add ("/login-session/remember", Fixture, NULL, fixture_setup, test_remember, fixture_teardown);
  g_test_add ("/login-session/remember-failed", Fixture, NULL, fixture_setup, test_remember_failed, fixture_teardown);
  g_test_add ("/login-session/idle-end", Fixture, NULL, fixture_setup, test_idle_end, fixture_teardown);
  g_test_add ("/login-session/next-code", Fixture, NULL, fixture_setup, test_next_code, fixture_teardown);
  g_test_add ("/login-session/status-after-closure", Fixture, NULL, fixture_setup,
              test_status_after_closure, fixture_teardown);
  g_test_add ("/login-session/status-watch", Fixture, NULL, fixture_setup,
              test_status_watch, fixture_teardown);
  g_test_add ("/login-session/status-after-maintenance", Fixture, NULL, fixture_setup,
              test_status_after_maintenance, fixture_teardown);
  g_test_add ("/login-session/users-cache", Fixture, NULL, fixture_setup, test_users_cache, fixture_teardown);
  g_test_add ("/login-session/tablet-password", Fixture, NULL, fixture_setup, test_tablet_password, fixture_teardown);
  return portal_test_run ();
}
