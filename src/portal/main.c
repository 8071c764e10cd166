/* main.c: entry point of webcollect-portal. */
#include <glib/gi18n.h>
#include <locale.h>

#include "wc-portal-cli.h"
#include "wc-secret.h"

int
main (int    argc,
      char **argv)
{
  /* Passwords and keys pass through this process: no core file. */
  wc_secure_process ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  return wc_portal_cli_main (argc, argv);
}
