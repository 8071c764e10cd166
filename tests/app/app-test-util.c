/* app-test-util.c: helpers of the widget tests. */
#include "app-test-util.h"

#include <locale.h>
#include <string.h>

void
app_test_init (int    *argc,
               char ***argv)
{
  setlocale (LC_ALL, "");
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
}

void
app_test_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* A row's title comes first, so that rows are found by what they ask
 * for; its text or subtitle second. */
static const char *
shown_text (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  return NULL;
}

static const char *
second_text (GtkWidget *widget)
{
  if (ADW_IS_ACTION_ROW (widget))
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  if (ADW_IS_PREFERENCES_ROW (widget) && GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_description (ADW_STATUS_PAGE (widget));
  return NULL;
}

GtkWidget *
app_test_find_shown (GtkWidget  *root,
                     GType       type,
                     const char *text)
{
  if (!gtk_widget_get_mapped (root))
    return NULL;
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    {
      const char *first = shown_text (root);
      const char *second = second_text (root);

      if (text == NULL
          || (first != NULL && strstr (first, text) != NULL)
          || (second != NULL && strstr (second, text) != NULL))
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = app_test_find_shown (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
app_test_shows_text (GtkWidget  *root,
                     const char *text)
{
  return app_test_find_shown (root, GTK_TYPE_WIDGET, text) != NULL;
}
