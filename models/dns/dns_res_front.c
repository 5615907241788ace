/* The recursive resolver's client side: the resolver object, UDP and TCP
 * port 53 for stubs (RFC 1035 §4.2, RFC 7766), the answer sent back
 * (truncated with TC to the client's UDP size, 512 without EDNS), the
 * dns_lookups row of every request, and the end of priming and glue
 * requests.  The iteration itself is dns_resolver.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_res_priv.h"
#include "models/tcp/tcp.h"
#include "models/udp/udp.h"
#include "sim/db.h"
#include "sim/rng.h"
#include "sim/util.h"

struct res_conn {
	struct res_conn *next;
	struct dns_resolver *r;
	struct tcp_sock *ts;        /* NULL once closed */
	uint8_t *buf;
	size_t len, cap;
	int pending;                /* requests not answered yet */
	bool peer_done;             /* the client sent FIN: close once answered */
};

void dns_resolver_cfg_default(struct dns_resolver_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->cache_max_ttl_s = DNS_CACHE_MAX_TTL;
	c->cache_max_neg_ttl_s = DNS_CACHE_MAX_NEG_TTL;
	c->stale_ttl_s = DNS_RES_STALE_TTL;
	c->stale_max_s = DNS_RES_STALE_MAX_S;
	c->edns_udp_size = DNS_EDNS_UDP_SIZE;
	c->prime_at_start = true;
}

/* ---- answers ---- */

static const char *cache_status(const struct rq *rq)
{
	if (rq->stale)
		return "stale";
	if (rq->upstream)
		return "miss";
	if (rq->rcode == DNS_R_SERVFAIL)
		return "miss";
	return rq->negative ? "negative" : "hit";
}

static void write_row(struct rq *rq, const char *resolver)
{
	struct dns_resolver *r = rq->r;
	struct sim *s = r->sim;
	if (!s->db)
		return;
	char ans[1024] = "";
	size_t off = 0;
	for (int i = 0; i < rq->nans; i++) {
		const struct dns_rr *rr = &rq->ans[i];
		if (rr->type != rq->otype && rq->otype != DNS_T_ANY)
			continue; /* the CNAMEs on the way are not the answer */
		char one[DNS_NAME_STRLEN + 64];
		dns_rr_to_str(one, sizeof(one), rr, true);
		if (off + strlen(one) + 2 >= sizeof(ans))
			break;
		off += (size_t)snprintf(ans + off, sizeof(ans) - off, "%s%s", off ? " " : "", one);
	}
	char nb[DNS_NAME_STRLEN], tb[16], rb[16];
	struct db_dns_lookup row = {
		.t_ns = s->now, .node = r->nd->name, .resolver = resolver,
		.name = dns_name_to_str(nb, sizeof(nb), &rq->oname),
		.qtype = dns_type_str(tb, sizeof(tb), rq->otype),
		.rcode = dns_rcode_name((uint16_t)rq->rcode, rb, sizeof(rb)),
		.cache = cache_status(rq), .latency_ns = s->now - rq->started,
		.upstream = rq->upstream, .answers = ans,
	};
	db_dns_lookup(s->db, s->run_id, &row);
}

/* The response to the client's query, from what the request found. */
static void build_reply(const struct rq *rq, struct dns_msg *m)
{
	dns_msg_init(m);
	m->id = rq->c_id;
	m->qr = true;
	m->rd = rq->c_rd;
	m->cd = rq->c_cd;
	m->ra = true;
	m->rcode = (uint16_t)rq->rcode;
	dns_msg_set_question(m, &rq->oname, rq->otype, DNS_C_IN);
	for (int i = 0; i < rq->nans; i++)
		dns_msg_add(m, DNS_SEC_AN, &rq->ans[i]);
	if (rq->has_soa)
		dns_msg_add(m, DNS_SEC_NS, &rq->soa);
	if (rq->c_edns) {
		m->edns = true;
		m->edns_udp_size = rq->r->cfg.edns_udp_size;
	}
}

static void conn_send(struct res_conn *c, const uint8_t *msg, int len)
{
	uint8_t *b = xmalloc((size_t)len + 2);
	b[0] = (uint8_t)(len >> 8);
	b[1] = (uint8_t)len;
	memcpy(b + 2, msg, (size_t)len);
	struct pbuf *pb = pbuf_new(b, (uint32_t)len + 2);
	free(b);
	tcp_send(c->ts, pb->len, pb, 0);
	pbuf_unref(pb);
}

static void conn_maybe_free(struct res_conn *c);

static void answer_client(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	struct dns_msg m;
	build_reply(rq, &m);
	static uint8_t buf[DNS_MSG_MAX];
	if (rq->origin == RQ_CLIENT_UDP) {
		/* RFC 6891 §6.2.5: the requestor's size, at least 512; ours caps it */
		size_t limit = DNS_UDP_SIZE_PLAIN;
		if (rq->c_edns && rq->c_udp_size > limit)
			limit = rq->c_udp_size < r->cfg.edns_udp_size ? rq->c_udp_size
								       : r->cfg.edns_udp_size;
		int n = dns_encode(&m, buf, limit);
		if (n > 0) {
			struct pbuf *b = pbuf_new(buf, (uint32_t)n);
			udp_send(r->us, rq->c_addr, rq->c_port, (uint32_t)n, b, 0);
			pbuf_unref(b);
		}
	} else if (rq->origin == RQ_CLIENT_TCP && rq->conn) {
		int n = dns_encode(&m, buf, DNS_MSG_MAX);
		if (n > 0 && rq->conn->ts)
			conn_send(rq->conn, buf, n);
		struct res_conn *c = rq->conn;
		rq->conn = NULL;
		c->pending--;
		if (c->pending == 0 && c->peer_done && c->ts) {
			tcp_close(c->ts);
			c->ts = NULL;
		}
		conn_maybe_free(c);
	}
	dns_msg_free(&m);
}

void rq_done(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	if (rq->rcode < 0)
		rq->rcode = DNS_R_SERVFAIL;
	if (rq_is_client(rq)) {
		r->st.stale += rq->stale;
		r->st.servfail += rq->rcode == DNS_R_SERVFAIL;
		const char *cs = cache_status(rq);
		r->st.hits += strcmp(cs, "hit") == 0;
		r->st.negative += strcmp(cs, "negative") == 0;
		r->st.misses += strcmp(cs, "miss") == 0;
	}
	switch (rq->origin) {
	case RQ_CLIENT_UDP:
	case RQ_CLIENT_TCP:
		answer_client(rq);
		write_row(rq, "recursive");
		rq_free(rq);
		break;
	case RQ_API: {
		write_row(rq, "recursive");
		dns_resolve_fn fn = rq->api_done;
		void *ctx = rq->api_ctx;
		int rcode = rq->rcode, up = rq->upstream;
		const char *cs = cache_status(rq);
		rq_free(rq);
		if (fn)
			fn(ctx, rcode, cs, up);
		break;
	}
	case RQ_PRIME:
		write_row(rq, "prime");
		rq_free(rq);
		res_prime_done(r);
		break;
	case RQ_GLUE: {
		struct rq *p = rq->parent;
		p->upstream += rq->upstream;
		p->sent += rq->sent;
		p->waiting = false;
		rq_free(rq);
		rq_run(p);
		break;
	}
	}
}

/* ---- UDP port 53 ---- */

/* A short answer without a request: FORMERR or NOTIMP (RFC 1035 §4.1.1). */
static void udp_error_reply(struct dns_resolver *r, const struct packet *p, const struct dns_msg *q,
			    uint16_t rcode)
{
	struct dns_msg m;
	dns_msg_init(&m);
	m.id = q->id;
	m.qr = true;
	m.opcode = q->opcode;
	m.rd = q->rd;
	m.ra = true;
	m.rcode = rcode;
	uint8_t buf[DNS_HDR_LEN + 16];
	int n = dns_encode(&m, buf, sizeof(buf));
	dns_msg_free(&m);
	if (n > 0) {
		struct pbuf *b = pbuf_new(buf, (uint32_t)n);
		udp_send(r->us, p->ip.src, p->l4.udp.sport, (uint32_t)n, b, 0);
		pbuf_unref(b);
	}
}

/* Starts a request for a client query; returns NULL (after answering
 * FORMERR/NOTIMP where the header allows, or dropping) if it is not one. */
static struct rq *client_query(struct dns_resolver *r, const uint8_t *b, size_t len,
			       enum rq_origin origin, const struct packet *p, struct res_conn *c)
{
	struct dns_msg q;
	int rc = dns_decode(&q, b, len);
	if (rc == DNS_E_SHORT || q.qr) { /* no header, or a response: drop */
		dns_msg_free(&q);
		return NULL;
	}
	uint16_t err = 0;
	if (rc != DNS_OK || !q.has_question)
		err = DNS_R_FORMERR;
	else if (q.opcode != DNS_OP_QUERY)
		err = DNS_R_NOTIMP;
	if (err) {
		if (p)
			udp_error_reply(r, p, &q, err);
		dns_msg_free(&q);
		return NULL;
	}
	struct rq *rq = rq_new(r, origin, &q.q.name, q.q.type);
	rq->c_id = q.id;
	rq->c_rd = q.rd;
	rq->c_cd = q.cd;
	rq->c_edns = q.edns;
	rq->c_udp_size = q.edns_udp_size;
	if (p) {
		rq->c_addr = p->ip.src;
		rq->c_port = p->l4.udp.sport;
	}
	rq->conn = c;
	dns_msg_free(&q);
	return rq;
}

static void res_udp_recv(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct dns_resolver *r = ctx;
	if (!p->payload || p->payload_off + p->payload_len > p->payload->len)
		return;
	struct rq *rq = client_query(r, p->payload->data + p->payload_off, p->payload_len,
				     RQ_CLIENT_UDP, p, NULL);
	if (rq)
		rq_run(rq);
}

/* ---- TCP port 53 (RFC 7766) ---- */

static void conn_maybe_free(struct res_conn *c)
{
	if (c->ts || c->pending > 0)
		return;
	struct dns_resolver *r = c->r;
	for (struct res_conn **pp = &r->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c->buf);
	free(c);
}

static void conn_gone(struct res_conn *c, bool close)
{
	if (c->ts && close)
		tcp_close(c->ts);
	c->ts = NULL;
	conn_maybe_free(c);
}

static void conn_readable(struct tcp_sock *ts, void *ctx)
{
	struct res_conn *c = ctx;
	uint64_t n = tcp_readable(ts);
	if (c->len + n > c->cap) {
		c->cap = c->len + n;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			abort();
	}
	c->len += tcp_recv(ts, n, c->buf + c->len);
	size_t off = 0;
	while (c->len - off >= 2) {
		size_t want = (size_t)(c->buf[off] << 8 | c->buf[off + 1]);
		if (c->len - off < 2 + want)
			break;
		struct rq *rq = client_query(c->r, c->buf + off + 2, want, RQ_CLIENT_TCP, NULL, c);
		off += 2 + want;
		if (rq) {
			c->pending++;
			c->r->st.client_tcp++;
			sim_at(c->r->sim, c->r->sim->now, rq_run_event, rq, 0);
		}
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
}

static void conn_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct res_conn *c = ctx;
	/* answers still owed go out before our FIN: close after them */
	c->peer_done = true;
	if (c->pending == 0)
		conn_gone(c, true);
}

static void conn_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	(void)err;
	struct res_conn *c = ctx;
	c->ts = NULL; /* closed() follows; the stack frees the socket */
}

static void conn_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct res_conn *c = ctx;
	for (struct rq *rq = c->r->active; rq; rq = rq->next)
		if (rq->conn == c)
			rq->conn = NULL;
	c->pending = 0;
	c->ts = NULL;
	conn_maybe_free(c);
}

static const struct tcp_cb conn_cbs = {
	.readable = conn_readable, .peer_closed = conn_peer_closed, .error = conn_error,
	.closed = conn_closed,
};

static void res_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct dns_resolver *r = ctx;
	struct res_conn *c = xcalloc(1, sizeof(*c));
	c->r = r;
	c->ts = child;
	c->next = r->conns;
	r->conns = c;
	tcp_set_callbacks(child, &conn_cbs, c);
}

static const struct tcp_cb listen_cbs = { .accept = res_accept };

/* ---- the resolver ---- */

struct res_world {
	struct dns_resolver *list;
};

static void res_free_one(struct dns_resolver *r)
{
	while (r->active)
		rq_free(r->active);
	while (r->conns) {
		struct res_conn *c = r->conns;
		r->conns = c->next;
		if (c->ts)
			tcp_close(c->ts);
		free(c->buf);
		free(c);
	}
	if (r->us)
		udp_close(r->us);
	if (r->lst)
		tcp_close(r->lst);
	dns_cache_free(&r->cache);
	dns_infra_free(&r->infra);
	free(r);
}

static void res_world_free(void *p)
{
	struct res_world *w = p;
	while (w->list) {
		struct dns_resolver *r = w->list;
		w->list = r->next_res;
		res_free_one(r);
	}
	free(w);
}

static void prime_event(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	res_prime(obj);
}

struct dns_resolver *dns_resolver_new(const struct dns_resolver_cfg *cfg, struct errbuf *err)
{
	if (!cfg->node) {
		err_set(err, "resolver: no node");
		return NULL;
	}
	if (cfg->nroots < 1 || cfg->nroots > DNS_RES_MAX_ROOTS) {
		err_set(err, "roots: expected 1 to %d root server addresses, got %d", DNS_RES_MAX_ROOTS,
			cfg->nroots);
		return NULL;
	}
	if (cfg->edns_udp_size < DNS_UDP_SIZE_PLAIN) {
		err_set(err, "edns_udp_size: at least 512, got %u", cfg->edns_udp_size);
		return NULL;
	}
	struct node *nd = cfg->node;
	struct sim *s = nd->net->sim;
	struct dns_resolver *r = xcalloc(1, sizeof(*r));
	r->cfg = *cfg;
	snprintf(r->name, sizeof(r->name), "%s", cfg->name ? cfg->name : nd->name);
	r->cfg.name = r->name;
	r->sim = s;
	r->nd = nd;
	r->us = udp_open(nd, DNS_PORT, res_udp_recv, NULL, r, err);
	if (!r->us) {
		free(r);
		return NULL;
	}
	struct tcp_config tc;
	tcp_config_default(&tc);
	r->lst = tcp_socket(nd, &tc, &listen_cbs, r);
	int rc = tcp_bind(r->lst, DNS_PORT);
	if (rc < 0) {
		err_set(err, "resolver: TCP port 53 on %s: %s", nd->name, tcp_strerror(rc));
		tcp_close(r->lst);
		udp_close(r->us);
		free(r);
		return NULL;
	}
	tcp_listen(r->lst, tc.backlog);
	dns_cache_init(&r->cache, cfg->cache_max_ttl_s, cfg->cache_max_neg_ttl_s,
		       cfg->serve_stale ? SIM_S(1) * (simtime_t)cfg->stale_max_s : 0);
	dns_infra_init(&r->infra, SIM_S(DNS_INFRA_HOST_TTL_S));
	char rn[96];
	snprintf(rn, sizeof(rn), "dns:resolver:%s", nd->name);
	r->rng_id = rng_stream(s, rn);
	snprintf(rn, sizeof(rn), "dns:resolver:%s:select", nd->name);
	r->rng_sel = rng_stream(s, rn);
	struct res_world *w = sim_ext_get(s, "dns_resolvers");
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		sim_ext_set(s, "dns_resolvers", w, res_world_free);
	}
	r->next_res = w->list;
	w->list = r;
	if (cfg->prime_at_start)
		sim_at(s, s->now, prime_event, r, 0);
	return r;
}

void dns_resolver_stats(const struct dns_resolver *r, struct dns_resolver_stats *st) { *st = r->st; }
struct dns_cache *dns_resolver_cache(struct dns_resolver *r) { return &r->cache; }
struct dns_infra *dns_resolver_infra(struct dns_resolver *r) { return &r->infra; }
const char *dns_resolver_name(const struct dns_resolver *r) { return r->name; }

int dns_resolver_resolve(struct dns_resolver *r, const char *name, uint16_t qtype,
			 dns_resolve_fn done, void *ctx)
{
	struct dns_name qn;
	if (!name || dns_name_from_str(&qn, name) < 0)
		return -22;
	struct rq *rq = rq_new(r, RQ_API, &qn, qtype);
	rq->api_done = done;
	rq->api_ctx = ctx;
	sim_at(r->sim, r->sim->now, rq_run_event, rq, 0);
	return 0;
}
