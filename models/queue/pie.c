/* PIE, Proportional Integral controller Enhanced (Pan et al., RFC 8033), as
 * Linux's net/sched/sch_pie.c.  Every `tupdate` (15 ms) a timer updates a
 * drop probability from the queueing delay:
 *     p += alpha (qdelay - target) + beta (qdelay - qdelay_old)
 * (delays in seconds; alpha 0.125, beta 1.25, target 15 ms), with both
 * gains scaled down while p is small (by 2 below 10 %, 8 below 1 %, 32
 * below 0.1 %, ... down to 2048 below 0.0001 %, RFC 8033 §4), steps
 * above 2 % capped once p >= 10 %, 2 % added while qdelay > 250 ms, and a
 * decay by 1/64 when the delay has been zero twice.  Arrivals are dropped
 * early with that probability, de-randomised as RFC 8033 §5 and Linux do
 * (no drop while the accumulated probability is below 0.85, a sure drop at
 * 8.5), except while a burst allowance (`max_burst`, 150 ms) lasts, while
 * the delay is under target/2 and p under 20 %, or while fewer than two
 * MTUs are queued.  With ecn = true an ECN-capable packet is marked instead
 * when p <= 10 %.  The queueing delay is, as by default in Linux, the
 * sojourn time of the last packet dequeued (0 if it left the queue empty);
 * with dq_rate_estimator = true it is instead backlog / departure rate,
 * the rate measured over 16 KB departure cycles (RFC 8033 §5).  limit
 * (1000 packets) tail-drops.
 * Deviations from Linux: arithmetic in floating point (Linux scales p to
 * 2^56, and lets its integer exceed 1.0 in overload where we clamp it at
 * 1); the burst allowance shrinks by the time between dequeues, as Linux
 * (RFC 8033 shrinks it by tupdate per update); the first update comes
 * 500 ms after set-up, as Linux's HZ/2; while the queue is empty and an
 * update changes nothing the timer rests, re-arming on the next arrival at
 * the instant its period would have fired, which gives the same sequence
 * of states. */
#include <stdio.h>

#include "qdisc.h"
#include "sim/rng.h"
#include "sim/sched.h"
#include "sim/units.h"

enum { PIE_DQ_THRESHOLD_BYTES = 16384 }; /* Linux QUEUE_THRESHOLD, RFC 8033 DQ_THRESHOLD */

struct pie_vars {
	double prob;             /* drop probability, [0, 1] */
	double accu_prob;        /* accumulated since the last drop */
	simtime_t qdelay_ns;     /* current queueing delay */
	simtime_t qdelay_old_ns; /* at the previous update */
	simtime_t burst_ns;      /* burst allowance left */
	simtime_t dq_tstamp;     /* start of the measurement; SIM_NEVER: none */
	int64_t dq_count;        /* bytes dequeued in the cycle; -1: no cycle */
	double avg_dq_rate;      /* bytes per ns; 0: no estimate yet */
	uint64_t backlog_old;    /* bytes at the previous update */
};

struct pie {
	struct pktq q;
	struct timer timer;
	simtime_t last_update;   /* when the timer last fired; SIM_NEVER: never */
	struct rng *rng;
	/* parameters */
	uint32_t limit_pkts;
	simtime_t target_ns, tupdate_ns, max_burst_ns;
	double alpha, beta;      /* per second of delay */
	uint32_t mtu_bytes;
	bool ecn, bytemode, dq_rate_estimator;
	struct pie_vars v;
	/* Linux's pie_stats */
	uint64_t early_drop, overlimit, ecn_mark;
};

/* Linux pie_vars_init(): a fresh burst allowance and measurement. */
static void pie_vars_reset(struct pie *pi)
{
	pi->v.burst_ns = pi->max_burst_ns;
	pi->v.dq_tstamp = SIM_NEVER;
	pi->v.accu_prob = 0;
	pi->v.dq_count = -1;
	pi->v.avg_dq_rate = 0;
}

static bool pie_vars_same(const struct pie_vars *a, const struct pie_vars *b)
{
	return a->prob == b->prob && a->accu_prob == b->accu_prob && a->qdelay_ns == b->qdelay_ns &&
	       a->qdelay_old_ns == b->qdelay_old_ns && a->burst_ns == b->burst_ns &&
	       a->dq_tstamp == b->dq_tstamp && a->dq_count == b->dq_count &&
	       a->avg_dq_rate == b->avg_dq_rate && a->backlog_old == b->backlog_old;
}

/* ---- the probability update, every tupdate (Linux pie_calculate_probability) ---- */

static double pie_sec(simtime_t ns) { return (double)ns / 1e9; }

static void pie_update(struct pie *pi)
{
	struct pie_vars *v = &pi->v;
	uint64_t backlog = pi->q.bytes;
	simtime_t qdelay, qdelay_old;
	bool update_prob = true;

	if (pi->dq_rate_estimator) {
		qdelay_old = v->qdelay_ns;
		v->qdelay_old_ns = v->qdelay_ns;
		qdelay = v->avg_dq_rate > 0 ? (simtime_t)((double)backlog / v->avg_dq_rate) : 0;
	} else {
		qdelay = v->qdelay_ns;
		qdelay_old = v->qdelay_old_ns;
	}
	/* a zero delay with packets queued: too few to measure; hold p */
	if (qdelay == 0 && backlog != 0)
		update_prob = false;

	/* auto-tuning: gentler steps while p is small (RFC 8033 §4) */
	double alpha = pi->alpha, beta = pi->beta;
	if (v->prob < 0.1) {
		alpha /= 2;
		beta /= 2;
		for (double power = 100; v->prob < 1 / power && power <= 1e6; power *= 10) {
			alpha /= 4;
			beta /= 4;
		}
	}
	double delta = alpha * pie_sec(qdelay - pi->target_ns) + beta * pie_sec(qdelay - qdelay_old);
	/* in heavy congestion, steps of at most 2 % */
	if (delta > 0.02 && v->prob >= 0.1)
		delta = 0.02;
	/* far too much delay: push harder (RFC 8033 §4, 250 ms) */
	if (qdelay > SIM_MS(250))
		delta += 0.02;
	v->prob += delta;
	if (v->prob >= 1) {
		v->prob = 1;
		update_prob = false;
	} else if (v->prob < 0) {
		v->prob = 0;
	}
	/* no delay for two updates: let p decay quickly */
	if (qdelay == 0 && qdelay_old == 0 && update_prob)
		v->prob -= v->prob / 64;

	v->qdelay_ns = qdelay;
	v->backlog_old = backlog;
	/* quiet for two updates: restart the burst allowance and estimator */
	if (v->qdelay_ns < pi->target_ns / 2 && v->qdelay_old_ns < pi->target_ns / 2 && v->prob == 0 &&
	    (!pi->dq_rate_estimator || v->avg_dq_rate > 0))
		pie_vars_reset(pi);
	if (!pi->dq_rate_estimator)
		v->qdelay_old_ns = qdelay;
}

static void pie_timer(struct sim *s, void *obj)
{
	struct pie *pi = qdisc_priv(obj);
	struct pie_vars before = pi->v;
	pie_update(pi);
	pi->last_update = s->now;
	/* Idle and at a fixed point: every later update would change
	 * nothing until a packet arrives, so rest until then. */
	if (pi->q.len == 0 && pie_vars_same(&before, &pi->v))
		return;
	timer_arm(s, &pi->timer, s->now + pi->tupdate_ns);
}

/* Re-arms a resting timer at the next instant of its period. */
static void pie_timer_wake(struct qdisc *qd, struct pie *pi, simtime_t now)
{
	if (timer_pending(&pi->timer))
		return;
	simtime_t k = (now - pi->last_update + pi->tupdate_ns - 1) / pi->tupdate_ns;
	if (k < 1)
		k = 1;
	timer_arm(qd->sim, &pi->timer, pi->last_update + k * pi->tupdate_ns);
}

/* ---- set-up ---- */

static int pie_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct pie *pi = qdisc_priv(qd);
	/* first, so that destroy() can always undo it */
	timer_init(qd->sim, &pi->timer, pie_timer, qd);
	int64_t limit;
	uint64_t mtu;
	if (qparam_int(p, "pie", "limit", 1000, 1, UINT32_MAX, &limit, err) < 0 ||
	    qparam_duration(p, "pie", "target", SIM_MS(15), &pi->target_ns, err) < 0 ||
	    qparam_duration(p, "pie", "tupdate", SIM_MS(15), &pi->tupdate_ns, err) < 0 ||
	    qparam_duration(p, "pie", "max_burst", SIM_MS(150), &pi->max_burst_ns, err) < 0 ||
	    qparam_num(p, "pie", "alpha", 0.125, 0, 2, &pi->alpha, err) < 0 ||
	    qparam_num(p, "pie", "beta", 1.25, 0, 2, &pi->beta, err) < 0 ||
	    qparam_size(p, "pie", "mtu", 1500, &mtu, err) < 0 ||
	    qparam_bool(p, "pie", "ecn", false, &pi->ecn, err) < 0 ||
	    qparam_bool(p, "pie", "bytemode", false, &pi->bytemode, err) < 0 ||
	    qparam_bool(p, "pie", "dq_rate_estimator", false, &pi->dq_rate_estimator, err) < 0)
		return -1;
	char t[32];
	if (pi->target_ns <= 0) {
		err_set(err, "pie: target: must be above zero, got %s",
			units_fmt_duration(t, sizeof(t), pi->target_ns));
		return -1;
	}
	if (pi->tupdate_ns <= 0) {
		err_set(err, "pie: tupdate: must be above zero, got %s",
			units_fmt_duration(t, sizeof(t), pi->tupdate_ns));
		return -1;
	}
	if (mtu == 0 || mtu > 65535) {
		err_set(err, "pie: mtu: %llu bytes is outside [1, 65535]", (unsigned long long)mtu);
		return -1;
	}
	pi->limit_pkts = (uint32_t)limit;
	pi->mtu_bytes = (uint32_t)mtu;
	pie_vars_reset(pi);
	char name[160];
	snprintf(name, sizeof(name), "queue:%s:pie", qd->entity);
	pi->rng = rng_stream(qd->sim, name);
	pi->last_update = SIM_NEVER;
	timer_arm(qd->sim, &pi->timer, qd->sim->now + SIM_MS(500)); /* Linux: HZ/2 */
	return 0;
}

static void pie_destroy(struct qdisc *qd)
{
	struct pie *pi = qdisc_priv(qd);
	timer_destroy(qd->sim, &pi->timer);
	pktq_purge(qd->sim, &pi->q);
}

/* ---- enqueue: the early drop (Linux pie_drop_early) ---- */

static bool pie_drop_early(struct pie *pi, uint32_t len)
{
	struct pie_vars *v = &pi->v;
	if (v->burst_ns > 0)
		return false;
	/* low delay and a low p: stay work-conserving */
	if (v->qdelay_ns < pi->target_ns / 2 && v->prob < 0.2)
		return false;
	/* fewer than two full packets queued: as RED's min_th */
	if (pi->q.bytes < 2 * (uint64_t)pi->mtu_bytes)
		return false;
	double p = v->prob;
	if (pi->bytemode && len <= pi->mtu_bytes)
		p = v->prob * len / pi->mtu_bytes;
	/* de-randomisation: drops neither bunched nor too far apart */
	if (p == 0)
		v->accu_prob = 0;
	else
		v->accu_prob += p;
	if (v->accu_prob < 0.85)
		return false;
	if (v->accu_prob >= 8.5)
		return true;
	if (rng_uniform(pi->rng) < p) {
		v->accu_prob = 0;
		return true;
	}
	return false;
}

static bool pie_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	struct pie *pi = qdisc_priv(qd);
	if (pi->last_update != SIM_NEVER)
		pie_timer_wake(qd, pi, now);
	if (pi->q.len >= pi->limit_pkts) {
		pi->overlimit++;
		pi->v.accu_prob = 0;
		return false;
	}
	bool ok = !pie_drop_early(pi, pkt->ip.tot_len);
	if (!ok && pi->ecn && pi->v.prob <= 0.1 && qdisc_mark(qd, pkt)) {
		pi->ecn_mark++;
		ok = true;
	}
	if (!ok) {
		pi->early_drop++;
		pi->v.accu_prob = 0;
		qd->drop_why = "early";
		return false;
	}
	pktq_push(&pi->q, pkt);
	return true;
}

/* ---- dequeue: measure the delay (Linux pie_process_dequeue) ---- */

static struct packet *pie_dequeue(struct qdisc *qd, simtime_t now)
{
	struct pie *pi = qdisc_priv(qd);
	struct pie_vars *v = &pi->v;
	struct packet *pkt = pktq_pop(&pi->q);
	if (!pkt)
		return NULL;
	uint64_t backlog = pi->q.bytes;
	simtime_t dtime = 0;
	if (!pi->dq_rate_estimator) {
		v->qdelay_ns = backlog ? qdisc_sojourn(pkt, now) : 0;
		if (v->dq_tstamp != SIM_NEVER)
			dtime = now - v->dq_tstamp;
		v->dq_tstamp = now;
		if (dtime == 0)
			return pkt;
	} else {
		/* a measurement cycle starts once enough is queued */
		if (backlog >= PIE_DQ_THRESHOLD_BYTES && v->dq_count == -1) {
			v->dq_tstamp = now;
			v->dq_count = 0;
		}
		if (v->dq_count == -1)
			return pkt;
		v->dq_count += pkt->ip.tot_len;
		if (v->dq_count < PIE_DQ_THRESHOLD_BYTES)
			return pkt;
		dtime = now - v->dq_tstamp;
		if (dtime == 0)
			return pkt;
		double rate = (double)v->dq_count / (double)dtime;
		v->avg_dq_rate = v->avg_dq_rate == 0 ? rate : v->avg_dq_rate * 7 / 8 + rate / 8;
		if (backlog < PIE_DQ_THRESHOLD_BYTES) {
			v->dq_count = -1; /* keep the last rate */
		} else {
			v->dq_count = 0;
			v->dq_tstamp = now;
		}
	}
	v->burst_ns = v->burst_ns > dtime ? v->burst_ns - dtime : 0;
	return pkt;
}

static void pie_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct pie *pi = qdisc_cpriv(qd);
	char t[32], u[32], b[32];
	snprintf(buf, n,
		 "limit=%u target=%s tupdate=%s alpha=%g beta=%g max_burst=%s ecn=%s bytemode=%s "
		 "dq_rate_estimator=%s mtu=%u",
		 pi->limit_pkts, units_fmt_duration(t, sizeof(t), pi->target_ns),
		 units_fmt_duration(u, sizeof(u), pi->tupdate_ns), pi->alpha, pi->beta,
		 units_fmt_duration(b, sizeof(b), pi->max_burst_ns), pi->ecn ? "true" : "false",
		 pi->bytemode ? "true" : "false", pi->dq_rate_estimator ? "true" : "false", pi->mtu_bytes);
}

const struct qdisc_ops pie_ops = {
	.name = "pie",
	.priv_size = sizeof(struct pie),
	.init = pie_init,
	.enqueue = pie_enqueue,
	.dequeue = pie_dequeue,
	.destroy = pie_destroy,
	.describe = pie_describe,
};
