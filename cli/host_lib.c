/* Scenario libraries and utilities: query(sql) on the run's own result
 * file, require(name) of a library in the script's folder or the shipped
 * scenarios/lib, include(path, params) of another scenario, and units.* for
 * unit arithmetic. */
#include "cli/host_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Scenario files are read from two places only: the script's own folder
 * and the shipped scenarios (WIRELAB_HOME/scenarios, with the libraries in
 * scenarios/lib).  A name is a relative path without ".." components; the
 * file found must lie inside the folder it was looked up in once symbolic
 * links are resolved, so neither an absolute path nor a link escapes. */
static bool valid_rel(const char *rel)
{
	if (!*rel || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (e ? 1 : 0);
	}
	return true;
}

/* 0 and the path in out if root/rel is a regular file inside root. */
static int find_in(const char *root, const char *rel, char *out, size_t n)
{
	char path[PATH_MAX + 600], rroot[PATH_MAX], rpath[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!host_file_exists(path) || !realpath(root, rroot) || !realpath(path, rpath))
		return -1;
	size_t rl = strlen(rroot);
	if (strncmp(rpath, rroot, rl) != 0 || (rpath[rl] != '/' && rl > 1))
		return -1;
	snprintf(out, n, "%s", path);
	return 0;
}

static void script_dir(struct host *h, char *dir, size_t n)
{
	const char *script = h->opts->script;
	const char *slash = strrchr(script, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == script)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - script), script);
}

int host_l_require(lua_State *L)
{
	struct host *h = host_of(L);
	const char *name = luaL_checkstring(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &host_key_loaded);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	char rel[512], path[PATH_MAX + 600], dir[PATH_MAX], lib[PATH_MAX + 32];
	snprintf(rel, sizeof(rel), "%s.lua", name);
	for (char *c = rel; *c && c < rel + strlen(name); c++)
		if (*c == '.')
			*c = '/';
	if (strlen(name) > 400 || !valid_rel(rel) || strchr(name, '/'))
		return host_error(L, "require: '%s' is not a library name", name);
	/* the script's own folder first, then the shipped library */
	script_dir(h, dir, sizeof(dir));
	snprintf(lib, sizeof(lib), "%s/scenarios/lib", h->home);
	if (find_in(dir, rel, path, sizeof(path)) < 0 && find_in(lib, rel, path, sizeof(path)) < 0)
		return host_error(L, "require: no library '%s' (looked in the script's folder and %s)",
				  name, lib);
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
	if (lua_type(L, 1) != LUA_TSTRING)
		return host_error(L, "include: expected a scenario file name, got %s", host_value_repr(L, 1));
	const char *path = lua_tostring(L, 1);
	if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2))
		return host_error(L, "include: expected a table of parameters, got %s", host_value_repr(L, 2));
	if (strlen(path) > 1000 || !valid_rel(path))
		return host_error(L, "include: '%s' must be a path relative to the script's folder or to "
				  "the shipped scenarios (no leading '/', no '..')", path);
	char full[PATH_MAX + 600], dir[PATH_MAX];
	script_dir(h, dir, sizeof(dir));
	/* "scenarios/x.lua" names a shipped scenario; scenarios/lib holds the
	 * libraries */
	bool shipped = strncmp(path, "scenarios/", 10) == 0;
	char root[PATH_MAX + 32];
	snprintf(root, sizeof(root), "%s/scenarios", h->home);
	if (find_in(dir, path, full, sizeof(full)) < 0 &&
	    !(shipped && find_in(root, path + 10, full, sizeof(full)) == 0)) {
		snprintf(root, sizeof(root), "%s/scenarios/lib", h->home);
		if (find_in(root, path, full, sizeof(full)) < 0)
			return host_error(L, "include: no scenario file '%s' in the script's folder (%s) or "
					  "the shipped scenarios (%s/scenarios)", path, dir, h->home);
	}
	lua_settop(L, 2);
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

static const char *const parse_name[] = { "units.bps", "units.bytes", "units.ns" };
static const char *const fmt_name[] = { "units.rate", "units.size", "units.duration" };

static int l_units_parse(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	const char *fn = parse_name[k];
	int64_t v;
	if (lua_type(L, 1) != LUA_TSTRING || units_parse(k, lua_tostring(L, 1), &v) < 0)
		return host_error(L, "%s: expected a %s like %s, got %s", fn, units_kind_name(k),
				  units_kind_example(k), host_value_repr(L, 1));
	lua_pushinteger(L, v);
	return 1;
}

static int l_units_fmt(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	const char *fn = fmt_name[k];
	int64_t v;
	const char *unit = k == UNIT_RATE ? "bit/s" : k == UNIT_SIZE ? "bytes" : "ns";
	if (lua_type(L, 1) != LUA_TNUMBER)
		return host_error(L, "%s: expected a number of %s, got %s", fn, unit, host_value_repr(L, 1));
	if (lua_isinteger(L, 1))
		v = lua_tointeger(L, 1);
	else if (units_round(lua_tonumber(L, 1), &v) < 0) /* NaN, inf, beyond 2^63 */
		return host_error(L, "%s: expected a finite number of %s, got %s", fn, unit,
				  host_value_repr(L, 1));
	if (v < 0 && k != UNIT_DURATION)
		return host_error(L, "%s: a %s cannot be negative (got %lld)", fn, units_kind_name(k),
				  (long long)v);
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
