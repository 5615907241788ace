/* Lua bindings of the apps:
 *
 *   udp.cbr   { from = h1, to = h2, rate = "12Mbps", size = 1472, start = "1s", stop = "9s" }
 *   udp.onoff { from = h1, to = h2, rate = "5Mbps", on = "1s", off = "1s", dist = "exp" }
 *   ping      { from = h1, to = h2, every = "100ms", size = 56, count = 10 }
 *   traceroute{ from = h1, to = h2, on_done = function(hops) ... end }
 *
 * Each returns an app object: a.name, a:stats(), a:stop(). */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "apps.h"
#include "models/net/net_lua.h"
#include "models/tcp/tcp_lua.h"
#include "tcp_apps.h"
#include "probes.h"
#include "cli/host.h"
#include "udp_apps.h"
#include "sim/units.h"

static const char APP_MT[] = "wirelab.app";

void apps_lua_push(lua_State *L, struct app *a)
{
	struct app **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = a;
	luaL_setmetatable(L, APP_MT);
}

static struct app *checkapp(lua_State *L, const char *method)
{
	return net_lua_checkself(L, APP_MT, "an app", method);
}

/* The options table of f { ... }; "got nothing" for f() (the host's
 * getter would say "got a no value"). */
static void check_opts(lua_State *L, const char *what, const char *const keys[])
{
	if (lua_isnone(L, 1))
		host_error(L, "%s: expected a table of options { from = ..., to = ... }, got nothing", what);
	host_check_keys(L, 1, what, keys);
}

/* name = "..." fits the app's entity name, or is refused (not cut). */
static const char *get_name(lua_State *L, const char *what)
{
	const char *name = host_get_str(L, 1, what, "name", NULL);
	if (name && strlen(name) >= sizeof(((struct app *)0)->name))
		host_error(L, "%s: name: at most %zu characters, got %zu", what,
			   sizeof(((struct app *)0)->name) - 1, strlen(name));
	return name;
}

/* start = (an instant, default now) and stop = (default never), with
 * stop not before start. */
static void get_start_stop(lua_State *L, const char *what, simtime_t *start, simtime_t *stop)
{
	simtime_t now = host_sim(L)->now;
	net_lua_check_clock(L, what);
	*start = net_lua_get_time(L, 1, what, "start", now);
	if (!stop)
		return;
	*stop = net_lua_get_time(L, 1, what, "stop", SIM_NEVER);
	if (*stop < *start) {
		char a[48], b[48];
		host_error(L, "%s: stop (%s) is before start (%s)", what, units_fmt_duration(a, sizeof(a), *stop),
			   units_fmt_duration(b, sizeof(b), *start));
	}
}

static void put_stat(void *ctx, const char *key, double v)
{
	lua_State *L = ctx;
	if (v == (double)(lua_Integer)v)
		lua_pushinteger(L, (lua_Integer)v);
	else
		lua_pushnumber(L, v);
	lua_setfield(L, -2, key);
}

/* a:stats() -> a table of the app's counters so far */
static int app_stats(lua_State *L)
{
	struct app *a = checkapp(L, "stats");
	lua_newtable(L);
	put_stat(L, "flow_id", a->id);
	if (a->ops->stats)
		a->ops->stats(a, put_stat, L);
	const char *e = a->ops->first_error ? a->ops->first_error(a) : NULL;
	if (e) {
		lua_pushstring(L, e);
		lua_setfield(L, -2, "first_error");
	}
	return 1;
}

static int app_stop_l(lua_State *L)
{
	app_stop(checkapp(L, "stop"));
	return 0;
}

static int app_index(lua_State *L)
{
	struct app *a = checkapp(L, "__index");
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0; /* a[5] is nil, as in a table */
	const char *k = lua_tostring(L, 2);
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, a->name);
		return 1;
	}
	if (strcmp(k, "id") == 0) {
		lua_pushinteger(L, a->id);
		return 1;
	}
	if (strcmp(k, "stats") == 0) {
		lua_pushcfunction(L, app_stats);
		return 1;
	}
	if (strcmp(k, "stop") == 0) {
		lua_pushcfunction(L, app_stop_l);
		return 1;
	}
	return 0;
}

static int app_tostring(lua_State *L)
{
	struct app *a = checkapp(L, "__tostring");
	lua_pushfstring(L, "%s %s", a->ops->kind, a->name);
	return 1;
}

/* ---- udp.cbr / udp.onoff ---- */

static int udp_source_l(lua_State *L, bool onoff)
{
	static const char *const cbr_keys[] = {
		"from", "to", "rate", "size", "port", "tos", "start", "stop", "name", "sink", NULL,
	};
	static const char *const onoff_keys[] = {
		"from", "to", "rate", "size", "port", "tos", "start", "stop", "name", "sink",
		"on", "off", "dist", NULL,
	};
	const char *what = onoff ? "udp.onoff" : "udp.cbr";
	check_opts(L, what, onoff ? onoff_keys : cbr_keys);
	struct udp_source_cfg c = { 0 };
	c.from = net_lua_getnode(L, 1, what, "from");
	lua_getfield(L, 1, "to");
	c.to_node = net_lua_tonode(L, -1); /* NULL for a bare address */
	lua_pop(L, 1);
	c.to_addr = net_lua_getaddr(L, 1, what, "to");
	if (!host_has(L, 1, "rate"))
		return host_error(L, "%s: 'rate' is required, e.g. rate = \"10Mbps\"", what);
	c.rate_bps = host_get_rate(L, 1, what, "rate", 0);
	c.size = (uint32_t)host_get_int(L, 1, what, "size", 1472, 0, 65507);
	c.port = (uint16_t)host_get_int(L, 1, what, "port", 0, 0, 65535);
	c.tos = (uint8_t)host_get_int(L, 1, what, "tos", 0, 0, 255);
	get_start_stop(L, what, &c.start, &c.stop);
	c.name = get_name(L, what);
	c.sink = host_get_bool(L, 1, what, "sink", true);
	if (onoff) {
		c.onoff = true;
		c.on_ns = net_lua_get_span(L, 1, what, "on", SIM_S(1));
		c.off_ns = net_lua_get_span(L, 1, what, "off", SIM_S(1));
		if (c.on_ns <= 0)
			return host_error(L, "%s: on: must be above zero", what);
		if (c.off_ns <= 0)
			return host_error(L, "%s: off: must be above zero", what);
		const char *d = host_get_str(L, 1, what, "dist", "exp");
		if (strcmp(d, "exp") == 0)
			c.dist = DIST_EXP;
		else if (strcmp(d, "const") == 0)
			c.dist = DIST_CONST;
		else if (strcmp(d, "pareto") == 0)
			c.dist = DIST_PARETO;
		else
			return host_error(L, "%s: dist: expected \"exp\", \"const\" or \"pareto\", got '%s'", what, d);
	}
	struct errbuf err;
	struct udp_source *u = udp_source_new(&c, &err);
	if (!u)
		return host_error(L, "%s: %s", what, err.msg);
	apps_lua_push(L, &u->base);
	return 1;
}

static int l_cbr(lua_State *L) { return udp_source_l(L, false); }
static int l_onoff(lua_State *L) { return udp_source_l(L, true); }

/* ---- ping ---- */

static int l_ping(lua_State *L)
{
	static const char *const keys[] = {
		"from", "to", "every", "size", "count", "tos", "start", "stop", "name", NULL,
	};
	check_opts(L, "ping", keys);
	struct ping_cfg c = { 0 };
	c.from = net_lua_getnode(L, 1, "ping", "from");
	c.to = net_lua_getaddr(L, 1, "ping", "to");
	c.every = net_lua_get_span(L, 1, "ping", "every", SIM_S(1));
	if (c.every <= 0)
		return host_error(L, "ping: every: must be above zero");
	c.size = (uint32_t)host_get_int(L, 1, "ping", "size", 56, 0, 65507);
	c.count = (uint32_t)host_get_int(L, 1, "ping", "count", 0, 0, UINT32_MAX);
	c.tos = (uint8_t)host_get_int(L, 1, "ping", "tos", 0, 0, 255);
	get_start_stop(L, "ping", &c.start, &c.stop);
	c.name = get_name(L, "ping");
	struct errbuf err;
	struct ping *pg = ping_new(&c, &err);
	if (!pg)
		return host_error(L, "ping: %s", err.msg);
	apps_lua_push(L, &pg->base);
	return 1;
}

/* ---- traceroute ---- */

struct tr_lua {
	lua_State *L;
	int fn_ref;
};

static void tr_done(struct traceroute *t, void *ctx)
{
	struct tr_lua *tl = ctx;
	if (tl->fn_ref == LUA_NOREF)
		return;
	lua_State *L = tl->L;
	host_push_ref(L, tl->fn_ref);
	lua_createtable(L, t->nhops, 0);
	for (int i = 0; i < t->nhops; i++) {
		const struct tr_hop *h = &t->hops[i];
		char a[16];
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, i + 1);
		lua_setfield(L, -2, "ttl");
		if (h->addr) {
			lua_pushstring(L, ipv4_fmt(a, h->addr));
			lua_setfield(L, -2, "addr");
			struct node *nd = net_node_of_addr(t->base.node->net, h->addr);
			if (nd) {
				lua_pushstring(L, nd->name);
				lua_setfield(L, -2, "node");
			}
		}
		lua_createtable(L, h->nrtt, 0);
		for (int k = 0; k < h->nrtt; k++) {
			if (h->rtt[k] >= 0)
				lua_pushnumber(L, (double)h->rtt[k] / 1e6);
			else
				lua_pushboolean(L, 0);
			lua_rawseti(L, -2, k + 1);
		}
		lua_setfield(L, -2, "rtt_ms");
		lua_rawseti(L, -2, i + 1);
	}
	host_pcall(host_of(L), 1, 0);
}

static int l_traceroute(lua_State *L)
{
	static const char *const keys[] = {
		"from", "to", "max_hops", "probes", "wait", "port", "start", "name", "on_done", NULL,
	};
	check_opts(L, "traceroute", keys);
	struct traceroute_cfg c = { 0 };
	c.from = net_lua_getnode(L, 1, "traceroute", "from");
	c.to = net_lua_getaddr(L, 1, "traceroute", "to");
	c.max_hops = (int)host_get_int(L, 1, "traceroute", "max_hops", 30, 1, TR_MAX_HOPS);
	c.probes = (int)host_get_int(L, 1, "traceroute", "probes", 3, 1, TR_MAX_PROBES);
	c.wait = net_lua_get_span(L, 1, "traceroute", "wait", SIM_S(5));
	c.port = (uint16_t)host_get_int(L, 1, "traceroute", "port", 33434, 1, 65000);
	get_start_stop(L, "traceroute", &c.start, NULL);
	c.name = get_name(L, "traceroute");
	struct tr_lua *tl = lua_newuserdatauv(L, sizeof(*tl), 0); /* kept alive below */
	tl->L = host_lua(host_of(L)); /* callbacks run on the main thread */
	tl->fn_ref = LUA_NOREF;
	if (lua_getfield(L, 1, "on_done") != LUA_TNIL) {
		if (!lua_isfunction(L, -1))
			return host_error(L, "traceroute: on_done: expected a function(hops), got %s",
					  luaL_typename(L, -1));
		tl->fn_ref = host_ref(L, -1);
	}
	lua_pop(L, 1);
	luaL_ref(L, LUA_REGISTRYINDEX); /* anchors tl for the whole run */
	c.done = tr_done;
	c.ctx = tl;
	struct errbuf err;
	struct traceroute *t = traceroute_new(&c, &err);
	if (!t)
		return host_error(L, "traceroute: %s", err.msg);
	apps_lua_push(L, &t->base);
	return 1;
}

/* ---- TCP apps ---- */

/* allowed keys: the app's own, then every TCP option */
static void check_tcp_app_keys(lua_State *L, const char *what, const char *const own[])
{
	const char *keys[96];
	int n = 0;
	for (int i = 0; own[i]; i++)
		keys[n++] = own[i];
	for (int i = 0; tcp_lua_option_keys[i]; i++)
		keys[n++] = tcp_lua_option_keys[i];
	keys[n] = NULL;
	host_check_keys(L, 1, what, keys);
}

/* tcp.bulk { from =, to =, bytes = "10MB" | nil, start =, stop =, port =,
 *            read_rate = "1Mbps", read_every = "1ms", measure_from = "5s",
 *            name =, <tcp options> } */
static int l_bulk(lua_State *L)
{
	static const char *const own[] = {
		"from", "to", "bytes", "start", "stop", "port", "read_rate", "read_every", "measure_from",
		"name", NULL,
	};
	const char *what = "tcp.bulk";
	check_tcp_app_keys(L, what, own);
	struct bulk_cfg c = { 0 };
	c.from = net_lua_getnode(L, 1, what, "from");
	c.to = net_lua_getnode(L, 1, what, "to");
	c.to_addr = node_addr(c.to);
	if (!c.to_addr || !node_addr(c.from))
		return host_error(L, "%s: link the nodes before starting apps on them", what);
	c.bytes = host_get_size(L, 1, what, "bytes", 0);
	get_start_stop(L, what, &c.start, &c.stop);
	c.port = (uint16_t)host_get_int(L, 1, what, "port", 0, 0, 65535);
	if (host_has(L, 1, "read_rate"))
		c.read_rate_bps = host_get_rate(L, 1, what, "read_rate", 0);
	c.read_every = net_lua_get_span(L, 1, what, "read_every", SIM_MS(1));
	/* an instant; absent, goodput counts from start */
	c.measure_from = net_lua_get_time(L, 1, what, "measure_from", 0);
	c.name = host_get_str(L, 1, what, "name", NULL);
	tcp_lua_defaults(L, &c.tcp);
	tcp_lua_config(L, 1, what, &c.tcp);
	struct errbuf err;
	struct bulk *b = bulk_new(&c, &err);
	if (!b)
		return host_error(L, "%s: %s", what, err.msg);
	apps_lua_push(L, &b->base);
	return 1;
}

/* tcp.reqresp { from =, to =, request = "1KB", response = "100KB",
 *               sizes = "fixed" | "exp" | "pareto", reuse = false,
 *               rate = 100 (per second, open loop) | parallel = 1, think = "0s",
 *               count =, start =, stop =, port =, name =, <tcp options> } */
static int l_reqresp(lua_State *L)
{
	static const char *const own[] = {
		"from", "to", "request", "response", "sizes", "reuse", "rate", "parallel", "think",
		"count", "start", "stop", "port", "server", "name", NULL,
	};
	const char *what = "tcp.reqresp";
	check_tcp_app_keys(L, what, own);
	struct reqresp_cfg c = { 0 };
	c.from = net_lua_getnode(L, 1, what, "from");
	c.to = net_lua_getnode(L, 1, what, "to");
	c.to_addr = node_addr(c.to);
	if (!c.to_addr || !node_addr(c.from))
		return host_error(L, "%s: link the nodes before starting apps on them", what);
	c.req_size = (uint32_t)host_get_size(L, 1, what, "request", 100);
	c.resp_size = (uint32_t)host_get_size(L, 1, what, "response", 1000);
	if (c.req_size < 8)
		return host_error(L, "%s: request: at least 8 bytes (the request header)", what);
	const char *d = host_get_str(L, 1, what, "sizes", "fixed");
	if (strcmp(d, "fixed") == 0)
		c.dist = RR_FIXED;
	else if (strcmp(d, "exp") == 0)
		c.dist = RR_EXP;
	else if (strcmp(d, "pareto") == 0)
		c.dist = RR_PARETO;
	else
		return host_error(L, "%s: sizes: expected \"fixed\", \"exp\" or \"pareto\", got '%s'", what, d);
	c.reuse = host_get_bool(L, 1, what, "reuse", false);
	c.rate = host_get_num(L, 1, what, "rate", 0, 0, 1e9);
	c.parallel = (uint32_t)host_get_int(L, 1, what, "parallel", c.rate > 0 ? 0 : 1, 0, 1000000);
	if (c.rate > 0 && host_has(L, 1, "parallel"))
		return host_error(L, "%s: give rate (open loop) or parallel (closed loop), not both", what);
	c.think = net_lua_get_span(L, 1, what, "think", 0);
	c.count = (uint64_t)host_get_int(L, 1, what, "count", 0, 0, INT64_MAX);
	get_start_stop(L, what, &c.start, &c.stop);
	c.port = (uint16_t)host_get_int(L, 1, what, "port", 0, 0, 65535);
	c.no_server = !host_get_bool(L, 1, what, "server", true);
	c.name = host_get_str(L, 1, what, "name", NULL);
	tcp_lua_defaults(L, &c.tcp);
	tcp_lua_config(L, 1, what, &c.tcp);
	struct errbuf err;
	struct reqresp *rr = reqresp_new(&c, &err);
	if (!rr)
		return host_error(L, "%s: %s", what, err.msg);
	apps_lua_push(L, &rr->base);
	return 1;
}

/* now() -> the simulated time in nanoseconds */
static int l_now(lua_State *L)
{
	lua_pushinteger(L, host_sim(L)->now);
	return 1;
}

static void on_stop(struct host *h, void *arg)
{
	(void)h;
	apps_report(arg);
}

static int apps_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)err;
	luaL_newmetatable(L, APP_MT);
	lua_pushcfunction(L, app_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, app_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	host_register(L, "udp.cbr", l_cbr);
	host_register(L, "udp.onoff", l_onoff);
	host_register(L, "ping", l_ping);
	host_register(L, "traceroute", l_traceroute);
	host_register(L, "now", l_now);
	host_register(L, "tcp.bulk", l_bulk);
	host_register(L, "tcp.reqresp", l_reqresp);
	host_on_stop(h, on_stop, host_sim(L));
	apps_define_metrics(host_sim(L));
	return 0;
}

const struct host_module apps_module = { "apps", apps_open };
