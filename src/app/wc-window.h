/* wc-window.h: the main window: Login and Authenticator side by side. */
#pragma once

#include <adwaita.h>

#include "wc-application.h"
#include "wc-login-session.h"

G_BEGIN_DECLS

#define WC_TYPE_WINDOW (wc_window_get_type ())

G_DECLARE_FINAL_TYPE (WcWindow, wc_window, WC, WINDOW, AdwApplicationWindow)

WcWindow       *wc_window_new             (WcApplication *application);
/* Connects to the portal the settings name (or the demo portal when
 * @demo), or asks which portal to use. Returns at once. */
void            wc_window_connect         (WcWindow      *self,
                                           gboolean       demo);
WcLoginSession *wc_window_get_session     (WcWindow      *self);
/* The visible page: "connect", "login", "legacy-login", "password",
 * "session" or "authenticator". */
char           *wc_window_dup_page_name   (WcWindow      *self);
/* Whether anything is still loading (for tests and screenshots). */
gboolean        wc_window_is_busy         (WcWindow      *self);
/* Once nothing is loading, shows @page (NULL for as is), renders the
 * window to @file as PNG and quits. */
void            wc_window_take_screenshot (WcWindow      *self,
                                           const char    *page,
                                           const char    *file);

G_END_DECLS
