/* wc-otp.h: HOTP (RFC 4226) and TOTP (RFC 6238) codes through liboath. */
#pragma once

#include <glib.h>

#include "wc-secret.h"

G_BEGIN_DECLS

typedef enum {
  WC_OTP_TYPE_TOTP,
  WC_OTP_TYPE_HOTP,
} WcOtpType;

typedef enum {
  WC_OTP_ALGORITHM_SHA1,
  WC_OTP_ALGORITHM_SHA256,
  WC_OTP_ALGORITHM_SHA512,
} WcOtpAlgorithm;

#define WC_OTP_MIN_DIGITS 6   /* liboath supports 6 to 8 digits */
#define WC_OTP_MAX_DIGITS 8
#define WC_OTP_MIN_PERIOD 1
#define WC_OTP_MAX_PERIOD 300
#define WC_OTP_DEFAULT_DIGITS 6
#define WC_OTP_DEFAULT_PERIOD 30
#define WC_OTP_MIN_KEY_BYTES 10   /* 80 bits, the RFC 4226 minimum */
#define WC_OTP_MAX_KEY_BYTES 256

const char *wc_otp_type_to_string        (WcOtpType       type);
gboolean    wc_otp_type_from_string      (const char     *text,
                                          WcOtpType      *type);
const char *wc_otp_algorithm_to_string   (WcOtpAlgorithm  algorithm);
gboolean    wc_otp_algorithm_from_string (const char     *text,
                                          WcOtpAlgorithm *algorithm);

gboolean    wc_otp_check_digits          (guint           digits,
                                          GError        **error);
gboolean    wc_otp_check_period          (guint           period,
                                          GError        **error);
gboolean    wc_otp_check_key             (const WcSecret *key,
                                          GError        **error);

char       *wc_otp_hotp                  (const WcSecret *key,
                                          WcOtpAlgorithm  algorithm,
                                          guint           digits,
                                          guint64         counter,
                                          GError        **error);
char       *wc_otp_totp                  (const WcSecret *key,
                                          WcOtpAlgorithm  algorithm,
                                          guint           digits,
                                          guint           period,
                                          gint64          unix_time,
                                          GError        **error);
guint64     wc_otp_totp_step             (gint64          unix_time,
                                          guint           period);
guint       wc_otp_totp_seconds_left     (gint64          unix_time,
                                          guint           period);

G_END_DECLS
