/* The direct channel: two peers joined by a reliable, in-order pipe with a
 * fixed one-way delay that carries UPDATEs in the speaker's own form (the
 * interned attributes are shared, nothing is encoded).  No TCP, no link,
 * no packets: the transport for runs over the whole Internet's AS graph,
 * where a message's bytes matter less than its count and its timing.  The
 * session comes up one delay after both ends start (standing in for the
 * OPEN/KEEPALIVE exchange) and fails as a link with fast failure detection
 * would: at once at both ends, losing what was in flight.
 * The session layer's own channel (bgp_session.h, BGP_TRANSPORT_CHANNEL)
 * encodes real messages instead; this one is the fast path. */
#include "bgp_chan.h"

#include <stdlib.h>
#include <string.h>

#include "bgp_speaker_priv.h"
#include "sim/util.h"

struct bgp_chan {
	struct bgp_peer *end[2];
	simtime_t delay;
	simtime_t last_at[2];     /* arrival time of the last message towards end[i] */
	uint32_t epoch;           /* bumped when the channel fails: in-flight messages die */
	bool up, started[2];
	int refs;
};

struct chmsg {
	struct bgp_chan *ch;
	int to;                   /* receiving end */
	uint32_t epoch;
	struct bgp_prefix *wd, *nlri;
	uint32_t nwd, nnlri;
	const struct bgp_rattr *attr;
};

static int side_of(const struct bgp_chan *ch, const struct bgp_peer *p)
{
	return ch->end[1] == p;
}

static void deliver(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct chmsg *m = obj;
	struct bgp_chan *ch = m->ch;
	struct bgp_peer *p = ch->end[m->to];
	if (p && ch->up && m->epoch == ch->epoch && p->up)
		bgp_peer_receive(p, m->wd, m->nwd, m->attr, m->nlri, m->nnlri);
	if (p)
		bgp_rattr_unref(&p->sp->w->attrs, m->attr);
	free(m->wd);
	free(m->nlri);
	free(m);
	if (--ch->refs == 0)
		free(ch);
}

static int ch_send(struct bgp_peer *p, const struct bgp_out_update *u)
{
	struct bgp_chan *ch = p->tx;
	if (!ch->up)
		return -1;
	int from = side_of(ch, p), to = 1 - from;
	struct sim *s = p->sp->w->sim;
	struct chmsg *m = xcalloc(1, sizeof(*m));
	m->ch = ch;
	m->to = to;
	m->epoch = ch->epoch;
	if (u->nwd) {
		m->wd = xmalloc(u->nwd * sizeof(*m->wd));
		memcpy(m->wd, u->wd, u->nwd * sizeof(*m->wd));
		m->nwd = u->nwd;
	}
	if (u->nnlri) {
		m->nlri = xmalloc(u->nnlri * sizeof(*m->nlri));
		memcpy(m->nlri, u->nlri, u->nnlri * sizeof(*m->nlri));
		m->nnlri = u->nnlri;
		m->attr = bgp_rattr_ref(u->attr);
	}
	simtime_t at = simtime_add_sat(s->now, ch->delay);
	if (at < ch->last_at[to])
		at = ch->last_at[to]; /* in order: never before the one sent earlier */
	ch->last_at[to] = at;
	ch->refs++;
	sim_at(s, at, deliver, m, 0);
	return 1;
}

static void come_up(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	struct bgp_chan *ch = obj;
	if (ch->up && (uint32_t)arg == ch->epoch)
		for (int i = 0; i < 2; i++)
			if (ch->end[i])
				bgp_peer_established(ch->end[i]);
	if (--ch->refs == 0)
		free(ch);
}

static void schedule_up(struct bgp_chan *ch, struct sim *s)
{
	ch->refs++;
	sim_at(s, simtime_add_sat(s->now, ch->delay), come_up, ch, ch->epoch);
}

static void ch_start(struct bgp_peer *p)
{
	struct bgp_chan *ch = p->tx;
	ch->started[side_of(ch, p)] = true;
	if (ch->up && ch->started[0] && ch->started[1] && !ch->end[0]->up)
		schedule_up(ch, p->sp->w->sim);
}

void bgp_chan_set_up(struct bgp_peer *p, bool up)
{
	struct bgp_chan *ch = p->tx;
	if (up == ch->up)
		return;
	ch->up = up;
	if (!up) {
		ch->epoch++;
		for (int i = 0; i < 2; i++)
			if (ch->end[i])
				bgp_peer_down(ch->end[i]);
		return;
	}
	ch->epoch++;
	if (ch->started[0] && ch->started[1])
		schedule_up(ch, p->sp->w->sim);
}

static void ch_stop(struct bgp_peer *p, uint8_t code, uint8_t subcode)
{
	(void)code;
	(void)subcode;
	bgp_chan_set_up(p, false);
}

static void ch_free(struct bgp_peer *p)
{
	struct bgp_chan *ch = p->tx;
	ch->end[side_of(ch, p)] = NULL;
	if (--ch->refs == 0)
		free(ch);
}

static const struct bgp_peer_ops chan_ops = {
	.name = "channel",
	.start = ch_start,
	.send = ch_send,
	.stop = ch_stop,
	.free = ch_free,
};

bool bgp_peer_is_chan(const struct bgp_peer *p)
{
	return p->ops == &chan_ops;
}

int bgp_chan_connect(struct bgp_speaker *a, struct bgp_peer_cfg *ca, struct bgp_speaker *b,
		     struct bgp_peer_cfg *cb, simtime_t delay, struct bgp_peer **pa, struct bgp_peer **pb)
{
	struct bgp_chan *ch = xcalloc(1, sizeof(*ch));
	ch->delay = delay;
	ch->up = true;
	ch->refs = 2;
	ca->remote_as = b->as;
	cb->remote_as = a->as;
	if (!ca->remote_id)
		ca->remote_id = b->router_id;
	if (!cb->remote_id)
		cb->remote_id = a->router_id;
	if (!ca->remote_addr)
		ca->remote_addr = b->router_id;
	if (!cb->remote_addr)
		cb->remote_addr = a->router_id;
	if (!ca->local_addr)
		ca->local_addr = cb->remote_addr;
	if (!cb->local_addr)
		cb->local_addr = ca->remote_addr;
	ch->end[0] = bgp_peer_add(a, ca, &chan_ops, ch);
	ch->end[1] = bgp_peer_add(b, cb, &chan_ops, ch);
	if (pa)
		*pa = ch->end[0];
	if (pb)
		*pb = ch->end[1];
	return 0;
}
