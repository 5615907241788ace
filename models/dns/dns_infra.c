/* The resolver's infrastructure cache: per-server smoothed RTT, RTO with
 * exponential backoff, and server selection within an RTT band, with
 * Unbound's constants and rules (util/rtt.c, services/cache/infra.c,
 * iterator/iter_utils.c); see dns_infra.h. */
#include "models/dns/dns_infra.h"

#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"

static uint32_t hash_addr(uint32_t a)
{
	a ^= a >> 16;
	a *= 0x7feb352du;
	a ^= a >> 15;
	a *= 0x846ca68bu;
	return a ^ (a >> 16);
}

/* Stevens' RTO from the estimators, clamped (rtt.c calc_rto). */
static int calc_rto(int srtt, int rttvar)
{
	int rto = srtt + 4 * rttvar;
	if (rto < DNS_RTT_MIN_TIMEOUT_MS)
		rto = DNS_RTT_MIN_TIMEOUT_MS;
	if (rto > DNS_RTT_MAX_TIMEOUT_MS)
		rto = DNS_RTT_MAX_TIMEOUT_MS;
	return rto;
}

static void host_reset(struct dns_infra_host *h, simtime_t expire)
{
	h->srtt_ms = 0;
	h->rttvar_ms = 94; /* first RTO 0 + 4 * 94 = 376 ms */
	h->rto_ms = calc_rto(h->srtt_ms, h->rttvar_ms);
	h->expire_ns = expire;
}

void dns_infra_init(struct dns_infra *inf, simtime_t host_ttl_ns)
{
	memset(inf, 0, sizeof(*inf));
	inf->host_ttl_ns = host_ttl_ns;
}

void dns_infra_free(struct dns_infra *inf)
{
	for (uint32_t i = 0; i < inf->cap; i++) {
		struct dns_infra_host *h = inf->tab[i];
		while (h) {
			struct dns_infra_host *nx = h->next;
			free(h);
			h = nx;
		}
	}
	free(inf->tab);
	memset(inf, 0, sizeof(*inf));
}

static void grow(struct dns_infra *inf)
{
	uint32_t ncap = inf->cap ? inf->cap * 2 : 64;
	struct dns_infra_host **nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		abort();
	for (uint32_t i = 0; i < inf->cap; i++) {
		struct dns_infra_host *h = inf->tab[i];
		while (h) {
			struct dns_infra_host *nx = h->next;
			uint32_t b = hash_addr(h->addr) & (ncap - 1);
			h->next = nt[b];
			nt[b] = h;
			h = nx;
		}
	}
	free(inf->tab);
	inf->tab = nt;
	inf->cap = ncap;
}

static struct dns_infra_host *find(const struct dns_infra *inf, uint32_t addr)
{
	if (!inf->cap)
		return NULL;
	for (struct dns_infra_host *h = inf->tab[hash_addr(addr) & (inf->cap - 1)]; h; h = h->next)
		if (h->addr == addr)
			return h;
	return NULL;
}

struct dns_infra_host *dns_infra_get(struct dns_infra *inf, uint32_t addr, simtime_t now)
{
	struct dns_infra_host *h = find(inf, addr);
	if (h) {
		if (now >= h->expire_ns) /* infra-host-ttl passed: start over */
			host_reset(h, now + inf->host_ttl_ns);
		return h;
	}
	if (inf->count + 1 > inf->cap / 2)
		grow(inf);
	h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	h->addr = addr;
	host_reset(h, now + inf->host_ttl_ns);
	uint32_t b = hash_addr(addr) & (inf->cap - 1);
	h->next = inf->tab[b];
	inf->tab[b] = h;
	inf->count++;
	return h;
}

const struct dns_infra_host *dns_infra_peek(const struct dns_infra *inf, uint32_t addr, simtime_t now)
{
	const struct dns_infra_host *h = find(inf, addr);
	return h && now < h->expire_ns ? h : NULL;
}

void dns_infra_update(struct dns_infra *inf, uint32_t addr, int rtt_ms, simtime_t now)
{
	struct dns_infra_host *h = dns_infra_get(inf, addr, now);
	int delta = rtt_ms - h->srtt_ms;
	h->srtt_ms += delta / 8; /* g = 1/8 */
	if (delta < 0)
		delta = -delta;
	h->rttvar_ms += (delta - h->rttvar_ms) / 4; /* h = 1/4 */
	h->rto_ms = calc_rto(h->srtt_ms, h->rttvar_ms);
	h->answered++;
	h->expire_ns = now + inf->host_ttl_ns;
}

void dns_infra_lost(struct dns_infra *inf, uint32_t addr, int orig_rto_ms, simtime_t now)
{
	struct dns_infra_host *h = dns_infra_get(inf, addr, now);
	/* double the RTO the query went out with, not the current one, so
	 * queries timing out together back off once (rtt.c rtt_lost) */
	int orig = orig_rto_ms * 2;
	if (h->rto_ms <= orig) {
		h->rto_ms = orig;
		if (h->rto_ms > DNS_RTT_MAX_TIMEOUT_MS)
			h->rto_ms = DNS_RTT_MAX_TIMEOUT_MS;
	}
	h->timeouts++;
	h->expire_ns = now + inf->host_ttl_ns;
}

int dns_infra_rto(struct dns_infra *inf, uint32_t addr, simtime_t now)
{
	return dns_infra_get(inf, addr, now)->rto_ms;
}

/* rtt.c rtt_unclamped: after a backoff the RTO in use, else the estimate
 * without the clamps. */
static int sel_rtt(const struct dns_infra_host *h)
{
	if (calc_rto(h->srtt_ms, h->rttvar_ms) != h->rto_ms)
		return h->rto_ms;
	return h->srtt_ms + 4 * h->rttvar_ms;
}

int dns_infra_select(struct dns_infra *inf, simtime_t now, const uint32_t *addr, int n,
		     const bool *skip, struct rng *r)
{
	enum { MAXC = 64 };
	int rtt[MAXC];
	int best = -1, nuse = 0;
	bool all_top = true;
	if (n > MAXC)
		n = MAXC;
	for (int i = 0; i < n; i++) {
		rtt[i] = -1;
		if (skip && skip[i])
			continue;
		const struct dns_infra_host *h = dns_infra_peek(inf, addr[i], now);
		rtt[i] = h ? sel_rtt(h) : DNS_UNKNOWN_SERVER_NICENESS_MS;
		if (rtt[i] < DNS_USEFUL_SERVER_TOP_TIMEOUT_MS)
			all_top = false;
	}
	/* servers backed off to the top are unsuitable while others are not */
	for (int i = 0; i < n; i++) {
		if (rtt[i] < 0 || (!all_top && rtt[i] >= DNS_USEFUL_SERVER_TOP_TIMEOUT_MS))
			continue;
		if (best < 0 || rtt[i] < best)
			best = rtt[i];
	}
	if (best < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (rtt[i] >= 0 && rtt[i] <= best + DNS_RTT_BAND_MS &&
		    (all_top || rtt[i] < DNS_USEFUL_SERVER_TOP_TIMEOUT_MS))
			nuse++;
	uint64_t pick = nuse > 1 ? rng_below(r, (uint64_t)nuse) : 0;
	for (int i = 0; i < n; i++)
		if (rtt[i] >= 0 && rtt[i] <= best + DNS_RTT_BAND_MS &&
		    (all_top || rtt[i] < DNS_USEFUL_SERVER_TOP_TIMEOUT_MS) && pick-- == 0)
			return i;
	return -1;
}
