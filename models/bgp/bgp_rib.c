/* Route attributes interned in a hash table, and the speaker's prefix
 * table holding Adj-RIB-In, Loc-RIB and Adj-RIB-Out per destination
 * (RFC 4271 §3.2; the layout follows FRR's bgp_dest with its list of
 * bgp_path_info, and BIRD's attribute cache).  See bgp_rib.h. */
#include "bgp_rib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/util.h"

bool bgp_rattr_has_as(const struct bgp_rattr *a, uint32_t as)
{
	for (unsigned i = 0; i < a->n_as; i++)
		if (a->as[i] == as)
			return true;
	return false;
}

bool bgp_rattr_has_comm(const struct bgp_rattr *a, uint32_t c)
{
	unsigned lo = 0, hi = a->ncomm;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (a->comm[mid] == c)
			return true;
		if (a->comm[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* ---- interning ---- */

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t rattr_hash(const struct bgp_rattr *a)
{
	uint32_t h = 2166136261u;
	uint32_t s[6] = { a->next_hop, a->med, a->local_pref, a->originator_id,
			  (uint32_t)a->origin | (uint32_t)a->has_med << 8 | (uint32_t)a->has_local_pref << 9 |
				  (uint32_t)a->atomic_aggregate << 10 | (uint32_t)a->rel << 16,
			  (uint32_t)a->n_as | (uint32_t)a->n_set << 16 };
	h = fnv(h, s, sizeof(s));
	h = fnv(h, a->as, a->n_as * sizeof(uint32_t));
	h = fnv(h, a->comm, a->ncomm * sizeof(uint32_t));
	h = fnv(h, a->lcomm, a->nlcomm * sizeof(struct bgp_lcomm));
	h = fnv(h, a->cluster, a->ncluster * sizeof(uint32_t));
	h = fnv(h, a->unknown, a->nunknown);
	return h;
}

static bool arr_eq(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static bool rattr_eq(const struct bgp_rattr *a, const struct bgp_rattr *b)
{
	return a->next_hop == b->next_hop && a->med == b->med && a->local_pref == b->local_pref &&
	       a->originator_id == b->originator_id && a->origin == b->origin && a->has_med == b->has_med &&
	       a->has_local_pref == b->has_local_pref && a->atomic_aggregate == b->atomic_aggregate &&
	       a->rel == b->rel && a->n_as == b->n_as && a->n_set == b->n_set && a->ncomm == b->ncomm &&
	       a->nlcomm == b->nlcomm && a->ncluster == b->ncluster && a->nunknown == b->nunknown &&
	       arr_eq(a->as, b->as, a->n_as * sizeof(uint32_t)) &&
	       arr_eq(a->comm, b->comm, a->ncomm * sizeof(uint32_t)) &&
	       arr_eq(a->lcomm, b->lcomm, a->nlcomm * sizeof(struct bgp_lcomm)) &&
	       arr_eq(a->cluster, b->cluster, a->ncluster * sizeof(uint32_t)) &&
	       arr_eq(a->unknown, b->unknown, a->nunknown);
}

void bgp_attr_table_init(struct bgp_attr_table *t)
{
	t->cap = 256;
	t->count = 0;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
}

void bgp_attr_table_free(struct bgp_attr_table *t)
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct bgp_rattr *a = t->slots[i];
		while (a) {
			struct bgp_rattr *n = a->hnext;
			free(a);
			a = n;
		}
	}
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

static void table_grow(struct bgp_attr_table *t)
{
	uint32_t ncap = t->cap * 2;
	struct bgp_rattr **ns = xcalloc(ncap, sizeof(*ns));
	for (uint32_t i = 0; i < t->cap; i++) {
		struct bgp_rattr *a = t->slots[i];
		while (a) {
			struct bgp_rattr *n = a->hnext;
			a->hnext = ns[a->hash & (ncap - 1)];
			ns[a->hash & (ncap - 1)] = a;
			a = n;
		}
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

const struct bgp_rattr *bgp_rattr_intern(struct bgp_attr_table *t, const struct bgp_rattr *tmpl)
{
	/* communities in canonical order, so equal sets intern to one object */
	uint32_t cbuf[64], *comm = cbuf;
	struct bgp_rattr key = *tmpl;
	if (key.ncomm > 1) {
		if (key.ncomm > ARRAY_LEN(cbuf))
			comm = xmalloc(key.ncomm * sizeof(uint32_t));
		memcpy(comm, key.comm, key.ncomm * sizeof(uint32_t));
		qsort(comm, key.ncomm, sizeof(uint32_t), cmp_u32);
		uint16_t k = 1;
		for (uint16_t i = 1; i < key.ncomm; i++)
			if (comm[i] != comm[k - 1])
				comm[k++] = comm[i];
		key.ncomm = k;
		key.comm = comm;
	}
	key.hash = rattr_hash(&key);
	for (struct bgp_rattr *a = t->slots[key.hash & (t->cap - 1)]; a; a = a->hnext) {
		if (a->hash == key.hash && rattr_eq(a, &key)) {
			a->refcnt++;
			if (comm != cbuf)
				free(comm);
			return a;
		}
	}
	size_t sz = sizeof(struct bgp_rattr) + (key.n_as + key.ncomm + key.ncluster) * sizeof(uint32_t) +
		    key.nlcomm * sizeof(struct bgp_lcomm) + key.nunknown;
	struct bgp_rattr *a = xmalloc(sz);
	*a = key;
	uint8_t *p = (uint8_t *)(a + 1);
#define PLACE(field, n, type)                               \
	do {                                                \
		if (n) {                                    \
			memcpy(p, key.field, (n) * sizeof(type)); \
			a->field = (const type *)(void *)p;       \
			p += (n) * sizeof(type);            \
		} else {                                    \
			a->field = NULL;                    \
		}                                           \
	} while (0)
	PLACE(as, key.n_as, uint32_t);
	PLACE(comm, key.ncomm, uint32_t);
	PLACE(cluster, key.ncluster, uint32_t);
	PLACE(lcomm, key.nlcomm, struct bgp_lcomm);
	PLACE(unknown, key.nunknown, uint8_t);
#undef PLACE
	a->refcnt = 1;
	if (comm != cbuf)
		free(comm);
	if (t->count + 1 > t->cap)
		table_grow(t);
	a->hnext = t->slots[a->hash & (t->cap - 1)];
	t->slots[a->hash & (t->cap - 1)] = a;
	t->count++;
	return a;
}

const struct bgp_rattr *bgp_rattr_ref(const struct bgp_rattr *a)
{
	((struct bgp_rattr *)a)->refcnt++;
	return a;
}

void bgp_rattr_unref(struct bgp_attr_table *t, const struct bgp_rattr *ca)
{
	if (!ca)
		return;
	struct bgp_rattr *a = (struct bgp_rattr *)ca;
	if (--a->refcnt)
		return;
	struct bgp_rattr **pp = &t->slots[a->hash & (t->cap - 1)];
	while (*pp != a)
		pp = &(*pp)->hnext;
	*pp = a->hnext;
	t->count--;
	free(a);
}

char *bgp_aspath_fmt(char *buf, size_t n, const struct bgp_rattr *a)
{
	size_t off = 0;
	buf[0] = 0;
	unsigned seq = a->n_as - a->n_set;
	for (unsigned i = 0; i < a->n_as && off < n; i++) {
		const char *pre = i == seq ? (i ? " {" : "{") : i ? (i > seq ? "," : " ") : "";
		int k = snprintf(buf + off, n - off, "%s%u", pre, a->as[i]);
		if (k < 0)
			break;
		off += (size_t)k;
	}
	if (a->n_set && off + 1 < n) {
		buf[off++] = '}';
		buf[off] = 0;
	}
	return buf;
}

/* ---- prefixes ---- */

char *bgp_prefix_fmt(char *buf, struct bgp_prefix p)
{
	char a[16];
	snprintf(buf, 19, "%s/%u", ipv4_fmt(a, p.addr), p.len);
	return buf;
}

int bgp_prefix_parse(const char *s, struct bgp_prefix *out)
{
	uint32_t addr;
	int len = -1;
	if (!strchr(s, '/') || ipv4_parse(s, &addr, &len) < 0 || len < 0 || len > 32)
		return -1;
	uint32_t mask = len ? ~0u << (32 - len) : 0;
	if (addr & ~mask)
		return -1;
	out->addr = addr;
	out->len = (uint8_t)len;
	return 0;
}

/* ---- the table ---- */

static uint32_t pfx_hash(struct bgp_prefix p)
{
	uint64_t k = ((uint64_t)p.addr << 6 | p.len) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(k >> 32);
}

void bgp_table_init(struct bgp_table *t)
{
	t->cap = 0;
	t->count = 0;
	t->slots = NULL;
}

void bgp_table_free(struct bgp_table *t, struct bgp_attr_table *at)
{
	for (uint32_t i = 0; i < t->cap; i++) {
		struct bgp_dest *d = t->slots[i];
		if (!d)
			continue;
		while (d->paths) {
			struct bgp_path *p = d->paths;
			d->paths = p->next;
			bgp_rattr_unref(at, p->attr);
			free(p);
		}
		for (uint32_t k = 0; k < d->nout; k++)
			bgp_rattr_unref(at, d->out[k].sent);
		bgp_rattr_unref(at, d->best_attr);
		free(d->out);
		free(d);
	}
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

struct bgp_dest *bgp_table_find(const struct bgp_table *t, struct bgp_prefix p)
{
	if (!t->cap)
		return NULL;
	for (uint32_t i = pfx_hash(p) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct bgp_dest *d = t->slots[i];
		if (!d)
			return NULL;
		if (d->pfx.addr == p.addr && d->pfx.len == p.len)
			return d;
	}
}

static void put(struct bgp_dest **slots, uint32_t cap, struct bgp_dest *d)
{
	uint32_t i = pfx_hash(d->pfx) & (cap - 1);
	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = d;
}

struct bgp_dest *bgp_table_get(struct bgp_table *t, struct bgp_prefix p)
{
	struct bgp_dest *d = bgp_table_find(t, p);
	if (d)
		return d;
	if ((t->count + 1) * 2 > t->cap) { /* load at most 1/2 */
		uint32_t ncap = t->cap ? t->cap * 2 : 4;
		struct bgp_dest **ns = xcalloc(ncap, sizeof(*ns));
		for (uint32_t i = 0; i < t->cap; i++)
			if (t->slots[i])
				put(ns, ncap, t->slots[i]);
		free(t->slots);
		t->slots = ns;
		t->cap = ncap;
	}
	d = xcalloc(1, sizeof(*d));
	d->pfx = p;
	put(t->slots, t->cap, d);
	t->count++;
	return d;
}

struct bgp_adj_out *bgp_dest_out(struct bgp_dest *d, uint32_t i)
{
	if (i >= d->nout) {
		uint32_t n = d->nout ? d->nout : 1;
		while (n <= i)
			n *= 2;
		d->out = xrealloc(d->out, n * sizeof(*d->out));
		memset(d->out + d->nout, 0, (n - d->nout) * sizeof(*d->out));
		d->nout = n;
	}
	return &d->out[i];
}

struct bgp_path *bgp_dest_path(const struct bgp_dest *d, const struct bgp_peer *peer)
{
	for (struct bgp_path *p = d->paths; p; p = p->next)
		if (p->peer == peer)
			return p;
	return NULL;
}

bool bgp_dest_set(struct bgp_dest *d, struct bgp_peer *peer, const struct bgp_rattr *attr,
		  struct bgp_attr_table *at, simtime_t now)
{
	struct bgp_path **pp = &d->paths;
	while (*pp && (*pp)->peer != peer)
		pp = &(*pp)->next;
	struct bgp_path *p = *pp;
	if (!attr) {
		if (!p)
			return false;
		*pp = p->next;
		if (d->best == p)
			d->best = NULL; /* best_attr keeps what was chosen, for the comparison */
		bgp_rattr_unref(at, p->attr);
		free(p);
		return true;
	}
	if (p) {
		if (p->attr == attr)
			return false;
		bgp_rattr_unref(at, p->attr);
		p->attr = bgp_rattr_ref(attr);
		p->since = now;
		return true;
	}
	p = xcalloc(1, sizeof(*p));
	p->peer = peer;
	p->attr = bgp_rattr_ref(attr);
	p->since = now;
	p->next = d->paths;
	d->paths = p;
	return true;
}
