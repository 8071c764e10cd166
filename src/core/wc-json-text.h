/* wc-json-text.h: whether a text from outside is strict JSON, nested no
 * deeper than a bound, before json-glib reads it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  /* An escaped lone surrogate: no character, no UTF-8 can carry it. */
  WC_JSON_TEXT_BAD_CHARACTERS = 1 << 0,
  /* An integer of more than 18 digits, which json-glib wraps. */
  WC_JSON_TEXT_HUGE_NUMBERS   = 1 << 1,
  /* An escaped NUL (\u0000), which would cut a C string short. */
  WC_JSON_TEXT_NUL            = 1 << 2,
  /* An object names a member twice (json-glib keeps the last). */
  WC_JSON_TEXT_DUPLICATE_MEMBER = 1 << 3,
} WcJsonTextFlags;

/* Whether @data (@size bytes, not NUL-terminated) is one RFC 8259 JSON
 * text with nothing after it but space, whose arrays and objects nest at
 * most @max_depth deep. What it noticed on the way goes to @flags, and
 * the first member name given twice in one object to @duplicate. */
gboolean wc_json_text_check (const char       *data,
                             gsize             size,
                             guint             max_depth,
                             WcJsonTextFlags  *flags,
                             char            **duplicate);

G_END_DECLS
