/* wc-otpauth-uri.c: parsing and formatting otpauth:// URIs
 * (otpauth://TYPE/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…
 * &period=…&counter=…). Every value is percent-decoded into a wiped
 * buffer, because the secret is one of them and the URI as a whole is
 * as sensitive as the key it carries. */
#include "wc-otpauth-uri.h"
#include "wc-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decodes %XX escapes (and '+' as a space in query values) into a wiped
 * buffer, and insists on valid UTF-8 without control characters. */
static WcSecret *
percent_decode (const char  *text,
                gsize        len,
                gboolean     plus_is_space,
                WcUriError   field,
                const char  *field_label,
                GError     **error)
{
  g_autoptr(WcSecret) out = wc_secret_new (len);
  guint8 *data = wc_secret_get_data (out);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '%')
        {
          int hi = i + 2 < len ? hex_value (text[i + 1]) : -1;
          int lo = i + 2 < len ? hex_value (text[i + 2]) : -1;

          if (hi < 0 || lo < 0)
            {
              g_set_error (error, WC_URI_ERROR, field,
                           _("%s: “%%” must be followed by two hexadecimal digits"),
                           field_label);
              return NULL;
            }
          data[n++] = (guint8) (hi << 4 | lo);
          i += 2;
        }
      else if (c == '+' && plus_is_space)
        data[n++] = ' ';
      else
        data[n++] = (guint8) c;
    }
  wc_secret_truncate (out, n);

  if (!g_utf8_validate ((const char *) data, n, NULL))
    {
      g_set_error (error, WC_URI_ERROR, field,
                   _("%s: the text is not valid UTF-8"), field_label);
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    if (data[i] < 0x20 || data[i] == 0x7f)
      {
        g_set_error (error, WC_URI_ERROR, field,
                     _("%s: control characters are not allowed"), field_label);
        return NULL;
      }

  return g_steal_pointer (&out);
}

static gboolean
parse_unsigned (const char *text,
                guint64     max,
                guint64    *out)
{
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      if (value > (max - (guint64) (*p - '0')) / 10)
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  *out = value;
  return TRUE;
}

typedef struct {
  WcSecret *secret;
  WcSecret *issuer;
  WcSecret *algorithm;
  WcSecret *digits;
  WcSecret *period;
  WcSecret *counter;
} Params;

static void
params_clear (Params *params)
{
  g_clear_pointer (&params->secret, wc_secret_unref);
  g_clear_pointer (&params->issuer, wc_secret_unref);
  g_clear_pointer (&params->algorithm, wc_secret_unref);
  g_clear_pointer (&params->digits, wc_secret_unref);
  g_clear_pointer (&params->period, wc_secret_unref);
  g_clear_pointer (&params->counter, wc_secret_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Params, params_clear)

static gboolean
parse_query (const char  *query,
             Params      *params,
             GError     **error)
{
  const char *p = query;

  while (p != NULL && *p != '\0')
    {
      const char *end = strchr (p, '&');
      const char *eq;
      gsize pair_len = end != NULL ? (gsize) (end - p) : strlen (p);
      gsize name_len;
      WcSecret **slot = NULL;
      WcUriError field = WC_URI_ERROR_INVALID;
      const char *name = NULL;

      eq = memchr (p, '=', pair_len);
      name_len = eq != NULL ? (gsize) (eq - p) : pair_len;

#define PARAM(str, member, code) \
      if (name_len == strlen (str) && g_ascii_strncasecmp (p, str, name_len) == 0) \
        { slot = &params->member; field = code; name = str; }

      PARAM ("secret", secret, WC_URI_ERROR_SECRET)
      else PARAM ("issuer", issuer, WC_URI_ERROR_ISSUER)
      else PARAM ("algorithm", algorithm, WC_URI_ERROR_ALGORITHM)
      else PARAM ("digits", digits, WC_URI_ERROR_DIGITS)
      else PARAM ("period", period, WC_URI_ERROR_PERIOD)
      else PARAM ("counter", counter, WC_URI_ERROR_COUNTER)
#undef PARAM

      /* Unknown parameters (image=, color=, …) are allowed and ignored. */
      if (slot != NULL)
        {
          if (*slot != NULL)
            {
              g_set_error (error, WC_URI_ERROR, field,
                           _("%s: the parameter appears more than once"), name);
              return FALSE;
            }
          if (eq == NULL)
            *slot = wc_secret_new (0);
          else
            {
              *slot = percent_decode (eq + 1, pair_len - name_len - 1, TRUE,
                                      field, name, error);
              if (*slot == NULL)
                return FALSE;
            }
        }

      p = end != NULL ? end + 1 : NULL;
    }
  return TRUE;
}

static gboolean
parse_label (WcToken     *token,
             const char  *label,
             gsize        len,
             GError     **error)
{
  g_autoptr(WcSecret) decoded = NULL;
  const char *text;
  const char *colon;
  g_autofree char *issuer = NULL;
  g_autofree char *account = NULL;

  decoded = percent_decode (label, len, FALSE, WC_URI_ERROR_LABEL, "label", error);
  if (decoded == NULL)
    return FALSE;
  text = wc_secret_get_text (decoded);

  colon = strchr (text, ':');
  if (colon != NULL)
    {
      issuer = g_strstrip (g_strndup (text, (gsize) (colon - text)));
      account = g_strstrip (g_strdup (colon + 1));
    }
  else
    account = g_strstrip (g_strdup (text));

  if (strchr (account, ':') != NULL)
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_LABEL,
                   _("label: the account name must not contain a colon"));
      return FALSE;
    }
  if (issuer != NULL && *issuer == '\0')
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_LABEL,
                   _("label: the issuer before the colon is empty"));
      return FALSE;
    }

  wc_token_set_account (token, account);
  if (issuer != NULL)
    wc_token_set_issuer (token, issuer);
  return TRUE;
}

/**
 * wc_otpauth_uri_parse:
 * @uri: an otpauth:// URI
 *
 * Parses a Key URI. Lower-case or padded base32 and spaces inside the
 * secret are accepted; the key is kept decoded, in wiped memory.
 *
 * Returns: (transfer full): the token, or %NULL with @error set in
 *   %WC_URI_ERROR, the code naming the field at fault.
 */
WcToken *
wc_otpauth_uri_parse (const char  *uri,
                      GError     **error)
{
  g_autoptr(WcToken) token = NULL;
  g_auto(Params) params = { NULL };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(WcSecret) key = NULL;
  const char *rest;
  const char *slash;
  const char *query;
  g_autofree char *type_text = NULL;
  WcOtpType type;
  gsize len;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (uri);
  if (len > WC_OTPAUTH_URI_MAX_LENGTH)
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_TOO_LONG,
                   _("uri: the URI is longer than %d bytes"), WC_OTPAUTH_URI_MAX_LENGTH);
      return NULL;
    }

  /* A URI pasted from a web page or a QR code may carry white space
   * around it, but never inside. */
  while (g_ascii_isspace (*uri))
    uri++;
  len = strlen (uri);
  while (len > 0 && g_ascii_isspace (uri[len - 1]))
    len--;

  if (len < 10 || g_ascii_strncasecmp (uri, "otpauth://", 10) != 0)
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_SCHEME,
                   _("scheme: the URI must start with otpauth://"));
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    if ((guchar) uri[i] < 0x20 || uri[i] == 0x7f)
      {
        g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_INVALID,
                     _("uri: the URI contains line breaks or control characters"));
        return NULL;
      }

  rest = uri + 10;
  slash = memchr (rest, '/', len - 10);
  query = memchr (rest, '?', len - 10);
  if (slash == NULL || (query != NULL && query < slash))
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_TYPE,
                   _("type: the URI must name the type, as in otpauth://totp/…"));
      return NULL;
    }

  type_text = g_strndup (rest, (gsize) (slash - rest));
  if (!wc_otp_type_from_string (type_text, &type))
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_TYPE,
                   _("type: “%s” is not supported; use totp or hotp"), type_text);
      return NULL;
    }

  token = wc_token_new ();
  wc_token_set_otp_type (token, type);

  {
    const char *label = slash + 1;
    const char *label_end = query != NULL ? query : uri + len;
    g_autofree char *query_text = NULL;

    if (!parse_label (token, label, (gsize) (label_end - label), error))
      return NULL;

    if (query != NULL)
      {
        /* Copied into a wiped buffer: the query holds the secret. */
        g_autoptr(WcSecret) query_copy =
          wc_secret_new_from_data (query + 1, (gsize) (uri + len - query - 1));

        if (!parse_query (wc_secret_get_text (query_copy), &params, error))
          return NULL;
      }
  }

  if (params.secret == NULL || wc_secret_get_size (params.secret) == 0)
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_SECRET,
                   _("secret: the secret key is missing"));
      return NULL;
    }
  key = wc_base32_decode (wc_secret_get_text (params.secret), &local_error);
  if (key == NULL || !wc_otp_check_key (key, &local_error))
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_SECRET,
                   "secret: %s", local_error->message);
      return NULL;
    }
  wc_token_set_key (token, key);

  if (params.issuer != NULL)
    {
      const char *issuer = wc_secret_get_text (params.issuer);

      /* The parameter is the one authenticators agree on; the label
       * prefix is the older convention and only a fallback. */
      if (*issuer != '\0')
        wc_token_set_issuer (token, issuer);
    }

  if (*wc_token_get_issuer (token) == '\0' && *wc_token_get_account (token) == '\0')
    {
      g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_LABEL,
                   _("label: the URI names neither an issuer nor an account"));
      return NULL;
    }

  if (params.algorithm != NULL)
    {
      WcOtpAlgorithm algorithm;

      if (!wc_otp_algorithm_from_string (wc_secret_get_text (params.algorithm), &algorithm))
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_ALGORITHM,
                       _("algorithm: “%s” is not supported; use SHA1, SHA256 or SHA512"),
                       wc_secret_get_text (params.algorithm));
          return NULL;
        }
      wc_token_set_algorithm (token, algorithm);
    }

  if (params.digits != NULL)
    {
      guint64 digits = 0;

      if (!parse_unsigned (wc_secret_get_text (params.digits), 99, &digits)
          || !wc_otp_check_digits ((guint) digits, NULL))
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_DIGITS,
                       _("digits: “%s” is not supported; a code has 6, 7 or 8 digits"),
                       wc_secret_get_text (params.digits));
          return NULL;
        }
      wc_token_set_digits (token, (guint) digits);
    }

  if (params.period != NULL)
    {
      guint64 period = 0;

      if (!parse_unsigned (wc_secret_get_text (params.period), 100000, &period)
          || !wc_otp_check_period ((guint) period, NULL))
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_PERIOD,
                       _("period: “%s” is not supported; it must be a whole number of seconds from 1 to 300"),
                       wc_secret_get_text (params.period));
          return NULL;
        }
      wc_token_set_period (token, (guint) period);
    }

  if (type == WC_OTP_TYPE_HOTP)
    {
      guint64 counter = 0;

      if (params.counter == NULL)
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_COUNTER,
                       _("counter: an hotp URI must give the counter"));
          return NULL;
        }
      if (!parse_unsigned (wc_secret_get_text (params.counter), G_MAXINT64, &counter))
        {
          g_set_error (error, WC_URI_ERROR, WC_URI_ERROR_COUNTER,
                       _("counter: “%s” is not a whole number from 0 to 9223372036854775807"),
                       wc_secret_get_text (params.counter));
          return NULL;
        }
      wc_token_set_counter (token, counter);
    }

  return g_steal_pointer (&token);
}

/**
 * wc_otpauth_uri_format:
 * @token: a readable token
 *
 * Returns: (transfer full): the token as an otpauth:// URI, in a wiped
 *   buffer, since it contains the key.
 */
WcSecret *
wc_otpauth_uri_format (WcToken *token)
{
  g_autoptr(WcSecret) base32 = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *account = NULL;
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(WcSecret) uri = NULL;
  gsize head_len, secret_len, tail_len;
  guint8 *out;

  g_return_val_if_fail (WC_IS_TOKEN (token), NULL);
  g_return_val_if_fail (wc_token_get_key (token) != NULL, NULL);

  base32 = wc_token_dup_base32_key (token);
  issuer = g_uri_escape_string (wc_token_get_issuer (token), NULL, FALSE);
  account = g_uri_escape_string (wc_token_get_account (token), NULL, FALSE);

  if (*issuer != '\0')
    head = g_strdup_printf ("otpauth://%s/%s:%s?secret=",
                            wc_otp_type_to_string (wc_token_get_otp_type (token)),
                            issuer, account);
  else
    head = g_strdup_printf ("otpauth://%s/%s?secret=",
                            wc_otp_type_to_string (wc_token_get_otp_type (token)),
                            account);

  {
    g_autoptr(GString) params = g_string_new (NULL);

    if (*issuer != '\0')
      g_string_append_printf (params, "&issuer=%s", issuer);
    g_string_append_printf (params, "&algorithm=%s&digits=%u",
                            wc_otp_algorithm_to_string (wc_token_get_algorithm (token)),
                            wc_token_get_digits (token));
    if (wc_token_get_otp_type (token) == WC_OTP_TYPE_HOTP)
      g_string_append_printf (params, "&counter=%" G_GUINT64_FORMAT,
                              wc_token_get_counter (token));
    else
      g_string_append_printf (params, "&period=%u", wc_token_get_period (token));
    tail = g_string_free (g_steal_pointer (&params), FALSE);
  }

  head_len = strlen (head);
  secret_len = wc_secret_get_size (base32);
  tail_len = strlen (tail);

  /* Assembled straight into the wiped buffer, never in a growing string
   * that would leave copies of the key behind in freed memory. */
  uri = wc_secret_new (head_len + secret_len + tail_len);
  out = wc_secret_get_data (uri);
  memcpy (out, head, head_len);
  memcpy (out + head_len, wc_secret_get_data (base32), secret_len);
  memcpy (out + head_len + secret_len, tail, tail_len);

  return g_steal_pointer (&uri);
}
