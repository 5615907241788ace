/* Lua bindings for queues: `fifo { limit = 100 }` returns a specification
 * (a table tagged with the discipline's name) that link{} and friends turn
 * into a qdisc per interface with queue_lua_build(). */
#include "queue_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "sim/util.h"

static const char SPEC_MT[] = "wirelab.qspec";

static int l_spec(lua_State *L)
{
	const char *name = lua_tostring(L, lua_upvalueindex(1));
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	else
		host_check_table(L, 1, name);
	lua_settop(L, 1);
	/* a copy, so the caller's table stays theirs */
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING)
			return host_error(L, "%s: options are named, e.g. %s { limit = 100 }", name, name);
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

struct qdisc *queue_lua_build(lua_State *L, int idx, const char *what, const char *entity)
{
	idx = lua_absindex(L, idx);
	const struct qdisc_ops *ops = NULL;
	if (is_spec(L, idx)) {
		lua_getfield(L, idx, "qdisc");
		ops = lua_isstring(L, -1) ? qdisc_find(lua_tostring(L, -1)) : NULL;
		lua_pop(L, 1);
	}
	if (!ops) {
		char names[256];
		qdisc_names(names, sizeof(names));
		host_error(L, "%s: expected a queue such as fifo { limit = 100 } (queues: %s), got %s",
			   what, names, luaL_typename(L, idx));
	}
	/* every option becomes key=text for the discipline's own parser */
	struct qparam kv[32];
	int n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k = lua_tostring(L, -2);
		if (strcmp(k, "qdisc") != 0) {
			if (n == (int)ARRAY_LEN(kv))
				host_error(L, "%s: too many options", ops->name);
			if (lua_type(L, -1) == LUA_TBOOLEAN)
				lua_pushstring(L, lua_toboolean(L, -1) ? "true" : "false");
			else if (lua_type(L, -1) == LUA_TNUMBER || lua_type(L, -1) == LUA_TSTRING)
				luaL_tolstring(L, -1, NULL);
			else
				host_error(L, "%s: %s: expected a number, a string or a boolean, got a %s",
					   ops->name, k, luaL_typename(L, -1));
			/* keep the text on the stack, below the iteration's key */
			kv[n++] = (struct qparam){ k, lua_tostring(L, -1), false };
			lua_insert(L, -3); /* below key and value, so lua_next continues */
		}
		lua_pop(L, 1);
	}
	struct qparams p = { n, kv };
	struct errbuf err;
	struct qdisc *q = qdisc_new(host_sim(L), ops, &p, entity, &err);
	lua_pop(L, n);
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
