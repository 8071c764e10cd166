/* portal-fixture.h: a real webcollect-portal process for tests, on
 * loopback with port 0, a throw-away data directory and the test clock,
 * reached over HTTPS that trusts only the server's pinned certificate
 * fingerprint. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char *data_dir;
  gboolean owns_dir;
  char *url;            /* https://127.0.0.1:PORT */
  char *fingerprint;
  SoupSession *session;
  char **extra_args;
  gboolean real_clock;  /* started without --test-clock */
} PortalFixture;

typedef struct {
  guint status;
  JsonNode *body;       /* NULL when the response had none */
  SoupMessageHeaders *headers;
  char *raw;
} PortalResponse;

/* Starts `webcollect-portal serve --test-clock` (the binary named by
 * $WEBCOLLECT_PORTAL) on a new temporary data directory, or on @data_dir
 * when given. */
PortalFixture  *portal_fixture_start        (const char          *data_dir,
                                             const char * const  *extra_args);
/* The same without --test-clock: the server runs on real time and
 * POST /api/v1/test/clock does not exist. */
PortalFixture  *portal_fixture_start_real_clock (const char          *data_dir,
                                                 const char * const  *extra_args);
/* Stops the server: SIGTERM and wait (or SIGKILL with @kill). */
void            portal_fixture_stop         (PortalFixture       *fixture,
                                             gboolean             kill);
/* Starts the same server again on the same data directory. */
void            portal_fixture_restart      (PortalFixture       *fixture);
/* Starts the server again on the same data directory after
 * portal_fixture_stop(), also after a kill (where restart would not do). */
void            portal_fixture_relaunch     (PortalFixture       *fixture);
/* Stops it and removes a directory it made. */
void            portal_fixture_free         (PortalFixture       *fixture);

/* `webcollect-portal merchant add CODE` with @password on stdin. */
void            portal_add_merchant         (PortalFixture       *fixture,
                                             const char          *code,
                                             const char          *password);

/* Makes @msg trust the portal's pinned certificate (and only that one)
 * and lets it reuse an idle connection, also for a POST. */
void            portal_fixture_prepare      (PortalFixture       *fixture,
                                             SoupMessage         *msg);

/* One request. @body is JSON text or NULL; @token a bearer token or NULL. */
PortalResponse *portal_request              (PortalFixture       *fixture,
                                             const char          *method,
                                             const char          *path,
                                             const char          *token,
                                             const char          *body);
/* One request with every part given: @authorization is the whole
 * Authorization header value (or NULL for none), @content_type the
 * Content-Type of @body (NULL for none), and with @chunked the body goes
 * without a Content-Length, in chunked transfer encoding. */
PortalResponse *portal_request_full         (PortalFixture       *fixture,
                                             const char          *method,
                                             const char          *path,
                                             const char          *authorization,
                                             const char          *content_type,
                                             GBytes              *body,
                                             gboolean             chunked);
/* The same with a JSON body built from @builder's root. */
PortalResponse *portal_request_json         (PortalFixture       *fixture,
                                             const char          *method,
                                             const char          *path,
                                             const char          *token,
                                             JsonNode            *body);
void            portal_response_free        (PortalResponse      *response);
/* The error code of an error response, or NULL. */
const char     *portal_response_error       (PortalResponse      *response);
JsonObject     *portal_response_object      (PortalResponse      *response);

void            portal_advance              (PortalFixture       *fixture,
                                             gint64               seconds);
/* The server's time, from /status. */
gint64          portal_now                  (PortalFixture       *fixture);
/* The TOTP code of a base32 @secret at @unix_time (SHA1, 6 digits, 30 s). */
char           *portal_totp                 (const char          *secret,
                                             gint64               unix_time);

/* Asserts an error response with @status and @code. */
#define portal_assert_error(response, status_, code_) G_STMT_START { \
    PortalResponse *r__ = (response); \
    g_assert_nonnull (r__); \
    if (r__->status != (status_) || g_strcmp0 (portal_response_error (r__), (code_)) != 0) \
      g_error ("expected %u %s, got %u: %s", (guint) (status_), (code_), r__->status, r__->raw); \
  } G_STMT_END

/* @ms scaled by $WC_TEST_TIMEOUT_MULTIPLIER, which the sanitizer run
 * sets as it sets meson's --timeout-multiplier: how long a test waits
 * for something before it fails. */
gint64          portal_test_timeout_ms      (gint64               ms);

/* g_test_run (), then, in a sanitizer build, waits for GLib's idle pool
 * threads to end. A pool thread that ran a TLS handshake holds dynamic
 * thread-local storage of the modules gnutls loads at run time, and GCC
 * 12's LeakSanitizer misreads it in its check at exit and crashes
 * ("Tracer caught signal 11"). Every test program that talks TLS returns
 * this instead of g_test_run (). */
int             portal_test_run             (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortalResponse, portal_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortalFixture, portal_fixture_free)

G_END_DECLS
