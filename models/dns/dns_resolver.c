/* The recursive resolver's iteration (RFC 1034 §5.3.3): a request walks
 * from the cache to the closest known delegation, asks one of its servers
 * (chosen by dns_infra), and on each answer either finishes, follows a
 * CNAME, descends a referral or tries another server.  Priming (RFC 8109)
 * is a request for ". NS" to the root hints.  The client side (port 53,
 * answers, rows) is dns_res_front.c; see dns_resolver.h for the whole. */
#include "models/dns/dns_res_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_res_tcp.h"
#include "models/udp/udp.h"
#include "sim/rng.h"
#include "sim/util.h"

/* ---- requests ---- */

struct rq *rq_new(struct dns_resolver *r, enum rq_origin origin, const struct dns_name *qname,
		  uint16_t qtype)
{
	struct rq *rq = xcalloc(1, sizeof(*rq));
	rq->r = r;
	rq->origin = origin;
	rq->oname = *qname;
	rq->qname = *qname;
	rq->otype = rq->qtype = qtype;
	rq->started = r->sim->now;
	rq->rcode = -1;
	timer_init(r->sim, &rq->timer, rq_timeout, rq);
	rq->next = r->active;
	if (r->active)
		r->active->prev = rq;
	r->active = rq;
	r->st.requests += origin == RQ_CLIENT_UDP || origin == RQ_CLIENT_TCP || origin == RQ_API;
	return rq;
}

static void rq_close_transport(struct rq *rq)
{
	if (rq->us) {
		udp_close(rq->us);
		rq->us = NULL;
	}
	if (rq->tq) {
		dns_tcpq_cancel(rq->tq);
		rq->tq = NULL;
	}
	timer_cancel(&rq->timer);
}

void rq_free(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	rq_close_transport(rq);
	if (rq->prev)
		rq->prev->next = rq->next;
	else
		r->active = rq->next;
	if (rq->next)
		rq->next->prev = rq->prev;
	for (int i = 0; i < rq->nans; i++)
		dns_rr_clear(&rq->ans[i]);
	free(rq->ans);
	if (rq->has_soa)
		dns_rr_clear(&rq->soa);
	timer_destroy(r->sim, &rq->timer);
	free(rq);
}

/* Appends a copy of rr, its TTL set to ttl, to the request's answer. */
static void rq_add_answer(struct rq *rq, const struct dns_rr *rr, uint32_t ttl)
{
	if (rq->nans == rq->capans) {
		rq->capans = rq->capans ? rq->capans * 2 : 4;
		rq->ans = realloc(rq->ans, (size_t)rq->capans * sizeof(*rq->ans));
		if (!rq->ans)
			abort();
	}
	dns_rr_copy(&rq->ans[rq->nans], rr);
	rq->ans[rq->nans++].ttl = ttl;
}

static void rq_set_soa(struct rq *rq, const struct dns_rr *soa, uint32_t ttl)
{
	if (rq->has_soa)
		dns_rr_clear(&rq->soa);
	dns_rr_copy(&rq->soa, soa);
	rq->soa.ttl = ttl;
	rq->has_soa = true;
}

/* Answers the request from the cache if it can (following cached CNAMEs);
 * with stale_ok, expired data within the stale window counts too.
 * Returns true when the request has its final answer. */
static bool rq_from_cache(struct rq *rq, bool stale_ok)
{
	struct dns_cache *c = &rq->r->cache;
	simtime_t now = rq->r->sim->now;
	for (;;) {
		struct dns_centry *e = dns_cache_get(c, now, &rq->qname, 0, stale_ok);
		if (e && e->kind == DNSC_NXDOMAIN) {
			rq->rcode = DNS_R_NXDOMAIN;
			rq_set_soa(rq, &e->rr[0], stale_ok && !dns_cache_fresh(e, now) ?
				   rq->r->cfg.stale_ttl_s : dns_cache_ttl_left(e, now));
			rq->negative = true;
			return true;
		}
		e = dns_cache_get(c, now, &rq->qname, rq->qtype, stale_ok);
		if (e) {
			uint32_t ttl = dns_cache_fresh(e, now) ? dns_cache_ttl_left(e, now)
							       : rq->r->cfg.stale_ttl_s;
			rq->rcode = DNS_R_NOERROR;
			if (e->kind == DNSC_NODATA) {
				rq_set_soa(rq, &e->rr[0], ttl);
				rq->negative = true;
			} else {
				for (int i = 0; i < e->nrr; i++)
					rq_add_answer(rq, &e->rr[i], ttl);
			}
			return true;
		}
		if (rq->qtype == DNS_T_CNAME)
			return false;
		e = dns_cache_get(c, now, &rq->qname, DNS_T_CNAME, stale_ok);
		if (!e || e->nrr < 1)
			return false;
		if (++rq->restarts > DNS_RES_MAX_RESTART)
			return false;
		rq_add_answer(rq, &e->rr[0], dns_cache_fresh(e, now) ? dns_cache_ttl_left(e, now)
								     : rq->r->cfg.stale_ttl_s);
		rq->qname = e->rr[0].rd.cname;
	}
}

/* The request failed upstream: serve stale data if allowed (RFC 8767 §4),
 * else SERVFAIL. */
static void rq_fail(struct rq *rq)
{
	if (getenv("DNSRES_DEBUG")) fprintf(stderr, "%lld fail origin %d nsrv %d\n", (long long)rq->r->sim->now, rq->origin, rq->nsrv);
	if (rq->r->cfg.serve_stale && rq_is_client(rq)) {
		for (int i = 0; i < rq->nans; i++)
			dns_rr_clear(&rq->ans[i]);
		rq->nans = 0;
		rq->qname = rq->oname;
		rq->qtype = rq->otype;
		rq->restarts = 0;
		if (rq_from_cache(rq, true)) {
			rq->stale = true;
			rq_done(rq);
			return;
		}
	}
	for (int i = 0; i < rq->nans; i++)
		dns_rr_clear(&rq->ans[i]);
	rq->nans = 0;
	rq->rcode = DNS_R_SERVFAIL;
	rq_done(rq);
}

/* ---- servers to ask ---- */

static void rq_set_zone(struct rq *rq, const struct dns_name *zone)
{
	if (rq->have_zone && dns_name_eq(&rq->zone, zone))
		return;
	rq->zone = *zone;
	rq->have_zone = true;
	rq->nsrv = 0;
	rq->nsub = 0;
}

static int rq_srv_index(struct rq *rq, uint32_t addr)
{
	for (int i = 0; i < rq->nsrv; i++)
		if (rq->srv[i] == addr)
			return i;
	if (rq->nsrv == RQ_MAX_SRV)
		return -1;
	rq->srv[rq->nsrv] = addr;
	rq->srv_tries[rq->nsrv] = 0;
	rq->srv_bad[rq->nsrv] = false;
	return rq->nsrv++;
}

/* Adds the cached addresses of the NS names in e; returns how many NS
 * names have no address. */
static int rq_add_ns_addrs(struct rq *rq, const struct dns_centry *ns)
{
	int missing = 0;
	for (int i = 0; i < ns->nrr; i++) {
		struct dns_centry *a = dns_cache_get(&rq->r->cache, rq->r->sim->now, &ns->rr[i].rd.ns,
						     DNS_T_A, false);
		if (!a || a->kind != DNSC_POS) {
			missing++;
			continue;
		}
		for (int k = 0; k < a->nrr; k++)
			rq_srv_index(rq, a->rr[k].rd.a);
	}
	return missing;
}

static void rq_send(struct rq *rq, int idx);
static void rq_wait_prime(struct rq *rq);

/* Starts a lookup of an NS name's address for rq (a glueless
 * delegation); true if one was started. */
static bool rq_start_glue(struct rq *rq, const struct dns_centry *ns)
{
	if (rq->depth >= 3 || rq->nsub >= 4)
		return false;
	for (int i = 0; i < ns->nrr; i++) {
		const struct dns_name *nsn = &ns->rr[i].rd.ns;
		/* below the zone it serves, only glue can say where it is */
		if (dns_name_is_sub(nsn, &rq->zone))
			continue;
		if (dns_cache_get(&rq->r->cache, rq->r->sim->now, nsn, DNS_T_A, false))
			continue;
		bool asked = false;
		for (int k = 0; k < rq->nsub; k++)
			asked |= dns_name_eq(&rq->sub_asked[k], nsn);
		if (asked)
			continue;
		rq->sub_asked[rq->nsub++] = *nsn;
		struct rq *sub = rq_new(rq->r, RQ_GLUE, nsn, DNS_T_A);
		sub->parent = rq;
		sub->depth = rq->depth + 1;
		rq->waiting = true;
		sim_at(rq->r->sim, rq->r->sim->now, rq_run_event, sub, 0);
		return true;
	}
	return false;
}

/* The next step of the request: from the cache, or a query to a server
 * of the closest delegation. */
void rq_run(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	simtime_t now = r->sim->now;
	if (rq->origin != RQ_PRIME && rq_from_cache(rq, false)) {
		rq_done(rq);
		return;
	}
	if (rq->restarts > DNS_RES_MAX_RESTART || rq->referrals > DNS_RES_MAX_REFERRAL ||
	    rq->sent >= DNS_RES_MAX_SENT) {
		rq_fail(rq);
		return;
	}
	struct dns_name root;
	dns_name_root(&root);
	const struct dns_centry *ns = NULL;
	if (rq->origin == RQ_PRIME) {
		rq_set_zone(rq, &root);
	} else {
		struct dns_name n = rq->qname;
		for (;;) {
			struct dns_centry *e = dns_cache_get(&r->cache, now, &n, DNS_T_NS, false);
			if (e && e->kind == DNSC_POS && e->nrr > 0) {
				ns = e;
				break;
			}
			if (!dns_name_parent(&n))
				break;
		}
		if (!ns) { /* no root NS set (never primed, or it expired): prime */
			rq_wait_prime(rq);
			return;
		}
		rq_set_zone(rq, &ns->name);
	}
	int missing = 0;
	if (ns)
		missing = rq_add_ns_addrs(rq, ns);
	if (dns_name_eq(&rq->zone, &root) && (!ns || rq->nsrv == 0))
		for (int i = 0; i < r->cfg.nroots; i++) /* the hints stand in for root glue */
			rq_srv_index(rq, r->cfg.roots[i]);
	bool skip[RQ_MAX_SRV];
	for (int i = 0; i < rq->nsrv; i++)
		skip[i] = rq->srv_bad[i] || rq->srv_tries[i] >= DNS_RES_UDP_TRIES;
	int idx = dns_infra_select(&r->infra, now, rq->srv, rq->nsrv, skip, r->rng_sel);
	if (idx < 0) {
		if (missing && ns && rq_start_glue(rq, ns))
			return;
		rq_fail(rq);
		return;
	}
	rq_send(rq, idx);
}

void rq_run_event(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	rq_run(obj);
}

/* ---- priming (RFC 8109) ---- */

static void rq_wait_prime(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	rq->waiting = true;
	rq->wait_next = r->prime_waiters;
	r->prime_waiters = rq;
	if (!r->prime_rq)
		res_prime(r);
}

void res_prime(struct dns_resolver *r)
{
	if (r->prime_rq)
		return;
	struct dns_name root;
	dns_name_root(&root);
	r->prime_rq = rq_new(r, RQ_PRIME, &root, DNS_T_NS);
	rq_run(r->prime_rq);
}

/* Priming is over (ok or not): the waiting requests go on, or fail if
 * there is still no root NS set. */
void res_prime_done(struct dns_resolver *r)
{
	r->prime_rq = NULL;
	struct rq *w = r->prime_waiters;
	r->prime_waiters = NULL;
	struct dns_name root;
	dns_name_root(&root);
	bool ok = dns_cache_get(&r->cache, r->sim->now, &root, DNS_T_NS, false) != NULL;
	while (w) {
		struct rq *nx = w->wait_next;
		w->wait_next = NULL;
		w->waiting = false;
		if (ok)
			rq_run(w);
		else
			rq_fail(w);
		w = nx;
	}
}

/* ---- queries upstream ---- */

static void rq_udp_recv(struct udp_sock *us, const struct packet *p, void *ctx);
static void rq_udp_err(struct udp_sock *us, const struct packet *icmp, void *ctx);
static void rq_tcp_done(void *ctx, const uint8_t *msg, size_t len, int err);

static struct udp_sock *open_random_port(struct rq *rq)
{
	struct errbuf err;
	struct dns_resolver *r = rq->r;
	uint16_t range = EPHEMERAL_HI - EPHEMERAL_LO + 1;
	uint16_t first = (uint16_t)rng_below(r->rng_id, range);
	for (int k = 0; k < 64; k++) {
		uint16_t port = (uint16_t)(EPHEMERAL_LO + (first + k) % range);
		struct udp_sock *us = udp_open(r->nd, port, rq_udp_recv, rq_udp_err, rq, &err);
		if (us)
			return us;
	}
	return udp_open(r->nd, 0, rq_udp_recv, rq_udp_err, rq, &err);
}

/* Encodes the question (RD clear, our EDNS size) with a fresh ID. */
static int rq_encode(struct rq *rq, uint8_t *buf, size_t cap)
{
	rq->qid = (uint16_t)rng_below(rq->r->rng_id, 65536);
	struct dns_msg q;
	dns_msg_query(&q, rq->qid, &rq->qname, rq->qtype, false, rq->r->cfg.edns_udp_size);
	int n = dns_encode(&q, buf, cap);
	dns_msg_free(&q);
	return n;
}

static void rq_count_sent(struct rq *rq)
{
	rq->sent++;
	rq->upstream++;
	rq->r->st.upstream_udp += !rq->q_tcp;
	rq->r->st.upstream_tcp += rq->q_tcp;
}

static void rq_send(struct rq *rq, int idx)
{
	struct dns_resolver *r = rq->r;
	if (getenv("DNSRES_DEBUG")) { char a[16], b[300], z[300]; fprintf(stderr, "%lld send %s %u to %s zone %s\n", (long long)r->sim->now, dns_name_to_str(b, 300, &rq->qname), rq->qtype, ipv4_fmt(a, rq->srv[idx]), dns_name_to_str(z, 300, &rq->zone)); }
	uint8_t buf[DNS_NAME_MAX + 64];
	int n = rq_encode(rq, buf, sizeof(buf));
	rq->q_idx = idx;
	rq->q_server = rq->srv[idx];
	rq->q_tcp = false;
	rq->q_sent = r->sim->now;
	rq->q_rto_ms = dns_infra_rto(&r->infra, rq->q_server, r->sim->now);
	rq->srv_tries[idx]++;
	dns_infra_get(&r->infra, rq->q_server, r->sim->now)->sent++;
	rq_count_sent(rq);
	rq->us = open_random_port(rq);
	if (!rq->us || n < 0) {
		rq->srv_bad[idx] = true;
		sim_at(r->sim, r->sim->now, rq_run_event, rq, 0);
		return;
	}
	struct pbuf *b = pbuf_new(buf, (uint32_t)n);
	udp_send(rq->us, rq->q_server, DNS_PORT, (uint32_t)n, b, 0);
	pbuf_unref(b);
	timer_arm(r->sim, &rq->timer, r->sim->now + SIM_MS(rq->q_rto_ms));
}

/* TC=1: the same question to the same server over TCP (RFC 7766 §5). */
static void rq_send_tcp(struct rq *rq)
{
	struct dns_resolver *r = rq->r;
	uint8_t buf[DNS_NAME_MAX + 64];
	int n = rq_encode(rq, buf, sizeof(buf));
	rq->q_tcp = true;
	rq->q_sent = r->sim->now;
	rq_count_sent(rq);
	rq->tq = dns_tcpq_start(r->nd, rq->q_server, DNS_PORT, buf, (size_t)n, rq_tcp_done, rq);
	/* a TCP query gets a wait of its own: ten times the server's RTO, at
	 * least a second (our choice; TCP's retransmissions happen inside) */
	int rto = dns_infra_rto(&r->infra, rq->q_server, r->sim->now);
	simtime_t wait = SIM_MS(rto) * 10;
	if (wait < SIM_S(1))
		wait = SIM_S(1);
	timer_arm(r->sim, &rq->timer, r->sim->now + wait);
}

void rq_timeout(struct sim *s, void *obj)
{
	(void)s;
	struct rq *rq = obj;
	struct dns_resolver *r = rq->r;
	r->st.timeouts++;
	if (!rq->q_tcp)
		dns_infra_lost(&r->infra, rq->q_server, rq->q_rto_ms, r->sim->now);
	else
		rq->srv_bad[rq->q_idx] = true;
	rq_close_transport(rq);
	rq_run(rq);
}

/* This server is no use for this request (an error RCODE, a lame or
 * malformed answer): on to another. */
static void rq_server_bad(struct rq *rq)
{
	rq->srv_bad[rq->q_idx] = true;
	rq_close_transport(rq);
	rq_run(rq);
}

/* The RRs of section sec owned by name with type type, as an array of
 * copies' addresses (pointers into m). */
static int collect(const struct dns_msg *m, int sec, const struct dns_name *name, uint16_t type,
		   struct dns_rr *out, int max)
{
	int n = 0;
	for (int i = 0; i < m->n[sec] && n < max; i++) {
		const struct dns_rr *rr = &m->rr[sec][i];
		if (rr->type == type && rr->cls == DNS_C_IN && dns_name_eq(&rr->name, name))
			out[n++] = *rr; /* shallow: only for dns_cache_put_rrset's deep copy */
	}
	return n;
}

#define RRSET_MAX 64

/* Caches the addresses of name found in the additional section, if name is
 * within the bailiwick zone (glue, RFC 1034 §4.2.1; trust: glue). */
static void cache_glue(struct rq *rq, const struct dns_msg *m, const struct dns_name *name,
		       const struct dns_name *bailiwick)
{
	if (!dns_name_is_sub(name, bailiwick))
		return;
	static const uint16_t types[] = { DNS_T_A, DNS_T_AAAA };
	for (int t = 0; t < 2; t++) {
		struct dns_rr set[RRSET_MAX];
		int n = collect(m, DNS_SEC_AR, name, types[t], set, RRSET_MAX);
		if (n)
			dns_cache_put_rrset(&rq->r->cache, rq->r->sim->now, set, n, DNSC_TRUST_GLUE);
	}
}

static const struct dns_rr *find_soa(const struct dns_msg *m)
{
	for (int i = 0; i < m->n[DNS_SEC_NS]; i++)
		if (m->rr[DNS_SEC_NS][i].type == DNS_T_SOA)
			return &m->rr[DNS_SEC_NS][i];
	return NULL;
}

/* A decoded answer to the outstanding query. */
static void rq_got(struct rq *rq, const struct dns_msg *m)
{
	if (getenv("DNSRES_DEBUG")) fprintf(stderr, "%lld got rcode %u an %u ns %u ar %u aa %d tc %d\n", (long long)rq->r->sim->now, m->rcode, m->n[0], m->n[1], m->n[2], m->aa, m->tc);
	struct dns_resolver *r = rq->r;
	simtime_t now = r->sim->now;
	if (!rq->q_tcp)
		dns_infra_update(&r->infra, rq->q_server, (int)((now - rq->q_sent) / SIM_MS(1)), now);
	rq_close_transport(rq);
	if (m->tc && !rq->q_tcp) {
		r->st.truncated++;
		rq_send_tcp(rq);
		return;
	}
	if (m->rcode != DNS_R_NOERROR && m->rcode != DNS_R_NXDOMAIN) {
		rq_server_bad(rq); /* SERVFAIL, REFUSED, NOTIMP, FORMERR: another server */
		return;
	}
	/* The answer section: the chain of CNAMEs from the question's name
	 * within the zone asked (out-of-zone data is not trusted), then the
	 * RRset asked for. */
	struct dns_rr set[RRSET_MAX];
	struct dns_name cur = rq->qname;
	bool final = false;
	for (int hop = 0; hop <= DNS_RES_MAX_RESTART; hop++) {
		if (!dns_name_is_sub(&cur, &rq->zone))
			break;
		int n = collect(m, DNS_SEC_AN, &cur, rq->qtype, set, RRSET_MAX);
		if (n) {
			struct dns_centry *e = dns_cache_put_rrset(&r->cache, now, set, n,
								   DNSC_TRUST_ANSWER);
			for (int i = 0; i < n; i++)
				rq_add_answer(rq, &set[i], e ? e->ttl_s : set[i].ttl);
			final = true;
			break;
		}
		if (rq->qtype == DNS_T_CNAME || collect(m, DNS_SEC_AN, &cur, DNS_T_CNAME, set, 1) != 1)
			break;
		struct dns_centry *e = dns_cache_put_rrset(&r->cache, now, set, 1, DNSC_TRUST_ANSWER);
		rq_add_answer(rq, &set[0], e ? e->ttl_s : set[0].ttl);
		cur = set[0].rd.cname;
		rq->restarts++;
	}
	if (final) {
		if (rq->origin == RQ_PRIME) /* the root servers' addresses (RFC 8109 §3) */
			for (int i = 0; i < rq->nans; i++)
				if (rq->ans[i].type == DNS_T_NS)
					cache_glue(rq, m, &rq->ans[i].rd.ns, &rq->zone);
		rq->rcode = DNS_R_NOERROR;
		rq_done(rq);
		return;
	}
	bool moved = !dns_name_eq(&cur, &rq->qname);
	const struct dns_rr *soa = find_soa(m);
	if (m->rcode == DNS_R_NXDOMAIN) {
		if (dns_name_is_sub(&cur, &rq->zone)) {
			/* RFC 2308 §5: the name at the end of the chain does not exist */
			struct dns_centry *e = dns_cache_put_neg(&r->cache, now, &cur, 0,
								 DNSC_NXDOMAIN, soa);
			if (soa)
				rq_set_soa(rq, soa, e ? e->ttl_s : soa->ttl);
			rq->rcode = DNS_R_NXDOMAIN;
			rq_done(rq);
			return;
		}
		rq_server_bad(rq);
		return;
	}
	if (moved) { /* the chain left the zone: restart at its end */
		rq->qname = cur;
		rq_run(rq);
		return;
	}
	/* no answer: a referral, or NODATA */
	int nns = 0;
	const struct dns_name *cut = NULL;
	for (int i = 0; i < m->n[DNS_SEC_NS]; i++) {
		const struct dns_rr *rr = &m->rr[DNS_SEC_NS][i];
		if (rr->type == DNS_T_NS) {
			cut = &rr->name;
			break;
		}
	}
	if (!m->aa && cut && !soa && dns_name_is_sub(&rq->qname, cut) &&
	    dns_name_is_sub(cut, &rq->zone) && !dns_name_eq(cut, &rq->zone)) {
		nns = collect(m, DNS_SEC_NS, cut, DNS_T_NS, set, RRSET_MAX);
		dns_cache_put_rrset(&r->cache, now, set, nns, DNSC_TRUST_GLUE);
		struct dns_name zone = rq->zone;
		for (int i = 0; i < nns; i++)
			cache_glue(rq, m, &set[i].rd.ns, &zone);
		rq->referrals++;
		rq_run(rq);
		return;
	}
	if (soa || m->aa) {
		/* NODATA (RFC 2308 §2.2): cached per type */
		struct dns_centry *e = dns_cache_put_neg(&r->cache, now, &rq->qname, rq->qtype,
							 DNSC_NODATA, soa);
		if (soa)
			rq_set_soa(rq, soa, e ? e->ttl_s : soa->ttl);
		rq->rcode = DNS_R_NOERROR;
		rq_done(rq);
		return;
	}
	rq_server_bad(rq); /* lame: an upward referral or nothing useful */
}

/* Checks that bytes are the answer to the outstanding query. */
static void rq_got_bytes(struct rq *rq, const uint8_t *b, size_t len)
{
	struct dns_msg m;
	int rc = dns_decode(&m, b, len);
	if (rc == DNS_E_SHORT || m.id != rq->qid || !m.qr) {
		dns_msg_free(&m);
		if (rq->q_tcp)
			rq_server_bad(rq);
		return; /* not ours: keep waiting (a spoofing attempt or a late reply) */
	}
	if (rc != DNS_OK || !m.has_question || m.q.type != rq->qtype ||
	    !dns_name_eq(&m.q.name, &rq->qname)) {
		dns_msg_free(&m);
		rq_server_bad(rq);
		return;
	}
	rq_got(rq, &m);
	dns_msg_free(&m);
}

static void rq_udp_recv(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct rq *rq = ctx;
	if (p->ip.src != rq->q_server || p->l4.udp.sport != DNS_PORT || !p->payload ||
	    p->payload_off + p->payload_len > p->payload->len)
		return;
	rq_got_bytes(rq, p->payload->data + p->payload_off, p->payload_len);
}

/* ICMP unreachable: the server is not there; try another at once. */
static void rq_udp_err(struct udp_sock *us, const struct packet *icmp, void *ctx)
{
	(void)us;
	struct rq *rq = ctx;
	if (icmp->l4.icmp.type == ICMP_DEST_UNREACH)
		rq_server_bad(rq);
}

static void rq_tcp_done(void *ctx, const uint8_t *msg, size_t len, int err)
{
	(void)err;
	struct rq *rq = ctx;
	rq->tq = NULL;
	if (!msg) {
		rq_server_bad(rq);
		return;
	}
	rq_got_bytes(rq, msg, len);
}
