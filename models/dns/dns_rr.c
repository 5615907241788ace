/* Resource records: the table of record-type codecs (decode from the wire,
 * encode, format as zone-file text, parse zone-file text, compare), one
 * row per type, as BIRD's bgp_attr_table.  Types and their RDATA:
 * A (RFC 1035 §3.4.1), NS (§3.3.11), CNAME (§3.3.1), SOA (§3.3.13),
 * MX (§3.3.9), TXT (§3.3.14), AAAA (RFC 3596 §2.2), SRV (RFC 2782).
 * Names inside RDATA are compressed on output only for the types RFC 1035
 * defines (NS, CNAME, SOA, MX; RFC 3597 §4); SRV's target never is (RFC
 * 2782), though a compressed one is accepted on input.  Any other type's
 * RDATA is opaque bytes (RFC 3597). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models/dns/dns_rr.h"
#include "sim/util.h"

static void perr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- small text helpers ---- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The next whitespace-separated word into w (at most n-1 chars); NULL at
 * the end of the text or for an over-long word. */
static const char *next_word(const char *s, char *w, size_t n)
{
	s = skip_ws(s);
	if (!*s)
		return NULL;
	size_t k = 0;
	while (*s && *s != ' ' && *s != '\t') {
		if (k + 1 >= n)
			return NULL;
		w[k++] = *s++;
	}
	w[k] = '\0';
	return s;
}

static int word_u32(const char *w, uint32_t max, uint32_t *v)
{
	if (!isdigit((unsigned char)w[0]))
		return -1;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(w, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int parse_name(struct dns_name *n, const char *w, const struct dns_name *origin)
{
	if (origin)
		return dns_name_join(n, w, origin);
	return dns_name_from_str(n, w);
}

static void fmt_name(char *buf, size_t size, const struct dns_name *n)
{
	char t[DNS_NAME_STRLEN];
	dns_name_to_str(t, sizeof(t), n);
	snprintf(buf, size, "%s%s", t, n->len > 1 ? "." : "");
}

/* A name that fills the RDATA to its end exactly. */
static int decode_last_name(struct dns_rbuf *r, struct dns_name *n)
{
	return dns_r_name(r, n) < 0 || r->off != r->end ? -1 : 0;
}

/* ---- A ---- */

static int a_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	return r->end - r->off != 4 ? -1 : dns_r_u32(r, &rr->rd.a);
}
static void a_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_u32(w, rr->rd.a);
}
static void a_format(const struct dns_rr *rr, char *buf, size_t size)
{
	uint32_t a = rr->rd.a;
	snprintf(buf, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}
static int a_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err, size_t el)
{
	(void)o;
	struct in_addr in;
	if (inet_pton(AF_INET, t, &in) != 1) {
		perr(err, el, "expected an IPv4 address like 10.0.0.5, got '%s'", t);
		return -1;
	}
	rr->rd.a = ntohl(in.s_addr);
	return 0;
}
static bool a_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->rd.a == b->rd.a;
}

/* ---- AAAA ---- */

static int aaaa_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	if (r->end - r->off != 16)
		return -1;
	memcpy(rr->rd.aaaa, r->msg + r->off, 16);
	r->off += 16;
	return 0;
}
static void aaaa_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_bytes(w, rr->rd.aaaa, 16);
}
static void aaaa_format(const struct dns_rr *rr, char *buf, size_t size)
{
	char t[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, rr->rd.aaaa, t, sizeof(t));
	snprintf(buf, size, "%s", t);
}
static int aaaa_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		      size_t el)
{
	(void)o;
	if (inet_pton(AF_INET6, t, rr->rd.aaaa) != 1) {
		perr(err, el, "expected an IPv6 address like 2001:db8::5, got '%s'", t);
		return -1;
	}
	return 0;
}
static bool aaaa_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return memcmp(a->rd.aaaa, b->rd.aaaa, 16) == 0;
}

/* ---- NS and CNAME: one name (rd.ns and rd.cname share their place) ---- */

static int name_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	return decode_last_name(r, &rr->rd.ns);
}
static void name_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_name(w, &rr->rd.ns, true);
}
static void name_format(const struct dns_rr *rr, char *buf, size_t size)
{
	fmt_name(buf, size, &rr->rd.ns);
}
static int name_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		      size_t el)
{
	char w[DNS_NAME_STRLEN];
	const char *rest = next_word(t, w, sizeof(w));
	if (!rest || *skip_ws(rest) || parse_name(&rr->rd.ns, w, o) < 0) {
		perr(err, el, "expected a domain name, got '%s'", t);
		return -1;
	}
	return 0;
}
static bool name_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return dns_name_eq(&a->rd.ns, &b->rd.ns);
}

/* ---- SOA ---- */

static int soa_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	struct dns_soa *s = &rr->rd.soa;
	if (dns_r_name(r, &s->mname) < 0 || dns_r_name(r, &s->rname) < 0 ||
	    dns_r_u32(r, &s->serial) < 0 || dns_r_u32(r, &s->refresh) < 0 ||
	    dns_r_u32(r, &s->retry) < 0 || dns_r_u32(r, &s->expire) < 0 ||
	    dns_r_u32(r, &s->minimum) < 0)
		return -1;
	return r->off == r->end ? 0 : -1;
}
static void soa_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	const struct dns_soa *s = &rr->rd.soa;
	dns_w_name(w, &s->mname, true);
	dns_w_name(w, &s->rname, true);
	dns_w_u32(w, s->serial);
	dns_w_u32(w, s->refresh);
	dns_w_u32(w, s->retry);
	dns_w_u32(w, s->expire);
	dns_w_u32(w, s->minimum);
}
static void soa_format(const struct dns_rr *rr, char *buf, size_t size)
{
	const struct dns_soa *s = &rr->rd.soa;
	char m[DNS_NAME_STRLEN + 2], n[DNS_NAME_STRLEN + 2];
	fmt_name(m, sizeof(m), &s->mname);
	fmt_name(n, sizeof(n), &s->rname);
	snprintf(buf, size, "%s %s %u %u %u %u %u", m, n, s->serial, s->refresh, s->retry,
		 s->expire, s->minimum);
}
static int soa_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		     size_t el)
{
	struct dns_soa *s = &rr->rd.soa;
	char w[DNS_NAME_STRLEN];
	const char *p = t;
	uint32_t *nums[5] = { &s->serial, &s->refresh, &s->retry, &s->expire, &s->minimum };
	if (!(p = next_word(p, w, sizeof(w))) || parse_name(&s->mname, w, o) < 0 ||
	    !(p = next_word(p, w, sizeof(w))) || parse_name(&s->rname, w, o) < 0)
		goto bad;
	for (int i = 0; i < 5; i++)
		if (!(p = next_word(p, w, sizeof(w))) || word_u32(w, UINT32_MAX, nums[i]) < 0)
			goto bad;
	if (*skip_ws(p))
		goto bad;
	return 0;
bad:
	perr(err, el, "expected 'mname rname serial refresh retry expire minimum', got '%s'", t);
	return -1;
}
static bool soa_same(const struct dns_rr *a, const struct dns_rr *b)
{
	const struct dns_soa *x = &a->rd.soa, *y = &b->rd.soa;
	return dns_name_eq(&x->mname, &y->mname) && dns_name_eq(&x->rname, &y->rname) &&
	       x->serial == y->serial && x->refresh == y->refresh && x->retry == y->retry &&
	       x->expire == y->expire && x->minimum == y->minimum;
}

/* ---- MX ---- */

static int mx_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	return dns_r_u16(r, &rr->rd.mx.pref) < 0 ? -1 : decode_last_name(r, &rr->rd.mx.exchange);
}
static void mx_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_u16(w, rr->rd.mx.pref);
	dns_w_name(w, &rr->rd.mx.exchange, true);
}
static void mx_format(const struct dns_rr *rr, char *buf, size_t size)
{
	char n[DNS_NAME_STRLEN + 2];
	fmt_name(n, sizeof(n), &rr->rd.mx.exchange);
	snprintf(buf, size, "%u %s", rr->rd.mx.pref, n);
}
static int mx_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		    size_t el)
{
	char w[DNS_NAME_STRLEN];
	uint32_t v;
	const char *p = t;
	if (!(p = next_word(p, w, sizeof(w))) || word_u32(w, 65535, &v) < 0 ||
	    !(p = next_word(p, w, sizeof(w))) || parse_name(&rr->rd.mx.exchange, w, o) < 0 ||
	    *skip_ws(p)) {
		perr(err, el, "expected 'preference exchange' like '10 mail', got '%s'", t);
		return -1;
	}
	rr->rd.mx.pref = (uint16_t)v;
	return 0;
}
static bool mx_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->rd.mx.pref == b->rd.mx.pref && dns_name_eq(&a->rd.mx.exchange, &b->rd.mx.exchange);
}

/* ---- SRV ---- */

static int srv_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	if (dns_r_u16(r, &rr->rd.srv.prio) < 0 || dns_r_u16(r, &rr->rd.srv.weight) < 0 ||
	    dns_r_u16(r, &rr->rd.srv.port) < 0)
		return -1;
	return decode_last_name(r, &rr->rd.srv.target);
}
static void srv_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_u16(w, rr->rd.srv.prio);
	dns_w_u16(w, rr->rd.srv.weight);
	dns_w_u16(w, rr->rd.srv.port);
	dns_w_name(w, &rr->rd.srv.target, false); /* RFC 2782: no compression */
}
static void srv_format(const struct dns_rr *rr, char *buf, size_t size)
{
	char n[DNS_NAME_STRLEN + 2];
	fmt_name(n, sizeof(n), &rr->rd.srv.target);
	snprintf(buf, size, "%u %u %u %s", rr->rd.srv.prio, rr->rd.srv.weight, rr->rd.srv.port, n);
}
static int srv_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		     size_t el)
{
	char w[DNS_NAME_STRLEN];
	uint32_t v[3];
	const char *p = t;
	for (int i = 0; i < 3; i++)
		if (!(p = next_word(p, w, sizeof(w))) || word_u32(w, 65535, &v[i]) < 0)
			goto bad;
	if (!(p = next_word(p, w, sizeof(w))) || parse_name(&rr->rd.srv.target, w, o) < 0 ||
	    *skip_ws(p))
		goto bad;
	rr->rd.srv.prio = (uint16_t)v[0];
	rr->rd.srv.weight = (uint16_t)v[1];
	rr->rd.srv.port = (uint16_t)v[2];
	return 0;
bad:
	perr(err, el, "expected 'priority weight port target' like '0 5 5060 sip', got '%s'", t);
	return -1;
}
static bool srv_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->rd.srv.prio == b->rd.srv.prio && a->rd.srv.weight == b->rd.srv.weight &&
	       a->rd.srv.port == b->rd.srv.port && dns_name_eq(&a->rd.srv.target, &b->rd.srv.target);
}

/* ---- TXT: one or more <character-string>s, kept with their length bytes ---- */

static int txt_decode(struct dns_rr *rr, struct dns_rbuf *r)
{
	size_t n = r->end - r->off;
	if (n == 0)
		return -1;
	for (size_t i = r->off; i < r->end; i += 1u + r->msg[i])
		if (i + 1u + r->msg[i] > r->end)
			return -1;
	return dns_rr_decode_opaque(rr, r);
}
static void data_encode(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_bytes(w, rr->data, rr->data_len);
}
/* Appends to buf without ever writing past size. */
static void app(char *buf, size_t size, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void app(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	if (*o + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	if (w > 0)
		*o = *o + (size_t)w < size ? *o + (size_t)w : size - 1;
}
static void txt_format(const struct dns_rr *rr, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < rr->data_len;) {
		uint8_t l = rr->data[i];
		app(buf, size, &o, "%s\"", i > 0 ? " " : "");
		i++;
		for (uint8_t k = 0; k < l && i < rr->data_len; k++, i++) {
			uint8_t c = rr->data[i];
			if (c == '"' || c == '\\')
				app(buf, size, &o, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				app(buf, size, &o, "\\%03u", c);
			else
				app(buf, size, &o, "%c", c);
		}
		app(buf, size, &o, "\"");
	}
}
static int txt_parse(struct dns_rr *rr, const char *t, const struct dns_name *o, char *err,
		     size_t el)
{
	(void)o;
	size_t len = strlen(t);
	size_t pieces = len == 0 ? 1 : (len + 254) / 255;
	if (len + pieces > 65535) {
		perr(err, el, "TXT text of %zu bytes does not fit in one record", len);
		return -1;
	}
	free(rr->data);
	rr->data = xmalloc(len + pieces);
	size_t w = 0;
	for (size_t i = 0; i < pieces; i++) {
		size_t l = len - i * 255 > 255 ? 255 : len - i * 255;
		rr->data[w++] = (uint8_t)l;
		memcpy(rr->data + w, t + i * 255, l);
		w += l;
	}
	rr->data_len = (uint16_t)w;
	return 0;
}
static bool data_same(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->data_len == b->data_len &&
	       (a->data_len == 0 || memcmp(a->data, b->data, a->data_len) == 0);
}

/* ---- the table ---- */

static const struct dns_rr_codec codecs[] = {
	{ .type = DNS_T_A, .name = "A", .decode = a_decode, .encode = a_encode,
	  .format = a_format, .parse = a_parse, .same = a_same },
	{ .type = DNS_T_NS, .name = "NS", .decode = name_decode, .encode = name_encode,
	  .format = name_format, .parse = name_parse, .same = name_same },
	{ .type = DNS_T_CNAME, .name = "CNAME", .decode = name_decode, .encode = name_encode,
	  .format = name_format, .parse = name_parse, .same = name_same },
	{ .type = DNS_T_SOA, .name = "SOA", .decode = soa_decode, .encode = soa_encode,
	  .format = soa_format, .parse = soa_parse, .same = soa_same },
	{ .type = DNS_T_MX, .name = "MX", .decode = mx_decode, .encode = mx_encode,
	  .format = mx_format, .parse = mx_parse, .same = mx_same },
	{ .type = DNS_T_TXT, .name = "TXT", .decode = txt_decode, .encode = data_encode,
	  .format = txt_format, .parse = txt_parse, .same = data_same },
	{ .type = DNS_T_AAAA, .name = "AAAA", .decode = aaaa_decode, .encode = aaaa_encode,
	  .format = aaaa_format, .parse = aaaa_parse, .same = aaaa_same },
	{ .type = DNS_T_SRV, .name = "SRV", .decode = srv_decode, .encode = srv_encode,
	  .format = srv_format, .parse = srv_parse, .same = srv_same },
};

/* Names of types without a typed codec (queries may ask for them). */
static const struct { uint16_t type; const char *name; } other_names[] = {
	{ 12, "PTR" }, { DNS_T_OPT, "OPT" }, { 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" },
	{ 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 252, "AXFR" }, { DNS_T_ANY, "ANY" },
	{ 257, "CAA" },
};

const struct dns_rr_codec *dns_rr_codec(uint16_t type)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i].type == type)
			return &codecs[i];
	return NULL;
}

bool dns_type_known(uint16_t type)
{
	return dns_rr_codec(type) != NULL;
}

int dns_rr_decode_opaque(struct dns_rr *rr, struct dns_rbuf *r)
{
	size_t n = r->end - r->off;
	free(rr->data);
	rr->data = NULL;
	rr->data_len = (uint16_t)n;
	if (n > 0) {
		rr->data = xmalloc(n);
		memcpy(rr->data, r->msg + r->off, n);
	}
	r->off = r->end;
	return 0;
}

const char *dns_type_name(uint16_t type)
{
	const struct dns_rr_codec *c = dns_rr_codec(type);
	if (c)
		return c->name;
	for (size_t i = 0; i < sizeof(other_names) / sizeof(other_names[0]); i++)
		if (other_names[i].type == type)
			return other_names[i].name;
	return NULL;
}

char *dns_type_str(char *buf, size_t size, uint16_t type)
{
	const char *n = dns_type_name(type);
	if (n)
		snprintf(buf, size, "%s", n);
	else
		snprintf(buf, size, "TYPE%u", type);
	return buf;
}

int dns_type_from_str(const char *s)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (strcasecmp(s, codecs[i].name) == 0)
			return codecs[i].type;
	for (size_t i = 0; i < sizeof(other_names) / sizeof(other_names[0]); i++)
		if (strcasecmp(s, other_names[i].name) == 0)
			return other_names[i].type;
	if (strncasecmp(s, "TYPE", 4) == 0 && s[4]) {
		uint32_t v;
		if (word_u32(s + 4, 65535, &v) == 0)
			return (int)v;
	}
	return -1;
}

const char *dns_rcode_name(uint16_t rcode, char *buf, size_t size)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED" };
	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	if (rcode == DNS_R_BADVERS)
		return "BADVERS";
	snprintf(buf, size, "RCODE%u", rcode);
	return buf;
}

/* ---- RR objects ---- */

void dns_rr_init(struct dns_rr *rr)
{
	memset(rr, 0, sizeof(*rr));
	rr->cls = DNS_C_IN;
}

void dns_rr_clear(struct dns_rr *rr)
{
	free(rr->data);
	dns_rr_init(rr);
}

void dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src)
{
	*dst = *src;
	if (src->data_len > 0) {
		dst->data = xmalloc(src->data_len);
		memcpy(dst->data, src->data, src->data_len);
	} else {
		dst->data = NULL;
	}
}

bool dns_rr_same_data(const struct dns_rr *a, const struct dns_rr *b)
{
	if (a->type != b->type || a->cls != b->cls || !dns_name_eq(&a->name, &b->name))
		return false;
	const struct dns_rr_codec *c = dns_rr_codec(a->type);
	return c ? c->same(a, b) : data_same(a, b);
}

int dns_rr_parse(struct dns_rr *rr, const char *text, const struct dns_name *origin, char *err,
		 size_t errlen)
{
	const struct dns_rr_codec *c = dns_rr_codec(rr->type);
	if (!c) {
		char t[16];
		perr(err, errlen, "type %s has no text form here (known: A, AAAA, CNAME, NS, SOA, "
		     "TXT, MX, SRV)", dns_type_str(t, sizeof(t), rr->type));
		return -1;
	}
	if (rr->type != DNS_T_TXT && *skip_ws(text) == '\0') {
		perr(err, errlen, "empty %s data", c->name);
		return -1;
	}
	return c->parse(rr, rr->type == DNS_T_TXT ? text : skip_ws(text), origin, err, errlen);
}

char *dns_rr_to_str(char *buf, size_t size, const struct dns_rr *rr, bool rdata_only)
{
	if (size == 0)
		return buf;
	size_t o = 0;
	buf[0] = '\0';
	if (!rdata_only) {
		char n[DNS_NAME_STRLEN + 2], t[16];
		fmt_name(n, sizeof(n), &rr->name);
		app(buf, size, &o, "%s %u %s %s ", n, rr->ttl, rr->cls == DNS_C_IN ? "IN" : "CLASS?",
		    dns_type_str(t, sizeof(t), rr->type));
	}
	const struct dns_rr_codec *c = dns_rr_codec(rr->type);
	if (c) {
		c->format(rr, buf + o, size - o);
	} else { /* RFC 3597 §5 generic form */
		app(buf, size, &o, "\\# %u", rr->data_len);
		for (size_t i = 0; i < rr->data_len; i++)
			app(buf, size, &o, "%s%02x", i ? "" : " ", rr->data[i]);
	}
	return buf;
}
