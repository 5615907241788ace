/* Lua bindings of the resolvers, in the `dns` table:
 *
 *   local res = dns.resolver { node = r, roots = { root1, "10.0.2.2" },
 *                              cache_max_ttl = "1d", serve_stale = false }
 *   dns.stub { node = c, nameservers = { r }, timeout = "5s", attempts = 2,
 *              rotate = false }
 *   dns.lookup(c, "www.example.test", function(ans) ... end [, "A"])
 *
 * ans has rcode ("NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT", ...),
 * addrs (a list of address strings), ttl (s), latency (ns), name, type,
 * server (the nameserver that answered, or nil), queries, tcp, literal.
 * res:stats() gives the resolver's counters.  Defaults: glibc's for the
 * stub (resolv.h), Unbound's for the resolver (unbound.conf(5)). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/host.h"
#include "models/dns/dns_msg.h"
#include "models/dns/dns_resolver.h"
#include "models/dns/dns_stub.h"
#include "models/net/net_lua.h"
#include "sim/util.h"

static const char RES_MT[] = "wirelab.dns_resolver";

/* A whole number of seconds from a duration option, within [min, max]. */
static uint32_t get_seconds(lua_State *L, const char *what, const char *key, uint32_t def,
			    uint32_t min, uint32_t max)
{
	if (!host_has(L, 1, key))
		return def;
	simtime_t d = host_get_duration(L, 1, what, key, 0);
	if (d % SIM_S(1) != 0)
		host_error(L, "%s: %s: expected whole seconds (DNS TTLs and resolv.conf timeouts "
			   "are), got %.9g s", what, key, (double)d / 1e9);
	simtime_t s = d / SIM_S(1);
	if (s < (simtime_t)min || s > (simtime_t)max)
		host_error(L, "%s: %s: expected %u to %u s, got %lld s", what, key, min, max,
			   (long long)s);
	return (uint32_t)s;
}

/* A list of 1..max addresses (nodes, node names or dotted quads). */
static int get_addr_list(lua_State *L, const char *what, const char *key, uint32_t *out, int max)
{
	lua_getfield(L, 1, key);
	if (!lua_istable(L, -1))
		host_error(L, "%s: %s: expected a list of addresses (nodes or \"10.0.0.1\"), got %s",
			   what, key, luaL_typename(L, -1));
	int n = (int)luaL_len(L, -1);
	if (n < 1 || n > max)
		host_error(L, "%s: %s: expected 1 to %d addresses, got %d", what, key, max, n);
	char item[64];
	snprintf(item, sizeof(item), "%s: %s", what, key);
	for (int i = 0; i < n; i++) {
		lua_rawgeti(L, -1, i + 1);
		out[i] = net_lua_checkaddr(L, lua_gettop(L), item);
		if (!out[i])
			host_error(L, "%s[%d]: 0.0.0.0 is not a server address", item, i + 1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return n;
}

static void check_opts(lua_State *L, const char *what, const char *const keys[])
{
	if (lua_isnone(L, 1))
		host_error(L, "%s: expected a table of options { node = ..., ... }, got nothing", what);
	host_check_table(L, 1, what);
	host_check_keys(L, 1, what, keys);
}

/* ---- dns.resolver ---- */

static int l_resolver(lua_State *L)
{
	static const char *const keys[] = {
		"node", "roots", "cache_max_ttl", "cache_max_negative_ttl", "serve_stale",
		"stale_ttl", "edns", "prime", "name", NULL,
	};
	const char *what = "dns.resolver";
	check_opts(L, what, keys);
	struct dns_resolver_cfg c;
	dns_resolver_cfg_default(&c);
	c.node = net_lua_getnode(L, 1, what, "node");
	c.nroots = get_addr_list(L, what, "roots", c.roots, DNS_RES_MAX_ROOTS);
	c.cache_max_ttl_s = get_seconds(L, what, "cache_max_ttl", c.cache_max_ttl_s, 1, DNS_TTL_MAX);
	c.cache_max_neg_ttl_s = get_seconds(L, what, "cache_max_negative_ttl", c.cache_max_neg_ttl_s,
					    0, DNS_TTL_MAX);
	c.serve_stale = host_get_bool(L, 1, what, "serve_stale", c.serve_stale);
	c.stale_ttl_s = get_seconds(L, what, "stale_ttl", c.stale_ttl_s, 1, 86400);
	c.edns_udp_size = (uint16_t)host_get_int(L, 1, what, "edns", c.edns_udp_size, 512, 65535);
	const char *prime = host_get_str(L, 1, what, "prime", "start");
	if (strcmp(prime, "start") == 0)
		c.prime_at_start = true;
	else if (strcmp(prime, "lazy") == 0)
		c.prime_at_start = false;
	else
		host_error(L, "%s: prime: expected \"start\" or \"lazy\", got \"%s\"", what, prime);
	c.name = host_get_str(L, 1, what, "name", NULL);
	if (c.name && (strlen(c.name) == 0 || strlen(c.name) > 63))
		host_error(L, "%s: name: expected 1 to 63 characters", what);
	net_lua_check_clock(L, what);
	struct errbuf err;
	struct dns_resolver *r = dns_resolver_new(&c, &err);
	if (!r)
		return host_error(L, "%s: %s", what, err.msg);
	struct dns_resolver **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = r;
	luaL_setmetatable(L, RES_MT);
	return 1;
}

static int res_stats(lua_State *L)
{
	struct dns_resolver *r = *(struct dns_resolver **)net_lua_checkself(L, RES_MT, "a resolver",
									     "stats");
	struct dns_resolver_stats st;
	dns_resolver_stats(r, &st);
	lua_createtable(L, 0, 12);
#define F(x)                              \
	lua_pushinteger(L, (lua_Integer)st.x); \
	lua_setfield(L, -2, #x)
	F(requests); F(hits); F(misses); F(negative); F(stale); F(servfail);
	F(upstream_udp); F(upstream_tcp); F(timeouts); F(truncated); F(client_tcp);
#undef F
	lua_pushinteger(L, (lua_Integer)dns_resolver_cache(r)->count);
	lua_setfield(L, -2, "cache_entries");
	return 1;
}

static int res_index(lua_State *L)
{
	struct dns_resolver *r = *(struct dns_resolver **)net_lua_checkself(L, RES_MT, "a resolver",
									     "__index");
	const char *k = lua_tostring(L, 2);
	if (k && strcmp(k, "name") == 0) {
		lua_pushstring(L, dns_resolver_name(r));
		return 1;
	}
	if (k && strcmp(k, "stats") == 0) {
		lua_pushcfunction(L, res_stats);
		return 1;
	}
	return 0;
}

static int res_tostring(lua_State *L)
{
	struct dns_resolver *r = *(struct dns_resolver **)net_lua_checkself(L, RES_MT, "a resolver",
									     "__tostring");
	lua_pushfstring(L, "resolver %s", dns_resolver_name(r));
	return 1;
}

/* ---- dns.stub ---- */

static int l_stub(lua_State *L)
{
	static const char *const keys[] = {
		"node", "nameservers", "timeout", "attempts", "rotate", "edns", NULL,
	};
	const char *what = "dns.stub";
	check_opts(L, what, keys);
	struct dns_stub_cfg c;
	dns_stub_cfg_default(&c);
	struct node *nd = net_lua_getnode(L, 1, what, "node");
	c.nns = get_addr_list(L, what, "nameservers", c.ns, DNS_STUB_MAXNS);
	c.timeout_s = (int)get_seconds(L, what, "timeout", (uint32_t)c.timeout_s, 1,
				       DNS_STUB_MAXTIMEOUT_S);
	c.attempts = (int)host_get_int(L, 1, what, "attempts", c.attempts, 1, DNS_STUB_MAXATTEMPTS);
	c.rotate = host_get_bool(L, 1, what, "rotate", c.rotate);
	c.edns_udp_size = (uint16_t)host_get_int(L, 1, what, "edns", 0, 0, 65535);
	if (c.edns_udp_size && c.edns_udp_size < 512)
		host_error(L, "%s: edns: expected 0 (no EDNS, glibc's default) or a UDP size of "
			   "512 to 65535, got %u", what, c.edns_udp_size);
	struct errbuf err;
	if (dns_stub_config(nd, &c, &err) < 0)
		return host_error(L, "%s: %s", what, err.msg);
	return 0;
}

/* ---- dns.lookup ---- */

struct lk_lua {
	lua_State *L;
	int fn_ref;
};

static void lk_done(void *ctx, const struct dns_answer *a)
{
	struct lk_lua *k = ctx;
	lua_State *L = k->L;
	host_push_ref(L, k->fn_ref);
	host_unref(L, k->fn_ref);
	free(k);
	lua_createtable(L, 0, 11);
	char rb[16], tb[16], ab[48];
	lua_pushstring(L, dns_answer_status(a->rcode, rb));
	lua_setfield(L, -2, "rcode");
	lua_pushstring(L, a->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, dns_type_str(tb, sizeof(tb), a->qtype));
	lua_setfield(L, -2, "type");
	lua_createtable(L, a->n4 + a->n6, 0);
	for (int i = 0; i < a->n4; i++) {
		lua_pushstring(L, ipv4_fmt(ab, a->addr4[i]));
		lua_rawseti(L, -2, i + 1);
	}
	for (int i = 0; i < a->n6; i++) {
		size_t off = 0;
		for (int k6 = 0; k6 < 16; k6 += 2)
			off += (size_t)snprintf(ab + off, sizeof(ab) - off, "%s%x", k6 ? ":" : "",
						a->addr6[i][k6] << 8 | a->addr6[i][k6 + 1]);
		lua_pushstring(L, ab);
		lua_rawseti(L, -2, a->n4 + i + 1);
	}
	lua_setfield(L, -2, "addrs");
	lua_pushinteger(L, a->ttl);
	lua_setfield(L, -2, "ttl");
	lua_pushinteger(L, a->latency_ns);
	lua_setfield(L, -2, "latency");
	lua_pushinteger(L, a->started_ns);
	lua_setfield(L, -2, "started");
	if (a->server) {
		lua_pushstring(L, ipv4_fmt(ab, a->server));
		lua_setfield(L, -2, "server");
	}
	lua_pushinteger(L, a->queries);
	lua_setfield(L, -2, "queries");
	lua_pushboolean(L, a->tcp);
	lua_setfield(L, -2, "tcp");
	lua_pushboolean(L, a->literal);
	lua_setfield(L, -2, "literal");
	host_pcall(host_of(L), 1, 0);
}

static int l_lookup(lua_State *L)
{
	const char *what = "dns.lookup";
	struct node *nd = net_lua_tonode(L, 1);
	if (!nd)
		return host_error(L, "%s: argument 1: expected a node, got %s", what,
				  luaL_typename(L, 1));
	if (lua_type(L, 2) != LUA_TSTRING)
		return host_error(L, "%s: argument 2: expected a name like \"www.example.test\", got %s",
				  what, luaL_typename(L, 2));
	const char *name = lua_tostring(L, 2);
	if (!lua_isfunction(L, 3))
		return host_error(L, "%s: argument 3: expected a function(ans), got %s", what,
				  luaL_typename(L, 3));
	uint16_t qtype = DNS_T_A;
	if (!lua_isnoneornil(L, 4)) {
		if (lua_type(L, 4) != LUA_TSTRING)
			return host_error(L, "%s: argument 4: expected a record type like \"A\" or "
					  "\"AAAA\", got %s", what, luaL_typename(L, 4));
		int t = dns_type_from_str(lua_tostring(L, 4));
		if (t <= 0 || t == DNS_T_OPT || t > 65535)
			return host_error(L, "%s: argument 4: unknown record type \"%s\"", what,
					  lua_tostring(L, 4));
		qtype = (uint16_t)t;
	}
	if (lua_gettop(L) > 4)
		return host_error(L, "%s: expected (node, name, function [, type]), got %d arguments",
				  what, lua_gettop(L));
	net_lua_check_clock(L, what);
	struct lk_lua *k = xcalloc(1, sizeof(*k));
	k->L = host_lua(host_of(L)); /* callbacks run on the main thread */
	lua_pushvalue(L, 3);
	k->fn_ref = host_ref(L, -1);
	lua_pop(L, 1);
	int rc = dns_lookup(nd, name, qtype, lk_done, k);
	if (rc < 0) {
		host_unref(L, k->fn_ref);
		free(k);
		if (rc == -6)
			return host_error(L, "%s: node %s has no resolver settings: call dns.stub { node "
					  "= %s, nameservers = { ... } } first", what, nd->name, nd->name);
		return host_error(L, "%s: argument 2: \"%s\" is not a valid domain name (labels of 1 "
				  "to 63 bytes, at most 255 in all)", what, name);
	}
	return 0;
}

static int dns_res_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, RES_MT);
	lua_pushcfunction(L, res_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, res_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	host_register(L, "dns.resolver", l_resolver);
	host_register(L, "dns.stub", l_stub);
	host_register(L, "dns.lookup", l_lookup);
	return 0;
}

const struct host_module dns_res_module = { "dns_res", dns_res_open };
