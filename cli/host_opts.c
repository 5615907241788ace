/* Option tables f{ key = value, ... }: the getters every model binding uses
 * to read its arguments (durations, rates, sizes, integers, numbers,
 * booleans, strings), each rejecting a wrong type, a malformed unit string
 * or an out-of-range value with a message naming the function and key. */
#include "cli/host_priv.h"

#include <math.h>
#include <string.h>

#include "sim/units.h"

/* ---- option tables ---- */

const char *host_value_repr(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TNONE)
		return lua_pushstring(L, "nothing");
	if (lua_type(L, idx) == LUA_TNIL)
		return lua_pushstring(L, "nil");
	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
	if (lua_type(L, idx) == LUA_TNUMBER)
		return lua_pushfstring(L, "%s", luaL_tolstring(L, idx, NULL));
	return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

void host_check_table(lua_State *L, int idx, const char *what)
{
	if (!lua_istable(L, idx))
		host_error(L, "%s: expected a table of options { ... }, got %s", what,
			   host_value_repr(L, idx));
}

void host_check_keys(lua_State *L, int idx, const char *what, const char *const allowed[])
{
	idx = lua_absindex(L, idx);
	host_check_table(L, idx, what);
	bool array_ok = false;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, "#") == 0)
			array_ok = true;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TNUMBER && array_ok)
			continue;
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -1);
			bool ok = false;
			for (const char *const *a = allowed; *a && !ok; a++)
				ok = strcmp(*a, k) == 0;
			if (ok)
				continue;
		}
		const char *key = host_value_repr(L, -1);
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		bool first = true;
		for (const char *const *a = allowed; *a; a++) {
			if (strcmp(*a, "#") == 0)
				continue;
			if (!first)
				luaL_addstring(&b, ", ");
			luaL_addstring(&b, *a);
			first = false;
		}
		luaL_pushresult(&b);
		host_error(L, "%s: unknown option %s (expected one of: %s)", what, key,
			   lua_tostring(L, -1));
	}
}

bool host_has(lua_State *L, int idx, const char *key)
{
	bool has = lua_getfield(L, idx, key) != LUA_TNIL;
	lua_pop(L, 1);
	return has;
}

static int64_t to_unit(lua_State *L, int idx, enum unit_kind k, const char *what, const char *key)
{
	idx = lua_absindex(L, idx);
	int64_t v;
	if (lua_type(L, idx) == LUA_TSTRING && units_parse(k, lua_tostring(L, idx), &v) == 0)
		return v;
	return host_error(L, "%s%s%s: expected a %s like %s, got %s", what, key ? ": " : "",
			  key ? key : "", units_kind_name(k), units_kind_example(k),
			  host_value_repr(L, idx));
}

/* A duration no longer than HOST_DURATION_MAX, so now + d cannot overflow. */
static simtime_t to_duration(lua_State *L, int idx, const char *what, const char *key)
{
	simtime_t d = to_unit(L, idx, UNIT_DURATION, what, key);
	if (d > HOST_DURATION_MAX) {
		char b1[48], b2[48];
		host_error(L, "%s%s%s: %s is longer than any run can last (at most %s, about 73 years)",
			   what, key ? ": " : "", key ? key : "", units_fmt_duration(b1, sizeof(b1), d),
			   units_fmt_duration(b2, sizeof(b2), HOST_DURATION_MAX));
	}
	return d;
}

simtime_t host_to_duration(lua_State *L, int idx, const char *what)
{
	return to_duration(L, idx, what, NULL);
}

simtime_t host_to_time(lua_State *L, int idx, const char *what)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) != LUA_TNUMBER)
		return to_duration(L, idx, what, NULL);
	int ok = 0;
	lua_Integer t = lua_tointegerx(L, idx, &ok);
	if (!ok)
		host_error(L, "%s: expected a time in whole nanoseconds (e.g. now() + units.ns('10ms')) "
			   "or a duration like '40ms', got %s", what, host_value_repr(L, idx));
	if (t < 0 || t > HOST_DURATION_MAX)
		host_error(L, "%s: %lld ns is out of range [0, %lld] (about 73 years)", what, (long long)t,
			   (long long)HOST_DURATION_MAX);
	return (simtime_t)t;
}

simtime_t host_get_time(lua_State *L, int idx, const char *what, const char *key, simtime_t def)
{
	simtime_t v = def;
	if (lua_getfield(L, idx, key) != LUA_TNIL) {
		lua_pushfstring(L, "%s: %s", what, key);
		v = host_to_time(L, -2, lua_tostring(L, -1));
		simtime_t now = host_sim(L)->now;
		if (v < now) {
			char t[64], n[64];
			units_fmt_duration(t, sizeof(t), v);
			units_fmt_duration(n, sizeof(n), now);
			host_error(L, "%s: %s: time %s is in the past (now is %s)", what, key, t, n);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return v;
}

uint64_t host_to_rate(lua_State *L, int idx, const char *what)
{
	int64_t v = to_unit(L, idx, UNIT_RATE, what, NULL);
	if (v <= 0)
		host_error(L, "%s: a rate must be above zero", what);
	return (uint64_t)v;
}

simtime_t host_get_duration(lua_State *L, int idx, const char *what, const char *key, simtime_t def)
{
	simtime_t v = def;
	if (lua_getfield(L, idx, key) != LUA_TNIL)
		v = to_duration(L, -1, what, key);
	lua_pop(L, 1);
	return v;
}

uint64_t host_get_rate(lua_State *L, int idx, const char *what, const char *key, uint64_t def)
{
	uint64_t v = def;
	if (lua_getfield(L, idx, key) != LUA_TNIL) {
		int64_t r = to_unit(L, -1, UNIT_RATE, what, key);
		if (r <= 0)
			host_error(L, "%s: %s: a rate must be above zero", what, key);
		v = (uint64_t)r;
	}
	lua_pop(L, 1);
	return v;
}

uint64_t host_get_size_max(lua_State *L, int idx, const char *what, const char *key, uint64_t def,
			   uint64_t max)
{
	uint64_t v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0)
		v = (uint64_t)lua_tointeger(L, -1); /* a plain integer is bytes */
	else if (t != LUA_TNIL)
		v = (uint64_t)to_unit(L, -1, UNIT_SIZE, what, key);
	if (t != LUA_TNIL && v > max) {
		char lim[64];
		units_fmt_size(lim, sizeof(lim), max);
		host_error(L, "%s: %s: %s is too large (at most %s = %llu bytes)", what, key,
			   host_value_repr(L, -1), lim, (unsigned long long)max);
	}
	lua_pop(L, 1);
	return v;
}

uint64_t host_get_size(lua_State *L, int idx, const char *what, const char *key, uint64_t def)
{
	return host_get_size_max(L, idx, what, key, def, UINT64_MAX);
}

int64_t host_get_int(lua_State *L, int idx, const char *what, const char *key, int64_t def,
		     int64_t min, int64_t max)
{
	int64_t v = def;
	int t = lua_getfield(L, idx, key);
	if (t != LUA_TNIL) {
		int ok = 0;
		lua_Integer i = lua_tointegerx(L, -1, &ok);
		if (!ok || t != LUA_TNUMBER)
			host_error(L, "%s: %s: expected an integer, got %s", what, key, host_value_repr(L, -1));
		if (i < min || i > max)
			host_error(L, "%s: %s: %lld is out of range [%lld, %lld]", what, key,
				   (long long)i, (long long)min, (long long)max);
		v = i;
	}
	lua_pop(L, 1);
	return v;
}

double host_get_num(lua_State *L, int idx, const char *what, const char *key, double def,
		    double min, double max)
{
	double v = def;
	int t = lua_getfield(L, idx, key);
	if (t != LUA_TNIL) {
		if (t != LUA_TNUMBER)
			host_error(L, "%s: %s: expected a number, got %s", what, key, host_value_repr(L, -1));
		v = lua_tonumber(L, -1);
		if (!isfinite(v) || !(v >= min && v <= max))
			host_error(L, "%s: %s: %g is out of range [%g, %g]", what, key, v, min, max);
	}
	lua_pop(L, 1);
	return v;
}

bool host_get_bool(lua_State *L, int idx, const char *what, const char *key, bool def)
{
	bool v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TBOOLEAN)
		v = lua_toboolean(L, -1);
	else if (t != LUA_TNIL)
		host_error(L, "%s: %s: expected true or false, got %s", what, key, host_value_repr(L, -1));
	lua_pop(L, 1);
	return v;
}

const char *host_get_str(lua_State *L, int idx, const char *what, const char *key, const char *def)
{
	const char *v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TSTRING)
		v = lua_tostring(L, -1); /* anchored by the table */
	else if (t != LUA_TNIL)
		host_error(L, "%s: %s: expected a string, got %s", what, key, host_value_repr(L, -1));
	lua_pop(L, 1);
	return v;
}
