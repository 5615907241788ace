/* The BGP decision process, RFC 4271 §9.1.2 and §9.1.2.2: from the
 * candidate routes to one prefix, the one the speaker installs in its
 * Loc-RIB.  A pure function over an array of candidates, so each step can
 * be tested with crafted routes (tests/unit/test_bgp_decision.c).
 *
 * Order (RFC 4271 §9.1.1 then §9.1.2.2, with RFC 4456 §9 for route
 * reflection):
 *   0. a route originated by this speaker wins (FRR gives local routes
 *      weight 32768; BIRD's own routes win by preference);
 *   1. highest degree of preference: LOCAL_PREF (100 when absent);
 *   a. fewest ASes in AS_PATH (an AS_SET counts one);
 *   b. lowest ORIGIN (IGP < EGP < INCOMPLETE);
 *   c. lowest MULTI_EXIT_DISC among routes from the same neighbouring AS
 *      (a missing MED counts as 0, §9.1.2.2 (c)); across all routes when
 *      always_compare_med is set (FRR `bgp always-compare-med`);
 *   d. routes learned over eBGP over those learned over iBGP;
 *   e. lowest interior cost to the NEXT_HOP;
 *   f. lowest BGP Identifier of the advertising speaker (its ORIGINATOR_ID
 *      when the route was reflected, RFC 4456 §9), then the shortest
 *      CLUSTER_LIST (RFC 4456 §9);
 *   g. lowest peer address.
 * Each step removes routes from consideration, as the RFC words it; the MED
 * step is therefore not a pairwise comparison (it is not transitive). */
#ifndef WL_BGP_DECISION_H
#define WL_BGP_DECISION_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_rib.h"

enum bgp_step {
	BGP_STEP_NONE = 0,   /* no candidate */
	BGP_STEP_ONLY,       /* a single candidate */
	BGP_STEP_LOCAL,
	BGP_STEP_LOCAL_PREF,
	BGP_STEP_AS_PATH,    /* (a) */
	BGP_STEP_ORIGIN,     /* (b) */
	BGP_STEP_MED,        /* (c) */
	BGP_STEP_EBGP,       /* (d) */
	BGP_STEP_IGP,        /* (e) */
	BGP_STEP_ROUTER_ID,  /* (f) */
	BGP_STEP_CLUSTER,    /* (f), RFC 4456 */
	BGP_STEP_PEER_ADDR,  /* (g) */
};

struct bgp_decision_cfg {
	bool always_compare_med;
	bool med_missing_as_worst; /* FRR `bgp bestpath med missing-as-worst` */
};

/* One candidate, with what the process needs beyond the attributes. */
struct bgp_cand {
	const struct bgp_rattr *attr;
	bool local;          /* originated by this speaker */
	bool ebgp;           /* learned over eBGP */
	uint32_t igp_cost;   /* to attr->next_hop */
	uint32_t router_id;  /* BGP Identifier of the peer it came from */
	uint32_t peer_addr;  /* the peer's address */
	void *ref;           /* the caller's (its struct bgp_path) */
};

/* The index of the best of n candidates (-1 if n == 0); *why (if not NULL)
 * gets the step that decided.  Candidates whose next hop cannot be
 * resolved must not be passed in (§9.1.2 excludes them). */
int bgp_decide(const struct bgp_cand *c, int n, const struct bgp_decision_cfg *cfg, enum bgp_step *why);

const char *bgp_step_name(enum bgp_step s);

#endif
