/* wc-portal-server.h: the portal's HTTPS front, on libsoup's SoupServer.
 * It parses and checks requests, hands them to WcPortalService and turns
 * the answers into JSON responses; it serves over TLS only. */
#pragma once

#include <libsoup/soup.h>

#include "wc-portal-service.h"

G_BEGIN_DECLS

#define WC_TYPE_PORTAL_SERVER (wc_portal_server_get_type ())

G_DECLARE_FINAL_TYPE (WcPortalServer, wc_portal_server, WC, PORTAL_SERVER, GObject)

#define WC_PORTAL_API_BASE "/api/v1"
#define WC_PORTAL_MAX_BODY (64 * 1024)

WcPortalServer *wc_portal_server_new       (WcPortalService  *service,
                                            GTlsCertificate  *certificate,
                                            GError          **error);
/* Listens on @host (an IP address) and @port (0: any free port). */
gboolean        wc_portal_server_listen    (WcPortalServer   *self,
                                            const char       *host,
                                            guint16           port,
                                            GError          **error);
/* https://HOST:PORT, with the real port. */
char           *wc_portal_server_dup_url   (WcPortalServer   *self);

/* Every "METHOD /path" the server answers, for the contract test. */
GStrv           wc_portal_server_dup_routes (void);

G_END_DECLS
