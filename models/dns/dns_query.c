/* A single DNS query from a node, as dig makes it: over UDP from an
 * ephemeral port with a random ID, EDNS(0) with a 1232-byte payload
 * (dig 9.16+), and when the answer comes back with TC, once more over TCP
 * with the 2-byte length prefix (RFC 1035 §4.2.2, RFC 7766 §5), unless
 * told to ignore TC.  An answer is accepted only from the server's address
 * and port and with the query's ID and question (RFC 5452 §9.1); others
 * are ignored.  Each attempt waits timeout_ns (dig +time, 5 s). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_priv.h"
#include "models/tcp/tcp.h"
#include "models/udp/udp.h"
#include "sim/rng.h"
#include "sim/util.h"

struct dns_query {
	struct dns_query_cfg cfg;
	struct sim *sim;
	struct dns_query *next;    /* in the registry's pending list */
	struct udp_sock *us;
	struct tcp_sock *ts;
	struct timer timeout;
	uint16_t id;
	simtime_t started;
	bool tc_retry;
	bool used_tcp;
	uint8_t q[512];            /* header, a name of at most 255, OPT */
	int qlen;
	size_t have, cap;
	uint8_t *rbuf;             /* TCP bytes read */
};

void dns_query_cfg_default(struct dns_query_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->port = DNS_PORT;
	c->qtype = DNS_T_A;
	c->edns_udp_size = DNS_EDNS_UDP_SIZE;
	c->timeout_ns = SIM_S(5);
}

static void unlink_query(struct dns_query *q)
{
	struct dns_reg *r = dns_reg(q->sim);
	for (struct dns_query **pp = &r->queries; *pp; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			return;
		}
}

static void query_free(struct dns_query *q)
{
	timer_destroy(q->sim, &q->timeout);
	free(q->rbuf);
	free(q);
}

void dns_query_free_all(struct dns_reg *r)
{
	while (r->queries) {
		struct dns_query *q = r->queries;
		r->queries = q->next;
		query_free(q);
	}
}

/* Reports and frees q (closing its sockets). */
static void finish(struct dns_query *q, int status, const uint8_t *ans, size_t len)
{
	struct dns_query_result res = { .status = status, .over_tcp = q->used_tcp,
					.tc_retry = q->tc_retry, .size = (uint32_t)len };
	res.rtt_ns = q->sim->now - q->started;
	dns_msg_init(&res.msg);
	if (status == DNS_Q_OK && dns_decode(&res.msg, ans, len) != DNS_OK)
		res.status = DNS_Q_MALFORMED;
	if (q->us)
		udp_close(q->us);
	if (q->ts)
		tcp_close(q->ts);
	q->us = NULL;
	q->ts = NULL;
	timer_cancel(&q->timeout);
	unlink_query(q);
	if (q->cfg.done)
		q->cfg.done(q->cfg.ctx, &res);
	dns_msg_free(&res.msg);
	query_free(q);
}

static void on_timeout(struct sim *s, void *obj)
{
	(void)s;
	finish(obj, DNS_Q_TIMEOUT, NULL, 0);
}

/* Is this the answer to our question (RFC 5452 §9.1)? */
static bool matches(const struct dns_query *q, const uint8_t *b, size_t len)
{
	if (len < DNS_HDR_LEN || dns_wire_id(b) != q->id || !(b[2] & 0x80))
		return false;
	/* the question section, byte for byte but for letter case */
	if (dns_wire_count(b, 0) != 1)
		return (b[3] & 0x0f) != 0; /* an error answer may omit it */
	size_t ql = (size_t)q->qlen, qend = DNS_HDR_LEN + q->cfg.name.len + 4u;
	if (len < qend || ql < qend)
		return false;
	for (size_t i = DNS_HDR_LEN; i < qend; i++) {
		uint8_t x = b[i], y = q->q[i];
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* ---- TCP ---- */

static void tcp_connected(struct tcp_sock *ts, void *ctx)
{
	struct dns_query *q = ctx;
	struct pbuf *b = pbuf_new(NULL, (uint32_t)q->qlen + 2);
	b->data[0] = (uint8_t)(q->qlen >> 8);
	b->data[1] = (uint8_t)q->qlen;
	memcpy(b->data + 2, q->q, (size_t)q->qlen);
	tcp_send(ts, b->len, b, 0); /* a query always fits an empty send buffer */
	pbuf_unref(b);
}

static void tcp_readable_cb(struct tcp_sock *ts, void *ctx)
{
	struct dns_query *q = ctx;
	uint64_t avail;
	while ((avail = tcp_readable(ts)) > 0) {
		size_t want = q->have + (size_t)(avail < 2 + DNS_MSG_MAX ? avail : 2 + DNS_MSG_MAX);
		if (want > q->cap) {
			q->cap = want < 512 ? 512 : want;
			q->rbuf = realloc(q->rbuf, q->cap);
			if (!q->rbuf)
				abort();
		}
		q->have += tcp_recv(ts, q->cap - q->have, q->rbuf + q->have);
		while (q->have >= 2) {
			size_t ml = (size_t)(q->rbuf[0] << 8 | q->rbuf[1]);
			if (q->have < 2 + ml)
				break;
			if (matches(q, q->rbuf + 2, ml)) {
				uint8_t *ans = xmalloc(ml ? ml : 1);
				memcpy(ans, q->rbuf + 2, ml);
				finish(q, DNS_Q_OK, ans, ml);
				free(ans);
				return;
			}
			memmove(q->rbuf, q->rbuf + 2 + ml, q->have - 2 - ml);
			q->have -= 2 + ml;
		}
	}
}

static void tcp_failed(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	(void)err;
	struct dns_query *q = ctx;
	q->ts = NULL; /* the stack frees it */
	finish(q, DNS_Q_UNREACHABLE, NULL, 0);
}

/* The server closed before answering: our side closes too (in finish). */
static void tcp_peer_closed_cb(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	finish(ctx, DNS_Q_UNREACHABLE, NULL, 0);
}

static const struct tcp_cb query_tcp_cbs = {
	.connected = tcp_connected, .readable = tcp_readable_cb, .error = tcp_failed,
	.peer_closed = tcp_peer_closed_cb,
};

static int start_tcp(struct dns_query *q, struct errbuf *err)
{
	struct tcp_config tc;
	tcp_config_default(&tc);
	q->used_tcp = true;
	q->ts = tcp_socket(q->cfg.from, &tc, &query_tcp_cbs, q);
	int rc = tcp_connect(q->ts, q->cfg.server, q->cfg.port);
	if (rc < 0) {
		err_set(err, "connect: %s", tcp_strerror(rc));
		tcp_close(q->ts);
		q->ts = NULL;
		return -1;
	}
	timer_arm(q->sim, &q->timeout, q->sim->now + q->cfg.timeout_ns);
	return 0;
}

/* ---- UDP ---- */

static void udp_answer(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct dns_query *q = ctx;
	if (p->ip.src != q->cfg.server || p->l4.udp.sport != q->cfg.port || !p->payload)
		return;
	const uint8_t *b = p->payload->data + p->payload_off;
	size_t len = p->payload_len;
	if (!matches(q, b, len))
		return;
	if (dns_wire_tc(b) && !q->cfg.ignore_tc) {
		struct errbuf err;
		udp_close(q->us);
		q->us = NULL;
		q->tc_retry = true;
		if (start_tcp(q, &err) < 0)
			finish(q, DNS_Q_UNREACHABLE, NULL, 0);
		return;
	}
	finish(q, DNS_Q_OK, b, len);
}

static void udp_icmp(struct udp_sock *us, const struct packet *icmp, void *ctx)
{
	(void)us;
	(void)icmp;
	finish(ctx, DNS_Q_UNREACHABLE, NULL, 0);
}

int dns_query_start(const struct dns_query_cfg *cfg, struct errbuf *err)
{
	struct dns_query *q = xcalloc(1, sizeof(*q));
	q->cfg = *cfg;
	q->sim = cfg->from->net->sim;
	q->started = q->sim->now;
	q->id = (uint16_t)rng_below(rng_stream(q->sim, "dns:query-id"), 65536);
	struct dns_msg m;
	dns_msg_query(&m, q->id, &cfg->name, cfg->qtype, cfg->rd, cfg->edns_udp_size);
	q->qlen = dns_encode(&m, q->q, sizeof(q->q));
	dns_msg_free(&m);
	timer_init(q->sim, &q->timeout, on_timeout, q);
	if (cfg->tcp) {
		if (start_tcp(q, err) < 0) {
			query_free(q);
			return -1;
		}
	} else {
		q->us = udp_open(cfg->from, 0, udp_answer, udp_icmp, q, err);
		if (!q->us) {
			query_free(q);
			return -1;
		}
		struct pbuf *b = pbuf_new(q->q, (uint32_t)q->qlen);
		udp_send(q->us, cfg->server, cfg->port, (uint32_t)q->qlen, b, 0);
		pbuf_unref(b);
		timer_arm(q->sim, &q->timeout, q->sim->now + cfg->timeout_ns);
	}
	struct dns_reg *r = dns_reg(q->sim);
	q->next = r->queries;
	r->queries = q;
	return 0;
}
