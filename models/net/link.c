/* Point-to-point links: transmission, propagation, loss, up and down.
 *
 * Each direction is a transmitter fed by the sending interface's qdisc.
 * When the transmitter is idle a packet is dequeued and put on the wire for
 * exactly size*8/rate; the transmitter is free again when its last bit
 * has left (an event at that instant, queued only if a packet is waiting
 * for it), and the packet reaches the far end one propagation delay later.
 * Packets on the wire wait in a FIFO per direction with one event pending,
 * the head's, so the event queue holds one entry per busy wire rather than
 * one per packet in flight.  Either way every event runs where it ran when
 * each had its own entry.  The loss model is applied as the packet is sent
 * (a lost packet still occupies the wire).  Taking a link down flushes both queues and
 * kills the packets on the wire (their epoch no longer matches). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/queue/qdisc.h"
#include "net.h"
#include "sim/pcap.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

static void iface_start_tx(struct iface *ifc);

/* The side of its link an interface is on, from the link's first line,
 * which every packet reads anyway (ifc->side is on the interface's second). */
static inline int side_of(const struct iface *ifc, const struct link *l)
{
	return ifc == l->end[1];
}

static struct iface *iface_new(struct link *l, struct node *nd, int side)
{
	/* on a line of its own: its first 80 bytes are read for every packet */
	size_t size = (sizeof(struct iface) + 63) / 64 * 64;
	struct iface *ifc = aligned_alloc(64, size);
	if (!ifc) {
		fprintf(stderr, "wirelab: out of memory for an interface\n");
		abort();
	}
	memset(ifc, 0, size);
	ifc->node = nd;
	ifc->link = l;
	ifc->side = side;
	ifc->index = (int)nd->nifs;
	xgrow((void **)&nd->ifs, &nd->capifs, nd->nifs + 1, sizeof(*nd->ifs));
	nd->ifs[nd->nifs++] = ifc;
	return ifc;
}

struct link *link_new(struct net *n, struct node *a, struct node *b, const struct link_cfg *cfg,
		      struct errbuf *err)
{
	if (a == b) {
		err_set(err, "a link needs two different nodes (got %s twice)", a->name);
		return NULL;
	}
	if (cfg->rate_bps == 0) {
		err_set(err, "link %s-%s: rate must be above zero", a->name, b->name);
		return NULL;
	}
	if (cfg->delay_ns < 0 || cfg->jitter_ns < 0) {
		err_set(err, "link %s-%s: %s must not be negative", a->name, b->name,
			cfg->delay_ns < 0 ? "delay" : "jitter");
		return NULL;
	}
	if (cfg->mtu < 68 || cfg->mtu > 65535) {
		err_set(err, "link %s-%s: mtu %u is outside [68, 65535] (RFC 791)", a->name, b->name, cfg->mtu);
		return NULL;
	}
	uint32_t id = (uint32_t)n->nlinks + 1;
	uint32_t addr[2] = { cfg->addr[0], cfg->addr[1] };
	uint8_t plen[2] = { cfg->plen[0], cfg->plen[1] };
	if (!addr[0] || !addr[1]) {
		/* automatic: link k gets 10.(k/256).(k%256).0/24, ends .1 and .2 */
		if (id > 0xffff) {
			err_set(err, "more than 65535 links: give addresses explicitly (addr = {...})");
			return NULL;
		}
		uint32_t net24 = 10u << 24 | (id >> 8) << 16 | (id & 0xff) << 8;
		addr[0] = net24 | 1;
		addr[1] = net24 | 2;
		plen[0] = plen[1] = 24;
	}
	if (net_node_of_addr(n, addr[0]) || net_node_of_addr(n, addr[1]) || addr[0] == addr[1]) {
		char s[16];
		ipv4_fmt(s, net_node_of_addr(n, addr[0]) || addr[0] == addr[1] ? addr[0] : addr[1]);
		err_set(err, "link %s-%s: address %s is already in use", a->name, b->name, s);
		return NULL;
	}
	size_t lsize = (sizeof(struct link) + 63) / 64 * 64;
	struct link *l = aligned_alloc(64, lsize);
	if (!l) {
		fprintf(stderr, "wirelab: out of memory for a link\n");
		abort();
	}
	memset(l, 0, lsize);
	l->net = n;
	l->id = id;
	snprintf(l->name, sizeof(l->name), "%s-%s", a->name, b->name);
	l->mtu = cfg->mtu;
	l->cost = cfg->cost ? cfg->cost : 1;
	l->up = true;
	struct node *ends[2] = { a, b };
	for (int k = 0; k < 2; k++) {
		struct iface *ifc = iface_new(l, ends[k], k);
		l->end[k] = ifc;
		ifc->addr = addr[k];
		ifc->plen = plen[k];
		l->dir[k].rate_bps = cfg->rate_bps;
		l->dir[k].delay_ns = cfg->delay_ns;
		l->jitter[k].ns = cfg->jitter_ns;
	}
	for (int k = 0; k < 2; k++) {
		struct iface *ifc = l->end[k];
		snprintf(ifc->name, sizeof(ifc->name), "%s->%s", ends[k]->name, ends[1 - k]->name);
		/* parallel links get distinct names */
		for (size_t i = 0; i < n->nlinks; i++)
			if (strcmp(n->links[i]->end[0]->name, ifc->name) == 0 ||
			    strcmp(n->links[i]->end[1]->name, ifc->name) == 0) {
				snprintf(ifc->name, sizeof(ifc->name), "%s->%s#%u", ends[k]->name,
					 ends[1 - k]->name, id);
				break;
			}
		if (cfg->jitter_ns > 0) {
			char rname[128];
			snprintf(rname, sizeof(rname), "link:%s:jitter", ifc->name);
			l->dir[k].jitter_rng = rng_stream(n->sim, rname);
		}
		fib_add(&ends[k]->fib, ifc->addr, 32, RT_LOCAL, NULL);
		fib_add(&ends[k]->fib, ifc->addr, ifc->plen, RT_CONNECTED, ifc);
		struct qparams none = { 0, NULL };
		ifc->q = qdisc_new(n->sim, qdisc_find("fifo"), &none, ifc->name, err);
	}
	for (int k = 0; k < 2; k++)
		if (link_set_loss(l, k, &cfg->loss, err) < 0) {
			for (int j = 0; j < 2; j++) {
				qdisc_free(l->end[j]->q);
				loss_free(l->dir[j].loss);
				ends[j]->nifs--;
				fib_remove(&ends[j]->fib, l->end[j]->addr, 32);
				fib_remove(&ends[j]->fib, l->end[j]->addr, l->end[j]->plen);
				free(l->end[j]);
			}
			free(l);
			return NULL;
		}
	xgrow((void **)&n->links, &n->caplinks, n->nlinks + 1, sizeof(*n->links));
	n->links[n->nlinks++] = l;
	net_routes_schedule(n);
	return l;
}

void link_set_qdisc(struct link *l, int side, struct qdisc *q)
{
	struct iface *ifc = l->end[side];
	if (ifc->q) {
		/* packets queued in the old qdisc move over, in order */
		struct packet *p;
		while ((p = qdisc_dequeue(ifc->q, l->net->sim->now)))
			qdisc_enqueue(q, p, l->net->sim->now);
		qdisc_free(ifc->q);
	}
	ifc->q = q;
}

/* ---- transmission ---- */

/* The transmitter of ifc's direction is free: send the next packet.
 * Queued only when a packet was waiting (iface_send, iface_start_tx). */
static void tx_done(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct iface *ifc = obj;
	ifc->link->tx_event[side_of(ifc, ifc->link)] = false;
	iface_start_tx(ifc);
}

/* Whether the transmitter of d is still sending, that is whether an event
 * at (tx_end, tx_seq) would still be ahead of the one running (or, between
 * runs, whether tx_end is later than the clock: sched.h, cur_seq). */
static inline bool tx_busy(const struct sim *s, const struct link_dir *d)
{
	return d->tx_end > s->now || (d->tx_end == s->now && d->tx_seq > s->heap.cur_seq);
}

/* Delivers p to the far end ifc, or drops it if the link went down while
 * it was on the wire. */
static void deliver(struct sim *s, struct iface *ifc, struct packet *p)
{
	struct link *l = ifc->link;
	if (!l->up || p->link_epoch != l->epoch) {
		l->dropped_down++;
		net_drop(l->net, l->name, "link-down", p);
		return;
	}
	if (ifc->pcap)
		pcap_write(ifc->pcap, s->now, p);
	ifc->rx_pkts++;
	ifc->rx_bytes += p->ip.tot_len;
	ip_input(ifc->node, p, ifc);
}

/* A packet that could not join the wire's FIFO (its delay was shortened
 * while earlier packets were still on the wire): its own event. */
static void arrive_one(struct sim *s, void *obj, uint64_t arg)
{
	deliver(s, obj, (struct packet *)(uintptr_t)arg);
}

/* The event of the first packet on a wire: p arrives now at the far end,
 * obj.  The next packet's event is queued before p is delivered, so
 * whatever the delivery sends cannot disturb the wire's order. */
static void wire_arrive(struct sim *s, void *obj, uint64_t arg)
{
	struct iface *to = obj;
	struct packet *p = (struct packet *)(uintptr_t)arg;
	struct link *l = to->link;
	if (--l->wire_len[1 - side_of(to, l)]) {
		struct packet *q = p->next;
		/* It will be read when it arrives, one transmission time from
		 * now at the least; it has waited a propagation delay and is
		 * cold by now. */
		__builtin_prefetch(q);
		__builtin_prefetch((const char *)q + 64);
		evheap_push_seq(&s->heap, p->wire_next_at, p->wire_next_seq, wire_arrive, to,
				(uint64_t)(uintptr_t)q);
	}
	deliver(s, to, p);
}

/* Puts p on the wire of direction `side` of l, arriving at `at`.  Packets
 * on a wire arrive in the order they were sent (jitter keeps that order
 * too), so they wait in a FIFO with one pending event, that of the first,
 * rather than one heap entry each.  Each keeps the sequence number an
 * event of its own would have had, so events run in exactly the order
 * they did when every packet had its own.  The FIFO is threaded through
 * the packets themselves: each holds the next one's pointer, arrival time
 * and sequence number in its first line, written while it is still in the
 * cache (it was sent one transmission time before), and read when it
 * arrives, when it is read anyway; the last one holds its own arrival
 * time.  A side table (a ring per wire) cost a cache miss every few
 * packets on 4000 cold rings in a 1000-flow dumbbell. */
static void wire_put(struct sim *s, struct link *l, int side, struct packet *p, simtime_t at)
{
	struct link_dir *d = &l->dir[side];
	struct iface *to = l->end[1 - side];
	uint64_t seq = s->heap.next_seq++;
	if (l->wire_len[side] == 0) {
		evheap_push_seq(&s->heap, at, seq, wire_arrive, to, (uint64_t)(uintptr_t)p);
	} else {
		struct packet *t = d->wire_tail;
		if (at < t->wire_next_at) {
			/* overtakes the packets before it: only after
			 * link_set_delay() shortened the delay */
			assert(at >= s->now);
			evheap_push_seq(&s->heap, at, seq, arrive_one, to, (uint64_t)(uintptr_t)p);
			return;
		}
		t->next = p;
		t->wire_next_at = at;
		t->wire_next_seq = seq;
	}
	p->wire_next_at = at; /* its own, until a packet follows it */
	d->wire_tail = p;
	l->wire_len[side]++;
}

static void iface_start_tx(struct iface *ifc)
{
	struct link *l = ifc->link;
	struct sim *s = l->net->sim;
	struct packet *p = qdisc_dequeue(ifc->q, s->now);
	if (!p)
		return;
	int side = side_of(ifc, l);
	struct link_dir *d = &l->dir[side];
	/* exact serialisation: carry the remainder of bits*1e9/rate */
	uint64_t num = (uint64_t)p->ip.tot_len * 8u * 1000000000u + d->rem;
	simtime_t tx = (simtime_t)(num / d->rate_bps);
	d->rem = num % d->rate_bps;
	ifc->tx_pkts++;
	ifc->tx_bytes += p->ip.tot_len;
	if (ifc->pcap)
		pcap_write(ifc->pcap, s->now, p);
	/* The transmitter is free at tx_end.  The event that says so takes
	 * its sequence number now, as it always did, but is queued only if a
	 * packet is waiting for it, now or later (iface_send): on an idle
	 * link (an access link) it would find nothing to send. */
	d->tx_end = s->now + tx;
	d->tx_seq = s->heap.next_seq++;
	if (ifc->q->qlen) {
		evheap_push_seq(&s->heap, d->tx_end, d->tx_seq, tx_done, ifc, 0);
		l->tx_event[side] = true;
	}
	if (d->loss && d->loss->ops->lose(d->loss, p)) {
		l->lost++;
		net_drop(l->net, ifc->name, "loss", p);
		return;
	}
	p->link_epoch = l->epoch;
	simtime_t at = s->now + tx + d->delay_ns;
	if (d->jitter_rng) {
		/* variable delay, but the wire keeps its order (unlike netem's
		 * jitter, which reorders) */
		struct link_jitter *j = &l->jitter[side];
		at += (simtime_t)(rng_uniform(d->jitter_rng) * (double)j->ns);
		if (at < j->last_arrive)
			at = j->last_arrive;
		j->last_arrive = at;
	}
	wire_put(s, l, side, p, at);
}

void iface_send(struct iface *ifc, struct packet *p)
{
	struct link *l = ifc->link;
	if (!l->up) {
		l->dropped_down++;
		net_drop(l->net, ifc->name, "link-down", p);
		return;
	}
	if (p->ip.tot_len > l->mtu) {
		net_drop(l->net, ifc->name, "mtu", p);
		return;
	}
	struct sim *s = l->net->sim;
	qdisc_enqueue(ifc->q, p, s->now);
	int side = side_of(ifc, l);
	if (l->tx_event[side])
		return; /* the transmitter's event will send it */
	struct link_dir *d = &l->dir[side];
	if (!tx_busy(s, d)) {
		iface_start_tx(ifc);
	} else if (ifc->q->qlen) {
		evheap_push_seq(&s->heap, d->tx_end, d->tx_seq, tx_done, ifc, 0);
		l->tx_event[side] = true;
	}
}

/* ---- changes at run time ---- */

void link_set_up(struct link *l, bool up)
{
	struct sim *s = l->net->sim;
	if (l->up == up)
		return;
	l->up = up;
	if (!up) {
		l->epoch++;
		for (int k = 0; k < 2; k++) {
			struct packet *p;
			while ((p = qdisc_dequeue(l->end[k]->q, s->now))) {
				l->dropped_down++;
				net_drop(l->net, l->end[k]->name, "link-down", p);
			}
		}
	}
	rec_log(s, l->name, up ? "link_up" : "link_down", "%s", up ? "up" : "down");
	net_routes_schedule(l->net);
}

void link_set_rate(struct link *l, int side, uint64_t rate_bps)
{
	for (int k = 0; k < 2; k++)
		if (side < 0 || side == k) {
			l->dir[k].rate_bps = rate_bps;
			l->dir[k].rem = 0;
		}
	char buf[32];
	rec_log(l->net->sim, l->name, "link_rate", "%s", units_fmt_rate(buf, sizeof(buf), rate_bps));
}

void link_set_delay(struct link *l, int side, simtime_t delay)
{
	for (int k = 0; k < 2; k++)
		if (side < 0 || side == k)
			l->dir[k].delay_ns = delay;
}

int link_set_loss(struct link *l, int side, const struct loss_cfg *cfg, struct errbuf *err)
{
	for (int k = 0; k < 2; k++) {
		if (side >= 0 && side != k)
			continue;
		struct loss *nl = NULL;
		if (cfg->kind != LOSS_NONE) {
			char stream[160];
			snprintf(stream, sizeof(stream), "link:%s:loss:%s", l->name, k ? "b>a" : "a>b");
			nl = loss_new(l->net->sim, cfg, stream, err);
			if (!nl)
				return -1;
		}
		loss_free(l->dir[k].loss);
		l->dir[k].loss = nl;
	}
	return 0;
}

/* ---- loss models ---- */

static bool bernoulli_lose(struct loss *l, const struct packet *p)
{
	(void)p;
	return rng_uniform(l->rng) < l->p;
}

/* Gilbert-Elliott (Gilbert 1960, Elliott 1963): a two-state Markov chain
 * stepped once per packet; the packet is lost with probability loss_good or
 * loss_bad depending on the state it finds. */
static bool gilbert_lose(struct loss *l, const struct packet *p)
{
	(void)p;
	double u = rng_uniform(l->rng);
	if (l->bad) {
		if (u < l->r)
			l->bad = false;
	} else if (u < l->p) {
		l->bad = true;
	}
	double q = l->bad ? l->loss_bad : l->loss_good;
	return q > 0 && rng_uniform(l->rng) < q;
}

/* A scripted pattern: drop the n-th packets named in a list (for tests
 * and teaching: "the 5th, 15th and 25th segments are lost"). */
static bool list_lose(struct loss *l, const struct packet *p)
{
	(void)p;
	l->seen++;
	if (l->next < l->nlist && l->list[l->next] == l->seen) {
		l->next++;
		return true;
	}
	return false;
}

/* Deterministic periodic loss, the model behind TCP response functions
 * (Mathis et al. 1997; RFC 9438 §5.1): every N-th packet is lost. */
static bool periodic_lose(struct loss *l, const struct packet *p)
{
	(void)p;
	return ++l->seen % l->every == 0;
}

static const struct loss_ops periodic_ops = { "periodic", periodic_lose };
static const struct loss_ops bernoulli_ops = { "bernoulli", bernoulli_lose };
static const struct loss_ops gilbert_ops = { "gilbert-elliott", gilbert_lose };
static const struct loss_ops list_ops = { "list", list_lose };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct loss *loss_new(struct sim *s, const struct loss_cfg *cfg, const char *stream,
		      struct errbuf *err)
{
	double probs[] = { cfg->p, cfg->r, cfg->loss_good, cfg->loss_bad };
	for (size_t i = 0; i < ARRAY_LEN(probs); i++)
		if (!(probs[i] >= 0 && probs[i] <= 1)) {
			err_set(err, "loss: probabilities must lie in [0, 1], got %g", probs[i]);
			return NULL;
		}
	struct loss *l = xcalloc(1, sizeof(*l));
	l->ops = cfg->kind == LOSS_GILBERT ? &gilbert_ops : cfg->kind == LOSS_LIST ? &list_ops
		 : cfg->kind == LOSS_PERIODIC ? &periodic_ops : &bernoulli_ops;
	if (cfg->kind == LOSS_PERIODIC) {
		if (cfg->every < 1) {
			free(l);
			err_set(err, "loss: periodic: every must be at least 1");
			return NULL;
		}
		l->every = cfg->every;
	}
	if (cfg->kind == LOSS_LIST) {
		l->list = xmalloc((size_t)(cfg->nlist ? cfg->nlist : 1) * sizeof(uint64_t));
		memcpy(l->list, cfg->list, (size_t)cfg->nlist * sizeof(uint64_t));
		l->nlist = cfg->nlist;
		qsort(l->list, (size_t)l->nlist, sizeof(uint64_t), cmp_u64);
	}
	l->rng = rng_stream(s, stream);
	l->p = cfg->p;
	l->r = cfg->r;
	l->loss_good = cfg->loss_good;
	l->loss_bad = cfg->loss_bad;
	return l;
}

void loss_free(struct loss *l)
{
	if (l)
		free(l->list);
	free(l);
}
