/* wc-error.c: quarks of the core error domains. */
#include "wc-error.h"

G_DEFINE_QUARK (wc-otp-error-quark, wc_otp_error)
G_DEFINE_QUARK (wc-uri-error-quark, wc_uri_error)
G_DEFINE_QUARK (wc-store-error-quark, wc_store_error)
G_DEFINE_QUARK (wc-qr-error-quark, wc_qr_error)

/**
 * wc_uri_error_get_field:
 * @code: a #WcUriError
 *
 * Returns: the name of the otpauth field that @code is about, as it is
 *   spelled in the URI ("secret", "digits", …), for forms and scripts.
 */
const char *
wc_uri_error_get_field (WcUriError code)
{
  switch (code)
    {
    case WC_URI_ERROR_TOO_LONG: return "uri";
    case WC_URI_ERROR_INVALID: return "uri";
    case WC_URI_ERROR_SCHEME: return "scheme";
    case WC_URI_ERROR_TYPE: return "type";
    case WC_URI_ERROR_LABEL: return "label";
    case WC_URI_ERROR_SECRET: return "secret";
    case WC_URI_ERROR_ISSUER: return "issuer";
    case WC_URI_ERROR_ALGORITHM: return "algorithm";
    case WC_URI_ERROR_DIGITS: return "digits";
    case WC_URI_ERROR_PERIOD: return "period";
    case WC_URI_ERROR_COUNTER: return "counter";
    default: return "uri";
    }
}

/* Portal errors carry their details in the GError itself. */
typedef struct {
  char *code;
  char *field;
  gint64 retry_after;
  gint64 ends_at;
} WcPortalErrorPrivate;

static void
wc_portal_error_private_init (WcPortalErrorPrivate *priv)
{
}

static void
wc_portal_error_private_copy (const WcPortalErrorPrivate *src,
                              WcPortalErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->field = g_strdup (src->field);
  dest->retry_after = src->retry_after;
  dest->ends_at = src->ends_at;
}

static void
wc_portal_error_private_clear (WcPortalErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (WcPortalError, wc_portal_error)

GError *
wc_portal_error_new_full (WcPortalError  error,
                          const char    *code,
                          const char    *message,
                          const char    *field,
                          gint64         retry_after,
                          gint64         ends_at)
{
  GError *result = g_error_new_literal (WC_PORTAL_ERROR, error, message);
  WcPortalErrorPrivate *priv = wc_portal_error_get_private (result);

  priv->code = g_strdup (code);
  priv->field = g_strdup (field);
  priv->retry_after = CLAMP (retry_after, 0, WC_PORTAL_ERROR_MAX_RETRY_AFTER);
  priv->ends_at = MAX (ends_at, 0);
  return result;
}

const char *
wc_portal_error_get_code (const GError *error)
{
  WcPortalErrorPrivate *priv = wc_portal_error_get_private (error);

  return priv != NULL ? priv->code : NULL;
}

const char *
wc_portal_error_get_field (const GError *error)
{
  WcPortalErrorPrivate *priv = wc_portal_error_get_private (error);

  return priv != NULL ? priv->field : NULL;
}

gint64
wc_portal_error_get_retry_after (const GError *error)
{
  WcPortalErrorPrivate *priv = wc_portal_error_get_private (error);

  return priv != NULL ? priv->retry_after : 0;
}

gint64
wc_portal_error_get_ends_at (const GError *error)
{
  WcPortalErrorPrivate *priv = wc_portal_error_get_private (error);

  return priv != NULL ? priv->ends_at : 0;
}
