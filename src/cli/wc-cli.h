/* wc-cli.h: webcollect-otp, the command-line companion. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses, documented in --help and the README, so scripts can tell
 * failures apart. */
typedef enum {
  WC_CLI_EXIT_OK = 0,
  WC_CLI_EXIT_FAILURE = 1,
  WC_CLI_EXIT_USAGE = 2,
  WC_CLI_EXIT_NOT_FOUND = 3,
  WC_CLI_EXIT_AMBIGUOUS = 4,
  WC_CLI_EXIT_INVALID_INPUT = 5,
  WC_CLI_EXIT_KEYRING_UNAVAILABLE = 6,
  WC_CLI_EXIT_REFUSED = 7,            /* the portal refused the login */
} WcCliExit;

int wc_cli_main (int    argc,
                 char **argv);

G_END_DECLS
