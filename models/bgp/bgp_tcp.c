/* BGP over the simulated TCP (RFC 4271 §8: port 179).  Each node with BGP
 * sessions has one listener on port 179; a connection accepted there goes
 * to the session whose configured peer address is its remote address, or
 * is reset when there is none or the session does not take it (Idle, or
 * already holding an incoming connection).  Outgoing connections are
 * sockets from an ephemeral port bound to the session's local address
 * when it has one (FRR's update-source), so multi-hop iBGP between
 * addresses that are not on the link between the two works.  Messages are real bytes in pbufs, so
 * --pcap files decode in Wireshark; the IP precedence is Internetwork
 * Control (TOS 0xC0), as FRR sets on its BGP sockets (bgpd/bgp_network.c,
 * IPTOS_PREC_INTERNETCONTROL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_session_priv.h"
#include "models/net/net.h"
#include "models/tcp/tcp.h"
#include "sim/packet.h"
#include "sim/sim.h"
#include "sim/util.h"

#define BGP_TOS 0xC0

struct bgp_listener {
	struct node *nd;
	struct tcp_sock *ts;
	struct bgp_session *sessions;  /* linked by next_on_node */
	struct bgp_tcp_reg *reg;
};

struct bgp_tcp_reg {
	struct bgp_listener **v;
	size_t n, cap;
};

static void reg_destroy(void *p)
{
	struct bgp_tcp_reg *r = p;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	free(r);
}

static struct bgp_tcp_reg *reg_get(struct sim *s)
{
	struct bgp_tcp_reg *r = sim_ext_get(s, "bgp_tcp");
	if (!r) {
		r = xcalloc(1, sizeof *r);
		sim_ext_set(s, "bgp_tcp", r, reg_destroy);
	}
	return r;
}

static struct bgp_listener *listener_of(struct sim *sim, struct node *nd)
{
	struct bgp_tcp_reg *r = reg_get(sim);
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i]->nd == nd)
			return r->v[i];
	return NULL;
}

/* ---- connection callbacks ---- */

static void conn_flush(struct bgp_conn *c)
{
	while (c->ts && c->tx_head) {
		struct bgp_txbuf *b = c->tx_head;
		struct pbuf *pb = pbuf_new(b->data + b->off, b->len - b->off);
		int64_t n = tcp_send(c->ts, b->len - b->off, pb, 0);
		pbuf_unref(pb);
		if (n <= 0)
			return;
		b->off += (uint32_t)n;
		if (b->off < b->len)
			return;
		c->tx_head = b->next;
		if (!c->tx_head)
			c->tx_tail = NULL;
		free(b);
	}
}

static void on_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct bgp_conn *c = ctx;
	struct bgp_session *s = c->s;
	bgp_enter(s);
	if (c->state == BGP_CONNECT)
		bgp_conn_connected(c);
	bgp_leave(s);
}

static void on_readable(struct tcp_sock *ts, void *ctx)
{
	struct bgp_conn *c = ctx;
	struct bgp_session *s = c->s;
	uint8_t buf[BGP_MAX_MSG_LEN];
	bgp_enter(s);
	while (c->ts == ts && c->state >= BGP_OPENSENT) {
		uint64_t n = tcp_recv(ts, sizeof buf, buf);
		if (!n)
			break;
		bgp_conn_rx(c, buf, (size_t)n);
	}
	bgp_leave(s);
}

static void on_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct bgp_conn *c = ctx;
	conn_flush(c);
}

static void on_gone(struct bgp_conn *c, struct tcp_sock *ts, int err)
{
	struct bgp_session *s = c->s;
	bgp_enter(s);
	if (c->ts == ts)
		bgp_conn_transport_down(c, err);
	bgp_leave(s);
}

static void on_peer_closed(struct tcp_sock *ts, void *ctx) { on_gone(ctx, ts, 0); }
static void on_error(struct tcp_sock *ts, int err, void *ctx) { on_gone(ctx, ts, err); }
static void on_closed(struct tcp_sock *ts, void *ctx) { on_gone(ctx, ts, 0); }

static const struct tcp_cb conn_cbs = {
	.connected = on_connected,
	.readable = on_readable,
	.writable = on_writable,
	.peer_closed = on_peer_closed,
	.error = on_error,
	.closed = on_closed,
};

static void on_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct bgp_listener *li = ctx;
	uint32_t raddr = tcp_remote_addr(child);
	struct bgp_session *s = li->sessions;
	while (s && s->cfg.peer_addr != raddr)
		s = s->next_on_node;
	if (!s || !bgp_session_accepts(s)) {
		tcp_abort(child);       /* no such peer, or not now: reset */
		return;
	}
	bgp_enter(s);
	struct bgp_conn *c = &s->conn[BGP_CONN_IN];
	c->ts = child;
	c->state = BGP_CONNECT;
	tcp_set_callbacks(child, &conn_cbs, c);
	tcp_set_nodelay(child, s->cfg.tcp_nodelay);
	char name[80];
	snprintf(name, sizeof name, "bgp:%s:in", s->name);
	tcp_set_name(child, name);
	bgp_conn_connected(c);
	if (c->ts == child && tcp_readable(child))
		on_readable(child, c);
	bgp_leave(s);
}

static const struct tcp_cb listen_cbs = { .accept = on_accept };

/* ---- transport ops ---- */

int bgp_tcp_register(struct bgp_session *s, char *err, size_t errlen)
{
	struct bgp_listener *li = listener_of(s->sim, s->nd);
	if (!li) {
		struct tcp_config tc;
		tcp_config_default(&tc);
		tc.tos = BGP_TOS;
		li = xcalloc(1, sizeof *li);
		li->nd = s->nd;
		li->ts = tcp_socket(s->nd, &tc, &listen_cbs, li);
		if (!li->ts || tcp_bind(li->ts, BGP_PORT) < 0 || tcp_listen(li->ts, 64) < 0) {
			if (li->ts)
				tcp_close(li->ts);
			free(li);
			snprintf(err, errlen, "cannot listen on port %d of node %s", BGP_PORT,
				 s->nd->name);
			return -1;
		}
		char name[64];
		snprintf(name, sizeof name, "bgp:%s:listen", s->nd->name);
		tcp_set_name(li->ts, name);
		struct bgp_tcp_reg *r = reg_get(s->sim);
		xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v);
		r->v[r->n++] = li;
		li->reg = r;
	}
	for (struct bgp_session *o = li->sessions; o; o = o->next_on_node)
		if (o->cfg.peer_addr == s->cfg.peer_addr) {
			snprintf(err, errlen, "node %s already has a BGP session with that peer address",
				 s->nd->name);
			return -1;
		}
	s->next_on_node = li->sessions;
	li->sessions = s;
	return 0;
}

void bgp_tcp_unregister(struct bgp_session *s)
{
	struct bgp_tcp_reg *r = sim_ext_get(s->sim, "bgp_tcp");
	if (!r)
		return;
	struct bgp_listener *li = listener_of(s->sim, s->nd);
	if (!li)
		return;
	struct bgp_session **pp = &li->sessions;
	while (*pp && *pp != s)
		pp = &(*pp)->next_on_node;
	if (*pp)
		*pp = s->next_on_node;
	if (!li->sessions) {
		tcp_close(li->ts);
		for (size_t i = 0; i < r->n; i++)
			if (r->v[i] == li) {
				r->v[i] = r->v[--r->n];
				break;
			}
		free(li);
	}
}

void bgp_tcp_connect(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	struct tcp_config tc;
	tcp_config_default(&tc);
	tc.tos = BGP_TOS;
	tc.nagle = !s->cfg.tcp_nodelay;
	c->ts = tcp_socket(s->nd, &tc, &conn_cbs, c);
	if (!c->ts) {
		bgp_conn_transport_down(c, TCP_EINVAL);
		return;
	}
	char name[80];
	snprintf(name, sizeof name, "bgp:%s:out", s->name);
	tcp_set_name(c->ts, name);
	/* the configured local address (FRR's update-source): the peer knows
	 * us by it, whichever interface the route leaves by */
	int rc = s->cfg.local_addr ? tcp_bind_addr(c->ts, s->cfg.local_addr) : 0;
	if (rc == 0)
		rc = tcp_connect(c->ts, s->cfg.peer_addr, BGP_PORT);
	if (rc < 0 && c->state == BGP_CONNECT && c->ts)
		bgp_conn_transport_down(c, -rc);
}

void bgp_tcp_send(struct bgp_conn *c, const uint8_t *buf, size_t len)
{
	if (!c->ts || !len)
		return;
	size_t off = 0;
	if (!c->tx_head) {
		struct pbuf *pb = pbuf_new(buf, (uint32_t)len);
		int64_t n = tcp_send(c->ts, len, pb, 0);
		pbuf_unref(pb);
		if (n < 0)
			return;
		off = (size_t)n;
		if (off == len)
			return;
	}
	struct bgp_txbuf *b = xmalloc(sizeof *b + len - off);
	b->next = NULL;
	b->len = (uint32_t)(len - off);
	b->off = 0;
	memcpy(b->data, buf + off, len - off);
	if (c->tx_tail)
		c->tx_tail->next = b;
	else
		c->tx_head = b;
	c->tx_tail = b;
}

void bgp_tcp_close(struct bgp_conn *c, bool graceful)
{
	struct tcp_sock *ts = c->ts;
	if (!ts)
		return;
	c->ts = NULL;
	if (graceful) {
		/* unread input would turn the close into a reset (RFC 9293
		 * §3.10.4): it is of no use any more */
		while (tcp_recv(ts, UINT64_MAX, NULL))
			;
		/* what TCP did not take yet: as much as fits now */
		while (c->tx_head) {
			struct bgp_txbuf *b = c->tx_head;
			struct pbuf *pb = pbuf_new(b->data + b->off, b->len - b->off);
			int64_t n = tcp_send(ts, b->len - b->off, pb, 0);
			pbuf_unref(pb);
			if (n < (int64_t)(b->len - b->off))
				break;
			c->tx_head = b->next;
			free(b);
		}
		tcp_close(ts);
	} else {
		tcp_abort(ts);
	}
}
