/* Lua binding of the AS-graph mode (bgp_asgraph.h): one speaker per AS of
 * a CAIDA AS-relationship file, sessions as in-order channels.
 *
 *   local g = bgp.asgraph { file = "../shared/data/bgp/20150201.as-rel.txt.bz2", delay = "10ms" }
 *   g:announce(asn, prefix)   g:withdraw(asn, prefix)   g:reach(prefix)
 *   g:speaker(asn)   g.ases   g.links
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_asgraph.h"
#include "bgp_lua.h"
#include "bgp_speaker.h"
#include "cli/host.h"
#include "models/net/net_lua.h"
#include "sim/util.h"

static const char GRAPH_MT[] = "wirelab.bgp_asgraph";

struct lgraph {
	struct bgp_asgraph g;
	struct bgp_speaker **sp;
};

static struct lgraph *checkgraph(lua_State *L, const char *method)
{
	return net_lua_checkself(L, GRAPH_MT, "an AS graph", method);
}

static void graph_free(void *p)
{
	struct lgraph *g = p;
	bgp_asgraph_free(&g->g);
	free(g->sp);
	free(g);
}

/* bgp.asgraph { file =, delay = "10ms", mrai = "30s", jitter = true,
 *               mrai_withdrawals = false, processing = } */
static int l_asgraph(lua_State *L)
{
	static const char *const keys[] = { "file", "delay", "mrai", "jitter", "mrai_withdrawals",
					    "processing", NULL };
	const char *what = "bgp.asgraph";
	host_check_table(L, 1, what);
	host_check_keys(L, 1, what, keys);
	const char *file = host_get_str(L, 1, what, "file", NULL);
	if (!file)
		return host_error(L, "bgp.asgraph: file: expected the path of a CAIDA as-rel file");
	struct bgp_asgraph_cfg c;
	memset(&c, 0, sizeof(c));
	bgp_speaker_cfg_default(&c.speaker);
	c.delay = net_lua_get_span(L, 1, what, "delay", SIM_MS(10));
	bgp_lua_get_processing(L, 1, what, &c.speaker);
	if (host_has(L, 1, "mrai"))
		c.speaker.mrai_ebgp = net_lua_get_span(L, 1, what, "mrai", 0);
	c.speaker.jitter = host_get_bool(L, 1, what, "jitter", true);
	c.speaker.mrai_withdrawals = host_get_bool(L, 1, what, "mrai_withdrawals", false);
	if (sim_ext_get(host_sim(L), "bgp_lua_graph"))
		return host_error(L, "bgp.asgraph: one AS graph per run");
	struct lgraph *g = xcalloc(1, sizeof(*g));
	struct errbuf err;
	if (bgp_asgraph_load(file, &g->g, &err) < 0) {
		free(g);
		return host_error(L, "bgp.asgraph: %s", err.msg);
	}
	if (bgp_asgraph_build(host_sim(L), &g->g, &c, &g->sp, &err) < 0) {
		bgp_asgraph_free(&g->g);
		free(g);
		return host_error(L, "bgp.asgraph: %s", err.msg);
	}
	sim_ext_set(host_sim(L), "bgp_lua_graph", g, graph_free);
	struct lgraph **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = g;
	luaL_setmetatable(L, GRAPH_MT);
	return 1;
}

static struct bgp_speaker *graph_as(lua_State *L, struct lgraph *g, int idx, const char *what)
{
	lua_Integer asn = lua_isinteger(L, idx) ? lua_tointeger(L, idx) : -1;
	int64_t i = asn >= 1 && asn <= (lua_Integer)UINT32_MAX ? bgp_asgraph_find(&g->g, (uint32_t)asn) : -1;
	if (i < 0)
		host_error(L, "%s: expected an AS number of the graph, got %s", what,
			   lua_isinteger(L, idx) ? lua_tostring(L, idx) : luaL_typename(L, idx));
	return g->sp[i];
}

static int g_speaker(lua_State *L)
{
	struct lgraph *g = checkgraph(L, "speaker");
	bgp_lua_push_speaker(L, graph_as(L, g, 2, "speaker"));
	return 1;
}

static int g_announce(lua_State *L)
{
	struct lgraph *g = checkgraph(L, "announce");
	struct bgp_speaker *sp = graph_as(L, g, 2, "announce");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 3, "announce");
	net_lua_check_clock(L, "announce");
	bgp_speaker_announce(sp, pfx, NULL);
	return 0;
}

static int g_withdraw(lua_State *L)
{
	struct lgraph *g = checkgraph(L, "withdraw");
	struct bgp_speaker *sp = graph_as(L, g, 2, "withdraw");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 3, "withdraw");
	net_lua_check_clock(L, "withdraw");
	bgp_speaker_withdraw(sp, pfx);
	return 0;
}

/* g:reach(prefix) -> the number of ASes with a route to it */
static int g_reach(lua_State *L)
{
	struct lgraph *g = checkgraph(L, "reach");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "reach");
	lua_Integer n = 0;
	for (uint32_t i = 0; i < g->g.nas; i++)
		n += bgp_speaker_best(g->sp[i], pfx) != NULL;
	lua_pushinteger(L, n);
	return 1;
}

static int graph_index(lua_State *L)
{
	struct lgraph *g = *(struct lgraph **)luaL_checkudata(L, 1, GRAPH_MT);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "ases") == 0) {
		lua_pushinteger(L, g->g.nas);
		return 1;
	}
	if (strcmp(k, "links") == 0) {
		lua_pushinteger(L, g->g.nlinks);
		return 1;
	}
	luaL_getmetatable(L, GRAPH_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

void bgp_asgraph_lua_open(lua_State *L)
{
	static const luaL_Reg gm[] = {
		{ "speaker", g_speaker }, { "announce", g_announce }, { "withdraw", g_withdraw },
		{ "reach", g_reach },     { NULL, NULL },
	};
	bgp_lua_new_class(L, GRAPH_MT, graph_index, NULL, gm);
	host_register(L, "bgp.asgraph", l_asgraph);
}
