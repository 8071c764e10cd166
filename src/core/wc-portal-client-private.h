/* wc-portal-client-private.h: what the flows of WcPortalClient
 * (wc-portal-client-flows.c) need from its transport
 * (wc-portal-client.c). Internal to core. */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-portal-client.h"

G_BEGIN_DECLS

/* What a call is, beside its path: the flags replace comparing reader
 * functions to tell a login from other calls. */
typedef enum {
  CALL_WITH_SESSION     = 1 << 0,   /* sends the bearer token */
  CALL_RENEWS           = 1 << 1,   /* an answer renews the idle timer */
  CALL_LOGIN            = 1 << 2,   /* the answer holds a new token */
  CALL_LOGOUT           = 1 << 3,   /* a 401 is no news: the session ends anyway */
  CALL_IDLE_FROM_ANSWER = 1 << 4,   /* the answer says when the session goes idle */
} CallFlags;

typedef gpointer (*ReadFunc) (JsonObject *object, GError **error);

/* Starts a call of @method on @path under the API base. @body (JSON
 * text, or NULL) is wiped once sent; @read turns the answer into the
 * task's result (NULL: a boolean result). */
void     wc_portal_client_start_call  (WcPortalClient      *self,
                                       const char          *method,
                                       const char          *path,
                                       char                *body,
                                       CallFlags            flags,
                                       ReadFunc             read,
                                       GDestroyNotify       free_result,
                                       gpointer             source_tag,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);

/* Forgets the bearer token and says why, once. */
void     wc_portal_client_end_session (WcPortalClient      *self,
                                       WcPortalSessionEnd   reason);

G_END_DECLS
