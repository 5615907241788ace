/* The Internet's AS graph from a CAIDA AS-relationship file (serial-1:
 * `as1|as2|-1` when as2 is a customer of as1, `as1|as2|0` when they peer;
 * `#` starts a comment line; "The CAIDA AS Relationships Dataset",
 * https://www.caida.org/catalog/datasets/as-relationships/), plain or
 * bzip2-compressed, and its build: one speaker per AS (no node, no
 * forwarding table), each link a pair of peers joined by a direct in-order
 * channel (bgp_chan.h) with the Gao-Rexford relationship set on both ends. */
#ifndef WL_BGP_ASGRAPH_H
#define WL_BGP_ASGRAPH_H

#include <stdint.h>

#include "bgp_speaker.h"

struct bgp_aslink {
	uint32_t a, b;            /* indices into asn[] */
	int8_t rel;               /* -1: a is b's provider; 0: peers */
};

struct bgp_asgraph {
	uint32_t *asn;            /* sorted ascending, no duplicates */
	uint32_t nas;
	struct bgp_aslink *links; /* in file order */
	uint32_t nlinks;
};

/* Reads path (".bz2" by content, not by name).  0, or -1 with err naming
 * the file and line of the first malformed line. */
int bgp_asgraph_load(const char *path, struct bgp_asgraph *g, struct errbuf *err);
void bgp_asgraph_free(struct bgp_asgraph *g);
/* The index of asn, or -1. */
int64_t bgp_asgraph_find(const struct bgp_asgraph *g, uint32_t asn);

struct bgp_asgraph_cfg {
	struct bgp_speaker_cfg speaker; /* as, name and router_id are set per AS */
	simtime_t delay;                /* one-way channel delay */
};
/* Builds the speakers (sp[i] for asn[i], an array of g->nas the caller
 * frees; the speakers belong to the simulation) and starts every session. */
int bgp_asgraph_build(struct sim *s, const struct bgp_asgraph *g, const struct bgp_asgraph_cfg *cfg,
		      struct bgp_speaker ***sp, struct errbuf *err);

#endif
