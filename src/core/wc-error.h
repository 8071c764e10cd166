/* wc-error.h: the error domains of the core library, one per area. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WC_OTP_ERROR (wc_otp_error_quark ())
#define WC_URI_ERROR (wc_uri_error_quark ())
#define WC_STORE_ERROR (wc_store_error_quark ())
#define WC_QR_ERROR (wc_qr_error_quark ())

/* Failures while computing a one-time password. */
typedef enum {
  WC_OTP_ERROR_DIGITS,     /* liboath supports 6, 7 or 8 digits only */
  WC_OTP_ERROR_PERIOD,     /* period outside 1..300 s */
  WC_OTP_ERROR_ALGORITHM,
  WC_OTP_ERROR_SECRET,     /* not base32, or too short */
  WC_OTP_ERROR_TIME,       /* a time before the Unix epoch */
  WC_OTP_ERROR_COUNTER,
  WC_OTP_ERROR_FAILED,     /* liboath itself failed */
} WcOtpError;

/* Rejections of an otpauth:// URI. The code names the offending field, so
 * that a form can put the message next to the right entry. */
typedef enum {
  WC_URI_ERROR_TOO_LONG,
  WC_URI_ERROR_INVALID,     /* not a URI at all */
  WC_URI_ERROR_SCHEME,
  WC_URI_ERROR_TYPE,
  WC_URI_ERROR_LABEL,
  WC_URI_ERROR_SECRET,
  WC_URI_ERROR_ISSUER,
  WC_URI_ERROR_ALGORITHM,
  WC_URI_ERROR_DIGITS,
  WC_URI_ERROR_PERIOD,
  WC_URI_ERROR_COUNTER,
} WcUriError;

/* Failures of the keyring token store. */
typedef enum {
  WC_STORE_ERROR_NO_SERVICE,      /* no Secret Service on the session bus */
  WC_STORE_ERROR_LOCKED,          /* the keyring holding the tokens is locked */
  WC_STORE_ERROR_UNLOCK_REFUSED,  /* the user dismissed the unlock prompt */
  WC_STORE_ERROR_NOT_FOUND,
  WC_STORE_ERROR_AMBIGUOUS,       /* a query names more than one token */
  WC_STORE_ERROR_UNREADABLE,      /* the item exists but cannot be parsed */
  WC_STORE_ERROR_FAILED,
} WcStoreError;

/* Failures while reading or drawing a QR code. */
typedef enum {
  WC_QR_ERROR_IMAGE,      /* the file is not an image that can be read */
  WC_QR_ERROR_NO_CODE,    /* the image holds no readable QR code */
  WC_QR_ERROR_TOO_LONG,   /* the text does not fit in a QR code */
  WC_QR_ERROR_FAILED,
} WcQrError;

GQuark       wc_otp_error_quark        (void);
GQuark       wc_uri_error_quark        (void);
GQuark       wc_store_error_quark      (void);
GQuark       wc_qr_error_quark         (void);

const char  *wc_uri_error_get_field    (WcUriError code);

G_END_DECLS
