/* Named GSL random streams; see rng.h. */
#include "rng.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "util.h"

/* SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014): a bijective
 * mixer, so distinct inputs give distinct, well-spread seeds. */
static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t rng_derive_seed(uint64_t run_seed, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a over the name */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return mix64(mix64(run_seed) ^ h);
}

struct rng *rng_stream(struct sim *s, const char *name)
{
	for (struct rng *r = s->rngs; r; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	size_t n = strlen(name);
	struct rng *r = malloc(sizeof(*r) + n + 1);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r || !g) {
		fprintf(stderr, "wirelab: out of memory for random stream '%s'\n", name);
		abort();
	}
	memcpy(r->name, name, n + 1);
	r->seed = rng_derive_seed(s->seed, name);
	/* MT19937 takes a 32-bit seed; fold the 64 derived bits into it.  GSL
	 * maps seed 0 to its default 4357, which is harmless here. */
	gsl_rng_set(g, (unsigned long)((r->seed ^ (r->seed >> 32)) & 0xffffffffu));
	r->g = g;
	r->next = s->rngs;
	s->rngs = r;
	return r;
}

void rng_free_all(struct sim *s)
{
	struct rng *r = s->rngs;
	while (r) {
		struct rng *next = r->next;
		gsl_rng_free(r->g);
		free(r);
		r = next;
	}
	s->rngs = NULL;
}

double rng_uniform(struct rng *r) { return gsl_rng_uniform(r->g); }
double rng_uniform_pos(struct rng *r) { return gsl_rng_uniform_pos(r->g); }
uint64_t rng_u32(struct rng *r) { return gsl_rng_get(r->g); }
uint64_t rng_below(struct rng *r, uint64_t n)
{
	assert(n >= 1);
	if (n <= 0xffffffffu)
		return gsl_rng_uniform_int(r->g, n);
	/* GSL stops at 2^32 - 1: two 32-bit draws, with rejection so every
	 * value stays equally likely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	for (;;) {
		uint64_t v = (uint64_t)gsl_rng_get(r->g) << 32 | gsl_rng_get(r->g);
		if (v < limit)
			return v % n;
	}
}
bool rng_bernoulli(struct rng *r, double p) { return p > 0 && gsl_rng_uniform(r->g) < p; }
double rng_exponential(struct rng *r, double mean) { return gsl_ran_exponential(r->g, mean); }
double rng_pareto(struct rng *r, double shape, double scale) { return gsl_ran_pareto(r->g, shape, scale); }
double rng_lognormal(struct rng *r, double zeta, double sigma) { return gsl_ran_lognormal(r->g, zeta, sigma); }
