/* wc-portal-cli.h: the webcollect-portal command line: serve, demo,
 * merchant add, maintenance and old-login administration. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  WC_PORTAL_EXIT_OK = 0,
  WC_PORTAL_EXIT_FAILURE = 1,
  WC_PORTAL_EXIT_USAGE = 2,
} WcPortalExit;

#define WC_PORTAL_DEMO_MERCHANT "123456789"

int wc_portal_cli_main (int    argc,
                        char **argv);

G_END_DECLS
