/* A scenario's own results: metric(name, entity, value) writes a row of the
 * series table and event(kind, detail [, entity]) a row of the events table,
 * both at the current simulated time, so a custom measurement lands in the
 * result file beside the models' and a sweep can summarise it. */
#include "cli/host_priv.h"

#include <math.h>
#include <string.h>

#include "sim/db.h"
#include "sim/record.h"

enum { NAME_MAX_LEN = 64 };

static const char *check_name(lua_State *L, int idx, const char *what, const char *arg)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		host_error(L, "%s: %s: expected a string, got %s", what, arg, host_value_repr(L, idx));
	size_t n;
	const char *s = lua_tolstring(L, idx, &n);
	if (n == 0 || n > NAME_MAX_LEN || strlen(s) != n)
		host_error(L, "%s: %s: expected a name of 1 to %d characters, got %s", what, arg,
			   NAME_MAX_LEN, host_value_repr(L, idx));
	return s;
}

/* A failed write stops the run: raise it here rather than at the next run(). */
static void check_db(lua_State *L, struct host *h)
{
	if (h->sim->failed)
		luaL_error(L, "%s", h->sim->error);
}

static int l_metric(lua_State *L)
{
	struct host *h = host_of(L);
	const char *name = check_name(L, 1, "metric", "name");
	const char *entity = check_name(L, 2, "metric", "entity");
	if (lua_type(L, 3) != LUA_TNUMBER)
		return host_error(L, "metric: value: expected a number, got %s", host_value_repr(L, 3));
	double v = lua_tonumber(L, 3);
	if (!isfinite(v))
		return host_error(L, "metric: value: expected a finite number, got %s", host_value_repr(L, 3));
	if (rec_metric_find(h->sim, name) >= 0)
		return host_error(L, "metric: '%s' is a metric of the models; give yours another name", name);
	if (h->db)
		db_series(h->db, h->sim->run_id, name, entity, h->sim->now, v);
	check_db(L, h);
	return 0;
}

static int l_event(lua_State *L)
{
	struct host *h = host_of(L);
	const char *kind = check_name(L, 1, "event", "kind");
	const char *detail = NULL;
	if (!lua_isnoneornil(L, 2)) {
		if (lua_type(L, 2) != LUA_TSTRING && lua_type(L, 2) != LUA_TNUMBER)
			return host_error(L, "event: detail: expected a string, got %s", host_value_repr(L, 2));
		detail = lua_tostring(L, 2);
	}
	const char *entity = lua_isnoneornil(L, 3) ? NULL : check_name(L, 3, "event", "entity");
	if (h->db)
		db_event(h->db, h->sim->run_id, h->sim->now, entity, kind, detail);
	check_db(L, h);
	return 0;
}

void host_results_open(lua_State *L)
{
	host_register(L, "metric", l_metric);
	host_register(L, "event", l_event);
}
