/* wc-portal-clock.c: see wc-portal-clock.h. */
#include "wc-portal-clock.h"

struct _WcPortalClock {
  GObject parent_instance;
  gboolean adjustable;
  gint64 offset_usec;
};

G_DEFINE_FINAL_TYPE (WcPortalClock, wc_portal_clock, G_TYPE_OBJECT)

static void
wc_portal_clock_class_init (WcPortalClockClass *klass)
{
}

static void
wc_portal_clock_init (WcPortalClock *self)
{
}

WcPortalClock *
wc_portal_clock_new (gboolean adjustable)
{
  WcPortalClock *self = g_object_new (WC_TYPE_PORTAL_CLOCK, NULL);

  self->adjustable = adjustable;
  return self;
}

gboolean
wc_portal_clock_is_adjustable (WcPortalClock *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLOCK (self), FALSE);
  return self->adjustable;
}

gint64
wc_portal_clock_now_usec (WcPortalClock *self)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLOCK (self), 0);
  return g_get_real_time () + self->offset_usec;
}

gint64
wc_portal_clock_now (WcPortalClock *self)
{
  return wc_portal_clock_now_usec (self) / G_USEC_PER_SEC;
}

gboolean
wc_portal_clock_advance (WcPortalClock *self,
                         gint64         seconds)
{
  g_return_val_if_fail (WC_IS_PORTAL_CLOCK (self), FALSE);

  /* Ten years (the contract's 315360000 seconds) is far beyond anything
   * a test needs. */
  if (!self->adjustable || seconds < 0 || seconds > WC_PORTAL_CLOCK_MAX_ADVANCE)
    return FALSE;
  self->offset_usec += seconds * G_USEC_PER_SEC;
  return TRUE;
}
