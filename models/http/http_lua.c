/* Lua bindings of the HTTP model:
 *
 *   http.server { node = s, port = 80, tls = false | true | { version = "1.3", cert_chain = "4KB", ... },
 *                 protocols = { "h2", "http/1.1" },
 *                 resources = { ["/"] = "14KB", ["/big"] = "1MB" } | function(path) ... end,
 *                 default_size = "10KB", service_time = "1ms" | "exp:1ms", workers = 64,
 *                 keepalive_timeout = "75s", keepalive_requests = 1000, mime =, name = }
 *   http.client { node = c, url = "http://10.0.0.2/obj", proto = "h2",
 *                 rate = 100 (Poisson, requests/s) | concurrency = 4 (closed loop),
 *                 count =, start =, stop =, max_conns = 6, pipeline_depth = 32,
 *                 keepalive = true, idle_timeout = "300s", name =,
 *                 tls = { version = "1.3", resume = true, early_data = false } (https URLs),
 *                 h2_window = "6MiB" (the stream window the client announces) }
 *
 * The server returns an object with :stats(); the client is an app (a.name,
 * a:stats(), a:stop()) that records requests_per_s (sampled) and latency_ns
 * (one value per request, from issue to last byte), the metrics tcp.reqresp
 * records, so run_stats gives the latency percentiles.  Every request also
 * writes an http_requests row. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_priv.h"
#include "cli/host.h"
#include "models/apps/apps.h"
#include "models/net/net_lua.h"
#include "models/tls/tls_priv.h" /* tls_cert_min */
#include "sim/db.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

static const char SRV_MT[] = "wirelab.http_server";

/* ---- http.server ---- */

struct lua_sizefn {
	lua_State *L;
	struct host *h;
	int ref;
	char what[32];
};

/* resources = function(path): a size (bytes or "10KB"), nil for the
 * default size, false for 404. */
static int64_t lua_size(void *ctx, const char *path)
{
	struct lua_sizefn *f = ctx;
	lua_State *L = f->L;
	host_push_ref(L, f->ref);
	lua_pushstring(L, path);
	if (host_pcall(f->h, 1, 1) < 0)
		return -1;
	int64_t v = -2;
	if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
		v = -1;
	} else if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0) {
		v = lua_tointeger(L, -1);
	} else if (lua_type(L, -1) == LUA_TSTRING) {
		uint64_t b;
		if (units_parse_size(lua_tostring(L, -1), &b) == 0 && b <= INT64_MAX)
			v = (int64_t)b;
		else
			sim_fail(host_sim(L), "http.server resources(%s): '%s' is not a size such as \"10KB\"", path,
				 lua_tostring(L, -1));
	} else if (!lua_isnil(L, -1)) {
		sim_fail(host_sim(L), "http.server resources(%s): expected a size, nil or false, got a %s", path,
			 luaL_typename(L, -1));
	}
	lua_pop(L, 1);
	return v;
}

static int srv_stats(lua_State *L)
{
	struct http_server *s = net_lua_checkself(L, SRV_MT, "an http server", "stats");
	struct http_server_stats st;
	http_server_get_stats(s, &st);
	lua_newtable(L);
#define PUT(k) (lua_pushinteger(L, (lua_Integer)st.k), lua_setfield(L, -2, #k))
	PUT(requests); PUT(responses); PUT(bad_requests); PUT(not_found); PUT(conns_accepted);
	PUT(conns_open); PUT(idle_closed); PUT(busy_workers); PUT(queued); PUT(max_queued);
#undef PUT
	return 1;
}

static int srv_index(lua_State *L)
{
	struct http_server *s = net_lua_checkself(L, SRV_MT, "an http server", "__index");
	const char *k = lua_tostring(L, 2);
	if (!k)
		return 0;
	if (strcmp(k, "stats") == 0) {
		lua_pushcfunction(L, srv_stats);
		return 1;
	}
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, s->name);
		return 1;
	}
	if (strcmp(k, "port") == 0) {
		lua_pushinteger(L, s->cfg.port);
		return 1;
	}
	return 0;
}

static uint16_t tls_version_opt(lua_State *L, int t, const char *what, const char *key, const char *def)
{
	const char *v = host_get_str(L, t, what, key, def);
	if (strcmp(v, "1.3") == 0)
		return TLS_V13;
	if (strcmp(v, "1.2") == 0)
		return TLS_V12;
	host_error(L, "%s: %s: expected \"1.3\" or \"1.2\", got '%s'", what, key, v);
}

/* tls = false | true | { ... }: true or a table fills out (OpenSSL 3's
 * defaults from tls_config_default, then the table's options); returns
 * whether TLS is on.  Server options: version, min_version, cert_chain,
 * sign ("rsa" | "ecdsa"), sign_time, early_data, anti_replay,
 * max_early_data, resumption ("ticket" | "session_id" | "none"), tickets,
 * ticket_lifetime.  Client options: version, min_version, resume,
 * early_data. */
static bool get_tls(lua_State *L, const char *fn, bool server, struct tls_config *out)
{
	static const char *const skeys[] = {
		"version", "min_version", "cert_chain", "sign", "sign_time", "early_data", "anti_replay",
		"max_early_data", "resumption", "tickets", "ticket_lifetime", NULL,
	};
	static const char *const ckeys[] = { "version", "min_version", "resume", "early_data", NULL };
	char what[48];
	snprintf(what, sizeof(what), "%s tls", fn);
	tls_config_default(out);
	int ty = lua_getfield(L, 1, "tls");
	if (ty == LUA_TNIL || (ty == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
		lua_pop(L, 1);
		return false;
	}
	if (ty == LUA_TBOOLEAN) {
		lua_pop(L, 1);
		return true;
	}
	if (ty != LUA_TTABLE)
		host_error(L, "%s: tls: expected false, true or a table of TLS options, got %s", fn, luaL_typename(L, -1));
	int t = lua_gettop(L);
	host_check_keys(L, t, what, server ? skeys : ckeys);
	out->max_version = tls_version_opt(L, t, what, "version", "1.3");
	out->min_version = tls_version_opt(L, t, what, "min_version", "1.2");
	if (out->min_version > out->max_version)
		host_error(L, "%s: min_version is above version", what);
	if (!server) {
		out->resume = host_get_bool(L, t, what, "resume", true);
		out->early_data = host_get_bool(L, t, what, "early_data", false);
		lua_pop(L, 1);
		return true;
	}
	const char *sign = host_get_str(L, t, what, "sign", "rsa");
	if (strcmp(sign, "rsa") == 0)
		out->sign = TLS_SIGN_RSA2048;
	else if (strcmp(sign, "ecdsa") == 0)
		out->sign = TLS_SIGN_ECDSA_P256;
	else
		host_error(L, "%s: sign: expected \"rsa\" (RSA-2048) or \"ecdsa\" (ECDSA P-256), got '%s'", what, sign);
	/* the measured self-signed certificates (models/tls): RSA-2048 795 bytes, P-256 399 */
	uint64_t chain = host_get_size_max(L, t, what, "cert_chain", out->sign == TLS_SIGN_RSA2048 ? 795 : 399, 1u << 20);
	if (chain < tls_cert_min(out->sign))
		host_error(L, "%s: cert_chain: at least %u bytes for an %s certificate, got %llu", what,
			   tls_cert_min(out->sign), sign, (unsigned long long)chain);
	out->cert_chain_bytes = (uint32_t)chain;
	out->sign_time_ns = net_lua_get_span(L, t, what, "sign_time", tls_sign_time_default(out->sign));
	out->accept_early_data = host_get_bool(L, t, what, "early_data", false);
	out->anti_replay = host_get_bool(L, t, what, "anti_replay", true);
	out->max_early_data = (uint32_t)host_get_size_max(L, t, what, "max_early_data", 16384, UINT32_MAX);
	const char *res = host_get_str(L, t, what, "resumption", "ticket");
	if (strcmp(res, "ticket") == 0)
		out->resumption_12 = TLS_RESUME_TICKET;
	else if (strcmp(res, "session_id") == 0)
		out->resumption_12 = TLS_RESUME_SESSION_ID;
	else if (strcmp(res, "none") == 0)
		out->resumption_12 = TLS_RESUME_NONE;
	else
		host_error(L, "%s: resumption: expected \"ticket\", \"session_id\" or \"none\", got '%s'", what, res);
	out->tickets_13 = (uint32_t)host_get_int(L, t, what, "tickets", 2, 0, 16);
	out->ticket_lifetime_ns = net_lua_get_span(L, t, what, "ticket_lifetime", SIM_S(7200));
	if (out->ticket_lifetime_ns <= 0)
		host_error(L, "%s: ticket_lifetime: must be above zero", what);
	lua_pop(L, 1);
	return true;
}

/* "1ms" (fixed) or "exp:1ms" (exponential with that mean) */
static void get_service_time(lua_State *L, const char *what, struct http_server_config *c)
{
	int t = lua_getfield(L, 1, "service_time");
	if (t == LUA_TSTRING && strncmp(lua_tostring(L, -1), "exp:", 4) == 0) {
		simtime_t d;
		if (units_parse_duration(lua_tostring(L, -1) + 4, &d) < 0 || d < 0 || d > HOST_DURATION_MAX)
			host_error(L, "%s: service_time: '%s': expected a duration after exp:, as \"exp:1ms\"", what,
				   lua_tostring(L, -1));
		c->service_dist = HTTP_SVC_EXP;
		c->service_time = d;
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	c->service_dist = HTTP_SVC_FIXED;
	c->service_time = net_lua_get_span(L, 1, what, "service_time", 0);
}

static int l_server(lua_State *L)
{
	static const char *const keys[] = {
		"node", "port", "tls", "protocols", "resources", "default_size", "service_time", "workers",
		"keepalive_timeout", "keepalive_requests", "mime", "name", NULL,
	};
	const char *what = "http.server";
	if (lua_isnone(L, 1))
		return host_error(L, "%s: expected a table of options { node = ..., port = 80 }, got nothing", what);
	host_check_keys(L, 1, what, keys);
	struct http_server_config c;
	http_server_config_default(&c);
	struct node *nd = net_lua_getnode(L, 1, what, "node");
	if (!node_addr(nd))
		return host_error(L, "%s: link the node before starting a server on it", what);
	struct tls_config tls;
	if (get_tls(L, what, true, &tls))
		c.tls = &tls;
	c.port = (uint16_t)host_get_int(L, 1, what, "port", c.tls ? 443 : 80, 1, 65535);
	if (lua_getfield(L, 1, "protocols") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return host_error(L, "%s: protocols: expected a list such as { \"h2\", \"http/1.1\" }", what);
		c.h1 = c.h2 = false;
		lua_Integer n = luaL_len(L, -1);
		if (n < 1)
			return host_error(L, "%s: protocols: give at least one of \"h2\", \"http/1.1\"", what);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_geti(L, -1, i);
			const char *p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			if (p && strcmp(p, "h2") == 0)
				c.h2 = true;
			else if (p && (strcmp(p, "http/1.1") == 0 || strcmp(p, "http/1.0") == 0))
				c.h1 = true;
			else
				return host_error(L, "%s: protocols[%d]: expected \"h2\" or \"http/1.1\", got %s", what,
						  (int)i, p ? p : luaL_typename(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	c.default_size = (int64_t)host_get_size_max(L, 1, what, "default_size", 10000, INT64_MAX);
	get_service_time(L, what, &c);
	c.workers = (int)host_get_int(L, 1, what, "workers", 64, 1, 1000000);
	c.keepalive_timeout = net_lua_get_span(L, 1, what, "keepalive_timeout", SIM_S(75));
	c.keepalive_requests = (int)host_get_int(L, 1, what, "keepalive_requests", 1000, 1, INT32_MAX);
	c.mime = host_get_str(L, 1, what, "mime", NULL);
	if (c.mime && (strlen(c.mime) > 60 || strpbrk(c.mime, "\r\n")))
		return host_error(L, "%s: mime: at most 60 characters on one line", what);
	c.name = host_get_str(L, 1, what, "name", NULL);
	if (c.name && strlen(c.name) > 60)
		return host_error(L, "%s: name: at most 60 characters", what);
	struct lua_sizefn *fn = NULL;
	int rt = lua_getfield(L, 1, "resources");
	if (rt == LUA_TFUNCTION) {
		fn = xcalloc(1, sizeof(*fn));
		fn->h = host_of(L);
		fn->L = host_lua(fn->h);
		lua_pushvalue(L, -1);
		fn->ref = host_ref(L, -1);
		lua_pop(L, 1);
		c.size_fn = lua_size;
		c.size_ctx = fn;
	} else if (rt != LUA_TNIL && rt != LUA_TTABLE) {
		return host_error(L, "%s: resources: expected a table { [\"/path\"] = \"10KB\" } or a function", what);
	}
	char err[128];
	struct http_server *s = http_server_new(nd, &c, err);
	if (!s) {
		free(fn);
		return host_error(L, "%s: %s", what, err);
	}
	if (fn) {
		s->owned = fn; /* freed with the server */
		lua_pop(L, 1);
	} else if (rt == LUA_TTABLE) {
		int tbl = lua_gettop(L);
		lua_pushnil(L);
		while (lua_next(L, tbl)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) != LUA_TSTRING || lua_tostring(L, -1)[0] != '/')
				return host_error(L, "%s: resources: keys are paths starting with '/', got %s", what,
						  lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
			const char *path = lua_tostring(L, -1);
			if (strlen(path) >= 1000 || strpbrk(path, " \t\r\n"))
				return host_error(L, "%s: resources: '%.60s' is not a path", what, path);
			char key[1024];
			snprintf(key, sizeof(key), "%s", path);
			int64_t size = (int64_t)host_get_size_max(L, tbl, "http.server resources", key, 0, INT64_MAX);
			http_server_add_resource(s, key, size, NULL);
		}
		lua_pop(L, 1);
	} else {
		lua_pop(L, 1);
	}
	struct http_server **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = s;
	luaL_setmetatable(L, SRV_MT);
	return 1;
}

/* ---- http.client: a load generator ---- */

struct http_load {
	struct app base;
	struct http_client *cl;
	char *url;
	double rate;
	int concurrency;
	int64_t count;
	struct rng *rng;
	struct timer t_arrive;
	int64_t issued, completed, failed, inflight;
	int64_t bytes;
	simtime_t lat_min, lat_max;
	double lat_sum;
	int64_t sample_completed;
	simtime_t sample_t;
	int m_latency;
	char first_error[160];
};

static void load_issue(struct http_load *ld);

static void load_done(void *ctx, const struct http_result *r)
{
	struct http_load *ld = ctx;
	struct sim *s = ld->base.sim;
	ld->inflight--;
	if (r->error) {
		ld->failed++;
		if (!ld->first_error[0]) {
			snprintf(ld->first_error, sizeof(ld->first_error), "%s", r->error);
			rec_log(s, ld->base.name, "http_error", "%s", r->error);
		}
	} else {
		simtime_t lat = r->finished - r->started;
		ld->completed++;
		ld->bytes += r->body_bytes;
		ld->lat_sum += (double)lat;
		if (ld->completed == 1 || lat < ld->lat_min)
			ld->lat_min = lat;
		if (lat > ld->lat_max)
			ld->lat_max = lat;
		if (rec_on(s, ld->m_latency))
			rec_value(s, ld->m_latency, ld->base.name, (double)lat);
	}
	if (ld->concurrency > 0 && ld->base.running)
		load_issue(ld);
}

static void load_issue(struct http_load *ld)
{
	if (!ld->base.running || (ld->count && ld->issued >= ld->count))
		return;
	ld->issued++;
	ld->inflight++;
	char err[128];
	if (http_client_get(ld->cl, ld->url, -1, load_done, ld, err) < 0) {
		/* the URL was checked when the client was made */
		sim_fail(ld->base.sim, "http.client %s: %s", ld->base.name, err);
	}
}

static void load_arrival(struct sim *s, void *obj)
{
	struct http_load *ld = obj;
	if (!ld->base.running)
		return;
	load_issue(ld);
	double gap = rng_exponential(ld->rng, 1e9 / ld->rate);
	timer_arm(s, &ld->t_arrive, s->now + (simtime_t)gap);
}

static void load_start(struct app *a)
{
	struct http_load *ld = (struct http_load *)a;
	ld->sample_t = a->sim->now;
	if (ld->rate > 0)
		timer_arm(a->sim, &ld->t_arrive, a->sim->now);
	else
		for (int i = 0; i < ld->concurrency; i++)
			load_issue(ld);
}

static void load_stop(struct app *a)
{
	timer_cancel(&((struct http_load *)a)->t_arrive);
}

static double load_sample(void *obj, simtime_t now)
{
	struct http_load *ld = obj;
	simtime_t dt = now - ld->sample_t;
	double v = dt > 0 ? (double)(ld->completed - ld->sample_completed) * 1e9 / (double)dt : NAN;
	ld->sample_t = now;
	ld->sample_completed = ld->completed;
	return v;
}

static void load_report(struct app *a)
{
	struct http_load *ld = (struct http_load *)a;
	if (!a->sim->db || a->started_at == SIM_NEVER)
		return;
	char src[16], dst[16];
	simtime_t end = app_end(a);
	double secs = sim_to_sec(end - a->started_at);
	struct http_url u;
	char err[128];
	uint32_t daddr = 0;
	if (http_url_parse(ld->url, &u, err) == 0)
		(void)ipv4_parse(u.host, &daddr, NULL);
	struct db_flow f = {
		.flow_id = a->id, .proto = "tcp", .app = "http", .name = a->name,
		.src = ipv4_fmt(src, node_addr(a->node)), .dst = daddr ? ipv4_fmt(dst, daddr) : u.host,
		.start_ns = a->started_at, .end_ns = end, .bytes = ld->bytes,
		.goodput_bps = secs > 0 ? (double)ld->bytes * 8 / secs : 0, .retrans = -1,
		.rtt_min_ns = ld->completed ? ld->lat_min : -1,
		.rtt_mean_ns = ld->completed ? (int64_t)(ld->lat_sum / (double)ld->completed) : -1,
		.pkts_sent = ld->issued, .pkts_recv = ld->completed,
	};
	db_flow(a->sim->db, a->sim->run_id, &f);
}

static void load_stats(struct app *a, void (*put)(void *, const char *, double), void *ctx)
{
	struct http_load *ld = (struct http_load *)a;
	put(ctx, "issued", (double)ld->issued);
	put(ctx, "completed", (double)ld->completed);
	put(ctx, "failed", (double)ld->failed);
	put(ctx, "inflight", (double)ld->inflight);
	put(ctx, "bytes", (double)ld->bytes);
	put(ctx, "connections", (double)http_client_conns_opened(ld->cl));
	put(ctx, "open_connections", (double)http_client_open_conns(ld->cl));
	if (ld->completed) {
		put(ctx, "latency_min_ns", (double)ld->lat_min);
		put(ctx, "latency_max_ns", (double)ld->lat_max);
		put(ctx, "latency_mean_ns", ld->lat_sum / (double)ld->completed);
	}
}

static void load_destroy(struct app *a)
{
	struct http_load *ld = (struct http_load *)a;
	timer_destroy(a->sim, &ld->t_arrive);
	free(ld->url);
}

static const char *load_first_error(struct app *a);

static const struct app_ops load_ops = {
	.kind = "http", .start = load_start, .stop = load_stop, .report = load_report,
	.destroy = load_destroy, .stats = load_stats, .first_error = load_first_error,
};

static const char *load_first_error(struct app *a)
{
	struct http_load *ld = (struct http_load *)a;
	return ld->first_error[0] ? ld->first_error : NULL;
}

static int l_client(lua_State *L)
{
	static const char *const keys[] = {
		"node", "url", "proto", "rate", "concurrency", "count", "start", "stop", "max_conns",
		"pipeline_depth", "keepalive", "idle_timeout", "name", "tls", "h2_window", NULL,
	};
	const char *what = "http.client";
	if (lua_isnone(L, 1))
		return host_error(L, "%s: expected a table of options { node = ..., url = ... }, got nothing", what);
	host_check_keys(L, 1, what, keys);
	struct node *nd = net_lua_getnode(L, 1, what, "node");
	if (!node_addr(nd))
		return host_error(L, "%s: link the node before starting a client on it", what);
	const char *url = host_get_str(L, 1, what, "url", NULL);
	if (!url)
		return host_error(L, "%s: 'url' is required, e.g. url = \"http://10.0.0.2/\"", what);
	struct http_url u;
	char err[128];
	if (http_url_parse(url, &u, err) < 0)
		return host_error(L, "%s: url: %s", what, err);
	struct http_client_config cc;
	http_client_config_default(&cc);
	struct tls_config tls;
	get_tls(L, what, false, &tls);
	cc.tls = &tls;
	const char *proto = host_get_str(L, 1, what, "proto", "http/1.1");
	int p = http_proto_parse(proto);
	if (p < 0)
		return host_error(L, "%s: proto: unknown protocol '%s' (expected one of %s)", what, proto,
				  http_proto_names());
	cc.proto = (enum http_proto)p;
	double rate = host_get_num(L, 1, what, "rate", 0, 0, 1e9);
	if (host_has(L, 1, "rate") && !(rate > 0))
		return host_error(L, "%s: rate: expected requests per second > 0", what);
	if (host_has(L, 1, "rate") && host_has(L, 1, "concurrency"))
		return host_error(L, "%s: give rate (open loop) or concurrency (closed loop), not both", what);
	int conc = (int)host_get_int(L, 1, what, "concurrency", rate > 0 ? 0 : 1, 1, 1000000);
	int64_t count = host_get_int(L, 1, what, "count", 0, 0, INT64_MAX);
	cc.max_conns_per_origin = (int)host_get_int(L, 1, what, "max_conns", 6, 1, 100000);
	cc.max_pipeline_depth = (int)host_get_int(L, 1, what, "pipeline_depth", 32, 1, 100000);
	cc.keepalive = host_get_bool(L, 1, what, "keepalive", true);
	cc.idle_timeout = net_lua_get_span(L, 1, what, "idle_timeout", SIM_S(300));
	/* SETTINGS_INITIAL_WINDOW_SIZE: at most 2^31-1 (RFC 9113 §6.5.2) */
	cc.h2_initial_window = (uint32_t)host_get_size_max(L, 1, what, "h2_window", 0, 2147483647);
	if (host_has(L, 1, "h2_window") && cc.h2_initial_window == 0)
		return host_error(L, "%s: h2_window: at least 1 byte", what);
	const char *name = host_get_str(L, 1, what, "name", NULL);
	if (name && strlen(name) >= sizeof(((struct app *)0)->name))
		return host_error(L, "%s: name: at most %zu characters", what, sizeof(((struct app *)0)->name) - 1);
	simtime_t now = host_sim(L)->now;
	net_lua_check_clock(L, what);
	simtime_t start = net_lua_get_time(L, 1, what, "start", now);
	simtime_t stop = net_lua_get_time(L, 1, what, "stop", SIM_NEVER);
	if (stop < start)
		return host_error(L, "%s: stop is before start", what);

	struct sim *s = host_sim(L);
	struct http_load *ld = xcalloc(1, sizeof(*ld));
	ld->url = xstrdup(url);
	ld->rate = rate;
	ld->concurrency = rate > 0 ? 0 : conc;
	ld->count = count;
	timer_init(s, &ld->t_arrive, load_arrival, ld);
	app_add(&ld->base, &load_ops, nd, name, start, stop);
	cc.name = ld->base.name;
	ld->cl = http_client_new(nd, &cc);
	char stream[96];
	snprintf(stream, sizeof(stream), "app:%s:http", ld->base.name);
	ld->rng = rng_stream(s, stream);
	ld->m_latency = rec_metric_def(s, "latency_ns", "http", "ns", REC_CAN_EVENT,
				       "time from a request's start to its last response byte");
	rec_probe_add(s, rec_metric_def(s, "requests_per_s", "http", "1/s", REC_CAN_SAMPLE,
					"requests completed per second"), ld->base.name, load_sample, ld);
	apps_lua_push(L, &ld->base);
	return 1;
}

static int http_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, SRV_MT);
	lua_pushcfunction(L, srv_index);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	host_register(L, "http.server", l_server);
	host_register(L, "http.client", l_client);
	return 0;
}

const struct host_module http_module = { "http", http_open };
