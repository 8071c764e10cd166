/* wc-users-page.h: account management for a merchant's main user: the
 * child users (一般 General, 出荷 Shipping) with what can be done to
 * them, and the main user's own one-time-password key. */
#pragma once

#include <adwaita.h>

#include "wc-login-session.h"

G_BEGIN_DECLS

#define WC_TYPE_USERS_PAGE (wc_users_page_get_type ())

G_DECLARE_FINAL_TYPE (WcUsersPage, wc_users_page, WC, USERS_PAGE, AdwBin)

WcUsersPage *wc_users_page_new         (void);
/* Lists the users of @session's login (for a non-restricted new login of
 * a main user; anything else gets the portal's refusal). */
void         wc_users_page_set_session (WcUsersPage    *self,
                                        WcLoginSession *session);
/* Fetches the list again. */
void         wc_users_page_reload      (WcUsersPage    *self);
/* Shows a failure of a users call as the page does for its own calls; a
 * refusal that says this login may not manage users hides the page. */
void         wc_users_page_show_error  (WcUsersPage    *self,
                                        const GError   *error);
/* Whether a request is in flight (for tests). */
gboolean     wc_users_page_is_busy     (WcUsersPage    *self);

G_END_DECLS
