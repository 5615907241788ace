/* The Lua host: runs a scenario script in a sandbox and gives models a
 * place to hang their bindings.
 *
 * The host owns one simulation and one Lua state.  Models register through
 * struct host_module (main.c holds the table); each module's open() defines
 * its metrics and Lua globals.  The script sees only whitelisted standard
 * functions (no io, os, load, dofile, require of arbitrary files) plus what
 * the modules add.  The host provides the scenario-level functions itself:
 * params{}, at(), after(), every(), record{}, run(), metric(), event(),
 * query(), include(), require() and units.*.  Its files: host.c (the host
 * object, errors, host_main), host_sandbox.c, host_opts.c (the getters
 * below), host_params.c, host_lib.c (query, require, include, units),
 * host_timers.c, host_results.c (metric, event), host_run.c (record, run).
 *
 * Errors: a binding raises luaL_error / host_error with a sentence saying
 * what was expected; the host adds the script's file and line (also when the
 * error comes from a library such as topo.lua), prints it, records it as the
 * run's error and exits non-zero. */
#ifndef WL_HOST_H
#define WL_HOST_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* the kernel's bound on any time a script gives (sim/time.h: 2^61 ns) */
#define HOST_DURATION_MAX SIM_TIME_LIMIT

struct host;

struct host_module {
	const char *name;
	/* Defines metrics and Lua globals; may return -1 with err set. */
	int (*open)(struct host *h, lua_State *L, struct errbuf *err);
};

struct host_param_override {
	const char *name, *value;
};

struct host_opts {
	const char *script;
	const struct host_param_override *overrides;
	int noverrides;
	uint64_t seed;
	const char *out;        /* result file; NULL: none */
	const char *pcap_dir;   /* NULL: no pcap */
	bool quiet;
	bool progress;          /* show a progress line on stderr */
	const char *version;
	const struct host_module *const *modules;
	int nmodules;
};

/* Runs a whole scenario; returns the process exit status (0 on success).
 * Errors are printed to stderr. */
int host_main(const struct host_opts *opts);

/* ---- for model bindings ---- */

struct host *host_of(lua_State *L);
struct sim *host_sim(lua_State *L);
const char *host_pcap_dir(struct host *h);
const char *host_home(struct host *h);
bool host_started(struct host *h);
/* The main Lua thread.  A binding that keeps a lua_State to call back later
 * must keep this one, not its own L: that may be a coroutine's, which is
 * suspended or dead when the callback runs. */
lua_State *host_lua(struct host *h);

/* Pushes the script's global environment (where bindings put globals). */
void host_push_env(lua_State *L);
/* Sets env[name] = the value on top of the stack (popped); name may be
 * "tcp.listen" to place a function inside a table global. */
void host_set_global(lua_State *L, const char *name);
void host_register(lua_State *L, const char *name, lua_CFunction fn);

/* Hooks run at the start of the first run(), at the end of every run() and
 * when the script has finished (before the result file is closed). */
typedef void (*host_hook_fn)(struct host *h, void *arg);
void host_on_start(struct host *h, host_hook_fn fn, void *arg);
void host_on_stop(struct host *h, host_hook_fn fn, void *arg);
void host_on_finish(struct host *h, host_hook_fn fn, void *arg);

/* Calls the function under nargs arguments on the stack from inside an
 * event; on a Lua error the simulation fails with the message (and the
 * enclosing run() raises it).  Returns 0 or -1. */
int host_pcall(struct host *h, int nargs, int nresults);
int host_ref(lua_State *L, int idx);
void host_unref(lua_State *L, int ref);
void host_push_ref(lua_State *L, int ref);

/* Raises a Lua error with a formatted message at the caller's line. */
int host_error(lua_State *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* ---- option tables: f{ key = value, ... } ----
 * Durations and absolute times are at most HOST_DURATION_MAX (2^61 ns,
 * about 73 years), so the clock plus a few durations cannot overflow a
 * simtime_t (2^63 ns, about 292 years).
 * `what` names the function for messages ("link").  Every getter raises a
 * clear error for a wrong type or a malformed unit string. */
void host_check_table(lua_State *L, int idx, const char *what);
/* Errors on a key not in allowed (NULL-terminated), listing the allowed. */
void host_check_keys(lua_State *L, int idx, const char *what, const char *const allowed[]);
bool host_has(lua_State *L, int idx, const char *key);
simtime_t host_get_duration(lua_State *L, int idx, const char *what, const char *key, simtime_t def);
/* An absolute time (integer ns or a duration from t = 0) that is not in the
 * past: for start times, down_at, measure_from of objects made after run(). */
simtime_t host_get_time(lua_State *L, int idx, const char *what, const char *key, simtime_t def);
uint64_t host_get_rate(lua_State *L, int idx, const char *what, const char *key, uint64_t def);
uint64_t host_get_size(lua_State *L, int idx, const char *what, const char *key, uint64_t def);
/* The same, rejecting a size above max (UINT32_MAX where the caller keeps
 * 32 bits). */
uint64_t host_get_size_max(lua_State *L, int idx, const char *what, const char *key, uint64_t def,
			   uint64_t max);
int64_t host_get_int(lua_State *L, int idx, const char *what, const char *key, int64_t def,
		     int64_t min, int64_t max);
double host_get_num(lua_State *L, int idx, const char *what, const char *key, double def,
		    double min, double max);
bool host_get_bool(lua_State *L, int idx, const char *what, const char *key, bool def);
/* Result valid while the table is on the stack. */
const char *host_get_str(lua_State *L, int idx, const char *what, const char *key, const char *def);
/* Converts a value at idx (not a table field) the same way. */
simtime_t host_to_duration(lua_State *L, int idx, const char *what);
/* An absolute simulated time: an integer number of ns (now() + d) or a
 * duration string measured from t = 0. */
simtime_t host_to_time(lua_State *L, int idx, const char *what);
uint64_t host_to_rate(lua_State *L, int idx, const char *what);

#endif
