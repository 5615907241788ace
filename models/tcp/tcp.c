/* TCP sockets: the per-node stack, the API apps call, state changes,
 * timers and the RTT/RTO estimator.  Segment arrival is in tcp_input.c,
 * ACK processing and loss recovery in tcp_ack.c, transmission in
 * tcp_output.c.
 *
 * The state machine (RFC 9293 §3.3.2), with the function that makes each
 * transition:
 *
 *   CLOSED --connect--> SYN_SENT --SYN+ACK--> ESTABLISHED      tcp_connect, tcp_rcv_synsent
 *   CLOSED --listen--> LISTEN --SYN--> (child) SYN_RCVD        tcp_listen, tcp_child_new
 *   SYN_SENT --SYN--> SYN_RCVD (simultaneous open)             tcp_rcv_synsent
 *   SYN_RCVD --ACK--> ESTABLISHED                              tcp_rcv_state
 *   ESTABLISHED --close--> FIN_WAIT_1 --ACK--> FIN_WAIT_2      tcp_send_fin, tcp_rcv_state
 *   FIN_WAIT_1 --FIN--> CLOSING --ACK--> TIME_WAIT             tcp_rcv_fin, tcp_rcv_state
 *   FIN_WAIT_2 --FIN--> TIME_WAIT --2MSL--> CLOSED             tcp_rcv_fin, wait_fired
 *   ESTABLISHED --FIN--> CLOSE_WAIT --close--> LAST_ACK --ACK--> CLOSED
 *   any --RST or abort--> CLOSED                               tcp_done
 *
 * Invariants (checked by tcp_check in debug builds):
 *   1. snd_una <= snd_nxt <= write_seq (+1 for a FIN), in sequence space.
 *   2. txq holds exactly the segments in [snd_una, snd_nxt), in order.
 *   3. packets_out == txq.len; sacked_out, lost_out, retrans_out count the
 *      marks in txq. */
#include "tcp_priv.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- defaults (Linux 6.x sysctls where the RFCs leave a choice) ---- */

void tcp_config_default(struct tcp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->cc = cc_default();
	c->sack = true;                 /* tcp_sack = 1 */
	c->timestamps = true;           /* tcp_timestamps = 1 */
	c->window_scaling = true;       /* tcp_window_scaling = 1 */
	c->ecn = false;                 /* tcp_ecn = 2: only when asked */
	c->nagle = true;
	c->delayed_ack = true;
	c->frto = true;                 /* tcp_frto = 2 */
	c->rack = true;                 /* tcp_recovery = 1 */
	c->pacing = false;              /* pfifo_fast: no fq, so no pacing */
	c->cubic_fast_convergence = true;
	c->hystart = true;              /* tcp_cubic hystart = 1 */
	c->init_cwnd = 10;              /* RFC 6928, TCP_INIT_CWND */
	c->rto_min = SIM_MS(200);       /* TCP_RTO_MIN */
	c->rto_max = SIM_S(120);        /* TCP_RTO_MAX */
	c->rto_initial = SIM_S(1);      /* TCP_TIMEOUT_INIT, RFC 6298 §2.1 */
	c->delack_min = SIM_MS(40);     /* TCP_DELACK_MIN */
	c->time_wait = SIM_S(60);       /* TCP_TIMEWAIT_LEN */
	c->fin_timeout = SIM_S(60);     /* tcp_fin_timeout */
	c->syn_retries = 6;             /* tcp_syn_retries */
	c->synack_retries = 5;          /* tcp_synack_retries */
	c->retries2 = 15;               /* tcp_retries2 */
	c->sndbuf = 16384;              /* tcp_wmem[1] */
	c->sndbuf_max = 4194304;        /* tcp_wmem[2] */
	c->rcvbuf = 131072;             /* tcp_rmem[1] */
	c->rcvbuf_max = 6291456;        /* tcp_rmem[2] */
	c->rcvbuf_autotune = true;      /* tcp_moderate_rcvbuf */
	c->backlog = 4096;              /* somaxconn */
}

const char *tcp_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case TCP_ECONNREFUSED: return "connection refused";
	case TCP_ECONNRESET: return "connection reset by peer";
	case TCP_ETIMEDOUT: return "connection timed out";
	case TCP_EADDRINUSE: return "address already in use";
	case TCP_EADDRNOTAVAIL: return "no free local port (ephemeral ports exhausted)";
	case TCP_ENOTCONN: return "not connected";
	case TCP_EPIPE: return "broken pipe";
	case TCP_EINVAL: return "invalid argument";
	case TCP_EHOSTUNREACH: return "no route to host";
	case 0: return "ok";
	}
	return "unknown error";
}

const char *tcp_state_name(enum tcp_state s)
{
	static const char *const n[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
	};
	return s <= TCP_TIME_WAIT ? n[s] : "?";
}

/* ---- per-simulation state: metrics ---- */

static void world_free(void *p) { free(p); }

struct tcp_world *tcp_world(struct sim *s)
{
	struct tcp_world *w = sim_ext_get(s, "tcp");
	if (w)
		return w;
	w = xcalloc(1, sizeof(*w));
	w->sim = s;
	unsigned both = REC_CAN_SAMPLE | REC_CAN_EVENT;
	w->m_cwnd = rec_metric_def(s, "cwnd", "tcp", "bytes", both, "congestion window");
	w->m_ssthresh = rec_metric_def(s, "ssthresh", "tcp", "bytes", both, "slow-start threshold");
	w->m_srtt = rec_metric_def(s, "srtt", "tcp", "ns", both, "smoothed RTT");
	w->m_rto = rec_metric_def(s, "rto", "tcp", "ns", both, "retransmission timeout");
	w->m_inflight = rec_metric_def(s, "inflight", "tcp", "bytes", both, "bytes in flight");
	w->m_rwnd = rec_metric_def(s, "rwnd", "tcp", "bytes", both, "peer's receive window");
	w->m_rtt = rec_metric_def(s, "rtt", "rtt", "ns", REC_CAN_EVENT, "each RTT sample of a TCP flow");
	w->m_cc[0] = rec_metric_def(s, "pacing_rate", "cc", "bytes/s", both, "pacing rate (paced senders)");
	w->m_cc[1] = rec_metric_def(s, "cc_bw", "cc", "bytes/s", both,
				    "the congestion control's bandwidth estimate (BBR)");
	w->m_cc[2] = rec_metric_def(s, "cc_min_rtt", "cc", "ns", both,
				    "the congestion control's minimum RTT (BBR min_rtt, Vegas base RTT)");
	w->m_cc[3] = rec_metric_def(s, "pacing_gain", "cc", "", both, "pacing rate / bandwidth estimate (BBR)");
	w->m_state = rec_metric_def(s, "tcp_state", "tcp_events", "", REC_CAN_EVENT,
				    "an events row per TCP state change");
	w->m_seg = rec_metric_def(s, "tcp_segments", "tcp_trace", "", REC_CAN_EVENT,
				  "an events row per TCP segment sent, as a packet trace");
	sim_ext_set(s, "tcp", w, world_free);
	return w;
}

/* ---- the stack of a node ---- */

struct eph_count {
	uint32_t addr;
	uint16_t port;
	uint16_t used;   /* 0 and addr 0: empty slot */
};

static void stack_destroy(struct tcp_stack *st);

static void stacks_free(void *obj)
{
	struct net *n = obj;
	for (size_t i = 0; i < n->nnodes; i++)
		if (n->nodes[i]->l4[L4_TCP]) {
			stack_destroy(n->nodes[i]->l4[L4_TCP]);
			n->nodes[i]->l4[L4_TCP] = NULL;
		}
}

static struct tcp_stack *stack_of(struct node *nd)
{
	struct tcp_stack *st = nd->l4[L4_TCP];
	if (st)
		return st;
	struct net *n = nd->net;
	if (!n->input[L4_TCP]) {
		net_register_l4(n, L4_TCP, IPPROTO_TCP_, tcp_input, tcp_icmp_error);
		sim_ext_set(n->sim, "tcp_stacks", n, stacks_free);
	}
	st = xcalloc(1, sizeof(*st));
	st->node = nd;
	st->hcap = 64;
	st->hash = xcalloc(st->hcap, sizeof(*st->hash));
	st->next_port = 0;
	char name[64];
	snprintf(name, sizeof(name), "tcp:%s:isn", nd->name);
	st->isn_rng = rng_stream(n->sim, name);
	nd->l4[L4_TCP] = st;
	return st;
}

static uint32_t tuple_hash(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint64_t x = ((uint64_t)laddr << 32 | raddr) * 0x9e3779b97f4a7c15ull;
	x ^= ((uint64_t)lport << 16 | rport) * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(x >> 32);
}

static struct tcp_sock **bucket(struct tcp_stack *st, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
	return &st->hash[tuple_hash(la, lp, ra, rp) & (st->hcap - 1)];
}

static struct tcp_sock *lookup_tuple(struct tcp_stack *st, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
	for (struct tcp_sock *s = *bucket(st, la, lp, ra, rp); s; s = s->hnext)
		if (s->lport == lp && s->rport == rp && s->laddr == la && s->raddr == ra)
			return s;
	return NULL;
}

static void rehash(struct tcp_stack *st)
{
	uint32_t old = st->hcap;
	struct tcp_sock **ov = st->hash;
	st->hcap *= 2;
	st->hash = xcalloc(st->hcap, sizeof(*st->hash));
	for (uint32_t i = 0; i < old; i++)
		for (struct tcp_sock *s = ov[i], *next; s; s = next) {
			next = s->hnext;
			struct tcp_sock **b = bucket(st, s->laddr, s->lport, s->raddr, s->rport);
			s->hnext = *b;
			*b = s;
		}
	free(ov);
}

/* Ephemeral ports in use per destination, so that a connect to a
 * destination whose ports are all taken fails at once. */
static struct eph_count *eph_slot(struct tcp_stack *st, uint32_t addr, uint16_t port, bool create)
{
	if (!st->ephcap) {
		if (!create)
			return NULL;
		st->ephcap = 16;
		st->eph = xcalloc(st->ephcap, sizeof(*st->eph));
	}
	if (create && (st->ephcount + 1) * 2 > st->ephcap) {
		struct eph_count *old = st->eph;
		uint32_t oldcap = st->ephcap;
		st->ephcap *= 2;
		st->eph = xcalloc(st->ephcap, sizeof(*st->eph));
		st->ephcount = 0;
		for (uint32_t i = 0; i < oldcap; i++)
			if (old[i].addr || old[i].port) {
				struct eph_count *e = eph_slot(st, old[i].addr, old[i].port, true);
				*e = old[i];
				st->ephcount++;
			}
		free(old);
	}
	uint32_t j = tuple_hash(addr, port, 0, 0) & (st->ephcap - 1);
	for (;; j = (j + 1) & (st->ephcap - 1)) {
		struct eph_count *e = &st->eph[j];
		if (e->addr == addr && e->port == port)
			return e;
		if (!e->addr && !e->port) {
			if (!create)
				return NULL;
			e->addr = addr;
			e->port = port;
			e->used = 0;
			st->ephcount++;
			return e;
		}
	}
}

void tcp_hash(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	if (tp->hashed)
		return;
	if (st->hcount + 1 > st->hcap)
		rehash(st);
	struct tcp_sock **b = bucket(st, tp->laddr, tp->lport, tp->raddr, tp->rport);
	tp->hnext = *b;
	*b = tp;
	st->hcount++;
	tp->hashed = true;
	if (tp->ephemeral)
		eph_slot(st, tp->raddr, tp->rport, true)->used++;
}

void tcp_unhash(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	if (!tp->hashed)
		return;
	for (struct tcp_sock **pp = bucket(st, tp->laddr, tp->lport, tp->raddr, tp->rport); *pp;
	     pp = &(*pp)->hnext)
		if (*pp == tp) {
			*pp = tp->hnext;
			break;
		}
	st->hcount--;
	tp->hashed = false;
	if (tp->ephemeral) {
		struct eph_count *e = eph_slot(st, tp->raddr, tp->rport, false);
		if (e && e->used)
			e->used--;
	}
}

static void listener_add(struct tcp_stack *st, struct tcp_sock *tp)
{
	xgrow((void **)&st->listeners, &st->caplisten, st->nlisten + 1, sizeof(*st->listeners));
	st->listeners[st->nlisten++] = tp;
}

static void listener_remove(struct tcp_stack *st, struct tcp_sock *tp)
{
	for (size_t i = 0; i < st->nlisten; i++)
		if (st->listeners[i] == tp) {
			memmove(&st->listeners[i], &st->listeners[i + 1],
				(st->nlisten - i - 1) * sizeof(*st->listeners));
			st->nlisten--;
			return;
		}
}

struct tcp_sock *tcp_lookup(struct tcp_stack *st, const struct packet *p);
struct tcp_sock *tcp_lookup(struct tcp_stack *st, const struct packet *p)
{
	struct tcp_sock *s = lookup_tuple(st, p->ip.dst, p->l4.tcp.dport, p->ip.src, p->l4.tcp.sport);
	if (s)
		return s;
	for (size_t i = 0; i < st->nlisten; i++)
		if (st->listeners[i]->lport == p->l4.tcp.dport)
			return st->listeners[i];
	return NULL;
}

static bool port_in_use(const struct tcp_stack *st, uint16_t port)
{
	for (struct tcp_sock *s = st->all; s; s = s->all_next)
		if (s->bound && s->lport == port && !s->freed)
			return true;
	return false;
}

/* ---- timers ---- */

static void xmit_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	enum tcp_xmit_timer what = tp->xt;
	tp->xt = XT_NONE;
	switch (what) {
	case XT_RTO: tcp_rto_fired(tp); break;
	case XT_PROBE0: tcp_send_probe0(tp); break;
	case XT_TLP: tcp_tlp_fired(tp); break;
	case XT_REO: tcp_reo_fired(tp); break;
	case XT_NONE: break;
	}
}

static void delack_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	if (tp->ack_pending && tp->state != TCP_CLOSED)
		tcp_send_ack(tp);
}

static void wait_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	switch (tp->state) {
	case TCP_TIME_WAIT:
		tcp_done(tp, 0);
		break;
	case TCP_FIN_WAIT_2:
		tcp_done(tp, 0); /* orphaned, the peer never closed */
		break;
	default:
		break;
	}
}

void tcp_xmit_timer_arm(struct tcp_sock *tp, enum tcp_xmit_timer what, simtime_t when)
{
	tp->xt = what;
	if (what == XT_NONE) {
		timer_cancel(&tp->t_xmit);
		return;
	}
	timer_arm(tp->sim, &tp->t_xmit, when < tp->sim->now ? tp->sim->now : when);
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
	if (!tp->packets_out) {
		if (tp->xt == XT_RTO || tp->xt == XT_TLP || tp->xt == XT_REO)
			tcp_xmit_timer_arm(tp, XT_NONE, 0);
		return;
	}
	/* one RTO from now, as RFC 6298 §5.3 (Linux also offsets it by the
	 * head's age after a probe or reorder timer; we do not) */
	tcp_xmit_timer_arm(tp, XT_RTO, tp->sim->now + tp->rto);
}

/* ---- RTT and RTO (RFC 6298; Linux tcp_rtt_estimator and tcp_set_rto) ---- */

void tcp_rtt_estimator(struct tcp_sock *tp, simtime_t m)
{
	if (m <= 0)
		m = 1;
	/* RFC 6298 §2 state, kept exactly (ns, so 102.5 ms has no rounding) */
	if (!tp->rfc_srtt) {
		tp->rfc_srtt = m;                     /* SRTT <- R */
		tp->rfc_rttvar = m / 2;               /* RTTVAR <- R/2 */
	} else {
		int64_t err = tp->rfc_srtt - m;
		if (err < 0)
			err = -err;
		tp->rfc_rttvar = (3 * tp->rfc_rttvar + err) / 4; /* beta = 1/4 */
		tp->rfc_srtt = (7 * tp->rfc_srtt + m) / 8;       /* alpha = 1/8 */
	}
	/* Linux: srtt8 = 8*srtt; mdev4 tracks 4*|err| with gain 1/4, and
	 * rttvar4 holds the largest mdev of the last RTT, floored at rto_min */
	int64_t rto_min = tp->cfg.rto_min;
	if (tp->srtt8) {
		int64_t e = m - (tp->srtt8 >> 3);
		tp->srtt8 += e;
		if (e < 0) {
			e = -e;
			e -= tp->mdev4 >> 2;
			if (e > 0)
				e >>= 3; /* finer gain when RTT falls, as Linux (after Eifel) */
		} else {
			e -= tp->mdev4 >> 2;
		}
		tp->mdev4 += e;
		if (tp->mdev4 > tp->mdev_max4) {
			tp->mdev_max4 = tp->mdev4;
			if (tp->mdev_max4 > tp->rttvar4)
				tp->rttvar4 = tp->mdev_max4;
		}
		if (seq_after(tp->snd_una, tp->rtt_seq)) {
			if (tp->mdev_max4 < tp->rttvar4)
				tp->rttvar4 -= (tp->rttvar4 - tp->mdev_max4) >> 2;
			tp->rtt_seq = tp->snd_nxt;
			tp->mdev_max4 = rto_min;
		}
	} else {
		tp->srtt8 = m << 3;
		tp->mdev4 = m << 1;                   /* so that RTO = 3 * RTT */
		tp->rttvar4 = tp->mdev4 > rto_min ? tp->mdev4 : rto_min;
		tp->mdev_max4 = tp->rttvar4;
		tp->rtt_seq = tp->snd_nxt;
	}
	if (tp->srtt8 < 8)
		tp->srtt8 = 8;
}

void tcp_set_rto(struct tcp_sock *tp)
{
	simtime_t rto;
	if (tp->cfg.rto_rfc6298) {
		/* RTO = SRTT + max(G, 4 RTTVAR), at least rto_min (RFC 6298 §2.4
		 * says 1 s; we take the configured minimum).  The clock
		 * granularity G is 1 ns here, so the max is always 4 RTTVAR. */
		rto = tp->rfc_srtt + 4 * tp->rfc_rttvar;
		if (rto < tp->cfg.rto_min)
			rto = tp->cfg.rto_min;
	} else {
		rto = (tp->srtt8 >> 3) + tp->rttvar4;
	}
	if (rto > tp->cfg.rto_max)
		rto = tp->cfg.rto_max;
	tp->rto = rto;
}

uint32_t tcp_ts_now(const struct tcp_sock *tp)
{
	/* 1 ms ticks, as Linux's TCP timestamp clock, plus a random offset */
	return (uint32_t)(tp->sim->now / SIM_MS(1)) + tp->ts_offset;
}

/* ---- logging and recording ---- */

void tcp_log(struct tcp_sock *tp, const char *kind, const char *fmt, ...)
{
	if (!tp->sim->db)
		return;
	char detail[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	rec_log(tp->sim, tp->name, kind, "%s", detail);
}

static double probe_cwnd(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return (double)t->snd_cwnd * t->mss; }
static double probe_ssthresh(void *o, simtime_t now)
{
	(void)now;
	struct tcp_sock *t = o;
	return t->snd_ssthresh >= 0x7fffffff / 2 ? NAN : (double)t->snd_ssthresh * t->mss;
}
static double probe_srtt(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return t->srtt8 ? (double)(t->srtt8 >> 3) : NAN; }
static double probe_rto(void *o, simtime_t now) { (void)now; return (double)((struct tcp_sock *)o)->rto; }
static double probe_inflight(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return (double)tcp_packets_in_flight(t) * t->mss; }
static double probe_rwnd(void *o, simtime_t now) { (void)now; return (double)((struct tcp_sock *)o)->snd_wnd; }

/* The "cc" series of a connection, NAN where there is none. */
static void tcp_cc_values(struct tcp_sock *tp, double v[TCP_NCC])
{
	struct cc_info ci = { NAN, NAN, NAN };
	if (tp->cc->get_info) /* sock_init always sets cc */
		tp->cc->get_info(tp, &ci);
	v[0] = tp->pacing ? (double)tp->pacing_rate : NAN;
	v[1] = ci.bw;
	v[2] = ci.min_rtt;
	v[3] = ci.pacing_gain;
}

static double probe_cc(struct tcp_sock *t, int i)
{
	double v[TCP_NCC];
	tcp_cc_values(t, v);
	return v[i];
}
static double probe_pacing_rate(void *o, simtime_t now) { (void)now; return probe_cc(o, 0); }
static double probe_cc_bw(void *o, simtime_t now) { (void)now; return probe_cc(o, 1); }
static double probe_cc_min_rtt(void *o, simtime_t now) { (void)now; return probe_cc(o, 2); }
static double probe_pacing_gain(void *o, simtime_t now) { (void)now; return probe_cc(o, 3); }

void tcp_probes_add(struct tcp_sock *tp)
{
	struct tcp_world *w = tp->world;
	static const rec_sample_fn fns[TCP_NPROBES] = {
		probe_cwnd, probe_ssthresh, probe_srtt, probe_rto, probe_inflight, probe_rwnd,
		probe_pacing_rate, probe_cc_bw, probe_cc_min_rtt, probe_pacing_gain,
	};
	int ids[TCP_NPROBES] = { w->m_cwnd, w->m_ssthresh, w->m_srtt, w->m_rto, w->m_inflight, w->m_rwnd,
				 w->m_cc[0], w->m_cc[1], w->m_cc[2], w->m_cc[3] };
	bool any = false;
	for (int i = 0; i < TCP_NPROBES; i++)
		any |= tp->sim->rec->m[ids[i]]->mode == REC_SAMPLE;
	if (!any || tp->probed)
		return;
	for (int i = 0; i < TCP_NPROBES; i++)
		tp->probes[i] = rec_probe_add(tp->sim, ids[i], tp->name, fns[i], tp);
	tp->probed = true;
}

static void probes_remove(struct tcp_sock *tp)
{
	if (!tp->probed)
		return;
	for (int i = 0; i < TCP_NPROBES; i++)
		rec_probe_remove(tp->sim, tp->probes[i]);
	tp->probed = false;
}

/* Writes the series that are recorded "on change", for a connection
 * that has sent data, as the sampled ones: a bulk receiver's window says
 * nothing, and before its accept it would not even have its name. */
void tcp_record_change(struct tcp_sock *tp)
{
	struct tcp_world *w = tp->world;
	struct sim *s = tp->sim;
	if (!tp->data_segs_out)
		return;
	if (tp->snd_cwnd != tp->logged_cwnd && rec_on_event(s, w->m_cwnd)) {
		tp->logged_cwnd = tp->snd_cwnd;
		rec_value(s, w->m_cwnd, tp->name, (double)tp->snd_cwnd * tp->mss);
	}
	if (tp->snd_ssthresh != tp->logged_ssthresh && rec_on_event(s, w->m_ssthresh) &&
	    tp->snd_ssthresh < 0x7fffffff / 2) {
		tp->logged_ssthresh = tp->snd_ssthresh;
		rec_value(s, w->m_ssthresh, tp->name, (double)tp->snd_ssthresh * tp->mss);
	}
	if (rec_on_event(s, w->m_inflight))
		rec_value(s, w->m_inflight, tp->name, (double)tcp_packets_in_flight(tp) * tp->mss);
	if (rec_on_event(s, w->m_srtt) && tp->srtt8)
		rec_value(s, w->m_srtt, tp->name, (double)(tp->srtt8 >> 3));
	if (rec_on_event(s, w->m_rwnd))
		rec_value(s, w->m_rwnd, tp->name, tp->snd_wnd);
	if (rec_on_event(s, w->m_rto))
		rec_value(s, w->m_rto, tp->name, (double)tp->rto);
	bool any_cc = false;
	for (int i = 0; i < TCP_NCC; i++)
		any_cc |= rec_on_event(s, w->m_cc[i]);
	if (!any_cc)
		return;
	double v[TCP_NCC];
	tcp_cc_values(tp, v);
	for (int i = 0; i < TCP_NCC; i++)
		if (!isnan(v[i]) && v[i] != tp->logged_cc[i] && rec_on_event(s, w->m_cc[i])) {
			tp->logged_cc[i] = v[i];
			rec_value(s, w->m_cc[i], tp->name, v[i]);
		}
}

/* ---- state ---- */

void tcp_set_state(struct tcp_sock *tp, enum tcp_state st)
{
	if (tp->state == st)
		return;
	struct tcp_world *w = tp->world;
	if (rec_on_event(tp->sim, w->m_state))
		tcp_log(tp, "tcp_state", "%s -> %s", tcp_state_name(tp->state), tcp_state_name(st));
	if (st == TCP_ESTABLISHED)
		tp->established_ns = tp->sim->now;
	tp->state = st;
}

void tcp_set_ca_state(struct tcp_sock *tp, uint8_t st)
{
	if (tp->cc->set_state)
		tp->cc->set_state(tp, (enum tcp_ca_state)st);
	tp->ca_state = st;
}

/* ---- socket life ---- */

/* What a socket owns besides its struct: the congestion control's state,
 * its timers, its queues.  Shared by a socket's freeing and the stack's. */
static void sock_release(struct tcp_sock *tp)
{
	if (tp->cc->release)
		tp->cc->release(tp);
	timer_destroy(tp->sim, &tp->t_xmit);
	timer_destroy(tp->sim, &tp->t_delack);
	timer_destroy(tp->sim, &tp->t_pace);
	timer_destroy(tp->sim, &tp->t_wait);
	tcp_chunkq_free(&tp->sndq);
	tcp_chunkq_free(&tp->rcvq);
	while (tp->ooo) {
		struct packet *p = tp->ooo;
		tp->ooo = p->next;
		pkt_free(tp->sim, p);
	}
	tp->ooo_tail = NULL;
	free(tp->txq.v);
}

static void free_event(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct tcp_sock *tp = obj;
	struct tcp_stack *st = tp->stack;
	tcp_unhash(tp);
	if (tp->state == TCP_LISTEN)
		listener_remove(st, tp);
	probes_remove(tp);
	sock_release(tp);
	if (tp->all_prev)
		tp->all_prev->all_next = tp->all_next;
	else
		st->all = tp->all_next;
	if (tp->all_next)
		tp->all_next->all_prev = tp->all_prev;
	free(tp);
}

/* Frees the socket after the current event, so callers up the stack may
 * still look at it. */
static void tcp_free_later(struct tcp_sock *tp)
{
	if (tp->freed)
		return;
	tp->freed = true;
	tcp_unhash(tp);
	if (tp->state == TCP_LISTEN) {
		listener_remove(tp->stack, tp);
		tp->state = TCP_CLOSED;
	}
	timer_cancel(&tp->t_xmit);
	timer_cancel(&tp->t_delack);
	timer_cancel(&tp->t_pace);
	timer_cancel(&tp->t_wait);
	sim_at(tp->sim, tp->sim->now, free_event, tp, 0);
}

/* The connection is over: CLOSED, out of the tables, timers off.  err (a
 * positive TCP_E*) reaches the app if it still holds the socket. */
void tcp_done(struct tcp_sock *tp, int err)
{
	enum tcp_state was = tp->state;
	tcp_set_state(tp, TCP_CLOSED);
	tcp_unhash(tp);
	tcp_xmit_timer_arm(tp, XT_NONE, 0);
	timer_cancel(&tp->t_delack);
	timer_cancel(&tp->t_pace);
	timer_cancel(&tp->t_wait);
	if (tp->parent) {
		/* an embryonic connection: give back its place in the backlog */
		if (tp->parent->pending)
			tp->parent->pending--;
		tp->parent = NULL;
		tp->orphan = true;
	}
	if (err)
		tcp_log(tp, "tcp_error", "%s in %s", tcp_strerror(err), tcp_state_name(was));
	if (!tp->orphan) {
		if (err && tp->cb.error)
			tp->cb.error(tp, err, tp->ctx);
		if (!tp->orphan && tp->cb.closed)
			tp->cb.closed(tp, tp->ctx);
	}
	if (tp->orphan)
		tcp_free_later(tp);
}

void tcp_time_wait(struct tcp_sock *tp)
{
	tcp_set_state(tp, TCP_TIME_WAIT);
	tcp_xmit_timer_arm(tp, XT_NONE, 0);
	timer_cancel(&tp->t_delack);
	/* nothing is left to send or reassemble: keep the 4-tuple, not the
	 * buffers (a host may hold tens of thousands of these) */
	free(tp->txq.v);
	tp->txq = (struct tcp_txq){ 0 };
	tp->ts_head = tp->ts_tail = TS_NONE;
	tp->packets_out = tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
	tcp_chunkq_free(&tp->sndq);
	timer_arm(tp->sim, &tp->t_wait, tp->sim->now + tp->cfg.time_wait);
	/* the app sees the end of the connection now; the 4-tuple stays
	 * taken for time_wait */
	if (!tp->orphan && tp->cb.closed) {
		tp->cb.closed(tp, tp->ctx);
	}
}

static void sock_init(struct tcp_sock *tp, struct node *nd, const struct tcp_config *cfg)
{
	struct tcp_stack *st = stack_of(nd);
	tp->stack = st;
	tp->node = nd;
	tp->sim = nd->net->sim;
	tp->world = tcp_world(tp->sim);
	tp->cfg = *cfg;
	tp->cc = cfg->cc ? cfg->cc : cc_default();
	tp->state = TCP_CLOSED;
	for (int i = 0; i < TCP_NCC; i++)
		tp->logged_cc[i] = NAN; /* the first value is always a change */
	tp->sndbuf = cfg->sndbuf;
	tp->rcvbuf = cfg->rcvbuf;
	tp->snd_cwnd = cfg->init_cwnd;
	tp->snd_ssthresh = 0x7fffffff; /* TCP_INFINITE_SSTHRESH */
	tp->snd_cwnd_clamp = 0x7fffffff;
	tp->ts_head = tp->ts_tail = TS_NONE;
	tp->reordering = 3;            /* TCP_FASTRETRANS_THRESH */
	tp->rto = cfg->rto_initial;
	tp->mss = 536;                 /* RFC 9293 default until negotiated */
	tp->start_ns = tp->sim->now;
	tp->pacing = cfg->pacing;
	minmax_reset(&tp->min_rtt, 0, INT64_MAX);
	tp->ato = cfg->delack_min;
	timer_init(tp->sim, &tp->t_xmit, xmit_fired, tp);
	timer_init(tp->sim, &tp->t_delack, delack_fired, tp);
	timer_init(tp->sim, &tp->t_pace, tcp_pace_fired, tp);
	timer_init(tp->sim, &tp->t_wait, wait_fired, tp);
	tp->all_next = st->all;
	if (st->all)
		st->all->all_prev = tp;
	st->all = tp;
}

struct tcp_sock *tcp_socket(struct node *nd, const struct tcp_config *cfg,
			    const struct tcp_cb *cb, void *ctx)
{
	struct tcp_config def;
	if (!cfg) {
		tcp_config_default(&def);
		cfg = &def;
	}
	struct tcp_sock *tp = xcalloc(1, sizeof(*tp));
	sock_init(tp, nd, cfg);
	if (cb)
		tp->cb = *cb;
	tp->ctx = ctx;
	snprintf(tp->name, sizeof(tp->name), "tcp:%s", nd->name);
	return tp;
}

void tcp_set_callbacks(struct tcp_sock *ts, const struct tcp_cb *cb, void *ctx)
{
	if (cb)
		ts->cb = *cb;
	else
		memset(&ts->cb, 0, sizeof(ts->cb));
	ts->ctx = ctx;
}

void tcp_set_name(struct tcp_sock *ts, const char *name)
{
	snprintf(ts->name, sizeof(ts->name), "%s", name);
}

const char *tcp_name(const struct tcp_sock *ts) { return ts->name; }

static void default_name(struct tcp_sock *tp)
{
	char a[16], b[16];
	snprintf(tp->name, sizeof(tp->name), "%s:%u>%s:%u", ipv4_fmt(a, tp->laddr), tp->lport,
		 ipv4_fmt(b, tp->raddr), tp->rport);
}

int tcp_bind(struct tcp_sock *ts, uint16_t port)
{
	if (ts->state != TCP_CLOSED || ts->bound)
		return -TCP_EINVAL;
	if (port == 0)
		return -TCP_EINVAL;
	if (port_in_use(ts->stack, port))
		return -TCP_EADDRINUSE;
	ts->lport = port;
	ts->bound = true;
	return 0;
}

int tcp_listen(struct tcp_sock *ts, int backlog)
{
	if (!ts->bound || ts->state != TCP_CLOSED)
		return -TCP_EINVAL;
	ts->backlog = (uint16_t)(backlog > 0 ? (backlog < 65535 ? backlog : 65535) : 1);
	tcp_set_state(ts, TCP_LISTEN);
	listener_add(ts->stack, ts);
	if (strncmp(ts->name, "tcp:", 4) == 0)
		snprintf(ts->name, sizeof(ts->name), "%s:%u", ts->node->name, ts->lport);
	return 0;
}

/* The initial window scale, MSS and buffers of a connection towards raddr;
 * shared by active and passive opens. */
static int conn_init(struct tcp_sock *tp)
{
	const struct route *r = ip_route(tp->node, tp->raddr);
	if (!r)
		return -TCP_EHOSTUNREACH;
	uint32_t mtu = r->type == RT_LOCAL ? 65535 : r->out->link->mtu;
	tp->adv_mss = tp->cfg.mss ? tp->cfg.mss : mtu - IP_HDR_LEN - TCP_HDR_LEN;
	tp->mss = tp->adv_mss;
	tp->rcv_mss = tp->adv_mss < 536 ? tp->adv_mss : 536;
	/* RFC 7323 §2.2: the smallest shift that lets the window reach the
	 * largest receive buffer (Linux tcp_select_initial_window) */
	tp->rcv_wscale = 0;
	if (tp->cfg.window_scaling)
		while (tp->rcv_wscale < 14 && (65535ull << tp->rcv_wscale) < tp->cfg.rcvbuf_max)
			tp->rcv_wscale++;
	/* the first window: 64 KiB rounded down to whole segments, as Linux */
	uint32_t w = 65535 < tp->rcvbuf ? 65535 : (uint32_t)tp->rcvbuf;
	tp->rcv_wnd = w / tp->adv_mss * tp->adv_mss;
	tp->rcv_ssthresh = tp->rcv_wnd;
	tp->ts_offset = (uint32_t)rng_u32(tp->stack->isn_rng);
	tp->iss = (uint32_t)rng_u32(tp->stack->isn_rng);
	tp->snd_una = tp->snd_nxt = tp->iss;
	tp->write_seq = tp->iss + 1;
	tp->sndq_seq = tp->iss + 1;
	tp->snd_wnd = 0;
	if (tp->cc->init)
		tp->cc->init(tp);
	return 0;
}

/* Picks a free local port for (laddr, raddr:rport): the first free one after
 * the last used, in 32768..60999 (Linux ip_local_port_range).  Ports held
 * by TIME_WAIT connections to the same destination are not reused. */
static int pick_port(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	const uint32_t lo = 32768, hi = 60999, n = hi - lo + 1;
	struct eph_count *e = eph_slot(st, tp->raddr, tp->rport, false);
	if (e && e->used >= n)
		return -TCP_EADDRNOTAVAIL;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t port = (uint16_t)(lo + (st->next_port + i) % n);
		if (!lookup_tuple(st, tp->laddr, port, tp->raddr, tp->rport)) {
			bool listening = false;
			for (size_t k = 0; k < st->nlisten && !listening; k++)
				listening = st->listeners[k]->lport == port;
			if (listening)
				continue;
			st->next_port = (uint16_t)((port - lo + 1) % n);
			tp->lport = port;
			tp->ephemeral = true;
			return 0;
		}
	}
	return -TCP_EADDRNOTAVAIL;
}

int tcp_connect(struct tcp_sock *ts, uint32_t raddr, uint16_t rport)
{
	if (ts->state != TCP_CLOSED || ts->freed)
		return -TCP_EINVAL;
	ts->raddr = raddr;
	ts->rport = rport;
	ts->laddr = ip_source_for(ts->node, raddr);
	if (!ts->laddr)
		return -TCP_EHOSTUNREACH;
	if (!ts->bound) {
		int rc = pick_port(ts);
		if (rc < 0)
			return rc;
		ts->bound = true;
	} else if (lookup_tuple(ts->stack, ts->laddr, ts->lport, raddr, rport)) {
		return -TCP_EADDRINUSE;
	}
	int rc = conn_init(ts);
	if (rc < 0)
		return rc;
	ts->start_ns = ts->sim->now; /* the connect time counts from here */
	if (strncmp(ts->name, "tcp:", 4) == 0)
		default_name(ts);
	tcp_hash(ts);
	tcp_set_state(ts, TCP_SYN_SENT);
	tcp_send_syn(ts);
	return 0;
}

/* A listener got a SYN: a child in SYN_RCVD, or NULL if the backlog is
 * full (the SYN is dropped, as Linux does without syncookies). */
struct tcp_sock *tcp_child_new(struct tcp_sock *l, const struct packet *syn)
{
	if (l->pending >= l->backlog) {
		tcp_log(l, "syn_drop", "listen backlog of %u is full", l->backlog);
		return NULL;
	}
	struct tcp_sock *tp = xcalloc(1, sizeof(*tp));
	sock_init(tp, l->node, &l->cfg);
	tp->cc = l->cc;
	tp->parent = l;
	l->pending++;
	tp->laddr = syn->ip.dst;
	tp->lport = syn->l4.tcp.dport;
	tp->raddr = syn->ip.src;
	tp->rport = syn->l4.tcp.sport;
	tp->bound = true;
	tp->cb = l->cb;
	tp->ctx = l->ctx;
	default_name(tp);
	if (conn_init(tp) < 0) {
		tp->orphan = true;
		tcp_done(tp, 0);
		return NULL;
	}
	tcp_hash(tp);
	return tp;
}

/* ---- byte queues ---- */

static void chunkq_push(struct tcp_chunkq *q, uint64_t len, struct pbuf *buf, uint32_t off)
{
	if (!len)
		return;
	/* virtual bytes merge with a virtual tail */
	if (!buf && q->len) {
		struct tcp_chunk *t = &q->v[(q->head + q->len - 1) & (q->cap - 1)];
		if (!t->buf) {
			t->len += len;
			q->bytes += len;
			return;
		}
	}
	if (q->len == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 2;
		struct tcp_chunk *v = xmalloc(cap * sizeof(*v));
		for (uint32_t i = 0; i < q->len; i++)
			v[i] = q->v[(q->head + i) & (q->cap - 1)];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	q->v[(q->head + q->len) & (q->cap - 1)] = (struct tcp_chunk){ len, buf ? pbuf_ref(buf) : NULL, off };
	q->len++;
	q->bytes += len;
	if (buf)
		q->real++;
}

/* Removes n bytes from the front, copying them to out if given. */
static void chunkq_pull(struct tcp_chunkq *q, uint64_t n, uint8_t *out)
{
	while (n && q->len) {
		struct tcp_chunk *c = &q->v[q->head];
		uint64_t take = n < c->len ? n : c->len;
		if (out) {
			if (c->buf)
				memcpy(out, c->buf->data + c->off, take);
			else
				memset(out, 0, take);
			out += take;
		}
		c->len -= take;
		c->off += (uint32_t)take;
		q->bytes -= take;
		n -= take;
		if (!c->len) {
			if (c->buf) {
				pbuf_unref(c->buf);
				q->real--;
			}
			q->head = (q->head + 1) & (q->cap - 1);
			q->len--;
		}
	}
}

void tcp_chunkq_free(struct tcp_chunkq *q)
{
	chunkq_pull(q, q->bytes, NULL);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* For tcp_output.c: the real bytes of [off, off+len) of sndq, or NULL if
 * they are all virtual. */
struct pbuf *tcp_sndq_bytes(struct tcp_sock *tp, uint64_t off, uint32_t len);
struct pbuf *tcp_sndq_bytes(struct tcp_sock *tp, uint64_t off, uint32_t len)
{
	struct tcp_chunkq *q = &tp->sndq;
	if (!q->real || !len)
		return NULL;
	struct pbuf *b = pbuf_new(NULL, len);
	uint64_t pos = 0, filled = 0;
	bool any = false;
	for (uint32_t i = 0; i < q->len && filled < len; i++) {
		struct tcp_chunk *c = &q->v[(q->head + i) & (q->cap - 1)];
		uint64_t cs = pos, ce = pos + c->len;
		pos = ce;
		if (ce <= off + filled)
			continue;
		uint64_t from = off + filled - cs;
		uint64_t take = c->len - from;
		if (take > len - filled)
			take = len - filled;
		if (c->buf) {
			memcpy(b->data + filled, c->buf->data + c->off + from, take);
			any = true;
		}
		filled += take;
	}
	if (!any) {
		pbuf_unref(b);
		return NULL;
	}
	return b;
}

/* For tcp_input.c: in-order payload into the receive queue. */
void tcp_rcvq_add(struct tcp_sock *tp, const struct packet *p, uint32_t skip, uint32_t len);
void tcp_rcvq_add(struct tcp_sock *tp, const struct packet *p, uint32_t skip, uint32_t len)
{
	chunkq_push(&tp->rcvq, len, p->payload, p->payload_off + skip);
}

/* For tcp_ack.c: bytes acknowledged leave the send queue. */
void tcp_sndq_acked(struct tcp_sock *tp, uint32_t new_una);
void tcp_sndq_acked(struct tcp_sock *tp, uint32_t new_una)
{
	if (seq_after(new_una, tp->sndq_seq)) {
		uint32_t n = new_una - tp->sndq_seq;
		if (n > tp->sndq.bytes)
			n = (uint32_t)tp->sndq.bytes; /* the FIN's sequence number */
		chunkq_pull(&tp->sndq, n, NULL);
		tp->sndq_seq += n;
	}
}

/* ---- the API ---- */

static int64_t send_common(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off,
			   bool more)
{
	if (ts->shut_wr || ts->orphan)
		return -TCP_EPIPE;
	switch (ts->state) {
	case TCP_SYN_SENT: case TCP_SYN_RCVD: case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		break;
	default:
		return -TCP_ENOTCONN;
	}
	uint64_t space = tcp_send_space(ts);
	if (len > space)
		len = space;
	if (data && len > data->len - data_off)
		len = data->len - data_off;
	if (!len)
		return 0;
	chunkq_push(&ts->sndq, len, data, data_off);
	ts->write_seq += (uint32_t)len;
	if (!more && (ts->state == TCP_ESTABLISHED || ts->state == TCP_CLOSE_WAIT))
		tcp_write_xmit(ts);
	return (int64_t)len;
}

int64_t tcp_send(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off)
{
	return send_common(ts, len, data, data_off, false);
}

int64_t tcp_send_more(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off)
{
	return send_common(ts, len, data, data_off, true);
}

uint64_t tcp_send_space(const struct tcp_sock *ts)
{
	return ts->sndq.bytes >= ts->sndbuf ? 0 : ts->sndbuf - ts->sndq.bytes;
}

uint64_t tcp_unacked(const struct tcp_sock *ts) { return ts->sndq.bytes; }
uint64_t tcp_readable(const struct tcp_sock *ts) { return ts->rcvq.bytes; }

/* Linux tcp_rcv_space_adjust (dynamic right-sizing): once per RTT, let the
 * receive buffer grow to twice what the app read in the last RTT. */
static void rcv_space_adjust(struct tcp_sock *tp)
{
	simtime_t now = tp->sim->now;
	if (!tp->rcvq_time) {
		tp->rcvq_time = now;
		tp->rcvq_seq = tp->rcv_nxt;
		tp->rcvq_space = tp->rcv_wnd;
		return;
	}
	simtime_t rtt = tp->rcv_rtt_est;
	if (!rtt || now - tp->rcvq_time < rtt)
		return;
	uint64_t copied = tp->rcvq_copied;
	if (copied > tp->rcvq_space && tp->cfg.rcvbuf_autotune) {
		uint64_t win = 2 * copied + 16ull * tp->adv_mss;
		/* grow faster when the sender is still speeding up */
		if (tp->rcvq_space) {
			uint64_t grow = win * (copied - tp->rcvq_space) / tp->rcvq_space;
			win += 2 * grow;
		}
		if (win > tp->cfg.rcvbuf_max)
			win = tp->cfg.rcvbuf_max;
		if (win > tp->rcvbuf)
			tp->rcvbuf = win;
		tp->rcvq_space = copied;
	}
	tp->rcvq_copied = 0;
	tp->rcvq_time = now;
	tp->rcvq_seq = tp->rcv_nxt;
}

uint64_t tcp_recv(struct tcp_sock *ts, uint64_t max, uint8_t *out)
{
	uint64_t n = ts->rcvq.bytes < max ? ts->rcvq.bytes : max;
	if (!n)
		return 0;
	uint32_t before = tcp_receive_window_free(ts);
	chunkq_pull(&ts->rcvq, n, out);
	ts->rcvq_copied += n;
	rcv_space_adjust(ts);
	/* a window update when reading opened a window that was closing
	 * (Linux tcp_cleanup_rbuf: the new window is at least twice the old) */
	uint32_t after = tcp_receive_window_free(ts);
	uint32_t cur = ts->rcv_wup + ts->rcv_wnd - ts->rcv_nxt;
	if (ts->state >= TCP_ESTABLISHED && ts->state != TCP_TIME_WAIT && ts->state != TCP_CLOSED &&
	    after > before && after >= 2 * cur && after - cur >= ts->adv_mss)
		tcp_send_ack(ts);
	return n;
}

void tcp_shutdown(struct tcp_sock *ts)
{
	if (ts->shut_wr)
		return;
	ts->shut_wr = true;
	switch (ts->state) {
	case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		tcp_send_fin(ts);
		break;
	case TCP_SYN_SENT: case TCP_SYN_RCVD:
		/* the FIN goes once the connection is up */
		break;
	default:
		break;
	}
}

void tcp_close(struct tcp_sock *ts)
{
	if (ts->orphan)
		return;
	ts->orphan = true;
	memset(&ts->cb, 0, sizeof(ts->cb));
	switch (ts->state) {
	case TCP_CLOSED:
		tcp_free_later(ts);
		return;
	case TCP_LISTEN:
		tcp_set_state(ts, TCP_CLOSED);
		tcp_free_later(ts);
		return;
	case TCP_SYN_SENT:
		tcp_done(ts, 0);
		return;
	default:
		break;
	}
	/* RFC 9293 §3.10.4: data still unread means the app lost it: reset
	 * (Linux does the same) */
	if (ts->rcvq.bytes) {
		tcp_abort(ts);
		return;
	}
	tcp_shutdown(ts);
	if (ts->state == TCP_FIN_WAIT_2)
		timer_arm(ts->sim, &ts->t_wait, ts->sim->now + ts->cfg.fin_timeout);
}

void tcp_abort(struct tcp_sock *ts)
{
	switch (ts->state) {
	case TCP_SYN_RCVD: case TCP_ESTABLISHED: case TCP_FIN_WAIT_1: case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		tcp_send_reset(ts);
		break;
	default:
		break;
	}
	ts->orphan = true;
	memset(&ts->cb, 0, sizeof(ts->cb));
	if (ts->state == TCP_CLOSED || ts->state == TCP_LISTEN)
		tcp_free_later(ts);
	else
		tcp_done(ts, 0);
}

enum tcp_state tcp_get_state(const struct tcp_sock *ts) { return ts->state; }
uint32_t tcp_local_addr(const struct tcp_sock *ts) { return ts->laddr; }
uint32_t tcp_remote_addr(const struct tcp_sock *ts) { return ts->raddr; }
uint16_t tcp_local_port(const struct tcp_sock *ts) { return ts->lport; }
uint16_t tcp_remote_port(const struct tcp_sock *ts) { return ts->rport; }
struct node *tcp_node(const struct tcp_sock *ts) { return ts->node; }

void tcp_get_info(const struct tcp_sock *tp, struct tcp_info *i)
{
	memset(i, 0, sizeof(*i));
	i->state = tp->state;
	i->ca_state = tp->ca_state;
	i->mss = tp->mss;
	i->cwnd = tp->snd_cwnd;
	i->ssthresh = tp->snd_ssthresh;
	i->packets_in_flight = tcp_packets_in_flight(tp);
	i->snd_wnd = tp->snd_wnd;
	i->rcv_wnd = tp->rcv_wnd;
	i->srtt = tp->cfg.rto_rfc6298 ? tp->rfc_srtt : tp->srtt8 >> 3;
	i->rttvar = tp->cfg.rto_rfc6298 ? tp->rfc_rttvar : tp->rttvar4 >> 2;
	i->rto = tp->rto;
	i->min_rtt = tcp_min_rtt(tp) == INT64_MAX ? 0 : tcp_min_rtt(tp);
	i->bytes_acked = tp->bytes_acked;
	i->bytes_received = tp->bytes_received;
	i->bytes_sent = tp->bytes_sent;
	i->segs_out = tp->segs_out;
	i->segs_in = tp->segs_in;
	i->data_segs_out = tp->data_segs_out;
	i->retrans_segs = tp->retrans_segs;
	i->rto_count = tp->rto_count;
	i->fast_retrans = tp->fast_retrans;
	i->tlp_count = tp->tlp_count;
	i->spurious_rto = tp->spurious_rto;
	i->zwp_sent = tp->zwp_sent;
	i->dsack_count = tp->dsack_count;
	i->ooo_segs = tp->ooo_segs;
	i->delivered = tp->delivered;
	i->rtt_samples = tp->rtt_samples;
	i->rtt_sum = tp->rtt_sum;
	i->rcvbuf = (uint32_t)tp->rcvbuf;
	i->sndbuf = (uint32_t)tp->sndbuf;
	i->pacing_rate = tp->pacing ? tp->pacing_rate : 0;
}

/* Linux tcp_sndbuf_expand: room for twice the congestion window, so the
 * sender is never limited by its own buffer before the network's. */
void tcp_sndbuf_expand(struct tcp_sock *tp)
{
	uint32_t segs = tp->snd_cwnd > tp->reordering + 1 ? tp->snd_cwnd : tp->reordering + 1;
	uint32_t per = tp->cc->sndbuf_expand ? tp->cc->sndbuf_expand(tp) : 2;
	uint64_t want = (uint64_t)per * segs * tp->mss;
	if (want > tp->cfg.sndbuf_max)
		want = tp->cfg.sndbuf_max;
	if (want > tp->sndbuf)
		tp->sndbuf = want;
}

void tcp_app_readable(struct tcp_sock *tp)
{
	if (!tp->orphan && tp->cb.readable && tp->rcvq.bytes)
		tp->cb.readable(tp, tp->ctx);
}

void tcp_app_writable(struct tcp_sock *tp)
{
	if (!tp->orphan && !tp->shut_wr && tp->cb.writable && tcp_send_space(tp) &&
	    (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT))
		tp->cb.writable(tp, tp->ctx);
}

static void stack_destroy(struct tcp_stack *st)
{
	while (st->all) {
		struct tcp_sock *tp = st->all;
		st->all = tp->all_next;
		sock_release(tp);
		free(tp);
	}
	free(st->hash);
	free(st->listeners);
	free(st->eph);
	free(st);
}
