/* Undo: when retransmissions turn out to have been spurious, the
 * congestion window and ssthresh go back to what they were.  D-SACKs that
 * cover every retransmission (RFC 2883 §5), or an ACK whose timestamp echo
 * is older than the first retransmission (Eifel, RFC 3522), show it; as
 * Linux's tcp_try_undo_recovery and tcp_try_undo_loss. */
#include <stdio.h>

#include "sim/packet.h"
#include "tcp_priv.h"

/* ---- undo (spurious retransmissions) ---- */

uint32_t tcp_current_ssthresh(const struct tcp_sock *tp)
{
	if (tp->ca_state == TCP_CA_CWR || tp->ca_state == TCP_CA_Recovery)
		return tp->snd_ssthresh;
	uint32_t a = tp->snd_ssthresh, b = (tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2);
	return a > b ? a : b;
}

void tcp_init_undo(struct tcp_sock *tp)
{
	tp->undo_marker = tp->snd_una ? tp->snd_una : 1;
	tp->undo_retrans = (int)tp->retrans_out;
}

/* Eifel (RFC 3522): the ACK echoes a timestamp older than our first
 * retransmission, so it answers the original. */
static bool packet_delayed(const struct tcp_sock *tp, const struct tcp_hdr *th)
{
	return tp->retrans_stamp && tp->ts_ok && th->tsecr &&
	       (int32_t)(th->tsecr - (uint32_t)(tp->retrans_stamp / SIM_MS(1) + tp->ts_offset)) < 0;
}

static bool may_undo(const struct tcp_sock *tp, const struct tcp_hdr *th)
{
	return tp->undo_marker && (tp->undo_retrans <= 0 || packet_delayed(tp, th));
}

static void undo_cwnd_reduction(struct tcp_sock *tp, bool unmark_loss)
{
	if (unmark_loss) {
		for (uint32_t i = 0; i < tp->txq.len; i++)
			txq_at(&tp->txq, i)->sacked &= (uint8_t)~SEG_LOST;
		tp->lost_out = 0;
		tcp_tsorted_rebuild(tp);
	}
	if (tp->prior_ssthresh) {
		tp->snd_cwnd = tp->cc->undo_cwnd ? tp->cc->undo_cwnd(tp)
						 : (tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd);
		if (tp->prior_ssthresh > tp->snd_ssthresh)
			tp->snd_ssthresh = tp->prior_ssthresh;
	}
	tp->undo_marker = 0;
	tp->rack.advanced = true;
}

bool tcp_try_undo_loss(struct tcp_sock *tp, const struct tcp_hdr *th, bool frto_undo)
{
	if (!frto_undo && !may_undo(tp, th))
		return false;
	undo_cwnd_reduction(tp, true);
	tp->spurious_rto++;
	tcp_log(tp, "rto_undo", "spurious timeout (%s): cwnd back to %u",
		frto_undo ? "F-RTO" : "timestamps", tp->snd_cwnd);
	tp->retransmits = 0;
	tp->frto = 0;
	tcp_set_ca_state(tp, TCP_CA_Open);
	return true;
}

bool tcp_try_undo_recovery(struct tcp_sock *tp, const struct tcp_hdr *th)
{
	if (!may_undo(tp, th))
		return false;
	undo_cwnd_reduction(tp, false);
	tcp_log(tp, "recovery_undo", "the retransmissions were spurious");
	return true;
}
