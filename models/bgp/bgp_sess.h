/* Speaker peers over real BGP sessions (bgp_session.h: TCP on port 179,
 * or the session layer's byte channel), for labs whose messages are to be
 * seen in Wireshark (bgp_sess.c). */
#ifndef WL_BGP_SESS_H
#define WL_BGP_SESS_H

#include <stddef.h>

#include "bgp_session.h"
#include "bgp_speaker.h"

struct bgp_sess_cfg {
	bool tcp;                 /* false: the session layer's byte channel */
	simtime_t delay;          /* byte channel: one-way delay */
	simtime_t hold_time, keepalive, connect_retry; /* < 0: the session defaults */
};

/* Makes a session between a and b (a peer on each, configured by ca and
 * cb: their addresses are the sessions' local and peer addresses) and
 * returns the peers; 0, or -1 with err set.  Max-prefix tears the session
 * down with bgp_session_stop_notify: Cease 6/1 with AFI, SAFI and the
 * limit as data (RFC 4486 §4). */
int bgp_sess_connect(struct bgp_speaker *a, struct bgp_peer_cfg *ca, struct bgp_speaker *b,
		     struct bgp_peer_cfg *cb, const struct bgp_sess_cfg *sc, struct bgp_peer **pa,
		     struct bgp_peer **pb, char *err, size_t errlen);
/* The session under a peer made by bgp_sess_connect, else NULL. */
struct bgp_session *bgp_peer_session(const struct bgp_peer *p);

#endif
