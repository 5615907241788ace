/* Applications: traffic sources, sinks and measurement tools that run on
 * nodes.  Every app embeds struct app first and has an ops table; the
 * registry starts and stops apps at their configured times, asks each for
 * its flows rows at the end of every run() and frees them with the
 * simulation.  An app's id is its flow id in the results. */
#ifndef WL_APPS_H
#define WL_APPS_H

#include <stdbool.h>
#include <stdint.h>

#include "models/net/net.h"
#include "sim/sim.h"

struct app;

struct app_ops {
	const char *kind;                   /* "cbr", "ping", ... */
	void (*start)(struct app *a);       /* begin generating */
	void (*stop)(struct app *a);        /* optional: stop generating */
	void (*report)(struct app *a);      /* optional: write flows rows */
	void (*destroy)(struct app *a);     /* optional: free what the app owns */
	/* optional: the app's counters so far, one put() per figure */
	void (*stats)(struct app *a, void (*put)(void *ctx, const char *key, double v), void *ctx);
	/* optional: the app's first error so far, or NULL (stats().first_error) */
	const char *(*first_error)(struct app *a);
};

struct app {
	const struct app_ops *ops;
	struct sim *sim;
	struct node *node;
	uint32_t id;
	char name[48];                      /* entity in series: "cbr1" */
	simtime_t start_ns, stop_ns;        /* stop_ns: SIM_NEVER if none */
	simtime_t started_at, stopped_at;   /* SIM_NEVER until it happens */
	struct timer t_start, t_stop;
	bool running;
};

/* Registers a (zeroed, ops-set) app and schedules its start and stop.  A
 * name of NULL or "" gives "<kind><id>". */
void app_add(struct app *a, const struct app_ops *ops, struct node *nd, const char *name,
	     simtime_t start, simtime_t stop);
struct lua_State;
/* Pushes the app's Lua object (name, id, stats(), stop(), tostring), the
 * one every app binding returns (apps_lua.c). */
void apps_lua_push(struct lua_State *L, struct app *a);
/* Stops now (the app's stop hook runs once). */
void app_stop(struct app *a);
/* Defines the metrics apps write (ping_rtt_ns, throughput_bps). */
void apps_define_metrics(struct sim *s);
int ping_metric(struct sim *s);
int throughput_metric(struct sim *s);
/* Writes every app's flows rows. */
void apps_report(struct sim *s);
/* The end of the interval an app measured over, for goodput. */
simtime_t app_end(const struct app *a);

#endif
