/* Shared pieces of the BGP Lua binding (bgp_lua.c, bgp_policy_lua.c). */
#ifndef WL_BGP_LUA_H
#define WL_BGP_LUA_H

#include <lua.h>

#include "bgp_policy.h"

extern const struct host_module bgp_module;

/* A policy from a list of terms and/or a function at idx; NULL for nil.
 * Raises a Lua error naming `what` on any mistake. */
struct bgp_policy *bgp_lua_policy(lua_State *L, int idx, const char *what);
/* "65001:100", "no-export" or "no-advertise" at idx. */
int bgp_lua_community(lua_State *L, int idx, const char *what, uint32_t *out);
/* Pushes a route as the table policy functions and queries see. */
void bgp_lua_push_route(lua_State *L, struct bgp_prefix p, const struct bgp_rattr *a);

#endif
