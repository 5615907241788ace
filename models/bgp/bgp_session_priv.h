/* The inside of a BGP session, shared by the FSM (bgp_fsm.c, bgp_session.c)
 * and the two transports (bgp_tcp.c, bgp_channel.c).  As in BIRD
 * (proto/bgp/bgp.h: conn, incoming_conn), a session holds two connection
 * slots, the one it initiated and the one it accepted, each running the
 * OpenSent / OpenConfirm / Established part of RFC 4271 §8 on its own until
 * collision detection (§6.8) or Established keeps one. */
#ifndef WL_BGP_SESSION_PRIV_H
#define WL_BGP_SESSION_PRIV_H

#include "models/bgp/bgp_session.h"
#include "sim/sched.h"

struct tcp_sock;
struct bgp_bytechan;
struct rng;

enum { BGP_CONN_OUT = 0, BGP_CONN_IN = 1 };

/* Bytes tcp_send did not take yet. */
struct bgp_txbuf {
	struct bgp_txbuf *next;
	uint32_t len, off;
	uint8_t data[];
};

struct bgp_conn {
	struct bgp_session *s;
	uint8_t idx;                 /* BGP_CONN_OUT or BGP_CONN_IN */
	/* BGP_IDLE: slot unused; BGP_CONNECT: transport opening (outgoing);
	 * then OpenSent, OpenConfirm, Established. */
	enum bgp_state state;
	struct tcp_sock *ts;         /* TCP transport */
	uint32_t chan_id;            /* channel transport: connection id, 0: none */
	uint8_t *rx;                 /* a partial message, BGP_MAX_MSG_LEN bytes,
	                              * allocated on first need */
	uint32_t rx_len;
	struct bgp_txbuf *tx_head, *tx_tail;
	struct timer hold, keepalive;
	struct bgp_open peer_open;
	simtime_t hold_ns, ka_ns;    /* negotiated; 0: no timers */
};

struct bgp_session {
	struct sim *sim;
	struct node *nd;
	struct bgp_session_config cfg;
	char name[64];
	struct bgp_session_cb cb;
	void *ctx;
	uint32_t local_id;

	enum bgp_state state;        /* as reported (bgp_session_state) */
	enum bgp_state base;         /* Idle / Connect / Active while no conn is past Connect */
	bool started;                /* ManualStart and no ManualStop since */
	bool silenced;
	struct bgp_conn conn[2];
	struct timer connect_retry;  /* ConnectRetryTimer (RFC 4271 §8) */
	struct timer start_timer;    /* start_delay, and the restart after an error */
	struct bgp_codec_ctx codec;  /* of the Established connection */
	struct bgp_session_stats st;
	struct bgp_down last_down;   /* why the last connection closed */
	struct rng *rng;             /* jitter; made on first use */

	int busy;                    /* nesting depth of entries from the simulator */
	bool dead;                   /* bgp_session_free called while busy */
	bool quiet;                  /* freed at exit: touch no transport */

	struct bgp_bytechan *chan;       /* channel transport */
	struct bgp_session *next_on_node; /* TCP: the node's sessions */
};

/* ---- the FSM (bgp_fsm.c) ---- */
void bgp_fsm_init_timers(struct bgp_session *s);
void bgp_fsm_start(struct bgp_session *s);   /* ManualStart, or the restart */
void bgp_fsm_stop(struct bgp_session *s);    /* ManualStop */
void bgp_fsm_stop_notify(struct bgp_session *s, uint8_t code, uint8_t sub, const uint8_t *data,
			 size_t dlen);
simtime_t bgp_jitter(struct bgp_session *s, simtime_t t);
/* Sends one encoded message (counted; nothing while silenced; a KEEPALIVE
 * or UPDATE restarts the KeepaliveTimer, RFC 4271 §8.2.2). */
void bgp_conn_send(struct bgp_conn *c, const uint8_t *buf, size_t len);

/* ---- FSM entry points for the transports ---- */
void bgp_enter(struct bgp_session *s);
/* Returns true when the session was freed (do not touch it). */
bool bgp_leave(struct bgp_session *s);
/* The transport of an outgoing connection is up / an incoming one was
 * accepted into conn[BGP_CONN_IN]: send OPEN, go to OpenSent. */
void bgp_conn_connected(struct bgp_conn *c);
/* Bytes arrived on the connection. */
void bgp_conn_rx(struct bgp_conn *c, const uint8_t *data, size_t len);
/* The transport failed or the peer closed it (err: TCP_E* or 0). */
void bgp_conn_transport_down(struct bgp_conn *c, int err);
/* Whether the session takes a new incoming connection now (§8: not in
 * Idle, and only one at a time). */
bool bgp_session_accepts(const struct bgp_session *s);

/* ---- transports (bgp_tcp.c, bgp_channel.c) ---- */
int bgp_tcp_register(struct bgp_session *s, char *err, size_t errlen);
void bgp_tcp_unregister(struct bgp_session *s);
void bgp_tcp_connect(struct bgp_conn *c);
void bgp_tcp_send(struct bgp_conn *c, const uint8_t *buf, size_t len);
/* graceful: FIN after what is queued (unread input discarded); else RST. */
void bgp_tcp_close(struct bgp_conn *c, bool graceful);

void bgp_bytechan_connect(struct bgp_conn *c);
void bgp_bytechan_send(struct bgp_conn *c, const uint8_t *buf, size_t len);
void bgp_bytechan_close(struct bgp_conn *c, bool graceful);
void bgp_bytechan_detach(struct bgp_session *s);

#endif
