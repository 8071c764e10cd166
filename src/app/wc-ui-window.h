/* wc-ui-window.h: how every secondary window and dialog of the app
 * behaves at the keyboard: Escape closes it, it opens with the focus in
 * its first field, and a question answers Enter and Escape the same way
 * everywhere. */
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

/* The newest shown toplevel other than @main: the dialog or secondary
 * window it opened last; NULL if none. */
GtkWindow *wc_ui_newest_dialog   (GtkWindow            *main);

/* A question over @parent: @heading, @body (NULL: the caller sets it),
 * a response @close_id (@close_label) that Escape gives, and a response
 * @answer_id (@answer_label) of @appearance. Enter gives the answer when
 * @answer_is_default, else @close_id. Add an extra child or connect
 * "response", then show it with wc_ui_present_question (). */
AdwMessageDialog *wc_ui_question_new     (GtkWindow             *parent,
                                          const char            *heading,
                                          const char            *body,
                                          const char            *close_id,
                                          const char            *close_label,
                                          const char            *answer_id,
                                          const char            *answer_label,
                                          AdwResponseAppearance  appearance,
                                          gboolean               answer_is_default);

/* Names the question's buttons by their labels without the access-key
 * marks, then shows it. */
void     wc_ui_present_question  (AdwMessageDialog     *dialog);

G_END_DECLS
