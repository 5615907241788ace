/* Delivery-rate estimation (draft-cheng-iccrg-delivery-rate-estimation-02;
 * Linux net/ipv4/tcp_rate.c).
 *
 * Each segment remembers, when it is sent, how much had been delivered and
 * when.  When it is (S)ACKed, the difference gives a sample: packets
 * delivered over the longer of the send phase and the ACK phase.  Samples
 * taken while the app had nothing to send are marked app-limited, so a
 * model-based congestion control (BBR) does not mistake an idle sender for
 * a slow path.  Times in ns; "no timestamp" is -1 (0 is a valid time). */
#include "tcp_priv.h"

void tcp_rate_skb_sent(struct tcp_sock *tp, struct tcp_txseg *s)
{
	/* With nothing in flight, the sampling interval starts now: any ACK
	 * from here on shows how fast the network delivered */
	if (!tp->packets_out) {
		tp->first_tx_mstamp = s->xmit_time;
		tp->delivered_mstamp = s->xmit_time;
	}
	s->tx_first_tx_mstamp = tp->first_tx_mstamp;
	s->tx_delivered_mstamp = tp->delivered_mstamp;
	s->tx_delivered = tp->delivered;
	s->tx_app_limited = tp->app_limited != 0;
}

/* A segment was (S)ACKed: take the most recently sent one's snapshot. */
void tcp_rate_skb_delivered(struct tcp_sock *tp, struct tcp_txseg *s, struct rate_sample *rs)
{
	if (s->tx_delivered_mstamp < 0)
		return; /* counted already, when it was SACKed */
	if (rs->prior_mstamp < 0 || s->xmit_time > tp->first_tx_mstamp ||
	    (s->xmit_time == tp->first_tx_mstamp && seq_after(s->end, rs->last_end_seq))) {
		rs->prior_delivered = s->tx_delivered;
		rs->prior_mstamp = s->tx_delivered_mstamp;
		rs->is_app_limited = s->tx_app_limited;
		rs->is_retrans = s->sacked & SEG_EVER_RETRANS;
		rs->last_end_seq = s->end;
		/* the send phase: from the first to the last transmission */
		tp->first_tx_mstamp = s->xmit_time;
		rs->interval = s->xmit_time - s->tx_first_tx_mstamp;
	}
	if (s->sacked & SEG_SACKED)
		s->tx_delivered_mstamp = -1;
}

void tcp_rate_gen(struct tcp_sock *tp, uint32_t delivered, uint32_t lost, bool is_sack_reneg,
		  struct rate_sample *rs)
{
	simtime_t now = tp->sim->now;
	/* the app-limited bubble has been delivered */
	if (tp->app_limited && tp->delivered > tp->app_limited)
		tp->app_limited = 0;
	if (delivered)
		tp->delivered_mstamp = now;
	rs->acked_sacked = delivered;
	rs->losses = (int)lost;
	if (rs->prior_mstamp < 0 || is_sack_reneg) {
		rs->delivered = -1;
		rs->interval = -1;
		return;
	}
	rs->delivered = (int64_t)(tp->delivered - rs->prior_delivered);
	/* sending and ACKing are two pipeline phases of a window: use the
	 * longer (ACK compression can make the send phase the longer) */
	simtime_t snd = rs->interval, ack = now - rs->prior_mstamp;
	rs->interval = snd > ack ? snd : ack;
	rs->snd_interval = snd;
	rs->rcv_interval = ack;
	if (rs->interval < tcp_min_rtt(tp)) {
		rs->interval = -1; /* too short to be trusted */
		return;
	}
	/* the last sample that was not app-limited, or the highest */
	if (!rs->is_app_limited ||
	    (uint64_t)rs->delivered * (uint64_t)tp->rate_interval >=
		    tp->rate_delivered * (uint64_t)rs->interval) {
		tp->rate_delivered = (uint64_t)rs->delivered;
		tp->rate_interval = rs->interval;
		tp->rate_app_limited = rs->is_app_limited;
	}
}

/* A gap in sending that is the app's doing marks the flow app-limited
 * until what is in flight now has been delivered. */
void tcp_rate_check_app_limited(struct tcp_sock *tp)
{
	if (tp->write_seq - tp->snd_nxt < tp->mss &&
	    tcp_packets_in_flight(tp) < tp->snd_cwnd &&
	    tp->lost_out <= tp->retrans_out)
	{
		uint64_t mark = tp->delivered + tcp_packets_in_flight(tp);
		tp->app_limited = mark ? mark : 1;
	}
}
