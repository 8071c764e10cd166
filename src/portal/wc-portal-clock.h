/* wc-portal-clock.h: the portal's idea of now. Started with --test-clock,
 * tests may move it forward to cover 90-day expiry, lockouts and idle
 * timeouts without waiting; otherwise it is the system clock. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_CLOCK (wc_portal_clock_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalClock, wc_portal_clock, WC, PORTAL_CLOCK, GObject)

WcPortalClock *wc_portal_clock_new          (gboolean       adjustable);
gboolean       wc_portal_clock_is_adjustable (WcPortalClock *self);
/* Seconds since 1970, UTC. */
gint64         wc_portal_clock_now          (WcPortalClock *self);
/* Microseconds since 1970, UTC. */
gint64         wc_portal_clock_now_usec     (WcPortalClock *self);
/* The most one move may advance: ten years of 365 days. */
#define WC_PORTAL_CLOCK_MAX_ADVANCE G_GINT64_CONSTANT (315360000)

/* Only an adjustable clock moves; it only moves forward, by at most
 * WC_PORTAL_CLOCK_MAX_ADVANCE seconds at a time. */
gboolean       wc_portal_clock_advance      (WcPortalClock *self,
                                             gint64         seconds);

G_END_DECLS
