/* Building blocks shared by the congestion controls, as Linux's
 * tcp_slow_start(), tcp_cong_avoid_ai(), tcp_reno_*() (tcp_cong.c) and the
 * windowed min/max filter (lib/win_minmax.c). */
#include "cc.h"

#include "../tcp_priv.h"

bool tcp_in_slow_start(const struct tcp_sock *tp)
{
	return tp->snd_cwnd < tp->snd_ssthresh;
}

/* Linux tcp_is_cwnd_limited: was cwnd the limit over the last window?  In
 * slow start, grow while cwnd is less than twice what was in flight. */
bool tcp_is_cwnd_limited(const struct tcp_sock *tp)
{
	if (tp->is_cwnd_limited)
		return true;
	if (tcp_in_slow_start(tp))
		return tp->snd_cwnd < 2 * tp->max_packets_out;
	return false;
}

/* Slow start (RFC 5681 §3.1, counting segments as Linux does): cwnd grows
 * by the segments ACKed, up to ssthresh; returns the ACKed segments left
 * over for congestion avoidance. */
uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked)
{
	uint32_t cwnd = tp->snd_cwnd + acked;
	if (cwnd > tp->snd_ssthresh)
		cwnd = tp->snd_ssthresh;
	acked -= cwnd - tp->snd_cwnd;
	tp->snd_cwnd = cwnd < tp->snd_cwnd_clamp ? cwnd : tp->snd_cwnd_clamp;
	return acked;
}

/* Additive increase: one segment per w segments ACKed (Linux
 * tcp_cong_avoid_ai), so one per window per RTT when w = cwnd. */
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked)
{
	if (tp->snd_cwnd_cnt >= w) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd++;
	}
	tp->snd_cwnd_cnt += acked;
	if (tp->snd_cwnd_cnt >= w) {
		uint32_t delta = tp->snd_cwnd_cnt / w;
		tp->snd_cwnd_cnt -= delta * w;
		tp->snd_cwnd += delta;
	}
	if (tp->snd_cwnd > tp->snd_cwnd_clamp)
		tp->snd_cwnd = tp->snd_cwnd_clamp;
}

/* Reno (RFC 5681): halve on loss, never below two segments. */
uint32_t tcp_reno_ssthresh(struct tcp_sock *tp)
{
	uint32_t half = tp->snd_cwnd >> 1;
	return half > 2 ? half : 2;
}

void tcp_reno_cong_avoid(struct tcp_sock *tp, uint32_t acked)
{
	if (!tcp_is_cwnd_limited(tp))
		return;
	if (tcp_in_slow_start(tp)) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

uint32_t tcp_reno_undo_cwnd(struct tcp_sock *tp)
{
	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

/* ---- windowed min/max (Kathleen Nichols' algorithm) ----
 * Keeps the best, second-best and third-best samples of the window so the
 * estimate ages out smoothly; t and win share a unit. */

static int64_t minmax_subwin_update(struct minmax *m, int64_t win, const struct minmax_sample *val)
{
	int64_t dt = val->t - m->s[0].t;
	if (dt > win) {
		/* the best has passed out of the window: promote */
		m->s[0] = m->s[1];
		m->s[1] = m->s[2];
		m->s[2] = *val;
		if (val->t - m->s[0].t > win) {
			m->s[0] = m->s[1];
			m->s[1] = m->s[2];
			m->s[2] = *val;
		}
	} else if (m->s[1].t == m->s[0].t && dt > win / 4) {
		/* a quarter of the window with no better sample: refresh the
		 * second-best */
		m->s[2] = m->s[1] = *val;
	} else if (m->s[2].t == m->s[1].t && dt > win / 2) {
		m->s[2] = *val;
	}
	return m->s[0].v;
}

int64_t minmax_running_max(struct minmax *m, int64_t win, int64_t t, int64_t v)
{
	struct minmax_sample val = { t, v };
	if (val.v >= m->s[0].v || val.t - m->s[2].t > win) {
		minmax_reset(m, t, v);
		return m->s[0].v;
	}
	if (val.v >= m->s[1].v)
		m->s[2] = m->s[1] = val;
	else if (val.v >= m->s[2].v)
		m->s[2] = val;
	return minmax_subwin_update(m, win, &val);
}

int64_t minmax_running_min(struct minmax *m, int64_t win, int64_t t, int64_t v)
{
	struct minmax_sample val = { t, v };
	if (val.v <= m->s[0].v || val.t - m->s[2].t > win) {
		minmax_reset(m, t, v);
		return m->s[0].v;
	}
	if (val.v <= m->s[1].v)
		m->s[2] = m->s[1] = val;
	else if (val.v <= m->s[2].v)
		m->s[2] = val;
	return minmax_subwin_update(m, win, &val);
}
