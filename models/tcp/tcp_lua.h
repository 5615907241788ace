/* Lua bindings of TCP: tcp.defaults{}, tcp.listen{}, tcp.connect{} and
 * connection objects, plus the option parser apps share. */
#ifndef WL_TCP_LUA_H
#define WL_TCP_LUA_H

#include <lua.h>

#include "cli/host.h"
#include "tcp.h"

extern const struct host_module tcp_module;

/* The options every TCP-using binding accepts (NULL-terminated). */
extern const char *const tcp_lua_option_keys[];

/* The simulation's defaults (Linux's, changed by tcp.defaults{}). */
void tcp_lua_defaults(lua_State *L, struct tcp_config *cfg);
/* Applies the TCP options found in the table at idx on top of cfg.  A
 * comma list in cc ("cubic,bbr") is not accepted here; see tcp_lua_cc. */
void tcp_lua_config(lua_State *L, int idx, const char *what, struct tcp_config *cfg);
/* A congestion control by name, or a clear error listing them. */
const struct cc_ops *tcp_lua_cc(lua_State *L, const char *what, const char *name);

#endif
