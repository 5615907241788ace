/* Resolver throughput (figures only, never pass/fail; issue 9 "Speed"):
 * lookups per wall second with 10^5 distinct names, cold and warm.
 *
 *   client --1 ms-- resolver --5 ms-- root / tld / auth   (10 Gbit/s links)
 *
 * The zone example.test holds n0 ... n99999.  Cold: each name once (the
 * resolver asks example.test's server once per name; root and test are
 * cached after the first).  Warm: every name again, answered from the
 * resolver's cache.  Two paths: (1) through the network, the client's stub
 * sending real UDP queries to the resolver (glibc rules, a fresh socket per
 * query), 256 lookups in flight; (2) the resolver alone
 * (dns_resolver_resolve: no client packets), to show what the cache costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "models/dns/dns_resolver.h"
#include "models/dns/dns_server.h"
#include "models/dns/dns_stub.h"
#include "models/net/net.h"
#include "sim/sim.h"

#define NAMES 100000
#define INFLIGHT 256

static double wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU time of this process: on a shared machine the wall figure depends on
 * the load, this one much less */
static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static struct dns_rr rr_of(const char *owner, uint16_t type, uint32_t ttl, const char *data)
{
	struct dns_rr rr;
	dns_rr_init(&rr);
	dns_name_from_str(&rr.name, owner);
	rr.type = type;
	rr.cls = DNS_C_IN;
	rr.ttl = ttl;
	struct dns_name root;
	dns_name_root(&root);
	char err[128];
	if (dns_rr_parse(&rr, data, &root, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_dns: %s %s: %s\n", owner, data, err);
		exit(1);
	}
	return rr;
}

static struct dns_zone *zone(const char *origin, const char *ns, uint32_t ns_addr)
{
	char soa_data[256], nsname[256], a[16];
	bool is_root = strcmp(origin, ".") == 0;
	snprintf(soa_data, sizeof(soa_data), "%s. hostmaster.%s%s 1 7200 900 1209600 60", ns,
		 is_root ? "" : origin, is_root ? "" : ".");
	struct dns_rr soa = rr_of(origin, DNS_T_SOA, 3600, soa_data);
	struct dns_zone *z = dns_zone_new(&soa);
	dns_rr_clear(&soa);
	snprintf(nsname, sizeof(nsname), "%s.", ns);
	struct dns_rr r1 = rr_of(origin, DNS_T_NS, 86400, nsname);
	struct dns_rr r2 = rr_of(ns, DNS_T_A, 86400, ipv4_fmt(a, ns_addr));
	struct errbuf err;
	dns_zone_add(z, &r1, &err);
	dns_zone_add(z, &r2, &err);
	dns_rr_clear(&r1);
	dns_rr_clear(&r2);
	return z;
}

static void add(struct dns_zone *z, const char *owner, uint16_t type, const char *data)
{
	struct dns_rr rr = rr_of(owner, type, 86400, data);
	struct errbuf err;
	if (dns_zone_add(z, &rr, &err) != 0) {
		fprintf(stderr, "bench_dns: %s\n", err.msg);
		exit(1);
	}
	dns_rr_clear(&rr);
}

struct world {
	struct sim *s;
	struct node *c, *r;
	struct dns_resolver *res;
	int next, done, fails;
	bool via_stub;
};

static void issue(struct world *w);

static void on_stub(void *ctx, const struct dns_answer *a)
{
	struct world *w = ctx;
	w->done++;
	w->fails += a->rcode != 0 || a->n4 != 1;
	issue(w);
}

static void on_res(void *ctx, int rcode, const char *cache, int upstream)
{
	(void)cache;
	(void)upstream;
	struct world *w = ctx;
	w->done++;
	w->fails += rcode != 0;
	issue(w);
}

static void issue(struct world *w)
{
	if (w->next >= NAMES)
		return;
	char name[64];
	snprintf(name, sizeof(name), "n%d.example.test", w->next++);
	if (w->via_stub)
		dns_lookup(w->c, name, DNS_T_A, on_stub, w);
	else
		dns_resolver_resolve(w->res, name, DNS_T_A, on_res, w);
}

static struct node *mk(struct net *n, const char *name)
{
	struct errbuf err;
	return node_new(n, name, false, &err);
}

static void build(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->s = sim_new(1);
	struct net *n = net_get(w->s);
	w->c = mk(n, "client");
	w->r = mk(n, "resolver");
	struct node *root = mk(n, "root"), *tld = mk(n, "tld"), *auth = mk(n, "auth");
	struct link_cfg lc = { .rate_bps = 10000000000ull, .delay_ns = SIM_MS(1), .mtu = 1500, .cost = 1 };
	struct errbuf err;
	link_new(n, w->c, w->r, &lc, &err);
	lc.delay_ns = SIM_MS(5);
	link_new(n, w->r, root, &lc, &err);
	link_new(n, w->r, tld, &lc, &err);
	link_new(n, w->r, auth, &lc, &err);
	net_routes_compute(n);
	char a[16];
	struct dns_zone *zr = zone(".", "a.root", node_addr(root));
	add(zr, "test", DNS_T_NS, "ns.test.");
	add(zr, "ns.test", DNS_T_A, ipv4_fmt(a, node_addr(tld)));
	struct dns_zone *zt = zone("test", "ns.test", node_addr(tld));
	add(zt, "example.test", DNS_T_NS, "ns.example.test.");
	add(zt, "ns.example.test", DNS_T_A, ipv4_fmt(a, node_addr(auth)));
	struct dns_zone *ze = zone("example.test", "ns.example.test", node_addr(auth));
	for (int i = 0; i < NAMES; i++) {
		char owner[64], data[16];
		snprintf(owner, sizeof(owner), "n%d.example.test", i);
		snprintf(data, sizeof(data), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		add(ze, owner, DNS_T_A, data);
	}
	struct node *srv_nodes[3] = { root, tld, auth };
	struct dns_zone *zones[3] = { zr, zt, ze };
	for (int i = 0; i < 3; i++) {
		struct dns_server_cfg sc;
		dns_server_cfg_default(&sc);
		sc.node = srv_nodes[i];
		sc.processing_ns = 0;
		struct dns_server *srv = dns_server_new(&sc, &err);
		if (!srv || dns_server_add_zone(srv, zones[i], &err) != 0) {
			fprintf(stderr, "bench_dns: %s\n", err.msg);
			exit(1);
		}
		dns_zone_unref(zones[i]);
	}
	struct dns_resolver_cfg rc;
	dns_resolver_cfg_default(&rc);
	rc.node = w->r;
	rc.roots[0] = node_addr(root);
	rc.nroots = 1;
	w->res = dns_resolver_new(&rc, &err);
	struct dns_stub_cfg st;
	dns_stub_cfg_default(&st);
	st.ns[0] = node_addr(w->r);
	st.nns = 1;
	dns_stub_config(w->c, &st, &err);
	sim_run(w->s, SIM_S(1)); /* priming */
}

static void phase(struct world *w, const char *what)
{
	w->next = w->done = w->fails = 0;
	uint64_t ev0 = w->s->events;
	double t0 = wall(), c0 = cpu();
	for (int i = 0; i < INFLIGHT; i++)
		issue(w);
	while (w->done < NAMES)
		sim_run(w->s, w->s->now + SIM_S(1));
	double dt = wall() - t0, dc = cpu() - c0;
	printf("%-26s %8.0f lookups/wall s, %8.0f /CPU s  (%d in %.3f s wall, %.2f M events/s, %d failed)\n",
	       what, NAMES / dt, NAMES / dc, NAMES, dt, (double)(w->s->events - ev0) / dt / 1e6, w->fails);
}

int main(void)
{
	struct world w;
	double t0 = wall();
	build(&w);
	printf("set-up: 10^5-name zone, servers, priming: %.3f s wall\n", wall() - t0);
	w.via_stub = true;
	phase(&w, "stub -> resolver, cold");
	phase(&w, "stub -> resolver, warm");
	w.via_stub = false;
	phase(&w, "resolver alone, warm");
	struct dns_resolver_stats st;
	dns_resolver_stats(w.res, &st);
	printf("resolver: %llu requests, %llu hits, %llu misses, %llu queries upstream; peak RSS %.1f MiB\n",
	       (unsigned long long)st.requests, (unsigned long long)st.hits,
	       (unsigned long long)st.misses, (unsigned long long)st.upstream_udp,
	       (double)peak_kib() / 1024);
	sim_free(w.s);
	return 0;
}
