/* wc-window-private.h: WcWindow's instance, shared by wc-window.c and
 * wc-window-actions.c. */
#pragma once

#include "wc-window.h"
#include "wc-error-bar.h"
#include "wc-clipboard-guard.h"
#include "wc-connect-page.h"
#include "wc-login-page.h"
#include "wc-password-page.h"
#include "wc-session-page.h"
#include "wc-token-page.h"

G_BEGIN_DECLS

struct _WcWindow
{
  AdwApplicationWindow parent_instance;

  WcApplication *application;
  WcSettings *settings;
  WcLoginSession *session;
  /* Cancelled when the window closes, so nothing calls back into it. */
  GCancellable *cancellable;
  guint connecting;
  gboolean demo;
  guint focus_source;       /* moves the focus into a page just shown */
  gboolean painted;         /* the first frame is on screen */
  gboolean demo_waiting;    /* the demo portal starts after that frame */

  /* Template children. */
  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;
  AdwViewStackPage *login_view;
  GtkStack *login_stack;
  AdwBin *token_bin;
  WcErrorBar *error_bar;

  /* The pages, made when first needed (see wc-window.c), NULL until
   * then. Owned by the stacks above; not references. */
  WcConnectPage *connect_page;
  WcLoginPage *login_page;
  WcPasswordPage *password_page;
  WcSessionPage *session_page;
  WcTokenPage *token_page;
};

void wc_window_install_actions (WcWindowClass *klass);
/* The Authenticator tab's page, made on the first call. */
WcTokenPage *wc_window_ensure_token_page (WcWindow *self);
/* Shows the page that fits the session's login state. */
void wc_window_update_login_page (WcWindow *self);
void wc_window_show_connect_page (WcWindow *self);
/* The menu offers the switch to the new login only while it is not done. */
void wc_window_update_switch_action (WcWindow *self);

G_END_DECLS
