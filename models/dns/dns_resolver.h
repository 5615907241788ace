/* A recursive resolver on a node (RFC 1034 §5.3.3, RFC 1035 §7), shaped
 * after Unbound: it listens on UDP and TCP port 53 for stubs, primes its
 * root NS set from root hints (RFC 8109), iterates from the closest cached
 * delegation with referrals, follows CNAMEs (restarting at the target,
 * also into other zones: data outside the queried zone is not trusted,
 * as Unbound's scrubber drops it), caches answers (dns_cache.h) and what
 * it learns about servers (dns_infra.h), retransmits with per-server RTO
 * and backoff, asks again over TCP after TC=1, and, with serve_stale,
 * answers from expired data with TTL 30 s when every upstream fails
 * (RFC 8767 §4).
 *
 * Limits (Unbound iterator/iterator.h): at most MAX_RESTART_COUNT 8 CNAME
 * restarts, MAX_REFERRAL_COUNT 130 referrals, MAX_SENT_COUNT 32 queries
 * per request; each server gets OUTBOUND_UDP_RETRY + 1 = 2 UDP tries per
 * request (outside_network.c).
 *
 * Every client request finished writes a dns_lookups row (resolver
 * 'recursive'; cache 'hit', 'miss', 'negative' or 'stale'; upstream =
 * queries sent for it, glue lookups included); priming writes one with
 * resolver 'prime'.
 *
 * Not modelled: DNSSEC, QNAME minimisation (full names are sent: the same
 * round trips per zone cut), prefetch, aggressive NSEC, request merging
 * (two clients asking the same name at once cause two iterations), IPv6
 * transport (AAAA records are resolved and cached, servers are reached
 * over IPv4). */
#ifndef WL_DNS_RESOLVER_H
#define WL_DNS_RESOLVER_H

#include <stdbool.h>
#include <stdint.h>

#include "models/dns/dns_cache.h"
#include "models/dns/dns_infra.h"
#include "models/net/net.h"

#define DNS_RES_MAX_ROOTS 13
#define DNS_RES_STALE_TTL 30            /* RFC 8767 §4: TTL of a stale answer */
#define DNS_RES_STALE_MAX_S 86400       /* RFC 8767 §5: keep stale data 1 to 3 days */
#define DNS_RES_MAX_RESTART 8           /* Unbound MAX_RESTART_COUNT */
#define DNS_RES_MAX_REFERRAL 130        /* Unbound MAX_REFERRAL_COUNT */
#define DNS_RES_MAX_SENT 32             /* Unbound MAX_SENT_COUNT */
#define DNS_RES_UDP_TRIES 2             /* Unbound OUTBOUND_UDP_RETRY 1, plus the first */

struct dns_resolver_cfg {
	struct node *node;
	uint32_t roots[DNS_RES_MAX_ROOTS];  /* root hint addresses (host order) */
	int nroots;                         /* 1..13 */
	uint32_t cache_max_ttl_s;           /* 86400 (Unbound cache-max-ttl) */
	uint32_t cache_max_neg_ttl_s;       /* 3600 (Unbound cache-max-negative-ttl) */
	bool serve_stale;                   /* RFC 8767; Unbound serve-expired, off */
	uint32_t stale_ttl_s;               /* 30 */
	uint32_t stale_max_s;               /* 86400 */
	uint16_t edns_udp_size;             /* 1232 (Unbound edns-buffer-size) */
	bool prime_at_start;                /* true: prime when the run starts; false:
					     * at the first query, as Unbound */
	const char *name;                   /* for rows and events; default the node's name */
};
void dns_resolver_cfg_default(struct dns_resolver_cfg *c);

struct dns_resolver;

struct dns_resolver_stats {
	uint64_t requests, hits, misses, negative, stale, servfail;
	uint64_t upstream_udp, upstream_tcp, timeouts, truncated, client_tcp;
};

/* Opens UDP and TCP port 53 on the node.  NULL with err set on a bad
 * configuration or a port in use.  The resolver lives until the
 * simulation is freed. */
struct dns_resolver *dns_resolver_new(const struct dns_resolver_cfg *cfg, struct errbuf *err);
void dns_resolver_stats(const struct dns_resolver *r, struct dns_resolver_stats *st);
struct dns_cache *dns_resolver_cache(struct dns_resolver *r);
struct dns_infra *dns_resolver_infra(struct dns_resolver *r);
const char *dns_resolver_name(const struct dns_resolver *r);

/* Resolves (name, qtype) as if a client on the resolver's own node had
 * asked (no packet from a client; for benchmarks and tests).  done gets
 * the RCODE, the cache status ("hit", "miss", "negative", "stale") and
 * the number of upstream queries; it is called from an event.  Returns 0,
 * or -22 for a malformed name. */
typedef void (*dns_resolve_fn)(void *ctx, int rcode, const char *cache, int upstream);
int dns_resolver_resolve(struct dns_resolver *r, const char *name, uint16_t qtype,
			 dns_resolve_fn done, void *ctx);

#endif
