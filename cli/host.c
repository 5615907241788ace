/* The Lua host; see host.h.  This file holds the host object, its hooks,
 * error locations and protected calls, and host_main (the whole run: result
 * file, sandbox, modules, the script, the final status).  The rest is in
 * host_sandbox.c, host_opts.c, host_params.c, host_lib.c and host_run.c. */
#include "cli/host_priv.h"

#include <errno.h>
#include <lualib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/record.h"
#include "sim/results.h"
#include "sim/util.h"

const char host_key_host = 'h'; /* registry keys: their addresses */
const char host_key_env = 'e';
const char host_key_loaded = 'l';

volatile sig_atomic_t host_interrupted;

/* SIGINT and SIGTERM only set a flag.  The run loop checks it every 2^16
 * events (host_run.c), and a count hook checks it every HOOK_COUNT Lua
 * instructions, so a script stuck in `while true do end` stops too.  The
 * hook is set once on the main thread, before any coroutine exists, so
 * every coroutine inherits it (lua_newthread copies the hook).  A second
 * signal of the same kind kills at once (SA_RESETHAND). */
enum { HOOK_COUNT = 4096 };

static void on_signal(int sig)
{
	host_interrupted = sig;
}

const char *host_signame(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	if (!host_interrupted)
		return;
	/* from now on at every instruction: a pcall that catches this error
	 * returns into code that raises it again */
	lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
	luaL_error(L, "interrupted by %s", host_signame(host_interrupted));
}

struct host *host_of(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &host_key_host);
	struct host *h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return h;
}

struct sim *host_sim(lua_State *L) { return host_of(L)->sim; }
const char *host_pcap_dir(struct host *h) { return h->opts->pcap_dir; }
const char *host_home(struct host *h) { return h->home; }
bool host_started(struct host *h) { return h->started; }
lua_State *host_lua(struct host *h) { return h->L; }

static void hooks_add(struct hooks *hk, host_hook_fn fn, void *arg)
{
	xgrow((void **)&hk->v, &hk->cap, hk->n + 1, sizeof(*hk->v));
	hk->v[hk->n++] = (struct hook){ fn, arg };
}

void host_hooks_run(struct host *h, struct hooks *hk)
{
	for (size_t i = 0; i < hk->n; i++)
		hk->v[i].fn(h, hk->v[i].arg);
}

void host_on_start(struct host *h, host_hook_fn fn, void *arg) { hooks_add(&h->on_start, fn, arg); }
void host_on_stop(struct host *h, host_hook_fn fn, void *arg) { hooks_add(&h->on_stop, fn, arg); }
void host_on_finish(struct host *h, host_hook_fn fn, void *arg) { hooks_add(&h->on_finish, fn, arg); }

int host_error(lua_State *L, const char *fmt, ...)
{
	/* vsnprintf, not lua_pushvfstring: it knows every printf conversion */
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	luaL_where(L, 1);
	lua_pushstring(L, msg);
	lua_concat(L, 2);
	lua_error(L);
	__builtin_unreachable();
}


/* ---- error locations ----
 * A binding's error names the Lua line that called it.  When that line is
 * in a library (topo.lua), the user still wants their own script's line:
 * the message handler moves it to the front. */
int host_msgh(lua_State *L)
{
	struct host *h = host_of(L);
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	lua_Debug ar;
	int line = -1;
	for (int lvl = 1; lua_getstack(L, lvl, &ar); lvl++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0 && strcmp(ar.short_src, h->script_src) == 0) {
			line = ar.currentline;
			break;
		}
	}
	size_t slen = strlen(h->script_src);
	if (line < 0 || (strncmp(msg, h->script_src, slen) == 0 && msg[slen] == ':')) {
		lua_pushstring(L, msg);
		return 1;
	}
	/* "lib/topo.lua:12: what" becomes "script:34: what (in lib/topo.lua:12)" */
	const char *c1 = strchr(msg, ':');
	const char *c2 = c1 && c1[1] >= '0' && c1[1] <= '9' ? strchr(c1 + 1, ':') : NULL;
	if (c2 && c2[1] == ' ') {
		const char *where = lua_pushlstring(L, msg, (size_t)(c2 - msg));
		lua_pushfstring(L, "%s:%d: %s (in %s)", h->script_src, line, c2 + 2, where);
	} else {
		lua_pushfstring(L, "%s:%d: %s", h->script_src, line, msg);
	}
	return 1;
}

int host_pcall(struct host *h, int nargs, int nresults)
{
	lua_State *L = h->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, host_msgh);
	lua_insert(L, base);
	int rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (rc != LUA_OK) {
		sim_fail(h->sim, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}

int host_ref(lua_State *L, int idx)
{
	lua_pushvalue(L, idx);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

void host_unref(lua_State *L, int ref) { luaL_unref(L, LUA_REGISTRYINDEX, ref); }
void host_push_ref(lua_State *L, int ref) { lua_rawgeti(L, LUA_REGISTRYINDEX, ref); }

/* ---- the whole run ---- */

static void find_home(struct host *h)
{
	wl_home(h->home, sizeof(h->home));
}

/* A write to the result file failed (disk full, I/O error): stop the run
 * now; the rows that follow would be lost. */
static void on_db_error(void *arg, const char *msg)
{
	struct host *h = arg;
	sim_fail(h->sim, "result file '%s': %s", h->opts->out, msg);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int open_results(struct host *h)
{
	const char *out = h->opts->out;
	if (!out)
		return 0;
	if (!*out) {
		fprintf(stderr, "wirelab: --out: the result file name is empty\n");
		return -1;
	}
	/* a run's result file is replaced, not appended to; but only a result
	 * file: never the script, a text file or a read-only file */
	struct errbuf err;
	if (same_file(out, h->opts->script)) {
		fprintf(stderr, "wirelab: --out: cannot replace result file '%s': it is the scenario script itself\n",
			out);
		return -1;
	}
	if (db_check_replaceable(out, &err) < 0) {
		fprintf(stderr, "wirelab: --out: cannot replace result file %s\n", err.msg);
		return -1;
	}
	if (results_remove(out) < 0) {
		fprintf(stderr, "wirelab: cannot replace result file '%s': %s\n", out, strerror(errno));
		return -1;
	}
	h->db = db_open(out, &err);
	if (!h->db) {
		fprintf(stderr, "wirelab: %s\n", err.msg);
		return -1;
	}
	db_on_error(h->db, on_db_error, h);
	h->sim->db = h->db;
	h->sim->run_id = db_run_begin(h->db, h->opts->script, "{}", h->opts->seed, h->opts->version);
	if (h->sim->run_id < 0) {
		fprintf(stderr, "wirelab: cannot write result file '%s': %s\n", out, db_error(h->db));
		return -1;
	}
	return 0;
}

/* Calls a module's open() inside a protected call. */
static int open_module(lua_State *L)
{
	const struct host_module *m = lua_touserdata(L, lua_upvalueindex(1));
	struct errbuf *err = lua_touserdata(L, lua_upvalueindex(2));
	if (m->open(host_of(L), L, err) < 0)
		return luaL_error(L, "%s", err->msg);
	return 0;
}

int host_main(const struct host_opts *opts)
{
	struct host hh = { 0 }, *h = &hh;
	h->opts = opts;
	h->ovr = opts->overrides;
	h->novr = opts->noverrides;
	h->include_ovr_ref = LUA_NOREF;
	find_home(h);
	clock_gettime(CLOCK_MONOTONIC, &h->wall_start);
	int status = 1;
	const char *errmsg = NULL;

	if (!host_file_exists(opts->script)) {
		fprintf(stderr, "wirelab: cannot open scenario '%s': %s\n", opts->script,
			access(opts->script, F_OK) == 0 ? "not a regular file" : strerror(ENOENT));
		return 1;
	}
	h->sim = sim_new(opts->seed);
	h->L = luaL_newstate();
	if (!h->sim || !h->L) {
		fprintf(stderr, "wirelab: out of memory\n");
		goto out;
	}
	if (open_results(h) < 0)
		goto out;

	lua_State *L = h->L;
	luaL_openlibs(L);
	lua_pushlightuserdata(L, h);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &host_key_host);
	host_sandbox_build(L);
	host_register(L, "params", host_l_params);
	host_timers_open(L);
	host_results_open(L);
	host_register(L, "record", host_l_record);
	host_register(L, "run", host_l_run);
	host_register(L, "query", host_l_query);
	host_register(L, "include", host_l_include);
	host_register(L, "require", host_l_require);
	host_register_units(L);

	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, HOOK_COUNT);

	/* the script's chunk name, as error messages will show it */
	if (luaL_loadfilex(L, opts->script, "t") != LUA_OK) {
		errmsg = lua_tostring(L, -1);
		goto report;
	}
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	snprintf(h->script_src, sizeof(h->script_src), "%s", ar.short_src);
	host_push_env(L);
	lua_setupvalue(L, -2, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "wirelab.main");

	for (int i = 0; i < opts->nmodules; i++) {
		struct errbuf err = { "" };
		lua_pushcfunction(L, host_msgh);
		lua_pushlightuserdata(L, (void *)opts->modules[i]);
		lua_pushlightuserdata(L, &err);
		lua_pushcclosure(L, open_module, 2);
		if (lua_pcall(L, 0, 0, 1) != LUA_OK) {
			/* through report: the run is marked failed and the
			 * results file closed */
			errmsg = lua_pushfstring(L, "module %s: %s", opts->modules[i]->name,
						 err.msg[0] ? err.msg : lua_tostring(L, -1));
			goto report;
		}
		lua_settop(L, 0);
	}

	host_sandbox_name_functions(L);
	lua_pushcfunction(L, host_msgh);
	lua_getfield(L, LUA_REGISTRYINDEX, "wirelab.main");
	if (lua_pcall(L, 0, 0, 1) != LUA_OK) {
		errmsg = lua_tostring(L, -1);
		goto report;
	}
	if (h->opts->overrides && !h->params_done && h->novr > 0) {
		errmsg = lua_pushfstring(L, "unknown parameter '%s' (%s declares no params{})",
					 h->ovr[0].name, h->script_src);
		goto report;
	}
	host_hooks_run(h, &h->on_finish);
	if (h->sim->failed)
		errmsg = h->sim->error;
	else
		status = 0;
report:
	if (host_interrupted) {
		/* whatever the script did with the error, the run was cut short */
		lua_sethook(h->L, NULL, 0, 0);
		status = 1;
		errmsg = lua_pushfstring(h->L, "interrupted by %s at t=%f s", host_signame(host_interrupted),
					 sim_to_sec(h->sim->now));
	}
	if (errmsg) {
		snprintf(h->errcopy, sizeof(h->errcopy), "%s", errmsg);
		errmsg = h->errcopy;
		fprintf(stderr, "wirelab: %s\n", errmsg);
	}
	if (h->db) {
		if (status != 0 && h->started)
			host_hooks_run(h, &h->on_finish); /* close pcap files, write what we have */
		db_run_end(h->db, h->sim->run_id,
			   status == 0 ? "ok" : host_interrupted ? "interrupted" : "error", errmsg,
			   h->sim->now, h->sim->events, host_wall_since(&h->wall_start));
		struct errbuf err;
		int rc = db_close(h->db, &err);
		h->db = NULL;
		h->sim->db = NULL;
		if (rc < 0) {
			fprintf(stderr, "wirelab: results are incomplete: %s\n", err.msg);
			status = 1;
		}
	}
	if (status == 0 && !h->ran && !opts->quiet)
		fprintf(stderr, "wirelab: note: %s never called run(), so nothing was simulated\n",
			h->script_src);
out:
	if (h->L)
		lua_close(h->L);
	sim_free(h->sim);
	free(h->on_start.v);
	free(h->on_stop.v);
	free(h->on_finish.v);
	free(h->params_json);
	if (host_interrupted) {
		/* die of the signal, as the shell and a sweep expect, now that the
		 * result file is closed and says 'interrupted' */
		signal(host_interrupted, SIG_DFL);
		raise(host_interrupted);
	}
	return status;
}
