/* Named random streams.  Every consumer of randomness asks for a stream by
 * name ("link:r1-r2:loss:a>b"); the stream's seed is derived from the run
 * seed and the name alone, so adding a model or a stream never shifts the
 * numbers another model draws.  Streams are GSL Mersenne Twisters
 * (gsl_rng_mt19937); distributions come from gsl_randist. */
#ifndef WL_RNG_H
#define WL_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct sim;

struct rng {
	struct rng *next; /* the list of all streams, for freeing */
	void *g;          /* gsl_rng * */
	uint64_t seed;    /* derived seed, for the record */
	char name[];
};

/* Returns the stream of that name, creating it on first use; the same name
 * always gives the same stream object within a simulation. */
struct rng *rng_stream(struct sim *s, const char *name);
void rng_free_all(struct sim *s);

/* The seed a stream of this name gets in a run with this seed. */
uint64_t rng_derive_seed(uint64_t run_seed, const char *name);

double rng_uniform(struct rng *r);              /* [0, 1) */
double rng_uniform_pos(struct rng *r);          /* (0, 1) */
uint64_t rng_u32(struct rng *r);                /* 0 .. 2^32-1 */
uint64_t rng_below(struct rng *r, uint64_t n);  /* 0 .. n-1, n >= 1 */
bool rng_bernoulli(struct rng *r, double p);
double rng_exponential(struct rng *r, double mean);
double rng_pareto(struct rng *r, double shape, double scale);
double rng_lognormal(struct rng *r, double zeta, double sigma);

#endif
