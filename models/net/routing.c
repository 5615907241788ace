/* Automatic routing: shortest paths over the whole topology, as a link-state
 * protocol (OSPF, IS-IS) converges to, computed centrally.
 *
 * Each router (and each host with more than one interface) runs Dijkstra
 * over the links that are up, with link cost as the metric and total
 * propagation delay as the tie-breaker, then node id; paths never transit
 * a host, which does not forward.  A link that is up is reached by its /24
 * (or whatever prefix it has) via the nearer end; the two addresses of a
 * link that is down stay reachable as /32 host routes via their nodes'
 * other links.  A host with one interface gets a default route.  Static
 * routes are never replaced.
 *
 * After any link goes down or up the tables are recomputed route_delay
 * later (0 by default: instant convergence), and every route that changed
 * is logged as a 'route' event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "sim/record.h"
#include "sim/util.h"

/* ---- Dijkstra with a binary heap ---- */

struct hent {
	uint64_t cost;
	simtime_t delay;
	uint32_t node;
};

static bool hless(const struct hent *a, const struct hent *b)
{
	if (a->cost != b->cost)
		return a->cost < b->cost;
	if (a->delay != b->delay)
		return a->delay < b->delay;
	return a->node < b->node;
}

struct heap {
	struct hent *v;
	size_t n, cap;
};

static void hpush(struct heap *h, struct hent e)
{
	xgrow((void **)&h->v, &h->cap, h->n + 1, sizeof(*h->v));
	size_t i = h->n++;
	while (i && hless(&e, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = e;
}

static struct hent hpop(struct heap *h)
{
	struct hent top = h->v[0], last = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hless(&h->v[c + 1], &h->v[c]))
			c++;
		if (!hless(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

struct spf {
	uint64_t *cost;
	simtime_t *delay;
	struct iface **first; /* the source's interface on the best path */
	bool *done;
	struct heap heap;
};

static void spf_run(struct net *n, struct node *src, struct spf *t)
{
	for (size_t i = 0; i < n->nnodes; i++) {
		t->cost[i] = UINT64_MAX;
		t->delay[i] = 0;
		t->first[i] = NULL;
		t->done[i] = false;
	}
	t->heap.n = 0;
	t->cost[src->id] = 0;
	hpush(&t->heap, (struct hent){ 0, 0, src->id });
	while (t->heap.n) {
		struct hent e = hpop(&t->heap);
		if (t->done[e.node])
			continue;
		t->done[e.node] = true;
		struct node *u = n->nodes[e.node];
		if (u != src && !u->router)
			continue; /* hosts do not forward */
		for (size_t k = 0; k < u->nifs; k++) {
			struct iface *ifc = u->ifs[k];
			struct link *l = ifc->link;
			if (!l->up)
				continue;
			struct node *v = l->end[1 - ifc->side]->node;
			/* delays sum with saturation: each is below 2^61, a path of many is not */
			struct hent cand = { e.cost + l->cost, simtime_add_sat(e.delay, l->dir[ifc->side].delay_ns),
					     v->id };
			struct hent cur = { t->cost[v->id], t->delay[v->id], v->id };
			if (t->done[v->id] || !hless(&cand, &cur))
				continue;
			t->cost[v->id] = cand.cost;
			t->delay[v->id] = cand.delay;
			t->first[v->id] = u == src ? ifc : t->first[u->id];
			hpush(&t->heap, cand);
		}
	}
}

/* ---- snapshots, to log what changed ---- */

struct rsnap {
	struct route *v;
	size_t n, cap;
};

static void snap_add(const struct route *r, void *arg)
{
	struct rsnap *s = arg;
	if (r->type != RT_SPF && r->type != RT_CONNECTED)
		return;
	xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = *r;
}

static void route_str(char *buf, size_t n, const struct route *r)
{
	char a[16];
	snprintf(buf, n, "%s/%u", ipv4_fmt(a, r->prefix), r->len);
}

static int cmp_pl(const struct route *a, const struct route *b)
{
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

/* Both snapshots are in fib_walk order; merge them. */
static void log_changes(struct net *n, struct node *nd, const struct rsnap *old, const struct rsnap *new)
{
	size_t i = 0, j = 0;
	char p[40];
	while (i < old->n || j < new->n) {
		int c = i == old->n ? 1 : j == new->n ? -1 : cmp_pl(&old->v[i], &new->v[j]);
		if (c < 0) {
			route_str(p, sizeof(p), &old->v[i]);
			rec_log(n->sim, nd->name, "route", "%s removed (was via %s)", p, old->v[i].out->name);
			i++;
		} else if (c > 0) {
			route_str(p, sizeof(p), &new->v[j]);
			rec_log(n->sim, nd->name, "route", "%s via %s (new)", p, new->v[j].out->name);
			j++;
		} else {
			if (old->v[i].out != new->v[j].out) {
				route_str(p, sizeof(p), &new->v[j]);
				rec_log(n->sim, nd->name, "route", "%s via %s (was via %s)", p,
					new->v[j].out->name, old->v[i].out->name);
			}
			i++;
			j++;
		}
	}
}

/* Adds a computed route unless a static one (or a better kind) holds the
 * prefix: static routes are never replaced. */
static void add_route(struct node *nd, uint32_t prefix, int len, enum route_type type, struct iface *out)
{
	const struct route *r = fib_get(&nd->fib, prefix, len);
	if (r && (r->type == RT_STATIC || r->type == RT_LOCAL ||
		  (r->type == RT_CONNECTED && type == RT_SPF)))
		return;
	fib_add(&nd->fib, prefix, len, type, out);
}

/* ---- the computation ---- */

static void clear_dynamic(struct node *nd)
{
	struct rsnap s = { 0 };
	fib_walk(&nd->fib, snap_add, &s);
	for (size_t i = 0; i < s.n; i++)
		fib_remove(&nd->fib, s.v[i].prefix, s.v[i].len);
	free(s.v);
}

void net_routes_compute(struct net *n)
{
	bool log = n->routing_started || rec_on(n->sim, n->m_route);
	struct rsnap *old = NULL;
	if (log) {
		old = xcalloc(n->nnodes, sizeof(*old));
		for (size_t i = 0; i < n->nnodes; i++)
			fib_walk(&n->nodes[i]->fib, snap_add, &old[i]);
	}
	for (size_t i = 0; i < n->nnodes; i++)
		clear_dynamic(n->nodes[i]);
	for (size_t i = 0; i < n->nlinks; i++) {
		struct link *l = n->links[i];
		if (!l->up)
			continue;
		for (int k = 0; k < 2; k++)
			add_route(l->end[k]->node, l->end[k]->addr, l->end[k]->plen, RT_CONNECTED, l->end[k]);
	}
	if (n->spf) {
		struct spf t = {
			.cost = xcalloc(n->nnodes, sizeof(uint64_t)),
			.delay = xcalloc(n->nnodes, sizeof(simtime_t)),
			.first = xcalloc(n->nnodes, sizeof(struct iface *)),
			.done = xcalloc(n->nnodes, sizeof(bool)),
		};
		for (size_t i = 0; i < n->nnodes; i++) {
			struct node *src = n->nodes[i];
			if (!src->router && src->nifs == 1) {
				add_route(src, 0, 0, RT_SPF, src->ifs[0]);
				continue;
			}
			if (src->nifs == 0)
				continue;
			spf_run(n, src, &t);
			for (size_t j = 0; j < n->nlinks; j++) {
				struct link *l = n->links[j];
				uint32_t a = l->end[0]->node->id, b = l->end[1]->node->id;
				if (l->up) {
					/* the nearer end; ties to the lower cost-then-delay, then end a */
					struct hent ea = { t.cost[a], t.delay[a], a }, eb = { t.cost[b], t.delay[b], b };
					uint32_t via = hless(&eb, &ea) ? b : a;
					if (!t.first[via])
						via = via == a ? b : a;
					if (t.first[via])
						add_route(src, l->end[0]->addr, l->end[0]->plen, RT_SPF, t.first[via]);
				} else {
					for (int k = 0; k < 2; k++) {
						uint32_t v = l->end[k]->node->id;
						if (t.first[v])
							add_route(src, l->end[k]->addr, 32, RT_SPF, t.first[v]);
					}
				}
			}
		}
		free(t.cost);
		free(t.delay);
		free(t.first);
		free(t.done);
		free(t.heap.v);
	}
	if (log) {
		for (size_t i = 0; i < n->nnodes; i++) {
			struct rsnap now = { 0 };
			fib_walk(&n->nodes[i]->fib, snap_add, &now);
			log_changes(n, n->nodes[i], &old[i], &now);
			free(now.v);
			free(old[i].v);
		}
		free(old);
	}
	n->routing_started = true;
}

void net_routes_schedule(struct net *n)
{
	if (!n->routing_started)
		return; /* not computed yet: the start of the run will */
	timer_arm(n->sim, &n->route_timer, simtime_add_sat(n->sim->now, n->route_delay));
}

int node_add_static_route(struct node *nd, uint32_t prefix, int len, struct iface *out,
			  struct errbuf *err)
{
	if (len < 0 || len > 32) {
		err_set(err, "route: prefix length %d is outside 0..32", len);
		return -1;
	}
	if (out->node != nd) {
		err_set(err, "route: interface %s is not on node %s", out->name, nd->name);
		return -1;
	}
	fib_add(&nd->fib, prefix, len, RT_STATIC, out);
	return 0;
}
