/* Lua bindings of BGP speakers:
 *
 *   local s1 = bgp.speaker { node = r1, as = 65001, id = "1.1.1.1",
 *                            mrai = "30s", jitter = false,
 *                            processing = "frr" }   -- or "bird", or { hold = "50ms", fib = "1ms" }
 *   s1:peer { with = s2, relation = "customer", import = {...}, export = {...},
 *             delay = "5ms", max_prefix = 100 }
 *   s1:announce("203.0.113.0/24", { med = 10, communities = { "65001:1" } })
 *   s1:withdraw("203.0.113.0/24")
 *   s1:best("203.0.113.0/24")   -- nil, or { path = "65002 65003", as_path = {...}, from = ..., ... }
 *   s1:routes(prefix)   s1:stats()   bgp.stats()
 *   bgp.asgraph { ... }: the whole AS graph (bgp_asgraph_lua.c)
 *
 * relation is what the peer is to this speaker (Gao-Rexford): "customer",
 * "peer", "provider", or "none"; the other end gets the inverse.  A
 * session is configured from either end; a second s2:peer { with = s1 }
 * configures s2's end of the same session.  Sessions are direct in-order
 * channels (bgp_chan.h) with a one-way delay (default: the link's delay
 * when the two nodes share a link, else 1 ms).  bgp_best events record
 * every change of a best route (record { "bgp_best" }, or log = true on a
 * speaker). */
#include "bgp_lua.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_chan.h"
#include "bgp_sess.h"
#include "bgp_speaker.h"
#include "cli/host.h"
#include "models/net/net_lua.h"
#include "sim/packet.h"
#include "sim/util.h"

static const char SPEAKER_MT[] = "wirelab.bgp_speaker";
static const char PEER_MT[] = "wirelab.bgp_peer";

static struct bgp_speaker *checkspeaker(lua_State *L, const char *method)
{
	return net_lua_checkself(L, SPEAKER_MT, "a BGP speaker", method);
}

void bgp_lua_push_speaker(lua_State *L, struct bgp_speaker *sp)
{
	struct bgp_speaker **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = sp;
	luaL_setmetatable(L, SPEAKER_MT);
}

static struct bgp_speaker *tospeaker(lua_State *L, int idx)
{
	struct bgp_speaker **ud = luaL_testudata(L, idx, SPEAKER_MT);
	return ud ? *ud : NULL;
}

static void push_peer(lua_State *L, struct bgp_peer *p)
{
	struct bgp_peer **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = p;
	luaL_setmetatable(L, PEER_MT);
}

struct bgp_prefix bgp_lua_checkprefix(lua_State *L, int idx, const char *what)
{
	struct bgp_prefix p;
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	if (!s)
		host_error(L, "%s: expected a prefix as \"a.b.c.d/len\", got %s", what, luaL_typename(L, idx));
	if (bgp_prefix_parse(s, &p) < 0)
		host_error(L, "%s: expected a prefix as \"a.b.c.d/len\" with no host bits set, got '%s'", what, s);
	return p;
}

static uint32_t get_id(lua_State *L, int idx, const char *what, const char *key)
{
	int t = lua_getfield(L, idx, key);
	uint32_t v = 0;
	if (t == LUA_TSTRING) {
		int len = -1;
		if (strchr(lua_tostring(L, -1), '/') || ipv4_parse(lua_tostring(L, -1), &v, &len) < 0 || v == 0)
			host_error(L, "%s: %s: expected a nonzero dotted quad like \"1.1.1.1\", got '%s'", what, key,
				   lua_tostring(L, -1));
	} else if (t != LUA_TNIL) {
		host_error(L, "%s: %s: expected a dotted quad like \"1.1.1.1\", got %s", what, key,
			   luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	return v;
}

void bgp_lua_get_processing(lua_State *L, int idx, const char *what, struct bgp_speaker_cfg *c)
{
	int t = lua_getfield(L, idx, "processing");
	int top = lua_gettop(L);
	if (t == LUA_TSTRING) {
		const char *s = lua_tostring(L, -1);
		if (strcmp(s, "frr") == 0) {
			c->proc.in_hold = SIM_MS(50); /* FRR's update work queue hold (issue 10) */
		} else if (strcmp(s, "bird") == 0) {
			c->proc.in_hold = 0; /* BIRD: no hold, no MRAI */
			c->mrai_ebgp = c->mrai_ibgp = 0;
		} else {
			host_error(L, "%s: processing: expected \"frr\", \"bird\" or { hold =, fib = }, got '%s'", what,
				   s);
		}
	} else if (t == LUA_TTABLE) {
		static const char *const keys[] = { "hold", "fib", NULL };
		char w[64];
		snprintf(w, sizeof(w), "%s: processing", what);
		host_check_keys(L, top, w, keys);
		c->proc.in_hold = net_lua_get_span(L, top, w, "hold", 0);
		c->proc.fib_delay = net_lua_get_span(L, top, w, "fib", 0);
	} else if (t != LUA_TNIL) {
		host_error(L, "%s: processing: expected \"frr\", \"bird\" or a table, got %s", what,
			   luaL_typename(L, -1));
	}
	lua_pop(L, 1);
}

/* bgp.speaker { as =, node =, id =, name =, mrai =, mrai_ibgp =, jitter =,
 *               mrai_withdrawals =, processing =, always_compare_med =,
 *               med_missing_as_worst =, cluster_id =, log = } */
static int l_speaker(lua_State *L)
{
	static const char *const keys[] = { "as", "node", "id", "name", "mrai", "mrai_ibgp", "jitter",
					    "mrai_withdrawals", "processing", "always_compare_med",
					    "med_missing_as_worst", "cluster_id", "log", "damping", NULL };
	const char *what = "bgp.speaker";
	host_check_table(L, 1, what);
	host_check_keys(L, 1, what, keys);
	struct bgp_speaker_cfg c;
	bgp_speaker_cfg_default(&c);
	if (!host_has(L, 1, "as"))
		return host_error(L, "bgp.speaker: as: expected the speaker's AS number (1..4294967295)");
	c.as = (uint32_t)host_get_int(L, 1, what, "as", 0, 1, UINT32_MAX);
	if (host_has(L, 1, "node"))
		c.node = net_lua_getnode(L, 1, what, "node");
	c.router_id = get_id(L, 1, what, "id");
	c.cluster_id = get_id(L, 1, what, "cluster_id");
	const char *name = host_get_str(L, 1, what, "name", NULL);
	if (name && (!*name || strlen(name) >= 32))
		host_error(L, "%s: name: expected 1 to 31 characters", what);
	c.name = name;
	c.mrai_ebgp = net_lua_get_span(L, 1, what, "mrai", c.mrai_ebgp);
	c.mrai_ibgp = net_lua_get_span(L, 1, what, "mrai_ibgp", c.mrai_ibgp);
	bgp_lua_get_processing(L, 1, what, &c);
	if (host_has(L, 1, "mrai")) /* an explicit MRAI wins over a preset */
		c.mrai_ebgp = net_lua_get_span(L, 1, what, "mrai", 0);
	if (host_has(L, 1, "mrai_ibgp"))
		c.mrai_ibgp = net_lua_get_span(L, 1, what, "mrai_ibgp", 0);
	c.jitter = host_get_bool(L, 1, what, "jitter", true);
	c.mrai_withdrawals = host_get_bool(L, 1, what, "mrai_withdrawals", false);
	c.dcfg.always_compare_med = host_get_bool(L, 1, what, "always_compare_med", false);
	c.dcfg.med_missing_as_worst = host_get_bool(L, 1, what, "med_missing_as_worst", false);
	bool log = host_get_bool(L, 1, what, "log", false);
	struct bgp_damp_cfg damp;
	bgp_damp_cfg_default(&damp);
	int dt = lua_getfield(L, 1, "damping");
	if (dt == LUA_TTABLE) {
		static const char *const dkeys[] = { "half_life", "reuse", "suppress", "max_suppress", NULL };
		int di = lua_gettop(L);
		host_check_keys(L, di, "bgp.speaker: damping", dkeys);
		damp.half_life = net_lua_get_span(L, di, "bgp.speaker: damping", "half_life", damp.half_life);
		damp.max_suppress = net_lua_get_span(L, di, "bgp.speaker: damping", "max_suppress", damp.max_suppress);
		damp.reuse = host_get_num(L, di, "bgp.speaker: damping", "reuse", damp.reuse, 1, 1e6);
		damp.suppress = host_get_num(L, di, "bgp.speaker: damping", "suppress", damp.suppress, 1, 1e6);
		if (damp.half_life <= 0 || damp.suppress <= damp.reuse || damp.max_suppress < damp.half_life)
			return host_error(L, "bgp.speaker: damping: expected half_life > 0, suppress > reuse and "
					     "max_suppress >= half_life");
		c.damp = &damp;
	} else if (dt == LUA_TBOOLEAN) {
		if (lua_toboolean(L, -1))
			c.damp = &damp;
	} else if (dt != LUA_TNIL) {
		return host_error(L, "bgp.speaker: damping: expected true or { half_life =, reuse =, suppress =, "
				     "max_suppress = }, got %s", luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	if (c.node) {
		struct bgp_world *w = bgp_world_get(host_sim(L));
		for (size_t i = 0; i < w->nsp; i++)
			if (w->sp[i]->node == c.node)
				return host_error(L, "bgp.speaker: node %s already runs speaker %s (one per router)",
						  c.node->name, w->sp[i]->name);
	}
	struct errbuf err;
	struct bgp_speaker *sp = bgp_speaker_new(host_sim(L), &c, &err);
	if (!sp)
		return host_error(L, "%s: %s", what, err.msg);
	sp->log_best = log;
	bgp_lua_push_speaker(L, sp);
	return 1;
}

static enum bgp_rel inverse(enum bgp_rel r)
{
	return r == BGP_REL_CUSTOMER ? BGP_REL_PROVIDER : r == BGP_REL_PROVIDER ? BGP_REL_CUSTOMER : r;
}

static enum bgp_rel get_rel(lua_State *L, int idx, const char *what)
{
	const char *s = host_get_str(L, idx, what, "relation", "none");
	static const char *const names[] = { "none", "customer", "peer", "provider" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum bgp_rel)i;
	return host_error(L, "%s: relation: expected \"customer\", \"peer\", \"provider\" or \"none\" "
			     "(what the peer is to this speaker), got '%s'", what, s), BGP_REL_NONE;
}

/* The peer of sp whose session leads to other, or NULL. */
static struct bgp_peer *find_peer(struct bgp_speaker *sp, struct bgp_speaker *other)
{
	for (size_t i = 0; i < sp->npeers; i++) {
		struct bgp_peer *p = sp->peers[i];
		if (p->remote_as == other->as && p->remote_id == other->router_id)
			return p;
	}
	return NULL;
}

/* The addresses the two ends use as NEXT_HOP: those of a shared link, else
 * each node's first address, else the router IDs. */
static void addresses(struct bgp_speaker *a, struct bgp_speaker *b, struct bgp_peer_cfg *ca,
		      struct bgp_peer_cfg *cb, simtime_t *delay)
{
	if (!a->node || !b->node)
		return;
	struct iface *ia = node_iface_to(a->node, b->node), *ib = node_iface_to(b->node, a->node);
	if (ia && ib) {
		ca->local_addr = cb->remote_addr = ia->addr;
		cb->local_addr = ca->remote_addr = ib->addr;
		if (*delay < 0)
			*delay = ia->link->dir[ia->side].delay_ns;
		return;
	}
	ca->local_addr = cb->remote_addr = node_addr(a->node);
	cb->local_addr = ca->remote_addr = node_addr(b->node);
}

static const char BOX_MT[] = "wirelab.bgp_policy_box";

static int box_gc(lua_State *L)
{
	struct bgp_policy **b = luaL_checkudata(L, 1, BOX_MT);
	bgp_policy_free(*b);
	*b = NULL;
	return 0;
}

static struct bgp_policy **new_box(lua_State *L)
{
	struct bgp_policy **b = lua_newuserdatauv(L, sizeof(*b), 0);
	*b = NULL;
	luaL_setmetatable(L, BOX_MT);
	return b;
}

/* s:peer { with =, relation =, import =, export =, delay =, mrai =,
 *          mrai_withdrawals =, max_prefix =, rr_client =, next_hop_self =,
 *          local_addr =, remote_addr = }
 * local_addr / remote_addr: the addresses this end and the other end use
 * for the session (FRR's update-source), each one of its node's own
 * addresses; default: the two ends of a shared link, else each node's
 * address.  Over TCP each end connects from its address and accepts only
 * from the other's, so iBGP between routers with no shared link works. */
static int m_peer(lua_State *L)
{
	static const char *const keys[] = { "with", "relation", "import", "export", "delay", "mrai",
					    "mrai_withdrawals", "max_prefix", "rr_client", "next_hop_self",
					    "mode", "hold", "keepalive", "connect_retry", "local_addr",
					    "remote_addr", NULL };
	const char *what = "peer";
	struct bgp_speaker *sp = checkspeaker(L, "peer");
	host_check_table(L, 2, what);
	host_check_keys(L, 2, what, keys);
	lua_getfield(L, 2, "with");
	struct bgp_speaker *other = tospeaker(L, -1);
	if (!other)
		return host_error(L, "peer: with: expected a BGP speaker, got %s", luaL_typename(L, -1));
	lua_pop(L, 1);
	if (other == sp)
		return host_error(L, "peer: a speaker cannot peer with itself");
	const char *mode = host_get_str(L, 2, what, "mode", sp->node && other->node ? "tcp" : "direct");
	bool tcp = strcmp(mode, "tcp") == 0, direct = strcmp(mode, "direct") == 0;
	if (!tcp && !direct && strcmp(mode, "channel") != 0)
		return host_error(L, "peer: mode: expected \"tcp\", \"channel\" or \"direct\", got '%s'", mode);
	if (tcp && (!sp->node || !other->node))
		return host_error(L, "peer: mode \"tcp\" needs both speakers on nodes (node = ...)");
	if (direct && (host_has(L, 2, "hold") || host_has(L, 2, "keepalive") || host_has(L, 2, "connect_retry")))
		return host_error(L, "peer: hold, keepalive and connect_retry are for modes \"tcp\" and \"channel\"");
	if (tcp && host_has(L, 2, "delay"))
		return host_error(L, "peer: delay is for modes \"channel\" and \"direct\"; over TCP the links decide");
	struct bgp_sess_cfg sc = { .tcp = tcp };
	sc.hold_time = host_has(L, 2, "hold") ? net_lua_get_span(L, 2, what, "hold", 0) : -1;
	sc.keepalive = host_has(L, 2, "keepalive") ? net_lua_get_span(L, 2, what, "keepalive", 0) : -1;
	sc.connect_retry = host_has(L, 2, "connect_retry") ? net_lua_get_span(L, 2, what, "connect_retry", 0) : -1;
	enum bgp_rel rel = get_rel(L, 2, what);
	bool has_rel = host_has(L, 2, "relation");
	if (rel != BGP_REL_NONE && sp->as == other->as)
		return host_error(L, "peer: relation applies between ASes; %s and %s are both AS%u", sp->name,
				  other->name, sp->as);
	simtime_t delay = host_has(L, 2, "delay") ? net_lua_get_span(L, 2, what, "delay", 0) : -1;
	bool has_mrai = host_has(L, 2, "mrai");
	simtime_t mrai = net_lua_get_span(L, 2, what, "mrai", 0);
	bool has_mw = host_has(L, 2, "mrai_withdrawals");
	bool mw = host_get_bool(L, 2, what, "mrai_withdrawals", false);
	uint32_t maxp = (uint32_t)host_get_int(L, 2, what, "max_prefix", 0, 0, UINT32_MAX);
	bool rr_client = host_get_bool(L, 2, what, "rr_client", false);
	if (rr_client && (!sp->cluster_id || sp->as != other->as))
		return host_error(L, "peer: rr_client needs an iBGP peer and a speaker with cluster_id");
	bool nhs = host_get_bool(L, 2, what, "next_hop_self", true);
	uint32_t laddr = get_id(L, 2, what, "local_addr"), raddr = get_id(L, 2, what, "remote_addr");
	if ((laddr || raddr) && (!sp->node || !other->node))
		return host_error(L, "peer: local_addr and remote_addr need both speakers on nodes");
	if (laddr && !node_has_addr(sp->node, laddr))
		return host_error(L, "peer: local_addr: %s is not an address of node %s",
				  lua_tostring(L, (lua_getfield(L, 2, "local_addr"), -1)), sp->node->name);
	if (raddr && !node_has_addr(other->node, raddr))
		return host_error(L, "peer: remote_addr: %s is not an address of node %s",
				  lua_tostring(L, (lua_getfield(L, 2, "remote_addr"), -1)), other->node->name);
	struct bgp_peer *p = find_peer(sp, other);
	if (p && (laddr || raddr))
		return host_error(L, "peer: local_addr and remote_addr belong to the session, set when it was made");
	if (p && host_started(host_of(L)))
		return host_error(L, "peer: %s already peers with %s; its end can only be reconfigured before run()",
				  sp->name, other->name);
	if (p && host_has(L, 2, "delay"))
		return host_error(L, "peer: delay belongs to the session, set when it was made");
	/* policies allocate: each is boxed until both are parsed, so an error
	 * in the second frees the first (the box's __gc) */
	struct bgp_policy **box_i = new_box(L), **box_e;
	lua_getfield(L, 2, "import");
	*box_i = bgp_lua_policy(L, -1, "peer: import");
	lua_pop(L, 1);
	box_e = new_box(L);
	lua_getfield(L, 2, "export");
	*box_e = bgp_lua_policy(L, -1, "peer: export");
	lua_pop(L, 1);
	struct bgp_policy *imp = *box_i, *exp = *box_e;
	*box_i = *box_e = NULL;
	lua_pop(L, 2);
	if (p) {
		if (has_rel)
			p->rel = rel;
		if (imp) {
			bgp_policy_free(p->import);
			p->import = imp;
		}
		if (exp) {
			bgp_policy_free(p->export);
			p->export = exp;
		}
		if (has_mrai)
			p->mrai = mrai;
		if (has_mw)
			p->mrai_withdrawals = mw;
		if (maxp)
			p->max_prefix = maxp;
		p->rr_client = rr_client || p->rr_client;
		p->nhs = nhs;
		push_peer(L, p);
		return 1;
	}
	struct bgp_peer_cfg ca, cb;
	bgp_peer_cfg_default(&ca);
	bgp_peer_cfg_default(&cb);
	ca.rel = rel;
	cb.rel = inverse(rel);
	ca.import = imp;
	ca.export = exp;
	ca.max_prefix = maxp;
	ca.rr_client = rr_client;
	ca.nhs = nhs;
	if (has_mrai)
		ca.mrai = mrai;
	if (has_mw)
		ca.mrai_withdrawals = mw;
	ca.remote_id = other->router_id;
	cb.remote_id = sp->router_id;
	char na[72], nb[72];
	snprintf(na, sizeof(na), "%.31s->%.31s", sp->name, other->name);
	snprintf(nb, sizeof(nb), "%.31s->%.31s", other->name, sp->name);
	ca.name = na;
	cb.name = nb;
	addresses(sp, other, &ca, &cb, &delay);
	if (laddr)
		ca.local_addr = cb.remote_addr = laddr;
	if (raddr)
		cb.local_addr = ca.remote_addr = raddr;
	if (delay < 0)
		delay = SIM_MS(1);
	struct bgp_peer *pa, *pb;
	if (direct) {
		bgp_chan_connect(sp, &ca, other, &cb, delay, &pa, &pb);
	} else {
		sc.delay = delay;
		char err[256];
		if (bgp_sess_connect(sp, &ca, other, &cb, &sc, &pa, &pb, err, sizeof(err)) < 0)
			return host_error(L, "peer: %s", err);
	}
	pa->ops->start(pa);
	pb->ops->start(pb);
	push_peer(L, pa);
	return 1;
}

/* Attributes for an origination: { as_path = {...}, origin =, med =,
 * local_pref =, communities = {...}, next_hop = } */
static int m_announce(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "announce");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "announce");
	const char *what = "announce";
	lua_settop(L, 3);
	struct bgp_route_edit *e = lua_newuserdatauv(L, sizeof(*e), 0); /* Lua-owned scratch */
	struct bgp_rattr base = { .origin = BGP_ORIGIN_IGP };
	bgp_edit_init(e, &base);
	if (!lua_isnoneornil(L, 3)) {
		static const char *const keys[] = { "as_path", "origin", "med", "local_pref", "communities",
						    "next_hop", NULL };
		host_check_table(L, 3, what);
		host_check_keys(L, 3, what, keys);
		const char *o = host_get_str(L, 3, what, "origin", "igp");
		if (strcmp(o, "igp") == 0)
			e->a.origin = BGP_ORIGIN_IGP;
		else if (strcmp(o, "egp") == 0)
			e->a.origin = BGP_ORIGIN_EGP;
		else if (strcmp(o, "incomplete") == 0)
			e->a.origin = BGP_ORIGIN_INCOMPLETE;
		else
			return host_error(L, "announce: origin: expected \"igp\", \"egp\" or \"incomplete\", got '%s'", o);
		if (host_has(L, 3, "med")) {
			e->a.has_med = true;
			e->a.med = (uint32_t)host_get_int(L, 3, what, "med", 0, 0, UINT32_MAX);
		}
		if (host_has(L, 3, "local_pref")) {
			e->a.has_local_pref = true;
			e->a.local_pref = (uint32_t)host_get_int(L, 3, what, "local_pref", 0, 0, UINT32_MAX);
		}
		if (host_has(L, 3, "next_hop"))
			e->a.next_hop = net_lua_getaddr(L, 3, what, "next_hop");
		if (lua_getfield(L, 3, "as_path") != LUA_TNIL) {
			if (!lua_istable(L, -1))
				return host_error(L, "announce: as_path: expected a list of AS numbers, got %s",
						  luaL_typename(L, -1));
			lua_Integer n = luaL_len(L, -1);
			if (n > 255)
				return host_error(L, "announce: as_path: at most 255 ASes");
			for (lua_Integer i = 1; i <= n; i++) {
				lua_rawgeti(L, -1, i);
				lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
				if (v < 1 || v > (lua_Integer)UINT32_MAX)
					return host_error(L, "announce: as_path[%lld]: expected an AS number 1..4294967295",
							  (long long)i);
				e->as[e->a.n_as++] = (uint32_t)v;
				lua_pop(L, 1);
			}
		}
		lua_pop(L, 1);
		if (lua_getfield(L, 3, "communities") != LUA_TNIL) {
			if (!lua_istable(L, -1))
				return host_error(L, "announce: communities: expected a list, got %s",
						  luaL_typename(L, -1));
			lua_Integer n = luaL_len(L, -1);
			if (n > BGP_EDIT_COMM_MAX)
				return host_error(L, "announce: communities: at most %d", BGP_EDIT_COMM_MAX);
			for (lua_Integer i = 1; i <= n; i++) {
				lua_rawgeti(L, -1, i);
				uint32_t c;
				bgp_lua_community(L, lua_gettop(L), "announce: communities", &c);
				bgp_edit_comm_add(e, c);
				lua_pop(L, 1);
			}
		}
		lua_pop(L, 1);
	}
	net_lua_check_clock(L, "announce");
	bgp_speaker_announce(sp, pfx, &e->a);
	return 0;
}

static int m_withdraw(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "withdraw");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "withdraw");
	net_lua_check_clock(L, "withdraw");
	bgp_speaker_withdraw(sp, pfx);
	return 0;
}

static void push_path(lua_State *L, struct bgp_prefix pfx, const struct bgp_path *p, bool best)
{
	bgp_lua_push_route(L, pfx, p->attr);
	lua_pushstring(L, p->peer ? p->peer->name : "local");
	lua_setfield(L, -2, "from");
	if (p->peer) {
		lua_pushinteger(L, p->peer->remote_as);
		lua_setfield(L, -2, "from_as");
	}
	lua_pushinteger(L, p->since);
	lua_setfield(L, -2, "since");
	lua_pushboolean(L, best);
	lua_setfield(L, -2, "best");
}

static int m_best(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "best");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "best");
	const struct bgp_path *p = bgp_speaker_best(sp, pfx);
	if (!p) {
		lua_pushnil(L);
		return 1;
	}
	push_path(L, pfx, p, true);
	return 1;
}

static int m_routes(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "routes");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "routes");
	const struct bgp_dest *d = bgp_table_find(&sp->rib, pfx);
	lua_newtable(L);
	int i = 1;
	for (const struct bgp_path *p = d ? d->paths : NULL; p; p = p->next) {
		push_path(L, pfx, p, p == d->best);
		lua_rawseti(L, -2, i++);
	}
	return 1;
}

/* s:fib(prefix) -> the interface a BGP route in the node's table uses, or nil */
static int m_fib(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "fib");
	struct bgp_prefix pfx = bgp_lua_checkprefix(L, 2, "fib");
	if (!sp->node)
		return host_error(L, "fib: speaker %s has no node (so no forwarding table)", sp->name);
	const struct route *r = fib_get(&sp->node->fib, pfx.addr, pfx.len);
	if (!r || r->type != RT_BGP || !r->out)
		return 0;
	lua_pushstring(L, r->out->name);
	return 1;
}

static void setnum(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static void settime(lua_State *L, const char *k, simtime_t t)
{
	if (t == SIM_NEVER)
		return; /* nil: never */
	lua_pushinteger(L, t);
	lua_setfield(L, -2, k);
}

static void push_peer_stats(lua_State *L, const struct bgp_peer_stats *st)
{
	setnum(L, "updates_in", st->updates_in);
	setnum(L, "updates_out", st->updates_out);
	setnum(L, "announce_in", st->announce_in);
	setnum(L, "withdraw_in", st->withdraw_in);
	setnum(L, "announce_out", st->announce_out);
	setnum(L, "withdraw_out", st->withdraw_out);
	setnum(L, "rejected_in", st->rejected_in);
}

static int m_stats(lua_State *L)
{
	struct bgp_speaker *sp = checkspeaker(L, "stats");
	struct bgp_peer_stats sum = { 0 };
	for (size_t i = 0; i < sp->npeers; i++) {
		const struct bgp_peer_stats *s = &sp->peers[i]->st;
		sum.updates_in += s->updates_in;
		sum.updates_out += s->updates_out;
		sum.announce_in += s->announce_in;
		sum.withdraw_in += s->withdraw_in;
		sum.announce_out += s->announce_out;
		sum.withdraw_out += s->withdraw_out;
		sum.rejected_in += s->rejected_in;
	}
	lua_newtable(L);
	push_peer_stats(L, &sum);
	setnum(L, "best_changes", sp->best_changes);
	setnum(L, "peers", sp->npeers);
	setnum(L, "prefixes", sp->rib.count);
	settime(L, "last_change", sp->last_change);
	return 1;
}

static int speaker_index(lua_State *L)
{
	struct bgp_speaker *sp = *(struct bgp_speaker **)luaL_checkudata(L, 1, SPEAKER_MT);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "as") == 0) {
		lua_pushinteger(L, sp->as);
		return 1;
	}
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, sp->name);
		return 1;
	}
	if (strcmp(k, "node") == 0) {
		if (!sp->node)
			return 0;
		net_lua_pushnode(L, sp->node);
		return 1;
	}
	if (strcmp(k, "id") == 0) {
		char a[16];
		lua_pushstring(L, ipv4_fmt(a, sp->router_id));
		return 1;
	}
	luaL_getmetatable(L, SPEAKER_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int speaker_tostring(lua_State *L)
{
	struct bgp_speaker *sp = *(struct bgp_speaker **)luaL_checkudata(L, 1, SPEAKER_MT);
	lua_pushfstring(L, "bgp speaker %s (AS%I)", sp->name, (lua_Integer)sp->as);
	return 1;
}

/* ---- peers ---- */

static struct bgp_peer *checkpeer(lua_State *L, const char *method)
{
	return net_lua_checkself(L, PEER_MT, "a BGP peer", method);
}

/* p:down() / p:up(): the session's channel fails or comes back */
static int p_set(lua_State *L, bool up)
{
	struct bgp_peer *p = checkpeer(L, up ? "up" : "down");
	net_lua_check_clock(L, up ? "up" : "down");
	struct bgp_session *s = bgp_peer_session(p);
	if (!s)
		bgp_chan_set_up(p, up);
	else if (bgp_session_config(s)->transport == BGP_TRANSPORT_CHANNEL)
		bgp_channel_set_up(s, up);
	else if (up)
		bgp_session_start(s);
	else
		bgp_session_stop(s);
	return 0;
}
static int p_down(lua_State *L) { return p_set(L, false); }
static int p_up(lua_State *L) { return p_set(L, true); }

static int p_stats(lua_State *L)
{
	struct bgp_peer *p = checkpeer(L, "stats");
	lua_newtable(L);
	push_peer_stats(L, &p->st);
	setnum(L, "accepted", p->accepted);
	setnum(L, "up_count", p->st.up_count);
	setnum(L, "down_count", p->st.down_count);
	const struct bgp_session *ss = bgp_peer_session(p);
	if (ss) { /* the last NOTIFICATION each way, "code/subcode" ("0/0": none) */
		const struct bgp_session_stats *st = bgp_session_stats(ss);
		lua_pushfstring(L, "%d/%d", st->last_notif_sent[0], st->last_notif_sent[1]);
		lua_setfield(L, -2, "notification_sent");
		lua_pushfstring(L, "%d/%d", st->last_notif_rcvd[0], st->last_notif_rcvd[1]);
		lua_setfield(L, -2, "notification_received");
	}
	return 1;
}

static int peer_index(lua_State *L)
{
	struct bgp_peer *p = *(struct bgp_peer **)luaL_checkudata(L, 1, PEER_MT);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "established") == 0) {
		lua_pushboolean(L, p->up);
		return 1;
	}
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, p->name);
		return 1;
	}
	if (strcmp(k, "relation") == 0) {
		lua_pushstring(L, bgp_rel_name(p->rel));
		return 1;
	}
	luaL_getmetatable(L, PEER_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

/* ---- the world ---- */

static int l_stats(lua_State *L)
{
	struct bgp_world *w = bgp_world_get(host_sim(L));
	lua_newtable(L);
	setnum(L, "updates", w->updates);
	setnum(L, "announces", w->announces);
	setnum(L, "withdraws", w->withdraws);
	setnum(L, "speakers", w->nsp);
	setnum(L, "attribute_sets", w->attrs.count);
	settime(L, "last_change", w->last_change);
	settime(L, "last_update", w->last_update);
	return 1;
}

void bgp_lua_new_class(lua_State *L, const char *mt, lua_CFunction index, lua_CFunction tostr,
		       const luaL_Reg *methods)
{
	luaL_newmetatable(L, mt);
	lua_pushcfunction(L, index);
	lua_setfield(L, -2, "__index");
	if (tostr) {
		lua_pushcfunction(L, tostr);
		lua_setfield(L, -2, "__tostring");
	}
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
}

static int bgp_lua_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	static const luaL_Reg sm[] = {
		{ "peer", m_peer },     { "announce", m_announce }, { "withdraw", m_withdraw },
		{ "best", m_best },     { "routes", m_routes },     { "stats", m_stats },
		{ "fib", m_fib },
		{ NULL, NULL },
	};
	bgp_lua_new_class(L, SPEAKER_MT, speaker_index, speaker_tostring, sm);
	static const luaL_Reg pm[] = {
		{ "down", p_down }, { "up", p_up }, { "stats", p_stats }, { NULL, NULL },
	};
	bgp_lua_new_class(L, PEER_MT, peer_index, NULL, pm);
	luaL_newmetatable(L, BOX_MT);
	lua_pushcfunction(L, box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	host_register(L, "bgp.speaker", l_speaker);
	host_register(L, "bgp.stats", l_stats);
	bgp_asgraph_lua_open(L);
	bgp_world_get(host_sim(L)); /* defines the metrics, for record{} */
	return 0;
}

const struct host_module bgp_module = { "bgp", bgp_lua_open };
