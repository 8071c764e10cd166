/* wc-token-row.h: one token in the authenticator list: its name, its
 * current code and the seconds the code has left. */
#pragma once

#include <adwaita.h>

#include "wc-token.h"

G_BEGIN_DECLS

#define WC_TYPE_TOKEN_ROW (wc_token_row_get_type ())

G_DECLARE_FINAL_TYPE (WcTokenRow, wc_token_row, WC, TOKEN_ROW, AdwActionRow)

WcTokenRow *wc_token_row_new                      (WcToken    *token);
WcToken    *wc_token_row_get_token                (WcTokenRow *self);
const char *wc_token_row_get_uuid                 (WcTokenRow *self);

/* Brings the code and countdown up to @unix_time (portal time). Labels
 * are only touched when their text changes. */
void        wc_token_row_update                   (WcTokenRow *self,
                                                   gint64      unix_time);
/* The code as digits without grouping, or NULL (an HOTP token before its
 * first code, an unreadable token). */
const char *wc_token_row_get_code                 (WcTokenRow *self);
/* Shows an HOTP code that the store has just made. */
void        wc_token_row_set_hotp_code            (WcTokenRow *self,
                                                   const char *code);
/* Shows a spinner and makes the row's actions insensitive. */
void        wc_token_row_set_busy                 (WcTokenRow *self,
                                                   gboolean    busy);

/* What a screen reader is told about the code and the countdown; tests
 * read these since GTK cannot read accessible properties back. */
const char *wc_token_row_get_code_description     (WcTokenRow *self);
const char *wc_token_row_get_countdown_description (WcTokenRow *self);

/* "123 456": the code grouped for reading. */
char       *wc_token_row_group_code               (const char *code);

G_END_DECLS
