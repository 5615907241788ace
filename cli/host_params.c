/* params{ name = default, ... }: the scenario's parameters, overridden by
 * `-p name=value` on the command line or by include()'s table, checked
 * against the default's type and unit, and recorded as JSON in runs.params. */
#include "cli/host_priv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/json.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- params{} ---- */

/* Pushes s as a JSON string (sim/json.h, the one JSON writer). */
static void push_json_str(lua_State *L, const char *s)
{
	char *q = json_quote(s);
	lua_pushstring(L, q);
	free(q);
}

/* Pushes the override for a parameter (a string from include()'s table or
 * from -p) and returns it, or pushes nil and returns NULL. */
static const char *override_for(struct host *h, lua_State *L, const char *name)
{
	if (h->include_ovr_ref != LUA_NOREF) {
		host_push_ref(L, h->include_ovr_ref);
		if (lua_getfield(L, -1, name) == LUA_TNIL) {
			lua_remove(L, -2);
			return NULL;
		}
		luaL_tolstring(L, -1, NULL);
		lua_replace(L, -3);
		lua_pop(L, 1);
		return lua_tostring(L, -1);
	}
	for (int i = 0; i < h->novr; i++)
		if (strcmp(h->ovr[i].name, name) == 0)
			return lua_pushstring(L, h->ovr[i].value);
	lua_pushnil(L);
	return NULL;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	for (int i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = true, true;
	for (int i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = false, true;
	return false;
}

/* Leaves the parameter's final value on the stack. */
static void param_value(lua_State *L, const char *name, int def_idx, const char *ovr)
{
	int t = lua_type(L, def_idx);
	if (!ovr) {
		if (t == LUA_TSTRING) {
			int k = units_kind_of(lua_tostring(L, def_idx));
			int64_t v;
			if (k >= 0 && units_parse((enum unit_kind)k, lua_tostring(L, def_idx), &v) < 0)
				host_error(L, "params: default of '%s' is not a valid %s", name,
					   units_kind_name((enum unit_kind)k));
		}
		lua_pushvalue(L, def_idx);
		return;
	}
	if (t == LUA_TNUMBER) {
		if (lua_isinteger(L, def_idx)) {
			char *end;
			errno = 0;
			long long v = strtoll(ovr, &end, 10);
			if (*ovr == '\0' || *end || errno)
				host_error(L, "parameter %s: expected an integer, got '%s'", name, ovr);
			lua_pushinteger(L, v);
		} else {
			char *end;
			double v = strtod(ovr, &end);
			if (*ovr == '\0' || *end || !isfinite(v))
				host_error(L, "parameter %s: expected a finite number, got '%s'", name, ovr);
			lua_pushnumber(L, v);
		}
	} else if (t == LUA_TBOOLEAN) {
		bool b;
		if (!parse_bool(ovr, &b))
			host_error(L, "parameter %s: expected true or false, got '%s'", name, ovr);
		lua_pushboolean(L, b);
	} else {
		int k = units_kind_of(lua_tostring(L, def_idx));
		int64_t v;
		if (k >= 0 && units_parse((enum unit_kind)k, ovr, &v) < 0)
			host_error(L, "parameter %s: expected a %s like %s, got '%s'", name,
				   units_kind_name((enum unit_kind)k), units_kind_example((enum unit_kind)k), ovr);
		lua_pushstring(L, ovr);
	}
}

/* Pushes a JSON scalar for the value at idx. */
static void push_json_value(lua_State *L, int idx)
{
	int t = lua_type(L, idx);
	if (t == LUA_TSTRING) {
		push_json_str(L, lua_tostring(L, idx));
	} else if (t == LUA_TBOOLEAN) {
		lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
	} else if (lua_isinteger(L, idx)) {
		lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, idx));
	} else {
		char num[64];
		snprintf(num, sizeof(num), "%.17g", lua_tonumber(L, idx));
		lua_pushstring(L, num);
	}
}

/* Pushes a table of the string keys of the table at idx, sorted. */
static int push_sorted_keys(lua_State *L, int idx, const char *what)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	int names = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return host_error(L, "%s: names must be strings, got %s", what, host_value_repr(L, -1));
		lua_pushvalue(L, -1);
		lua_rawseti(L, names, ++n);
	}
	for (lua_Integer i = 2; i <= n; i++) /* insertion sort */
		for (lua_Integer j = i; j > 1; j--) {
			lua_rawgeti(L, names, j - 1);
			lua_rawgeti(L, names, j);
			if (strcmp(lua_tostring(L, -2), lua_tostring(L, -1)) <= 0) {
				lua_pop(L, 2);
				break;
			}
			lua_rawseti(L, names, j - 1);
			lua_rawseti(L, names, j);
		}
	return (int)n;
}

/* Joins the strings in the table at idx with sep; pushes the result. */
static void push_joined(lua_State *L, int idx, const char *sep)
{
	idx = lua_absindex(L, idx);
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		luaL_addvalue(&b);
		if (i < n)
			luaL_addstring(&b, sep);
	}
	luaL_pushresult(&b);
}

int host_l_params(lua_State *L)
{
	struct host *h = host_of(L);
	bool included = h->include_ovr_ref != LUA_NOREF;
	if (h->params_done && !included)
		return host_error(L, "params: declare the parameters once, at the top of the script");
	luaL_checktype(L, 1, LUA_TTABLE);
	int n = push_sorted_keys(L, 1, "params");
	int names = lua_gettop(L);

	/* every override must name a declared parameter */
	if (included) {
		host_push_ref(L, h->include_ovr_ref);
		int ovr = lua_gettop(L);
		lua_pushnil(L);
		while (lua_next(L, ovr)) {
			lua_pop(L, 1);
			int key = lua_gettop(L);
			bool known = lua_type(L, key) == LUA_TSTRING &&
				     lua_getfield(L, 1, lua_tostring(L, key)) != LUA_TNIL;
			lua_settop(L, key);
			if (!known) {
				const char *what = host_value_repr(L, key);
				push_joined(L, names, ", ");
				return host_error(L, "include: unknown parameter %s (the scenario has: %s)",
						  what, n ? lua_tostring(L, -1) : "no parameters");
			}
		}
		lua_settop(L, names);
	} else {
		for (int i = 0; i < h->novr; i++) {
			if (lua_getfield(L, 1, h->ovr[i].name) == LUA_TNIL) {
				push_joined(L, names, ", ");
				return host_error(L, "unknown parameter '%s' (this scenario has: %s)",
						  h->ovr[i].name, n ? lua_tostring(L, -1) : "no parameters");
			}
			lua_pop(L, 1);
		}
	}

	lua_newtable(L);
	int result = lua_gettop(L);
	lua_newtable(L);
	int parts = lua_gettop(L); /* "name":value pieces of the JSON */
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, names, i);
		const char *name = lua_tostring(L, -1);
		lua_getfield(L, 1, name);
		int def = lua_gettop(L);
		int t = lua_type(L, def);
		if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
			return host_error(L, "params: default of '%s' must be a number, a string or a boolean, got %s",
					  name, host_value_repr(L, def));
		if (t == LUA_TNUMBER && !isfinite(lua_tonumber(L, def)))
			return host_error(L, "params: default of '%s' must be a finite number, got %s",
					  name, host_value_repr(L, def));
		const char *ovr = override_for(h, L, name);
		param_value(L, name, def, ovr);
		int val = lua_gettop(L);
		lua_pushvalue(L, val);
		lua_setfield(L, result, name);
		push_json_str(L, name);
		lua_pushliteral(L, ":");
		push_json_value(L, val);
		lua_concat(L, 3);
		lua_rawseti(L, parts, i);
		lua_settop(L, parts);
	}
	push_joined(L, parts, ",");
	lua_pushfstring(L, "{%s}", lua_tostring(L, -1));
	free(h->params_json);
	h->params_json = xstrdup(lua_tostring(L, -1));
	lua_settop(L, result);
	if (!included)
		h->params_done = true;
	if (h->db)
		db_set_params(h->db, h->sim->run_id, h->params_json);
	return 1;
}
