/* Lua bindings of the network: node "h1", router "r1", link(a, b, {...}),
 * routing{...}, and the userdata other bindings accept as endpoints. */
#ifndef WL_NET_LUA_H
#define WL_NET_LUA_H

#include <lua.h>

#include "net.h"
#include "cli/host.h"

extern const struct host_module net_module;

/* A node given as a node object or its name; NULL if it is neither. */
struct node *net_lua_tonode(lua_State *L, int idx);
/* The same, raising a clear error. */
struct node *net_lua_checknode(lua_State *L, int idx, const char *what);
/* An address given as a node (its first address), a node name, or dotted
 * quad text. */
uint32_t net_lua_checkaddr(lua_State *L, int idx, const char *what);
/* The same, for a field of an options table. */
struct node *net_lua_getnode(lua_State *L, int tbl, const char *what, const char *key);
uint32_t net_lua_getaddr(lua_State *L, int tbl, const char *what, const char *key);
/* Pushes the node's Lua object. */
void net_lua_pushnode(lua_State *L, struct node *nd);

#endif
