/* The app's callbacks, run after the stack has finished with a segment or
 * a timer, never from inside it.  A callback may call back into the stack
 * (send, close, abort, connect elsewhere); run from the middle of segment
 * processing it would find the socket half-updated, and whatever it did
 * would race with the rest of that processing.  So the stack works inside
 * tcp_enter/tcp_leave brackets (tcp_input, tcp_icmp_error, every timer),
 * queues what the app is to hear, and tcp_leave runs the queue once the
 * outermost bracket closes: as Linux wakes a socket's owner, which runs
 * after softirq processing is done.
 *
 * Each callback is decided again when it runs: a socket the app closed
 * (orphan) hears nothing more, "readable" needs bytes still unread,
 * "writable" room still free, and "accept" a listener still listening
 * (else the child is reset, as a connection nobody accepts).  Outside any
 * bracket (an API call from the app itself) a callback runs at once. */
#include "tcp_priv.h"

#include <stdlib.h>

#include "sim/util.h"

enum { APP_CONNECTED, APP_ACCEPT, APP_READABLE, APP_WRITABLE, APP_PEER_CLOSED, APP_ERROR, APP_CLOSED };

struct tcp_app_ev {
	struct tcp_sock *tp;
	struct tcp_sock *listener; /* APP_ACCEPT */
	uint8_t kind;
	int err;                   /* APP_ERROR */
};

static void run_one(const struct tcp_app_ev *e)
{
	struct tcp_sock *tp = e->tp;
	if (e->kind == APP_READABLE || e->kind == APP_WRITABLE)
		tp->app_queued &= (uint8_t)~(1u << e->kind);
	if (e->kind == APP_ACCEPT) {
		struct tcp_sock *l = e->listener;
		if (tp->orphan || tp->freed)
			return;
		if (l->state == TCP_LISTEN && !l->orphan && !l->freed && l->cb.accept)
			l->cb.accept(l, tp, l->ctx);
		else
			tcp_abort(tp); /* nobody to accept it: the connection is reset */
		return;
	}
	if (tp->orphan)
		return;
	switch (e->kind) {
	case APP_CONNECTED:
		if (tp->cb.connected)
			tp->cb.connected(tp, tp->ctx);
		break;
	case APP_READABLE:
		if (tp->cb.readable && tp->rcvq.bytes)
			tp->cb.readable(tp, tp->ctx);
		break;
	case APP_WRITABLE:
		if (!tp->shut_wr && tp->cb.writable && tcp_send_space(tp) &&
		    (tp->state == TCP_ESTABLISHED || tp->state == TCP_CLOSE_WAIT))
			tp->cb.writable(tp, tp->ctx);
		break;
	case APP_PEER_CLOSED:
		if (tp->cb.peer_closed)
			tp->cb.peer_closed(tp, tp->ctx);
		break;
	case APP_ERROR:
		if (tp->cb.error)
			tp->cb.error(tp, e->err, tp->ctx);
		break;
	case APP_CLOSED:
		if (tp->cb.closed)
			tp->cb.closed(tp, tp->ctx);
		break;
	}
}

static void queue(struct tcp_sock *tp, uint8_t kind, int err, struct tcp_sock *listener)
{
	struct tcp_stack *st = tp->stack;
	struct tcp_app_ev e = { tp, listener, kind, err };
	if (!st->depth) {
		run_one(&e);
		return;
	}
	xgrow((void **)&st->appq, &st->appcap, st->applen + 1, sizeof(*st->appq));
	st->appq[st->applen++] = e;
	tp->app_pending++;
}

struct tcp_ack_later {
	struct tcp_sock *tp;
	uint64_t segs_out;  /* handshake: segments sent when it was decided */
	bool handshake, now;
};

void tcp_ack_after_app(struct tcp_sock *tp, bool handshake, bool now)
{
	struct tcp_stack *st = tp->stack;
	if (!st->depth || (!handshake && !tp->app_pending)) {
		/* no callback between the segment and its ACK: decide now (the
		 * handshake's ACK always waits for what the caller sends next) */
		if (!handshake)
			tcp_ack_snd_check(tp, now);
		else
			tcp_send_ack(tp);
		return;
	}
	xgrow((void **)&st->ackq, &st->ackcap, st->acklen + 1, sizeof(*st->ackq));
	st->ackq[st->acklen++] = (struct tcp_ack_later){ tp, tp->segs_out, handshake, now };
}

void tcp_enter(struct tcp_stack *st)
{
	st->depth++;
}

void tcp_leave(struct tcp_stack *st)
{
	if (--st->depth)
		return;
	/* callbacks may queue more (through a nested tcp_input on a local
	 * route): run until the queue is empty, in order */
	while (st->apphead < st->applen || st->acklen) {
		while (st->apphead < st->applen) {
			struct tcp_app_ev e = st->appq[st->apphead++];
			e.tp->app_pending--;
			run_one(&e);
		}
		st->apphead = st->applen = 0;
		/* then the ACKs that waited for the app */
		for (size_t i = 0; i < st->acklen; i++) {
			struct tcp_ack_later a = st->ackq[i];
			if (a.tp->freed || a.tp->state == TCP_CLOSED)
				continue;
			if (!a.handshake)
				tcp_ack_snd_check(a.tp, a.now);
			else if (a.tp->segs_out == a.segs_out)
				tcp_send_ack(a.tp);
		}
		st->acklen = 0;
	}
}

void tcp_app_free(struct tcp_stack *st)
{
	free(st->appq);
	free(st->ackq);
	st->appq = NULL;
	st->ackq = NULL;
	st->applen = st->apphead = st->appcap = st->acklen = st->ackcap = 0;
}

void tcp_app_connected(struct tcp_sock *tp)
{
	if (!tp->orphan)
		queue(tp, APP_CONNECTED, 0, NULL);
}

void tcp_app_accept(struct tcp_sock *listener, struct tcp_sock *child)
{
	queue(child, APP_ACCEPT, 0, listener);
}

void tcp_app_readable(struct tcp_sock *tp)
{
	if (tp->orphan || !tp->rcvq.bytes || (tp->app_queued & (1u << APP_READABLE)))
		return;
	if (tp->stack->depth)
		tp->app_queued |= 1u << APP_READABLE;
	queue(tp, APP_READABLE, 0, NULL);
}

void tcp_app_writable(struct tcp_sock *tp)
{
	if (tp->orphan || (tp->app_queued & (1u << APP_WRITABLE)))
		return;
	if (tp->stack->depth)
		tp->app_queued |= 1u << APP_WRITABLE;
	queue(tp, APP_WRITABLE, 0, NULL);
}

void tcp_app_peer_closed(struct tcp_sock *tp)
{
	if (!tp->orphan)
		queue(tp, APP_PEER_CLOSED, 0, NULL);
}

void tcp_app_error(struct tcp_sock *tp, int err)
{
	if (!tp->orphan)
		queue(tp, APP_ERROR, err, NULL);
}

/* closed() fires once: on entering TIME_WAIT or CLOSED, whichever first. */
void tcp_app_closed(struct tcp_sock *tp)
{
	if (tp->orphan || tp->closed_told)
		return;
	tp->closed_told = true;
	queue(tp, APP_CLOSED, 0, NULL);
}
