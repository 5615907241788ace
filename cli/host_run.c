/* The run loop as scripts drive it: record{...} turns metrics on, run(until) advances the simulation (starting
 * the recorder on the first call) with a progress line and a check for
 * SIGINT/SIGTERM. */
#include "cli/host_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim/record.h"

/* ---- record{ "metric" or "group", ..., every = "10ms" | "event" } ---- */

int host_l_record(lua_State *L)
{
	static const char *const keys[] = { "#", "every", "only", NULL };
	struct host *h = host_of(L);
	host_check_keys(L, 1, "record", keys);
	simtime_t every = SIM_MS(100);
	if (lua_getfield(L, 1, "every") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "event") == 0)
		every = 0;
	else if (!lua_isnil(L, -1))
		every = host_to_duration(L, -1, "record: every");
	lua_pop(L, 1);
	if (every == 0 && lua_getfield(L, 1, "every") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "event") != 0)
		return host_error(L, "record: every: a sampling interval must be above zero (or \"event\")");
	lua_settop(L, 1);
	if (lua_rawlen(L, 1) == 0)
		return host_error(L, "record: name at least one metric or group, e.g. record { \"queue\", every = \"10ms\" }");
	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return host_error(L, "record: entry %d: expected a metric name, got %s", (int)i,
					  host_value_repr(L, -1));
		int name = lua_gettop(L);
		struct errbuf err;
		if (rec_enable(h->sim, lua_tostring(L, name), every, &err) < 0)
			return host_error(L, "%s", err.msg);
		if (lua_getfield(L, 1, "only") != LUA_TNIL) {
			/* only = "r1->r2" or { "r1->r2", "r2->r3", ... } */
			int v = lua_gettop(L);
			const char **ents;
			int n = 0;
			if (lua_type(L, v) == LUA_TSTRING) {
				ents = lua_newuserdatauv(L, sizeof(*ents), 0);
				ents[n++] = lua_tostring(L, v);
			} else if (lua_istable(L, v)) {
				lua_Integer len = (lua_Integer)lua_rawlen(L, v);
				if (len == 0 || len > 100000)
					return host_error(L, "record: only: expected a list of entity names, got %s",
							  len ? "more than 100000" : "an empty table");
				/* the names stay anchored by the table; the array by
				 * the stack (freed with it on an error) */
				ents = lua_newuserdatauv(L, (size_t)len * sizeof(*ents), 0);
				for (lua_Integer k = 1; k <= len; k++) {
					if (lua_rawgeti(L, v, k) != LUA_TSTRING)
						return host_error(L, "record: only: entry %lld: expected an entity name, got %s",
								  (long long)k, host_value_repr(L, -1));
					ents[n++] = lua_tostring(L, -1);
					lua_pop(L, 1);
				}
			} else {
				return host_error(L, "record: only: expected an entity name or a list of them, got %s",
						  host_value_repr(L, v));
			}
			rec_only(h->sim, lua_tostring(L, name), ents, n);
		}
		lua_settop(L, name - 1);
	}
	return 0;
}

/* ---- run(until) ---- */

double host_wall_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct run_progress {
	struct host *h;
	simtime_t until;
	uint64_t events0;
	struct timespec t0;
};

static void on_progress(struct sim *s, void *arg)
{
	struct run_progress *rp = arg;
	struct host *h = rp->h;
	if (host_interrupted) {
		sim_fail(s, "interrupted by %s at t=%f s", host_signame(host_interrupted), sim_to_sec(s->now));
		return;
	}
	if (!h->opts->progress)
		return;
	double since = host_wall_since(&h->last_progress);
	if (since < 0.25)
		return;
	clock_gettime(CLOCK_MONOTONIC, &h->last_progress);
	double wall = host_wall_since(&rp->t0);
	double evps = wall > 0 ? (double)(s->events - rp->events0) / wall : 0;
	fprintf(stderr, "\r  t = %.3f s of %.3f s  %3.0f%%  %.2f M events/s   ",
		sim_to_sec(s->now), sim_to_sec(rp->until),
		rp->until > 0 ? 100.0 * (double)s->now / (double)rp->until : 100.0, evps / 1e6);
	h->progress_shown = true;
}

int host_l_run(lua_State *L)
{
	struct host *h = host_of(L);
	struct sim *s = h->sim;
	if (h->running)
		return host_error(L, "run: called from inside a callback while the simulation is running "
				  "(call run() only from the script's top level)");
	if (L != h->L)
		return host_error(L, "run: called inside a coroutine (call run() only from the script's top level)");
	simtime_t until = host_to_time(L, 1, "run: time");
	if (until < s->now)
		return host_error(L, "run: %f s is earlier than the current time %f s",
				  sim_to_sec(until), sim_to_sec(s->now));
	if (!h->started) {
		h->started = true;
		host_hooks_run(h, &h->on_start);
		rec_start(s);
		if (s->failed)
			return luaL_error(L, "%s", s->error);
	}
	h->ran = true;
	struct run_progress rp = { h, until, s->events, { 0, 0 } };
	clock_gettime(CLOCK_MONOTONIC, &rp.t0);
	h->last_progress = rp.t0;
	s->progress = on_progress;
	s->progress_arg = &rp;
	h->running = true;
	int rc = sim_run(s, until);
	h->running = false;
	s->progress = NULL;
	if (h->progress_shown) {
		fprintf(stderr, "\r%*s\r", 72, "");
		h->progress_shown = false;
	}
	host_hooks_run(h, &h->on_stop);
	if (rc < 0) {
		lua_pushstring(L, s->error);
		return lua_error(L);
	}
	return 0;
}
