/* A speaker's peer over a real BGP session (bgp_session.h): the FSM over
 * the simulated TCP on port 179, or over the session layer's byte channel.
 * Outgoing UPDATEs are the speaker's attributes turned into struct
 * bgp_attrs for the encoder; incoming ones are turned back and interned in
 * the speaker's table.  What the wire carries: ORIGIN, AS_PATH (sequences,
 * one trailing AS_SET), NEXT_HOP, MED, LOCAL_PREF (iBGP), ATOMIC_AGGREGATE,
 * COMMUNITIES, LARGE_COMMUNITY and unknown transitive attributes passed
 * through, and on iBGP sessions ORIGINATOR_ID and CLUSTER_LIST (RFC 4456
 * §8, so route reflection works over TCP as over direct channels).  What
 * it does not: the speaker's internal Gao-Rexford tag (an iBGP neighbour
 * over TCP sees a route without it and treats it as exportable). */
#include "bgp_sess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_speaker_priv.h"
#include "models/net/net.h"
#include "sim/util.h"

struct sess_tx {
	struct bgp_session *s;
	struct bgp_peer *peer;
};

/* ---- speaker attributes <-> wire attributes ---- */

/* Fills w (the caller's words, at least n_as + n_as/255 + 2) with the
 * path: sequences of at most 255, then the set. */
static uint32_t path_words(const struct bgp_rattr *a, uint32_t *w)
{
	uint32_t nw = 0;
	unsigned seq = a->n_as - a->n_set;
	for (unsigned i = 0; i < seq;) {
		unsigned k = seq - i < 255 ? seq - i : 255;
		w[nw++] = BGP_SEG_HDR(BGP_AS_SEQUENCE, k);
		for (unsigned j = 0; j < k; j++)
			w[nw++] = a->as[i + j];
		i += k;
	}
	if (a->n_set) { /* a set comes from aggregation, at most 255 here */
		unsigned k = a->n_set < 255 ? a->n_set : 255;
		w[nw++] = BGP_SEG_HDR(BGP_AS_SET, k);
		for (unsigned j = 0; j < k; j++)
			w[nw++] = a->as[seq + j];
	}
	return nw;
}

static int ss_send(struct bgp_peer *p, const struct bgp_out_update *u)
{
	struct sess_tx *t = p->tx;
	if (!t->s || bgp_session_state(t->s) != BGP_ESTABLISHED)
		return -1;
	struct bgp_attrs wa;
	uint32_t *words = NULL;
	struct bgp_large_comm *lc = NULL;
	const struct bgp_attrs *ap = NULL;
	if (u->nnlri) {
		const struct bgp_rattr *a = u->attr;
		bgp_attrs_init(&wa);
		words = xmalloc((a->n_as + a->n_as / 255u + 2u) * sizeof(uint32_t));
		wa.present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) | BGP_AP(BGP_ATTR_NEXT_HOP);
		wa.origin = a->origin;
		wa.as_path.w = words;
		wa.as_path.nw = path_words(a, words);
		wa.next_hop = a->next_hop;
		if (a->has_med) {
			wa.present |= BGP_AP(BGP_ATTR_MED);
			wa.med = a->med;
		}
		if (a->has_local_pref && p->ibgp) { /* never on eBGP (RFC 4271 §5.1.5) */
			wa.present |= BGP_AP(BGP_ATTR_LOCAL_PREF);
			wa.local_pref = a->local_pref;
		}
		if (a->atomic_aggregate)
			wa.present |= BGP_AP(BGP_ATTR_ATOMIC_AGGREGATE);
		if (a->ncomm) {
			wa.present |= BGP_AP(BGP_ATTR_COMMUNITIES);
			wa.communities = (uint32_t *)a->comm; /* read only by the encoder */
			wa.n_communities = a->ncomm;
		}
		if (a->nlcomm) {
			lc = xmalloc(a->nlcomm * sizeof(*lc));
			for (unsigned i = 0; i < a->nlcomm; i++)
				lc[i] = (struct bgp_large_comm){ a->lcomm[i].global, a->lcomm[i].local1, a->lcomm[i].local2 };
			wa.present |= BGP_AP_LARGE_COMMUNITY;
			wa.large = lc;
			wa.n_large = a->nlcomm;
		}
		if (a->originator_id && p->ibgp) { /* RFC 4456 §8: iBGP only */
			wa.present |= BGP_AP(BGP_ATTR_ORIGINATOR_ID);
			wa.originator_id = a->originator_id;
		}
		if (a->ncluster && p->ibgp) {
			wa.present |= BGP_AP(BGP_ATTR_CLUSTER_LIST);
			wa.cluster_list = (uint32_t *)a->cluster; /* read only by the encoder */
			wa.n_cluster = a->ncluster;
		}
		if (a->nunknown) {
			wa.unknown = (uint8_t *)a->unknown;
			wa.unknown_len = a->nunknown;
		}
		ap = &wa;
	}
	int n = bgp_session_send_update(t->s, u->wd, u->nwd, ap, u->nlri, u->nnlri);
	free(words);
	free(lc);
	return n;
}

/* The wire attributes as the speaker keeps them (interned), or NULL if
 * they do not fit (the route is then treated as withdrawn). */
static const struct bgp_rattr *from_wire(struct bgp_speaker *sp, const struct bgp_attrs *wa)
{
	struct bgp_route_edit *e = xmalloc(sizeof(*e));
	struct bgp_rattr base = { 0 };
	bgp_edit_init(e, &base);
	e->a.origin = wa->origin;
	e->a.next_hop = wa->next_hop;
	e->a.has_med = bgp_attrs_has(wa, BGP_ATTR_MED);
	e->a.med = e->a.has_med ? wa->med : 0;
	e->a.has_local_pref = bgp_attrs_has(wa, BGP_ATTR_LOCAL_PREF);
	e->a.local_pref = e->a.has_local_pref ? wa->local_pref : 0;
	e->a.atomic_aggregate = bgp_attrs_has(wa, BGP_ATTR_ATOMIC_AGGREGATE);
	const struct bgp_rattr *r = NULL;
	uint32_t set[BGP_EDIT_AS_MAX];
	unsigned nset = 0, nseq = 0;
	bool ok = true;
	for (uint32_t i = 0; i < wa->as_path.nw && ok;) {
		uint32_t h = wa->as_path.w[i++];
		unsigned c = BGP_SEG_COUNT(h);
		uint8_t ty = BGP_SEG_TYPE(h);
		for (unsigned j = 0; j < c && i < wa->as_path.nw; j++, i++) {
			if (ty == BGP_AS_SEQUENCE) {
				ok = nseq + nset < BGP_EDIT_AS_MAX;
				if (ok)
					e->as[nseq++] = wa->as_path.w[i];
			} else if (ty == BGP_AS_SET) {
				ok = nseq + nset < BGP_EDIT_AS_MAX;
				if (ok)
					set[nset++] = wa->as_path.w[i];
			} /* confederation segments count for nothing (RFC 5065 §5.3) */
		}
	}
	ok = ok && wa->n_communities <= BGP_EDIT_COMM_MAX && wa->n_large <= BGP_EDIT_LCOMM_MAX &&
	     wa->n_cluster <= BGP_EDIT_CLUSTER_MAX;
	if (ok) {
		memcpy(e->as + nseq, set, nset * sizeof(uint32_t));
		e->a.n_as = (uint16_t)(nseq + nset);
		e->a.n_set = (uint16_t)nset;
		memcpy(e->comm, wa->communities ? wa->communities : e->comm, wa->n_communities * sizeof(uint32_t));
		e->a.ncomm = (uint16_t)wa->n_communities;
		for (uint32_t i = 0; i < wa->n_large; i++)
			e->lcomm[i] = (struct bgp_lcomm){ wa->large[i].global, wa->large[i].local1, wa->large[i].local2 };
		e->a.nlcomm = (uint16_t)wa->n_large;
		e->a.originator_id = bgp_attrs_has(wa, BGP_ATTR_ORIGINATOR_ID) ? wa->originator_id : 0;
		memcpy(e->cluster, wa->cluster_list ? wa->cluster_list : e->cluster, wa->n_cluster * sizeof(uint32_t));
		e->a.ncluster = (uint16_t)wa->n_cluster;
		e->a.unknown = wa->unknown;
		e->a.nunknown = (uint16_t)(wa->unknown_len <= UINT16_MAX ? wa->unknown_len : 0);
		r = bgp_rattr_intern(&sp->w->attrs, &e->a);
	}
	free(e);
	return r;
}

/* ---- session callbacks ---- */

static void cb_established(struct bgp_session *s, void *ctx)
{
	struct bgp_peer *p = ctx;
	const struct bgp_open *o = bgp_session_peer_open(s);
	if (o)
		p->remote_id = o->bgp_id;
	bgp_peer_established(p);
}

static void cb_update(struct bgp_session *s, const struct bgp_update *u, void *ctx)
{
	(void)s;
	struct bgp_peer *p = ctx;
	struct bgp_speaker *sp = p->sp;
	const struct bgp_rattr *a = NULL;
	if (u->n_nlri && u->has_attrs && !u->treat_as_withdraw)
		a = from_wire(sp, &u->attrs);
	if (u->n_nlri && !a) {
		/* RFC 7606 treat-as-withdraw (or attributes we cannot hold):
		 * the NLRI are withdrawn with the withdrawn routes */
		uint32_t n = u->n_withdrawn + u->n_nlri;
		struct bgp_prefix *wd = xmalloc(n * sizeof(*wd));
		memcpy(wd, u->withdrawn, u->n_withdrawn * sizeof(*wd));
		memcpy(wd + u->n_withdrawn, u->nlri, u->n_nlri * sizeof(*wd));
		bgp_peer_receive(p, wd, n, NULL, NULL, 0);
		free(wd);
		return;
	}
	bgp_peer_receive(p, u->withdrawn, u->n_withdrawn, a, u->nlri, a ? u->n_nlri : 0);
	bgp_rattr_unref(&sp->w->attrs, a);
}

static void cb_down(struct bgp_session *s, const struct bgp_down *why, void *ctx)
{
	(void)s;
	(void)why;
	bgp_peer_down(ctx);
}

static void cb_refresh(struct bgp_session *s, void *ctx)
{
	(void)s;
	struct bgp_peer *p = ctx;
	if (!p->up)
		return;
	/* RFC 2918: send the Adj-RIB-Out again: forget it and re-export */
	bgp_export_peer_down(p);
	bgp_export_peer_up(p);
}

static const struct bgp_session_cb sess_cb = {
	.established = cb_established,
	.update = cb_update,
	.down = cb_down,
	.refresh = cb_refresh,
};

/* ---- ops ---- */

static void ss_start(struct bgp_peer *p)
{
	struct sess_tx *t = p->tx;
	if (t->s)
		bgp_session_start(t->s);
}

/* Stops the session with NOTIFICATION code/subcode.  Max-prefix (Cease
 * 6/1, "Maximum Number of Prefixes Reached") carries RFC 4486 §4's data:
 * AFI (2 octets, 1 = IPv4), SAFI (1 octet, 1 = unicast), the upper bound
 * (4 octets). */
static void ss_stop(struct bgp_peer *p, uint8_t code, uint8_t subcode)
{
	struct sess_tx *t = p->tx;
	if (!t->s)
		return;
	uint8_t data[7];
	size_t n = 0;
	if (code == BGP_ERR_CEASE && subcode == BGP_CEASE_MAX_PREFIX) {
		data[0] = 0;
		data[1] = 1;
		data[2] = 1;
		data[3] = (uint8_t)(p->max_prefix >> 24);
		data[4] = (uint8_t)(p->max_prefix >> 16);
		data[5] = (uint8_t)(p->max_prefix >> 8);
		data[6] = (uint8_t)p->max_prefix;
		n = sizeof data;
	}
	bgp_session_stop_notify(t->s, code, subcode, n ? data : NULL, n);
}

static void ss_free(struct bgp_peer *p)
{
	struct sess_tx *t = p->tx;
	if (t->s)
		bgp_session_free(t->s);
	free(t);
}

static const struct bgp_peer_ops sess_ops = {
	.name = "session",
	.start = ss_start,
	.send = ss_send,
	.stop = ss_stop,
	.free = ss_free,
};

struct bgp_session *bgp_peer_session(const struct bgp_peer *p)
{
	return p->ops == &sess_ops ? ((struct sess_tx *)p->tx)->s : NULL;
}

static struct bgp_peer *make_end(struct bgp_speaker *sp, struct bgp_speaker *other,
				 const struct bgp_peer_cfg *pc, const struct bgp_sess_cfg *sc, char *err,
				 size_t errlen)
{
	struct bgp_session_config c;
	bgp_session_config_default(&c);
	c.transport = sc->tcp ? BGP_TRANSPORT_TCP : BGP_TRANSPORT_CHANNEL;
	c.local_as = sp->as;
	c.peer_as = other->as;
	c.local_id = sp->router_id;
	c.local_addr = pc->local_addr;
	c.peer_addr = pc->remote_addr;
	if (sc->hold_time >= 0)
		c.hold_time = sc->hold_time;
	if (sc->keepalive >= 0)
		c.keepalive = sc->keepalive;
	if (sc->connect_retry >= 0)
		c.connect_retry = sc->connect_retry;
	c.channel_delay = sc->delay;
	char name[72];
	snprintf(name, sizeof(name), "%s-%s", sp->name, other->name);
	c.name = name;
	struct sess_tx *t = xcalloc(1, sizeof(*t));
	struct bgp_peer *p = bgp_peer_add(sp, pc, &sess_ops, t);
	t->peer = p;
	t->s = bgp_session_new(sp->w->sim, sp->node, &c, &sess_cb, p, err, errlen);
	if (!t->s)
		return NULL; /* the peer stays, inert: its ops refuse to send */
	return p;
}

/* Sessions sit on TCP sockets and listeners that other extensions own,
 * and extensions are destroyed in reverse order of creation: so the
 * sessions are freed by an extension made after the first of them, before
 * the speakers' world (made early) and before TCP. */
static void owner_destroy(void *arg)
{
	struct bgp_world *w = arg;
	for (size_t i = 0; i < w->nsp; i++)
		for (size_t k = 0; k < w->sp[i]->npeers; k++) {
			struct bgp_peer *p = w->sp[i]->peers[k];
			if (p->ops != &sess_ops)
				continue;
			struct sess_tx *t = p->tx;
			if (t->s)
				bgp_session_free(t->s);
			t->s = NULL;
		}
}

static void ensure_owner(struct bgp_speaker *sp)
{
	struct sim *s = sp->w->sim;
	if (!sim_ext_get(s, "bgp_sess_owner"))
		sim_ext_set(s, "bgp_sess_owner", sp->w, owner_destroy);
}

int bgp_sess_connect(struct bgp_speaker *a, struct bgp_peer_cfg *ca, struct bgp_speaker *b,
		     struct bgp_peer_cfg *cb, const struct bgp_sess_cfg *sc, struct bgp_peer **pa,
		     struct bgp_peer **pb, char *err, size_t errlen)
{
	ca->remote_as = b->as;
	cb->remote_as = a->as;
	ca->remote_id = b->router_id;
	cb->remote_id = a->router_id;
	*pa = make_end(a, b, ca, sc, err, errlen);
	if (!*pa) {
		ensure_owner(a);
		return -1;
	}
	*pb = make_end(b, a, cb, sc, err, errlen);
	ensure_owner(a);
	if (!*pb)
		return -1;
	if (!sc->tcp && bgp_channel_join(bgp_peer_session(*pa), bgp_peer_session(*pb)) < 0) {
		snprintf(err, errlen, "cannot join the two sessions' channel");
		return -1;
	}
	return 0;
}
