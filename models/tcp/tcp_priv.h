/* TCP internals shared by the files of models/tcp: tcp.c (sockets, state,
 * the API), tcp_stack.c (4-tuple and listener tables, ports), tcp_timer.c
 * (timers, RTT and RTO), tcp_buf.c (byte queues), tcp_info.c (logging,
 * series, tcp_info), tcp_check.c (invariants), tcp_output.c, tcp_input.c
 * (segment arrival, RFC 9293 §3.10.7), tcp_ack.c (ACK processing) with
 * tcp_sack.c, tcp_rack.c, tcp_recovery.c and tcp_undo.c, tcp_rate.c
 * (delivery rate) and the congestion controls in cc/.  Field names are the RFC's (snd_una,
 * rcv_nxt, snd_wl1) or Linux's where Linux has the concept (packets_out,
 * sacked_out, prr_delivered), so the code reads beside both.
 *
 * Sequence space: every queue below is ordered by sequence number.
 *   txq   segments sent and not yet cumulatively ACKed, oldest first
 *         ("retransmission queue"; SACK and loss marks live here)
 *   sndq  bytes the app queued and the peer has not ACKed; its first byte
 *         has sequence sndq_seq; [snd_nxt, write_seq) is not sent yet
 *   rcvq  in-order bytes received and not yet read by the app
 *   ooo   out-of-order segments, by sequence, not overlapping */
#ifndef WL_TCP_PRIV_H
#define WL_TCP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "cc/cc.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "tcp.h"

/* 32-bit sequence arithmetic that survives wraparound (RFC 1982 style). */
static inline bool seq_before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(b - a) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(b - a) <= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_after(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_before(a, b) ? a : b; }

/* The smallest MSS we send with, whatever the peer or the path says
 * (Linux's tcp_min_snd_mss, 48). */
#define TCP_MIN_SND_MSS 48

/* Segment marks, as Linux's TCPCB_* (tcp_skb_cb->sacked). */
enum {
	SEG_SACKED = 0x01,       /* SACKed by the receiver */
	SEG_RETRANS = 0x02,      /* a retransmission of it is in flight */
	SEG_LOST = 0x04,         /* marked lost */
	SEG_EVER_RETRANS = 0x08, /* retransmitted at least once */
};

struct tcp_txseg {
	uint32_t seq, end;        /* [seq, end), SYN and FIN included */
	uint32_t len;             /* data bytes */
	uint8_t flags;            /* TH_SYN, TH_FIN, TH_PSH */
	uint8_t sacked;           /* SEG_* */
	uint16_t txcount;
	simtime_t xmit_time;      /* last (re)transmission */
	/* delivery-rate state when last sent (tcp_rate.c) */
	uint64_t tx_delivered;
	simtime_t tx_delivered_mstamp, tx_first_tx_mstamp;
	bool tx_app_limited;
	/* the time-sorted list of segments in flight and not SACKed or marked
	 * lost (Linux tsorted_sent_queue): ring positions, TS_NONE ends it */
	bool tlinked;
	uint32_t tprev, tnext;
};
#define TS_NONE UINT32_MAX

/* A ring of tcp_txseg in sequence order; capacity a power of two. */
struct tcp_txq {
	struct tcp_txseg *v;
	uint32_t head, len, cap;
};
static inline struct tcp_txseg *txq_at(const struct tcp_txq *q, uint32_t i)
{
	return &q->v[(q->head + i) & (q->cap - 1)];
}

/* A run of bytes: virtual (buf NULL, they read as zeros) or real. */
struct tcp_chunk {
	uint64_t len;
	struct pbuf *buf;
	uint32_t off;
};

struct tcp_chunkq {
	struct tcp_chunk *v;
	uint32_t head, len, cap;
	uint64_t bytes;
	uint32_t real;            /* chunks with real bytes */
};

enum tcp_xmit_timer { XT_NONE, XT_RTO, XT_PROBE0, XT_TLP, XT_REO };

struct tcp_stack;

struct tcp_world;

#define TCP_NCC 4       /* pacing_rate, cc_bw, cc_min_rtt, pacing_gain */
#define TCP_NPROBES (6 + TCP_NCC)

/* The fields are grouped by when they are read, so that a segment touches
 * as few cache lines of its socket as it can: first what every segment
 * reads on either side, then what a receiver reads per data segment, then
 * what a sender reads per ACK and per segment sent, and last what is read
 * only at set-up, on errors, by tcp_info or by the recorder.  (A 1000-flow
 * dumbbell has 2000 sockets, far beyond the caches: every line a segment
 * reads is a miss; docs/BENCHMARKS.md.) */
struct tcp_sock {
	/* ---- every segment, either side ---- */
	struct tcp_stack *stack;
	struct node *node;
	struct sim *sim;
	enum tcp_state state;
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t ts_offset;       /* random per connection, as Linux */
	bool freed;
	bool orphan;              /* the app closed it */
	bool shut_wr;             /* the app wants a FIN after its data */
	bool fin_sent;            /* our FIN has a sequence number */
	uint8_t snd_wscale, rcv_wscale;
	bool wscale_ok, sack_ok, ts_ok, ecn_ok;
	bool dsack_pending;
	bool cc_ready;            /* cc->init has run: at ESTABLISHED (tcp_init_transfer) */
	uint8_t app_queued;       /* readable/writable already queued (tcp_app.c) */
	uint16_t app_pending;     /* callbacks queued and not yet run */
	int nsack;
	uint32_t packets_out, sacked_out, lost_out, retrans_out;

	/* send sequence variables (RFC 9293 §3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2;
	uint32_t write_seq;       /* sequence after the last byte queued */
	uint32_t snd_sml;         /* end of the last short segment sent (Minshall-Nagle) */
	uint32_t max_window;
	uint32_t mss;             /* data bytes per full segment we send */
	uint32_t adv_mss;         /* the MSS we advertise */
	uint32_t rcv_mss;         /* estimate of the peer's segment size */
	uint32_t tlp_high_seq;    /* Tail loss probe (RFC 8985 §7) */

	/* receive sequence variables */
	uint32_t irs, rcv_nxt;
	uint32_t rcv_wnd;         /* window last advertised, bytes */
	uint32_t rcv_wup;         /* rcv_nxt when rcv_wnd was advertised */
	uint32_t rcv_ssthresh;    /* window growth limit (Linux tcp_grow_window) */
	uint32_t ts_recent;       /* RFC 7323: TSval to echo */
	simtime_t ts_recent_stamp;
	uint64_t rcvbuf;
	uint64_t sndbuf;
	uint64_t segs_out, segs_in;
	struct tcp_cb cb;
	void *ctx;
	struct tcp_world *world;  /* metric ids, looked up once */
	struct tcp_config cfg;

	/* ---- a receiver, per data segment ---- */
	struct tcp_chunkq rcvq;
	struct packet *ooo;       /* out-of-order segments, by sequence */
	struct packet *ooo_tail;
	uint32_t ooo_count;
	uint64_t ooo_bytes;
	/* receive-buffer autotuning (Linux tcp_rcv_space_adjust) */
	simtime_t rcvq_time;
	uint64_t rcvq_space, rcvq_copied;
	uint32_t rcvq_seq;
	uint32_t rcv_rtt_seq;
	simtime_t rcv_rtt_est;    /* receiver's RTT estimate (RFC 7323 / Linux rcv_rtt) */
	simtime_t rcv_rtt_time;
	/* delayed ACK (Linux icsk_ack) */
	uint8_t quick;            /* ACKs still to send at once */
	bool ack_pending;
	bool ece_pending;         /* receiver: echo ECE until CWR */
	uint32_t unacked_bytes;   /* received since our last ACK */
	simtime_t ato;
	simtime_t lrcvtime;
	/* SACK blocks we report, most recent first (RFC 2018 §4) */
	struct sack_block sack[TCP_MAX_SACK];
	struct sack_block dsack;  /* RFC 2883: a duplicate to report once */
	uint64_t bytes_received;
	uint64_t ooo_segs;
	struct timer t_delack;

	/* ---- a sender, per ACK and per segment sent ---- */
	/* retransmission queue and scoreboard (segments) */
	struct tcp_txq txq;
	/* buffers */
	struct tcp_chunkq sndq;
	uint32_t sndq_seq;        /* sequence of sndq's first byte */
	uint32_t highest_sack;    /* end of the highest SACKed segment */
	uint32_t dupacks;         /* without SACK: duplicate ACKs this episode */
	/* So that ACK processing costs what changed, not the whole window
	 * (Linux keeps hints and lists likewise):
	 *   rtx_hint   no segment below it is lost and waiting to be resent
	 *   ts_head/ts_tail  the time-sorted list RACK walks, oldest first
	 *   sack_cache the SACK blocks of the previous ACK, already applied */
	uint32_t rtx_hint;
	uint32_t ts_head, ts_tail;
	int nsack_cache;
	struct sack_block sack_cache[TCP_MAX_SACK];

	/* congestion control (segments) */
	uint32_t snd_cwnd, snd_ssthresh, snd_cwnd_cnt, snd_cwnd_clamp;
	uint32_t prior_cwnd, prior_ssthresh;
	uint8_t ca_state;
	bool is_cwnd_limited;
	uint8_t frto;             /* F-RTO in progress */
	bool tlp_retrans;
	uint32_t max_packets_out; /* most in flight over the last RTT */
	uint32_t max_packets_seq;
	uint32_t high_seq;        /* recovery point */
	uint32_t prr_delivered, prr_out;
	uint32_t undo_marker;     /* nonzero: an undo is still possible */
	int undo_retrans;         /* retransmissions not yet shown spurious */
	uint32_t reordering;      /* dupthresh, 3 */
	simtime_t lsndtime;       /* last data sent */
	simtime_t cwnd_stamp;

	/* RTT and RTO: Linux keeps srtt<<3 and mdev<<2; we keep ns */
	int64_t srtt8;            /* 8 * smoothed RTT, ns */
	int64_t mdev4, mdev_max4, rttvar4; /* Linux's mdev_us etc., ns, 4 x RTTVAR */
	int64_t rfc_srtt, rfc_rttvar; /* RFC 6298 state, for rto_rfc6298 */
	uint32_t rtt_seq;
	int backoff;              /* RTO doublings in force */
	simtime_t rto;
	struct minmax min_rtt;    /* windowed minimum RTT (300 s, Linux) */

	/* RACK (RFC 8985) */
	struct {
		simtime_t mstamp;   /* latest (re)transmit time among delivered */
		uint32_t end_seq;
		simtime_t rtt;
		bool advanced;
		bool retrans;       /* that segment had been retransmitted */
		bool reord;         /* reordering has been seen */
		uint8_t reo_wnd_steps;
		uint32_t dsack_seen_seq;
	} rack;

	/* delivery rate (tcp_rate.c) */
	uint64_t delivered, delivered_ce, lost;
	simtime_t delivered_mstamp, first_tx_mstamp;
	uint64_t app_limited;     /* delivered count at which app-limited ends, 0: not */
	uint64_t rate_delivered;  /* last sample, for tcp_info */
	simtime_t rate_interval;
	bool rate_app_limited;

	/* pacing: internal, as Linux's when the CC asks for it */
	bool pacing;
	bool cwr_pending;         /* ECN sender: set CWR on the next data segment */
	uint64_t pacing_rate;     /* bytes per second; 0: no pacing */
	simtime_t next_send;      /* earliest departure of the next segment */

	/* timers */
	enum tcp_xmit_timer xt;   /* what t_xmit is armed for */
	int probes_out;           /* unanswered zero-window probes */
	struct timer t_xmit;      /* RTO, zero-window probe, TLP, RACK reorder */

	const struct cc_ops *cc;
	_Alignas(8) unsigned char cc_priv[CC_PRIV_SIZE];

	/* statistics read per ACK */
	uint64_t bytes_acked, bytes_sent, data_segs_out;
	uint64_t rtt_samples;
	simtime_t rtt_sum;
	/* recorder: last values written */
	uint32_t logged_cwnd, logged_ssthresh;

	/* ---- set-up, errors, tcp_info, the recorder ---- */
	int retransmits;          /* consecutive timeouts */
	simtime_t retrans_stamp;  /* first retransmission of the head, for give-up */
	struct timer t_pace;
	struct timer t_wait;      /* TIME_WAIT, FIN_WAIT_2, SYN-ACK/connect give-up */
	bool hashed;              /* in the 4-tuple table */
	bool bound;
	bool fin_rcvd;
	bool ephemeral;           /* lport counts against the ephemeral range */
	bool closed_told;         /* cb.closed is queued or has run (it runs once) */
	uint16_t backlog, pending;
	struct tcp_sock *parent;  /* listener of an embryonic connection */
	struct tcp_sock *all_prev, *all_next; /* every socket of the stack */
	uint64_t retrans_segs, rto_count, fast_retrans, tlp_count, spurious_rto;
	uint64_t zwp_sent, dsack_count;
	simtime_t start_ns, established_ns;
	int probes[TCP_NPROBES];
	bool probed;
	double logged_cc[TCP_NCC];     /* last cc-series values written */
	char name[64];
};

/* A slot of the 4-tuple table (tcp_stack.c): the key beside the socket. */
struct tcp_hslot {
	uint64_t addrs;           /* laddr << 32 | raddr */
	uint32_t ports;           /* lport << 16 | rport */
	struct tcp_sock *s;       /* NULL: empty */
};

/* A node's TCP: connections by 4-tuple, listeners by port. */
struct tcp_stack {             /* a segment's lookup reads the first line only */
	struct node *node;
	struct tcp_hslot *hash;   /* the 4-tuple table (tcp_stack.c) */
	uint32_t hcap, hcount;
	struct tcp_hslot last;    /* the table's entry found last; s NULL: none */
	struct tcp_sock **listeners;
	size_t nlisten, caplisten;
	uint16_t next_port;
	struct tcp_sock *all;
	struct rng *isn_rng;
	/* callbacks waiting for the stack to finish (tcp_app.c) */
	unsigned depth;           /* tcp_enter brackets open */
	struct tcp_app_ev *appq;
	size_t applen, apphead, appcap;
	struct tcp_ack_later *ackq; /* ACK decisions waiting for the app */
	size_t acklen, ackcap;
	/* ephemeral ports in use per destination (ip:port), for fast refusal */
	struct eph_count *eph;
	uint32_t ephcap, ephcount;
};

/* Per-simulation TCP state: metric ids.  m_cc: the "cc" group, in the
 * order of tcp_cc_values(). */
struct tcp_world {
	struct sim *sim;
	int m_cwnd, m_ssthresh, m_srtt, m_rto, m_inflight, m_rwnd, m_rtt, m_state, m_seg;
	int m_cc[TCP_NCC];
	bool any_sampled;
};
struct tcp_world *tcp_world(struct sim *s);

static inline void *cc_priv(struct tcp_sock *tp) { return tp->cc_priv; }
#define CC_PRIV_CHECK(type) _Static_assert(sizeof(type) <= CC_PRIV_SIZE, #type " too large")

static inline uint32_t tcp_packets_in_flight(const struct tcp_sock *tp)
{
	return tp->packets_out - (tp->sacked_out + tp->lost_out) + tp->retrans_out;
}
static inline simtime_t tcp_min_rtt(const struct tcp_sock *tp)
{
	return minmax_get(&tp->min_rtt);
}
static inline simtime_t tcp_srtt(const struct tcp_sock *tp) { return tp->srtt8 >> 3; }
static inline uint32_t tcp_wnd_end(const struct tcp_sock *tp) { return tp->snd_una + tp->snd_wnd; }
static inline bool tcp_is_sack(const struct tcp_sock *tp) { return tp->sack_ok; }
static inline struct tcp_txseg *tcp_head(const struct tcp_sock *tp)
{
	return tp->txq.len ? txq_at(&tp->txq, 0) : NULL;
}
static inline bool tcp_has_unsent(const struct tcp_sock *tp)
{
	return seq_before(tp->snd_nxt, tp->write_seq) || (tp->shut_wr && !tp->fin_sent);
}

/* tcp.c: sockets, state changes, the API */
void tcp_set_state(struct tcp_sock *tp, enum tcp_state st);
void tcp_set_ca_state(struct tcp_sock *tp, uint8_t st);
void tcp_fin_state(struct tcp_sock *tp);
void tcp_init_transfer(struct tcp_sock *tp);
void tcp_done(struct tcp_sock *tp, int err);
void tcp_time_wait(struct tcp_sock *tp);
struct tcp_sock *tcp_child_new(struct tcp_sock *listener, const struct packet *syn);
void tcp_sock_release(struct tcp_sock *tp);

/* tcp_app.c: the app's callbacks, queued inside tcp_enter/tcp_leave and
 * run when the outermost bracket closes */
void tcp_enter(struct tcp_stack *st);
void tcp_leave(struct tcp_stack *st);
void tcp_app_free(struct tcp_stack *st);
void tcp_app_connected(struct tcp_sock *tp);
void tcp_app_accept(struct tcp_sock *listener, struct tcp_sock *child);
void tcp_app_readable(struct tcp_sock *tp);
void tcp_app_writable(struct tcp_sock *tp);
void tcp_app_peer_closed(struct tcp_sock *tp);
void tcp_app_error(struct tcp_sock *tp, int err);
void tcp_app_closed(struct tcp_sock *tp);
/* An ACK decision that waits until the app has heard of the segment, so a
 * reply the app sends at once carries the ACK and the window counts what
 * it read, as when Linux's app is already waiting (sk_write_pending).
 * handshake: send an ACK unless a segment left since (segs_out); else
 * tcp_ack_snd_check(tp, now) runs then. */
void tcp_ack_after_app(struct tcp_sock *tp, bool handshake, bool now);
void tcp_ack_snd_check(struct tcp_sock *tp, bool now);

/* tcp_check.c: the invariants; each failure prints and aborts.  The
 * sanitizer build (-DTCP_CHECK) checks after every segment, timer and API
 * call through TCP_CHECK_SOCK. */
bool tcp_check(const struct tcp_sock *tp);
bool tcp_check_stack(const struct tcp_stack *st);
#ifdef TCP_CHECK
#define TCP_CHECK_SOCK(tp) ((void)tcp_check(tp))
#else
#define TCP_CHECK_SOCK(tp) ((void)0)
#endif

/* tcp_stack.c: the stack of a node, its tables and ports */
struct tcp_stack *tcp_stack_of(struct node *nd);
struct tcp_sock *tcp_lookup(struct tcp_stack *st, const struct packet *p);
struct tcp_sock *tcp_lookup_tuple(struct tcp_stack *st, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp);
void tcp_hash(struct tcp_sock *tp);
void tcp_unhash(struct tcp_sock *tp);
void tcp_listener_add(struct tcp_stack *st, struct tcp_sock *tp);
void tcp_listener_remove(struct tcp_stack *st, struct tcp_sock *tp);
bool tcp_port_in_use(const struct tcp_stack *st, uint16_t port);
int tcp_pick_port(struct tcp_sock *tp);

/* tcp_timer.c: timers, RTT and RTO */
void tcp_xmit_fired(struct sim *s, void *obj);
void tcp_delack_fired(struct sim *s, void *obj);
void tcp_wait_fired(struct sim *s, void *obj);
void tcp_pace_timer_fired(struct sim *s, void *obj);
void tcp_xmit_timer_arm(struct tcp_sock *tp, enum tcp_xmit_timer what, simtime_t when);
void tcp_rearm_rto(struct tcp_sock *tp);
void tcp_set_rto(struct tcp_sock *tp);
void tcp_rtt_estimator(struct tcp_sock *tp, simtime_t m);
uint32_t tcp_ts_now(const struct tcp_sock *tp);

/* tcp_buf.c: send and receive queues, buffer sizes */
void tcp_chunkq_push(struct tcp_chunkq *q, uint64_t len, struct pbuf *buf, uint32_t off);
void tcp_chunkq_pull(struct tcp_chunkq *q, uint64_t n, uint8_t *out);
void tcp_chunkq_free(struct tcp_chunkq *q);
/* the real bytes of [off, off+len) of sndq, or NULL if all are virtual */
struct pbuf *tcp_sndq_bytes(struct tcp_sock *tp, uint64_t off, uint32_t len);
/* in-order payload into the receive queue */
void tcp_rcvq_add(struct tcp_sock *tp, const struct packet *p, uint32_t skip, uint32_t len);
/* bytes acknowledged leave the send queue */
void tcp_sndq_acked(struct tcp_sock *tp, uint32_t new_una);
void tcp_rcv_space_adjust(struct tcp_sock *tp);
void tcp_sndbuf_expand(struct tcp_sock *tp);

/* tcp_info.c: logging, series, tcp_info */
void tcp_log(struct tcp_sock *tp, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tcp_record_change(struct tcp_sock *tp);
void tcp_probes_add(struct tcp_sock *tp);
void tcp_probes_remove(struct tcp_sock *tp);

/* tcp_output.c */
void tcp_write_xmit(struct tcp_sock *tp);
void tcp_send_ack(struct tcp_sock *tp);
void tcp_send_delayed_ack(struct tcp_sock *tp);
void tcp_send_syn(struct tcp_sock *tp);
void tcp_send_synack(struct tcp_sock *tp);
void tcp_send_fin(struct tcp_sock *tp);
void tcp_send_reset(struct tcp_sock *tp);
void tcp_reset_reply(struct node *nd, const struct packet *in);
void tcp_retransmit_seg(struct tcp_sock *tp, uint32_t idx);
void tcp_xmit_retransmit_queue(struct tcp_sock *tp);
void tcp_send_probe0(struct tcp_sock *tp);
void tcp_send_loss_probe(struct tcp_sock *tp);
uint32_t tcp_select_window(struct tcp_sock *tp);
uint32_t tcp_receive_window_free(const struct tcp_sock *tp);
void tcp_update_pacing_rate(struct tcp_sock *tp);
void tcp_schedule_loss_probe(struct tcp_sock *tp);
void tcp_check_probe_timer(struct tcp_sock *tp);
void tcp_txq_push(struct tcp_sock *tp, const struct tcp_txseg *s);
void tcp_txq_pop(struct tcp_sock *tp);
void tcp_pace_fired(struct sim *s, void *obj);

/* tcp_input.c */
void tcp_input(struct node *nd, struct packet *p);
void tcp_icmp_error(struct node *nd, const struct packet *icmp);

/* The first index of txq whose segment starts at or after seq. */
uint32_t tcp_txq_lower_bound(const struct tcp_sock *tp, uint32_t seq);
/* The time-sorted list: add at the newest end, remove, rebuild. */
void tcp_tsorted_append(struct tcp_sock *tp, struct tcp_txseg *s);
void tcp_tsorted_unlink(struct tcp_sock *tp, struct tcp_txseg *s);
void tcp_tsorted_rebuild(struct tcp_sock *tp);
static inline uint32_t txq_pos(const struct tcp_txq *q, const struct tcp_txseg *s)
{
	return (uint32_t)(s - q->v);
}

/* ACK processing, shared by tcp_ack.c and the files it calls.  Flags of
 * what one ACK did, as Linux's FLAG_*: */
enum {
	FLAG_DATA = 0x01,              /* the segment carries data */
	FLAG_WIN_UPDATE = 0x02,
	FLAG_DATA_ACKED = 0x04,        /* new data cumulatively ACKed */
	FLAG_RETRANS_DATA_ACKED = 0x08,
	FLAG_SYN_ACKED = 0x10,
	FLAG_DATA_SACKED = 0x20,
	FLAG_ECE = 0x40,
	FLAG_LOST_RETRANS = 0x80,
	FLAG_SND_UNA_ADVANCED = 0x400,
	FLAG_DSACKING_ACK = 0x800,
	FLAG_ORIG_SACK_ACKED = 0x1000, /* never-retransmitted data (S)ACKed */
	FLAG_DSACK_TLP = 0x2000,
	FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED,
	FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED,
	FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK,
	FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED,
};

/* What one ACK did, passed between the steps. */
struct ack_state {
	int flag;
	uint32_t acked;          /* segments newly cumulatively ACKed */
	uint32_t sacked;         /* segments newly SACKed */
	uint32_t lost;           /* segments newly marked lost */
	simtime_t seq_rtt;       /* oldest newly ACKed never-retransmitted segment */
	simtime_t ca_rtt;        /* newest (S)ACKed never-retransmitted segment */
	simtime_t sack_rtt;
	bool lone_runt;          /* one short segment ACKed: maybe a delayed ACK */
	struct rate_sample rs;
};

/* what an ACK leaves to send: nothing, the lost segments, new data (F-RTO) */
enum { REXMIT_NONE, REXMIT_LOST, REXMIT_NEW };


/* tcp_ack.c: one ACK */
int tcp_ack(struct tcp_sock *tp, const struct packet *p);
void tcp_cwnd_validate(struct tcp_sock *tp, bool is_cwnd_limited);

/* tcp_sack.c: the scoreboard */
void tcp_mark_lost(struct tcp_sock *tp, struct tcp_txseg *s, struct ack_state *st);
void tcp_sack_mark_lost(struct tcp_sock *tp, struct ack_state *st);
void tcp_add_reno_sack(struct tcp_sock *tp);
void tcp_newreno_mark_lost(struct tcp_sock *tp, bool una_advanced, struct ack_state *st);
void tcp_sacktag(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st);
void tcp_clean_rtx_queue(struct tcp_sock *tp, uint32_t ack, struct ack_state *st);

/* tcp_rack.c: RACK-TLP */
void tcp_rack_advance(struct tcp_sock *tp, const struct tcp_txseg *s);
void tcp_rack_mark_lost(struct tcp_sock *tp, struct ack_state *st);
void tcp_process_tlp_ack(struct tcp_sock *tp, uint32_t ack, int flag);
void tcp_tlp_fired(struct tcp_sock *tp);
void tcp_reo_fired(struct tcp_sock *tp);

/* tcp_recovery.c: congestion states, PRR, timeouts */
void tcp_init_cwnd_reduction(struct tcp_sock *tp);
void tcp_cwnd_reduction(struct tcp_sock *tp, uint32_t newly_acked_sacked, uint32_t newly_lost, int flag);
void tcp_end_cwnd_reduction(struct tcp_sock *tp);
void tcp_enter_cwr(struct tcp_sock *tp);
void tcp_enter_recovery(struct tcp_sock *tp, bool ece_ack);
void tcp_enter_loss(struct tcp_sock *tp);
void tcp_fastretrans_alert(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st,
			   bool dupack, uint32_t prior_snd_una, int *rexmit);
void tcp_rto_fired(struct tcp_sock *tp);

/* tcp_undo.c: undoing spurious reductions */
uint32_t tcp_current_ssthresh(const struct tcp_sock *tp);
void tcp_init_undo(struct tcp_sock *tp);
bool tcp_try_undo_loss(struct tcp_sock *tp, const struct tcp_hdr *th, bool frto_undo);
bool tcp_try_undo_recovery(struct tcp_sock *tp, const struct tcp_hdr *th);

/* tcp_rate.c (draft-cheng-iccrg-delivery-rate-estimation) */
void tcp_rate_skb_sent(struct tcp_sock *tp, struct tcp_txseg *s);
void tcp_rate_skb_delivered(struct tcp_sock *tp, struct tcp_txseg *s, struct rate_sample *rs);
void tcp_rate_gen(struct tcp_sock *tp, uint32_t delivered, uint32_t lost, bool is_sack_reneg,
		  struct rate_sample *rs);
void tcp_rate_check_app_limited(struct tcp_sock *tp);

/* congestion-control hooks with their optional parts */
static inline void tcp_ca_event(struct tcp_sock *tp, enum cc_event ev)
{
	if (tp->cc->cwnd_event)
		tp->cc->cwnd_event(tp, ev);
}

#endif
