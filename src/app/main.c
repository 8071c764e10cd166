/* main.c: entry point of webcollect-login. */
#include <glib/gi18n.h>
#include <locale.h>

#include "wc-application.h"
#include "wc-secret.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(WcApplication) app = NULL;
  const char *localedir = g_getenv ("WC_LOCALEDIR");

  /* Passwords and keys pass through this process: no core file. */
  wc_secure_process ();
  setlocale (LC_ALL, "");
  /* WC_LOCALEDIR points an uninstalled build at its own catalogues. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = wc_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
