/* Unit tests of the scheduler (sim/sched.c, sim/sim.c): events run in
 * (time, insertion) order, sim_run(until) stops at the right place and sets
 * the clock, the event counter counts, timers fire exactly once whatever
 * sequence of arm, re-arm and cancel came before, a destroyed timer's stale
 * heap entries never reach freed memory or the slot's next owner, two
 * simulations in one process do not see each other, and the raw 4-ary heap
 * agrees with a brute-force minimum over thousands of random operations.
 * Expected orders are written out by hand or computed by a stable sort /
 * linear scan in this file, never read back from the scheduler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sched.h"
#include "sim/sim.h"

/* A fixed-seed 64-bit LCG (Knuth, MMIX constants) so every run of the test
 * sees the same "random" numbers; the high bits are the good ones. */
static uint64_t lcg_state;
static void lcg_seed(uint64_t s) { lcg_state = s; }
static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg_state >> 33);
}

/* ---- an execution log that events and timers append to ---- */

#define LOG_MAX 20000

struct log {
	size_t n;
	uint64_t id[LOG_MAX];
	simtime_t t[LOG_MAX];
};

static void log_event(struct sim *s, void *obj, uint64_t arg)
{
	struct log *lg = obj;
	assert_true(lg->n < LOG_MAX);
	lg->id[lg->n] = arg;
	lg->t[lg->n] = s->now;
	lg->n++;
}

static struct log *log_new(void)
{
	struct log *lg = calloc(1, sizeof(*lg));
	assert_non_null(lg);
	return lg;
}

static int setup_sim(void **state)
{
	struct sim *s = sim_new(1);
	if (!s)
		return -1;
	*state = s;
	return 0;
}

static int teardown_sim(void **state)
{
	sim_free(*state);
	return 0;
}

/* ---- events ---- */

static void test_order_by_time(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	/* scheduled out of order; must run sorted by time */
	static const simtime_t when[] = { 50, 10, 30, 20, 40, 1000000000, 0 };
	for (uint64_t i = 0; i < 7; i++)
		sim_at(s, when[i], log_event, lg, i);
	assert_int_equal(sim_run(s, SIM_NEVER), 0);
	static const uint64_t want_id[] = { 6, 1, 3, 2, 4, 0, 5 };
	static const simtime_t want_t[] = { 0, 10, 20, 30, 40, 50, 1000000000 };
	assert_int_equal(lg->n, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(lg->id[i], want_id[i]);
		assert_int_equal(lg->t[i], want_t[i]);
	}
	/* the queue ran dry with until == SIM_NEVER: the clock reads the last event */
	assert_int_equal(s->now, 1000000000);
	free(lg);
}

static void test_ties_small(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	/* ids 0..7 at times 5 1 5 1 5 3 1 3: by hand, time 1 holds 1,3,6;
	 * time 3 holds 5,7; time 5 holds 0,2,4 */
	static const simtime_t when[] = { 5, 1, 5, 1, 5, 3, 1, 3 };
	for (uint64_t i = 0; i < 8; i++)
		sim_at(s, when[i], log_event, lg, i);
	sim_run(s, SIM_NEVER);
	static const uint64_t want[] = { 1, 3, 6, 5, 7, 0, 2, 4 };
	assert_int_equal(lg->n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(lg->id[i], want[i]);
	free(lg);
}

/* Many events at a handful of equal times, interleaved with events at
 * distinct times, more than the heap's first allocation (1024) so it grows
 * while ties are pending.  The expected order is the stable sort of the
 * insertion sequence by time, computed here by counting sort. */
static void test_ties_many(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	enum { N = 6000 };
	static simtime_t when[N];
	lcg_seed(42);
	for (size_t i = 0; i < N; i++) {
		uint32_t r = lcg() % 10;
		/* 80% land on one of 4 shared times, the rest on distinct odd times */
		when[i] = r < 8 ? (simtime_t)(r % 4) * 1000 : (simtime_t)(2 * i + 1);
		sim_at(s, when[i], log_event, lg, i);
	}
	sim_run(s, SIM_NEVER);
	assert_int_equal(lg->n, N);
	/* stable: for each time in increasing order, the ids in insertion order */
	size_t k = 0;
	for (simtime_t t = 0; t <= 2 * N + 1; t++)
		for (size_t i = 0; i < N; i++)
			if (when[i] == t) {
				assert_int_equal(lg->id[k], i);
				assert_int_equal(lg->t[k], t);
				k++;
			}
	assert_int_equal(k, N);
	free(lg);
}

static void test_run_until(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	sim_at(s, 10, log_event, lg, 1);
	sim_at(s, 20, log_event, lg, 2);
	sim_at(s, 30, log_event, lg, 3);

	/* an event exactly at `until` runs; later ones wait */
	assert_int_equal(sim_run(s, 20), 0);
	assert_int_equal(lg->n, 2);
	assert_int_equal(s->now, 20);

	/* nothing due by 25: the clock still moves to 25 */
	sim_run(s, 25);
	assert_int_equal(lg->n, 2);
	assert_int_equal(s->now, 25);
	assert_int_equal(evheap_len(&s->heap), 1);

	/* scheduling relative to the advanced clock */
	sim_after(s, 2, log_event, lg, 4); /* at 27 */
	sim_run(s, 29);
	assert_int_equal(lg->n, 3);
	assert_int_equal(lg->id[2], 4);
	assert_int_equal(lg->t[2], 27);
	assert_int_equal(s->now, 29);

	sim_run(s, 100);
	assert_int_equal(lg->n, 4);
	assert_int_equal(lg->id[3], 3);
	assert_int_equal(lg->t[3], 30);
	assert_int_equal(s->now, 100); /* queue empty: the clock reads until */
	free(lg);
}

/* Event 1 schedules two more at the current time: they must run after it,
 * and after event 2, which was scheduled for the same time before the run. */
static void spawn_now(struct sim *s, void *obj, uint64_t arg)
{
	struct log *lg = obj;
	log_event(s, obj, arg);
	if (arg == 1) {
		sim_at(s, s->now, log_event, lg, 10);
		sim_after(s, 0, spawn_now, lg, 11);
	} else if (arg == 11) {
		sim_at(s, s->now, log_event, lg, 12);
	}
}

static void test_schedule_now_during_run(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	sim_at(s, 5, spawn_now, lg, 1);
	sim_at(s, 5, log_event, lg, 2);
	sim_at(s, 6, log_event, lg, 3);
	sim_run(s, SIM_NEVER);
	static const uint64_t want[] = { 1, 2, 10, 11, 12, 3 };
	static const simtime_t want_t[] = { 5, 5, 5, 5, 5, 6 };
	assert_int_equal(lg->n, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(lg->id[i], want[i]);
		assert_int_equal(lg->t[i], want_t[i]);
	}
	free(lg);
}

static void stop_here(struct sim *s, void *obj, uint64_t arg)
{
	log_event(s, obj, arg);
	sim_stop(s);
}

static void test_event_counter(void **state)
{
	struct sim *s = *state;
	struct log *lg = log_new();
	assert_int_equal(s->events, 0);
	for (uint64_t i = 0; i < 7; i++)
		sim_at(s, (simtime_t)(i + 1) * 100, log_event, lg, i);
	sim_run(s, 350); /* 100, 200, 300 */
	assert_int_equal(s->events, 3);
	sim_run(s, SIM_NEVER); /* 400 .. 700 */
	assert_int_equal(s->events, 7);
	/* sim_stop ends the run after the current event, clock left there */
	sim_at(s, 800, stop_here, lg, 7);
	sim_at(s, 900, log_event, lg, 8);
	sim_run(s, 5000);
	assert_int_equal(s->events, 8);
	assert_int_equal(s->now, 800);
	sim_run(s, 5000);
	assert_int_equal(s->events, 9);
	assert_int_equal(lg->n, 9);
	free(lg);
}

/* ---- timers ---- */

struct owner {
	struct timer t;
	int fired;
	simtime_t at[8];
	int rearm_every;  /* >0: re-arm this much later from the callback */
	int rearm_left;
};

static void owner_fired(struct sim *s, void *obj)
{
	struct owner *o = obj;
	if (o->fired < 8)
		o->at[o->fired] = s->now;
	o->fired++;
	if (o->rearm_left > 0) {
		o->rearm_left--;
		timer_arm(s, &o->t, s->now + o->rearm_every);
	}
}

/* A callback that must never run: the test fails if it does. */
static void must_not_fire(struct sim *s, void *obj)
{
	(void)s;
	(void)obj;
	fail_msg("a destroyed timer fired");
}

static void test_timer_fires(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	assert_false(timer_pending(&o.t));
	assert_int_equal(timer_expiry(&o.t), SIM_NEVER);
	timer_arm(s, &o.t, 100);
	assert_true(timer_pending(&o.t));
	assert_int_equal(timer_expiry(&o.t), 100);
	sim_run(s, 99);
	assert_int_equal(o.fired, 0);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 1);
	assert_int_equal(o.at[0], 100);
	assert_false(timer_pending(&o.t));
	/* armed again after firing, it fires again */
	timer_arm(s, &o.t, 150);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 2);
	assert_int_equal(o.at[1], 150);
	timer_destroy(s, &o.t);
}

static void test_timer_periodic(void **state)
{
	struct sim *s = *state;
	struct owner o = { .rearm_every = 100, .rearm_left = 2 };
	timer_init(s, &o.t, owner_fired, &o);
	timer_arm(s, &o.t, 100);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 3);
	assert_int_equal(o.at[0], 100);
	assert_int_equal(o.at[1], 200);
	assert_int_equal(o.at[2], 300);
	timer_destroy(s, &o.t);
}

static void test_timer_cancel(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	timer_arm(s, &o.t, 100);
	timer_cancel(&o.t);
	assert_false(timer_pending(&o.t));
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 0);
	/* cancelling an idle timer is harmless */
	timer_cancel(&o.t);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 0);
	timer_destroy(s, &o.t);
}

static void test_timer_rearm_later(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	timer_arm(s, &o.t, 100);
	timer_arm(s, &o.t, 200);
	assert_int_equal(timer_expiry(&o.t), 200);
	sim_run(s, 150);
	assert_int_equal(o.fired, 0);
	assert_true(timer_pending(&o.t));
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 1);
	assert_int_equal(o.at[0], 200);
	timer_destroy(s, &o.t);
}

static void test_timer_rearm_earlier(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	timer_arm(s, &o.t, 200);
	timer_arm(s, &o.t, 100);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 1);
	assert_int_equal(o.at[0], 100);
	/* the clock reached 200: the stale entry ran, and fired nothing */
	assert_int_equal(s->now, 200);
	timer_destroy(s, &o.t);
}

/* Earlier, later, earlier: 300, then 100, then 500 (the 100 entry must
 * carry it to 500), then 400 (earlier than 500 again). */
static void test_timer_rearm_zigzag(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	timer_arm(s, &o.t, 300);
	timer_arm(s, &o.t, 100);
	timer_arm(s, &o.t, 500);
	timer_arm(s, &o.t, 400);
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 1);
	assert_int_equal(o.at[0], 400);
	timer_destroy(s, &o.t);
}

static void test_timer_rearm_loop(void **state)
{
	struct sim *s = *state;
	struct owner o = { 0 };
	timer_init(s, &o.t, owner_fired, &o);
	lcg_seed(7);
	simtime_t last = 0;
	for (int i = 0; i < 10000; i++) {
		last = 1000 + (simtime_t)(lcg() % 1000000);
		timer_arm(s, &o.t, last);
	}
	sim_run(s, SIM_NEVER);
	assert_int_equal(o.fired, 1);
	assert_int_equal(o.at[0], last);
	timer_destroy(s, &o.t);
}

/* The RTO pattern: every 10 ns "an ACK arrives" and pushes the timer to
 * now + 1000; after the last ACK at 10*N the timer fires once, 1000 later. */
struct rto {
	struct owner o;
	int acks_left;
};

static void ack_arrives(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct rto *r = obj;
	timer_arm(s, &r->o.t, s->now + 1000);
	if (--r->acks_left > 0)
		sim_after(s, 10, ack_arrives, r, 0);
}

static void test_timer_rearm_while_running(void **state)
{
	struct sim *s = *state;
	struct rto r = { .acks_left = 5000 };
	timer_init(s, &r.o.t, owner_fired, &r.o);
	sim_at(s, 10, ack_arrives, &r, 0);
	sim_run(s, SIM_NEVER);
	assert_int_equal(r.o.fired, 1);
	assert_int_equal(r.o.at[0], 10 * 5000 + 1000);
	timer_destroy(s, &r.o.t);
}

static void test_timer_cancel_then_rearm(void **state)
{
	struct sim *s = *state;
	struct owner a = { 0 }, b = { 0 }, c = { 0 };
	timer_init(s, &a.t, owner_fired, &a);
	timer_init(s, &b.t, owner_fired, &b);
	timer_init(s, &c.t, owner_fired, &c);
	timer_arm(s, &a.t, 100); /* cancel, re-arm later */
	timer_cancel(&a.t);
	timer_arm(s, &a.t, 300);
	timer_arm(s, &b.t, 300); /* cancel, re-arm earlier */
	timer_cancel(&b.t);
	timer_arm(s, &b.t, 100);
	timer_arm(s, &c.t, 200); /* cancel, re-arm the same time */
	timer_cancel(&c.t);
	timer_arm(s, &c.t, 200);
	sim_run(s, SIM_NEVER);
	assert_int_equal(a.fired, 1);
	assert_int_equal(a.at[0], 300);
	assert_int_equal(b.fired, 1);
	assert_int_equal(b.at[0], 100);
	assert_int_equal(c.fired, 1);
	assert_int_equal(c.at[0], 200);
	/* cancel after the stale entry passed, re-arm: fires */
	timer_arm(s, &a.t, 400);
	sim_run(s, 350);
	timer_cancel(&a.t);
	sim_run(s, 450);
	assert_int_equal(a.fired, 1);
	timer_arm(s, &a.t, 500);
	sim_run(s, SIM_NEVER);
	assert_int_equal(a.fired, 2);
	assert_int_equal(a.at[1], 500);
	timer_destroy(s, &a.t);
	timer_destroy(s, &b.t);
	timer_destroy(s, &c.t);
}

/* Destroy a timer that still has heap entries (a live one and a stale one
 * from re-arming earlier), free its owner, then give the slot to a new
 * timer.  The old entries must touch neither the freed memory (ASan) nor
 * the new timer. */
static void test_timer_destroy_stale(void **state)
{
	struct sim *s = *state;
	struct owner *old = malloc(sizeof(*old));
	assert_non_null(old);
	memset(old, 0, sizeof(*old));
	timer_init(s, &old->t, must_not_fire, old);
	uint32_t slot = old->t.slot;
	timer_arm(s, &old->t, 300);
	timer_arm(s, &old->t, 100); /* entries at 300 (stale) and 100 (live) */
	timer_destroy(s, &old->t);
	free(old);

	struct owner *nw = calloc(1, sizeof(*nw));
	assert_non_null(nw);
	timer_init(s, &nw->t, owner_fired, nw);
	assert_int_equal(nw->t.slot, slot); /* the freed slot is reused */
	timer_arm(s, &nw->t, 200);
	sim_run(s, 150);
	assert_int_equal(nw->fired, 0); /* the old 100 entry did not fire it */
	sim_run(s, SIM_NEVER);
	assert_int_equal(nw->fired, 1);
	assert_int_equal(nw->at[0], 200);
	assert_int_equal(s->now, 300);  /* the old 300 entry ran, harmlessly */

	timer_destroy(s, &nw->t);

	/* a reused slot whose new timer is never armed is not fired either */
	struct owner *old2 = calloc(1, sizeof(*old2));
	assert_non_null(old2);
	timer_init(s, &old2->t, must_not_fire, old2);
	timer_arm(s, &old2->t, 400);
	timer_destroy(s, &old2->t);
	free(old2);
	memset(nw, 0, sizeof(*nw));
	timer_init(s, &nw->t, owner_fired, nw);
	sim_run(s, SIM_NEVER);
	assert_int_equal(s->now, 400);
	assert_int_equal(nw->fired, 0);
	timer_destroy(s, &nw->t);
	free(nw);
}

/* A callback that destroys its own timer and frees the owner: the
 * scheduler must not touch the timer after the callback returns. */
static void self_destruct(struct sim *s, void *obj)
{
	struct owner *o = obj;
	o->fired++;
	timer_destroy(s, &o->t);
	free(o);
}

static void test_timer_destroy_in_callback(void **state)
{
	struct sim *s = *state;
	struct owner *o = calloc(1, sizeof(*o));
	assert_non_null(o);
	timer_init(s, &o->t, self_destruct, o);
	timer_arm(s, &o->t, 100);
	timer_arm(s, &o->t, 50);
	sim_run(s, SIM_NEVER); /* fires at 50; the stale 100 entry must not */
	assert_int_equal(s->now, 100);
}

static void test_timer_many_slots(void **state)
{
	struct sim *s = *state;
	enum { N = 700 }; /* past the first slot-table allocation (256) */
	struct owner *o = calloc(N, sizeof(*o));
	assert_non_null(o);
	for (int i = 0; i < N; i++) {
		timer_init(s, &o[i].t, owner_fired, &o[i]);
		timer_arm(s, &o[i].t, (simtime_t)(N - i) * 10);
	}
	/* destroy every third; the others fire once at their own time */
	for (int i = 0; i < N; i += 3)
		timer_destroy(s, &o[i].t);
	sim_run(s, SIM_NEVER);
	for (int i = 0; i < N; i++) {
		if (i % 3 == 0) {
			assert_int_equal(o[i].fired, 0);
			continue;
		}
		assert_int_equal(o[i].fired, 1);
		assert_int_equal(o[i].at[0], (simtime_t)(N - i) * 10);
		timer_destroy(s, &o[i].t);
	}
	free(o);
}

/* ---- two simulations ---- */

static void test_two_sims(void **state)
{
	(void)state;
	struct sim *a = sim_new(1), *b = sim_new(1);
	assert_non_null(a);
	assert_non_null(b);
	struct log *la = log_new(), *lb = log_new();
	struct owner ta = { 0 }, tb = { 0 };
	timer_init(a, &ta.t, owner_fired, &ta);
	timer_init(b, &tb.t, owner_fired, &tb);
	assert_int_equal(ta.t.slot, tb.t.slot); /* each has its own slot table */
	timer_arm(a, &ta.t, 70);
	timer_arm(b, &tb.t, 30);
	for (uint64_t i = 0; i < 5; i++) {
		sim_at(a, (simtime_t)(i + 1) * 10, log_event, la, i);
		sim_at(b, (simtime_t)(i + 1) * 20, log_event, lb, 100 + i);
	}
	sim_run(a, 45);
	assert_int_equal(la->n, 4);
	assert_int_equal(a->now, 45);
	assert_int_equal(lb->n, 0);
	assert_int_equal(b->now, 0);
	assert_int_equal(b->events, 0);
	assert_int_equal(tb.fired, 0);
	sim_run(b, SIM_NEVER);
	assert_int_equal(lb->n, 5);
	assert_int_equal(tb.fired, 1);
	assert_int_equal(tb.at[0], 30);
	assert_int_equal(b->now, 100);
	assert_int_equal(la->n, 4);     /* untouched by b's run */
	assert_int_equal(ta.fired, 0);
	assert_int_equal(a->now, 45);
	sim_run(a, SIM_NEVER);
	assert_int_equal(la->n, 5);
	assert_int_equal(ta.fired, 1);
	assert_int_equal(ta.at[0], 70);
	assert_int_equal(a->events, 6); /* 5 events + 1 timer entry */
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(la->id[i], i);
		assert_int_equal(lb->id[i], 100 + i);
	}
	timer_destroy(a, &ta.t);
	timer_destroy(b, &tb.t);
	sim_free(a);
	sim_free(b);
	free(la);
	free(lb);
}

/* ---- the raw heap ---- */

struct key {
	simtime_t t;
	uint64_t idx;
};

static int key_cmp(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void noop(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)obj;
	(void)arg;
}

/* Push N random keys (with many duplicates), pop all, compare with qsort
 * by (key, insertion index). */
static void test_heap_sorts(void **state)
{
	(void)state;
	enum { N = 50000 };
	struct key *k = malloc(N * sizeof(*k));
	assert_non_null(k);
	struct evheap h;
	evheap_init(&h);
	lcg_seed(2024);
	for (uint64_t i = 0; i < N; i++) {
		k[i].t = (simtime_t)(lcg() % 20000); /* ~2.5 per key: ties */
		k[i].idx = i;
		evheap_push(&h, k[i].t, noop, &k[i], i);
	}
	assert_int_equal(evheap_len(&h), N);
	qsort(k, N, sizeof(*k), key_cmp);
	assert_int_equal(evheap_peek_time(&h), k[0].t);
	struct event e;
	for (size_t i = 0; i < N; i++) {
		assert_true(evheap_pop(&h, &e));
		assert_int_equal(e.time, k[i].t);
		assert_int_equal(e.arg, k[i].idx);
		assert_int_equal(e.seq, k[i].idx); /* seq is the insertion counter */
	}
	assert_false(evheap_pop(&h, &e));
	assert_int_equal(evheap_peek_time(&h), SIM_NEVER);
	evheap_free(&h);
	free(k);
}

/* Random interleaving of pushes and pops against a brute-force reference:
 * an unsorted array whose minimum (time, seq) is found by linear scan. */
static void test_heap_interleaved(void **state)
{
	(void)state;
	enum { OPS = 40000, CAP = OPS };
	struct key *ref = malloc(CAP * sizeof(*ref));
	assert_non_null(ref);
	size_t n = 0;
	uint64_t pushed = 0;
	struct evheap h;
	evheap_init(&h);
	lcg_seed(99);
	simtime_t floor_t = 0; /* the hold model: keys never go below the last pop */
	for (int op = 0; op < OPS; op++) {
		bool push = n == 0 || lcg() % 100 < 55;
		if (push) {
			simtime_t t = floor_t + (simtime_t)(lcg() % 500);
			evheap_push(&h, t, noop, NULL, pushed);
			ref[n++] = (struct key){ t, pushed };
			pushed++;
		} else {
			size_t best = 0;
			for (size_t i = 1; i < n; i++)
				if (key_cmp(&ref[i], &ref[best]) < 0)
					best = i;
			struct event e;
			assert_true(evheap_pop(&h, &e));
			assert_int_equal(e.time, ref[best].t);
			assert_int_equal(e.arg, ref[best].idx);
			floor_t = e.time;
			ref[best] = ref[--n];
		}
		assert_int_equal(evheap_len(&h), n);
	}
	evheap_free(&h);
	free(ref);
}

/* The same against the two heaps of sched.h: times spread from the same
 * nanosecond to a second ahead, and many right at the near/far boundary
 * (EVHEAP_NEAR_NS after the last pop, one either side), so events that
 * tie on time sit in different heaps and must still pop in (time, seq)
 * order. */
static void test_heap_near_far(void **state)
{
	(void)state;
	enum { OPS = 60000, CAP = OPS };
	struct key *ref = malloc(CAP * sizeof(*ref));
	assert_non_null(ref);
	size_t n = 0;
	uint64_t pushed = 0;
	struct evheap h;
	evheap_init(&h);
	lcg_seed(4242);
	simtime_t floor_t = 0;
	for (int op = 0; op < OPS; op++) {
		bool push = n == 0 || lcg() % 100 < 52;
		if (push) {
			simtime_t t;
			switch (lcg() % 4) {
			case 0: t = floor_t + (simtime_t)(lcg() % 3); break;
			case 1: t = floor_t + EVHEAP_NEAR_NS - 1 + (simtime_t)(lcg() % 3); break;
			case 2: t = floor_t + (simtime_t)(lcg() % 100000); break;
			default: t = floor_t + (simtime_t)(lcg() % 1000000000); break;
			}
			evheap_push(&h, t, noop, NULL, pushed);
			ref[n++] = (struct key){ t, pushed };
			pushed++;
		} else {
			size_t best = 0;
			for (size_t i = 1; i < n; i++)
				if (key_cmp(&ref[i], &ref[best]) < 0)
					best = i;
			assert_int_equal(evheap_peek_time(&h), ref[best].t);
			struct event e;
			assert_true(evheap_pop(&h, &e));
			assert_int_equal(e.time, ref[best].t);
			assert_int_equal(e.arg, ref[best].idx);
			assert_int_equal(e.seq, ref[best].idx);
			floor_t = e.time;
			ref[best] = ref[--n];
		}
		assert_int_equal(evheap_len(&h), n);
	}
	assert_true(h.q[0].cap > 0 && h.q[1].cap > 0); /* both heaps were used */
	evheap_free(&h);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_by_time, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_ties_small, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_ties_many, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_run_until, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_schedule_now_during_run, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_event_counter, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_fires, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_periodic, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_cancel, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_rearm_later, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_rearm_earlier, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_rearm_zigzag, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_rearm_loop, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_rearm_while_running, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_cancel_then_rearm, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_destroy_stale, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_destroy_in_callback, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_timer_many_slots, setup_sim, teardown_sim),
		cmocka_unit_test(test_two_sims),
		cmocka_unit_test(test_heap_sorts),
		cmocka_unit_test(test_heap_interleaved),
		cmocka_unit_test(test_heap_near_far),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
