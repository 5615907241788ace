/* A token-bucket policer in front of a FIFO, as Linux's police action
 * (`tc filter ... action police rate R burst B conform-exceed drop`) on an
 * interface: ISPs' rate limiters, and what BBR's long-term ("policer")
 * mode was built to detect (Cardwell et al., "BBR", ACM Queue 2016).
 *
 * Tokens are bytes: the bucket holds at most `burst` and fills at `rate`.
 * An arriving packet that finds at least its size in tokens takes them
 * and joins the FIFO (at most `limit` packets, which then drain at the
 * link's rate); one that does not is dropped ("policed") and takes none.
 * The bucket starts full.  Nothing is ever delayed to conform: a policer
 * drops, a shaper (a slower link) queues.
 *
 * Deviations from Linux: tokens are counted in bytes with exact integer
 * arithmetic (bits * 1e9 kept as a remainder), where act_police counts
 * nanoseconds of transmission time; the same thing, without its rounding. */
#include <stdio.h>

#include "qdisc.h"
#include "sim/units.h"

struct policer {
	struct pktq q;
	uint32_t limit_pkts;
	uint64_t rate_bps;
	uint64_t burst;       /* bytes */
	uint64_t tokens;      /* bytes */
	uint64_t rem;         /* bit-nanoseconds not yet a whole byte */
	simtime_t last;       /* when tokens were last added */
};

static int policer_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct policer *po = qdisc_priv(qd);
	int64_t limit;
	if (qparam_rate(p, "policer", "rate", 0, &po->rate_bps, err) < 0 ||
	    qparam_size(p, "policer", "burst", 15000, &po->burst, err) < 0 ||
	    qparam_int(p, "policer", "limit", 1000, 1, UINT32_MAX, &limit, err) < 0)
		return -1;
	if (!po->rate_bps) {
		err_set(err, "policer: 'rate' is required, e.g. policer { rate = \"5Mbps\" }");
		return -1;
	}
	if (po->burst < 1500) {
		err_set(err, "policer: burst %llu bytes is less than one 1500-byte packet",
			(unsigned long long)po->burst);
		return -1;
	}
	po->limit_pkts = (uint32_t)limit;
	po->tokens = po->burst;
	po->last = 0;
	return 0;
}

static void refill(struct policer *po, simtime_t now)
{
	if (now <= po->last)
		return;
	if (po->tokens < po->burst) {
		/* bytes = rate * dt / 8e9, exactly, carrying the remainder */
		unsigned __int128 bits_ns = (unsigned __int128)po->rate_bps * (uint64_t)(now - po->last) + po->rem;
		unsigned __int128 add = bits_ns / 8000000000u;
		po->rem = (uint64_t)(bits_ns % 8000000000u);
		po->tokens = add >= po->burst - po->tokens ? po->burst : po->tokens + (uint64_t)add;
		if (po->tokens == po->burst)
			po->rem = 0;
	}
	po->last = now;
}

static bool policer_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	struct policer *po = qdisc_priv(qd);
	refill(po, now);
	if (po->tokens < pkt->ip.tot_len) {
		qd->drop_why = "policed";
		return false;
	}
	if (po->q.len >= po->limit_pkts)
		return false;
	po->tokens -= pkt->ip.tot_len;
	pktq_push(&po->q, pkt);
	return true;
}

static struct packet *policer_dequeue(struct qdisc *qd, simtime_t now)
{
	(void)now;
	return pktq_pop(&((struct policer *)qdisc_priv(qd))->q);
}

static void policer_destroy(struct qdisc *qd)
{
	pktq_purge(qd->sim, &((struct policer *)qdisc_priv(qd))->q);
}

static void policer_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct policer *po = qdisc_cpriv(qd);
	char r[32];
	snprintf(buf, n, "rate=%s burst=%llu limit=%u", units_fmt_rate(r, sizeof(r), po->rate_bps),
		 (unsigned long long)po->burst, po->limit_pkts);
}

const struct qdisc_ops policer_ops = {
	.name = "policer",
	.priv_size = sizeof(struct policer),
	.init = policer_init,
	.enqueue = policer_enqueue,
	.dequeue = policer_dequeue,
	.destroy = policer_destroy,
	.describe = policer_describe,
};
