/* What the speaker's input side (bgp_speaker.c) and output side
 * (bgp_export.c) call of each other. */
#ifndef WL_BGP_SPEAKER_PRIV_H
#define WL_BGP_SPEAKER_PRIV_H

#include "bgp_speaker.h"

/* The best route of d changed: every peer's Adj-RIB-Out is to be brought up
 * to date (at once, or when its MRAI timer allows). */
void bgp_export_dest(struct bgp_speaker *sp, struct bgp_dest *d);
/* After a round of decisions: sends what may go now. */
void bgp_export_kick(struct bgp_speaker *sp);
void bgp_export_peer_up(struct bgp_peer *p);
void bgp_export_peer_down(struct bgp_peer *p);
void bgp_mrai_expired(struct sim *s, void *obj);
/* Decides every destination marked dirty and exports the changes. */
void bgp_process_dirty(struct bgp_speaker *sp);

/* Route-flap damping (bgp_damp.c): records a withdrawal, an attribute
 * change or (neither) a new announcement of pfx from p; returns whether the
 * route is now suppressed. */
bool bgp_damp_event(struct bgp_peer *p, struct bgp_prefix pfx, bool withdraw, bool change);
void bgp_damp_free(struct bgp_peer *p);
/* The route to pfx from p is no longer suppressed: decide again. */
void bgp_speaker_undamp(struct bgp_peer *p, struct bgp_prefix pfx);

#endif
