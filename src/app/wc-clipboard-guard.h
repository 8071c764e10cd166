/* wc-clipboard-guard.h: copies a code to the clipboard and clears it
 * again after a delay, but only if the clipboard still holds that code. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WC_TYPE_CLIPBOARD_GUARD (wc_clipboard_guard_get_type ())

G_DECLARE_FINAL_TYPE (WcClipboardGuard, wc_clipboard_guard, WC, CLIPBOARD_GUARD, GObject)

WcClipboardGuard *wc_clipboard_guard_new         (GdkClipboard     *clipboard);
GdkClipboard     *wc_clipboard_guard_get_clipboard (WcClipboardGuard *self);
/* Puts @code on the clipboard, replacing any pending copy, and clears the
 * clipboard after @clear_after_seconds if it still holds @code. */
void              wc_clipboard_guard_copy        (WcClipboardGuard *self,
                                                  const char       *code,
                                                  guint             clear_after_seconds);
/* Whether a copied code is still waiting to be cleared (for tests). */
gboolean          wc_clipboard_guard_is_pending  (WcClipboardGuard *self);

G_END_DECLS
