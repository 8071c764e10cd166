/* wc-guide-window.h: "How to log in", an in-app guide to the new login
 * and the steps that prepare for it. */
#pragma once

#include <adwaita.h>

#include "wc-portal-types.h"

G_BEGIN_DECLS

#define WC_TYPE_GUIDE_WINDOW (wc_guide_window_get_type ())

G_DECLARE_FINAL_TYPE (WcGuideWindow, wc_guide_window, WC, GUIDE_WINDOW, AdwWindow)

WcGuideWindow *wc_guide_window_new        (GtkWindow            *parent);
/* Shows the support contact @status gives, where it gives one, instead
 * of the one from the portal's notice. NULL goes back to that one. */
void           wc_guide_window_set_status (WcGuideWindow        *self,
                                           const WcPortalStatus *status);

G_END_DECLS
