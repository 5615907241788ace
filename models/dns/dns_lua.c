/* Lua bindings of DNS zones, authoritative servers and the dig-like query:
 *
 *   local z = dns.zone {
 *     origin = "example.test", ttl = "1h",            -- ttl: the records' default
 *     soa = { mname = "ns1", rname = "hostmaster", serial = 1, refresh = "1d",
 *             retry = "2h", expire = "1000h", minimum = "60s", ttl = "1h" },
 *     records = {
 *       { "@",   "NS",    "ns1" },                    -- owner, type, data
 *       { "ns1", "A",     "10.0.0.53" },
 *       { "www", "A",     "10.0.0.5", ttl = "300s" },
 *       { "www", "A",     { "10.0.0.6", "10.0.0.7" } }, -- several records
 *       { "web", "CNAME", "www" },                    -- relative to the origin
 *       { "lb",  "A",     function(src) return src == "10.1.0.1" and "10.0.0.5" or "10.0.0.6" end },
 *     },
 *   }
 *   z:set("www", "A", "10.0.0.9", "60s")   -- replaces the RRset; data as in records
 *   z:remove("www", "A")                   -- returns the number of records removed
 *   local s = dns.server { node = ns1, zones = { z }, processing = "0.1ms" }
 *   s:stats()                              -- { udp_queries = ..., nxdomain = ..., ... }
 *   dns.query { from = h, server = ns1, name = "www.example.test", type = "A",
 *               on_reply = function(r) print(r.rcode, r.answer[1].data) end }
 *
 * Owners and names in data are relative to the origin unless they end in
 * a dot; "@" is the origin.  Data follows zone-file syntax per type (see
 * docs/models/dns.md).  A function as data chooses the records per query:
 * it gets the client's address as text and returns a string, a table of
 * strings, or nil (no records: NODATA). */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/host.h"
#include "models/dns/dns_priv.h"
#include "models/net/net_lua.h"
#include "sim/record.h"
#include "sim/util.h"

static const char ZONE_MT[] = "wirelab.dns_zone";
static const char SERVER_MT[] = "wirelab.dns_server";

static const char KNOWN_TYPES[] = "A, AAAA, CNAME, NS, TXT, MX, SRV";

/* ---- values ---- */

/* A TTL: a duration in whole seconds, at most 2^31-1 s (RFC 2181 §8). */
static uint32_t check_ttl(lua_State *L, int idx, const char *what)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		host_error(L, "%s: expected a TTL like '300s' or '1h', got %s", what,
			   lua_type(L, idx) == LUA_TNUMBER ? "a number without a unit" : luaL_typename(L, idx));
	simtime_t d = host_to_duration(L, idx, what);
	if (d % SIM_S(1) != 0)
		host_error(L, "%s: a TTL is whole seconds, got '%s'", what, lua_tostring(L, idx));
	if (d / SIM_S(1) > (simtime_t)DNS_TTL_MAX)
		host_error(L, "%s: '%s' is longer than a TTL can be (2^31-1 s, about 68 years; RFC 2181 §8)",
			   what, lua_tostring(L, idx));
	return (uint32_t)(d / SIM_S(1));
}

static uint32_t get_ttl(lua_State *L, int tbl, const char *what, const char *key, uint32_t def)
{
	uint32_t v = def;
	if (lua_getfield(L, tbl, key) != LUA_TNIL) {
		char w[256];
		snprintf(w, sizeof(w), "%s: %s", what, key);
		v = check_ttl(L, -1, w);
	}
	lua_pop(L, 1);
	return v;
}

static void check_name(lua_State *L, struct dns_name *n, const char *s, const struct dns_name *origin,
		       const char *what)
{
	int rc = origin ? dns_name_join(n, s, origin) : dns_name_from_str(n, s);
	if (rc < 0)
		host_error(L, "%s: '%s' is not a domain name (labels of 1-63 bytes, at most 255 in all)",
			   what, s);
}

static uint16_t check_type(lua_State *L, int idx, const char *what)
{
	const char *t = lua_tostring(L, idx);
	int type = lua_type(L, idx) == LUA_TSTRING ? dns_type_from_str(t) : -1;
	if (type < 0 || !dns_type_known((uint16_t)type) || type == DNS_T_SOA)
		host_error(L, "%s: unknown record type %s (expected one of %s%s)", what,
			   lua_type(L, idx) == LUA_TSTRING ? t : luaL_typename(L, idx), KNOWN_TYPES,
			   type == DNS_T_SOA ? "; the SOA comes from soa = {...}" : "");
	return (uint16_t)type;
}

/* ---- dynamic records ---- */

struct dyn {
	struct host *h;
	int ref;
	struct dns_name origin;
	uint16_t type;
	char what[128];
};

static int dyn_fill(void *ctx, uint32_t src, struct dns_rr *out, int max)
{
	struct dyn *d = ctx;
	lua_State *L = host_lua(d->h);
	struct sim *s = host_sim(L);
	char a[16];
	host_push_ref(L, d->ref);
	lua_pushstring(L, ipv4_fmt(a, src));
	if (host_pcall(d->h, 1, 1) < 0)
		return -1;
	int n = 0, rc = 0;
	char err[256];
	if (lua_isstring(L, -1)) {
		if (dns_rr_parse(&out[0], lua_tostring(L, -1), &d->origin, err, sizeof(err)) < 0)
			rc = -1;
		else
			n = 1;
	} else if (lua_istable(L, -1)) {
		lua_Integer len = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= len && rc == 0; i++) {
			lua_geti(L, -1, i);
			if (!lua_isstring(L, -1)) {
				snprintf(err, sizeof(err), "element %lld is a %s, not a string", (long long)i,
					 luaL_typename(L, -1));
				rc = -1;
			} else if (n >= max) {
				snprintf(err, sizeof(err), "more than %d records", max);
				rc = -1;
			} else if (dns_rr_parse(&out[n], lua_tostring(L, -1), &d->origin, err, sizeof(err)) < 0) {
				rc = -1;
			} else {
				n++;
			}
			lua_pop(L, 1);
		}
	} else if (!lua_isnil(L, -1)) {
		snprintf(err, sizeof(err), "returned a %s", luaL_typename(L, -1));
		rc = -1;
	}
	lua_pop(L, 1);
	if (rc < 0) {
		sim_fail(s, "%s: the function's answer: %s (expected a string, a table of strings or nil)",
			 d->what, err);
		return -1;
	}
	return n;
}

static void dyn_free(void *ctx)
{
	free(ctx); /* the function's reference goes with the Lua state */
}

/* An events row for a change made during the run (zone:set, zone:remove):
 * entity the zone's origin, kind dns_zone_set or dns_zone_remove. */
static void log_change(lua_State *L, struct dns_zone *z, const struct dns_name *name, uint16_t type,
		       uint32_t ttl, const char *data)
{
	char o[DNS_NAME_STRLEN], n[DNS_NAME_STRLEN], t[16];
	dns_name_to_str(o, sizeof(o), dns_zone_origin(z));
	dns_name_to_str(n, sizeof(n), name);
	dns_type_str(t, sizeof(t), type);
	if (data)
		rec_log(host_sim(L), o, "dns_zone_set", "%s %s ttl=%u %s", n, t, ttl, data);
	else
		rec_log(host_sim(L), o, "dns_zone_remove", "%s %s", n, t);
}

/* Sets the RRset (name, type) of z from the value at idx: a string, a
 * table of strings, or a function. */
static void set_rrset(lua_State *L, struct dns_zone *z, const struct dns_name *name, uint16_t type,
		      int idx, uint32_t ttl, bool add, const char *what)
{
	const struct dns_name *origin = dns_zone_origin(z);
	struct errbuf err;
	idx = lua_absindex(L, idx);
	if (lua_isfunction(L, idx)) {
		struct dyn *d = xcalloc(1, sizeof(*d));
		d->h = host_of(L);
		lua_pushvalue(L, idx);
		d->ref = host_ref(L, -1);
		lua_pop(L, 1);
		d->origin = *origin;
		d->type = type;
		snprintf(d->what, sizeof(d->what), "%s", what);
		if (dns_zone_set_dynamic(z, name, type, ttl, dyn_fill, d, dyn_free, &err) < 0) {
			free(d);
			host_error(L, "%s: %s", what, err.msg);
		}
		if (!add)
			log_change(L, z, name, type, ttl, "chosen by a function");
		return;
	}
	int n = 0;
	struct dns_rr *rrs = NULL;
	if (lua_type(L, idx) == LUA_TSTRING) {
		n = 1;
	} else if (lua_istable(L, idx)) {
		n = (int)luaL_len(L, idx);
		if (n < 1 || n > 4096)
			host_error(L, "%s: expected 1 to 4096 data strings, got %d", what, n);
	} else {
		host_error(L, "%s: expected the record's data as a string, a table of strings or a "
			   "function(src), got %s", what, luaL_typename(L, idx));
	}
	rrs = xcalloc((size_t)n, sizeof(*rrs));
	char perr[256];
	for (int i = 0; i < n; i++) {
		dns_rr_init(&rrs[i]);
		rrs[i].name = *name;
		rrs[i].type = type;
		rrs[i].ttl = ttl;
		const char *text;
		if (lua_type(L, idx) == LUA_TSTRING) {
			text = lua_tostring(L, idx);
		} else {
			lua_geti(L, idx, i + 1);
			text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			lua_pop(L, 1); /* the string stays alive in the table */
		}
		int rc = text ? dns_rr_parse(&rrs[i], text, origin, perr, sizeof(perr)) : -1;
		if (!text)
			snprintf(perr, sizeof(perr), "data %d is not a string", i + 1);
		if (rc < 0 || !text) {
			for (int k = 0; k <= i; k++)
				dns_rr_clear(&rrs[k]);
			free(rrs);
			host_error(L, "%s: %s", what, perr);
		}
	}
	int rc = 0;
	if (add)
		for (int i = 0; i < n && rc == 0; i++)
			rc = dns_zone_add(z, &rrs[i], &err);
	else
		rc = dns_zone_set(z, rrs, n, &err);
	if (rc == 0 && !add) {
		char data[400] = "", one[300];
		for (int i = 0; i < n; i++) {
			dns_rr_to_str(one, sizeof(one), &rrs[i], true);
			size_t l = strlen(data);
			snprintf(data + l, sizeof(data) - l, "%s%s", i ? ", " : "", one);
		}
		log_change(L, z, name, type, ttl, data);
	}
	for (int i = 0; i < n; i++)
		dns_rr_clear(&rrs[i]);
	free(rrs);
	if (rc < 0)
		host_error(L, "%s: %s", what, err.msg);
}

/* ---- dns.zone ---- */

static struct dns_zone *checkzone(lua_State *L, const char *method)
{
	return net_lua_checkself(L, ZONE_MT, "a DNS zone", method);
}

static struct dns_zone *tozone(lua_State *L, int idx)
{
	struct dns_zone **ud = luaL_testudata(L, idx, ZONE_MT);
	return ud ? *ud : NULL;
}

static void make_soa(lua_State *L, struct dns_rr *soa, const struct dns_name *origin, uint32_t def_ttl)
{
	static const char *const keys[] = { "mname", "rname", "serial", "refresh", "retry", "expire",
					    "minimum", "ttl", NULL };
	const char *what = "dns.zone: soa";
	dns_rr_init(soa);
	soa->name = *origin;
	soa->type = DNS_T_SOA;
	struct dns_soa *s = &soa->rd.soa;
	bool have = lua_getfield(L, 1, "soa") != LUA_TNIL;
	if (have && !lua_istable(L, -1))
		host_error(L, "%s: expected a table { mname = ..., minimum = ... }, got %s", what,
			   luaL_typename(L, -1));
	if (!have) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	int t = lua_gettop(L);
	host_check_keys(L, t, what, keys);
	check_name(L, &s->mname, host_get_str(L, t, what, "mname", "ns1"), origin, "dns.zone: soa: mname");
	check_name(L, &s->rname, host_get_str(L, t, what, "rname", "hostmaster"), origin,
		   "dns.zone: soa: rname");
	s->serial = (uint32_t)host_get_int(L, t, what, "serial", 1, 0, UINT32_MAX);
	/* defaults: RIPE-203's recommendations for SOA timers, and RFC 2308 §5's
	 * one to three hours for the negative-caching MINIMUM */
	s->refresh = get_ttl(L, t, what, "refresh", 86400);
	s->retry = get_ttl(L, t, what, "retry", 7200);
	s->expire = get_ttl(L, t, what, "expire", 3600000);
	s->minimum = get_ttl(L, t, what, "minimum", 3600);
	soa->ttl = get_ttl(L, t, what, "ttl", def_ttl);
	lua_pop(L, 1);
}

static void add_record(lua_State *L, struct dns_zone *z, int rec, int i, uint32_t def_ttl)
{
	char what[96];
	snprintf(what, sizeof(what), "dns.zone: records[%d]", i);
	if (!lua_istable(L, rec))
		host_error(L, "%s: expected { owner, type, data, ttl = ... }, got %s", what,
			   luaL_typename(L, rec));
	lua_pushnil(L);
	while (lua_next(L, rec)) {
		bool ok = lua_type(L, -2) == LUA_TNUMBER ? lua_isinteger(L, -2) &&
			  lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= 3
			: lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), "ttl") == 0;
		if (!ok) {
			lua_pop(L, 1);
			host_error(L, "%s: unknown field %s (expected { owner, type, data, ttl = ... })", what,
				   lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
		}
		lua_pop(L, 1);
	}
	lua_geti(L, rec, 1);
	lua_geti(L, rec, 2);
	lua_geti(L, rec, 3);
	int o = lua_gettop(L) - 2;
	if (lua_type(L, o) != LUA_TSTRING)
		host_error(L, "%s: the owner (first element) should be a name like \"www\" or \"@\", got %s",
			   what, luaL_typename(L, o));
	struct dns_name name;
	check_name(L, &name, lua_tostring(L, o), dns_zone_origin(z), what);
	uint16_t type = check_type(L, o + 1, what);
	if (lua_isnil(L, o + 2))
		host_error(L, "%s: the data (third element) is missing", what);
	uint32_t ttl = get_ttl(L, rec, what, "ttl", def_ttl);
	char w2[160];
	snprintf(w2, sizeof(w2), "%s (%s %s)", what, lua_tostring(L, o), lua_tostring(L, o + 1));
	set_rrset(L, z, &name, type, o + 2, ttl, true, w2);
	lua_pop(L, 3);
}

static int l_zone(lua_State *L)
{
	static const char *const keys[] = { "origin", "soa", "records", "ttl", NULL };
	if (!lua_istable(L, 1))
		return host_error(L, "dns.zone: expected a table { origin = ..., soa = {...}, records = {...} }, got %s",
				  luaL_typename(L, 1));
	host_check_keys(L, 1, "dns.zone", keys);
	const char *o = host_get_str(L, 1, "dns.zone", "origin", NULL);
	if (!o)
		return host_error(L, "dns.zone: origin: expected the zone's name like \"example.test\"");
	struct dns_name origin;
	check_name(L, &origin, o, NULL, "dns.zone: origin");
	dns_name_lower(&origin);
	/* 1 h: a common $TTL (RFC 1912 §2.2 suggests a day; RFC 2308 §5
	 * hours) */
	uint32_t def_ttl = get_ttl(L, 1, "dns.zone", "ttl", 3600);
	struct dns_rr soa;
	make_soa(L, &soa, &origin, def_ttl);
	struct dns_zone *z = dns_zone_new(&soa);
	dns_rr_clear(&soa);
	dns_reg_add_zone(host_sim(L), z); /* freed with the simulation, even on error below */
	struct dns_zone **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = z;
	luaL_setmetatable(L, ZONE_MT);
	int t = lua_getfield(L, 1, "records");
	if (t != LUA_TNIL && t != LUA_TTABLE)
		return host_error(L, "dns.zone: records: expected a table of { owner, type, data }, got %s",
				  luaL_typename(L, -1));
	if (t == LUA_TTABLE) {
		int recs = lua_gettop(L);
		lua_Integer n = luaL_len(L, recs);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_geti(L, recs, i);
			add_record(L, z, lua_gettop(L), (int)i, def_ttl);
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	return 1;
}

/* z:set(name, type, data, ttl) */
static int l_zone_set(lua_State *L)
{
	struct dns_zone *z = checkzone(L, "set");
	const char *what = "zone:set";
	struct dns_name name;
	check_name(L, &name, luaL_checkstring(L, 2), dns_zone_origin(z), what);
	uint16_t type = check_type(L, 3, what);
	luaL_checkany(L, 4);
	uint32_t ttl = lua_isnoneornil(L, 5) ? dns_zone_soa(z)->ttl : check_ttl(L, 5, "zone:set: ttl");
	set_rrset(L, z, &name, type, 4, ttl, false, what);
	return 0;
}

/* z:remove(name, type) -> count; type "ANY" removes every RRset there */
static int l_zone_remove(lua_State *L)
{
	struct dns_zone *z = checkzone(L, "remove");
	struct dns_name name;
	check_name(L, &name, luaL_checkstring(L, 2), dns_zone_origin(z), "zone:remove");
	const char *t = luaL_checkstring(L, 3);
	uint16_t type = strcasecmp(t, "ANY") == 0 ? DNS_T_ANY : check_type(L, 3, "zone:remove");
	int n = dns_zone_remove(z, &name, type);
	if (n > 0)
		log_change(L, z, &name, type, 0, NULL);
	lua_pushinteger(L, n);
	return 1;
}

static int zone_index(lua_State *L)
{
	struct dns_zone *z = *(struct dns_zone **)luaL_checkudata(L, 1, ZONE_MT);
	const char *k = luaL_checkstring(L, 2);
	char n[DNS_NAME_STRLEN];
	if (strcmp(k, "origin") == 0)
		lua_pushstring(L, dns_name_to_str(n, sizeof(n), dns_zone_origin(z)));
	else if (strcmp(k, "count") == 0)
		lua_pushinteger(L, dns_zone_count(z));
	else if (strcmp(k, "set") == 0)
		lua_pushcfunction(L, l_zone_set);
	else if (strcmp(k, "remove") == 0)
		lua_pushcfunction(L, l_zone_remove);
	else
		lua_pushnil(L);
	return 1;
}

static int zone_tostring(lua_State *L)
{
	struct dns_zone *z = *(struct dns_zone **)luaL_checkudata(L, 1, ZONE_MT);
	char n[DNS_NAME_STRLEN];
	lua_pushfstring(L, "dns.zone(%s, %d records)", dns_name_to_str(n, sizeof(n), dns_zone_origin(z)),
			dns_zone_count(z));
	return 1;
}

/* ---- dns.server ---- */

static int l_server(lua_State *L)
{
	static const char *const keys[] = { "node", "zones", "processing", "port", "tcp_idle",
					    "udp_size", "name", NULL };
	const char *what = "dns.server";
	if (!lua_istable(L, 1))
		return host_error(L, "dns.server: expected a table { node = ..., zones = {...} }, got %s",
				  luaL_typename(L, 1));
	host_check_keys(L, 1, what, keys);
	struct dns_server_cfg c;
	dns_server_cfg_default(&c);
	c.node = net_lua_getnode(L, 1, what, "node");
	c.processing_ns = net_lua_get_span(L, 1, what, "processing", 0);
	c.tcp_idle_ns = net_lua_get_span(L, 1, what, "tcp_idle", c.tcp_idle_ns);
	c.port = (uint16_t)host_get_int(L, 1, what, "port", DNS_PORT, 1, 65535);
	c.udp_size = (uint16_t)host_get_int(L, 1, what, "udp_size", DNS_EDNS_UDP_SIZE,
					    DNS_UDP_SIZE_PLAIN, 65535);
	c.name = host_get_str(L, 1, what, "name", NULL);
	if (c.tcp_idle_ns <= 0)
		return host_error(L, "dns.server: tcp_idle: must be above zero");
	if (lua_getfield(L, 1, "zones") != LUA_TTABLE)
		return host_error(L, "dns.server: zones: expected a table of zones { z1, z2 }, got %s",
				  luaL_typename(L, -1));
	int zt = lua_gettop(L);
	lua_Integer nz = luaL_len(L, zt);
	for (lua_Integer i = 1; i <= nz; i++) {
		lua_geti(L, zt, i);
		if (!tozone(L, -1))
			return host_error(L, "dns.server: zones[%lld]: expected a zone from dns.zone, got %s",
					  (long long)i, luaL_typename(L, -1));
		lua_pop(L, 1);
	}
	struct errbuf err;
	struct dns_server *srv = dns_server_new(&c, &err);
	if (!srv)
		return host_error(L, "dns.server: %s", err.msg);
	for (lua_Integer i = 1; i <= nz; i++) {
		lua_geti(L, zt, i);
		if (dns_server_add_zone(srv, tozone(L, -1), &err) < 0)
			return host_error(L, "dns.server: zones[%lld]: %s", (long long)i, err.msg);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	struct dns_server **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = srv;
	luaL_setmetatable(L, SERVER_MT);
	return 1;
}

static int l_server_stats(lua_State *L)
{
	struct dns_server *srv = net_lua_checkself(L, SERVER_MT, "a DNS server",
									 "stats");
	struct dns_server_stats st;
	dns_server_stats(srv, &st);
	lua_createtable(L, 0, 14);
#define PUT(f) (lua_pushinteger(L, (lua_Integer)st.f), lua_setfield(L, -2, #f))
	PUT(udp_queries);
	PUT(tcp_queries);
	PUT(noerror);
	PUT(nxdomain);
	PUT(formerr);
	PUT(refused);
	PUT(servfail);
	PUT(notimp);
	PUT(referrals);
	PUT(truncated);
	PUT(dropped);
	PUT(tcp_conns);
#undef PUT
	return 1;
}

static int l_server_add_zone(lua_State *L)
{
	struct dns_server *srv = net_lua_checkself(L, SERVER_MT, "a DNS server",
									 "add_zone");
	struct dns_zone *z = tozone(L, 2);
	if (!z)
		return host_error(L, "server:add_zone: expected a zone from dns.zone, got %s",
				  luaL_typename(L, 2));
	struct errbuf err;
	if (dns_server_add_zone(srv, z, &err) < 0)
		return host_error(L, "server:add_zone: %s", err.msg);
	return 0;
}

/* ---- dns.query ---- */

/* A Lua userdata anchored in the registry while the query is pending,
 * so it goes with the Lua state if the run ends first. */
struct lquery {
	struct host *h;
	int ref, anchor;
};

static void push_section(lua_State *L, const struct dns_msg *m, enum dns_section s)
{
	lua_createtable(L, m->n[s], 0);
	for (int i = 0; i < m->n[s]; i++) {
		const struct dns_rr *rr = &m->rr[s][i];
		char n[DNS_NAME_STRLEN], t[16];
		/* room for any RDATA's text: 4 characters a byte at worst, and
		 * names and numbers around them */
		size_t dsz = 4u * rr->data_len + 2 * DNS_NAME_STRLEN + 64;
		char *d = xmalloc(dsz);
		lua_createtable(L, 0, 4);
		lua_pushstring(L, dns_name_to_str(n, sizeof(n), &rr->name));
		lua_setfield(L, -2, "name");
		lua_pushstring(L, dns_type_str(t, sizeof(t), rr->type));
		lua_setfield(L, -2, "type");
		lua_pushinteger(L, rr->ttl);
		lua_setfield(L, -2, "ttl");
		lua_pushstring(L, dns_rr_to_str(d, dsz, rr, true));
		lua_setfield(L, -2, "data");
		free(d);
		lua_rawseti(L, -2, i + 1);
	}
}

static void query_done(void *ctx, const struct dns_query_result *res)
{
	struct lquery *lq = ctx;
	lua_State *L = host_lua(lq->h);
	static const char *const status[] = { "ok", "timeout", "unreachable", "malformed" };
	host_push_ref(L, lq->ref);
	lua_createtable(L, 0, 16);
	lua_pushstring(L, status[-res->status]);
	lua_setfield(L, -2, "status");
	lua_pushinteger(L, res->rtt_ns);
	lua_setfield(L, -2, "time_ns");
	lua_pushnumber(L, (double)res->rtt_ns / 1e6);
	lua_setfield(L, -2, "rtt_ms");
	lua_pushboolean(L, res->over_tcp);
	lua_setfield(L, -2, "tcp");
	lua_pushboolean(L, res->tc_retry);
	lua_setfield(L, -2, "tc_retry");
	if (res->status == DNS_Q_OK) {
		const struct dns_msg *m = &res->msg;
		char rb[16];
		lua_pushstring(L, dns_rcode_name(m->rcode, rb, sizeof(rb)));
		lua_setfield(L, -2, "rcode");
		lua_pushinteger(L, res->size);
		lua_setfield(L, -2, "size");
		lua_pushinteger(L, m->id);
		lua_setfield(L, -2, "id");
#define FLAG(f) (lua_pushboolean(L, m->f), lua_setfield(L, -2, #f))
		FLAG(aa);
		FLAG(tc);
		FLAG(rd);
		FLAG(ra);
		FLAG(edns);
#undef FLAG
		if (m->edns) {
			lua_pushinteger(L, m->edns_udp_size);
			lua_setfield(L, -2, "udp_size");
		}
		push_section(L, m, DNS_SEC_AN);
		lua_setfield(L, -2, "answer");
		push_section(L, m, DNS_SEC_NS);
		lua_setfield(L, -2, "authority");
		push_section(L, m, DNS_SEC_AR);
		lua_setfield(L, -2, "additional");
	}
	host_pcall(lq->h, 1, 0);
	host_unref(L, lq->ref);
	luaL_unref(L, LUA_REGISTRYINDEX, lq->anchor);
}

static int l_query(lua_State *L)
{
	static const char *const keys[] = { "from", "server", "port", "name", "type", "rd", "edns",
					    "tcp", "ignore_tc", "timeout", "on_reply", NULL };
	const char *what = "dns.query";
	if (!lua_istable(L, 1))
		return host_error(L, "dns.query: expected a table { from = ..., server = ..., name = ... }, got %s",
				  luaL_typename(L, 1));
	host_check_keys(L, 1, what, keys);
	net_lua_check_clock(L, what);
	struct dns_query_cfg c;
	dns_query_cfg_default(&c);
	c.from = net_lua_getnode(L, 1, what, "from");
	c.server = net_lua_getaddr(L, 1, what, "server");
	c.port = (uint16_t)host_get_int(L, 1, what, "port", DNS_PORT, 1, 65535);
	const char *name = host_get_str(L, 1, what, "name", NULL);
	if (!name)
		return host_error(L, "dns.query: name: expected a name like \"www.example.test\"");
	check_name(L, &c.name, name, NULL, "dns.query: name");
	if (lua_getfield(L, 1, "type") != LUA_TNIL) {
		const char *t = lua_tostring(L, -1);
		int type = lua_type(L, -1) == LUA_TSTRING ? dns_type_from_str(t) : -1;
		if (type < 0)
			return host_error(L, "dns.query: type: unknown type %s (expected %s, ANY or TYPEn)",
					  t ? t : luaL_typename(L, -1), KNOWN_TYPES);
		c.qtype = (uint16_t)type;
	}
	lua_pop(L, 1);
	c.rd = host_get_bool(L, 1, what, "rd", false);
	c.tcp = host_get_bool(L, 1, what, "tcp", false);
	c.ignore_tc = host_get_bool(L, 1, what, "ignore_tc", false);
	c.timeout_ns = net_lua_get_span(L, 1, what, "timeout", c.timeout_ns);
	if (c.timeout_ns <= 0)
		return host_error(L, "dns.query: timeout: must be above zero");
	if (lua_getfield(L, 1, "edns") != LUA_TNIL) {
		if (lua_isboolean(L, -1) && !lua_toboolean(L, -1))
			c.edns_udp_size = 0;
		else if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 512 && lua_tointeger(L, -1) <= 65535)
			c.edns_udp_size = (uint16_t)lua_tointeger(L, -1);
		else
			return host_error(L, "dns.query: edns: expected false or a payload size 512-65535 "
					  "(bytes), got %s", luaL_tolstring(L, -1, NULL));
	}
	lua_pop(L, 1);
	int lq_ref;
	if (lua_getfield(L, 1, "on_reply") != LUA_TFUNCTION)
		return host_error(L, "dns.query: on_reply: expected a function(reply), got %s",
				  luaL_typename(L, -1));
	lq_ref = host_ref(L, -1);
	lua_pop(L, 1);
	struct lquery *lq = lua_newuserdatauv(L, sizeof(*lq), 0);
	lq->h = host_of(L);
	lq->ref = lq_ref;
	lq->anchor = luaL_ref(L, LUA_REGISTRYINDEX);
	c.done = query_done;
	c.ctx = lq;
	struct errbuf err;
	if (dns_query_start(&c, &err) < 0) {
		host_unref(L, lq->ref);
		luaL_unref(L, LUA_REGISTRYINDEX, lq->anchor);
		return host_error(L, "dns.query: %s", err.msg);
	}
	return 0;
}

/* ---- the module ---- */

static int dns_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, ZONE_MT);
	lua_pushcfunction(L, zone_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, zone_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);
	luaL_newmetatable(L, SERVER_MT);
	lua_newtable(L);
	lua_pushcfunction(L, l_server_stats);
	lua_setfield(L, -2, "stats");
	lua_pushcfunction(L, l_server_add_zone);
	lua_setfield(L, -2, "add_zone");
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	host_register(L, "dns.zone", l_zone);
	host_register(L, "dns.server", l_server);
	host_register(L, "dns.query", l_query);
	return 0;
}

const struct host_module dns_module = { "dns", dns_open };
