/* Lua bindings of the page-load workload (web.h) and of a web server
 * that serves its pages:
 *
 *   local srv = web.server { on = server, tls = "1.3", html = "14KB" }
 *   web.page { from = client, server = srv, url = "https://www.example.test/",
 *              proto = "h2", conns = 6, tls = "1.3", html = "14KB",
 *              objects = { n = 30, size = "lognormal:10KB,1.0" }, waves = 1,
 *              at = "1s", on_done = function(page) print(page.onload_ns) end }
 *
 * Every argument is checked (host.h getters, and here: protocol names,
 * sizes with their unit, distributions); a mistake is an error naming the
 * argument and what was expected.  docs/models/web.md has the whole API. */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/host.h"
#include "models/http/http.h"
#include "models/net/net_lua.h"
#include "models/tls/tls.h"
#include "models/web/web.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

#define WEB_MAX_OBJECTS 100000

static const char SERVER_MT[] = "wirelab.web_server";

/* ---- sizes: "10KB", never a bare number ---- */

static int64_t to_size(lua_State *L, int idx, const char *what, const char *key)
{
	uint64_t v;
	if (lua_type(L, idx) == LUA_TNUMBER) {
		/* lua_tostring would turn the number into a string in place */
		char num[64];
		snprintf(num, sizeof(num), "%s", luaL_tolstring(L, idx, NULL));
		host_error(L, "%s: %s: expected a size with a unit like \"10KB\", got the number %s (a size "
			   "needs its unit: \"10KB\", \"1500B\")", what, key, num);
	}
	if (lua_type(L, idx) != LUA_TSTRING)
		host_error(L, "%s: %s: expected a size with a unit like \"10KB\", got %s", what, key,
			   luaL_typename(L, idx));
	const char *s = lua_tostring(L, idx);
	if (units_parse_size(s, &v) < 0 || v > (uint64_t)1 << 40)
		host_error(L, "%s: %s: expected a size with a unit like \"10KB\" (at most 1TiB), got '%s'", what,
			   key, s);
	return (int64_t)v;
}

/* A size or a distribution of sizes: "10KB", "exp:10KB" (exponential,
 * that mean), "lognormal:10KB,1.0" (log-normal, that median, sigma of the
 * logarithm). */
struct size_dist {
	enum { SZ_FIXED, SZ_EXP, SZ_LOGNORMAL } kind;
	double a, b;
};

static struct size_dist to_size_dist(lua_State *L, int idx, const char *what, const char *key)
{
	struct size_dist d = { SZ_FIXED, 0, 0 };
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!colon) {
		d.a = (double)to_size(L, idx, what, key);
		return d;
	}
	char kind[16], arg1[64];
	size_t kn = (size_t)(colon - s);
	if (kn >= sizeof(kind))
		kn = sizeof(kind) - 1;
	memcpy(kind, s, kn);
	kind[kn] = '\0';
	const char *rest = colon + 1, *comma = strchr(rest, ',');
	size_t an = comma ? (size_t)(comma - rest) : strlen(rest);
	if (an >= sizeof(arg1))
		an = sizeof(arg1) - 1;
	memcpy(arg1, rest, an);
	arg1[an] = '\0';
	uint64_t v;
	if (strcmp(kind, "exp") == 0 && !comma) {
		if (units_parse_size(arg1, &v) < 0 || v == 0)
			host_error(L, "%s: %s: exp: expected a mean size with a unit, \"exp:10KB\", got '%s'", what,
				   key, s);
		d.kind = SZ_EXP;
		d.a = (double)v;
		return d;
	}
	if (strcmp(kind, "lognormal") == 0 && comma) {
		char *end;
		double sigma = strtod(comma + 1, &end);
		if (units_parse_size(arg1, &v) < 0 || v == 0)
			host_error(L, "%s: %s: lognormal: expected a median size with a unit, \"lognormal:10KB,1.0\", "
				   "got '%s'", what, key, s);
		if (end == comma + 1 || *end || !(sigma >= 0) || sigma > 10)
			host_error(L, "%s: %s: lognormal: expected sigma, a number in [0, 10] after the comma "
				   "(\"lognormal:10KB,1.0\"), got '%s'", what, key, s);
		d.kind = SZ_LOGNORMAL;
		d.a = (double)v;
		d.b = sigma;
		return d;
	}
	host_error(L, "%s: %s: expected a size (\"10KB\") or a distribution (\"exp:10KB\", "
		   "\"lognormal:10KB,1.0\"), got '%s'", what, key, s);
}

static int64_t draw_size(struct rng *r, const struct size_dist *d)
{
	double x = d->a;
	if (d->kind == SZ_EXP)
		x = rng_exponential(r, d->a);
	else if (d->kind == SZ_LOGNORMAL)
		x = rng_lognormal(r, log(d->a), d->b);
	if (!(x >= 1))
		x = 1;
	if (x > (double)((uint64_t)1 << 40))
		x = (double)((uint64_t)1 << 40);
	return (int64_t)llround(x);
}

/* ---- protocol names ---- */

static const struct { const char *name; enum http_proto p; } protos[] = {
	{ "h1.0", HTTP_PROTO_1_0 }, { "h1.1", HTTP_PROTO_1_1 },
	{ "h1.1-pipelined", HTTP_PROTO_1_1_PIPELINED }, { "h2", HTTP_PROTO_H2 },
	{ "http/1.0", HTTP_PROTO_1_0 }, { "http/1.1", HTTP_PROTO_1_1 },
	{ "http/1.1-pipelined", HTTP_PROTO_1_1_PIPELINED },
};

static enum http_proto get_proto(lua_State *L, const char *what)
{
	const char *s = host_get_str(L, 1, what, "proto", "h1.1");
	for (size_t i = 0; i < ARRAY_LEN(protos); i++)
		if (strcmp(protos[i].name, s) == 0)
			return protos[i].p;
	host_error(L, "%s: proto: unknown protocol '%s' (expected h1.0, h1.1, h1.1-pipelined or h2)", what, s);
}

/* tls = "1.3" | "1.2" | false; absent: -1 (the URL's scheme decides) */
static int get_tls(lua_State *L, const char *what)
{
	int t = lua_getfield(L, 1, "tls");
	int v = -1;
	if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
		v = 0;
	else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "1.3") == 0)
		v = TLS_V13;
	else if (t == LUA_TSTRING && strcmp(lua_tostring(L, -1), "1.2") == 0)
		v = TLS_V12;
	else if (t != LUA_TNIL)
		host_error(L, "%s: tls: expected \"1.3\", \"1.2\" or false, got %s%s%s", what,
			   t == LUA_TSTRING ? "'" : luaL_typename(L, -1), t == LUA_TSTRING ? lua_tostring(L, -1) : "",
			   t == LUA_TSTRING ? "'" : "");
	lua_pop(L, 1);
	return v;
}

/* ---- web.server ---- */

struct web_server {
	struct http_server *hs;
	struct tls_config tls;
	int64_t html_bytes;            /* for paths that are not objects */
	/* HTML paths pages registered, with their sizes (conflicts are errors) */
	char **paths;
	int64_t *sizes;
	size_t npaths, cap;
};

/* "/obj/<i>-<bytes>" (web_object_path) -> bytes; the rest: the HTML's
 * registered size, else the server's html size */
static int64_t server_size(void *ctx, const char *path)
{
	struct web_server *ws = ctx;
	if (strncmp(path, "/obj/", 5) == 0) {
		const char *dash = strchr(path + 5, '-');
		char *end;
		if (dash) {
			long long v = strtoll(dash + 1, &end, 10);
			if (end != dash + 1 && (*end == '\0' || *end == '?') && v >= 0)
				return v;
		}
	}
	for (size_t i = 0; i < ws->npaths; i++)
		if (strcmp(ws->paths[i], path) == 0)
			return ws->sizes[i];
	return ws->html_bytes;
}

static int l_server(lua_State *L)
{
	static const char *const keys[] = {
		"on", "port", "tls", "h2", "html", "service_time", "workers", "cert_chain", "name", NULL,
	};
	const char *what = "web.server";
	if (lua_isnone(L, 1))
		return host_error(L, "%s: expected a table of options { on = node, ... }, got nothing", what);
	host_check_keys(L, 1, what, keys);
	struct node *nd = net_lua_getnode(L, 1, what, "on");
	int tls = get_tls(L, what);
	struct web_server *ws = lua_newuserdatauv(L, sizeof(*ws), 0);
	memset(ws, 0, sizeof(*ws));
	luaL_setmetatable(L, SERVER_MT);
	struct http_server_config c;
	http_server_config_default(&c);
	bool h2 = host_get_bool(L, 1, what, "h2", true);
	c.h1 = true;
	c.h2 = h2;
	if (tls > 0) {
		tls_config_default(&ws->tls);
		ws->tls.max_version = (uint16_t)tls;
		snprintf(ws->tls.alpn, sizeof(ws->tls.alpn), "%s", h2 ? "h2,http/1.1" : "http/1.1");
		if (host_has(L, 1, "cert_chain"))
			ws->tls.cert_chain_bytes = (uint32_t)host_get_size_max(L, 1, what, "cert_chain", 0, 1 << 24);
		c.tls = &ws->tls;
		c.port = 443;
	} else {
		if (host_has(L, 1, "cert_chain"))
			return host_error(L, "%s: cert_chain: only with tls = \"1.3\" or \"1.2\"", what);
		c.port = 80;
	}
	c.port = (uint16_t)host_get_int(L, 1, what, "port", c.port, 1, 65535);
	ws->html_bytes = 14 * 1024;
	if (host_has(L, 1, "html")) {
		lua_getfield(L, 1, "html");
		ws->html_bytes = to_size(L, -1, what, "html");
		lua_pop(L, 1);
	}
	c.service_time = net_lua_get_span(L, 1, what, "service_time", 0);
	c.workers = (int)host_get_int(L, 1, what, "workers", c.workers, 1, 1 << 20);
	c.name = host_get_str(L, 1, what, "name", NULL);
	c.size_fn = server_size;
	c.size_ctx = ws;
	char err[128] = "";
	ws->hs = http_server_new(nd, &c, err);
	if (!ws->hs)
		return host_error(L, "%s: %s", what, err);
	lua_pushvalue(L, -1);
	luaL_ref(L, LUA_REGISTRYINDEX); /* the server lives for the whole run */
	return 1;
}

static int server_gc(lua_State *L)
{
	struct web_server *ws = luaL_checkudata(L, 1, SERVER_MT);
	for (size_t i = 0; i < ws->npaths; i++)
		free(ws->paths[i]);
	free(ws->paths);
	free(ws->sizes);
	ws->paths = NULL;
	ws->sizes = NULL;
	ws->npaths = 0;
	return 0;
}

/* The page's HTML at path with bytes on the server; an error if an
 * earlier page put another size there. */
static void server_put_html(lua_State *L, struct web_server *ws, const char *path, int64_t bytes)
{
	for (size_t i = 0; i < ws->npaths; i++)
		if (strcmp(ws->paths[i], path) == 0) {
			if (ws->sizes[i] != bytes)
				host_error(L, "web.page: html: the server already serves '%s' with %lld bytes for an "
					   "earlier page, not %lld", path, (long long)ws->sizes[i], (long long)bytes);
			return;
		}
	size_t cap = ws->cap;
	xgrow((void **)&ws->paths, &cap, ws->npaths + 1, sizeof(*ws->paths));
	cap = ws->cap;
	xgrow((void **)&ws->sizes, &cap, ws->npaths + 1, sizeof(*ws->sizes));
	ws->cap = cap;
	ws->paths[ws->npaths] = xstrdup(path);
	ws->sizes[ws->npaths++] = bytes;
	http_server_add_resource(ws->hs, path, bytes, "text/html");
}

/* ---- web.page ---- */

struct page_lua {
	lua_State *L;
	int fn_ref, html_ref;
};

static void push_page(lua_State *L, const struct web_page_result *r);

static void page_done(void *ctx, const struct web_page_result *r)
{
	struct page_lua *pl = ctx;
	if (pl->fn_ref == LUA_NOREF)
		return;
	host_push_ref(pl->L, pl->fn_ref);
	push_page(pl->L, r);
	host_pcall(host_of(pl->L), 1, 0);
}

static void page_html(void *ctx, const struct web_page_result *r)
{
	struct page_lua *pl = ctx;
	if (pl->html_ref == LUA_NOREF)
		return;
	host_push_ref(pl->L, pl->html_ref);
	push_page(pl->L, r);
	host_pcall(host_of(pl->L), 1, 0);
}

static void push_page(lua_State *L, const struct web_page_result *r)
{
	lua_createtable(L, 0, 10);
	lua_pushinteger(L, r->page_id);
	lua_setfield(L, -2, "id");
	lua_pushstring(L, r->url);
	lua_setfield(L, -2, "url");
	lua_pushinteger(L, r->started);
	lua_setfield(L, -2, "started_ns");
	if (r->ttfb_ns >= 0) {
		lua_pushinteger(L, r->ttfb_ns);
		lua_setfield(L, -2, "ttfb_ns");
	}
	if (r->onload_ns >= 0) {
		lua_pushinteger(L, r->onload_ns);
		lua_setfield(L, -2, "onload_ns");
	}
	lua_pushinteger(L, r->requests);
	lua_setfield(L, -2, "requests");
	lua_pushinteger(L, r->bytes);
	lua_setfield(L, -2, "bytes");
	lua_pushinteger(L, r->failed);
	lua_setfield(L, -2, "failed");
	if (r->error) {
		lua_pushstring(L, r->error);
		lua_setfield(L, -2, "error");
	}
}

/* The URL with the scheme tls asks for: tls = false -> http://, a
 * version -> https://; absent: as written.  Pushed on the stack. */
static const char *url_for(lua_State *L, const char *what, const char *url, int tls)
{
	bool https = strncmp(url, "https://", 8) == 0;
	if (!https && strncmp(url, "http://", 7) != 0)
		host_error(L, "%s: url: expected \"http://host/path\" or \"https://host/path\", got '%s'", what, url);
	const char *rest = url + (https ? 8 : 7);
	if (!*rest || *rest == '/')
		host_error(L, "%s: url: no host in '%s'", what, url);
	const char *scheme = tls < 0 ? (https ? "https://" : "http://") : tls > 0 ? "https://" : "http://";
	/* a URL without a path gets "/" (RFC 9110 §4.2.3: the empty path is "/") */
	return lua_pushfstring(L, "%s%s%s", scheme, rest, strchr(rest, '/') ? "" : "/");
}

static int l_page(lua_State *L)
{
	static const char *const keys[] = {
		"from", "url", "proto", "conns", "tls", "html", "objects", "waves", "at", "name", "on_done",
		"on_html", "server", NULL,
	};
	const char *what = "web.page";
	if (lua_isnone(L, 1))
		return host_error(L, "%s: expected a table of options { from = node, url = ... }, got nothing", what);
	host_check_keys(L, 1, what, keys);
	struct node *nd = net_lua_getnode(L, 1, what, "from");
	if (!host_has(L, 1, "url"))
		return host_error(L, "%s: 'url' is required, e.g. url = \"https://www.example.test/\"", what);
	struct web_page_config c = { 0 };
	c.proto = get_proto(L, what);
	c.conns = (int)host_get_int(L, 1, what, "conns", 6, 1, 256);
	int tls = get_tls(L, what);
	c.tls_version = tls > 0 ? (uint16_t)tls : 0;
	c.html_bytes = -1;
	if (host_has(L, 1, "html")) {
		lua_getfield(L, 1, "html");
		c.html_bytes = to_size(L, -1, what, "html");
		lua_pop(L, 1);
	}
	c.waves = (int)host_get_int(L, 1, what, "waves", 1, 1, WEB_MAX_OBJECTS);
	c.name = host_get_str(L, 1, what, "name", NULL);
	net_lua_check_clock(L, what);
	simtime_t at = net_lua_get_time(L, 1, what, "at", host_sim(L)->now);

	/* objects = { "10KB", ... } or { n = 30, size = "10KB" | distribution } */
	int64_t *sizes = NULL;
	int t = lua_getfield(L, 1, "objects");
	lua_pushnil(L);  /* the slot of the sizes' userdata */
	if (t != LUA_TNIL && t != LUA_TTABLE)
		return host_error(L, "%s: objects: expected a list of sizes { \"10KB\", ... } or "
			"{ n = 30, size = \"10KB\" }, got %s", what, luaL_typename(L, -1));
	if (t == LUA_TTABLE) {
		int oi = lua_gettop(L) - 1;  /* below the sizes slot */
		lua_getfield(L, oi, "n");
		bool counted = !lua_isnil(L, -1);
		lua_pop(L, 1);
		if (counted) {
			static const char *const okeys[] = { "n", "size", NULL };
			host_check_keys(L, oi, "web.page: objects", okeys);
			c.nobj = (int)host_get_int(L, oi, "web.page: objects", "n", 0, 0, WEB_MAX_OBJECTS);
			if (lua_getfield(L, oi, "size") == LUA_TNIL)
				return host_error(L, "%s: objects: give size = \"10KB\" (or a distribution such as "
					"\"lognormal:10KB,1.0\") with n", what);
			struct size_dist d = to_size_dist(L, -1, what, "objects.size");
			lua_pop(L, 1);
			sizes = lua_newuserdatauv(L, ((size_t)c.nobj + 1) * sizeof(*sizes), 0);
			lua_replace(L, oi + 1);  /* kept on the stack (and freed by Lua) */
			char stream[96];
			snprintf(stream, sizeof(stream), "web:%s:sizes", c.name ? c.name : nd->name);
			struct rng *r = d.kind == SZ_FIXED ? NULL : rng_stream(host_sim(L), stream);
			for (int i = 0; i < c.nobj; i++)
				sizes[i] = draw_size(r, &d);
		} else {
			lua_Integer n = luaL_len(L, oi);
			if (n > WEB_MAX_OBJECTS)
				return host_error(L, "%s: objects: at most %d, got %lld", what, WEB_MAX_OBJECTS, (long long)n);
			lua_pushnil(L);
			while (lua_next(L, oi)) {
				lua_pop(L, 1);
				if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n)
					return host_error(L, "%s: objects: expected a list { \"10KB\", ... } or "
						"{ n = 30, size = \"10KB\" }, got a table with other keys", what);
			}
			c.nobj = (int)n;
			sizes = lua_newuserdatauv(L, ((size_t)c.nobj + 1) * sizeof(*sizes), 0);
			lua_replace(L, oi + 1);
			for (int i = 0; i < c.nobj; i++) {
				char key[32];
				snprintf(key, sizeof(key), "objects[%d]", i + 1);
				lua_rawgeti(L, oi, i + 1);
				sizes[i] = to_size(L, -1, what, key);
				lua_pop(L, 1);
			}
		}
	}
	c.obj_bytes = sizes;  /* objects and the sizes stay on the stack */

	lua_getfield(L, 1, "url");
	if (lua_type(L, -1) != LUA_TSTRING)
		return host_error(L, "%s: url: expected a string like \"https://www.example.test/\", got %s", what,
				  luaL_typename(L, -1));
	const char *url = url_for(L, what, lua_tostring(L, -1), tls);
	c.url = url;  /* the URL string stays on the stack */
	if (lua_getfield(L, 1, "server") != LUA_TNIL) {
		struct web_server *ws = luaL_testudata(L, -1, SERVER_MT);
		if (!ws)
			return host_error(L, "%s: server: expected a web.server { ... }, got %s", what,
					  luaL_typename(L, -1));
		const char *path = strchr(strstr(url, "://") + 3, '/');
		if (c.html_bytes >= 0)
			server_put_html(L, ws, path, c.html_bytes);
	}
	lua_pop(L, 1);

	struct page_lua *pl = lua_newuserdatauv(L, sizeof(*pl), 0);
	pl->L = host_lua(host_of(L));
	pl->fn_ref = pl->html_ref = LUA_NOREF;
	if (lua_getfield(L, 1, "on_done") != LUA_TNIL) {
		if (!lua_isfunction(L, -1))
			return host_error(L, "%s: on_done: expected a function(page), got %s", what,
					  luaL_typename(L, -1));
		pl->fn_ref = host_ref(L, -1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "on_html") != LUA_TNIL) {
		if (!lua_isfunction(L, -1))
			return host_error(L, "%s: on_html: expected a function(page), got %s", what,
					  luaL_typename(L, -1));
		pl->html_ref = host_ref(L, -1);
	}
	lua_pop(L, 1);
	luaL_ref(L, LUA_REGISTRYINDEX); /* anchors pl for the whole run */
	c.done = page_done;
	c.html_done = page_html;
	c.ctx = pl;
	char err[128] = "";
	struct web_page *pg = web_page_start(nd, &c, at, err);
	if (!pg)
		return host_error(L, "%s: %s", what, err);
	int64_t started, finished;
	web_counts(host_sim(L), &started, &finished);
	lua_pushinteger(L, started);
	return 1;
}

static int web_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, SERVER_MT);
	lua_pushcfunction(L, server_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	host_register(L, "web.page", l_page);
	host_register(L, "web.server", l_server);
	return 0;
}

const struct host_module web_module = { "web", web_open };
