/* wc-portal-service-private.h: what the three parts of WcPortalService
 * (wc-portal-service.c, -login.c, -account.c) share. */
#pragma once

#include "wc-api-error.h"
#include "wc-portal-service.h"

G_BEGIN_DECLS

struct _WcPortalService {
  GObject parent_instance;
  WcPortalDb *db;
  WcPortalClock *clock;
  WcPortalHasher *hasher;
  WcPortalSessions *sessions;
  char *outbox_path;
};

gint64          wc_portal_service_now             (WcPortalService    *self);
GTask          *wc_portal_service_task            (WcPortalService    *self,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GError         *wc_portal_service_internal_error  (const GError       *cause);
void            wc_portal_service_add_time        (JsonBuilder        *builder,
                                                   const char         *name,
                                                   gint64              unix_time);
void            wc_portal_service_add_user        (WcPortalService    *self,
                                                   JsonBuilder        *builder,
                                                   const WcPortalUser *user);
/* Members of the JSON answers the logins and the session share. */
void            wc_portal_service_add_time_or_null (JsonBuilder       *builder,
                                                    const char        *name,
                                                    gint64             unix_time);
void            wc_portal_service_add_string      (JsonBuilder        *builder,
                                                   const char         *name,
                                                   const char         *value);
void            wc_portal_service_add_boolean     (JsonBuilder        *builder,
                                                   const char         *name,
                                                   gboolean            value);
void            wc_portal_service_add_int         (JsonBuilder        *builder,
                                                   const char         *name,
                                                   gint64              value);
void            wc_portal_service_add_session_user (JsonBuilder       *builder,
                                                    const WcPortalUser *user);
void            wc_portal_service_add_scopes      (JsonBuilder        *builder,
                                                   WcPortalScopes      scopes);
void            wc_portal_service_add_required_actions (JsonBuilder   *builder,
                                                        gboolean       change_password,
                                                        gboolean       enroll_otp);
gboolean        wc_portal_service_verify_otp      (GBytes             *key,
                                                   const char         *otp,
                                                   gint64              now,
                                                   gint64              after_step,
                                                   gint64             *matched_step);
gboolean        wc_portal_password_expired        (gint64              changed_at,
                                                   gint64              now);

/* Lockout accounts: one per new-login user, one per merchant's old
 * password (old and tablet logins together). */
char           *wc_portal_account_new_login       (const char         *merchant_code,
                                                   const char         *user_id);
char           *wc_portal_account_old_password    (const char         *merchant_code);
/* The lock's end when @account is locked at @now, else 0. */
gint64          wc_portal_service_locked_until    (WcPortalService    *self,
                                                   const char         *account);
/* Counts a failure; returns @failure, or the locked error @locked_code
 * when this failure locks the account. */
GError         *wc_portal_service_count_failure   (WcPortalService    *self,
                                                   const char         *account,
                                                   GError             *failure,
                                                   WcApiErrorCode   locked_code);
GError         *wc_portal_service_locked_error    (WcApiErrorCode   code,
                                                   gint64              locked_until,
                                                   gint64              now);

G_END_DECLS
