/* Scenario libraries and utilities: query(sql) on the run's own result
 * file, require(name) of a library in the script's folder or the shipped
 * scenarios/lib, include(path, params) of another scenario, and units.* for
 * unit arithmetic. */
#include "cli/host_priv.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/db.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- query(sql) -> { {col = value, ...}, ... } ---- */

static int push_row(void *arg, const struct db_row *r)
{
	lua_State *L = arg;
	lua_createtable(L, 0, r->ncol);
	for (int i = 0; i < r->ncol; i++) {
		switch (r->types[i]) {
		case DB_INT: lua_pushinteger(L, r->ival[i]); break;
		case DB_REAL: lua_pushnumber(L, r->num[i]); break;
		case DB_NULL: lua_pushnil(L); break;
		default: lua_pushstring(L, r->text[i]); break;
		}
		lua_setfield(L, -2, r->names[i]);
	}
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

int host_l_query(lua_State *L)
{
	struct host *h = host_of(L);
	const char *sql = luaL_checkstring(L, 1);
	if (!h->db)
		return host_error(L, "query: this run writes no result file");
	lua_newtable(L);
	struct errbuf err;
	if (db_query(h->db, sql, push_row, L, &err) < 0)
		return host_error(L, "%s", err.msg);
	return 1;
}

/* ---- require(name) and include(path, params) ---- */

bool host_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Loads a file as a chunk whose _ENV is the sandbox. */
void host_load_sandboxed(lua_State *L, const char *path)
{
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		lua_error(L);
	host_push_env(L);
	lua_setupvalue(L, -2, 1);
}

int host_l_require(lua_State *L)
{
	struct host *h = host_of(L);
	const char *name = luaL_checkstring(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &host_key_loaded);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	char rel[512], path[4096 + 600];
	snprintf(rel, sizeof(rel), "%s", name);
	for (char *c = rel; *c; c++)
		if (*c == '.')
			*c = '/';
	if (strstr(rel, "..") || rel[0] == '/')
		return host_error(L, "require: '%s' is not a library name", name);
	/* the script's own folder first, then the shipped library */
	const char *script = h->opts->script;
	const char *slash = strrchr(script, '/');
	int dirlen = slash ? (int)(slash - script) : 1;
	const char *dir = slash ? script : ".";
	snprintf(path, sizeof(path), "%.*s/%s.lua", dirlen, dir, rel);
	if (!host_file_exists(path))
		snprintf(path, sizeof(path), "%s/scenarios/lib/%s.lua", h->home, rel);
	if (!host_file_exists(path))
		return host_error(L, "require: no library '%s' (looked in the script's folder and %s/scenarios/lib)",
				  name, h->home);
	host_load_sandboxed(L, path);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

int host_l_include(lua_State *L)
{
	struct host *h = host_of(L);
	const char *path = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	char full[4096 + 600];
	snprintf(full, sizeof(full), "%s", path);
	if (!host_file_exists(full) && path[0] != '/')
		snprintf(full, sizeof(full), "%s/%s", h->home, path);
	if (!host_file_exists(full))
		return host_error(L, "include: no scenario file '%s'", path);
	host_load_sandboxed(L, full);
	int saved = h->include_ovr_ref;
	if (lua_istable(L, 2))
		h->include_ovr_ref = host_ref(L, 2);
	else {
		lua_newtable(L);
		h->include_ovr_ref = host_ref(L, -1);
		lua_pop(L, 1);
	}
	int rc = lua_pcall(L, 0, LUA_MULTRET, 0);
	host_unref(L, h->include_ovr_ref);
	h->include_ovr_ref = saved;
	if (rc != LUA_OK)
		return lua_error(L);
	return lua_gettop(L) - 2;
}

/* ---- units.* : unit arithmetic for scripts ---- */

static int l_units_parse(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	int64_t v;
	if (lua_type(L, 1) != LUA_TSTRING || units_parse(k, lua_tostring(L, 1), &v) < 0)
		return host_error(L, "expected a %s like %s, got %s", units_kind_name(k),
				  units_kind_example(k), host_value_repr(L, 1));
	lua_pushinteger(L, v);
	return 1;
}

static int l_units_fmt(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	lua_Integer v;
	if (lua_isinteger(L, 1))
		v = lua_tointeger(L, 1);
	else
		v = (lua_Integer)(luaL_checknumber(L, 1) + 0.5);
	if (v < 0 && k != UNIT_DURATION)
		return host_error(L, "a %s cannot be negative (got %lld)", units_kind_name(k), (long long)v);
	char buf[64];
	if (k == UNIT_RATE)
		units_fmt_rate(buf, sizeof(buf), (uint64_t)v);
	else if (k == UNIT_SIZE)
		units_fmt_size(buf, sizeof(buf), (uint64_t)v);
	else
		units_fmt_duration(buf, sizeof(buf), v);
	lua_pushstring(L, buf);
	return 1;
}

/* units.ns("40ms") = 40000000, units.bps("10Mbps"), units.bytes("64KiB");
 * units.duration(ns), units.rate(bps), units.size(bytes) back to text. */
void host_register_units(lua_State *L)
{
	static const struct { const char *parse, *fmt; enum unit_kind k; } u[] = {
		{ "ns", "duration", UNIT_DURATION },
		{ "bps", "rate", UNIT_RATE },
		{ "bytes", "size", UNIT_SIZE },
	};
	lua_newtable(L);
	for (size_t i = 0; i < ARRAY_LEN(u); i++) {
		lua_pushinteger(L, u[i].k);
		lua_pushcclosure(L, l_units_parse, 1);
		lua_setfield(L, -2, u[i].parse);
		lua_pushinteger(L, u[i].k);
		lua_pushcclosure(L, l_units_fmt, 1);
		lua_setfield(L, -2, u[i].fmt);
	}
	host_set_global(L, "units");
}
