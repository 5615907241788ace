/* ACK processing, as Linux's tcp_ack(); the pieces it calls live in
 * tcp_sack.c (scoreboard), tcp_rack.c (RACK-TLP), tcp_recovery.c
 * (congestion states and PRR) and tcp_undo.c:
 *
 *   - the send window (RFC 9293 §3.10.7.4; Linux tcp_may_update_window);
 *   - SACK blocks mark the scoreboard (RFC 2018), D-SACKs are told apart
 *     (RFC 2883) and count towards undoing spurious retransmissions;
 *   - the cumulative ACK frees segments, gives RTT samples (Karn's rule:
 *     none from retransmitted segments, then the timestamp echo as Linux);
 *   - loss detection: RACK (RFC 8985) beside the duplicate-ACK threshold,
 *     RFC 6675's IsLost when RACK is off, NewReno's dupACK counting and
 *     partial ACKs (RFC 6582) without SACK;
 *   - the congestion states Open, Disorder, CWR, Recovery and Loss, with
 *     Proportional Rate Reduction in CWR and Recovery (RFC 6937);
 *   - after a timeout, F-RTO (RFC 5682, SACK-enhanced) and Eifel-style
 *     timestamp checks (RFC 3522) undo a spurious one;
 *   - tail loss probes (RFC 8985 §7) and their loss detection;
 *   - ECN-Echo starts a once-per-window reduction (RFC 3168 §6.1.2). */
#include <stdio.h>

#include "sim/packet.h"
#include "tcp_priv.h"

/* ---- RTT (Linux tcp_ack_update_rtt) ---- */

static void ack_update_rtt(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st)
{
	simtime_t m = st->seq_rtt >= 0 ? st->seq_rtt : st->sack_rtt;
	/* Karn's rule left nothing: RFC 7323 timestamps are unambiguous,
	 * as long as the echoed value is not older than the segment */
	if (m < 0 && tp->ts_ok && th->tsecr && (st->flag & FLAG_ACKED)) {
		uint32_t d = tcp_ts_now(tp) - th->tsecr;
		if (d < 0x7fffffff)
			m = SIM_MS(d);
	}
	if (m < 0)
		return;
	if (st->ca_rtt >= 0)
		minmax_running_min(&tp->min_rtt, SIM_S(300), tp->sim->now, st->ca_rtt);
	else
		minmax_running_min(&tp->min_rtt, SIM_S(300), tp->sim->now, m);
	tcp_rtt_estimator(tp, m);
	tcp_set_rto(tp);
	tp->backoff = 0; /* RFC 6298 §5: only a valid measurement resets it */
	tp->rtt_samples++;
	tp->rtt_sum += m;
	struct tcp_world *w = tp->world;
	if (rec_on_event(tp->sim, w->m_rtt))
		rec_value(tp->sim, w->m_rtt, tp->name, (double)m);
}

/* ---- the send window ---- */

static void ack_update_window(struct tcp_sock *tp, const struct packet *p, struct ack_state *st)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	uint32_t nwin = (uint32_t)th->win << tp->snd_wscale;
	if (th->flags & TH_SYN)
		nwin = th->win;
	if (seq_after(th->ack, tp->snd_una) || seq_after(th->seq, tp->snd_wl1) ||
	    (th->seq == tp->snd_wl1 && (nwin > tp->snd_wnd || !nwin))) {
		if (tp->snd_wnd != nwin) {
			st->flag |= FLAG_WIN_UPDATE;
			tp->snd_wnd = nwin;
			if (nwin > tp->max_window)
				tp->max_window = nwin;
		}
		tp->snd_wl1 = th->seq;
		tp->snd_wl2 = th->ack;
	}
}

/* ---- congestion window (Linux tcp_cong_control) ---- */

static void cong_control(struct tcp_sock *tp, uint32_t acked_sacked, struct ack_state *st)
{
	if (tp->cc->cong_control) {
		/* not before its init (the SYN-ACK's ACK): Linux runs it on a
		 * zeroed state that init then resets, the same as not at all */
		if (tp->cc_ready)
			tp->cc->cong_control(tp, &st->rs);
		return;
	}
	if (tp->ca_state == TCP_CA_CWR || tp->ca_state == TCP_CA_Recovery) {
		tcp_cwnd_reduction(tp, acked_sacked, st->lost, st->flag);
	} else if (st->flag & FLAG_DATA_ACKED) {
		if (tp->cc->cong_avoid)
			tp->cc->cong_avoid(tp, acked_sacked);
		tp->cwnd_stamp = tp->sim->now;
	}
	tcp_update_pacing_rate(tp);
}

void tcp_cwnd_validate(struct tcp_sock *tp, bool is_cwnd_limited)
{
	/* Linux: remember whether cwnd was the limit over the current window */
	if (!seq_before(tp->snd_una, tp->max_packets_seq) || is_cwnd_limited ||
	    (!tp->is_cwnd_limited && tp->packets_out > tp->max_packets_out)) {
		tp->is_cwnd_limited = is_cwnd_limited;
		tp->max_packets_out = tp->packets_out;
		tp->max_packets_seq = tp->snd_nxt;
	}
}

/* ---- tcp_ack ---- */

int tcp_ack(struct tcp_sock *tp, const struct packet *p)
{
	const struct tcp_hdr *th = &p->l4.tcp;
	uint32_t ack = th->ack, prior_snd_una = tp->snd_una;
	uint64_t prior_delivered = tp->delivered;
	uint32_t prior_packets = tp->packets_out;
	struct ack_state st = { .seq_rtt = -1, .ca_rtt = -1, .sack_rtt = -1 };
	st.rs.prior_mstamp = -1;
	st.rs.rtt = -1;
	st.rs.interval = -1;
	st.rs.prior_in_flight = tcp_packets_in_flight(tp);

	if (seq_before(ack, prior_snd_una))
		return 0; /* an old ACK, reordered or duplicated by the network */
	if (seq_after(ack, tp->snd_nxt))
		return -1;
	if (p->payload_len)
		st.flag |= FLAG_DATA;
	if (seq_after(ack, prior_snd_una))
		st.flag |= FLAG_SND_UNA_ADVANCED;
	if (tp->state != TCP_SYN_SENT)
		ack_update_window(tp, p, &st);
	if ((th->flags & TH_ECE) && tp->ecn_ok && !(th->flags & TH_SYN))
		st.flag |= FLAG_ECE;
	tp->probes_out = 0;

	if (!prior_packets) {
		/* nothing outstanding: a window update or a keepalive */
		if (st.flag & FLAG_WIN_UPDATE) {
			tp->backoff = 0;
			if (tp->xt == XT_PROBE0)
				tcp_xmit_timer_arm(tp, XT_NONE, 0);
		}
		goto out;
	}

	if (tp->sack_ok && th->nsack)
		tcp_sacktag(tp, th, &st);
	tcp_clean_rtx_queue(tp, ack, &st);
	tp->snd_una = ack;
	tcp_sndq_acked(tp, ack);
	tp->bytes_acked += (uint32_t)(ack - prior_snd_una);
	if (st.flag & FLAG_SND_UNA_ADVANCED) {
		tp->retransmits = 0;
		if (!tp->retrans_out)
			tp->retrans_stamp = 0;
	}
	ack_update_rtt(tp, th, &st);
	st.rs.rtt = st.ca_rtt;
	/* Linux FLAG_ACK_MAYBE_DELAYED: a lone runt may have waited for the
	 * receiver's delayed-ACK timer, so its RTT is not to be trusted */
	st.rs.is_ack_delayed = st.acked == 1 && !st.sacked && st.lone_runt &&
			       !(st.flag & (FLAG_CA_ALERT | FLAG_SYN_ACKED));

	bool dupack = !(st.flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP));
	if (!dupack && (st.flag & FLAG_SND_UNA_ADVANCED) && tp->ca_state < TCP_CA_Recovery)
		tp->dupacks = 0;
	tcp_process_tlp_ack(tp, ack, st.flag);

	int rexmit = REXMIT_NONE;
	bool dubious = dupack || (st.flag & FLAG_CA_ALERT) || tp->ca_state != TCP_CA_Open ||
		       (!tcp_is_sack(tp) && tp->dupacks);
	if (dubious)
		tcp_fastretrans_alert(tp, th, &st, dupack, prior_snd_una, &rexmit);
	else if (tp->cfg.rack && tcp_is_sack(tp))
		tcp_rack_mark_lost(tp, &st);

	uint32_t delivered = (uint32_t)(tp->delivered - prior_delivered);
	tcp_rate_gen(tp, delivered, st.lost, false, &st.rs);
	if (tp->cc->pkts_acked && tp->cc_ready && (st.acked || st.sacked)) {
		struct ack_sample as = { st.acked + st.sacked, st.ca_rtt, st.rs.prior_in_flight };
		tp->cc->pkts_acked(tp, &as);
	}
	cong_control(tp, delivered, &st);

	/* the timer: RTO from now, or a loss probe (Linux tcp_set_xmit_timer) */
	if (st.flag & FLAG_ACKED) {
		if (tp->xt != XT_REO || !tp->packets_out) {
			tcp_rearm_rto(tp);
			tcp_schedule_loss_probe(tp);
		}
	}
	if (rexmit == REXMIT_NEW) {
		/* F-RTO: two new segments probe whether the timeout was real */
		uint32_t cw = tp->snd_cwnd;
		if (tp->snd_cwnd < tcp_packets_in_flight(tp) + 2)
			tp->snd_cwnd = tcp_packets_in_flight(tp) + 2;
		tcp_write_xmit(tp);
		tp->snd_cwnd = cw > tp->snd_cwnd ? cw : tp->snd_cwnd;
	} else if (rexmit == REXMIT_LOST) {
		tcp_xmit_retransmit_queue(tp);
	}
out:
	tcp_record_change(tp);
	if (st.flag & FLAG_SND_UNA_ADVANCED) {
		tcp_sndbuf_expand(tp);
		tcp_app_writable(tp);
	}
	if (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT ||
	    tp->state == TCP_FIN_WAIT_1 || tp->state == TCP_LAST_ACK || tp->state == TCP_CLOSING)
		tcp_write_xmit(tp);
	return 0;
}
