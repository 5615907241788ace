/* The HTTP transport over TLS (models/tls/tls.h): the TLS connection takes
 * over the TCP socket's callbacks and carries the application bytes as
 * records; the handshake's ALPN result says which HTTP the connection
 * speaks.  HAR times: connect starts at the SYN, TCP is up when the
 * ClientHello leaves (tls_hs_info.started), the connection is secured at
 * handshake_done. */
#include "http_xport.h"

#include <stdio.h>
#include <string.h>

#include "models/tls/tls.h"
#include "sim/sim.h"

static struct tls_conn *tc_of(const struct http_xport *x) { return x->tls; }

/* tls_server may call back before it returns (bytes already queued): the
 * callbacks learn the connection from their argument */
static struct http_xport *xs_of(struct tls_conn *tc, void *ctx)
{
	struct http_xport *x = ctx;
	if (!x->tls && !x->gone)
		x->tls = tc;
	return x;
}

static int64_t tls_ops_send(struct http_xport *x, uint64_t len, struct pbuf *data, uint32_t off, bool more)
{
	(void)more;
	return tls_send(tc_of(x), len, data, off);
}
static uint64_t tls_ops_recv(struct http_xport *x, uint64_t max, uint8_t *out) { return tls_recv(tc_of(x), max, out); }
static uint64_t tls_ops_readable(const struct http_xport *x) { return tls_readable(tc_of(x)); }
static uint64_t tls_ops_space(const struct http_xport *x) { return tls_send_space(tc_of(x)); }
static void tls_ops_close(struct http_xport *x) { tls_close(tc_of(x)); }
static void tls_ops_abort(struct http_xport *x) { tls_abort(tc_of(x)); }

static const struct http_xport_ops xp_tls_ops = {
	.name = "tls", .send = tls_ops_send, .recv = tls_ops_recv, .readable = tls_ops_readable,
	.send_space = tls_ops_space, .close = tls_ops_close, .abort = tls_ops_abort,
};

static struct sim *xsim(const struct http_xport *x) { return tcp_node(x->ts)->net->sim; }

static void xs_done(struct tls_conn *tc, const struct tls_hs_info *hi, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (x->gone)
		return;
	x->tls_version = hi->version;
	x->tls_resumed = hi->resumed;
	if (!x->server)
		x->t_tcp_up = hi->started;
	if (x->up) {
		/* up early (0-RTT): the handshake must agree on the protocol */
		if (strcmp(x->alpn, hi->alpn) != 0 && x->cb->error) {
			snprintf(x->errmsg, sizeof(x->errmsg), "tls: ALPN '%.31s' after 0-RTT data as '%.31s'", hi->alpn,
				 x->alpn);
			x->cb->error(x, x->errmsg, x->ctx);
		}
		return;
	}
	snprintf(x->alpn, sizeof(x->alpn), "%s", hi->alpn);
	x->t_up = xsim(x)->now;
	x->up = true;
	if (x->cb->up)
		x->cb->up(x, x->ctx);
}

static void xs_readable(struct tls_conn *tc, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (x->gone)
		return;
	if (!x->up && x->server) {
		/* 0-RTT data before the client's Finished: the protocol is the
		 * one ALPN chose from the ClientHello */
		const struct tls_hs_info *hi = tls_info(tc);
		if (!hi->early_accepted)
			return;
		snprintf(x->alpn, sizeof(x->alpn), "%s", hi->alpn);
		x->up = true;
		if (x->cb->up)
			x->cb->up(x, x->ctx);
		return; /* up reads what is there */
	}
	if (x->up && x->cb->readable)
		x->cb->readable(x, x->ctx);
}

static void xs_writable(struct tls_conn *tc, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (x->up)
		xp_flush_pending(x);
	if (!x->gone && x->up && x->cb->writable)
		x->cb->writable(x, x->ctx);
}

static void xs_peer_closed(struct tls_conn *tc, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (x->gone)
		return;
	if (!x->up) {
		if (x->cb->error)
			x->cb->error(x, "tls: closed during the handshake", x->ctx);
		return;
	}
	if (x->cb->peer_closed)
		x->cb->peer_closed(x, x->ctx);
}

static void xs_error(struct tls_conn *tc, int err, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (x->gone)
		return;
	if (TLS_IS_ALERT(err))
		snprintf(x->errmsg, sizeof(x->errmsg), "tls: %s", tls_strerror(err));
	else
		snprintf(x->errmsg, sizeof(x->errmsg), "%s%s", x->t_tcp_up >= 0 || x->up ? "" : "connect: ",
			 tls_strerror(err));
	if (x->cb->error)
		x->cb->error(x, x->errmsg, x->ctx);
}

static void xs_closed(struct tls_conn *tc, void *ctx)
{
	struct http_xport *x = xs_of(tc, ctx);
	if (!x->gone && x->cb->error)
		x->cb->error(x, x->up ? "closed" : "tls: closed during the handshake", x->ctx);
}

static const struct tls_cb xs_cbs = {
	.handshake_done = xs_done, .readable = xs_readable, .writable = xs_writable,
	.peer_closed = xs_peer_closed, .error = xs_error, .closed = xs_closed,
};

static void set_alpn(struct tls_config *c, const char *const *alpn)
{
	c->alpn[0] = '\0';
	for (int i = 0; alpn && alpn[i]; i++) {
		size_t n = strlen(c->alpn);
		snprintf(c->alpn + n, sizeof(c->alpn) - n, "%s%s", i ? "," : "", alpn[i]);
	}
}

int xp_tls_client(struct http_xport *x, const struct tls_config *tls, const char *sni, const char *const *alpn,
		  const char *early_alpn)
{
	struct tls_config c = *tls;
	if (!c.server_name[0] && sni)
		snprintf(c.server_name, sizeof(c.server_name), "%s", sni);
	set_alpn(&c, alpn);
	struct node *nd = tcp_node(x->ts);
	if (early_alpn && c.early_data && c.resume && c.max_version == TLS_V13 &&
	    tls_cache_has(nd, c.server_name, nd->net->sim->now)) {
		x->early = true;
		snprintf(x->early_alpn, sizeof(x->early_alpn), "%s", early_alpn);
	}
	struct tls_conn *tc = tls_client(x->ts, &c, &xs_cbs, x);
	if (!tc)
		return -TCP_EINVAL;
	x->tls = tc;
	x->ops = &xp_tls_ops;
	x->t_tcp_up = -1;
	return 0;
}

int xp_tls_server(struct http_xport *x, const struct tls_config *tls, const char *const *alpn)
{
	struct tls_config c = *tls;
	set_alpn(&c, alpn);
	x->ops = &xp_tls_ops;
	x->server = true;
	x->up = false;
	struct tls_conn *tc = tls_server(x->ts, &c, &xs_cbs, x); /* may call back at once */
	if (!tc) {
		x->ops = NULL;
		return -TCP_EINVAL;
	}
	x->tls = tc;
	return 0;
}

bool xp_tls_available(void) { return true; }
