/* Scheduler benchmarks: the classic hold model (Jones, "An empirical
 * comparison of priority-queue and event-set implementations", CACM 29(4),
 * 1986) on the event queue, and timer re-arming as a retransmission timer
 * sees it.  Hold: fill the queue with HOLD_N pending events at random
 * times, then repeat HOLD_OPS times "pop the earliest, push one at its time
 * plus a random increment", so the queue size stays HOLD_N; increments are
 * exponential (mean 1 us), drawn from a precomputed table indexed by a
 * fixed-seed LCG, so the figure is the queue's and not the log()'s.  Run
 * once on the raw evheap_* API and once through sim_at/sim_run with
 * handlers that schedule their successor.  Timers: 1000 timers, each
 * re-armed 10^4 times to a later time, first as bare calls, then from ACK
 * events in a running simulation (every ACK pushes the RTO 200 ms ahead).
 * Prints figures only; never fails on time (DESIGN §7). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/sched.h"
#include "sim/sim.h"

enum {
	HOLD_N = 100000,      /* pending events (the target's figure) */
	HOLD_OPS = 10000000,  /* pop + push pairs (argv[1] overrides, for profiling) */
	INC_TABLE = 1 << 16,
	TIMERS = 1000,
	REARMS = 10000,       /* per timer */
};

static double wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 64-bit LCG (Knuth's MMIX constants), fixed seed: every run is the same. */
static uint64_t lcg_state = 0x853c49e6748fea9bull;
static inline uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return lcg_state;
}

/* Exponential increments with a mean of 1000 ns, by inversion. */
static simtime_t inc_table[INC_TABLE];
static void fill_inc_table(void)
{
	for (size_t i = 0; i < INC_TABLE; i++) {
		double u = ((double)(lcg() >> 11) + 0.5) / 9007199254740992.0; /* (0,1) */
		inc_table[i] = (simtime_t)(-1000.0 * log(u)) + 1;
	}
}
static inline simtime_t next_inc(void) { return inc_table[lcg() >> 48]; }

static void noop(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)obj;
	(void)arg;
}

static long hold_ops = HOLD_OPS;

/* The queue's size decides how much of it stays in cache: the target is
 * for 1e5 pending events; smaller sizes are printed for comparison. */
static void bench_hold_raw(int pending)
{
	struct evheap h;
	evheap_init(&h);
	for (int i = 0; i < pending; i++)
		evheap_push(&h, next_inc(), noop, NULL, 0);
	double t0 = wall_now();
	struct event e;
	uint64_t check = 0;
	for (long i = 0; i < hold_ops; i++) {
		evheap_pop(&h, &e);
		check += (uint64_t)e.time;
		evheap_push(&h, e.time + next_inc(), noop, NULL, 0);
	}
	double dt = wall_now() - t0;
	printf("hold model, raw evheap     %9.2f M ops/s   (%d pending, %ld pop+push, %.3f s; checksum %llx)\n",
	       (double)hold_ops / dt / 1e6, pending, hold_ops, dt, (unsigned long long)(check & 0xffff));
	evheap_free(&h);
}

static long hold_budget;

static void hold_event(struct sim *s, void *obj, uint64_t arg)
{
	if (--hold_budget <= 0) {
		sim_stop(s);
		return;
	}
	sim_at(s, s->now + next_inc(), hold_event, obj, arg);
}

static void bench_hold_sim(void)
{
	struct sim *s = sim_new(1);
	if (!s) {
		fprintf(stderr, "bench_sched: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < HOLD_N; i++)
		sim_at(s, next_inc(), hold_event, NULL, 0);
	hold_budget = hold_ops;
	double t0 = wall_now();
	sim_run(s, SIM_NEVER);
	double dt = wall_now() - t0;
	printf("hold model, sim_at/sim_run %9.2f M events/s (%d pending, %llu events, %.3f s)\n",
	       (double)s->events / dt / 1e6, HOLD_N, (unsigned long long)s->events, dt);
	sim_free(s);
}

/* ---- timers ---- */

struct conn {
	struct timer rto;
	int acks_left;
	int fired;
};

static void rto_fired(struct sim *s, void *obj)
{
	(void)s;
	((struct conn *)obj)->fired++;
}

/* Bare re-arm calls, each to a later time: the O(1) path. */
static void bench_rearm_calls(void)
{
	struct sim *s = sim_new(1);
	struct conn *c = calloc(TIMERS, sizeof(*c));
	if (!s || !c) {
		fprintf(stderr, "bench_sched: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < TIMERS; i++) {
		timer_init(s, &c[i].rto, rto_fired, &c[i]);
		timer_arm(s, &c[i].rto, SIM_MS(200));
	}
	double t0 = wall_now();
	for (int r = 1; r <= REARMS; r++)
		for (int i = 0; i < TIMERS; i++)
			timer_arm(s, &c[i].rto, SIM_MS(200) + (simtime_t)r * 1000 + i);
	double dt = wall_now() - t0;
	sim_run(s, SIM_NEVER);
	int fired = 0;
	for (int i = 0; i < TIMERS; i++) {
		fired += c[i].fired;
		timer_destroy(s, &c[i].rto);
	}
	printf("timer re-arm, bare calls   %9.2f M re-arms/s (%d timers x %d, %.3f s; %d fired, %llu events)\n",
	       (double)TIMERS * REARMS / dt / 1e6, TIMERS, REARMS, dt, fired,
	       (unsigned long long)s->events);
	free(c);
	sim_free(s);
}

/* Each connection gets an ACK every ~10 us that pushes its RTO to now +
 * 200 ms; the figure counts re-arms per wall second, ACK events included. */
static void ack_event(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct conn *c = obj;
	timer_arm(s, &c->rto, s->now + SIM_MS(200));
	if (--c->acks_left > 0)
		sim_at(s, s->now + 9000 + (simtime_t)(lcg() >> 53), ack_event, c, 0);
}

static void bench_rearm_running(void)
{
	struct sim *s = sim_new(1);
	struct conn *c = calloc(TIMERS, sizeof(*c));
	if (!s || !c) {
		fprintf(stderr, "bench_sched: out of memory\n");
		exit(1);
	}
	for (int i = 0; i < TIMERS; i++) {
		timer_init(s, &c[i].rto, rto_fired, &c[i]);
		c[i].acks_left = REARMS;
		sim_at(s, (simtime_t)i, ack_event, &c[i], 0);
	}
	double t0 = wall_now();
	sim_run(s, SIM_NEVER);
	double dt = wall_now() - t0;
	int fired = 0;
	for (int i = 0; i < TIMERS; i++) {
		fired += c[i].fired;
		timer_destroy(s, &c[i].rto);
	}
	printf("timer re-arm, RTO per ACK  %9.2f M re-arms/s (%d timers x %d, %.3f s; %d fired, %llu events)\n",
	       (double)TIMERS * REARMS / dt / 1e6, TIMERS, REARMS, dt, fired,
	       (unsigned long long)s->events);
	free(c);
	sim_free(s);
}

int main(int argc, char **argv)
{
	if (argc > 1 && (hold_ops = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_sched [hold operations, default %d]\n", HOLD_OPS);
		return 2;
	}
	fill_inc_table();
	bench_hold_raw(1000);
	bench_hold_raw(10000);
	bench_hold_raw(HOLD_N);
	bench_hold_sim();
	bench_rearm_calls();
	bench_rearm_running();
	return 0;
}
