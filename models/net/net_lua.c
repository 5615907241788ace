/* Lua bindings of the network model; see net_lua.h.
 *
 *   local h1 = node "h1"            -- a host
 *   local r1 = router "r1"          -- forwards packets
 *   local l = link(h1, r1, { rate = "10Mbps", delay = "5ms", mtu = 1500,
 *                            queue = fifo { limit = 100 }, loss = 0.01 })
 *   l:down()  l:up()  l:set_rate("5Mbps")
 *   routing { delay = "200ms" }     -- convergence time after link changes
 *
 * Nodes and links are owned by the simulation; their Lua objects are
 * handles, cached so the same node always gives the same object. */
#include "net_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "models/queue/qdisc.h"
#include "models/queue/queue_lua.h"
#include "sim/units.h"

static const char NODE_MT[] = "wirelab.node";
static const char LINK_MT[] = "wirelab.link";
static const char CACHE_KEY = 'c';

static struct net *lnet(lua_State *L) { return net_get(host_sim(L)); }

/* Pushes the cached handle of obj, creating it with metatable mt. */
static void push_handle(lua_State *L, void *obj, const char *mt)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
	if (lua_rawgetp(L, -1, obj) == LUA_TNIL) {
		lua_pop(L, 1);
		void **ud = lua_newuserdatauv(L, sizeof(void *), 0);
		*ud = obj;
		luaL_setmetatable(L, mt);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, -3, obj);
	}
	lua_remove(L, -2);
}

void net_lua_pushnode(lua_State *L, struct node *nd) { push_handle(L, nd, NODE_MT); }

struct node *net_lua_tonode(lua_State *L, int idx)
{
	void **ud = luaL_testudata(L, idx, NODE_MT);
	if (ud)
		return *ud;
	if (lua_type(L, idx) == LUA_TSTRING)
		return net_find_node(lnet(L), lua_tostring(L, idx));
	return NULL;
}

struct node *net_lua_checknode(lua_State *L, int idx, const char *what)
{
	struct node *nd = net_lua_tonode(L, idx);
	if (!nd) {
		if (lua_type(L, idx) == LUA_TSTRING)
			host_error(L, "%s: there is no node named '%s'", what, lua_tostring(L, idx));
		host_error(L, "%s: expected a node, got %s", what, luaL_typename(L, idx));
	}
	return nd;
}

uint32_t net_lua_checkaddr(lua_State *L, int idx, const char *what)
{
	uint32_t a;
	if (lua_type(L, idx) == LUA_TSTRING && ipv4_parse(lua_tostring(L, idx), &a, NULL) == 0)
		return a;
	struct node *nd = net_lua_checknode(L, idx, what);
	if (!nd->nifs)
		host_error(L, "%s: node %s has no address yet (link it first)", what, nd->name);
	return node_addr(nd);
}

struct node *net_lua_getnode(lua_State *L, int tbl, const char *what, const char *key)
{
	lua_getfield(L, tbl, key);
	if (lua_isnil(L, -1))
		host_error(L, "%s: '%s' is required", what, key);
	char buf[128];
	snprintf(buf, sizeof(buf), "%s: %s", what, key);
	struct node *nd = net_lua_checknode(L, -1, buf);
	lua_pop(L, 1);
	return nd;
}

uint32_t net_lua_getaddr(lua_State *L, int tbl, const char *what, const char *key)
{
	lua_getfield(L, tbl, key);
	if (lua_isnil(L, -1))
		host_error(L, "%s: '%s' is required", what, key);
	char buf[128];
	snprintf(buf, sizeof(buf), "%s: %s", what, key);
	uint32_t a = net_lua_checkaddr(L, -1, buf);
	lua_pop(L, 1);
	return a;
}

/* ---- times and durations ---- */

static const char *fmt_dur(lua_State *L, simtime_t t)
{
	char b[48];
	return lua_pushstring(L, units_fmt_duration(b, sizeof(b), t));
}

void net_lua_check_clock(lua_State *L, const char *what)
{
	simtime_t now = host_sim(L)->now;
	if (now > SIM_TIME_LIMIT)
		host_error(L, "%s: the clock is at %s, past the %s (about 73 years) a run may reach, so "
			   "nothing more can be scheduled", what, fmt_dur(L, now), fmt_dur(L, SIM_TIME_LIMIT));
}

simtime_t net_lua_check_span(lua_State *L, int idx, const char *what)
{
	net_lua_check_clock(L, what);
	simtime_t d = host_to_duration(L, idx, what);
	if (d > SIM_TIME_LIMIT)
		host_error(L, "%s: %s is longer than any run can last (at most %s, about 73 years)", what,
			   fmt_dur(L, d), fmt_dur(L, SIM_TIME_LIMIT));
	return d;
}

simtime_t net_lua_check_time(lua_State *L, int idx, const char *what)
{
	simtime_t t = host_to_duration(L, idx, what);
	simtime_t now = host_sim(L)->now;
	if (t > SIM_TIME_LIMIT)
		host_error(L, "%s: %s is later than any run can reach (at most %s, about 73 years)", what,
			   fmt_dur(L, t), fmt_dur(L, SIM_TIME_LIMIT));
	if (t < now)
		host_error(L, "%s: %s is in the past (now is %s)", what, fmt_dur(L, t), fmt_dur(L, now));
	return t;
}

static simtime_t get_checked(lua_State *L, int tbl, const char *what, const char *key, simtime_t def,
			     simtime_t (*check)(lua_State *, int, const char *))
{
	simtime_t v = def;
	if (lua_getfield(L, tbl, key) != LUA_TNIL) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%s: %s", what, key);
		v = check(L, lua_gettop(L), buf);
	}
	lua_pop(L, 1);
	return v;
}

simtime_t net_lua_get_span(lua_State *L, int tbl, const char *what, const char *key, simtime_t def)
{
	return get_checked(L, lua_absindex(L, tbl), what, key, def, net_lua_check_span);
}

simtime_t net_lua_get_time(lua_State *L, int tbl, const char *what, const char *key, simtime_t def)
{
	return get_checked(L, lua_absindex(L, tbl), what, key, def, net_lua_check_time);
}

void *net_lua_checkself(lua_State *L, const char *mt, const char *kind, const char *method)
{
	void **ud = luaL_testudata(L, 1, mt);
	if (ud)
		return *ud;
	const char *got = "nothing";
	if (!lua_isnone(L, 1))
		got = luaL_getmetafield(L, 1, "__name") == LUA_TSTRING ? lua_tostring(L, -1)
									 : luaL_typename(L, 1);
	return host_error(L, "%s: a method of %s, to call with a colon, as x:%s(...) (self is %s)", method,
			  kind, method, got), NULL;
}

/* ---- node "name" / router "name" ---- */

static int new_node(lua_State *L, bool router)
{
	const char *what = router ? "router" : "node";
	const char *name = NULL;
	if (lua_type(L, 1) == LUA_TSTRING) {
		name = lua_tostring(L, 1);
	} else if (lua_istable(L, 1)) {
		static const char *const keys[] = { "name", NULL };
		host_check_keys(L, 1, what, keys);
		name = host_get_str(L, 1, what, "name", NULL);
	}
	if (!name)
		return host_error(L, "%s: expected a name, e.g. %s \"%s1\"", what, what, router ? "r" : "h");
	struct errbuf err;
	struct node *nd = node_new(lnet(L), name, router, &err);
	if (!nd)
		return host_error(L, "%s: %s", what, err.msg);
	net_lua_pushnode(L, nd);
	return 1;
}

static int l_node(lua_State *L) { return new_node(L, false); }
static int l_router(lua_State *L) { return new_node(L, true); }

static struct node *checknode_self(lua_State *L, const char *method)
{
	return net_lua_checkself(L, NODE_MT, "a node", method);
}

static int node_index(lua_State *L)
{
	struct node *nd = checknode_self(L, "__index");
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0; /* n[5] is nil, as in a table */
	const char *k = lua_tostring(L, 2);
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, nd->name);
		return 1;
	}
	if (strcmp(k, "addr") == 0) {
		char a[16];
		lua_pushstring(L, nd->nifs ? ipv4_fmt(a, node_addr(nd)) : "");
		return 1;
	}
	if (strcmp(k, "router") == 0) {
		lua_pushboolean(L, nd->router);
		return 1;
	}
	luaL_getmetatable(L, NODE_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int node_tostring(lua_State *L)
{
	struct node *nd = checknode_self(L, "__tostring");
	lua_pushfstring(L, "%s %s", nd->router ? "router" : "node", nd->name);
	return 1;
}

/* n:ifaces() -> { {name=, addr=, peer=}, ... } */
static int node_ifaces(lua_State *L)
{
	struct node *nd = checknode_self(L, "ifaces");
	lua_createtable(L, (int)nd->nifs, 0);
	for (size_t i = 0; i < nd->nifs; i++) {
		struct iface *ifc = nd->ifs[i];
		char a[16], ifname[16];
		lua_createtable(L, 0, 4);
		snprintf(ifname, sizeof(ifname), "eth%d", ifc->index);
		lua_pushstring(L, ifname);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, ifc->name);
		lua_setfield(L, -2, "queue");
		lua_pushfstring(L, "%s/%d", ipv4_fmt(a, ifc->addr), ifc->plen);
		lua_setfield(L, -2, "addr");
		net_lua_pushnode(L, ifc->link->end[1 - ifc->side]->node);
		lua_setfield(L, -2, "peer");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* n:route("10.1.0.0/16", neighbour) -- a static route */
static int node_route(lua_State *L)
{
	struct node *nd = checknode_self(L, "route");
	uint32_t prefix;
	int len;
	const char *pfx = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
	if (!pfx)
		return host_error(L, "route: prefix: expected a prefix like '10.1.0.0/16', got %s",
				  lua_isnone(L, 2) ? "nothing" : luaL_typename(L, 2));
	if (ipv4_parse(pfx, &prefix, &len) < 0)
		return host_error(L, "route: prefix: expected a prefix like '10.1.0.0/16', got '%s'", pfx);
	if (lua_isnoneornil(L, 3))
		return host_error(L, "route: via: expected the neighbour to send through, e.g. n:route(\"%s\", r1)", pfx);
	struct node *via = net_lua_checknode(L, 3, "route: via");
	struct iface *out = node_iface_to(nd, via);
	if (!out)
		return host_error(L, "route: %s is not a neighbour of %s", via->name, nd->name);
	struct errbuf err;
	if (node_add_static_route(nd, prefix, len, out, &err) < 0)
		return host_error(L, "%s", err.msg);
	return 0;
}

struct walk_ctx {
	lua_State *L;
	lua_Integer i;
};

static void push_route(const struct route *r, void *arg)
{
	struct walk_ctx *w = arg;
	static const char *const types[] = { "local", "connected", "static", "spf" };
	char a[16];
	lua_pushfstring(w->L, "%s/%d %s%s%s", ipv4_fmt(a, r->prefix), r->len, types[r->type],
			r->out ? " via " : "", r->out ? r->out->name : "");
	lua_rawseti(w->L, -2, ++w->i);
}

/* n:routes() -> { "10.0.1.0/24 connected via h1->r1", ... } */
static int node_routes(lua_State *L)
{
	struct node *nd = checknode_self(L, "routes");
	lua_newtable(L);
	struct walk_ctx w = { L, 0 };
	fib_walk(&nd->fib, push_route, &w);
	return 1;
}

/* ---- link(a, b, {...}) ---- */

static struct link *checklink(lua_State *L, const char *method)
{
	return net_lua_checkself(L, LINK_MT, "a link", method);
}

static void get_loss(lua_State *L, int idx, const char *what, struct loss_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (lua_isnil(L, idx))
		return;
	if (lua_type(L, idx) == LUA_TNUMBER) {
		cfg->kind = LOSS_BERNOULLI;
		cfg->p = lua_tonumber(L, idx);
		if (!(cfg->p >= 0 && cfg->p <= 1))
			host_error(L, "%s: loss: a probability in [0, 1], got %g", what, cfg->p);
		return;
	}
	if (!lua_istable(L, idx))
		host_error(L, "%s: loss: expected a probability like 0.01 or "
			   "{ model = \"gilbert\", p = ..., r = ... }, got %s", what, luaL_typename(L, idx));
	static const char *const keys[] = { "model", "p", "r", "loss_good", "loss_bad", "packets", "every", NULL };
	host_check_keys(L, idx, "loss", keys);
	const char *model = host_get_str(L, idx, "loss", "model", "bernoulli");
	cfg->p = host_get_num(L, idx, "loss", "p", 0, 0, 1);
	if (strcmp(model, "list") == 0) {
		/* { model = "list", packets = { 5, 15, 25 } }: exactly those */
		cfg->kind = LOSS_LIST;
		if (lua_getfield(L, idx, "packets") != LUA_TTABLE)
			host_error(L, "loss: a list model needs packets = { n1, n2, ... } (1 = the first packet)");
		lua_Integer n = luaL_len(L, -1);
		if (n > LOSS_LIST_MAX)
			host_error(L, "loss: packets: at most %d entries, got %lld", LOSS_LIST_MAX, (long long)n);
		size_t keys = 0;
		for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))
			keys++;
		if (keys != (size_t)n)
			host_error(L, "loss: packets: expected a list { n1, n2, ... }, got a table with other keys");
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
				host_error(L, "loss: packets: entry %d is not a packet number >= 1", (int)i);
			cfg->list[cfg->nlist++] = (uint64_t)lua_tointeger(L, -1);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	} else if (strcmp(model, "periodic") == 0) {
		/* { model = "periodic", every = 1000 }: packets 1000, 2000, ... */
		cfg->kind = LOSS_PERIODIC;
		cfg->every = (uint64_t)host_get_int(L, idx, "loss", "every", 0, 1, INT64_MAX);
		if (!host_has(L, idx, "every"))
			host_error(L, "loss: a periodic model needs every = N");
	} else if (strcmp(model, "bernoulli") == 0) {
		cfg->kind = LOSS_BERNOULLI;
	} else if (strcmp(model, "gilbert") == 0 || strcmp(model, "gilbert-elliott") == 0) {
		cfg->kind = LOSS_GILBERT;
		cfg->r = host_get_num(L, idx, "loss", "r", 0.5, 0, 1);
		cfg->loss_good = host_get_num(L, idx, "loss", "loss_good", 0, 0, 1);
		cfg->loss_bad = host_get_num(L, idx, "loss", "loss_bad", 1, 0, 1);
	} else {
		host_error(L, "loss: unknown model '%s' (models: bernoulli, gilbert, list, periodic)", model);
	}
}

static void link_at(struct sim *s, void *obj, uint64_t up)
{
	(void)s;
	link_set_up(obj, up != 0);
}

/* down_at = "10s" or { "10s", "30s" }; with l NULL, only checks them (before
 * the link is made, so that a mistake leaves no half-made link behind) */
static void schedule_updown(lua_State *L, int opts, struct link *l, const char *key, bool up)
{
	lua_getfield(L, opts, key);
	int v = lua_gettop(L);
	if (lua_isnil(L, v)) {
		lua_pop(L, 1);
		return;
	}
	char what[32];
	snprintf(what, sizeof(what), "link: %s", key);
	if (lua_istable(L, v)) {
		lua_Integer n = luaL_len(L, v);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, v, i);
			char item[80];
			snprintf(item, sizeof(item), "%s[%lld]", what, (long long)i);
			simtime_t t = net_lua_check_time(L, -1, item);
			if (l)
				sim_at(host_sim(L), t, link_at, l, up);
			lua_pop(L, 1);
		}
	} else {
		simtime_t t = net_lua_check_time(L, v, what);
		if (l)
			sim_at(host_sim(L), t, link_at, l, up);
	}
	lua_pop(L, 1);
}

static int l_link(lua_State *L)
{
	static const char *const keys[] = {
		"rate", "delay", "jitter", "mtu", "cost", "loss", "queue", "addr", "down_at", "up_at", NULL,
	};
	struct node *a = net_lua_checknode(L, 1, "link: first node");
	struct node *b = net_lua_checknode(L, 2, "link: second node");
	if (lua_isnoneornil(L, 3))
		return host_error(L, "link: give its options, e.g. link(a, b, { rate = \"10Mbps\", delay = \"5ms\" })");
	host_check_keys(L, 3, "link", keys);
	net_lua_check_clock(L, "link");
	if (!host_has(L, 3, "rate"))
		return host_error(L, "link: 'rate' is required, e.g. rate = \"10Mbps\"");
	struct link_cfg cfg = { 0 };
	cfg.rate_bps = host_get_rate(L, 3, "link", "rate", 0);
	cfg.delay_ns = net_lua_get_span(L, 3, "link", "delay", 0);
	cfg.jitter_ns = net_lua_get_span(L, 3, "link", "jitter", 0);
	cfg.mtu = (uint32_t)host_get_int(L, 3, "link", "mtu", 1500, 68, 65535);
	cfg.cost = (uint32_t)host_get_int(L, 3, "link", "cost", 1, 1, 1000000000);
	lua_getfield(L, 3, "loss");
	get_loss(L, -1, "link", &cfg.loss);
	lua_pop(L, 1);
	if (lua_getfield(L, 3, "addr") != LUA_TNIL) {
		if (!lua_istable(L, -1) || luaL_len(L, -1) != 2)
			return host_error(L, "link: addr: expected { \"192.168.1.1/24\", \"192.168.1.2/24\" }, got %s",
					  lua_istable(L, -1) ? "a table without two entries" : luaL_typename(L, -1));
		for (int k = 0; k < 2; k++) {
			int plen = 0;
			lua_rawgeti(L, -1 - k, k + 1);
			const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			if (!s || ipv4_parse(s, &cfg.addr[k], &plen) < 0 || plen < 1 || plen > 31)
				return host_error(L, "link: addr: expected { \"192.168.1.1/24\", \"192.168.1.2/24\" }");
			if (cfg.addr[k] == 0) /* 0 stands for "no address yet" everywhere */
				return host_error(L, "link: addr: 0.0.0.0 is not an address a node can have");
			cfg.plen[k] = (uint8_t)plen;
		}
		lua_pop(L, 2);
		if ((cfg.addr[0] & prefix_mask(cfg.plen[0])) != (cfg.addr[1] & prefix_mask(cfg.plen[1])))
			return host_error(L, "link: addr: both ends must be in the same subnet");
	}
	lua_pop(L, 1);
	schedule_updown(L, 3, NULL, "down_at", false);
	schedule_updown(L, 3, NULL, "up_at", true);
	struct errbuf err;
	struct link *l = link_new(lnet(L), a, b, &cfg, &err);
	if (!l)
		return host_error(L, "link: %s", err.msg);
	if (lua_getfield(L, 3, "queue") != LUA_TNIL)
		for (int k = 0; k < 2; k++)
			link_set_qdisc(l, k, queue_lua_build(L, -1, "link: queue", l->end[k]->name));
	lua_pop(L, 1);
	schedule_updown(L, 3, l, "down_at", false);
	schedule_updown(L, 3, l, "up_at", true);
	struct host *h = host_of(L);
	if (host_started(h) && host_pcap_dir(h)) /* files of the first links open at the start */
		for (int k = 0; k < 2; k++)
			if (net_pcap_open_iface(l->end[k], host_pcap_dir(h), &err) < 0)
				return host_error(L, "link: %s", err.msg);
	push_handle(L, l, LINK_MT);
	return 1;
}

/* Which direction a method applies to: nil for both, or the sending node. */
static int side_arg(lua_State *L, struct link *l, int idx, const char *what)
{
	if (lua_isnoneornil(L, idx))
		return -1;
	struct node *nd = net_lua_checknode(L, idx, what);
	for (int k = 0; k < 2; k++)
		if (l->end[k]->node == nd)
			return k;
	return host_error(L, "%s: %s is not an end of link %s", what, nd->name, l->name);
}

static int link_down(lua_State *L) { link_set_up(checklink(L, "down"), false); return 0; }
static int link_up(lua_State *L) { link_set_up(checklink(L, "up"), true); return 0; }

static int link_rate(lua_State *L)
{
	struct link *l = checklink(L, "set_rate");
	if (lua_isnone(L, 2))
		return host_error(L, "set_rate: rate: missing, e.g. l:set_rate(\"5Mbps\")");
	uint64_t r = host_to_rate(L, 2, "set_rate: rate");
	link_set_rate(l, side_arg(L, l, 3, "set_rate"), r);
	return 0;
}

static int link_delay(lua_State *L)
{
	struct link *l = checklink(L, "set_delay");
	if (lua_isnone(L, 2))
		return host_error(L, "set_delay: delay: missing, e.g. l:set_delay(\"10ms\")");
	simtime_t d = net_lua_check_span(L, 2, "set_delay: delay");
	link_set_delay(l, side_arg(L, l, 3, "set_delay"), d);
	return 0;
}

static int link_loss(lua_State *L)
{
	struct link *l = checklink(L, "set_loss");
	struct loss_cfg cfg;
	get_loss(L, 2, "set_loss", &cfg);
	struct errbuf err;
	if (link_set_loss(l, side_arg(L, l, 3, "set_loss"), &cfg, &err) < 0)
		return host_error(L, "set_loss: %s", err.msg);
	return 0;
}

static int link_queue(lua_State *L)
{
	struct link *l = checklink(L, "set_queue");
	int side = side_arg(L, l, 3, "set_queue");
	for (int k = 0; k < 2; k++)
		if (side < 0 || side == k)
			link_set_qdisc(l, k, queue_lua_build(L, 2, "set_queue", l->end[k]->name));
	return 0;
}

/* l:queue_name(from) -> "r1->r2": the entity of the queue at from's end */
static int link_queue_name(lua_State *L)
{
	struct link *l = checklink(L, "queue_name");
	int side = side_arg(L, l, 2, "queue_name");
	lua_pushstring(L, l->end[side < 0 ? 0 : side]->name);
	return 1;
}

static int link_stats(lua_State *L)
{
	struct link *l = checklink(L, "stats");
	lua_createtable(L, 0, 8);
	lua_pushinteger(L, (lua_Integer)l->lost);
	lua_setfield(L, -2, "lost");
	lua_pushinteger(L, (lua_Integer)l->dropped_down);
	lua_setfield(L, -2, "dropped_down");
	for (int k = 0; k < 2; k++) {
		struct iface *ifc = l->end[k];
		lua_createtable(L, 0, 8);
		lua_pushinteger(L, (lua_Integer)ifc->tx_pkts);
		lua_setfield(L, -2, "tx_pkts");
		lua_pushinteger(L, (lua_Integer)ifc->rx_pkts);
		lua_setfield(L, -2, "rx_pkts");
		lua_pushinteger(L, (lua_Integer)ifc->q->st.dropped);
		lua_setfield(L, -2, "queue_drops");
		lua_pushinteger(L, (lua_Integer)ifc->q->st.marked);
		lua_setfield(L, -2, "queue_marks");
		lua_pushinteger(L, (lua_Integer)ifc->q->qlen);
		lua_setfield(L, -2, "queue_pkts");
		lua_setfield(L, -2, ifc->node->name);
	}
	return 1;
}

static int link_index(lua_State *L)
{
	struct link *l = checklink(L, "__index");
	if (lua_type(L, 2) != LUA_TSTRING)
		return 0; /* l[5] is nil, as in a table */
	const char *k = lua_tostring(L, 2);
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, l->name);
		return 1;
	}
	if (strcmp(k, "a") == 0 || strcmp(k, "b") == 0) {
		net_lua_pushnode(L, l->end[k[0] == 'b']->node);
		return 1;
	}
	if (strcmp(k, "is_up") == 0) {
		lua_pushboolean(L, l->up);
		return 1;
	}
	luaL_getmetatable(L, LINK_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int link_tostring(lua_State *L)
{
	lua_pushfstring(L, "link %s", checklink(L, "__tostring")->name);
	return 1;
}

/* ---- routing{ delay = "0ms", mode = "spf" | "static" } ---- */

static int l_routing(lua_State *L)
{
	static const char *const keys[] = { "delay", "mode", NULL };
	struct net *n = lnet(L);
	if (lua_isnone(L, 1))
		return host_error(L, "routing: expected a table of options { delay = ..., mode = ... }, got nothing");
	host_check_keys(L, 1, "routing", keys);
	n->route_delay = net_lua_get_span(L, 1, "routing", "delay", n->route_delay);
	const char *mode = host_get_str(L, 1, "routing", "mode", n->spf ? "spf" : "static");
	if (strcmp(mode, "spf") == 0)
		n->spf = true;
	else if (strcmp(mode, "static") == 0)
		n->spf = false;
	else
		return host_error(L, "routing: mode: expected \"spf\" or \"static\", got '%s'", mode);
	return 0;
}

/* ---- life cycle ---- */

static void on_start(struct host *h, void *arg)
{
	struct net *n = arg;
	net_routes_compute(n);
	if (host_pcap_dir(h)) {
		struct errbuf err;
		if (net_pcap_open(n, host_pcap_dir(h), &err) < 0)
			sim_fail(n->sim, "%s", err.msg);
	}
}

static void on_stop(struct host *h, void *arg)
{
	(void)h;
	net_report(arg);
}

static void on_finish(struct host *h, void *arg)
{
	(void)h;
	net_pcap_close(arg);
}

static void new_class(lua_State *L, const char *mt, lua_CFunction index, lua_CFunction tostring,
		      const luaL_Reg *methods)
{
	luaL_newmetatable(L, mt);
	lua_pushcfunction(L, index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, tostring);
	lua_setfield(L, -2, "__tostring");
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
}

static int net_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)err;
	struct net *n = net_get(host_sim(L));
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &CACHE_KEY);
	static const luaL_Reg node_methods[] = {
		{ "ifaces", node_ifaces }, { "route", node_route }, { "routes", node_routes },
		{ NULL, NULL },
	};
	static const luaL_Reg link_methods[] = {
		{ "down", link_down }, { "up", link_up }, { "set_rate", link_rate },
		{ "set_delay", link_delay }, { "set_loss", link_loss }, { "set_queue", link_queue },
		{ "queue_name", link_queue_name }, { "stats", link_stats }, { NULL, NULL },
	};
	new_class(L, NODE_MT, node_index, node_tostring, node_methods);
	new_class(L, LINK_MT, link_index, link_tostring, link_methods);
	host_register(L, "node", l_node);
	host_register(L, "router", l_router);
	host_register(L, "link", l_link);
	host_register(L, "routing", l_routing);
	host_on_start(h, on_start, n);
	host_on_stop(h, on_stop, n);
	host_on_finish(h, on_finish, n);
	/* the topology helpers are Lua, for students to read */
	host_push_env(L);
	lua_getfield(L, -1, "require");
	lua_pushstring(L, "topo");
	lua_call(L, 1, 1);
	lua_setfield(L, -2, "topo");
	lua_pop(L, 1);
	return 0;
}

const struct host_module net_module = { "net", net_open };
