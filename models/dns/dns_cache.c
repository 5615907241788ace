/* The resolver's RRset and negative cache (RFC 1035 §7.4, RFC 2181 §5.4.1,
 * RFC 2308 §5, RFC 8767): a chained hash table on (lowercased owner, type);
 * see dns_cache.h. */
#include "models/dns/dns_cache.h"

#include <stdlib.h>
#include <string.h>

static uint32_t key_hash(const struct dns_name *n, uint16_t type)
{
	uint32_t h = dns_name_hash(n) ^ (uint32_t)type * 0x9e3779b1u;
	h ^= h >> 15;
	return h;
}

void dns_cache_init(struct dns_cache *c, uint32_t max_ttl_s, uint32_t max_neg_ttl_s,
		    simtime_t stale_ns)
{
	memset(c, 0, sizeof(*c));
	c->max_ttl_s = max_ttl_s;
	c->max_neg_ttl_s = max_neg_ttl_s;
	c->stale_ns = stale_ns;
}

static void entry_free(struct dns_centry *e)
{
	for (int i = 0; i < e->nrr; i++)
		dns_rr_clear(&e->rr[i]);
	free(e->rr);
	free(e);
}

void dns_cache_free(struct dns_cache *c)
{
	for (uint32_t i = 0; i < c->cap; i++) {
		struct dns_centry *e = c->tab[i];
		while (e) {
			struct dns_centry *nx = e->next;
			entry_free(e);
			e = nx;
		}
	}
	free(c->tab);
	memset(c, 0, sizeof(*c));
}

static void grow(struct dns_cache *c)
{
	uint32_t ncap = c->cap ? c->cap * 2 : 256;
	struct dns_centry **nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		abort();
	for (uint32_t i = 0; i < c->cap; i++) {
		struct dns_centry *e = c->tab[i];
		while (e) {
			struct dns_centry *nx = e->next;
			e->next = nt[e->hash & (ncap - 1)];
			nt[e->hash & (ncap - 1)] = e;
			e = nx;
		}
	}
	free(c->tab);
	c->tab = nt;
	c->cap = ncap;
}

/* The slot pointing at (name, type)'s entry, or at the chain's end. */
static struct dns_centry **slot(struct dns_cache *c, const struct dns_name *lname, uint16_t type,
				uint32_t h)
{
	struct dns_centry **pp = &c->tab[h & (c->cap - 1)];
	while (*pp && !((*pp)->hash == h && (*pp)->type == type && (*pp)->name.len == lname->len &&
			memcmp((*pp)->name.b, lname->b, lname->len) == 0))
		pp = &(*pp)->next;
	return pp;
}

bool dns_cache_fresh(const struct dns_centry *e, simtime_t now) { return now < e->expire_ns; }

uint32_t dns_cache_ttl_left(const struct dns_centry *e, simtime_t now)
{
	if (now >= e->expire_ns)
		return 0;
	return (uint32_t)((e->expire_ns - now + SIM_S(1) - 1) / SIM_S(1));
}

/* Inserts a new entry for (name, type) or reuses the old one, unless the
 * old is fresh and more trusted. */
static struct dns_centry *store(struct dns_cache *c, simtime_t now, const struct dns_name *name,
				uint16_t type, int trust)
{
	if (!c->cap || c->count + 1 > c->cap / 4 * 3)
		grow(c);
	struct dns_name lname = *name;
	dns_name_lower(&lname);
	uint32_t h = key_hash(&lname, type);
	struct dns_centry **pp = slot(c, &lname, type, h);
	struct dns_centry *e = *pp;
	if (e) {
		if (dns_cache_fresh(e, now) && e->trust > trust)
			return NULL;
		for (int i = 0; i < e->nrr; i++)
			dns_rr_clear(&e->rr[i]);
		free(e->rr);
		e->rr = NULL;
		e->nrr = 0;
	} else {
		e = calloc(1, sizeof(*e));
		if (!e)
			abort();
		e->hash = h;
		e->type = type;
		e->name = lname;
		e->next = NULL;
		*pp = e;
		c->count++;
	}
	e->trust = (uint8_t)trust;
	return e;
}

static void set_ttl(struct dns_cache *c, struct dns_centry *e, simtime_t now, uint32_t ttl)
{
	e->ttl_s = ttl;
	e->expire_ns = now + SIM_S(1) * (simtime_t)ttl;
	e->drop_ns = e->expire_ns + c->stale_ns;
}

struct dns_centry *dns_cache_put_rrset(struct dns_cache *c, simtime_t now, const struct dns_rr *rr,
				       int n, int trust)
{
	if (n <= 0)
		return NULL;
	uint32_t ttl = rr[0].ttl;
	for (int i = 1; i < n; i++)
		if (rr[i].ttl < ttl)
			ttl = rr[i].ttl;
	if (ttl > c->max_ttl_s)
		ttl = c->max_ttl_s;
	struct dns_centry *e = store(c, now, &rr[0].name, rr[0].type, trust);
	if (!e)
		return NULL;
	e->kind = DNSC_POS;
	e->rr = calloc((size_t)n, sizeof(*e->rr));
	if (!e->rr)
		abort();
	for (int i = 0; i < n; i++) {
		dns_rr_copy(&e->rr[i], &rr[i]);
		e->rr[i].ttl = ttl;
	}
	e->nrr = (uint16_t)n;
	set_ttl(c, e, now, ttl);
	/* data for a name supersedes a remembered NXDOMAIN for it */
	if (trust == DNSC_TRUST_ANSWER)
		dns_cache_remove(c, &rr[0].name, 0);
	return e;
}

struct dns_centry *dns_cache_put_neg(struct dns_cache *c, simtime_t now, const struct dns_name *name,
				     uint16_t type, enum dns_ckind kind, const struct dns_rr *soa)
{
	if (!soa || soa->type != DNS_T_SOA)
		return NULL;
	/* RFC 2308 §5: the lesser of the SOA's TTL and its MINIMUM field */
	uint32_t ttl = soa->ttl < soa->rd.soa.minimum ? soa->ttl : soa->rd.soa.minimum;
	if (ttl > c->max_neg_ttl_s)
		ttl = c->max_neg_ttl_s;
	struct dns_centry *e = store(c, now, name, kind == DNSC_NXDOMAIN ? 0 : type, DNSC_TRUST_ANSWER);
	if (!e)
		return NULL;
	e->kind = (uint8_t)kind;
	e->rr = calloc(1, sizeof(*e->rr));
	if (!e->rr)
		abort();
	dns_rr_copy(&e->rr[0], soa);
	e->rr[0].ttl = ttl;
	e->nrr = 1;
	set_ttl(c, e, now, ttl);
	return e;
}

static struct dns_centry *find(struct dns_cache *c, const struct dns_name *name, uint16_t type,
			       struct dns_centry ***where)
{
	if (!c->cap)
		return NULL;
	struct dns_name lname = *name;
	dns_name_lower(&lname);
	struct dns_centry **pp = slot(c, &lname, type, key_hash(&lname, type));
	*where = pp;
	return *pp;
}

struct dns_centry *dns_cache_get(struct dns_cache *c, simtime_t now, const struct dns_name *name,
				 uint16_t type, bool stale_ok)
{
	struct dns_centry **pp;
	struct dns_centry *e = find(c, name, type, &pp);
	if (!e)
		return NULL;
	if (dns_cache_fresh(e, now))
		return e;
	if (now >= e->drop_ns) { /* past the stale window: forget it */
		*pp = e->next;
		entry_free(e);
		c->count--;
		return NULL;
	}
	return stale_ok ? e : NULL;
}

void dns_cache_remove(struct dns_cache *c, const struct dns_name *name, uint16_t type)
{
	struct dns_centry **pp;
	struct dns_centry *e = find(c, name, type, &pp);
	if (!e)
		return;
	*pp = e->next;
	entry_free(e);
	c->count--;
}
