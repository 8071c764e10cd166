/* wc-portal-sessions.c: see wc-portal-sessions.h. */
#include "wc-portal-sessions.h"

#include <string.h>
#include <sys/random.h>

#include "wc-secret.h"

#define TOKEN_BYTES 32

struct _WcPortalSessions {
  GObject parent_instance;
  GHashTable *sessions;   /* SHA-256 hex of the token → WcPortalSession */
};

G_DEFINE_FINAL_TYPE (WcPortalSessions, wc_portal_sessions, G_TYPE_OBJECT)

static void
session_free (WcPortalSession *session)
{
  g_free (session->merchant_code);
  g_free (session->user_id);
  g_free (session);
}

static char *
token_key (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static void
wc_portal_sessions_finalize (GObject *object)
{
  WcPortalSessions *self = (WcPortalSessions *) object;

  g_hash_table_unref (self->sessions);

  G_OBJECT_CLASS (wc_portal_sessions_parent_class)->finalize (object);
}

static void
wc_portal_sessions_class_init (WcPortalSessionsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wc_portal_sessions_finalize;
}

static void
wc_portal_sessions_init (WcPortalSessions *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
}

WcPortalSessions *
wc_portal_sessions_new (void)
{
  return g_object_new (WC_TYPE_PORTAL_SESSIONS, NULL);
}

char *
wc_portal_sessions_start (WcPortalSessions *self,
                          const char       *merchant_code,
                          const char       *user_id,
                          WcPortalLoginKind kind,
                          gboolean          restricted,
                          gboolean          expired_password,
                          WcPortalScopes    scopes,
                          gint64            now)
{
  guint8 bytes[TOKEN_BYTES];
  WcPortalSession *session;
  char *token;

  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), NULL);

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("the system random source failed");
  token = g_base64_encode (bytes, sizeof bytes);
  wc_secure_wipe (bytes, sizeof bytes);
  /* base64url, no padding: safe in a header without quoting. */
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  g_strdelimit (token, "=", '\0');

  session = g_new0 (WcPortalSession, 1);
  session->merchant_code = g_strdup (merchant_code);
  session->user_id = g_strdup (user_id);
  session->kind = kind;
  session->restricted = restricted;
  session->expired_password = expired_password;
  session->scopes = scopes;
  session->created_at = now;
  session->last_seen = now;
  g_hash_table_replace (self->sessions, token_key (token), session);
  return token;
}

WcPortalSession *
wc_portal_sessions_touch (WcPortalSessions *self,
                          const char       *token,
                          gint64            now,
                          gboolean          renew,
                          gboolean         *idle)
{
  g_autofree char *key = NULL;
  WcPortalSession *session;

  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), NULL);

  if (idle != NULL)
    *idle = FALSE;
  if (token == NULL)
    return NULL;

  key = token_key (token);
  session = g_hash_table_lookup (self->sessions, key);
  if (session == NULL)
    return NULL;

  if (now - session->last_seen >= WC_PORTAL_SESSION_IDLE_SECONDS)
    {
      g_hash_table_remove (self->sessions, key);
      if (idle != NULL)
        *idle = TRUE;
      return NULL;
    }
  if (renew)
    session->last_seen = MAX (session->last_seen, now);
  return session;
}

gboolean
wc_portal_sessions_end (WcPortalSessions *self,
                        const char       *token)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), FALSE);

  key = token_key (token);
  return g_hash_table_remove (self->sessions, key);
}

typedef struct {
  const char *merchant_code;
  const char *user_id;     /* NULL: old-password sessions */
  char *keep_key;
} Match;

static gboolean
matches (gpointer key,
         gpointer value,
         gpointer user_data)
{
  WcPortalSession *session = value;
  Match *match = user_data;

  if (match->keep_key != NULL && g_str_equal (key, match->keep_key))
    return FALSE;
  if (!g_str_equal (session->merchant_code, match->merchant_code))
    return FALSE;
  if (match->user_id == NULL)
    return session->kind != WC_PORTAL_LOGIN_NEW;
  return session->kind == WC_PORTAL_LOGIN_NEW && g_str_equal (session->user_id, match->user_id);
}

guint
wc_portal_sessions_end_for_user (WcPortalSessions *self,
                                 const char       *merchant_code,
                                 const char       *user_id)
{
  Match match = { merchant_code, user_id, NULL };

  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), 0);
  g_return_val_if_fail (user_id != NULL, 0);
  return g_hash_table_foreach_remove (self->sessions, matches, &match);
}

guint
wc_portal_sessions_end_for_password (WcPortalSessions *self,
                                     const char       *merchant_code,
                                     const char       *user_id,
                                     const char       *keep_token)
{
  Match match = { merchant_code, user_id, NULL };
  guint ended;

  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), 0);

  match.keep_key = keep_token != NULL ? token_key (keep_token) : NULL;
  ended = g_hash_table_foreach_remove (self->sessions, matches, &match);
  g_free (match.keep_key);
  return ended;
}

guint
wc_portal_sessions_count (WcPortalSessions *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), 0);
  return g_hash_table_size (self->sessions);
}

/* A session that ended by idleness is kept this long, so that the next
 * request with its token still learns why it ended (W051000003), not
 * just that it is unknown. */
#define FORGET_SECONDS (24 * 3600)

static gboolean
is_forgotten (gpointer key,
              gpointer value,
              gpointer user_data)
{
  WcPortalSession *session = value;
  gint64 now = *(gint64 *) user_data;

  return now - session->last_seen >= WC_PORTAL_SESSION_IDLE_SECONDS + FORGET_SECONDS;
}

guint
wc_portal_sessions_sweep (WcPortalSessions *self,
                          gint64            now)
{
  g_return_val_if_fail (WC_IS_PORTAL_SESSIONS (self), 0);
  return g_hash_table_foreach_remove (self->sessions, is_forgotten, &now);
}

const char *
wc_portal_login_kind_to_string (WcPortalLoginKind kind)
{
  switch (kind)
    {
    case WC_PORTAL_LOGIN_NEW:
      return "new";
    case WC_PORTAL_LOGIN_LEGACY:
      return "legacy";
    case WC_PORTAL_LOGIN_TABLET:
      return "tablet";
    default:
      g_return_val_if_reached ("new");
    }
}
