/* The recorder decides what a run logs, and when.
 *
 * Models define metrics by name ("queue_pkts", "ping_rtt_ns") in a group
 * ("queue", "ping") and say whether each can be sampled periodically, logged
 * as it happens, or both.  A scenario's record{...} turns metrics or whole
 * groups on: sampled every interval through probes the models registered,
 * or written by the model at each change (every = "event").  Metrics that
 * are off cost one predictable branch on the hot path.
 *
 * The events table (link down, route change ...) is written through
 * rec_log(); kinds that can be frequent (drops) are metrics of their own that
 * are off unless asked for. */
#ifndef WL_RECORD_H
#define WL_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

enum { REC_CAN_SAMPLE = 1, REC_CAN_EVENT = 2 };
enum rec_mode { REC_OFF = 0, REC_EVENT = 1, REC_SAMPLE = 2 };

struct rec_metric {
	char *name, *group, *unit, *desc;
	unsigned caps;
	enum rec_mode mode;
	simtime_t every;        /* sampling interval in REC_SAMPLE mode */
	struct timer tick;
	char **only;            /* if set: the only entities written */
	int nonly;
	int *probes;            /* probe indices */
	int nprobes, capprobes;
};

typedef double (*rec_sample_fn)(void *obj, simtime_t now);

struct rec_probe {
	int metric;             /* -1 when the slot is free */
	char *entity;
	rec_sample_fn fn;
	void *obj;
};

struct recorder {
	struct sim *sim;
	struct rec_metric **m;  /* each allocated alone: timers must not move */
	int nm, capm;
	struct rec_probe *p;
	int np, capp;
	int free_probe;         /* a free slot index or -1 */
	bool ticking;           /* timers armed; set by rec_start */
};

struct recorder *rec_new(struct sim *s);
void rec_free(struct recorder *r);

/* Defines a metric (idempotent by name) and returns its id. */
int rec_metric_def(struct sim *s, const char *name, const char *group, const char *unit,
		   unsigned caps, const char *desc);
int rec_metric_find(struct sim *s, const char *name);

/* Turns on a metric or every metric of a group.  every > 0 samples (metrics
 * that can only be logged as they happen are logged so); every == 0 logs
 * each change.  -1 with a message naming what exists if nothing matches or
 * the mode is impossible. */
int rec_enable(struct sim *s, const char *name_or_group, simtime_t every, struct errbuf *err);
/* Limits what a metric (or group) writes to the given entities. */
void rec_only(struct sim *s, const char *name_or_group, const char *const *entities, int n);
/* Arms the sampling timers; called when the run starts. */
void rec_start(struct sim *s);
/* A comma-separated list of metric groups, for error messages and --help. */
void rec_list(struct sim *s, char *buf, size_t n);

static inline bool rec_on(const struct sim *s, int metric)
{
	return s->rec->m[metric]->mode != REC_OFF;
}
static inline bool rec_on_event(const struct sim *s, int metric)
{
	return s->rec->m[metric]->mode == REC_EVENT;
}

/* Writes one series row at the current time (no check of the mode). */
void rec_value(struct sim *s, int metric, const char *entity, double value);

/* Probes are sampled while their metric is in REC_SAMPLE mode.  The entity
 * string is copied.  Returns a handle for rec_probe_remove. */
int rec_probe_add(struct sim *s, int metric, const char *entity, rec_sample_fn fn, void *obj);
void rec_probe_remove(struct sim *s, int handle);

/* A row in the events table at the current time. */
void rec_log(struct sim *s, const char *entity, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
