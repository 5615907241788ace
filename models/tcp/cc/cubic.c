/* CUBIC (RFC 9438; Ha, Rhee & Xu, SIGOPS OSR 42(5), 2008) as Linux's
 * net/ipv4/tcp_cubic.c (v2.3), with HyStart (Ha & Rhee, "Taming the
 * elephants", 2011).
 *
 * After a loss at W_max the window follows W(t) = C (t - K)^3 + W_max with
 * K = cbrt(W_max (1 - beta) / C), C = 0.4 (bic_scale 41 / 1024 * 10) and
 * beta = 717/1024; the window is reduced to beta * cwnd.  Like Linux, time
 * is counted in 1/1024 s from the start of the epoch (the first ACK after
 * a reduction) plus the minimum RTT, so the target is one RTT ahead, and
 * the window grows towards the target by one segment per cnt segments
 * ACKed.  In the Reno-friendly region cwnd grows at least as fast as a
 * Reno flow with the same loss rate would (alpha = 3(1 - beta)/(1 + beta),
 * RFC 9438 §4.3, Linux's tcp_friendliness).  Fast convergence releases
 * bandwidth when W_max shrinks.  HyStart leaves slow start early when ACK
 * trains stretch beyond half the minimum RTT or when the RTT of a round
 * rises by clamp(min_rtt/8, 4 ms, 16 ms) after 8 samples, once cwnd >= 16.
 *
 * Deviations: the cube root is computed exactly (libm cbrt), where Linux
 * uses a table and one Newton step (about 0.2 % error); and the target is
 * floor(W) below K too (see cubic_update), so cwnd regains W_max at K as
 * RFC 9438 says rather than ~1.4 s early as Linux's rounding makes it. */
#include <math.h>

#include "../tcp_priv.h"
#include "cc.h"

#define BICTCP_BETA_SCALE 1024
#define BICTCP_HZ 10                     /* time unit 2^-10 s */
#define BETA 717                         /* beta = 717/1024 */
#define BIC_SCALE 41                     /* C = 41 * 10 / 1024 = 0.4 */
#define HYSTART_LOW_WINDOW 16
#define HYSTART_MIN_SAMPLES 8
#define HYSTART_DELAY_MIN SIM_MS(4)
#define HYSTART_DELAY_MAX SIM_MS(16)
#define HYSTART_ACK_DELTA SIM_US(2000)

struct cubic {
	uint32_t cnt;              /* increase cwnd by 1 after this many segments ACKed */
	uint32_t last_max_cwnd;    /* W_max, segments */
	uint32_t last_cwnd;
	simtime_t last_time;
	uint32_t bic_origin_point; /* origin of the cubic curve, segments */
	uint64_t bic_K;            /* time to the origin, 2^-10 s */
	simtime_t delay_min;       /* minimum RTT, ns (0: none yet) */
	simtime_t epoch_start;     /* start of the epoch (-1: none) */
	uint32_t ack_cnt;          /* segments ACKed in the epoch */
	uint32_t tcp_cwnd;         /* estimated Reno cwnd */
	/* HyStart */
	bool found;
	uint8_t sample_cnt;
	simtime_t round_start, last_ack, curr_rtt;
	uint32_t end_seq;
	/* settings */
	bool fast_convergence, hystart;
};
CC_PRIV_CHECK(struct cubic);

/* beta_scale = 8 * (1024 + beta) / 3 / (1024 - beta): segments ACKed per
 * Reno increment, times 8 (Linux's integer value, 15) */
static const uint32_t beta_scale = 8 * (BICTCP_BETA_SCALE + BETA) / 3 / (BICTCP_BETA_SCALE - BETA);

static struct cubic *ca(struct tcp_sock *tp) { return cc_priv(tp); }

static void cubic_reset(struct cubic *c)
{
	bool fc = c->fast_convergence, hs = c->hystart;
	simtime_t rs = c->round_start, la = c->last_ack, cr = c->curr_rtt;
	uint32_t es = c->end_seq;
	uint8_t sc = c->sample_cnt;
	*c = (struct cubic){ 0 };
	c->epoch_start = -1;
	c->fast_convergence = fc;
	c->hystart = hs;
	c->round_start = rs;
	c->last_ack = la;
	c->curr_rtt = cr;
	c->end_seq = es;
	c->sample_cnt = sc;
}

static void hystart_reset(struct tcp_sock *tp)
{
	struct cubic *c = ca(tp);
	c->round_start = c->last_ack = tp->sim->now;
	c->end_seq = tp->snd_nxt;
	c->curr_rtt = INT64_MAX;
	c->sample_cnt = 0;
}

static void cubic_init(struct tcp_sock *tp)
{
	struct cubic *c = ca(tp);
	c->fast_convergence = tp->cfg.cubic_fast_convergence;
	c->hystart = tp->cfg.hystart;
	cubic_reset(c);
	c->found = false;
	if (c->hystart)
		hystart_reset(tp);
}

static void cubic_cwnd_event(struct tcp_sock *tp, enum cc_event ev)
{
	struct cubic *c = ca(tp);
	if (ev == CA_EVENT_TX_START && c->epoch_start >= 0 && tp->lsndtime) {
		/* idle (app-limited) for a while: shift the epoch so the curve
		 * resumes where it was */
		simtime_t now = tp->sim->now, delta = now - tp->lsndtime;
		if (delta > 0) {
			c->epoch_start += delta;
			if (c->epoch_start > now)
				c->epoch_start = now;
		}
	}
}

/* Linux bictcp_update: the ACK count per cwnd increment. */
static void cubic_update(struct tcp_sock *tp, uint32_t cwnd, uint32_t acked)
{
	struct cubic *c = ca(tp);
	simtime_t now = tp->sim->now;
	c->ack_cnt += acked;
	/* at most once per jiffy (1 ms) unless cwnd changed, as Linux */
	if (c->last_cwnd == cwnd && now - c->last_time <= SIM_MS(1000) / 32)
		return;
	if (c->epoch_start >= 0 && now / SIM_MS(1) == c->last_time / SIM_MS(1))
		goto friendliness;
	c->last_cwnd = cwnd;
	c->last_time = now;
	if (c->epoch_start < 0) {
		c->epoch_start = now;
		c->ack_cnt = acked;
		c->tcp_cwnd = cwnd;
		if (c->last_max_cwnd <= cwnd) {
			c->bic_K = 0;
			c->bic_origin_point = cwnd;
		} else {
			/* K = cbrt((W_max - cwnd) / C), in 2^-10 s */
			double k = cbrt((double)(c->last_max_cwnd - cwnd) * BICTCP_BETA_SCALE /
					(BIC_SCALE * 10));
			c->bic_K = (uint64_t)(k * (1 << BICTCP_HZ));
			c->bic_origin_point = c->last_max_cwnd;
		}
	}
	/* t = time since the epoch began, plus the minimum RTT, in 2^-10 s */
	uint64_t t = (uint64_t)(now - c->epoch_start + c->delay_min);
	t = (uint64_t)(((unsigned __int128)t << BICTCP_HZ) / 1000000000u);
	uint64_t offs = t < c->bic_K ? c->bic_K - t : t - c->bic_K;
	/* C * (t - K)^3 in segments: (410 * offs^3) >> 40, rounded so that the
	 * target is floor(W(t)) on both sides of K.  (Linux truncates the
	 * cubic term, which below K rounds the target up and lets cwnd reach
	 * W_max about cbrt(1/C) = 1.36 s before K; RFC 9438 has it reach W_max
	 * at K, as the floor does.) */
	unsigned __int128 cube = (unsigned __int128)(BIC_SCALE * 10) * offs * offs * offs;
	const unsigned __int128 one = (unsigned __int128)1 << (10 + 3 * BICTCP_HZ);
	uint64_t delta = (uint64_t)(t < c->bic_K ? (cube + one - 1) >> (10 + 3 * BICTCP_HZ)
						 : cube >> (10 + 3 * BICTCP_HZ));
	if (delta > c->bic_origin_point && t < c->bic_K)
		delta = c->bic_origin_point;
	uint64_t target = t < c->bic_K ? c->bic_origin_point - delta : c->bic_origin_point + delta;
	if (target > cwnd)
		c->cnt = (uint32_t)(cwnd / (target - cwnd));
	else
		c->cnt = 100 * cwnd; /* very slow growth */
	/* the first epoch knows nothing of the path: at least 5 % per RTT */
	if (c->last_max_cwnd == 0 && c->cnt > 20)
		c->cnt = 20;
friendliness:
	/* the Reno-friendly region (RFC 9438 §4.3) */
	{
		uint32_t d = (cwnd * beta_scale) >> 3;
		if (!d)
			d = 1;
		while (c->ack_cnt > d) {
			c->ack_cnt -= d;
			c->tcp_cwnd++;
		}
		if (c->tcp_cwnd > cwnd) {
			uint32_t max_cnt = cwnd / (c->tcp_cwnd - cwnd);
			if (c->cnt > max_cnt)
				c->cnt = max_cnt;
		}
	}
	/* at most one segment per two ACKed: 1.5x per RTT */
	if (c->cnt < 2)
		c->cnt = 2;
}

static void cubic_cong_avoid(struct tcp_sock *tp, uint32_t acked)
{
	struct cubic *c = ca(tp);
	if (!tcp_is_cwnd_limited(tp))
		return;
	if (tcp_in_slow_start(tp)) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	cubic_update(tp, tp->snd_cwnd, acked);
	tcp_cong_avoid_ai(tp, c->cnt, acked);
}

static uint32_t cubic_ssthresh(struct tcp_sock *tp)
{
	struct cubic *c = ca(tp);
	c->epoch_start = -1; /* end of the epoch */
	/* fast convergence: a lower W_max than last time releases bandwidth */
	if (tp->snd_cwnd < c->last_max_cwnd && c->fast_convergence)
		c->last_max_cwnd = tp->snd_cwnd * (BICTCP_BETA_SCALE + BETA) / (2 * BICTCP_BETA_SCALE);
	else
		c->last_max_cwnd = tp->snd_cwnd;
	uint32_t w = tp->snd_cwnd * BETA / BICTCP_BETA_SCALE;
	return w > 2 ? w : 2;
}

static void cubic_set_state(struct tcp_sock *tp, enum tcp_ca_state st)
{
	if (st == TCP_CA_Loss) {
		struct cubic *c = ca(tp);
		cubic_reset(c);
		c->found = false;
		if (c->hystart)
			hystart_reset(tp);
	}
}

/* Linux hystart_ack_delay: the ACK-train threshold allows for the time one
 * 64 KB burst takes at the pacing rate, at most 1 ms. */
static simtime_t hystart_ack_delay(const struct tcp_sock *tp)
{
	if (!tp->pacing_rate)
		return 0;
	simtime_t d = (simtime_t)(65536ull * 4 * 1000000000ull / tp->pacing_rate);
	return d < SIM_MS(1) ? d : SIM_MS(1);
}

static void hystart_update(struct tcp_sock *tp, simtime_t delay)
{
	struct cubic *c = ca(tp);
	simtime_t now = tp->sim->now;
	/* a new round begins even below the low window (Linux resets the
	 * round before that test), so the first round at 16 segments is timed
	 * from its own start */
	if (seq_after(tp->snd_una, c->end_seq))
		hystart_reset(tp);
	if (tp->snd_cwnd < HYSTART_LOW_WINDOW)
		return;
	/* ACK train: closely spaced ACKs spanning more than delay_min / 2 */
	if (now - c->last_ack <= HYSTART_ACK_DELTA) {
		c->last_ack = now;
		simtime_t threshold = c->delay_min + hystart_ack_delay(tp);
		if (!tp->pacing)
			threshold >>= 1; /* no pacing: ACKs come back in bursts */
		if (now - c->round_start > threshold) {
			c->found = true;
			tp->snd_ssthresh = tp->snd_cwnd;
			tcp_log(tp, "hystart", "ACK train: slow start ends at cwnd %u", tp->snd_cwnd);
		}
	}
	/* delay: the round's minimum RTT rose by the threshold */
	if (c->curr_rtt > delay)
		c->curr_rtt = delay;
	if (c->sample_cnt < HYSTART_MIN_SAMPLES) {
		c->sample_cnt++;
	} else if (!c->found) {
		simtime_t th = c->delay_min >> 3;
		th = th < HYSTART_DELAY_MIN ? HYSTART_DELAY_MIN : th > HYSTART_DELAY_MAX ? HYSTART_DELAY_MAX : th;
		if (c->curr_rtt > c->delay_min + th) {
			c->found = true;
			tp->snd_ssthresh = tp->snd_cwnd;
			tcp_log(tp, "hystart", "delay increase: slow start ends at cwnd %u", tp->snd_cwnd);
		}
	}
}

static void cubic_pkts_acked(struct tcp_sock *tp, const struct ack_sample *s)
{
	struct cubic *c = ca(tp);
	if (s->rtt < 0)
		return;
	/* discard delay samples right after a reduction */
	if (c->epoch_start >= 0 && tp->sim->now - c->epoch_start < SIM_S(1))
		return;
	simtime_t delay = s->rtt > 0 ? s->rtt : 1;
	if (c->delay_min == 0 || c->delay_min > delay)
		c->delay_min = delay;
	if (!c->found && c->hystart && tcp_in_slow_start(tp))
		hystart_update(tp, delay);
}

const struct cc_ops cubic_ops = {
	.name = "cubic",
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.set_state = cubic_set_state,
	.undo_cwnd = tcp_reno_undo_cwnd,
	.cwnd_event = cubic_cwnd_event,
	.pkts_acked = cubic_pkts_acked,
};
