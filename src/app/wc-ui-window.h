/* wc-ui-window.h: how every secondary window and dialog of the app
 * behaves at the keyboard: Escape closes it, and it opens with the focus
 * in its first field. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Escape closes @window (AdwWindow does not do it by itself). Every
 * secondary window of the app gets it here, built from a template or in
 * code. */
void     wc_ui_close_on_escape   (GtkWindow            *window);

/* Gives @first the focus each time @window is shown, after the window
 * (an AdwMessageDialog would pick a response button) has chosen its own. */
void     wc_ui_focus_on_show     (GtkWindow            *window,
                                  GtkWidget            *first);

G_END_DECLS
