/* The HTTP transport over plain TCP, and the staging that turns a message
 * written in pieces into one push (see http_xport.h).  The TLS ops live in
 * http_xport_tls.c once models/tls is there. */
#include "http_xport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tls/tls.h"
#include "sim/packet.h"
#include "sim/sim.h"
#include "sim/util.h"

static struct sim *xp_sim(const struct http_xport *x)
{
	return tcp_node(x->ts)->net->sim;
}

/* ---- plain TCP ---- */

static int64_t tcp_ops_send(struct http_xport *x, uint64_t len, struct pbuf *data, uint32_t off, bool more)
{
	return more ? tcp_send_more(x->ts, len, data, off) : tcp_send(x->ts, len, data, off);
}
static uint64_t tcp_ops_recv(struct http_xport *x, uint64_t max, uint8_t *out) { return tcp_recv(x->ts, max, out); }
static uint64_t tcp_ops_readable(const struct http_xport *x) { return tcp_readable(x->ts); }
static uint64_t tcp_ops_space(const struct http_xport *x) { return tcp_send_space(x->ts); }
static void tcp_ops_close(struct http_xport *x) { tcp_close(x->ts); }
static void tcp_ops_abort(struct http_xport *x) { tcp_abort(x->ts); }

static const struct http_xport_ops xp_tcp_ops = {
	.name = "tcp", .send = tcp_ops_send, .recv = tcp_ops_recv, .readable = tcp_ops_readable,
	.send_space = tcp_ops_space, .close = tcp_ops_close, .abort = tcp_ops_abort,
};

static void xt_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	if (x->gone)
		return;
	x->t_tcp_up = x->t_up = xp_sim(x)->now;
	x->up = true;
	if (x->cb->up)
		x->cb->up(x, x->ctx);
}

static void xt_readable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	if (!x->gone && x->cb->readable)
		x->cb->readable(x, x->ctx);
}

static void xt_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	xp_flush_pending(x);
	if (!x->gone && x->cb->writable)
		x->cb->writable(x, x->ctx);
}

static void xt_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	if (!x->gone && x->cb->peer_closed)
		x->cb->peer_closed(x, x->ctx);
}

static void xt_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	if (x->gone)
		return;
	snprintf(x->errmsg, sizeof(x->errmsg), "%s%s", x->up ? "" : "connect: ", tcp_strerror(err));
	if (x->cb->error)
		x->cb->error(x, x->errmsg, x->ctx);
}

/* The socket is gone (after an error, or both FINs): as an error if the
 * app still held it, so the owner always hears the end. */
static void xt_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct http_xport *x = ctx;
	if (x->gone)
		return;
	if (x->cb->error)
		x->cb->error(x, x->up ? "closed" : "connect: closed", x->ctx);
}

static const struct tcp_cb xt_cbs = {
	.connected = xt_connected, .readable = xt_readable, .writable = xt_writable,
	.peer_closed = xt_peer_closed, .error = xt_error, .closed = xt_closed,
};

static void xp_init(struct http_xport *x, const struct http_xport_cb *cb, void *ctx)
{
	memset(x, 0, sizeof(*x));
	x->ops = &xp_tcp_ops;
	x->cb = cb;
	x->ctx = ctx;
	x->t_start = x->t_tcp_up = x->t_up = -1;
}

static void early_up_ev(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct http_xport *x = obj;
	if (x->gone || x->up)
		return;
	snprintf(x->alpn, sizeof(x->alpn), "%s", x->early_alpn);
	x->t_up = s->now;
	x->up = true;
	if (x->cb->up)
		x->cb->up(x, x->ctx);
}

int xp_connect(struct http_xport *x, struct node *nd, const struct tcp_config *tcfg, uint32_t addr,
	       uint16_t port, const struct tls_config *tls, const char *sni, const char *const *alpn,
	       const char *early_alpn, const struct http_xport_cb *cb, void *ctx)
{
	xp_init(x, cb, ctx);
	x->t_start = nd->net->sim->now;
	x->ts = tcp_socket(nd, tcfg, &xt_cbs, x);
	int rc = tcp_connect(x->ts, addr, port);
	if (rc == 0 && tls)
		rc = xp_tls_client(x, tls, sni, alpn, early_alpn); /* the ClientHello leaves when TCP is up */
	if (rc < 0) {
		x->gone = true;
		if (x->tls)
			tls_abort(x->tls);
		else
			tcp_close(x->ts);
		x->ts = NULL;
		x->tls = NULL;
		return rc;
	}
	if (x->early)
		sim_after(nd->net->sim, 0, early_up_ev, x, 0);
	return 0;
}

void xp_accept(struct http_xport *x, struct tcp_sock *child, const struct tls_config *tls,
	       const char *const *alpn, const struct http_xport_cb *cb, void *ctx)
{
	xp_init(x, cb, ctx);
	x->ts = child;
	x->server = true;
	x->t_start = x->t_tcp_up = x->t_up = xp_sim(x)->now;
	x->up = true;
	tcp_set_callbacks(child, &xt_cbs, x);
	if (tls && xp_tls_server(x, tls, alpn) < 0) {
		x->ops = &xp_tcp_ops;
		x->gone = true;
		tcp_abort(child);
		x->ts = NULL;
	}
}

/* ---- staging ---- */

static void stage_cut(struct http_xport *x)
{
	if (!x->stage_len)
		return;
	if (x->npieces == x->cap_pieces) {
		x->cap_pieces = x->cap_pieces ? x->cap_pieces * 2 : 8;
		x->pieces = xrealloc(x->pieces, (size_t)x->cap_pieces * sizeof(*x->pieces));
	}
	x->pieces[x->npieces++] = (struct xp_piece){ pbuf_new(x->stage, x->stage_len), x->stage_len };
	x->stage_len = 0;
}

void xp_write(struct http_xport *x, const void *data, uint32_t len)
{
	if (x->stage_len + (uint64_t)len > x->stage_cap) {
		uint32_t cap = x->stage_cap ? x->stage_cap : 1024;
		while (cap < x->stage_len + (uint64_t)len)
			cap *= 2;
		x->stage = xrealloc(x->stage, cap);
		x->stage_cap = cap;
	}
	memcpy(x->stage + x->stage_len, data, len);
	x->stage_len += len;
	x->staged += len;
}

void xp_write_zeros(struct http_xport *x, uint64_t len)
{
	if (!len)
		return;
	stage_cut(x);
	if (x->npieces && !x->pieces[x->npieces - 1].buf) {
		x->pieces[x->npieces - 1].len += len;
	} else {
		if (x->npieces == x->cap_pieces) {
			x->cap_pieces = x->cap_pieces ? x->cap_pieces * 2 : 8;
			x->pieces = xrealloc(x->pieces, (size_t)x->cap_pieces * sizeof(*x->pieces));
		}
		x->pieces[x->npieces++] = (struct xp_piece){ NULL, len };
	}
	x->staged += len;
}

static void drop_pieces(struct http_xport *x)
{
	for (int i = 0; i < x->npieces; i++)
		if (x->pieces[i].buf)
			pbuf_unref(x->pieces[i].buf);
	x->npieces = 0;
	x->stage_len = 0;
	x->staged = 0;
}

/* Over TLS every send is a record and leaves at once (there is no "more"),
 * so runs of small pieces are joined into one buffer of at most a record's
 * plaintext (16384 bytes, RFC 8446 §5.1) first: a response head and a small
 * body, or many h2 frames, then share records and segments as they would
 * in OpenSSL's write buffer. */
static void join_small_pieces(struct http_xport *x)
{
	int out = 0;
	for (int i = 0; i < x->npieces;) {
		uint64_t total = 0;
		int j = i;
		while (j < x->npieces && total + x->pieces[j].len <= 16384)
			total += x->pieces[j++].len;
		if (j - i < 2) {
			x->pieces[out++] = x->pieces[i++];
			continue;
		}
		struct pbuf *b = pbuf_new(NULL, (uint32_t)total); /* zeros */
		uint32_t off = 0;
		for (int k = i; k < j; k++) {
			if (x->pieces[k].buf) {
				memcpy(b->data + off, x->pieces[k].buf->data, x->pieces[k].len);
				pbuf_unref(x->pieces[k].buf);
			}
			off += (uint32_t)x->pieces[k].len;
		}
		x->pieces[out++] = (struct xp_piece){ b, total };
		i = j;
	}
	x->npieces = out;
}

/* Hands the pieces to the transport in order.  What it does not take (a
 * full send buffer; over TLS, record overhead that send_space could not
 * foresee) stays queued, first in line, and goes out from the writable
 * callback: bytes of a stream are never dropped, or an h2 connection would
 * read garbage. */
bool xp_push(struct http_xport *x)
{
	stage_cut(x);
	if (x->gone || !x->ts) {
		drop_pieces(x);
		return false;
	}
	if (x->tls && x->npieces > 1)
		join_small_pieces(x);
	int i = 0;
	for (; i < x->npieces; i++) {
		struct xp_piece *p = &x->pieces[i];
		bool more = i + 1 < x->npieces;
		int64_t n = x->ops->send(x, p->len, p->buf, 0, more);
		if (n < 0) {
			drop_pieces(x);
			return false;
		}
		x->staged -= (uint64_t)n;
		if ((uint64_t)n < p->len) {
			/* keep the unsent tail as a piece of its own */
			if (p->buf) {
				struct pbuf *rest = pbuf_new(p->buf->data + n, (uint32_t)(p->len - (uint64_t)n));
				pbuf_unref(p->buf);
				p->buf = rest;
			}
			p->len -= (uint64_t)n;
			break;
		}
		if (p->buf)
			pbuf_unref(p->buf);
	}
	if (i < x->npieces)
		memmove(x->pieces, x->pieces + i, (size_t)(x->npieces - i) * sizeof(*x->pieces));
	x->npieces -= i;
	return true;
}

/* For the transports' writable callbacks: what is still queued goes first. */
void xp_flush_pending(struct http_xport *x)
{
	if (x->npieces && !x->gone && x->ts)
		xp_push(x);
}

uint64_t xp_space(const struct http_xport *x)
{
	if (x->gone || !x->ts)
		return 0;
	uint64_t s = x->ops->send_space(x);
	return s > x->staged ? s - x->staged : 0;
}

uint64_t xp_recv(struct http_xport *x, uint64_t max, uint8_t *out)
{
	return x->gone || !x->ts ? 0 : x->ops->recv(x, max, out);
}

uint64_t xp_readable(const struct http_xport *x)
{
	return x->gone || !x->ts ? 0 : x->ops->readable(x);
}

static void xp_release(struct http_xport *x)
{
	drop_pieces(x);
	free(x->pieces);
	free(x->stage);
	x->pieces = NULL;
	x->stage = NULL;
	x->stage_cap = 0;
	x->cap_pieces = 0;
	x->gone = true;
	x->ts = NULL;
}

void xp_close(struct http_xport *x)
{
	if (x->gone || !x->ts) {
		xp_release(x);
		return;
	}
	x->gone = true;
	x->ops->close(x);
	xp_release(x);
}

void xp_abort(struct http_xport *x)
{
	if (x->gone || !x->ts) {
		xp_release(x);
		return;
	}
	x->gone = true;
	x->ops->abort(x);
	xp_release(x);
}

void xp_abandon(struct http_xport *x)
{
	xp_release(x);
}
