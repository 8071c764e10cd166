/* test-json-text.c: the strict JSON check that runs before json-glib reads
 * a text from outside: what is JSON, what json-glib would take but is not,
 * what it notices on the way, and the bound on nesting, to the level. */
#include "wc-json-text.h"

#include <string.h>

static gboolean
check (const char      *text,
       guint            max_depth,
       WcJsonTextFlags *flags)
{
  return wc_json_text_check (text, strlen (text), max_depth, flags, NULL);
}

static void
test_strict (void)
{
  const char *json[] = {
    "{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"\\u00e9\\n\"]} \r\n", "0", "\"text\"",
    "{\"a\": {\"b\": []}, \"c\": {}}",
  };
  const char *not_json[] = {
    "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{'a': 1}", "{\"a\": 0x10}", "{\"a\": 01}", "{\"a\": .5}",
    "{\"a\": \"tab\there\"}", "{} {}", "[1] x", "{\"a\" 1}", "{a: 1}", "[\"\\x\"]", "[\"\\u12\"]",
    "[tru]", "[-]", "[1.]", "[1e]", "[\"open]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    if (!check (json[i], 64, NULL))
      g_error ("refused JSON: %s", json[i]);
  for (guint i = 0; i < G_N_ELEMENTS (not_json); i++)
    if (check (not_json[i], 64, NULL))
      g_error ("took what is not JSON: “%s”", not_json[i]);
}

static void
test_flags (void)
{
  WcJsonTextFlags flags = 0;

  g_assert_true (check ("{\"a\": \"\\ud800\"}", 64, &flags));
  g_assert_cmpint (flags, ==, WC_JSON_TEXT_BAD_CHARACTERS);
  g_assert_true (check ("{\"a\": \"\\udc00\"}", 64, &flags));
  g_assert_cmpint (flags, ==, WC_JSON_TEXT_BAD_CHARACTERS);
  g_assert_true (check ("{\"a\": \"\\ud83d\\ude00\"}", 64, &flags));
  g_assert_cmpint (flags, ==, 0);
  g_assert_true (check ("[\"a\\u0000b\"]", 64, &flags));
  g_assert_cmpint (flags, ==, WC_JSON_TEXT_NUL);
  g_assert_true (check ("[\"a\\u0001b\"]", 64, &flags));
  g_assert_cmpint (flags, ==, 0);
  g_assert_true (check ("[1234567890123456789]", 64, &flags));
  g_assert_cmpint (flags, ==, WC_JSON_TEXT_HUGE_NUMBERS);
  g_assert_true (check ("[123456789012345678]", 64, &flags));
  g_assert_cmpint (flags, ==, 0);
}

/* The first name an object gives twice, escapes read; other objects and
 * arrays do not count. */
static void
test_duplicates (void)
{
  const struct {
    const char *text;
    const char *duplicate;   /* NULL: none */
  } cases[] = {
    { "{\"a\": 1, \"a\": 2}", "a" },
    { "{\"merchant_code\": \"1\", \"user_id\": \"x\", \"merchant_code\": \"2\"}", "merchant_code" },
    { "{\"a\": 1, \"\\u0061\": 2}", "a" },
    { "{\"é\": 1, \"\\u00e9\": 2}", "é" },
    { "{\"😀\": 1, \"\\ud83d\\ude00\": 2}", "😀" },
    { "{\"a\\\"b\": 1, \"a\\u0022b\": 2}", "a\"b" },
    { "{\"x\": {\"b\": 1}, \"y\": {\"b\": 2}}", NULL },
    { "{\"x\": {\"b\": 1, \"c\": {}, \"b\": 3}}", "b" },
    { "[{\"a\": 1}, {\"a\": 2}]", NULL },
    { "{\"a\": [1, {\"a\": 2}]}", NULL },
    { "{\"a\": 1, \"A\": 2}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *duplicate = NULL;
      WcJsonTextFlags flags = 0;

      if (!wc_json_text_check (cases[i].text, strlen (cases[i].text), 64, &flags, &duplicate))
        g_error ("refused JSON: %s", cases[i].text);
      g_assert_cmpstr (duplicate, ==, cases[i].duplicate);
      g_assert_cmpint ((flags & WC_JSON_TEXT_DUPLICATE_MEMBER) != 0, ==, cases[i].duplicate != NULL);
    }
}

static char *
nested (char  open,
        char  close,
        guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    {
      g_string_append_c (text, open);
      if (open == '{')
        g_string_append (text, "\"a\":");
    }
  g_string_append (text, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, close);
  return g_string_free (text, FALSE);
}

static void
test_depth (void)
{
  const char pairs[][2] = { { '[', ']' }, { '{', '}' } };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *at_bound = nested (pairs[i][0], pairs[i][1], 64);
      g_autofree char *beyond = nested (pairs[i][0], pairs[i][1], 65);
      /* An object level keeps a set of its names: fewer of those. */
      g_autofree char *deep = nested (pairs[i][0], pairs[i][1], pairs[i][0] == '[' ? 1000000 : 100000);

      g_assert_true (check (at_bound, 64, NULL));
      g_assert_false (check (beyond, 64, NULL));
      /* Deep text costs no stack: without a bound it is still read whole. */
      g_assert_true (check (deep, G_MAXUINT, NULL));
      g_assert_false (check (deep, 64, NULL));
    }
  /* An empty container is a level too. */
  g_assert_true (check ("[[], {}, []]", 2, NULL));
  g_assert_false (check ("[[], {}, [[]]]", 2, NULL));
  g_assert_true (check ("[[[]]]", 3, NULL));
  g_assert_false (check ("[[[]]]", 2, NULL));
  g_assert_false (check ("[]", 0, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-text/strict", test_strict);
  g_test_add_func ("/json-text/flags", test_flags);
  g_test_add_func ("/json-text/depth", test_depth);
  g_test_add_func ("/json-text/duplicates", test_duplicates);
  return g_test_run ();
}
