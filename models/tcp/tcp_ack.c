/* ACK processing and loss recovery, as Linux's tcp_ack() and
 * tcp_fastretrans_alert():
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

void tcp_sndq_acked(struct tcp_sock *tp, uint32_t new_una);

enum {
	FLAG_DATA = 0x01,              /* the segment carries data */
	FLAG_WIN_UPDATE = 0x02,
	FLAG_DATA_ACKED = 0x04,        /* new data cumulatively ACKed */
	FLAG_RETRANS_DATA_ACKED = 0x08,
	FLAG_SYN_ACKED = 0x10,
	FLAG_DATA_SACKED = 0x20,
	FLAG_ECE = 0x40,
	FLAG_LOST_RETRANS = 0x80,
	FLAG_SND_UNA_ADVANCED = 0x400,
	FLAG_DSACKING_ACK = 0x800,
	FLAG_ORIG_SACK_ACKED = 0x1000, /* never-retransmitted data (S)ACKed */
	FLAG_DSACK_TLP = 0x2000,
	FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED,
	FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED,
	FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK,
	FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED,
};

/* What one ACK did, passed between the steps. */
struct ack_state {
	int flag;
	uint32_t acked;          /* segments newly cumulatively ACKed */
	uint32_t sacked;         /* segments newly SACKed */
	uint32_t lost;           /* segments newly marked lost */
	simtime_t seq_rtt;       /* oldest newly ACKed never-retransmitted segment */
	simtime_t ca_rtt;        /* newest (S)ACKed never-retransmitted segment */
	simtime_t sack_rtt;
	bool lone_runt;          /* one short segment ACKed: maybe a delayed ACK */
	struct rate_sample rs;
};

/* ---- marks on the scoreboard ---- */

static void mark_lost(struct tcp_sock *tp, struct tcp_txseg *s, struct ack_state *st)
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

/* ---- RACK (RFC 8985 §6) ---- */

static bool sent_after(simtime_t t1, simtime_t t2, uint32_t s1, uint32_t s2)
{
	return t1 > t2 || (t1 == t2 && seq_after(s1, s2));
}

static void rack_advance(struct tcp_sock *tp, const struct tcp_txseg *s)
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
			mark_lost(tp, s, st); /* also leaves the list */
		else if (remaining > next)
			next = remaining;
	}
	return next;
}

static void rack_mark_lost(struct tcp_sock *tp, struct ack_state *st)
{
	if (!tp->rack.advanced)
		return;
	tp->rack.advanced = false;
	simtime_t wait = rack_detect_loss(tp, st);
	if (wait)
		tcp_xmit_timer_arm(tp, XT_REO, tp->sim->now + wait + SIM_MS(2));
}

/* RFC 6675 IsLost, for SACK without RACK: a segment with DupThresh
 * SACKed segments above it is lost. */
static void sack_mark_lost(struct tcp_sock *tp, struct ack_state *st)
{
	uint32_t above = 0;
	for (uint32_t i = tp->txq.len; i-- > 0;) {
		struct tcp_txseg *s = txq_at(&tp->txq, i);
		if (s->sacked & SEG_SACKED)
			above++;
		else if (above >= tp->reordering && !(s->sacked & SEG_LOST))
			mark_lost(tp, s, st);
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

static void add_reno_sack(struct tcp_sock *tp)
{
	tp->sacked_out++;
	reno_limit_sacked(tp);
}

/* NewReno (Linux tcp_newreno_mark_lost): the head is lost after DupThresh
 * duplicate ACKs, and again after each partial ACK in recovery. */
static void newreno_mark_lost(struct tcp_sock *tp, bool una_advanced, struct ack_state *st)
{
	if ((tp->ca_state < TCP_CA_Recovery && tp->sacked_out >= tp->reordering) ||
	    (tp->ca_state == TCP_CA_Recovery && una_advanced)) {
		struct tcp_txseg *h = tcp_head(tp);
		if (h && !(h->sacked & SEG_LOST)) {
			mark_lost(tp, h, st);
			reno_limit_sacked(tp);
		}
	}
}

/* ---- SACK blocks (RFC 2018, D-SACK RFC 2883) ---- */

static void sacktag(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st)
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
			rack_advance(tp, s);
		}
	}
	tp->nsack_cache = th->nsack;
	for (int b = 0; b < th->nsack; b++)
		tp->sack_cache[b] = th->sack[b];
}

/* ---- the cumulative ACK ---- */

static void clean_rtx_queue(struct tcp_sock *tp, uint32_t ack, struct ack_state *st)
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
			rack_advance(tp, s);
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

/* ---- cwnd reduction (RFC 6937 PRR; Linux tcp_cwnd_reduction) ---- */

static void init_cwnd_reduction(struct tcp_sock *tp)
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

static void cwnd_reduction(struct tcp_sock *tp, uint32_t newly_acked_sacked, uint32_t newly_lost, int flag)
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

static void end_cwnd_reduction(struct tcp_sock *tp)
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
		init_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_CWR);
		tcp_log(tp, "ecn_cwr", "ssthresh %u", tp->snd_ssthresh);
	}
}

/* ---- undo (spurious retransmissions) ---- */

static uint32_t current_ssthresh(const struct tcp_sock *tp)
{
	if (tp->ca_state == TCP_CA_CWR || tp->ca_state == TCP_CA_Recovery)
		return tp->snd_ssthresh;
	uint32_t a = tp->snd_ssthresh, b = (tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2);
	return a > b ? a : b;
}

static void init_undo(struct tcp_sock *tp)
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

static bool try_undo_loss(struct tcp_sock *tp, const struct tcp_hdr *th, bool frto_undo)
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

static bool try_undo_recovery(struct tcp_sock *tp, const struct tcp_hdr *th)
{
	if (!may_undo(tp, th))
		return false;
	undo_cwnd_reduction(tp, false);
	tcp_log(tp, "recovery_undo", "the retransmissions were spurious");
	return true;
}

/* ---- entering recovery ---- */

static void enter_recovery(struct tcp_sock *tp, bool ece_ack)
{
	tp->prior_ssthresh = 0;
	init_undo(tp);
	if (tp->ca_state != TCP_CA_CWR && tp->ca_state != TCP_CA_Recovery) {
		if (!ece_ack)
			tp->prior_ssthresh = current_ssthresh(tp);
		init_cwnd_reduction(tp);
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
		tp->prior_ssthresh = current_ssthresh(tp);
		tp->prior_cwnd = tp->snd_cwnd;
		if (tp->cc->ssthresh)
			tp->snd_ssthresh = tp->cc->ssthresh(tp);
		tcp_ca_event(tp, CA_EVENT_LOSS);
		init_undo(tp);
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

enum { REXMIT_NONE, REXMIT_LOST, REXMIT_NEW };

static void process_loss(struct tcp_sock *tp, const struct tcp_hdr *th, int flag, bool dupack, int *rexmit)
{
	bool recovered = !seq_before(tp->snd_una, tp->high_seq);
	if ((flag & FLAG_SND_UNA_ADVANCED) && try_undo_loss(tp, th, false))
		return;
	if (tp->frto) {
		/* F-RTO step 3.b: never-retransmitted data (S)ACKed means the
		 * timeout was spurious */
		if ((flag & FLAG_ORIG_SACK_ACKED) && try_undo_loss(tp, th, true))
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
		try_undo_recovery(tp, th);
		tcp_set_ca_state(tp, TCP_CA_Open);
		tp->retransmits = 0;
		return;
	}
	if (!tcp_is_sack(tp)) {
		if (seq_after(tp->snd_nxt, tp->high_seq) && dupack)
			add_reno_sack(tp);
		else if (flag & FLAG_SND_UNA_ADVANCED)
			tp->sacked_out = 0;
	}
	*rexmit = REXMIT_LOST;
}

static void process_tlp_ack(struct tcp_sock *tp, uint32_t ack, int flag)
{
	if (!tp->tlp_high_seq || seq_before(ack, tp->tlp_high_seq))
		return;
	if (!tp->tlp_retrans) {
		tp->tlp_high_seq = 0; /* new data was sent as the probe */
	} else if (flag & FLAG_DSACK_TLP) {
		tp->tlp_high_seq = 0; /* both the original and the probe arrived */
	} else if (seq_after(ack, tp->tlp_high_seq)) {
		/* the probe repaired a loss: reduce cwnd once (RFC 8985 §7.4.2) */
		init_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_CWR);
		end_cwnd_reduction(tp);
		tcp_set_ca_state(tp, TCP_CA_Open);
		tcp_log(tp, "tlp_recovery", "the loss probe repaired a tail loss");
	} else if (!(flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED))) {
		tp->tlp_high_seq = 0;
	}
}

static void fastretrans_alert(struct tcp_sock *tp, const struct tcp_hdr *th, struct ack_state *st,
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
			add_reno_sack(tp);
		}
		newreno_mark_lost(tp, una_advanced, st);
	} else if (tp->cfg.rack) {
		rack_mark_lost(tp, st);
	} else if (tp->ca_state != TCP_CA_Loss) {
		sack_mark_lost(tp, st);
	}

	switch (tp->ca_state) {
	case TCP_CA_CWR:
		if (!seq_before(tp->snd_una, tp->high_seq)) {
			end_cwnd_reduction(tp);
			tcp_set_ca_state(tp, TCP_CA_Open);
		}
		break;
	case TCP_CA_Recovery:
		if (!seq_before(tp->snd_una, tp->high_seq)) {
			/* a full ACK: recovery is over */
			if (!try_undo_recovery(tp, th))
				end_cwnd_reduction(tp);
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
				end_cwnd_reduction(tp);
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
			newreno_mark_lost(tp, false, st);
		enter_recovery(tp, flag & FLAG_ECE);
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

/* ---- congestion window (Linux tcp_cong_control) ---- */

static void cong_control(struct tcp_sock *tp, uint32_t acked_sacked, struct ack_state *st)
{
	if (tp->cc->cong_control) {
		tp->cc->cong_control(tp, &st->rs);
		return;
	}
	if (tp->ca_state == TCP_CA_CWR || tp->ca_state == TCP_CA_Recovery) {
		cwnd_reduction(tp, acked_sacked, st->lost, st->flag);
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
		sacktag(tp, th, &st);
	clean_rtx_queue(tp, ack, &st);
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
	process_tlp_ack(tp, ack, st.flag);

	int rexmit = REXMIT_NONE;
	bool dubious = dupack || (st.flag & FLAG_CA_ALERT) || tp->ca_state != TCP_CA_Open ||
		       (!tcp_is_sack(tp) && tp->dupacks);
	if (dubious)
		fastretrans_alert(tp, th, &st, dupack, prior_snd_una, &rexmit);
	else if (tp->cfg.rack && tcp_is_sack(tp))
		rack_mark_lost(tp, &st);

	uint32_t delivered = (uint32_t)(tp->delivered - prior_delivered);
	tcp_rate_gen(tp, delivered, st.lost, false, &st.rs);
	if (tp->cc->pkts_acked && (st.acked || st.sacked)) {
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
			enter_recovery(tp, false);
			if (!tp->cc->cong_control)
				cwnd_reduction(tp, 1, 0, 0);
		}
		tcp_xmit_retransmit_queue(tp);
	}
	if (wait)
		tcp_xmit_timer_arm(tp, XT_REO, tp->sim->now + wait + SIM_MS(2));
	else if (tp->xt != XT_RTO)
		tcp_rearm_rto(tp);
}
