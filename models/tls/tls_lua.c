/* Lua bindings of TLS: a request/response server and client over TLS, to
 * time handshakes and the first response byte.
 *
 *   local s = tls.server { node = srv, port = 443, version = "1.3",
 *                          cert_chain = "4KB", sign = "ecdsa", early_data = true,
 *                          response = "1KB" }
 *   tls.client { node = cli, server = srv, port = 443, version = "1.3",
 *                resume = true, early_data = true, request = "200B", start = "1s",
 *                on_done = function(r) print(r.ttfb, r.handshake, r.resumed) end }
 *   tls.flush_cache(node [, name]), tls.cached(node, name) -> bool, early bytes
 *   s:stats()  -> { handshakes, full, resumed, early_offered, early_accepted,
 *                   early_rejected, early_replayed, alerts_sent, requests }
 *
 * The messages (as tcp.reqresp's): a request starts with an 8-byte header
 * (request length, wanted response length or 0 for the server's), the
 * response with an 8-byte header (its length); the rest are zeros.  One
 * tls.client is one connection and one request; the client writes its
 * request at once, so it leaves as 0-RTT data when it may, else with (1.3)
 * or after (1.2) the client's Finished.  Durations in r are in seconds. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/host.h"
#include "models/net/net_lua.h"
#include "models/tcp/tcp_lua.h"
#include "sim/packet.h"
#include "sim/sim.h"
#include "sim/units.h"
#include "tls_priv.h"

static const char SRV_MT[] = "wirelab.tls_server";
static const char CLI_MT[] = "wirelab.tls_client";

struct tl_sconn;

struct tl_server {
	struct tl_server *next;
	struct node *nd;
	uint16_t port;
	struct tls_config tls;
	struct tcp_config tcp;
	uint32_t response;
	struct tcp_sock *lst;
	uint64_t requests;
	struct tl_sconn *conns;
};

struct tl_sconn {
	struct tl_sconn *next, *prev;
	struct tl_server *srv;
	struct tls_conn *tc;
	uint8_t hdr[8];
	uint32_t hgot;
	uint64_t req_left;
	struct pbuf *out_hdr;   /* the response header, until written */
	uint64_t out_left;      /* response bytes still to write (header included) */
};

struct tl_client {
	struct tl_client *next;
	struct node *nd;
	uint32_t addr;
	uint16_t port;
	struct tls_config tls;
	struct tcp_config tcp;
	uint32_t request, response;
	simtime_t start;
	struct timer t_start;
	lua_State *L;
	int fn_ref;
	struct tcp_sock *ts;
	struct tls_conn *tc;
	struct pbuf *out_hdr;
	uint64_t out_left;
	uint8_t rh[8];
	uint32_t rgot;
	uint64_t resp_len, resp_got;
	simtime_t t0, t_first, t_last;
	bool started, done, have_info;
	struct tls_hs_info info;
	char err[64];
};

struct tl_world {
	struct tl_server *servers;
	struct tl_client *clients;
	struct sim *sim;
};

static void sconn_free(struct tl_sconn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->out_hdr)
		pbuf_unref(c->out_hdr);
	free(c);
}

static void tlworld_free(void *p)
{
	struct tl_world *w = p;
	while (w->servers) {
		struct tl_server *s = w->servers;
		w->servers = s->next;
		while (s->conns)
			sconn_free(s->conns);
		free(s);
	}
	while (w->clients) {
		struct tl_client *c = w->clients;
		w->clients = c->next;
		timer_destroy(w->sim, &c->t_start);
		if (c->out_hdr)
			pbuf_unref(c->out_hdr);
		free(c);
	}
	free(w);
}

static struct tl_world *tlworld(lua_State *L)
{
	struct sim *s = host_sim(L);
	struct tl_world *w = sim_ext_get(s, "tls_lua");
	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w)
			luaL_error(L, "tls: out of memory");
		w->sim = s;
		sim_ext_set(s, "tls_lua", w, tlworld_free);
	}
	return w;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A message's first bytes: its 8-byte header and zeros up to one full
 * record, so a small message leaves as one record in one write. */
static struct pbuf *msg_head(uint32_t a, uint32_t b, uint64_t total)
{
	uint8_t h[TLS_MAX_PLAIN] = { 0 };
	uint32_t n = total < sizeof(h) ? (uint32_t)total : (uint32_t)sizeof(h);
	put_u32(h, a);
	put_u32(h + 4, b);
	return pbuf_new(h, n);
}

/* Writes a message (header pbuf, then zeros) as far as TLS takes it. */
static void write_msg(struct tls_conn *tc, struct pbuf **hdr, uint64_t *left)
{
	while (*left) {
		int64_t k;
		if (*hdr) {
			k = tls_send(tc, (*hdr)->len, *hdr, 0);
			if (k <= 0)
				return;
			if ((uint64_t)k < (*hdr)->len) {
				/* keep the rest of the header */
				struct pbuf *rest = pbuf_new((*hdr)->data + k, (*hdr)->len - (uint32_t)k);
				pbuf_unref(*hdr);
				*hdr = rest;
				*left -= (uint64_t)k;
				continue;
			}
			pbuf_unref(*hdr);
			*hdr = NULL;
		} else {
			k = tls_send(tc, *left, NULL, 0);
			if (k <= 0)
				return;
		}
		*left -= (uint64_t)k;
	}
}

/* ---- server ---- */

static void s_readable(struct tls_conn *tc, void *ctx)
{
	struct tl_sconn *c = ctx;
	for (;;) {
		if (c->out_left)
			return; /* one request at a time */
		if (c->hgot < 8) {
			c->hgot += (uint32_t)tls_recv(tc, 8 - c->hgot, c->hdr + c->hgot);
			if (c->hgot < 8)
				return;
			uint32_t req = get_u32(c->hdr);
			if (req < 8) {
				tls_abort(tc); /* not our protocol */
				sconn_free(c);
				return;
			}
			c->req_left = req - 8;
		}
		c->req_left -= tls_recv(tc, c->req_left, NULL);
		if (c->req_left)
			return;
		uint32_t want = get_u32(c->hdr + 4);
		uint32_t resp = want >= 8 ? want : c->srv->response;
		c->out_hdr = msg_head(resp, 0, resp);
		c->out_left = resp;
		c->hgot = 0;
		c->srv->requests++;
		write_msg(tc, &c->out_hdr, &c->out_left);
	}
}

static void s_writable(struct tls_conn *tc, void *ctx)
{
	struct tl_sconn *c = ctx;
	write_msg(tc, &c->out_hdr, &c->out_left);
	if (!c->out_left && tls_readable(tc))
		s_readable(tc, ctx);
}

static void s_peer_closed(struct tls_conn *tc, void *ctx)
{
	tls_close(tc);
	sconn_free(ctx);
}

static void s_closed(struct tls_conn *tc, void *ctx)
{
	(void)tc;
	sconn_free(ctx);
}

static const struct tls_cb server_cb = {
	.readable = s_readable,
	.writable = s_writable,
	.peer_closed = s_peer_closed,
	.closed = s_closed,
};

static void s_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct tl_server *s = ctx;
	struct tl_sconn *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->srv = s;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	c->tc = tls_server(child, &s->tls, &server_cb, c);
	if (!c->tc) {
		tcp_abort(child);
		sconn_free(c);
	}
}

static const struct tcp_cb listen_cb = { .accept = s_accept };

/* ---- client ---- */

static void push_result(lua_State *L, const struct tl_client *c)
{
	lua_createtable(L, 0, 12);
	if (c->err[0]) {
		lua_pushstring(L, c->err);
		lua_setfield(L, -2, "error");
	}
	if (c->have_info) {
		lua_pushstring(L, c->info.version == TLS_V13 ? "1.3" : "1.2");
		lua_setfield(L, -2, "version");
		lua_pushstring(L, c->info.alpn);
		lua_setfield(L, -2, "alpn");
		lua_pushboolean(L, c->info.resumed);
		lua_setfield(L, -2, "resumed");
		lua_pushboolean(L, c->info.early_sent);
		lua_setfield(L, -2, "early_sent");
		lua_pushboolean(L, c->info.early_accepted);
		lua_setfield(L, -2, "early_accepted");
		lua_pushnumber(L, (double)(c->info.started - c->t0) / 1e9);
		lua_setfield(L, -2, "connect");
		lua_pushnumber(L, (double)(c->info.done - c->info.started) / 1e9);
		lua_setfield(L, -2, "handshake");
	}
	if (c->t_first) {
		lua_pushnumber(L, (double)(c->t_first - c->t0) / 1e9);
		lua_setfield(L, -2, "ttfb");
	}
	if (c->done && !c->err[0]) {
		lua_pushnumber(L, (double)(c->t_last - c->t0) / 1e9);
		lua_setfield(L, -2, "total");
	}
	lua_pushinteger(L, (lua_Integer)c->resp_got);
	lua_setfield(L, -2, "bytes");
	lua_pushnumber(L, (double)c->t0 / 1e9);
	lua_setfield(L, -2, "start");
}

static void c_finish(struct tl_client *c, const char *err)
{
	if (c->done)
		return;
	c->done = true;
	c->t_last = c->nd->net->sim->now;
	if (err)
		snprintf(c->err, sizeof(c->err), "%s", err);
	if (c->tc) {
		tls_close(c->tc);
		c->tc = NULL;
	}
	if (c->fn_ref != LUA_NOREF) {
		host_push_ref(c->L, c->fn_ref);
		push_result(c->L, c);
		host_pcall(host_of(c->L), 1, 0);
	}
}

static void c_handshake_done(struct tls_conn *tc, const struct tls_hs_info *hi, void *ctx)
{
	(void)tc;
	struct tl_client *c = ctx;
	c->info = *hi;
	c->have_info = true;
}

static void c_readable(struct tls_conn *tc, void *ctx)
{
	struct tl_client *c = ctx;
	if (!c->t_first && tls_readable(tc))
		c->t_first = c->nd->net->sim->now;
	if (c->rgot < 8) {
		uint64_t n = tls_recv(tc, 8 - c->rgot, c->rh + c->rgot);
		c->rgot += (uint32_t)n;
		c->resp_got += n;
		if (c->rgot < 8)
			return;
		c->resp_len = get_u32(c->rh);
		if (c->resp_len < 8) {
			c_finish(c, "bad response");
			return;
		}
	}
	c->resp_got += tls_recv(tc, c->resp_len - c->resp_got, NULL);
	if (c->resp_got == c->resp_len)
		c_finish(c, NULL);
}

static void c_writable(struct tls_conn *tc, void *ctx)
{
	struct tl_client *c = ctx;
	write_msg(tc, &c->out_hdr, &c->out_left);
}

static void c_peer_closed(struct tls_conn *tc, void *ctx)
{
	(void)tc;
	c_finish(ctx, "closed by the server before the response");
}

static void c_error(struct tls_conn *tc, int err, void *ctx)
{
	(void)tc;
	struct tl_client *c = ctx;
	c->tc = NULL; /* it closes itself after this */
	c_finish(c, tls_strerror(err));
}

static void c_closed(struct tls_conn *tc, void *ctx)
{
	(void)tc;
	struct tl_client *c = ctx;
	c->tc = NULL;
	c_finish(c, "connection closed");
}

static const struct tls_cb client_cb = {
	.handshake_done = c_handshake_done,
	.readable = c_readable,
	.writable = c_writable,
	.peer_closed = c_peer_closed,
	.error = c_error,
	.closed = c_closed,
};

static void c_start(struct sim *s, void *obj)
{
	struct tl_client *c = obj;
	c->started = true;
	c->t0 = s->now;
	c->ts = tcp_socket(c->nd, &c->tcp, NULL, NULL);
	int e = c->ts ? tcp_connect(c->ts, c->addr, c->port) : -TCP_EADDRNOTAVAIL;
	if (e < 0) {
		if (c->ts)
			tcp_abort(c->ts);
		c_finish(c, tcp_strerror(-e));
		return;
	}
	c->tc = tls_client(c->ts, &c->tls, &client_cb, c);
	c->out_hdr = msg_head(c->request, c->response, c->request);
	c->out_left = c->request;
	write_msg(c->tc, &c->out_hdr, &c->out_left);
}

/* ---- argument checking ---- */

static void check_keys(lua_State *L, const char *what, const char *const own[])
{
	if (lua_isnone(L, 1))
		host_error(L, "%s: expected a table of options { node = ..., ... }, got nothing", what);
	const char *keys[96];
	int n = 0;
	for (int i = 0; own[i]; i++)
		keys[n++] = own[i];
	for (int i = 0; tcp_lua_option_keys[i]; i++)
		keys[n++] = tcp_lua_option_keys[i];
	keys[n] = NULL;
	host_check_keys(L, 1, what, keys);
}

static uint16_t get_version(lua_State *L, const char *what, const char *key, const char *def)
{
	const char *v = host_get_str(L, 1, what, key, def);
	if (strcmp(v, "1.3") == 0)
		return TLS_V13;
	if (strcmp(v, "1.2") == 0)
		return TLS_V12;
	host_error(L, "%s: %s: expected \"1.3\" or \"1.2\", got '%s'", what, key, v);
}

static void get_common(lua_State *L, const char *what, struct tls_config *t)
{
	t->max_version = get_version(L, what, "version", "1.3");
	t->min_version = get_version(L, what, "min_version", "1.2");
	if (t->min_version > t->max_version)
		host_error(L, "%s: min_version is above version", what);
	char def[sizeof(t->alpn)];
	snprintf(def, sizeof(def), "%s", t->alpn);
	const char *alpn = host_get_str(L, 1, what, "alpn", def);
	struct tls_alpn_list al;
	if (strlen(alpn) >= sizeof(t->alpn) || tls_alpn_parse(alpn, &al) < 0)
		host_error(L, "%s: alpn: expected a comma-separated list of protocol names "
			      "(\"h2,http/1.1\"; at most 8 names of 1 to 31 characters, 63 in all), got '%s'",
			   what, alpn);
	snprintf(t->alpn, sizeof(t->alpn), "%s", alpn);
}

static uint16_t get_port(lua_State *L, const char *what)
{
	return (uint16_t)host_get_int(L, 1, what, "port", 443, 1, 65535);
}

/* tls.server { node =, port = 443, version = "1.3", min_version = "1.2",
 *              alpn = "h2,http/1.1", cert_chain = "795B", sign = "rsa"|"ecdsa",
 *              sign_time =, early_data = false, anti_replay = true,
 *              max_early_data = "16KB", resumption = "ticket"|"session_id"|"none",
 *              tickets = 2, ticket_lifetime = "7200s", response = "1KB", <tcp options> } */
static int l_server(lua_State *L)
{
	static const char *const own[] = {
		"node", "port", "version", "min_version", "alpn", "cert_chain", "sign", "sign_time",
		"early_data", "anti_replay", "max_early_data", "resumption", "tickets",
		"ticket_lifetime", "response", NULL,
	};
	const char *what = "tls.server";
	check_keys(L, what, own);
	struct tl_server *s = calloc(1, sizeof(*s));
	if (!s)
		return luaL_error(L, "tls.server: out of memory");
	struct tl_world *w = tlworld(L);
	s->next = w->servers; /* owned by the world from here, so errors below free it */
	w->servers = s;
	tls_config_default(&s->tls);
	s->nd = net_lua_getnode(L, 1, what, "node");
	if (!node_addr(s->nd))
		return host_error(L, "%s: link the node before starting a server on it", what);
	s->port = get_port(L, what);
	get_common(L, what, &s->tls);
	const char *sign = host_get_str(L, 1, what, "sign", "rsa");
	if (strcmp(sign, "rsa") == 0)
		s->tls.sign = TLS_SIGN_RSA2048;
	else if (strcmp(sign, "ecdsa") == 0)
		s->tls.sign = TLS_SIGN_ECDSA_P256;
	else
		return host_error(L, "%s: sign: expected \"rsa\" (RSA-2048) or \"ecdsa\" (ECDSA P-256), got '%s'",
				  what, sign);
	/* the measured self-signed certificates: RSA-2048 795 bytes, P-256 399 */
	s->tls.cert_chain_bytes = s->tls.sign == TLS_SIGN_RSA2048 ? 795 : 399;
	uint64_t chain = host_get_size_max(L, 1, what, "cert_chain", s->tls.cert_chain_bytes, 1u << 20);
	if (chain < tls_cert_min(s->tls.sign))
		return host_error(L, "%s: cert_chain: at least %u bytes for an %s certificate, got %llu", what,
				  tls_cert_min(s->tls.sign), sign, (unsigned long long)chain);
	s->tls.cert_chain_bytes = (uint32_t)chain;
	s->tls.sign_time_ns = net_lua_get_span(L, 1, what, "sign_time", tls_sign_time_default(s->tls.sign));
	s->tls.accept_early_data = host_get_bool(L, 1, what, "early_data", false);
	if (s->tls.accept_early_data && s->tls.max_version < TLS_V13)
		return host_error(L, "%s: early_data: 0-RTT needs version \"1.3\"", what);
	s->tls.anti_replay = host_get_bool(L, 1, what, "anti_replay", true);
	s->tls.max_early_data = (uint32_t)host_get_size_max(L, 1, what, "max_early_data", 16384, UINT32_MAX);
	const char *res = host_get_str(L, 1, what, "resumption", "ticket");
	if (strcmp(res, "ticket") == 0)
		s->tls.resumption_12 = TLS_RESUME_TICKET;
	else if (strcmp(res, "session_id") == 0)
		s->tls.resumption_12 = TLS_RESUME_SESSION_ID;
	else if (strcmp(res, "none") == 0)
		s->tls.resumption_12 = TLS_RESUME_NONE;
	else
		return host_error(L, "%s: resumption: expected \"ticket\", \"session_id\" or \"none\", got '%s'",
				  what, res);
	s->tls.tickets_13 = (uint32_t)host_get_int(L, 1, what, "tickets", 2, 0, 16);
	s->tls.ticket_lifetime_ns = net_lua_get_span(L, 1, what, "ticket_lifetime", SIM_S(7200));
	if (s->tls.ticket_lifetime_ns <= 0)
		return host_error(L, "%s: ticket_lifetime: must be above zero", what);
	s->response = (uint32_t)host_get_size_max(L, 1, what, "response", 1024, UINT32_MAX);
	if (s->response < 8)
		return host_error(L, "%s: response: at least 8 bytes (the response header)", what);
	tcp_lua_defaults(L, &s->tcp);
	tcp_lua_config(L, 1, what, &s->tcp);
	s->lst = tcp_socket(s->nd, &s->tcp, &listen_cb, s);
	int e = s->lst ? tcp_bind(s->lst, s->port) : -TCP_EINVAL;
	if (e < 0) {
		if (s->lst)
			tcp_abort(s->lst);
		s->lst = NULL;
		return host_error(L, "%s: port %u on %s: %s", what, s->port, s->nd->name, tcp_strerror(-e));
	}
	tcp_listen(s->lst, s->tcp.backlog);
	struct tl_server **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = s;
	luaL_setmetatable(L, SRV_MT);
	return 1;
}

/* tls.client { node =, server =, port = 443, version = "1.3", min_version =,
 *              alpn =, server_name = "", resume = true, early_data = false,
 *              replay = false, request = "200B", response =, start = now,
 *              on_done = function(r) end, <tcp options> } */
static int l_client(lua_State *L)
{
	static const char *const own[] = {
		"node", "server", "port", "version", "min_version", "alpn", "server_name", "resume",
		"early_data", "replay", "request", "response", "start", "at", "on_done", NULL,
	};
	const char *what = "tls.client";
	check_keys(L, what, own);
	struct tl_client *c = calloc(1, sizeof(*c));
	if (!c)
		return luaL_error(L, "tls.client: out of memory");
	struct tl_world *w = tlworld(L);
	c->fn_ref = LUA_NOREF;
	timer_init(w->sim, &c->t_start, c_start, c);
	c->next = w->clients;
	w->clients = c;
	tls_config_default(&c->tls);
	c->nd = net_lua_getnode(L, 1, what, "node");
	c->addr = net_lua_getaddr(L, 1, what, "server");
	if (!node_addr(c->nd))
		return host_error(L, "%s: link the node before starting a client on it", what);
	c->port = get_port(L, what);
	get_common(L, what, &c->tls);
	const char *sn = host_get_str(L, 1, what, "server_name", "");
	if (strlen(sn) > 255 || strchr(sn, ','))
		return host_error(L, "%s: server_name: expected a host name of at most 255 characters, got '%s'",
				  what, sn);
	snprintf(c->tls.server_name, sizeof(c->tls.server_name), "%s", sn);
	c->tls.resume = host_get_bool(L, 1, what, "resume", true);
	c->tls.early_data = host_get_bool(L, 1, what, "early_data", false);
	if (c->tls.early_data && c->tls.max_version < TLS_V13)
		return host_error(L, "%s: early_data: 0-RTT needs version \"1.3\"", what);
	c->tls.replay_ticket = host_get_bool(L, 1, what, "replay", false);
	c->request = (uint32_t)host_get_size_max(L, 1, what, "request", 200, UINT32_MAX);
	if (c->request < 8)
		return host_error(L, "%s: request: at least 8 bytes (the request header)", what);
	c->response = (uint32_t)host_get_size_max(L, 1, what, "response", 0, UINT32_MAX);
	if (host_has(L, 1, "response") && c->response < 8)
		return host_error(L, "%s: response: at least 8 bytes (the response header)", what);
	if (host_has(L, 1, "start") && host_has(L, 1, "at"))
		return host_error(L, "%s: give start or at (the same thing), not both", what);
	net_lua_check_clock(L, what);
	c->start = net_lua_get_time(L, 1, what, host_has(L, 1, "at") ? "at" : "start", host_sim(L)->now);
	if (lua_getfield(L, 1, "on_done") != LUA_TNIL) {
		if (!lua_isfunction(L, -1))
			return host_error(L, "%s: on_done: expected a function(r), got %s", what,
					  luaL_typename(L, -1));
		c->fn_ref = host_ref(L, -1);
	}
	lua_pop(L, 1);
	c->L = host_lua(host_of(L));
	tcp_lua_defaults(L, &c->tcp);
	tcp_lua_config(L, 1, what, &c->tcp);
	timer_arm(w->sim, &c->t_start, c->start);
	struct tl_client **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = c;
	luaL_setmetatable(L, CLI_MT);
	return 1;
}

/* ---- methods ---- */

static int srv_stats(lua_State *L)
{
	struct tl_server *s = net_lua_checkself(L, SRV_MT, "a TLS server", "stats");
	struct tls_server_stats st;
	tls_server_stats(s->nd, s->port, &st);
	lua_createtable(L, 0, 9);
#define F(x)                                       \
	lua_pushinteger(L, (lua_Integer)st.x);      \
	lua_setfield(L, -2, #x)
	F(handshakes);
	F(full);
	F(resumed);
	F(early_offered);
	F(early_accepted);
	F(early_rejected);
	F(early_replayed);
	F(alerts_sent);
#undef F
	lua_pushinteger(L, (lua_Integer)s->requests);
	lua_setfield(L, -2, "requests");
	return 1;
}

static int srv_stop(lua_State *L)
{
	struct tl_server *s = net_lua_checkself(L, SRV_MT, "a TLS server", "stop");
	if (s->lst) {
		tcp_close(s->lst);
		s->lst = NULL;
	}
	return 0;
}

static int cli_result(lua_State *L)
{
	struct tl_client *c = net_lua_checkself(L, CLI_MT, "a TLS client", "result");
	if (!c->done) {
		lua_pushnil(L);
		return 1;
	}
	push_result(L, c);
	return 1;
}

static int cli_stop(lua_State *L)
{
	struct tl_client *c = net_lua_checkself(L, CLI_MT, "a TLS client", "stop");
	timer_cancel(&c->t_start);
	if (c->started && !c->done) {
		c->fn_ref = LUA_NOREF; /* stopped: no on_done */
		c_finish(c, "stopped");
	}
	c->done = true;
	return 0;
}

/* tls.flush_cache(node [, "name" or "name:port"]) */
static int tls_cache_flush_l(lua_State *L)
{
	struct node *nd = net_lua_checknode(L, 1, "tls.flush_cache");
	const char *name = NULL;
	if (!lua_isnoneornil(L, 2)) {
		if (lua_type(L, 2) != LUA_TSTRING)
			return host_error(L, "tls.flush_cache: name: expected a server name (\"www.example.test\" "
					     "or \"www.example.test:443\"), got %s", luaL_typename(L, 2));
		name = lua_tostring(L, 2);
	}
	tls_cache_flush(nd, name);
	return 0;
}

/* tls.cached(node, "name" or "name:port") -> whether a session is cached,
 * and the 0-RTT bytes it allows */
static int tls_cached_l(lua_State *L)
{
	struct node *nd = net_lua_checknode(L, 1, "tls.cached");
	if (lua_type(L, 2) != LUA_TSTRING)
		return host_error(L, "tls.cached: name: expected a server name (\"www.example.test\" "
				     "or \"10.0.1.2:443\"), got %s", luaL_typename(L, 2));
	simtime_t now = host_sim(L)->now;
	lua_pushboolean(L, tls_cache_has(nd, lua_tostring(L, 2), now));
	lua_pushinteger(L, tls_cache_early_bytes(nd, lua_tostring(L, 2), now));
	return 2;
}

static const luaL_Reg srv_methods[] = { { "stats", srv_stats }, { "stop", srv_stop }, { NULL, NULL } };
static const luaL_Reg cli_methods[] = { { "result", cli_result }, { "stop", cli_stop }, { NULL, NULL } };

static void new_class(lua_State *L, const char *mt, const luaL_Reg *methods)
{
	luaL_newmetatable(L, mt);
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
}

static int tls_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	new_class(L, SRV_MT, srv_methods);
	new_class(L, CLI_MT, cli_methods);
	host_register(L, "tls.server", l_server);
	host_register(L, "tls.client", l_client);
	host_register(L, "tls.flush_cache", tls_cache_flush_l);
	host_register(L, "tls.cached", tls_cached_l);
	return 0;
}

const struct host_module tls_module = { "tls", tls_open };
