/* Event queue (implicit 4-ary min-heap keyed by (time, seq)) and timers.
 * See sched.h for the layout and the timer scheme.  The invariants of
 * each of the two heaps, q[0] (near) and q[1] (far):
 *   H1. key[0..len) is a 4-ary min-heap in unsigned 128-bit order, which
 *       is (time, seq) order; key[len] to key[cap + 2] are all ones.
 *   H2. pl[pl_idx[i]] holds the fn, obj and arg of key[i], for i < len;
 *       the entries of pl[0..pl_used) that neither heap refers to are on
 *       the free list.
 *   H3. A heap is moved exactly as an array of whole events would be
 *       (same sift-up, same sift-down, ties to the lower child).
 *   H4. A pop takes the lesser of the two roots (the near one on a tie),
 *       so events pop in (time, seq) order wherever they were put; as
 *       every event has its own seq, that is the order one heap gives.
 * The timers' invariants are:
 *   1. Every heap entry of a timer carries (slot << 32 | gen); it is live
 *      only if the slot still holds that generation.
 *   2. A timer has at most one live entry, at time queued_at <= when while
 *      armed; queued_at is SIM_NEVER when it has none.
 *   3. A slot's generation changes whenever a new entry is pushed for it and
 *      when its timer is destroyed, so stale entries can never match. */
#include "sched.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Keys live in a 64-byte-aligned block, offset so that key[1] starts a
 * cache line: the children of node i, key[4i+1..4i+4], then share one
 * line.  Every key from key[len] on is all ones (EVKEY_PAD), so the
 * sift-down always compares four children; a real key can equal the
 * padding but never precede it, and ties go to the lower index, as in a
 * plain left-to-right scan.  pl_idx is offset likewise, so that the
 * payload indices of a node's sixteen grandchildren, pl_idx[16i+5..16i+20],
 * share one line. */
enum { KEY_OFFSET = 3, KEY_PAD = 3, IDX_OFFSET = 11, LINE_BYTES = 64 };
/* At most this many events: 8 KiB of keys, no prefetching (evq_pop). */
enum { EVQ_SMALL = 512 };
#define EVKEY_PAD (~(evkey_t)0)

static inline evkey_t evkey_make(simtime_t t, uint64_t seq)
{
	return (evkey_t)((uint64_t)t ^ EVKEY_TIME_BIAS) << 64 | seq;
}

static inline simtime_t evkey_time(evkey_t k)
{
	return (simtime_t)((uint64_t)(k >> 64) ^ EVKEY_TIME_BIAS);
}

/* The root of a heap never grown: read, never written (cap 0 makes the
 * first push grow the heap). */
static const evkey_t no_keys[1] = { ~(evkey_t)0 };

void evheap_init(struct evheap *h)
{
	*h = (struct evheap){ .pl_free = UINT32_MAX, .cur_seq = UINT64_MAX };
	h->q[0].key = h->q[1].key = (evkey_t *)no_keys;
}

void evheap_free(struct evheap *h)
{
	for (int k = 0; k < 2; k++)
		if (h->q[k].cap) {
			free(h->q[k].key - KEY_OFFSET);
			free(h->q[k].pl_idx - IDX_OFFSET);
		}
	free(h->pl);
	evheap_init(h);
}

static void *alloc_lines(size_t bytes, size_t cap)
{
	void *p = aligned_alloc(LINE_BYTES, (bytes + LINE_BYTES - 1) / LINE_BYTES * LINE_BYTES);
	if (!p) {
		fprintf(stderr, "wirelab: out of memory growing the event queue to %zu events\n", cap);
		abort();
	}
	return p;
}

static __attribute__((noinline, cold)) void evq_grow(struct evq *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024;
	/* realloc() would not keep the alignment */
	evkey_t *key = (evkey_t *)alloc_lines((KEY_OFFSET + cap + KEY_PAD) * sizeof(*key), cap) + KEY_OFFSET;
	uint32_t *pl_idx = (uint32_t *)alloc_lines((IDX_OFFSET + cap) * sizeof(*pl_idx), cap) + IDX_OFFSET;
	if (q->cap) {
		memcpy(key, q->key, q->len * sizeof(*key));
		memcpy(pl_idx, q->pl_idx, q->len * sizeof(*pl_idx));
		free(q->key - KEY_OFFSET);
		free(q->pl_idx - IDX_OFFSET);
	}
	for (size_t i = q->len; i < cap + KEY_PAD; i++)
		key[i] = EVKEY_PAD;
	q->key = key;
	q->pl_idx = pl_idx;
	q->cap = cap;
}

/* Room for one more payload entry (rare: the pool only grows). */
static __attribute__((noinline, cold)) void payload_grow(struct evheap *h)
{
	size_t cap = h->pl_cap ? h->pl_cap * 2 : 1024;
	if (cap >= UINT32_MAX) { /* payload indices are 32-bit, UINT32_MAX ends the free list */
		fprintf(stderr, "wirelab: the event queue is full at %zu pending events\n", h->pl_cap);
		abort();
	}
	struct evpayload *pl = realloc(h->pl, cap * sizeof(*pl));
	if (!pl) {
		fprintf(stderr, "wirelab: out of memory growing the event queue to %zu events\n", cap);
		abort();
	}
	h->pl = pl;
	h->pl_cap = cap;
}

/* A free payload entry, from the free list or fresh. */
static inline uint32_t payload_new(struct evheap *h)
{
	uint32_t p = h->pl_free;
	if (p != UINT32_MAX) {
		h->pl_free = (uint32_t)h->pl[p].arg;
		return p;
	}
	if (h->pl_used == h->pl_cap)
		payload_grow(h);
	return h->pl_used++;
}

void evheap_push(struct evheap *h, simtime_t t, event_fn fn, void *obj, uint64_t arg)
{
	evheap_push_seq(h, t, h->next_seq++, fn, obj, arg);
}

void evheap_push_seq(struct evheap *h, simtime_t t, uint64_t seq, event_fn fn, void *obj, uint64_t arg)
{
	/* far: due more than EVHEAP_NEAR_NS after the last pop (written so
	 * that no subtraction can overflow) */
	struct evq *q = &h->q[t > h->last && (uint64_t)t - (uint64_t)h->last > (uint64_t)EVHEAP_NEAR_NS];
	if (__builtin_expect(q->len == q->cap, 0))
		evq_grow(q);
	uint32_t p = payload_new(h);
	h->pl[p] = (struct evpayload){ .fn = fn, .obj = obj, .arg = arg };

	evkey_t k = evkey_make(t, seq);
	evkey_t *key = q->key;
	uint32_t *pl_idx = q->pl_idx;
	size_t i = q->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!(k < key[parent]))
			break;
		key[i] = key[parent];
		pl_idx[i] = pl_idx[parent];
		i = parent;
	}
	key[i] = k;
	pl_idx[i] = p;
}

/* The index of the least of key[c..c+3], the lowest index among equals,
 * by selects the compiler turns into conditional moves: no branch to
 * mispredict on random times. */
static inline size_t min4(const evkey_t *key, size_t c)
{
	size_t a = c + (key[c + 1] < key[c]);
	size_t b = c + 2 + (key[c + 3] < key[c + 2]);
	return key[b] < key[a] ? b : a;
}

/* Pops q's root, which must be the earliest event of both heaps. */
static inline __attribute__((always_inline)) void evq_pop(struct evheap *h, struct evq *q, struct event *out)
{
	evkey_t *key = q->key;
	uint32_t *pl_idx = q->pl_idx;
	uint32_t p = pl_idx[0];
	/* A heap of up to EVQ_SMALL events (keys, indices and their payloads)
	 * stays in the first-level cache: asking for lines ahead would only
	 * cost the instructions that compute where they are. */
	bool big = q->len > EVQ_SMALL;
	/* The next pop will most likely return the least child of this root.
	 * Its payload was written when it was pushed, long ago, and is likely
	 * cold: ask for it now, a whole pop and push ahead. */
	if (big)
		__builtin_prefetch(&h->pl[pl_idx[min4(key, 1)]]);
	out->time = evkey_time(key[0]);
	out->seq = (uint64_t)key[0];
	out->fn = h->pl[p].fn;
	out->obj = h->pl[p].obj;
	out->arg = h->pl[p].arg;
	h->pl[p].arg = h->pl_free;
	h->pl_free = p;
	h->last = out->time;
	h->cur_seq = out->seq;

	size_t n = --q->len;
	evkey_t last = key[n];
	uint32_t last_idx = pl_idx[n];
	key[n] = EVKEY_PAD;
	if (n == 0)
		return;
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		/* Ask for the grandchildren's lines before comparing: whichever
		 * child wins, its own children are then on their way.  (Not for
		 * a last, partial group, whose far lines may lie past the
		 * array.) */
		size_t g = 4 * c + 1;
		if (big && g + 12 < n) {
			__builtin_prefetch(&key[g]);
			__builtin_prefetch(&key[g + 4]);
			__builtin_prefetch(&key[g + 8]);
			__builtin_prefetch(&key[g + 12]);
			__builtin_prefetch(&pl_idx[g]);
		}
		size_t best = min4(key, c);
		if (!(key[best] < last))
			break;
		key[i] = key[best];
		pl_idx[i] = pl_idx[best];
		i = best;
	}
	key[i] = last;
	pl_idx[i] = last_idx;
}

bool evheap_pop(struct evheap *h, struct event *out)
{
	struct evq *q = &h->q[evheap_first(h) - h->q];
	if (q->len == 0)
		return false;
	evq_pop(h, q, out);
	return true;
}

bool evheap_pop_until(struct evheap *h, simtime_t until, struct event *out)
{
	struct evq *q = &h->q[evheap_first(h) - h->q];
	if (q->len == 0 || evkey_time(q->key[0]) > until) {
		h->cur_seq = UINT64_MAX; /* every event due by `until` has run */
		return false;
	}
	evq_pop(h, q, out);
	/* The next event's object (a link end, a socket) is most likely cold:
	 * ask for it while this event runs.  evq_pop has already asked for
	 * that event's payload, a pop ago. */
	const struct evq *next = evheap_first(h);
	if (next->len)
		__builtin_prefetch(h->pl[next->pl_idx[0]].obj);
	return true;
}

void sim_at(struct sim *s, simtime_t when, event_fn fn, void *obj, uint64_t arg)
{
	assert(when >= s->now);
	evheap_push(&s->heap, when, fn, obj, arg);
}

void sim_after(struct sim *s, simtime_t delay, event_fn fn, void *obj, uint64_t arg)
{
	assert(delay >= 0);
	evheap_push(&s->heap, s->now + delay, fn, obj, arg);
}

/* ---- timers ---- */

static void timer_fire(struct sim *s, void *unused, uint64_t arg);

static void timer_queue(struct sim *s, struct timer *t, simtime_t when)
{
	struct timer_slot *sl = &s->tslots.v[t->slot];
	sl->gen++;
	t->queued_at = when;
	evheap_push_seq(&s->heap, when, t->seq, timer_fire, NULL, (uint64_t)t->slot << 32 | sl->gen);
}

static void timer_fire(struct sim *s, void *unused, uint64_t arg)
{
	(void)unused;
	uint32_t slot = (uint32_t)(arg >> 32), gen = (uint32_t)arg;
	struct timer_slot *sl = &s->tslots.v[slot];
	/* bookkeeping entries are not events of the model: uncount them */
	if (sl->gen != gen || !sl->t) {
		s->events--; /* stale: re-armed earlier, or destroyed */
		return;
	}
	struct timer *t = sl->t;
	t->queued_at = SIM_NEVER;
	if (!t->armed) {
		s->events--;
		return;
	}
	if (t->when > s->now) { /* pushed later since this entry was queued */
		s->events--;
		timer_queue(s, t, t->when);
		return;
	}
	t->armed = false;
	t->fn(s, t->obj);
}

void timer_init(struct sim *s, struct timer *t, timer_fn fn, void *obj)
{
	struct timer_slots *ts = &s->tslots;
	uint32_t slot;
	if (ts->free_head != UINT32_MAX) {
		slot = ts->free_head;
		ts->free_head = ts->v[slot].next_free;
	} else {
		if (ts->len == ts->cap) {
			uint32_t cap = ts->cap ? ts->cap * 2 : 256;
			struct timer_slot *v = realloc(ts->v, (size_t)cap * sizeof(*v));
			if (!v) {
				fprintf(stderr, "wirelab: out of memory for %u timers\n", cap);
				abort();
			}
			ts->v = v;
			ts->cap = cap;
		}
		slot = ts->len++;
		ts->v[slot].gen = 0;
	}
	ts->v[slot].t = t;
	ts->v[slot].next_free = UINT32_MAX;
	*t = (struct timer){ .when = 0, .queued_at = SIM_NEVER, .fn = fn, .obj = obj,
			     .slot = slot, .armed = false };
}

void timer_destroy(struct sim *s, struct timer *t)
{
	struct timer_slots *ts = &s->tslots;
	struct timer_slot *sl = &ts->v[t->slot];
	assert(sl->t == t);
	sl->t = NULL;
	sl->gen++;
	sl->next_free = ts->free_head;
	ts->free_head = t->slot;
	t->armed = false;
}

void timer_arm(struct sim *s, struct timer *t, simtime_t when)
{
	assert(when >= s->now);
	assert(s->tslots.v[t->slot].t == t);
	t->when = when;
	t->armed = true;
	t->seq = s->heap.next_seq++;
	if (t->queued_at < when)
		return; /* the live entry fires first and re-queues itself */
	timer_queue(s, t, when);
}

void timer_slots_free(struct timer_slots *ts)
{
	free(ts->v);
	ts->v = NULL;
	ts->len = ts->cap = 0;
	ts->free_head = UINT32_MAX;
}
