/* Unit tests of the recursive resolver (models/dns/dns_resolver.c,
 * dns_res_front.c, dns_cache.c, dns_infra.c) and the stub
 * (models/dns/dns_stub.c) in a tiny world whose authoritative servers are
 * written here (a table of canned RRs per server), so the resolver is
 * tested apart from the real server (dns_server.c):
 *
 *   c --5 ms-- r --15 ms-- root      (RTT r-root 30 ms)
 *              r --25 ms-- tld       (50 ms)
 *              r --35 ms-- auth      (70 ms)
 *
 * Expected values by hand (RFC 1034 §5.3.3 iteration, one round trip per
 * zone cut; links 1 Gbps, so each ~100-byte packet adds < 1 us):
 * a cold lookup = 10 + 30 + 50 + 70 = 160 ms, a warm one 10 ms; after the
 * TTL one query upstream (70 ms + 10); NXDOMAIN cached for
 * min(SOA TTL, MINIMUM) (RFC 2308 §5); Unbound's RTO arithmetic
 * (util/rtt.c); glibc's per-server wait (res_send.c send_dg). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/dns/dns_infra.h"
#include "models/dns/dns_msg.h"
#include "models/dns/dns_resolver.h"
#include "models/dns/dns_stub.h"
#include "models/net/net.h"
#include "models/udp/udp.h"
#include "sim/rng.h"

/* ---- a canned authoritative server ---- */

struct fake_rr {
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const char *rdata;
};

struct fake_auth {
	const char *zone;
	const struct fake_rr *rrs;
	int n;
	bool dead;          /* never answers */
	int queries;
	struct udp_sock *us;
};

static struct dns_name N(const char *s)
{
	struct dns_name n;
	if (dns_name_from_str(&n, s) != 0)
		fail_msg("bad name %s", s);
	return n;
}

static bool same(const char *a, const char *b)
{
	struct dns_name x = N(a), y = N(b);
	return dns_name_eq(&x, &y);
}

static void add_rr(struct dns_msg *m, int sec, const struct fake_rr *f)
{
	struct dns_rr rr;
	dns_rr_init(&rr);
	rr.name = N(f->owner);
	rr.type = f->type;
	rr.cls = DNS_C_IN;
	rr.ttl = f->ttl;
	char err[128];
	struct dns_name root;
	dns_name_root(&root);
	if (dns_rr_parse(&rr, f->rdata, &root, err, sizeof(err)) != 0)
		fail_msg("rdata %s: %s", f->rdata, err);
	dns_msg_add(m, sec, &rr);
	dns_rr_clear(&rr);
}

/* Answers as an authoritative server would (RFC 1034 §4.3.2), enough for
 * these tests: exact match, CNAME, delegation with glue, NXDOMAIN/NODATA
 * with the SOA. */
static void fake_recv(struct udp_sock *us, const struct packet *p, void *ctx)
{
	struct fake_auth *fa = ctx;
	fa->queries++;
	if (fa->dead)
		return;
	struct dns_msg q, r;
	assert_int_equal(dns_decode(&q, p->payload->data + p->payload_off, p->payload_len), DNS_OK);
	dns_msg_reply(&r, &q, 1232);
	struct dns_name zone = N(fa->zone);
	char qn[DNS_NAME_STRLEN];
	dns_name_to_str(qn, sizeof(qn), &q.q.name);
	/* a delegation below the zone covering the name? */
	const struct fake_rr *cut = NULL;
	for (int i = 0; i < fa->n; i++) {
		struct dns_name o = N(fa->rrs[i].owner);
		if (fa->rrs[i].type == DNS_T_NS && !dns_name_eq(&o, &zone) &&
		    dns_name_is_sub(&q.q.name, &o))
			cut = &fa->rrs[i];
	}
	bool exists = false;
	if (cut) {
		for (int i = 0; i < fa->n; i++)
			if (fa->rrs[i].type == DNS_T_NS && strcmp(fa->rrs[i].owner, cut->owner) == 0) {
				add_rr(&r, DNS_SEC_NS, &fa->rrs[i]);
				for (int k = 0; k < fa->n; k++)
					if (fa->rrs[k].type == DNS_T_A && same(fa->rrs[k].owner, fa->rrs[i].rdata))
						add_rr(&r, DNS_SEC_AR, &fa->rrs[k]);
			}
		exists = true;
	} else {
		r.aa = true;
		for (int i = 0; i < fa->n; i++) {
			struct dns_name o = N(fa->rrs[i].owner);
			if (!dns_name_eq(&o, &q.q.name))
				continue;
			exists = true;
			if (fa->rrs[i].type == q.q.type ||
			    (fa->rrs[i].type == DNS_T_CNAME && q.q.type != DNS_T_CNAME))
				add_rr(&r, DNS_SEC_AN, &fa->rrs[i]);
			if (fa->rrs[i].type == DNS_T_NS && dns_name_eq(&o, &zone) && q.q.type == DNS_T_NS)
				for (int k = 0; k < fa->n; k++)
					if (fa->rrs[k].type == DNS_T_A && same(fa->rrs[k].owner, fa->rrs[i].rdata))
						add_rr(&r, DNS_SEC_AR, &fa->rrs[k]);
		}
		if (!exists)
			r.rcode = DNS_R_NXDOMAIN;
		if (r.n[DNS_SEC_AN] == 0)
			for (int i = 0; i < fa->n; i++)
				if (fa->rrs[i].type == DNS_T_SOA)
					add_rr(&r, DNS_SEC_NS, &fa->rrs[i]);
	}
	static uint8_t buf[4096];
	size_t limit = q.edns ? q.edns_udp_size : 512;
	int len = dns_encode(&r, buf, limit);
	assert_true(len > 0);
	struct pbuf *b = pbuf_new(buf, (uint32_t)len);
	udp_send(us, p->ip.src, p->l4.udp.sport, (uint32_t)len, b, 0);
	pbuf_unref(b);
	dns_msg_free(&q);
	dns_msg_free(&r);
}

/* ---- the world ---- */

struct world {
	struct sim *s;
	struct node *c, *r, *root, *tld, *auth;
	struct fake_auth froot, ftld, fauth;
	struct dns_resolver *res;
	char a_root[16], a_tld[16], a_auth[16];
	struct fake_rr root_rrs[4], tld_rrs[4];
};

static const struct fake_rr auth_rrs[] = {
	{ "example.test", DNS_T_SOA, 3600, "ns.example.test. host.example.test. 1 7200 900 1209600 30" },
	{ "example.test", DNS_T_NS, 86400, "ns.example.test." },
	{ "www.example.test", DNS_T_A, 60, "10.9.9.9" },
	{ "alias.example.test", DNS_T_CNAME, 300, "www.other.test." },
	{ "many.example.test", DNS_T_A, 300, "10.1.0.1" },
};

static struct link *mk_link(struct world *w, struct node *a, struct node *b, simtime_t d)
{
	struct link_cfg lc = { 0 };
	lc.rate_bps = 1000000000ull;
	lc.delay_ns = d;
	lc.mtu = 1500;
	lc.cost = 1;
	struct errbuf err;
	struct link *l = link_new(net_get(w->s), a, b, &lc, &err);
	assert_non_null(l);
	return l;
}

static struct udp_sock *fake_open(struct node *nd, struct fake_auth *fa)
{
	struct errbuf err;
	fa->us = udp_open(nd, 53, fake_recv, NULL, fa, &err);
	assert_non_null(fa->us);
	return fa->us;
}

static void world_init(struct world *w, bool serve_stale)
{
	memset(w, 0, sizeof(*w));
	w->s = sim_new(7);
	struct errbuf err;
	struct net *n = net_get(w->s);
	w->c = node_new(n, "c", false, &err);
	w->r = node_new(n, "r", false, &err);
	w->root = node_new(n, "root", false, &err);
	w->tld = node_new(n, "tld", false, &err);
	w->auth = node_new(n, "auth", false, &err);
	mk_link(w, w->c, w->r, SIM_MS(5));
	mk_link(w, w->r, w->root, SIM_MS(15));
	mk_link(w, w->r, w->tld, SIM_MS(25));
	mk_link(w, w->r, w->auth, SIM_MS(35));
	net_routes_compute(n);
	ipv4_fmt(w->a_root, node_addr(w->root));
	ipv4_fmt(w->a_tld, node_addr(w->tld));
	ipv4_fmt(w->a_auth, node_addr(w->auth));
	w->root_rrs[0] = (struct fake_rr){ ".", DNS_T_NS, 518400, "a.root." };
	w->root_rrs[1] = (struct fake_rr){ "a.root", DNS_T_A, 518400, w->a_root };
	w->root_rrs[2] = (struct fake_rr){ "test", DNS_T_NS, 172800, "ns.test." };
	w->root_rrs[3] = (struct fake_rr){ "ns.test", DNS_T_A, 172800, w->a_tld };
	w->tld_rrs[0] = (struct fake_rr){ "test", DNS_T_SOA, 900, "ns.test. h.test. 1 1 1 1 900" };
	w->tld_rrs[1] = (struct fake_rr){ "test", DNS_T_NS, 172800, "ns.test." };
	w->tld_rrs[2] = (struct fake_rr){ "example.test", DNS_T_NS, 172800, "ns.example.test." };
	w->tld_rrs[3] = (struct fake_rr){ "ns.example.test", DNS_T_A, 172800, w->a_auth };
	w->froot = (struct fake_auth){ .zone = ".", .rrs = w->root_rrs, .n = 4 };
	w->ftld = (struct fake_auth){ .zone = "test", .rrs = w->tld_rrs, .n = 4 };
	w->fauth = (struct fake_auth){ .zone = "example.test", .rrs = auth_rrs,
				       .n = (int)(sizeof(auth_rrs) / sizeof(auth_rrs[0])) };
	fake_open(w->root, &w->froot);
	fake_open(w->tld, &w->ftld);
	fake_open(w->auth, &w->fauth);
	struct dns_resolver_cfg rc;
	dns_resolver_cfg_default(&rc);
	rc.node = w->r;
	rc.roots[0] = node_addr(w->root);
	rc.nroots = 1;
	rc.serve_stale = serve_stale;
	w->res = dns_resolver_new(&rc, &err);
	assert_non_null(w->res);
	struct dns_stub_cfg sc;
	dns_stub_cfg_default(&sc);
	sc.ns[0] = node_addr(w->r); /* r's first address: on the c-r link */
	sc.nns = 1;
	assert_int_equal(dns_stub_config(w->c, &sc, &err), 0);
}

static void world_free(struct world *w)
{
	udp_close(w->froot.us);
	udp_close(w->ftld.us);
	udp_close(w->fauth.us);
	sim_free(w->s);
}

struct got {
	int calls;
	struct dns_answer a;
};

static void on_done(void *ctx, const struct dns_answer *a)
{
	struct got *g = ctx;
	g->calls++;
	g->a = *a;
}

/* Looks name up at time t and runs until it is answered. */
static struct got lookup_at(struct world *w, simtime_t t, const char *name, uint16_t type)
{
	sim_run(w->s, t);
	struct got g = { 0 };
	assert_int_equal(dns_lookup(w->c, name, type, on_done, &g), 0);
	/* run until answered (at most 60 s), so the clock stops there */
	for (simtime_t u = t; g.calls == 0 && u < t + SIM_S(60); u += SIM_MS(1))
		sim_run(w->s, u);
	assert_int_equal(g.calls, 1);
	return g;
}

static void assert_ms(simtime_t got_ns, double want_ms, double tol_ms)
{
	double ms = (double)got_ns / 1e6;
	if (ms < want_ms - tol_ms || ms > want_ms + tol_ms)
		fail_msg("latency %.6f ms, expected %.3f +- %.3f ms", ms, want_ms, tol_ms);
}

/* ---- tests ---- */

static void test_cold_warm_expiry(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, false);
	/* priming at t = 0: one query to the root */
	sim_run(w.s, SIM_S(1));
	assert_int_equal(w.froot.queries, 1);
	struct got g = lookup_at(&w, SIM_S(1), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, 0);
	assert_int_equal(g.a.n4, 1);
	assert_int_equal(g.a.addr4[0], 0x0a090909u);
	assert_int_equal(g.a.ttl, 60);
	assert_ms(g.a.latency_ns, 10 + 30 + 50 + 70, 1); /* one RTT per zone cut */
	assert_int_equal(w.froot.queries + w.ftld.queries + w.fauth.queries, 4);
	/* warm: from the cache, one client RTT, TTL counted down */
	g = lookup_at(&w, SIM_S(11), "www.example.test", DNS_T_A);
	assert_ms(g.a.latency_ns, 10, 1);
	/* cached at 1.155 s for 60 s, asked at 11.005 s: 50.15 s left, shown
	 * rounded up (never above what the server gave, 0 only when expired) */
	assert_int_equal(g.a.ttl, 51);
	assert_int_equal(w.froot.queries + w.ftld.queries + w.fauth.queries, 4);
	/* after the TTL (60 s from t = 1.16 s): exactly one query, to auth */
	g = lookup_at(&w, SIM_S(62), "www.example.test", DNS_T_A);
	assert_ms(g.a.latency_ns, 10 + 70, 1);
	assert_int_equal(w.fauth.queries, 2);
	assert_int_equal(w.froot.queries + w.ftld.queries, 3);
	world_free(&w);
}

static void test_nxdomain_cached(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, false);
	struct got g = lookup_at(&w, SIM_S(1), "nx.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_R_NXDOMAIN);
	assert_ms(g.a.latency_ns, 160, 1);
	/* the SOA says min(3600, 30) = 30 s (RFC 2308 §5) */
	g = lookup_at(&w, SIM_S(20), "nx.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_R_NXDOMAIN);
	assert_ms(g.a.latency_ns, 10, 1);
	assert_int_equal(w.fauth.queries, 1);
	/* also for another type: NXDOMAIN is about the name */
	g = lookup_at(&w, SIM_S(21), "nx.example.test", DNS_T_AAAA);
	assert_int_equal(g.a.rcode, DNS_R_NXDOMAIN);
	assert_int_equal(w.fauth.queries, 1);
	g = lookup_at(&w, SIM_S(32), "nx.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_R_NXDOMAIN);
	assert_int_equal(w.fauth.queries, 2);
	world_free(&w);
}

/* An address no node has: queries to it vanish (no answer, no ICMP). */
#define DEAD_NS 0x0afa0001u

static void test_stub_timeouts(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, false);
	/* one nameserver that never answers: 2 attempts x 5 s = 10 s
	 * (glibc RES_DFLRETRY 2, RES_TIMEOUT 5) */
	struct dns_stub_cfg sc;
	struct errbuf err;
	dns_stub_cfg_default(&sc);
	sc.ns[0] = DEAD_NS;
	sc.nns = 1;
	assert_int_equal(dns_stub_config(w.c, &sc, &err), 0);
	struct got g = lookup_at(&w, SIM_S(1), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_ANS_TIMEOUT);
	assert_int_equal(g.a.latency_ns, SIM_S(10));
	assert_int_equal(g.a.queries, 2);
	/* dead first of two: 5 s, then the second's (5 << 1) / 2 = 5 s wait
	 * is not needed: the answer comes after its RTT (10 ms + 160 ms
	 * cold: the resolver primed at t = 0, so 10 + 30 + 50 + 70) */
	sc.ns[0] = DEAD_NS;
	sc.ns[1] = node_addr(w.r);
	sc.nns = 2;
	assert_int_equal(dns_stub_config(w.c, &sc, &err), 0);
	g = lookup_at(&w, SIM_S(100), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, 0);
	assert_ms(g.a.latency_ns, 5000 + 160, 1);
	assert_int_equal(g.a.server, node_addr(w.r));
	/* three dead servers: per pass 5 + (10 / 3 = 3) + (20 / 3 = 6) = 14 s,
	 * two passes 28 s (send_dg's integer seconds) */
	sc.ns[1] = DEAD_NS + 1;
	sc.ns[2] = DEAD_NS + 2;
	sc.nns = 3;
	assert_int_equal(dns_stub_config(w.c, &sc, &err), 0);
	sim_run(w.s, SIM_S(200));
	struct got g3 = { 0 };
	assert_int_equal(dns_lookup(w.c, "www.example.test", DNS_T_A, on_done, &g3), 0);
	sim_run(w.s, SIM_S(260));
	assert_int_equal(g3.calls, 1);
	assert_int_equal(g3.a.rcode, DNS_ANS_TIMEOUT);
	assert_int_equal(g3.a.latency_ns, SIM_S(28));
	world_free(&w);
}

static void test_literal_and_errors(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, false);
	struct got g = lookup_at(&w, SIM_S(1), "10.1.2.3", DNS_T_A);
	assert_true(g.a.literal);
	assert_int_equal(g.a.latency_ns, 0);
	assert_int_equal(g.a.addr4[0], 0x0a010203u);
	assert_int_equal(g.a.queries, 0);
	assert_int_equal(dns_lookup(w.c, "bad..name", DNS_T_A, on_done, &g), -22);
	assert_int_equal(dns_lookup(w.r, "www.example.test", DNS_T_A, on_done, &g), -6);
	world_free(&w);
}

static void test_cname_other_zone(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, false);
	/* alias.example.test CNAME www.other.test, and other.test does not
	 * exist at the TLD: 160 ms to the CNAME, then test's server (cached
	 * delegation) answers NXDOMAIN: + 50 ms */
	struct got g = lookup_at(&w, SIM_S(1), "alias.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_R_NXDOMAIN);
	assert_ms(g.a.latency_ns, 160 + 50, 1);
	world_free(&w);
}

/* RFC 8767: with the only server of the zone dead after the TTL, the
 * expired answer is served with TTL 30 once the retries are spent:
 * auth's one sample of 70 ms gives srtt 70/8 = 8, rttvar 94 + (70-94)/4 = 88,
 * RTO 8 + 4*88 = 360 ms; the retry waits the doubled 720 ms (Unbound
 * rtt.c), so the answer comes 10 + 360 + 720 = 1090 ms after the ask. */
static void test_serve_stale(void **state)
{
	(void)state;
	struct world w;
	world_init(&w, true);
	struct got g = lookup_at(&w, SIM_S(1), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, 0);
	w.fauth.dead = true;
	g = lookup_at(&w, SIM_S(100), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, 0);
	assert_int_equal(g.a.n4, 1);
	assert_int_equal(g.a.ttl, 30);
	assert_ms(g.a.latency_ns, 1090, 1);
	assert_int_equal(w.fauth.queries, 3);
	/* without serve-stale: SERVFAIL, and the stub tries the resolver again
	 * (glibc: SERVFAIL moves on; attempts 2) */
	world_free(&w);
	world_init(&w, false);
	g = lookup_at(&w, SIM_S(1), "www.example.test", DNS_T_A);
	w.fauth.dead = true;
	g = lookup_at(&w, SIM_S(100), "www.example.test", DNS_T_A);
	assert_int_equal(g.a.rcode, DNS_R_SERVFAIL);
	world_free(&w);
}

static void test_infra_rtt(void **state)
{
	(void)state;
	struct dns_infra inf;
	dns_infra_init(&inf, SIM_S(900));
	/* unknown: 376 ms (Unbound rtt_init: 0 + 4 * 94) */
	assert_int_equal(dns_infra_rto(&inf, 1, 0), 376);
	/* first sample 100 ms: srtt = 0 + 100/8 = 12, rttvar = 94 + (100-94)/4 = 95,
	 * rto = 12 + 380 = 392 */
	dns_infra_update(&inf, 1, 100, 0);
	assert_int_equal(dns_infra_rto(&inf, 1, 0), 392);
	/* a timeout doubles the RTO the query used */
	dns_infra_lost(&inf, 1, 392, 0);
	assert_int_equal(dns_infra_rto(&inf, 1, 0), 784);
	for (int i = 0; i < 20; i++)
		dns_infra_lost(&inf, 1, dns_infra_rto(&inf, 1, 0), 0);
	assert_int_equal(dns_infra_rto(&inf, 1, 0), 120000);
	/* the host TTL (900 s) forgets it */
	assert_int_equal(dns_infra_rto(&inf, 1, SIM_S(901)), 376);
	/* selection: a server backed off to 120 s is not chosen while another is fine */
	for (int i = 0; i < 20; i++)
		dns_infra_lost(&inf, 2, dns_infra_rto(&inf, 2, SIM_S(901)), SIM_S(901));
	struct sim *s = sim_new(1);
	struct rng *r = rng_stream(s, "t");
	uint32_t addrs[2] = { 2, 3 };
	for (int i = 0; i < 50; i++)
		assert_int_equal(dns_infra_select(&inf, SIM_S(902), addrs, 2, NULL, r), 1);
	/* both unknown (376 within the 400 ms band): both get picked */
	uint32_t fresh[2] = { 7, 8 };
	int seen[2] = { 0, 0 };
	for (int i = 0; i < 100; i++)
		seen[dns_infra_select(&inf, SIM_S(902), fresh, 2, NULL, r)]++;
	assert_true(seen[0] > 20 && seen[1] > 20);
	sim_free(s);
	dns_infra_free(&inf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cold_warm_expiry),
		cmocka_unit_test(test_nxdomain_cached),
		cmocka_unit_test(test_stub_timeouts),
		cmocka_unit_test(test_literal_and_errors),
		cmocka_unit_test(test_cname_other_zone),
		cmocka_unit_test(test_serve_stale),
		cmocka_unit_test(test_infra_rtt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
