/* tcp.bulk: the sender connects at its start time and keeps TCP's send
 * buffer full until it has queued `bytes` (or until it is stopped), then
 * closes; the sink accepts, reads (at once, or at read_rate to model a slow
 * reader, which is how flow control gets exercised), and measures goodput:
 * payload bytes delivered to it over [max(start, measure_from), end]. */
#include "tcp_apps.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/packet.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/util.h"
#include "models/tcp/cc/cc.h"

static void bulk_fill(struct bulk *b)
{
	if (!b->snd || b->all_queued || !b->base.running)
		return;
	for (;;) {
		uint64_t want = b->cfg.bytes ? b->cfg.bytes - b->queued : UINT32_MAX;
		if (!want)
			break;
		int64_t n = tcp_send(b->snd, want, NULL, 0);
		if (n <= 0)
			break;
		b->queued += (uint64_t)n;
	}
	if (b->cfg.bytes && b->queued >= b->cfg.bytes) {
		b->all_queued = true;
		tcp_shutdown(b->snd);
	}
}

static void snd_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct bulk *b = ctx;
	b->connected = true;
	b->connect_time = b->base.sim->now;
	bulk_fill(b);
}

static void snd_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	bulk_fill(ctx);
}

static void snd_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct bulk *b = ctx;
	b->error = err;
}

static void snd_closed(struct tcp_sock *ts, void *ctx)
{
	struct bulk *b = ctx;
	tcp_get_info(ts, &b->final);
	b->have_final = true;
	b->snd = NULL;
	tcp_close(ts);
}

static const struct tcp_cb snd_cbs = {
	.connected = snd_connected, .writable = snd_writable, .error = snd_error,
	.closed = snd_closed,
};

/* the sink */

static void sink_take(struct bulk *b, uint64_t n)
{
	if (!n)
		return;
	if (!b->rcvd)
		b->first_rx = b->base.sim->now;
	b->rcvd += n;
	b->last_rx = b->base.sim->now;
}

static void sink_readable(struct tcp_sock *ts, void *ctx)
{
	struct bulk *b = ctx;
	if (b->cfg.read_rate_bps)
		return; /* the reader's clock takes it */
	sink_take(b, tcp_recv(ts, UINT64_MAX, NULL));
}

static void sink_maybe_done(struct bulk *b, struct tcp_sock *ts);

/* A rate-limited reader: every read_every it may take read_rate * read_every
 * worth of bytes; credit does not pile up beyond two periods. */
static void sink_read_tick(struct sim *s, void *obj)
{
	struct bulk *b = obj;
	const simtime_t period = b->cfg.read_every;
	double per = (double)b->cfg.read_rate_bps / 8.0 * sim_to_sec(period);
	b->read_credit += per;
	if (b->read_credit > 2 * per)
		b->read_credit = 2 * per;
	if (b->rcv && b->read_credit >= 1) {
		uint64_t n = tcp_recv(b->rcv, (uint64_t)b->read_credit, NULL);
		b->read_credit -= (double)n;
		sink_take(b, n);
		sink_maybe_done(b, b->rcv);
	}
	if (b->rcv)
		timer_arm(s, &b->t_read, s->now + period);
}

/* The sender closed and the reader has everything: the flow is complete. */
static void sink_maybe_done(struct bulk *b, struct tcp_sock *ts)
{
	if (!b->peer_closed || tcp_readable(ts) || b->finished)
		return;
	b->finished = true;
	b->finish_time = b->base.sim->now;
	rec_log(b->base.sim, b->base.name, "flow_done", "%llu bytes in %.6f s", (unsigned long long)b->rcvd,
		sim_to_sec(b->finish_time - b->base.started_at));
	tcp_get_info(ts, &b->rcv_final);
	b->have_rcv_final = true;
	b->rcv = NULL;
	tcp_close(ts);
}

static void sink_peer_closed(struct tcp_sock *ts, void *ctx)
{
	struct bulk *b = ctx;
	b->peer_closed = true;
	sink_take(b, b->cfg.read_rate_bps ? 0 : tcp_recv(ts, UINT64_MAX, NULL));
	sink_maybe_done(b, ts);
}

static void sink_closed(struct tcp_sock *ts, void *ctx)
{
	struct bulk *b = ctx;
	if (b->rcv == ts) {
		b->rcv = NULL;
		tcp_close(ts);
	}
}

static const struct tcp_cb sink_cbs = {
	.readable = sink_readable, .peer_closed = sink_peer_closed, .closed = sink_closed,
};

static void sink_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct bulk *b = ctx;
	if (b->rcv) { /* one flow per sink */
		tcp_abort(child);
		return;
	}
	b->rcv = child;
	char name[64];
	snprintf(name, sizeof(name), "%s.rcv", b->base.name);
	tcp_set_name(child, name);
	tcp_set_callbacks(child, &sink_cbs, b);
	if (b->cfg.read_rate_bps) {
		b->read_last = b->base.sim->now;
		timer_arm(b->base.sim, &b->t_read, b->base.sim->now);
	} else {
		sink_readable(child, b);
	}
}

static const struct tcp_cb listen_cbs = { .accept = sink_accept };

static double bulk_sample(void *obj, simtime_t now)
{
	struct bulk *b = obj;
	simtime_t dt = now - b->sample_t;
	double v = dt > 0 && b->base.started_at != SIM_NEVER
			   ? (double)(b->rcvd - b->sample_bytes) * 8e9 / (double)dt : NAN;
	b->sample_t = now;
	b->sample_bytes = b->rcvd;
	return v;
}

static void bulk_measure(struct sim *s, void *obj)
{
	(void)s;
	struct bulk *b = obj;
	b->rcvd_at_measure = b->rcvd;
	b->measured = true;
}

static void bulk_start(struct app *a)
{
	struct bulk *b = (struct bulk *)a;
	b->sample_t = a->sim->now;
	b->snd = tcp_socket(a->node, &b->cfg.tcp, &snd_cbs, b);
	tcp_set_name(b->snd, a->name);
	int rc = tcp_connect(b->snd, b->cfg.to_addr, b->cfg.port);
	if (rc < 0) {
		b->error = -rc;
		rec_log(a->sim, a->name, "tcp_error", "connect: %s", tcp_strerror(rc));
		tcp_close(b->snd);
		b->snd = NULL;
	}
}

static void bulk_stop(struct app *a)
{
	struct bulk *b = (struct bulk *)a;
	if (b->snd && !b->all_queued) {
		b->all_queued = true;
		tcp_shutdown(b->snd);
	}
}

/* The end of the measured interval and the bytes received by then. */
static simtime_t bulk_end(const struct bulk *b)
{
	if (b->finished)
		return b->finish_time;
	return app_end(&b->base);
}

static void bulk_info(const struct bulk *b, struct tcp_info *i)
{
	if (b->snd)
		tcp_get_info(b->snd, i);
	else if (b->have_final)
		*i = b->final;
	else
		memset(i, 0, sizeof(*i));
}

static double bulk_goodput(const struct bulk *b, simtime_t *from, simtime_t *to)
{
	simtime_t start = b->base.started_at;
	uint64_t base = 0;
	if (b->cfg.measure_from > start) {
		start = b->cfg.measure_from;
		base = b->measured ? b->rcvd_at_measure : b->rcvd;
	}
	simtime_t end = bulk_end(b);
	*from = start;
	*to = end;
	return end > start ? (double)(b->rcvd - base) * 8e9 / (double)(end - start) : 0;
}

static void bulk_report(struct app *a)
{
	struct bulk *b = (struct bulk *)a;
	if (!a->sim->db || a->started_at == SIM_NEVER)
		return;
	struct tcp_info i;
	bulk_info(b, &i);
	char src[16], dst[16];
	simtime_t from, to;
	double gp = bulk_goodput(b, &from, &to);
	struct db_flow f = {
		.flow_id = a->id, .proto = "tcp", .app = "bulk", .name = a->name,
		.src = ipv4_fmt(src, node_addr(a->node)), .dst = ipv4_fmt(dst, b->cfg.to_addr),
		.cc = b->cfg.tcp.cc ? b->cfg.tcp.cc->name : NULL,
		.start_ns = from, .end_ns = to, .bytes = (int64_t)b->rcvd, .goodput_bps = gp,
		.retrans = (int64_t)i.retrans_segs,
		.rtt_min_ns = i.min_rtt ? i.min_rtt : -1,
		.rtt_mean_ns = i.rtt_samples ? (int64_t)(i.rtt_sum / (simtime_t)i.rtt_samples) : -1,
		.pkts_sent = (int64_t)i.data_segs_out, .pkts_recv = -1,
	};
	db_flow(a->sim->db, a->sim->run_id, &f);
}

static void bulk_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct bulk *b = (struct bulk *)a;
	struct tcp_info i;
	bulk_info(b, &i);
	simtime_t from, to;
	put(ctx, "bytes", (double)b->rcvd);
	put(ctx, "queued", (double)b->queued);
	put(ctx, "goodput_bps", bulk_goodput(b, &from, &to));
	put(ctx, "finished", b->finished);
	if (b->finished)
		put(ctx, "fct_ns", (double)(b->finish_time - a->started_at));
	if (b->connected)
		put(ctx, "connect_ns", (double)(b->connect_time - a->started_at));
	put(ctx, "error", b->error);
	put(ctx, "retrans", (double)i.retrans_segs);
	put(ctx, "rto_count", (double)i.rto_count);
	put(ctx, "fast_retrans", (double)i.fast_retrans);
	put(ctx, "tlp_count", (double)i.tlp_count);
	put(ctx, "spurious_rto", (double)i.spurious_rto);
	put(ctx, "zero_window_probes", (double)i.zwp_sent);
	put(ctx, "cwnd", i.cwnd);
	put(ctx, "ssthresh", i.ssthresh);
	put(ctx, "mss", i.mss);
	put(ctx, "srtt_ns", (double)i.srtt);
	put(ctx, "min_rtt_ns", (double)i.min_rtt);
	put(ctx, "rto_ns", (double)i.rto);
	put(ctx, "segs_out", (double)i.segs_out);
	put(ctx, "data_segs_out", (double)i.data_segs_out);
	put(ctx, "bytes_sent", (double)i.bytes_sent);
	put(ctx, "dsacks", (double)i.dsack_count);
	if (i.rtt_samples)
		put(ctx, "rtt_mean_ns", (double)i.rtt_sum / (double)i.rtt_samples);
	if (b->rcv || b->have_rcv_final) {
		struct tcp_info r = b->rcv_final;
		if (b->rcv)
			tcp_get_info(b->rcv, &r);
		put(ctx, "rcvbuf", r.rcvbuf);
		put(ctx, "rcv_segs_out", (double)r.segs_out); /* the receiver's ACKs */
	}
}

static void bulk_destroy(struct app *a)
{
	struct bulk *b = (struct bulk *)a;
	timer_destroy(a->sim, &b->t_read);
	timer_destroy(a->sim, &b->t_measure);
}

static const struct app_ops bulk_ops = {
	.kind = "bulk", .start = bulk_start, .stop = bulk_stop, .report = bulk_report,
	.destroy = bulk_destroy, .stats = bulk_stats,
};

struct bulk *bulk_new(const struct bulk_cfg *cfg, struct errbuf *err)
{
	if (cfg->read_rate_bps && cfg->read_every <= 0) {
		err_set(err, "read_every must be above zero");
		return NULL;
	}
	struct bulk *b = xcalloc(1, sizeof(*b));
	struct sim *s = cfg->from->net->sim;
	b->cfg = *cfg;
	b->cfg.name = NULL;
	timer_init(s, &b->t_read, sink_read_tick, b);
	timer_init(s, &b->t_measure, bulk_measure, b);
	app_add(&b->base, &bulk_ops, cfg->from, cfg->name, cfg->start, cfg->stop);
	if (!b->cfg.port)
		b->cfg.port = (uint16_t)(5000 + b->base.id % 20000);
	b->lst = tcp_socket(cfg->to, &b->cfg.tcp, &listen_cbs, b);
	int rc = tcp_bind(b->lst, b->cfg.port);
	if (rc < 0) {
		err_set(err, "port %u on %s: %s", b->cfg.port, cfg->to->name, tcp_strerror(rc));
		tcp_close(b->lst);
		b->lst = NULL;
		app_stop(&b->base);
		return NULL;
	}
	tcp_listen(b->lst, b->cfg.tcp.backlog);
	if (cfg->measure_from > 0)
		timer_arm(s, &b->t_measure, cfg->measure_from);
	rec_probe_add(s, throughput_metric(s), b->base.name, bulk_sample, b);
	return b;
}
