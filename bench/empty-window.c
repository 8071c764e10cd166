/* The floor for bench/app-startup: an AdwApplication whose activate
 * shows an AdwApplicationWindow with nothing in it but a header bar, at
 * 800x600. bench/app-startup compiles it itself:
 *
 *   cc -O2 -o empty-window empty-window.c $(pkg-config --cflags --libs libadwaita-1)
 *
 * It is deliberately not part of the meson build, so that it stays the
 * same bare window whatever the project links.
 */
#include <adwaita.h>
#include <stdio.h>

/* With WC_BENCH_REPORT_RENDERER set (only in the script's unmeasured
 * warm-up start), prints the GSK renderer that GTK picked, e.g.
 * "GskGLRenderer", once the window is realized. */
static void
on_realize (GtkWidget *window, gpointer user_data)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  printf ("renderer=%s\n", renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
  fflush (stdout);
}

static void
on_activate (GApplication *app, gpointer user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Empty window");
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  if (g_getenv ("WC_BENCH_REPORT_RENDERER") != NULL)
    g_signal_connect_after (window, "realize", G_CALLBACK (on_realize), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  AdwApplication *app;
  int status;

  app = adw_application_new ("io.github.wclogin.BenchEmptyWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  g_object_unref (app);
  return status;
}
