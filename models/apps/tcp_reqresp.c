/* tcp.reqresp: requests of req_size bytes, answered with resp_size bytes.
 * A request starts with an 8-byte header (real bytes: request and response
 * length) so the server can answer requests of random sizes; the rest is
 * bulk.  Open loop (rate: Poisson arrivals, each on a new connection or on
 * an idle pooled one with reuse) or closed loop (parallel clients that
 * think between requests).  Latency = from the request's start (including
 * the handshake when it opens a connection) to the last response byte.
 * Messages larger than the send buffer are written as it drains; failed
 * connects are counted by kind (refused, timed out, no local port), each
 * with a per-second series beside requests_per_s. */
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

struct rr_conn {
	struct rr_conn *next;
	struct reqresp *rr;
	struct tcp_sock *ts;
	bool server, busy, up, dead;
	/* client: the request in progress */
	simtime_t req_start;
	uint32_t resp_len;
	uint64_t resp_got;
	/* server: parsing requests */
	uint8_t hdr[8];
	uint32_t hdr_got;
	uint64_t req_left;
	/* the message being written: what did not fit in the send buffer yet
	 * (the client's header, real bytes, then bulk bytes), written as the
	 * buffer drains (the writable callback, as bulk_fill) */
	struct pbuf *out_hdr;
	uint32_t out_hdr_off;
	uint64_t out_left;
};

static const int rr_fail_errno[RR_NFAIL] = {
	[RR_FAIL_REFUSED] = TCP_ECONNREFUSED, [RR_FAIL_TIMEDOUT] = TCP_ETIMEDOUT,
	[RR_FAIL_NOPORT] = TCP_EADDRNOTAVAIL,
};

static uint32_t rr_size(struct reqresp *rr, uint32_t mean)
{
	switch (rr->cfg.dist) {
	case RR_FIXED: return mean;
	case RR_EXP: {
		double v = rng_exponential(rr->rng, mean);
		return v < 1 ? 1 : v > 1e9 ? 1000000000u : (uint32_t)v;
	}
	case RR_PARETO: {
		const double shape = 1.5;
		double v = rng_pareto(rr->rng, shape, mean * (shape - 1) / shape);
		return v > 1e9 ? 1000000000u : (uint32_t)v;
	}
	}
	return mean;
}

static void put_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void rr_conn_drop(struct rr_conn *c)
{
	if (c->out_hdr) {
		pbuf_unref(c->out_hdr);
		c->out_hdr = NULL;
	}
	c->out_left = 0;
	if (c->ts) {
		struct tcp_sock *ts = c->ts;
		c->ts = NULL;
		tcp_close(ts);
	}
	if (!c->dead)
		c->rr->ndead++;
	c->dead = true;
	c->busy = false;
}

/* Writes what fits of the message in progress: the header's remaining real
 * bytes (with MSG_MORE while bulk bytes follow, so a short request leaves as
 * one segment), then the bulk bytes.  tcp_send takes less than asked when
 * the send buffer is full; the rest waits for the writable callback. */
static void rr_flush(struct rr_conn *c)
{
	while (c->ts && c->out_hdr) {
		uint32_t left = (uint32_t)c->out_hdr->len - c->out_hdr_off;
		int64_t n = c->out_left ? tcp_send_more(c->ts, left, c->out_hdr, c->out_hdr_off)
					: tcp_send(c->ts, left, c->out_hdr, c->out_hdr_off);
		if (n <= 0)
			return;
		c->out_hdr_off += (uint32_t)n;
		if (c->out_hdr_off == c->out_hdr->len) {
			pbuf_unref(c->out_hdr);
			c->out_hdr = NULL;
		}
	}
	while (c->ts && c->out_left) {
		int64_t n = tcp_send(c->ts, c->out_left, NULL, 0);
		if (n <= 0)
			return;
		c->out_left -= (uint64_t)n;
	}
}

static void rr_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	rr_flush(ctx);
}

static void rr_send_request(struct rr_conn *c)
{
	struct reqresp *rr = c->rr;
	uint32_t req = rr_size(rr, rr->cfg.req_size);
	if (req < 8)
		req = 8;
	c->resp_len = rr_size(rr, rr->cfg.resp_size);
	c->resp_got = 0;
	uint8_t h[8];
	put_be32(h, req);
	put_be32(h + 4, c->resp_len);
	assert(!c->out_hdr && !c->out_left); /* one request at a time per connection */
	c->out_hdr = pbuf_new(h, 8);
	c->out_hdr_off = 0;
	c->out_left = req - 8;
	rr_flush(c);
}

/* The server's answer: resp_len bulk bytes after whatever is still waiting. */
static void rr_send_response(struct rr_conn *c)
{
	c->out_left += c->resp_len;
	rr_flush(c);
}

static void rr_issue(struct reqresp *rr);

static void rr_think_over(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	rr_issue(obj);
}

/* Closed loop: this client's request ended (answered or failed); it thinks,
 * then sends the next.  Each client has its own wake-up: one shared timer
 * would be re-armed by the next client to finish and lose this one. */
static void rr_next(struct reqresp *rr)
{
	if (rr->cfg.rate > 0 || !rr->base.running)
		return;
	struct sim *s = rr->base.sim;
	if (rr->cfg.think > 0)
		sim_at(s, s->now + rr->cfg.think, rr_think_over, rr, 0);
	else
		rr_issue(rr);
}

/* A connect that failed: counted by kind for the connect_*_per_s series. */
static void rr_connect_failed(struct reqresp *rr, int err)
{
	for (int k = 0; k < RR_NFAIL; k++)
		if (rr_fail_errno[k] == err)
			rr->connect_fail[k]++;
}

static void rr_done(struct rr_conn *c)
{
	struct reqresp *rr = c->rr;
	simtime_t lat = rr->base.sim->now - c->req_start;
	rr->completed++;
	rr->lat_sum += (double)lat;
	if (rr->completed == 1 || lat < rr->lat_min)
		rr->lat_min = lat;
	if (lat > rr->lat_max)
		rr->lat_max = lat;
	if (rec_on(rr->base.sim, rr->m_latency))
		rec_value(rr->base.sim, rr->m_latency, rr->base.name, (double)lat);
	c->busy = false;
	if (!rr->cfg.reuse)
		rr_conn_drop(c); /* we close first: TIME_WAIT is ours */
	rr_next(rr);
}

static void rr_client_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct rr_conn *c = ctx;
	c->up = true;
	if (c->busy)
		rr_send_request(c);
}

static void rr_client_readable(struct tcp_sock *ts, void *ctx)
{
	struct rr_conn *c = ctx;
	uint64_t n = tcp_recv(ts, UINT64_MAX, NULL);
	c->rr->resp_bytes += n;
	if (!c->busy)
		return;
	c->resp_got += n;
	if (c->resp_got >= c->resp_len)
		rr_done(c);
}

static void rr_client_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct rr_conn *c = ctx;
	struct reqresp *rr = c->rr;
	rr->errors[err & 127]++;
	if (rr->errors[err & 127] == 1)
		rec_log(rr->base.sim, rr->base.name, "tcp_error", "%s%s", c->up ? "" : "connect: ",
			tcp_strerror(err));
	if (!c->up)
		rr_connect_failed(rr, err);
	c->up = false; /* the connection is over (closed() follows): not for reuse */
	if (c->busy) {
		rr->failed++;
		c->busy = false;
		rr_next(rr);
	}
}

static void rr_client_closed(struct tcp_sock *ts, void *ctx)
{
	struct rr_conn *c = ctx;
	if (c->ts == ts)
		rr_conn_drop(c);
}

static void rr_client_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	rr_conn_drop(ctx);
}

static const struct tcp_cb client_cbs = {
	.connected = rr_client_connected, .readable = rr_client_readable,
	.writable = rr_writable, .error = rr_client_error, .closed = rr_client_closed,
	.peer_closed = rr_client_peer_closed,
};

/* Frees the records of connections that are gone, once they are at least
 * half of all records (so the sweep costs O(1) per connection). */
static void rr_reap(struct reqresp *rr)
{
	if (rr->ndead * 2 < rr->nconns + rr->nservers)
		return;
	struct rr_conn **lists[2] = { &rr->conns, &rr->servers };
	uint64_t *counts[2] = { &rr->nconns, &rr->nservers };
	for (int k = 0; k < 2; k++)
		for (struct rr_conn **pp = lists[k]; *pp;) {
			if ((*pp)->dead) {
				struct rr_conn *c = *pp;
				*pp = c->next;
				free(c);
				(*counts[k])--;
				rr->ndead--;
			} else {
				pp = &(*pp)->next;
			}
		}
}

/* One request: on an idle pooled connection, or a new one. */
static void rr_issue(struct reqresp *rr)
{
	if (!rr->base.running || (rr->cfg.count && rr->issued >= rr->cfg.count))
		return;
	rr->issued++;
	struct sim *s = rr->base.sim;
	if (rr->cfg.reuse)
		for (struct rr_conn *c = rr->conns; c; c = c->next)
			if (!c->dead && c->up && !c->busy && c->ts) {
				c->busy = true;
				c->req_start = s->now;
				rr_send_request(c);
				return;
			}
	rr_reap(rr);
	struct rr_conn *c = xcalloc(1, sizeof(*c));
	rr->nconns++;
	c->rr = rr;
	c->busy = true;
	c->req_start = s->now;
	c->ts = tcp_socket(rr->base.node, &rr->cfg.tcp, &client_cbs, c);
	char name[64];
	snprintf(name, sizeof(name), "%s.c%llu", rr->base.name, (unsigned long long)rr->connects);
	tcp_set_name(c->ts, name);
	c->next = rr->conns;
	rr->conns = c;
	rr->connects++;
	int rc = tcp_connect(c->ts, rr->cfg.to_addr, rr->cfg.port);
	if (rc < 0) {
		rr->failed++;
		rr->errors[-rc & 127]++;
		rr_connect_failed(rr, -rc);
		if (rr->errors[-rc & 127] == 1)
			rec_log(s, rr->base.name, "tcp_error", "connect: %s", tcp_strerror(rc));
		rr_conn_drop(c);
		/* closed loop: after think, try again; with no think the client
		 * gives up (the next try, at the same instant, would fail too) */
		if (rr->cfg.rate <= 0 && rr->cfg.think > 0)
			rr_next(rr);
	}
}

static void rr_arrival(struct sim *s, void *obj)
{
	struct reqresp *rr = obj;
	if (!rr->base.running)
		return;
	rr_issue(rr);
	if (rr->cfg.rate > 0) {
		double gap = rng_exponential(rr->rng, 1e9 / rr->cfg.rate);
		timer_arm(s, &rr->t_arrive, s->now + (simtime_t)gap);
	}
}

/* the server */

static void rr_server_readable(struct tcp_sock *ts, void *ctx)
{
	struct rr_conn *c = ctx;
	for (;;) {
		if (c->req_left) {
			uint64_t n = tcp_recv(ts, c->req_left, NULL);
			c->req_left -= n;
			if (c->req_left)
				return;
			/* the whole request is in: answer */
			rr_send_response(c);
			continue;
		}
		if (c->hdr_got < 8) {
			c->hdr_got += (uint32_t)tcp_recv(ts, 8 - c->hdr_got, c->hdr + c->hdr_got);
			if (c->hdr_got < 8)
				return;
			uint32_t req = get_be32(c->hdr);
			c->resp_len = get_be32(c->hdr + 4);
			c->req_left = req > 8 ? req - 8 : 0;
			c->hdr_got = 0;
			if (!c->req_left) {
				rr_send_response(c);
				continue;
			}
		}
		if (!tcp_readable(ts))
			return;
	}
}

static void rr_server_gone(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	rr_conn_drop(ctx);
}

static const struct tcp_cb server_cbs = {
	.readable = rr_server_readable, .writable = rr_writable, .peer_closed = rr_server_gone,
	.closed = rr_server_gone,
};

static void rr_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct reqresp *rr = ctx;
	rr_reap(rr);
	struct rr_conn *c = xcalloc(1, sizeof(*c));
	rr->nservers++;
	c->rr = rr;
	c->server = true;
	c->ts = child;
	c->up = true;
	c->next = rr->servers;
	rr->servers = c;
	tcp_set_callbacks(child, &server_cbs, c);
	rr_server_readable(child, c);
}

static const struct tcp_cb rr_listen_cbs = { .accept = rr_accept };

static void rr_start(struct app *a)
{
	struct reqresp *rr = (struct reqresp *)a;
	rr->sample_t = a->sim->now;
	for (int k = 0; k < RR_NFAIL; k++)
		rr->fail_sample_t[k] = a->sim->now;
	if (rr->cfg.rate > 0) {
		timer_arm(a->sim, &rr->t_arrive, a->sim->now);
	} else {
		for (uint32_t i = 0; i < rr->cfg.parallel; i++)
			rr_issue(rr);
	}
}

static void rr_stop(struct app *a)
{
	timer_cancel(&((struct reqresp *)a)->t_arrive);
}

static double rr_sample(void *obj, simtime_t now)
{
	struct reqresp *rr = obj;
	simtime_t dt = now - rr->sample_t;
	double v = dt > 0 ? (double)(rr->completed - rr->sample_completed) * 1e9 / (double)dt : NAN;
	rr->sample_t = now;
	rr->sample_completed = rr->completed;
	return v;
}

/* Failed connects per second of one kind, over the last interval. */
static double rr_fail_sample(struct reqresp *rr, int k, simtime_t now)
{
	simtime_t dt = now - rr->fail_sample_t[k];
	double v = dt > 0 ? (double)(rr->connect_fail[k] - rr->fail_sampled[k]) * 1e9 / (double)dt : NAN;
	rr->fail_sample_t[k] = now;
	rr->fail_sampled[k] = rr->connect_fail[k];
	return v;
}
static double rr_refused_sample(void *o, simtime_t now) { return rr_fail_sample(o, RR_FAIL_REFUSED, now); }
static double rr_timedout_sample(void *o, simtime_t now) { return rr_fail_sample(o, RR_FAIL_TIMEDOUT, now); }
static double rr_noport_sample(void *o, simtime_t now) { return rr_fail_sample(o, RR_FAIL_NOPORT, now); }

static void rr_report(struct app *a)
{
	struct reqresp *rr = (struct reqresp *)a;
	if (!a->sim->db || a->started_at == SIM_NEVER)
		return;
	char src[16], dst[16];
	simtime_t end = app_end(a);
	double secs = sim_to_sec(end - a->started_at);
	struct db_flow f = {
		.flow_id = a->id, .proto = "tcp", .app = "reqresp", .name = a->name,
		.src = ipv4_fmt(src, node_addr(a->node)), .dst = ipv4_fmt(dst, rr->cfg.to_addr),
		.cc = rr->cfg.tcp.cc ? rr->cfg.tcp.cc->name : NULL,
		.start_ns = a->started_at, .end_ns = end, .bytes = (int64_t)rr->resp_bytes,
		.goodput_bps = secs > 0 ? (double)rr->resp_bytes * 8 / secs : 0, .retrans = -1,
		.rtt_min_ns = rr->completed ? rr->lat_min : -1,
		.rtt_mean_ns = rr->completed ? (int64_t)(rr->lat_sum / (double)rr->completed) : -1,
		.pkts_sent = (int64_t)rr->issued, .pkts_recv = (int64_t)rr->completed,
	};
	db_flow(a->sim->db, a->sim->run_id, &f);
}

static void rr_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct reqresp *rr = (struct reqresp *)a;
	put(ctx, "issued", (double)rr->issued);
	put(ctx, "completed", (double)rr->completed);
	put(ctx, "failed", (double)rr->failed);
	put(ctx, "connections", (double)rr->connects);
	put(ctx, "resp_bytes", (double)rr->resp_bytes);
	put(ctx, "addr_not_avail", rr->errors[TCP_EADDRNOTAVAIL]);
	put(ctx, "refused", rr->errors[TCP_ECONNREFUSED]);
	put(ctx, "timed_out", rr->errors[TCP_ETIMEDOUT]);
	put(ctx, "reset", rr->errors[TCP_ECONNRESET]);
	put(ctx, "connect_refused", (double)rr->connect_fail[RR_FAIL_REFUSED]);
	put(ctx, "connect_timed_out", (double)rr->connect_fail[RR_FAIL_TIMEDOUT]);
	put(ctx, "connect_addr_not_avail", (double)rr->connect_fail[RR_FAIL_NOPORT]);
	if (rr->completed) {
		put(ctx, "latency_min_ns", (double)rr->lat_min);
		put(ctx, "latency_max_ns", (double)rr->lat_max);
		put(ctx, "latency_mean_ns", rr->lat_sum / (double)rr->completed);
	}
}

static void rr_destroy(struct app *a)
{
	struct reqresp *rr = (struct reqresp *)a;
	timer_destroy(a->sim, &rr->t_arrive);
	struct rr_conn *lists[2] = { rr->conns, rr->servers };
	for (int k = 0; k < 2; k++)
		for (struct rr_conn *c = lists[k], *n; c; c = n) {
			n = c->next;
			if (c->out_hdr)
				pbuf_unref(c->out_hdr);
			free(c);
		}
}

static const struct app_ops reqresp_ops = {
	.kind = "reqresp", .start = rr_start, .stop = rr_stop, .report = rr_report,
	.destroy = rr_destroy, .stats = rr_stats,
};

struct reqresp *reqresp_new(const struct reqresp_cfg *cfg, struct errbuf *err)
{
	if (cfg->rate <= 0 && cfg->parallel == 0) {
		err_set(err, "give a rate (open loop) or parallel clients (closed loop)");
		return NULL;
	}
	if (cfg->no_server && !cfg->port) {
		err_set(err, "port: without a server of its own, give the port the client connects to");
		return NULL;
	}
	struct reqresp *rr = xcalloc(1, sizeof(*rr));
	struct sim *s = cfg->from->net->sim;
	rr->cfg = *cfg;
	rr->cfg.name = NULL;
	timer_init(s, &rr->t_arrive, rr_arrival, rr);
	app_add(&rr->base, &reqresp_ops, cfg->from, cfg->name, cfg->start, cfg->stop);
	if (!rr->cfg.port)
		rr->cfg.port = (uint16_t)(5000 + rr->base.id % 20000);
	char stream[96];
	snprintf(stream, sizeof(stream), "app:%s:reqresp", rr->base.name);
	rr->rng = rng_stream(s, stream);
	rr->m_latency = rec_metric_def(s, "latency_ns", "reqresp", "ns", REC_CAN_EVENT,
				       "time from a request's start to its last response byte");
	rec_probe_add(s, rec_metric_def(s, "requests_per_s", "reqresp", "1/s", REC_CAN_SAMPLE,
					"requests completed per second"), rr->base.name, rr_sample, rr);
	rec_probe_add(s, rec_metric_def(s, "connect_refused_per_s", "reqresp", "1/s", REC_CAN_SAMPLE,
					"connects refused per second (ECONNREFUSED: a reset answered the SYN)"),
		      rr->base.name, rr_refused_sample, rr);
	rec_probe_add(s, rec_metric_def(s, "connect_timed_out_per_s", "reqresp", "1/s", REC_CAN_SAMPLE,
					"connects timed out per second (ETIMEDOUT: SYN retries exhausted)"),
		      rr->base.name, rr_timedout_sample, rr);
	rec_probe_add(s, rec_metric_def(s, "connect_addr_not_avail_per_s", "reqresp", "1/s", REC_CAN_SAMPLE,
					"connects failed per second for want of a local port (EADDRNOTAVAIL)"),
		      rr->base.name, rr_noport_sample, rr);
	if (rr->cfg.no_server)
		return rr;
	rr->lst = tcp_socket(cfg->to, &rr->cfg.tcp, &rr_listen_cbs, rr);
	int rc = tcp_bind(rr->lst, rr->cfg.port);
	if (rc < 0) {
		err_set(err, "port %u on %s: %s", rr->cfg.port, cfg->to->name, tcp_strerror(rc));
		tcp_close(rr->lst);
		rr->lst = NULL;
		app_stop(&rr->base);
		return NULL;
	}
	tcp_listen(rr->lst, rr->cfg.tcp.backlog);
	return rr;
}
