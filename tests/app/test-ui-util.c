/* test-ui-util.c: the app's small text rules: a label's access key taken
 * out for its accessible name, the last characters of wrapped Japanese
 * kept together, dates with the year only when it is not this one,
 * toasts that show their text as it is, and notice labels. */
#include <string.h>

#include "app-test-util.h"
#include "wc-ui-util.h"

static void
test_strip_mnemonic (void)
{
  static const struct { const char *label; const char *name; } cases[] = {
    { "_Cancel", "Cancel" },
    { "C_hange", "Change" },
    { "Reset _Password", "Reset Password" },
    { "戻る(_B)", "戻る" },
    { "トークンを追加(_A)…", "トークンを追加…" },
    { "user__id", "user_id" },
    { "No key", "No key" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = wc_ui_strip_mnemonic (cases[i].label);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
  g_assert_null (wc_ui_strip_mnemonic (NULL));
}

/* Characters on the last line of @label's text wrapped at @width px. */
static int
last_line_chars (GtkLabel *label,
                 int       width)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  PangoLayoutLine *line;

  pango_layout_set_width (layout, width * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  line = pango_layout_get_line_readonly (layout, pango_layout_get_line_count (layout) - 1);
  return (int) g_utf8_strlen (text + line->start_index, line->length);
}

static void
test_wrapped_tail (void)
{
  const char *text = "旧方式ログインでは、加盟店コードと旧方式のパスワードを使用します。";
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (text);
  int width;
  int orphan_width = 0;

  g_object_ref_sink (box);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);

  /* Without the rule, some width leaves one or two characters alone. */
  for (width = 120; width < 600 && orphan_width == 0; width++)
    if (last_line_chars (GTK_LABEL (label), width) <= 2)
      orphan_width = width;
  g_assert_cmpint (orphan_width, >, 0);

  /* With it, no width does; and a new text keeps the rule. */
  wc_ui_name_controls (box);
  for (width = 120; width < 600; width++)
    g_assert_cmpint (last_line_chars (GTK_LABEL (label), width), >=, 3);
  gtk_label_set_text (GTK_LABEL (label), "この画面は、アプリを終了するまでの間だけ表示されます。");
  for (width = 120; width < 600; width++)
    g_assert_cmpint (last_line_chars (GTK_LABEL (label), width), >=, 3);
  /* A short text has nothing to keep together. */
  gtk_label_set_text (GTK_LABEL (label), "短い");
  g_assert_null (gtk_label_get_attributes (GTK_LABEL (label)));
  g_object_unref (box);
}

static void
test_dates (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) this_year = g_date_time_new_local (g_date_time_get_year (now), 3, 7, 12, 19, 0);
  g_autoptr(GDateTime) last_year = g_date_time_new_local (g_date_time_get_year (now) - 1, 3, 7, 12, 19, 0);
  g_autofree char *near = wc_ui_format_time (g_date_time_to_unix (this_year));
  g_autofree char *far = wc_ui_format_time (g_date_time_to_unix (last_year));
  g_autofree char *year = g_strdup_printf ("%d", g_date_time_get_year (now) - 1);

  g_assert_cmpstr (near, ==, "Mar 7, 12:19");
  g_assert_nonnull (strstr (far, year));
  g_assert_cmpstr (far + strlen (far) - 5, ==, "12:19");
}

/* A notice label shows and hides with its text, swaps its look only when
 * told, and is the same label throughout. */
static void
test_notice (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));

  gtk_widget_add_css_class (label, "warning");
  wc_ui_show_notice (GTK_LABEL (label), NULL, "Enter the password.");
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Enter the password.");
  g_assert_true (gtk_widget_has_css_class (label, "warning"));
  wc_ui_show_notice (GTK_LABEL (label), "error", "Refused.");
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_false (gtk_widget_has_css_class (label, "warning"));
  wc_ui_show_notice (GTK_LABEL (label), NULL, "");
  g_assert_false (gtk_widget_get_visible (label));
  wc_ui_show_notice (GTK_LABEL (label), NULL, NULL);
  g_assert_false (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "");
  g_object_unref (label);
}

/* A toast shows its text as it is: names and portal messages go into
 * toasts, and libadwaita reads a toast's title as markup. */
static void
test_toast_text (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *child = gtk_label_new ("page");
  const char *text = "“<b>&AT&T</b>” disabled";

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), child);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  wc_ui_show_toast (child, text);
  app_test_wait_until (app_test_find_shown (overlay, GTK_TYPE_LABEL, text) != NULL, 5000);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  app_test_init (&argc, &argv);
  g_test_add_func ("/ui-util/strip-mnemonic", test_strip_mnemonic);
  g_test_add_func ("/ui-util/toast-text", test_toast_text);
  g_test_add_func ("/ui-util/notice", test_notice);
  g_test_add_func ("/ui-util/wrapped-tail", test_wrapped_tail);
  g_test_add_func ("/ui-util/dates", test_dates);
  return g_test_run ();
}
