/* Event queue (implicit 4-ary min-heap keyed by (time, seq)) and timers.
 * See sched.h for the timer scheme; the invariants are:
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

#include "sim.h"

static inline bool ev_before(const struct event *a, const struct event *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void evheap_init(struct evheap *h)
{
	h->ev = NULL;
	h->len = h->cap = 0;
	h->next_seq = 0;
}

void evheap_free(struct evheap *h)
{
	free(h->ev);
	evheap_init(h);
}

static void evheap_grow(struct evheap *h)
{
	size_t cap = h->cap ? h->cap * 2 : 1024;
	struct event *ev = realloc(h->ev, cap * sizeof(*ev));
	if (!ev) {
		fprintf(stderr, "wirelab: out of memory growing the event queue to %zu events\n", cap);
		abort();
	}
	h->ev = ev;
	h->cap = cap;
}

void evheap_push(struct evheap *h, simtime_t t, event_fn fn, void *obj, uint64_t arg)
{
	evheap_push_seq(h, t, h->next_seq++, fn, obj, arg);
}

void evheap_push_seq(struct evheap *h, simtime_t t, uint64_t seq, event_fn fn, void *obj, uint64_t arg)
{
	if (h->len == h->cap)
		evheap_grow(h);
	struct event e = { .time = t, .seq = seq, .fn = fn, .obj = obj, .arg = arg };
	size_t i = h->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!ev_before(&e, &h->ev[parent]))
			break;
		h->ev[i] = h->ev[parent];
		i = parent;
	}
	h->ev[i] = e;
}

bool evheap_pop(struct evheap *h, struct event *out)
{
	if (h->len == 0)
		return false;
	*out = h->ev[0];
	struct event last = h->ev[--h->len];
	size_t n = h->len, i = 0;
	if (n == 0)
		return true;
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		size_t best = c;
		size_t end = c + 4 < n ? c + 4 : n;
		for (size_t k = c + 1; k < end; k++)
			if (ev_before(&h->ev[k], &h->ev[best]))
				best = k;
		if (!ev_before(&h->ev[best], &last))
			break;
		h->ev[i] = h->ev[best];
		i = best;
	}
	h->ev[i] = last;
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
