/* wc-token.h: one authenticator entry: its parameters and its key. */
#pragma once

#include <glib-object.h>

#include "wc-otp.h"
#include "wc-secret.h"

G_BEGIN_DECLS

#define WC_TYPE_TOKEN (wc_token_get_type ())

G_DECLARE_FINAL_TYPE (WcToken, wc_token, WC, TOKEN, GObject)

/* Where a token stands in a key change (see wc-enrollment.h): a pending
 * key is stored before the portal confirms it, and the key it replaces is
 * kept, superseded, until then. Tokens from before states existed are
 * active. */
typedef enum {
  WC_TOKEN_STATE_ACTIVE,
  WC_TOKEN_STATE_PENDING,
  WC_TOKEN_STATE_SUPERSEDED,
} WcTokenState;

/* "active", "pending", "superseded": the keyring attribute's values. */
const char     *wc_token_state_to_string   (WcTokenState    state);
gboolean        wc_token_state_from_string (const char     *text,
                                            WcTokenState   *state);

WcToken        *wc_token_new               (void);
WcToken        *wc_token_new_unreadable    (const char     *uuid,
                                            const char     *label,
                                            const char     *problem);
WcToken        *wc_token_copy              (WcToken        *self);

const char     *wc_token_get_uuid          (WcToken        *self);
void            wc_token_set_uuid          (WcToken        *self,
                                            const char     *uuid);
const char     *wc_token_get_issuer        (WcToken        *self);
void            wc_token_set_issuer        (WcToken        *self,
                                            const char     *issuer);
const char     *wc_token_get_account       (WcToken        *self);
void            wc_token_set_account       (WcToken        *self,
                                            const char     *account);
WcOtpType       wc_token_get_otp_type      (WcToken        *self);
void            wc_token_set_otp_type      (WcToken        *self,
                                            WcOtpType       type);
WcOtpAlgorithm  wc_token_get_algorithm     (WcToken        *self);
void            wc_token_set_algorithm     (WcToken        *self,
                                            WcOtpAlgorithm  algorithm);
guint           wc_token_get_digits        (WcToken        *self);
void            wc_token_set_digits        (WcToken        *self,
                                            guint           digits);
guint           wc_token_get_period        (WcToken        *self);
void            wc_token_set_period        (WcToken        *self,
                                            guint           period);
guint64         wc_token_get_counter       (WcToken        *self);
void            wc_token_set_counter       (WcToken        *self,
                                            guint64         counter);
WcTokenState    wc_token_get_state         (WcToken        *self);
void            wc_token_set_state         (WcToken        *self,
                                            WcTokenState    state);
WcSecret       *wc_token_get_key           (WcToken        *self);
void            wc_token_set_key           (WcToken        *self,
                                            WcSecret       *key);
WcSecret       *wc_token_dup_base32_key    (WcToken        *self);

gboolean        wc_token_is_readable       (WcToken        *self);
const char     *wc_token_get_problem       (WcToken        *self);
const char     *wc_token_get_label         (WcToken        *self);

gboolean        wc_token_validate          (WcToken        *self,
                                            GError        **error);
char           *wc_token_dup_code          (WcToken        *self,
                                            gint64          unix_time,
                                            int             step_offset,
                                            GError        **error);
guint           wc_token_get_seconds_left  (WcToken        *self,
                                            gint64          unix_time);
gboolean        wc_token_matches           (WcToken        *self,
                                            const char     *query);

G_END_DECLS
