/* test-secret.c: where secrets live. Each WcSecret has pages of its own,
 * marked to stay out of core dumps, with an inaccessible page right after
 * its last byte; the programs leave their whole process out of core
 * dumps. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "wc-secret.h"

/* The VmFlags line of the mapping of /proc/self/smaps that holds @address. */
static char *
vm_flags_of (const void *address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;

      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x ", &start, &end) == 2
          && strchr (lines[i], ' ') != NULL && lines[i][0] != 'V')
        inside = (guintptr) address >= start && (guintptr) address < end;
      else if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        return g_strdup (lines[i]);
    }
  return NULL;
}

static gboolean
has_flag (const char *vm_flags,
          const char *flag)
{
  g_auto(GStrv) flags = g_strsplit (vm_flags + strlen ("VmFlags:"), " ", -1);

  return g_strv_contains ((const char * const *) flags, flag);
}

static void
test_own_pages (void)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  g_autoptr(WcSecret) a = wc_secret_new_from_text ("first password");
  g_autoptr(WcSecret) b = wc_secret_new_from_text ("second password");
  g_autoptr(WcSecret) big = wc_secret_new (3 * page);
  const WcSecret *all[] = { a, b, big };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      guint8 *data = wc_secret_get_data ((WcSecret *) all[i]);
      g_autofree char *flags = vm_flags_of (data);

      g_assert_nonnull (flags);
      /* dd: MADV_DONTDUMP, out of core dumps. */
      if (!has_flag (flags, "dd"))
        g_error ("a secret's pages go into core dumps: %s", flags);
      /* Zero-filled, and the NUL after the last byte. */
      g_assert_cmpuint (data[wc_secret_get_size (all[i])], ==, 0);
    }
  /* No page holds two secrets: freeing one never unlocks another. */
  g_assert_cmpuint ((guintptr) wc_secret_get_data (a) / page, !=, (guintptr) wc_secret_get_data (b) / page);
  g_assert_cmpstr (wc_secret_get_text (a), ==, "first password");
  g_assert_cmpstr (wc_secret_get_text (b), ==, "second password");
}

static void
test_guard_page (void)
{
  if (g_test_subprocess ())
    {
      WcSecret *secret = wc_secret_new_from_text ("short");
      volatile guint8 *data = wc_secret_get_data (secret);

      /* The byte after the NUL is on the guard page. */
      data[wc_secret_get_size (secret) + 1] = 'x';
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static void
test_process (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
      wc_secure_process ();
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secret/own-pages", test_own_pages);
  g_test_add_func ("/secret/guard-page", test_guard_page);
  g_test_add_func ("/secret/process", test_process);
  return g_test_run ();
}
