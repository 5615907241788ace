/* The one JSON writer of wirelab (RFC 8259): quoting a string and telling
 * whether a text is a JSON number as written.  runs.params and
 * sweeps.point are JSON objects that SQLite's json1 functions read back,
 * so every writer of them uses these two. */
#ifndef WL_JSON_H
#define WL_JSON_H

#include <stdbool.h>

/* s as a JSON string, quotes included (RFC 8259 §7: '"' and '\' escaped,
 * control characters below U+0020 as \u00XX; other bytes, UTF-8
 * included, as they are).  Free with free(). */
char *json_quote(const char *s);

/* Is s a JSON number exactly as RFC 8259 §6 spells one ("-1.5e3" is,
 * "020", "1.", ".5", "+1", "nan" and "inf" are not)? */
bool json_is_number(const char *s);

#endif
