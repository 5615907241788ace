/* The SACK scoreboard: the marks on the retransmission queue.  SACK
 * blocks mark segments delivered (RFC 2018) and D-SACKs are told apart
 * (RFC 2883); the cumulative ACK frees segments; segments are marked lost
 * by RFC 6675's IsLost when RACK is off, or, without SACK, by NewReno's
 * duplicate-ACK counting and partial ACKs (RFC 6582; Linux
 * tcp_add_reno_sack, tcp_newreno_mark_lost). */
#include <stdio.h>

#include "sim/packet.h"
#include "tcp_priv.h"

/* ---- marks on the scoreboard ---- */

void tcp_mark_lost(struct tcp_sock *tp, struct tcp_txseg *s, struct ack_state *st)
{
	if (s->sacked & SEG_SACKED)
		return;
	if (s->sacked & SEG_RETRANS) {
		/* a retransmission lost again */
		s->sacked &= (uint8_t)~SEG_RETRANS;
		tp->retrans_out--;
		if (st)
			st->flag |= FLAG_LOST_RETRANS;
	}
	if (!(s->sacked & SEG_LOST)) {
		s->sacked |= SEG_LOST;
		tp->lost_out++;
		tp->lost++;
		if (st)
			st->lost++;
	}
	tcp_tsorted_unlink(tp, s);
	if (seq_before(s->seq, tp->rtx_hint))
		tp->rtx_hint = s->seq;
}

/* RFC 6675 IsLost, for SACK without RACK: a segment with DupThresh
 * SACKed segments above it is lost. */
void tcp_sack_mark_lost(struct tcp_sock *tp, struct ack_state *st)
{
	uint32_t above = 0;
	for (uint32_t i = tp->txq.len; i-- > 0;) {
		struct tcp_txseg *s = txq_at(&tp->txq, i);
		if (s->sacked & SEG_SACKED)
			above++;
		else if (above >= tp->reordering && !(s->sacked & SEG_LOST))
			tcp_mark_lost(tp, s, st);
	}
}

/* Without SACK, duplicate ACKs stand in for SACKed segments (Linux
 * tcp_add_reno_sack); never count more than the holes leave room for. */
static void reno_limit_sacked(struct tcp_sock *tp)
{
	uint32_t holes = tp->lost_out ? tp->lost_out : 1;
	if (holes > tp->packets_out)
		holes = tp->packets_out;
	if (tp->sacked_out + holes > tp->packets_out)
		tp->sacked_out = tp->packets_out - holes;
}

void tcp_add_reno_sack(struct tcp_sock *tp)
{
	tp->sacked_out++;
	reno_limit_sacked(tp);
}

/* NewReno (Linux tcp_newreno_mark_lost): the head is lost after DupThresh
 * duplicate ACKs, and again after each partial ACK in recovery. */
void tcp_newreno_mark_lost(struct tcp_sock *tp, bool una_advanced, struct ack_state *st)
{
	if ((tp->ca_state < TCP_CA_Recovery && tp->sacked_out >= tp->reordering) ||
	    (tp->ca_state == TCP_CA_Recovery && una_advanced)) {
		struct tcp_txseg *h = tcp_head(tp);
		if (h && !(h->sacked & SEG_LOST)) {
			tcp_mark_lost(tp, h, st);
			reno_limit_sacked(tp);
		}
	}
}

/* ---- SACK blocks (RFC 2018, D-SACK RFC 2883) ---- */

void tcp_sacktag(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st)
{
	uint32_t una = th->ack;
	for (int b = 0; b < th->nsack; b++) {
		uint32_t start = th->sack[b].start, end = th->sack[b].end;
		/* RFC 2883 §4: a D-SACK is the first block, below the ACK or
		 * inside the second block */
		bool dsack = b == 0 && (seq_leq(end, una) ||
					(th->nsack > 1 && seq_geq(start, th->sack[1].start) &&
					 seq_leq(end, th->sack[1].end)));
		if (dsack) {
					st->flag |= FLAG_DSACKING_ACK;
			tp->dsack_count++;
			if (tp->undo_marker && tp->undo_retrans > 0)
				tp->undo_retrans--;
			/* RFC 8985 §6.2.4: a D-SACK shows reordering (or a
			 * spurious retransmission): widen the reordering window */
			if (!tp->rack.reord || seq_after(end, tp->rack.dsack_seen_seq)) {
				tp->rack.reord = true;
				if (tp->rack.reo_wnd_steps < 255)
					tp->rack.reo_wnd_steps++;
				tp->rack.dsack_seen_seq = tp->snd_nxt;
			}
			if (tp->tlp_high_seq && seq_leq(end, tp->tlp_high_seq) && tp->tlp_retrans)
				st->flag |= FLAG_DSACK_TLP;
			continue;
		}
		if (!seq_after(end, tp->snd_una) || seq_after(end, tp->snd_nxt) || !seq_before(start, end))
			continue; /* stale or bogus */
		/* skip what the previous ACK already reported (Linux
		 * recv_sack_cache): usually only the block's right end grew */
		uint32_t from = start;
		for (int c = 0; c < tp->nsack_cache; c++) {
			struct sack_block cb = tp->sack_cache[c];
			if (seq_leq(cb.start, from) && seq_after(cb.end, from))
				from = seq_min(cb.end, end);
		}
		for (uint32_t i = tcp_txq_lower_bound(tp, from); i < tp->txq.len; i++) {
			struct tcp_txseg *s = txq_at(&tp->txq, i);
			if (seq_after(s->end, end))
				break;
			if (s->sacked & SEG_SACKED)
				continue;
			if (s->sacked & SEG_RETRANS) {
				s->sacked &= (uint8_t)~SEG_RETRANS;
				tp->retrans_out--;
			}
			if (s->sacked & SEG_LOST) {
				s->sacked &= (uint8_t)~SEG_LOST;
				tp->lost_out--;
			}
			if (!(s->sacked & SEG_EVER_RETRANS)) {
				/* original data sent before the recovery point */
				if (!seq_after(s->end, tp->high_seq))
					st->flag |= FLAG_ORIG_SACK_ACKED;
				simtime_t rtt = tp->sim->now - s->xmit_time;
				st->sack_rtt = rtt;
				st->ca_rtt = rtt;
			}
			if (seq_after(s->end, tp->highest_sack) || !tp->sacked_out)
				tp->highest_sack = s->end;
			s->sacked |= SEG_SACKED;
			tcp_tsorted_unlink(tp, s);
			tp->sacked_out++;
			tp->delivered++;
			st->sacked++;
			st->flag |= FLAG_DATA_SACKED;
			tcp_rate_skb_delivered(tp, s, &st->rs);
			tcp_rack_advance(tp, s);
		}
	}
	tp->nsack_cache = th->nsack;
	for (int b = 0; b < th->nsack; b++)
		tp->sack_cache[b] = th->sack[b];
}

/* ---- the cumulative ACK ---- */

void tcp_clean_rtx_queue(struct tcp_sock *tp, uint32_t ack, struct ack_state *st)
{
	simtime_t now = tp->sim->now;
	while (tp->txq.len) {
		struct tcp_txseg *s = txq_at(&tp->txq, 0);
		if (seq_after(s->end, ack)) {
			/* partially acknowledged: keep the rest (a peer may ACK
			 * inside a segment we sent larger) */
			if (seq_after(ack, s->seq) && !(s->flags & TH_SYN)) {
				uint32_t n = ack - s->seq;
				s->seq = ack;
				s->len -= n < s->len ? n : s->len;
			}
			break;
		}
		if (s->flags & TH_SYN)
			st->flag |= FLAG_SYN_ACKED;
		else
			st->flag |= FLAG_DATA_ACKED;
		if (s->sacked & SEG_EVER_RETRANS) {
			st->flag |= FLAG_RETRANS_DATA_ACKED;
		} else if (!(s->sacked & SEG_SACKED)) {
			if (!seq_after(s->end, tp->high_seq))
				st->flag |= FLAG_ORIG_SACK_ACKED;
			simtime_t rtt = now - s->xmit_time;
			if (st->seq_rtt < 0)
				st->seq_rtt = rtt; /* the oldest, as Linux's first_ackt */
			st->ca_rtt = rtt;  /* the newest, as Linux's last_ackt */
		}
		if (s->sacked & SEG_SACKED) {
			tp->sacked_out--;
		} else {
			tp->delivered++;
			st->acked++;
			st->lone_runt = s->len < tp->mss;
			tcp_rate_skb_delivered(tp, s, &st->rs);
			tcp_rack_advance(tp, s);
		}
		if (s->sacked & SEG_LOST)
			tp->lost_out--;
		if (s->sacked & SEG_RETRANS)
			tp->retrans_out--;
		tcp_txq_pop(tp);
	}
	if (!tp->txq.len) {
		tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
		tp->highest_sack = ack;
	}
	if (seq_after(tp->snd_una, tp->highest_sack))
		tp->highest_sack = tp->snd_una;
}
