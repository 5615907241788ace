/* BBR v1 (Cardwell et al., "BBR: Congestion-Based Congestion Control",
 * ACM Queue 14(5), 2016; draft-cardwell-iccrg-bbr-congestion-control-00)
 * as Linux's net/ipv4/tcp_bbr.c.
 *
 * On each ACK BBR updates a model of the path from the delivery-rate
 * sample (tcp_rate.c):
 *     bottleneck bw = windowed max of delivery rate over 10 round trips
 *     min_rtt       = windowed min of RTT over 10 s
 *     pacing rate   = pacing_gain * bw (1 % below it, on average)
 *     cwnd          = cwnd_gain * bw * min_rtt + 3 TSO-sized bursts
 * and moves through its states:
 *
 *             |
 *             V
 *    +---> STARTUP  ----+        gains 2/ln 2 = 2.885 until the bw stops
 *    |        |         |        growing 25 % per round for 3 rounds
 *    |        V         |
 *    |      DRAIN   ----+        pacing gain 1/2.885 until inflight <= BDP
 *    |        |         |
 *    |        V         |
 *    +---> PROBE_BW ----+        pacing gains 1.25, 0.75, 1 x 6 (random
 *    |      ^    |      |        start, never 0.75), cwnd gain 2
 *    |      +----+      |
 *    |                  |
 *    +---- PROBE_RTT <--+        cwnd 4 for max(200 ms, 1 round) when
 *                                min_rtt is 10 s old
 *
 * It also detects token-bucket policers ("long-term" bw: two intervals of
 * consistent rate with > 20 % loss; then pace at that rate for 48 rounds),
 * provisions cwnd for ACK aggregation, and does packet conservation in the
 * first round of recovery.  Fixed-point units as Linux: bw in packets per
 * microsecond << 24, gains << 8.  Pacing is the TCP stack's own (Linux's
 * internal pacing), enabled by this module. */
#include <stdio.h>

#include "../tcp_priv.h"
#include "cc.h"
#include "sim/rng.h"

#define BW_SCALE 24
#define BW_UNIT (1ull << BW_SCALE)
#define BBR_SCALE 8
#define BBR_UNIT (1u << BBR_SCALE)
#define CYCLE_LEN 8
#define TCP_INIT_CWND 10

enum bbr_mode { BBR_STARTUP, BBR_DRAIN, BBR_PROBE_BW, BBR_PROBE_RTT };

static const int bbr_bw_rtts = CYCLE_LEN + 2;             /* bw filter, rounds */
static const simtime_t bbr_min_rtt_win = SIM_S(10);       /* min_rtt filter */
static const simtime_t bbr_probe_rtt_mode = SIM_MS(200);
static const uint64_t bbr_min_tso_rate = 1200000;         /* bit/s */
static const int bbr_pacing_margin_percent = 1;
static const uint32_t bbr_high_gain = BBR_UNIT * 2885 / 1000 + 1;
static const uint32_t bbr_drain_gain = BBR_UNIT * 1000 / 2885;
static const uint32_t bbr_cwnd_gain = BBR_UNIT * 2;
static const uint32_t bbr_pacing_gain[CYCLE_LEN] = {
	BBR_UNIT * 5 / 4, BBR_UNIT * 3 / 4, BBR_UNIT, BBR_UNIT, BBR_UNIT, BBR_UNIT, BBR_UNIT, BBR_UNIT,
};
static const uint32_t bbr_cycle_rand = 7;
static const uint32_t bbr_cwnd_min_target = 4;
static const uint32_t bbr_full_bw_thresh = BBR_UNIT * 5 / 4;
static const uint32_t bbr_full_bw_cnt = 3;
static const uint32_t bbr_lt_intvl_min_rtts = 4;
static const uint32_t bbr_lt_loss_thresh = 50;           /* 50/256 = 20 % */
static const uint32_t bbr_lt_bw_ratio = BBR_UNIT / 8;
static const uint32_t bbr_lt_bw_diff = 4000 / 8;          /* bytes/s */
static const uint32_t bbr_lt_bw_max_rtts = 48;
static const uint32_t bbr_extra_acked_gain = BBR_UNIT;
static const uint32_t bbr_extra_acked_win_rtts = 5;
static const uint32_t bbr_ack_epoch_acked_reset_thresh = 1u << 20;
static const uint64_t bbr_extra_acked_max_us = 100 * 1000;

struct bbr {
	simtime_t min_rtt;           /* ns; INT64_MAX: none yet */
	simtime_t min_rtt_stamp;
	simtime_t probe_rtt_done_stamp; /* 0: not set */
	struct minmax bw;            /* max recent delivery rate, pkts/us << 24 */
	uint32_t rtt_cnt;            /* packet-timed rounds so far */
	uint64_t next_rtt_delivered; /* delivered count at the end of this round */
	simtime_t cycle_mstamp;      /* start of this gain-cycle phase */
	uint8_t mode, prev_ca_state;
	bool packet_conservation, round_start, idle_restart, probe_rtt_round_done;
	bool lt_is_sampling, lt_use_bw;
	uint8_t lt_rtt_cnt;
	uint32_t lt_bw;              /* long-term bw, pkts/us << 24 */
	uint64_t lt_last_delivered, lt_last_lost;
	simtime_t lt_last_stamp;
	uint32_t pacing_gain, cwnd_gain;
	bool full_bw_reached, has_seen_rtt;
	uint8_t full_bw_cnt, cycle_idx;
	uint32_t prior_cwnd;
	uint32_t full_bw;
	simtime_t ack_epoch_mstamp;
	uint16_t extra_acked[2];
	uint32_t ack_epoch_acked;
	uint8_t extra_acked_win_rtts, extra_acked_win_idx;
	struct rng *rng;             /* "tcp:<flow name>:bbr", on first use */
};
CC_PRIV_CHECK(struct bbr);

static struct bbr *bb(struct tcp_sock *tp) { return cc_priv(tp); }
static uint32_t max_bw(struct tcp_sock *tp) { return (uint32_t)minmax_get(&bb(tp)->bw); }
static uint32_t bbr_bw(struct tcp_sock *tp) { return bb(tp)->lt_use_bw ? bb(tp)->lt_bw : max_bw(tp); }

static uint16_t extra_acked(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	return b->extra_acked[0] > b->extra_acked[1] ? b->extra_acked[0] : b->extra_acked[1];
}

/* bw (pkts/us << 24) with a gain, as bytes per second, 1 % under */
static uint64_t rate_bytes_per_sec(struct tcp_sock *tp, uint64_t rate, uint32_t gain)
{
	rate *= tp->mss;
	rate *= gain;
	rate >>= BBR_SCALE;
	rate *= 1000000 / 100 * (100 - bbr_pacing_margin_percent);
	return rate >> BW_SCALE;
}

static void init_pacing_rate_from_rtt(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	uint64_t rtt_us;
	if (tp->srtt8) {
		rtt_us = (uint64_t)(tp->srtt8 >> 3) / 1000;
		if (!rtt_us)
			rtt_us = 1;
		b->has_seen_rtt = true;
	} else {
		rtt_us = 1000; /* a nominal 1 ms */
	}
	uint64_t bw = (uint64_t)tp->snd_cwnd * BW_UNIT / rtt_us;
	tp->pacing_rate = rate_bytes_per_sec(tp, bw, bbr_high_gain);
}

static void set_pacing_rate(struct tcp_sock *tp, uint32_t bw, uint32_t gain)
{
	struct bbr *b = bb(tp);
	uint64_t rate = rate_bytes_per_sec(tp, bw, gain);
	if (!b->has_seen_rtt && tp->srtt8)
		init_pacing_rate_from_rtt(tp);
	if (b->full_bw_reached || rate > tp->pacing_rate)
		tp->pacing_rate = rate;
}

static uint32_t min_tso_segs(struct tcp_sock *tp)
{
	return tp->pacing_rate < (bbr_min_tso_rate >> 3) ? 1 : 2;
}

/* The bursts Linux's TSO would make at this pacing rate (1 ms of data). */
static uint32_t tso_segs_goal(struct tcp_sock *tp)
{
	uint64_t bytes = tp->pacing_rate >> 10; /* sk_pacing_shift = 10 */
	const uint64_t gso_max = 65536 - 1 - 320; /* GSO_MAX_SIZE - 1 - MAX_TCP_HEADER */
	if (bytes > gso_max)
		bytes = gso_max;
	uint32_t segs = (uint32_t)(bytes / tp->mss);
	if (segs < min_tso_segs(tp))
		segs = min_tso_segs(tp);
	return segs < 0x7f ? segs : 0x7f;
}

static void save_cwnd(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	if (b->prev_ca_state < TCP_CA_Recovery && b->mode != BBR_PROBE_RTT)
		b->prior_cwnd = tp->snd_cwnd;
	else if (tp->snd_cwnd > b->prior_cwnd)
		b->prior_cwnd = tp->snd_cwnd;
}

static void check_probe_rtt_done(struct tcp_sock *tp);

static void bbr_cwnd_event(struct tcp_sock *tp, enum cc_event ev)
{
	struct bbr *b = bb(tp);
	if (ev == CA_EVENT_TX_START && tp->app_limited) {
		b->idle_restart = true;
		b->ack_epoch_mstamp = tp->sim->now;
		b->ack_epoch_acked = 0;
		if (b->mode == BBR_PROBE_BW)
			set_pacing_rate(tp, bbr_bw(tp), BBR_UNIT);
		else if (b->mode == BBR_PROBE_RTT)
			check_probe_rtt_done(tp);
	}
}

/* bdp = ceil(bw * min_rtt * gain), segments */
static uint32_t bbr_bdp(struct tcp_sock *tp, uint32_t bw, uint32_t gain)
{
	struct bbr *b = bb(tp);
	if (b->min_rtt == INT64_MAX)
		return TCP_INIT_CWND;
	uint64_t w = (uint64_t)bw * (uint64_t)(b->min_rtt / 1000);
	return (uint32_t)((((w * gain) >> BBR_SCALE) + BW_UNIT - 1) / BW_UNIT);
}

static uint32_t quantization_budget(struct tcp_sock *tp, uint32_t cwnd)
{
	struct bbr *b = bb(tp);
	cwnd += 3 * tso_segs_goal(tp);
	cwnd = (cwnd + 1) & ~1u;  /* even, against delayed ACKs */
	if (b->mode == BBR_PROBE_BW && b->cycle_idx == 0)
		cwnd += 2;        /* gain cycling rises above BDP even when small */
	return cwnd;
}

static uint32_t bbr_inflight(struct tcp_sock *tp, uint32_t bw, uint32_t gain)
{
	return quantization_budget(tp, bbr_bdp(tp, bw, gain));
}

/* Packets likely in the network when the next paced packet leaves. */
static uint32_t packets_in_net_at_edt(struct tcp_sock *tp, uint32_t inflight_now)
{
	struct bbr *b = bb(tp);
	simtime_t now = tp->sim->now, edt = tp->next_send > now ? tp->next_send : now;
	uint64_t interval_us = (uint64_t)(edt - now) / 1000;
	uint64_t delivered = (uint64_t)bbr_bw(tp) * interval_us >> BW_SCALE;
	uint64_t at_edt = inflight_now;
	if (b->pacing_gain > BBR_UNIT)
		at_edt += tso_segs_goal(tp);
	return delivered >= at_edt ? 0 : (uint32_t)(at_edt - delivered);
}

static uint32_t ack_aggregation_cwnd(struct tcp_sock *tp)
{
	if (!bbr_extra_acked_gain || !bb(tp)->full_bw_reached)
		return 0;
	uint64_t max_aggr = (uint64_t)bbr_bw(tp) * bbr_extra_acked_max_us / BW_UNIT;
	uint64_t aggr = ((uint64_t)bbr_extra_acked_gain * extra_acked(tp)) >> BBR_SCALE;
	return (uint32_t)(aggr < max_aggr ? aggr : max_aggr);
}

/* Packet conservation in the first round of recovery; restore afterwards. */
static bool set_cwnd_to_recover_or_restore(struct tcp_sock *tp, const struct rate_sample *rs,
					   uint32_t acked, uint32_t *new_cwnd)
{
	struct bbr *b = bb(tp);
	uint8_t prev = b->prev_ca_state, state = tp->ca_state;
	uint32_t cwnd = tp->snd_cwnd;
	if (rs->losses > 0)
		cwnd = (int64_t)cwnd - rs->losses > 1 ? cwnd - (uint32_t)rs->losses : 1;
	if (state == TCP_CA_Recovery && prev != TCP_CA_Recovery) {
		b->packet_conservation = true;
		b->next_rtt_delivered = tp->delivered; /* start a round now */
		cwnd = tcp_packets_in_flight(tp) + acked;
	} else if (prev >= TCP_CA_Recovery && state < TCP_CA_Recovery) {
		if (b->prior_cwnd > cwnd)
			cwnd = b->prior_cwnd;
		b->packet_conservation = false;
	}
	b->prev_ca_state = state;
	if (b->packet_conservation) {
		uint32_t pc = tcp_packets_in_flight(tp) + acked;
		*new_cwnd = cwnd > pc ? cwnd : pc;
		return true;
	}
	*new_cwnd = cwnd;
	return false;
}

static void set_cwnd(struct tcp_sock *tp, const struct rate_sample *rs, uint32_t acked,
		     uint32_t bw, uint32_t gain)
{
	struct bbr *b = bb(tp);
	uint32_t cwnd = tp->snd_cwnd;
	if (!acked)
		goto done;
	if (set_cwnd_to_recover_or_restore(tp, rs, acked, &cwnd))
		goto done;
	uint32_t target = bbr_bdp(tp, bw, gain);
	target += ack_aggregation_cwnd(tp);
	target = quantization_budget(tp, target);
	if (b->full_bw_reached)
		cwnd = cwnd + acked < target ? cwnd + acked : target;
	else if (cwnd < target || tp->delivered < TCP_INIT_CWND)
		cwnd = cwnd + acked;
	if (cwnd < bbr_cwnd_min_target)
		cwnd = bbr_cwnd_min_target;
done:
	tp->snd_cwnd = cwnd < tp->snd_cwnd_clamp ? cwnd : tp->snd_cwnd_clamp;
	if (b->mode == BBR_PROBE_RTT && tp->snd_cwnd > bbr_cwnd_min_target)
		tp->snd_cwnd = bbr_cwnd_min_target;
}

static bool is_next_cycle_phase(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	bool full_length = tp->delivered_mstamp - b->cycle_mstamp > b->min_rtt;
	if (b->pacing_gain == BBR_UNIT)
		return full_length;
	uint32_t inflight = packets_in_net_at_edt(tp, rs->prior_in_flight);
	uint32_t bw = max_bw(tp);
	if (b->pacing_gain > BBR_UNIT)
		return full_length && (rs->losses || inflight >= bbr_inflight(tp, bw, b->pacing_gain));
	return full_length || inflight <= bbr_inflight(tp, bw, BBR_UNIT);
}

static void advance_cycle_phase(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	b->cycle_idx = (uint8_t)((b->cycle_idx + 1) & (CYCLE_LEN - 1));
	b->cycle_mstamp = tp->delivered_mstamp;
}

static void update_cycle_phase(struct tcp_sock *tp, const struct rate_sample *rs)
{
	if (bb(tp)->mode == BBR_PROBE_BW && is_next_cycle_phase(tp, rs))
		advance_cycle_phase(tp);
}

static void enter_mode(struct tcp_sock *tp, uint8_t mode)
{
	static const char *const names[] = { "STARTUP", "DRAIN", "PROBE_BW", "PROBE_RTT" };
	struct bbr *b = bb(tp);
	if (b->mode != mode)
		tcp_log(tp, "bbr_mode", "%s -> %s", names[b->mode], names[mode]);
	b->mode = mode;
}

/* The flow's own random stream (DESIGN §2: one per consumer), so one flow's
 * draws never shift another's, as they did when a node's flows shared one.
 * Asked for on first use: most short flows never reach PROBE_BW, and a
 * stream is a few kilobytes that live as long as the run. */
static struct rng *bbr_rng(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	if (!b->rng) {
		char name[96];
		snprintf(name, sizeof(name), "tcp:%s:bbr", tcp_name(tp));
		b->rng = rng_stream(tp->sim, name);
	}
	return b->rng;
}

static void reset_probe_bw_mode(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	enter_mode(tp, BBR_PROBE_BW);
	b->cycle_idx = (uint8_t)(CYCLE_LEN - 1 - rng_below(bbr_rng(tp), bbr_cycle_rand));
	advance_cycle_phase(tp); /* never starts at 0.75 */
}

static void reset_mode(struct tcp_sock *tp)
{
	if (!bb(tp)->full_bw_reached)
		enter_mode(tp, BBR_STARTUP);
	else
		reset_probe_bw_mode(tp);
}

/* ---- long-term (policer) bandwidth ---- */

static void reset_lt_bw_sampling_interval(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	b->lt_last_stamp = tp->delivered_mstamp;
	b->lt_last_delivered = tp->delivered;
	b->lt_last_lost = tp->lost;
	b->lt_rtt_cnt = 0;
}

static void reset_lt_bw_sampling(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	b->lt_bw = 0;
	b->lt_use_bw = false;
	b->lt_is_sampling = false;
	reset_lt_bw_sampling_interval(tp);
}

static void lt_bw_interval_done(struct tcp_sock *tp, uint32_t bw)
{
	struct bbr *b = bb(tp);
	if (b->lt_bw) {
		uint32_t diff = bw > b->lt_bw ? bw - b->lt_bw : b->lt_bw - bw;
		if ((uint64_t)diff * BBR_UNIT <= (uint64_t)bbr_lt_bw_ratio * b->lt_bw ||
		    rate_bytes_per_sec(tp, diff, BBR_UNIT) <= bbr_lt_bw_diff) {
			/* two consistent lossy intervals: a policer */
			b->lt_bw = (bw + b->lt_bw) >> 1;
			b->lt_use_bw = true;
			b->pacing_gain = BBR_UNIT;
			b->lt_rtt_cnt = 0;
			tcp_log(tp, "bbr_policer", "long-term bw %llu bytes/s",
				(unsigned long long)rate_bytes_per_sec(tp, b->lt_bw, BBR_UNIT));
			return;
		}
	}
	b->lt_bw = bw;
	reset_lt_bw_sampling_interval(tp);
}

static void lt_bw_sampling(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	if (b->lt_use_bw) {
		if (b->mode == BBR_PROBE_BW && b->round_start && ++b->lt_rtt_cnt >= bbr_lt_bw_max_rtts) {
			reset_lt_bw_sampling(tp);
			reset_probe_bw_mode(tp);
		}
		return;
	}
	if (!b->lt_is_sampling) {
		if (!rs->losses)
			return;
		reset_lt_bw_sampling_interval(tp);
		b->lt_is_sampling = true;
	}
	if (rs->is_app_limited) {
		reset_lt_bw_sampling(tp);
		return;
	}
	if (b->round_start)
		b->lt_rtt_cnt++;
	if (b->lt_rtt_cnt < bbr_lt_intvl_min_rtts)
		return;
	if (b->lt_rtt_cnt > 4 * bbr_lt_intvl_min_rtts) {
		reset_lt_bw_sampling(tp);
		return;
	}
	if (!rs->losses)
		return;
	uint64_t lost = tp->lost - b->lt_last_lost, delivered = tp->delivered - b->lt_last_delivered;
	if (!delivered || (lost << BBR_SCALE) < bbr_lt_loss_thresh * delivered)
		return;
	simtime_t t = (tp->delivered_mstamp - b->lt_last_stamp) / SIM_MS(1); /* ms, as Linux */
	if (t < 1)
		return;
	uint64_t bw = delivered * BW_UNIT / ((uint64_t)t * 1000);
	lt_bw_interval_done(tp, (uint32_t)(bw > UINT32_MAX ? UINT32_MAX : bw));
}

/* ---- the model ---- */

static void update_bw(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	b->round_start = false;
	if (rs->delivered < 0 || rs->interval <= 0)
		return;
	if (rs->prior_delivered >= b->next_rtt_delivered) {
		b->next_rtt_delivered = tp->delivered;
		b->rtt_cnt++;
		b->round_start = true;
		b->packet_conservation = false;
	}
	lt_bw_sampling(tp, rs);
	uint64_t interval_us = (uint64_t)rs->interval / 1000;
	if (!interval_us)
		interval_us = 1;
	uint64_t bw = (uint64_t)rs->delivered * BW_UNIT / interval_us;
	if (bw > UINT32_MAX)
		bw = UINT32_MAX;
	/* app-limited samples count only when they raise the estimate */
	if (!rs->is_app_limited || bw >= max_bw(tp))
		minmax_running_max(&b->bw, bbr_bw_rtts, b->rtt_cnt, (int64_t)bw);
}

static void update_ack_aggregation(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	if (!bbr_extra_acked_gain || rs->acked_sacked <= 0 || rs->delivered < 0 || rs->interval <= 0)
		return;
	if (b->round_start) {
		b->extra_acked_win_rtts = b->extra_acked_win_rtts < 0x1f ? b->extra_acked_win_rtts + 1 : 0x1f;
		if (b->extra_acked_win_rtts >= bbr_extra_acked_win_rtts) {
			b->extra_acked_win_rtts = 0;
			b->extra_acked_win_idx = b->extra_acked_win_idx ? 0 : 1;
			b->extra_acked[b->extra_acked_win_idx] = 0;
		}
	}
	uint64_t epoch_us = (uint64_t)(tp->delivered_mstamp - b->ack_epoch_mstamp) / 1000;
	uint64_t expected = (uint64_t)bbr_bw(tp) * epoch_us / BW_UNIT;
	if (b->ack_epoch_acked <= expected ||
	    b->ack_epoch_acked + rs->acked_sacked >= bbr_ack_epoch_acked_reset_thresh) {
		b->ack_epoch_acked = 0;
		b->ack_epoch_mstamp = tp->delivered_mstamp;
		expected = 0;
	}
	b->ack_epoch_acked += rs->acked_sacked;
	if (b->ack_epoch_acked > 0xfffff)
		b->ack_epoch_acked = 0xfffff;
	uint64_t extra = b->ack_epoch_acked - expected;
	if (extra > tp->snd_cwnd)
		extra = tp->snd_cwnd;
	if (extra > b->extra_acked[b->extra_acked_win_idx])
		b->extra_acked[b->extra_acked_win_idx] = (uint16_t)(extra > 0xffff ? 0xffff : extra);
}

static void check_full_bw_reached(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	if (b->full_bw_reached || !b->round_start || rs->is_app_limited)
		return;
	uint64_t thresh = (uint64_t)b->full_bw * bbr_full_bw_thresh >> BBR_SCALE;
	if (max_bw(tp) >= thresh) {
		b->full_bw = max_bw(tp);
		b->full_bw_cnt = 0;
		return;
	}
	b->full_bw_cnt++;
	b->full_bw_reached = b->full_bw_cnt >= bbr_full_bw_cnt;
}

static void check_drain(struct tcp_sock *tp, const struct rate_sample *rs)
{
	(void)rs;
	struct bbr *b = bb(tp);
	if (b->mode == BBR_STARTUP && b->full_bw_reached) {
		enter_mode(tp, BBR_DRAIN);
		tp->snd_ssthresh = bbr_inflight(tp, max_bw(tp), BBR_UNIT);
	}
	if (b->mode == BBR_DRAIN &&
	    packets_in_net_at_edt(tp, tcp_packets_in_flight(tp)) <= bbr_inflight(tp, max_bw(tp), BBR_UNIT))
		reset_probe_bw_mode(tp);
}

static void check_probe_rtt_done(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	if (!(b->probe_rtt_done_stamp && tp->sim->now > b->probe_rtt_done_stamp))
		return;
	b->min_rtt_stamp = tp->sim->now; /* wait a while until PROBE_RTT again */
	if (b->prior_cwnd > tp->snd_cwnd)
		tp->snd_cwnd = b->prior_cwnd;
	reset_mode(tp);
}

static void update_min_rtt(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	simtime_t now = tp->sim->now;
	bool expired = now > b->min_rtt_stamp + bbr_min_rtt_win;
	/* A strictly lower RTT refreshes the filter, as in Linux (an early
	 * version had <=, which a later fix changed): on a path without
	 * jitter an empty queue gives the same RTT again and again, and <=
	 * would keep the estimate fresh forever and never probe. */
	if (rs->rtt >= 0 && (rs->rtt < b->min_rtt || (expired && !rs->is_ack_delayed))) {
		b->min_rtt = rs->rtt;
		b->min_rtt_stamp = now;
	}
	if (expired && !b->idle_restart && b->mode != BBR_PROBE_RTT) {
		enter_mode(tp, BBR_PROBE_RTT);
		save_cwnd(tp);
		b->probe_rtt_done_stamp = 0;
	}
	if (b->mode == BBR_PROBE_RTT) {
		/* ignore low-rate samples while inflight is held down */
		uint64_t mark = tp->delivered + tcp_packets_in_flight(tp);
		tp->app_limited = mark ? mark : 1;
		if (!b->probe_rtt_done_stamp && tcp_packets_in_flight(tp) <= bbr_cwnd_min_target) {
			b->probe_rtt_done_stamp = now + bbr_probe_rtt_mode;
			b->probe_rtt_round_done = false;
			b->next_rtt_delivered = tp->delivered;
		} else if (b->probe_rtt_done_stamp) {
			if (b->round_start)
				b->probe_rtt_round_done = true;
			if (b->probe_rtt_round_done)
				check_probe_rtt_done(tp);
		}
	}
	if (rs->delivered > 0)
		b->idle_restart = false;
}

static void update_gains(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	switch (b->mode) {
	case BBR_STARTUP:
		b->pacing_gain = bbr_high_gain;
		b->cwnd_gain = bbr_high_gain;
		break;
	case BBR_DRAIN:
		b->pacing_gain = bbr_drain_gain;
		b->cwnd_gain = bbr_high_gain;
		break;
	case BBR_PROBE_BW:
		b->pacing_gain = b->lt_use_bw ? BBR_UNIT : bbr_pacing_gain[b->cycle_idx];
		b->cwnd_gain = bbr_cwnd_gain;
		break;
	case BBR_PROBE_RTT:
		b->pacing_gain = BBR_UNIT;
		b->cwnd_gain = BBR_UNIT;
		break;
	}
}

static void bbr_main(struct tcp_sock *tp, const struct rate_sample *rs)
{
	struct bbr *b = bb(tp);
	update_bw(tp, rs);
	update_ack_aggregation(tp, rs);
	update_cycle_phase(tp, rs);
	check_full_bw_reached(tp, rs);
	check_drain(tp, rs);
	update_min_rtt(tp, rs);
	update_gains(tp);
	uint32_t bw = bbr_bw(tp);
	set_pacing_rate(tp, bw, b->pacing_gain);
	set_cwnd(tp, rs, rs->acked_sacked, bw, b->cwnd_gain);
}

static void bbr_init(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	*b = (struct bbr){ 0 };
	tp->snd_ssthresh = 0x7fffffff;
	b->prev_ca_state = TCP_CA_Open;
	b->min_rtt = tcp_min_rtt(tp);
	b->min_rtt_stamp = tp->sim->now;
	minmax_reset(&b->bw, 0, 0);
	init_pacing_rate_from_rtt(tp);
	reset_lt_bw_sampling(tp);
	b->mode = BBR_STARTUP;
	b->pacing_gain = bbr_high_gain;
	b->cwnd_gain = bbr_high_gain;
	b->ack_epoch_mstamp = tp->sim->now;
	tp->pacing = true; /* Linux: SK_PACING_NEEDED, the stack paces */
}

static uint32_t bbr_undo_cwnd(struct tcp_sock *tp)
{
	struct bbr *b = bb(tp);
	b->full_bw = 0; /* a spurious slow-down: look for a full pipe again */
	b->full_bw_cnt = 0;
	reset_lt_bw_sampling(tp);
	return tp->snd_cwnd;
}

/* Entering recovery: remember cwnd for when it ends. */
static uint32_t bbr_ssthresh(struct tcp_sock *tp)
{
	save_cwnd(tp);
	return tp->snd_ssthresh;
}

static void bbr_set_state(struct tcp_sock *tp, enum tcp_ca_state st)
{
	struct bbr *b = bb(tp);
	if (st == TCP_CA_Loss) {
		struct rate_sample rs = { .losses = 1, .rtt = -1, .interval = -1, .prior_mstamp = -1 };
		b->prev_ca_state = TCP_CA_Loss;
		b->full_bw = 0;
		b->round_start = true; /* a timeout ends a round */
		lt_bw_sampling(tp, &rs);
	}
}

/* bw as bytes/s (without the pacing margin), min_rtt, pacing gain */
static void bbr_get_info(struct tcp_sock *tp, struct cc_info *ci)
{
	struct bbr *b = bb(tp);
	ci->bw = (double)bbr_bw(tp) * tp->mss * 1e6 / BW_UNIT;
	if (b->min_rtt != INT64_MAX)
		ci->min_rtt = (double)b->min_rtt;
	ci->pacing_gain = (double)b->pacing_gain / BBR_UNIT;
}

/* BBR may slow-start even in recovery: room for three cwnds */
static uint32_t bbr_sndbuf_expand(struct tcp_sock *tp)
{
	(void)tp;
	return 3;
}

const struct cc_ops bbr_ops = {
	.sndbuf_expand = bbr_sndbuf_expand,
	.name = "bbr",
	.init = bbr_init,
	.cong_control = bbr_main,
	.ssthresh = bbr_ssthresh,
	.undo_cwnd = bbr_undo_cwnd,
	.cwnd_event = bbr_cwnd_event,
	.set_state = bbr_set_state,
	.get_info = bbr_get_info,
};
