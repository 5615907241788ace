/* The app registry; see apps.h. */
#include "apps.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/record.h"
#include "sim/util.h"

struct apps {
	struct sim *sim;
	struct app **v;
	size_t n, cap;
};

static void apps_destroy(void *obj)
{
	struct apps *r = obj;
	for (size_t i = 0; i < r->n; i++) {
		struct app *a = r->v[i];
		timer_destroy(r->sim, &a->t_start);
		timer_destroy(r->sim, &a->t_stop);
		if (a->ops->destroy)
			a->ops->destroy(a);
		free(a);
	}
	free(r->v);
	free(r);
}

static struct apps *registry(struct sim *s)
{
	struct apps *r = sim_ext_get(s, "apps");
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->sim = s;
		sim_ext_set(s, "apps", r, apps_destroy);
	}
	return r;
}

static void start_fired(struct sim *s, void *obj)
{
	(void)s;
	struct app *a = obj;
	if (a->running || a->stopped_at != SIM_NEVER)
		return;
	a->running = true;
	a->started_at = a->sim->now;
	a->ops->start(a);
}

static void stop_fired(struct sim *s, void *obj)
{
	(void)s;
	app_stop(obj);
}

void app_stop(struct app *a)
{
	if (a->stopped_at != SIM_NEVER)
		return;
	a->stopped_at = a->sim->now;
	timer_cancel(&a->t_start);
	timer_cancel(&a->t_stop);
	if (a->running && a->ops->stop)
		a->ops->stop(a);
	a->running = false;
}

void app_add(struct app *a, const struct app_ops *ops, struct node *nd, const char *name,
	     simtime_t start, simtime_t stop)
{
	struct sim *s = nd->net->sim;
	struct apps *r = registry(s);
	a->ops = ops;
	a->sim = s;
	a->node = nd;
	a->id = nd->net->next_flow_id++;
	if (name && *name)
		snprintf(a->name, sizeof(a->name), "%s", name);
	else
		snprintf(a->name, sizeof(a->name), "%s%u", ops->kind, a->id);
	a->start_ns = start < s->now ? s->now : start;
	a->stop_ns = stop;
	a->started_at = a->stopped_at = SIM_NEVER;
	timer_init(s, &a->t_start, start_fired, a);
	timer_init(s, &a->t_stop, stop_fired, a);
	timer_arm(s, &a->t_start, a->start_ns);
	if (stop != SIM_NEVER)
		timer_arm(s, &a->t_stop, stop < a->start_ns ? a->start_ns : stop);
	xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = a;
}

simtime_t app_end(const struct app *a)
{
	return a->stopped_at != SIM_NEVER ? a->stopped_at : a->sim->now;
}

void apps_report(struct sim *s)
{
	struct apps *r = sim_ext_get(s, "apps");
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i]->ops->report)
			r->v[i]->ops->report(r->v[i]);
}

int ping_metric(struct sim *s)
{
	return rec_metric_def(s, "ping_rtt_ns", "ping", "ns", REC_CAN_EVENT,
			      "round-trip time of each echo reply");
}

int throughput_metric(struct sim *s)
{
	return rec_metric_def(s, "throughput_bps", "throughput", "bit/s", REC_CAN_SAMPLE,
			      "payload bits received per second, per flow (mean over the interval)");
}

void apps_define_metrics(struct sim *s)
{
	ping_metric(s);
	throughput_metric(s);
}
