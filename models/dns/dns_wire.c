/* The DNS wire reader and writer (RFC 1035 §4.1): big-endian integers,
 * and names with message compression (§4.1.4).
 *
 * Reading follows pointers only backwards, and only to before the start
 * of the part of the name that holds the pointer, so every jump lands
 * strictly earlier than the one before: a loop cannot exist and a name is
 * read in at most 255 bytes plus as many jumps as there are labels.
 * Writing looks each suffix of the name up among the names already
 * written, comparing label by label through their own pointers. */
#include <string.h>

#include "models/dns/dns_rr.h"

static inline uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* ---- writer ---- */

void dns_w_bytes(struct dns_wbuf *w, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (w->over || n > w->cap - w->len) {
		w->over = true;
		return;
	}
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

void dns_w_u8(struct dns_wbuf *w, uint8_t v)
{
	dns_w_bytes(w, &v, 1);
}

void dns_w_u16(struct dns_wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	dns_w_bytes(w, b, 2);
}

void dns_w_u32(struct dns_wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	dns_w_bytes(w, b, 4);
}

/* Does the name written at off in w equal the uncompressed labels s
 * (ending with the root)?  Names in w were written by us, so pointers in
 * them are sound; the hop bound is a guard all the same. */
static bool match_at(const struct dns_wbuf *w, size_t off, const uint8_t *s)
{
	for (int hops = 0; hops < 512; hops++) {
		if (off >= w->len)
			return false;
		uint8_t ll = w->b[off];
		if ((ll & 0xc0) == 0xc0) {
			if (off + 1 >= w->len)
				return false;
			off = (size_t)(ll & 0x3f) << 8 | w->b[off + 1];
			continue;
		}
		if (ll != *s)
			return false;
		if (ll == 0)
			return true;
		if (off + 1 + ll > w->len)
			return false;
		for (uint8_t i = 1; i <= ll; i++)
			if (lower(w->b[off + i]) != lower(s[i]))
				return false;
		off += 1u + ll;
		s += 1u + ll;
	}
	return false;
}

void dns_w_name(struct dns_wbuf *w, const struct dns_name *n, bool compress)
{
	size_t i = 0;
	while (i < n->len && n->b[i] != 0) {
		if (compress) {
			for (int k = 0; k < w->ncomp; k++) {
				if (match_at(w, w->comp[k], n->b + i)) {
					dns_w_u16(w, (uint16_t)(0xc000 | w->comp[k]));
					return;
				}
			}
		}
		/* remember this suffix as a target for later names */
		if (w->len < 0x4000 && w->ncomp < DNS_COMP_MAX && !w->over)
			w->comp[w->ncomp++] = (uint16_t)w->len;
		dns_w_bytes(w, n->b + i, 1u + n->b[i]);
		i += 1u + n->b[i];
	}
	dns_w_u8(w, 0);
}

/* ---- reader ---- */

int dns_r_u8(struct dns_rbuf *r, uint8_t *v)
{
	if (r->off + 1 > r->end)
		return -1;
	*v = r->msg[r->off++];
	return 0;
}

int dns_r_u16(struct dns_rbuf *r, uint16_t *v)
{
	if (r->off + 2 > r->end)
		return -1;
	*v = (uint16_t)(r->msg[r->off] << 8 | r->msg[r->off + 1]);
	r->off += 2;
	return 0;
}

int dns_r_u32(struct dns_rbuf *r, uint32_t *v)
{
	if (r->off + 4 > r->end)
		return -1;
	const uint8_t *p = r->msg + r->off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	r->off += 4;
	return 0;
}

int dns_r_name(struct dns_rbuf *r, struct dns_name *n)
{
	size_t pos = r->off;       /* where we read now */
	size_t end = r->end;       /* bound for in-place bytes, msglen after a jump */
	size_t seg = r->off;       /* start of the part being read */
	bool jumped = false;
	size_t len = 0;
	for (;;) {
		if (pos >= end)
			return -1;
		uint8_t ll = r->msg[pos];
		if ((ll & 0xc0) == 0xc0) {
			if (pos + 2 > end)
				return -1;
			size_t to = (size_t)(ll & 0x3f) << 8 | r->msg[pos + 1];
			if (to >= seg)
				return -1; /* forward, or into itself: a loop */
			if (!jumped)
				r->off = pos + 2;
			jumped = true;
			end = r->msglen;
			pos = seg = to;
			continue;
		}
		if (ll & 0xc0)
			return -1; /* 0x40 extended and 0x80 reserved label types */
		if (len + 1u + ll > DNS_NAME_MAX)
			return -1;
		if (pos + 1u + ll > end)
			return -1;
		memcpy(n->b + len, r->msg + pos, 1u + ll);
		len += 1u + ll;
		pos += 1u + ll;
		if (ll == 0)
			break;
	}
	if (!jumped)
		r->off = pos;
	n->len = (uint8_t)len;
	return 0;
}
