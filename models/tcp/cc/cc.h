/* Congestion control behind one ops table, in the spirit of Linux's
 * tcp_congestion_ops (include/net/tcp.h).
 *
 * Two shapes coexist, as in Linux:
 *   - per-ACK algorithms (Reno, CUBIC, Vegas) implement ssthresh() and
 *     cong_avoid(); the core runs slow start's caller, loss recovery and
 *     PRR (RFC 6937) and calls them at the right moments;
 *   - model-based algorithms (BBR) implement cong_control(), which gets a
 *     delivery-rate sample on every ACK and owns cwnd and the pacing rate.
 * Per-flow state lives in tp->cc_priv (CC_PRIV_SIZE bytes, checked with
 * _Static_assert): no allocation, so no failure path.
 *
 * cwnd and ssthresh count segments (packets), as Linux's snd_cwnd does.
 * Adding an algorithm: one file in models/tcp/cc/ and one line in cc.c. */
#ifndef WL_CC_H
#define WL_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct tcp_sock;

/* Congestion states, as Linux's tcp_ca_state. */
enum tcp_ca_state {
	TCP_CA_Open = 0,      /* nothing unusual */
	TCP_CA_Disorder = 1,  /* SACKs or dupACKs seen, no loss yet */
	TCP_CA_CWR = 2,       /* reducing cwnd after ECN (or local congestion) */
	TCP_CA_Recovery = 3,  /* fast recovery */
	TCP_CA_Loss = 4,      /* after a retransmission timeout */
};

enum cc_event {
	CA_EVENT_TX_START,     /* first transmission when nothing was in flight */
	CA_EVENT_CWND_RESTART, /* cwnd restarted after idle */
	CA_EVENT_COMPLETE_CWR, /* the end of a cwnd reduction */
	CA_EVENT_LOSS,         /* a retransmission timeout */
	CA_EVENT_ECN_NO_CE,
	CA_EVENT_ECN_IS_CE,
};

/* A delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation),
 * as Linux's struct rate_sample; times in ns. */
struct rate_sample {
	simtime_t prior_mstamp;   /* starting timestamp of the interval */
	uint64_t prior_delivered; /* tp->delivered at prior_mstamp */
	int64_t delivered;        /* packets delivered over the interval */
	simtime_t interval;       /* length of the interval, ns (-1: no sample) */
	simtime_t snd_interval;
	simtime_t rcv_interval;
	simtime_t rtt;            /* RTT of the last (S)ACKed packet, -1 if none */
	int losses;               /* packets newly marked lost */
	uint32_t acked_sacked;    /* packets newly (S)ACKed by this ACK */
	uint32_t prior_in_flight; /* in flight before this ACK */
	bool is_app_limited;
	bool is_retrans;          /* the sample is from a retransmitted packet */
	bool is_ack_delayed;
	uint32_t last_end_seq;    /* end of the segment the sample came from */
};

/* What the core learnt from one ACK, for pkts_acked. */
struct ack_sample {
	uint32_t pkts_acked;
	simtime_t rtt;            /* RTT sample, -1 if none (Karn) */
	uint32_t in_flight;
};

/* What a congestion control knows of the path, for the "cc" series (as
 * Linux's get_info, which `ss -i` shows as bbr:(bw,mrtt,pacing_gain,..)).
 * NAN where the algorithm has no such value. */
struct cc_info {
	double bw;          /* bottleneck bandwidth estimate, bytes/s */
	double min_rtt;     /* the model's minimum (base) RTT, ns */
	double pacing_gain; /* pacing rate / bw */
};

struct cc_ops {
	const char *name;
	/* Required. */
	void (*init)(struct tcp_sock *tp);
	/* Loss-based: the slow-start threshold after a loss (segments). */
	uint32_t (*ssthresh)(struct tcp_sock *tp);
	/* Loss-based: grow cwnd for `acked` newly acknowledged segments. */
	void (*cong_avoid)(struct tcp_sock *tp, uint32_t acked);
	/* Model-based: own cwnd and pacing from each rate sample. */
	void (*cong_control)(struct tcp_sock *tp, const struct rate_sample *rs);
	/* Optional hooks. */
	void (*release)(struct tcp_sock *tp);
	void (*set_state)(struct tcp_sock *tp, enum tcp_ca_state st);
	void (*cwnd_event)(struct tcp_sock *tp, enum cc_event ev);
	void (*pkts_acked)(struct tcp_sock *tp, const struct ack_sample *s);
	uint32_t (*undo_cwnd)(struct tcp_sock *tp);
	/* Fills in what the algorithm models (fields preset to NAN). */
	void (*get_info)(struct tcp_sock *tp, struct cc_info *ci);
	/* Send buffer in cwnds (Linux sndbuf_expand; default 2). */
	uint32_t (*sndbuf_expand)(struct tcp_sock *tp);
	/* How recovery behaves without SACK: false for NewReno (RFC 6582),
	 * true for Reno (RFC 5681: leave recovery at the first new ACK). */
	bool reno_recovery;
};

#define CC_PRIV_SIZE 192

/* Shared building blocks (cc_common.c), as Linux's tcp_slow_start and
 * tcp_cong_avoid_ai. */
uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked);
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked);
bool tcp_is_cwnd_limited(const struct tcp_sock *tp);
bool tcp_in_slow_start(const struct tcp_sock *tp);
uint32_t tcp_reno_ssthresh(struct tcp_sock *tp);
void tcp_reno_cong_avoid(struct tcp_sock *tp, uint32_t acked);
uint32_t tcp_reno_undo_cwnd(struct tcp_sock *tp);

/* Windowed max/min filter (Kathleen Nichols' algorithm, as Linux
 * lib/win_minmax.c): the best of the samples within the last `win`. */
struct minmax_sample {
	int64_t t;
	int64_t v;
};
struct minmax {
	struct minmax_sample s[3];
};
int64_t minmax_running_max(struct minmax *m, int64_t win, int64_t t, int64_t v);
int64_t minmax_running_min(struct minmax *m, int64_t win, int64_t t, int64_t v);
static inline int64_t minmax_get(const struct minmax *m) { return m->s[0].v; }
static inline void minmax_reset(struct minmax *m, int64_t t, int64_t v)
{
	m->s[0] = m->s[1] = m->s[2] = (struct minmax_sample){ t, v };
}

const struct cc_ops *cc_find(const char *name);
void cc_names(char *buf, size_t n);
const struct cc_ops *cc_default(void);

#endif
