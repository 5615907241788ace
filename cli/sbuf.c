/* The growing string of sbuf.h. */
#include "cli/sbuf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json.h"
#include "sim/util.h"

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	xgrow((void **)&b->s, &b->cap, b->n + (size_t)len + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)len;
}

void sb_shell(struct sbuf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:+-@%,", *c))
			plain = false;
	if (plain) {
		sb_printf(b, "%s", s);
		return;
	}
	sb_printf(b, "'");
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			sb_printf(b, "'\\''");
		else
			sb_printf(b, "%c", *c);
	}
	sb_printf(b, "'");
}

void sb_json_string(struct sbuf *b, const char *s)
{
	char *q = json_quote(s);
	sb_printf(b, "%s", q);
	free(q);
}

void sb_json_value(struct sbuf *b, const char *s)
{
	if (json_is_number(s))
		sb_printf(b, "%s", s);
	else
		sb_json_string(b, s);
}
