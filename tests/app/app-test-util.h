/* app-test-util.h: what the widget tests share: setup, waiting on the
 * main loop, and finding what is shown on screen. */
#pragma once

#include <adwaita.h>

#include "portal-fixture.h"
#include "wc-application.h"
#include "wc-token-store.h"
#include "wc-window.h"

G_BEGIN_DECLS

/* g_test_init plus GTK and libadwaita, in the C locale. */
void        app_test_init                (int          *argc,
                                          char       ***argv);

/* Runs the main context until @condition holds, failing the test after
 * @timeout_ms (scaled as portal_test_timeout_ms says). */
#define app_test_wait_until(condition, timeout_ms) G_STMT_START { \
    gint64 deadline__ = g_get_monotonic_time () + portal_test_timeout_ms (timeout_ms) * 1000; \
    while (!(condition)) \
      { \
        if (g_get_monotonic_time () > deadline__) \
          g_error ("timed out waiting for: %s", #condition); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (1000); \
      } \
  } G_STMT_END

/* Runs the main context for @ms milliseconds. */
void        app_test_spin                (guint         ms);

/* The first descendant of @root (itself included) of @type that is
 * drawn (mapped) and whose text (a label's label, a button's label, an
 * editable's text, a preferences row's title or subtitle) contains
 * @text; NULL if none. */
GtkWidget  *app_test_find_shown         (GtkWidget    *root,
                                          GType         type,
                                          const char   *text);
/* Types @text into the entry row titled @row_title under @root, failing
 * the test when no such row is shown. */
void        app_test_fill                (GtkWidget    *root,
                                          const char   *row_title,
                                          const char   *text);
/* Whether any drawn widget under @root shows @text. */
gboolean    app_test_shows_text          (GtkWidget    *root,
                                          const char   *text);

/* Runs what Escape does in @window through the window's own shortcut
 * controllers (GTK has no way to fake a key press from inside); FALSE
 * when no shortcut of the window answers Escape. */
gboolean    app_test_press_escape        (GtkWindow     *window);

/* The clipboard's text, or NULL when it holds none. */
char       *app_test_read_clipboard      (GdkClipboard  *clipboard);

/* Makes @user_id of @merchant ready for the new login the way a person
 * does: first login with @first_password, @password chosen, a key issued
 * by the portal, stored in @tokens (the built-in authenticator) and
 * activated; then logs out and moves the portal's clock on one step, as a
 * code is good once. Returns the token. */
WcToken    *app_test_enroll              (PortalFixture *portal,
                                          WcTokenStore  *tokens,
                                          const char    *merchant,
                                          const char    *user_id,
                                          const char    *first_password,
                                          const char    *password);

/* The tokens in @store, failing the test on an error. */
GPtrArray  *app_test_list_tokens         (WcTokenStore  *store);

/* A new window of @app on @portal, connected and idle. */
WcWindow   *app_test_open_window         (WcApplication *app,
                                          PortalFixture *portal);
/* Destroys @window and checks that nothing keeps it alive. */
void        app_test_close_window        (WcWindow      *window);

/* Looks at @window as a person would: fails when a text shown in it is
 * cut off with "…", and with WC_SCREENSHOT_DIR set leaves a picture of it
 * there as @name.png. */
void        app_test_screenshot          (GtkWindow     *window,
                                          const char    *name);

G_END_DECLS
