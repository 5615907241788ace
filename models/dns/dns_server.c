/* The authoritative DNS server on a node: UDP and TCP port 53.
 *
 * Queries from both transports join one FIFO and are served one at a
 * time, each taking processing_ns (a single-threaded server; with 0 they
 * are answered at once).  A UDP answer is limited to the client's EDNS
 * payload size, at least 512 and at most our own (RFC 6891 §6.2.5), or
 * 512 without EDNS (RFC 1035 §4.2.1); larger answers are truncated with
 * TC so the client retries over TCP.  Over TCP (RFC 7766) every message
 * has a 2-byte length prefix (RFC 1035 §4.2.2), a connection carries
 * many queries, answers go out in order, and a connection idle for
 * tcp_idle_ns is closed by the server (§6.2.3).
 *
 * What the server does with what it cannot serve: fewer than 12 bytes, or
 * a message with QR set, is dropped (no answer to an answer, so two servers
 * cannot loop); a malformed query is FORMERR; an opcode other than QUERY
 * is NOTIMP; EDNS version above 0 is BADVERS (RFC 6891 §6.1.3); zone
 * transfers (AXFR, IXFR) are NOTIMP. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_priv.h"
#include "models/tcp/tcp.h"
#include "models/udp/udp.h"
#include "sim/util.h"

#define DNS_TCP_IDLE_DEFAULT SIM_S(30)

struct tconn;

struct job {
	struct job *next;
	simtime_t done_ns;      /* when its processing ends */
	uint32_t src;
	uint16_t sport;
	uint32_t dst;           /* the address asked, where a UDP answer comes from */
	struct tconn *conn;     /* NULL: came by UDP */
	uint16_t len;
	uint8_t bytes[];
};

struct outq {
	struct outq *next;
	struct pbuf *b;
	uint32_t off;
};

struct tconn {
	struct dns_server *srv;
	struct tcp_sock *ts;    /* NULL once closed or gone */
	struct tconn *next;
	int pending;            /* jobs queued for this connection */
	bool peer_done;         /* the client sent FIN */
	struct timer idle;
	struct outq *out, **out_tail;
	size_t have, cap;
	uint8_t *buf;           /* bytes read, not yet a whole message */
};

struct dns_server {
	struct dns_server_cfg cfg;
	char name[80];
	struct sim *sim;
	struct udp_sock *us;
	struct tcp_sock *lst;
	struct dns_zone **zones;
	int nzones;
	struct job *head, **tail;
	simtime_t busy_until;
	struct timer serve;
	struct tconn *conns;
	struct dns_server_stats st;
};

void dns_server_cfg_default(struct dns_server_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->port = DNS_PORT;
	c->tcp_idle_ns = DNS_TCP_IDLE_DEFAULT;
	c->udp_size = DNS_EDNS_UDP_SIZE;
}

/* ---- answering one message ---- */

static bool zone_transfer(uint16_t t)
{
	return t == 251 || t == 252; /* IXFR, AXFR */
}

/* The answer to q[0..len) from src, into out (room for 65535 bytes);
 * returns its length, or 0 to drop. */
static int respond(struct dns_server *srv, const uint8_t *q, size_t len, uint32_t src, bool tcp,
		   uint8_t *out)
{
	struct dns_msg m, r;
	int rc = dns_decode(&m, q, len);
	if (rc == DNS_E_SHORT || (len >= DNS_HDR_LEN && (q[2] & 0x80))) {
		srv->st.dropped++;
		dns_msg_free(&m);
		return 0;
	}
	if (rc == DNS_E_FORMERR) {
		m.has_question = false; /* echo only what parsed for sure: the header */
		dns_msg_reply(&r, &m, srv->cfg.udp_size);
		r.edns = false;
		r.rcode = DNS_R_FORMERR;
	} else {
		dns_msg_reply(&r, &m, srv->cfg.udp_size);
		if (m.opcode != DNS_OP_QUERY || (m.has_question && zone_transfer(m.q.type)))
			r.rcode = DNS_R_NOTIMP;
		else if (m.edns && m.edns_version > 0)
			r.rcode = DNS_R_BADVERS;
		else if (!m.has_question || m.q.type == DNS_T_OPT)
			r.rcode = DNS_R_FORMERR;
		else
			dns_zones_answer(srv->zones, srv->nzones, &m, src, &r);
	}
	size_t limit = DNS_MSG_MAX;
	if (!tcp) {
		limit = DNS_UDP_SIZE_PLAIN;
		if (m.edns && rc == DNS_OK) {
			limit = m.edns_udp_size < srv->cfg.udp_size ? m.edns_udp_size : srv->cfg.udp_size;
			if (limit < DNS_UDP_SIZE_PLAIN)
				limit = DNS_UDP_SIZE_PLAIN;
		}
	}
	int n = dns_encode(&r, out, limit);
	if (n < 0) { /* the question itself does not fit: answer with the header */
		r.has_question = false;
		n = dns_encode(&r, out, limit);
	}
	switch (r.rcode) {
	case DNS_R_NOERROR:
		srv->st.noerror++;
		if (!r.aa && r.n[DNS_SEC_NS] > 0)
			srv->st.referrals++;
		break;
	case DNS_R_NXDOMAIN: srv->st.nxdomain++; break;
	case DNS_R_FORMERR: srv->st.formerr++; break;
	case DNS_R_REFUSED: srv->st.refused++; break;
	case DNS_R_SERVFAIL: srv->st.servfail++; break;
	case DNS_R_NOTIMP: srv->st.notimp++; break;
	default: break;
	}
	if (n > 0 && dns_wire_tc(out))
		srv->st.truncated++;
	dns_msg_free(&m);
	dns_msg_free(&r);
	return n > 0 ? n : 0;
}

/* ---- TCP connections ---- */

static void conn_free(struct tconn *c)
{
	while (c->out) {
		struct outq *o = c->out;
		c->out = o->next;
		pbuf_unref(o->b);
		free(o);
	}
	timer_destroy(c->srv->sim, &c->idle);
	free(c->buf);
	free(c);
}

/* Forgets c once its socket is gone and no job refers to it. */
static void conn_reap(struct tconn *c)
{
	if (c->ts || c->pending > 0)
		return;
	struct dns_server *srv = c->srv;
	for (struct tconn **pp = &srv->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	conn_free(c);
}

static void conn_close(struct tconn *c)
{
	if (c->ts) {
		tcp_close(c->ts); /* no callback runs after this */
		c->ts = NULL;
	}
	timer_cancel(&c->idle);
	conn_reap(c);
}

static void conn_flush(struct tconn *c)
{
	while (c->ts && c->out) {
		struct outq *o = c->out;
		int64_t n = tcp_send(c->ts, o->b->len - o->off, o->b, o->off);
		if (n <= 0)
			return;
		o->off += (uint32_t)n;
		if (o->off < o->b->len)
			return;
		c->out = o->next;
		if (!c->out)
			c->out_tail = &c->out;
		pbuf_unref(o->b);
		free(o);
	}
}

/* Closes c if it has nothing left to do and the client is done or idle. */
static void conn_maybe_close(struct tconn *c, bool idle)
{
	if (c->ts && c->pending == 0 && !c->out && (c->peer_done || idle))
		conn_close(c);
}

static void conn_idle(struct sim *s, void *obj)
{
	(void)s;
	struct tconn *c = obj;
	if (c->pending > 0 || c->out) {
		timer_arm(c->srv->sim, &c->idle, c->srv->sim->now + c->srv->cfg.tcp_idle_ns);
		return;
	}
	conn_maybe_close(c, true);
}

static void conn_send(struct tconn *c, const uint8_t *msg, int len)
{
	if (!c->ts)
		return;
	struct pbuf *b = pbuf_new(NULL, (uint32_t)len + 2);
	b->data[0] = (uint8_t)(len >> 8);
	b->data[1] = (uint8_t)len;
	memcpy(b->data + 2, msg, (size_t)len);
	struct outq *o = xcalloc(1, sizeof(*o));
	o->b = b;
	*c->out_tail = o;
	c->out_tail = &o->next;
	conn_flush(c);
}

static void enqueue(struct dns_server *srv, const uint8_t *bytes, size_t len, uint32_t src,
		    uint16_t sport, uint32_t dst, struct tconn *c);

static void conn_readable(struct tcp_sock *ts, void *ctx)
{
	struct tconn *c = ctx;
	uint64_t avail;
	while ((avail = tcp_readable(ts)) > 0) {
		/* room for what is there, up to one whole message beyond a prefix */
		size_t want = c->have + (size_t)(avail < 2 + DNS_MSG_MAX ? avail : 2 + DNS_MSG_MAX);
		if (want > c->cap) {
			c->cap = want < 512 ? 512 : want;
			c->buf = realloc(c->buf, c->cap);
			if (!c->buf)
				abort();
		}
		c->have += tcp_recv(ts, c->cap - c->have, c->buf + c->have);
		size_t at = 0;
		while (c->have - at >= 2) {
			size_t ml = (size_t)(c->buf[at] << 8 | c->buf[at + 1]);
			if (c->have - at < 2 + ml)
				break;
			c->srv->st.tcp_queries++;
			enqueue(c->srv, c->buf + at + 2, ml, tcp_remote_addr(ts), tcp_remote_port(ts),
				tcp_local_addr(ts), c);
			at += 2 + ml;
		}
		memmove(c->buf, c->buf + at, c->have - at);
		c->have -= at;
	}
	if (c->ts)
		timer_arm(c->srv->sim, &c->idle, c->srv->sim->now + c->srv->cfg.tcp_idle_ns);
}

static void conn_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tconn *c = ctx;
	conn_flush(c);
	conn_maybe_close(c, false);
}

static void conn_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tconn *c = ctx;
	c->peer_done = true;
	conn_maybe_close(c, false);
}

static void conn_gone(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tconn *c = ctx;
	c->ts = NULL; /* reset or closed: the stack frees the socket */
	timer_cancel(&c->idle);
	conn_reap(c);
}

static void conn_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)err;
	conn_gone(ts, ctx);
}

static const struct tcp_cb conn_cbs = {
	.readable = conn_readable, .writable = conn_writable, .peer_closed = conn_peer_closed,
	.error = conn_error, .closed = conn_gone,
};

static void on_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct dns_server *srv = ctx;
	struct tconn *c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	c->ts = child;
	c->out_tail = &c->out;
	timer_init(srv->sim, &c->idle, conn_idle, c);
	c->next = srv->conns;
	srv->conns = c;
	srv->st.tcp_conns++;
	tcp_set_callbacks(child, &conn_cbs, c);
	timer_arm(srv->sim, &c->idle, srv->sim->now + srv->cfg.tcp_idle_ns);
	if (tcp_readable(child) > 0)
		conn_readable(child, c);
}

static const struct tcp_cb listen_cbs = { .accept = on_accept };

/* ---- the query queue ---- */

static void serve(struct sim *s, void *obj)
{
	struct dns_server *srv = obj;
	static uint8_t out[DNS_MSG_MAX]; /* scratch only: nothing lives here between calls */
	while (srv->head && srv->head->done_ns <= s->now) {
		struct job *j = srv->head;
		srv->head = j->next;
		if (!srv->head)
			srv->tail = &srv->head;
		int n = respond(srv, j->bytes, j->len, j->src, j->conn != NULL, out);
		if (j->conn) {
			struct tconn *c = j->conn;
			c->pending--;
			if (n > 0)
				conn_send(c, out, n);
			if (c->ts) {
				timer_arm(s, &c->idle, s->now + srv->cfg.tcp_idle_ns);
				conn_maybe_close(c, false);
			} else {
				conn_reap(c);
			}
		} else if (n > 0) {
			struct pbuf *b = pbuf_new(out, (uint32_t)n);
			udp_send_from(srv->us, j->dst, j->src, j->sport, (uint32_t)n, b, 0);
			pbuf_unref(b);
		}
		free(j);
	}
	if (srv->head)
		timer_arm(s, &srv->serve, srv->head->done_ns);
}

static void enqueue(struct dns_server *srv, const uint8_t *bytes, size_t len, uint32_t src,
		    uint16_t sport, uint32_t dst, struct tconn *c)
{
	struct job *j = xmalloc(sizeof(*j) + len);
	j->next = NULL;
	j->src = src;
	j->sport = sport;
	j->dst = dst;
	j->conn = c;
	j->len = (uint16_t)len;
	if (len)
		memcpy(j->bytes, bytes, len);
	simtime_t now = srv->sim->now;
	simtime_t start = srv->busy_until > now ? srv->busy_until : now;
	j->done_ns = start + srv->cfg.processing_ns;
	srv->busy_until = j->done_ns;
	if (c)
		c->pending++;
	bool was_empty = !srv->head;
	*srv->tail = j;
	srv->tail = &j->next;
	if (was_empty)
		timer_arm(srv->sim, &srv->serve, j->done_ns);
}

static void on_datagram(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct dns_server *srv = ctx;
	srv->st.udp_queries++;
	uint32_t len = p->payload_len;
	if (len > DNS_MSG_MAX) {
		srv->st.dropped++;
		return;
	}
	if (p->payload) {
		enqueue(srv, p->payload->data + p->payload_off, len, p->ip.src, p->l4.udp.sport,
			p->ip.dst, NULL);
	} else { /* a datagram of zeros, as a bulk source sends */
		uint8_t *z = xcalloc(1, len + 1u);
		enqueue(srv, z, len, p->ip.src, p->l4.udp.sport, p->ip.dst, NULL);
		free(z);
	}
}

/* ---- the registry ---- */

static void server_free(struct dns_server *srv);

static void reg_destroy(void *p)
{
	struct dns_reg *r = p;
	dns_query_free_all(r);
	for (int i = 0; i < r->nsrv; i++)
		server_free(r->srv[i]);
	for (int i = 0; i < r->nzones; i++)
		dns_zone_unref(r->zones[i]);
	free(r->srv);
	free(r->zones);
	free(r);
}

struct dns_reg *dns_reg(struct sim *s)
{
	struct dns_reg *r = sim_ext_get(s, "dns");
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		sim_ext_set(s, "dns", r, reg_destroy);
	}
	return r;
}

void dns_reg_add_zone(struct sim *s, struct dns_zone *z)
{
	struct dns_reg *r = dns_reg(s);
	if (r->nzones == r->capzones) {
		r->capzones = r->capzones ? r->capzones * 2 : 8;
		r->zones = realloc(r->zones, (size_t)r->capzones * sizeof(*r->zones));
		if (!r->zones)
			abort();
	}
	r->zones[r->nzones++] = z;
}

/* ---- the server object ---- */

struct dns_server *dns_server_new(const struct dns_server_cfg *cfg, struct errbuf *err)
{
	struct dns_server *srv = xcalloc(1, sizeof(*srv));
	srv->cfg = *cfg;
	srv->sim = cfg->node->net->sim;
	if (cfg->name)
		str_copy(srv->name, sizeof(srv->name), cfg->name);
	else
		snprintf(srv->name, sizeof(srv->name), "dns:%s", cfg->node->name);
	srv->cfg.name = srv->name;
	srv->tail = &srv->head;
	timer_init(srv->sim, &srv->serve, serve, srv);
	srv->us = udp_open(cfg->node, cfg->port, on_datagram, NULL, srv, err);
	if (!srv->us) {
		timer_destroy(srv->sim, &srv->serve);
		free(srv);
		return NULL;
	}
	struct tcp_config tc;
	tcp_config_default(&tc);
	srv->lst = tcp_socket(cfg->node, &tc, &listen_cbs, srv);
	int rc = tcp_bind(srv->lst, cfg->port);
	if (rc < 0) {
		err_set(err, "TCP port %u on %s: %s", cfg->port, cfg->node->name, tcp_strerror(rc));
		tcp_close(srv->lst);
		udp_close(srv->us);
		timer_destroy(srv->sim, &srv->serve);
		free(srv);
		return NULL;
	}
	tcp_listen(srv->lst, tc.backlog);
	struct dns_reg *r = dns_reg(srv->sim);
	if (r->nsrv == r->capsrv) {
		r->capsrv = r->capsrv ? r->capsrv * 2 : 8;
		r->srv = realloc(r->srv, (size_t)r->capsrv * sizeof(*r->srv));
		if (!r->srv)
			abort();
	}
	r->srv[r->nsrv++] = srv;
	return srv;
}

int dns_server_add_zone(struct dns_server *srv, struct dns_zone *z, struct errbuf *err)
{
	for (int i = 0; i < srv->nzones; i++)
		if (dns_name_eq(dns_zone_origin(srv->zones[i]), dns_zone_origin(z))) {
			char o[DNS_NAME_STRLEN];
			err_set(err, "%s serves a zone %s already", srv->name,
				dns_name_to_str(o, sizeof(o), dns_zone_origin(z)));
			return -1;
		}
	srv->zones = realloc(srv->zones, (size_t)(srv->nzones + 1) * sizeof(*srv->zones));
	if (!srv->zones)
		abort();
	srv->zones[srv->nzones++] = dns_zone_ref(z);
	return 0;
}

void dns_server_stats(const struct dns_server *srv, struct dns_server_stats *st)
{
	*st = srv->st;
}

/* Frees the server's memory.  Its sockets belong to the network, which
 * frees them with itself; at the end of a simulation it may be gone
 * already, so this touches no socket. */
static void server_free(struct dns_server *srv)
{
	while (srv->head) {
		struct job *j = srv->head;
		srv->head = j->next;
		free(j);
	}
	while (srv->conns) {
		struct tconn *c = srv->conns;
		srv->conns = c->next;
		conn_free(c);
	}
	for (int i = 0; i < srv->nzones; i++)
		dns_zone_unref(srv->zones[i]);
	free(srv->zones);
	timer_destroy(srv->sim, &srv->serve);
	free(srv);
}
