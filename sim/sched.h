/* The event scheduler: a queue of {time, seq, fn, obj, arg} ordered by
 * (time, seq), where seq is the insertion counter, so events due at the same
 * nanosecond run in the order they were scheduled and every run is
 * deterministic (DESIGN §2).  The queue is an implicit 4-ary min-heap of
 * 16-byte keys, (time, seq) packed into one unsigned 128-bit number, so a
 * node's four children fill one 64-byte cache line and their minimum is
 * found without branches; the rest of each event (fn, obj, arg) waits in a
 * payload pool that is touched once on push and once on pop.
 *
 * There are two such heaps: events due within EVHEAP_NEAR_NS of the last
 * one popped go to the near heap, later ones (retransmission and
 * delayed-ACK timers, long links) to the far heap, and a pop takes the
 * lesser of the two roots.  Most events are near (a transmission ends
 * microseconds after it starts), so most pops sift through a heap of a
 * few hundred entries, not one as large as the number of sockets.  Which
 * heap holds an event never changes the order: that is (time, seq) alone.
 *
 * Timers are for things that are re-armed far more often than they fire
 * (retransmission, delayed-ACK and pacing timers).  A timer keeps at most one
 * live entry in the heap.  Re-arming it later than that entry costs O(1): the
 * entry fires, sees the new expiry and re-queues itself, keeping the
 * sequence number of the last arm, so among events due at the same time a
 * timer runs exactly where it would had it been pushed when last armed.  Re-arming it
 * earlier queues a fresh entry and leaves the old one stale.  Cancel is O(1)
 * and lazy.  Heap entries reach a timer through a slot table with a
 * generation count, never through the timer's own address, so an owner may
 * free its memory right after timer_destroy() even while stale entries wait
 * in the heap. */
#ifndef WL_SCHED_H
#define WL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time.h"

struct sim;

typedef void (*event_fn)(struct sim *s, void *obj, uint64_t arg);
typedef void (*timer_fn)(struct sim *s, void *obj);

struct event {
	simtime_t time;
	uint64_t seq;
	event_fn fn;
	void *obj;
	uint64_t arg;
};

/* A heap key: (time, seq) as one number, time in the high half with its
 * sign bit flipped, so unsigned order is (time, seq) order. */
typedef unsigned __int128 evkey_t;
#define EVKEY_TIME_BIAS ((uint64_t)1 << 63)

struct evpayload {
	event_fn fn;
	void *obj;
	uint64_t arg;        /* the next free entry's index while on the free list */
};

/* Events due later than this after the last one popped wait in the far
 * heap: 4.2 ms, beyond a transmission and a short link's delay, short of
 * the delayed-ACK (40 ms) and retransmission (200 ms) timers. */
#define EVHEAP_NEAR_NS ((simtime_t)1 << 22)

struct evq {
	evkey_t *key;        /* key[0..len): the heap; all ones from key[len] on */
	uint32_t *pl_idx;    /* pl_idx[i]: index in pl of key[i]'s payload */
	size_t len, cap;     /* events queued; room in key and pl_idx */
};

struct evheap {
	struct evq q[2];     /* q[0] near, q[1] far */
	struct evpayload *pl;
	size_t pl_cap;       /* room in pl */
	uint32_t pl_used;    /* pl[0..pl_used) have been handed out at least once */
	uint32_t pl_free;    /* head of the free list threaded through arg, or UINT32_MAX */
	simtime_t last;      /* time of the last event popped */
	/* seq of the event running (the last popped), or UINT64_MAX between
	 * runs that ended at their `until` (every event due by then has run),
	 * so (t, seq) > (now, cur_seq) says whether an event at (t, seq) would
	 * still be ahead: models/net/link.c keeps a transmitter's end so. */
	uint64_t cur_seq;
	uint64_t next_seq;
};

struct timer {
	simtime_t when;      /* expiry, meaningful while armed */
	simtime_t queued_at; /* time of this timer's live heap entry, or SIM_NEVER */
	timer_fn fn;
	void *obj;
	uint64_t seq;        /* insertion sequence of the last arm: its place among ties */
	uint32_t slot;       /* index in the scheduler's slot table */
	bool armed;
};

struct timer_slot {
	struct timer *t;     /* NULL when free */
	uint32_t gen;        /* bumped on every new heap entry and on destroy */
	uint32_t next_free;
};

struct timer_slots {
	struct timer_slot *v;
	uint32_t len, cap;
	uint32_t free_head; /* UINT32_MAX when empty */
};

/* Low-level heap, exposed for the unit tests and the benchmark. */
void evheap_init(struct evheap *h);
void evheap_free(struct evheap *h);
void evheap_push(struct evheap *h, simtime_t t, event_fn fn, void *obj, uint64_t arg);
/* The same with a sequence number taken earlier from h->next_seq. */
void evheap_push_seq(struct evheap *h, simtime_t t, uint64_t seq, event_fn fn, void *obj, uint64_t arg);
/* Removes the earliest event into *out; false when empty. */
bool evheap_pop(struct evheap *h, struct event *out);
/* The same if that event is due at or before `until`, else false; and
 * asks the cache for the object of the event after it (the run loop). */
bool evheap_pop_until(struct evheap *h, simtime_t until, struct event *out);
static inline size_t evheap_len(const struct evheap *h) { return h->q[0].len + h->q[1].len; }
/* The heap holding the earliest event: an empty heap's root is all ones
 * (a heap never grown points at a shared all-ones key), so one comparison
 * of the roots decides, the near heap on a tie. */
static inline const struct evq *evheap_first(const struct evheap *h)
{
	return &h->q[h->q[1].key[0] < h->q[0].key[0]];
}
static inline simtime_t evheap_peek_time(const struct evheap *h)
{
	const struct evq *q = evheap_first(h);
	return q->len ? (simtime_t)((uint64_t)(q->key[0] >> 64) ^ EVKEY_TIME_BIAS) : SIM_NEVER;
}


/* Scheduling relative to the simulation's clock.  `when` must not be in the
 * past. */
void sim_at(struct sim *s, simtime_t when, event_fn fn, void *obj, uint64_t arg);
void sim_after(struct sim *s, simtime_t delay, event_fn fn, void *obj, uint64_t arg);

void timer_init(struct sim *s, struct timer *t, timer_fn fn, void *obj);
void timer_destroy(struct sim *s, struct timer *t);
void timer_arm(struct sim *s, struct timer *t, simtime_t when);
static inline void timer_cancel(struct timer *t) { t->armed = false; }
static inline bool timer_pending(const struct timer *t) { return t->armed; }
static inline simtime_t timer_expiry(const struct timer *t)
{
	return t->armed ? t->when : SIM_NEVER;
}

void timer_slots_free(struct timer_slots *ts);

#endif
