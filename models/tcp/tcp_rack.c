/* RACK-TLP (RFC 8985): loss detection by time.  A segment sent before
 * the most recently delivered one is lost once it has waited an RTT plus
 * a reordering window; the reorder timer finishes what an ACK could not
 * yet decide; a tail loss probe makes a lone tail loss show itself without
 * a timeout, and an ACK of the probe tells whether a loss was repaired
 * (RFC 8985 §7.4.2).  As Linux's tcp_recovery.c. */
#include <stdio.h>

#include "sim/packet.h"
#include "tcp_priv.h"

/* ---- RACK (RFC 8985 §6) ---- */

static bool sent_after(simtime_t t1, simtime_t t2, uint32_t s1, uint32_t s2)
{
	return t1 > t2 || (t1 == t2 && seq_after(s1, s2));
}

void tcp_rack_advance(struct tcp_sock *tp, const struct tcp_txseg *s)
{
	if (tp->rack.mstamp && !sent_after(s->xmit_time, tp->rack.mstamp, s->end, tp->rack.end_seq))
		return;
	simtime_t rtt = tp->sim->now - s->xmit_time;
	/* a retransmitted segment's delivery may be the original's: only
	 * trust it if it took at least min_rtt */
	if ((s->sacked & SEG_EVER_RETRANS) && rtt < tcp_min_rtt(tp))
		return;
	tp->rack.rtt = rtt;
	tp->rack.mstamp = s->xmit_time;
	tp->rack.end_seq = s->end;
	tp->rack.retrans = s->sacked & SEG_EVER_RETRANS;
	tp->rack.advanced = true;
}

static simtime_t rack_reo_wnd(const struct tcp_sock *tp)
{
	if (!tp->rack.reord) {
		/* no reordering seen: no settling delay during recovery, or
		 * once the duplicate-ACK threshold is met (RFC 8985 §6.2.1) */
		if (tp->ca_state >= TCP_CA_Recovery || tp->sacked_out >= tp->reordering)
			return 0;
	}
	simtime_t w = (tcp_min_rtt(tp) / 4) * (tp->rack.reo_wnd_steps ? tp->rack.reo_wnd_steps : 1);
	simtime_t srtt = tp->srtt8 >> 3;
	return w < srtt ? w : srtt;
}

/* Marks lost every segment sent before the latest delivered one that has
 * waited rack.rtt + reo_wnd; returns the time to the next candidate.  The
 * walk is over the time-sorted list of segments in flight, oldest first,
 * and stops at the first one sent after the RACK segment (as Linux's). */
static simtime_t rack_detect_loss(struct tcp_sock *tp, struct ack_state *st)
{
	simtime_t reo = rack_reo_wnd(tp), next = 0, now = tp->sim->now;
	uint32_t pos = tp->ts_head;
	while (pos != TS_NONE) {
		struct tcp_txseg *s = &tp->txq.v[pos];
		pos = s->tnext;
		if (!sent_after(tp->rack.mstamp, s->xmit_time, tp->rack.end_seq, s->end))
			break;
		simtime_t remaining = tp->rack.rtt + reo - (now - s->xmit_time);
		if (remaining <= 0)
			tcp_mark_lost(tp, s, st); /* also leaves the list */
		else if (remaining > next)
			next = remaining;
	}
	return next;
}

void tcp_rack_mark_lost(struct tcp_sock *tp, struct ack_state *st)
{
	if (!tp->rack.advanced)
		return;
	tp->rack.advanced = false;
	simtime_t wait = rack_detect_loss(tp, st);
	if (wait)
		tcp_xmit_timer_arm(tp, XT_REO, tp->sim->now + wait + SIM_MS(2));
}

void tcp_process_tlp_ack(struct tcp_sock *tp, uint32_t ack, int flag)
{
	if (!tp->tlp_high_seq || seq_before(ack, tp->tlp_high_seq))
		return;
	if (!tp->tlp_retrans) {
		tp->tlp_high_seq = 0; /* new data was sent as the probe */
	} else if (flag & FLAG_DSACK_TLP) {
		tp->tlp_high_seq = 0; /* both the original and the probe arrived */
	} else if (seq_after(ack, tp->tlp_high_seq)) {
		/* the probe repaired a loss: reduce cwnd once (RFC 8985 §7.4.2) */
		tcp_init_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_CWR);
		tcp_end_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_Open);
		tcp_log(tp, "tlp_recovery", "the loss probe repaired a tail loss");
	} else if (!(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED))) {
		tp->tlp_high_seq = 0;
	}
}

void tcp_tlp_fired(struct tcp_sock *tp)
{
	if (!tp->packets_out || tp->state < TCP_ESTABLISHED)
		return;
	if (tp->tlp_high_seq) {
		tcp_rearm_rto(tp); /* one probe per episode */
		return;
	}
	tcp_send_loss_probe(tp);
}

void tcp_reo_fired(struct tcp_sock *tp)
{
	struct ack_state st = { 0 };
	uint32_t prior = tcp_packets_in_flight(tp);
	simtime_t wait = rack_detect_loss(tp, &st);
	if (prior != tcp_packets_in_flight(tp)) {
		if (tp->ca_state != TCP_CA_Recovery && tp->ca_state != TCP_CA_Loss) {
			tcp_enter_recovery(tp, false);
			if (!tp->cc->cong_control)
				tcp_cwnd_reduction(tp, 1, 0, 0);
		}
		tcp_xmit_retransmit_queue(tp);
	}
	if (wait)
		tcp_xmit_timer_arm(tp, XT_REO, tp->sim->now + wait + SIM_MS(2));
	else if (tp->xt != XT_RTO)
		tcp_rearm_rto(tp);
}
