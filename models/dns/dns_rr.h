/* Private to models/dns: the wire reader and writer shared by the message
 * codec (dns_msg.c) and the record-type codec table (dns_rr.c).
 *
 * The writer compresses names (RFC 1035 §4.1.4) against every name suffix
 * written so far at an offset a pointer can reach (< 0x4000).  Writes past
 * the limit set `over` and are dropped, so a caller writes a whole RRset
 * and then checks once, rolling back with the saved mark. */
#ifndef WL_DNS_RR_H
#define WL_DNS_RR_H

#include "models/dns/dns_msg.h"

#define DNS_COMP_MAX 512 /* compression targets remembered per message */

struct dns_wbuf {
	uint8_t *b;
	size_t len, cap;
	bool over;
	int ncomp;
	uint16_t comp[DNS_COMP_MAX]; /* offsets of names (and suffixes) written */
};

struct dns_wmark {
	size_t len;
	int ncomp;
};

static inline struct dns_wmark dns_w_mark(const struct dns_wbuf *w)
{
	return (struct dns_wmark){ w->len, w->ncomp };
}
static inline void dns_w_reset(struct dns_wbuf *w, struct dns_wmark m)
{
	w->len = m.len;
	w->ncomp = m.ncomp;
	w->over = false;
}

void dns_w_bytes(struct dns_wbuf *w, const void *p, size_t n);
void dns_w_u8(struct dns_wbuf *w, uint8_t v);
void dns_w_u16(struct dns_wbuf *w, uint16_t v);
void dns_w_u32(struct dns_wbuf *w, uint32_t v);
/* Writes n, compressed against earlier names if compress. */
void dns_w_name(struct dns_wbuf *w, const struct dns_name *n, bool compress);

/* The reader: a whole message (names may point anywhere before them) and
 * the end of the current part (RDATA end) for in-place bytes. */
struct dns_rbuf {
	const uint8_t *msg;
	size_t msglen;
	size_t off;
	size_t end;
};
int dns_r_u8(struct dns_rbuf *r, uint8_t *v);
int dns_r_u16(struct dns_rbuf *r, uint16_t *v);
int dns_r_u32(struct dns_rbuf *r, uint32_t *v);
/* Reads a possibly compressed name; -1 (FORMERR) on a pointer that does
 * not point strictly before the part of the name that holds it (so loops
 * and forward pointers are impossible), a reserved label type (0x40,
 * 0x80), a name over 255 bytes or bytes past the end. */
int dns_r_name(struct dns_rbuf *r, struct dns_name *n);

/* The record-type codec table (BIRD's attribute-table habit). */
struct dns_rr_codec {
	uint16_t type;
	const char *name;
	/* Reads the RDATA from r->off to r->end exactly; 0 or -1. */
	int (*decode)(struct dns_rr *rr, struct dns_rbuf *r);
	void (*encode)(const struct dns_rr *rr, struct dns_wbuf *w);
	void (*format)(const struct dns_rr *rr, char *buf, size_t size);
	int (*parse)(struct dns_rr *rr, const char *text, const struct dns_name *origin, char *err,
		     size_t errlen);
	bool (*same)(const struct dns_rr *a, const struct dns_rr *b);
};
/* The codec of a typed record, or NULL (opaque RDATA). */
const struct dns_rr_codec *dns_rr_codec(uint16_t type);
/* Opaque RDATA (unknown types, RFC 3597). */
int dns_rr_decode_opaque(struct dns_rr *rr, struct dns_rbuf *r);

#endif
