/* Routing policy: import and export filters a scenario declares per
 * session, as a list of terms (match, then action; the first term that
 * matches decides, as a route-map's sequence in FRR or a BIRD filter's
 * if-chain), an optional function for what tables cannot say (the Lua
 * binding supplies one that calls a Lua function), and a default.
 *
 * Matches: a prefix with an optional range of lengths (FRR prefix-list
 * `ge`/`le`), the origin AS, an AS anywhere in the path, the neighbour AS,
 * the path length, a community.  Actions: reject, or accept after setting
 * LOCAL_PREF or MED, adding or removing communities, prepending the
 * speaker's own AS n times.
 *
 * The Gao-Rexford relationship (customer, peer, provider) is not a term:
 * it is a switch on the session that the speaker applies around the
 * policy (bgp_speaker.c). */
#ifndef WL_BGP_POLICY_H
#define WL_BGP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_rib.h"

/* A route being edited: a template whose arrays are the scratch below.
 * The limits are far above what a route carries; an edit that would pass
 * them fails (the route is then rejected, never cut). */
#define BGP_EDIT_AS_MAX 1024
#define BGP_EDIT_COMM_MAX 256
#define BGP_EDIT_LCOMM_MAX 64
#define BGP_EDIT_CLUSTER_MAX 64
struct bgp_route_edit {
	struct bgp_rattr a;
	uint32_t as[BGP_EDIT_AS_MAX];
	uint32_t comm[BGP_EDIT_COMM_MAX];
	struct bgp_lcomm lcomm[BGP_EDIT_LCOMM_MAX];
	uint32_t cluster[BGP_EDIT_CLUSTER_MAX];
};
/* 0, or -1 if from holds more than the scratch (the route is rejected). */
int bgp_edit_init(struct bgp_route_edit *e, const struct bgp_rattr *from);
int bgp_edit_prepend(struct bgp_route_edit *e, uint32_t as, unsigned n);
int bgp_edit_comm_add(struct bgp_route_edit *e, uint32_t c);
void bgp_edit_comm_del(struct bgp_route_edit *e, uint32_t c);
int bgp_edit_cluster_prepend(struct bgp_route_edit *e, uint32_t id);

enum {
	BGP_M_PREFIX = 1 << 0,
	BGP_M_ORIGIN_AS = 1 << 1,
	BGP_M_PATH_HAS = 1 << 2,
	BGP_M_NEIGHBOR_AS = 1 << 3,
	BGP_M_PATH_LEN_MAX = 1 << 4,
	BGP_M_COMMUNITY = 1 << 5,
	BGP_M_PATH_LEN_MIN = 1 << 6,
};

struct bgp_match {
	unsigned what;           /* BGP_M_* bits; 0 matches every route */
	struct bgp_prefix pfx;   /* the route's prefix lies within pfx, with */
	uint8_t ge, le;          /* length in [ge, le] (both pfx.len by default: exact) */
	uint32_t origin_as, path_has, neighbor_as, community;
	unsigned path_len_max, path_len_min;
};

#define BGP_ACT_COMM_MAX 16
struct bgp_action {
	bool reject;
	bool set_local_pref, set_med, clear_med;
	uint32_t local_pref, med;
	uint8_t prepend;         /* the speaker's AS this many more times (export) */
	uint8_t ncomm_add, ncomm_del;
	uint32_t comm_add[BGP_ACT_COMM_MAX], comm_del[BGP_ACT_COMM_MAX];
};

struct bgp_term {
	struct bgp_match m;
	struct bgp_action a;
};

/* A function term: 1 accept (e possibly edited), 0 reject.  own_as is for
 * prepending. */
typedef int (*bgp_policy_fn)(void *ctx, struct bgp_prefix p, struct bgp_route_edit *e, uint32_t own_as);

struct bgp_policy {
	struct bgp_term *terms;
	int nterms;
	bgp_policy_fn fn;        /* consulted when no term matched; NULL: none */
	void *fn_ctx;
	void (*fn_free)(void *fn_ctx);
	bool default_reject;     /* when neither a term nor fn decided */
};

void bgp_policy_free(struct bgp_policy *p);
bool bgp_match(const struct bgp_match *m, struct bgp_prefix p, const struct bgp_rattr *a);
/* Runs the policy on (p, e): 1 accept (e edited), 0 reject.  A NULL
 * policy accepts everything unchanged. */
int bgp_policy_apply(const struct bgp_policy *pol, struct bgp_prefix p, struct bgp_route_edit *e,
		     uint32_t own_as);

#endif
