/* TCP input: a segment arrives (RFC 9293 §3.10.7), by state.  The ACK
 * field is handed to tcp_ack() (tcp_ack.c); this file does the
 * handshakes, the sequence and RST checks (RFC 5961), PAWS (RFC 7323 §5),
 * receiving data in order and out of order with SACK and D-SACK blocks
 * (RFC 2018, RFC 2883), the delayed-ACK decision (Linux's quick-ACK and
 * ato), FIN processing and TIME_WAIT. */
#include <stdio.h>
#include <string.h>

#include "sim/packet.h"
#include "tcp_priv.h"


static uint32_t seg_len(const struct packet *p)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	return p->payload_len + ((th->flags & TH_SYN) ? 1 : 0) + ((th->flags & TH_FIN) ? 1 : 0);
}

/* ---- options of a SYN or SYN-ACK ---- */

static void syn_options(struct tcp_sock *tp, const struct packet *p)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	uint32_t peer_mss = (th->opts & TCPOPT_F_MSS) ? th->mss : 536; /* RFC 9293 §3.7.1 */
	if (peer_mss < TCP_MIN_SND_MSS)
		peer_mss = TCP_MIN_SND_MSS; /* Linux tcp_min_snd_mss: no tiny segments */
	tp->wscale_ok = tp->cfg.window_scaling && (th->opts & TCPOPT_F_WSCALE);
	if (tp->wscale_ok) {
		tp->snd_wscale = th->wscale > 14 ? 14 : th->wscale; /* RFC 7323 §2.3 */
	} else {
		tp->snd_wscale = 0;
		tp->rcv_wscale = 0;
	}
	tp->sack_ok = tp->cfg.sack && (th->opts & TCPOPT_F_SACK_OK);
	tp->ts_ok = tp->cfg.timestamps && (th->opts & TCPOPT_F_TS);
	if (tp->ts_ok) {
		tp->ts_recent = th->tsval;
		tp->ts_recent_stamp = tp->sim->now;
	}
	uint32_t mss = peer_mss < tp->adv_mss ? peer_mss : tp->adv_mss;
	if (tp->ts_ok)
		mss -= 12; /* the timestamps option rides on every segment */
	tp->mss = mss;
	tp->rcv_mss = mss;
}

/* ---- the receiver's RTT estimate, for buffer autotuning ---- */

static void rcv_rtt_sample(struct tcp_sock *tp, simtime_t m)
{
	if (m <= 0)
		m = SIM_MS(1);
	if (!tp->rcv_rtt_est || m < tp->rcv_rtt_est)
		tp->rcv_rtt_est = m; /* Linux tcp_rcv_rtt_update prefers lower samples */
	else
		tp->rcv_rtt_est = (7 * tp->rcv_rtt_est + m) / 8;
}

static void rcv_rtt_measure(struct tcp_sock *tp, const struct packet *p)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	if (tp->ts_ok && th->tsecr && p->payload_len) {
		uint32_t d = tcp_ts_now(tp) - th->tsecr;
		if (d < 0x7fffffff)
			rcv_rtt_sample(tp, SIM_MS(d));
		return;
	}
	if (tp->rcv_rtt_time && seq_before(tp->rcv_nxt, tp->rcv_rtt_seq))
		return;
	if (tp->rcv_rtt_time)
		rcv_rtt_sample(tp, tp->sim->now - tp->rcv_rtt_time);
	tp->rcv_rtt_seq = tp->rcv_nxt + tp->rcv_wnd;
	tp->rcv_rtt_time = tp->sim->now;
}

/* ---- delayed ACKs (Linux tcp_event_data_recv, __tcp_ack_snd_check) ---- */

static void enter_quickack(struct tcp_sock *tp, unsigned max)
{
	unsigned q = tp->rcv_wnd / (2 * (tp->rcv_mss ? tp->rcv_mss : 536));
	if (q > max)
		q = max;
	if (q < 2)
		q = 2;
	if (q > tp->quick)
		tp->quick = (uint8_t)q;
}

static void event_data_recv(struct tcp_sock *tp, uint32_t len)
{
	const simtime_t ato_min = tp->cfg.delack_min;
	simtime_t now = tp->sim->now;
	if (len >= tp->rcv_mss)
		tp->rcv_mss = len < tp->adv_mss ? len : tp->adv_mss;
	if (!tp->lrcvtime) {
		enter_quickack(tp, 16); /* TCP_MAX_QUICKACKS */
		tp->ato = ato_min;
	} else {
		simtime_t m = now - tp->lrcvtime;
		if (m <= ato_min / 2)
			tp->ato = tp->ato / 2 + ato_min / 2;
		else if (m < tp->ato) {
			tp->ato = tp->ato / 2 + m;
			if (tp->ato > tp->rto)
				tp->ato = tp->rto;
		} else if (m > tp->rto) {
			enter_quickack(tp, 16); /* the sender was idle: ACK quickly again */
		}
	}
	tp->lrcvtime = now;
}

void tcp_ack_snd_check(struct tcp_sock *tp, bool now)
{
	if (tp->state == TCP_CLOSED)
		return;
	if (!now && !tp->unacked_bytes)
		return; /* a segment already carried the ACK */
	if (now || !tp->cfg.delayed_ack || tp->quick || tp->ooo ||
	    tp->unacked_bytes > tp->rcv_mss) {
		/* more than one full segment unacknowledged: RFC 9293
		 * §3.8.6.3 ("at least every second full-sized segment") */
		tcp_send_ack(tp);
		return;
	}
	simtime_t ato = tp->ato < tp->cfg.delack_min ? tp->cfg.delack_min : tp->ato;
	simtime_t max = SIM_MS(200);
	if (tp->srtt8 && (tp->srtt8 >> 3) < max)
		max = (tp->srtt8 >> 3) > tp->cfg.delack_min ? tp->srtt8 >> 3 : tp->cfg.delack_min;
	tp->ato = ato < max ? ato : max;
	tcp_send_delayed_ack(tp);
}

/* ---- SACK blocks we send (RFC 2018 §4) ---- */

static void sack_update(struct tcp_sock *tp, uint32_t start, uint32_t end)
{
	/* merge the new range with any block it touches; it goes first */
	struct sack_block nb = { start, end };
	int n = 0;
	struct sack_block keep[TCP_MAX_SACK];
	for (int i = 0; i < tp->nsack; i++) {
		struct sack_block b = tp->sack[i];
		if (seq_leq(b.start, nb.end) && seq_geq(b.end, nb.start)) {
			nb.start = seq_min(nb.start, b.start);
			nb.end = seq_max(nb.end, b.end);
		} else if (n < TCP_MAX_SACK - 1) {
			keep[n++] = b;
		}
	}
	tp->sack[0] = nb;
	for (int i = 0; i < n; i++)
		tp->sack[i + 1] = keep[i];
	tp->nsack = n + 1;
}

/* After rcv_nxt moved: drop the blocks it covers. */
static void sack_trim(struct tcp_sock *tp)
{
	int n = 0;
	for (int i = 0; i < tp->nsack; i++)
		if (seq_after(tp->sack[i].end, tp->rcv_nxt))
			tp->sack[n++] = tp->sack[i];
	tp->nsack = n;
}

static void dsack_set(struct tcp_sock *tp, uint32_t start, uint32_t end)
{
	if (!tp->sack_ok)
		return;
	tp->dsack = (struct sack_block){ start, end };
	tp->dsack_pending = true;
}

/* ---- data ---- */

static uint32_t ooo_end(const struct packet *q)
{
	return q->l4.tcp.seq + q->payload_len + ((q->l4.tcp.flags & TH_FIN) ? 1 : 0);
}

/* Queues an out-of-order segment in sequence order.  Segments usually
 * arrive in order behind a hole, so appending at the tail is the fast
 * path; a segment already covered by a queued one is a duplicate. */
static void ooo_insert(struct tcp_sock *tp, struct packet *p)
{
	/* a FIN's sequence number counts, as in Linux's SACK blocks */
	uint32_t seq = p->l4.tcp.seq, end = ooo_end(p);
	struct packet **pp = &tp->ooo, *prev = NULL;
	if (tp->ooo_tail && seq_geq(seq, ooo_end(tp->ooo_tail))) {
		prev = tp->ooo_tail;
		pp = &prev->next;
	} else {
		while (*pp && seq_before((*pp)->l4.tcp.seq, seq)) {
			prev = *pp;
			pp = &(*pp)->next;
		}
	}
	bool dup = (prev && seq_geq(ooo_end(prev), end)) ||
		   (*pp && (*pp)->l4.tcp.seq == seq && seq_geq(ooo_end(*pp), end));
	if (dup) {
		dsack_set(tp, seq, end);
		pkt_free(tp->sim, p);
		return;
	}
	p->next = *pp;
	*pp = p;
	if (!p->next)
		tp->ooo_tail = p;
	tp->ooo_count++;
	tp->ooo_bytes += p->payload_len;
	tp->ooo_segs++;
	sack_update(tp, seq, end);
}

/* Moves the in-order part of [seq, seq+len) of p into the receive queue. */
static uint32_t take_in_order(struct tcp_sock *tp, const struct packet *p)
{
	uint32_t seq = p->l4.tcp.seq, len = p->payload_len;
	uint32_t skip = tp->rcv_nxt - seq;
	if (skip >= len)
		return 0;
	uint32_t n = len - skip;
	tcp_rcvq_add(tp, p, skip, n);
	tp->rcv_nxt += n;
	tp->bytes_received += n;
	return n;
}

static void rcv_fin(struct tcp_sock *tp);

/* Drains out-of-order segments that have become in order. */
static bool ooo_drain(struct tcp_sock *tp)
{
	bool fin = false;
	while (tp->ooo && seq_leq(tp->ooo->l4.tcp.seq, tp->rcv_nxt)) {
		struct packet *q = tp->ooo;
		tp->ooo = q->next;
		if (!tp->ooo)
			tp->ooo_tail = NULL;
		tp->ooo_count--;
		tp->ooo_bytes -= q->payload_len;
		uint32_t qend = q->l4.tcp.seq + q->payload_len;
		if (seq_after(qend, tp->rcv_nxt))
			take_in_order(tp, q);
		if ((q->l4.tcp.flags & TH_FIN) && qend == tp->rcv_nxt)
			fin = true;
		pkt_free(tp->sim, q);
	}
	return fin;
}

/* Returns true if the packet was kept (queued out of order). */
static bool data_queue(struct tcp_sock *tp, struct packet *p, bool *ack_now)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	uint32_t seq = th->seq, len = p->payload_len, end = seq + len;
	bool fin = th->flags & TH_FIN;
	if (!len && !fin)
		return false;
	if (len && seq_leq(end, tp->rcv_nxt)) {
		/* all old: a duplicate (a spurious retransmission or a lost ACK) */
		dsack_set(tp, seq, end);
		enter_quickack(tp, 16);
		*ack_now = true;
		return false;
	}
	if (seq_after(seq, tp->rcv_nxt)) {
		/* a hole before it: queue, and ACK at once with SACK blocks */
		if (len + tp->ooo_bytes + tp->rcvq.bytes > tp->rcvbuf) {
			*ack_now = true; /* no room: drop, as Linux prunes */
			return false;
		}
		ooo_insert(tp, p);
		*ack_now = true;
		return true;
	}
	/* in order (maybe overlapping what we have) */
	if (seq_before(seq, tp->rcv_nxt) && len)
		dsack_set(tp, seq, tp->rcv_nxt); /* the overlap was a duplicate */
	bool had_ooo = tp->ooo != NULL;
	uint32_t n = take_in_order(tp, p);
	if (n) {
		event_data_recv(tp, n);
		/* Linux tcp_grow_window: two segments more per segment received */
		if (tp->rcv_ssthresh < tp->rcvbuf) {
			uint64_t g = (uint64_t)tp->rcv_ssthresh + 2ull * tp->adv_mss;
			tp->rcv_ssthresh = (uint32_t)(g < tp->rcvbuf ? g : tp->rcvbuf);
		}
	}
	tp->unacked_bytes += n;
	bool fin_now = fin && end == tp->rcv_nxt;
	if (had_ooo) {
		fin_now |= ooo_drain(tp);
		*ack_now = true; /* a hole filled: tell the sender at once */
	}
	/* before anything can send an ACK (the app's read may open the
	 * window): a block at or below rcv_nxt would read as a D-SACK */
	sack_trim(tp);
	if (n)
		tcp_app_readable(tp);
	if (fin_now && tp->state != TCP_CLOSED)
		rcv_fin(tp);
	return false;
}

/* ---- FIN ---- */

static void rcv_fin(struct tcp_sock *tp)
{
	if (tp->fin_rcvd)
		return;
	tp->fin_rcvd = true;
	tp->rcv_nxt++;
	sack_trim(tp); /* the FIN's sequence number was in the last block */
	switch (tp->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		/* the ACK waits a little (Linux enters "pingpong" mode): an app
		 * that closes at once sends its FIN with it */
		tcp_set_state(tp, TCP_CLOSE_WAIT);
		tp->unacked_bytes = 1;
		tcp_send_delayed_ack(tp);
		break;
	case TCP_FIN_WAIT_1:
		/* our FIN not yet acknowledged: simultaneous close; the ACK
		 * leaves in the state the FIN moved us to */
		tcp_set_state(tp, TCP_CLOSING);
		tcp_send_ack(tp);
		break;
	case TCP_FIN_WAIT_2:
		tcp_time_wait(tp);
		tcp_send_ack(tp);
		return;
	default:
		tcp_send_ack(tp);
		return;
	}
	tcp_app_peer_closed(tp);
}

/* ---- LISTEN (§3.10.7.2) ---- */

static void listen_input(struct tcp_sock *l, struct packet *p, const uint32_t *isn)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	if (th->flags & TH_RST)
		return;
	if (th->flags & TH_ACK) {
		tcp_reset_reply(l->node, p);
		return;
	}
	if (!(th->flags & TH_SYN))
		return;
	struct tcp_sock *tp = tcp_child_new(l, p);
	if (!tp)
		return;
	if (isn) {
		/* a SYN that ended a TIME_WAIT: start beyond the old connection's
		 * sequence space, as Linux (tw_snd_nxt + 65535 + 2) */
		tp->iss = *isn;
		tp->snd_una = tp->snd_nxt = tp->iss;
		tp->write_seq = tp->sndq_seq = tp->iss + 1;
	}
	tp->irs = th->seq;
	tp->rcv_nxt = th->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	syn_options(tp, p);
	/* RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR; we accept it as
	 * Linux's default tcp_ecn = 2 does */
	tp->ecn_ok = (th->flags & (TH_ECE | TH_CWR)) == (TH_ECE | TH_CWR);
	tp->snd_wnd = th->win; /* a SYN's window is not scaled */
	tp->max_window = tp->snd_wnd;
	tcp_set_state(tp, TCP_SYN_RCVD);
	tcp_send_synack(tp);
}

/* ---- SYN_SENT (§3.10.7.3) ---- */

static void established(struct tcp_sock *tp)
{
	tcp_set_state(tp, TCP_ESTABLISHED);
	tcp_init_transfer(tp);
	enter_quickack(tp, 16);
	tcp_sndbuf_expand(tp);
}

static void synsent_input(struct tcp_sock *tp, struct packet *p)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	bool ack_ok = false;
	if (th->flags & TH_ACK) {
		if (seq_leq(th->ack, tp->iss) || seq_after(th->ack, tp->snd_nxt)) {
			if (!(th->flags & TH_RST))
				tcp_reset_reply(tp->node, p);
			return;
		}
		ack_ok = true;
	}
	if (th->flags & TH_RST) {
		if (ack_ok) {
			tcp_done(tp, TCP_ECONNREFUSED);
		}
		return;
	}
	if (!(th->flags & TH_SYN))
		return;
	tp->irs = th->seq;
	tp->rcv_nxt = th->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	syn_options(tp, p);
	if (ack_ok) {
		/* SYN-ACK: ECN is on if we asked and it has ECE without CWR */
		tp->ecn_ok = tp->cfg.ecn && (th->flags & TH_ECE) && !(th->flags & TH_CWR);
		tp->snd_wl1 = th->seq;
		tcp_ack(tp, p); /* takes the SYN off the queue, RTT sample, window */
		tp->snd_wnd = th->win; /* a SYN-ACK's window is not scaled */
		tp->max_window = tp->snd_wnd;
		tp->snd_wl1 = th->seq;
		tp->snd_wl2 = th->ack;
		established(tp);
		if (rec_on_event(tp->sim, tp->world->m_state))
			tcp_log(tp, "connected", "in %.6f s", sim_to_sec(tp->sim->now - tp->start_ns));
		tcp_app_connected(tp);
		/* the handshake's last ACK, unless data carries it: what was
		 * queued before, or what the app sends when it hears */
		tcp_ack_after_app(tp, true, false);
		if (tp->shut_wr) {
			tcp_fin_state(tp);
			tcp_send_fin(tp);
		}
		tcp_write_xmit(tp);
	} else {
		/* simultaneous open (RFC 9293 Figure 7): SYN_RCVD, SYN-ACK with
		 * our original sequence number */
		tp->ecn_ok = tp->cfg.ecn && (th->flags & (TH_ECE | TH_CWR)) == (TH_ECE | TH_CWR);
		tp->snd_wnd = th->win;
		tcp_set_state(tp, TCP_SYN_RCVD);
		tcp_send_synack(tp);
	}
}

/* ---- synchronized states (§3.10.7.4) ---- */

static bool seq_acceptable(const struct tcp_sock *tp, uint32_t seq, uint32_t len)
{
	/* Linux tcp_sequence: not entirely before the last window edge we
	 * advertised, not after the window */
	uint32_t wnd = seq_after(tp->rcv_wup + tp->rcv_wnd, tp->rcv_nxt)
			       ? tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt : 0;
	if (seq_before(seq + len, tp->rcv_wup))
		return false; /* all old, a zero-window probe too: answer with an ACK */
	return !seq_after(seq, tp->rcv_nxt + wnd);
}

static bool rcv_rst(struct tcp_sock *tp, const struct packet *p)
{
	/* RFC 5961 §3.2: reset only on an exact match, else a challenge ACK */
	if (p->l4.tcp.seq != tp->rcv_nxt) {
		tcp_send_ack(tp);
		return false;
	}
	switch (tp->state) {
	case TCP_SYN_RCVD:
		if (tp->parent) { /* passive open: the child just goes */
			tp->orphan = true;
			tcp_done(tp, 0);
			return true;
		}
		tcp_done(tp, TCP_ECONNREFUSED);
		return true;
	case TCP_CLOSING: case TCP_LAST_ACK: case TCP_TIME_WAIT:
		tcp_done(tp, 0);
		return true;
	default:
		tcp_done(tp, TCP_ECONNRESET);
		return true;
	}
}

/* TIME_WAIT (Linux tcp_timewait_state_process).  A bare ACK or a RST
 * exactly at rcv_nxt is in window: the ACK restarts the 2MSL timer, the
 * RST ends TIME_WAIT at once (Linux's default tcp_rfc1337 = 0, not RFC
 * 1337).  A SYN that cannot be an old duplicate may open a new
 * connection (RFC 1122 §4.2.2.13 by sequence number, RFC 6191 by
 * timestamp): its sequence number is beyond rcv_nxt or its timestamp
 * newer than ts_recent; the caller hands it to the listener.  Anything
 * else, a retransmitted FIN above all, is answered with an ACK. */
enum { TW_DONE, TW_SYN };
static int time_wait_input(struct tcp_sock *tp, const struct packet *p, uint32_t *isn)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	bool rst = th->flags & TH_RST;
	bool saw_ts = tp->ts_ok && (th->opts & TCPOPT_F_TS);
	/* PAWS (RFC 7323 §5); a RST is not rejected within TIME_WAIT's
	 * lifetime, as Linux's TCP_PAWS_MSL */
	bool paws_reject = saw_ts && !rst && (int32_t)(th->tsval - tp->ts_recent) < 0;
	uint32_t seq = th->seq, end = seq + seg_len(p);
	simtime_t now = tp->sim->now;
	if (!paws_reject && seq == tp->rcv_nxt && (seq == end || rst)) {
		if (rst) {
			tcp_done(tp, 0);
			return TW_DONE;
		}
		timer_arm(tp->sim, &tp->t_wait, now + tp->cfg.time_wait);
		if (saw_ts) {
			tp->ts_recent = th->tsval;
			tp->ts_recent_stamp = now;
		}
		return TW_DONE;
	}
	if ((th->flags & (TH_SYN | TH_RST | TH_ACK)) == TH_SYN && !paws_reject &&
	    (seq_after(seq, tp->rcv_nxt) || (saw_ts && (int32_t)(th->tsval - tp->ts_recent) > 0))) {
		*isn = tp->snd_nxt + 65535 + 2;
		if (!*isn)
			(*isn)++;
		return TW_SYN;
	}
	if (!rst) {
		/* an ACK-less SYN may be an old duplicate or a new SYN with a
		 * sequence number below rcv_nxt: it does not restart the timer */
		if (paws_reject || (th->flags & TH_ACK))
			timer_arm(tp->sim, &tp->t_wait, now + tp->cfg.time_wait);
		tcp_send_ack(tp);
	}
	return TW_DONE;
}

/* The child reached ESTABLISHED: tell the listener's app. */
static void accept_child(struct tcp_sock *tp)
{
	struct tcp_sock *l = tp->parent;
	if (!l)
		return;
	if (l->pending)
		l->pending--;
	tp->parent = NULL;
	if (l->state == TCP_LISTEN && !l->orphan && l->cb.accept) {
		tcp_app_accept(l, tp);
	} else {
		/* nobody to accept it: the connection is reset */
		tcp_abort(tp);
	}
}

static void state_input(struct tcp_sock *tp, struct packet *p, bool *kept)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	uint32_t len = seg_len(p);
	/* RFC 7323 §5.3 PAWS: an old timestamp means an old duplicate */
	if (tp->ts_ok && (th->opts & TCPOPT_F_TS) && !(th->flags & TH_RST) &&
	    (int32_t)(th->tsval - tp->ts_recent) < 0 &&
	    tp->sim->now - tp->ts_recent_stamp < SIM_S(24 * 24 * 3600)) {
		tcp_send_ack(tp);
		return;
	}
	/* 1. sequence number */
	if (!seq_acceptable(tp, th->seq, len)) {
		if (!(th->flags & TH_RST))
			tcp_send_ack(tp);
		return;
	}
	/* 2. RST */
	if (th->flags & TH_RST) {
		rcv_rst(tp, p);
		return;
	}
	/* timestamps to echo: RFC 7323 §4.3 */
	if (tp->ts_ok && (th->opts & TCPOPT_F_TS) && seq_leq(th->seq, tp->rcv_wup) &&
	    (int32_t)(th->tsval - tp->ts_recent) >= 0) {
		tp->ts_recent = th->tsval;
		tp->ts_recent_stamp = tp->sim->now;
	}
	/* 4. SYN.  A SYN at irs is old: the one we answered.  Alone, it means
	 * our SYN-ACK was lost; with an ACK it is the peer's SYN-ACK of a
	 * simultaneous open (RFC 9293 Figure 7), whose SYN is trimmed away as
	 * an old part of the segment. */
	if (th->flags & TH_SYN) {
		if (th->seq == tp->irs && tp->state == TCP_SYN_RCVD) {
			if (!(th->flags & TH_ACK)) {
				tcp_retransmit_seg(tp, 0);
				return;
			}
		} else {
			tcp_send_ack(tp); /* RFC 5961 §4.2: challenge ACK */
			return;
		}
	}
	/* 5. ACK */
	if (!(th->flags & TH_ACK))
		return;
	if (tp->state == TCP_SYN_RCVD) {
		if (seq_leq(th->ack, tp->snd_una) || seq_after(th->ack, tp->snd_nxt)) {
			tcp_reset_reply(tp->node, p);
			return;
		}
		tcp_ack(tp, p);
		tp->snd_wnd = (th->flags & TH_SYN) ? th->win : (uint32_t)th->win << tp->snd_wscale;
		tp->max_window = tp->snd_wnd;
		tp->snd_wl1 = th->seq;
		tp->snd_wl2 = th->ack;
		established(tp);
		if (tp->parent) {
			accept_child(tp);
		} else {
			/* an active open that met the peer's SYN: connected now */
			if (rec_on_event(tp->sim, tp->world->m_state))
				tcp_log(tp, "connected", "in %.6f s (simultaneous open)",
					sim_to_sec(tp->sim->now - tp->start_ns));
			tcp_app_connected(tp);
		}
		if (tp->state != TCP_ESTABLISHED)
			return;
		if (tp->shut_wr) {
			tcp_fin_state(tp);
			tcp_send_fin(tp);
		}
		tcp_write_xmit(tp);
	} else {
		if (seq_after(th->ack, tp->snd_nxt)) {
			tcp_send_ack(tp); /* acknowledges what we never sent */
			return;
		}
		if (tcp_ack(tp, p) < 0 || tp->state == TCP_CLOSED)
			return;
	}
	bool fin_acked = tp->fin_sent && tp->snd_una == tp->snd_nxt;
	switch (tp->state) {
	case TCP_FIN_WAIT_1:
		if (fin_acked) {
			tcp_set_state(tp, TCP_FIN_WAIT_2);
			if (tp->orphan)
				timer_arm(tp->sim, &tp->t_wait, tp->sim->now + tp->cfg.fin_timeout);
		}
		break;
	case TCP_CLOSING:
		if (fin_acked) {
			tcp_time_wait(tp);
			return;
		}
		break;
	case TCP_LAST_ACK:
		if (fin_acked) {
			tcp_done(tp, 0);
			return;
		}
		break;
	default:
		break;
	}
	/* 7. data, 8. FIN */
	bool ack_now = false;
	switch (tp->state) {
	case TCP_ESTABLISHED: case TCP_FIN_WAIT_1: case TCP_FIN_WAIT_2:
		if (p->payload_len || (th->flags & TH_FIN)) {
			rcv_rtt_measure(tp, p);
			if ((p->ip.tos & 3) == ECN_CE && tp->ecn_ok) {
				tp->ece_pending = true; /* RFC 3168 §6.1.3 */
				enter_quickack(tp, 2);
			}
			*kept = data_queue(tp, p, &ack_now);
			if (tp->state == TCP_CLOSED || tp->state == TCP_TIME_WAIT)
				return;
			if (p->payload_len)
				tcp_ack_after_app(tp, false, ack_now);
			else if (ack_now)
				tcp_send_ack(tp);
		}
		break;
	default:
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer already sent its FIN.
		 * A segment that repeats what we had (its FIN above all: our
		 * ACK of it was lost) is ACKed at once, or the peer would
		 * retransmit it until it gives up (Linux tcp_data_queue's
		 * "retransmit" case, RFC 9293 §3.10.7.4) */
		if (len && seq_before(th->seq, tp->rcv_nxt)) {
			uint32_t end = th->seq + p->payload_len;
			if (p->payload_len && seq_leq(end, tp->rcv_nxt))
				dsack_set(tp, th->seq, end);
			tcp_send_ack(tp);
		}
		break;
	}
	if ((th->flags & TH_CWR) && tp->ecn_ok)
		tp->ece_pending = false;
}

void tcp_input(struct node *nd, struct packet *p)
{
	struct tcp_stack *st = nd->l4[L4_TCP];
	struct tcp_sock *tp = st ? tcp_lookup(st, p) : NULL;
	if (!tp || tp->state == TCP_CLOSED || tp->freed) {
		tcp_reset_reply(nd, p);
		net_drop(nd->net, nd->name, "tcp-no-socket", p);
		return;
	}
	tcp_enter(st);
	tp->segs_in++;
	bool kept = false;
	switch (tp->state) {
	case TCP_LISTEN:
		listen_input(tp, p, NULL);
		break;
	case TCP_TIME_WAIT: {
		uint32_t isn;
		if (time_wait_input(tp, p, &isn) == TW_SYN) {
			/* the old connection ends; the SYN goes to the listener,
			 * or is refused if there is none */
			tcp_done(tp, 0);
			struct tcp_sock *l = tcp_lookup(st, p);
			if (l && l->state == TCP_LISTEN && !l->freed) {
				listen_input(l, p, &isn);
				TCP_CHECK_SOCK(l);
			} else {
				tcp_reset_reply(nd, p);
			}
		}
		break;
	}
	case TCP_SYN_SENT:
		synsent_input(tp, p);
		break;
	default:
		state_input(tp, p, &kept);
		break;
	}
	if (!kept)
		pkt_free(nd->net->sim, p);
	TCP_CHECK_SOCK(tp);
	if (tp->parent)
		TCP_CHECK_SOCK(tp->parent);
	tcp_leave(st); /* the app hears of it now */
}

/* ICMP errors about our segments (RFC 1122 §4.2.3.9): unreachable is fatal
 * while connecting (Linux reports it then), otherwise soft. */
void tcp_icmp_error(struct node *nd, const struct packet *icmp)
{
	struct tcp_stack *st = nd->l4[L4_TCP];
	if (!st || icmp->l4.icmp.type != ICMP_DEST_UNREACH)
		return;
	const struct icmp_hdr *ic = &icmp->l4.icmp;
	struct packet q = { 0 };
	q.ip.src = ic->q_ip.dst;
	q.ip.dst = ic->q_ip.src;
	q.l4.tcp.sport = ic->q_dport;
	q.l4.tcp.dport = ic->q_sport;
	struct tcp_sock *tp = tcp_lookup(st, &q);
	tcp_enter(st);
	if (tp && tp->state == TCP_SYN_SENT && tp->raddr == q.ip.src)
		tcp_done(tp, TCP_EHOSTUNREACH);
	tcp_leave(st);
}
