/* BGP path attribute sets in memory: AS_PATH operations (RFC 4271 §5.1.2,
 * §9.1.2.2; RFC 6811 §2 for the origin AS), communities (RFC 1997, RFC
 * 8092), value equality and hashing, and the intern table that makes each
 * distinct set one shared, ref-counted object (the idea of BIRD's rta cache
 * in nest/rt-attr.c and FRR's attrhash in bgpd/bgp_attr.c), so a RIB of a
 * million routes holds a few thousand sets and compares them by pointer.
 * The wire format of each attribute is in bgp_attr_codec.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_msg.h"
#include "sim/sim.h"
#include "sim/util.h"

/* ---- AS_PATH ---- */

uint32_t bgp_aspath_length(const struct bgp_aspath *p)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->nw; ) {
		uint32_t h = p->w[i];
		uint8_t t = BGP_SEG_TYPE(h), c = BGP_SEG_COUNT(h);
		if (t == BGP_AS_SEQUENCE)
			n += c;
		else if (t == BGP_AS_SET)
			n += 1;
		i += 1u + c;
	}
	return n;
}

uint32_t bgp_aspath_first_as(const struct bgp_aspath *p)
{
	if (p->nw < 2 || BGP_SEG_TYPE(p->w[0]) != BGP_AS_SEQUENCE)
		return 0;
	return p->w[1];
}

uint32_t bgp_aspath_origin_as(const struct bgp_aspath *p)
{
	uint32_t last_hdr = 0, last_idx = 0;
	for (uint32_t i = 0; i < p->nw; ) {
		last_hdr = p->w[i];
		last_idx = i;
		i += 1u + BGP_SEG_COUNT(last_hdr);
	}
	if (!p->nw || BGP_SEG_TYPE(last_hdr) != BGP_AS_SEQUENCE || !BGP_SEG_COUNT(last_hdr))
		return 0;
	return p->w[last_idx + BGP_SEG_COUNT(last_hdr)];
}

bool bgp_aspath_contains(const struct bgp_aspath *p, uint32_t asn)
{
	for (uint32_t i = 0; i < p->nw; ) {
		uint8_t c = BGP_SEG_COUNT(p->w[i]);
		for (uint32_t k = 1; k <= c; k++)
			if (p->w[i + k] == asn)
				return true;
		i += 1u + c;
	}
	return false;
}

int bgp_aspath_prepend(struct bgp_aspath *p, uint32_t asn, unsigned n)
{
	while (n > 0) {
		bool seq = p->nw && BGP_SEG_TYPE(p->w[0]) == BGP_AS_SEQUENCE &&
			   BGP_SEG_COUNT(p->w[0]) < 255;
		unsigned room = seq ? 255u - BGP_SEG_COUNT(p->w[0]) : 255u;
		unsigned k = n < room ? n : room;
		uint32_t add = seq ? k : k + 1;
		uint32_t *w = realloc(p->w, (p->nw + add) * sizeof *w);
		if (!w)
			return -1;
		memmove(w + add, w, p->nw * sizeof *w);
		/* After the move, when extending the first segment, its header
		 * sits at w[k]: the k-th new ASN overwrites it and its own ASNs
		 * follow from w[k+1]. */
		uint32_t c = seq ? BGP_SEG_COUNT(w[k]) : 0;
		w[0] = BGP_SEG_HDR(BGP_AS_SEQUENCE, c + k);
		for (unsigned i = 1; i <= k; i++)
			w[i] = asn;
		p->w = w;
		p->nw += add;
		n -= k;
	}
	return 0;
}

int bgp_aspath_from_seq(struct bgp_aspath *p, const uint32_t *asns, unsigned n)
{
	p->w = NULL;
	p->nw = 0;
	unsigned nseg = (n + 254) / 255;
	if (!n)
		return 0;
	p->w = malloc((n + nseg) * sizeof *p->w);
	if (!p->w)
		return -1;
	for (unsigned i = 0; i < n; ) {
		unsigned k = n - i < 255 ? n - i : 255;
		p->w[p->nw++] = BGP_SEG_HDR(BGP_AS_SEQUENCE, k);
		for (unsigned j = 0; j < k; j++)
			p->w[p->nw++] = asns[i + j];
		i += k;
	}
	return 0;
}

const char *bgp_aspath_str(const struct bgp_aspath *p, char *buf, size_t n)
{
	size_t o = 0;
	if (!n)
		return buf;
	buf[0] = 0;
	for (uint32_t i = 0; i < p->nw; ) {
		uint8_t t = BGP_SEG_TYPE(p->w[i]), c = BGP_SEG_COUNT(p->w[i]);
		bool set = t == BGP_AS_SET || t == BGP_AS_CONFED_SET;
		bool confed = t == BGP_AS_CONFED_SEQUENCE || t == BGP_AS_CONFED_SET;
		int w = snprintf(buf + o, n - o, "%s%s", o ? " " : "",
				 set ? (confed ? "[{" : "{") : (confed ? "(" : ""));
		o = (w < 0 || (size_t)w >= n - o) ? n - 1 : o + (size_t)w;
		for (uint32_t k = 1; k <= c; k++) {
			w = snprintf(buf + o, n - o, "%s%u", k > 1 ? (set ? "," : " ") : "",
				     p->w[i + k]);
			o = (w < 0 || (size_t)w >= n - o) ? n - 1 : o + (size_t)w;
		}
		w = snprintf(buf + o, n - o, "%s", set ? (confed ? "}]" : "}") : (confed ? ")" : ""));
		o = (w < 0 || (size_t)w >= n - o) ? n - 1 : o + (size_t)w;
		i += 1u + c;
	}
	return buf;
}

const char *bgp_prefix_str(const struct bgp_prefix *p, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u/%u", p->addr >> 24, (p->addr >> 16) & 255,
		 (p->addr >> 8) & 255, p->addr & 255, p->len);
	return buf;
}

/* ---- sets ---- */

void bgp_attrs_init(struct bgp_attrs *a)
{
	memset(a, 0, sizeof *a);
}

static void *dup_bytes(const void *src, size_t n, bool *fail)
{
	if (!n)
		return NULL;
	void *d = malloc(n);
	if (!d) {
		*fail = true;
		return NULL;
	}
	memcpy(d, src, n);
	return d;
}

int bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src)
{
	bool fail = false;
	*dst = *src;
	dst->refs = 0;
	dst->hash = 0;
	dst->next = NULL;
	dst->as_path.w = dup_bytes(src->as_path.w, src->as_path.nw * sizeof(uint32_t), &fail);
	dst->communities = dup_bytes(src->communities, src->n_communities * sizeof(uint32_t), &fail);
	dst->large = dup_bytes(src->large, src->n_large * sizeof(struct bgp_large_comm), &fail);
	dst->cluster_list = dup_bytes(src->cluster_list, src->n_cluster * sizeof(uint32_t), &fail);
	dst->unknown = dup_bytes(src->unknown, src->unknown_len, &fail);
	if (fail) {
		bgp_attrs_clear(dst);
		return -1;
	}
	return 0;
}

void bgp_attrs_clear(struct bgp_attrs *a)
{
	free(a->as_path.w);
	free(a->communities);
	free(a->large);
	free(a->cluster_list);
	free(a->unknown);
	bgp_attrs_init(a);
}

static int comm_find(const struct bgp_attrs *a, uint32_t c, bool *found)
{
	uint32_t lo = 0, hi = a->n_communities;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (a->communities[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < a->n_communities && a->communities[lo] == c;
	return (int)lo;
}

int bgp_attrs_add_community(struct bgp_attrs *a, uint32_t comm)
{
	bool found;
	int i = comm_find(a, comm, &found);
	if (found)
		return 0;
	uint32_t *v = realloc(a->communities, (a->n_communities + 1) * sizeof *v);
	if (!v)
		return -1;
	memmove(v + i + 1, v + i, (a->n_communities - (uint32_t)i) * sizeof *v);
	v[i] = comm;
	a->communities = v;
	a->n_communities++;
	a->present |= BGP_AP(BGP_ATTR_COMMUNITIES);
	return 0;
}

bool bgp_attrs_has_community(const struct bgp_attrs *a, uint32_t comm)
{
	bool found;
	comm_find(a, comm, &found);
	return found;
}

void bgp_attrs_del_community(struct bgp_attrs *a, uint32_t comm)
{
	bool found;
	int i = comm_find(a, comm, &found);
	if (!found)
		return;
	memmove(a->communities + i, a->communities + i + 1,
		(a->n_communities - (uint32_t)i - 1) * sizeof(uint32_t));
	if (--a->n_communities == 0) {
		free(a->communities);
		a->communities = NULL;
		a->present &= ~BGP_AP(BGP_ATTR_COMMUNITIES);
	}
}

static int lc_cmp(const struct bgp_large_comm *x, const struct bgp_large_comm *y)
{
	if (x->global != y->global)
		return x->global < y->global ? -1 : 1;
	if (x->local1 != y->local1)
		return x->local1 < y->local1 ? -1 : 1;
	if (x->local2 != y->local2)
		return x->local2 < y->local2 ? -1 : 1;
	return 0;
}

int bgp_attrs_add_large(struct bgp_attrs *a, struct bgp_large_comm lc)
{
	uint32_t i = 0;
	while (i < a->n_large && lc_cmp(&a->large[i], &lc) < 0)
		i++;
	if (i < a->n_large && lc_cmp(&a->large[i], &lc) == 0)
		return 0;
	struct bgp_large_comm *v = realloc(a->large, (a->n_large + 1) * sizeof *v);
	if (!v)
		return -1;
	memmove(v + i + 1, v + i, (a->n_large - i) * sizeof *v);
	v[i] = lc;
	a->large = v;
	a->n_large++;
	a->present |= BGP_AP_LARGE_COMMUNITY;
	return 0;
}

bool bgp_attrs_has_large(const struct bgp_attrs *a, struct bgp_large_comm lc)
{
	for (uint32_t i = 0; i < a->n_large; i++)
		if (lc_cmp(&a->large[i], &lc) == 0)
			return true;
	return false;
}

/* ---- equality and hash ---- */

bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	if (a->present != b->present || a->origin != b->origin || a->next_hop != b->next_hop ||
	    a->med != b->med || a->local_pref != b->local_pref ||
	    a->aggregator_as != b->aggregator_as || a->aggregator_addr != b->aggregator_addr ||
	    a->as_path.nw != b->as_path.nw || a->n_communities != b->n_communities ||
	    a->n_large != b->n_large || a->unknown_len != b->unknown_len ||
	    a->originator_id != b->originator_id || a->n_cluster != b->n_cluster)
		return false;
	return (!a->as_path.nw || !memcmp(a->as_path.w, b->as_path.w, a->as_path.nw * sizeof(uint32_t))) &&
	       (!a->n_communities || !memcmp(a->communities, b->communities,
					     a->n_communities * sizeof(uint32_t))) &&
	       (!a->n_large || !memcmp(a->large, b->large, a->n_large * sizeof *a->large)) &&
	       (!a->n_cluster || !memcmp(a->cluster_list, b->cluster_list, a->n_cluster * sizeof(uint32_t))) &&
	       (!a->unknown_len || !memcmp(a->unknown, b->unknown, a->unknown_len));
}

/* FNV-1a over the fields, 32-bit words at a time. */
static uint32_t h_word(uint32_t h, uint32_t w)
{
	for (int i = 0; i < 4; i++) {
		h ^= (w >> (8 * i)) & 255;
		h *= 16777619u;
	}
	return h;
}

uint32_t bgp_attrs_hash(const struct bgp_attrs *a)
{
	uint32_t h = 2166136261u;
	h = h_word(h, (uint32_t)a->present);
	h = h_word(h, (uint32_t)(a->present >> 32));
	h = h_word(h, a->origin);
	h = h_word(h, a->next_hop);
	h = h_word(h, a->med);
	h = h_word(h, a->local_pref);
	h = h_word(h, a->aggregator_as ^ a->aggregator_addr);
	for (uint32_t i = 0; i < a->as_path.nw; i++)
		h = h_word(h, a->as_path.w[i]);
	for (uint32_t i = 0; i < a->n_communities; i++)
		h = h_word(h, a->communities[i]);
	for (uint32_t i = 0; i < a->n_large; i++)
		h = h_word(h, a->large[i].global ^ a->large[i].local1 * 31u ^ a->large[i].local2 * 961u);
	h = h_word(h, a->originator_id);
	for (uint32_t i = 0; i < a->n_cluster; i++)
		h = h_word(h, a->cluster_list[i]);
	for (uint32_t i = 0; i < a->unknown_len; i++)
		h = h_word(h, a->unknown[i]);
	return h;
}

/* ---- the intern table ---- */

struct bgp_attr_cache {
	struct bgp_attrs **bucket;
	size_t nbucket;        /* a power of two */
	size_t count;
};

struct bgp_attr_cache *bgp_attr_cache_new(void)
{
	struct bgp_attr_cache *c = xcalloc(1, sizeof *c);
	c->nbucket = 64;
	c->bucket = xcalloc(c->nbucket, sizeof *c->bucket);
	return c;
}

void bgp_attr_cache_free(struct bgp_attr_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nbucket; i++) {
		struct bgp_attrs *a = c->bucket[i];
		while (a) {
			struct bgp_attrs *nx = a->next;
			bgp_attrs_clear(a);
			free(a);
			a = nx;
		}
	}
	free(c->bucket);
	free(c);
}

static void cache_destroy(void *p)
{
	bgp_attr_cache_free(p);
}

struct bgp_attr_cache *bgp_attr_cache_of(struct sim *s)
{
	struct bgp_attr_cache *c = sim_ext_get(s, "bgp_attrs");
	if (!c) {
		c = bgp_attr_cache_new();
		sim_ext_set(s, "bgp_attrs", c, cache_destroy);
	}
	return c;
}

static void cache_grow(struct bgp_attr_cache *c)
{
	size_t nb = c->nbucket * 2;
	struct bgp_attrs **b = xcalloc(nb, sizeof *b);
	for (size_t i = 0; i < c->nbucket; i++) {
		struct bgp_attrs *a = c->bucket[i];
		while (a) {
			struct bgp_attrs *nx = a->next;
			size_t k = a->hash & (nb - 1);
			a->next = b[k];
			b[k] = a;
			a = nx;
		}
	}
	free(c->bucket);
	c->bucket = b;
	c->nbucket = nb;
}

const struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_cache *c, const struct bgp_attrs *a)
{
	uint32_t h = bgp_attrs_hash(a);
	for (struct bgp_attrs *x = c->bucket[h & (c->nbucket - 1)]; x; x = x->next)
		if (x->hash == h && bgp_attrs_equal(x, a)) {
			x->refs++;
			return x;
		}
	struct bgp_attrs *n = xmalloc(sizeof *n);
	if (bgp_attrs_copy(n, a) < 0) {
		fprintf(stderr, "out of memory interning BGP attributes\n");
		abort();
	}
	n->refs = 1;
	n->hash = h;
	if (c->count + 1 > c->nbucket)
		cache_grow(c);
	size_t k = h & (c->nbucket - 1);
	n->next = c->bucket[k];
	c->bucket[k] = n;
	c->count++;
	return n;
}

const struct bgp_attrs *bgp_attrs_ref(const struct bgp_attrs *a)
{
	/* Interned sets are shared and immutable except for this count. */
	((struct bgp_attrs *)a)->refs++;
	return a;
}

void bgp_attrs_unref(struct bgp_attr_cache *c, const struct bgp_attrs *a)
{
	if (!a)
		return;
	struct bgp_attrs *m = (struct bgp_attrs *)a;
	if (--m->refs)
		return;
	struct bgp_attrs **pp = &c->bucket[m->hash & (c->nbucket - 1)];
	while (*pp && *pp != m)
		pp = &(*pp)->next;
	if (*pp)
		*pp = m->next;
	c->count--;
	bgp_attrs_clear(m);
	free(m);
}

size_t bgp_attr_cache_count(const struct bgp_attr_cache *c)
{
	return c->count;
}
