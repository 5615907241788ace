/* Shared pieces of the BGP Lua binding (bgp_lua.c, bgp_policy_lua.c,
 * bgp_asgraph_lua.c). */
#ifndef WL_BGP_LUA_H
#define WL_BGP_LUA_H

#include <lua.h>

#include <lauxlib.h>

#include "bgp_policy.h"

struct bgp_speaker;
struct bgp_speaker_cfg;

extern const struct host_module bgp_module;

/* A policy from a list of terms and/or a function at idx; NULL for nil.
 * Raises a Lua error naming `what` on any mistake. */
struct bgp_policy *bgp_lua_policy(lua_State *L, int idx, const char *what);
/* "65001:100", "no-export" or "no-advertise" at idx. */
int bgp_lua_community(lua_State *L, int idx, const char *what, uint32_t *out);
/* Pushes a route as the table policy functions and queries see. */
void bgp_lua_push_route(lua_State *L, struct bgp_prefix p, const struct bgp_rattr *a);

/* Pushes a speaker's Lua object. */
void bgp_lua_push_speaker(lua_State *L, struct bgp_speaker *sp);
/* A prefix "a.b.c.d/len" at idx, or an error naming `what`. */
struct bgp_prefix bgp_lua_checkprefix(lua_State *L, int idx, const char *what);
/* The `processing` option of tbl: "frr", "bird" or { hold =, fib = }. */
void bgp_lua_get_processing(lua_State *L, int idx, const char *what, struct bgp_speaker_cfg *c);
/* A metatable mt with __index, an optional __tostring and a methods table. */
void bgp_lua_new_class(lua_State *L, const char *mt, lua_CFunction index, lua_CFunction tostr,
		       const luaL_Reg *methods);
/* Defines bgp.asgraph and its objects (bgp_asgraph_lua.c). */
void bgp_asgraph_lua_open(lua_State *L);

#endif
