/* struct sim: one simulation.  It owns the clock, the event queue, the timer
 * slots, the random streams, the packet pool, the recorder and the result
 * writer.  Nothing in wirelab is process-wide, so two simulations can live in
 * one process (the unit tests do this) and a model reaches its simulation
 * through the object it belongs to. */
#ifndef WL_SIM_H
#define WL_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sched.h"
#include "time.h"

struct rng;
struct rng_set;
struct pkt_pool;
struct recorder;
struct db;

/* An error message buffer threaded through fallible set-up calls. */
struct errbuf {
	char msg[512];
};
void err_set(struct errbuf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Models keep their per-simulation state in named extension slots, so sim/
 * needs to know nothing about them. */
struct sim_ext {
	const char *key;
	void *ptr;
	void (*destroy)(void *ptr);
};
#define SIM_EXT_MAX 16

struct sim {
	simtime_t now;
	struct evheap heap;
	struct timer_slots tslots;
	uint64_t events;       /* events executed so far */
	uint64_t seed;
	bool stopping;         /* sim_stop() was called */
	bool failed;           /* stopped because of an error; see error[] */
	char error[1024];

	struct rng_set *rngs;  /* named streams, by name (sim/rng.c) */
	struct pkt_pool *pkts;
	struct recorder *rec;
	struct db *db;         /* NULL: results are not written */
	int64_t run_id;

	/* Progress reporting: called every ~2^16 events with the clock. */
	void (*progress)(struct sim *s, void *arg);
	void *progress_arg;

	struct sim_ext ext[SIM_EXT_MAX];
	int next_ext;
};

struct sim *sim_new(uint64_t seed);
/* Destroys extensions (in reverse order of creation), then the kernel. */
void sim_free(struct sim *s);

/* Runs events until the queue is empty, sim_stop() is called, or the next
 * event is later than `until`; the clock then reads `until` (or the last
 * event's time if the queue ran dry and until is SIM_NEVER).  Returns 0, or
 * -1 if the run was stopped by an error. */
int sim_run(struct sim *s, simtime_t until);
void sim_stop(struct sim *s);
void sim_fail(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *sim_ext_get(struct sim *s, const char *key);
void sim_ext_set(struct sim *s, const char *key, void *ptr, void (*destroy)(void *));

#endif
