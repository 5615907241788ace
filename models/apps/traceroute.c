/* traceroute: UDP probes to rising ports with rising TTL, as Linux
 * traceroute's default method (Jacobson 1988).  Each hop gets `probes`
 * probes at once; the hop is done when all are answered or `wait` passes.
 * A router answers Time Exceeded, the destination Port Unreachable, which
 * ends the trace.  Each hop becomes a 'traceroute' event:
 *   hop=2 addr=10.0.2.2 node=r2 rtt_ms=20.148,20.148,20.148   ('*' = none) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes.h"
#include "sim/record.h"
#include "sim/util.h"

static void tr_probe_hop(struct traceroute *t);

static void tr_log_hop(struct traceroute *t, const struct tr_hop *h, int ttl)
{
	char addr[16] = "*", rtts[256] = "";
	size_t used = 0;
	const char *name = "*";
	if (h->addr) {
		ipv4_fmt(addr, h->addr);
		struct node *nd = net_node_of_addr(t->base.node->net, h->addr);
		name = nd ? nd->name : "?";
	}
	for (int i = 0; i < t->cfg.probes && used < sizeof(rtts); i++) {
		if (h->rtt[i] < 0)
			used += (size_t)snprintf(rtts + used, sizeof(rtts) - used, "%s*", i ? "," : "");
		else
			used += (size_t)snprintf(rtts + used, sizeof(rtts) - used, "%s%.3f", i ? "," : "",
						 (double)h->rtt[i] / 1e6);
	}
	rec_log(t->base.sim, t->base.name, "traceroute", "hop=%d addr=%s node=%s rtt_ms=%s%s", ttl,
		addr, name, rtts, h->unreachable ? " !unreachable" : "");
}

static void tr_finish(struct traceroute *t)
{
	t->finished = true;
	timer_cancel(&t->wait);
	rec_log(t->base.sim, t->base.name, "traceroute_done", "%s after %d hops",
		t->reached ? "reached" : "not reached", t->nhops);
	if (t->cfg.done)
		t->cfg.done(t, t->cfg.ctx);
	app_stop(&t->base);
}

static void tr_hop_done(struct traceroute *t)
{
	struct tr_hop *h = &t->hops[t->ttl - 1];
	t->nhops = t->ttl;
	tr_log_hop(t, h, t->ttl);
	if (h->reached || h->unreachable || t->ttl >= t->cfg.max_hops) {
		t->reached = h->reached;
		tr_finish(t);
		return;
	}
	t->ttl++;
	tr_probe_hop(t);
}

static void tr_timeout(struct sim *s, void *obj)
{
	(void)s;
	tr_hop_done(obj);
}

static uint16_t probe_port(const struct traceroute *t, int ttl, int i)
{
	return (uint16_t)(t->cfg.port + (ttl - 1) * t->cfg.probes + i);
}

static void tr_probe_hop(struct traceroute *t)
{
	struct sim *s = t->base.sim;
	struct tr_hop *h = &t->hops[t->ttl - 1];
	memset(h, 0, sizeof(*h));
	h->nrtt = t->cfg.probes;
	t->answered = 0;
	for (int i = 0; i < t->cfg.probes; i++) {
		h->rtt[i] = -1;
		t->sent_at[i] = s->now;
		/* 32 bytes of data, as Linux traceroute's default 60-byte packet */
		udp_send(t->sock, t->cfg.to, probe_port(t, t->ttl, i), 32, NULL, (uint8_t)t->ttl);
	}
	timer_arm(s, &t->wait, simtime_add_sat(s->now, t->cfg.wait));
}

static void tr_icmp(struct udp_sock *us, const struct packet *icmp, void *ctx)
{
	(void)us;
	struct traceroute *t = ctx;
	if (t->finished || !t->base.running)
		return;
	int i = (int)icmp->l4.icmp.q_dport - (int)probe_port(t, t->ttl, 0);
	if (i < 0 || i >= t->cfg.probes || icmp->l4.icmp.q_ip.dst != t->cfg.to)
		return; /* for an earlier hop, or not ours */
	struct tr_hop *h = &t->hops[t->ttl - 1];
	if (h->rtt[i] >= 0)
		return;
	h->rtt[i] = t->base.sim->now - t->sent_at[i];
	h->addr = icmp->ip.src;
	if (icmp->l4.icmp.type == ICMP_DEST_UNREACH) {
		/* the destination's "port unreachable" ends the trace as reached;
		 * any other unreachable (Linux shows !N, !H ...) ends it too, but
		 * not reached */
		h->reached = icmp->l4.icmp.code == ICMP_PORT_UNREACH && icmp->ip.src == t->cfg.to;
		h->unreachable = !h->reached;
	}
	if (++t->answered == t->cfg.probes) {
		timer_cancel(&t->wait);
		tr_hop_done(t);
	}
}

static void tr_start(struct app *a)
{
	struct traceroute *t = (struct traceroute *)a;
	t->ttl = 1;
	tr_probe_hop(t);
}

static void tr_stop(struct app *a)
{
	timer_cancel(&((struct traceroute *)a)->wait);
}

static void tr_destroy(struct app *a)
{
	timer_destroy(a->sim, &((struct traceroute *)a)->wait);
}

static void tr_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct traceroute *t = (struct traceroute *)a;
	put(ctx, "hops", t->nhops);
	put(ctx, "reached", t->reached);
	put(ctx, "finished", t->finished);
}

static const struct app_ops traceroute_ops = {
	.kind = "traceroute", .start = tr_start, .stop = tr_stop, .destroy = tr_destroy,
	.stats = tr_stats,
};

struct traceroute *traceroute_new(const struct traceroute_cfg *cfg, struct errbuf *err)
{
	if (cfg->max_hops < 1 || cfg->max_hops > TR_MAX_HOPS) {
		err_set(err, "max_hops must lie in 1..%d", TR_MAX_HOPS);
		return NULL;
	}
	if (cfg->probes < 1 || cfg->probes > TR_MAX_PROBES) {
		err_set(err, "probes must lie in 1..%d", TR_MAX_PROBES);
		return NULL;
	}
	/* each probe goes to the next port, as Linux traceroute's -p base */
	long last = (long)cfg->port + (long)cfg->max_hops * cfg->probes - 1;
	if (last > 65535) {
		err_set(err, "port: %u + max_hops * probes - 1 = %ld is past 65535 (the last probe's port)",
			cfg->port, last);
		return NULL;
	}
	struct traceroute *t = xcalloc(1, sizeof(*t));
	t->cfg = *cfg;
	t->cfg.name = NULL;
	t->sock = udp_open(cfg->from, 0, NULL, tr_icmp, t, err);
	if (!t->sock) {
		free(t);
		return NULL;
	}
	timer_init(cfg->from->net->sim, &t->wait, tr_timeout, t);
	app_add(&t->base, &traceroute_ops, cfg->from, cfg->name, cfg->start, SIM_NEVER);
	return t;
}
