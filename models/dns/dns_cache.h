/* The recursive resolver's message cache: RRsets and negative answers
 * keyed by (owner name, type), each with its own expiry, as Unbound's
 * rrset and message caches keep them (services/cache/).
 *
 * Positive RRsets live for their smallest TTL capped at cache-max-ttl
 * (Unbound default 86400 s, unbound.conf(5)); negative answers for
 * min(SOA TTL, SOA MINIMUM) (RFC 2308 §5) capped at cache-max-negative-ttl
 * (3600 s).  A name that does not exist is one entry for every type
 * (type 0, RFC 2308 §5: "NXDOMAIN ... applies to the name, not a type");
 * NODATA is per type.  Data from a referral or an additional section
 * (trust 0) does not replace unexpired data from an answer (trust 1),
 * after RFC 2181 §5.4.1.  Expired entries are kept `stale_ns` longer for
 * serve-stale (RFC 8767), then dropped when next touched. */
#ifndef WL_DNS_CACHE_H
#define WL_DNS_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/dns/dns_msg.h"
#include "sim/time.h"

#define DNS_CACHE_MAX_TTL 86400      /* Unbound cache-max-ttl */
#define DNS_CACHE_MAX_NEG_TTL 3600   /* Unbound cache-max-negative-ttl */

enum dns_ckind { DNSC_POS, DNSC_NXDOMAIN, DNSC_NODATA };
enum { DNSC_TRUST_GLUE = 0, DNSC_TRUST_ANSWER = 1 };

struct dns_centry {
	struct dns_centry *next;     /* hash chain */
	uint32_t hash;
	uint16_t type;               /* 0: NXDOMAIN for every type */
	uint8_t kind, trust;         /* enum dns_ckind, DNSC_TRUST_* */
	simtime_t expire_ns;         /* fresh while now < expire_ns */
	simtime_t drop_ns;           /* kept for serve-stale until then */
	uint32_t ttl_s;              /* TTL when stored, after the caps */
	uint16_t nrr;                /* POS: the RRset; negative: the SOA (0 or 1) */
	struct dns_rr *rr;
	struct dns_name name;        /* lowercased */
};

struct dns_cache {
	struct dns_centry **tab;
	uint32_t cap, count;         /* cap: a power of two */
	uint32_t max_ttl_s, max_neg_ttl_s;
	simtime_t stale_ns;          /* how long past expiry data may be served stale (0: never) */
	uint64_t hits, misses;
};

void dns_cache_init(struct dns_cache *c, uint32_t max_ttl_s, uint32_t max_neg_ttl_s,
		    simtime_t stale_ns);
void dns_cache_free(struct dns_cache *c);

/* Stores the RRset rr[0..n-1] (one owner and type, taken from rr[0]):
 * deep copies.  Returns the entry, or NULL if it kept better data. */
struct dns_centry *dns_cache_put_rrset(struct dns_cache *c, simtime_t now, const struct dns_rr *rr,
				       int n, int trust);
/* Stores a negative answer: kind DNSC_NXDOMAIN (type ignored) or
 * DNSC_NODATA for (name, type); soa may be NULL (then nothing is cached:
 * RFC 2308 §5, no SOA means no negative caching). */
struct dns_centry *dns_cache_put_neg(struct dns_cache *c, simtime_t now, const struct dns_name *name,
				     uint16_t type, enum dns_ckind kind, const struct dns_rr *soa);
/* The entry for (name, type) (type 0: the NXDOMAIN entry), fresh, or also
 * expired but within the stale window if stale_ok; NULL otherwise. */
struct dns_centry *dns_cache_get(struct dns_cache *c, simtime_t now, const struct dns_name *name,
				 uint16_t type, bool stale_ok);
/* Forgets (name, type). */
void dns_cache_remove(struct dns_cache *c, const struct dns_name *name, uint16_t type);
/* Seconds the entry has left (rounded up; 0 if expired). */
uint32_t dns_cache_ttl_left(const struct dns_centry *e, simtime_t now);
bool dns_cache_fresh(const struct dns_centry *e, simtime_t now);

#endif
