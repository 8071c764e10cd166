/* wc-password-page.h: the forced password change of the current login
 * (an expired password, or a first or reset one), with the portal's
 * password policy checked live as the user types. */
#pragma once

#include <adwaita.h>

#include "wc-login-session.h"

G_BEGIN_DECLS

#define WC_TYPE_PASSWORD_PAGE (wc_password_page_get_type ())

G_DECLARE_FINAL_TYPE (WcPasswordPage, wc_password_page, WC, PASSWORD_PAGE, AdwBin)

/* The rules that can be checked without asking the portal, as flags;
 * "not one of the last N passwords" is only shown as a note. */
typedef enum {
  WC_PASSWORD_RULE_MIN_LENGTH = 1 << 0,   /* at least the minimum length */
  WC_PASSWORD_RULE_MAX_LENGTH = 1 << 1,   /* at most the maximum length */
  WC_PASSWORD_RULE_CLASSES    = 1 << 2,   /* at least one letter and one digit */
  WC_PASSWORD_RULE_NOT_USER   = 1 << 3,   /* not the user ID (case-insensitive) */
  WC_PASSWORD_RULE_NOT_SAME   = 1 << 4,   /* not the current password */
  WC_PASSWORD_RULE_MATCH      = 1 << 5,   /* the repetition matches */
} WcPasswordRules;

#define WC_PASSWORD_RULES_ALL (WC_PASSWORD_RULE_MIN_LENGTH | WC_PASSWORD_RULE_MAX_LENGTH \
                               | WC_PASSWORD_RULE_CLASSES | WC_PASSWORD_RULE_NOT_USER \
                               | WC_PASSWORD_RULE_NOT_SAME | WC_PASSWORD_RULE_MATCH)

/* Used when the portal's /status has not been read yet. */
#define WC_PASSWORD_DEFAULT_MIN_LENGTH 12
#define WC_PASSWORD_DEFAULT_MAX_LENGTH 256

WcPasswordPage  *wc_password_page_new       (void);
/* Prepares the form for the current login of @session, with @reason as
 * the explanation (e.g. "Your password has expired"), or NULL. */
void             wc_password_page_start     (WcPasswordPage *self,
                                             WcLoginSession *session,
                                             const char     *reason);
/* Which rules the typed passwords meet right now. */
/* The same form for the merchant's old (tablet) password, set from a main
 * user's full new login and confirmed with the user's own login password;
 * "changed" is emitted when the portal took it. */
void             wc_password_page_start_tablet (WcPasswordPage *self,
                                                WcLoginSession *session,
                                                const char     *reason);
WcPasswordRules  wc_password_page_get_rules (WcPasswordPage *self);
/* Whether a change is on its way to the portal. */
gboolean         wc_password_page_is_busy   (WcPasswordPage *self);

/* The rules @new_password meets, the way the portal counts them (NFC,
 * code points, Unicode letters and decimal digits, the user ID compared
 * case-insensitively). Empty passwords meet none. Any argument but
 * @new_password may be NULL. */
WcPasswordRules  wc_password_check          (const char     *new_password,
                                             const char     *repeat,
                                             const char     *current_password,
                                             const char     *user_id,
                                             guint           min_length,
                                             guint           max_length);

G_END_DECLS
