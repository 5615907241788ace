/* The speaker's routing information bases (RFC 4271 §3.2): route attributes
 * as the speaker keeps them (interned, so equal attribute sets are one
 * object compared by pointer, as BIRD's rta cache and FRR's attrhash), and
 * the prefix table whose entries ("destinations", FRR's bgp_dest) hold the
 * Adj-RIB-In (one path per peer, after the import policy), the Loc-RIB
 * choice (best) and the Adj-RIB-Out (what was last sent to each peer).
 *
 * Prefixes are IPv4 (address, length).  The table is a hash map on the
 * exact prefix: the decision process works per prefix, and longest-prefix
 * matching is the forwarding table's job (models/net/fib.c), where the best
 * routes are installed. */
#ifndef WL_BGP_RIB_H
#define WL_BGP_RIB_H

#include <stdbool.h>
#include <stdint.h>

#include "models/bgp/bgp_msg.h" /* struct bgp_prefix, enum bgp_origin */
#include "sim/time.h"

/* What the neighbour is to us (Gao and Rexford, "Stable Internet routing
 * without global coordination", IEEE/ACM ToN 2001).  NONE: no relationship
 * policy on the session. */
enum bgp_rel { BGP_REL_NONE = 0, BGP_REL_CUSTOMER, BGP_REL_PEER, BGP_REL_PROVIDER, BGP_REL_LOCAL };

struct bgp_lcomm {
	uint32_t global, local1, local2; /* RFC 8092 */
};

/* Path attributes.  An interned one (from bgp_rattr_intern) is immutable
 * and its arrays live inside it; a template built by a caller points at
 * the caller's arrays. */
struct bgp_rattr {
	struct bgp_rattr *hnext; /* intern table chain */
	uint32_t hash, refcnt;
	uint32_t next_hop;       /* IPv4 address */
	uint32_t med, local_pref;
	uint32_t originator_id;  /* RFC 4456 §8; 0: absent */
	uint8_t origin;          /* BGP_ORIGIN_* */
	bool has_med, has_local_pref, atomic_aggregate;
	uint8_t rel;             /* enum bgp_rel the route was learned over (internal, not on the wire) */
	uint16_t n_as;           /* AS_PATH: n_as ASes, nearest first ... */
	uint16_t n_set;          /* ... of which the last n_set are an AS_SET */
	uint16_t ncomm, nlcomm, ncluster, nunknown;
	const uint32_t *as;
	const uint32_t *comm;    /* RFC 1997 communities, sorted ascending, no duplicates */
	const struct bgp_lcomm *lcomm;
	const uint32_t *cluster; /* RFC 4456 CLUSTER_LIST, nearest first */
	const uint8_t *unknown;  /* optional transitive attributes we do not know, as wire bytes */
};

/* RFC 4271 §9.1.2.2 (a): an AS_SET counts as one, whatever its size. */
static inline unsigned bgp_path_len(const struct bgp_rattr *a)
{
	return (unsigned)(a->n_as - a->n_set) + (a->n_set ? 1u : 0u);
}
/* The neighbouring AS the route came from (§9.1.2.2 (c)): the first AS of
 * the path, or 0 for a path that is empty (originated in this AS). */
static inline uint32_t bgp_neighbor_as(const struct bgp_rattr *a)
{
	return a->n_as > a->n_set ? a->as[0] : 0;
}
/* The AS that originated the route: the last of the sequence, 0 if none. */
static inline uint32_t bgp_origin_as(const struct bgp_rattr *a)
{
	return a->n_as > a->n_set ? a->as[a->n_as - a->n_set - 1] : 0;
}
bool bgp_rattr_has_as(const struct bgp_rattr *a, uint32_t as);
bool bgp_rattr_has_comm(const struct bgp_rattr *a, uint32_t c);

struct bgp_attr_table {
	struct bgp_rattr **slots; /* chained hash table */
	uint32_t cap, count;
};

void bgp_attr_table_init(struct bgp_attr_table *t);
void bgp_attr_table_free(struct bgp_attr_table *t);
/* The interned copy of tmpl, with one more reference (comm need not be
 * sorted: the copy sorts it and drops duplicates). */
const struct bgp_rattr *bgp_rattr_intern(struct bgp_attr_table *t, const struct bgp_rattr *tmpl);
const struct bgp_rattr *bgp_rattr_ref(const struct bgp_rattr *a);
void bgp_rattr_unref(struct bgp_attr_table *t, const struct bgp_rattr *a);
/* "65002 65003 {65010 65011}", into buf of n bytes. */
char *bgp_aspath_fmt(char *buf, size_t n, const struct bgp_rattr *a);

/* ---- the prefix table ---- */

/* "203.0.113.0/24" into buf (at least 19 bytes). */
char *bgp_prefix_fmt(char *buf, struct bgp_prefix p);
/* Parses "a.b.c.d/len"; -1 if malformed or host bits are set. */
int bgp_prefix_parse(const char *s, struct bgp_prefix *out);

struct bgp_peer;

/* One route to a destination from one source: an Adj-RIB-In entry after
 * the import policy, or a route originated here (peer NULL). */
struct bgp_path {
	struct bgp_path *next;
	struct bgp_peer *peer;
	const struct bgp_rattr *attr;
	simtime_t since;
	bool damped;             /* suppressed by route-flap damping (bgp_damp.c) */
};

/* Adj-RIB-Out entry for one peer (indexed by the peer's index). */
struct bgp_adj_out {
	const struct bgp_rattr *sent; /* what the peer holds from us; NULL: nothing */
	bool pending;                 /* on the peer's list of changes held back by MRAI */
};

struct bgp_dest {
	struct bgp_prefix pfx;
	bool dirty;              /* on the speaker's list for the decision process */
	bool fib_pending;        /* an install/remove is scheduled */
	bool in_fib;             /* a route we installed is in the node's table */
	struct bgp_path *paths;  /* Adj-RIB-In, one per peer, plus the local one */
	struct bgp_path *best;   /* Loc-RIB; NULL: unreachable */
	/* the choice last made, by source and attributes, to tell a change
	 * even after the path object itself was freed */
	struct bgp_peer *best_from;
	const struct bgp_rattr *best_attr;
	bool had_best;
	struct bgp_adj_out *out; /* nout entries */
	uint32_t nout;
	uint32_t best_changes;   /* how often the best route changed */
};

struct bgp_table {
	struct bgp_dest **slots; /* open addressing */
	uint32_t cap, count;
};

void bgp_table_init(struct bgp_table *t);
/* Frees the entries and their paths; attrs are released into at. */
void bgp_table_free(struct bgp_table *t, struct bgp_attr_table *at);
struct bgp_dest *bgp_table_find(const struct bgp_table *t, struct bgp_prefix p);
struct bgp_dest *bgp_table_get(struct bgp_table *t, struct bgp_prefix p); /* creates */
/* The Adj-RIB-Out slot of peer index i, growing the array as needed. */
struct bgp_adj_out *bgp_dest_out(struct bgp_dest *d, uint32_t i);
/* The path from peer (NULL: the local one), or NULL. */
struct bgp_path *bgp_dest_path(const struct bgp_dest *d, const struct bgp_peer *peer);
/* Sets the path from peer to attr (a reference is taken), replacing the
 * previous one (implicit withdrawal, RFC 4271 §3.1); attr NULL removes it.
 * Returns true if anything changed. */
bool bgp_dest_set(struct bgp_dest *d, struct bgp_peer *peer, const struct bgp_rattr *attr,
		  struct bgp_attr_table *at, simtime_t now);

#endif
