/* ping: ICMP echo requests at a fixed interval, RTT of each reply.
 * As iputils ping: 56 data bytes by default (a 84-byte IP packet), one
 * identifier per ping, sequence numbers from 1.  Each RTT is a
 * 'ping_rtt_ns' series row (record { "ping" }); the flows row carries the
 * counts and the minimum and mean RTT. */
#include <stdio.h>
#include <stdlib.h>

#include "probes.h"
#include "sim/db.h"
#include "sim/record.h"
#include "sim/util.h"

static void ping_send(struct sim *s, void *obj)
{
	struct ping *pg = obj;
	if (!pg->base.running)
		return;
	uint32_t seq = ++pg->next_seq;
	struct packet *p = pkt_alloc(s);
	p->ip.proto = IPPROTO_ICMP_;
	p->ip.dst = pg->cfg.to;
	p->ip.tos = pg->cfg.tos;
	p->l4.icmp.type = ICMP_ECHO;
	p->l4.icmp.id = pg->ident;
	p->l4.icmp.seq = (uint16_t)seq;
	p->payload_len = pg->cfg.size;
	size_t slot = seq % PING_RING;
	pg->sent_at[slot] = s->now;
	pg->sent_seq[slot] = seq;
	pg->waiting[slot] = true;
	pg->sent++;
	ip_send(pg->base.node, p);
	if (pg->cfg.count && pg->sent >= pg->cfg.count)
		return;
	timer_arm(s, &pg->tx, simtime_add_sat(s->now, pg->cfg.every));
}

static void ping_reply(void *obj, struct node *nd, const struct packet *p)
{
	(void)nd;
	struct ping *pg = obj;
	uint16_t seq16 = p->l4.icmp.seq;
	size_t slot = seq16 % PING_RING;
	if (!pg->waiting[slot] || (uint16_t)pg->sent_seq[slot] != seq16)
		return; /* a duplicate, or too late */
	pg->waiting[slot] = false;
	simtime_t rtt = pg->base.sim->now - pg->sent_at[slot];
	pg->received++;
	pg->rtt_sum += (double)rtt;
	pg->rtt_last = rtt;
	if (pg->received == 1 || rtt < pg->rtt_min)
		pg->rtt_min = rtt;
	if (rtt > pg->rtt_max)
		pg->rtt_max = rtt;
	if (rec_on(pg->base.sim, pg->m_rtt))
		rec_value(pg->base.sim, pg->m_rtt, pg->base.name, (double)rtt);
}

static void ping_start(struct app *a)
{
	timer_arm(a->sim, &((struct ping *)a)->tx, a->sim->now);
}

static void ping_stop(struct app *a)
{
	timer_cancel(&((struct ping *)a)->tx);
}

static void ping_report(struct app *a)
{
	struct ping *pg = (struct ping *)a;
	if (!a->sim->db || a->started_at == SIM_NEVER)
		return;
	char src[16], dst[16];
	struct db_flow f = {
		.flow_id = a->id, .proto = "icmp", .app = "ping", .name = a->name,
		.src = ipv4_fmt(src, node_addr(a->node)), .dst = ipv4_fmt(dst, pg->cfg.to),
		.start_ns = a->started_at, .end_ns = app_end(a),
		.bytes = (int64_t)(pg->received * pg->cfg.size), .goodput_bps = 0, .retrans = -1,
		.rtt_min_ns = pg->received ? pg->rtt_min : -1,
		.rtt_mean_ns = pg->received ? (int64_t)(pg->rtt_sum / (double)pg->received + 0.5) : -1,
		.pkts_sent = (int64_t)pg->sent, .pkts_recv = (int64_t)pg->received,
	};
	db_flow(a->sim->db, a->sim->run_id, &f);
}

static void ping_destroy(struct app *a)
{
	struct ping *pg = (struct ping *)a;
	timer_destroy(a->sim, &pg->tx);
}

static void ping_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct ping *pg = (struct ping *)a;
	put(ctx, "sent", (double)pg->sent);
	put(ctx, "received", (double)pg->received);
	if (pg->received) {
		put(ctx, "rtt_min_ns", (double)pg->rtt_min);
		put(ctx, "rtt_max_ns", (double)pg->rtt_max);
		put(ctx, "rtt_last_ns", (double)pg->rtt_last);
		put(ctx, "rtt_mean_ns", pg->rtt_sum / (double)pg->received);
	}
}

static const struct app_ops ping_ops = {
	.kind = "ping", .start = ping_start, .stop = ping_stop, .report = ping_report,
	.destroy = ping_destroy, .stats = ping_stats,
};

struct ping *ping_new(const struct ping_cfg *cfg, struct errbuf *err)
{
	if (cfg->every <= 0) {
		err_set(err, "every must be above zero");
		return NULL;
	}
	if (cfg->size > 65507) {
		err_set(err, "size %u is larger than an ICMP message can be (65507)", cfg->size);
		return NULL;
	}
	struct ping *pg = xcalloc(1, sizeof(*pg));
	struct sim *s = cfg->from->net->sim;
	pg->cfg = *cfg;
	pg->cfg.name = NULL;
	pg->m_rtt = ping_metric(s);
	pg->ident = icmp_listen_echo(cfg->from, 0, ping_reply, pg);
	if (!pg->ident) {
		err_set(err, "no free ICMP echo identifier on %s (65535 pings are running there)",
			cfg->from->name);
		free(pg);
		return NULL;
	}
	timer_init(s, &pg->tx, ping_send, pg);
	app_add(&pg->base, &ping_ops, cfg->from, cfg->name, cfg->start, cfg->stop);
	return pg;
}
