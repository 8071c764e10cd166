/* wc-error.h: the error domains of the core library, one per area. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WC_OTP_ERROR (wc_otp_error_quark ())
#define WC_URI_ERROR (wc_uri_error_quark ())
#define WC_STORE_ERROR (wc_store_error_quark ())
#define WC_QR_ERROR (wc_qr_error_quark ())
#define WC_PORTAL_ERROR (wc_portal_error_quark ())

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

/* Failures of a call to a portal (WcPortalClient). Every one also carries
 * a ten-character code: the portal's own when it answered with an error,
 * or one of the client's (area C0x) for what went wrong on the way. */
typedef enum {
  WC_PORTAL_ERROR_REJECTED,           /* the portal answered with an error */
  WC_PORTAL_ERROR_LOCKED,             /* 429: see the retry-after */
  WC_PORTAL_ERROR_MAINTENANCE,        /* 503: see the end time */
  WC_PORTAL_ERROR_SESSION_ENDED,      /* the portal ended the session */
  WC_PORTAL_ERROR_NOT_LOGGED_IN,      /* a session call without a session */
  WC_PORTAL_ERROR_INSECURE_URL,       /* not https:// */
  WC_PORTAL_ERROR_NETWORK,            /* unreachable, refused, closed early */
  WC_PORTAL_ERROR_TIMEOUT,
  WC_PORTAL_ERROR_TLS,                /* the certificate is not trusted */
  WC_PORTAL_ERROR_PIN_MISMATCH,       /* the certificate is not the pinned one */
  WC_PORTAL_ERROR_UNEXPECTED_STATUS,
  WC_PORTAL_ERROR_MALFORMED_RESPONSE, /* not JSON, or the wrong shape */
  WC_PORTAL_ERROR_RESPONSE_TOO_LARGE,
  WC_PORTAL_ERROR_MISSING_FIELD,      /* a member the contract requires */
} WcPortalError;

GQuark       wc_otp_error_quark        (void);
GQuark       wc_uri_error_quark        (void);
GQuark       wc_store_error_quark      (void);
GQuark       wc_qr_error_quark         (void);

const char  *wc_uri_error_get_field    (WcUriError code);

GQuark       wc_portal_error_quark            (void);
/* A portal error with its details; @message is already in the user's
 * language. */
GError      *wc_portal_error_new_full         (WcPortalError  error,
                                               const char    *code,
                                               const char    *message,
                                               const char    *field,
                                               gint64         retry_after,
                                               gint64         ends_at);
/* The ten-character code, e.g. "W011000001" or "C096000002". */
const char  *wc_portal_error_get_code         (const GError  *error);
/* The request member it is about, or NULL. */
const char  *wc_portal_error_get_field        (const GError  *error);
/* Seconds until a retry can succeed (lockouts, maintenance), or 0; at
 * most WC_PORTAL_ERROR_MAX_RETRY_AFTER, whatever a portal said, so that
 * adding it to a time never overflows. */
#define WC_PORTAL_ERROR_MAX_RETRY_AFTER (31 * 24 * 3600)
gint64       wc_portal_error_get_retry_after  (const GError  *error);
/* When a maintenance ends (Unix time), or 0. */
gint64       wc_portal_error_get_ends_at      (const GError  *error);

G_END_DECLS
