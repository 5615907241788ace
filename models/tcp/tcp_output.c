/* TCP output: building segments with their options, the send loop (send
 * window, congestion window, Nagle, pacing), retransmissions, ACKs and
 * resets.  As Linux's tcp_output.c.
 *
 * Options are laid out as Linux does: SYN carries MSS, SACK-permitted,
 * timestamps and window scale (RFC 9293 §3.7.1, RFC 2018, RFC 7323); other
 * segments carry timestamps and up to three SACK blocks (four without
 * timestamps), the first being a D-SACK when one is due (RFC 2883). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/util.h"
#include "tcp_priv.h"

struct pbuf *tcp_sndq_bytes(struct tcp_sock *tp, uint64_t off, uint32_t len);

/* ---- the retransmission queue ---- */

void tcp_tsorted_append(struct tcp_sock *tp, struct tcp_txseg *s)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t pos = txq_pos(q, s);
	if (s->tlinked)
		tcp_tsorted_unlink(tp, s);
	s->tlinked = true;
	s->tnext = TS_NONE;
	s->tprev = tp->ts_tail;
	if (tp->ts_tail != TS_NONE)
		q->v[tp->ts_tail].tnext = pos;
	else
		tp->ts_head = pos;
	tp->ts_tail = pos;
}

void tcp_tsorted_unlink(struct tcp_sock *tp, struct tcp_txseg *s)
{
	struct tcp_txq *q = &tp->txq;
	if (!s->tlinked)
		return;
	if (s->tprev != TS_NONE)
		q->v[s->tprev].tnext = s->tnext;
	else
		tp->ts_head = s->tnext;
	if (s->tnext != TS_NONE)
		q->v[s->tnext].tprev = s->tprev;
	else
		tp->ts_tail = s->tprev;
	s->tlinked = false;
}

static int cmp_xmit(const void *a, const void *b, void *ctx)
{
	const struct tcp_txq *q = ctx;
	const struct tcp_txseg *x = &q->v[*(const uint32_t *)a], *y = &q->v[*(const uint32_t *)b];
	if (x->xmit_time != y->xmit_time)
		return x->xmit_time < y->xmit_time ? -1 : 1;
	return seq_before(x->end, y->end) ? -1 : seq_after(x->end, y->end);
}

/* After an undo un-marks losses: every segment in flight and not SACKed,
 * by transmission time (rare, so a sort will do). */
void tcp_tsorted_rebuild(struct tcp_sock *tp)
{
	struct tcp_txq *q = &tp->txq;
	uint32_t *pos = xmalloc((q->len ? q->len : 1) * sizeof(*pos));
	uint32_t n = 0;
	for (uint32_t i = 0; i < q->len; i++) {
		struct tcp_txseg *s = txq_at(q, i);
		s->tlinked = false;
		if (!(s->sacked & SEG_SACKED) && (!(s->sacked & SEG_LOST) || (s->sacked & SEG_RETRANS)))
			pos[n++] = txq_pos(q, s);
	}
	/* insertion sort by (xmit_time, end): the order is nearly right already */
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && cmp_xmit(&pos[j - 1], &pos[j], q) > 0; j--) {
			uint32_t t = pos[j];
			pos[j] = pos[j - 1];
			pos[j - 1] = t;
		}
	tp->ts_head = tp->ts_tail = TS_NONE;
	for (uint32_t i = 0; i < n; i++)
		tcp_tsorted_append(tp, &q->v[pos[i]]);
	free(pos);
}

void tcp_txq_push(struct tcp_sock *tp, const struct tcp_txseg *s)
{
	struct tcp_txq *q = &tp->txq;
	if (q->len == q->cap) {
		/* grow, and move the time-sorted links to the new positions */
		uint32_t cap = q->cap ? q->cap * 2 : 4;
		struct tcp_txseg *v = xmalloc(cap * sizeof(*v));
		for (uint32_t i = 0; i < q->len; i++)
			v[i] = *txq_at(q, i);
		uint32_t oldcap = q->cap, head = q->head;
#define REMAP(p) ((p) == TS_NONE ? TS_NONE : (((p) - head) & (oldcap - 1)))
		for (uint32_t i = 0; i < q->len; i++) {
			v[i].tprev = REMAP(v[i].tprev);
			v[i].tnext = REMAP(v[i].tnext);
		}
		tp->ts_head = REMAP(tp->ts_head);
		tp->ts_tail = REMAP(tp->ts_tail);
#undef REMAP
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	struct tcp_txseg *slot = txq_at(q, q->len);
	*slot = *s;
	slot->tlinked = false;
	q->len++;
	tp->packets_out++;
	tcp_tsorted_append(tp, slot);
}

void tcp_txq_pop(struct tcp_sock *tp)
{
	struct tcp_txq *q = &tp->txq;
	tcp_tsorted_unlink(tp, txq_at(q, 0));
	q->head = (q->head + 1) & (q->cap - 1);
	q->len--;
	tp->packets_out--;
}

uint32_t tcp_txq_lower_bound(const struct tcp_sock *tp, uint32_t x)
{
	uint32_t lo = 0, hi = tp->txq.len;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (seq_before(txq_at(&tp->txq, mid)->seq, x))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}


/* ---- the receive window we advertise ---- */

/* Free receive-buffer space we may offer: no more than rcv_ssthresh, which
 * grows as data arrives (Linux tcp_grow_window), so a fresh connection does
 * not open a huge window before the sender has shown it can fill it. */
uint32_t tcp_receive_window_free(const struct tcp_sock *tp)
{
	uint64_t used = tp->rcvq.bytes + tp->ooo_bytes;
	uint64_t free_space = tp->rcvbuf > used ? tp->rcvbuf - used : 0;
	uint64_t max = 65535ull << tp->rcv_wscale;
	if (free_space > tp->rcv_ssthresh)
		free_space = tp->rcv_ssthresh;
	return (uint32_t)(free_space < max ? free_space : max);
}

/* The window for the next segment (RFC 9293 §3.8.6.2.2, Linux
 * __tcp_select_window): no small windows (receiver-side silly window
 * avoidance), never shrinking the right edge already offered, a multiple
 * of the scale unit. */
uint32_t tcp_select_window(struct tcp_sock *tp)
{
	uint32_t free_space = tcp_receive_window_free(tp);
	uint32_t full = tp->rcvbuf < (65535ull << tp->rcv_wscale) ? (uint32_t)tp->rcvbuf
								   : 65535u << tp->rcv_wscale;
	uint32_t mss = tp->rcv_mss ? tp->rcv_mss : tp->adv_mss;
	uint32_t win;
	if (free_space < full / 2 && free_space < mss)
		win = 0;
	else
		win = free_space & ~((1u << tp->rcv_wscale) - 1);
	uint32_t cur = seq_after(tp->rcv_wup + tp->rcv_wnd, tp->rcv_nxt)
			       ? tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt : 0;
	if (win < cur)
		win = (cur + (1u << tp->rcv_wscale) - 1) & ~((1u << tp->rcv_wscale) - 1);
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win;
}

/* ---- building and sending one segment ---- */

static void ack_sent(struct tcp_sock *tp)
{
	tp->ack_pending = false;
	tp->unacked_bytes = 0;
	if (tp->quick)
		tp->quick--;
	timer_cancel(&tp->t_delack);
}

/* "SA seq=0 ack=1 win=65535 len=0": a segment as Wireshark shows it, with
 * sequence numbers relative to the initial ones. */
static void trace_segment(struct tcp_sock *tp, const struct packet *p, bool retrans)
{
	struct tcp_world *w = tp->world;
	if (!rec_on_event(tp->sim, w->m_seg))
		return;
	const struct tcp_hdr *th = &p->l4.tcp;
	static const char names[] = "FSRPAUEC";
	char flags[9];
	int n = 0;
	for (int i = 0; i < 8; i++)
		if (th->flags & (1 << i))
			flags[n++] = names[i];
	flags[n] = '\0';
	tcp_log(tp, "tcp_tx", "%s seq=%u ack=%u win=%u len=%u state=%s%s", flags, th->seq - tp->iss,
		(th->flags & TH_ACK) ? th->ack - tp->irs : 0, (uint32_t)th->win << (th->flags & TH_SYN ? 0 : tp->rcv_wscale),
		p->payload_len, tcp_state_name(tp->state), retrans ? " retransmission" : "");
}

/* Sends one segment: [seq, seq+len) of data with the given flags.  The
 * ACK field, window, timestamps and SACK blocks are filled in here. */
static void transmit(struct tcp_sock *tp, uint32_t seq, uint32_t len, uint8_t flags, bool retrans)
{
	struct sim *s = tp->sim;
	struct packet *p = pkt_alloc(s);
	struct tcp_hdr *th = &p->l4.tcp;
	p->ip.proto = IPPROTO_TCP_;
	p->ip.src = tp->laddr;
	p->ip.dst = tp->raddr;
	p->ip.df = true;
	p->ip.tos = tp->cfg.tos & 0xfc;
	th->sport = tp->lport;
	th->dport = tp->rport;
	th->seq = seq;
	th->flags = flags;
	if (tp->state != TCP_SYN_SENT || (flags & TH_ACK)) {
		th->flags |= TH_ACK;
		th->ack = tp->rcv_nxt;
	}
	if (flags & TH_SYN) {
		/* a SYN's window is never scaled (RFC 7323 §2.2) */
		uint32_t w = tp->rcv_wnd;
		th->win = (uint16_t)(w > 65535 ? 65535 : w);
		th->opts = TCPOPT_F_MSS;
		th->mss = (uint16_t)tp->adv_mss;
		bool synack = flags & TH_ACK;
		if (tp->cfg.sack && (!synack || tp->sack_ok))
			th->opts |= TCPOPT_F_SACK_OK;
		if (tp->cfg.timestamps && (!synack || tp->ts_ok)) {
			th->opts |= TCPOPT_F_TS;
			th->tsval = tcp_ts_now(tp);
			th->tsecr = synack ? tp->ts_recent : 0;
		}
		if (tp->cfg.window_scaling && (!synack || tp->wscale_ok)) {
			th->opts |= TCPOPT_F_WSCALE;
			th->wscale = tp->rcv_wscale;
		}
	} else {
		th->win = (uint16_t)(tcp_select_window(tp) >> tp->rcv_wscale);
		if (tp->ts_ok) {
			th->opts = TCPOPT_F_TS;
			th->tsval = tcp_ts_now(tp);
			th->tsecr = tp->ts_recent;
		}
		if (tp->sack_ok && (tp->nsack || tp->dsack_pending)) {
			int max = tp->ts_ok ? 3 : 4, n = 0;
			/* the blocks must not push the segment past the MSS the
			 * path takes (a full data segment, resent, has no room) */
			int room = ((int)tp->mss - (int)len - 4) / 8;
			if (room < max)
				max = room < 0 ? 0 : room;
			if (tp->dsack_pending && n < max) {
				th->sack[n++] = tp->dsack;
				tp->dsack_pending = false;
			}
			for (int i = 0; i < tp->nsack && n < max; i++)
				th->sack[n++] = tp->sack[i];
			th->nsack = (uint8_t)n;
		}
	}
	/* ECN (RFC 3168 §6.1): ECT(0) on new data only; ECE until CWR */
	if (tp->ecn_ok) {
		if (len && !retrans && !(flags & TH_SYN)) {
			p->ip.tos |= ECN_ECT0;
			if (tp->cwr_pending) {
				th->flags |= TH_CWR;
				tp->cwr_pending = false;
			}
		}
		if (tp->ece_pending && !(flags & TH_SYN))
			th->flags |= TH_ECE;
	}
	p->payload_len = len;
	if (len)
		p->payload = tcp_sndq_bytes(tp, (uint64_t)(uint32_t)(seq - tp->sndq_seq), len);
	p->flow_hash = tp->laddr ^ tp->raddr * 2654435761u ^ (uint32_t)tp->lport << 16 ^ tp->rport;
	pkt_set_len(p);
	tp->segs_out++;
	if (len) {
		if (!tp->data_segs_out)
			tcp_probes_add(tp); /* a sender: its series are worth sampling */
		tp->data_segs_out++;
		tp->bytes_sent += len;
	}
	if (th->flags & TH_ACK)
		ack_sent(tp);
	trace_segment(tp, p, retrans);
	ip_send(tp->node, p);
}

/* ---- handshake segments ---- */

/* The SYN's sequence number enters the retransmit queue like data. */
static void queue_syn(struct tcp_sock *tp)
{
	struct tcp_txseg s = { .seq = tp->iss, .end = tp->iss + 1, .flags = TH_SYN,
			       .xmit_time = tp->sim->now, .txcount = 1 };
	tcp_rate_skb_sent(tp, &s);
	tcp_txq_push(tp, &s);
	tp->snd_nxt = tp->iss + 1;
	tp->snd_sml = tp->iss + 1; /* no short segment yet (Linux tcp_connect_init) */
}

void tcp_send_syn(struct tcp_sock *tp)
{
	uint8_t flags = TH_SYN;
	if (tp->cfg.ecn)
		flags |= TH_ECE | TH_CWR; /* RFC 3168 §6.1.1: ECN-setup SYN */
	queue_syn(tp);
	transmit(tp, tp->iss, 0, flags, false);
	tcp_xmit_timer_arm(tp, XT_RTO, tp->sim->now + tp->rto);
}

void tcp_send_synack(struct tcp_sock *tp)
{
	uint8_t flags = TH_SYN | TH_ACK;
	if (tp->ecn_ok)
		flags |= TH_ECE; /* RFC 3168 §6.1.1: ECN-setup SYN-ACK */
	if (!tp->txq.len)
		queue_syn(tp);
	transmit(tp, tp->iss, 0, flags, false);
	tcp_xmit_timer_arm(tp, XT_RTO, tp->sim->now + tp->rto);
}

/* ---- the send loop ---- */

/* Linux tcp_cwnd_restart (RFC 5681 §4.1): after an idle period longer
 * than the RTO, start again from the restart window. */
static void cwnd_restart_after_idle(struct tcp_sock *tp)
{
	if (tp->packets_out || !tp->lsndtime)
		return;
	simtime_t idle = tp->sim->now - tp->lsndtime;
	if (idle <= tp->rto || tp->cc->cong_control)
		return;
	tcp_ca_event(tp, CA_EVENT_CWND_RESTART);
	uint32_t restart = tp->cfg.init_cwnd < tp->snd_cwnd ? tp->cfg.init_cwnd : tp->snd_cwnd;
	tp->snd_ssthresh = tp->snd_ssthresh > (tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2)
				   ? tp->snd_ssthresh : (tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2);
	for (simtime_t t = idle; t > tp->rto && tp->snd_cwnd > restart; t -= tp->rto)
		tp->snd_cwnd >>= 1;
	if (tp->snd_cwnd < restart)
		tp->snd_cwnd = restart;
	tp->cwnd_stamp = tp->sim->now;
}

static void pacing_account(struct tcp_sock *tp, uint32_t len)
{
	if (!tp->pacing || !tp->pacing_rate)
		return;
	/* Linux tcp_update_skb_after_send: the next departure is one packet's
	 * worth of time at the pacing rate after this one (skb->len there is
	 * the TCP segment: header, options and data) */
	uint64_t bytes = (uint64_t)len + TCP_HDR_LEN + (tp->ts_ok ? 12 : 0);
	simtime_t gap = (simtime_t)(bytes * 1000000000ull / tp->pacing_rate);
	simtime_t base = tp->next_send > tp->sim->now ? tp->next_send : tp->sim->now;
	tp->next_send = base + gap;
}

/* Linux tcp_current_mss: the data a new segment may carry now, leaving
 * room for the SACK blocks we have to report. */
static uint32_t current_mss(const struct tcp_sock *tp)
{
	if (!tp->sack_ok || (!tp->nsack && !tp->dsack_pending))
		return tp->mss;
	int n = tp->nsack + (tp->dsack_pending ? 1 : 0), max = tp->ts_ok ? 3 : 4;
	if (n > max)
		n = max;
	uint32_t opt = 4 + 8u * (uint32_t)n;
	return tp->mss > opt + 64 ? tp->mss - opt : tp->mss;
}

/* Sends a new data segment [snd_nxt, snd_nxt+len), with a FIN if it ends
 * the data and the app asked for one. */
static void send_new(struct tcp_sock *tp, uint32_t len)
{
	uint8_t flags = TH_ACK;
	uint32_t seq = tp->snd_nxt, end = seq + len;
	if (end == tp->write_seq && len)
		flags |= TH_PSH;
	if (tp->shut_wr && !tp->fin_sent && end == tp->write_seq) {
		flags |= TH_FIN;
		tp->fin_sent = true;
	}
	cwnd_restart_after_idle(tp);
	struct tcp_txseg s = { .seq = seq, .end = end + ((flags & TH_FIN) ? 1 : 0), .len = len,
			       .flags = flags & (TH_FIN | TH_PSH), .xmit_time = tp->sim->now, .txcount = 1 };
	bool was_empty = tp->packets_out == 0;
	if (was_empty)
		tcp_ca_event(tp, CA_EVENT_TX_START);
	tcp_rate_skb_sent(tp, &s);
	tcp_txq_push(tp, &s);
	tp->snd_nxt = s.end;
	if (len < current_mss(tp))
		tp->snd_sml = s.end; /* Linux tcp_minshall_update */
	if (tp->ca_state == TCP_CA_Recovery || tp->ca_state == TCP_CA_CWR)
		tp->prr_out++;
	transmit(tp, seq, len, flags, false);
	tp->lsndtime = tp->sim->now;
	pacing_account(tp, len);
	if (was_empty || tp->xt == XT_NONE || tp->xt == XT_PROBE0)
		tcp_rearm_rto(tp);
	if (flags & TH_FIN) {
		if (tp->state == TCP_ESTABLISHED)
			tcp_set_state(tp, TCP_FIN_WAIT_1);
		else if (tp->state == TCP_CLOSE_WAIT)
			tcp_set_state(tp, TCP_LAST_ACK);
	}
}

void tcp_pace_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	if (tp->state >= TCP_ESTABLISHED && tp->state != TCP_TIME_WAIT) {
		tcp_xmit_retransmit_queue(tp);
		tcp_write_xmit(tp);
	}
}

/* Is the pacing clock holding the next segment back?  Arms its timer. */
static bool paced(struct tcp_sock *tp)
{
	if (!tp->pacing || !tp->pacing_rate || tp->next_send <= tp->sim->now)
		return false;
	if (!timer_pending(&tp->t_pace) || timer_expiry(&tp->t_pace) != tp->next_send)
		timer_arm(tp->sim, &tp->t_pace, tp->next_send);
	return true;
}

/* Linux tcp_minshall_check: a short segment sent earlier is still
 * unacknowledged (snd_una < snd_sml <= snd_nxt). */
static bool minshall_check(const struct tcp_sock *tp)
{
	return seq_after(tp->snd_sml, tp->snd_una) && !seq_after(tp->snd_sml, tp->snd_nxt);
}

void tcp_write_xmit(struct tcp_sock *tp)
{
	if (tp->state < TCP_ESTABLISHED || tp->state == TCP_TIME_WAIT || tp->freed)
		return;
	bool cwnd_limited = false, sent = false;
	while (tcp_has_unsent(tp)) {
		if (paced(tp))
			break;
		uint32_t in_flight = tcp_packets_in_flight(tp);
		if (in_flight >= tp->snd_cwnd) {
			cwnd_limited = true;
			break;
		}
		uint32_t unsent = seq_before(tp->snd_nxt, tp->write_seq) ? tp->write_seq - tp->snd_nxt : 0;
		uint32_t mss = current_mss(tp);
		uint32_t len = unsent < mss ? unsent : mss;
		/* the peer's window: a whole segment must fit (Linux
		 * tcp_snd_wnd_test); a bare FIN always goes */
		if (len && seq_after(tp->snd_nxt + len, tcp_wnd_end(tp)))
			break;
		/* Nagle (RFC 896, RFC 9293 §3.7.4) in Minshall's variant, as
		 * Linux tcp_nagle_test: a short segment waits only while an
		 * earlier short one is unacknowledged; one with the FIN goes */
		bool fin_with_it = tp->shut_wr && tp->snd_nxt + len == tp->write_seq;
		if (len < mss && tp->cfg.nagle && !fin_with_it && tp->packets_out && minshall_check(tp))
			break;
		send_new(tp, len);
		sent = true;
		if (tp->freed)
			return;
	}
	tcp_cwnd_validate(tp, cwnd_limited);
	if (sent) {
		tcp_schedule_loss_probe(tp);
		tcp_sndbuf_expand(tp);
	}
	if (!tp->packets_out)
		tcp_check_probe_timer(tp);
	tcp_rate_check_app_limited(tp);
}

/* ---- retransmission ---- */

void tcp_retransmit_seg(struct tcp_sock *tp, uint32_t idx)
{
	struct tcp_txseg *s = txq_at(&tp->txq, idx);
	uint8_t flags = s->flags & (TH_SYN | TH_FIN | TH_PSH);
	if (tp->state == TCP_SYN_RCVD && (flags & TH_SYN)) {
		tcp_send_synack(tp);
	} else {
		transmit(tp, s->seq, s->len, flags, true);
	}
	if (!(s->sacked & SEG_RETRANS)) {
		s->sacked |= SEG_RETRANS;
		tp->retrans_out++;
	}
	tcp_tsorted_append(tp, s); /* it is the newest sent now */
	s->sacked |= SEG_EVER_RETRANS;
	s->txcount++;
	s->xmit_time = tp->sim->now;
	tcp_rate_skb_sent(tp, s);
	tp->retrans_segs++;
	if (tp->undo_marker)
		tp->undo_retrans++;
	if (!tp->retrans_stamp)
		tp->retrans_stamp = tp->sim->now;
	if (tp->ca_state == TCP_CA_Recovery || tp->ca_state == TCP_CA_CWR)
		tp->prr_out++;
	if (rec_on_event(tp->sim, tp->world->m_state))
		tcp_log(tp, "retransmit", "seq=%u len=%u", s->seq - tp->iss, s->len);
	pacing_account(tp, s->len);
	tp->lsndtime = tp->sim->now;
}

/* Linux tcp_xmit_retransmit_queue: resend segments marked lost, oldest
 * first, while the congestion window allows; the scan starts at rtx_hint. */
void tcp_xmit_retransmit_queue(struct tcp_sock *tp)
{
	if (!tp->lost_out || tp->freed)
		return;
	uint32_t i = tcp_txq_lower_bound(tp, tp->rtx_hint);
	for (; i < tp->txq.len; i++) {
		struct tcp_txseg *s = txq_at(&tp->txq, i);
		if ((s->sacked & (SEG_LOST | SEG_SACKED | SEG_RETRANS)) != SEG_LOST)
			continue;
		if (tcp_packets_in_flight(tp) >= tp->snd_cwnd || paced(tp))
			break;
		tcp_retransmit_seg(tp, i);
		if (i == 0)
			tcp_rearm_rto(tp);
	}
	tp->rtx_hint = i < tp->txq.len ? txq_at(&tp->txq, i)->seq : tp->snd_nxt;
}

/* ---- ACKs, FIN, RST ---- */

void tcp_send_ack(struct tcp_sock *tp)
{
	if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN || tp->state == TCP_SYN_SENT)
		return;
	transmit(tp, tp->snd_nxt, 0, TH_ACK, false);
}

/* Linux tcp_send_delayed_ack: the ACK waits ato (at least 40 ms) for data
 * to ride on or for a second segment. */
void tcp_send_delayed_ack(struct tcp_sock *tp)
{
	tp->ack_pending = true;
	if (!timer_pending(&tp->t_delack))
		timer_arm(tp->sim, &tp->t_delack, tp->sim->now + tp->ato);
}

void tcp_send_fin(struct tcp_sock *tp)
{
	tp->shut_wr = true;
	if (tp->fin_sent)
		return;
	/* the FIN rides on the last data segment, or goes alone */
	if (seq_before(tp->snd_nxt, tp->write_seq)) {
		tcp_write_xmit(tp);
		return;
	}
	send_new(tp, 0);
}

void tcp_send_reset(struct tcp_sock *tp)
{
	struct packet *p = pkt_alloc(tp->sim);
	p->ip.proto = IPPROTO_TCP_;
	p->ip.src = tp->laddr;
	p->ip.dst = tp->raddr;
	p->l4.tcp.sport = tp->lport;
	p->l4.tcp.dport = tp->rport;
	p->l4.tcp.seq = tp->snd_nxt;
	p->l4.tcp.ack = tp->rcv_nxt;
	p->l4.tcp.flags = TH_RST | TH_ACK;
	pkt_set_len(p);
	tp->segs_out++;
	trace_segment(tp, p, false);
	ip_send(tp->node, p);
}

/* RFC 9293 §3.10.7.1: the reset for a segment that reached no connection. */
void tcp_reset_reply(struct node *nd, const struct packet *in)
{
	const struct tcp_hdr *ih = &in->l4.tcp;
	if (ih->flags & TH_RST)
		return;
	struct packet *p = pkt_alloc(nd->net->sim);
	p->ip.proto = IPPROTO_TCP_;
	p->ip.src = in->ip.dst;
	p->ip.dst = in->ip.src;
	p->l4.tcp.sport = ih->dport;
	p->l4.tcp.dport = ih->sport;
	if (ih->flags & TH_ACK) {
		p->l4.tcp.seq = ih->ack;
		p->l4.tcp.flags = TH_RST;
	} else {
		uint32_t seglen = in->payload_len + ((ih->flags & TH_SYN) ? 1 : 0) + ((ih->flags & TH_FIN) ? 1 : 0);
		p->l4.tcp.seq = 0;
		p->l4.tcp.ack = ih->seq + seglen;
		p->l4.tcp.flags = TH_RST | TH_ACK;
	}
	pkt_set_len(p);
	ip_send(nd, p);
}

/* ---- zero-window probes (persist timer, RFC 9293 §3.8.6.1) ---- */

/* Linux tcp_check_probe_timer: nothing in flight, data waiting, and the
 * window closed: probe after an RTO, backing off. */
void tcp_check_probe_timer(struct tcp_sock *tp)
{
	if (tp->packets_out || !tcp_has_unsent(tp) || tp->xt != XT_NONE)
		return;
	simtime_t when = tp->rto << (tp->backoff < 16 ? tp->backoff : 16);
	if (when > tp->cfg.rto_max)
		when = tp->cfg.rto_max;
	tcp_xmit_timer_arm(tp, XT_PROBE0, tp->sim->now + when);
}

/* Linux tcp_write_wakeup/tcp_xmit_probe_skb: a segment with an old
 * sequence number and no data makes the peer answer with its window. */
void tcp_send_probe0(struct tcp_sock *tp)
{
	if (tp->packets_out || !tcp_has_unsent(tp) || tp->state < TCP_ESTABLISHED)
		return;
	uint32_t wnd_end = tcp_wnd_end(tp);
	if (seq_after(wnd_end, tp->snd_nxt)) {
		/* the window opened, but maybe less than a segment: send what
		 * fits (RFC 9293 §3.8.6.2.1, sender-side SWS avoidance) */
		uint32_t room = wnd_end - tp->snd_nxt;
		uint32_t unsent = seq_before(tp->snd_nxt, tp->write_seq) ? tp->write_seq - tp->snd_nxt : 0;
		uint32_t len = room < unsent ? room : unsent;
		if (len > tp->mss)
			len = tp->mss;
		tp->backoff = 0;
		tp->probes_out = 0;
		send_new(tp, len);
		tcp_write_xmit(tp);
		return;
	}
	transmit(tp, tp->snd_una - 1, 0, TH_ACK, false);
	tp->zwp_sent++;
	tp->probes_out++;
	if (tp->backoff < 16)
		tp->backoff++;
	tcp_log(tp, "zero_window_probe", "probe %d", tp->probes_out);
	tcp_check_probe_timer(tp);
}

/* ---- tail loss probe (RFC 8985 §7) ---- */

void tcp_schedule_loss_probe(struct tcp_sock *tp)
{
	if (!tp->cfg.rack || !tp->sack_ok || !tp->packets_out || tp->tlp_high_seq ||
	    (tp->ca_state != TCP_CA_Open && tp->ca_state != TCP_CA_CWR) ||
	    tp->state < TCP_ESTABLISHED)
		return;
	simtime_t pto;
	if (tp->srtt8) {
		pto = 2 * (tp->srtt8 >> 3);
		/* one packet out: the ACK may be delayed (WCDelAckT = 200 ms) */
		pto += tp->packets_out == 1 ? SIM_MS(200) : SIM_MS(2);
	} else {
		pto = SIM_S(1);
	}
	simtime_t rto_at = tp->sim->now + tp->rto;
	if (tp->xt == XT_RTO && timer_pending(&tp->t_xmit))
		rto_at = timer_expiry(&tp->t_xmit);
	simtime_t when = tp->sim->now + pto;
	if (when > rto_at)
		when = rto_at;
	tcp_xmit_timer_arm(tp, XT_TLP, when);
}

/* The probe: new data if the windows allow, else the last segment again. */
void tcp_send_loss_probe(struct tcp_sock *tp)
{
	uint32_t unsent = seq_before(tp->snd_nxt, tp->write_seq) ? tp->write_seq - tp->snd_nxt : 0;
	uint32_t wnd_end = tcp_wnd_end(tp);
	uint32_t len = unsent < tp->mss ? unsent : tp->mss;
	tp->tlp_count++;
	if (len && seq_leq(tp->snd_nxt + len, wnd_end)) {
		tp->tlp_high_seq = tp->snd_nxt;
		send_new(tp, len);
		tp->tlp_retrans = false;
	} else if (tp->txq.len) {
		uint32_t last = tp->txq.len - 1;
		tp->tlp_high_seq = tp->snd_nxt;
		tcp_log(tp, "tlp", "probe retransmits the last segment");
		tcp_retransmit_seg(tp, last);
		tp->tlp_retrans = true;
	}
	tcp_rearm_rto(tp);
}

/* ---- pacing rate (Linux tcp_update_pacing_rate) ---- */

/* Linux's sk_max_pacing_rate defaults to ~0UL: no cap but the type's. */
#define TCP_MAX_PACING_RATE UINT64_MAX

void tcp_update_pacing_rate(struct tcp_sock *tp)
{
	if (tp->cc->cong_control || !tp->srtt8)
		return;
	/* 200% of cwnd/srtt in slow start (tcp_pacing_ss_ratio), 120% in
	 * congestion avoidance (tcp_pacing_ca_ratio) */
	uint64_t ratio = tp->snd_cwnd < tp->snd_ssthresh / 2 ? 200 : 120;
	uint64_t cw = tp->snd_cwnd > tp->packets_out ? tp->snd_cwnd : tp->packets_out;
	/* bytes/s = mss * ratio/100 * cw * 8e9 / srtt8 (srtt8 in ns).  Linux
	 * does this in u64 with srtt in microseconds; in nanoseconds the
	 * product passes 2^64 from cwnd ~ 63 000 at 200%, so 128 bits (at most
	 * 2^16 * 2^8 * 2^32 * 2^27), then the cap. */
	unsigned __int128 rate = (unsigned __int128)tp->mss * ratio * cw * (8 * 1000000000ull / 100);
	rate /= (uint64_t)tp->srtt8;
	tp->pacing_rate = rate > TCP_MAX_PACING_RATE ? TCP_MAX_PACING_RATE : (uint64_t)rate;
}
