/* CoDel, Controlled Delay (Nichols & Jacobson, "Controlling Queue Delay",
 * ACM Queue 10(5), 2012; RFC 8289), as Linux's sch_codel.c and
 * include/net/codel_impl.h.  A FIFO whose head is judged at dequeue: when
 * the sojourn time of the packets leaving has stayed at or above `target`
 * (5 ms) for a whole `interval` (100 ms), CoDel enters dropping state and
 * drops one packet, then the next ones at t + interval/sqrt(count), so the
 * drop rate rises until the standing queue is gone.  On re-entry soon
 * after leaving, count resumes from the drops of the last cycle ("count -
 * lastcount", the Linux rule that the RFC 8289 pseudocode adopts).  A
 * backlog of at most one MTU is never dropped from (RFC 8289 §4).  With
 * ecn = true, ECN-capable packets are marked CE instead of dropped.  limit
 * (1000 packets, Linux's DEFAULT_CODEL_LIMIT) tail-drops at enqueue.
 * Deviations from Linux: the control law uses an exact 1/sqrt(count), as
 * the RFC's pseudocode, where Linux keeps a 16-bit Newton-iterated
 * approximation (Linux's second interval after entering is 50 ms, not
 * 70.7 ms; the next ones are 2.6 %, 2.4 %, 1.3 %, 1.0 % short, and less
 * from then on); time is in ns, not Linux's 1024-ns units; `mtu` defaults
 * to 1500 bytes, our links' default MTU (Linux uses the device MTU plus
 * the link-layer header, 1514). */
#include "codel.h"

#include <math.h>
#include <stdio.h>

#include "sim/units.h"

/* ---- parameters ---- */

int codel_params_read(struct qparams *p, const char *qd, bool ecn_default,
		      struct codel_params *cp, struct errbuf *err)
{
	uint64_t mtu;
	if (qparam_duration(p, qd, "target", SIM_MS(5), &cp->target_ns, err) < 0 ||
	    qparam_duration(p, qd, "interval", SIM_MS(100), &cp->interval_ns, err) < 0 ||
	    qparam_duration(p, qd, "ce_threshold", SIM_NEVER, &cp->ce_threshold_ns, err) < 0 ||
	    qparam_size(p, qd, "mtu", 1500, &mtu, err) < 0 ||
	    qparam_bool(p, qd, "ecn", ecn_default, &cp->ecn, err) < 0)
		return -1;
	char t[32];
	if (cp->target_ns <= 0) {
		err_set(err, "%s: target: must be above zero, got %s", qd,
			units_fmt_duration(t, sizeof(t), cp->target_ns));
		return -1;
	}
	if (cp->interval_ns <= 0) {
		err_set(err, "%s: interval: must be above zero, got %s", qd,
			units_fmt_duration(t, sizeof(t), cp->interval_ns));
		return -1;
	}
	if (mtu > UINT32_MAX) {
		err_set(err, "%s: mtu: %llu bytes is too large", qd, (unsigned long long)mtu);
		return -1;
	}
	cp->mtu_bytes = (uint32_t)mtu;
	return 0;
}

void codel_params_fmt(const struct codel_params *cp, char *buf, size_t n)
{
	char t[32], i[32], ce[32] = "off";
	if (cp->ce_threshold_ns != SIM_NEVER)
		units_fmt_duration(ce, sizeof(ce), cp->ce_threshold_ns);
	snprintf(buf, n, "target=%s interval=%s ecn=%s mtu=%u ce_threshold=%s",
		 units_fmt_duration(t, sizeof(t), cp->target_ns),
		 units_fmt_duration(i, sizeof(i), cp->interval_ns), cp->ecn ? "true" : "false",
		 cp->mtu_bytes, ce);
}

/* ---- the control loop ---- */

/* The control law (RFC 8289 §5): the next drop, interval/sqrt(count)
 * after t. */
static simtime_t codel_control_law(simtime_t t, simtime_t interval_ns, uint32_t count)
{
	return t + (simtime_t)llround((double)interval_ns / sqrt((double)count));
}

/* Looks at the packet just popped (Linux codel_should_drop, RFC 8289
 * dodequeue()): true once the sojourn has stayed at or above target for
 * a full interval while more than an MTU was queued. */
static bool codel_ok_to_drop(const struct codel_params *cp, struct codel_vars *cv,
			     const struct packet *pkt, uint64_t backlog_bytes, simtime_t now)
{
	if (!pkt) {
		cv->first_above_ns = 0;
		return false;
	}
	cv->ldelay_ns = qdisc_sojourn(pkt, now);
	if (cv->ldelay_ns < cp->target_ns || backlog_bytes <= cp->mtu_bytes) {
		/* went below: must stay above for a full interval again */
		cv->first_above_ns = 0;
		return false;
	}
	if (cv->first_above_ns == 0) {
		cv->first_above_ns = now + cp->interval_ns;
		return false;
	}
	return now > cv->first_above_ns;
}

/* Drops pkt, or marks it if ECN is on and it is ECN-capable; true if it
 * was marked (and so is still to be sent). */
static bool codel_signal(struct qdisc *q, const struct codel_params *cp, struct packet *pkt)
{
	if (cp->ecn && qdisc_mark(q, pkt))
		return true;
	qdisc_drop_queued(q, pkt, "codel");
	return false;
}

struct packet *codel_dequeue(struct qdisc *q, const struct codel_params *cp, struct codel_vars *cv,
			     codel_pop_fn pop, void *ctx, const uint64_t *backlog_bytes,
			     simtime_t now)
{
	struct packet *pkt = pop(ctx);
	bool marked = false;
	if (!pkt) {
		cv->dropping = false;
		return NULL;
	}
	bool drop = codel_ok_to_drop(cp, cv, pkt, *backlog_bytes, now);
	if (cv->dropping) {
		if (!drop) {
			cv->dropping = false; /* sojourn went below target */
		} else {
			/* A large backlog can make the next drop due already:
			 * keep dropping until it is not, or until the queue is
			 * under control. */
			while (cv->dropping && now >= cv->drop_next_ns) {
				cv->count++;
				if (codel_signal(q, cp, pkt)) {
					marked = true;
					cv->drop_next_ns = codel_control_law(cv->drop_next_ns, cp->interval_ns,
									     cv->count);
					break;
				}
				pkt = pop(ctx);
				if (!codel_ok_to_drop(cp, cv, pkt, *backlog_bytes, now))
					cv->dropping = false;
				else
					cv->drop_next_ns = codel_control_law(cv->drop_next_ns, cp->interval_ns,
									     cv->count);
			}
		}
	} else if (drop) {
		if (codel_signal(q, cp, pkt)) {
			marked = true;
		} else {
			pkt = pop(ctx);
			codel_ok_to_drop(cp, cv, pkt, *backlog_bytes, now);
		}
		cv->dropping = true;
		/* Re-entering soon after the last cycle: start from the drop
		 * rate that controlled the queue then (RFC 8289 §5).  If
		 * drop_next is in the future the difference is negative, and
		 * counts as soon. */
		uint32_t delta = cv->count - cv->lastcount;
		if (delta > 1 && now - cv->drop_next_ns < 16 * cp->interval_ns)
			cv->count = delta;
		else
			cv->count = 1;
		cv->lastcount = cv->count;
		cv->drop_next_ns = codel_control_law(now, cp->interval_ns, cv->count);
	}
	if (pkt && !marked && cv->ldelay_ns > cp->ce_threshold_ns)
		qdisc_mark(q, pkt);
	return pkt;
}

/* ---- the codel discipline: one FIFO under CoDel ---- */

struct codel {
	struct pktq q;
	uint32_t limit_pkts;
	struct codel_params cp;
	struct codel_vars cv;
};

static int codel_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct codel *c = qdisc_priv(qd);
	int64_t limit;
	if (qparam_int(p, "codel", "limit", 1000, 1, UINT32_MAX, &limit, err) < 0 ||
	    codel_params_read(p, "codel", false, &c->cp, err) < 0)
		return -1;
	c->limit_pkts = (uint32_t)limit;
	return 0;
}

static bool codel_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	(void)now;
	struct codel *c = qdisc_priv(qd);
	if (c->q.len >= c->limit_pkts)
		return false;
	pktq_push(&c->q, pkt);
	return true;
}

static struct packet *codel_pop(void *ctx)
{
	return pktq_pop(ctx);
}

static struct packet *codel_qdisc_dequeue(struct qdisc *qd, simtime_t now)
{
	struct codel *c = qdisc_priv(qd);
	struct packet *pkt = codel_dequeue(qd, &c->cp, &c->cv, codel_pop, &c->q, &c->q.bytes, now);
	/* Linux asks an emptied qdisc once more, and that NULL dequeue leaves
	 * dropping state; the core never asks an empty qdisc, so do it here. */
	if (c->q.len == 0)
		c->cv.dropping = false;
	return pkt;
}

static void codel_destroy(struct qdisc *qd)
{
	pktq_purge(qd->sim, &((struct codel *)qdisc_priv(qd))->q);
}

static void codel_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct codel *c = qdisc_cpriv(qd);
	char cp[160];
	codel_params_fmt(&c->cp, cp, sizeof(cp));
	snprintf(buf, n, "limit=%u %s", c->limit_pkts, cp);
}

const struct qdisc_ops codel_ops = {
	.name = "codel",
	.priv_size = sizeof(struct codel),
	.init = codel_init,
	.enqueue = codel_enqueue,
	.dequeue = codel_qdisc_dequeue,
	.destroy = codel_destroy,
	.describe = codel_describe,
};
