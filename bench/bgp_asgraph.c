/* Benchmark: BGP over the 2015 Internet AS graph (CAIDA 20150201 as-rel,
 * 49 755 ASes, 189 837 links), one speaker per AS, sessions as direct
 * in-order channels (10 ms one way), Gao-Rexford policies, MRAI 30 s with
 * RFC 4271 §10 jitter.  Phases: load and build; one prefix announced by a
 * multihomed stub AS until every AS has converged; its withdrawal; then N
 * more prefixes from random origins at once (N = $BGP_BENCH_PREFIXES,
 * default 100).  Prints wall time, peak resident memory (getrusage), UPDATE
 * messages and the simulated convergence time of each phase.  Issue 10's
 * targets: one announcement <= 2 s wall and <= 1 GB; BGPSim reports 0.77 s
 * for one announcement on a 67 000-AS graph (no time, no messages).
 * The file is $BGP_ASREL or ../shared/data/bgp/20150201.as-rel.txt.bz2;
 * absent, the benchmark says so and exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "models/bgp/bgp_asgraph.h"
#include "models/bgp/bgp_speaker.h"
#include "sim/rng.h"
#include "sim/sim.h"

static double wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double rss_mb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static void phase(const char *what, struct sim *s, struct bgp_world *w, double t0, uint64_t upd0,
		  simtime_t start)
{
	double dt = wall() - t0;
	double conv = w->last_change == SIM_NEVER || w->last_change < start
			      ? 0
			      : (double)(w->last_change - start) / 1e9;
	printf("%-28s wall %7.3f s  peak RSS %7.1f MB  UPDATEs %9llu  converged after %8.3f s simulated  "
	       "events %llu\n",
	       what, dt, rss_mb(), (unsigned long long)(w->updates - upd0), conv, (unsigned long long)s->events);
}

int main(void)
{
	const char *path = getenv("BGP_ASREL");
	if (!path || !*path)
		path = "../shared/data/bgp/20150201.as-rel.txt.bz2";
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("skip: %s is absent (set BGP_ASREL)\n", path);
		return 0;
	}
	fclose(f);
	int nmore = getenv("BGP_BENCH_PREFIXES") ? atoi(getenv("BGP_BENCH_PREFIXES")) : 100;
	double t0 = wall();
	struct bgp_asgraph g;
	struct errbuf err;
	if (bgp_asgraph_load(path, &g, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("%-28s wall %7.3f s  peak RSS %7.1f MB  (%u ASes, %u links)\n", "load", wall() - t0, rss_mb(),
	       g.nas, g.nlinks);
	struct sim *s = sim_new(1);
	struct bgp_asgraph_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	bgp_speaker_cfg_default(&cfg.speaker);
	cfg.delay = SIM_MS(10);
	struct bgp_speaker **sp;
	t0 = wall();
	if (bgp_asgraph_build(s, &g, &cfg, &sp, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	struct bgp_world *w = bgp_world_get(s);
	sim_run(s, SIM_NEVER); /* sessions up */
	phase("build + sessions up", s, w, t0, 0, 0);

	/* the first multihomed stub (no customers, >= 2 providers) */
	uint32_t *ncust = calloc(g.nas, sizeof(uint32_t)), *nprov = calloc(g.nas, sizeof(uint32_t));
	for (uint32_t i = 0; i < g.nlinks; i++)
		if (g.links[i].rel < 0) {
			ncust[g.links[i].a]++;
			nprov[g.links[i].b]++;
		}
	uint32_t stub = 0;
	while (stub < g.nas && (ncust[stub] || nprov[stub] < 2))
		stub++;
	struct bgp_prefix pfx = { 0xC0000200u, 24 }; /* 192.0.2.0/24 */
	uint64_t u0 = w->updates;
	simtime_t start = s->now;
	t0 = wall();
	bgp_speaker_announce(sp[stub], pfx, NULL);
	sim_run(s, SIM_NEVER);
	char what[64];
	snprintf(what, sizeof(what), "announce 1 (AS%u)", g.asn[stub]);
	phase(what, s, w, t0, u0, start);
	uint32_t reach = 0;
	for (uint32_t i = 0; i < g.nas; i++)
		reach += bgp_speaker_best(sp[i], pfx) != NULL;
	printf("%-28s %u of %u ASes have a route\n", "", reach, g.nas);

	u0 = w->updates;
	start = s->now;
	t0 = wall();
	bgp_speaker_withdraw(sp[stub], pfx);
	sim_run(s, SIM_NEVER);
	phase("withdraw 1", s, w, t0, u0, start);

	if (nmore > 0) {
		struct rng *r = rng_stream(s, "bench:origins");
		u0 = w->updates;
		start = s->now;
		t0 = wall();
		for (int k = 0; k < nmore; k++) {
			uint32_t o = (uint32_t)rng_below(r, g.nas);
			struct bgp_prefix p = { 0x0A000000u | (uint32_t)k << 8, 24 }; /* 10.x.y.0/24 */
			bgp_speaker_announce(sp[o], p, NULL);
		}
		sim_run(s, SIM_NEVER);
		snprintf(what, sizeof(what), "announce %d at once", nmore);
		phase(what, s, w, t0, u0, start);
	}
	free(ncust);
	free(nprov);
	free(sp);
	sim_free(s);
	bgp_asgraph_free(&g);
	return 0;
}
