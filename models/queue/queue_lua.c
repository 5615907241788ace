/* Lua bindings for queues: `fifo { limit = 100 }` returns a specification
 * (a table tagged with the discipline's name) that link{} and friends turn
 * into a qdisc per interface with queue_lua_build(). */
#include "queue_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

static const char SPEC_MT[] = "wirelab.qspec";

static int l_spec(lua_State *L)
{
	const char *name = lua_tostring(L, lua_upvalueindex(1));
	lua_settop(L, 1);
	if (lua_isnil(L, 1)) { /* fifo() and fifo(nil): the defaults */
		lua_newtable(L);
		lua_replace(L, 1);
	}
	host_check_table(L, 1, name);
	/* a copy, so the caller's table stays theirs */
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return host_error(L, "%s: options are named, e.g. %s { limit = 100 } (got a %s key)",
					  name, name, luaL_typename(L, -2));
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, 2);
	}
	lua_pushstring(L, name);
	lua_setfield(L, 2, "qdisc");
	luaL_setmetatable(L, SPEC_MT);
	return 1;
}

static bool is_spec(lua_State *L, int idx)
{
	if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
		return false;
	luaL_getmetatable(L, SPEC_MT);
	bool eq = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return eq;
}

/* Pushes an option's value as the text the qdisc_* parsers read: integers
 * and integral floats as digits ("100", not "1e+02" or "100.0"), other
 * numbers with every digit a double holds, booleans as true/false. */
static void push_text(lua_State *L, int v, const char *qd, const char *key)
{
	char buf[64];
	switch (lua_type(L, v)) {
	case LUA_TBOOLEAN:
		lua_pushstring(L, lua_toboolean(L, v) ? "true" : "false");
		return;
	case LUA_TSTRING:
		lua_pushvalue(L, v);
		return;
	case LUA_TNUMBER:
		if (lua_isinteger(L, v)) {
			snprintf(buf, sizeof(buf), "%lld", (long long)lua_tointeger(L, v));
		} else {
			double x = lua_tonumber(L, v);
			if (x > -9.2e18 && x < 9.2e18 && x == (double)(long long)x)
				snprintf(buf, sizeof(buf), "%lld", (long long)x);
			else
				snprintf(buf, sizeof(buf), "%.17g", x);
		}
		lua_pushstring(L, buf);
		return;
	}
	host_error(L, "%s: %s: expected a number, a string or a boolean, got a %s", qd, key,
		   luaL_typename(L, v));
}

struct qdisc *queue_lua_build(lua_State *L, int idx, const char *what, const char *entity)
{
	idx = lua_absindex(L, idx);
	const struct qdisc_ops *ops = NULL;
	if (is_spec(L, idx)) {
		if (lua_getfield(L, idx, "qdisc") == LUA_TSTRING)
			ops = qdisc_find(lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	if (!ops) {
		char names[256];
		qdisc_names(names, sizeof(names));
		host_error(L, "%s: expected a queue such as fifo { limit = 100 } (queues: %s), got %s",
			   what, names, lua_isnone(L, idx) ? "nothing" : luaL_typename(L, idx));
	}
	/* Every option becomes key=text for the discipline's own parser.  The
	 * texts are kept in a table (keys at odd, values at even indices), so
	 * any number of options takes two stack slots, and the spec, which the
	 * script may have changed since fifo{} made it, is read without
	 * converting a key in place (lua_next forbids it). */
	lua_newtable(L);
	int texts = lua_gettop(L);
	int n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			host_error(L, "%s: options are named, e.g. %s { limit = 100 } (got a %s key)", ops->name,
				   ops->name, luaL_typename(L, -2));
		if (strcmp(lua_tostring(L, -2), "qdisc") != 0) {
			if (n >= 1024)
				host_error(L, "%s: more than 1024 options", ops->name);
			push_text(L, lua_gettop(L), ops->name, lua_tostring(L, -2));
			lua_rawseti(L, texts, 2 * n + 2);
			lua_pushvalue(L, -2);
			lua_rawseti(L, texts, 2 * n + 1);
			n++;
		}
		lua_pop(L, 1);
	}
	struct qparam *kv = xcalloc((size_t)n + 1, sizeof(*kv));
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, texts, 2 * i + 1);
		lua_rawgeti(L, texts, 2 * i + 2);
		/* anchored by the texts table, which stays on the stack */
		kv[i] = (struct qparam){ lua_tostring(L, -2), lua_tostring(L, -1), false };
		lua_pop(L, 2);
	}
	struct qparams p = { n, kv };
	struct errbuf err;
	struct qdisc *q = qdisc_new(host_sim(L), ops, &p, entity, &err);
	free(kv);
	lua_pop(L, 1);
	if (!q)
		host_error(L, "%s", err.msg);
	return q;
}

static int queue_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	int ids[4];
	qdisc_define_metrics(host_sim(L), ids);
	luaL_newmetatable(L, SPEC_MT);
	lua_pop(L, 1);
	for (size_t i = 0; qdisc_nth(i); i++) {
		lua_pushstring(L, qdisc_nth(i)->name);
		lua_pushcclosure(L, l_spec, 1);
		host_set_global(L, qdisc_nth(i)->name);
	}
	return 0;
}

const struct host_module queue_module = { "queue", queue_open };
