/* A growing string for the command lines, JSON and shell words the sweep
 * builds: printf onto the end, and a word quoted so that a POSIX shell
 * reads it back unchanged. */
#ifndef WL_SBUF_H
#define WL_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;       /* NUL-terminated once anything was added; free() it */
	size_t n, cap;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s bare when it is plain, else in single quotes ('\'' for a quote). */
void sb_shell(struct sbuf *b, const char *s);
/* s as a JSON value: a number as it is when it is one (json_is_number),
 * else a quoted string. */
void sb_json_value(struct sbuf *b, const char *s);
/* s as a JSON string (json_quote). */
void sb_json_string(struct sbuf *b, const char *s);

#endif
