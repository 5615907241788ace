/* Drop-tail FIFO, limited in packets (Linux pfifo), in bytes (bfifo), or
 * both.  The default limit is 1000 packets, Linux's txqueuelen.  With
 * mark_at = K it also sets ECN CE on ECN-capable packets that arrive to
 * find K or more packets queued (the step marking DCTCP uses, Alizadeh et
 * al., SIGCOMM 2010), and so can signal congestion without dropping. */
#include <stdio.h>

#include "qdisc.h"

struct fifo {
	struct pktq q;
	uint32_t limit_pkts;   /* 0: unlimited */
	uint64_t limit_bytes;  /* 0: unlimited */
	uint32_t mark_at;      /* 0: never mark */
};

static int fifo_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct fifo *f = qdisc_priv(qd);
	int64_t limit, mark;
	uint64_t bytes;
	if (qparam_int(p, "fifo", "limit", 1000, 0, UINT32_MAX, &limit, err) < 0 ||
	    qparam_size(p, "fifo", "bytes", 0, &bytes, err) < 0 ||
	    qparam_int(p, "fifo", "mark_at", 0, 0, UINT32_MAX, &mark, err) < 0)
		return -1;
	f->limit_pkts = (uint32_t)limit;
	f->limit_bytes = bytes;
	f->mark_at = (uint32_t)mark;
	return 0;
}

static bool fifo_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	(void)now;
	struct fifo *f = qdisc_priv(qd);
	if (f->limit_pkts && f->q.len >= f->limit_pkts)
		return false;
	if (f->limit_bytes && f->q.bytes + pkt->ip.tot_len > f->limit_bytes)
		return false;
	if (f->mark_at && f->q.len >= f->mark_at)
		qdisc_mark(qd, pkt);
	pktq_push(&f->q, pkt);
	return true;
}

static struct packet *fifo_dequeue(struct qdisc *qd, simtime_t now)
{
	(void)now;
	return pktq_pop(&((struct fifo *)qdisc_priv(qd))->q);
}

static void fifo_destroy(struct qdisc *qd)
{
	pktq_purge(qd->sim, &((struct fifo *)qdisc_priv(qd))->q);
}

static void fifo_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct fifo *f = qdisc_cpriv(qd);
	snprintf(buf, n, "limit=%u bytes=%llu mark_at=%u", f->limit_pkts, (unsigned long long)f->limit_bytes,
		 f->mark_at);
}

const struct qdisc_ops fifo_ops = {
	.name = "fifo",
	.priv_size = sizeof(struct fifo),
	.init = fifo_init,
	.enqueue = fifo_enqueue,
	.dequeue = fifo_dequeue,
	.destroy = fifo_destroy,
	.describe = fifo_describe,
};
