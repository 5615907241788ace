/* The speaker, RIBs and Gao-Rexford policies over the Internet's AS graph
 * (CAIDA AS relationships, 2015-02-01: 49 755 ASes, 189 837 links of which
 * 97 864 provider-customer and 91 973 peer, per the dataset's README in
 * ../shared/data/bgp/).  One prefix is originated by a stub AS; when the
 * run has converged, the set of ASes holding a route must be exactly the
 * set a valley-free reachability computation gives, written here apart
 * from the speaker: up from the origin through providers, then at most one
 * peer link, then down through customers (Gao and Rexford 2001; the same
 * rule BGPSim and the CAIDA customer-cone work use).  Every chosen path must
 * also be valley-free and loop-free.
 *
 * The file is read from $BGP_ASREL, else ../shared/data/bgp/ relative to
 * the source tree (the current folder when tests/run.sh runs this); the
 * test skips with a message when it is absent.
 * sanitizer: the run takes about 10 s under ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/bgp/bgp_asgraph.h"
#include "models/bgp/bgp_speaker.h"
#include "sim/sim.h"

static const char *asrel_path(void)
{
	const char *p = getenv("BGP_ASREL");
	return p && *p ? p : "../shared/data/bgp/20150201.as-rel.txt.bz2";
}

struct adj {
	uint32_t *off, *to; /* CSR */
	int8_t *kind;       /* what `to` is to the AS: 1 customer, 0 peer, -1 provider */
};

static void build_adj(const struct bgp_asgraph *g, struct adj *a)
{
	a->off = calloc(g->nas + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < g->nlinks; i++) {
		a->off[g->links[i].a + 1]++;
		a->off[g->links[i].b + 1]++;
	}
	for (uint32_t i = 0; i < g->nas; i++)
		a->off[i + 1] += a->off[i];
	a->to = malloc(2 * g->nlinks * sizeof(uint32_t));
	a->kind = malloc(2 * g->nlinks);
	uint32_t *fill = malloc(g->nas * sizeof(uint32_t));
	memcpy(fill, a->off, g->nas * sizeof(uint32_t));
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct bgp_aslink *l = &g->links[i];
		uint32_t x = fill[l->a]++, y = fill[l->b]++;
		a->to[x] = l->b;
		a->kind[x] = l->rel < 0 ? 1 : 0;  /* b is a's customer, or peer */
		a->to[y] = l->a;
		a->kind[y] = l->rel < 0 ? -1 : 0; /* a is b's provider, or peer */
	}
	free(fill);
}

/* Valley-free reachability from o: reach[i] set for every AS that can
 * learn a route originated by o. */
static void valley_free(const struct bgp_asgraph *g, const struct adj *a, uint32_t o, bool *reach)
{
	uint32_t *q = malloc(g->nas * sizeof(uint32_t));
	bool *up = calloc(g->nas, 1);
	size_t h = 0, t = 0;
	up[o] = true;
	q[t++] = o;
	while (h < t) { /* 1. up through providers */
		uint32_t u = q[h++];
		for (uint32_t k = a->off[u]; k < a->off[u + 1]; k++)
			if (a->kind[k] == -1 && !up[a->to[k]]) {
				up[a->to[k]] = true;
				q[t++] = a->to[k];
			}
	}
	memset(reach, 0, g->nas);
	h = t = 0;
	for (uint32_t u = 0; u < g->nas; u++)
		if (up[u]) {
			reach[u] = true;
			q[t++] = u;
		}
	size_t nup = t;
	for (size_t i = 0; i < nup; i++) { /* 2. one peer link */
		uint32_t u = q[i];
		for (uint32_t k = a->off[u]; k < a->off[u + 1]; k++)
			if (a->kind[k] == 0 && !reach[a->to[k]]) {
				reach[a->to[k]] = true;
				q[t++] = a->to[k];
			}
	}
	while (h < t) { /* 3. down through customers */
		uint32_t u = q[h++];
		for (uint32_t k = a->off[u]; k < a->off[u + 1]; k++)
			if (a->kind[k] == 1 && !reach[a->to[k]]) {
				reach[a->to[k]] = true;
				q[t++] = a->to[k];
			}
	}
	free(q);
	free(up);
}

/* The relationship of AS index y to AS index x (1 customer, 0 peer, -1
 * provider), or 2 if they are not linked. */
static int rel_of(const struct adj *a, uint32_t x, uint32_t y)
{
	for (uint32_t k = a->off[x]; k < a->off[x + 1]; k++)
		if (a->to[k] == y)
			return a->kind[k];
	return 2;
}

/* A path as the AS sees it, nearest first, ending at the origin: walking
 * from the origin towards the AS, the links must go up (customer to
 * provider) for a while, cross at most one peer link, then only go down. */
static bool path_valley_free(const struct bgp_asgraph *g, const struct adj *a, uint32_t self,
			     const struct bgp_rattr *r)
{
	uint32_t n = r->n_as;
	uint32_t idx[1024];
	if (n + 1 > 1024)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		int64_t k = bgp_asgraph_find(g, r->as[n - 1 - i]);
		if (k < 0)
			return false;
		idx[i] = (uint32_t)k;
	}
	idx[n] = self;
	int phase = 0; /* 0 climbing, 1 after the peer link or a descent */
	for (uint32_t i = 0; i < n; i++) {
		int rel = rel_of(a, idx[i + 1], idx[i]); /* what the sender is to the receiver */
		if (rel == 2)
			return false;
		if (rel == 1) { /* received from a customer: still climbing */
			if (phase)
				return false;
		} else {
			phase = 1;
		}
		for (uint32_t j = 0; j < i + 1; j++)
			if (idx[j] == idx[i + 1])
				return false; /* a loop */
	}
	return true;
}

static void test_reach(void **st)
{
	(void)st;
	const char *path = asrel_path();
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("skip: %s is absent (set BGP_ASREL to the CAIDA 20150201 as-rel file)\n", path);
		skip();
	}
	fclose(f);
	struct bgp_asgraph g;
	struct errbuf err;
	assert_int_equal(bgp_asgraph_load(path, &g, &err), 0);
	assert_int_equal(g.nas, 49755);
	assert_int_equal(g.nlinks, 189837);
	uint32_t p2c = 0;
	for (uint32_t i = 0; i < g.nlinks; i++)
		p2c += g.links[i].rel < 0;
	assert_int_equal(p2c, 97864);

	struct adj a;
	build_adj(&g, &a);
	/* stubs: no customers, at least two providers (multihomed, so the
	 * choice of paths is not trivial); three spread over the AS numbers */
	uint32_t stubs[3];
	int nst = 0;
	for (uint32_t i = 0; i < g.nas && nst < 3; i++) {
		int cust = 0, prov = 0;
		for (uint32_t k = a.off[i]; k < a.off[i + 1]; k++) {
			cust += a.kind[k] == 1;
			prov += a.kind[k] == -1;
		}
		if (!cust && prov >= 2 && i >= (uint32_t)nst * (g.nas / 3))
			stubs[nst++] = i;
	}
	assert_int_equal(nst, 3);

	struct sim *s = sim_new(1);
	struct bgp_asgraph_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	bgp_speaker_cfg_default(&cfg.speaker);
	cfg.delay = SIM_MS(10);
	struct bgp_speaker **sp;
	assert_int_equal(bgp_asgraph_build(s, &g, &cfg, &sp, &err), 0);
	bool *want = malloc(g.nas);
	for (int k = 0; k < nst; k++) {
		struct bgp_prefix pfx = { 0xC6000000u | (uint32_t)k << 8, 24 }; /* 198.0.k.0/24 */
		bgp_speaker_announce(sp[stubs[k]], pfx, NULL);
		valley_free(&g, &a, stubs[k], want);
	}
	sim_run(s, SIM_NEVER);
	for (int k = 0; k < nst; k++) {
		struct bgp_prefix pfx = { 0xC6000000u | (uint32_t)k << 8, 24 };
		valley_free(&g, &a, stubs[k], want);
		uint32_t nwant = 0, ngot = 0, wrong = 0, bad_paths = 0;
		for (uint32_t i = 0; i < g.nas; i++) {
			const struct bgp_path *b = bgp_speaker_best(sp[i], pfx);
			nwant += want[i];
			ngot += b != NULL;
			if ((b != NULL) != want[i]) {
				if (wrong++ < 5)
					printf("AS%u: %s a route, valley-free BFS says %s\n", g.asn[i], b ? "has" : "lacks",
					       want[i] ? "reachable" : "unreachable");
			}
			if (b && b->peer && !path_valley_free(&g, &a, i, b->attr))
				bad_paths++;
		}
		printf("origin AS%u: %u ASes reach it (BFS: %u), %u differ, %u paths not valley-free\n",
		       g.asn[stubs[k]], ngot, nwant, wrong, bad_paths);
		assert_int_equal(wrong, 0);
		assert_int_equal(bad_paths, 0);
		assert_true(nwant > g.nas / 2);
	}
	free(want);
	free(sp);
	sim_free(s);
	free(a.off);
	free(a.to);
	free(a.kind);
	bgp_asgraph_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
