/* UDP traffic: a constant-bit-rate source, an on/off source, and the sink
 * each source measures its flow with.
 *
 * Rates count whole IP packets, what the link sees: a 12 Mbps source of
 * 1472-byte payloads sends 1500-byte packets every 1 ms.  Send times are
 * exact (the remainder of bits*1e9/rate is carried), so the long-run rate
 * is exact at any rate.  The on/off source (as ns-3's OnOffApplication)
 * alternates on and off periods drawn from a named random stream: constant,
 * exponential or Pareto (shape 1.5) with the given means, and sends at the
 * rate only while on: the gap between packets is counted in on-time, so
 * periods shorter than one gap slow the source down rather than letting
 * each on period start with a packet. */
#include "udp_apps.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- the sink ---- */

static void sink_recv(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct udp_sink *k = ctx;
	k->pkts++;
	k->bytes += p->payload_len;
}

static double sink_sample(void *obj, simtime_t now)
{
	struct udp_sink *k = obj;
	simtime_t dt = now - k->last_t;
	double v = dt > 0 ? (double)(k->bytes - k->last_bytes) * 8e9 / (double)dt : NAN;
	k->last_t = now;
	k->last_bytes = k->bytes;
	return v;
}

int udp_sink_open(struct udp_sink *k, struct node *nd, uint16_t port, const char *entity,
		  struct errbuf *err)
{
	k->sock = udp_open(nd, port, sink_recv, NULL, k, err);
	if (!k->sock)
		return -1;
	struct sim *s = nd->net->sim;
	int m = throughput_metric(s);
	k->last_t = s->now;
	rec_probe_add(s, m, entity, sink_sample, k);
	return 0;
}

/* ---- the source ---- */

static void src_send(struct sim *s, void *obj);

static simtime_t draw_period(struct udp_source *u, double mean_ns)
{
	double d = mean_ns;
	switch (u->dist) {
	case DIST_CONST:
		break;
	case DIST_EXP:
		d = rng_exponential(u->rng, mean_ns);
		break;
	case DIST_PARETO: {
		const double shape = 1.5;
		d = rng_pareto(u->rng, shape, mean_ns * (shape - 1) / shape);
		break;
	}
	}
	/* a heavy-tailed draw may exceed int64: such a period outlasts any run */
	return d < (double)SIM_TIME_LIMIT ? (simtime_t)d : SIM_TIME_LIMIT;
}

/* The time the next packet may go, with the exact remainder carried. */
static simtime_t next_gap(struct udp_source *u)
{
	uint64_t num = (uint64_t)u->pkt_bytes * 8u * 1000000000u + u->rem;
	u->rem = num % u->rate_bps;
	return (simtime_t)(num / u->rate_bps);
}

/* Arms the timer for the next packet, u->wait_ns of on-time from now.  An
 * on/off source counts the gap in on-time only (as ns-3's OnOffApplication
 * carries its residual bits): what is left of it when the on period ends
 * is waited at the start of the next one, so the rate while on never
 * exceeds `rate`, however short the periods. */
static void src_schedule(struct sim *s, struct udp_source *u)
{
	simtime_t next = simtime_add_sat(s->now, u->wait_ns);
	if (u->onoff && next > u->period_end) {
		u->wait_ns = next - u->period_end;
		next = u->period_end; /* wake to switch off on time */
	} else {
		u->wait_ns = 0;
	}
	timer_arm(s, &u->tx, next);
}

static void src_send(struct sim *s, void *obj)
{
	struct udp_source *u = obj;
	if (!u->base.running)
		return;
	if (u->onoff && s->now >= u->period_end) {
		/* switch between on and off */
		u->on = !u->on;
		u->period_end = simtime_add_sat(s->now, draw_period(u, u->on ? u->on_ns : u->off_ns));
		if (!u->on) {
			timer_arm(s, &u->tx, u->period_end);
			return;
		}
		if (u->wait_ns > 0) {
			src_schedule(s, u); /* the rest of the gap begun last time */
			return;
		}
	}
	if (udp_send(u->sock, u->dst, u->dport, u->size, NULL, 0) == 0) {
		u->sent_pkts++;
		u->sent_bytes += u->size;
	}
	u->wait_ns = next_gap(u);
	src_schedule(s, u);
}

static void src_start(struct app *a)
{
	struct udp_source *u = (struct udp_source *)a;
	struct sim *s = a->sim;
	if (u->onoff) {
		u->on = true;
		u->period_end = simtime_add_sat(s->now, draw_period(u, u->on_ns));
		u->wait_ns = 0;
	}
	if (u->sink.sock) {
		u->sink.last_t = s->now;
		u->sink.last_bytes = u->sink.bytes;
	}
	timer_arm(s, &u->tx, s->now);
}

static void src_stop(struct app *a)
{
	timer_cancel(&((struct udp_source *)a)->tx);
}

static void src_report(struct app *a)
{
	struct udp_source *u = (struct udp_source *)a;
	if (!a->sim->db || a->started_at == SIM_NEVER)
		return;
	char src[16], dst[16];
	simtime_t end = app_end(a);
	double secs = sim_to_sec(end - a->started_at);
	struct db_flow f = {
		.flow_id = a->id, .proto = "udp", .app = a->ops->kind, .name = a->name,
		.src = ipv4_fmt(src, node_addr(a->node)), .dst = ipv4_fmt(dst, u->dst), .cc = NULL,
		.start_ns = a->started_at, .end_ns = end,
		.bytes = u->sink.sock ? (int64_t)u->sink.bytes : -1,
		.goodput_bps = u->sink.sock && secs > 0 ? (double)u->sink.bytes * 8 / secs : 0,
		.retrans = -1, .rtt_min_ns = -1, .rtt_mean_ns = -1,
		.pkts_sent = (int64_t)u->sent_pkts,
		.pkts_recv = u->sink.sock ? (int64_t)u->sink.pkts : -1,
	};
	db_flow(a->sim->db, a->sim->run_id, &f);
}

static void src_destroy(struct app *a)
{
	timer_destroy(a->sim, &((struct udp_source *)a)->tx);
}

static void src_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct udp_source *u = (struct udp_source *)a;
	put(ctx, "sent", (double)u->sent_pkts);
	put(ctx, "sent_bytes", (double)u->sent_bytes);
	if (u->sink.sock) {
		simtime_t began = a->started_at == SIM_NEVER ? a->sim->now : a->started_at;
		double secs = sim_to_sec(app_end(a) - began);
		put(ctx, "received", (double)u->sink.pkts);
		put(ctx, "bytes", (double)u->sink.bytes);
		put(ctx, "goodput_bps", secs > 0 ? (double)u->sink.bytes * 8 / secs : 0);
	}
}

static const struct app_ops cbr_ops = {
	.kind = "cbr", .start = src_start, .stop = src_stop, .report = src_report,
	.destroy = src_destroy, .stats = src_stats,
};
static const struct app_ops onoff_ops = {
	.kind = "onoff", .start = src_start, .stop = src_stop, .report = src_report,
	.destroy = src_destroy, .stats = src_stats,
};

struct udp_source *udp_source_new(const struct udp_source_cfg *c, struct errbuf *err)
{
	if (c->rate_bps == 0) {
		err_set(err, "rate must be above zero");
		return NULL;
	}
	if (c->size > 65507) {
		err_set(err, "size %u is larger than a UDP datagram can be (65507)", c->size);
		return NULL;
	}
	uint64_t bits = ((uint64_t)c->size + IP_HDR_LEN + UDP_HDR_LEN) * 8u;
	if (c->rate_bps > bits * 1000000000u) {
		char r[32];
		err_set(err, "rate: %s sends a %llu-byte packet more often than once a nanosecond, "
			"the clock's resolution", units_fmt_rate(r, sizeof(r), c->rate_bps),
			(unsigned long long)(bits / 8));
		return NULL;
	}
	struct udp_source *u = xcalloc(1, sizeof(*u));
	struct sim *s = c->from->net->sim;
	u->sock = udp_open(c->from, 0, NULL, NULL, u, err);
	if (!u->sock) {
		free(u);
		return NULL;
	}
	u->sock->tos = c->tos;
	u->dst = c->to_addr;
	u->rate_bps = c->rate_bps;
	u->size = c->size;
	u->pkt_bytes = c->size + IP_HDR_LEN + UDP_HDR_LEN;
	u->onoff = c->onoff;
	u->on_ns = (double)c->on_ns;
	u->off_ns = (double)c->off_ns;
	u->dist = c->dist;
	timer_init(s, &u->tx, src_send, u);
	app_add(&u->base, c->onoff ? &onoff_ops : &cbr_ops, c->from, c->name, c->start, c->stop);
	char stream[96];
	snprintf(stream, sizeof(stream), "app:%s:onoff", u->base.name);
	u->rng = rng_stream(s, stream);
	/* the measuring sink on the destination, one port per flow */
	u->dport = c->port ? c->port : (uint16_t)(5000 + u->base.id % 20000);
	if (c->to_node && c->sink) {
		if (udp_sink_open(&u->sink, c->to_node, u->dport, u->base.name, err) < 0) {
			app_stop(&u->base);
			return NULL;
		}
	}
	return u;
}
