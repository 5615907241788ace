/* Zones and the authoritative answer (RFC 1034 §4.3.2, RFC 2308).
 *
 * A zone is a hash table of its names, each holding its RRsets.  Names
 * that exist only because names below them do (empty non-terminals) are
 * nodes with no RRsets and a count of the nodes below that have some, so
 * such a name answers NODATA, not NXDOMAIN (RFC 8020 §2).  An RRset may be
 * dynamic: a callback chooses its RRs per query from the client's address
 * (DNS load balancing, GSLB).
 *
 * The answer algorithm, for the zones one server serves:
 *   1. the zone with the longest origin that holds QNAME; none: REFUSED;
 *   2. a zone cut (NS below the apex) at or above QNAME: a referral, the
 *      cut's NS in authority and the addresses of name servers at or below
 *      the cut (glue, required: RFC 9471) in additional, AA clear;
 *   3. QNAME has a CNAME and QTYPE is not CNAME: answer it and start again
 *      at 1 with its target, if a zone here holds it (at most 8 times);
 *   4. the RRset of QTYPE (all RRsets for ANY): the answer, AA, with the
 *      addresses of NS, MX and SRV targets in additional where known;
 *   5. QNAME exists without QTYPE: NODATA; else NXDOMAIN (RFC 6604: the
 *      rcode is the last name's), both with the zone's SOA in authority,
 *      its TTL min(SOA TTL, MINIMUM) (RFC 2308 §3).
 * Wildcards (RFC 4592) and DNSSEC are not modelled. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_server.h"
#include "sim/util.h"

#define CNAME_CHAIN_MAX 8 /* Unbound's MAX_RESTART_COUNT is 8 as well */
#define DYN_MAX 64        /* RRs a dynamic RRset may give */

struct zset {
	uint16_t type;
	int n, cap;
	struct dns_rr *rrs;
	/* dynamic RRsets */
	dns_dyn_fn fn;
	void *ctx;
	void (*ctx_free)(void *);
	uint32_t dyn_ttl;
	struct zset *next;
};

struct znode {
	struct dns_name key;   /* lowercased */
	struct dns_name name;  /* as first written */
	struct zset *sets;
	uint32_t nbelow;       /* nodes below with RRsets */
	struct znode *hnext;
};

struct dns_zone {
	int refs;
	struct dns_name origin;
	struct dns_rr soa;
	struct znode **tab;
	size_t tabsz, nnodes;
	int nrrs;
};

/* ---- the table of names ---- */

static struct znode *find(const struct dns_zone *z, const struct dns_name *n)
{
	struct dns_name k = *n;
	dns_name_lower(&k);
	for (struct znode *x = z->tab[dns_name_hash(&k) & (z->tabsz - 1)]; x; x = x->hnext)
		if (x->key.len == k.len && memcmp(x->key.b, k.b, k.len) == 0)
			return x;
	return NULL;
}

static void grow(struct dns_zone *z)
{
	size_t nsz = z->tabsz * 2;
	struct znode **nt = xcalloc(nsz, sizeof(*nt));
	for (size_t i = 0; i < z->tabsz; i++) {
		struct znode *x = z->tab[i];
		while (x) {
			struct znode *nx = x->hnext;
			size_t h = dns_name_hash(&x->key) & (nsz - 1);
			x->hnext = nt[h];
			nt[h] = x;
			x = nx;
		}
	}
	free(z->tab);
	z->tab = nt;
	z->tabsz = nsz;
}

static struct znode *get(struct dns_zone *z, const struct dns_name *n)
{
	struct znode *x = find(z, n);
	if (x)
		return x;
	if (z->nnodes + 1 > z->tabsz)
		grow(z);
	x = xcalloc(1, sizeof(*x));
	x->name = *n;
	x->key = *n;
	dns_name_lower(&x->key);
	size_t h = dns_name_hash(&x->key) & (z->tabsz - 1);
	x->hnext = z->tab[h];
	z->tab[h] = x;
	z->nnodes++;
	return x;
}

/* A node got its first RRset (+1) or lost its last (-1): its ancestors
 * up to the origin count it. */
static void count_above(struct dns_zone *z, const struct dns_name *n, int d)
{
	struct dns_name p = *n;
	while (p.len > z->origin.len && dns_name_parent(&p)) {
		struct znode *x = get(z, &p);
		x->nbelow = (uint32_t)((int64_t)x->nbelow + d);
	}
}

static struct zset *set_of(const struct znode *x, uint16_t type)
{
	for (struct zset *s = x ? x->sets : NULL; s; s = s->next)
		if (s->type == type)
			return s;
	return NULL;
}

static void set_free(struct zset *s)
{
	for (int i = 0; i < s->n; i++)
		dns_rr_clear(&s->rrs[i]);
	free(s->rrs);
	if (s->ctx_free)
		s->ctx_free(s->ctx);
	free(s);
}

/* Unlinks and frees the RRset of type at x; true if there was one. */
static bool drop_set(struct dns_zone *z, struct znode *x, uint16_t type)
{
	for (struct zset **pp = &x->sets; *pp; pp = &(*pp)->next) {
		if ((*pp)->type != type)
			continue;
		struct zset *s = *pp;
		*pp = s->next;
		z->nrrs -= s->fn ? 1 : s->n;
		set_free(s);
		if (!x->sets)
			count_above(z, &x->name, -1);
		return true;
	}
	return false;
}

static struct zset *new_set(struct dns_zone *z, struct znode *x, uint16_t type)
{
	struct zset *s = xcalloc(1, sizeof(*s));
	s->type = type;
	if (!x->sets)
		count_above(z, &x->name, +1);
	s->next = x->sets;
	x->sets = s;
	return s;
}

/* ---- zone objects ---- */

struct dns_zone *dns_zone_new(const struct dns_rr *soa)
{
	assert(soa->type == DNS_T_SOA);
	struct dns_zone *z = xcalloc(1, sizeof(*z));
	z->refs = 1;
	z->origin = soa->name;
	dns_rr_copy(&z->soa, soa);
	z->tabsz = 64;
	z->tab = xcalloc(z->tabsz, sizeof(*z->tab));
	struct znode *apex = get(z, &z->origin);
	struct zset *s = new_set(z, apex, DNS_T_SOA);
	s->n = s->cap = 1;
	s->rrs = xmalloc(sizeof(*s->rrs));
	dns_rr_copy(&s->rrs[0], soa);
	z->nrrs = 1;
	return z;
}

struct dns_zone *dns_zone_ref(struct dns_zone *z)
{
	z->refs++;
	return z;
}

void dns_zone_unref(struct dns_zone *z)
{
	if (!z || --z->refs > 0)
		return;
	for (size_t i = 0; i < z->tabsz; i++) {
		struct znode *x = z->tab[i];
		while (x) {
			struct znode *nx = x->hnext;
			while (x->sets) {
				struct zset *s = x->sets;
				x->sets = s->next;
				set_free(s);
			}
			free(x);
			x = nx;
		}
	}
	free(z->tab);
	dns_rr_clear(&z->soa);
	free(z);
}

const struct dns_name *dns_zone_origin(const struct dns_zone *z)
{
	return &z->origin;
}

const struct dns_rr *dns_zone_soa(const struct dns_zone *z)
{
	return &z->soa;
}

int dns_zone_count(const struct dns_zone *z)
{
	return z->nrrs;
}

/* Whether an RRset of type may join x (replacing any of that type). */
static int check(struct dns_zone *z, const struct dns_name *name, uint16_t type, struct errbuf *err)
{
	char n[DNS_NAME_STRLEN], o[DNS_NAME_STRLEN], t[16];
	dns_name_to_str(n, sizeof(n), name);
	dns_name_to_str(o, sizeof(o), &z->origin);
	dns_type_str(t, sizeof(t), type);
	if (!dns_name_is_sub(name, &z->origin)) {
		err_set(err, "%s is outside the zone %s", n, o);
		return -1;
	}
	if (type == DNS_T_OPT || type == DNS_T_ANY || type == 0) {
		err_set(err, "%s: %s is not a type a zone can hold", n, t);
		return -1;
	}
	bool apex = dns_name_eq(name, &z->origin);
	if (type == DNS_T_SOA) {
		err_set(err, "%s: %s", n, apex ? "the zone has its SOA already (from soa = {...})"
					      : "an SOA belongs at the zone's apex only");
		return -1;
	}
	struct znode *x = find(z, name);
	for (struct zset *s = x ? x->sets : NULL; s; s = s->next) {
		if (s->type == type)
			continue;
		if (type == DNS_T_CNAME || s->type == DNS_T_CNAME) {
			char st[16];
			err_set(err, "%s: a CNAME cannot be beside other data (here %s; RFC 1034 §3.6.2, "
				"RFC 2181 §10.1)", n, dns_type_str(st, sizeof(st), s->type == DNS_T_CNAME ? type : s->type));
			return -1;
		}
	}
	return 0;
}

static void append(struct dns_zone *z, struct zset *s, const struct dns_rr *rr)
{
	for (int i = 0; i < s->n; i++)
		if (dns_rr_same_data(&s->rrs[i], rr))
			return; /* an RRset is a set (RFC 2181 §5) */
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 2;
		s->rrs = realloc(s->rrs, (size_t)s->cap * sizeof(*s->rrs));
		if (!s->rrs)
			abort();
	}
	dns_rr_copy(&s->rrs[s->n++], rr);
	z->nrrs++;
}

int dns_zone_add(struct dns_zone *z, const struct dns_rr *rr, struct errbuf *err)
{
	if (check(z, &rr->name, rr->type, err) < 0)
		return -1;
	struct znode *x = get(z, &rr->name);
	struct zset *s = set_of(x, rr->type);
	char n[DNS_NAME_STRLEN], t[16];
	if (s && s->fn) {
		err_set(err, "%s %s is chosen by a function already", dns_name_to_str(n, sizeof(n), &rr->name),
			dns_type_str(t, sizeof(t), rr->type));
		return -1;
	}
	if (s && s->n > 0 && rr->type == DNS_T_CNAME && !dns_rr_same_data(&s->rrs[0], rr)) {
		err_set(err, "%s: a name has at most one CNAME (RFC 1034 §3.6.2)",
			dns_name_to_str(n, sizeof(n), &rr->name));
		return -1;
	}
	if (s && s->n > 0 && s->rrs[0].ttl != rr->ttl) {
		err_set(err, "%s %s: TTL %u differs from the %u of the RRset's other records (RFC 2181 §5.2)",
			dns_name_to_str(n, sizeof(n), &rr->name), dns_type_str(t, sizeof(t), rr->type),
			rr->ttl, s->rrs[0].ttl);
		return -1;
	}
	if (!s)
		s = new_set(z, x, rr->type);
	append(z, s, rr);
	return 0;
}

int dns_zone_set(struct dns_zone *z, const struct dns_rr *rrs, int n, struct errbuf *err)
{
	assert(n > 0);
	if (check(z, &rrs[0].name, rrs[0].type, err) < 0)
		return -1;
	for (int i = 1; i < n; i++)
		assert(rrs[i].type == rrs[0].type && dns_name_eq(&rrs[i].name, &rrs[0].name));
	if (rrs[0].type == DNS_T_CNAME && n > 1) {
		char nm[DNS_NAME_STRLEN];
		err_set(err, "%s: a name has at most one CNAME (RFC 1034 §3.6.2)",
			dns_name_to_str(nm, sizeof(nm), &rrs[0].name));
		return -1;
	}
	struct znode *x = get(z, &rrs[0].name);
	drop_set(z, x, rrs[0].type);
	struct zset *s = new_set(z, x, rrs[0].type);
	for (int i = 0; i < n; i++) {
		struct dns_rr r = rrs[i];
		r.ttl = rrs[0].ttl; /* one TTL per RRset (RFC 2181 §5.2) */
		append(z, s, &r);
	}
	return 0;
}

int dns_zone_set_dynamic(struct dns_zone *z, const struct dns_name *name, uint16_t type,
			 uint32_t ttl, dns_dyn_fn fn, void *ctx, void (*ctx_free)(void *ctx),
			 struct errbuf *err)
{
	char n[DNS_NAME_STRLEN], t[16];
	if (check(z, name, type, err) < 0)
		return -1;
	if (type == DNS_T_NS || type == DNS_T_SOA) {
		err_set(err, "%s: %s records cannot be chosen by a function", dns_name_to_str(n, sizeof(n), name),
			dns_type_str(t, sizeof(t), type));
		return -1;
	}
	struct znode *x = get(z, name);
	drop_set(z, x, type);
	struct zset *s = new_set(z, x, type);
	s->fn = fn;
	s->ctx = ctx;
	s->ctx_free = ctx_free;
	s->dyn_ttl = ttl;
	z->nrrs++;
	return 0;
}

int dns_zone_remove(struct dns_zone *z, const struct dns_name *name, uint16_t type)
{
	struct znode *x = find(z, name);
	if (!x)
		return 0;
	bool apex = dns_name_eq(name, &z->origin);
	int before = z->nrrs;
	if (type == DNS_T_ANY) {
		for (struct zset *s = x->sets, *nx; s; s = nx) {
			nx = s->next;
			if (!(apex && (s->type == DNS_T_SOA || s->type == DNS_T_NS)))
				drop_set(z, x, s->type);
		}
	} else if (!(apex && type == DNS_T_SOA)) {
		drop_set(z, x, type);
	}
	return before - z->nrrs;
}

/* ---- answering ---- */

/* The RRs of s for a client at src into sec of r; false if a dynamic
 * RRset failed (SERVFAIL). */
static bool put_set(struct dns_msg *r, enum dns_section sec, const struct znode *x,
		    const struct zset *s, uint32_t src)
{
	if (!s->fn) {
		for (int i = 0; i < s->n; i++)
			dns_msg_add(r, sec, &s->rrs[i]);
		return true;
	}
	struct dns_rr out[DYN_MAX];
	for (int i = 0; i < DYN_MAX; i++) {
		dns_rr_init(&out[i]);
		out[i].name = x->name;
		out[i].type = s->type;
		out[i].ttl = s->dyn_ttl;
	}
	int n = s->fn(s->ctx, src, out, DYN_MAX);
	for (int i = 0; i < n && i < DYN_MAX; i++) {
		/* an RRset has one owner, type, TTL, and no duplicates */
		out[i].name = x->name;
		out[i].type = s->type;
		out[i].ttl = s->dyn_ttl;
		bool dup = false;
		for (int k = 0; k < i && !dup; k++)
			dup = dns_rr_same_data(&out[k], &out[i]);
		if (!dup)
			dns_msg_add(r, sec, &out[i]);
	}
	for (int i = 0; i < DYN_MAX; i++)
		dns_rr_clear(&out[i]);
	return n >= 0;
}

static struct dns_zone *best_zone(struct dns_zone *const *zones, int nz, const struct dns_name *n)
{
	struct dns_zone *best = NULL;
	for (int i = 0; i < nz; i++)
		if (dns_name_is_sub(n, &zones[i]->origin) &&
		    (!best || zones[i]->origin.len > best->origin.len))
			best = zones[i];
	return best;
}

/* The topmost zone cut strictly below the apex at or above n, or NULL. */
static const struct znode *find_cut(const struct dns_zone *z, const struct dns_name *n)
{
	const struct znode *cut = NULL;
	struct dns_name p = *n;
	while (p.len > z->origin.len) {
		const struct znode *x = find(z, &p);
		if (x && set_of(x, DNS_T_NS))
			cut = x;
		if (!dns_name_parent(&p))
			break;
	}
	return cut;
}

static bool in_section(const struct dns_msg *r, enum dns_section sec, const struct dns_name *n,
		       uint16_t type)
{
	for (int i = 0; i < r->n[sec]; i++)
		if (r->rr[sec][i].type == type && dns_name_eq(&r->rr[sec][i].name, n))
			return true;
	return false;
}

/* The A and AAAA RRsets of n, if a zone here holds them and they are not
 * in the message yet; below a cut only if below_cut (glue). */
static void add_addrs(struct dns_zone *const *zones, int nz, struct dns_msg *r, const struct dns_name *n,
		      uint32_t src, bool glue_only)
{
	struct dns_zone *z = best_zone(zones, nz, n);
	if (!z)
		return;
	const struct znode *cut = find_cut(z, n);
	if (cut && !glue_only)
		return; /* below a cut: not our data to give */
	const struct znode *x = find(z, n);
	static const uint16_t types[] = { DNS_T_A, DNS_T_AAAA };
	for (int t = 0; t < 2 && x; t++) {
		const struct zset *s = set_of(x, types[t]);
		if (s && !in_section(r, DNS_SEC_AN, n, types[t]) && !in_section(r, DNS_SEC_AR, n, types[t]))
			put_set(r, DNS_SEC_AR, x, s, src);
	}
}

static void add_soa(struct dns_msg *r, const struct dns_zone *z)
{
	struct dns_rr *soa = dns_msg_add(r, DNS_SEC_NS, &z->soa);
	if (soa->rd.soa.minimum < soa->ttl)
		soa->ttl = soa->rd.soa.minimum; /* RFC 2308 §3 */
}

static void referral(struct dns_zone *const *zones, int nz, struct dns_msg *r,
		     const struct znode *cut, uint32_t src)
{
	const struct zset *ns = set_of(cut, DNS_T_NS);
	put_set(r, DNS_SEC_NS, cut, ns, src);
	/* glue: addresses of name servers inside the delegated zone, which a
	 * resolver cannot learn otherwise (RFC 1034 §4.2.1, RFC 9471) */
	for (int i = 0; i < ns->n; i++)
		if (dns_name_is_sub(&ns->rrs[i].rd.ns, &cut->name))
			add_addrs(zones, nz, r, &ns->rrs[i].rd.ns, src, true);
	r->ar_required = r->n[DNS_SEC_AR];
	/* sibling and other in-zone addresses help but are not required */
	for (int i = 0; i < ns->n; i++)
		if (!dns_name_is_sub(&ns->rrs[i].rd.ns, &cut->name))
			add_addrs(zones, nz, r, &ns->rrs[i].rd.ns, src, false);
}

/* Additional-section processing (RFC 1035 §3.3.9, §3.3.11; RFC 2782). */
static void additional(struct dns_zone *const *zones, int nz, struct dns_msg *r, uint32_t src)
{
	int n = r->n[DNS_SEC_AN];
	for (int i = 0; i < n; i++) {
		const struct dns_rr *rr = &r->rr[DNS_SEC_AN][i];
		struct dns_name t;
		if (rr->type == DNS_T_NS)
			t = rr->rd.ns;
		else if (rr->type == DNS_T_MX)
			t = rr->rd.mx.exchange;
		else if (rr->type == DNS_T_SRV)
			t = rr->rd.srv.target;
		else
			continue;
		add_addrs(zones, nz, r, &t, src, false);
	}
}

void dns_zones_answer(struct dns_zone *const *zones, int nzones, const struct dns_msg *q,
		      uint32_t src, struct dns_msg *r)
{
	struct dns_name qname = q->q.name;
	uint16_t qtype = q->q.type;
	struct dns_zone *z = best_zone(zones, nzones, &qname);
	if (!z || (q->q.cls != DNS_C_IN && q->q.cls != DNS_C_ANY)) {
		r->rcode = DNS_R_REFUSED;
		return;
	}
	r->rcode = DNS_R_NOERROR;
	for (int hop = 0;; hop++) {
		const struct znode *cut = find_cut(z, &qname);
		if (cut) {
			if (hop == 0) {
				r->aa = false;
				referral(zones, nzones, r, cut, src);
			}
			/* after a CNAME: the answer so far; the resolver asks on */
			return;
		}
		r->aa = true;
		const struct znode *x = find(z, &qname);
		if (!x || (!x->sets && x->nbelow == 0)) {
			r->rcode = DNS_R_NXDOMAIN;
			add_soa(r, z);
			return;
		}
		const struct zset *cn = set_of(x, DNS_T_CNAME);
		if (cn && qtype != DNS_T_CNAME && qtype != DNS_T_ANY) {
			int before = r->n[DNS_SEC_AN];
			if (!put_set(r, DNS_SEC_AN, x, cn, src)) {
				r->rcode = DNS_R_SERVFAIL;
				return;
			}
			if (r->n[DNS_SEC_AN] == before)
				goto nodata; /* a dynamic CNAME chose nothing */
			qname = r->rr[DNS_SEC_AN][r->n[DNS_SEC_AN] - 1].rd.cname;
			z = best_zone(zones, nzones, &qname);
			if (!z || hop + 1 >= CNAME_CHAIN_MAX || in_section(r, DNS_SEC_AN, &qname, DNS_T_CNAME))
				return; /* out of our zones, too long, or a loop */
			continue;
		}
		bool any = false;
		for (const struct zset *s = x->sets; s; s = s->next) {
			if (s->type != qtype && qtype != DNS_T_ANY)
				continue;
			int before = r->n[DNS_SEC_AN];
			if (!put_set(r, DNS_SEC_AN, x, s, src)) {
				r->rcode = DNS_R_SERVFAIL;
				return;
			}
			any = any || r->n[DNS_SEC_AN] > before;
		}
		if (!any)
			goto nodata;
		additional(zones, nzones, r, src);
		return;
	nodata:
		add_soa(r, z);
		return;
	}
}
