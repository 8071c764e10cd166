/* wc-error-bar.h: the window's place for a failure: a bar under the
 * header that shows the whole message, wrapped, until it is closed or
 * replaced, and that a screen reader announces. Toasts are only for
 * short confirmations. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WC_TYPE_ERROR_BAR (wc_error_bar_get_type ())

G_DECLARE_FINAL_TYPE (WcErrorBar, wc_error_bar, WC, ERROR_BAR, AdwBin)

GtkWidget  *wc_error_bar_new      (void);
/* Shows @text (replacing what was shown), or hides the bar for NULL. */
void        wc_error_bar_show     (WcErrorBar *self,
                                   const char *text);
/* What the bar shows, or NULL when it is hidden. */
const char *wc_error_bar_get_text (WcErrorBar *self);

G_END_DECLS
