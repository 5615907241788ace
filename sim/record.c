/* The recorder; see record.h. */
#include "record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "util.h"


struct recorder *rec_new(struct sim *s)
{
	struct recorder *r = calloc(1, sizeof(*r));
	if (r) {
		r->sim = s;
		r->free_probe = -1;
	}
	return r;
}

void rec_free(struct recorder *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nm; i++) {
		struct rec_metric *m = r->m[i];
		timer_destroy(r->sim, &m->tick);
		free(m->name);
		free(m->group);
		free(m->unit);
		free(m->desc);
		free(m->probes);
		for (int k = 0; k < m->nonly; k++)
			free(m->only[k]);
		free(m->only);
		free(m);
	}
	for (int i = 0; i < r->np; i++)
		free(r->p[i].entity);
	free(r->m);
	free(r->p);
	free(r);
}

static void rec_tick(struct sim *s, void *obj);

int rec_metric_find(struct sim *s, const char *name)
{
	struct recorder *r = s->rec;
	for (int i = 0; i < r->nm; i++)
		if (strcmp(r->m[i]->name, name) == 0)
			return i;
	return -1;
}

int rec_metric_def(struct sim *s, const char *name, const char *group, const char *unit,
		   unsigned caps, const char *desc)
{
	struct recorder *r = s->rec;
	int id = rec_metric_find(s, name);
	if (id >= 0)
		return id;
	if (r->nm == r->capm) {
		r->capm = r->capm ? 2 * r->capm : 32;
		r->m = xrealloc(r->m, (size_t)r->capm * sizeof(*r->m));
	}
	struct rec_metric *m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(name);
	m->group = xstrdup(group);
	m->unit = xstrdup(unit);
	m->desc = xstrdup(desc);
	m->caps = caps;
	timer_init(s, &m->tick, rec_tick, m);
	r->m[r->nm] = m;
	return r->nm++;
}

static int enable_one(struct sim *s, struct rec_metric *m, simtime_t every, struct errbuf *err)
{
	if (every > 0 && (m->caps & REC_CAN_SAMPLE)) {
		m->mode = REC_SAMPLE;
		m->every = every;
		if (s->rec->ticking)
			timer_arm(s, &m->tick, s->now);
	} else if (m->caps & REC_CAN_EVENT) {
		m->mode = REC_EVENT;
	} else {
		err_set(err, "metric '%s' can only be sampled: give an interval, e.g. every = \"10ms\"",
			m->name);
		return -1;
	}
	return 0;
}

int rec_enable(struct sim *s, const char *what, simtime_t every, struct errbuf *err)
{
	struct recorder *r = s->rec;
	int matched = 0;
	for (int i = 0; i < r->nm; i++) {
		struct rec_metric *m = r->m[i];
		if (strcmp(m->name, what) == 0 || strcmp(m->group, what) == 0) {
			if (enable_one(s, m, every, err) < 0)
				return -1;
			matched++;
		}
	}
	if (!matched) {
		char list[1024];
		rec_list(s, list, sizeof(list));
		err_set(err, "record: unknown metric or group '%s' (known: %s)", what, list);
		return -1;
	}
	return 0;
}

void rec_only(struct sim *s, const char *what, const char *const *entities, int n)
{
	struct recorder *r = s->rec;
	for (int i = 0; i < r->nm; i++) {
		struct rec_metric *m = r->m[i];
		if (strcmp(m->name, what) != 0 && strcmp(m->group, what) != 0)
			continue;
		for (int k = 0; k < m->nonly; k++)
			free(m->only[k]);
		free(m->only);
		m->only = n ? xcalloc((size_t)n, sizeof(char *)) : NULL;
		for (int k = 0; k < n; k++)
			m->only[k] = xstrdup(entities[k]);
		m->nonly = n;
	}
}

static bool wanted(const struct rec_metric *m, const char *entity)
{
	if (!m->nonly)
		return true;
	for (int k = 0; k < m->nonly; k++)
		if (strcmp(m->only[k], entity) == 0)
			return true;
	return false;
}

void rec_list(struct sim *s, char *buf, size_t n)
{
	struct recorder *r = s->rec;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < r->nm; i++) {
		const char *g = r->m[i]->group;
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(r->m[j]->group, g) == 0;
		if (!seen && used < n)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", g);
	}
	for (int i = 0; i < r->nm; i++)
		if (strcmp(r->m[i]->name, r->m[i]->group) != 0 && used < n)
			used += (size_t)snprintf(buf + used, n - used, ", %s", r->m[i]->name);
}

void rec_start(struct sim *s)
{
	struct recorder *r = s->rec;
	if (r->ticking)
		return;
	r->ticking = true;
	for (int i = 0; i < r->nm; i++)
		if (r->m[i]->mode == REC_SAMPLE)
			timer_arm(s, &r->m[i]->tick, s->now);
}

static void rec_tick(struct sim *s, void *obj)
{
	struct rec_metric *m = obj;
	if (m->mode != REC_SAMPLE)
		return;
	struct recorder *r = s->rec;
	for (int i = 0; i < m->nprobes; i++) {
		struct rec_probe *p = &r->p[m->probes[i]];
		if (!wanted(m, p->entity))
			continue;
		double v = p->fn(p->obj, s->now);
		if (!isnan(v) && s->db)
			db_series(s->db, s->run_id, m->name, p->entity, s->now, v);
	}
	timer_arm(s, &m->tick, s->now + m->every);
}

void rec_value(struct sim *s, int metric, const char *entity, double value)
{
	const struct rec_metric *m = s->rec->m[metric];
	if (s->db && wanted(m, entity))
		db_series(s->db, s->run_id, m->name, entity, s->now, value);
}

int rec_probe_add(struct sim *s, int metric, const char *entity, rec_sample_fn fn, void *obj)
{
	struct recorder *r = s->rec;
	int h;
	if (r->free_probe >= 0) {
		h = r->free_probe;
		r->free_probe = (int)(intptr_t)r->p[h].obj;
	} else {
		if (r->np == r->capp) {
			r->capp = r->capp ? 2 * r->capp : 64;
			r->p = xrealloc(r->p, (size_t)r->capp * sizeof(*r->p));
		}
		h = r->np++;
	}
	r->p[h] = (struct rec_probe){ metric, xstrdup(entity), fn, obj };
	struct rec_metric *m = r->m[metric];
	if (m->nprobes == m->capprobes) {
		m->capprobes = m->capprobes ? 2 * m->capprobes : 8;
		m->probes = xrealloc(m->probes, (size_t)m->capprobes * sizeof(int));
	}
	m->probes[m->nprobes++] = h;
	return h;
}

void rec_probe_remove(struct sim *s, int h)
{
	struct recorder *r = s->rec;
	struct rec_probe *p = &r->p[h];
	struct rec_metric *m = r->m[p->metric];
	for (int i = 0; i < m->nprobes; i++)
		if (m->probes[i] == h) {
			memmove(&m->probes[i], &m->probes[i + 1],
				(size_t)(m->nprobes - i - 1) * sizeof(int));
			m->nprobes--;
			break;
		}
	free(p->entity);
	p->entity = NULL;
	p->metric = -1;
	p->obj = (void *)(intptr_t)r->free_probe; /* free-list link */
	r->free_probe = h;
}

void rec_log(struct sim *s, const char *entity, const char *kind, const char *fmt, ...)
{
	if (!s->db)
		return;
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	db_event(s->db, s->run_id, s->now, entity, kind, detail);
}
