/* What the host's files share (not for models: they use host.h). */
#ifndef WL_HOST_PRIV_H
#define WL_HOST_PRIV_H

#include <signal.h>
#include <time.h>

#include "cli/host.h"

struct hook {
	host_hook_fn fn;
	void *arg;
};

struct hooks {
	struct hook *v;
	size_t n, cap;
};

struct host {
	const struct host_opts *opts;
	lua_State *L;
	struct sim *sim;
	struct db *db;
	char home[4096];
	char script_src[LUA_IDSIZE]; /* the script's short_src, to find its frames */
	char *params_json;
	bool params_done;
	bool started;
	bool ran;
	bool running;                /* inside run(): callbacks may not call run() */
	/* overrides for the next params{}: from -p, or from include() */
	const struct host_param_override *ovr;
	int novr;
	int include_ovr_ref;         /* LUA_NOREF or a table of include() overrides */
	struct hooks on_start, on_stop, on_finish;
	struct timespec wall_start, last_progress;
	bool progress_shown;
	char errcopy[2048];          /* the run's error, outliving the Lua stack */
};

/* registry keys (their addresses) */
extern const char host_key_host, host_key_env, host_key_loaded;
/* the signal that asked us to stop, or 0 */
extern volatile sig_atomic_t host_interrupted;
const char *host_signame(int sig);

void host_hooks_run(struct host *h, struct hooks *hk);
double host_wall_since(const struct timespec *t0);
int host_msgh(lua_State *L);

/* host_sandbox.c */
void host_sandbox_build(lua_State *L);
void host_sandbox_name_functions(lua_State *L);

/* host_opts.c: pushes a short description of a value ("'x'", "12", "a table") */
const char *host_value_repr(lua_State *L, int idx);

/* host_lib.c */
bool host_file_exists(const char *path);
void host_load_sandboxed(lua_State *L, const char *path);
void host_register_units(lua_State *L);
int host_l_query(lua_State *L);
int host_l_require(lua_State *L);
int host_l_include(lua_State *L);

/* host_params.c */
int host_l_params(lua_State *L);

/* host_timers.c: at, after, every */
void host_timers_open(lua_State *L);
/* host_results.c: metric, event */
void host_results_open(lua_State *L);

/* host_run.c */
int host_l_record(lua_State *L);
int host_l_run(lua_State *L);

#endif
