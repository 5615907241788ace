/* The Lua host; see host.h.  Reads top to bottom: the host object, the
 * sandbox, error locations, the scenario functions (params, at, record,
 * run, query, include, require), option-table getters, and host_main. */
#include "cli/host.h"

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
#include "sim/units.h"
#include "sim/util.h"

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
	/* overrides for the next params{}: from -p, or from include() */
	const struct host_param_override *ovr;
	int novr;
	int include_ovr_ref;         /* LUA_NOREF or a table of include() overrides */
	struct hooks on_start, on_stop, on_finish;
	struct timespec wall_start, last_progress;
	bool progress_shown;
	char errcopy[2048];          /* the run's error, outliving the Lua stack */
};

static const char HOST_KEY = 'h'; /* registry key: its address */
static const char ENV_KEY = 'e';
static const char LOADED_KEY = 'l';

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct host *host_of(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
	struct host *h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return h;
}

struct sim *host_sim(lua_State *L) { return host_of(L)->sim; }
const char *host_pcap_dir(struct host *h) { return h->opts->pcap_dir; }
const char *host_home(struct host *h) { return h->home; }
bool host_started(struct host *h) { return h->started; }

static void hooks_add(struct hooks *hk, host_hook_fn fn, void *arg)
{
	xgrow((void **)&hk->v, &hk->cap, hk->n + 1, sizeof(*hk->v));
	hk->v[hk->n++] = (struct hook){ fn, arg };
}

static void hooks_run(struct host *h, struct hooks *hk)
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

/* ---- the sandbox ---- */

void host_push_env(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &ENV_KEY);
}

void host_set_global(lua_State *L, const char *name)
{
	const char *dot = strchr(name, '.');
	host_push_env(L);
	if (!dot) {
		lua_insert(L, -2);
		lua_setfield(L, -2, name);
		lua_pop(L, 1);
		return;
	}
	lua_pushlstring(L, name, (size_t)(dot - name));
	lua_rawget(L, -2);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushlstring(L, name, (size_t)(dot - name));
		lua_pushvalue(L, -2);
		lua_rawset(L, -4);
	}
	/* stack: value env table */
	lua_rotate(L, -3, -1); /* env table value */
	lua_setfield(L, -2, dot + 1);
	lua_pop(L, 2);
}

void host_register(lua_State *L, const char *name, lua_CFunction fn)
{
	lua_pushcfunction(L, fn);
	host_set_global(L, name);
}

/* pairs() in sorted key order: Lua seeds its string hash at random, so the
 * order of plain pairs() differs between runs and would make scenarios that
 * build things in a loop over a table nondeterministic. */
static int key_less(lua_State *L, int a, int b)
{
	int ta = lua_type(L, a), tb = lua_type(L, b);
	if (ta != tb)
		return ta < tb;
	if (ta == LUA_TNUMBER || ta == LUA_TSTRING)
		return lua_compare(L, a, b, LUA_OPLT);
	if (ta == LUA_TBOOLEAN)
		return !lua_toboolean(L, a) && lua_toboolean(L, b);
	return 0; /* other keys keep next() order */
}

static int sorted_next(lua_State *L)
{
	/* upvalue 1: the sorted key array; upvalue 2: position */
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
	lua_pushinteger(L, i);
	lua_replace(L, lua_upvalueindex(2));
	if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL)
		return 1;
	lua_pushvalue(L, -1);
	lua_gettable(L, 1);
	return 2;
}

static int sandbox_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_newtable(L); /* keys */
	int keys = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, ++n);
	}
	/* insertion sort is fine for scenario-sized tables */
	for (lua_Integer i = 2; i <= n; i++) {
		lua_rawgeti(L, keys, i);
		lua_Integer j = i - 1;
		while (j >= 1) {
			lua_rawgeti(L, keys, j);
			if (!key_less(L, -2, -1)) {
				lua_pop(L, 1);
				break;
			}
			lua_rawseti(L, keys, j + 1);
			j--;
		}
		lua_rawseti(L, keys, j + 1);
	}
	lua_pushvalue(L, keys);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 2);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static void build_sandbox(lua_State *L)
{
	static const char *const safe[] = {
		"assert", "error", "ipairs", "next", "pcall", "print", "select", "tonumber",
		"tostring", "type", "xpcall", "rawequal", "rawget", "rawset", "rawlen",
		"setmetatable", "getmetatable", "_VERSION", "string", "table", "math", "utf8",
		"coroutine", NULL,
	};
	lua_newtable(L);
	lua_pushglobaltable(L);
	for (const char *const *n = safe; *n; n++) {
		lua_getfield(L, -1, *n);
		lua_setfield(L, -3, *n);
	}
	lua_pop(L, 1);
	/* math.random would draw from an unseeded, unnamed generator */
	lua_getfield(L, -1, "math");
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_pushcfunction(L, sandbox_pairs);
	lua_setfield(L, -2, "pairs");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ENV_KEY);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &LOADED_KEY);
}

/* ---- error locations ----
 * A binding's error names the Lua line that called it.  When that line is
 * in a library (topo.lua), the user still wants their own script's line:
 * the message handler moves it to the front. */
static int msgh(lua_State *L)
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
	lua_pushcfunction(L, msgh);
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

/* ---- option tables ---- */

static const char *value_repr(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
	if (lua_type(L, idx) == LUA_TNUMBER)
		return lua_pushfstring(L, "%s", luaL_tolstring(L, idx, NULL));
	return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

void host_check_table(lua_State *L, int idx, const char *what)
{
	if (!lua_istable(L, idx))
		host_error(L, "%s: expected a table of options { ... }, got %s", what,
			   value_repr(L, idx));
}

void host_check_keys(lua_State *L, int idx, const char *what, const char *const allowed[])
{
	idx = lua_absindex(L, idx);
	host_check_table(L, idx, what);
	bool array_ok = false;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, "#") == 0)
			array_ok = true;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TNUMBER && array_ok)
			continue;
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *k = lua_tostring(L, -1);
			bool ok = false;
			for (const char *const *a = allowed; *a && !ok; a++)
				ok = strcmp(*a, k) == 0;
			if (ok)
				continue;
		}
		const char *key = value_repr(L, -1);
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		bool first = true;
		for (const char *const *a = allowed; *a; a++) {
			if (strcmp(*a, "#") == 0)
				continue;
			if (!first)
				luaL_addstring(&b, ", ");
			luaL_addstring(&b, *a);
			first = false;
		}
		luaL_pushresult(&b);
		host_error(L, "%s: unknown option %s (expected one of: %s)", what, key,
			   lua_tostring(L, -1));
	}
}

bool host_has(lua_State *L, int idx, const char *key)
{
	bool has = lua_getfield(L, idx, key) != LUA_TNIL;
	lua_pop(L, 1);
	return has;
}

static int64_t to_unit(lua_State *L, int idx, enum unit_kind k, const char *what, const char *key)
{
	int64_t v;
	if (lua_type(L, idx) == LUA_TSTRING && units_parse(k, lua_tostring(L, idx), &v) == 0)
		return v;
	return host_error(L, "%s%s%s: expected a %s like %s, got %s", what, key ? ": " : "",
			  key ? key : "", units_kind_name(k), units_kind_example(k),
			  value_repr(L, idx));
}

simtime_t host_to_duration(lua_State *L, int idx, const char *what)
{
	return to_unit(L, idx, UNIT_DURATION, what, NULL);
}

uint64_t host_to_rate(lua_State *L, int idx, const char *what)
{
	int64_t v = to_unit(L, idx, UNIT_RATE, what, NULL);
	if (v <= 0)
		host_error(L, "%s: a rate must be above zero", what);
	return (uint64_t)v;
}

simtime_t host_get_duration(lua_State *L, int idx, const char *what, const char *key, simtime_t def)
{
	simtime_t v = def;
	if (lua_getfield(L, idx, key) != LUA_TNIL)
		v = to_unit(L, -1, UNIT_DURATION, what, key);
	lua_pop(L, 1);
	return v;
}

uint64_t host_get_rate(lua_State *L, int idx, const char *what, const char *key, uint64_t def)
{
	uint64_t v = def;
	if (lua_getfield(L, idx, key) != LUA_TNIL) {
		int64_t r = to_unit(L, -1, UNIT_RATE, what, key);
		if (r <= 0)
			host_error(L, "%s: %s: a rate must be above zero", what, key);
		v = (uint64_t)r;
	}
	lua_pop(L, 1);
	return v;
}

uint64_t host_get_size(lua_State *L, int idx, const char *what, const char *key, uint64_t def)
{
	uint64_t v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TNUMBER && lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0)
		v = (uint64_t)lua_tointeger(L, -1); /* a plain integer is bytes */
	else if (t != LUA_TNIL)
		v = (uint64_t)to_unit(L, -1, UNIT_SIZE, what, key);
	lua_pop(L, 1);
	return v;
}

int64_t host_get_int(lua_State *L, int idx, const char *what, const char *key, int64_t def,
		     int64_t min, int64_t max)
{
	int64_t v = def;
	int t = lua_getfield(L, idx, key);
	if (t != LUA_TNIL) {
		int ok = 0;
		lua_Integer i = lua_tointegerx(L, -1, &ok);
		if (!ok || t != LUA_TNUMBER)
			host_error(L, "%s: %s: expected an integer, got %s", what, key, value_repr(L, -1));
		if (i < min || i > max)
			host_error(L, "%s: %s: %lld is out of range [%lld, %lld]", what, key,
				   (long long)i, (long long)min, (long long)max);
		v = i;
	}
	lua_pop(L, 1);
	return v;
}

double host_get_num(lua_State *L, int idx, const char *what, const char *key, double def,
		    double min, double max)
{
	double v = def;
	int t = lua_getfield(L, idx, key);
	if (t != LUA_TNIL) {
		if (t != LUA_TNUMBER)
			host_error(L, "%s: %s: expected a number, got %s", what, key, value_repr(L, -1));
		v = lua_tonumber(L, -1);
		if (!(v >= min && v <= max))
			host_error(L, "%s: %s: %g is out of range [%g, %g]", what, key, v, min, max);
	}
	lua_pop(L, 1);
	return v;
}

bool host_get_bool(lua_State *L, int idx, const char *what, const char *key, bool def)
{
	bool v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TBOOLEAN)
		v = lua_toboolean(L, -1);
	else if (t != LUA_TNIL)
		host_error(L, "%s: %s: expected true or false, got %s", what, key, value_repr(L, -1));
	lua_pop(L, 1);
	return v;
}

const char *host_get_str(lua_State *L, int idx, const char *what, const char *key, const char *def)
{
	const char *v = def;
	int t = lua_getfield(L, idx, key);
	if (t == LUA_TSTRING)
		v = lua_tostring(L, -1); /* anchored by the table */
	else if (t != LUA_TNIL)
		host_error(L, "%s: %s: expected a string, got %s", what, key, value_repr(L, -1));
	lua_pop(L, 1);
	return v;
}

/* ---- params{} ---- */

static void json_str(luaL_Buffer *b, const char *s)
{
	luaL_addchar(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') {
			luaL_addchar(b, '\\');
			luaL_addchar(b, *s);
		} else if ((unsigned char)*s < 0x20) {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04x", *s);
			luaL_addstring(b, esc);
		} else {
			luaL_addchar(b, *s);
		}
	}
	luaL_addchar(b, '"');
}

/* Pushes the override for a parameter (a string from include()'s table or
 * from -p) and returns it, or pushes nil and returns NULL. */
static const char *override_for(struct host *h, lua_State *L, const char *name)
{
	if (h->include_ovr_ref != LUA_NOREF) {
		host_push_ref(L, h->include_ovr_ref);
		if (lua_getfield(L, -1, name) == LUA_TNIL) {
			lua_remove(L, -2);
			return NULL;
		}
		luaL_tolstring(L, -1, NULL);
		lua_replace(L, -3);
		lua_pop(L, 1);
		return lua_tostring(L, -1);
	}
	for (int i = 0; i < h->novr; i++)
		if (strcmp(h->ovr[i].name, name) == 0)
			return lua_pushstring(L, h->ovr[i].value);
	lua_pushnil(L);
	return NULL;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	for (int i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = true, true;
	for (int i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = false, true;
	return false;
}

/* Leaves the parameter's final value on the stack. */
static void param_value(lua_State *L, const char *name, int def_idx, const char *ovr)
{
	int t = lua_type(L, def_idx);
	if (!ovr) {
		if (t == LUA_TSTRING) {
			int k = units_kind_of(lua_tostring(L, def_idx));
			int64_t v;
			if (k >= 0 && units_parse((enum unit_kind)k, lua_tostring(L, def_idx), &v) < 0)
				host_error(L, "params: default of '%s' is not a valid %s", name,
					   units_kind_name((enum unit_kind)k));
		}
		lua_pushvalue(L, def_idx);
		return;
	}
	if (t == LUA_TNUMBER) {
		if (lua_isinteger(L, def_idx)) {
			char *end;
			errno = 0;
			long long v = strtoll(ovr, &end, 10);
			if (*ovr == '\0' || *end || errno)
				host_error(L, "parameter %s: expected an integer, got '%s'", name, ovr);
			lua_pushinteger(L, v);
		} else {
			char *end;
			double v = strtod(ovr, &end);
			if (*ovr == '\0' || *end)
				host_error(L, "parameter %s: expected a number, got '%s'", name, ovr);
			lua_pushnumber(L, v);
		}
	} else if (t == LUA_TBOOLEAN) {
		bool b;
		if (!parse_bool(ovr, &b))
			host_error(L, "parameter %s: expected true or false, got '%s'", name, ovr);
		lua_pushboolean(L, b);
	} else {
		int k = units_kind_of(lua_tostring(L, def_idx));
		int64_t v;
		if (k >= 0 && units_parse((enum unit_kind)k, ovr, &v) < 0)
			host_error(L, "parameter %s: expected a %s like %s, got '%s'", name,
				   units_kind_name((enum unit_kind)k), units_kind_example((enum unit_kind)k), ovr);
		lua_pushstring(L, ovr);
	}
}

/* Pushes a JSON scalar for the value at idx. */
static void push_json_value(lua_State *L, int idx)
{
	luaL_Buffer b;
	int t = lua_type(L, idx);
	if (t == LUA_TSTRING) {
		const char *s = lua_tostring(L, idx);
		luaL_buffinit(L, &b);
		json_str(&b, s);
		luaL_pushresult(&b);
	} else if (t == LUA_TBOOLEAN) {
		lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
	} else if (lua_isinteger(L, idx)) {
		lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, idx));
	} else {
		char num[64];
		snprintf(num, sizeof(num), "%.17g", lua_tonumber(L, idx));
		lua_pushstring(L, num);
	}
}

/* Pushes a table of the string keys of the table at idx, sorted. */
static int push_sorted_keys(lua_State *L, int idx, const char *what)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);
	int names = lua_gettop(L);
	lua_Integer n = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return host_error(L, "%s: names must be strings, got %s", what, value_repr(L, -1));
		lua_pushvalue(L, -1);
		lua_rawseti(L, names, ++n);
	}
	for (lua_Integer i = 2; i <= n; i++) /* insertion sort */
		for (lua_Integer j = i; j > 1; j--) {
			lua_rawgeti(L, names, j - 1);
			lua_rawgeti(L, names, j);
			if (strcmp(lua_tostring(L, -2), lua_tostring(L, -1)) <= 0) {
				lua_pop(L, 2);
				break;
			}
			lua_rawseti(L, names, j - 1);
			lua_rawseti(L, names, j);
		}
	return (int)n;
}

/* Joins the strings in the table at idx with sep; pushes the result. */
static void push_joined(lua_State *L, int idx, const char *sep)
{
	idx = lua_absindex(L, idx);
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		luaL_addvalue(&b);
		if (i < n)
			luaL_addstring(&b, sep);
	}
	luaL_pushresult(&b);
}

static int l_params(lua_State *L)
{
	struct host *h = host_of(L);
	bool included = h->include_ovr_ref != LUA_NOREF;
	if (h->params_done && !included)
		return host_error(L, "params: declare the parameters once, at the top of the script");
	luaL_checktype(L, 1, LUA_TTABLE);
	int n = push_sorted_keys(L, 1, "params");
	int names = lua_gettop(L);

	/* every override must name a declared parameter */
	if (included) {
		host_push_ref(L, h->include_ovr_ref);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) != LUA_TSTRING || lua_getfield(L, 1, lua_tostring(L, -1)) == LUA_TNIL) {
				push_joined(L, names, ", ");
				return host_error(L, "include: unknown parameter %s (the scenario has: %s)",
						  value_repr(L, -3), lua_tostring(L, -2));
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	} else {
		for (int i = 0; i < h->novr; i++) {
			if (lua_getfield(L, 1, h->ovr[i].name) == LUA_TNIL) {
				push_joined(L, names, ", ");
				return host_error(L, "unknown parameter '%s' (this scenario has: %s)",
						  h->ovr[i].name, lua_tostring(L, -1));
			}
			lua_pop(L, 1);
		}
	}

	lua_newtable(L);
	int result = lua_gettop(L);
	lua_newtable(L);
	int parts = lua_gettop(L); /* "name":value pieces of the JSON */
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, names, i);
		const char *name = lua_tostring(L, -1);
		lua_getfield(L, 1, name);
		int def = lua_gettop(L);
		int t = lua_type(L, def);
		if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
			return host_error(L, "params: default of '%s' must be a number, a string or a boolean, got %s",
					  name, value_repr(L, def));
		const char *ovr = override_for(h, L, name);
		param_value(L, name, def, ovr);
		int val = lua_gettop(L);
		lua_pushvalue(L, val);
		lua_setfield(L, result, name);
		lua_pushstring(L, name);
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		json_str(&b, lua_tostring(L, -2));
		luaL_pushresult(&b);
		lua_remove(L, -2);
		lua_pushliteral(L, ":");
		push_json_value(L, val);
		lua_concat(L, 3);
		lua_rawseti(L, parts, i);
		lua_settop(L, parts);
	}
	push_joined(L, parts, ",");
	lua_pushfstring(L, "{%s}", lua_tostring(L, -1));
	free(h->params_json);
	h->params_json = xstrdup(lua_tostring(L, -1));
	lua_settop(L, result);
	if (!included)
		h->params_done = true;
	if (h->db)
		db_set_params(h->db, h->sim->run_id, h->params_json);
	return 1;
}

/* ---- at(time, fn) ---- */

static void at_fire(struct sim *s, void *obj, uint64_t ref)
{
	(void)s;
	struct host *h = obj;
	host_push_ref(h->L, (int)ref);
	host_unref(h->L, (int)ref);
	host_pcall(h, 0, 0);
}

static int l_at(lua_State *L)
{
	struct host *h = host_of(L);
	simtime_t t = host_to_duration(L, 1, "at: time");
	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (t < h->sim->now)
		return host_error(L, "at: time is in the past (now is %f s)", sim_to_sec(h->sim->now));
	sim_at(h->sim, t, at_fire, h, (uint64_t)host_ref(L, 2));
	return 0;
}

/* ---- record{ "metric" or "group", ..., every = "10ms" | "event" } ---- */

static int l_record(lua_State *L)
{
	static const char *const keys[] = { "#", "every", "only", NULL };
	struct host *h = host_of(L);
	host_check_keys(L, 1, "record", keys);
	simtime_t every = SIM_MS(100);
	if (lua_getfield(L, 1, "every") == LUA_TSTRING && strcmp(lua_tostring(L, -1), "event") == 0)
		every = 0;
	else if (!lua_isnil(L, -1))
		every = host_to_duration(L, -1, "record: every");
	lua_pop(L, 1);
	if (lua_rawlen(L, 1) == 0)
		return host_error(L, "record: name at least one metric or group, e.g. record { \"queue\", every = \"10ms\" }");
	for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
		if (lua_type(L, -1) != LUA_TSTRING)
			return host_error(L, "record: entry %d: expected a metric name, got %s", (int)i,
					  luaL_typename(L, -1));
		int name = lua_gettop(L);
		struct errbuf err;
		if (rec_enable(h->sim, lua_tostring(L, name), every, &err) < 0)
			return host_error(L, "%s", err.msg);
		if (lua_getfield(L, 1, "only") != LUA_TNIL) {
			/* only = "r1->r2" or { "r1->r2", "r2->r3" } */
			int v = lua_gettop(L);
			const char *ents[64];
			int n = 0;
			if (lua_type(L, v) == LUA_TSTRING) {
				ents[n++] = lua_tostring(L, v);
			} else if (lua_istable(L, v)) {
				for (lua_Integer k = 1; n < 64 && lua_rawgeti(L, v, k) == LUA_TSTRING; k++)
					ents[n++] = lua_tostring(L, -1); /* anchored by the table */
			} else {
				return host_error(L, "record: only: expected an entity name or a list of them");
			}
			rec_only(h->sim, lua_tostring(L, name), ents, n);
		}
		lua_settop(L, name - 1);
	}
	return 0;
}

/* ---- run(until) ---- */

static double wall_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct run_progress {
	struct host *h;
	simtime_t until;
	uint64_t events0;
	struct timespec t0;
};

static void on_progress(struct sim *s, void *arg)
{
	struct run_progress *rp = arg;
	struct host *h = rp->h;
	if (interrupted) {
		sim_fail(s, "interrupted by signal %d at t=%.6f s", (int)interrupted, sim_to_sec(s->now));
		return;
	}
	if (!h->opts->progress)
		return;
	double since = wall_since(&h->last_progress);
	if (since < 0.25)
		return;
	clock_gettime(CLOCK_MONOTONIC, &h->last_progress);
	double wall = wall_since(&rp->t0);
	double evps = wall > 0 ? (double)(s->events - rp->events0) / wall : 0;
	fprintf(stderr, "\r  t = %.3f s of %.3f s  %3.0f%%  %.2f M events/s   ",
		sim_to_sec(s->now), sim_to_sec(rp->until),
		rp->until > 0 ? 100.0 * (double)s->now / (double)rp->until : 100.0, evps / 1e6);
	h->progress_shown = true;
}

static int l_run(lua_State *L)
{
	struct host *h = host_of(L);
	struct sim *s = h->sim;
	simtime_t until = host_to_duration(L, 1, "run: time");
	if (until < s->now)
		return host_error(L, "run: %f s is earlier than the current time %f s",
				  sim_to_sec(until), sim_to_sec(s->now));
	if (!h->started) {
		h->started = true;
		hooks_run(h, &h->on_start);
		rec_start(s);
		if (s->failed)
			return luaL_error(L, "%s", s->error);
	}
	h->ran = true;
	struct run_progress rp = { h, until, s->events, { 0, 0 } };
	clock_gettime(CLOCK_MONOTONIC, &rp.t0);
	h->last_progress = rp.t0;
	s->progress = on_progress;
	s->progress_arg = &rp;
	int rc = sim_run(s, until);
	s->progress = NULL;
	if (h->progress_shown) {
		fprintf(stderr, "\r%*s\r", 72, "");
		h->progress_shown = false;
	}
	hooks_run(h, &h->on_stop);
	if (rc < 0) {
		lua_pushstring(L, s->error);
		return lua_error(L);
	}
	return 0;
}

/* ---- query(sql) -> { {col = value, ...}, ... } ---- */

static int push_row(void *arg, const struct db_row *r)
{
	lua_State *L = arg;
	lua_createtable(L, 0, r->ncol);
	for (int i = 0; i < r->ncol; i++) {
		switch (r->types[i]) {
		case DB_INT: lua_pushinteger(L, r->ival[i]); break;
		case DB_REAL: lua_pushnumber(L, r->num[i]); break;
		case DB_NULL: lua_pushnil(L); break;
		default: lua_pushstring(L, r->text[i]); break;
		}
		lua_setfield(L, -2, r->names[i]);
	}
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static int l_query(lua_State *L)
{
	struct host *h = host_of(L);
	const char *sql = luaL_checkstring(L, 1);
	if (!h->db)
		return host_error(L, "query: this run writes no result file");
	lua_newtable(L);
	struct errbuf err;
	if (db_query(h->db, sql, push_row, L, &err) < 0)
		return host_error(L, "%s", err.msg);
	return 1;
}

/* ---- require(name) and include(path, params) ---- */

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Loads a file as a chunk whose _ENV is the sandbox. */
static void load_sandboxed(lua_State *L, const char *path)
{
	if (luaL_loadfilex(L, path, "t") != LUA_OK)
		lua_error(L);
	host_push_env(L);
	lua_setupvalue(L, -2, 1);
}

static int l_require(lua_State *L)
{
	struct host *h = host_of(L);
	const char *name = luaL_checkstring(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &LOADED_KEY);
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	char rel[512], path[4096 + 600];
	snprintf(rel, sizeof(rel), "%s", name);
	for (char *c = rel; *c; c++)
		if (*c == '.')
			*c = '/';
	if (strstr(rel, "..") || rel[0] == '/')
		return host_error(L, "require: '%s' is not a library name", name);
	/* the script's own folder first, then the shipped library */
	const char *script = h->opts->script;
	const char *slash = strrchr(script, '/');
	int dirlen = slash ? (int)(slash - script) : 1;
	const char *dir = slash ? script : ".";
	snprintf(path, sizeof(path), "%.*s/%s.lua", dirlen, dir, rel);
	if (!file_exists(path))
		snprintf(path, sizeof(path), "%s/scenarios/lib/%s.lua", h->home, rel);
	if (!file_exists(path))
		return host_error(L, "require: no library '%s' (looked in the script's folder and %s/scenarios/lib)",
				  name, h->home);
	load_sandboxed(L, path);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

static int l_include(lua_State *L)
{
	struct host *h = host_of(L);
	const char *path = luaL_checkstring(L, 1);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	char full[4096 + 600];
	snprintf(full, sizeof(full), "%s", path);
	if (!file_exists(full) && path[0] != '/')
		snprintf(full, sizeof(full), "%s/%s", h->home, path);
	if (!file_exists(full))
		return host_error(L, "include: no scenario file '%s'", path);
	load_sandboxed(L, full);
	int saved = h->include_ovr_ref;
	if (lua_istable(L, 2))
		h->include_ovr_ref = host_ref(L, 2);
	else {
		lua_newtable(L);
		h->include_ovr_ref = host_ref(L, -1);
		lua_pop(L, 1);
	}
	int rc = lua_pcall(L, 0, LUA_MULTRET, 0);
	host_unref(L, h->include_ovr_ref);
	h->include_ovr_ref = saved;
	if (rc != LUA_OK)
		return lua_error(L);
	return lua_gettop(L) - 2;
}

/* ---- units.* : unit arithmetic for scripts ---- */

static int l_units_parse(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	int64_t v;
	if (lua_type(L, 1) != LUA_TSTRING || units_parse(k, lua_tostring(L, 1), &v) < 0)
		return host_error(L, "units.%s: expected a %s like %s, got %s",
				  k == UNIT_RATE ? "bps" : k == UNIT_SIZE ? "bytes" : "ns", units_kind_name(k),
				  units_kind_example(k), value_repr(L, 1));
	lua_pushinteger(L, v);
	return 1;
}

static int l_units_fmt(lua_State *L)
{
	enum unit_kind k = (enum unit_kind)lua_tointeger(L, lua_upvalueindex(1));
	int64_t v;
	if (lua_isinteger(L, 1))
		v = lua_tointeger(L, 1);
	else if (units_round(luaL_checknumber(L, 1), &v) < 0)
		return host_error(L, "units.%s: expected a finite number of %s, got %s", units_kind_name(k),
				  k == UNIT_RATE ? "bit/s" : k == UNIT_SIZE ? "bytes" : "ns", value_repr(L, 1));
	if (v < 0 && k != UNIT_DURATION)
		return host_error(L, "units.%s: a %s cannot be negative (got %lld)", units_kind_name(k),
				  units_kind_name(k), (long long)v);
	char buf[64];
	if (k == UNIT_RATE)
		units_fmt_rate(buf, sizeof(buf), (uint64_t)v);
	else if (k == UNIT_SIZE)
		units_fmt_size(buf, sizeof(buf), (uint64_t)v);
	else
		units_fmt_duration(buf, sizeof(buf), v);
	lua_pushstring(L, buf);
	return 1;
}

/* units.ns("40ms") = 40000000, units.bps("10Mbps"), units.bytes("64KiB");
 * units.duration(ns), units.rate(bps), units.size(bytes) back to text. */
static void register_units(lua_State *L)
{
	static const struct { const char *parse, *fmt; enum unit_kind k; } u[] = {
		{ "ns", "duration", UNIT_DURATION },
		{ "bps", "rate", UNIT_RATE },
		{ "bytes", "size", UNIT_SIZE },
	};
	lua_newtable(L);
	for (size_t i = 0; i < ARRAY_LEN(u); i++) {
		lua_pushinteger(L, u[i].k);
		lua_pushcclosure(L, l_units_parse, 1);
		lua_setfield(L, -2, u[i].parse);
		lua_pushinteger(L, u[i].k);
		lua_pushcclosure(L, l_units_fmt, 1);
		lua_setfield(L, -2, u[i].fmt);
	}
	host_set_global(L, "units");
}

/* ---- the whole run ---- */

static void find_home(struct host *h)
{
	wl_home(h->home, sizeof(h->home));
}

static int open_results(struct host *h)
{
	const char *out = h->opts->out;
	if (!out)
		return 0;
	/* a run's result file is replaced, not appended to */
	char side[4096 + 8];
	if (unlink(out) < 0 && errno != ENOENT) {
		fprintf(stderr, "wirelab: cannot replace result file '%s': %s\n", out, strerror(errno));
		return -1;
	}
	snprintf(side, sizeof(side), "%s-wal", out);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", out);
	unlink(side);
	struct errbuf err;
	h->db = db_open(out, &err);
	if (!h->db) {
		fprintf(stderr, "wirelab: %s\n", err.msg);
		return -1;
	}
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

	if (!file_exists(opts->script)) {
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
	lua_rawsetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
	build_sandbox(L);
	host_register(L, "params", l_params);
	host_register(L, "at", l_at);
	host_register(L, "record", l_record);
	host_register(L, "run", l_run);
	host_register(L, "query", l_query);
	host_register(L, "include", l_include);
	host_register(L, "require", l_require);
	register_units(L);

	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

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
		lua_pushcfunction(L, msgh);
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

	lua_pushcfunction(L, msgh);
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
	hooks_run(h, &h->on_finish);
	if (h->sim->failed)
		errmsg = h->sim->error;
	else
		status = 0;
report:
	if (errmsg) {
		snprintf(h->errcopy, sizeof(h->errcopy), "%s", errmsg);
		errmsg = h->errcopy;
		fprintf(stderr, "wirelab: %s\n", errmsg);
	}
	if (h->db) {
		if (status != 0 && h->started)
			hooks_run(h, &h->on_finish); /* close pcap files, write what we have */
		db_run_end(h->db, h->sim->run_id, status == 0 ? "ok" : "error", errmsg,
			   h->sim->now, h->sim->events, wall_since(&h->wall_start));
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
	return status;
}
