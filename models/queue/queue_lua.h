/* Lua side of the queues: constructors fifo{...} (and one per discipline in
 * the table) that return a queue specification, and the function that
 * builds a qdisc from one. */
#ifndef WL_QUEUE_LUA_H
#define WL_QUEUE_LUA_H

#include <lua.h>

#include "qdisc.h"
#include "cli/host.h"

extern const struct host_module queue_module;

/* Builds a qdisc from the specification at idx (raising a Lua error that
 * names `what` if it is malformed). */
struct qdisc *queue_lua_build(lua_State *L, int idx, const char *what, const char *entity);

#endif
