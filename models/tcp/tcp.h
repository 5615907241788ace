/* TCP (RFC 9293), the socket API apps use.
 *
 * A socket is created on a node, then either listens or connects.  The
 * stack calls the app back through struct tcp_cb; the app reads and writes
 * bytes with tcp_recv / tcp_send.  Bulk data is a byte count (its bytes
 * read as zeros on the wire and in pcap); apps that need real bytes pass a
 * buffer to tcp_send and get the same bytes back from tcp_recv.
 *
 * Defaults follow Linux where the RFCs leave a choice (see struct
 * tcp_config and docs/models/tcp.md): IW10, min RTO 200 ms, SACK, window
 * scaling and timestamps on, delayed ACKs with quick-ACK at start, Nagle
 * on, receive-buffer autotuning to 6 MiB, TIME_WAIT 60 s. */
#ifndef WL_TCP_H
#define WL_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/net/net.h"

struct tcp_sock;
struct pbuf;
struct cc_ops;

/* Errors reported to apps (negated errno values, as Linux). */
enum {
	TCP_ECONNREFUSED = 111,
	TCP_ECONNRESET = 104,
	TCP_ETIMEDOUT = 110,
	TCP_EADDRINUSE = 98,
	TCP_EADDRNOTAVAIL = 99,
	TCP_ENOTCONN = 107,
	TCP_EPIPE = 32,
	TCP_EINVAL = 22,
	TCP_EHOSTUNREACH = 113,
};
const char *tcp_strerror(int err);

enum tcp_state {
	TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED,
	TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK,
	TCP_TIME_WAIT,
};
const char *tcp_state_name(enum tcp_state s);

/* Per-socket settings.  tcp_config_default() gives Linux's defaults. */
struct tcp_config {
	const struct cc_ops *cc;
	bool sack, timestamps, window_scaling, ecn, nagle, delayed_ack;
	bool frto;                  /* F-RTO (RFC 5682), Linux tcp_frto */
	bool rack;                  /* RACK-TLP (RFC 8985), Linux tcp_recovery */
	bool pacing;                /* pace at Linux's rate for any CC (as the fq qdisc) */
	bool cubic_fast_convergence;/* CUBIC's fast convergence (RFC 9438 §4.7) */
	bool hystart;               /* CUBIC's HyStart */
	uint32_t init_cwnd;         /* segments, RFC 6928 */
	simtime_t rto_min, rto_max, rto_initial;
	bool rto_rfc6298;           /* RTO = SRTT + 4 RTTVAR (G = 1 ns) instead of Linux's */
	simtime_t delack_min;       /* Linux TCP_DELACK_MIN 40 ms */
	simtime_t time_wait;        /* Linux TCP_TIMEWAIT_LEN 60 s */
	simtime_t fin_timeout;      /* orphaned FIN_WAIT_2, Linux tcp_fin_timeout */
	int syn_retries, synack_retries, retries2;
	uint32_t sndbuf, rcvbuf;    /* initial, bytes (tcp_wmem[1], tcp_rmem[1]) */
	uint32_t rcvbuf_max;        /* autotuning limit (tcp_rmem[2]) */
	uint32_t sndbuf_max;        /* tcp_wmem[2] */
	bool rcvbuf_autotune;       /* Linux tcp_moderate_rcvbuf */
	uint32_t mss;               /* 0: from the path MTU */
	uint16_t backlog;           /* listen queue, SYN_RCVD + not accepted */
	uint8_t tos;                /* DSCP bits (ECN bits are TCP's) */
};
void tcp_config_default(struct tcp_config *c);

/* App callbacks; any may be NULL.  ctx is the app's. */
struct tcp_cb {
	void (*connected)(struct tcp_sock *ts, void *ctx);     /* handshake done */
	/* A listener's new connection; return the ctx its callbacks get, and
	 * set them with tcp_set_callbacks. */
	void (*accept)(struct tcp_sock *listener, struct tcp_sock *child, void *ctx);
	void (*readable)(struct tcp_sock *ts, void *ctx);      /* data to read */
	void (*writable)(struct tcp_sock *ts, void *ctx);      /* send buffer has room */
	void (*peer_closed)(struct tcp_sock *ts, void *ctx);   /* FIN: no more data */
	void (*error)(struct tcp_sock *ts, int err, void *ctx);/* refused, reset, timed out */
	void (*closed)(struct tcp_sock *ts, void *ctx);        /* the socket is gone */
};

struct tcp_sock *tcp_socket(struct node *nd, const struct tcp_config *cfg,
			    const struct tcp_cb *cb, void *ctx);
void tcp_set_callbacks(struct tcp_sock *ts, const struct tcp_cb *cb, void *ctx);
/* A name for series and events ("bulk1"); the default is the 4-tuple. */
void tcp_set_name(struct tcp_sock *ts, const char *name);
const char *tcp_name(const struct tcp_sock *ts);
/* Linux TCP_NODELAY: Nagle off (on: false) from now on, e.g. on an
 * accepted socket, which starts with its listener's settings. */
void tcp_set_nodelay(struct tcp_sock *ts, bool on);

/* 0 or a negative error. */
int tcp_bind(struct tcp_sock *ts, uint16_t port);
/* Binds the local address an outgoing connection uses (bind(2) with a
 * specific address; BGP's update-source): one of the node's own
 * addresses, set before tcp_connect.  0 or a negative error. */
int tcp_bind_addr(struct tcp_sock *ts, uint32_t laddr);
int tcp_listen(struct tcp_sock *ts, int backlog);
int tcp_connect(struct tcp_sock *ts, uint32_t raddr, uint16_t rport);

/* Queues up to len bytes (zeros, or from data at data_off); returns how
 * many were taken (less when the send buffer is full), or a negative error. */
int64_t tcp_send(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off);
/* The same, but more is coming at once (Linux MSG_MORE): queue without
 * sending, so a message written in parts leaves as one. */
int64_t tcp_send_more(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off);
/* Reads up to max bytes; returns the count.  If out is given, the bytes
 * are copied there (zeros where the sender sent no real bytes). */
uint64_t tcp_recv(struct tcp_sock *ts, uint64_t max, uint8_t *out);
uint64_t tcp_readable(const struct tcp_sock *ts);
uint64_t tcp_send_space(const struct tcp_sock *ts);
/* Bytes queued but not yet acknowledged by the peer. */
uint64_t tcp_unacked(const struct tcp_sock *ts);

/* No more data from us: a FIN after what is queued. */
void tcp_shutdown(struct tcp_sock *ts);
/* The app is done with the socket: shutdown, and the stack frees it when
 * the connection has closed.  No callback runs after this. */
void tcp_close(struct tcp_sock *ts);
/* Abortive close: RST, socket freed. */
void tcp_abort(struct tcp_sock *ts);

enum tcp_state tcp_get_state(const struct tcp_sock *ts);

/* Counters and state for apps, tests and results. */
struct tcp_info {
	enum tcp_state state;
	uint8_t ca_state;
	uint32_t mss, cwnd, ssthresh;      /* cwnd, ssthresh in segments */
	uint32_t packets_in_flight;
	uint32_t snd_wnd, rcv_wnd;         /* bytes */
	simtime_t srtt, rttvar, rto, min_rtt;
	uint64_t bytes_acked, bytes_received, bytes_sent;
	uint64_t segs_out, segs_in, data_segs_out;
	uint64_t retrans_segs, rto_count, fast_retrans, tlp_count, spurious_rto;
	uint64_t zwp_sent, dsack_count, ooo_segs;
	uint64_t delivered;
	uint64_t rtt_samples;
	simtime_t rtt_sum;
	uint32_t rcvbuf, sndbuf;
	uint64_t pacing_rate;              /* bytes/s, 0: none */
};
void tcp_get_info(const struct tcp_sock *ts, struct tcp_info *info);

uint32_t tcp_local_addr(const struct tcp_sock *ts);
uint32_t tcp_remote_addr(const struct tcp_sock *ts);
uint16_t tcp_local_port(const struct tcp_sock *ts);
uint16_t tcp_remote_port(const struct tcp_sock *ts);
struct node *tcp_node(const struct tcp_sock *ts);

/* Congestion controls by name ("reno", "newreno", ...). */
const struct cc_ops *cc_find(const char *name);
void cc_names(char *buf, size_t n);

#endif
