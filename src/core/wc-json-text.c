/* wc-json-text.c: a strict reader of RFC 8259 JSON text, with a bound on
 * nesting, run before json-glib reads a text that came from outside.
 * json-glib is lenient (single quotes, hexadecimal numbers, leading
 * zeros, control characters in strings, a second value after the first)
 * and follows nesting by recursion without a limit, so that a deep enough
 * text overflows the stack. This only says whether the text is JSON, and
 * follows nesting on a stack of its own. */
#include "wc-json-text.h"

#include <string.h>

typedef struct {
  const char *p;
  const char *end;
  gboolean bad_characters;
  gboolean huge_numbers;    /* json-glib wraps integers beyond 64 bits */
  gboolean nul;
  GPtrArray *names;         /* per open container: a set of its member names, NULL for an array */
  char *duplicate;          /* the first member name given twice in one object */
} JsonCheck;

static void
json_skip_space (JsonCheck *check)
{
  while (check->p < check->end
         && (*check->p == ' ' || *check->p == '\t' || *check->p == '\n' || *check->p == '\r'))
    check->p++;
}

static gboolean
json_check_word (JsonCheck  *check,
                 const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (check->end - check->p) < length || memcmp (check->p, word, length) != 0)
    return FALSE;
  check->p += length;
  return TRUE;
}

/* Four hex digits after \u, or -1. */
static int
json_check_hex4 (JsonCheck *check)
{
  int value = 0;

  if (check->end - check->p < 4)
    return -1;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (check->p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  check->p += 4;
  return value;
}

static gboolean
json_check_string (JsonCheck *check)
{
  if (check->p >= check->end || *check->p != '"')
    return FALSE;
  check->p++;
  while (check->p < check->end)
    {
      guchar c = (guchar) *check->p++;
      int unit, low;

      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        continue;
      if (check->p >= check->end)
        return FALSE;
      c = (guchar) *check->p++;
      if (c != 'u')
        {
          if (c == '\0' || strchr ("\"\\/bfnrt", c) == NULL)
            return FALSE;
          continue;
        }
      unit = json_check_hex4 (check);
      if (unit < 0)
        return FALSE;
      if (unit == 0)
        check->nul = TRUE;
      else if (unit >= 0xdc00 && unit <= 0xdfff)
        check->bad_characters = TRUE;
      else if (unit >= 0xd800 && unit <= 0xdbff)
        {
          if (check->end - check->p < 2 || check->p[0] != '\\' || check->p[1] != 'u')
            {
              check->bad_characters = TRUE;
              continue;
            }
          check->p += 2;
          low = json_check_hex4 (check);
          if (low < 0)
            return FALSE;
          if (low < 0xdc00 || low > 0xdfff)
            check->bad_characters = TRUE;
        }
    }
  return FALSE;
}

static gboolean
json_check_digits (JsonCheck *check)
{
  const char *start = check->p;

  while (check->p < check->end && g_ascii_isdigit (*check->p))
    check->p++;
  return check->p > start;
}

static gboolean
json_check_number (JsonCheck *check)
{
  const char *digits;

  if (check->p < check->end && *check->p == '-')
    check->p++;
  digits = check->p;
  if (check->p < check->end && *check->p == '0')
    check->p++;
  else if (check->p >= check->end || *check->p < '1' || *check->p > '9' || !json_check_digits (check))
    return FALSE;
  if (check->p - digits > 18)
    check->huge_numbers = TRUE;
  if (check->p < check->end && *check->p == '.')
    {
      check->p++;
      if (!json_check_digits (check))
        return FALSE;
    }
  if (check->p < check->end && (*check->p == 'e' || *check->p == 'E'))
    {
      check->p++;
      if (check->p < check->end && (*check->p == '+' || *check->p == '-'))
        check->p++;
      if (!json_check_digits (check))
        return FALSE;
    }
  return TRUE;
}

/* A string, number, true, false or null. */
static gboolean
json_check_scalar (JsonCheck *check)
{
  if (check->p >= check->end)
    return FALSE;
  switch (*check->p)
    {
    case '"':
      return json_check_string (check);
    case 't':
      return json_check_word (check, "true");
    case 'f':
      return json_check_word (check, "false");
    case 'n':
      return json_check_word (check, "null");
    default:
      return json_check_number (check);
    }
}

/* A member's name and its colon. */
static gunichar
hex4 (const char *p)
{
  gunichar value = 0;

  for (guint i = 0; i < 4; i++)
    value = value * 16 + (gunichar) g_ascii_xdigit_value (p[i]);
  return value;
}

/* The text of a string the checker has passed: @start and @end are its
 * quotes. Its escapes are known to be valid. */
static char *
json_unescape (const char *start,
               const char *end)
{
  GString *text = g_string_sized_new ((gsize) (end - start));

  for (const char *p = start + 1; p < end; p++)
    {
      gunichar c;

      if (*p != '\\')
        {
          g_string_append_c (text, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'b': g_string_append_c (text, '\b'); continue;
        case 'f': g_string_append_c (text, '\f'); continue;
        case 'n': g_string_append_c (text, '\n'); continue;
        case 'r': g_string_append_c (text, '\r'); continue;
        case 't': g_string_append_c (text, '\t'); continue;
        case 'u': break;
        default: g_string_append_c (text, *p); continue;
        }
      c = hex4 (p + 1);
      p += 4;
      if (c >= 0xd800 && c <= 0xdbff && p + 6 < end && p[1] == '\\' && p[2] == 'u')
        {
          gunichar low = hex4 (p + 3);

          if (low >= 0xdc00 && low <= 0xdfff)
            {
              c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
              p += 6;
            }
        }
      g_string_append_unichar (text, c);
    }
  return g_string_free (text, FALSE);
}

/* A member's name and its colon; a name the object has had before is
 * noted as its duplicate. */
static gboolean
json_check_name (JsonCheck *check)
{
  const char *start = check->p;
  GHashTable *names;
  char *name;

  if (!json_check_string (check))
    return FALSE;
  names = g_ptr_array_index (check->names, check->names->len - 1);
  name = json_unescape (start, check->p - 1);
  if (!g_hash_table_add (names, name) && check->duplicate == NULL)
    check->duplicate = g_strdup (name);
  json_skip_space (check);
  if (check->p >= check->end || *check->p != ':')
    return FALSE;
  check->p++;
  return TRUE;
}

static gboolean check_text (JsonCheck *check, guint max_depth);

static void
free_names (gpointer names)
{
  if (names != NULL)
    g_hash_table_unref (names);
}

gboolean
wc_json_text_check (const char       *data,
                    gsize             size,
                    guint             max_depth,
                    WcJsonTextFlags  *flags,
                    char            **duplicate)
{
  JsonCheck check = { data, data + size, FALSE, FALSE, FALSE, NULL, NULL };
  gboolean json;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);

  check.names = g_ptr_array_new_with_free_func (free_names);
  json = check_text (&check, max_depth);
  if (flags != NULL)
    *flags = !json ? 0
             : (check.bad_characters ? WC_JSON_TEXT_BAD_CHARACTERS : 0)
               | (check.huge_numbers ? WC_JSON_TEXT_HUGE_NUMBERS : 0)
               | (check.nul ? WC_JSON_TEXT_NUL : 0)
               | (check.duplicate != NULL ? WC_JSON_TEXT_DUPLICATE_MEMBER : 0);
  if (duplicate != NULL)
    *duplicate = json ? g_steal_pointer (&check.duplicate) : NULL;
  g_free (check.duplicate);
  g_ptr_array_unref (check.names);
  return json;
}

/* The walk itself: nesting on a stack of its own, not by recursion. */
static gboolean
check_text (JsonCheck *check,
            guint      max_depth)
{
  g_autoptr(GString) open = g_string_new (NULL);  /* what closes each open container */

  for (;;)
    {
      gboolean complete = TRUE;

      /* A value: a scalar, an empty container, or the start of one. */
      json_skip_space (check);
      if (check->p >= check->end)
        return FALSE;
      if (*check->p == '{' || *check->p == '[')
        {
          char close = *check->p == '{' ? '}' : ']';

          /* An empty one is a level too. */
          if (open->len >= max_depth)
            return FALSE;
          check->p++;
          json_skip_space (check);
          if (check->p < check->end && *check->p == close)
            check->p++;
          else
            {
              g_string_append_c (open, close);
              g_ptr_array_add (check->names, close == '}'
                               ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL);
              if (close == '}' && !json_check_name (check))
                return FALSE;
              complete = FALSE;
            }
        }
      else if (!json_check_scalar (check))
        return FALSE;

      /* After a whole value: close what ends here; a comma leads on to
       * the next value. */
      while (complete)
        {
          json_skip_space (check);
          if (open->len == 0)
            return check->p == check->end;
          if (check->p >= check->end)
            return FALSE;
          if (*check->p == open->str[open->len - 1])
            {
              check->p++;
              g_string_truncate (open, open->len - 1);
              g_ptr_array_set_size (check->names, check->names->len - 1);
            }
          else if (*check->p == ',')
            {
              check->p++;
              json_skip_space (check);
              if (open->str[open->len - 1] == '}' && !json_check_name (check))
                return FALSE;
              complete = FALSE;
            }
          else
            return FALSE;
        }
    }
}
