/* test-enrollment.c: WcEnrollment against the real webcollect-portal (test
 * clock) and a real gnome-keyring, inside tests/run-in-session: issue and
 * activate, a run that ends between the two and is resumed, a failed
 * activation and its retry, a re-issue that keeps the old key until the
 * new one is confirmed, and a key the portal no longer has pending. The
 * proof that no key is lost is always a real new login with the code the
 * keyring's token makes. */
#include <libsecret/secret.h>
#include <string.h>

#include "keyring-test-util.h"
#include "portal-fixture.h"
#include "store-test-util.h"
#include "wc-enrollment.h"
#include "wc-error.h"
#include "wc-login-session.h"
#include "wc-wait.h"

#define FIRST_PASSWORD "first-pass-1234"
#define PASSWORD "second-pass-5678"

typedef struct {
  PortalFixture *portal;
  WcPortalClient *client;
  WcTokenStore *tokens;
  WcCredentialStore *credentials;
  WcLoginSession *session;
} Fixture;

static const SecretSchema *
any_token_schema (void)
{
  static const SecretSchema schema = {
    WC_TOKEN_SCHEMA_NAME, SECRET_SCHEMA_DONT_MATCH_NAME,
    {
      { "xdg:schema", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
open_session (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->client = wc_portal_client_new (f->portal->url, f->portal->fingerprint, &error);
  g_assert_no_error (error);
  f->tokens = wc_token_store_new ();
  f->credentials = wc_credential_store_new ();
  f->session = wc_login_session_new (f->client, f->portal->url, f->tokens, f->credentials);
}

/* What a run that ends does: everything of the app goes, the keyring and
 * the portal stay. */
static void
drop_session (Fixture *f)
{
  g_clear_object (&f->session);
  g_clear_object (&f->credentials);
  g_clear_object (&f->tokens);
  g_clear_object (&f->client);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  keyring_test_remove_all (any_token_schema ());
  f->portal = portal_fixture_start (NULL, NULL);
  open_session (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  drop_session (f);
  g_clear_pointer (&f->portal, portal_fixture_free);
  keyring_test_remove_all (any_token_schema ());
}

static void
refresh_status (Fixture *f)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalStatus) status = NULL;

  wc_wait_init (&wait);
  wc_login_session_refresh_status_async (f->session, NULL, wc_wait_done, &wait);
  status = wc_login_session_refresh_status_finish (f->session, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
}

/* A new login with the code the keyring's token makes (@otp NULL). */
static WcPortalLogin *
login (Fixture     *f,
       const char  *merchant,
       const char  *password,
       GError     **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcSecret) secret = wc_secret_new_from_text (password);

  refresh_status (f);
  wc_wait_init (&wait);
  wc_login_session_login_async (f->session, merchant, merchant, secret, NULL, FALSE,
                                NULL, wc_wait_done, &wait);
  return wc_login_session_login_finish (f->session, wc_wait_result (&wait), error);
}

static void
logout (Fixture *f)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;

  wc_wait_init (&wait);
  wc_login_session_logout_async (f->session, NULL, wc_wait_done, &wait);
  g_assert_true (wc_login_session_logout_finish (f->session, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
}

/* The merchant's first login and password change: a restricted session
 * that may enroll a key. */
static void
first_login (Fixture    *f,
             const char *merchant)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) first = NULL;
  g_autoptr(WcSecret) old_password = wc_secret_new_from_text (FIRST_PASSWORD);
  g_autoptr(WcSecret) new_password = wc_secret_new_from_text (PASSWORD);

  portal_add_merchant (f->portal, merchant, FIRST_PASSWORD);
  first = login (f, merchant, FIRST_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (first->restricted);
  g_assert_false (first->otp_enrolled);

  wc_wait_init (&wait);
  wc_login_session_change_password_async (f->session, old_password, new_password,
                                          NULL, wc_wait_done, &wait);
  g_assert_true (wc_login_session_change_password_finish (f->session, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
}

/* A full login with the keyring's token, as the app makes it; the clock
 * moves on first, since the last code used may not be sent again. */
static void
assert_login_works (Fixture    *f,
                    const char *merchant)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WcPortalLogin) full = NULL;

  portal_advance (f->portal, 30);
  full = login (f, merchant, PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_false (full->restricted);
  g_assert_true (full->otp_enrolled);
}

static WcToken *
issue (WcEnrollment  *enrollment,
       GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_enrollment_issue_async (enrollment, NULL, wc_wait_done, &wait);
  return wc_enrollment_issue_finish (enrollment, wc_wait_result (&wait), error);
}

static gboolean
activate (WcEnrollment  *enrollment,
          GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_enrollment_activate_async (enrollment, NULL, wc_wait_done, &wait);
  return wc_enrollment_activate_finish (enrollment, wc_wait_result (&wait), error);
}

static WcToken *
resume (WcEnrollment  *enrollment,
        GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_enrollment_resume_async (enrollment, NULL, wc_wait_done, &wait);
  return wc_enrollment_resume_finish (enrollment, wc_wait_result (&wait), error);
}

/* The keyring as a fresh store reads it. */
static GPtrArray *
list_tokens (void)
{
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *tokens = store_test_list (store, &error);

  g_assert_no_error (error);
  return tokens;
}

static void
assert_keys_equal (WcToken *a,
                   WcToken *b)
{
  g_autoptr(WcSecret) ka = wc_token_dup_base32_key (a);
  g_autoptr(WcSecret) kb = wc_token_dup_base32_key (b);

  g_assert_cmpstr (wc_secret_get_text (ka), ==, wc_secret_get_text (kb));
}

static void
test_issue_activate (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) pending = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(WcSecret) uri = NULL;
  g_autoptr(GError) error = NULL;
  WcToken *stored;

  first_login (f, "M200");
  enrollment = wc_enrollment_new (f->session);
  g_assert_null (wc_enrollment_get_pending (enrollment));
  g_assert_null (wc_enrollment_dup_uri (enrollment));

  pending = issue (enrollment, &error);
  g_assert_no_error (error);
  g_assert_cmpint (wc_token_get_state (pending), ==, WC_TOKEN_STATE_PENDING);
  g_assert_cmpstr (wc_token_get_account (pending), ==, "M200@M200");
  g_assert_true (wc_enrollment_get_pending (enrollment) == pending);

  /* In the keyring before the portal is asked to activate it. */
  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  stored = store_test_find_uuid (tokens, wc_token_get_uuid (pending));
  g_assert_nonnull (stored);
  g_assert_cmpint (wc_token_get_state (stored), ==, WC_TOKEN_STATE_PENDING);
  assert_keys_equal (stored, pending);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  g_assert_true (activate (enrollment, &error));
  g_assert_no_error (error);
  g_assert_null (wc_enrollment_get_pending (enrollment));
  g_assert_cmpint (wc_token_get_state (pending), ==, WC_TOKEN_STATE_ACTIVE);
  uri = wc_enrollment_dup_uri (enrollment);
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (wc_secret_get_text (uri), "otpauth://totp/"));

  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  stored = store_test_find_uuid (tokens, wc_token_get_uuid (pending));
  g_assert_nonnull (stored);
  g_assert_cmpint (wc_token_get_state (stored), ==, WC_TOKEN_STATE_ACTIVE);

  logout (f);
  assert_login_works (f, "M200");
}

static void
test_resume_after_kill (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) issued = NULL;
  g_autoptr(WcToken) resumed = NULL;
  g_autoptr(WcPortalLogin) again = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  first_login (f, "M210");
  enrollment = wc_enrollment_new (f->session);
  issued = issue (enrollment, &error);
  g_assert_no_error (error);
  uuid = g_strdup (wc_token_get_uuid (issued));

  /* The run ends here: nothing of it is left but the keyring. */
  g_assert_finalize_object (g_steal_pointer (&enrollment));
  drop_session (f);
  open_session (f);

  /* No active key yet, so the login is a restricted first one again. */
  again = login (f, "M210", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (again->restricted);

  enrollment = wc_enrollment_new (f->session);
  resumed = resume (enrollment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (resumed);
  g_assert_cmpstr (wc_token_get_uuid (resumed), ==, uuid);
  g_assert_true (wc_enrollment_get_pending (enrollment) == resumed);
  assert_keys_equal (resumed, issued);

  g_assert_true (activate (enrollment, &error));
  g_assert_no_error (error);

  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==, WC_TOKEN_STATE_ACTIVE);

  /* The key in the keyring is the one the portal holds. */
  logout (f);
  assert_login_works (f, "M210");
}

static void
test_resume_nothing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) resumed = NULL;
  g_autoptr(GError) error = NULL;

  first_login (f, "M220");
  enrollment = wc_enrollment_new (f->session);
  resumed = resume (enrollment, &error);
  g_assert_no_error (error);
  g_assert_null (resumed);
  g_assert_null (wc_enrollment_get_pending (enrollment));

  /* Activation without a pending key says so and changes nothing. */
  g_assert_false (activate (enrollment, &error));
  g_assert_error (error, WC_STORE_ERROR, WC_STORE_ERROR_NOT_FOUND);
}

static void
test_failed_activation_retry (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) pending = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  first_login (f, "M230");
  enrollment = wc_enrollment_new (f->session);
  pending = issue (enrollment, &error);
  g_assert_no_error (error);

  /* The portal's clock moves on behind the client's back: the code the
   * client makes is five minutes old and refused. */
  portal_advance (f->portal, 300);
  g_assert_false (activate (enrollment, &error));
  g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED);
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, "W031000001");
  g_clear_error (&error);

  /* Nothing changed. */
  g_assert_true (wc_enrollment_get_pending (enrollment) == pending);
  g_assert_cmpint (wc_token_get_state (pending), ==, WC_TOKEN_STATE_PENDING);
  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==, WC_TOKEN_STATE_PENDING);
  assert_keys_equal (g_ptr_array_index (tokens, 0), pending);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* The refusal's Date header set the client's clock right: the retry
   * works. */
  g_assert_true (activate (enrollment, &error));
  g_assert_no_error (error);
  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==, WC_TOKEN_STATE_ACTIVE);

  logout (f);
  assert_login_works (f, "M230");
}

static gint64
clock_an_hour_ahead (gpointer user_data)
{
  return g_get_real_time () + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
}

static void
test_failed_activation_wrong_clock (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) pending = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  gint64 offset;

  first_login (f, "M240");
  enrollment = wc_enrollment_new (f->session);
  pending = issue (enrollment, &error);
  g_assert_no_error (error);

  /* A clock an hour ahead with the offset measured on the right one: the
   * code is made for the wrong time. */
  offset = wc_portal_client_get_clock_offset (f->client);
  wc_portal_client_set_clock_func (f->client, clock_an_hour_ahead, NULL, NULL);
  wc_portal_client_set_skew_correction (f->client, FALSE);
  g_assert_cmpint (wc_portal_client_now (f->client), >, (g_get_real_time () + offset) / G_USEC_PER_SEC + 3000);
  g_assert_false (activate (enrollment, &error));
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, "W031000001");
  g_clear_error (&error);

  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==, WC_TOKEN_STATE_PENDING);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* The clock is restored (and measured again): the retry works. */
  wc_portal_client_set_clock_func (f->client, NULL, NULL, NULL);
  wc_portal_client_set_skew_correction (f->client, TRUE);
  refresh_status (f);
  g_assert_true (activate (enrollment, &error));
  g_assert_no_error (error);

  logout (f);
  assert_login_works (f, "M240");
}

static void
test_reissue_supersedes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(WcEnrollment) first = NULL;
  g_autoptr(WcEnrollment) second = NULL;
  g_autoptr(WcToken) old_token = NULL;
  g_autoptr(WcToken) new_token = NULL;
  g_autoptr(WcPortalLogin) full = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  WcToken *stored;

  first_login (f, "M250");
  first = wc_enrollment_new (f->session);
  old_token = issue (first, &error);
  g_assert_no_error (error);
  g_assert_true (activate (first, &error));
  g_assert_no_error (error);
  logout (f);

  /* A full login with the first key, then a new key. */
  portal_advance (f->portal, 30);
  full = login (f, "M250", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_false (full->restricted);

  second = wc_enrollment_new (f->session);
  new_token = issue (second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wc_token_get_uuid (new_token), !=, wc_token_get_uuid (old_token));

  /* The old key stays, marked, until the new one is confirmed. */
  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 2);
  stored = store_test_find_uuid (tokens, wc_token_get_uuid (old_token));
  g_assert_nonnull (stored);
  g_assert_cmpint (wc_token_get_state (stored), ==, WC_TOKEN_STATE_SUPERSEDED);
  assert_keys_equal (stored, old_token);
  stored = store_test_find_uuid (tokens, wc_token_get_uuid (new_token));
  g_assert_nonnull (stored);
  g_assert_cmpint (wc_token_get_state (stored), ==, WC_TOKEN_STATE_PENDING);
  /* Until the new key is activated the portal still takes the old one,
   * so a login in between uses the superseded token, not the pending. */
  g_assert_true (wc_login_session_pick_token (tokens, "M250", "M250")
                 == store_test_find_uuid (tokens, wc_token_get_uuid (old_token)));
  g_clear_pointer (&tokens, g_ptr_array_unref);

  g_assert_true (activate (second, &error));
  g_assert_no_error (error);

  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  stored = store_test_find_uuid (tokens, wc_token_get_uuid (new_token));
  g_assert_nonnull (stored);
  g_assert_cmpint (wc_token_get_state (stored), ==, WC_TOKEN_STATE_ACTIVE);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  logout (f);
  assert_login_works (f, "M250");
}

static void
test_not_pending_any_more (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(WcEnrollment) enrollment = NULL;
  g_autoptr(WcToken) pending = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  first_login (f, "M260");
  enrollment = wc_enrollment_new (f->session);
  pending = issue (enrollment, &error);
  g_assert_no_error (error);

  /* A run activated the key and ended before it could mark it. */
  code = wc_login_session_make_code (pending, wc_portal_client_now (f->client), &error);
  g_assert_no_error (error);
  {
    g_auto(WcWait) wait = WC_WAIT_INIT;

    wc_wait_init (&wait);
    wc_portal_client_activate_otp_async (f->client, code, NULL, wc_wait_done, &wait);
    g_assert_true (wc_portal_client_finish (f->client, wc_wait_result (&wait), &error));
    g_assert_no_error (error);
  }

  g_assert_false (activate (enrollment, &error));
  g_assert_error (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED);
  g_assert_cmpstr (wc_portal_error_get_code (error), ==, "W034000001");
  g_assert_nonnull (strstr (error->message, "Issue a new key"));

  /* Nothing is removed. */
  tokens = list_tokens ();
  g_assert_cmpuint (tokens->len, ==, 1);
  g_assert_cmpint (wc_token_get_state (g_ptr_array_index (tokens, 0)), ==, WC_TOKEN_STATE_PENDING);
  assert_keys_equal (g_ptr_array_index (tokens, 0), pending);
  g_assert_true (wc_enrollment_get_pending (enrollment) == pending);
}

static void
test_pick_token_states (void)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(WcSecret) key = wc_base32_decode ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", NULL);
  WcToken *superseded = wc_token_new ();
  WcToken *pending = wc_token_new ();
  WcToken *active = wc_token_new ();
  g_autoptr(WcToken) copy = NULL;

  for (WcToken **t = (WcToken *[]) { superseded, pending, active, NULL }; *t != NULL; t++)
    {
      wc_token_set_account (*t, "u@M1");
      wc_token_set_key (*t, key);
    }
  wc_token_set_state (superseded, WC_TOKEN_STATE_SUPERSEDED);
  wc_token_set_state (pending, WC_TOKEN_STATE_PENDING);

  copy = wc_token_copy (pending);
  g_assert_cmpint (wc_token_get_state (copy), ==, WC_TOKEN_STATE_PENDING);

  g_ptr_array_add (tokens, pending);
  g_assert_true (wc_login_session_pick_token (tokens, "M1", "u") == pending);
  g_ptr_array_add (tokens, superseded);
  g_assert_true (wc_login_session_pick_token (tokens, "M1", "u") == superseded);
  g_ptr_array_add (tokens, active);
  g_assert_true (wc_login_session_pick_token (tokens, "M1", "u") == active);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/enrollment/pick-token-states", test_pick_token_states);
  if (!keyring_test_in_session ())
    return portal_test_run ();

#define ADD(path, func) \
  g_test_add ("/enrollment/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("issue-activate", test_issue_activate);
  ADD ("resume-after-kill", test_resume_after_kill);
  ADD ("resume-nothing", test_resume_nothing);
  ADD ("failed-activation-retry", test_failed_activation_retry);
  ADD ("failed-activation-wrong-clock", test_failed_activation_wrong_clock);
  ADD ("reissue-supersedes", test_reissue_supersedes);
  ADD ("not-pending-any-more", test_not_pending_any_more);
#undef ADD

  return portal_test_run ();
}
