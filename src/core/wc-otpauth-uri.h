/* wc-otpauth-uri.h: the otpauth:// Key URI format, parsed into a WcToken
 * and formatted back. */
#pragma once

#include "wc-token.h"

G_BEGIN_DECLS

#define WC_OTPAUTH_URI_MAX_LENGTH 4096

WcToken  *wc_otpauth_uri_parse   (const char  *uri,
                                  GError     **error);
WcSecret *wc_otpauth_uri_format  (WcToken     *token);

G_END_DECLS
