/* wc-login-page.h: the login page: the new login (the default), the old
 * login for this run only, notices about maintenance and the old login's
 * closing, and the demo credentials. */
#pragma once

#include <adwaita.h>

#include "wc-demo-portal.h"

#include "wc-login-session.h"
#include "wc-settings.h"

G_BEGIN_DECLS

#define WC_TYPE_LOGIN_PAGE (wc_login_page_get_type ())

G_DECLARE_FINAL_TYPE (WcLoginPage, wc_login_page, WC, LOGIN_PAGE, AdwBin)

void      wc_login_page_set_settings         (WcLoginPage    *self,
                                              WcSettings     *settings);
/* The portal to log in to, or NULL while there is none. */
void      wc_login_page_set_session          (WcLoginPage    *self,
                                              WcLoginSession *session);
/* The demo portal, or NULL: its credentials are shown, and the "mail"
 * of an old-password reset can be read from its outbox. */
void      wc_login_page_set_demo             (WcLoginPage    *self,
                                              WcDemoPortal   *demo);
/* The old login is for this run only: nothing stores this. */
void      wc_login_page_set_legacy           (WcLoginPage    *self,
                                              gboolean        legacy);
gboolean  wc_login_page_get_legacy           (WcLoginPage    *self);
/* Shows a notice above the form (error, warning or info), or hides it. */
void      wc_login_page_show_notice          (WcLoginPage    *self,
                                              const char     *style,
                                              const char     *text);
gboolean  wc_login_page_is_busy              (WcLoginPage    *self);

G_END_DECLS
