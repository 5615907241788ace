/* The speaker: input queue, import (loop detection, RFC 4456 checks,
 * Gao-Rexford LOCAL_PREF, policy, max-prefix), the decision process over
 * every destination that changed, and the forwarding-table install.  The
 * output side (export, MRAI, UPDATE packing) is bgp_export.c.  See
 * bgp_speaker.h; RFC 4271 §9 (UPDATE handling, §9.1 decision process). */
#include "bgp_speaker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_speaker_priv.h"
#include "models/net/net.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/util.h"

/* Gao-Rexford LOCAL_PREF bands: customer routes over peer routes over
 * provider routes (Gao and Rexford 2001, guideline A; the numbers are the
 * common operator choice, e.g. Caesar and Rexford, "BGP routing policies
 * in ISP networks", IEEE Network 2005, table 1 style). */
#define LP_CUSTOMER 300u
#define LP_PEER 200u
#define LP_PROVIDER 100u

/* A queued UPDATE, arrays owned. */
struct bgp_inmsg {
	struct bgp_inmsg *next;
	struct bgp_peer *peer;
	uint32_t gen;                 /* peer up-count when queued: stale after a flap */
	struct bgp_prefix *wd, *nlri;
	uint32_t nwd, nnlri;
	const struct bgp_rattr *attr;
};

const char *bgp_rel_name(enum bgp_rel r)
{
	switch (r) {
	case BGP_REL_NONE: return "none";
	case BGP_REL_CUSTOMER: return "customer";
	case BGP_REL_PEER: return "peer";
	case BGP_REL_PROVIDER: return "provider";
	case BGP_REL_LOCAL: return "local";
	}
	return "?";
}

/* ---- the world ---- */

static void world_free(void *p)
{
	struct bgp_world *w = p;
	for (size_t i = 0; i < w->nsp; i++) {
		struct bgp_speaker *sp = w->sp[i];
		while (sp->inq) {
			struct bgp_inmsg *m = sp->inq;
			sp->inq = m->next;
			bgp_rattr_unref(&w->attrs, m->attr);
			free(m->wd);
			free(m->nlri);
			free(m);
		}
		timer_destroy(w->sim, &sp->proc_timer);
		for (size_t k = 0; k < sp->npeers; k++) {
			struct bgp_peer *pr = sp->peers[k];
			timer_destroy(w->sim, &pr->mrai_timer);
			if (pr->ops && pr->ops->free)
				pr->ops->free(pr);
			bgp_damp_free(pr);
			bgp_policy_free(pr->import);
			bgp_policy_free(pr->export);
			free(pr->pending);
			free(pr);
		}
		bgp_table_free(&sp->rib, &w->attrs);
		free(sp->peers);
		free(sp->dirty);
		free(sp->kick);
		free(sp->damp);
		free(sp);
	}
	free(w->sp);
	free(w->cand);
	bgp_attr_table_free(&w->attrs);
	free(w);
}

struct bgp_world *bgp_world_get(struct sim *s)
{
	struct bgp_world *w = sim_ext_get(s, "bgp_speakers");
	if (w)
		return w;
	w = xcalloc(1, sizeof(*w));
	w->sim = s;
	bgp_attr_table_init(&w->attrs);
	w->jitter_rng = rng_stream(s, "bgp:mrai-jitter");
	w->m_best = rec_metric_def(s, "bgp_best", "bgp", "", REC_CAN_EVENT,
				   "a speaker's best route to a prefix changed (events)");
	w->m_fib = rec_metric_def(s, "bgp_fib", "bgp", "", REC_CAN_EVENT,
				  "a BGP route entered or left a node's forwarding table (events)");
	w->last_change = w->last_update = SIM_NEVER;
	sim_ext_set(s, "bgp_speakers", w, world_free);
	return w;
}

/* ---- speakers and peers ---- */

void bgp_speaker_cfg_default(struct bgp_speaker_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mrai_ebgp = SIM_S(30); /* RFC 4271 §10 */
	c->mrai_ibgp = SIM_S(5);
	c->jitter = true;
}

static void proc_run(struct sim *s, void *obj);

struct bgp_speaker *bgp_speaker_new(struct sim *s, const struct bgp_speaker_cfg *cfg, struct errbuf *err)
{
	if (cfg->as == 0) {
		err_set(err, "bgp speaker: AS 0 is reserved (RFC 7607)");
		return NULL;
	}
	struct bgp_world *w = bgp_world_get(s);
	struct bgp_speaker *sp = xcalloc(1, sizeof(*sp));
	sp->w = w;
	sp->node = cfg->node;
	if (cfg->name)
		str_copy(sp->name, sizeof(sp->name), cfg->name);
	else if (cfg->node)
		str_copy(sp->name, sizeof(sp->name), cfg->node->name);
	else
		snprintf(sp->name, sizeof(sp->name), "AS%u", cfg->as);
	sp->as = cfg->as;
	sp->router_id = cfg->router_id ? cfg->router_id : (cfg->node ? node_addr(cfg->node) : cfg->as);
	sp->cluster_id = cfg->cluster_id;
	sp->proc = cfg->proc;
	sp->dcfg = cfg->dcfg;
	sp->mrai_ebgp = cfg->mrai_ebgp;
	sp->mrai_ibgp = cfg->mrai_ibgp;
	sp->jitter = cfg->jitter;
	sp->mrai_withdrawals = cfg->mrai_withdrawals;
	if (cfg->damp) {
		sp->damp = xmalloc(sizeof(*sp->damp));
		*sp->damp = *cfg->damp;
	}
	bgp_table_init(&sp->rib);
	sp->inq_tail = &sp->inq;
	timer_init(s, &sp->proc_timer, proc_run, sp);
	sp->last_change = SIM_NEVER;
	sp->index = (uint32_t)w->nsp;
	xgrow((void **)&w->sp, &w->capsp, w->nsp + 1, sizeof(*w->sp));
	w->sp[w->nsp++] = sp;
	return sp;
}

void bgp_peer_cfg_default(struct bgp_peer_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mrai = -1;
	c->mrai_withdrawals = -1;
	c->nhs = true;
}

struct bgp_peer *bgp_peer_add(struct bgp_speaker *sp, const struct bgp_peer_cfg *cfg,
			      const struct bgp_peer_ops *ops, void *tx)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));
	p->sp = sp;
	p->idx = (uint32_t)sp->npeers;
	p->ops = ops;
	p->tx = tx;
	p->remote_as = cfg->remote_as;
	p->remote_id = cfg->remote_id;
	p->remote_addr = cfg->remote_addr;
	p->local_addr = cfg->local_addr;
	p->ibgp = cfg->remote_as == sp->as;
	p->rr_client = cfg->rr_client;
	p->nhs = cfg->nhs;
	p->rel = cfg->rel;
	p->import = cfg->import;
	p->export = cfg->export;
	p->max_prefix = cfg->max_prefix;
	p->mrai = cfg->mrai >= 0 ? cfg->mrai : p->ibgp ? sp->mrai_ibgp : sp->mrai_ebgp;
	p->mrai_withdrawals = cfg->mrai_withdrawals >= 0 ? cfg->mrai_withdrawals != 0 : sp->mrai_withdrawals;
	if (cfg->name)
		str_copy(p->name, sizeof(p->name), cfg->name);
	else
		snprintf(p->name, sizeof(p->name), "%s->AS%u", sp->name, cfg->remote_as);
	timer_init(sp->w->sim, &p->mrai_timer, bgp_mrai_expired, p);
	xgrow((void **)&sp->peers, &sp->cappeers, sp->npeers + 1, sizeof(*sp->peers));
	sp->peers[sp->npeers++] = p;
	return p;
}

/* ---- the decision process and the forwarding table ---- */

uint32_t bgp_speaker_igp_cost(const struct bgp_speaker *sp, uint32_t addr)
{
	if (!sp->node)
		return 0;
	const struct node *cur = sp->node;
	uint64_t cost = 0;
	for (size_t hops = 0; hops <= cur->net->nnodes; hops++) {
		if (node_has_addr(cur, addr))
			return cost > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)cost;
		const struct route *r = ip_route(cur, addr);
		if (!r || !r->out || !r->out->link->up)
			return UINT32_MAX;
		cost += r->out->link->cost;
		cur = r->out->link->end[1 - r->out->side]->node;
	}
	return UINT32_MAX; /* a forwarding loop */
}

static void mark_dirty(struct bgp_speaker *sp, struct bgp_dest *d)
{
	if (d->dirty)
		return;
	d->dirty = true;
	xgrow((void **)&sp->dirty, &sp->capdirty, sp->ndirty + 1, sizeof(*sp->dirty));
	sp->dirty[sp->ndirty++] = d;
}

static void fib_apply(struct sim *s, void *obj, uint64_t arg)
{
	struct bgp_speaker *sp = obj;
	struct bgp_dest *d = (struct bgp_dest *)(uintptr_t)arg;
	d->fib_pending = false;
	struct fib *f = &sp->node->fib;
	/* copies: fib_add may move the table's entries and the lookup memo */
	const struct route *cr = fib_get(f, d->pfx.addr, d->pfx.len);
	bool have = cr != NULL, cur_bgp = cr && cr->type == RT_BGP;
	struct iface *cur_out = cr ? cr->out : NULL, *out = NULL;
	if (d->best && d->best->peer) {
		const struct route *r = ip_route(sp->node, d->best->attr->next_hop);
		out = r ? r->out : NULL;
	}
	bool log = sp->log_best || rec_on(s, sp->w->m_fib);
	char pb[20];
	if (out && (!have || cur_bgp)) {
		if (have && cur_out == out)
			return;
		fib_add(f, d->pfx.addr, d->pfx.len, RT_BGP, out);
		d->in_fib = true;
		if (log)
			rec_log(s, sp->name, "bgp_fib", "%s via %s", bgp_prefix_fmt(pb, d->pfx), out->name);
	} else if (d->in_fib) {
		if (cur_bgp)
			fib_remove(f, d->pfx.addr, d->pfx.len);
		d->in_fib = false;
		if (log)
			rec_log(s, sp->name, "bgp_fib", "%s removed", bgp_prefix_fmt(pb, d->pfx));
	}
}

static void log_best(struct bgp_speaker *sp, struct bgp_dest *d, enum bgp_step why)
{
	char pb[20], path[512];
	bgp_prefix_fmt(pb, d->pfx);
	if (!d->best) {
		rec_log(sp->w->sim, sp->name, "bgp_best", "%s unreachable", pb);
		return;
	}
	bgp_aspath_fmt(path, sizeof(path), d->best->attr);
	rec_log(sp->w->sim, sp->name, "bgp_best", "%s path [%s] from %s (%s)", pb, path,
		d->best->peer ? d->best->peer->name : "local", bgp_step_name(why));
}

/* Runs the decision process on one destination; true if the choice changed. */
static bool decide(struct bgp_speaker *sp, struct bgp_dest *d)
{
	struct bgp_world *w = sp->w;
	size_t n = 0;
	for (struct bgp_path *p = d->paths; p; p = p->next) {
		uint32_t cost = 0;
		if (p->damped)
			continue; /* RFC 2439: suppressed routes are not candidates */
		if (p->peer && sp->node) {
			cost = bgp_speaker_igp_cost(sp, p->attr->next_hop);
			if (cost == UINT32_MAX)
				continue; /* §9.1.2: an unresolvable NEXT_HOP is excluded */
		}
		xgrow((void **)&w->cand, &w->capcand, n + 1, sizeof(*w->cand));
		struct bgp_cand *c = w->cand;
		c[n++] = (struct bgp_cand){
			.attr = p->attr,
			.local = !p->peer,
			.ebgp = p->peer && !p->peer->ibgp,
			.igp_cost = cost,
			.router_id = p->peer ? p->peer->remote_id : sp->router_id,
			.peer_addr = p->peer ? p->peer->remote_addr : 0,
			.ref = p,
		};
	}
	enum bgp_step why;
	int k = bgp_decide(w->cand, (int)n, &sp->dcfg, &why);
	struct bgp_path *best = k >= 0 ? w->cand[k].ref : NULL;
	d->best = best;
	struct bgp_peer *from = best ? best->peer : NULL;
	const struct bgp_rattr *attr = best ? best->attr : NULL;
	bool had = d->had_best;
	if (had == (best != NULL) && (!best || (from == d->best_from && attr == d->best_attr)))
		return false;
	bgp_rattr_unref(&sp->w->attrs, d->best_attr);
	d->best_attr = attr ? bgp_rattr_ref(attr) : NULL;
	d->best_from = from;
	d->had_best = best != NULL;
	d->best_changes++;
	sp->best_changes++;
	sp->last_change = sp->w->sim->now;
	sp->w->last_change = sp->w->sim->now;
	if (sp->log_best || rec_on(sp->w->sim, sp->w->m_best))
		log_best(sp, d, why);
	if (sp->node && !d->fib_pending && (d->in_fib || (best && best->peer))) {
		d->fib_pending = true;
		sim_at(sp->w->sim, simtime_add_sat(sp->w->sim->now, sp->proc.fib_delay), fib_apply, sp,
		       (uint64_t)(uintptr_t)d);
	}
	return true;
}

/* Decides every dirty destination, then hands the changes to the export side. */
void bgp_process_dirty(struct bgp_speaker *sp)
{
	for (size_t i = 0; i < sp->ndirty; i++) {
		struct bgp_dest *d = sp->dirty[i];
		d->dirty = false;
		if (decide(sp, d))
			bgp_export_dest(sp, d);
	}
	sp->ndirty = 0;
	bgp_export_kick(sp);
}

/* ---- import ---- */

/* The route as it enters the Adj-RIB-In, or NULL if it is to be treated as
 * a withdrawal (RFC 4271 §9.1.2: a path holding our own AS; RFC 4456 §8: our
 * ORIGINATOR_ID or CLUSTER_ID; or rejected by policy). */
static const struct bgp_rattr *import(struct bgp_peer *p, struct bgp_prefix pfx, const struct bgp_rattr *in)
{
	struct bgp_speaker *sp = p->sp;
	if (!p->ibgp && bgp_rattr_has_as(in, sp->as))
		return NULL;
	if (p->ibgp && in->originator_id == sp->router_id)
		return NULL;
	if (p->ibgp && sp->cluster_id)
		for (unsigned i = 0; i < in->ncluster; i++)
			if (in->cluster[i] == sp->cluster_id)
				return NULL;
	struct bgp_route_edit e;
	if (bgp_edit_init(&e, in) < 0)
		return NULL;
	if (!p->ibgp) {
		/* LOCAL_PREF is not carried over eBGP (§5.1.5); the session's
		 * relationship sets it, policy may override */
		e.a.has_local_pref = false;
		e.a.local_pref = 0;
		e.a.originator_id = 0;
		e.a.ncluster = 0;
		e.a.rel = (uint8_t)p->rel;
		switch (p->rel) {
		case BGP_REL_CUSTOMER: e.a.has_local_pref = true; e.a.local_pref = LP_CUSTOMER; break;
		case BGP_REL_PEER: e.a.has_local_pref = true; e.a.local_pref = LP_PEER; break;
		case BGP_REL_PROVIDER: e.a.has_local_pref = true; e.a.local_pref = LP_PROVIDER; break;
		default: break;
		}
	}
	if (!bgp_policy_apply(p->import, pfx, &e, sp->as))
		return NULL;
	return bgp_rattr_intern(&sp->w->attrs, &e.a);
}

static void rib_set(struct bgp_peer *p, struct bgp_prefix pfx, const struct bgp_rattr *attr)
{
	struct bgp_speaker *sp = p->sp;
	struct bgp_dest *d = attr ? bgp_table_get(&sp->rib, pfx) : bgp_table_find(&sp->rib, pfx);
	if (!d)
		return;
	struct bgp_path *old = bgp_dest_path(d, p);
	bool had = old != NULL;
	bool damped = false;
	if (sp->damp && !p->ibgp && (had || attr) && !(had && old->attr == attr))
		damped = bgp_damp_event(p, pfx, had && !attr, had && attr);
	if (bgp_dest_set(d, p, attr, &sp->w->attrs, sp->w->sim->now)) {
		p->accepted += (attr ? 1u : 0u) - (had ? 1u : 0u);
		mark_dirty(sp, d);
	}
	struct bgp_path *now = attr ? bgp_dest_path(d, p) : NULL;
	if (now && now->damped != damped) {
		now->damped = damped;
		mark_dirty(sp, d);
	}
}

static void inmsg_free(struct bgp_world *w, struct bgp_inmsg *m)
{
	bgp_rattr_unref(&w->attrs, m->attr);
	free(m->wd);
	free(m->nlri);
	free(m);
}

static void apply_msg(struct bgp_speaker *sp, struct bgp_inmsg *m)
{
	struct bgp_peer *p = m->peer;
	if (!p->up || m->gen != p->st.up_count)
		return; /* the session went down after it was queued */
	for (uint32_t i = 0; i < m->nwd; i++)
		rib_set(p, m->wd[i], NULL);
	for (uint32_t i = 0; i < m->nnlri; i++) {
		const struct bgp_rattr *a = import(p, m->nlri[i], m->attr);
		if (!a)
			p->st.rejected_in++;
		rib_set(p, m->nlri[i], a);
		bgp_rattr_unref(&sp->w->attrs, a);
	}
	if (p->max_prefix && p->accepted > p->max_prefix) {
		/* RFC 4271 §8.1.2 / RFC 4486: Cease, Maximum Number of Prefixes Reached */
		rec_log(sp->w->sim, sp->name, "bgp_max_prefix", "%s sent %u prefixes, limit %u", p->name,
			p->accepted, p->max_prefix);
		if (p->ops && p->ops->stop)
			p->ops->stop(p, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
		bgp_peer_down(p);
	}
}

static void proc_run(struct sim *s, void *obj)
{
	(void)s;
	struct bgp_speaker *sp = obj;
	struct bgp_inmsg *m = sp->inq;
	sp->inq = NULL;
	sp->inq_tail = &sp->inq;
	while (m) {
		struct bgp_inmsg *next = m->next;
		apply_msg(sp, m);
		inmsg_free(sp->w, m);
		m = next;
	}
	bgp_process_dirty(sp);
}

void bgp_peer_receive(struct bgp_peer *p, const struct bgp_prefix *wd, uint32_t nwd,
		      const struct bgp_rattr *attr, const struct bgp_prefix *nlri, uint32_t nnlri)
{
	struct bgp_speaker *sp = p->sp;
	p->st.updates_in++;
	p->st.withdraw_in += nwd;
	p->st.announce_in += nnlri;
	struct bgp_inmsg *m = xcalloc(1, sizeof(*m));
	m->peer = p;
	m->gen = p->st.up_count;
	if (nwd) {
		m->wd = xmalloc(nwd * sizeof(*wd));
		memcpy(m->wd, wd, nwd * sizeof(*wd));
		m->nwd = nwd;
	}
	if (nnlri && attr) {
		m->nlri = xmalloc(nnlri * sizeof(*nlri));
		memcpy(m->nlri, nlri, nnlri * sizeof(*nlri));
		m->nnlri = nnlri;
		m->attr = bgp_rattr_ref(attr);
	}
	*sp->inq_tail = m;
	sp->inq_tail = &m->next;
	if (!timer_pending(&sp->proc_timer))
		timer_arm(sp->w->sim, &sp->proc_timer, simtime_add_sat(sp->w->sim->now, sp->proc.in_hold));
}

void bgp_speaker_undamp(struct bgp_peer *p, struct bgp_prefix pfx)
{
	struct bgp_speaker *sp = p->sp;
	struct bgp_dest *d = bgp_table_find(&sp->rib, pfx);
	struct bgp_path *path = d ? bgp_dest_path(d, p) : NULL;
	if (!path || !path->damped)
		return;
	path->damped = false;
	mark_dirty(sp, d);
	bgp_process_dirty(sp);
}

/* ---- sessions coming and going ---- */

void bgp_peer_established(struct bgp_peer *p)
{
	if (p->up)
		return;
	p->up = true;
	p->st.up_count++;
	rec_log(p->sp->w->sim, p->sp->name, "bgp_peer", "%s up", p->name);
	bgp_export_peer_up(p);
}

void bgp_peer_down(struct bgp_peer *p)
{
	if (!p->up)
		return;
	struct bgp_speaker *sp = p->sp;
	p->up = false;
	p->st.down_count++;
	rec_log(sp->w->sim, sp->name, "bgp_peer", "%s down", p->name);
	bgp_export_peer_down(p);
	/* every route it sent is withdrawn (RFC 4271 §8.2.2, ConnectionFailed / NOTIFICATION) */
	for (uint32_t i = 0; i < sp->rib.cap; i++) {
		struct bgp_dest *d = sp->rib.slots[i];
		if (d && bgp_dest_set(d, p, NULL, &sp->w->attrs, sp->w->sim->now))
			mark_dirty(sp, d);
	}
	p->accepted = 0;
	bgp_process_dirty(sp);
}

/* ---- origination and queries ---- */

void bgp_speaker_announce(struct bgp_speaker *sp, struct bgp_prefix pfx, const struct bgp_rattr *attr)
{
	struct bgp_rattr def = { .origin = BGP_ORIGIN_IGP, .rel = BGP_REL_LOCAL };
	struct bgp_route_edit e;
	if (bgp_edit_init(&e, attr ? attr : &def) < 0)
		return;
	e.a.rel = BGP_REL_LOCAL;
	if (!e.a.next_hop)
		e.a.next_hop = sp->node ? node_addr(sp->node) : sp->router_id;
	const struct bgp_rattr *a = bgp_rattr_intern(&sp->w->attrs, &e.a);
	struct bgp_dest *d = bgp_table_get(&sp->rib, pfx);
	if (bgp_dest_set(d, NULL, a, &sp->w->attrs, sp->w->sim->now))
		mark_dirty(sp, d);
	bgp_rattr_unref(&sp->w->attrs, a);
	bgp_process_dirty(sp);
}

void bgp_speaker_withdraw(struct bgp_speaker *sp, struct bgp_prefix pfx)
{
	struct bgp_dest *d = bgp_table_find(&sp->rib, pfx);
	if (d && bgp_dest_set(d, NULL, NULL, &sp->w->attrs, sp->w->sim->now))
		mark_dirty(sp, d);
	bgp_process_dirty(sp);
}

const struct bgp_path *bgp_speaker_best(const struct bgp_speaker *sp, struct bgp_prefix p)
{
	const struct bgp_dest *d = bgp_table_find(&sp->rib, p);
	return d ? d->best : NULL;
}
