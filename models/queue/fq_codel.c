/* FQ-CoDel, the Flow Queue CoDel packet scheduler and AQM (RFC 8290), as
 * Linux's net/sched/sch_fq_codel.c.  Arriving packets are hashed into one
 * of `flows` (1024) queues; each queue is a FIFO under its own CoDel
 * control loop (codel.h; target 5 ms, interval 100 ms).  Queues are served
 * by deficit round robin with a byte `quantum` (1514), in two lists
 * (RFC 8290 §4, "DRR++"): a queue that becomes active joins the new list
 * and is served before the old list, so a sparse flow (a ping, a DNS
 * query, the first packets of a connection) is sent ahead of bulk traffic;
 * a queue that has used its quantum moves to the tail of the old list, and
 * a new queue that empties moves to the old list once before it is
 * forgotten, so new flows cannot starve old ones.  When the whole qdisc
 * holds more than `limit` (10240) packets or `memory_limit` (32 MiB)
 * bytes, packets are dropped from the head of the fattest queue, up to
 * half its backlog and at most `drop_batch` (64) of them but always at
 * least one, and that queue's CoDel count grows by as many (Linux
 * fq_codel_drop()).  ECN marking is on by default, as in Linux.
 * The flow hash is pkt->flow_hash as the sender set it, or, when that is
 * 0 (ICMP), one built from addresses, protocol and ports (the ICMP echo
 * id); it is mixed with a key from the named stream
 * "queue:<entity>:fq_codel", as Linux keys its flow hash with a random
 * boot-time secret, and mapped onto the flows as reciprocal_scale() does.
 * Deviations from Linux: memory_limit counts IP bytes (Linux counts
 * skb->truesize, which includes buffer overhead, so Linux reaches its
 * limit with fewer packets); no external classifiers; the CoDel deviations
 * of codel.c apply (exact 1/sqrt control law, ns clock, mtu 1500). */
#include <stdio.h>
#include <stdlib.h>

#include "codel.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

struct fqc_flow {
	struct pktq q;
	struct fqc_flow *next;   /* in the new or old list */
	int64_t deficit_bytes;
	bool listed;             /* on one of the two lists */
	struct codel_vars cv;
};

struct fqc_list {
	struct fqc_flow *head, *tail;
};

struct fq_codel {
	struct fqc_flow *flows;  /* [nflows] */
	uint32_t nflows;
	uint32_t quantum_bytes;
	uint32_t limit_pkts;
	uint32_t drop_batch;
	uint64_t memory_limit_bytes;
	struct codel_params cp;
	uint32_t hash_key;
	struct fqc_list new_flows, old_flows;
	uint32_t qlen_pkts;      /* packets in all queues */
	uint64_t backlog_bytes;  /* bytes in all queues: CoDel's mtu test reads it */
	/* Linux's xstats */
	uint64_t new_flow_count, drop_overlimit, drop_overmemory;
};

/* ---- the two lists ---- */

static void fqc_list_add_tail(struct fqc_list *l, struct fqc_flow *f)
{
	f->next = NULL;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
}

static struct fqc_flow *fqc_list_pop(struct fqc_list *l)
{
	struct fqc_flow *f = l->head;
	l->head = f->next;
	if (!l->head)
		l->tail = NULL;
	f->next = NULL;
	return f;
}

/* ---- classification ---- */

/* A 32-bit finaliser (MurmurHash3's fmix32): every input bit reaches every
 * output bit, as Linux's jhash does for the flow dissector's hash. */
static uint32_t fqc_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t fqc_classify(const struct fq_codel *fq, const struct packet *pkt)
{
	uint32_t h = pkt->flow_hash;
	if (h == 0) {
		uint32_t ports = 0;
		if (pkt->ip.proto == IPPROTO_UDP_)
			ports = (uint32_t)pkt->l4.udp.sport << 16 | pkt->l4.udp.dport;
		else if (pkt->ip.proto == IPPROTO_TCP_)
			ports = (uint32_t)pkt->l4.tcp.sport << 16 | pkt->l4.tcp.dport;
		else if (pkt->ip.proto == IPPROTO_ICMP_)
			ports = pkt->l4.icmp.id;
		h = fqc_mix(pkt->ip.src ^ fqc_mix(pkt->ip.dst ^ fqc_mix(ports ^ pkt->ip.proto)));
	}
	h = fqc_mix(h ^ fq->hash_key);
	return (uint32_t)(((uint64_t)h * fq->nflows) >> 32); /* reciprocal_scale() */
}

/* ---- set-up ---- */

static int fqc_init(struct qdisc *qd, struct qparams *p, struct errbuf *err)
{
	struct fq_codel *fq = qdisc_priv(qd);
	int64_t limit, flows, quantum, batch;
	uint64_t mem;
	if (qparam_int(p, "fq_codel", "limit", 10240, 1, UINT32_MAX, &limit, err) < 0 ||
	    qparam_int(p, "fq_codel", "flows", 1024, 1, 65536, &flows, err) < 0 ||
	    qparam_int(p, "fq_codel", "quantum", 1514, 256, 1 << 20, &quantum, err) < 0 ||
	    qparam_int(p, "fq_codel", "drop_batch", 64, 1, 1 << 20, &batch, err) < 0 ||
	    qparam_size(p, "fq_codel", "memory_limit", 32u << 20, &mem, err) < 0 ||
	    codel_params_read(p, "fq_codel", true, &fq->cp, err) < 0)
		return -1;
	if (mem == 0 || mem > 1u << 31) {
		err_set(err, "fq_codel: memory_limit: %llu bytes is outside [1, 2GiB] (Linux's cap)",
			(unsigned long long)mem);
		return -1;
	}
	fq->limit_pkts = (uint32_t)limit;
	fq->nflows = (uint32_t)flows;
	fq->quantum_bytes = (uint32_t)quantum;
	fq->drop_batch = (uint32_t)batch;
	fq->memory_limit_bytes = mem;
	fq->flows = xcalloc(fq->nflows, sizeof(*fq->flows));
	char name[160];
	snprintf(name, sizeof(name), "queue:%s:fq_codel", qd->entity);
	fq->hash_key = (uint32_t)rng_u32(rng_stream(qd->sim, name));
	return 0;
}

static void fqc_destroy(struct qdisc *qd)
{
	struct fq_codel *fq = qdisc_priv(qd);
	if (!fq->flows)
		return;
	for (uint32_t i = 0; i < fq->nflows; i++)
		pktq_purge(qd->sim, &fq->flows[i].q);
	free(fq->flows);
	fq->flows = NULL;
}

/* ---- enqueue ---- */

/* The queue is over its limit: drop from the head of the fattest flow,
 * up to half its backlog and drop_batch packets, at least one (Linux
 * fq_codel_drop(): one linear scan amortised over many drops). */
static void fqc_drop_fattest(struct qdisc *qd, struct fq_codel *fq)
{
	struct fqc_flow *fat = &fq->flows[0];
	for (uint32_t i = 1; i < fq->nflows; i++)
		if (fq->flows[i].q.bytes > fat->q.bytes)
			fat = &fq->flows[i];
	uint64_t threshold = fat->q.bytes / 2, dropped_bytes = 0;
	uint32_t n = 0;
	do {
		struct packet *pkt = pktq_pop(&fat->q);
		dropped_bytes += pkt->ip.tot_len;
		fq->qlen_pkts--;
		fq->backlog_bytes -= pkt->ip.tot_len;
		qdisc_drop_queued(qd, pkt, "fq_codel-overlimit");
	} while (++n < fq->drop_batch && dropped_bytes < threshold && fat->q.len);
	/* tell CoDel to signal harder on this flow too */
	fat->cv.count += n;
	fq->drop_overlimit += n;
}

static bool fqc_enqueue(struct qdisc *qd, struct packet *pkt, simtime_t now)
{
	(void)now;
	struct fq_codel *fq = qdisc_priv(qd);
	struct fqc_flow *f = &fq->flows[fqc_classify(fq, pkt)];
	pktq_push(&f->q, pkt);
	fq->qlen_pkts++;
	fq->backlog_bytes += pkt->ip.tot_len;
	if (!f->listed) {
		fqc_list_add_tail(&fq->new_flows, f);
		f->listed = true;
		f->deficit_bytes = fq->quantum_bytes;
		fq->new_flow_count++;
	}
	bool over_memory = fq->backlog_bytes > fq->memory_limit_bytes;
	if (fq->qlen_pkts <= fq->limit_pkts && !over_memory)
		return true;
	uint64_t before = fq->drop_overlimit;
	/* The arriving packet may be among those dropped; it was queued, so
	 * it is dropped as a queued packet and the core must not free it. */
	fqc_drop_fattest(qd, fq);
	if (over_memory)
		fq->drop_overmemory += fq->drop_overlimit - before;
	return true;
}

/* ---- dequeue ---- */

struct fqc_pop_ctx {
	struct fq_codel *fq;
	struct fqc_flow *flow;
};

static struct packet *fqc_pop(void *arg)
{
	struct fqc_pop_ctx *c = arg;
	struct packet *pkt = pktq_pop(&c->flow->q);
	if (pkt) {
		c->fq->qlen_pkts--;
		c->fq->backlog_bytes -= pkt->ip.tot_len;
	}
	return pkt;
}

/* Linux fq_codel_dequeue(): the next packet by DRR++, or NULL once both
 * lists are empty. */
static struct packet *fqc_next(struct qdisc *qd, struct fq_codel *fq, simtime_t now)
{
	for (;;) {
		struct fqc_list *list = fq->new_flows.head ? &fq->new_flows : &fq->old_flows;
		struct fqc_flow *f = list->head;
		if (!f)
			return NULL;
		if (f->deficit_bytes <= 0) {
			/* quantum used up: a new round, at the back of the old list */
			f->deficit_bytes += fq->quantum_bytes;
			fqc_list_add_tail(&fq->old_flows, fqc_list_pop(list));
			continue;
		}
		struct fqc_pop_ctx ctx = { fq, f };
		struct packet *pkt = codel_dequeue(qd, &fq->cp, &f->cv, fqc_pop, &ctx,
						   &fq->backlog_bytes, now);
		if (!pkt) {
			/* empty: a new flow passes once through the old list
			 * (RFC 8290 §4) so that it cannot starve old ones */
			fqc_list_pop(list);
			if (list == &fq->new_flows && fq->old_flows.head)
				fqc_list_add_tail(&fq->old_flows, f);
			else
				f->listed = false;
			continue;
		}
		f->deficit_bytes -= pkt->ip.tot_len;
		return pkt;
	}
}

static struct packet *fqc_dequeue(struct qdisc *qd, simtime_t now)
{
	struct fq_codel *fq = qdisc_priv(qd);
	struct packet *pkt = fqc_next(qd, fq, now);
	/* Linux asks an emptied qdisc once more and gets NULL, and that call
	 * takes the emptied flows off the lists, so their next packets arrive
	 * as new flows.  The core never asks an empty qdisc: do it here. */
	if (pkt && fq->qlen_pkts == 0)
		fqc_next(qd, fq, now);
	return pkt;
}

static void fqc_describe(const struct qdisc *qd, char *buf, size_t n)
{
	const struct fq_codel *fq = qdisc_cpriv(qd);
	char cp[160], mem[32];
	codel_params_fmt(&fq->cp, cp, sizeof(cp));
	snprintf(buf, n, "limit=%u flows=%u quantum=%u drop_batch=%u memory_limit=%s %s",
		 fq->limit_pkts, fq->nflows, fq->quantum_bytes, fq->drop_batch,
		 units_fmt_size(mem, sizeof(mem), fq->memory_limit_bytes), cp);
}

const struct qdisc_ops fq_codel_ops = {
	.name = "fq_codel",
	.priv_size = sizeof(struct fq_codel),
	.init = fqc_init,
	.enqueue = fqc_enqueue,
	.dequeue = fqc_dequeue,
	.destroy = fqc_destroy,
	.describe = fqc_describe,
};
