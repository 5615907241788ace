/* Policies written in Lua: a list of terms (tables), a function, or both,
 * turned into struct bgp_policy (bgp_policy.h).
 *
 *   import = {
 *     { prefix = "10.0.0.0/8", le = 32, reject = true },        -- bogons out
 *     { community = "65001:666", reject = true },
 *     { path_has = 65013, local_pref = 50 },                    -- avoid an AS
 *     { origin_as = 65020, add_communities = { "65001:20" } },
 *     fn = function(r) return r.path_len < 10 end,              -- where tables run out
 *     default = "accept",                                      -- or "reject"
 *   }
 *   export = function(r) if r.prefix == "192.0.2.0/24" then return { prepend = 2 } end return true end
 *
 * Term keys.  Match: prefix (with ge, le: the range of lengths, exact by
 * default), origin_as, path_has, neighbor_as, path_len_max, path_len_min,
 * community.  Action: reject = true, or local_pref, med, clear_med,
 * prepend, add_communities, remove_communities.  The first term that
 * matches decides; then fn (if any); then default.
 *
 * A function gets the route as a table { prefix, as_path = {...}, path
 * ("65002 65001"), path_len, origin_as, neighbor_as, origin ("igp",
 * "egp", "incomplete"), next_hop, local_pref, med (nil if absent),
 * communities = {"65001:1", ...} } and returns false or nil (reject), true
 * (accept unchanged) or a table of the actions above (accept with them). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_lua.h"
#include "cli/host.h"
#include "sim/packet.h"
#include "sim/sim.h"
#include "sim/util.h"

int bgp_lua_community(lua_State *L, int idx, const char *what, uint32_t *out)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return host_error(L, "%s: expected a community as \"asn:value\" (e.g. \"65001:100\") or "
				     "\"no-export\", got %s", what, luaL_typename(L, idx));
	const char *s = lua_tostring(L, idx);
	if (strcmp(s, "no-export") == 0) {
		*out = BGP_COMM_NO_EXPORT;
		return 0;
	}
	if (strcmp(s, "no-advertise") == 0) {
		*out = BGP_COMM_NO_ADVERTISE;
		return 0;
	}
	unsigned a, v;
	char tail;
	if (sscanf(s, "%u:%u%c", &a, &v, &tail) != 2 || a > 65535 || v > 65535)
		return host_error(L, "%s: expected a community as \"asn:value\" with both parts 0..65535, got '%s'",
				  what, s);
	*out = a << 16 | v;
	return 0;
}

static uint32_t get_asn(lua_State *L, int idx, const char *what, const char *key)
{
	return (uint32_t)host_get_int(L, idx, what, key, 0, 1, UINT32_MAX);
}

static void get_comm_list(lua_State *L, int idx, const char *what, const char *key, uint32_t *out,
			  uint8_t *n)
{
	if (lua_getfield(L, idx, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	char w[160];
	snprintf(w, sizeof(w), "%.100s: %.40s", what, key);
	if (!lua_istable(L, -1))
		host_error(L, "%s: expected a list of communities, got %s", w, luaL_typename(L, -1));
	lua_Integer len = luaL_len(L, -1);
	if (len > BGP_ACT_COMM_MAX)
		host_error(L, "%s: at most %d communities", w, BGP_ACT_COMM_MAX);
	for (lua_Integer i = 1; i <= len; i++) {
		lua_rawgeti(L, -1, i);
		bgp_lua_community(L, lua_gettop(L), w, &out[*n]);
		(*n)++;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* The actions of a term or of a function's answer (table at idx). */
static void get_action(lua_State *L, int idx, const char *what, struct bgp_action *a)
{
	a->reject = host_get_bool(L, idx, what, "reject", false);
	if (host_has(L, idx, "local_pref")) {
		a->set_local_pref = true;
		a->local_pref = (uint32_t)host_get_int(L, idx, what, "local_pref", 0, 0, UINT32_MAX);
	}
	if (host_has(L, idx, "med")) {
		a->set_med = true;
		a->med = (uint32_t)host_get_int(L, idx, what, "med", 0, 0, UINT32_MAX);
	}
	a->clear_med = host_get_bool(L, idx, what, "clear_med", false);
	a->prepend = (uint8_t)host_get_int(L, idx, what, "prepend", 0, 0, 32);
	get_comm_list(L, idx, what, "add_communities", a->comm_add, &a->ncomm_add);
	get_comm_list(L, idx, what, "remove_communities", a->comm_del, &a->ncomm_del);
}

static void get_term(lua_State *L, int idx, const char *what, struct bgp_term *t)
{
	static const char *const keys[] = { "prefix", "ge", "le", "origin_as", "path_has", "neighbor_as",
					    "path_len_max", "path_len_min", "community", "reject", "local_pref",
					    "med", "clear_med", "prepend", "add_communities",
					    "remove_communities", NULL };
	host_check_keys(L, idx, what, keys);
	memset(t, 0, sizeof(*t));
	const char *pfx = host_get_str(L, idx, what, "prefix", NULL);
	if (pfx) {
		if (bgp_prefix_parse(pfx, &t->m.pfx) < 0)
			host_error(L, "%s: prefix: expected \"a.b.c.d/len\" without host bits, got '%s'", what, pfx);
		t->m.what |= BGP_M_PREFIX;
		t->m.ge = (uint8_t)host_get_int(L, idx, what, "ge", t->m.pfx.len, t->m.pfx.len, 32);
		t->m.le = (uint8_t)host_get_int(L, idx, what, "le", host_has(L, idx, "ge") ? 32 : t->m.pfx.len,
						t->m.ge, 32);
	} else if (host_has(L, idx, "ge") || host_has(L, idx, "le")) {
		host_error(L, "%s: ge and le qualify a prefix: give prefix too", what);
	}
	if (host_has(L, idx, "origin_as")) {
		t->m.what |= BGP_M_ORIGIN_AS;
		t->m.origin_as = get_asn(L, idx, what, "origin_as");
	}
	if (host_has(L, idx, "path_has")) {
		t->m.what |= BGP_M_PATH_HAS;
		t->m.path_has = get_asn(L, idx, what, "path_has");
	}
	if (host_has(L, idx, "neighbor_as")) {
		t->m.what |= BGP_M_NEIGHBOR_AS;
		t->m.neighbor_as = get_asn(L, idx, what, "neighbor_as");
	}
	if (host_has(L, idx, "path_len_max")) {
		t->m.what |= BGP_M_PATH_LEN_MAX;
		t->m.path_len_max = (unsigned)host_get_int(L, idx, what, "path_len_max", 0, 0, 65535);
	}
	if (host_has(L, idx, "path_len_min")) {
		t->m.what |= BGP_M_PATH_LEN_MIN;
		t->m.path_len_min = (unsigned)host_get_int(L, idx, what, "path_len_min", 0, 0, 65535);
	}
	if (host_has(L, idx, "community")) {
		t->m.what |= BGP_M_COMMUNITY;
		lua_getfield(L, idx, "community");
		char w[160];
		snprintf(w, sizeof(w), "%.120s: community", what);
		bgp_lua_community(L, lua_gettop(L), w, &t->m.community);
		lua_pop(L, 1);
	}
	get_action(L, idx, what, &t->a);
}

/* ---- function terms ---- */

struct lfn {
	lua_State *L;
	int ref;
};

static void lfn_free(void *p)
{
	struct lfn *f = p;
	free(f);
}

static const char *origin_name(uint8_t o)
{
	return o == BGP_ORIGIN_IGP ? "igp" : o == BGP_ORIGIN_EGP ? "egp" : "incomplete";
}

void bgp_lua_push_route(lua_State *L, struct bgp_prefix p, const struct bgp_rattr *a)
{
	char buf[512];
	lua_createtable(L, 0, 12);
	lua_pushstring(L, bgp_prefix_fmt(buf, p));
	lua_setfield(L, -2, "prefix");
	lua_createtable(L, a->n_as, 0);
	for (unsigned i = 0; i < a->n_as; i++) {
		lua_pushinteger(L, a->as[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "as_path");
	lua_pushstring(L, bgp_aspath_fmt(buf, sizeof(buf), a));
	lua_setfield(L, -2, "path");
	lua_pushinteger(L, bgp_path_len(a));
	lua_setfield(L, -2, "path_len");
	lua_pushinteger(L, bgp_origin_as(a));
	lua_setfield(L, -2, "origin_as");
	lua_pushinteger(L, bgp_neighbor_as(a));
	lua_setfield(L, -2, "neighbor_as");
	lua_pushstring(L, origin_name(a->origin));
	lua_setfield(L, -2, "origin");
	lua_pushstring(L, ipv4_fmt(buf, a->next_hop));
	lua_setfield(L, -2, "next_hop");
	lua_pushinteger(L, a->has_local_pref ? a->local_pref : 100);
	lua_setfield(L, -2, "local_pref");
	if (a->has_med) {
		lua_pushinteger(L, a->med);
		lua_setfield(L, -2, "med");
	}
	if (a->originator_id) {
		lua_pushstring(L, ipv4_fmt(buf, a->originator_id));
		lua_setfield(L, -2, "originator_id");
	}
	if (a->ncluster) {
		lua_createtable(L, a->ncluster, 0);
		for (unsigned i = 0; i < a->ncluster; i++) {
			lua_pushstring(L, ipv4_fmt(buf, a->cluster[i]));
			lua_rawseti(L, -2, i + 1);
		}
		lua_setfield(L, -2, "cluster_list");
	}
	lua_createtable(L, a->ncomm, 0);
	for (unsigned i = 0; i < a->ncomm; i++) {
		snprintf(buf, sizeof(buf), "%u:%u", a->comm[i] >> 16, a->comm[i] & 0xffff);
		lua_pushstring(L, buf);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "communities");
}

/* parse_answer(answer, action): fills the action from a function's answer */
static int parse_answer(lua_State *L)
{
	static const char *const keys[] = { "reject", "local_pref", "med", "clear_med", "prepend",
					    "add_communities", "remove_communities", NULL };
	struct bgp_action *a = lua_touserdata(L, 2);
	host_check_keys(L, 1, "bgp policy function's answer", keys);
	get_action(L, 1, "bgp policy function's answer", a);
	return 0;
}

static int lfn_call(void *ctx, struct bgp_prefix p, struct bgp_route_edit *e, uint32_t own_as)
{
	struct lfn *f = ctx;
	lua_State *L = f->L;
	int top = lua_gettop(L);
	host_push_ref(L, f->ref);
	bgp_lua_push_route(L, p, &e->a);
	if (host_pcall(host_of(L), 1, 1) != 0) {
		lua_settop(L, top);
		return 0; /* the simulation fails with the message */
	}
	int ok = 0;
	if (lua_istable(L, -1)) {
		/* the answer is checked inside a protected call: an error must
		 * not unwind through the simulation's event loop */
		struct bgp_action a = { 0 };
		lua_pushcfunction(L, parse_answer);
		lua_pushvalue(L, -2);
		lua_pushlightuserdata(L, &a);
		if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
			sim_fail(host_sim(L), "%s", lua_tostring(L, -1));
			lua_settop(L, top);
			return 0;
		}
		ok = !a.reject;
		if (ok) {
			struct bgp_policy one = { 0 };
			struct bgp_term t = { .a = a };
			one.terms = &t;
			one.nterms = 1;
			ok = bgp_policy_apply(&one, p, e, own_as);
		}
	} else {
		ok = lua_toboolean(L, -1);
	}
	lua_settop(L, top);
	return ok;
}

static struct lfn *new_lfn(lua_State *L, int idx)
{
	struct lfn *f = xcalloc(1, sizeof(*f));
	f->L = host_lua(host_of(L));
	f->ref = host_ref(L, idx);
	return f;
}

/* Everything is checked (and the terms parsed into Lua-owned memory)
 * before anything is allocated in C, so an error in a script leaks
 * nothing. */
struct bgp_policy *bgp_lua_policy(lua_State *L, int idx, const char *what)
{
	idx = lua_absindex(L, idx);
	if (lua_isnoneornil(L, idx))
		return NULL;
	if (lua_isfunction(L, idx)) {
		struct bgp_policy *pol = xcalloc(1, sizeof(*pol));
		pol->fn = lfn_call;
		pol->fn_ctx = new_lfn(L, idx);
		pol->fn_free = lfn_free;
		return pol;
	}
	if (!lua_istable(L, idx))
		host_error(L, "%s: expected a policy (a list of terms, or a function), got %s", what,
			   luaL_typename(L, idx));
	/* keys other than 1..n, fn and default are mistakes */
	lua_Integer n = luaL_len(L, idx);
	if (n > 10000)
		host_error(L, "%s: at most 10000 terms", what);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		bool ok = lua_isinteger(L, -1) ? (lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= n)
			  : lua_type(L, -1) == LUA_TSTRING &&
				  (strcmp(lua_tostring(L, -1), "fn") == 0 || strcmp(lua_tostring(L, -1), "default") == 0);
		if (!ok)
			host_error(L, "%s: unknown key '%s' (a policy holds terms 1..n, fn and default)", what,
				   luaL_tolstring(L, -1, NULL));
	}
	struct bgp_term *terms = lua_newuserdatauv(L, (n ? (size_t)n : 1) * sizeof(*terms), 0);
	for (lua_Integer i = 1; i <= n; i++) {
		char w[96];
		snprintf(w, sizeof(w), "%s: term %lld", what, (long long)i);
		lua_rawgeti(L, idx, i);
		if (!lua_istable(L, -1))
			host_error(L, "%s: expected a table, got %s", w, luaL_typename(L, -1));
		get_term(L, lua_gettop(L), w, &terms[i - 1]);
		lua_pop(L, 1);
	}
	const char *def = host_get_str(L, idx, what, "default", "accept");
	if (strcmp(def, "accept") && strcmp(def, "reject"))
		host_error(L, "%s: default: expected \"accept\" or \"reject\", got '%s'", what, def);
	int tfn = lua_getfield(L, idx, "fn");
	if (tfn != LUA_TNIL && tfn != LUA_TFUNCTION)
		host_error(L, "%s: fn: expected a function, got %s", what, luaL_typename(L, -1));
	struct bgp_policy *pol = xcalloc(1, sizeof(*pol));
	pol->terms = xmalloc((n ? (size_t)n : 1) * sizeof(*terms));
	memcpy(pol->terms, terms, (size_t)n * sizeof(*terms));
	pol->nterms = (int)n;
	pol->default_reject = strcmp(def, "reject") == 0;
	if (tfn == LUA_TFUNCTION) {
		pol->fn = lfn_call;
		pol->fn_ctx = new_lfn(L, -1);
		pol->fn_free = lfn_free;
	}
	lua_pop(L, 2); /* fn, the terms' userdata */
	return pol;
}
