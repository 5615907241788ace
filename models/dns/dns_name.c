/* Domain names (RFC 1035 §3.1, §2.3.4): uncompressed wire form, text form
 * with RFC 1035 §5.1 escapes, and case-insensitive comparison (RFC 4343).
 * The compressed forms on the wire are in dns_wire.c. */
#include <stdio.h>
#include <string.h>

#include "models/dns/dns_msg.h"

static inline uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

void dns_name_root(struct dns_name *n)
{
	n->len = 1;
	n->b[0] = 0;
}

int dns_name_from_str(struct dns_name *n, const char *s)
{
	uint8_t out[DNS_NAME_MAX];
	size_t len = 0;
	if (s[0] == '\0' || (s[0] == '.' && s[1] == '\0')) {
		dns_name_root(n);
		return 0;
	}
	while (*s) {
		size_t lab = len++; /* room for the label's length byte */
		if (len > DNS_NAME_MAX - 1)
			return -1;
		size_t ll = 0;
		while (*s && *s != '.') {
			uint8_t c = (uint8_t)*s++;
			if (c == '\\') {
				if (s[0] >= '0' && s[0] <= '9') {
					if (!(s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'))
						return -1;
					int v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
					if (v > 255)
						return -1;
					c = (uint8_t)v;
					s += 3;
				} else if (*s) {
					c = (uint8_t)*s++;
				} else {
					return -1;
				}
			}
			if (++ll > DNS_LABEL_MAX || len >= DNS_NAME_MAX - 1)
				return -1;
			out[len++] = c;
		}
		if (ll == 0)
			return -1; /* empty label: "a..b" or a leading dot */
		out[lab] = (uint8_t)ll;
		if (*s == '.')
			s++; /* a trailing dot ends the name as well */
	}
	out[len++] = 0;
	n->len = (uint8_t)len;
	memcpy(n->b, out, len);
	return 0;
}

char *dns_name_to_str(char *buf, size_t size, const struct dns_name *n)
{
	size_t o = 0;
	if (size == 0)
		return buf;
	if (n->len <= 1) {
		snprintf(buf, size, ".");
		return buf;
	}
	for (size_t i = 0; i < n->len && n->b[i] != 0;) {
		uint8_t ll = n->b[i++];
		if (i > 1 && o + 1 < size)
			buf[o++] = '.';
		for (uint8_t k = 0; k < ll && i < n->len; k++, i++) {
			uint8_t c = n->b[i];
			char tmp[5];
			int w;
			if (c == '.' || c == '\\')
				w = snprintf(tmp, sizeof(tmp), "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				w = snprintf(tmp, sizeof(tmp), "\\%03u", c);
			else
				w = snprintf(tmp, sizeof(tmp), "%c", c);
			for (int j = 0; j < w && o + 1 < size; j++)
				buf[o++] = tmp[j];
		}
	}
	buf[o] = '\0';
	return buf;
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	if (a->len != b->len)
		return false;
	/* length bytes are below 64, so lowering them changes nothing */
	for (size_t i = 0; i < a->len; i++)
		if (lower(a->b[i]) != lower(b->b[i]))
			return false;
	return true;
}

bool dns_name_is_sub(const struct dns_name *n, const struct dns_name *zone)
{
	if (zone->len == 0 || n->len < zone->len)
		return false;
	size_t i = 0;
	while (n->len - i > zone->len) {
		i += 1u + n->b[i];
		if (i >= n->len)
			return false;
	}
	if (n->len - i != zone->len)
		return false;
	for (size_t k = 0; k < zone->len; k++)
		if (lower(n->b[i + k]) != lower(zone->b[k]))
			return false;
	return true;
}

int dns_name_labels(const struct dns_name *n)
{
	int c = 0;
	for (size_t i = 0; i < n->len && n->b[i] != 0; i += 1u + n->b[i])
		c++;
	return c;
}

bool dns_name_parent(struct dns_name *n)
{
	if (n->len <= 1)
		return false;
	size_t cut = 1u + n->b[0];
	memmove(n->b, n->b + cut, n->len - cut);
	n->len = (uint8_t)(n->len - cut);
	return true;
}

void dns_name_lower(struct dns_name *n)
{
	for (size_t i = 0; i < n->len; i++)
		n->b[i] = lower(n->b[i]);
}

int dns_name_join(struct dns_name *out, const char *prefix, const struct dns_name *suffix)
{
	if (strcmp(prefix, "@") == 0) {
		*out = *suffix;
		return 0;
	}
	size_t pl = strlen(prefix);
	if (pl > 0 && prefix[pl - 1] == '.' && (pl < 2 || prefix[pl - 2] != '\\'))
		return dns_name_from_str(out, prefix); /* absolute */
	struct dns_name rel;
	if (pl == 0 || dns_name_from_str(&rel, prefix) < 0 || rel.len <= 1)
		return -1;
	size_t total = (size_t)rel.len - 1 + suffix->len;
	if (total > DNS_NAME_MAX)
		return -1;
	memcpy(out->b, rel.b, rel.len - 1u);
	memcpy(out->b + rel.len - 1, suffix->b, suffix->len);
	out->len = (uint8_t)total;
	return 0;
}

uint32_t dns_name_hash(const struct dns_name *n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n->len; i++) {
		h ^= lower(n->b[i]);
		h *= 16777619u;
	}
	return h;
}
