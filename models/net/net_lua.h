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
/* Times and durations a script gives, checked so that the clock plus
 * them cannot overflow (sim/time.h: SIM_TIME_LIMIT).  A span is a
 * duration the model adds to the clock (a delay, a period, a timeout),
 * at most SIM_TIME_LIMIT; a time is an instant (start, down_at), not in
 * the past and at most SIM_TIME_LIMIT.  `what` names the argument in
 * messages ("link: delay"); the get_ forms read tbl[key], def if absent. */
simtime_t net_lua_check_span(lua_State *L, int idx, const char *what);
/* An error if the clock itself is past SIM_TIME_LIMIT (run() took it
 * there), for bindings that schedule from now. */
void net_lua_check_clock(lua_State *L, const char *what);
simtime_t net_lua_check_time(lua_State *L, int idx, const char *what);
simtime_t net_lua_get_span(lua_State *L, int tbl, const char *what, const char *key, simtime_t def);
simtime_t net_lua_get_time(lua_State *L, int tbl, const char *what, const char *key, simtime_t def);
/* The object of class mt (a luaL_newmetatable name) that a method was
 * called on; an error naming the method if it was called with '.' or on
 * another kind of object.  kind is "a link", for the message. */
void *net_lua_checkself(lua_State *L, const char *mt, const char *kind, const char *method);
/* Pushes the node's Lua object. */
void net_lua_pushnode(lua_State *L, struct node *nd);

#endif
