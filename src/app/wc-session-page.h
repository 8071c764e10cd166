/* wc-session-page.h: the page after login: who is logged in and how,
 * the idle countdown, password ages, Log Out, and the area where account
 * management goes. */
#pragma once

#include <adwaita.h>

#include "wc-login-session.h"

G_BEGIN_DECLS

#define WC_TYPE_SESSION_PAGE (wc_session_page_get_type ())

G_DECLARE_FINAL_TYPE (WcSessionPage, wc_session_page, WC, SESSION_PAGE, AdwBin)

WcSessionPage *wc_session_page_new              (void);
/* Follows the login of @session (or shows nothing for NULL). */
void           wc_session_page_set_session      (WcSessionPage  *self,
                                                 WcLoginSession *session);
/* Where account management (users, keys) goes: an empty vertical box. */
GtkBox        *wc_session_page_get_account_area (WcSessionPage  *self);

G_END_DECLS
