/* A BGP-4 session: one end of a peering, running RFC 4271 §8's finite-state
 * machine (Idle, Connect, Active, OpenSent, OpenConfirm, Established) with
 * the ConnectRetry, Hold and Keepalive timers of §10, hold-time
 * negotiation (§4.2), collision detection (§6.8) and NOTIFICATION on every
 * protocol error (§6).  The speaker (bgprib's RIBs and decision process)
 * sees only this API: it configures a session, is called back when the
 * session comes up, when an UPDATE arrives (decoded) and when it goes down,
 * and sends UPDATEs.
 *
 * Two transports, one FSM, one codec:
 *  - BGP_TRANSPORT_TCP (the default): the simulated TCP on port 179,
 *    real bytes in pbufs, so --pcap files decode in Wireshark.  Both ends
 *    listen (one shared listener per node) and, unless passive, connect.
 *  - BGP_TRANSPORT_CHANNEL: a reliable in-order byte channel with a fixed
 *    one-way delay between two sessions joined by bgp_channel_join(), no
 *    TCP, no links, no packets (the whole-Internet mode).  It carries the
 *    same encoded messages through the same decoder; opening and closing
 *    the channel stand in for TCP's handshake and FIN/RST.
 *
 * Defaults (bgp_session_config_default): RFC 4271 §10's suggested values,
 * Hold Time 90 s, Keepalive 30 s (= Hold/3), ConnectRetry 120 s.  Jitter
 * (RFC 4271 §10: a factor uniform in [0.75, 1.0] on ConnectRetry and
 * Keepalive) is an option, off by default as in FRR: bgpd/bgp_keepalives.c
 * sends every v_keepalive exactly and bgpd/bgp_fsm.c arms ConnectRetry with
 * v_connect unjittered (FRR master, 2026); BIRD jitters every BGP timer
 * (proto/bgp/bgp.c bgp_start_timer).  FRR's own defaults differ: keepalive
 * 60 s, holdtime 180 s, connect-retry 30 s doubling up to 120 s
 * ("traditional" profile: bgpd/bgpd.h BGP_DEFAULT_KEEPALIVE,
 * BGP_DEFAULT_HOLDTIME, BGP_DEFAULT_CONNECT_RETRY, BGP_MAX_CONNECT_RETRY);
 * set them per session to reproduce FRR. */
#ifndef WL_BGP_SESSION_H
#define WL_BGP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"
#include "models/bgp/bgp_msg.h"

struct sim;
struct node;
struct bgp_session;

enum bgp_state {
	BGP_IDLE, BGP_CONNECT, BGP_ACTIVE, BGP_OPENSENT, BGP_OPENCONFIRM, BGP_ESTABLISHED,
};
const char *bgp_state_name(enum bgp_state st);

enum bgp_transport { BGP_TRANSPORT_TCP, BGP_TRANSPORT_CHANNEL };

struct bgp_session_config {
	enum bgp_transport transport;
	uint32_t local_as, peer_as;      /* 4-octet; peer_as 0: accept any */
	uint32_t local_id;               /* BGP identifier; 0: the node's address */
	uint32_t local_addr;             /* TCP: source address (0: by route); both
	                                  * modes: the address NEXT_HOP-self uses */
	uint32_t peer_addr;              /* TCP: whom to connect to / accept from;
	                                  * channel: a nominal address for the RIB */
	simtime_t hold_time;             /* proposed; 0 (no keepalives) or >= 3 s */
	simtime_t keepalive;             /* 0: hold_time / 3 after negotiation */
	simtime_t connect_retry;         /* ConnectRetryTime */
	simtime_t start_delay;           /* from bgp_session_start to ManualStart */
	bool passive;                    /* never connects, only accepts (§8.1.1 opt. 5) */
	bool jitter;                     /* [0.75, 1.0] factor on ConnectRetry and Keepalive */
	bool as4;                        /* send the 4-octet AS capability (RFC 6793) */
	bool route_refresh;              /* send the route refresh capability (RFC 2918) */
	bool restart_after_error;        /* back to Connect/Active after ConnectRetry
	                                  * once the session went down (as FRR/BIRD);
	                                  * false: stay in Idle until bgp_session_start */
	simtime_t idle_hold;             /* Idle -> restart after an error (FRR's
	                                  * BGP_INIT_START_TIMER, 1 s) */
	bool rfc7606;                    /* treat-as-withdraw / attribute discard
	                                  * (RFC 7606, as FRR and BIRD); false: every
	                                  * UPDATE error resets the session (RFC 4271) */
	bool log;                        /* state changes and errors in the events table */
	bool tcp_nodelay;                /* TCP: Nagle off (FRR: on, bgpd sets
	                                  * TCP_NODELAY only before a NOTIFICATION) */
	simtime_t channel_delay;         /* channel transport: one-way delay */
	const char *name;                /* for events and logs; copied; NULL: "a-b" */
};
void bgp_session_config_default(struct bgp_session_config *c);

/* Why a session left Established (or failed to reach it). */
enum bgp_down_reason {
	BGP_DOWN_NOTIF_SENT,             /* we detected an error and sent notif */
	BGP_DOWN_NOTIF_RECEIVED,         /* the peer sent notif */
	BGP_DOWN_HOLD_EXPIRED,           /* we sent 4/0 */
	BGP_DOWN_TRANSPORT,              /* TCP reset / closed / timed out, channel closed */
	BGP_DOWN_ADMIN,                  /* bgp_session_stop (we sent 6/2) */
};
struct bgp_down {
	enum bgp_down_reason reason;
	uint8_t code, subcode;           /* the NOTIFICATION, when one was sent/received */
	int transport_err;               /* BGP_DOWN_TRANSPORT: a TCP_E* value, 0: closed */
	enum bgp_state from;             /* the state the session was in */
};
const char *bgp_down_reason_name(enum bgp_down_reason r);

/* Callbacks to the speaker; any may be NULL. */
struct bgp_session_cb {
	/* OpenConfirm -> Established: the peer's OPEN is bgp_session_peer_open. */
	void (*established)(struct bgp_session *s, void *ctx);
	/* An UPDATE arrived in Established.  u is valid during the call only;
	 * u->attrs is not interned (intern it to keep it).  When
	 * u->treat_as_withdraw is set, u->nlri are to be withdrawn too. */
	void (*update)(struct bgp_session *s, const struct bgp_update *u, void *ctx);
	/* The session left Established, or an attempt from OpenSent/OpenConfirm
	 * failed.  Routes learned from it are to be withdrawn (if it had been
	 * Established). */
	void (*down)(struct bgp_session *s, const struct bgp_down *why, void *ctx);
	/* A ROUTE-REFRESH arrived (RFC 2918): the speaker resends its Adj-RIB-Out. */
	void (*refresh)(struct bgp_session *s, void *ctx);
};

/* Creates a session in Idle on node nd (TCP: required; channel: may be
 * NULL).  It starts (ManualStart, §8.1.2) after cfg->start_delay once
 * bgp_session_start is called.  Returns NULL and sets *err text if the
 * configuration is invalid (hold time 1-2 s, TCP without a node or peer
 * address, a second session to the same peer on the node). */
struct bgp_session *bgp_session_new(struct sim *s, struct node *nd,
				    const struct bgp_session_config *cfg,
				    const struct bgp_session_cb *cb, void *ctx,
				    char *err, size_t errlen);
/* Joins two channel-transport sessions as the two ends of one peering. */
int bgp_channel_join(struct bgp_session *a, struct bgp_session *b);
/* Channel transport: the channel fails (up = false: every message in
 * flight is lost and both ends see the transport close, as a link
 * failure with BFD would) or comes back. */
void bgp_channel_set_up(struct bgp_session *a, bool up);

void bgp_session_start(struct bgp_session *s);      /* ManualStart */
/* ManualStop (§8.1.2): NOTIFICATION 6/2 (Administrative Shutdown) when a
 * connection is open, then Idle; no restart until bgp_session_start. */
void bgp_session_stop(struct bgp_session *s);
/* The same with the NOTIFICATION code, subcode and data the caller names
 * (data cut to BGP_ERR_DATA_MAX): max-prefix sends Cease 6/1 with
 * AFI, SAFI and the limit (RFC 4486 §4).  Reported to the down callback
 * as BGP_DOWN_NOTIF_SENT with that code. */
void bgp_session_stop_notify(struct bgp_session *s, uint8_t code, uint8_t subcode,
			     const uint8_t *data, size_t data_len);
/* Frees the session (closes its connection without a NOTIFICATION). */
void bgp_session_free(struct bgp_session *s);
/* The same while the simulation is being freed: the TCP stack may be
 * gone already, so no socket is touched (a sim extension's destroy). */
void bgp_session_free_at_exit(struct bgp_session *s);

/* Sends UPDATEs in Established: withdrawn[0..nw), then nlri[0..nn) with
 * attrs (NULL when nn is 0).  Long lists are split over several messages.
 * The encoder applies nothing: the caller has already prepended its AS,
 * set NEXT_HOP and stripped LOCAL_PREF on eBGP.  Returns the number of
 * UPDATE messages queued, or -1 when the session is not Established. */
int bgp_session_send_update(struct bgp_session *s,
			    const struct bgp_prefix *withdrawn, uint32_t nw,
			    const struct bgp_attrs *attrs,
			    const struct bgp_prefix *nlri, uint32_t nn);
/* Sends a ROUTE-REFRESH for IPv4 unicast if the peer announced the
 * capability; -1 otherwise. */
int bgp_session_send_refresh(struct bgp_session *s);

/* Testing aid: while silenced the session sends nothing (no KEEPALIVE, no
 * UPDATE, no NOTIFICATION) but still receives: the peer's Hold Timer runs
 * out as if the path had failed silently. */
void bgp_session_silence(struct bgp_session *s, bool on);
/* Testing aid: sends raw bytes (a whole or partial message) on the
 * session's connection as if they were a message; -1 if not connected. */
int bgp_session_send_raw(struct bgp_session *s, const uint8_t *buf, size_t len);

/* ---- state and counters ---- */
enum bgp_state bgp_session_state(const struct bgp_session *s);
struct node *bgp_session_node(const struct bgp_session *s);
const struct bgp_session_config *bgp_session_config(const struct bgp_session *s);
const char *bgp_session_name(const struct bgp_session *s);
/* The peer's OPEN, valid from OpenConfirm on. */
const struct bgp_open *bgp_session_peer_open(const struct bgp_session *s);
/* Negotiated values, valid in Established. */
simtime_t bgp_session_hold_time(const struct bgp_session *s);
simtime_t bgp_session_keepalive_time(const struct bgp_session *s);
bool bgp_session_is_ibgp(const struct bgp_session *s);
const struct bgp_codec_ctx *bgp_session_codec(const struct bgp_session *s);
void *bgp_session_ctx(const struct bgp_session *s);

struct bgp_session_stats {
	uint64_t msgs_out[6], msgs_in[6];        /* by enum bgp_msg_type (index 1..5) */
	uint64_t bytes_out, bytes_in;
	uint64_t established_count;              /* times it reached Established */
	simtime_t last_established, last_down;   /* SIM_NEVER if never */
	simtime_t last_rx;                       /* time of the last message received */
	simtime_t last_keepalive_out;            /* time of the last KEEPALIVE sent */
	uint8_t last_notif_sent[2], last_notif_rcvd[2]; /* code, subcode; 0,0 none */
};
const struct bgp_session_stats *bgp_session_stats(const struct bgp_session *s);

#endif
