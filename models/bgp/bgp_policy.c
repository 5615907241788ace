/* Import and export policy: route edits, matching, and the first-match
 * evaluation of a term list (see bgp_policy.h). */
#include "bgp_policy.h"

#include <stdlib.h>
#include <string.h>

int bgp_edit_init(struct bgp_route_edit *e, const struct bgp_rattr *from)
{
	if (from->n_as > BGP_EDIT_AS_MAX || from->ncomm > BGP_EDIT_COMM_MAX ||
	    from->nlcomm > BGP_EDIT_LCOMM_MAX || from->ncluster > BGP_EDIT_CLUSTER_MAX)
		return -1;
	e->a = *from;
	e->a.hnext = NULL;
	e->a.refcnt = 0;
	memcpy(e->as, from->as ? from->as : e->as, from->n_as * sizeof(uint32_t));
	memcpy(e->comm, from->comm ? from->comm : e->comm, from->ncomm * sizeof(uint32_t));
	memcpy(e->lcomm, from->lcomm ? from->lcomm : e->lcomm, from->nlcomm * sizeof(struct bgp_lcomm));
	memcpy(e->cluster, from->cluster ? from->cluster : e->cluster, from->ncluster * sizeof(uint32_t));
	e->a.as = e->as;
	e->a.comm = e->comm;
	e->a.lcomm = e->lcomm;
	e->a.cluster = e->cluster;
	return 0;
}

/* RFC 4271 §5.1.2: the AS goes in front of the leftmost AS_SEQUENCE. */
int bgp_edit_prepend(struct bgp_route_edit *e, uint32_t as, unsigned n)
{
	if (e->a.n_as + n > BGP_EDIT_AS_MAX)
		return -1;
	memmove(e->as + n, e->as, e->a.n_as * sizeof(uint32_t));
	for (unsigned i = 0; i < n; i++)
		e->as[i] = as;
	e->a.n_as = (uint16_t)(e->a.n_as + n);
	return 0;
}

int bgp_edit_comm_add(struct bgp_route_edit *e, uint32_t c)
{
	for (unsigned i = 0; i < e->a.ncomm; i++)
		if (e->comm[i] == c)
			return 0;
	if (e->a.ncomm >= BGP_EDIT_COMM_MAX)
		return -1;
	e->comm[e->a.ncomm++] = c; /* interning sorts */
	return 0;
}

void bgp_edit_comm_del(struct bgp_route_edit *e, uint32_t c)
{
	unsigned k = 0;
	for (unsigned i = 0; i < e->a.ncomm; i++)
		if (e->comm[i] != c)
			e->comm[k++] = e->comm[i];
	e->a.ncomm = (uint16_t)k;
}

int bgp_edit_cluster_prepend(struct bgp_route_edit *e, uint32_t id)
{
	if (e->a.ncluster >= BGP_EDIT_CLUSTER_MAX)
		return -1;
	memmove(e->cluster + 1, e->cluster, e->a.ncluster * sizeof(uint32_t));
	e->cluster[0] = id;
	e->a.ncluster++;
	return 0;
}

void bgp_policy_free(struct bgp_policy *p)
{
	if (!p)
		return;
	if (p->fn_free)
		p->fn_free(p->fn_ctx);
	free(p->terms);
	free(p);
}

bool bgp_match(const struct bgp_match *m, struct bgp_prefix p, const struct bgp_rattr *a)
{
	if (m->what & BGP_M_PREFIX) {
		uint32_t mask = m->pfx.len ? ~0u << (32 - m->pfx.len) : 0;
		if (p.len < m->pfx.len || (p.addr & mask) != m->pfx.addr || p.len < m->ge || p.len > m->le)
			return false;
	}
	if ((m->what & BGP_M_ORIGIN_AS) && bgp_origin_as(a) != m->origin_as)
		return false;
	if ((m->what & BGP_M_PATH_HAS) && !bgp_rattr_has_as(a, m->path_has))
		return false;
	if ((m->what & BGP_M_NEIGHBOR_AS) && bgp_neighbor_as(a) != m->neighbor_as)
		return false;
	if ((m->what & BGP_M_PATH_LEN_MAX) && bgp_path_len(a) > m->path_len_max)
		return false;
	if ((m->what & BGP_M_PATH_LEN_MIN) && bgp_path_len(a) < m->path_len_min)
		return false;
	if (m->what & BGP_M_COMMUNITY) {
		bool found = false;
		for (unsigned i = 0; i < a->ncomm && !found; i++) /* edits are unsorted */
			found = a->comm[i] == m->community;
		if (!found)
			return false;
	}
	return true;
}

static int act(const struct bgp_action *x, struct bgp_route_edit *e, uint32_t own_as)
{
	if (x->reject)
		return 0;
	if (x->set_local_pref) {
		e->a.has_local_pref = true;
		e->a.local_pref = x->local_pref;
	}
	if (x->clear_med) {
		e->a.has_med = false;
		e->a.med = 0;
	}
	if (x->set_med) {
		e->a.has_med = true;
		e->a.med = x->med;
	}
	for (unsigned i = 0; i < x->ncomm_del; i++)
		bgp_edit_comm_del(e, x->comm_del[i]);
	for (unsigned i = 0; i < x->ncomm_add; i++)
		if (bgp_edit_comm_add(e, x->comm_add[i]) < 0)
			return 0;
	if (x->prepend && bgp_edit_prepend(e, own_as, x->prepend) < 0)
		return 0;
	return 1;
}

int bgp_policy_apply(const struct bgp_policy *pol, struct bgp_prefix p, struct bgp_route_edit *e,
		     uint32_t own_as)
{
	if (!pol)
		return 1;
	for (int i = 0; i < pol->nterms; i++)
		if (bgp_match(&pol->terms[i].m, p, &e->a))
			return act(&pol->terms[i].a, e, own_as);
	if (pol->fn)
		return pol->fn(pol->fn_ctx, p, e, own_as) ? 1 : 0;
	return pol->default_reject ? 0 : 1;
}
