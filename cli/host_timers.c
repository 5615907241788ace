/* Scenario timers: at(time, fn) at an absolute simulated time, after(d, fn)
 * a duration from now, every(d, fn) periodically from now + d.  Each returns
 * a handle whose :cancel() stops it; fn receives the handle, and an every()
 * callback that returns false stops its timer too.  Times are integer
 * nanoseconds (now() + units.ns("10ms")) or duration strings ("1.5s", for
 * at() measured from t = 0).  Callbacks run as simulation events, on the
 * main Lua thread, in time order; equal times fire in the order set. */
#include "cli/host_priv.h"

#include "sim/units.h"

#define TIMER_MT "wirelab.timer"

struct host_timer {
	int fn_ref;          /* LUA_NOREF once cancelled or finished */
	int self_ref;        /* keeps the handle alive while an event is pending */
	simtime_t period_ns; /* 0: fires once */
};

static void timer_done(lua_State *L, struct host_timer *t)
{
	if (t->fn_ref != LUA_NOREF)
		host_unref(L, t->fn_ref);
	t->fn_ref = LUA_NOREF;
}

static void timer_fire(struct sim *s, void *obj, uint64_t arg)
{
	struct host *h = obj;
	lua_State *L = h->L;
	int self = (int)arg;
	host_push_ref(L, self);
	struct host_timer *t = lua_touserdata(L, -1);
	bool again = false;
	if (t->fn_ref != LUA_NOREF) {
		host_push_ref(L, t->fn_ref);
		lua_pushvalue(L, -2);
		if (host_pcall(h, 1, 1) == 0) {
			bool stop = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
			lua_pop(L, 1);
			/* cancelled inside fn: fn_ref is gone */
			again = t->period_ns > 0 && !stop && t->fn_ref != LUA_NOREF &&
				s->now <= HOST_DURATION_MAX - t->period_ns;
		}
	}
	if (again) {
		sim_at(s, s->now + t->period_ns, timer_fire, h, (uint64_t)self);
	} else {
		timer_done(L, t);
		host_unref(L, self);
	}
	lua_pop(L, 1);
}

/* Pushes a timer handle for fn (at index fn_idx) firing first at `when`. */
static int timer_new(lua_State *L, simtime_t when, simtime_t period, int fn_idx)
{
	struct host *h = host_of(L);
	struct host_timer *t = lua_newuserdatauv(L, sizeof(*t), 0);
	t->fn_ref = host_ref(L, fn_idx);
	t->period_ns = period;
	luaL_setmetatable(L, TIMER_MT);
	t->self_ref = host_ref(L, -1);
	sim_at(h->sim, when, timer_fire, h, (uint64_t)t->self_ref);
	return 1;
}

/* A delay: integer ns or a duration string, at most HOST_DURATION_MAX. */
static simtime_t to_delay(lua_State *L, int idx, const char *what)
{
	if (lua_type(L, idx) != LUA_TNUMBER)
		return host_to_duration(L, idx, what);
	int ok = 0;
	lua_Integer d = lua_tointegerx(L, idx, &ok);
	if (!ok)
		host_error(L, "%s: expected a duration like '40ms' or whole nanoseconds, got %s", what,
			   host_value_repr(L, idx));
	if (d < 0 || d > HOST_DURATION_MAX)
		host_error(L, "%s: %lld ns is out of range [0, %lld] (about 73 years)", what, (long long)d,
			   (long long)HOST_DURATION_MAX);
	return (simtime_t)d;
}

static void check_fn(lua_State *L, int idx, const char *what)
{
	if (lua_type(L, idx) != LUA_TFUNCTION)
		host_error(L, "%s: expected a function to call, got %s", what, host_value_repr(L, idx));
}

static int l_at(lua_State *L)
{
	struct host *h = host_of(L);
	simtime_t t = host_to_time(L, 1, "at: time");
	check_fn(L, 2, "at");
	if (t < h->sim->now) {
		char when[64], now[64];
		units_fmt_duration(when, sizeof(when), t);
		units_fmt_duration(now, sizeof(now), h->sim->now);
		return host_error(L, "at: time %s is in the past (now is %s; for a time from now use "
				  "after(d, fn) or at(now() + d, fn))", when, now);
	}
	return timer_new(L, t, 0, 2);
}

/* The latest time a delay from now may reach. */
static simtime_t from_now(lua_State *L, simtime_t d, const char *what)
{
	simtime_t now = host_sim(L)->now;
	if (d > HOST_DURATION_MAX - now)
		host_error(L, "%s: now + the delay is past 2^61 ns (about 73 years) of simulated time", what);
	return now + d;
}

static int l_after(lua_State *L)
{
	simtime_t d = to_delay(L, 1, "after: delay");
	check_fn(L, 2, "after");
	return timer_new(L, from_now(L, d, "after"), 0, 2);
}

static int l_every(lua_State *L)
{
	simtime_t d = to_delay(L, 1, "every: period");
	check_fn(L, 2, "every");
	if (d <= 0)
		return host_error(L, "every: the period must be above zero");
	return timer_new(L, from_now(L, d, "every"), d, 2);
}

/* handle:cancel(): the callback is not called again (also from inside it). */
static int timer_cancel_l(lua_State *L)
{
	struct host_timer *t = luaL_checkudata(L, 1, TIMER_MT);
	timer_done(L, t);
	return 0;
}

/* handle:pending(): whether the callback will be called again. */
static int timer_pending_l(lua_State *L)
{
	struct host_timer *t = luaL_checkudata(L, 1, TIMER_MT);
	lua_pushboolean(L, t->fn_ref != LUA_NOREF);
	return 1;
}

void host_timers_open(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "cancel", timer_cancel_l },
		{ "pending", timer_pending_l },
		{ NULL, NULL },
	};
	luaL_newmetatable(L, TIMER_MT);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushliteral(L, "timer");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	host_register(L, "at", l_at);
	host_register(L, "after", l_after);
	host_register(L, "every", l_every);
}
