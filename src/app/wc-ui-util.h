/* wc-ui-util.h: how the app's widgets speak to the user: toasts and the
 * error bar, the plain-language text for a failure, roles, times and
 * countdowns, names for screen readers, rendering a window to PNG, and
 * taking the focus out of a control that turns insensitive. */
#pragma once

#include <adwaita.h>

#include "wc-portal-types.h"

G_BEGIN_DECLS

/* Shows @text as a toast in the window that holds @widget. */
void   wc_ui_show_toast          (GtkWidget            *widget,
                                  const char           *text);
/* Shows @toast (taking it) in the window that holds @widget. */
void   wc_ui_present_toast       (GtkWidget            *widget,
                                  AdwToast             *toast);
/* A toast that shows @text as it is. libadwaita 1.2 reads a toast's
 * title as Pango markup, and names and portal messages go into toasts. */
AdwToast *wc_ui_toast_new        (const char           *text);
/* A toast with a priority and a timeout, for messages that must stay. */
void   wc_ui_show_toast_full     (GtkWidget            *widget,
                                  const char           *text,
                                  guint                 timeout);

/* The message for @error as a user should read it: the reason, what to
 * do, and for portal failures the code and the support contact from
 * @status (which may be NULL). NULL for a cancellation, which is never
 * shown. */
char  *wc_ui_describe_error      (const GError         *error,
                                  const WcPortalStatus *status);

/* Shows @text, a failure, in the error bar of the window that holds
 * @widget (wrapped in full, read out, until closed or replaced); a
 * lasting toast where there is no such bar. */
void   wc_ui_show_error          (GtkWidget            *widget,
                                  const char           *text);
/* A page's own notice label: shows @text (NULL or empty hides it), read
 * out by screen readers; with @style ("error", "warning" or "info") it
 * takes that look instead of the one it had. */
void   wc_ui_show_notice         (GtkLabel             *label,
                                  const char           *style,
                                  const char           *text);
/* Shows @error that way, as wc_ui_describe_error() words it; nothing
 * for a NULL error or a cancellation. */
void   wc_ui_show_failure        (GtkWidget            *widget,
                                  const GError         *error,
                                  const WcPortalStatus *status);

/* A child user's role as the app names it ("General", "Shipping"); an
 * unknown one as the portal spells it. */
const char *wc_ui_describe_role  (const char           *role);

/* Shows @spinner, spinning, or hides it. */
void   wc_ui_set_spinning        (GtkSpinner           *spinner,
                                  gboolean              spinning);

/* A time in the user's locale and time zone: "Mar 7, 12:19", with the
 * year when it is not this year; in Japanese "2026年3月7日 12:19". */
char  *wc_ui_format_time         (gint64                unix_time);
/* "11/15 04:00–04:40" for a window within one day, else both in full. */
char  *wc_ui_format_time_range   (gint64                from,
                                  gint64                to);
/* "m:ss" for a countdown. */
char  *wc_ui_format_countdown    (gint64                seconds);


/* Renders @window as it is now with its own renderer and saves it as
 * PNG: the --screenshot option, the tests and the AppStream pictures. */
gboolean wc_ui_render_png        (GtkWindow            *window,
                                  const char           *file,
                                  GError              **error);


/* Gives the controls under @root the names a screen reader should read,
 * where GTK 4.8 and libadwaita 1.2 get them wrong: a button with a
 * mnemonic is read with its underscore and its label twice, and a
 * password row's reveal button has no name. It also keeps the last
 * characters of every wrapped label together, so that Japanese never
 * leaves "す。" alone on a line. Call it at the end of a template
 * widget's init. */
void     wc_ui_name_controls     (GtkWidget            *root);
/* @label without its access key: "C_hange" → "Change", "戻る(_B)" →
 * "戻る"; "__" stays one underscore. */
char    *wc_ui_strip_mnemonic    (const char           *label);


/* Makes @widget (in)sensitive. Turning it insensitive first takes the
 * focus out of it: GTK 4.8 does not tell a focused text field that turns
 * insensitive, and its cursor blink then warns. */
void     wc_ui_set_sensitive     (GtkWidget            *widget,
                                  gboolean              sensitive);

G_END_DECLS
