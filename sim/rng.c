/* Named GSL random streams, found by name through a hash table; see rng.h. */
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

/* FNV-1a over the name: the seed's ingredient and the table's hash */
static uint64_t name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t rng_derive_seed(uint64_t run_seed, const char *name)
{
	return mix64(mix64(run_seed) ^ name_hash(name));
}

/* The streams of a simulation: an open-addressing table (linear probing,
 * at most half full) keyed by name, so finding a stream costs O(1) however
 * many there are (20 000 udp.cbr sources were quadratic with a list), and
 * a list of all of them for freeing. */
struct rng_set {
	struct rng **slot;
	uint64_t *hash;
	size_t cap, n;      /* cap a power of two */
	struct rng *all;
};

static size_t find_slot(const struct rng_set *t, uint64_t h, const char *name)
{
	size_t i = (size_t)mix64(h) & (t->cap - 1);
	while (t->slot[i] && !(t->hash[i] == h && strcmp(t->slot[i]->name, name) == 0))
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void grow(struct rng_set *t)
{
	struct rng_set old = *t;
	t->cap = old.cap ? 2 * old.cap : 64;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	t->hash = xcalloc(t->cap, sizeof(*t->hash));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i]) {
			size_t j = find_slot(t, old.hash[i], old.slot[i]->name);
			t->slot[j] = old.slot[i];
			t->hash[j] = old.hash[i];
		}
	free(old.slot);
	free(old.hash);
}

struct rng *rng_stream(struct sim *s, const char *name)
{
	if (!s->rngs)
		s->rngs = xcalloc(1, sizeof(*s->rngs));
	struct rng_set *t = s->rngs;
	if (2 * (t->n + 1) > t->cap)
		grow(t);
	uint64_t h = name_hash(name);
	size_t i = find_slot(t, h, name);
	if (t->slot[i])
		return t->slot[i];
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
	r->next = t->all;
	t->all = r;
	t->slot[i] = r;
	t->hash[i] = h;
	t->n++;
	return r;
}

void rng_free_all(struct sim *s)
{
	struct rng_set *t = s->rngs;
	if (!t)
		return;
	struct rng *r = t->all;
	while (r) {
		struct rng *next = r->next;
		gsl_rng_free(r->g);
		free(r);
		r = next;
	}
	free(t->slot);
	free(t->hash);
	free(t);
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
