/* wc-portal-reader.h: the portal's JSON answers read into the typed
 * results of wc-portal-types.h, for WcPortalClient. A missing member is
 * a missing-field error, a member of the wrong type a malformed answer;
 * both are the client's own C095 errors. Internal to core. */
#pragma once

#include <json-glib/json-glib.h>

#include "wc-portal-types.h"
#include "wc-secret.h"

G_BEGIN_DECLS

/* C095000003 and C095000005, in the user's language. */
GError              *wc_portal_malformed_error      (void);
GError              *wc_portal_missing_field_error  (void);

/* A copy of @text, cut after WC_PORTAL_CLIENT_MAX_MESSAGE characters:
 * a portal's words for people are a few sentences. */
char                *wc_portal_cap_message          (const char  *text);

/* Each returns its result or NULL with @error set. They return gpointer
 * so that the client can keep them in one table; the type is in the
 * name. */
gpointer             wc_portal_read_status          (JsonObject  *object,   /* WcPortalStatus */
                                                     GError     **error);
gpointer             wc_portal_read_session_info    (JsonObject  *object,   /* WcPortalSessionInfo */
                                                     GError     **error);
gpointer             wc_portal_read_otp_offer       (JsonObject  *object,   /* WcPortalOtpOffer */
                                                     GError     **error);
gpointer             wc_portal_read_users           (JsonObject  *object,   /* GPtrArray of WcPortalUserInfo */
                                                     GError     **error);
gpointer             wc_portal_read_user            (JsonObject  *object,   /* WcPortalUserInfo */
                                                     GError     **error);
gpointer             wc_portal_read_new_user        (JsonObject  *object,   /* WcPortalNewUser */
                                                     GError     **error);

/* A login answer; its bearer token goes to @token, never into the
 * result that widgets see. */
WcPortalLogin       *wc_portal_read_login           (JsonObject  *object,
                                                     WcSecret   **token,
                                                     GError     **error);

G_END_DECLS
