/* wc-cli.c: the subcommands of webcollect-otp. Tokens come from the same
 * keyring store the app uses. Secrets arrive only on standard input or in
 * an image file, never as arguments, so they cannot leak into shell
 * history or the process list. */
#include "wc-cli.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "wc-error.h"
#include "wc-portal-codes.h"
#include "wc-otpauth-uri.h"
#include "wc-portal-client.h"
#include "wc-qr.h"
#include "wc-token-store.h"
#include "wc-wait.h"

#define STDIN_LIMIT (64 * 1024)

static int
fail (int         status,
      const char *message)
{
  g_printerr ("webcollect-otp: %s\n", message);
  return status;
}

static int
fail_with_error (const GError *error)
{
  int status = WC_CLI_EXIT_FAILURE;

  if (error->domain == WC_STORE_ERROR)
    {
      switch ((WcStoreError) error->code)
        {
        case WC_STORE_ERROR_NOT_FOUND: status = WC_CLI_EXIT_NOT_FOUND; break;
        case WC_STORE_ERROR_AMBIGUOUS: status = WC_CLI_EXIT_AMBIGUOUS; break;
        case WC_STORE_ERROR_NO_SERVICE:
        case WC_STORE_ERROR_LOCKED:
        case WC_STORE_ERROR_UNLOCK_REFUSED: status = WC_CLI_EXIT_KEYRING_UNAVAILABLE; break;
        case WC_STORE_ERROR_UNREADABLE:
        case WC_STORE_ERROR_FAILED:
        default: status = WC_CLI_EXIT_FAILURE; break;
        }
    }
  else if (error->domain == WC_URI_ERROR || error->domain == WC_OTP_ERROR
           || error->domain == WC_QR_ERROR)
    status = WC_CLI_EXIT_INVALID_INPUT;

  return fail (status, error->message);
}

/* Reads standard input into a wiped buffer, without stdio's own buffers
 * keeping a copy of the secret. */
static WcSecret *
read_stdin_secret (GError **error)
{
  g_autoptr(WcSecret) buffer = wc_secret_new (STDIN_LIMIT + 1);
  guint8 *data = wc_secret_get_data (buffer);
  gsize used = 0;

  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, data + used, STDIN_LIMIT + 1 - used);

      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Standard input could not be read"));
          return NULL;
        }
      if (n == 0)
        break;
      used += (gsize) n;
      if (used > STDIN_LIMIT)
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_TOO_LONG,
                       _("Standard input is longer than 64 KiB; give one otpauth:// URI"));
          return NULL;
        }
    }

  while (used > 0 && g_ascii_isspace (data[used - 1]))
    used--;
  wc_secret_truncate (buffer, used);
  return g_steal_pointer (&buffer);
}

static WcToken *
read_uri_from_stdin (GError **error)
{
  g_autoptr(WcSecret) text = NULL;
  const char *start;

  if (isatty (STDIN_FILENO))
    g_printerr ("%s\n", _("Paste the otpauth:// URI and press Enter, then Ctrl+D:"));

  text = read_stdin_secret (error);
  if (text == NULL)
    return NULL;

  start = wc_secret_get_text (text);
  while (g_ascii_isspace (*start))
    start++;
  if (*start == '\0')
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_SCHEME,
                   _("Standard input is empty: pipe in an otpauth:// URI"));
      return NULL;
    }
  if (memchr (start, '\0', wc_secret_get_size (text) - (gsize) (start - wc_secret_get_text (text))) != NULL
      || strchr (start, '\n') != NULL)
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_INVALID,
                   _("Standard input must hold exactly one otpauth:// URI on one line"));
      return NULL;
    }
  return wc_otpauth_uri_parse (start, error);
}

static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int             *status)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = fail (WC_CLI_EXIT_USAGE, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
looks_like_secret (const char *arg)
{
  return g_ascii_strncasecmp (arg, "otpauth:", 8) == 0;
}

static int
refuse_secret_argument (void)
{
  return fail (WC_CLI_EXIT_USAGE,
               _("Secrets are not accepted on the command line, where other users and the shell history could see them. Pipe the otpauth:// URI into standard input instead."));
}

static WcToken *
lookup_token (WcTokenStore  *store,
              const char    *query,
              GError       **error)
{
  g_auto(WcWait) wait = WC_WAIT_INIT;

  wc_wait_init (&wait);
  wc_token_store_lookup_async (store, query, NULL, wc_wait_done, &wait);
  return wc_token_store_lookup_finish (store, wc_wait_result (&wait), error);
}

static void
json_add_token (JsonBuilder *builder,
                WcToken     *token)
{
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, wc_token_get_uuid (token));
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, wc_token_get_issuer (token));
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, wc_token_get_account (token));
  if (!wc_token_is_readable (token))
    {
      json_builder_set_member_name (builder, "readable");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "problem");
      json_builder_add_string_value (builder, wc_token_get_problem (token));
      return;
    }
  json_builder_set_member_name (builder, "readable");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, wc_token_state_to_string (wc_token_get_state (token)));
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, wc_otp_type_to_string (wc_token_get_otp_type (token)));
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, wc_otp_algorithm_to_string (wc_token_get_algorithm (token)));
  json_builder_set_member_name (builder, "digits");
  json_builder_add_int_value (builder, wc_token_get_digits (token));
  if (wc_token_get_otp_type (token) == WC_OTP_TYPE_TOTP)
    {
      json_builder_set_member_name (builder, "period");
      json_builder_add_int_value (builder, wc_token_get_period (token));
    }
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, FALSE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static int
cmd_list (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context, _("List the tokens in the keyring."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc > 1)
    return fail (WC_CLI_EXIT_USAGE, _("list takes no arguments"));

  wc_wait_init (&wait);
  wc_token_store_list_async (store, NULL, wc_wait_done, &wait);
  tokens = wc_token_store_list_finish (store, wc_wait_result (&wait), &error);
  if (tokens == NULL)
    return fail_with_error (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < tokens->len; i++)
        {
          json_builder_begin_object (builder);
          json_add_token (builder, g_ptr_array_index (tokens, i));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_json (builder);
      return WC_CLI_EXIT_OK;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      WcToken *token = g_ptr_array_index (tokens, i);

      if (wc_token_is_readable (token))
        {
          const char *state = NULL;

          switch (wc_token_get_state (token))
            {
            /* TRANSLATORS: after a token in "webcollect-otp list": its new
             * key was issued but the portal has not confirmed it yet. */
            case WC_TOKEN_STATE_PENDING: state = _("(pending)"); break;
            /* TRANSLATORS: after a token in "webcollect-otp list": a new
             * key replaces it once the portal confirms that one. */
            case WC_TOKEN_STATE_SUPERSEDED: state = _("(superseded)"); break;
            case WC_TOKEN_STATE_ACTIVE:
            default: break;
            }
          g_print ("%s  %s  %s%s%s\n", wc_token_get_uuid (token),
                   wc_otp_type_to_string (wc_token_get_otp_type (token)),
                   wc_token_get_label (token), state != NULL ? "  " : "",
                   state != NULL ? state : "");
        }
      else
        {
          /* TRANSLATORS: listed instead of a token the keyring holds but
           * that cannot be used; the second %s says why. */
          g_print (_("%s  UNREADABLE  %s: %s\n"), wc_token_get_uuid (token),
                   wc_token_get_label (token), wc_token_get_problem (token));
          status = WC_CLI_EXIT_FAILURE;
        }
    }
  if (tokens->len == 0)
    g_printerr ("%s\n", _("No tokens yet. Add one with: webcollect-otp add < uri.txt"));

  return status == WC_CLI_EXIT_OK ? WC_CLI_EXIT_OK : WC_CLI_EXIT_FAILURE;
}

static int
print_code (WcToken  *token,
            char     *code,
            gint64    at,
            int       offset,
            guint64   counter_used,
            gboolean  json)
{
  if (!json)
    {
      g_print ("%s\n", code);
      return WC_CLI_EXIT_OK;
    }

  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();

    json_builder_begin_object (builder);
    json_add_token (builder, token);
    json_builder_set_member_name (builder, "code");
    json_builder_add_string_value (builder, code);
    if (wc_token_get_otp_type (token) == WC_OTP_TYPE_TOTP)
      {
        guint period = wc_token_get_period (token);
        gint64 start = (gint64) (wc_otp_totp_step (at, period) + (guint64) (gint64) offset) * period;

        json_builder_set_member_name (builder, "valid_from");
        json_builder_add_int_value (builder, start);
        json_builder_set_member_name (builder, "valid_until");
        json_builder_add_int_value (builder, start + period);
        json_builder_set_member_name (builder, "seconds_left");
        json_builder_add_int_value (builder, offset == 0 ? wc_token_get_seconds_left (token, at)
                                                         : (gint64) (start + period - at));
      }
    else
      {
        json_builder_set_member_name (builder, "counter");
        json_builder_add_int_value (builder, (gint64) counter_used);
      }
    json_builder_end_object (builder);
    print_json (builder);
  }
  return WC_CLI_EXIT_OK;
}

static int
cmd_code (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  gboolean next = FALSE;
  gboolean uri_stdin = FALSE;
  gint64 at = G_MININT64;   /* not given: now */
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_INT64, &at, N_("Compute the code for this time (seconds since 1970, UTC)"), N_("UNIX_TIME") },
    { "next", 0, 0, G_OPTION_ARG_NONE, &next, N_("Show the code of the next period"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON with the code and its validity"), NULL },
    { "uri-stdin", 0, 0, G_OPTION_ARG_NONE, &uri_stdin, N_("Read an otpauth:// URI from standard input instead of using the keyring"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[QUERY]"));
  g_autoptr(WcToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  guint64 counter_used = 0;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Print the current one-time password of the token QUERY names: a UUID, “issuer:account”, or part of either.\n"
      "For counter-based (HOTP) tokens the counter advances and is saved before the code is printed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  for (int i = 1; i < argc; i++)
    if (looks_like_secret (argv[i]))
      return refuse_secret_argument ();

  if (at == G_MININT64)
    at = g_get_real_time () / G_USEC_PER_SEC;
  else if (at < 0)
    return fail (WC_CLI_EXIT_USAGE, _("--at needs a time at or after 1970"));

  if (uri_stdin)
    {
      if (argc != 1)
        return fail (WC_CLI_EXIT_USAGE, _("--uri-stdin takes no QUERY"));
      token = read_uri_from_stdin (&error);
      if (token == NULL)
        return fail_with_error (error);
      if (wc_token_get_otp_type (token) == WC_OTP_TYPE_HOTP)
        {
          if (next)
            return fail (WC_CLI_EXIT_USAGE, _("--next applies to time-based (TOTP) tokens only"));
          counter_used = wc_token_get_counter (token);
        }
      code = wc_token_dup_code (token, at, next ? 1 : 0, &error);
      if (code == NULL)
        return fail_with_error (error);
      return print_code (token, code, at, next ? 1 : 0, counter_used, json);
    }

  if (argc != 2)
    return fail (WC_CLI_EXIT_USAGE, _("Name one token: webcollect-otp code QUERY"));

  {
    g_autoptr(WcTokenStore) store = wc_token_store_new ();

    token = lookup_token (store, argv[1], &error);
    if (token == NULL)
      return fail_with_error (error);

    if (wc_token_get_otp_type (token) == WC_OTP_TYPE_HOTP)
      {
        g_auto(WcWait) wait = WC_WAIT_INIT;

        if (next)
          return fail (WC_CLI_EXIT_USAGE, _("--next applies to time-based (TOTP) tokens only"));
        counter_used = wc_token_get_counter (token);
        wc_wait_init (&wait);
        wc_token_store_next_hotp_code_async (store, token, NULL, wc_wait_done, &wait);
        code = wc_token_store_next_hotp_code_finish (store, wc_wait_result (&wait), &error);
      }
    else
      code = wc_token_dup_code (token, at, next ? 1 : 0, &error);
  }
  if (code == NULL)
    return fail_with_error (error);

  return print_code (token, code, at, next ? 1 : 0, counter_used, json);
}

static int
cmd_add (int    argc,
         char **argv)
{
  g_autofree char *qr_file = NULL;
  GOptionEntry entries[] = {
    { "qr", 0, 0, G_OPTION_ARG_FILENAME, &qr_file, N_("Read the otpauth:// URI from a QR code in an image file"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(WcToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Add a token to the keyring from an otpauth:// URI on standard input, or from a QR code image with --qr."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;

  for (int i = 1; i < argc; i++)
    if (looks_like_secret (argv[i]))
      return refuse_secret_argument ();
  if (argc > 1)
    return fail (WC_CLI_EXIT_USAGE, _("add takes no arguments: pipe the URI into standard input"));

  if (qr_file != NULL)
    {
      g_autoptr(WcSecret) text = wc_qr_decode_file (qr_file, &error);

      if (text == NULL)
        return fail_with_error (error);
      token = wc_otpauth_uri_parse (wc_secret_get_text (text), &error);
    }
  else
    token = read_uri_from_stdin (&error);

  if (token == NULL)
    return fail_with_error (error);

  wc_wait_init (&wait);
  wc_token_store_add_async (store, token, NULL, wc_wait_done, &wait);
  if (!wc_token_store_add_finish (store, wc_wait_result (&wait), &error))
    return fail_with_error (error);

  /* TRANSLATORS: %s is "issuer (account)", then the token's UUID. */
  g_print (_("Added %s (%s)\n"), wc_token_get_label (token), wc_token_get_uuid (token));
  return WC_CLI_EXIT_OK;
}

static int
cmd_remove (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY"));
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(WcToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Delete the token QUERY names from the keyring. This cannot be undone: keep a backup device or the portal’s recovery in mind."));
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fail (WC_CLI_EXIT_USAGE, _("Name one token: webcollect-otp remove QUERY"));

  token = lookup_token (store, argv[1], &error);
  if (token == NULL)
    return fail_with_error (error);

  wc_wait_init (&wait);
  wc_token_store_remove_async (store, token, NULL, wc_wait_done, &wait);
  if (!wc_token_store_remove_finish (store, wc_wait_result (&wait), &error))
    return fail_with_error (error);

  g_print (_("Removed %s\n"), wc_token_get_label (token));
  return WC_CLI_EXIT_OK;
}

static WcToken *
lookup_readable (const char  *query,
                 int         *status)
{
  g_autoptr(WcTokenStore) store = wc_token_store_new ();
  g_autoptr(WcToken) token = NULL;
  g_autoptr(GError) error = NULL;

  token = lookup_token (store, query, &error);
  if (token != NULL && !wc_token_validate (token, &error))
    g_clear_object (&token);
  if (token == NULL)
    *status = fail_with_error (error);
  return g_steal_pointer (&token);
}

static int
cmd_show_uri (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY"));
  g_autoptr(WcToken) token = NULL;
  g_autoptr(WcSecret) uri = NULL;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Print the otpauth:// URI of a token, for example to register a backup device. The URI contains the secret key: anyone who sees it can make codes."));
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fail (WC_CLI_EXIT_USAGE, _("Name one token: webcollect-otp show-uri QUERY"));

  token = lookup_readable (argv[1], &status);
  if (token == NULL)
    return status;

  uri = wc_otpauth_uri_format (token);
  fwrite (wc_secret_get_text (uri), 1, wc_secret_get_size (uri), stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  return WC_CLI_EXIT_OK;
}

static int
cmd_qr (int    argc,
        char **argv)
{
  g_autofree char *png_file = NULL;
  int scale = 8;
  GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_file, N_("Write a PNG file (readable only by you) instead of drawing in the terminal"), N_("FILE") },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale, N_("Pixels per module in the PNG (1–64, default 8)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY"));
  g_autoptr(WcToken) token = NULL;
  g_autoptr(WcSecret) uri = NULL;
  g_autoptr(WcSecret) modules = NULL;
  g_autoptr(GError) error = NULL;
  guint width = 0;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Show a token as a QR code, so a phone can be registered as a backup device. The QR code is the secret key: do not share it or leave it on screen."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fail (WC_CLI_EXIT_USAGE, _("Name one token: webcollect-otp qr QUERY"));
  if (scale < 1 || scale > 64)
    return fail (WC_CLI_EXIT_USAGE, _("--scale must be between 1 and 64"));

  token = lookup_readable (argv[1], &status);
  if (token == NULL)
    return status;

  uri = wc_otpauth_uri_format (token);
  modules = wc_qr_encode (uri, &width, &error);
  if (modules == NULL)
    return fail_with_error (error);

  if (png_file != NULL)
    {
      if (!wc_qr_save_png (modules, width, (guint) scale, png_file, &error))
        return fail_with_error (error);
      g_printerr ("%s\n", _("The PNG file holds the secret key. Delete it once the device is registered."));
      return WC_CLI_EXIT_OK;
    }

  {
    g_autoptr(WcSecret) drawing = wc_qr_render_utf8 (modules, width);

    fwrite (wc_secret_get_text (drawing), 1, wc_secret_get_size (drawing), stdout);
    fflush (stdout);
  }
  return WC_CLI_EXIT_OK;
}

/* Reads one password from standard input, without echo on a terminal. */
static WcSecret *
read_password (GError **error)
{
  g_autoptr(WcSecret) text = NULL;
  struct termios saved, quiet;
  gboolean restore = FALSE;
  const char *data;
  gsize len;

  if (isatty (STDIN_FILENO))
    {
      g_printerr ("%s\n", _("Type the old password, then press Enter and Ctrl+D:"));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
  text = read_stdin_secret (error);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  if (text == NULL)
    return NULL;

  data = wc_secret_get_text (text);
  len = wc_secret_get_size (text);
  if (len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Standard input is empty: pipe in the old password"));
      return NULL;
    }
  if (memchr (data, '\0', len) != NULL || memchr (data, '\n', len) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Standard input must hold the password alone, on one line"));
      return NULL;
    }
  return g_steal_pointer (&text);
}

static int
cmd_tablet_check (int    argc,
                  char **argv)
{
  g_autofree char *portal = NULL;
  g_autofree char *fingerprint = NULL;
  GOptionEntry entries[] = {
    { "portal", 0, 0, G_OPTION_ARG_STRING, &portal, N_("The portal’s https:// address"), N_("URL") },
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint, N_("The SHA-256 fingerprint of the portal’s certificate, when it has a self-signed one"), N_("FP") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("MERCHANT_CODE"));
  g_autoptr(WcPortalClient) client = NULL;
  gboolean works;
  g_autoptr(WcSecret) password = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WcWait) wait = WC_WAIT_INIT;
  const char *merchant_code;
  const char *code;
  int status = WC_CLI_EXIT_OK;

  g_option_context_set_summary (context,
    _("Check that the tablet (iPad) login accepts the old password of MERCHANT_CODE, read from standard input. The portal refuses an old password that is more than 90 days old (T042000005)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return fail (WC_CLI_EXIT_USAGE, _("Name one merchant code: webcollect-otp tablet-check --portal URL MERCHANT_CODE"));
  if (portal == NULL)
    return fail (WC_CLI_EXIT_USAGE, _("Give the portal’s address with --portal URL"));
  merchant_code = argv[1];

  client = wc_portal_client_new (portal, fingerprint, &error);
  if (client == NULL)
    return fail (WC_CLI_EXIT_USAGE, error->message);

  password = read_password (&error);
  if (password == NULL)
    return fail (WC_CLI_EXIT_INVALID_INPUT, error->message);

  wc_wait_init (&wait);
  wc_portal_client_check_tablet_async (client, merchant_code, password, NULL, wc_wait_done, &wait);
  works = wc_portal_client_check_tablet_finish (client, wc_wait_result (&wait), &error);
  g_clear_pointer (&password, wc_secret_unref);

  if (!works)
    {
      g_autofree char *message = NULL;

      code = wc_portal_error_get_code (error);
      if (g_strcmp0 (code, WC_PORTAL_CODE_TABLET_PASSWORD_EXPIRED) == 0)
        return fail (WC_CLI_EXIT_REFUSED,
                     _("The old password is more than 90 days old, so the tablet (iPad) login is refused (T042000005). Change it in Web Collect Login: “Change the Old Password” after the main user's new login, or through the old login while it is open. Then the tablet login works again."));
      if (g_strcmp0 (code, WC_PORTAL_CODE_TABLET_PASSWORD_INITIAL) == 0)
        return fail (WC_CLI_EXIT_REFUSED,
                     _("The old password is a first or temporary password, so the tablet (iPad) login is refused (T042000006). Change it in Web Collect Login: “Change the Old Password” after the main user's new login, or through the old login while it is open. Then the tablet login works."));

      /* TRANSLATORS: the portal's message, then its ten-character code. */
      message = g_strdup_printf (_("%s (%s)"), error->message, code != NULL ? code : "");
      if (g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_REJECTED)
          || g_error_matches (error, WC_PORTAL_ERROR, WC_PORTAL_ERROR_LOCKED))
        return fail (WC_CLI_EXIT_REFUSED, message);
      return fail (WC_CLI_EXIT_FAILURE, message);
    }

  g_print (_("The tablet login works for %s.\n"), merchant_code);
  return WC_CLI_EXIT_OK;
}

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "list", cmd_list, N_("List the tokens in the keyring") },
  { "code", cmd_code, N_("Print a token’s one-time password") },
  { "add", cmd_add, N_("Add a token from an otpauth:// URI on standard input or a QR image") },
  { "remove", cmd_remove, N_("Delete a token from the keyring") },
  { "show-uri", cmd_show_uri, N_("Print a token’s otpauth:// URI") },
  { "qr", cmd_qr, N_("Show a token as a QR code") },
  { "tablet-check", cmd_tablet_check, N_("Check that the tablet login accepts the old password on standard input") },
};

static void
print_usage (FILE *out)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  webcollect-otp %s\n\n%s\n",
                          _("Usage:"), _("COMMAND [OPTION…]"),
                          _("One-time passwords from the keyring, for scripts and terminals."));
  g_string_append_printf (text, "\n%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-13s %s\n", commands[i].name, _(commands[i].summary));
  g_string_append_printf (text, "\n%s\n", _("Run “webcollect-otp COMMAND --help” for the options of a command."));
  g_string_append_printf (text, "\n%s\n", _("Exit status:"));
  g_string_append_printf (text, "  0  %s\n", _("success"));
  g_string_append_printf (text, "  1  %s\n", _("failure (including unreadable tokens in list)"));
  g_string_append_printf (text, "  2  %s\n", _("wrong usage"));
  g_string_append_printf (text, "  3  %s\n", _("no token matches the query"));
  g_string_append_printf (text, "  4  %s\n", _("the query matches more than one token"));
  g_string_append_printf (text, "  5  %s\n", _("invalid input (URI, QR image or parameters)"));
  g_string_append_printf (text, "  6  %s\n", _("the keyring is unavailable or locked"));
  g_string_append_printf (text, "  7  %s\n", _("the portal refused the login"));
  g_string_append_printf (text, "\n%s\n", _("Secrets are read from standard input or image files only, never from arguments."));

  if (out == stdout)
    g_print ("%s", text->str);
  else
    g_printerr ("%s", text->str);
}

int
wc_cli_main (int    argc,
             char **argv)
{
  g_set_prgname ("webcollect-otp");

  if (argc < 2)
    {
      print_usage (stderr);
      return WC_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return WC_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("webcollect-otp %s\n", PACKAGE_VERSION);
      return WC_CLI_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* Option parsing sees "webcollect-otp COMMAND" as the program. */
        g_autofree char *prgname = g_strdup_printf ("webcollect-otp %s", commands[i].name);

        g_set_prgname (prgname);
        argv[1] = argv[0];
        return commands[i].run (argc - 1, argv + 1);
      }

  if (looks_like_secret (argv[1]))
    return refuse_secret_argument ();

  {
    g_autofree char *message = g_strdup_printf (_("Unknown command “%s”. Run webcollect-otp --help for the list."), argv[1]);

    return fail (WC_CLI_EXIT_USAGE, message);
  }
}
