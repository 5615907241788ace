/* Lua binding of bare BGP sessions (bgp_session.h), for tests and labs of
 * the protocol itself: one end of a peering per call, no RIB.  Speakers
 * with RIBs and policies are bgp.speaker (bgp_lua.c).
 *
 *   local ab = bgp.session { node = a, peer = b, local_as = 65001, peer_as = 65002,
 *                            hold = "90s", keepalive = "30s", connect_retry = "120s",
 *                            passive = false, jitter = false, nodelay = false,
 *                            restart = true, start = "0s",
 *                            on_established = function(s) end,
 *                            on_down = function(s, reason, code, subcode) end,
 *                            on_update = function(s, u) end }
 *   local ba = bgp.session { node = b, peer = a, local_as = 65002, peer_as = 65001 }
 *   -- the whole-Internet transport: an in-order channel, no TCP
 *   local x = bgp.session { transport = "channel", id = "1.1.1.1", local_as = 1, peer_as = 2 }
 *   local y = bgp.session { transport = "channel", id = "2.2.2.2", local_as = 2, peer_as = 1,
 *                           with = x, delay = "10ms" }
 *   ab:state()  ab:stats()  ab:hold_time()  ab:keepalive_time()
 *   ab:announce { prefixes = { "10.0.0.0/8" }, as_path = { 65001 }, next_hop = a,
 *                 origin = "igp", med = 10, communities = { "65001:100" } }
 *   ab:withdraw { "10.0.0.0/8" }
 *   ab:silence(true)    -- sends nothing more: the peer's Hold Timer runs out
 *   ab:send_raw(bytes)  -- a message of the script's own making (tests)
 *   ab:stop()  ab:start()  ab:down() / ab:up() (channel fails / comes back)
 *
 * The peer address over TCP is the address of peer's interface towards
 * node when they share a link, else peer's first address.  on_update gets
 * { nlri = {...}, withdrawn = {...}, as_path = "65002 65010",
 *   next_hop = "10.0.0.2", treat_as_withdraw = bool, error = "3/6" }. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/host.h"
#include "models/bgp/bgp_session.h"
#include "models/net/net_lua.h"
#include "sim/packet.h"
#include "sim/sim.h"
#include "sim/util.h"

static const char SESS_MT[] = "wirelab.bgpsession";

struct lsess {
	struct lsess *next;
	lua_State *L;
	struct host *h;
	struct bgp_session *s;
	struct node *nd;
	int self;
	int on_up, on_down, on_update;
};

struct lsess_world {
	struct lsess *all;
};

static void world_free(void *p)
{
	struct lsess_world *w = p;
	while (w->all) {
		struct lsess *x = w->all;
		w->all = x->next;
		bgp_session_free_at_exit(x->s);
		free(x);
	}
	free(w);
}

static struct lsess_world *world(lua_State *L)
{
	struct sim *s = host_sim(L);
	struct lsess_world *w = sim_ext_get(s, "bgp_session_lua");
	if (!w) {
		w = xcalloc(1, sizeof *w);
		sim_ext_set(s, "bgp_session_lua", w, world_free);
	}
	return w;
}

static struct lsess *checksess(lua_State *L, const char *method)
{
	return net_lua_checkself(L, SESS_MT, "a BGP session", method);
}

static int get_callback(lua_State *L, const char *key)
{
	if (lua_getfield(L, 1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return LUA_NOREF;
	}
	if (!lua_isfunction(L, -1))
		host_error(L, "bgp.session: %s: expected a function, got %s", key, luaL_typename(L, -1));
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- callbacks ---- */

static void cb_up(struct bgp_session *s, void *ctx)
{
	(void)s;
	struct lsess *x = ctx;
	if (x->on_up == LUA_NOREF)
		return;
	host_push_ref(x->L, x->on_up);
	lua_rawgeti(x->L, LUA_REGISTRYINDEX, x->self);
	host_pcall(x->h, 1, 0);
}

static void cb_down(struct bgp_session *s, const struct bgp_down *d, void *ctx)
{
	(void)s;
	struct lsess *x = ctx;
	if (x->on_down == LUA_NOREF)
		return;
	lua_State *L = x->L;
	host_push_ref(L, x->on_down);
	lua_rawgeti(L, LUA_REGISTRYINDEX, x->self);
	lua_pushstring(L, bgp_down_reason_name(d->reason));
	lua_pushinteger(L, d->code);
	lua_pushinteger(L, d->subcode);
	host_pcall(x->h, 4, 0);
}

static void push_prefixes(lua_State *L, const struct bgp_prefix *p, uint32_t n)
{
	lua_createtable(L, (int)n, 0);
	for (uint32_t i = 0; i < n; i++) {
		char b[24];
		lua_pushstring(L, bgp_prefix_str(&p[i], b, sizeof b));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void cb_update(struct bgp_session *s, const struct bgp_update *u, void *ctx)
{
	(void)s;
	struct lsess *x = ctx;
	if (x->on_update == LUA_NOREF)
		return;
	lua_State *L = x->L;
	host_push_ref(L, x->on_update);
	lua_rawgeti(L, LUA_REGISTRYINDEX, x->self);
	lua_createtable(L, 0, 6);
	push_prefixes(L, u->nlri, u->n_nlri);
	lua_setfield(L, -2, "nlri");
	push_prefixes(L, u->withdrawn, u->n_withdrawn);
	lua_setfield(L, -2, "withdrawn");
	if (u->has_attrs) {
		char b[512];
		lua_pushstring(L, bgp_aspath_str(&u->attrs.as_path, b, sizeof b));
		lua_setfield(L, -2, "as_path");
		if (bgp_attrs_has(&u->attrs, BGP_ATTR_NEXT_HOP)) {
			lua_pushstring(L, ipv4_fmt(b, u->attrs.next_hop));
			lua_setfield(L, -2, "next_hop");
		}
	}
	lua_pushboolean(L, u->treat_as_withdraw);
	lua_setfield(L, -2, "treat_as_withdraw");
	if (u->treat_as_withdraw) {
		lua_pushfstring(L, "%d/%d", u->tw_err.code, u->tw_err.subcode);
		lua_setfield(L, -2, "error");
	}
	host_pcall(x->h, 2, 0);
}

static const struct bgp_session_cb lua_cbs = {
	.established = cb_up, .down = cb_down, .update = cb_update,
};

/* ---- bgp.session{} ---- */

static uint32_t get_asn(lua_State *L, const char *key, bool required)
{
	if (!required && !host_has(L, 1, key))
		return 0;
	if (!host_has(L, 1, key))
		host_error(L, "bgp.session: %s is required (an AS number from 1 to 4294967295)", key);
	return (uint32_t)host_get_int(L, 1, "bgp.session", key, 0, 1, 4294967295LL);
}

static uint32_t peer_address(struct node *nd, struct node *peer)
{
	struct iface *ifc = node_iface_to(peer, nd);
	return ifc ? ifc->addr : node_addr(peer);
}

static int l_session(lua_State *L)
{
	static const char *const keys[] = {
		"node", "peer", "local_as", "peer_as", "id", "hold", "keepalive", "connect_retry",
		"passive", "jitter", "nodelay", "restart", "idle_hold", "start", "rfc7606",
		"transport", "with", "delay", "name", "log",
		"on_established", "on_down", "on_update", NULL,
	};
	const char *W = "bgp.session";
	host_check_table(L, 1, W);
	host_check_keys(L, 1, W, keys);
	struct bgp_session_config c;
	bgp_session_config_default(&c);
	const char *tr = host_get_str(L, 1, W, "transport", "tcp");
	if (strcmp(tr, "tcp") == 0)
		c.transport = BGP_TRANSPORT_TCP;
	else if (strcmp(tr, "channel") == 0)
		c.transport = BGP_TRANSPORT_CHANNEL;
	else
		return host_error(L, "bgp.session: transport: expected \"tcp\" or \"channel\", got \"%s\"", tr);
	struct node *nd = NULL, *peer = NULL;
	if (c.transport == BGP_TRANSPORT_TCP || host_has(L, 1, "node"))
		nd = net_lua_getnode(L, 1, W, "node");
	if (c.transport == BGP_TRANSPORT_TCP) {
		if (!host_has(L, 1, "peer"))
			return host_error(L, "bgp.session: peer is required over TCP (a node or an address)");
		lua_getfield(L, 1, "peer");
		peer = net_lua_tonode(L, -1);
		c.peer_addr = peer ? peer_address(nd, peer) : net_lua_checkaddr(L, -1, "bgp.session: peer");
		lua_pop(L, 1);
	} else if (host_has(L, 1, "peer")) {
		c.peer_addr = net_lua_getaddr(L, 1, W, "peer");
	}
	c.local_as = get_asn(L, "local_as", true);
	c.peer_as = get_asn(L, "peer_as", false);
	if (host_has(L, 1, "id"))
		c.local_id = net_lua_getaddr(L, 1, W, "id");
	c.hold_time = net_lua_get_span(L, 1, W, "hold", c.hold_time);
	if (c.hold_time % SIM_S(1))
		return host_error(L, "bgp.session: hold: a whole number of seconds expected (OPEN carries seconds)");
	if (c.hold_time != 0 && c.hold_time < SIM_S(3))
		return host_error(L, "bgp.session: hold: 0 or at least 3s expected (RFC 4271 §4.2)");
	if (c.hold_time > SIM_S(65535))
		return host_error(L, "bgp.session: hold: at most 65535s");
	c.keepalive = net_lua_get_span(L, 1, W, "keepalive", 0);
	c.connect_retry = net_lua_get_span(L, 1, W, "connect_retry", c.connect_retry);
	if (c.connect_retry <= 0)
		return host_error(L, "bgp.session: connect_retry: a positive duration expected");
	c.idle_hold = net_lua_get_span(L, 1, W, "idle_hold", c.idle_hold);
	c.start_delay = net_lua_get_span(L, 1, W, "start", 0);
	c.passive = host_get_bool(L, 1, W, "passive", false);
	c.jitter = host_get_bool(L, 1, W, "jitter", c.jitter);
	c.tcp_nodelay = host_get_bool(L, 1, W, "nodelay", false);
	c.restart_after_error = host_get_bool(L, 1, W, "restart", true);
	c.rfc7606 = host_get_bool(L, 1, W, "rfc7606", true);
	c.log = host_get_bool(L, 1, W, "log", true);
	c.channel_delay = net_lua_get_span(L, 1, W, "delay", SIM_MS(1));
	c.name = host_get_str(L, 1, W, "name", NULL);
	struct lsess *with = NULL;
	if (host_has(L, 1, "with")) {
		if (c.transport != BGP_TRANSPORT_CHANNEL)
			return host_error(L, "bgp.session: with: only for transport = \"channel\"");
		lua_getfield(L, 1, "with");
		struct lsess **ud = luaL_testudata(L, -1, SESS_MT);
		if (!ud)
			return host_error(L, "bgp.session: with: expected a BGP session, got %s",
					  luaL_typename(L, -1));
		with = *ud;
		lua_pop(L, 1);
		if (bgp_session_config(with->s)->transport != BGP_TRANSPORT_CHANNEL)
			return host_error(L, "bgp.session: with: that session is not a channel session");
	}
	struct lsess *x = xcalloc(1, sizeof *x);
	x->L = host_lua(host_of(L));
	x->h = host_of(L);
	x->nd = nd;
	x->on_up = get_callback(L, "on_established");
	x->on_down = get_callback(L, "on_down");
	x->on_update = get_callback(L, "on_update");
	struct lsess_world *w = world(L);
	char err[256];
	x->s = bgp_session_new(host_sim(L), nd, &c, &lua_cbs, x, err, sizeof err);
	if (!x->s) {
		free(x);
		return host_error(L, "bgp.session: %s", err);
	}
	if (with && bgp_channel_join(x->s, with->s) < 0) {
		bgp_session_free(x->s);
		free(x);
		return host_error(L, "bgp.session: with: that session is already joined to another");
	}
	x->next = w->all;
	w->all = x;
	struct lsess **ud = lua_newuserdatauv(L, sizeof *ud, 0);
	*ud = x;
	luaL_setmetatable(L, SESS_MT);
	lua_pushvalue(L, -1);
	x->self = luaL_ref(L, LUA_REGISTRYINDEX);
	bgp_session_start(x->s);
	return 1;
}

/* ---- methods ---- */

static int m_state(lua_State *L)
{
	struct lsess *x = checksess(L, "state");
	lua_pushstring(L, bgp_state_name(bgp_session_state(x->s)));
	return 1;
}

static void setnum(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static int m_stats(lua_State *L)
{
	struct lsess *x = checksess(L, "stats");
	const struct bgp_session_stats *st = bgp_session_stats(x->s);
	static const char *const names[6] = { NULL, "open", "update", "notification", "keepalive",
					      "refresh" };
	lua_createtable(L, 0, 20);
	for (int t = 1; t <= 5; t++) {
		char k[32];
		snprintf(k, sizeof k, "%s_out", names[t]);
		setnum(L, k, (lua_Integer)st->msgs_out[t]);
		snprintf(k, sizeof k, "%s_in", names[t]);
		setnum(L, k, (lua_Integer)st->msgs_in[t]);
	}
	setnum(L, "bytes_out", (lua_Integer)st->bytes_out);
	setnum(L, "bytes_in", (lua_Integer)st->bytes_in);
	setnum(L, "established_count", (lua_Integer)st->established_count);
	/* times in ns; -1 for never */
	setnum(L, "last_established", st->last_established == SIM_NEVER ? -1 : st->last_established);
	setnum(L, "last_down", st->last_down == SIM_NEVER ? -1 : st->last_down);
	setnum(L, "last_rx", st->last_rx == SIM_NEVER ? -1 : st->last_rx);
	setnum(L, "last_keepalive_out",
	       st->last_keepalive_out == SIM_NEVER ? -1 : st->last_keepalive_out);
	lua_pushfstring(L, "%d/%d", st->last_notif_sent[0], st->last_notif_sent[1]);
	lua_setfield(L, -2, "notification_sent");
	lua_pushfstring(L, "%d/%d", st->last_notif_rcvd[0], st->last_notif_rcvd[1]);
	lua_setfield(L, -2, "notification_received");
	return 1;
}

static int m_hold_time(lua_State *L)
{
	struct lsess *x = checksess(L, "hold_time");
	lua_pushinteger(L, bgp_session_hold_time(x->s));
	return 1;
}

static int m_keepalive_time(lua_State *L)
{
	struct lsess *x = checksess(L, "keepalive_time");
	lua_pushinteger(L, bgp_session_keepalive_time(x->s));
	return 1;
}

static int m_silence(lua_State *L)
{
	struct lsess *x = checksess(L, "silence");
	bool on = lua_isnone(L, 2) ? true : lua_toboolean(L, 2);
	bgp_session_silence(x->s, on);
	return 0;
}

static int m_send_raw(lua_State *L)
{
	struct lsess *x = checksess(L, "send_raw");
	size_t n;
	const char *b = luaL_checklstring(L, 2, &n);
	if (n == 0 || n > 65536)
		return luaL_argerror(L, 2, "1 to 65536 bytes expected");
	lua_pushboolean(L, bgp_session_send_raw(x->s, (const uint8_t *)b, n) == 0);
	return 1;
}

static struct bgp_prefix check_prefix(lua_State *L, int idx, const char *what)
{
	const char *s = lua_tostring(L, idx);
	uint32_t a;
	int len = 32;
	if (!s || ipv4_parse(s, &a, &len) < 0 || len < 0 || len > 32)
		host_error(L, "%s: expected a prefix like \"10.0.0.0/8\", got %s", what,
			   s ? s : luaL_typename(L, idx));
	if (len < 32 && (a & ~(len ? ~0u << (32 - len) : 0)))
		host_error(L, "%s: %s has host bits set", what, s);
	return (struct bgp_prefix){ a, (uint8_t)len };
}

/* Reads a list of prefixes from the table at idx into a new array. */
static struct bgp_prefix *get_prefixes(lua_State *L, int idx, const char *what, uint32_t *n)
{
	if (!lua_istable(L, idx))
		host_error(L, "%s: expected a list of prefixes, got %s", what, luaL_typename(L, idx));
	lua_Integer len = luaL_len(L, idx);
	if (len < 1 || len > 100000)
		host_error(L, "%s: expected 1 to 100000 prefixes", what);
	struct bgp_prefix *p = lua_newuserdatauv(L, (size_t)len * sizeof *p, 0); /* freed by GC */
	for (lua_Integer i = 1; i <= len; i++) {
		lua_rawgeti(L, idx, i);
		p[i - 1] = check_prefix(L, -1, what);
		lua_pop(L, 1);
	}
	*n = (uint32_t)len;
	return p;
}

static int m_announce(lua_State *L)
{
	static const char *const keys[] = { "prefixes", "as_path", "next_hop", "origin", "med",
					    "local_pref", "communities", NULL };
	const char *W = "announce";
	struct lsess *x = checksess(L, "announce");
	host_check_table(L, 2, W);
	lua_pushvalue(L, 2);
	lua_replace(L, 1);      /* the getters read index 1 */
	host_check_keys(L, 1, W, keys);
	if (bgp_session_state(x->s) != BGP_ESTABLISHED)
		return host_error(L, "announce: the session is %s, not Established",
				  bgp_state_name(bgp_session_state(x->s)));
	lua_getfield(L, 1, "prefixes");
	uint32_t np;
	struct bgp_prefix *p = get_prefixes(L, lua_gettop(L), "announce: prefixes", &np);
	struct bgp_attrs a;
	bgp_attrs_init(&a);
	a.present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) | BGP_AP(BGP_ATTR_NEXT_HOP);
	const char *o = host_get_str(L, 1, W, "origin", "igp");
	if (strcmp(o, "igp") == 0) a.origin = BGP_ORIGIN_IGP;
	else if (strcmp(o, "egp") == 0) a.origin = BGP_ORIGIN_EGP;
	else if (strcmp(o, "incomplete") == 0) a.origin = BGP_ORIGIN_INCOMPLETE;
	else return host_error(L, "announce: origin: expected \"igp\", \"egp\" or \"incomplete\"");
	if (host_has(L, 1, "next_hop"))
		a.next_hop = net_lua_getaddr(L, 1, W, "next_hop");
	else
		a.next_hop = x->nd ? node_addr(x->nd) : bgp_session_config(x->s)->local_id;
	if (host_has(L, 1, "med")) {
		a.present |= BGP_AP(BGP_ATTR_MED);
		a.med = (uint32_t)host_get_int(L, 1, W, "med", 0, 0, 4294967295LL);
	}
	if (host_has(L, 1, "local_pref")) {
		a.present |= BGP_AP(BGP_ATTR_LOCAL_PREF);
		a.local_pref = (uint32_t)host_get_int(L, 1, W, "local_pref", 0, 0, 4294967295LL);
	}
	/* the path: as given, or our AS alone */
	uint32_t asns[255];
	unsigned na = 0;
	if (lua_getfield(L, 1, "as_path") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return host_error(L, "announce: as_path: expected a list of AS numbers");
		lua_Integer len = luaL_len(L, -1);
		if (len > 255)
			return host_error(L, "announce: as_path: at most 255 AS numbers");
		for (lua_Integer i = 1; i <= len; i++) {
			lua_rawgeti(L, -1, i);
			lua_Integer v = lua_tointeger(L, -1);
			if (!lua_isinteger(L, -1) || v < 1 || v > 4294967295LL)
				return host_error(L, "announce: as_path[%d]: expected an AS number", (int)i);
			asns[na++] = (uint32_t)v;
			lua_pop(L, 1);
		}
	} else {
		asns[na++] = bgp_session_config(x->s)->local_as;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "communities") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return host_error(L, "announce: communities: expected a list like { \"65001:100\" }");
		lua_Integer len = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= len; i++) {
			lua_rawgeti(L, -1, i);
			const char *cs = lua_tostring(L, -1);
			unsigned hi, lo;
			char extra;
			if (!cs || sscanf(cs, "%u:%u%c", &hi, &lo, &extra) != 2 || hi > 65535 || lo > 65535) {
				bgp_attrs_clear(&a);
				return host_error(L, "announce: communities[%d]: expected \"asn:value\" with "
						  "both at most 65535", (int)i);
			}
			bgp_attrs_add_community(&a, hi << 16 | lo);
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	bgp_aspath_from_seq(&a.as_path, asns, na);
	int n = bgp_session_send_update(x->s, NULL, 0, &a, p, np);
	bgp_attrs_clear(&a);
	lua_pushinteger(L, n);
	return 1;
}

static int m_withdraw(lua_State *L)
{
	struct lsess *x = checksess(L, "withdraw");
	if (bgp_session_state(x->s) != BGP_ESTABLISHED)
		return host_error(L, "withdraw: the session is %s, not Established",
				  bgp_state_name(bgp_session_state(x->s)));
	uint32_t np;
	struct bgp_prefix *p = get_prefixes(L, 2, "withdraw", &np);
	lua_pushinteger(L, bgp_session_send_update(x->s, p, np, NULL, NULL, 0));
	return 1;
}

static int m_stop(lua_State *L)
{
	struct lsess *x = checksess(L, "stop");
	bgp_session_stop(x->s);
	return 0;
}

static int m_start(lua_State *L)
{
	struct lsess *x = checksess(L, "start");
	bgp_session_start(x->s);
	return 0;
}

static int m_down(lua_State *L)
{
	struct lsess *x = checksess(L, "down");
	if (bgp_session_config(x->s)->transport != BGP_TRANSPORT_CHANNEL)
		return host_error(L, "down: only a channel session's channel can fail (over TCP, take the link down)");
	bgp_channel_set_up(x->s, false);
	return 0;
}

static int m_up(lua_State *L)
{
	struct lsess *x = checksess(L, "up");
	if (bgp_session_config(x->s)->transport != BGP_TRANSPORT_CHANNEL)
		return host_error(L, "up: only a channel session's channel can fail (over TCP, take the link down)");
	bgp_channel_set_up(x->s, true);
	return 0;
}

static int sess_index(lua_State *L)
{
	struct lsess *x = *(struct lsess **)luaL_checkudata(L, 1, SESS_MT);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, bgp_session_name(x->s));
		return 1;
	}
	luaL_getmetatable(L, SESS_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int sess_tostring(lua_State *L)
{
	struct lsess *x = *(struct lsess **)luaL_checkudata(L, 1, SESS_MT);
	lua_pushfstring(L, "bgp session %s (%s)", bgp_session_name(x->s),
			bgp_state_name(bgp_session_state(x->s)));
	return 1;
}

static int bgp_session_lua_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, SESS_MT);
	lua_pushcfunction(L, sess_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, sess_tostring);
	lua_setfield(L, -2, "__tostring");
	static const luaL_Reg methods[] = {
		{ "state", m_state }, { "stats", m_stats }, { "hold_time", m_hold_time },
		{ "keepalive_time", m_keepalive_time }, { "silence", m_silence },
		{ "send_raw", m_send_raw }, { "announce", m_announce }, { "withdraw", m_withdraw },
		{ "stop", m_stop }, { "start", m_start }, { "down", m_down }, { "up", m_up },
		{ NULL, NULL },
	};
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
	host_register(L, "bgp.session", l_session);
	return 0;
}

const struct host_module bgp_session_module = { "bgp_session", bgp_session_lua_open };
