/* Path attributes on the wire: one row per attribute in bgp_attr_table
 * (code, name, the Optional/Transitive flags RFC 4271 §5 gives it, a
 * decoder and an encoder), as BIRD's proto/bgp/attrs.c has it.  Decoding
 * follows RFC 4271 §6.3 with RFC 7606's revisions: each error is
 * classified as session reset (a NOTIFICATION), treat-as-withdraw (the
 * UPDATE's NLRI are withdrawn, the session stays) or attribute discard
 * (the attribute is dropped).  4-octet AS numbers follow RFC 6793: with a
 * peer that did not announce the capability, AS_PATH and AGGREGATOR carry
 * 2-octet numbers (AS_TRANS for larger ones) and AS4_PATH/AS4_AGGREGATOR
 * carry the real ones. */
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_priv.h"

enum { A_OK, A_DISCARD, A_WITHDRAW, A_RESET };

struct dec {
	const struct bgp_codec_ctx *ctx;
	struct bgp_update *u;
	struct bgp_attrs *a;
	struct bgp_err *err;
	const uint8_t *tlv;          /* the whole attribute, for NOTIFICATION data */
	uint32_t tlv_len;
	struct bgp_aspath as4_path;
	bool have_as4_path, have_as4_agg;
	uint32_t as4_agg_as, as4_agg_addr;
};

/* RFC 7606 treat-as-withdraw; the first error is the one reported. */
static int withdraw(struct dec *d, uint8_t sub)
{
	if (!d->u->treat_as_withdraw) {
		d->u->treat_as_withdraw = true;
		bgp_err_set(&d->u->tw_err, BGP_ERR_UPDATE, sub, d->tlv, d->tlv_len);
	}
	return A_WITHDRAW;
}

static int reset(struct dec *d, uint8_t sub)
{
	bgp_err_set(d->err, BGP_ERR_UPDATE, sub, d->tlv, d->tlv_len);
	return A_RESET;
}

/* ---- decoders: v[0..len) is the attribute's value ---- */

static int dec_origin(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len != 1)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	if (v[0] > BGP_ORIGIN_INCOMPLETE)
		return withdraw(d, BGP_UPD_INVALID_ORIGIN);
	d->a->origin = v[0];
	return A_OK;
}

/* Parses segments of asn_size-octet numbers into p; -1 if malformed
 * (RFC 7606 §7.2: a segment of length zero, an unknown type, or a
 * segment overrunning the attribute). */
static int parse_aspath(const uint8_t *v, uint32_t len, unsigned asn_size, struct bgp_aspath *p)
{
	uint32_t nw = 0;
	for (uint32_t o = 0; o < len; ) {
		if (len - o < 2)
			return -1;
		uint8_t t = v[o], c = v[o + 1];
		if (t < BGP_AS_SET || t > BGP_AS_CONFED_SET || c == 0)
			return -1;
		if ((uint32_t)c * asn_size > len - o - 2)
			return -1;
		o += 2u + (uint32_t)c * asn_size;
		nw += 1u + c;
	}
	p->w = nw ? malloc(nw * sizeof *p->w) : NULL;
	if (nw && !p->w)
		return -1;
	p->nw = 0;
	for (uint32_t o = 0; o < len; ) {
		uint8_t c = v[o + 1];
		p->w[p->nw++] = BGP_SEG_HDR(v[o], c);
		o += 2;
		for (unsigned k = 0; k < c; k++, o += asn_size)
			p->w[p->nw++] = asn_size == 4 ? bgp_get32(v + o) : bgp_get16(v + o);
	}
	return 0;
}

static int dec_as_path(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (parse_aspath(v, len, d->ctx->as4 ? 4 : 2, &d->a->as_path) < 0)
		return withdraw(d, BGP_UPD_MALFORMED_AS_PATH);
	return A_OK;
}

static int dec_next_hop(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len != 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	uint32_t nh = bgp_get32(v);
	/* RFC 4271 §6.3: syntactically incorrect: 0.0.0.0, broadcast, multicast. */
	if (nh == 0 || nh == 0xFFFFFFFFu || (nh >> 28) == 0xE)
		return withdraw(d, BGP_UPD_INVALID_NEXT_HOP);
	d->a->next_hop = nh;
	return A_OK;
}

static int dec_med(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len != 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	d->a->med = bgp_get32(v);
	return A_OK;
}

static int dec_local_pref(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (!d->ctx->ibgp)
		return A_DISCARD;           /* RFC 7606 §7.5: ignored from eBGP */
	if (len != 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	d->a->local_pref = bgp_get32(v);
	return A_OK;
}

static int dec_atomic(struct dec *d, const uint8_t *v, uint32_t len)
{
	(void)d; (void)v;
	return len == 0 ? A_OK : A_DISCARD;          /* RFC 7606 §7.6 */
}

static int dec_aggregator(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len != (d->ctx->as4 ? 8u : 6u))
		return A_DISCARD;                         /* RFC 7606 §7.7 */
	d->a->aggregator_as = d->ctx->as4 ? bgp_get32(v) : bgp_get16(v);
	d->a->aggregator_addr = bgp_get32(v + (d->ctx->as4 ? 4 : 2));
	return A_OK;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static int dec_communities(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len == 0 || len % 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);  /* RFC 7606 §7.8 */
	uint32_t n = len / 4;
	uint32_t *c = malloc(n * sizeof *c);
	if (!c)
		return reset(d, BGP_UPD_MALFORMED_ATTR_LIST);
	for (uint32_t i = 0; i < n; i++)
		c[i] = bgp_get32(v + 4 * i);
	qsort(c, n, sizeof *c, cmp_u32);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!k || c[k - 1] != c[i])
			c[k++] = c[i];
	d->a->communities = c;
	d->a->n_communities = k;
	return A_OK;
}

static int cmp_lc(const void *x, const void *y)
{
	const struct bgp_large_comm *a = x, *b = y;
	if (a->global != b->global)
		return a->global < b->global ? -1 : 1;
	if (a->local1 != b->local1)
		return a->local1 < b->local1 ? -1 : 1;
	return a->local2 < b->local2 ? -1 : a->local2 > b->local2;
}

static int dec_large(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (len == 0 || len % 12)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);  /* RFC 8092 §5 */
	uint32_t n = len / 12;
	struct bgp_large_comm *c = malloc(n * sizeof *c);
	if (!c)
		return reset(d, BGP_UPD_MALFORMED_ATTR_LIST);
	for (uint32_t i = 0; i < n; i++) {
		c[i].global = bgp_get32(v + 12 * i);
		c[i].local1 = bgp_get32(v + 12 * i + 4);
		c[i].local2 = bgp_get32(v + 12 * i + 8);
	}
	qsort(c, n, sizeof *c, cmp_lc);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!k || cmp_lc(&c[k - 1], &c[i]))
			c[k++] = c[i];
	d->a->large = c;
	d->a->n_large = k;
	return A_OK;
}

/* RFC 4456 §8 ORIGINATOR_ID: 4 octets.  RFC 7606 §7.9: from an external
 * neighbour it is discarded; a wrong length is treat-as-withdraw. */
static int dec_originator(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (!d->ctx->ibgp)
		return A_DISCARD;
	if (len != 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	d->a->originator_id = bgp_get32(v);
	return A_OK;
}

/* RFC 4456 §8 CLUSTER_LIST: a sequence of 4-octet CLUSTER_IDs, kept in
 * wire order.  RFC 7606 §7.10: from an external neighbour discarded; a
 * length that is not a non-zero multiple of 4 is treat-as-withdraw. */
static int dec_cluster_list(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (!d->ctx->ibgp)
		return A_DISCARD;
	if (len == 0 || len % 4)
		return withdraw(d, BGP_UPD_ATTR_LENGTH);
	uint32_t n = len / 4;
	uint32_t *c = malloc(n * sizeof *c);
	if (!c)
		return reset(d, BGP_UPD_MALFORMED_ATTR_LIST);
	for (uint32_t i = 0; i < n; i++)
		c[i] = bgp_get32(v + 4 * i);
	d->a->cluster_list = c;
	d->a->n_cluster = n;
	return A_OK;
}

/* RFC 6793 §4.2.3: from an old (2-octet) peer, remembered for the merge;
 * from a new peer, discarded.  Malformed: discarded (§6). */
static int dec_as4_path(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (d->ctx->as4 || parse_aspath(v, len, 4, &d->as4_path) < 0)
		return A_DISCARD;
	d->have_as4_path = true;
	return A_DISCARD;                /* not kept as such: merged afterwards */
}

static int dec_as4_aggregator(struct dec *d, const uint8_t *v, uint32_t len)
{
	if (d->ctx->as4 || len != 8)
		return A_DISCARD;
	d->have_as4_agg = true;
	d->as4_agg_as = bgp_get32(v);
	d->as4_agg_addr = bgp_get32(v + 4);
	return A_DISCARD;
}

/* ---- encoders: write the value at w->b + w->n ---- */

struct wr {
	uint8_t *b;
	size_t cap, n;
	bool over;
};

static void w_bytes(struct wr *w, const void *p, size_t len)
{
	if (!len)
		return;
	if (w->over || w->cap - w->n < len) {
		w->over = true;
		return;
	}
	memcpy(w->b + w->n, p, len);
	w->n += len;
}
static void w8(struct wr *w, uint8_t v) { w_bytes(w, &v, 1); }
static void w16(struct wr *w, uint16_t v) { uint8_t b[2]; bgp_put16(b, v); w_bytes(w, b, 2); }
static void w32(struct wr *w, uint32_t v) { uint8_t b[4]; bgp_put32(b, v); w_bytes(w, b, 4); }

static uint16_t as2(uint32_t asn) { return asn > 65535 ? BGP_AS_TRANS : (uint16_t)asn; }

static void enc_origin(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w8(w, a->origin);
}

static void put_aspath(struct wr *w, const struct bgp_aspath *p, bool four, bool skip_confed)
{
	for (uint32_t i = 0; i < p->nw; ) {
		uint8_t t = BGP_SEG_TYPE(p->w[i]), c = BGP_SEG_COUNT(p->w[i]);
		bool confed = t == BGP_AS_CONFED_SEQUENCE || t == BGP_AS_CONFED_SET;
		if (!(skip_confed && confed)) {
			w8(w, t);
			w8(w, c);
			for (uint32_t k = 1; k <= c; k++) {
				if (four)
					w32(w, p->w[i + k]);
				else
					w16(w, as2(p->w[i + k]));
			}
		}
		i += 1u + c;
	}
}

static void enc_as_path(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	put_aspath(w, &a->as_path, c->as4, false);
}

static void enc_next_hop(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w32(w, a->next_hop);
}

static void enc_med(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w32(w, a->med);
}

static void enc_local_pref(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w32(w, a->local_pref);
}

static void enc_atomic(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)w; (void)a; (void)c;
}

static void enc_aggregator(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	if (c->as4)
		w32(w, a->aggregator_as);
	else
		w16(w, as2(a->aggregator_as));
	w32(w, a->aggregator_addr);
}

static void enc_communities(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	for (uint32_t i = 0; i < a->n_communities; i++)
		w32(w, a->communities[i]);
}

static void enc_large(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	for (uint32_t i = 0; i < a->n_large; i++) {
		w32(w, a->large[i].global);
		w32(w, a->large[i].local1);
		w32(w, a->large[i].local2);
	}
}

static void enc_originator(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w32(w, a->originator_id);
}

static void enc_cluster_list(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	for (uint32_t i = 0; i < a->n_cluster; i++)
		w32(w, a->cluster_list[i]);
}

static bool path_has_as4(const struct bgp_aspath *p)
{
	for (uint32_t i = 0; i < p->nw; ) {
		uint8_t c = BGP_SEG_COUNT(p->w[i]);
		for (uint32_t k = 1; k <= c; k++)
			if (p->w[i + k] > 65535)
				return true;
		i += 1u + c;
	}
	return false;
}

static void enc_as4_path(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	put_aspath(w, &a->as_path, true, true);  /* RFC 6793 §3: no confed segments */
}

static void enc_as4_aggregator(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c)
{
	(void)c;
	w32(w, a->aggregator_as);
	w32(w, a->aggregator_addr);
}

/* Whether the encoder emits the attribute for this set and session. */
static bool want_present(const struct bgp_attrs *a, const struct bgp_codec_ctx *c, int code)
{
	(void)c;
	return bgp_attrs_has(a, code);
}
/* RFC 4456 §8: only between iBGP peers (a reflector's clients and
 * non-clients); never sent to an external peer. */
static bool want_ibgp(const struct bgp_attrs *a, const struct bgp_codec_ctx *c, int code)
{
	return c->ibgp && bgp_attrs_has(a, code) && (code != BGP_ATTR_CLUSTER_LIST || a->n_cluster);
}
static bool want_as4_path(const struct bgp_attrs *a, const struct bgp_codec_ctx *c, int code)
{
	(void)code;
	return !c->as4 && bgp_attrs_has(a, BGP_ATTR_AS_PATH) && path_has_as4(&a->as_path);
}
static bool want_as4_agg(const struct bgp_attrs *a, const struct bgp_codec_ctx *c, int code)
{
	(void)code;
	return !c->as4 && bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as > 65535;
}

/* ---- the table ---- */

struct bgp_attr_desc {
	uint8_t code;
	const char *name;
	uint8_t flags;               /* BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE as RFC 4271 §5 */
	int (*decode)(struct dec *d, const uint8_t *v, uint32_t len);
	bool (*want)(const struct bgp_attrs *a, const struct bgp_codec_ctx *c, int code);
	void (*encode)(struct wr *w, const struct bgp_attrs *a, const struct bgp_codec_ctx *c);
};

#define WK  BGP_AF_TRANSITIVE                       /* well-known */
#define OPT BGP_AF_OPTIONAL                         /* optional non-transitive */
#define OPT_T (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE) /* optional transitive */

static const struct bgp_attr_desc bgp_attr_table[] = {
	{ .code = BGP_ATTR_ORIGIN, .name = "ORIGIN", .flags = WK,
	  .decode = dec_origin, .want = want_present, .encode = enc_origin },
	{ .code = BGP_ATTR_AS_PATH, .name = "AS_PATH", .flags = WK,
	  .decode = dec_as_path, .want = want_present, .encode = enc_as_path },
	{ .code = BGP_ATTR_NEXT_HOP, .name = "NEXT_HOP", .flags = WK,
	  .decode = dec_next_hop, .want = want_present, .encode = enc_next_hop },
	{ .code = BGP_ATTR_MED, .name = "MULTI_EXIT_DISC", .flags = OPT,
	  .decode = dec_med, .want = want_present, .encode = enc_med },
	{ .code = BGP_ATTR_LOCAL_PREF, .name = "LOCAL_PREF", .flags = WK,
	  .decode = dec_local_pref, .want = want_present, .encode = enc_local_pref },
	{ .code = BGP_ATTR_ATOMIC_AGGREGATE, .name = "ATOMIC_AGGREGATE", .flags = WK,
	  .decode = dec_atomic, .want = want_present, .encode = enc_atomic },
	{ .code = BGP_ATTR_AGGREGATOR, .name = "AGGREGATOR", .flags = OPT_T,
	  .decode = dec_aggregator, .want = want_present, .encode = enc_aggregator },
	{ .code = BGP_ATTR_COMMUNITIES, .name = "COMMUNITIES", .flags = OPT_T,
	  .decode = dec_communities, .want = want_present, .encode = enc_communities },
	{ .code = BGP_ATTR_ORIGINATOR_ID, .name = "ORIGINATOR_ID", .flags = OPT,
	  .decode = dec_originator, .want = want_ibgp, .encode = enc_originator },
	{ .code = BGP_ATTR_CLUSTER_LIST, .name = "CLUSTER_LIST", .flags = OPT,
	  .decode = dec_cluster_list, .want = want_ibgp, .encode = enc_cluster_list },
	{ .code = BGP_ATTR_AS4_PATH, .name = "AS4_PATH", .flags = OPT_T,
	  .decode = dec_as4_path, .want = want_as4_path, .encode = enc_as4_path },
	{ .code = BGP_ATTR_AS4_AGGREGATOR, .name = "AS4_AGGREGATOR", .flags = OPT_T,
	  .decode = dec_as4_aggregator, .want = want_as4_agg, .encode = enc_as4_aggregator },
	{ .code = BGP_ATTR_LARGE_COMMUNITY, .name = "LARGE_COMMUNITY", .flags = OPT_T,
	  .decode = dec_large, .want = want_present, .encode = enc_large },
};

static const struct bgp_attr_desc *attr_desc(uint8_t code)
{
	for (size_t i = 0; i < sizeof bgp_attr_table / sizeof bgp_attr_table[0]; i++)
		if (bgp_attr_table[i].code == code)
			return &bgp_attr_table[i];
	return NULL;
}

/* Appends an unknown optional transitive attribute, Partial bit set. */
static int keep_unknown(struct bgp_attrs *a, uint8_t flags, uint8_t code,
			const uint8_t *v, uint32_t len)
{
	uint32_t hl = len > 255 ? 4 : 3;
	uint8_t *u = realloc(a->unknown, a->unknown_len + hl + len);
	if (!u)
		return -1;
	uint8_t *p = u + a->unknown_len;
	p[0] = (uint8_t)((flags | BGP_AF_PARTIAL) & ~BGP_AF_EXTLEN) | (len > 255 ? BGP_AF_EXTLEN : 0);
	p[1] = code;
	if (len > 255)
		bgp_put16(p + 2, (uint16_t)len);
	else
		p[2] = (uint8_t)len;
	if (len)
		memcpy(p + hl, v, len);
	a->unknown = u;
	a->unknown_len += hl + len;
	return 0;
}

/* RFC 6793 §4.2.3: AS_PATH from an old peer merged with AS4_PATH. */
static void merge_as4(struct dec *d)
{
	struct bgp_attrs *a = d->a;
	if (d->have_as4_agg) {
		if (bgp_attrs_has(a, BGP_ATTR_AGGREGATOR) && a->aggregator_as != BGP_AS_TRANS) {
			/* the AGGREGATOR came from an old speaker: AS4_PATH is stale too */
			d->have_as4_path = false;
		} else if (bgp_attrs_has(a, BGP_ATTR_AGGREGATOR)) {
			a->aggregator_as = d->as4_agg_as;
			a->aggregator_addr = d->as4_agg_addr;
		}
	}
	if (!d->have_as4_path)
		return;
	uint32_t n2 = bgp_aspath_length(&a->as_path);
	uint32_t n4 = bgp_aspath_length(&d->as4_path);
	if (!bgp_attrs_has(a, BGP_ATTR_AS_PATH) || n2 < n4)
		return;                       /* §4.2.3: ignore AS4_PATH */
	/* keep the first n2 - n4 path-length units of AS_PATH, then AS4_PATH */
	uint32_t keep = n2 - n4, taken = 0;
	uint32_t *w = malloc((a->as_path.nw + d->as4_path.nw) * sizeof *w);
	if (!w)
		return;
	uint32_t nw = 0;
	for (uint32_t i = 0; i < a->as_path.nw && taken < keep; ) {
		uint32_t h = a->as_path.w[i];
		uint8_t t = BGP_SEG_TYPE(h), c = BGP_SEG_COUNT(h);
		uint32_t units = t == BGP_AS_SEQUENCE ? c : t == BGP_AS_SET ? 1 : 0;
		uint32_t take = c;
		if (t == BGP_AS_SEQUENCE && taken + units > keep) {
			take = keep - taken;
			units = take;
		}
		w[nw++] = BGP_SEG_HDR(t, take);
		memcpy(w + nw, a->as_path.w + i + 1, take * sizeof *w);
		nw += take;
		taken += units;
		i += 1u + c;
	}
	if (d->as4_path.nw) /* an empty AS4_PATH has no array (memcpy from NULL) */
		memcpy(w + nw, d->as4_path.w, d->as4_path.nw * sizeof *w);
	nw += d->as4_path.nw;
	free(a->as_path.w);
	a->as_path.w = w;
	a->as_path.nw = nw;
}

int bgp_attrs_decode(const uint8_t *p, uint32_t len, const struct bgp_codec_ctx *ctx,
		     bool has_nlri, struct bgp_update *u, struct bgp_err *err)
{
	struct dec d = { .ctx = ctx, .u = u, .a = &u->attrs, .err = err };
	uint64_t seen[4] = { 0 };
	int rc = 0;
	bgp_attrs_init(&u->attrs);
	for (uint32_t o = 0; o < len; ) {
		/* RFC 7606 §4: too few octets for a header, or a length beyond
		 * the field: treat-as-withdraw; the NLRI are still found by the
		 * Total Path Attribute Length. */
		d.tlv = p + o;
		d.tlv_len = len - o;
		if (len - o < 3 || ((p[o] & BGP_AF_EXTLEN) && len - o < 4)) {
			withdraw(&d, BGP_UPD_MALFORMED_ATTR_LIST);
			break;
		}
		uint8_t flags = p[o], code = p[o + 1];
		uint32_t hl = (flags & BGP_AF_EXTLEN) ? 4 : 3;
		uint32_t alen = (flags & BGP_AF_EXTLEN) ? bgp_get16(p + o + 2) : p[o + 2];
		if (alen > len - o - hl) {
			withdraw(&d, BGP_UPD_ATTR_LENGTH);
			break;
		}
		const uint8_t *v = p + o + hl;
		d.tlv_len = hl + alen;
		o += hl + alen;
		/* RFC 7606 §3 (g): repeated attributes: all but the first discarded. */
		if (seen[code >> 6] & ((uint64_t)1 << (code & 63))) {
			u->n_discarded++;
			continue;
		}
		seen[code >> 6] |= (uint64_t)1 << (code & 63);
		const struct bgp_attr_desc *ad = attr_desc(code);
		if (!ad) {
			if (!(flags & BGP_AF_OPTIONAL)) {
				/* RFC 4271 §6.3: unrecognized well-known attribute */
				reset(&d, BGP_UPD_UNRECOGNIZED_WELLKNOWN);
				rc = -1;
				break;
			}
			if ((flags & BGP_AF_TRANSITIVE) && keep_unknown(&u->attrs, flags, code, v, alen) < 0) {
				reset(&d, BGP_UPD_MALFORMED_ATTR_LIST);
				rc = -1;
				break;
			}
			continue;
		}
		/* RFC 4271 §6.3 / RFC 7606 §3 (c): Optional and Transitive bits
		 * must match; Partial only on optional transitive ones. */
		if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != ad->flags ||
		    ((flags & BGP_AF_PARTIAL) && ad->flags != OPT_T)) {
			withdraw(&d, BGP_UPD_ATTR_FLAGS);
			continue;
		}
		int r = ad->decode(&d, v, alen);
		if (r == A_RESET) {
			rc = -1;
			break;
		}
		if (r == A_OK)
			u->attrs.present |= BGP_AP(code);
		else if (r == A_DISCARD && code != BGP_ATTR_AS4_PATH && code != BGP_ATTR_AS4_AGGREGATOR)
			u->n_discarded++;
	}
	if (rc == 0) {
		if (!ctx->as4)
			merge_as4(&d);
		/* RFC 7606 §3 (d): a missing well-known mandatory attribute. */
		static const uint8_t mandatory[] = { BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP };
		for (size_t i = 0; has_nlri && i < sizeof mandatory; i++)
			if (!bgp_attrs_has(&u->attrs, mandatory[i]) && !u->treat_as_withdraw) {
				u->treat_as_withdraw = true;
				bgp_err_set(&u->tw_err, BGP_ERR_UPDATE, BGP_UPD_MISSING_WELLKNOWN,
					    &mandatory[i], 1);
			}
	}
	free(d.as4_path.w);
	if (rc < 0)
		bgp_attrs_clear(&u->attrs);
	return rc;
}

int bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_codec_ctx *ctx,
		     const struct bgp_attrs *a)
{
	struct wr w = { .b = buf, .cap = cap };
	for (size_t i = 0; i < sizeof bgp_attr_table / sizeof bgp_attr_table[0]; i++) {
		const struct bgp_attr_desc *ad = &bgp_attr_table[i];
		if (!ad->want(a, ctx, ad->code))
			continue;
		/* header with a 2-octet length, shortened afterwards if it fits in 1 */
		size_t at = w.n;
		w8(&w, ad->flags | BGP_AF_EXTLEN);
		w8(&w, ad->code);
		w16(&w, 0);
		size_t vstart = w.n;
		ad->encode(&w, a, ctx);
		if (w.over)
			return -1;
		size_t vlen = w.n - vstart;
		if (vlen > 65535)
			return -1;
		if (vlen <= 255) {
			buf[at] = ad->flags;
			buf[at + 2] = (uint8_t)vlen;
			memmove(buf + at + 3, buf + vstart, vlen);
			w.n--;
		} else {
			bgp_put16(buf + at + 2, (uint16_t)vlen);
		}
	}
	w_bytes(&w, a->unknown, a->unknown_len);
	return w.over ? -1 : (int)w.n;
}
