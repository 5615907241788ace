/* Life cycle of a simulation and its run loop. */
#include "sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "record.h"
#include "rng.h"

void err_set(struct errbuf *e, const char *fmt, ...)
{
	if (!e)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

struct sim *sim_new(uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	evheap_init(&s->heap);
	s->tslots.free_head = UINT32_MAX;
	s->seed = seed;
	s->pkts = pkt_pool_new();
	s->rec = rec_new(s);
	if (!s->pkts || !s->rec) {
		sim_free(s);
		return NULL;
	}
	return s;
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	for (int i = s->next_ext - 1; i >= 0; i--)
		if (s->ext[i].destroy)
			s->ext[i].destroy(s->ext[i].ptr);
	rec_free(s->rec);
	/* Packets still in flight belong to events that will never run. */
	struct event e;
	while (evheap_pop(&s->heap, &e))
		;
	pkt_pool_free(s->pkts);
	rng_free_all(s);
	evheap_free(&s->heap);
	timer_slots_free(&s->tslots);
	free(s);
}

int sim_run(struct sim *s, simtime_t until)
{
	struct event e;
	if (s->failed)
		return -1;
	s->stopping = false;
	while (!s->stopping) {
		if (!evheap_pop_until(&s->heap, until, &e))
			break;
		s->now = e.time;
		s->events++;
		e.fn(s, e.obj, e.arg);
		if ((s->events & 0xffff) == 0 && s->progress)
			s->progress(s, s->progress_arg);
	}
	if (!s->stopping && until != SIM_NEVER && until > s->now)
		s->now = until;
	return s->failed ? -1 : 0;
}

void sim_stop(struct sim *s)
{
	s->stopping = true;
}

void sim_fail(struct sim *s, const char *fmt, ...)
{
	if (!s->failed) { /* the first error is the one worth reporting */
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
		s->failed = true;
	}
	s->stopping = true;
}

void *sim_ext_get(struct sim *s, const char *key)
{
	for (int i = 0; i < s->next_ext; i++)
		if (strcmp(s->ext[i].key, key) == 0)
			return s->ext[i].ptr;
	return NULL;
}

void sim_ext_set(struct sim *s, const char *key, void *ptr, void (*destroy)(void *))
{
	for (int i = 0; i < s->next_ext; i++)
		if (strcmp(s->ext[i].key, key) == 0) {
			s->ext[i].ptr = ptr;
			s->ext[i].destroy = destroy;
			return;
		}
	if (s->next_ext == SIM_EXT_MAX) {
		fprintf(stderr, "wirelab: too many model extensions (max %d)\n", SIM_EXT_MAX);
		abort();
	}
	s->ext[s->next_ext++] = (struct sim_ext){ key, ptr, destroy };
}
