/* wc-portal-codes.h: the portal's error codes (docs/portal-api.yaml) that
 * the app and the CLI act on, by name. Compare them with
 * wc_portal_error_get_code(). */
#pragma once

G_BEGIN_DECLS

#define WC_PORTAL_CODE_OTP_INVALID               "W011000003"  /* wrong or already used code */
#define WC_PORTAL_CODE_CURRENT_PASSWORD_WRONG    "W021000001"
#define WC_PORTAL_CODE_PASSWORD_TOO_SHORT        "W022000001"
#define WC_PORTAL_CODE_PASSWORD_CLASSES          "W022000002"
#define WC_PORTAL_CODE_PASSWORD_EQUALS_ID        "W022000003"
#define WC_PORTAL_CODE_PASSWORD_REUSED           "W022000004"
#define WC_PORTAL_CODE_PASSWORD_CHANGE_REQUIRED  "W022000005"
#define WC_PORTAL_CODE_OLD_PASSWORD_EXPIRED      "W022000006"
#define WC_PORTAL_CODE_OTP_NOT_PENDING           "W034000001"
#define WC_PORTAL_CODE_NOT_MAIN_USER             "W043000001"
#define WC_PORTAL_CODE_WRONG_LOGIN_METHOD        "W053000001"
#define WC_PORTAL_CODE_SESSION_RESTRICTED        "W053000002"
#define WC_PORTAL_CODE_OLD_LOGIN_CLOSED          "W066000001"
#define WC_PORTAL_CODE_TABLET_PASSWORD_EXPIRED   "T042000005"  /* the old password is over 90 days old */
#define WC_PORTAL_CODE_TABLET_PASSWORD_INITIAL   "T042000006"  /* a first or reset old password */
#define WC_PORTAL_CODE_INTERNAL                  "W099000001"

G_END_DECLS
