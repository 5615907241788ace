/* Loss recovery: the congestion states Open, Disorder, CWR, Recovery and
 * Loss (Linux tcp_fastretrans_alert), with Proportional Rate Reduction in
 * CWR and Recovery (RFC 6937; Linux tcp_cwnd_reduction), ECN-Echo's
 * once-per-window reduction (RFC 3168 §6.1.2), the retransmission timeout
 * (RFC 6298 §5) and F-RTO after it (RFC 5682, SACK-enhanced). */
#include <stdio.h>

#include "sim/packet.h"
#include "tcp_priv.h"

/* ---- cwnd reduction (RFC 6937 PRR; Linux tcp_cwnd_reduction) ---- */

void tcp_init_cwnd_reduction(struct tcp_sock *tp)
{
	tp->high_seq = tp->snd_nxt;
	tp->tlp_high_seq = 0;
	tp->snd_cwnd_cnt = 0;
	tp->prior_cwnd = tp->snd_cwnd;
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	if (tp->cc->ssthresh)
		tp->snd_ssthresh = tp->cc->ssthresh(tp);
	if (tp->ecn_ok)
		tp->cwr_pending = true;
}

void tcp_cwnd_reduction(struct tcp_sock *tp, uint32_t newly_acked_sacked, uint32_t newly_lost, int flag)
{
	if (!newly_acked_sacked || !tp->prior_cwnd)
		return;
	int64_t delta = (int64_t)tp->snd_ssthresh - tcp_packets_in_flight(tp);
	int64_t sndcnt;
	tp->prr_delivered += newly_acked_sacked;
	if (delta < 0) {
		/* proportional: spread the reduction over a round trip */
		uint64_t dividend = (uint64_t)tp->snd_ssthresh * tp->prr_delivered + tp->prior_cwnd - 1;
		sndcnt = (int64_t)(dividend / tp->prior_cwnd) - tp->prr_out;
	} else {
		/* PRR-SSRB: as much as was delivered, one more while the
		 * cumulative ACK advances without new losses */
		int64_t d = (int64_t)tp->prr_delivered - tp->prr_out;
		sndcnt = d > (int64_t)newly_acked_sacked ? d : newly_acked_sacked;
		if ((flag & FLAG_SND_UNA_ADVANCED) && !newly_lost)
			sndcnt++;
		if (sndcnt > delta)
			sndcnt = delta;
	}
	/* the first retransmission always goes */
	if (sndcnt < (tp->prr_out ? 0 : 1))
		sndcnt = tp->prr_out ? 0 : 1;
	tp->snd_cwnd = tcp_packets_in_flight(tp) + (uint32_t)(sndcnt > 0 ? sndcnt : 0);
}

void tcp_end_cwnd_reduction(struct tcp_sock *tp)
{
	if (tp->cc->cong_control)
		return;
	/* cwnd falls to ssthresh when the reduction ends */
	if (tp->ca_state == TCP_CA_CWR || (tp->undo_marker && tp->snd_ssthresh < 0x7fffffff)) {
		tp->snd_cwnd = tp->snd_ssthresh;
		tp->cwnd_stamp = tp->sim->now;
	}
	tcp_ca_event(tp, CA_EVENT_COMPLETE_CWR);
}

void tcp_enter_cwr(struct tcp_sock *tp)
{
	tp->prior_ssthresh = 0;
	if (tp->ca_state < TCP_CA_CWR) {
		tp->undo_marker = 0;
		tcp_init_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_CWR);
		tcp_log(tp, "ecn_cwr", "ssthresh %u", tp->snd_ssthresh);
	}
}

/* ---- entering recovery ---- */

void tcp_enter_recovery(struct tcp_sock *tp, bool ece_ack)
{
	tp->prior_ssthresh = 0;
	tcp_init_undo(tp);
	if (tp->ca_state != TCP_CA_CWR && tp->ca_state != TCP_CA_Recovery) {
		if (!ece_ack)
			tp->prior_ssthresh = tcp_current_ssthresh(tp);
		tcp_init_cwnd_reduction(tp);
	}
	tp->fast_retrans++;
	tcp_set_ca_state(tp, TCP_CA_Recovery);
	tcp_log(tp, "recovery", "fast recovery: cwnd %u ssthresh %u in flight %u",
		tp->snd_cwnd, tp->snd_ssthresh, tcp_packets_in_flight(tp));
}

void tcp_enter_loss(struct tcp_sock *tp)
{
	bool new_recovery = tp->ca_state < TCP_CA_Recovery;
	if (tp->ca_state <= TCP_CA_Disorder || !seq_before(tp->snd_una, tp->high_seq) ||
	    (tp->ca_state == TCP_CA_Loss && !tp->retransmits)) {
		tp->prior_ssthresh = tcp_current_ssthresh(tp);
		tp->prior_cwnd = tp->snd_cwnd;
		if (tp->cc->ssthresh)
			tp->snd_ssthresh = tp->cc->ssthresh(tp);
		tcp_ca_event(tp, CA_EVENT_LOSS);
		tcp_init_undo(tp);
	}
	/* every segment not SACKed is presumed lost (Linux tcp_timeout_mark_lost) */
	if (!tcp_is_sack(tp)) {
		tp->sacked_out = 0;
		tp->dupacks = 0;
	}
	for (uint32_t i = 0; i < tp->txq.len; i++) {
		struct tcp_txseg *s = txq_at(&tp->txq, i);
		if (s->sacked & SEG_RETRANS) {
			s->sacked &= (uint8_t)~SEG_RETRANS;
			tp->retrans_out--;
		}
		if (!(s->sacked & (SEG_SACKED | SEG_LOST))) {
			s->sacked |= SEG_LOST;
			tp->lost_out++;
			tp->lost++;
		}
		tcp_tsorted_unlink(tp, s);
	}
	tp->snd_cwnd = tcp_packets_in_flight(tp) + 1;
	tp->snd_cwnd_cnt = 0;
	tp->cwnd_stamp = tp->sim->now;
	tcp_set_ca_state(tp, TCP_CA_Loss);
	tp->high_seq = tp->snd_nxt;
	tp->tlp_high_seq = 0;
	if (tp->ecn_ok)
		tp->cwr_pending = true;
	tp->frto = tp->cfg.frto && (new_recovery || tp->retransmits);
}

/* ---- the recovery state machine (Linux tcp_fastretrans_alert) ---- */


static void process_loss(struct tcp_sock *tp, const struct tcp_hdr *th, int flag, bool dupack, int *rexmit)
{
	bool recovered = !seq_before(tp->snd_una, tp->high_seq);
	if ((flag & FLAG_SND_UNA_ADVANCED) && tcp_try_undo_loss(tp, th, false))
		return;
	if (tp->frto) {
		/* F-RTO step 3.b: never-retransmitted data (S)ACKed means the
		 * timeout was spurious */
		if ((flag & FLAG_ORIG_SACK_ACKED) && tcp_try_undo_loss(tp, th, true))
			return;
		if (seq_after(tp->snd_nxt, tp->high_seq)) {
			if ((flag & FLAG_DATA_SACKED) || dupack)
				tp->frto = 0; /* step 3.a: the loss was real */
		} else if ((flag & FLAG_SND_UNA_ADVANCED) && !recovered) {
			tp->high_seq = tp->snd_nxt;
			/* step 2.b: send new data instead of retransmitting */
			if (tcp_has_unsent(tp) && seq_after(tcp_wnd_end(tp), tp->snd_nxt)) {
				*rexmit = REXMIT_NEW;
				return;
			}
			tp->frto = 0;
		}
	}
	if (recovered) {
		tcp_try_undo_recovery(tp, th);
		tcp_set_ca_state(tp, TCP_CA_Open);
		tp->retransmits = 0;
		return;
	}
	if (!tcp_is_sack(tp)) {
		if (seq_after(tp->snd_nxt, tp->high_seq) && dupack)
			tcp_add_reno_sack(tp);
		else if (flag & FLAG_SND_UNA_ADVANCED)
			tp->sacked_out = 0;
	}
	*rexmit = REXMIT_LOST;
}

void tcp_fastretrans_alert(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st,
			      bool dupack, uint32_t prior_snd_una, int *rexmit)
{
	int flag = st->flag;
	bool una_advanced = flag & FLAG_SND_UNA_ADVANCED;
	if (!tp->packets_out && tp->sacked_out)
		tp->sacked_out = 0;
	if (flag & FLAG_ECE)
		tp->prior_ssthresh = 0;

	/* identify losses first */
	if (!tcp_is_sack(tp)) {
		if (dupack && tp->ca_state != TCP_CA_Loss) {
			tp->dupacks++;
			tcp_add_reno_sack(tp);
		}
		tcp_newreno_mark_lost(tp, una_advanced, st);
	} else if (tp->cfg.rack) {
		tcp_rack_mark_lost(tp, st);
	} else if (tp->ca_state != TCP_CA_Loss) {
		tcp_sack_mark_lost(tp, st);
	}

	switch (tp->ca_state) {
	case TCP_CA_CWR:
		if (!seq_before(tp->snd_una, tp->high_seq)) {
			tcp_end_cwnd_reduction(tp);
			tcp_set_ca_state(tp, TCP_CA_Open);
		}
		break;
	case TCP_CA_Recovery:
		if (!seq_before(tp->snd_una, tp->high_seq)) {
			/* a full ACK: recovery is over */
			if (!tcp_try_undo_recovery(tp, th))
				tcp_end_cwnd_reduction(tp);
			tp->dupacks = 0;
			if (!tcp_is_sack(tp))
				tp->sacked_out = 0;
			tcp_set_ca_state(tp, TCP_CA_Open);
			tcp_log(tp, "recovery_done", "cwnd %u", tp->snd_cwnd);
			return;
		}
		if (!tcp_is_sack(tp) && una_advanced) {
			/* a partial ACK */
			uint32_t acked = st->acked;
			tp->sacked_out = tp->sacked_out > acked ? tp->sacked_out - acked : 0;
			if (tp->cc->reno_recovery) {
				/* Reno (RFC 5681 §3.2 step 6): the first new ACK ends
				 * fast recovery, whatever else was lost */
				tcp_end_cwnd_reduction(tp);
				tp->dupacks = 0;
				tp->sacked_out = 0;
				tcp_set_ca_state(tp, TCP_CA_Open);
				tcp_log(tp, "recovery_done", "cwnd %u (Reno: at the first partial ACK)", tp->snd_cwnd);
				return;
			}
		}
		*rexmit = REXMIT_LOST;
		return;
	case TCP_CA_Loss:
		process_loss(tp, th, flag, dupack, rexmit);
		if (tp->ca_state == TCP_CA_Loss || *rexmit == REXMIT_NEW)
			return;
		break;
	default:
		break;
	}

	/* Open or Disorder: time to recover? */
	(void)prior_snd_una;
	if (tp->lost_out || (!tcp_is_sack(tp) && tp->dupacks >= tp->reordering)) {
		if (!tcp_is_sack(tp) && !tp->lost_out)
			tcp_newreno_mark_lost(tp, false, st);
		tcp_enter_recovery(tp, flag & FLAG_ECE);
		*rexmit = REXMIT_LOST;
		return;
	}
	/* tcp_try_to_open */
	if (flag & FLAG_ECE && tp->ca_state < TCP_CA_CWR)
		tcp_enter_cwr(tp);
	if (tp->ca_state != TCP_CA_CWR) {
		uint8_t st2 = (tp->sacked_out || tp->dupacks || tp->retrans_out || tp->undo_marker)
				      ? TCP_CA_Disorder : TCP_CA_Open;
		if (!tp->sacked_out && !tp->dupacks && !tp->retrans_out)
			st2 = TCP_CA_Open;
		if (tp->ca_state != st2)
			tcp_set_ca_state(tp, st2);
	}
}

/* ---- timers ---- */

void tcp_rto_fired(struct tcp_sock *tp)
{
	if (!tp->packets_out || tp->state == TCP_CLOSED)
		return;
	struct tcp_config *c = &tp->cfg;
	int limit = tp->state == TCP_SYN_SENT ? c->syn_retries
		    : tp->state == TCP_SYN_RCVD ? c->synack_retries : c->retries2;
	if (tp->retransmits >= limit) {
		tcp_log(tp, "rto_give_up", "after %d retransmissions", tp->retransmits);
		if (tp->state == TCP_SYN_RCVD && tp->parent)
			tp->orphan = true;
		tcp_done(tp, TCP_ETIMEDOUT);
		return;
	}
	tp->rto_count++;
	if (tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RCVD) {
		tcp_log(tp, "rto", "SYN%s retransmission %d, rto_ns %lld",
			tp->state == TCP_SYN_RCVD ? "-ACK" : "", tp->retransmits + 1, (long long)tp->rto);
		tcp_retransmit_seg(tp, 0);
	} else {
		tcp_enter_loss(tp);
		tcp_log(tp, "rto", "retransmission timeout %d: rto_ns %lld, cwnd %u, ssthresh %u",
			tp->retransmits + 1, (long long)tp->rto, tp->snd_cwnd, tp->snd_ssthresh);
		tcp_retransmit_seg(tp, 0);
	}
	tp->backoff++;
	tp->retransmits++;
	tp->rto = tp->rto * 2 < c->rto_max ? tp->rto * 2 : c->rto_max;
	tcp_xmit_timer_arm(tp, XT_RTO, tp->sim->now + tp->rto);
	tcp_record_change(tp);
}
