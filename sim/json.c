/* JSON quoting and the number grammar of RFC 8259; see json.h. */
#include "sim/json.h"

#include <stdio.h>
#include <string.h>

#include "sim/util.h"

char *json_quote(const char *s)
{
	size_t n = 3;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		n += *c == '"' || *c == '\\' ? 2 : *c < 0x20 ? 6 : 1;
	char *out = xmalloc(n), *o = out;
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*o++ = '\\';
			*o++ = (char)*c;
		} else if (*c < 0x20) {
			snprintf(o, 7, "\\u%04x", *c);
			o += 6;
		} else {
			*o++ = (char)*c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

static const char *digits(const char *c)
{
	while (*c >= '0' && *c <= '9')
		c++;
	return c;
}

bool json_is_number(const char *s)
{
	const char *c = s;
	if (*c == '-')
		c++;
	if (*c == '0')
		c++;
	else if (*c >= '1' && *c <= '9')
		c = digits(c);
	else
		return false;
	if (*c == '.') {
		c++;
		if (!(*c >= '0' && *c <= '9'))
			return false;
		c = digits(c);
	}
	if (*c == 'e' || *c == 'E') {
		c++;
		if (*c == '+' || *c == '-')
			c++;
		if (!(*c >= '0' && *c <= '9'))
			return false;
		c = digits(c);
	}
	return *c == '\0';
}
