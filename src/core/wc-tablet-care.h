/* wc-tablet-care.h: the age of the old-login password, which the tablet
 * (iPad) payment login still uses and the portal refuses with T042000005
 * after 90 days. It knows the age from the portal's session info, or from
 * its own record of a change the app made, and says when to remind: from
 * day 80, at most once a calendar day. Its record is a small key file in
 * the user's data directory that holds dates only, never a secret. */
#pragma once

#include <gio/gio.h>

#include "wc-portal-types.h"

G_BEGIN_DECLS

#define WC_TYPE_TABLET_CARE (wc_tablet_care_get_type ())

G_DECLARE_FINAL_TYPE (WcTabletCare, wc_tablet_care, WC, TABLET_CARE, GObject)

#define WC_TABLET_CARE_REMIND_FROM_DAY 80
#define WC_TABLET_CARE_MAX_AGE_DAYS    90

/* @state_file: the key file, or NULL for
 * $XDG_DATA_HOME/webcollect-login/tablet-care.ini. */
WcTabletCare *wc_tablet_care_new                  (const char          *state_file);

/* What the portal said (GET /session) about @merchant_code's old password. */
void          wc_tablet_care_update_from_session  (WcTabletCare        *self,
                                                   const WcPortalSessionInfo *info);
/* The app changed @merchant_code's old password at @when (portal time). */
void          wc_tablet_care_record_change        (WcTabletCare        *self,
                                                   const char          *merchant_code,
                                                   gint64               when);
/* Unix time (portal time) of the last change known, or 0. */
gint64        wc_tablet_care_get_changed_at       (WcTabletCare        *self,
                                                   const char          *merchant_code);
/* Whole days since the last change at @now, or -1 when unknown. */
int           wc_tablet_care_get_age_days         (WcTabletCare        *self,
                                                   const char          *merchant_code,
                                                   gint64               now);
/* Days left before the tablet login fails (may be negative), valid when
 * the age is known. */
int           wc_tablet_care_get_days_left        (WcTabletCare        *self,
                                                   const char          *merchant_code,
                                                   gint64               now);
/* Whether the reminder shows at @now (age >= 80 days). */
gboolean      wc_tablet_care_reminder_due         (WcTabletCare        *self,
                                                   const char          *merchant_code,
                                                   gint64               now);
/* Whether a desktop notification is due at @now: the reminder is due and
 * none was sent on @now's calendar day (local time). Marks it sent. */
gboolean      wc_tablet_care_take_notification    (WcTabletCare        *self,
                                                   const char          *merchant_code,
                                                   gint64               now);
/* Writes the record (asynchronously; failures are reported, and never
 * lose the in-memory state). */
void          wc_tablet_care_save_async           (WcTabletCare        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean      wc_tablet_care_save_finish          (WcTabletCare        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
