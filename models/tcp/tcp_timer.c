/* TCP timers and the RTT/RTO estimator: what each timer does when it
 * fires (retransmission, zero-window probe, tail-loss probe and RACK
 * reorder timer share t_xmit; delayed ACK; TIME_WAIT and FIN_WAIT_2), the
 * RFC 6298 and Linux (tcp_rtt_estimator, tcp_set_rto) estimators, and the
 * RFC 7323 timestamp clock. */
#include "tcp_priv.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- timers ---- */

void tcp_xmit_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	tcp_enter(tp->stack);
	enum tcp_xmit_timer what = tp->xt;
	tp->xt = XT_NONE;
	switch (what) {
	case XT_RTO: tcp_rto_fired(tp); break;
	case XT_PROBE0: tcp_send_probe0(tp); break;
	case XT_TLP: tcp_tlp_fired(tp); break;
	case XT_REO: tcp_reo_fired(tp); break;
	case XT_NONE: break;
	}
	TCP_CHECK_SOCK(tp);
	tcp_leave(tp->stack);
}

void tcp_delack_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	tcp_enter(tp->stack);
	if (tp->ack_pending && tp->state != TCP_CLOSED)
		tcp_send_ack(tp);
	TCP_CHECK_SOCK(tp);
	tcp_leave(tp->stack);
}

void tcp_wait_fired(struct sim *s, void *obj)
{
	(void)s;
	struct tcp_sock *tp = obj;
	tcp_enter(tp->stack);
	switch (tp->state) {
	case TCP_TIME_WAIT:
		tcp_done(tp, 0);
		break;
	case TCP_FIN_WAIT_2:
		tcp_done(tp, 0); /* orphaned, the peer never closed */
		break;
	default:
		break;
	}
	TCP_CHECK_SOCK(tp);
	tcp_leave(tp->stack);
}

/* The pacing timer's work is tcp_output.c's; the check follows it. */
void tcp_pace_timer_fired(struct sim *s, void *obj)
{
	struct tcp_stack *st = ((struct tcp_sock *)obj)->stack;
	tcp_enter(st);
	tcp_pace_fired(s, obj);
	TCP_CHECK_SOCK((struct tcp_sock *)obj);
	tcp_leave(st);
}

void tcp_xmit_timer_arm(struct tcp_sock *tp, enum tcp_xmit_timer what, simtime_t when)
{
	tp->xt = what;
	if (what == XT_NONE) {
		timer_cancel(&tp->t_xmit);
		return;
	}
	timer_arm(tp->sim, &tp->t_xmit, when < tp->sim->now ? tp->sim->now : when);
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
	if (!tp->packets_out) {
		if (tp->xt == XT_RTO || tp->xt == XT_TLP || tp->xt == XT_REO)
			tcp_xmit_timer_arm(tp, XT_NONE, 0);
		return;
	}
	/* one RTO from now, as RFC 6298 §5.3 (Linux also offsets it by the
	 * head's age after a probe or reorder timer; we do not) */
	tcp_xmit_timer_arm(tp, XT_RTO, tp->sim->now + tp->rto);
}

/* ---- RTT and RTO (RFC 6298; Linux tcp_rtt_estimator and tcp_set_rto) ---- */

void tcp_rtt_estimator(struct tcp_sock *tp, simtime_t m)
{
	if (m <= 0)
		m = 1;
	/* RFC 6298 §2 state, kept exactly (ns, so 102.5 ms has no rounding) */
	if (!tp->rfc_srtt) {
		tp->rfc_srtt = m;                     /* SRTT <- R */
		tp->rfc_rttvar = m / 2;               /* RTTVAR <- R/2 */
	} else {
		int64_t err = tp->rfc_srtt - m;
		if (err < 0)
			err = -err;
		tp->rfc_rttvar = (3 * tp->rfc_rttvar + err) / 4; /* beta = 1/4 */
		tp->rfc_srtt = (7 * tp->rfc_srtt + m) / 8;       /* alpha = 1/8 */
	}
	/* Linux: srtt8 = 8*srtt; mdev4 tracks 4*|err| with gain 1/4, and
	 * rttvar4 holds the largest mdev of the last RTT, floored at rto_min */
	int64_t rto_min = tp->cfg.rto_min;
	if (tp->srtt8) {
		int64_t e = m - (tp->srtt8 >> 3);
		tp->srtt8 += e;
		if (e < 0) {
			e = -e;
			e -= tp->mdev4 >> 2;
			if (e > 0)
				e >>= 3; /* finer gain when RTT falls, as Linux (after Eifel) */
		} else {
			e -= tp->mdev4 >> 2;
		}
		tp->mdev4 += e;
		if (tp->mdev4 > tp->mdev_max4) {
			tp->mdev_max4 = tp->mdev4;
			if (tp->mdev_max4 > tp->rttvar4)
				tp->rttvar4 = tp->mdev_max4;
		}
		if (seq_after(tp->snd_una, tp->rtt_seq)) {
			if (tp->mdev_max4 < tp->rttvar4)
				tp->rttvar4 -= (tp->rttvar4 - tp->mdev_max4) >> 2;
			tp->rtt_seq = tp->snd_nxt;
			tp->mdev_max4 = rto_min;
		}
	} else {
		tp->srtt8 = m << 3;
		tp->mdev4 = m << 1;                   /* so that RTO = 3 * RTT */
		tp->rttvar4 = tp->mdev4 > rto_min ? tp->mdev4 : rto_min;
		tp->mdev_max4 = tp->rttvar4;
		tp->rtt_seq = tp->snd_nxt;
	}
	if (tp->srtt8 < 8)
		tp->srtt8 = 8;
}

void tcp_set_rto(struct tcp_sock *tp)
{
	simtime_t rto;
	if (tp->cfg.rto_rfc6298) {
		/* RTO = SRTT + max(G, 4 RTTVAR), at least rto_min (RFC 6298 §2.4
		 * says 1 s; we take the configured minimum).  The clock
		 * granularity G is 1 ns here, so the max is always 4 RTTVAR. */
		rto = tp->rfc_srtt + 4 * tp->rfc_rttvar;
		if (rto < tp->cfg.rto_min)
			rto = tp->cfg.rto_min;
	} else {
		rto = (tp->srtt8 >> 3) + tp->rttvar4;
	}
	if (rto > tp->cfg.rto_max)
		rto = tp->cfg.rto_max;
	tp->rto = rto;
}

uint32_t tcp_ts_now(const struct tcp_sock *tp)
{
	/* 1 ms ticks, as Linux's TCP timestamp clock, plus a random offset */
	return (uint32_t)(tp->sim->now / SIM_MS(1)) + tp->ts_offset;
}
