/* Segment-level TCP tests, after lwIP's test/unit/tcp/tcp_helper.c: node
 * "a" runs the TCP under test; node "b" is a fake peer whose transport is
 * this file: it records every segment a sends (the fake next hop) and
 * crafts the segments a receives, given straight to tcp_input.  A test
 * ends with th_finish, which aborts what is left, drains the network and
 * checks the packet pool holds nothing (no segment leaked).  Every step
 * asserts tcp_check on the sockets it touches.
 *
 * Static functions in a header, as the Makefile links one .c per test;
 * a test need not use them all. */
#pragma GCC diagnostic ignored "-Wunused-function"
#ifndef WL_TCP_HELPER_H
#define WL_TCP_HELPER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "models/net/net.h"
#include "models/tcp/tcp_priv.h"
#include "sim/packet.h"
#include "sim/sim.h"

#define TH_MAXSENT 4096

struct th {
	struct sim *s;
	struct net *n;
	struct node *a, *b;
	uint32_t a_addr, b_addr;
	struct packet *sent[TH_MAXSENT]; /* what a sent, oldest first */
	int nsent;
	/* the app on a */
	struct tcp_sock *accepted;
	int n_accepted, n_closed, n_error, n_peer_closed, last_error;
	bool in_callback;                 /* set while a callback runs */
	bool cb_inside_input;             /* a callback ran inside tcp_input */
	bool in_input;
};

static struct th *th_cur; /* the transport input has no context pointer */

static void th_input(struct node *nd, struct packet *p)
{
	struct th *w = th_cur;
	if (nd == w->b) {
		assert_true(w->nsent < TH_MAXSENT);
		w->sent[w->nsent++] = p;
		return;
	}
	w->in_input = true;
	tcp_input(nd, p);
	w->in_input = false;
}

/* A callback runs: the stack must have finished (no bracket open). */
static void th_cb_enter(struct th *w)
{
	struct tcp_stack *st = w->a->l4[L4_TCP];
	if (st && st->depth)
		w->cb_inside_input = true;
}

static void th_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct th *w = ctx;
	th_cb_enter(w);
	w->accepted = child;
	w->n_accepted++;
}
static void th_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct th *w = ctx;
	th_cb_enter(w);
	w->n_closed++;
}
static void th_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct th *w = ctx;
	th_cb_enter(w);
	w->n_error++;
	w->last_error = err;
}
static void th_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct th *w = ctx;
	th_cb_enter(w);
	w->n_peer_closed++;
}
static const struct tcp_cb th_cbs = {
	.accept = th_accept, .closed = th_closed, .error = th_error, .peer_closed = th_peer_closed,
};

/* A world: a and b joined by a 1 ms, 100 Mbit/s link. */
static void th_init(struct th *w, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->s = sim_new(seed);
	w->n = net_get(w->s);
	w->a = node_new(w->n, "a", false, NULL);
	w->b = node_new(w->n, "b", false, NULL);
	struct link_cfg lc = { .rate_bps = 100000000, .delay_ns = SIM_MS(1), .mtu = 1500 };
	link_new(w->n, w->a, w->b, &lc, NULL);
	w->a_addr = node_addr(w->a);
	w->b_addr = node_addr(w->b);
	th_cur = w;
}

/* After a's stack exists: its transport input becomes ours. */
static void th_hook(struct th *w)
{
	w->n->input[L4_TCP] = th_input;
}

static struct tcp_sock *th_socket(struct th *w, const struct tcp_config *cfg)
{
	struct tcp_sock *ts = tcp_socket(w->a, cfg, &th_cbs, w);
	th_hook(w);
	return ts;
}

static struct tcp_sock *th_listen(struct th *w, uint16_t port, const struct tcp_config *cfg)
{
	struct tcp_sock *l = th_socket(w, cfg);
	assert_int_equal(tcp_bind(l, port), 0);
	assert_int_equal(tcp_listen(l, 16), 0);
	return l;
}

/* Runs the simulation for d: a's segments reach b and are recorded. */
static void th_run(struct th *w, simtime_t d)
{
	sim_run(w->s, w->s->now + d);
}

static void th_clear(struct th *w)
{
	for (int i = 0; i < w->nsent; i++)
		pkt_free(w->s, w->sent[i]);
	w->nsent = 0;
}

/* Lets what a sent arrive; returns how many segments came. */
static int th_flush(struct th *w)
{
	th_run(w, SIM_MS(2));
	return w->nsent;
}

static const struct packet *th_last(const struct th *w)
{
	assert_true(w->nsent > 0);
	return w->sent[w->nsent - 1];
}

/* A segment from b:sport to a:dport. */
static struct packet *th_seg(struct th *w, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
			     uint8_t flags, uint32_t len)
{
	struct packet *p = pkt_alloc(w->s);
	p->ip.proto = IPPROTO_TCP_;
	p->ip.src = w->b_addr;
	p->ip.dst = w->a_addr;
	p->ip.ttl = 64;
	struct tcp_hdr *th = &p->l4.tcp;
	th->sport = sport;
	th->dport = dport;
	th->seq = seq;
	th->ack = ack;
	th->flags = flags;
	th->win = 65535;
	if (flags & TH_SYN) {
		th->opts |= TCPOPT_F_MSS;
		th->mss = 1460;
	}
	p->payload_len = len;
	pkt_set_len(p);
	return p;
}

static void th_ts(struct packet *p, uint32_t tsval, uint32_t tsecr)
{
	p->l4.tcp.opts |= TCPOPT_F_TS;
	p->l4.tcp.tsval = tsval;
	p->l4.tcp.tsecr = tsecr;
	pkt_set_len(p);
}

/* Gives a the segment, as its link would. */
static void th_give(struct th *w, struct packet *p)
{
	th_input(w->a, p);
}

static void th_send(struct th *w, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		    uint32_t len)
{
	th_give(w, th_seg(w, sport, dport, seq, ack, flags, len));
}

/* The peer's half of a passive open on listener l from port sport with
 * ISN peer_isn: SYN, a's SYN-ACK, ACK.  Returns the accepted socket; its
 * ISN is in *a_isn. */
static struct tcp_sock *th_accept_conn(struct th *w, struct tcp_sock *l, uint16_t sport, uint32_t peer_isn,
				       uint32_t *a_isn)
{
	uint16_t port = tcp_local_port(l);
	th_clear(w);
	th_send(w, sport, port, peer_isn, 0, TH_SYN, 0);
	assert_int_equal(th_flush(w), 1);
	const struct packet *sa = th_last(w);
	assert_int_equal(sa->l4.tcp.flags, TH_SYN | TH_ACK);
	assert_int_equal(sa->l4.tcp.ack, peer_isn + 1);
	*a_isn = sa->l4.tcp.seq;
	int before = w->n_accepted;
	th_send(w, sport, port, peer_isn + 1, *a_isn + 1, TH_ACK, 0);
	assert_int_equal(w->n_accepted, before + 1);
	th_clear(w);
	assert_int_equal(tcp_get_state(w->accepted), TCP_ESTABLISHED);
	tcp_check(w->accepted);
	return w->accepted;
}

/* Ends a test: every socket of a's stack is aborted, what is in flight
 * arrives, and the packet pool must be empty (lwIP's pool checks). */
static void th_finish(struct th *w)
{
	struct tcp_stack *st = w->a->l4[L4_TCP];
	if (st) {
		tcp_check_stack(st);
		for (struct tcp_sock *ts = st->all; ts; ts = ts->all_next)
			if (!ts->freed)
				tcp_abort(ts);
	}
	th_run(w, SIM_MS(10));
	th_clear(w);
	assert_int_equal(pkt_pool_in_use(w->s->pkts), 0);
	/* callbacks ran after tcp_input returned, never inside it */
	assert_false(w->cb_inside_input);
	sim_free(w->s);
	th_cur = NULL;
}

#endif
