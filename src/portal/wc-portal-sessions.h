/* wc-portal-sessions.h: the portal's live sessions. They are kept in
 * memory only: a restart ends every session, as a logout would, and a
 * session lookup never touches the disk. Only a SHA-256 of each bearer
 * token is kept. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_SESSIONS (wc_portal_sessions_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalSessions, wc_portal_sessions, WC, PORTAL_SESSIONS, GObject)

/* 15 minutes without a request end a session (PCI DSS 8.2.8). */
#define WC_PORTAL_SESSION_IDLE_SECONDS (15 * 60)

typedef enum {
  WC_PORTAL_LOGIN_NEW,
  WC_PORTAL_LOGIN_LEGACY,
  WC_PORTAL_LOGIN_TABLET,
} WcPortalLoginKind;

/* What a session may do. */
typedef enum {
  WC_PORTAL_SCOPE_SESSION  = 1 << 0,  /* GET /session, POST /logout */
  WC_PORTAL_SCOPE_PASSWORD = 1 << 1,  /* POST /password */
  WC_PORTAL_SCOPE_OTP      = 1 << 2,  /* POST /otp/secret, /otp/activate */
  WC_PORTAL_SCOPE_USERS    = 1 << 3,  /* /users… */
} WcPortalScopes;

typedef struct {
  char *merchant_code;
  char *user_id;
  WcPortalLoginKind kind;
  gboolean restricted;        /* fixed for the life of the session */
  gboolean expired_password;  /* an old login with an expired password */
  WcPortalScopes scopes;
  gint64 created_at;
  gint64 last_seen;
} WcPortalSession;

WcPortalSessions *wc_portal_sessions_new          (void);

/* Starts a session and returns its bearer token: 256 random bits,
 * base64url without padding. */
char             *wc_portal_sessions_start        (WcPortalSessions *self,
                                                   const char       *merchant_code,
                                                   const char       *user_id,
                                                   WcPortalLoginKind kind,
                                                   gboolean          restricted,
                                                   gboolean          expired_password,
                                                   WcPortalScopes    scopes,
                                                   gint64            now);

/* Finds the session for @token. One idle for too long is ended and @idle
 * set. With @renew the idle timer starts again at @now. The result
 * belongs to @self and stays valid until the next call. */
WcPortalSession  *wc_portal_sessions_touch        (WcPortalSessions *self,
                                                   const char       *token,
                                                   gint64            now,
                                                   gboolean          renew,
                                                   gboolean         *idle);
gboolean          wc_portal_sessions_end          (WcPortalSessions *self,
                                                   const char       *token);
/* Ends every session of one new-login user. */
guint             wc_portal_sessions_end_for_user (WcPortalSessions *self,
                                                   const char       *merchant_code,
                                                   const char       *user_id);
/* Ends the sessions opened with one password, but @keep_token's: the
 * new-login user's (@user_id) or, with @user_id NULL, the merchant's old
 * password (old and tablet logins). */
guint             wc_portal_sessions_end_for_password (WcPortalSessions *self,
                                                       const char       *merchant_code,
                                                       const char       *user_id,
                                                       const char       *keep_token);
guint             wc_portal_sessions_count        (WcPortalSessions *self);
/* Forgets the sessions that ended by idleness more than a day before
 * @now. Until then wc_portal_sessions_touch() finds them, and reports
 * them idle (and forgets them) at the next request. */
guint             wc_portal_sessions_sweep        (WcPortalSessions *self,
                                                   gint64            now);

const char       *wc_portal_login_kind_to_string  (WcPortalLoginKind kind);

G_END_DECLS
