/* RED, Random Early Detection (Floyd & Jacobson, "Random Early Detection
 * Gateways for Congestion Avoidance", IEEE/ACM ToN 1(4), 1993), as Linux's
 * net/sched/sch_red.c and include/net/red.h.  Each arrival updates an
 * exponentially weighted average of the queue length,
 * avg <- (1 - w_q) avg + w_q q; after an idle period of m typical packet
 * times the average decays as avg <- (1 - w_q)^m avg (the paper's §4 rule
 * that Linux approximates with its Stab table).  Below min_th nothing is
 * dropped; between min_th and max_th the packet is dropped (or, with
 * ecn = true and an ECN-capable packet, marked) with
 * p_b = max_p (avg - min_th) / (max_th - min_th), spread out by the count
 * of packets since the last drop so that the gaps between drops are
 * uniform on {1, ..., 1/p_b} (§7: p_a = p_b / (1 - count p_b)).  As Linux
 * does, this is done with one uniform draw R per gap: the count-th packet
 * after a drop is dropped once count p_b >= R, which gives exactly those
 * uniform gaps.  At or above max_th every packet is dropped (or marked,
 * unless harddrop).  In gentle mode (Floyd, "Recommendation on using the
 * 'gentle_' variant of RED", 2000; as ns-2) p_b instead rises linearly
 * from max_p at max_th to 1 at 2 max_th, and only above that is every
 * packet dropped.  limit tail-drops.
 * Deviations from Linux: thresholds and the average are in packets, as in
 * the paper and ns-2 (Linux counts bytes); arithmetic is floating point
 * (Linux: fixed point, with max_p/(max_th - min_th) a power of two when
 * given as Plog); idle decay is computed exactly from `bandwidth` and
 * `avpkt` (tc's parameters, defaults 10 Mbit/s and 1000 bytes) instead of
 * from a 256-entry table; gentle mode is not in Linux; adaptive RED is not
 * implemented. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "qdisc.h"
#include "sim/rng.h"
#include "sim/units.h"

struct red {
	struct pktq q;
	/* parameters */
	uint32_t limit_pkts;
	double min_th, max_th;  /* packets */
	double max_p;           /* p_b at max_th */
	double w_q;             /* weight of the average */
	bool gentle, ecn, harddrop;
	uint64_t bandwidth_bps; /* for the idle decay */
	uint64_t avpkt_bytes;
	simtime_t avpkt_tx_ns;  /* a typical packet's transmission time */
	/* state */
	double avg;             /* average queue length, packets */
	int64_t count;          /* packets since the last drop; -1 below min_th */
	double r;               /* this gap's uniform draw in [0, 1) */
	simtime_t idle_since;   /* when the queue emptied; SIM_NEVER while busy */
	struct rng *rng;
	/* why packets were dropped or marked (Linux's red_stats) */
	uint64_t prob_drop, prob_mark, forced_drop, forced_mark, pdrop;
};

/* A rate-valued parameter; the qparam_* getters have no rate flavour. */
static int red_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct red *r = qdisc_priv(qd);
	int64_t limit;
	if (qparam_int(p, "red", "limit", 1000, 1, UINT32_MAX, &limit, err) < 0 ||
	    qparam_num(p, "red", "min_th", 5, 0, 1e9, &r->min_th, err) < 0 ||
	    qparam_num(p, "red", "max_th", 15, 0, 1e9, &r->max_th, err) < 0 ||
	    qparam_num(p, "red", "max_p", 0.02, 0, 1, &r->max_p, err) < 0 ||
	    qparam_num(p, "red", "w_q", 0.002, 0, 1, &r->w_q, err) < 0 ||
	    qparam_bool(p, "red", "gentle", false, &r->gentle, err) < 0 ||
	    qparam_bool(p, "red", "ecn", false, &r->ecn, err) < 0 ||
	    qparam_bool(p, "red", "harddrop", false, &r->harddrop, err) < 0 ||
	    qparam_rate(p, "red", "bandwidth", 10000000, &r->bandwidth_bps, err) < 0 ||
	    qparam_size(p, "red", "avpkt", 1000, &r->avpkt_bytes, err) < 0)
		return -1;
	if (r->min_th >= r->max_th) {
		err_set(err, "red: min_th (%g) must be below max_th (%g)", r->min_th, r->max_th);
		return -1;
	}
	if (r->max_p <= 0) {
		err_set(err, "red: max_p: must be above zero (the drop probability at max_th)");
		return -1;
	}
	if (r->w_q <= 0) {
		err_set(err, "red: w_q: must be above zero (the weight of the average)");
		return -1;
	}
	if (r->avpkt_bytes == 0 || r->avpkt_bytes > 65535) {
		err_set(err, "red: avpkt: %llu bytes is outside [1, 65535]",
			(unsigned long long)r->avpkt_bytes);
		return -1;
	}
	r->limit_pkts = (uint32_t)limit;
	r->avpkt_tx_ns = sim_tx_time(r->avpkt_bytes, r->bandwidth_bps);
	r->count = -1;
	r->idle_since = qd->sim->now; /* Linux: an empty queue starts idle */
	char name[160];
	snprintf(name, sizeof(name), "queue:%s:red", qd->entity);
	r->rng = rng_stream(qd->sim, name);
	return 0;
}

/* The average seen by an arrival: the EWMA of the queue length, or, after
 * an idle period, the decay over the m packets that could have been sent
 * meanwhile (Floyd & Jacobson §4, Fig. 2). */
static void red_update_avg(struct red *r, simtime_t now)
{
	if (r->idle_since != SIM_NEVER) {
		double m = (double)(now - r->idle_since) / (double)r->avpkt_tx_ns;
		r->avg *= pow(1 - r->w_q, m);
		r->idle_since = SIM_NEVER;
	} else {
		r->avg += r->w_q * ((double)r->q.len - r->avg);
	}
}

enum red_verdict { RED_PASS, RED_EARLY, RED_FORCED };

/* Linux red_action(), with the gentle region added. */
static enum red_verdict red_action(struct red *r)
{
	double hard_th = r->gentle ? 2 * r->max_th : r->max_th;
	if (r->avg < r->min_th) {
		r->count = -1;
		return RED_PASS;
	}
	if (r->avg >= hard_th) {
		r->count = -1;
		return RED_FORCED;
	}
	double pb;
	if (r->avg < r->max_th)
		pb = r->max_p * (r->avg - r->min_th) / (r->max_th - r->min_th);
	else /* gentle: from max_p at max_th up to 1 at 2 max_th */
		pb = r->max_p + (1 - r->max_p) * (r->avg - r->max_th) / r->max_th;
	if (++r->count == 0) {
		/* first packet of a gap: draw the point where it ends */
		r->r = rng_uniform(r->rng);
		return RED_PASS;
	}
	if (pb * (double)r->count >= r->r) {
		r->count = 0;
		r->r = rng_uniform(r->rng);
		return RED_EARLY;
	}
	return RED_PASS;
}

static bool red_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	struct red *r = qdisc_priv(qd);
	red_update_avg(r, now);
	switch (red_action(r)) {
	case RED_PASS:
		break;
	case RED_EARLY:
		if (r->ecn && qdisc_mark(qd, pkt)) {
			r->prob_mark++;
			break;
		}
		r->prob_drop++;
		qd->drop_why = "early";
		return false;
	case RED_FORCED:
		if (r->ecn && !r->harddrop && qdisc_mark(qd, pkt)) {
			r->forced_mark++;
			break;
		}
		r->forced_drop++;
		qd->drop_why = "forced";
		return false;
	}
	if (r->q.len >= r->limit_pkts) {
		r->pdrop++;
		return false;
	}
	pktq_push(&r->q, pkt);
	return true;
}

static struct packet *red_dequeue(struct qdisc *qd, simtime_t now)
{
	struct red *r = qdisc_priv(qd);
	struct packet *pkt = pktq_pop(&r->q);
	if (r->q.len == 0 && r->idle_since == SIM_NEVER)
		r->idle_since = now;
	return pkt;
}

static void red_destroy(struct qdisc *qd)
{
	pktq_purge(qd->sim, &((struct red *)qdisc_priv(qd))->q);
}

static void red_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct red *r = qdisc_cpriv(qd);
	char bw[32];
	snprintf(buf, n,
		 "limit=%u min_th=%g max_th=%g max_p=%g w_q=%g gentle=%s ecn=%s harddrop=%s "
		 "bandwidth=%s avpkt=%llu",
		 r->limit_pkts, r->min_th, r->max_th, r->max_p, r->w_q, r->gentle ? "true" : "false",
		 r->ecn ? "true" : "false", r->harddrop ? "true" : "false",
		 units_fmt_rate(bw, sizeof(bw), r->bandwidth_bps), (unsigned long long)r->avpkt_bytes);
}

const struct qdisc_ops red_ops = {
	.name = "red",
	.priv_size = sizeof(struct red),
	.init = red_init,
	.enqueue = red_enqueue,
	.dequeue = red_dequeue,
	.destroy = red_destroy,
	.describe = red_describe,
};
