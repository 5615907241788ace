/* The decision process (RFC 4271 §9.1.2.2, RFC 4456 §9): candidates are
 * removed from consideration step by step until one is left.  See
 * bgp_decision.h for the order and its sources. */
#include "bgp_decision.h"

#include <stdlib.h>

#include "sim/util.h"

#define LOCAL_PREF_DEFAULT 100u /* FRR and BIRD: `bgp default local-preference 100` */

static uint32_t lp(const struct bgp_cand *c)
{
	return c->attr->has_local_pref ? c->attr->local_pref : LOCAL_PREF_DEFAULT;
}

static uint64_t med(const struct bgp_cand *c, const struct bgp_decision_cfg *cfg)
{
	if (c->attr->has_med)
		return c->attr->med;
	return cfg->med_missing_as_worst ? (uint64_t)UINT32_MAX + 1 : 0;
}

static uint32_t rid(const struct bgp_cand *c)
{
	return c->attr->originator_id ? c->attr->originator_id : c->router_id;
}

/* Keeps, of the live candidates, those whose key is the smallest; the key
 * is computed by a small switch so each step reads as one line below. */
enum key { K_LOCAL, K_LP, K_PATH, K_ORIGIN, K_EBGP, K_IGP, K_RID, K_CLUSTER, K_ADDR };

static uint64_t key(const struct bgp_cand *c, enum key k)
{
	switch (k) {
	case K_LOCAL: return c->local ? 0 : 1;
	case K_LP: return UINT32_MAX - (uint64_t)lp(c); /* higher is better */
	case K_PATH: return bgp_path_len(c->attr);
	case K_ORIGIN: return c->attr->origin;
	case K_EBGP: return c->ebgp ? 0 : 1;
	case K_IGP: return c->igp_cost;
	case K_RID: return rid(c);
	case K_CLUSTER: return c->attr->ncluster;
	case K_ADDR: return c->peer_addr;
	}
	return 0;
}

/* Removes from live[] all but the minimal-key candidates; returns the new
 * count.  *cut is set if anything was removed. */
static int keep_min(const struct bgp_cand *c, int *live, int n, enum key k, bool *cut)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < n; i++) {
		uint64_t v = key(&c[live[i]], k);
		if (v < best)
			best = v;
	}
	int m = 0;
	for (int i = 0; i < n; i++)
		if (key(&c[live[i]], k) == best)
			live[m++] = live[i];
	*cut = m < n;
	return m;
}

/* §9.1.2.2 (c): a route is removed if another route from the same
 * neighbouring AS (any route, with always_compare_med) has a lower MED. */
static int keep_med(const struct bgp_cand *c, int *live, int n, const struct bgp_decision_cfg *cfg, bool *cut)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		const struct bgp_cand *a = &c[live[i]];
		bool drop = false;
		for (int j = 0; j < n && !drop; j++) {
			const struct bgp_cand *b = &c[live[j]];
			if (!cfg->always_compare_med && bgp_neighbor_as(a->attr) != bgp_neighbor_as(b->attr))
				continue;
			drop = med(b, cfg) < med(a, cfg);
		}
		if (!drop)
			live[m++] = live[i];
	}
	*cut = m < n;
	return m;
}

int bgp_decide(const struct bgp_cand *c, int n, const struct bgp_decision_cfg *cfg, enum bgp_step *why)
{
	enum bgp_step dummy;
	if (!why)
		why = &dummy;
	if (n <= 0) {
		*why = BGP_STEP_NONE;
		return -1;
	}
	if (n == 1) {
		*why = BGP_STEP_ONLY;
		return 0;
	}
	int sbuf[64], *live = n <= 64 ? sbuf : xmalloc((size_t)n * sizeof(int));
	for (int i = 0; i < n; i++)
		live[i] = i;
	static const struct {
		enum key k;
		enum bgp_step step;
	} steps[] = {
		{ K_LOCAL, BGP_STEP_LOCAL },   { K_LP, BGP_STEP_LOCAL_PREF }, { K_PATH, BGP_STEP_AS_PATH },
		{ K_ORIGIN, BGP_STEP_ORIGIN }, { K_EBGP, BGP_STEP_EBGP },     { K_IGP, BGP_STEP_IGP },
		{ K_RID, BGP_STEP_ROUTER_ID }, { K_CLUSTER, BGP_STEP_CLUSTER }, { K_ADDR, BGP_STEP_PEER_ADDR },
	};
	int m = n;
	*why = BGP_STEP_PEER_ADDR;
	bool cut;
	for (size_t s = 0; s < ARRAY_LEN(steps) && m > 1; s++) {
		if (steps[s].k == K_EBGP) { /* MED comes between ORIGIN and eBGP */
			m = keep_med(c, live, m, cfg, &cut);
			if (cut && m == 1) {
				*why = BGP_STEP_MED;
				break;
			}
		}
		m = keep_min(c, live, m, steps[s].k, &cut);
		if (cut && m == 1) {
			*why = steps[s].step;
			break;
		}
	}
	/* equal in every respect (the same peer twice cannot happen): the first */
	int best = live[0];
	if (live != sbuf)
		free(live);
	return best;
}

const char *bgp_step_name(enum bgp_step s)
{
	switch (s) {
	case BGP_STEP_NONE: return "none";
	case BGP_STEP_ONLY: return "only route";
	case BGP_STEP_LOCAL: return "local origin";
	case BGP_STEP_LOCAL_PREF: return "local-pref";
	case BGP_STEP_AS_PATH: return "as-path length";
	case BGP_STEP_ORIGIN: return "origin";
	case BGP_STEP_MED: return "med";
	case BGP_STEP_EBGP: return "ebgp over ibgp";
	case BGP_STEP_IGP: return "igp cost";
	case BGP_STEP_ROUTER_ID: return "router id";
	case BGP_STEP_CLUSTER: return "cluster-list length";
	case BGP_STEP_PEER_ADDR: return "peer address";
	}
	return "?";
}
