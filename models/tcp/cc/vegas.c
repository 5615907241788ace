/* TCP Vegas (Brakmo & Peterson, IEEE JSAC 13(8), 1995) as Linux's
 * net/ipv4/tcp_vegas.c: once per RTT, compare the expected rate
 * cwnd/baseRTT with the actual cwnd/minRTT; their difference, in segments
 * queued at the bottleneck (diff = cwnd * (rtt - baseRTT) / baseRTT), is
 * kept between alpha = 2 and beta = 4 by adding or removing one segment.
 * In slow start, diff > gamma = 1 ends slow start.  With two or fewer RTT
 * samples in a round it behaves as Reno; outside the Open state it defers
 * to Reno's rules.  baseRTT is the smallest RTT ever seen (+1 us, as
 * Linux). */
#include "../tcp_priv.h"
#include "cc.h"

enum { VEGAS_ALPHA = 2, VEGAS_BETA = 4, VEGAS_GAMMA = 1 };

struct vegas {
	uint32_t beg_snd_nxt;   /* right edge at the start of this round */
	bool doing_vegas_now;
	uint16_t cnt_rtt;       /* RTT samples this round */
	simtime_t min_rtt;      /* minimum RTT this round, ns */
	simtime_t base_rtt;     /* minimum RTT ever, ns */
};
CC_PRIV_CHECK(struct vegas);

static struct vegas *vg(struct tcp_sock *tp) { return cc_priv(tp); }

static void vegas_enable(struct tcp_sock *tp)
{
	struct vegas *v = vg(tp);
	v->doing_vegas_now = true;
	v->beg_snd_nxt = tp->snd_nxt;
	v->cnt_rtt = 0;
	v->min_rtt = INT64_MAX;
}

static void vegas_init(struct tcp_sock *tp)
{
	vg(tp)->base_rtt = INT64_MAX;
	vegas_enable(tp);
}

static void vegas_pkts_acked(struct tcp_sock *tp, const struct ack_sample *s)
{
	struct vegas *v = vg(tp);
	if (s->rtt < 0)
		return;
	simtime_t vrtt = s->rtt + SIM_US(1); /* never zero */
	if (vrtt < v->base_rtt)
		v->base_rtt = vrtt;
	if (vrtt < v->min_rtt)
		v->min_rtt = vrtt;
	v->cnt_rtt++;
}

static void vegas_set_state(struct tcp_sock *tp, enum tcp_ca_state st)
{
	if (st == TCP_CA_Open)
		vegas_enable(tp);
	else
		vg(tp)->doing_vegas_now = false;
}

static void vegas_cwnd_event(struct tcp_sock *tp, enum cc_event ev)
{
	if (ev == CA_EVENT_CWND_RESTART || ev == CA_EVENT_TX_START)
		vegas_init(tp);
}

static uint32_t vegas_ssthresh_cap(const struct tcp_sock *tp)
{
	return tp->snd_ssthresh < tp->snd_cwnd ? tp->snd_ssthresh : tp->snd_cwnd;
}

static void vegas_cong_avoid(struct tcp_sock *tp, uint32_t acked)
{
	struct vegas *v = vg(tp);
	if (!v->doing_vegas_now) {
		tcp_reno_cong_avoid(tp, acked);
		return;
	}
	if (seq_after(tp->snd_una, v->beg_snd_nxt)) {
		/* once per RTT */
		v->beg_snd_nxt = tp->snd_nxt;
		if (v->cnt_rtt <= 2) {
			tcp_reno_cong_avoid(tp, acked);
		} else {
			simtime_t rtt = v->min_rtt;
			uint64_t target = (uint64_t)tp->snd_cwnd * (uint64_t)v->base_rtt / (uint64_t)rtt;
			uint64_t diff = (uint64_t)tp->snd_cwnd * (uint64_t)(rtt - v->base_rtt) /
					(uint64_t)v->base_rtt;
			if (diff > VEGAS_GAMMA && tcp_in_slow_start(tp)) {
				/* too fast: leave slow start */
				uint32_t w = (uint32_t)target + 1;
				if (w < tp->snd_cwnd)
					tp->snd_cwnd = w;
				tp->snd_ssthresh = vegas_ssthresh_cap(tp);
			} else if (tcp_in_slow_start(tp)) {
				tcp_slow_start(tp, acked);
			} else if (diff > VEGAS_BETA) {
				tp->snd_cwnd--;
				tp->snd_ssthresh = vegas_ssthresh_cap(tp);
			} else if (diff < VEGAS_ALPHA) {
				tp->snd_cwnd++;
			}
			if (tp->snd_cwnd < 2)
				tp->snd_cwnd = 2;
			else if (tp->snd_cwnd > tp->snd_cwnd_clamp)
				tp->snd_cwnd = tp->snd_cwnd_clamp;
			/* Linux tcp_current_ssthresh */
			uint32_t cur = (tp->snd_cwnd >> 1) + (tp->snd_cwnd >> 2);
			tp->snd_ssthresh = tp->snd_ssthresh > cur ? tp->snd_ssthresh : cur;
		}
		v->cnt_rtt = 0;
		v->min_rtt = INT64_MAX;
	} else if (tcp_in_slow_start(tp)) {
		tcp_slow_start(tp, acked);
	}
}

/* Vegas models only the base RTT (Linux's tcpvegas_info: vegas_minrtt). */
static void vegas_get_info(struct tcp_sock *tp, struct cc_info *ci)
{
	if (vg(tp)->base_rtt != INT64_MAX)
		ci->min_rtt = (double)vg(tp)->base_rtt;
}

const struct cc_ops vegas_ops = {
	.name = "vegas",
	.get_info = vegas_get_info,
	.init = vegas_init,
	.ssthresh = tcp_reno_ssthresh,
	.cong_avoid = vegas_cong_avoid,
	.set_state = vegas_set_state,
	.cwnd_event = vegas_cwnd_event,
	.pkts_acked = vegas_pkts_acked,
	.undo_cwnd = tcp_reno_undo_cwnd,
};
