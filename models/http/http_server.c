/* The HTTP server: a listener on a node and port, static resources by path,
 * a service time per request held by one of `workers` workers (requests
 * beyond that wait in a FIFO queue: server queueing and tail latency), and
 * the HTTP/1.x side of each connection.  HTTP/1.x requests on a connection
 * are served one at a time in order, as nginx does (a pipelined request is
 * read after the previous response is written); HTTP/2 connections (ALPN
 * "h2", or the cleartext preface with prior knowledge, RFC 9113 §3.3) go
 * to http_server_h2.c.  Responses of any size are streamed as the send
 * buffer drains (the writable callback).  An idle connection is closed
 * after keepalive_timeout (nginx keepalive_timeout 75 s); a connection is
 * closed after keepalive_requests responses (nginx default 1000).
 * Malformed requests get 400 and the connection is closed (nginx). */
#include "http_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/util.h"

static const char H2_PREFACE[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; /* RFC 9113 §3.4, 24 bytes */

void http_server_config_default(struct http_server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 0;                          /* 80, or 443 with TLS */
	c->h1 = c->h2 = true;
	c->default_size = 10 * 1000;          /* 10 KB */
	c->service_time = 0;
	c->service_dist = HTTP_SVC_FIXED;
	c->workers = 64;
	c->keepalive_timeout = SIM_S(75);   /* nginx keepalive_timeout */
	c->keepalive_requests = 1000;         /* nginx keepalive_requests */
	c->h2_max_concurrent = 128;           /* nginx http2_max_concurrent_streams */
}

static struct sim *srv_sim(const struct http_server *s) { return s->node->net->sim; }

static unsigned path_hash(const char *p)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h & 255;
}

void http_server_add_resource(struct http_server *s, const char *path, int64_t size, const char *mime)
{
	unsigned h = path_hash(path);
	for (struct srv_res *r = s->res[h]; r; r = r->next)
		if (strcmp(r->path, path) == 0) {
			r->size = size;
			free(r->mime);
			r->mime = mime ? xstrdup(mime) : NULL;
			return;
		}
	struct srv_res *r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->mime = mime ? xstrdup(mime) : NULL;
	r->size = size;
	r->next = s->res[h];
	s->res[h] = r;
}

/* Decides status, size and type of the response to r (path, method). */
void srv_lookup(struct http_server *s, struct srv_req *r)
{
	r->mime = s->mime;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		r->status = 405; /* nginx answers other methods on static files so */
		r->size = 157;
		r->mime = "text/html";
		return;
	}
	r->head = strcmp(r->method, "HEAD") == 0;
	/* the path without a query string */
	char path[1024];
	snprintf(path, sizeof(path), "%s", r->path);
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	int64_t size = -2;
	for (struct srv_res *e = s->res[path_hash(path)]; e; e = e->next)
		if (strcmp(e->path, path) == 0) {
			size = e->size;
			if (e->mime)
				r->mime = e->mime;
			break;
		}
	if (size == -2 && s->cfg.size_fn)
		size = s->cfg.size_fn(s->cfg.size_ctx, path);
	if (size == -2)
		size = s->cfg.default_size;
	if (size < 0) {
		r->status = 404;
		r->size = 153; /* nginx's 404 page */
		r->mime = "text/html";
		s->st.not_found++;
		return;
	}
	r->status = 200;
	r->size = size;
}

/* ---- workers ---- */

static simtime_t svc_time(struct http_server *s)
{
	if (s->cfg.service_dist == HTTP_SVC_EXP && s->cfg.service_time > 0)
		return (simtime_t)rng_exponential(s->rng, (double)s->cfg.service_time);
	return s->cfg.service_time;
}

static void svc_done(struct sim *sim, void *obj);

struct srv_req *srv_req_new(struct srv_conn *c)
{
	struct http_server *s = c->srv;
	struct srv_req *r = http_rec_get(&http_sim_of(srv_sim(s))->sreq, sizeof(*r));
	r->srv = s;
	r->conn = c;
	timer_init(srv_sim(s), &r->t_svc, svc_done, r);
	r->rnext = s->reqs;
	if (s->reqs)
		s->reqs->rprev = r;
	s->reqs = r;
	r->cnext = c->reqs;
	if (c->reqs)
		c->reqs->cprev = r;
	c->reqs = r;
	return r;
}

void srv_req_detach(struct srv_req *r)
{
	struct srv_conn *c = r->conn;
	if (!c)
		return;
	if (r->cprev)
		r->cprev->cnext = r->cnext;
	else
		c->reqs = r->cnext;
	if (r->cnext)
		r->cnext->cprev = r->cprev;
	r->cprev = r->cnext = NULL;
	r->conn = NULL;
}

void srv_req_free(struct srv_req *r)
{
	struct http_server *s = r->srv;
	srv_req_detach(r);
	if (r->rprev)
		r->rprev->rnext = r->rnext;
	else
		s->reqs = r->rnext;
	if (r->rnext)
		r->rnext->rprev = r->rprev;
	timer_destroy(srv_sim(s), &r->t_svc);
	http_pool_put(&http_sim_of(srv_sim(s))->sreq, r);
}
#define req_free srv_req_free

static void svc_start(struct http_server *s, struct srv_req *r)
{
	simtime_t t = svc_time(s);
	if (t == 0 && s->cfg.service_dist == HTTP_SVC_FIXED) {
		/* no service time: answered at once, in the same call chain, so
		 * the answers to requests that arrived together leave together */
		srv_respond_ready(r);
		return;
	}
	s->busy++;
	r->in_service = true;
	timer_arm(srv_sim(s), &r->t_svc, srv_sim(s)->now + t);
}

/* Hands the next queued request to the freed worker, skipping requests
 * whose connection or stream went away while they waited. */
static void svc_next(struct http_server *s)
{
	while (s->qhead && s->busy < s->cfg.workers) {
		struct srv_req *r = s->qhead;
		s->qhead = r->qnext;
		if (!s->qhead)
			s->qtail = NULL;
		s->st.queued--;
		r->queued = false;
		if (r->cancelled || !r->conn) {
			req_free(r);
			continue;
		}
		svc_start(s, r);
	}
}

static void svc_done(struct sim *sim, void *obj)
{
	(void)sim;
	struct srv_req *r = obj;
	struct http_server *s = r->srv;
	s->busy--;
	r->in_service = false;
	if (r->cancelled || !r->conn)
		req_free(r);
	else
		srv_respond_ready(r);
	svc_next(s);
}

void srv_req_submit(struct http_server *s, struct srv_req *r)
{
	s->st.requests++;
	r->arrived = srv_sim(s)->now;
	if (s->busy < s->cfg.workers && !s->qhead) {
		svc_start(s, r);
		return;
	}
	r->queued = true;
	if (s->qtail)
		s->qtail->qnext = r;
	else
		s->qhead = r;
	s->qtail = r;
	if (++s->st.queued > s->st.max_queued)
		s->st.max_queued = s->st.queued;
}

/* ---- connections ---- */

static void conn_free(struct sim *sim, struct srv_conn *c)
{
	timer_destroy(sim, &c->t_idle);
	srv_h2_free(c);
	if (c->p)
		h1_free(c->p);
	free(c->p);
	http_in_put(sim, &c->in);
	http_pool_put(&http_sim_of(sim)->sconn, c);
}

static void conn_free_ev(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct srv_conn *c = obj;
	struct http_server *s = c->srv;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->dead = c->next;
	if (c->next)
		c->next->prev = c->prev;
	conn_free(sim, c);
}

/* The connection is over: close the socket, let go of its requests (a
 * worker still holding one finishes and drops it) and free the record
 * from a fresh event, since the caller may be deep in its callbacks. */
void srv_conn_kill(struct srv_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	struct http_server *s = c->srv;
	xp_close(&c->x);
	timer_cancel(&c->t_idle);
	if (c->cur) {
		srv_req_detach(c->cur);
		c->cur->cancelled = true;
		if (!c->cur->in_service && !c->cur->queued)
			req_free(c->cur); /* written (or never queued): nobody else holds it */
		c->cur = NULL;
	}
	/* h2 streams' requests are detached by srv_h2_free's caller, here */
	while (c->reqs) {
		struct srv_req *r = c->reqs;
		srv_req_detach(r);
		r->cancelled = true;
		if (!r->in_service && !r->queued)
			req_free(r);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = NULL;
	c->next = s->dead;
	if (s->dead)
		s->dead->prev = c;
	s->dead = c;
	s->st.conns_open--;
	sim_after(srv_sim(s), 0, conn_free_ev, c, 0);
}

static void idle_fire(struct sim *sim, void *obj)
{
	(void)sim;
	struct srv_conn *c = obj;
	if (c->dead)
		return;
	c->srv->st.idle_closed++;
	if (c->h2)
		srv_h2_idle_close(c);
	else
		srv_conn_kill(c);
}

void srv_idle_arm(struct srv_conn *c)
{
	if (c->dead || c->srv->cfg.keepalive_timeout <= 0)
		return;
	timer_arm(srv_sim(c->srv), &c->t_idle, srv_sim(c->srv)->now + c->srv->cfg.keepalive_timeout);
}

/* HTTP/1.x: write what fits of the current response's body. */
static void h1_flush(struct srv_conn *c)
{
	struct srv_req *r = c->cur;
	if (!r || !c->writing)
		return;
	uint64_t space = xp_space(&c->x);
	uint64_t n = c->out_left < space ? c->out_left : space;
	if (n) {
		xp_write_zeros(&c->x, n);
		c->out_left -= n;
	}
	if (c->out_left || !c->in_input) {
		xp_push(&c->x); /* inside srv_h1_input, its end pushes */
		if (c->out_left)
			return; /* the rest on writable */
	}
	/* all of it is with TCP */
	c->writing = false;
	c->cur = NULL;
	bool close_after = r->close_after;
	req_free(r);
	c->srv->st.responses++;
	if (close_after) {
		xp_push(&c->x);
		srv_conn_kill(c);
		return;
	}
	if (!c->in_input)
		srv_h1_input(c); /* the next pipelined request (inside, its loop goes on) */
}

static void h1_respond(struct srv_req *r)
{
	struct srv_conn *c = r->conn;
	struct http_server *s = c->srv;
	char head[512];
	if (++c->nreq >= s->cfg.keepalive_requests)
		r->close_after = true;
	bool ka_hdr = !r->close_after && r->version_minor >= 1;
	if (r->version_minor == 0 && !r->close_after)
		ka_hdr = true; /* HTTP/1.0 with Connection: keep-alive */
	int n = h1_write_response(head, sizeof(head), r->status, 1, r->size, r->mime, r->close_after, ka_hdr,
				  srv_sim(s)->now / 1000000000);
	if (n < 0)
		n = 0;
	xp_write(&c->x, head, (uint32_t)n);
	c->out_left = r->head ? 0 : (uint64_t)r->size;
	c->writing = true;
	h1_flush(c);
}

void srv_respond_ready(struct srv_req *r)
{
	if (r->stream_id)
		srv_h2_respond(r);
	else
		h1_respond(r);
}

/* A malformed request: 400 with Connection: close, then close (nginx). */
static void h1_bad_request(struct srv_conn *c)
{
	struct http_server *s = c->srv;
	s->st.bad_requests++;
	struct srv_req *r = srv_req_new(c);
	r->status = 400;
	r->size = 157; /* nginx's 400 page */
	r->mime = "text/html";
	r->close_after = true;
	r->version_minor = 1;
	c->cur = r;
	h1_respond(r);
}

/* Reads requests while none is in progress: the head into the parser,
 * a request body (if any) counted and dropped. */
static void h1_input_loop(struct srv_conn *c);

void srv_h1_input(struct srv_conn *c)
{
	if (c->in_input)
		return;
	c->in_input = true;
	h1_input_loop(c);
	c->in_input = false;
	if (!c->dead)
		xp_push(&c->x);
	if (c->dead)
		return;
	if (c->cur)
		return;
	if (c->peer_closed) {
		srv_conn_kill(c); /* the client is done and nothing is pending */
		return;
	}
	if (c->in_off == c->in_len && !c->p->head_bytes)
		srv_idle_arm(c);
}

static void h1_input_loop(struct srv_conn *c)
{
	struct http_server *s = c->srv;
	while (!c->dead && !c->cur) {
		if (c->in_off == c->in_len) {
			uint64_t body = h1_body_left(c->p);
			if (body) {
				uint64_t n = xp_recv(&c->x, body, NULL);
				if (!n)
					break;
				if (h1_body_skip(c->p, n) != H1_DONE)
					continue;
				goto request_done;
			}
			c->in_off = 0;
			c->in_len = (uint32_t)xp_recv(&c->x, HTTP_IN_BUF, http_in_get(srv_sim(s), &c->in));
			if (!c->in_len) {
				http_in_put(srv_sim(s), &c->in);
				break;
			}
		}
		size_t used;
		enum h1_status st = h1_feed(c->p, c->in + c->in_off, c->in_len - c->in_off, &used);
		c->in_off += (uint32_t)used;
		if (st == H1_ERROR) {
			c->in_off = c->in_len; /* nothing more is read */
			h1_bad_request(c);
			return;
		}
		if (st == H1_HEADERS) {
			timer_cancel(&c->t_idle);
			if (c->p->state != H1S_DONE)
				continue; /* a request body follows */
		} else if (st != H1_DONE) {
			continue;
		}
request_done:;
		struct srv_req *r = srv_req_new(c);
		snprintf(r->path, sizeof(r->path), "%s", c->p->target);
		snprintf(r->method, sizeof(r->method), "%s", c->p->method);
		r->version_minor = c->p->version_minor;
		/* RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive" */
		r->close_after = c->p->conn_close || (c->p->version_minor == 0 && !c->p->conn_keepalive) ||
				 c->peer_closed;
		srv_lookup(s, r);
		h1_reset(c->p);
		c->cur = r;
		srv_req_submit(s, r); /* with no service time, answered (and cur cleared) here */
	}
}

/* Plain TCP with h2 on: the first bytes say which (RFC 9113 §3.3). */
static void sniff(struct srv_conn *c)
{
	http_in_get(srv_sim(c->srv), &c->in);
	while (c->in_len < 24) {
		uint64_t n = xp_recv(&c->x, 24 - c->in_len, c->in + c->in_len);
		if (!n)
			break;
		c->in_len += (uint32_t)n;
		if (memcmp(c->in, H2_PREFACE, c->in_len) != 0)
			break;
	}
	if (memcmp(c->in, H2_PREFACE, c->in_len) != 0) {
		c->sniffed = true; /* not the preface: HTTP/1.x */
		return;
	}
	if (c->in_len == 24) {
		c->sniffed = true;
		c->h2 = true;
	}
}

static void sc_readable(struct http_xport *x, void *ctx)
{
	(void)x;
	struct srv_conn *c = ctx;
	if (c->dead)
		return;
	if (!c->sniffed)
		sniff(c);
	if (!c->sniffed)
		return;
	if (c->h2) {
		if (!c->ng && srv_h2_start(c) < 0) {
			srv_conn_kill(c);
			return;
		}
		srv_h2_input(c);
		return;
	}
	srv_h1_input(c);
}

static void sc_writable(struct http_xport *x, void *ctx)
{
	(void)x;
	struct srv_conn *c = ctx;
	if (c->dead)
		return;
	if (c->h2)
		srv_h2_flush(c);
	else
		h1_flush(c);
}

static void sc_peer_closed(struct http_xport *x, void *ctx)
{
	(void)x;
	struct srv_conn *c = ctx;
	if (c->dead)
		return;
	c->peer_closed = true;
	if (c->h2) {
		srv_conn_kill(c);
		return;
	}
	if (!c->cur)
		srv_h1_input(c); /* read what is left, then close */
	else
		c->cur->close_after = true;
}

static void sc_error(struct http_xport *x, const char *msg, void *ctx)
{
	(void)x;
	(void)msg;
	srv_conn_kill(ctx);
}

static void sc_up(struct http_xport *x, void *ctx)
{
	/* TLS: ALPN says which protocol; plain TCP sniffs the first bytes */
	struct srv_conn *c = ctx;
	if (c->dead || !x->tls)
		return;
	c->sniffed = true;
	c->h2 = strcmp(x->alpn, "h2") == 0;
	if (c->h2 && srv_h2_start(c) < 0)
		srv_conn_kill(c);
	else
		sc_readable(x, ctx);
}

static const struct http_xport_cb srv_xcb = {
	.up = sc_up, .readable = sc_readable, .writable = sc_writable, .peer_closed = sc_peer_closed,
	.error = sc_error,
};

static void srv_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct http_server *s = ctx;
	struct srv_conn *c = http_rec_get(&http_sim_of(srv_sim(s))->sconn, sizeof(struct srv_conn));
	c->srv = s;
	c->id = http_sim_of(srv_sim(s))->next_conn_id++;
	c->p = xmalloc(sizeof(*c->p));
	h1_init(c->p, H1_REQUEST);
	timer_init(srv_sim(s), &c->t_idle, idle_fire, c);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->st.conns_accepted++;
	s->st.conns_open++;
	if (!s->cfg.h2)
		c->sniffed = true;
	if (!s->cfg.h1 && !s->cfg.tls)
		c->sniffed = c->h2 = true; /* h2c only: prior knowledge */
	if (s->cfg.tls)
		c->sniffed = false; /* ALPN decides, in sc_up */
	xp_accept(&c->x, child, s->cfg.tls, s->alpn, &srv_xcb, c);
	if (c->x.gone && !c->dead) {
		srv_conn_kill(c);
		return;
	}
	if (s->cfg.tls)
		return;
	srv_idle_arm(c); /* nginx: client_header_timeout; the keep-alive one will do */
	sc_readable(&c->x, c);
}

static const struct tcp_cb srv_listen_cbs = { .accept = srv_accept };

struct http_server *http_server_new(struct node *nd, const struct http_server_config *cfg, char *err)
{
	struct http_server_config c = *cfg;
	if (!c.port)
		c.port = c.tls ? 443 : 80;
	if (c.workers < 1) {
		snprintf(err, 128, "workers: at least 1");
		return NULL;
	}
	if (!c.h1 && !c.h2) {
		snprintf(err, 128, "protocols: offer at least one of \"h2\", \"http/1.1\"");
		return NULL;
	}
	struct http_server *s = xcalloc(1, sizeof(*s));
	s->node = nd;
	s->cfg = c;
	if (c.tls) {
		s->tls_cfg = *c.tls;
		s->cfg.tls = &s->tls_cfg;
	}
	snprintf(s->mime, sizeof(s->mime), "%s", c.mime ? c.mime : "application/octet-stream");
	snprintf(s->name, sizeof(s->name), "%s", c.name ? c.name : "");
	if (!s->name[0])
		snprintf(s->name, sizeof(s->name), "http@%s:%u", nd->name, c.port);
	s->cfg.name = s->name;
	s->cfg.mime = s->mime;
	int na = 0;
	if (c.h2)
		s->alpn[na++] = "h2";
	if (c.h1)
		s->alpn[na++] = "http/1.1";
	s->alpn[na] = NULL;
	char stream[96];
	snprintf(stream, sizeof(stream), "http:%s:service", s->name);
	s->rng = rng_stream(nd->net->sim, stream);
	struct tcp_config tcfg;
	tcp_config_default(&tcfg);
	tcfg.nagle = false; /* nginx tcp_nodelay on (the default) */
	s->lst = tcp_socket(nd, &tcfg, &srv_listen_cbs, s);
	int rc = tcp_bind(s->lst, c.port);
	if (rc < 0) {
		snprintf(err, 128, "port %u on %s: %s", c.port, nd->name, tcp_strerror(rc));
		tcp_close(s->lst);
		free(s);
		return NULL;
	}
	tcp_listen(s->lst, 511); /* nginx listen backlog (NGX_LISTEN_BACKLOG) */
	struct http_sim *hs = http_sim_of(nd->net->sim);
	s->sim_next = hs->servers;
	hs->servers = s;
	return s;
}

void http_server_get_stats(const struct http_server *s, struct http_server_stats *st)
{
	*st = s->st;
	st->busy_workers = s->busy;
}

/* Frees a server's memory at the end of the simulation (the sockets go
 * with the TCP stack). */
static void server_destroy(struct http_server *s)
{
	struct sim *sim = srv_sim(s);
	struct srv_conn *lists[2] = { s->conns, s->dead };
	for (int k = 0; k < 2; k++)
		for (struct srv_conn *c = lists[k], *n; c; c = n) {
			n = c->next;
			xp_abandon(&c->x);
			conn_free(sim, c);
		}
	while (s->reqs)
		req_free(s->reqs);
	for (int i = 0; i < 256; i++)
		for (struct srv_res *r = s->res[i], *n; r; r = n) {
			n = r->next;
			free(r->path);
			free(r->mime);
			free(r);
		}
	free(s->owned);
	free(s);
}

void http_server_destroy_all(struct http_server *s)
{
	for (struct http_server *n; s; s = n) {
		n = s->sim_next;
		server_destroy(s);
	}
}

/* Stops listening and closes every connection; the memory goes with the
 * simulation (workers may still hold requests). */
void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	if (s->lst)
		tcp_close(s->lst);
	s->lst = NULL;
	while (s->conns)
		srv_conn_kill(s->conns);
}
