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
