/* The HTTP client: connection pools per origin (scheme, host, port), the
 * protocol choice, and the HTTP/1.x side of each connection (HTTP/1.0 a
 * connection per request, RFC 1945; HTTP/1.1 persistent connections with
 * one request at a time or pipelined, RFC 9112 §9.3).  HTTP/2 connections
 * are in http_client_h2.c.
 *
 * Requests wait in their origin's queue until a connection can take them:
 * an idle HTTP/1.1 connection, a pipelined one with room, the origin's
 * HTTP/2 connection; else a new connection is opened while the origin has
 * fewer than max_conns_per_origin (6, as Chrome and Firefox).  A request
 * sent on a reused connection that closes before any response byte is
 * sent again once (as Chromium's HttpNetworkTransaction does).  Every
 * request ends in cli_req_finish (http_result.c): the HAR phases, one
 * http_requests row, the done callback. */
#include "http_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_stub.h"
#include "sim/db.h"
#include "sim/packet.h"
#include "sim/record.h"
#include "sim/util.h"

struct sim *cli_sim(const struct http_client *c) { return c->node->net->sim; }

static int64_t span(simtime_t a, simtime_t b) { return a >= 0 && b >= a ? b - a : 0; }

/* ---- connections ---- */

static void conn_free(struct sim *s, struct cli_conn *c)
{
	timer_destroy(s, &c->t_idle);
	cli_h2_free(c);
	if (c->p)
		h1_free(c->p);
	free(c->p);
	http_in_put(s, &c->in);
	http_pool_put(&http_sim_of(s)->cconn, c);
}

static void conn_free_ev(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct cli_conn *c = obj;
	struct http_client *cl = c->cl;
	if (c->prev)
		c->prev->next = c->next;
	else
		cl->dead = c->next;
	if (c->next)
		c->next->prev = c->prev;
	conn_free(s, c);
}

/* Requests the connection still carried: those with no response byte yet
 * go back to the origin's queue once (a reused connection the server had
 * just closed), the others fail with why. */
static void conn_drain(struct cli_conn *c, const char *why)
{
	struct cli_origin *o = c->o;
	struct cli_req *back = NULL, **tail = &back;
	for (struct cli_req *r = c->fl_head, *n; r; r = n) {
		n = r->next;
		r->next = r->fprev = NULL;
		r->on_fl = false;
		if (!r->got_bytes && r->retries < 1 && !c->cl->freeing && r->reused) {
			r->retries++;
			r->conn = NULL;
			r->t_send_start = r->t_send_end = -1;
			r->req_bytes = 0;
			*tail = r;
			tail = &r->next;
		} else {
			cli_req_finish(r, why);
		}
	}
	c->fl_head = c->fl_tail = NULL;
	c->nfl = 0;
	if (back) {
		*tail = o->pend_head;
		o->pend_head = back;
		o->pend_tail = NULL;
		o->npend = 0;
		for (struct cli_req *r = o->pend_head; r; r = r->next) {
			o->npend++;
			o->pend_tail = r;
		}
	}
}

void cli_conn_kill(struct cli_conn *c, const char *why)
{
	if (c->dead)
		return;
	c->dead = true;
	struct cli_origin *o = c->o;
	struct http_client *cl = c->cl;
	xp_close(&c->x);
	timer_cancel(&c->t_idle);
	if (!c->up)
		o->nconnecting--;
	if (c->prev)
		c->prev->next = c->next;
	else
		o->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	o->nconns--;
	cl->open_conns--;
	c->prev = NULL;
	c->next = cl->dead;
	if (cl->dead)
		cl->dead->prev = c;
	cl->dead = c;
	sim_after(cli_sim(cl), 0, conn_free_ev, c, 0);
	conn_drain(c, why);
	if (!cl->freeing)
		cli_dispatch(o);
}

static void idle_fire(struct sim *s, void *obj)
{
	(void)s;
	struct cli_conn *c = obj;
	if (!c->dead && !c->nfl)
		cli_conn_kill(c, "closed");
}

void cli_idle_arm(struct cli_conn *c)
{
	if (!c->dead && c->cl->cfg.idle_timeout > 0)
		timer_arm(cli_sim(c->cl), &c->t_idle, cli_sim(c->cl)->now + c->cl->cfg.idle_timeout);
}

/* HAR connect and ssl for a request sent on a connection that just came
 * up: the part of the connection's set-up it waited through. */
static void take_connect_phases(struct cli_conn *c, struct cli_req *r)
{
	simtime_t now = cli_sim(c->cl)->now;
	if (c->x.t_up != now || r->connect_ns >= 0)
		return;
	simtime_t from = r->t_ready > c->x.t_start ? r->t_ready : c->x.t_start;
	r->connect_ns = span(from, c->x.t_up);
	if (c->x.tls) {
		simtime_t sfrom = r->t_ready > c->x.t_tcp_up ? r->t_ready : c->x.t_tcp_up;
		r->ssl_ns = span(sfrom, c->x.t_up);
	}
}

/* Writes an HTTP/1.x request on c. */
static void h1_send(struct cli_conn *c, struct cli_req *r)
{
	struct sim *s = cli_sim(c->cl);
	r->conn = c;
	r->reused = c->used;
	c->used = true;
	take_connect_phases(c, r);
	r->t_send_start = s->now;
	char head[1600];
	bool v10 = c->proto == HTTP_PROTO_1_0;
	int n = h1_write_request(head, sizeof(head), "GET", r->path, r->o->authority, v10 ? 0 : 1, false,
				 !v10 && !c->cl->cfg.keepalive);
	if (n < 0) {
		cli_req_finish(r, "request too long");
		return;
	}
	xp_write(&c->x, head, (uint32_t)n); /* pushed at the end of cli_dispatch */
	r->req_bytes = n;
	r->t_send_end = s->now;
	r->next = NULL;
	if (c->fl_tail)
		c->fl_tail->next = r;
	else
		c->fl_head = r;
	c->fl_tail = r;
	c->nfl++;
	timer_cancel(&c->t_idle);
}

static struct cli_req *pend_pop(struct cli_origin *o)
{
	struct cli_req *r = o->pend_head;
	if (!r)
		return NULL;
	o->pend_head = r->next;
	if (!o->pend_head)
		o->pend_tail = NULL;
	o->npend--;
	r->next = NULL;
	return r;
}

static const struct http_xport_cb cli_xcb;

static void conn_open(struct cli_origin *o)
{
	struct http_client *cl = o->cl;
	struct cli_conn *c = http_rec_get(&http_sim_of(cli_sim(cl))->cconn, sizeof(struct cli_conn));
	c->o = o;
	c->cl = cl;
	c->id = http_sim_of(cli_sim(cl))->next_conn_id++;
	enum http_proto p = cl->cfg.proto;
	c->proto = p == HTTP_PROTO_AUTO ? HTTP_PROTO_1_1 : p;
	timer_init(cli_sim(cl), &c->t_idle, idle_fire, c);
	c->next = o->conns;
	if (o->conns)
		o->conns->prev = c;
	o->conns = c;
	o->nconns++;
	o->nconnecting++;
	cl->open_conns++;
	cl->conns_opened++;
	static const char *const alpn_h2[] = { "h2", "http/1.1", NULL };
	static const char *const alpn_h1[] = { "http/1.1", NULL };
	const char *const *alpn = p == HTTP_PROTO_H2 || p == HTTP_PROTO_AUTO ? alpn_h2 : alpn_h1;
	/* 0-RTT needs the protocol before the handshake: only when it is fixed */
	const char *early = p == HTTP_PROTO_H2 ? "h2" : p == HTTP_PROTO_AUTO ? NULL : "http/1.1";
	int rc = xp_connect(&c->x, cl->node, &cl->tcp, o->addr, o->port, o->https ? cl->cfg.tls : NULL,
			    o->host, alpn, early, &cli_xcb, c);
	if (rc < 0) {
		snprintf(c->x.errmsg, sizeof(c->x.errmsg), "connect: %s", tcp_strerror(rc));
		/* the request that wanted this connection fails with it */
		struct cli_req *r = pend_pop(o);
		c->dead = true; /* xp_connect closed the socket */
		o->nconnecting--;
		if (c->prev)
			c->prev->next = c->next;
		else
			o->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		o->nconns--;
		cl->open_conns--;
		conn_free(cli_sim(cl), c);
		if (r) {
			snprintf(r->errbuf, sizeof(r->errbuf), "connect: %s", tcp_strerror(rc));
			cli_req_finish(r, r->errbuf);
		}
	}
}

/* One connection for the origin: h2, or "auto" over TLS until the first
 * connection's ALPN has told whether the server speaks h2 (as Chrome waits
 * for its first connection to an origin that may be HTTP/2). */
static bool origin_wants_one(const struct cli_origin *o)
{
	if (o->proto_known)
		return o->is_h2;
	enum http_proto p = o->cl->cfg.proto;
	return p == HTTP_PROTO_H2 || (p == HTTP_PROTO_AUTO && o->https);
}

/* Hands queued requests to connections that can take them, opening new
 * ones within the origin's limit. */
void cli_dispatch(struct cli_origin *o)
{
	struct http_client *cl = o->cl;
	if (o->dns != DNS_DONE || cl->freeing)
		return;
	while (o->pend_head) {
		struct cli_conn *best = NULL;
		for (struct cli_conn *c = o->conns; c; c = c->next) {
			if (c->dead || !c->up || c->closing)
				continue;
			if (c->h2) {
				if (cli_h2_can_take(c)) {
					best = c;
					break;
				}
				continue;
			}
			if (c->proto == HTTP_PROTO_1_0 && c->used)
				continue;
			int room = c->proto == HTTP_PROTO_1_1_PIPELINED ? cl->cfg.max_pipeline_depth : 1;
			if (c->nfl < room && (!best || c->nfl < best->nfl))
				best = c;
		}
		if (best) {
			struct cli_req *r = pend_pop(o);
			if (best->h2)
				cli_h2_submit(best, r);
			else
				h1_send(best, r);
			continue;
		}
		/* nothing can take it now: open connections, one per waiting
		 * request (one in all for h2), within the limit */
		bool one = origin_wants_one(o);
		if (!(one && o->nconns > 0) && o->nconnecting < o->npend &&
		    o->nconns < cl->cfg.max_conns_per_origin) {
			int before = o->npend;
			conn_open(o);
			if (o->npend < before)
				continue; /* the connect failed at once and took a request with it */
			if (one)
				break;
			continue;
		}
		break;
	}
	/* requests written at the same instant leave together, in one push
	 * (as a browser's writes coalesce in the socket buffer) */
	for (struct cli_conn *c = o->conns; c; c = c->next) {
		if (c->dead)
			continue;
		if (c->h2)
			cli_h2_flush(c);
		else if (c->x.staged)
			xp_push(&c->x);
	}
}

/* ---- HTTP/1.x responses ---- */

static void h1_response_done(struct cli_conn *c)
{
	struct cli_req *r = c->fl_head;
	c->fl_head = r->next;
	if (!c->fl_head)
		c->fl_tail = NULL;
	c->nfl--;
	r->next = NULL;
	bool close = c->proto == HTTP_PROTO_1_0 || c->p->conn_close ||
		     (c->p->version_minor == 0 && !c->p->conn_keepalive) || !c->cl->cfg.keepalive;
	h1_reset(c->p);
	cli_req_finish(r, NULL);
	if (c->dead)
		return;
	if (close) {
		c->closing = true;
		if (!c->nfl) {
			cli_conn_kill(c, "closed");
			return;
		}
	}
	if (!c->nfl)
		cli_idle_arm(c);
	cli_dispatch(c->o);
}

static void h1_input(struct cli_conn *c)
{
	struct sim *s = cli_sim(c->cl);
	while (!c->dead) {
		struct cli_req *r = c->fl_head;
		if (c->in_off == c->in_len) {
			uint64_t body = h1_body_left(c->p);
			if (body && r) {
				uint64_t n = xp_recv(&c->x, body, NULL);
				if (!n)
					break;
				r->resp_bytes += (int64_t)n;
				r->body_bytes += (int64_t)n;
				if (h1_body_skip(c->p, n) == H1_DONE)
					h1_response_done(c);
				continue;
			}
			c->in_off = 0;
			c->in_len = (uint32_t)xp_recv(&c->x, HTTP_IN_BUF, http_in_get(s, &c->in));
			if (!c->in_len) {
				http_in_put(s, &c->in);
				break;
			}
		}
		if (!r) {
			cli_conn_kill(c, "protocol: response with no request"); /* RFC 9112 §9.3 */
			return;
		}
		if (!r->got_bytes) {
			r->got_bytes = true;
			r->t_first = s->now;
		}
		size_t used;
		uint64_t body_before = c->p->body_bytes;
		enum h1_status st = h1_feed(c->p, c->in + c->in_off, c->in_len - c->in_off, &used);
		c->in_off += (uint32_t)used;
		r->resp_bytes += (int64_t)used;
		r->body_bytes += (int64_t)(c->p->body_bytes - body_before);
		if (st == H1_ERROR) {
			snprintf(r->errbuf, sizeof(r->errbuf), "protocol: %s", c->p->error);
			r->error = r->errbuf;
			/* fail the head request, then the connection */
			c->fl_head = r->next;
			if (!c->fl_head)
				c->fl_tail = NULL;
			c->nfl--;
			cli_req_finish(r, r->errbuf);
			cli_conn_kill(c, "protocol: connection closed after a bad response");
			return;
		}
		if (st == H1_HEADERS) {
			r->status = c->p->status;
			snprintf(r->mime, sizeof(r->mime), "%s", c->p->content_type);
			if (c->p->state == H1S_DONE)
				h1_response_done(c);
		} else if (st == H1_DONE) {
			h1_response_done(c);
		}
	}
}

/* ---- transport callbacks ---- */

static void cc_up(struct http_xport *x, void *ctx)
{
	struct cli_conn *c = ctx;
	if (c->dead)
		return;
	c->up = true;
	c->o->nconnecting--;
	bool h2 = c->cl->cfg.proto == HTTP_PROTO_H2 || (x->tls && strcmp(x->alpn, "h2") == 0);
	if (x->tls && c->cl->cfg.proto == HTTP_PROTO_H2 && strcmp(x->alpn, "h2") != 0)
		h2 = false; /* the server did not pick h2: HTTP/1.1 (as browsers) */
	if (h2) {
		c->h2 = true;
		c->proto = HTTP_PROTO_H2;
		if (cli_h2_start(c) < 0) {
			cli_conn_kill(c, "h2: cannot start a session");
			return;
		}
	} else {
		if (c->proto == HTTP_PROTO_H2 || c->proto == HTTP_PROTO_AUTO)
			c->proto = HTTP_PROTO_1_1;
		c->p = xmalloc(sizeof(*c->p));
		h1_init(c->p, H1_RESPONSE);
	}
	c->o->proto_known = true;
	c->o->is_h2 = h2;
	cli_dispatch(c->o);
	if (!c->dead && !c->nfl)
		cli_idle_arm(c);
}

static void cc_readable(struct http_xport *x, void *ctx)
{
	(void)x;
	struct cli_conn *c = ctx;
	if (c->dead || !c->up)
		return;
	if (c->h2)
		cli_h2_input(c);
	else
		h1_input(c);
}

static void cc_writable(struct http_xport *x, void *ctx)
{
	(void)x;
	struct cli_conn *c = ctx;
	if (!c->dead && c->h2)
		cli_h2_flush(c);
}

static void cc_peer_closed(struct http_xport *x, void *ctx)
{
	(void)x;
	struct cli_conn *c = ctx;
	if (c->dead)
		return;
	if (!c->h2 && c->p && c->fl_head) {
		h1_input(c);
		if (c->dead)
			return;
		if (c->fl_head && h1_eof(c->p) == H1_DONE) {
			h1_response_done(c); /* a response delimited by the close */
			if (c->dead)
				return;
		}
		if (c->fl_head && c->fl_head->got_bytes) {
			struct cli_req *r = c->fl_head;
			c->fl_head = r->next;
			if (!c->fl_head)
				c->fl_tail = NULL;
			c->nfl--;
			cli_req_finish(r, "protocol: connection closed in the middle of a response");
		}
	}
	cli_conn_kill(c, "closed");
}

static void cc_error(struct http_xport *x, const char *msg, void *ctx)
{
	struct cli_conn *c = ctx;
	if (c->dead)
		return;
	if (!c->up && !c->fl_head) {
		/* the connect failed: the first waiting request fails with it;
		 * all of them when they all wait for this one connection (h2) */
		bool all = origin_wants_one(c->o) && c->o->nconns == 1;
		struct cli_req *r;
		while (!c->dead && (r = pend_pop(c->o))) {
			snprintf(r->errbuf, sizeof(r->errbuf), "%s", msg);
			r->error = r->errbuf;
			cli_req_finish(r, r->errbuf);
			if (!all)
				break;
		}
		if (c->dead)
			return;
	}
	(void)x;
	cli_conn_kill(c, msg);
}

static const struct http_xport_cb cli_xcb = {
	.up = cc_up, .readable = cc_readable, .writable = cc_writable, .peer_closed = cc_peer_closed,
	.error = cc_error,
};

/* ---- the API ---- */

struct http_client *http_client_new(struct node *nd, const struct http_client_config *cfg)
{
	struct http_client *cl = xcalloc(1, sizeof(*cl));
	cl->node = nd;
	if (cfg)
		cl->cfg = *cfg;
	else
		http_client_config_default(&cl->cfg);
	if (cl->cfg.tls)
		cl->tls_cfg = *cl->cfg.tls;
	else
		tls_config_default(&cl->tls_cfg);
	cl->cfg.tls = &cl->tls_cfg;
	snprintf(cl->name, sizeof(cl->name), "%s", cl->cfg.name ? cl->cfg.name : nd->name);
	cl->cfg.name = cl->name;
	if (cl->cfg.max_conns_per_origin < 1)
		cl->cfg.max_conns_per_origin = 1;
	if (cl->cfg.max_pipeline_depth < 1)
		cl->cfg.max_pipeline_depth = 1;
	tcp_config_default(&cl->tcp);
	cl->tcp.nagle = false; /* Chrome sets TCP_NODELAY on every socket (tcp_socket_posix.cc) */
	struct http_sim *hs = http_sim_of(cli_sim(cl));
	cl->sim_next = hs->clients;
	hs->clients = cl;
	return cl;
}

void http_client_set_tcp(struct http_client *cl, const struct tcp_config *tcp)
{
	cl->tcp = *tcp;
}

static struct cli_origin *origin_get(struct http_client *cl, const struct http_url *u)
{
	for (struct cli_origin *o = cl->origins; o; o = o->next)
		if (o->https == u->https && o->port == u->port && strcmp(o->host, u->host) == 0)
			return o;
	struct cli_origin *o = xcalloc(1, sizeof(*o));
	o->cl = cl;
	o->https = u->https;
	o->port = u->port;
	snprintf(o->host, sizeof(o->host), "%s", u->host);
	snprintf(o->authority, sizeof(o->authority), "%s", u->authority);
	o->next = cl->origins;
	cl->origins = o;
	return o;
}

/* Names: resolved once per origin through the stub resolver; requests
 * that arrive meanwhile wait for the same answer. */
static void origin_resolved(struct cli_origin *o)
{
	struct sim *s = cli_sim(o->cl);
	for (struct cli_req *r = o->pend_head; r; r = r->next) {
		if (r->t_ready < 0) {
			simtime_t from = r->t_start > o->dns_start ? r->t_start : o->dns_start;
			r->dns_ns = span(from, o->dns_end);
			r->t_ready = s->now;
		}
	}
	if (o->dns == DNS_FAILED) {
		struct cli_req *r;
		while ((r = pend_pop(o))) {
			snprintf(r->errbuf, sizeof(r->errbuf), "dns: %s", o->dns_err);
			cli_req_finish(r, r->errbuf);
		}
		o->dns = DNS_NONE; /* the next request asks again */
		return;
	}
	cli_dispatch(o);
}

static void origin_dns_done(void *ctx, const struct dns_answer *ans)
{
	struct cli_origin *o = ctx;
	struct sim *s = cli_sim(o->cl);
	o->dns_end = s->now;
	if (ans->rcode == 0 && ans->n4 > 0) {
		o->addr = ans->addr4[0];
		o->dns = DNS_DONE;
		/* Chrome's host cache keeps an answer at most a minute
		 * (HostResolverManager, kCacheEntryTTLSeconds = 60) */
		simtime_t ttl = SIM_S(ans->ttl < 60 ? ans->ttl : 60);
		o->dns_expires = s->now + ttl;
	} else {
		char buf[16];
		o->dns = DNS_FAILED;
		snprintf(o->dns_err, sizeof(o->dns_err), "%s", ans->rcode == 0 ? "no address (NODATA)"
						      : dns_answer_status(ans->rcode, buf));
	}
	origin_resolved(o);
}

static void origin_resolve(struct cli_origin *o)
{
	struct sim *s = cli_sim(o->cl);
	uint32_t a;
	if (ipv4_parse(o->host, &a, NULL) == 0) {
		o->addr = a; /* a literal: no lookup (HAR dns -1) */
		o->dns = DNS_DONE;
		o->dns_expires = SIM_NEVER;
		return;
	}
	o->dns_start = s->now;
	o->dns = DNS_RESOLVING;
	int rc = dns_lookup(o->cl->node, o->host, 1, origin_dns_done, o);
	if (rc < 0) {
		o->dns = DNS_FAILED;
		o->dns_end = s->now;
		snprintf(o->dns_err, sizeof(o->dns_err), "%s",
			 rc == -6 ? "the node has no resolver (dns.stub)" : "malformed name");
	}
}

/* Requests started at one instant (a page's objects, asked for in one
 * loop) are dispatched together, after the last of them, so they leave
 * in one push as a browser's writes of one task do. */
static void dispatch_ev(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct cli_origin *o = obj;
	o->dispatch_armed = false;
	cli_dispatch(o);
}

static void req_start_ev(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct cli_req *r = obj;
	struct cli_origin *o = r->o;
	r->next = NULL;
	if (o->pend_tail)
		o->pend_tail->next = r;
	else
		o->pend_head = r;
	o->pend_tail = r;
	o->npend++;
	if (o->dns == DNS_DONE && s->now >= o->dns_expires && !o->nconns)
		o->dns = DNS_NONE; /* the cached answer has expired: ask again */
	if (o->dns == DNS_NONE) {
		origin_resolve(o);
		if (o->dns != DNS_RESOLVING) {
			if (o->dns == DNS_DONE)
				r->t_ready = r->t_start;
			origin_resolved(o);
		}
		return;
	}
	if (o->dns == DNS_RESOLVING)
		return;
	r->t_ready = r->t_start;
	if (!o->dispatch_armed) {
		o->dispatch_armed = true;
		sim_at(s, s->now, dispatch_ev, o, 0);
	}
}

int64_t http_client_get(struct http_client *cl, const char *url, int64_t page_id, http_done_fn done, void *ctx,
			char *err)
{
	struct http_url u;
	char e[128];
	if (http_url_parse(url, &u, err ? err : e) < 0)
		return -1;
	struct sim *s = cli_sim(cl);
	struct cli_req *r = http_rec_get(&http_sim_of(s)->creq, sizeof(*r));
	r->cl = cl;
	r->o = origin_get(cl, &u);
	r->id = http_sim_of(s)->next_req_id++;
	r->page_id = page_id;
	r->url = xstrdup(url);
	snprintf(r->path, sizeof(r->path), "%s", u.path);
	r->done = done;
	r->ctx = ctx;
	r->t_start = s->now;
	r->t_ready = r->t_send_start = r->t_send_end = r->t_first = -1;
	r->dns_ns = r->connect_ns = r->ssl_ns = -1;
	r->anext = cl->all;
	if (cl->all)
		cl->all->aprev = r;
	cl->all = r;
	sim_after(s, 0, req_start_ev, r, 0); /* done never runs inside this call */
	return r->id;
}

int http_client_open_conns(const struct http_client *c) { return c->open_conns; }
int64_t http_client_conns_opened(const struct http_client *c) { return c->conns_opened; }

/* Closes every connection; requests not finished fail with "cancelled". */
void http_client_free(struct http_client *cl)
{
	if (!cl || cl->freeing)
		return;
	cl->freeing = true;
	for (struct cli_origin *o = cl->origins; o; o = o->next) {
		if (o->dns == DNS_RESOLVING)
			dns_lookup_cancel(cl->node, o);
		while (o->conns)
			cli_conn_kill(o->conns, "cancelled");
	}
	while (cl->all)
		cli_req_finish(cl->all, "cancelled");
}

/* Memory only, at the end of the simulation. */
void http_client_destroy_all(struct http_client *cl)
{
	for (struct http_client *n; cl; cl = n) {
		n = cl->sim_next;
		struct sim *s = cli_sim(cl);
		for (struct cli_origin *o = cl->origins, *on; o; o = on) {
			on = o->next;
			for (struct cli_conn *c = o->conns, *cn; c; c = cn) {
				cn = c->next;
				xp_abandon(&c->x);
				conn_free(s, c);
			}
			free(o);
		}
		for (struct cli_conn *c = cl->dead, *cn; c; c = cn) {
			cn = c->next;
			xp_abandon(&c->x);
			conn_free(s, c);
		}
		for (struct cli_req *r = cl->all, *rn; r; r = rn) {
			rn = r->anext;
			free(r->url);
			http_pool_put(&http_sim_of(s)->creq, r);
		}
		free(cl);
	}
}
