/* wc-api-error.h: every answer the portal gives that is not a success.
 * Each error has a ten-character code (area, category, detail), an HTTP
 * status and an English and a Japanese message; docs/portal-api.yaml
 * lists the same catalogue, and a test keeps the two equal. The request
 * field, the seconds to wait and a maintenance end travel inside the
 * GError (an extended error domain). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WC_API_ERROR (wc_api_error_quark ())

typedef enum {
  WC_API_ERROR_LOGIN_FAILED,              /* W011000001 */
  WC_API_ERROR_OTP_REQUIRED,              /* W011000002 */
  WC_API_ERROR_OTP_INVALID,               /* W011000003 */
  WC_API_ERROR_LOGIN_LOCKED,              /* W011000004 */
  WC_API_ERROR_USER_DISABLED,             /* W013000001 */
  WC_API_ERROR_CURRENT_PASSWORD_WRONG,    /* W021000001 */
  WC_API_ERROR_CURRENT_PASSWORD_LOCKED,   /* W021000002 */
  WC_API_ERROR_PASSWORD_TOO_SHORT,        /* W022000001 */
  WC_API_ERROR_PASSWORD_CLASSES,          /* W022000002 */
  WC_API_ERROR_PASSWORD_EQUALS_ID,        /* W022000003 */
  WC_API_ERROR_PASSWORD_REUSED,           /* W022000004 */
  WC_API_ERROR_PASSWORD_CHANGE_REQUIRED,  /* W022000005 */
  WC_API_ERROR_LEGACY_PASSWORD_EXPIRED,   /* W022000006 */
  WC_API_ERROR_OTP_ACTIVATION_MISMATCH,   /* W031000001 */
  WC_API_ERROR_OTP_NOT_PENDING,           /* W034000001 */
  WC_API_ERROR_NOT_MAIN_USER,             /* W043000001 */
  WC_API_ERROR_MAIN_USER_PROTECTED,       /* W043000002 */
  WC_API_ERROR_USER_NOT_FOUND,            /* W044000001 */
  WC_API_ERROR_USER_EXISTS,               /* W044000002 */
  WC_API_ERROR_USER_LIMIT,                /* W044000003 */
  WC_API_ERROR_SESSION_REQUIRED,          /* W051000001 */
  WC_API_ERROR_SESSION_INVALID,           /* W051000002 */
  WC_API_ERROR_SESSION_IDLE,              /* W051000003 */
  WC_API_ERROR_WRONG_LOGIN_METHOD,        /* W053000001 */
  WC_API_ERROR_SESSION_RESTRICTED,        /* W053000002 */
  WC_API_ERROR_LEGACY_LOGIN_FAILED,       /* W061000001 */
  WC_API_ERROR_LEGACY_LOCKED,             /* W061000002 */
  WC_API_ERROR_LEGACY_CLOSED,             /* W066000001 */
  WC_API_ERROR_TABLET_LOGIN_FAILED,       /* T041000001 */
  WC_API_ERROR_TABLET_LOCKED,             /* T041000002 */
  WC_API_ERROR_TABLET_PASSWORD_EXPIRED,   /* T042000005 */
  WC_API_ERROR_TABLET_TEMPORARY_PASSWORD, /* T042000006 */
  WC_API_ERROR_NOT_FOUND,                 /* W094000001 */
  WC_API_ERROR_METHOD_NOT_ALLOWED,        /* W094000002 */
  WC_API_ERROR_BAD_JSON,                  /* W095000001 */
  WC_API_ERROR_MISSING_FIELD,             /* W095000002 */
  WC_API_ERROR_WRONG_TYPE,                /* W095000003 */
  WC_API_ERROR_TOO_LONG,                  /* W095000004 */
  WC_API_ERROR_BAD_CHARACTERS,            /* W095000005 */
  WC_API_ERROR_UNKNOWN_FIELD,             /* W095000006 */
  WC_API_ERROR_INVALID_VALUE,             /* W095000007 */
  WC_API_ERROR_BODY_TOO_LARGE,            /* W095000008 */
  WC_API_ERROR_UNSUPPORTED_MEDIA_TYPE,    /* W095000009 */
  WC_API_ERROR_MAINTENANCE,               /* W096000001 */
  WC_API_ERROR_INTERNAL,                  /* W099000001 */
} WcApiErrorCode;

#define WC_API_ERROR_COUNT (WC_API_ERROR_INTERNAL + 1)

typedef struct {
  WcApiErrorCode error;
  const char *code;         /* ten characters */
  guint status;             /* HTTP */
  const char *field;        /* the request field it is about, or NULL */
  const char *message;
  const char *message_ja;
} WcApiErrorInfo;

GQuark                   wc_api_error_quark     (void);
const WcApiErrorInfo *wc_api_error_info      (WcApiErrorCode code);
const WcApiErrorInfo *wc_api_error_catalogue (guint            *n_entries);

/* Extra details carried inside a WC_API_ERROR GError. */
void                     wc_api_error_set_field       (GError     *error,
                                                          const char *field);
const char              *wc_api_error_get_field       (const GError *error);
void                     wc_api_error_set_retry_after (GError     *error,
                                                          gint64      seconds,
                                                          gint64      ends_at);
gint64                   wc_api_error_get_retry_after (const GError *error);
gint64                   wc_api_error_get_ends_at     (const GError *error);

/* A new error with the catalogue's English message. */
GError                  *wc_api_error_new             (WcApiErrorCode code);
GError                  *wc_api_error_new_for_field   (WcApiErrorCode code,
                                                          const char       *field);

G_END_DECLS
