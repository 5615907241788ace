/* The scenario sandbox: the global environment a script sees (only
 * whitelisted standard functions: no io, os, load, dofile, math.random) and
 * the helpers bindings use to put their globals in it.  pairs() iterates in
 * sorted key order so that results do not depend on Lua's per-process string
 * hash seed. */
#include "cli/host_priv.h"

#include <string.h>

/* ---- the sandbox ---- */

void host_push_env(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &host_key_env);
}

void host_set_global(lua_State *L, const char *name)
{
	const char *dot = strchr(name, '.');
	host_push_env(L);
	if (!dot) {
		lua_insert(L, -2);
		lua_setfield(L, -2, name);
		lua_pop(L, 1);
		return;
	}
	lua_pushlstring(L, name, (size_t)(dot - name));
	lua_rawget(L, -2);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushlstring(L, name, (size_t)(dot - name));
		lua_pushvalue(L, -2);
		lua_rawset(L, -4);
	}
	/* stack: value env table */
	lua_rotate(L, -3, -1); /* env table value */
	lua_setfield(L, -2, dot + 1);
	lua_pop(L, 2);
}

void host_register(lua_State *L, const char *name, lua_CFunction fn)
{
	lua_pushcfunction(L, fn);
	host_set_global(L, name);
}

/* pairs() in sorted key order: Lua seeds its string hash at random, so the
 * order of plain pairs() differs between runs and would make scenarios that
 * build things in a loop over a table nondeterministic. */
static int key_less(lua_State *L, int a, int b)
{
	int ta = lua_type(L, a), tb = lua_type(L, b);
	if (ta != tb)
		return ta < tb;
	if (ta == LUA_TNUMBER || ta == LUA_TSTRING)
		return lua_compare(L, a, b, LUA_OPLT);
	if (ta == LUA_TBOOLEAN)
		return !lua_toboolean(L, a) && lua_toboolean(L, b);
	return 0; /* other keys keep next() order */
}

static int sorted_next(lua_State *L)
{
	/* upvalue 1: the sorted key array; upvalue 2: position */
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
	lua_pushinteger(L, i);
	lua_replace(L, lua_upvalueindex(2));
	if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL)
		return 1;
	lua_pushvalue(L, -1);
	lua_gettable(L, 1);
	return 2;
}

static int sandbox_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_newtable(L); /* keys */
	int keys = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, ++n);
	}
	/* insertion sort is fine for scenario-sized tables */
	for (lua_Integer i = 2; i <= n; i++) {
		lua_rawgeti(L, keys, i);
		lua_Integer j = i - 1;
		while (j >= 1) {
			lua_rawgeti(L, keys, j);
			if (!key_less(L, -2, -1)) {
				lua_pop(L, 1);
				break;
			}
			lua_rawseti(L, keys, j + 1);
			j--;
		}
		lua_rawseti(L, keys, j + 1);
	}
	lua_pushvalue(L, keys);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 2);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* next(t, k) in the order sandbox pairs() uses: Lua's own next() follows
 * the hash layout, which depends on a string hash seed drawn anew in every
 * process, so `next(t)` would name a different "first" key run to run.
 * Keys that can be ordered (booleans, numbers, strings) come in key_less
 * order; others (tables, functions as keys) after them, in raw next()
 * order, as pairs() leaves them.  O(n) a call: scenario-sized tables. */
static bool orderable(int t)
{
	return t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING;
}

/* The unorderable key after the one on top of the stack (nil: the first),
 * in raw next() order, and its value; nil after the last. */
static int next_unorderable(lua_State *L)
{
	while (lua_next(L, 1)) {
		if (!orderable(lua_type(L, -2)))
			return 2;
		lua_pop(L, 1);
	}
	lua_pushnil(L);
	return 1;
}

static int sandbox_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (!lua_isnil(L, 2) && !orderable(lua_type(L, 2))) {
		lua_pushvalue(L, 2);
		return next_unorderable(L);
	}
	int best = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		if (!orderable(lua_type(L, -1)))
			continue;
		if (!lua_isnil(L, 2) && !key_less(L, 2, -1))
			continue;
		if (best && !key_less(L, -1, best))
			continue;
		/* the new best: keep it at 3, go on from the key copy */
		lua_pushvalue(L, -1);
		if (best)
			lua_replace(L, best);
		else {
			lua_insert(L, 3);
			best = 3;
		}
	}
	if (best) {
		lua_settop(L, 3);
		lua_pushvalue(L, 3);
		lua_rawget(L, 1);
		return 2;
	}
	lua_settop(L, 2);
	lua_pushnil(L);
	return next_unorderable(L);
}

/* setmetatable without __gc: a finaliser runs scenario code at a moment
 * the script does not choose (at lua_close, after the result file is
 * closed), so it is not offered. */
static int sandbox_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	int t = lua_type(L, 2);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return host_error(L, "setmetatable: __gc metamethods are not available to scenarios "
				  "(they would run at a time the simulation does not decide)");
	lua_settop(L, 2);
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_setmetatable(L, 1);
	return 1;
}

/* getmetatable for tables only: the metatables of the models' userdata
 * (connections, apps) and of strings stay out of reach. */
static int sandbox_getmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
	if (!lua_istable(L, 1) || !lua_getmetatable(L, 1)) {
		lua_pushnil(L);
		return 1;
	}
	luaL_getmetafield(L, 1, "__metatable");
	return 1;
}

void host_sandbox_build(lua_State *L)
{
	static const char *const safe[] = {
		"assert", "error", "ipairs", "pcall", "print", "select", "tonumber",
		"tostring", "type", "xpcall", "rawequal", "rawget", "rawset", "rawlen",
		"_VERSION", "string", "table", "math", "utf8", "coroutine", NULL,
	};
	lua_newtable(L);
	lua_pushglobaltable(L);
	for (const char *const *n = safe; *n; n++) {
		lua_getfield(L, -1, *n);
		lua_setfield(L, -3, *n);
	}
	lua_pop(L, 1);
	/* math.random would draw from an unseeded, unnamed generator */
	lua_getfield(L, -1, "math");
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_pushcfunction(L, sandbox_pairs);
	lua_setfield(L, -2, "pairs");
	lua_pushcfunction(L, sandbox_next);
	lua_setfield(L, -2, "next");
	lua_pushcfunction(L, sandbox_setmetatable);
	lua_setfield(L, -2, "setmetatable");
	lua_pushcfunction(L, sandbox_getmetatable);
	lua_setfield(L, -2, "getmetatable");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &host_key_env);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &host_key_loaded);
}

/* Names for messages.  luaL_argerror names the function from the call
 * site, and where there is none (a call through pcall, a callback) looks
 * for it in the registry's LOADED table, which knows the real globals but
 * not the sandbox's: "bad argument #1 to '?'".  Listing the sandbox there
 * as _G, and each of its table globals (tcp, units ...) under its own
 * name, makes that "bad argument #1 to 'next'" or "to 'tcp.listen'".
 * Called once the modules have added their globals. */
void host_sandbox_name_functions(lua_State *L)
{
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	int loaded = lua_gettop(L);
	host_push_env(L);
	int env = lua_gettop(L);
	lua_pushvalue(L, env);
	lua_setfield(L, loaded, LUA_GNAME);
	lua_pushnil(L);
	while (lua_next(L, env)) {
		/* stack: key value */
		if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) && !lua_rawequal(L, -1, env) &&
		    lua_getfield(L, loaded, lua_tostring(L, -2)) == LUA_TNIL) {
			lua_pop(L, 1);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, loaded); /* loaded[key] = value */
		} else {
			lua_settop(L, env + 1); /* the key */
		}
	}
	lua_settop(L, env);
	/* methods: the __index table (or, where __index is a function, the
	 * "methods" table) of each metatable made with
	 * luaL_newmetatable("wirelab.tcpconn"), as "tcpconn.send" */
	lua_pushnil(L);
	while (lua_next(L, LUA_REGISTRYINDEX)) {
		if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) &&
		    lua_getfield(L, -1, "__name") == LUA_TSTRING &&
		    strcmp(lua_tostring(L, -1), lua_tostring(L, -3)) == 0 &&
		    (lua_getfield(L, -2, "__index") == LUA_TTABLE ||
		     (lua_pop(L, 1), lua_getfield(L, -2, "methods") == LUA_TTABLE))) {
			const char *name = lua_tostring(L, -2);
			if (strncmp(name, "wirelab.", 8) == 0)
				name += 8;
			lua_setfield(L, loaded, name);
		}
		lua_settop(L, env + 1); /* the key */
	}
	lua_settop(L, loaded - 1);
}
