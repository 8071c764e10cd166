/* wc-login-session-private.h: WcLoginSession's instance, shared by
 * wc-login-session.c (status, time, logins, passwords) and
 * wc-login-session-accounts.c (session details, users, the tablet). */
#pragma once

#include "wc-login-session.h"
#include "wc-portal-codes.h"

G_BEGIN_DECLS

struct _WcLoginSession
{
  GObject parent_instance;

  WcPortalClient *client;
  char *portal_id;
  WcTokenStore *tokens;
  WcCredentialStore *credentials;
  /* Cancelled in dispose: the session's own requests (status, details,
   * users) do not keep it alive. */
  GCancellable *cancellable;

  WcPortalStatus *status;
  gboolean status_pending;
  guint status_source;          /* the watch's timer, while watched */
  guint status_interval;        /* seconds; WC_LOGIN_SESSION_STATUS_INTERVAL */

  WcPortalLogin *login;
  /* The password of the current login while it must still change it,
   * so that the change does not ask for it again. Wiped when freed. */
  WcSecret *login_password;
  WcPortalSessionInfo *session_info;
  GCancellable *login_cancellable;  /* details and users of this login */
  GPtrArray *users;             /* of WcPortalUserInfo, or NULL */
  /* account ("USER@MERCHANT") -> the latest time step whose code went out
   * from the built-in authenticator: the portal takes each code once. */
  GHashTable *sent_steps;
};

enum {
  WC_LOGIN_SESSION_PROP_0,
  WC_LOGIN_SESSION_PROP_STATUS,
  WC_LOGIN_SESSION_PROP_LOGIN,
  WC_LOGIN_SESSION_PROP_SESSION_INFO,
  WC_LOGIN_SESSION_PROP_USERS,
  WC_LOGIN_SESSION_N_PROPS
};

extern GParamSpec *wc_login_session_properties[WC_LOGIN_SESSION_N_PROPS];

enum {
  WC_LOGIN_SESSION_OTP_FILLED,
  WC_LOGIN_SESSION_ENDED,
  WC_LOGIN_SESSION_REMEMBER_FAILED,
  WC_LOGIN_SESSION_STATUS_FAILED,
  WC_LOGIN_SESSION_N_SIGNALS
};

extern guint wc_login_session_signals[WC_LOGIN_SESSION_N_SIGNALS];

/* The watch's interval, for tests that cannot wait a minute. */
void wc_login_session_set_status_interval (WcLoginSession *self,
                                           guint           seconds);

/* An answer that may mean the portal's state changed (closure,
 * maintenance, an ended session) asks for the status again. */
void wc_login_session_note_error       (WcLoginSession *self,
                                        const GError   *error);
/* Seconds until the code @token would send at @now is one the portal has
 * not taken yet; 0 when it is already. */
guint wc_login_session_seconds_to_fresh_code (WcLoginSession *self,
                                              WcToken        *token,
                                              gint64          now);

/* The login changed: forget what belonged to the previous one. */
void wc_login_session_reset_accounts   (WcLoginSession *self);
/* Asks for the details of the current login in the background. */
void wc_login_session_fetch_details    (WcLoginSession *self);

G_END_DECLS
