/* The resolver's infrastructure cache: what it knows about each upstream
 * server, as Unbound's services/cache/infra.c and util/rtt.c keep it.
 *
 * Per server address: a smoothed RTT and mean deviation in whole
 * milliseconds (g = 1/8, h = 1/4, Stevens' UNP vol. 1 p. 598, as rtt.c),
 * RTO = srtt + 4 rttvar clamped to [RTT_MIN_TIMEOUT 50 ms,
 * RTT_MAX_TIMEOUT 120000 ms]; an unknown server starts at srtt 0,
 * rttvar 94, so RTO 376 ms (UNKNOWN_SERVER_NICENESS).  A timeout doubles
 * the RTO the lost query was sent with (exponential backoff, rtt_lost).
 * Entries expire infra-host-ttl (900 s) after their last update.
 *
 * Server selection (iterator/iter_utils.c): each candidate's selection RTT
 * is its RTO (the unclamped srtt + 4 rttvar once a timeout has backed it
 * off); servers at USEFUL_SERVER_TOP_TIMEOUT (120 s) or more are left out
 * unless all are; the choice is uniform among those within RTT_BAND
 * (400 ms) of the best, drawn from the resolver's named random stream, so
 * unknown servers (376 ms) get explored beside a fast known one. */
#ifndef WL_DNS_INFRA_H
#define WL_DNS_INFRA_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

struct rng;

#define DNS_RTT_MIN_TIMEOUT_MS 50
#define DNS_RTT_MAX_TIMEOUT_MS 120000
#define DNS_UNKNOWN_SERVER_NICENESS_MS 376
#define DNS_USEFUL_SERVER_TOP_TIMEOUT_MS 120000
#define DNS_RTT_BAND_MS 400
#define DNS_INFRA_HOST_TTL_S 900

struct dns_infra_host {
	struct dns_infra_host *next;
	uint32_t addr;
	int srtt_ms, rttvar_ms, rto_ms;
	simtime_t expire_ns;
	uint64_t sent, answered, timeouts;
};

struct dns_infra {
	struct dns_infra_host **tab;
	uint32_t cap, count;
	simtime_t host_ttl_ns;
};

void dns_infra_init(struct dns_infra *inf, simtime_t host_ttl_ns);
void dns_infra_free(struct dns_infra *inf);
/* The server's entry, made (or reset, if expired) on demand. */
struct dns_infra_host *dns_infra_get(struct dns_infra *inf, uint32_t addr, simtime_t now);
/* The entry if it exists and has not expired, else NULL (for reports). */
const struct dns_infra_host *dns_infra_peek(const struct dns_infra *inf, uint32_t addr, simtime_t now);
/* A reply came rtt_ms after its query. */
void dns_infra_update(struct dns_infra *inf, uint32_t addr, int rtt_ms, simtime_t now);
/* A query sent with RTO orig_rto_ms got no reply. */
void dns_infra_lost(struct dns_infra *inf, uint32_t addr, int orig_rto_ms, simtime_t now);
/* The RTO to wait for a reply from addr (ms). */
int dns_infra_rto(struct dns_infra *inf, uint32_t addr, simtime_t now);
/* Picks among addr[0..n-1], skipping those with skip[i] set (skip may be
 * NULL); returns the index, or -1 if every one is skipped. */
int dns_infra_select(struct dns_infra *inf, simtime_t now, const uint32_t *addr, int n,
		     const bool *skip, struct rng *r);

#endif
