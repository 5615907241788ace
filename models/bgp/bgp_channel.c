/* The channel transport: a reliable, in-order pipe with a fixed one-way
 * delay between two BGP sessions, with no TCP, no links and no packets
 * (issue 10's whole-Internet mode).  It carries the same encoded messages
 * as the TCP transport, through the same framing, decoder and FSM, so the
 * speaker above cannot tell the two apart.
 *
 * A connection is opened as TCP's would be, in miniature: the initiator
 * sends SYN(id); the other end, if its session takes connections (not
 * Idle, no incoming one yet), answers SYNACK(id) and is connected at once;
 * the initiator is connected when the SYNACK arrives (one round trip), or
 * fails on RST(id).  Closing sends FIN(id) after the data; an abort sends
 * RST(id).  Both ends may open at the same time: two connections, settled
 * by collision detection as over TCP.  While the channel is down every
 * message in flight is lost, both ends see their connections fail at once
 * (as a link failure detected by BFD), and new SYNs are lost, so the
 * ConnectRetry timer paces the attempts. */
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_session_priv.h"
#include "sim/sim.h"
#include "sim/util.h"

enum { CH_SYN, CH_SYNACK, CH_DATA, CH_FIN, CH_RST };

struct chan_msg {
	struct chan_msg *next;
	simtime_t at;
	uint32_t conn_id;
	uint32_t len;
	uint8_t kind;
	uint8_t data[];
};

struct chan_dir {
	struct bgp_bytechan *ch;
	int to;                        /* index of the receiving end */
	struct chan_msg *head, *tail;
	struct timer t;
};

struct bgp_bytechan {
	struct sim *sim;
	struct bgp_session *end[2];
	struct chan_dir dir[2];        /* dir[i]: towards end[i] */
	simtime_t delay;
	uint32_t next_id;
	bool up;
};

static int end_of(const struct bgp_bytechan *ch, const struct bgp_session *s)
{
	return ch->end[0] == s ? 0 : 1;
}

static void dir_clear(struct chan_dir *d)
{
	while (d->head) {
		struct chan_msg *m = d->head;
		d->head = m->next;
		free(m);
	}
	d->tail = NULL;
	timer_cancel(&d->t);
}

static void bytechan_free(struct bgp_bytechan *ch)
{
	for (int i = 0; i < 2; i++) {
		dir_clear(&ch->dir[i]);
		timer_destroy(ch->sim, &ch->dir[i].t);
	}
	free(ch);
}

/* Queues a message from `from` to the other end. */
static void chan_put(struct bgp_bytechan *ch, int from, uint8_t kind, uint32_t id,
		     const uint8_t *data, size_t len)
{
	if (!ch->up || !ch->end[1 - from])
		return;
	struct chan_dir *d = &ch->dir[1 - from];
	struct chan_msg *m = xmalloc(sizeof *m + len);
	m->next = NULL;
	m->at = ch->sim->now + ch->delay;
	m->conn_id = id;
	m->len = (uint32_t)len;
	m->kind = kind;
	if (len)
		memcpy(m->data, data, len);
	if (d->tail)
		d->tail->next = m;
	else
		d->head = m;
	d->tail = m;
	if (!timer_pending(&d->t))
		timer_arm(ch->sim, &d->t, m->at);
}

static struct bgp_conn *conn_by_id(struct bgp_session *s, uint32_t id)
{
	for (int i = 0; i < 2; i++)
		if (s->conn[i].state != BGP_IDLE && s->conn[i].chan_id == id)
			return &s->conn[i];
	return NULL;
}

static void deliver(struct bgp_bytechan *ch, int to, struct chan_msg *m)
{
	struct bgp_session *s = ch->end[to];
	if (!s)
		return;
	struct bgp_conn *c = conn_by_id(s, m->conn_id);
	switch (m->kind) {
	case CH_SYN:
		if (!bgp_session_accepts(s)) {
			chan_put(ch, to, CH_RST, m->conn_id, NULL, 0);
			return;
		}
		c = &s->conn[BGP_CONN_IN];
		c->chan_id = m->conn_id;
		c->state = BGP_CONNECT;
		chan_put(ch, to, CH_SYNACK, m->conn_id, NULL, 0);
		bgp_conn_connected(c);
		break;
	case CH_SYNACK:
		if (c && c->state == BGP_CONNECT)
			bgp_conn_connected(c);
		else
			chan_put(ch, to, CH_RST, m->conn_id, NULL, 0);
		break;
	case CH_DATA:
		if (c && c->state >= BGP_OPENSENT)
			bgp_conn_rx(c, m->data, m->len);
		break;
	case CH_FIN:
	case CH_RST:
		if (c) {
			c->chan_id = 0;   /* nothing to send back on it */
			bgp_conn_transport_down(c, m->kind == CH_RST ? 104 : 0);
		}
		break;
	}
}

static void dir_due(struct sim *sim, void *obj)
{
	struct chan_dir *d = obj;
	struct bgp_bytechan *ch = d->ch;
	struct bgp_session *s = ch->end[d->to];
	if (s)
		bgp_enter(s);
	while (d->head && d->head->at <= sim->now) {
		struct chan_msg *m = d->head;
		d->head = m->next;
		if (!d->head)
			d->tail = NULL;
		deliver(ch, d->to, m);
		free(m);
		if (!ch->end[d->to] || (s && s->dead))
			break;
	}
	if (d->head)
		timer_arm(sim, &d->t, d->head->at);
	if (s)
		bgp_leave(s);   /* may free s, and with the other end gone, ch */
}

int bgp_channel_join(struct bgp_session *a, struct bgp_session *b)
{
	if (a == b || a->cfg.transport != BGP_TRANSPORT_CHANNEL ||
	    b->cfg.transport != BGP_TRANSPORT_CHANNEL || a->chan || b->chan || a->sim != b->sim)
		return -1;
	struct bgp_bytechan *ch = xcalloc(1, sizeof *ch);
	ch->sim = a->sim;
	ch->end[0] = a;
	ch->end[1] = b;
	ch->delay = a->cfg.channel_delay;
	ch->up = true;
	for (int i = 0; i < 2; i++) {
		ch->dir[i].ch = ch;
		ch->dir[i].to = i;
		timer_init(ch->sim, &ch->dir[i].t, dir_due, &ch->dir[i]);
	}
	a->chan = b->chan = ch;
	return 0;
}

void bgp_channel_set_up(struct bgp_session *a, bool up)
{
	struct bgp_bytechan *ch = a->chan;
	if (!ch || ch->up == up)
		return;
	ch->up = up;
	if (up)
		return;
	for (int i = 0; i < 2; i++)
		dir_clear(&ch->dir[i]);
	for (int e = 0; e < 2; e++) {
		struct bgp_session *s = ch->end[e];
		if (!s)
			continue;
		bgp_enter(s);
		for (int i = 0; i < 2; i++)
			if (s->conn[i].state != BGP_IDLE && s->conn[i].state != BGP_CONNECT) {
				s->conn[i].chan_id = 0;
				bgp_conn_transport_down(&s->conn[i], 0);
			}
		bgp_leave(s);
	}
}

void bgp_bytechan_connect(struct bgp_conn *c)
{
	struct bgp_bytechan *ch = c->s->chan;
	if (!ch)
		return;                 /* not joined yet: ConnectRetry tries again */
	c->chan_id = ++ch->next_id;
	chan_put(ch, end_of(ch, c->s), CH_SYN, c->chan_id, NULL, 0);
}

void bgp_bytechan_send(struct bgp_conn *c, const uint8_t *buf, size_t len)
{
	struct bgp_bytechan *ch = c->s->chan;
	if (ch && c->chan_id)
		chan_put(ch, end_of(ch, c->s), CH_DATA, c->chan_id, buf, len);
}

void bgp_bytechan_close(struct bgp_conn *c, bool graceful)
{
	struct bgp_bytechan *ch = c->s->chan;
	if (ch && c->chan_id)
		chan_put(ch, end_of(ch, c->s), graceful ? CH_FIN : CH_RST, c->chan_id, NULL, 0);
	c->chan_id = 0;
}

void bgp_bytechan_detach(struct bgp_session *s)
{
	struct bgp_bytechan *ch = s->chan;
	if (!ch)
		return;
	int e = end_of(ch, s);
	ch->end[e] = NULL;
	s->chan = NULL;
	/* messages towards the departed end are dropped on delivery */
	if (!ch->end[1 - e])
		bytechan_free(ch);
}
