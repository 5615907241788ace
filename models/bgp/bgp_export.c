/* The speaker's output side: what each peer should hold (export rules,
 * Gao-Rexford valley-free export, policy), the Adj-RIB-Out, and when it
 * may be sent: MinRouteAdvertisementInterval per peer (RFC 4271 §9.2.1.1,
 * jittered by §10's factor in [0.75, 1]) on announcements, withdrawals at
 * once unless the peer rate-limits them too (FRR sends withdrawals at once;
 * SSFNet's WRATE option limits them).  Changes wait on the peer's pending
 * list in the order they happened; at a flush, announcements that share
 * their attributes go in one UPDATE (RFC 4271 §4.3), withdrawals in one.
 *
 * Export rules (RFC 4271 §9.1.3, §5.1; RFC 4456 §6):
 *  - never back to the peer the best route came from;
 *  - iBGP-learned routes not to iBGP peers, except through a route
 *    reflector (client to all, non-client to clients), which sets
 *    ORIGINATOR_ID and prepends its CLUSTER_ID;
 *  - to eBGP: own AS prepended, NEXT_HOP ours, no LOCAL_PREF, no MED
 *    learned from another AS (§5.1.4), NO_EXPORT honoured (RFC 1997);
 *  - to iBGP: LOCAL_PREF kept (100 if unset), NEXT_HOP self on eBGP-learned
 *    and local routes when next-hop-self is on;
 *  - Gao-Rexford: a route learned from a peer or a provider goes only to
 *    customers (valley-free, Gao and Rexford 2001). */
#include <stdlib.h>
#include <string.h>

#include "bgp_speaker_priv.h"
#include "sim/rng.h"
#include "sim/util.h"

static const struct bgp_rattr *export_attr(struct bgp_speaker *sp, struct bgp_peer *p, const struct bgp_dest *d)
{
	const struct bgp_path *b = d->best;
	if (!b || !p->up || b->peer == p)
		return NULL;
	const struct bgp_rattr *a = b->attr;
	if (bgp_rattr_has_comm(a, BGP_COMM_NO_ADVERTISE))
		return NULL;
	if (!p->ibgp && bgp_rattr_has_comm(a, BGP_COMM_NO_EXPORT))
		return NULL;
	bool from_ibgp = b->peer && b->peer->ibgp;
	if (from_ibgp && p->ibgp && (!sp->cluster_id || (!b->peer->rr_client && !p->rr_client)))
		return NULL;
	enum bgp_rel learned = b->peer ? (enum bgp_rel)a->rel : BGP_REL_LOCAL;
	if (!p->ibgp && (p->rel == BGP_REL_PEER || p->rel == BGP_REL_PROVIDER) &&
	    (learned == BGP_REL_PEER || learned == BGP_REL_PROVIDER))
		return NULL;
	struct bgp_route_edit e;
	if (bgp_edit_init(&e, a) < 0)
		return NULL;
	uint32_t self = p->local_addr ? p->local_addr : sp->router_id;
	if (!p->ibgp) {
		if (bgp_edit_prepend(&e, sp->as, 1) < 0)
			return NULL;
		e.a.next_hop = self;
		e.a.has_local_pref = false;
		e.a.local_pref = 0;
		if (b->peer) {
			e.a.has_med = false;
			e.a.med = 0;
		}
		e.a.originator_id = 0;
		e.a.ncluster = 0;
		e.a.rel = BGP_REL_NONE;
	} else {
		if (!e.a.has_local_pref) {
			e.a.has_local_pref = true;
			e.a.local_pref = 100;
		}
		if (!b->peer || (!b->peer->ibgp && p->nhs))
			e.a.next_hop = self;
		if (from_ibgp) { /* reflected, RFC 4456 §8 */
			if (!e.a.originator_id)
				e.a.originator_id = b->peer->remote_id;
			if (bgp_edit_cluster_prepend(&e, sp->cluster_id) < 0)
				return NULL;
		}
	}
	if (!bgp_policy_apply(p->export, d->pfx, &e, sp->as))
		return NULL;
	return bgp_rattr_intern(&sp->w->attrs, &e.a);
}

static void pend(struct bgp_peer *p, struct bgp_dest *d)
{
	struct bgp_adj_out *o = bgp_dest_out(d, p->idx);
	if (!o->pending) {
		o->pending = true;
		xgrow((void **)&p->pending, &p->cappending, p->npending + 1, sizeof(*p->pending));
		p->pending[p->npending++] = d;
	}
	if (!p->kicked) { /* also when d was pending already: it may have become a withdrawal */
		struct bgp_speaker *sp = p->sp;
		p->kicked = true;
		xgrow((void **)&sp->kick, &sp->capkick, sp->nkick + 1, sizeof(*sp->kick));
		sp->kick[sp->nkick++] = p;
	}
}

void bgp_export_dest(struct bgp_speaker *sp, struct bgp_dest *d)
{
	for (size_t i = 0; i < sp->npeers; i++)
		if (sp->peers[i]->up)
			pend(sp->peers[i], d);
}

/* ---- sending ---- */

struct ann {
	struct bgp_prefix pfx;
	const struct bgp_rattr *attr;
	uint32_t seq;
};

static int cmp_ann(const void *x, const void *y)
{
	const struct ann *a = x, *b = y;
	if (a->attr->hash != b->attr->hash)
		return a->attr->hash < b->attr->hash ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void send(struct bgp_peer *p, const struct bgp_out_update *u)
{
	struct bgp_world *w = p->sp->w;
	int n = p->ops && p->ops->send ? p->ops->send(p, u) : -1;
	if (n <= 0)
		return;
	p->st.updates_out += (uint64_t)n;
	p->st.withdraw_out += u->nwd;
	p->st.announce_out += u->nnlri;
	w->updates += (uint64_t)n;
	w->withdraws += u->nwd;
	w->announces += u->nnlri;
	w->last_update = w->sim->now;
}

static void arm_mrai(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;
	if (p->mrai <= 0)
		return;
	simtime_t iv = p->mrai;
	if (sp->jitter) /* RFC 4271 §10: a factor uniform in [0.75, 1] */
		iv = (simtime_t)((double)iv * (0.75 + 0.25 * rng_uniform(sp->w->jitter_rng)));
	timer_arm(sp->w->sim, &p->mrai_timer, simtime_add_sat(sp->w->sim->now, iv));
}

/* Brings the peer's Adj-RIB-Out up to date for its pending destinations:
 * all of them, or (wd_only) only those that became withdrawals. */
static void flush(struct bgp_peer *p, bool wd_only)
{
	struct bgp_speaker *sp = p->sp;
	struct bgp_attr_table *at = &sp->w->attrs;
	struct bgp_prefix *wd = NULL;
	struct ann *ann = NULL;
	size_t nwd = 0, nann = 0, keep = 0;
	if (p->npending) {
		wd = xmalloc(p->npending * sizeof(*wd));
		ann = xmalloc(p->npending * sizeof(*ann));
	}
	for (size_t i = 0; i < p->npending; i++) {
		struct bgp_dest *d = p->pending[i];
		struct bgp_adj_out *o = bgp_dest_out(d, p->idx);
		const struct bgp_rattr *x = export_attr(sp, p, d);
		if (x == o->sent) {
			bgp_rattr_unref(at, x);
			o->pending = false;
		} else if (!x) {
			wd[nwd++] = d->pfx;
			bgp_rattr_unref(at, o->sent);
			o->sent = NULL;
			o->pending = false;
		} else if (wd_only) {
			bgp_rattr_unref(at, x);
			p->pending[keep++] = d;
		} else {
			ann[nann] = (struct ann){ d->pfx, x, (uint32_t)nann };
			nann++;
			bgp_rattr_unref(at, o->sent);
			o->sent = x; /* the reference moves into the Adj-RIB-Out */
			o->pending = false;
		}
	}
	p->npending = keep;
	if (nwd)
		send(p, &(struct bgp_out_update){ .wd = wd, .nwd = (uint32_t)nwd });
	if (nann) {
		qsort(ann, nann, sizeof(*ann), cmp_ann);
		struct bgp_prefix *nl = xmalloc(nann * sizeof(*nl));
		bool *used = xcalloc(nann, sizeof(bool));
		for (size_t i = 0; i < nann; i++) {
			if (used[i])
				continue;
			size_t k = 0;
			for (size_t j = i; j < nann && ann[j].attr->hash == ann[i].attr->hash; j++) {
				if (!used[j] && ann[j].attr == ann[i].attr) {
					used[j] = true;
					nl[k++] = ann[j].pfx;
				}
			}
			send(p, &(struct bgp_out_update){ .attr = ann[i].attr, .nlri = nl, .nnlri = (uint32_t)k });
		}
		free(nl);
		free(used);
		arm_mrai(p);
	}
	free(wd);
	free(ann);
}

void bgp_export_kick(struct bgp_speaker *sp)
{
	size_t n = sp->nkick;
	sp->nkick = 0;
	for (size_t i = 0; i < n; i++) {
		struct bgp_peer *p = sp->kick[i];
		p->kicked = false;
		if (!p->npending || !p->up)
			continue;
		if (!timer_pending(&p->mrai_timer))
			flush(p, false);
		else if (!p->mrai_withdrawals)
			flush(p, true);
	}
}

void bgp_mrai_expired(struct sim *s, void *obj)
{
	(void)s;
	struct bgp_peer *p = obj;
	if (p->up && p->npending)
		flush(p, false);
}

void bgp_export_peer_up(struct bgp_peer *p)
{
	struct bgp_table *t = &p->sp->rib;
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->slots[i] && t->slots[i]->best)
			pend(p, t->slots[i]);
	flush(p, false); /* the initial table goes at once (RFC 4271 §9.2.1.1 limits later changes) */
}

void bgp_export_peer_down(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;
	timer_cancel(&p->mrai_timer);
	p->npending = 0;
	struct bgp_table *t = &sp->rib;
	for (uint32_t i = 0; i < t->cap; i++) {
		struct bgp_dest *d = t->slots[i];
		if (!d || p->idx >= d->nout)
			continue;
		d->out[p->idx].pending = false;
		bgp_rattr_unref(&sp->w->attrs, d->out[p->idx].sent);
		d->out[p->idx].sent = NULL;
	}
}
