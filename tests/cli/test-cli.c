/* test-cli.c: webcollect-otp end to end, every subcommand, run as a real
 * process against the real keyring inside tests/run-in-session. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "wc-qr.h"
#include "wc-token-store.h"
#include "wc-wait.h"

#define SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define URI_ALICE "otpauth://totp/ACME:alice?secret=" SECRET_B32 "&issuer=ACME"

typedef struct {
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

/* Runs webcollect-otp with @input on standard input. */
static void
otp (Result     *r,
     const char *input,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("WEBCOLLECT_OTP"));
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);

      g_error ("“%s” died by signal %d\nstderr: %s", command,
               g_subprocess_get_term_sig (process), r->err);
    }
  r->status = g_subprocess_get_exit_status (process);
}

static void
assert_status (Result *r,
               int     status)
{
  if (r->status != status)
    g_error ("exit %d, expected %d\nstdout: %s\nstderr: %s", r->status, status, r->out, r->err);
}

static void
clear_keyring (void)
{
  g_auto(Result) r = { 0 };

  otp (&r, NULL, "list", "--json", NULL);
  if (r.status == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *array;

      g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_auto(Result) rm = { 0 };
          const char *uuid = json_object_get_string_member (json_array_get_object_element (array, i), "uuid");

          otp (&rm, NULL, "remove", uuid, NULL);
          assert_status (&rm, 0);
        }
    }
}

static void
test_add_list_code_remove (void)
{
  g_auto(Result) r = { 0 };

  clear_keyring ();

  otp (&r, URI_ALICE "\n", "add", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "Added ACME (alice)"));
  result_clear (&r);

  otp (&r, NULL, "list", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "totp  ACME (alice)"));
  result_clear (&r);

  /* RFC 4226 counter 1 is the TOTP step at t=59 with 6 digits. */
  otp (&r, NULL, "code", "ACME:alice", "--at", "59", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "287082\n");
  result_clear (&r);

  /* A time before 1970 is no time, -1 included. */
  for (guint i = 0; i < 2; i++)
    {
      otp (&r, NULL, "code", "ACME:alice", "--at", i == 0 ? "-1" : "-2", NULL);
      assert_status (&r, 2);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_nonnull (strstr (r.err, "--at"));
      result_clear (&r);
    }

  otp (&r, NULL, "code", "alice", "--at", "59", "--next", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "359152\n");
  result_clear (&r);

  otp (&r, NULL, "code", "acme", "--at", "45", "--json", NULL);
  assert_status (&r, 0);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    g_assert_true (json_parser_load_from_data (parser, r.out, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, "287082");
    g_assert_cmpint (json_object_get_int_member (o, "seconds_left"), ==, 15);
    g_assert_cmpint (json_object_get_int_member (o, "valid_from"), ==, 30);
    g_assert_cmpint (json_object_get_int_member (o, "valid_until"), ==, 60);
    g_assert_cmpstr (json_object_get_string_member (o, "issuer"), ==, "ACME");
    /* The JSON never carries the key. */
    g_assert_null (strstr (r.out, SECRET_B32));
  }
  result_clear (&r);

  otp (&r, NULL, "remove", "ACME:alice", NULL);
  assert_status (&r, 0);
  result_clear (&r);

  otp (&r, NULL, "code", "ACME:alice", NULL);
  assert_status (&r, 3);
  g_assert_nonnull (strstr (r.err, "No token matches"));
}

static void
test_exit_codes (void)
{
  g_auto(Result) r = { 0 };

  clear_keyring ();
  otp (&r, "otpauth://totp/ACME:alice?secret=" SECRET_B32, "add", NULL);
  assert_status (&r, 0);
  result_clear (&r);
  otp (&r, "otpauth://totp/Other:alice?secret=" SECRET_B32, "add", NULL);
  assert_status (&r, 0);
  result_clear (&r);

  /* 3: not found; 4: ambiguous. */
  otp (&r, NULL, "code", "nobody", NULL);
  assert_status (&r, 3);
  result_clear (&r);
  otp (&r, NULL, "code", "alice", NULL);
  assert_status (&r, 4);
  g_assert_nonnull (strstr (r.err, "more than one"));
  result_clear (&r);

  /* 5: invalid input, with the field named. */
  otp (&r, "otpauth://totp/ACME:bob?secret=" SECRET_B32 "&digits=9", "add", NULL);
  assert_status (&r, 5);
  g_assert_nonnull (strstr (r.err, "digits"));
  result_clear (&r);
  otp (&r, "", "add", NULL);
  assert_status (&r, 5);
  result_clear (&r);
  otp (&r, "otpauth://totp/A:b?secret=" SECRET_B32 "\notpauth://totp/C:d?secret=" SECRET_B32, "add", NULL);
  assert_status (&r, 5);
  result_clear (&r);

  /* 2: usage, including any attempt to pass a secret as an argument. */
  otp (&r, NULL, "add", URI_ALICE, NULL);
  assert_status (&r, 2);
  g_assert_nonnull (strstr (r.err, "not accepted on the command line"));
  result_clear (&r);
  otp (&r, NULL, "code", URI_ALICE, NULL);
  assert_status (&r, 2);
  result_clear (&r);
  otp (&r, NULL, URI_ALICE, NULL);
  assert_status (&r, 2);
  result_clear (&r);
  otp (&r, NULL, "frobnicate", NULL);
  assert_status (&r, 2);
  result_clear (&r);
  otp (&r, NULL, "code", "--bogus", NULL);
  assert_status (&r, 2);
  result_clear (&r);
  otp (&r, NULL, NULL);
  assert_status (&r, 2);
  result_clear (&r);

  /* --help documents the exit codes. */
  otp (&r, NULL, "--help", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "Exit status"));
  g_assert_nonnull (strstr (r.out, "the keyring is unavailable or locked"));
  result_clear (&r);

  /* 6: no keyring. */
  {
    const char *saved = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
    g_autofree char *copy = g_strdup (saved);

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wc-test-bus", TRUE);
    otp (&r, NULL, "list", NULL);
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", copy, TRUE);
    assert_status (&r, 6);
    g_assert_nonnull (strstr (r.err, "No keyring is available"));
  }
}

static void
test_uri_stdin (void)
{
  g_auto(Result) r = { 0 };

  /* No keyring involved: works with the bus gone. */
  const char *saved = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *copy = g_strdup (saved);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/wc-test-bus", TRUE);
  otp (&r, "otpauth://totp/ACME:alice?secret=" SECRET_B32 "&digits=8\n",
       "code", "--uri-stdin", "--at", "1111111109", NULL);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", copy, TRUE);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "07081804\n");
  result_clear (&r);

  otp (&r, "otpauth://hotp/ACME:alice?secret=" SECRET_B32 "&counter=9", "code", "--uri-stdin", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "520489\n");
  result_clear (&r);

  otp (&r, "otpauth://totp/ACME:alice?secret=" SECRET_B32 "&period=0", "code", "--uri-stdin", NULL);
  assert_status (&r, 5);
  g_assert_nonnull (strstr (r.err, "period"));
}

static void
test_hotp (void)
{
  g_auto(Result) r = { 0 };
  const char *expected[] = { "755224", "287082", "359152" };

  clear_keyring ();
  otp (&r, "otpauth://hotp/Bank:bob?secret=" SECRET_B32 "&counter=0", "add", NULL);
  assert_status (&r, 0);
  result_clear (&r);

  /* Each call advances the stored counter: codes never repeat. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s\n", expected[i]);

      otp (&r, NULL, "code", "Bank", NULL);
      assert_status (&r, 0);
      g_assert_cmpstr (r.out, ==, line);
      result_clear (&r);
    }

  otp (&r, NULL, "code", "Bank", "--next", NULL);
  assert_status (&r, 2);
}

static void
test_qr_in_and_out (void)
{
  g_auto(Result) r = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("wc-cli-XXXXXX", NULL);
  g_autofree char *in_png = g_build_filename (dir, "in.png", NULL);
  g_autofree char *out_png = g_build_filename (dir, "out.png", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.png", NULL);
  const char *uri = "otpauth://totp/%E3%83%A4%E3%83%9E%E3%83%88:shop?secret=" SECRET_B32 "&issuer=%E3%83%A4%E3%83%9E%E3%83%88&digits=8";
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  clear_keyring ();

  /* An image the test draws, as a screenshot of the admin screen would be. */
  {
    g_autoptr(WcSecret) text = wc_secret_new_from_text (uri);
    g_autoptr(WcSecret) modules = NULL;
    guint width = 0;

    modules = wc_qr_encode (text, &width, &error);
    g_assert_no_error (error);
    g_assert_true (wc_qr_save_png (modules, width, 5, in_png, &error));
  }

  otp (&r, NULL, "add", "--qr", in_png, NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "ヤマト (shop)"));
  result_clear (&r);

  otp (&r, NULL, "code", "ヤマト", "--at", "59", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "94287082\n");
  result_clear (&r);

  /* show-uri gives back an equivalent URI. */
  otp (&r, NULL, "show-uri", "shop", NULL);
  assert_status (&r, 0);
  g_assert_true (g_str_has_prefix (r.out, "otpauth://totp/"));
  g_assert_nonnull (strstr (r.out, "secret=" SECRET_B32));
  g_assert_nonnull (strstr (r.out, "digits=8"));
  {
    g_autofree char *shown = g_strstrip (g_strdup (r.out));
    g_auto(Result) again = { 0 };

    result_clear (&r);
    otp (&again, shown, "code", "--uri-stdin", "--at", "59", NULL);
    assert_status (&again, 0);
    g_assert_cmpstr (again.out, ==, "94287082\n");
  }

  /* qr in the terminal: half blocks, no key in plain text. */
  otp (&r, NULL, "qr", "shop", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "▀"));
  g_assert_null (strstr (r.out, SECRET_B32));
  result_clear (&r);

  /* qr --png writes an owner-only file that zbar reads back. */
  otp (&r, NULL, "qr", "shop", "--png", out_png, NULL);
  assert_status (&r, 0);
  g_assert_cmpint (g_stat (out_png, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autoptr(WcSecret) decoded = wc_qr_decode_file (out_png, &error);
    g_autoptr(WcSecret) expected = NULL;

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (wc_secret_get_text (decoded), "otpauth://totp/"));
    g_assert_nonnull (strstr (wc_secret_get_text (decoded), SECRET_B32));
    (void) expected;
  }
  result_clear (&r);

  /* A broken image is invalid input, with a message about the image. */
  g_assert_true (g_file_set_contents (broken, "\x89PNG\r\n\x1a\n garbage", -1, NULL));
  otp (&r, NULL, "add", "--qr", broken, NULL);
  assert_status (&r, 5);
  g_assert_nonnull (strstr (r.err, "broken.png"));
  result_clear (&r);

  g_unlink (in_png);
  g_unlink (out_png);
  g_unlink (broken);
  g_rmdir (dir);
}

static void
test_unreadable_listed (void)
{
  g_auto(Result) r = { 0 };
  g_autoptr(GSubprocess) tool = NULL;
  g_autoptr(GError) error = NULL;

  clear_keyring ();
  otp (&r, URI_ALICE, "add", NULL);
  assert_status (&r, 0);
  result_clear (&r);

  tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error,
                           "secret-tool", "store", "--label=Web Collect Login: damaged",
                           "xdg:schema", "io.github.wclogin.WebCollectLogin.Token",
                           "uuid", "3c2a3f0e-8a1b-4c55-9a7e-1d2f3a4b5c6d",
                           "type", "totp", "algorithm", "SHA1", "digits", "6",
                           "period", "30", "counter", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (tool, "!!!", NULL, NULL, NULL, &error));
  g_assert_true (g_subprocess_get_successful (tool));

  /* The damaged item is listed and flagged, the good one still works. */
  otp (&r, NULL, "list", NULL);
  assert_status (&r, 1);
  g_assert_nonnull (strstr (r.out, "UNREADABLE"));
  g_assert_nonnull (strstr (r.out, "ACME (alice)"));
  result_clear (&r);

  otp (&r, NULL, "code", "ACME:alice", "--at", "59", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "287082\n");
  result_clear (&r);

  otp (&r, NULL, "code", "damaged", NULL);
  assert_status (&r, 1);
  g_assert_nonnull (strstr (r.err, "untouched"));
  result_clear (&r);

  otp (&r, NULL, "remove", "damaged", NULL);
  assert_status (&r, 0);
}

/* A token the enrollment left pending or superseded says so in the list;
 * an active one (also one from before there were states) does not. */
static void
test_list_states (void)
{
  g_auto(Result) r = { 0 };
  g_auto(WcWait) wait = WC_WAIT_INIT;
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(WcToken) token = NULL;
  g_autoptr(GError) error = NULL;

  clear_keyring ();
  otp (&r, URI_ALICE "\n", "add", NULL);
  assert_status (&r, 0);
  result_clear (&r);

  otp (&r, NULL, "list", NULL);
  assert_status (&r, 0);
  g_assert_null (strstr (r.out, "(pending)"));
  result_clear (&r);

  wc_wait_init (&wait);
  wc_token_store_lookup_async (store, "ACME:alice", NULL, wc_wait_done, &wait);
  token = wc_token_store_lookup_finish (store, wc_wait_result (&wait), &error);
  g_assert_no_error (error);
  wc_wait_init (&wait);
  wc_token_store_set_state_async (store, token, WC_TOKEN_STATE_PENDING, NULL, wc_wait_done, &wait);
  g_assert_true (wc_token_store_set_state_finish (store, wc_wait_result (&wait), &error));
  g_assert_no_error (error);

  otp (&r, NULL, "list", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "totp  ACME (alice)  (pending)\n"));
  result_clear (&r);
  otp (&r, NULL, "list", "--json", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "\"state\":\"pending\""));
  result_clear (&r);

  wc_wait_init (&wait);
  wc_token_store_set_state_async (store, token, WC_TOKEN_STATE_SUPERSEDED, NULL, wc_wait_done, &wait);
  g_assert_true (wc_token_store_set_state_finish (store, wc_wait_result (&wait), &error));
  g_assert_no_error (error);
  otp (&r, NULL, "list", NULL);
  assert_status (&r, 0);
  g_assert_nonnull (strstr (r.out, "(superseded)"));
  result_clear (&r);

  /* The key itself was never rewritten. */
  otp (&r, NULL, "code", "ACME:alice", "--at", "59", NULL);
  assert_status (&r, 0);
  g_assert_cmpstr (r.out, ==, "287082\n");
  clear_keyring ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("WEBCOLLECT_OTP") == NULL || g_getenv ("WC_TEST_KEYRING_PASSWORD") == NULL)
    {
      g_printerr ("run this test through meson test (it needs tests/run-in-session)\n");
      return 1;
    }

  g_test_add_func ("/cli/add-list-code-remove", test_add_list_code_remove);
  g_test_add_func ("/cli/exit-codes", test_exit_codes);
  g_test_add_func ("/cli/uri-stdin", test_uri_stdin);
  g_test_add_func ("/cli/hotp", test_hotp);
  g_test_add_func ("/cli/qr-in-and-out", test_qr_in_and_out);
  g_test_add_func ("/cli/unreadable-listed", test_unreadable_listed);
  g_test_add_func ("/cli/list-states", test_list_states);

  return g_test_run ();
}
