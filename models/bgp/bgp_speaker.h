/* A BGP speaker: the router-level process above the sessions.  It keeps
 * the RIBs (bgp_rib.h), runs the decision process (bgp_decision.h) on what
 * its peers send, applies import and export policy (bgp_policy.h) and the
 * Gao-Rexford relationships, paces its announcements with the
 * MinRouteAdvertisementInterval (RFC 4271 §9.2.1.1), and installs its best
 * routes into its node's forwarding table.
 *
 * Timing, so that a scenario can mimic a given daemon:
 *  - in_hold: UPDATEs wait this long in the input queue before the
 *    decision process runs on everything queued (FRR batches its update
 *    work queue; BIRD runs at once: 0);
 *  - fib_delay: from a new best route to its entry in the forwarding table;
 *  - MRAI per peer: 30 s eBGP, 5 s iBGP by default (RFC 4271 §10), each
 *    interval scaled by a factor uniform in [0.75, 1] (§10's jitter) unless
 *    jitter is off; withdrawals go out at once (FRR; RFC 4271 §9.2.1.1
 *    leaves it open) unless mrai_withdrawals is set.
 *
 * Peers reach each other through a transport behind struct bgp_peer_ops:
 * the session layer (bgp_session.h: TCP or its byte channel) or a direct
 * in-order channel of decoded updates (bgp_chan.c) for the whole-Internet
 * runs.  The speaker code is the same for all. */
#ifndef WL_BGP_SPEAKER_H
#define WL_BGP_SPEAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_decision.h"
#include "bgp_policy.h"
#include "bgp_rib.h"
#include "sim/sim.h"

struct node;
struct bgp_speaker;
struct bgp_peer;

/* One UPDATE as the speaker hands it to a transport. */
struct bgp_out_update {
	const struct bgp_prefix *wd;
	uint32_t nwd;
	const struct bgp_rattr *attr;   /* NULL when nnlri is 0 */
	const struct bgp_prefix *nlri;
	uint32_t nnlri;
};

struct bgp_peer_ops {
	const char *name;
	/* Starts the session (both ends must be configured). */
	void (*start)(struct bgp_peer *p);
	/* Sends one UPDATE; returns the messages it took (>= 1), or -1 if the
	 * session is not up. */
	int (*send)(struct bgp_peer *p, const struct bgp_out_update *u);
	/* Tears the session down with a NOTIFICATION (max-prefix: 6/1). */
	void (*stop)(struct bgp_peer *p, uint8_t code, uint8_t subcode);
	void (*free)(struct bgp_peer *p);
};

struct bgp_peer_stats {
	uint64_t updates_in, updates_out;       /* UPDATE messages */
	uint64_t announce_in, withdraw_in;      /* prefixes */
	uint64_t announce_out, withdraw_out;
	uint64_t rejected_in;                   /* by loop detection or import policy */
	uint32_t up_count, down_count;
};

struct bgp_peer {
	struct bgp_speaker *sp;
	uint32_t idx;                 /* in sp->peers, and in each dest's out[] */
	char name[72];
	const struct bgp_peer_ops *ops;
	void *tx;                     /* the transport's state */
	uint32_t remote_as, remote_id;
	uint32_t remote_addr, local_addr; /* NEXT_HOP: ours towards it; its */
	bool ibgp, up;
	bool rr_client;               /* we reflect to/from it (RFC 4456) */
	bool nhs;                     /* iBGP: next-hop-self on routes learned over eBGP */
	enum bgp_rel rel;             /* what the neighbour is to us */
	struct bgp_policy *import, *export;
	uint32_t max_prefix;          /* 0: no limit */
	uint32_t accepted;            /* prefixes in its Adj-RIB-In now */
	struct bgp_damp_tab *damp;    /* route-flap damping state, NULL: off */
	simtime_t mrai;
	bool mrai_withdrawals;
	struct timer mrai_timer;
	struct bgp_dest **pending;    /* changes held back by MRAI, in order */
	size_t npending, cappending;
	bool kicked;                  /* on the speaker's list of peers with new changes */
	struct bgp_peer_stats st;
};

struct bgp_proc_cfg {
	simtime_t in_hold;            /* input queue hold before the decision process */
	simtime_t fib_delay;          /* best route to forwarding table */
};

struct bgp_inmsg;                 /* a queued UPDATE (bgp_speaker.c) */

struct bgp_speaker {
	struct bgp_world *w;
	struct node *node;            /* NULL: no forwarding table (AS-graph mode) */
	char name[32];
	uint32_t as, router_id;
	uint32_t cluster_id;          /* route reflector: nonzero */
	struct bgp_proc_cfg proc;
	struct bgp_decision_cfg dcfg;
	simtime_t mrai_ebgp, mrai_ibgp; /* defaults for new peers */
	bool jitter;
	bool mrai_withdrawals;
	struct bgp_peer **peers;
	size_t npeers, cappeers;
	struct bgp_table rib;
	struct bgp_inmsg *inq, **inq_tail;
	struct timer proc_timer;
	struct bgp_dest **dirty;
	size_t ndirty, capdirty;
	struct bgp_peer **kick;       /* peers whose pending list grew since the last send */
	size_t nkick, capkick;
	uint64_t best_changes;
	simtime_t last_change;        /* of any best route; SIM_NEVER if none */
	uint32_t index;               /* in w->sp */
	bool log_best;                /* write bgp_best events */
	struct bgp_damp_cfg *damp;    /* route-flap damping on eBGP routes, NULL: off */
};

/* Per-simulation state of every speaker (sim extension "bgp_speakers"). */
struct bgp_world {
	struct sim *sim;
	struct bgp_attr_table attrs;
	struct bgp_speaker **sp;
	size_t nsp, capsp;
	struct rng *jitter_rng;
	int m_best, m_fib;            /* recorder metrics */
	uint64_t updates, announces, withdraws; /* sent, all speakers */
	simtime_t last_change, last_update;  /* SIM_NEVER if none */
	struct bgp_cand *cand;        /* the decision process's scratch */
	size_t capcand;
};

struct bgp_world *bgp_world_get(struct sim *s);

/* RFC 2439 route-flap damping, with FRR's defaults (bgpd/bgp_damp.h:
 * half-life 15 min, reuse 750, suppress 2000, max-suppress 60 min; a
 * withdrawal adds 1000, an attribute change 500). */
struct bgp_damp_cfg {
	simtime_t half_life, max_suppress;
	double reuse, suppress, withdraw_penalty, change_penalty;
};
void bgp_damp_cfg_default(struct bgp_damp_cfg *c);

struct bgp_speaker_cfg {
	struct node *node;            /* may be NULL */
	const char *name;             /* NULL: "AS<as>" or the node's name */
	uint32_t as, router_id;
	uint32_t cluster_id;
	struct bgp_proc_cfg proc;
	struct bgp_decision_cfg dcfg;
	simtime_t mrai_ebgp, mrai_ibgp;
	bool jitter, mrai_withdrawals;
	const struct bgp_damp_cfg *damp; /* NULL: no damping (copied) */
};
/* RFC 4271 §10 MRAI (30 s eBGP, 5 s iBGP), jitter on, no hold, no install delay. */
void bgp_speaker_cfg_default(struct bgp_speaker_cfg *c);
struct bgp_speaker *bgp_speaker_new(struct sim *s, const struct bgp_speaker_cfg *cfg, struct errbuf *err);

struct bgp_peer_cfg {
	uint32_t remote_as, remote_id, remote_addr, local_addr;
	enum bgp_rel rel;
	bool rr_client, nhs;
	struct bgp_policy *import, *export; /* owned by the peer once given */
	uint32_t max_prefix;
	simtime_t mrai;               /* < 0: the speaker's default for eBGP/iBGP */
	int mrai_withdrawals;         /* -1: the speaker's */
	const char *name;
};
void bgp_peer_cfg_default(struct bgp_peer_cfg *c);
/* Adds a peer using transport ops (tx is the transport's state). */
struct bgp_peer *bgp_peer_add(struct bgp_speaker *sp, const struct bgp_peer_cfg *cfg,
			      const struct bgp_peer_ops *ops, void *tx);

/* ---- from the transports ---- */
void bgp_peer_established(struct bgp_peer *p);
void bgp_peer_down(struct bgp_peer *p);
/* An UPDATE arrived: withdrawn prefixes, and nlri with attr (may be NULL
 * when nnlri is 0).  The speaker takes its own reference on attr. */
void bgp_peer_receive(struct bgp_peer *p, const struct bgp_prefix *wd, uint32_t nwd,
		      const struct bgp_rattr *attr, const struct bgp_prefix *nlri, uint32_t nnlri);

/* ---- origination and queries ---- */
/* Originates p with attr (NULL: ORIGIN IGP, empty path); replaces an
 * earlier origination of p. */
void bgp_speaker_announce(struct bgp_speaker *sp, struct bgp_prefix p, const struct bgp_rattr *attr);
void bgp_speaker_withdraw(struct bgp_speaker *sp, struct bgp_prefix p);
/* The best route to exactly p, or NULL. */
const struct bgp_path *bgp_speaker_best(const struct bgp_speaker *sp, struct bgp_prefix p);

/* the IGP cost from the speaker's node to addr, UINT32_MAX if unreachable */
uint32_t bgp_speaker_igp_cost(const struct bgp_speaker *sp, uint32_t addr);

const char *bgp_rel_name(enum bgp_rel r);

#endif
