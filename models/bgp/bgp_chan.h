/* The direct channel transport between two speakers (bgp_chan.c): UPDATEs
 * in the speaker's own form over a reliable in-order pipe with a one-way
 * delay, for runs over the whole AS graph. */
#ifndef WL_BGP_CHAN_H
#define WL_BGP_CHAN_H

#include "bgp_speaker.h"

/* Adds a peer to a for b and one to b for a, joined by a channel of the
 * given one-way delay.  Fills in the configurations' remote AS, ID and
 * addresses where they are 0 (addresses default to the router IDs).  The
 * session comes up one delay after both peers are started (ops->start). */
int bgp_chan_connect(struct bgp_speaker *a, struct bgp_peer_cfg *ca, struct bgp_speaker *b,
		     struct bgp_peer_cfg *cb, simtime_t delay, struct bgp_peer **pa, struct bgp_peer **pb);
/* Fails (false: both ends go down at once, what was in flight is lost) or
 * restores the channel of peer p. */
void bgp_chan_set_up(struct bgp_peer *p, bool up);
bool bgp_peer_is_chan(const struct bgp_peer *p);

#endif
