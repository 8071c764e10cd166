/* wc-token-page.h: the built-in authenticator: the list of tokens with
 * their current codes, and what can be done with them. */
#pragma once

#include <adwaita.h>

#include "wc-token-store.h"
#include "wc-login-session.h"
#include "wc-settings.h"
#include "wc-token-row.h"
#include "wc-clipboard-guard.h"

G_BEGIN_DECLS

#define WC_TYPE_TOKEN_PAGE (wc_token_page_get_type ())

G_DECLARE_FINAL_TYPE (WcTokenPage, wc_token_page, WC, TOKEN_PAGE, AdwBin)

WcTokenPage      *wc_token_page_new                 (void);
/* Lists the tokens again from the keyring (when the page is shown). */
void              wc_token_page_reload              (WcTokenPage *self);
/* Copies the selected (focused) token's code; FALSE if none is selected. */
gboolean          wc_token_page_copy_selected       (WcTokenPage *self);

/* What the page shows: "loading", "empty", "error" or "list". */
const char       *wc_token_page_get_state           (WcTokenPage *self);
/* Whether a listing is under way. */
gboolean          wc_token_page_is_loading          (WcTokenPage *self);
WcTokenRow       *wc_token_page_find_row            (WcTokenPage *self,
                                                     const char  *uuid);
guint             wc_token_page_get_n_rows          (WcTokenPage *self);
/* The open add dialog, or NULL. */
GtkWindow        *wc_token_page_get_add_dialog      (WcTokenPage *self);
/* Created on the first copy; NULL before. */
WcClipboardGuard *wc_token_page_get_clipboard_guard (WcTokenPage *self);

G_END_DECLS
