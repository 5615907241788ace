/* Route-flap damping, RFC 2439, on routes learned over eBGP: each
 * (peer, prefix) has a penalty that grows by a fixed amount at every
 * withdrawal (1000) and attribute change (500), and decays exponentially
 * with a half-life (15 min).  Above the suppress limit (2000) the route is
 * kept in the Adj-RIB-In but left out of the decision process until the
 * penalty has decayed below the reuse limit (750); the penalty is capped so
 * that no route stays suppressed longer than max-suppress (60 min) after
 * its last flap (RFC 2439 §4.2).  Defaults are FRR's (bgpd/bgp_damp.h,
 * DEFAULT_HALF_LIFE, DEFAULT_REUSE, DEFAULT_SUPPRESS, DEFAULT_PENALTY),
 * which also adds half a penalty for an attribute change. */
#include <math.h>
#include <stdlib.h>

#include "bgp_speaker_priv.h"
#include "sim/record.h"
#include "sim/util.h"

struct damp_ent {
	struct bgp_prefix pfx;
	bool used, suppressed, timer;
	double penalty;           /* at time t */
	simtime_t t;
};

struct bgp_damp_tab {
	struct damp_ent *v;
	uint32_t cap, count;
};

void bgp_damp_cfg_default(struct bgp_damp_cfg *c)
{
	c->half_life = SIM_S(15 * 60);
	c->max_suppress = SIM_S(60 * 60);
	c->reuse = 750;
	c->suppress = 2000;
	c->withdraw_penalty = 1000;
	c->change_penalty = 500;
}

static uint32_t hash(struct bgp_prefix p)
{
	return (uint32_t)(((uint64_t)p.addr << 6 | p.len) * 0x9E3779B97F4A7C15ull >> 32);
}

static struct damp_ent *lookup(struct bgp_damp_tab *t, struct bgp_prefix p, bool create)
{
	if (create && (t->count + 1) * 2 > t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 8;
		struct damp_ent *nv = xcalloc(ncap, sizeof(*nv));
		for (uint32_t i = 0; i < t->cap; i++) {
			if (!t->v[i].used)
				continue;
			uint32_t k = hash(t->v[i].pfx) & (ncap - 1);
			while (nv[k].used)
				k = (k + 1) & (ncap - 1);
			nv[k] = t->v[i];
		}
		free(t->v);
		t->v = nv;
		t->cap = ncap;
	}
	if (!t->cap)
		return NULL;
	for (uint32_t k = hash(p) & (t->cap - 1);; k = (k + 1) & (t->cap - 1)) {
		struct damp_ent *e = &t->v[k];
		if (!e->used) {
			if (!create)
				return NULL;
			e->used = true;
			e->pfx = p;
			t->count++;
			return e;
		}
		if (e->pfx.addr == p.addr && e->pfx.len == p.len)
			return e;
	}
}

static double decayed(const struct bgp_damp_cfg *c, const struct damp_ent *e, simtime_t now)
{
	return e->penalty * exp2(-(double)(now - e->t) / (double)c->half_life);
}

/* A pending reuse check carries the peer as its object and the prefix
 * packed in its argument, so nothing is left to free if the run ends first. */
static uint64_t pack(struct bgp_prefix p) { return (uint64_t)p.addr << 8 | p.len; }
static struct bgp_prefix unpack(uint64_t a) { return (struct bgp_prefix){ (uint32_t)(a >> 8), (uint8_t)a }; }

static void schedule(struct bgp_peer *p, struct damp_ent *e);

static void reuse_check(struct sim *s, void *obj, uint64_t arg)
{
	struct bgp_peer *p = obj;
	struct bgp_prefix pfx = unpack(arg);
	const struct bgp_damp_cfg *c = p->sp->damp;
	struct damp_ent *e = p->damp ? lookup(p->damp, pfx, false) : NULL;
	if (!e)
		return;
	e->timer = false;
	if (!e->suppressed)
		return;
	if (decayed(c, e, s->now) > c->reuse * (1 + 1e-9)) {
		schedule(p, e); /* a flap since then pushed it further out */
		return;
	}
	e->suppressed = false;
	char pb[20];
	rec_log(s, p->sp->name, "bgp_damp", "%s from %s reused", bgp_prefix_fmt(pb, pfx), p->name);
	bgp_speaker_undamp(p, pfx);
}

static void schedule(struct bgp_peer *p, struct damp_ent *e)
{
	const struct bgp_damp_cfg *c = p->sp->damp;
	struct sim *s = p->sp->w->sim;
	double pen = decayed(c, e, s->now);
	double secs = pen > c->reuse ? log2(pen / c->reuse) * ((double)c->half_life / 1e9) : 0;
	e->timer = true;
	sim_at(s, simtime_add_sat(s->now, (simtime_t)ceil(secs * 1e9)), reuse_check, p, pack(e->pfx));
}

bool bgp_damp_event(struct bgp_peer *p, struct bgp_prefix pfx, bool withdraw, bool change)
{
	const struct bgp_damp_cfg *c = p->sp->damp;
	struct sim *s = p->sp->w->sim;
	if (!p->damp)
		p->damp = xcalloc(1, sizeof(*p->damp));
	struct damp_ent *e = lookup(p->damp, pfx, withdraw || change);
	if (!e)
		return false;
	double pen = decayed(c, e, s->now);
	if (withdraw)
		pen += c->withdraw_penalty;
	else if (change)
		pen += c->change_penalty;
	/* RFC 2439 §4.2: the ceiling keeps a route from staying suppressed
	 * longer than max-suppress after its last flap */
	double ceiling = c->reuse * exp2((double)c->max_suppress / (double)c->half_life);
	if (pen > ceiling)
		pen = ceiling;
	e->penalty = pen;
	e->t = s->now;
	if (!e->suppressed && pen >= c->suppress) {
		e->suppressed = true;
		char pb[20];
		rec_log(s, p->sp->name, "bgp_damp", "%s from %s suppressed (penalty %.0f)", bgp_prefix_fmt(pb, pfx),
			p->name, pen);
	}
	if (e->suppressed && !e->timer)
		schedule(p, e);
	return e->suppressed;
}

void bgp_damp_free(struct bgp_peer *p)
{
	if (p->damp)
		free(p->damp->v);
	free(p->damp);
	p->damp = NULL;
}
