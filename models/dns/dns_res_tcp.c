/* One DNS query over TCP with the RFC 1035 §4.2.2 length prefix; see
 * dns_res_tcp.h. */
#include "models/dns/dns_res_tcp.h"

#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp.h"
#include "sim/util.h"

struct dns_tcpq {
	struct tcp_sock *ts;
	dns_tcpq_fn fn;
	void *ctx;
	struct pbuf *query;    /* length prefix + message */
	uint8_t *buf;          /* the answer as it arrives */
	size_t len, cap;
	bool errored;          /* the stack reported an error; closed() follows and frees */
	int fail_err;          /* connect failed at once: reported by q_fail_now */
};

static void deliver(struct dns_tcpq *t, const uint8_t *msg, size_t len, int err)
{
	dns_tcpq_fn fn = t->fn;
	t->fn = NULL;
	if (fn)
		fn(t->ctx, msg, len, err);
}

static void finish(struct dns_tcpq *t)
{
	if (t->ts)
		tcp_close(t->ts);
	if (t->query)
		pbuf_unref(t->query);
	free(t->buf);
	free(t);
}

static void q_connected(struct tcp_sock *ts, void *ctx)
{
	struct dns_tcpq *t = ctx;
	tcp_send(ts, t->query->len, t->query, 0);
}

static void q_readable(struct tcp_sock *ts, void *ctx)
{
	struct dns_tcpq *t = ctx;
	uint64_t n = tcp_readable(ts);
	if (t->len + n > 2 + 65535)
		n = 2 + 65535 - t->len;
	if (t->len + n > t->cap) {
		t->cap = t->len + n;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf)
			abort();
	}
	t->len += tcp_recv(ts, n, t->buf + t->len);
	if (t->len < 2)
		return;
	size_t want = (size_t)(t->buf[0] << 8 | t->buf[1]);
	if (t->len < 2 + want)
		return;
	deliver(t, t->buf + 2, want, 0);
	finish(t);
}

static void q_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct dns_tcpq *t = ctx;
	deliver(t, NULL, 0, -1);
	finish(t);
}

static void q_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct dns_tcpq *t = ctx;
	t->errored = true;
	t->ts = NULL; /* the stack frees it; closed() follows */
	deliver(t, NULL, 0, err < 0 ? err : -err);
}

static void q_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct dns_tcpq *t = ctx;
	t->ts = NULL;
	deliver(t, NULL, 0, -1);
	finish(t);
}

static void q_fail_now(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct dns_tcpq *t = obj;
	deliver(t, NULL, 0, t->fail_err);
	finish(t);
}

static const struct tcp_cb q_cbs = {
	.connected = q_connected, .readable = q_readable, .peer_closed = q_peer_closed,
	.error = q_error, .closed = q_closed,
};

struct dns_tcpq *dns_tcpq_start(struct node *nd, uint32_t dst, uint16_t port, const uint8_t *query,
				size_t qlen, dns_tcpq_fn fn, void *ctx)
{
	struct dns_tcpq *t = xcalloc(1, sizeof(*t));
	t->fn = fn;
	t->ctx = ctx;
	uint8_t *b = xmalloc(qlen + 2);
	b[0] = (uint8_t)(qlen >> 8);
	b[1] = (uint8_t)qlen;
	memcpy(b + 2, query, qlen);
	t->query = pbuf_new(b, (uint32_t)qlen + 2);
	free(b);
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	t->ts = tcp_socket(nd, &cfg, &q_cbs, t);
	int rc = tcp_connect(t->ts, dst, port);
	if (rc < 0) {
		/* reported from an event, as promised (no route, no port) */
		tcp_abort(t->ts);
		t->ts = NULL;
		t->errored = true;
		t->fail_err = rc;
		sim_at(nd->net->sim, nd->net->sim->now, q_fail_now, t, 0);
	}
	return t;
}

void dns_tcpq_cancel(struct dns_tcpq *t)
{
	if (!t)
		return;
	t->fn = NULL;
	if (t->errored && t->ts == NULL)
		return; /* closed() will free it */
	finish(t);
}
