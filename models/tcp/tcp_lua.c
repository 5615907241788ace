/* Lua bindings of TCP, for scenarios that write their own apps:
 *
 *   tcp.defaults { cc = "reno", time_wait = "30s", ecn = true }
 *   tcp.listen  { node = server, port = 80, backlog = 128,
 *                 on_accept = function(conn) ... end,
 *                 on_data = function(conn, n) local bytes = conn:recv() end }
 *   local c = tcp.connect { from = client, to = server, port = 80,
 *                 on_connect = function(conn) conn:send(1000) end,
 *                 on_error = function(conn, err) print(err) end }
 *   c:send(5000)  c:send("GET / HTTP/1.1\r\n\r\n")  c:recv()  c:close()
 *   c:info()      -- cwnd, srtt, retransmissions ... (tcp_info)
 *
 * A connection object stays valid after the connection is gone; its
 * methods then report it closed.  Callback errors stop the run with the
 * script's line. */
#include "tcp_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/net/net_lua.h"
#include "sim/packet.h"
#include "sim/util.h"
#include "tcp_priv.h"

static const char CONN_MT[] = "wirelab.tcpconn";

const char *const tcp_lua_option_keys[] = {
	"cc", "sack", "timestamps", "window_scaling", "ecn", "nagle", "delayed_ack", "frto",
	"rack", "pacing", "fast_convergence", "hystart", "init_cwnd", "rto_min", "rto_max", "rto_initial", "rto_rfc6298", "delack_min",
	"time_wait", "fin_timeout", "syn_retries", "synack_retries", "retries2", "sndbuf",
	"sndbuf_max", "rcvbuf", "rcvbuf_max", "autotune", "mss", "backlog", NULL,
};

/* ---- defaults and options ---- */

struct tcp_lua_world {
	struct tcp_config defaults;
	struct lconn *conns;     /* every connection object's state, freed at the end */
};

static void lworld_free(void *p);

static struct tcp_lua_world *lworld(lua_State *L)
{
	struct sim *s = host_sim(L);
	struct tcp_lua_world *w = sim_ext_get(s, "tcp_lua");
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		tcp_config_default(&w->defaults);
		sim_ext_set(s, "tcp_lua", w, lworld_free);
	}
	return w;
}

void tcp_lua_defaults(lua_State *L, struct tcp_config *cfg)
{
	*cfg = lworld(L)->defaults;
}

const struct cc_ops *tcp_lua_cc(lua_State *L, const char *what, const char *name)
{
	const struct cc_ops *cc = cc_find(name);
	if (!cc) {
		char names[256];
		cc_names(names, sizeof(names));
		host_error(L, "%s: unknown congestion control '%s' (available: %s)", what, name, names);
	}
	return cc;
}

/* Limits of the options, so that no setting can wrap or overflow: a
 * timer is at most now + (rto_max << 16) (the zero-window probe's
 * backoff), which stays far inside simtime_t for any run shorter than a
 * century; buffers and windows are 32-bit quantities, as in Linux. */
#define TCP_LUA_RTO_LIMIT SIM_S(3600)        /* rto_min, rto_max, rto_initial, delack_min */
#define TCP_LUA_WAIT_LIMIT SIM_S(30 * 86400) /* time_wait, fin_timeout */
#define TCP_LUA_MIN_MSS 88                   /* Linux TCP_MIN_MSS */

static simtime_t get_duration(lua_State *L, int idx, const char *what, const char *key, simtime_t def,
			      simtime_t max)
{
	simtime_t v = host_get_duration(L, idx, what, key, def);
	if (v > max)
		host_error(L, "%s: %s: %.0f s is more than the longest allowed, %.0f s", what, key,
			   (double)v / 1e9, (double)max / 1e9);
	return v;
}

static uint32_t get_size32(lua_State *L, int idx, const char *what, const char *key, uint32_t def)
{
	uint64_t v = host_get_size(L, idx, what, key, def);
	if (v > UINT32_MAX)
		host_error(L, "%s: %s: %llu bytes is more than a TCP buffer can hold (at most %u)", what, key,
			   (unsigned long long)v, UINT32_MAX);
	return (uint32_t)v;
}

void tcp_lua_config(lua_State *L, int idx, const char *what, struct tcp_config *c)
{
	const char *cc = host_get_str(L, idx, what, "cc", NULL);
	if (cc)
		c->cc = tcp_lua_cc(L, what, cc);
	c->sack = host_get_bool(L, idx, what, "sack", c->sack);
	c->timestamps = host_get_bool(L, idx, what, "timestamps", c->timestamps);
	c->window_scaling = host_get_bool(L, idx, what, "window_scaling", c->window_scaling);
	c->ecn = host_get_bool(L, idx, what, "ecn", c->ecn);
	c->nagle = host_get_bool(L, idx, what, "nagle", c->nagle);
	c->delayed_ack = host_get_bool(L, idx, what, "delayed_ack", c->delayed_ack);
	c->frto = host_get_bool(L, idx, what, "frto", c->frto);
	c->rack = host_get_bool(L, idx, what, "rack", c->rack);
	c->pacing = host_get_bool(L, idx, what, "pacing", c->pacing);
	c->cubic_fast_convergence = host_get_bool(L, idx, what, "fast_convergence", c->cubic_fast_convergence);
	c->hystart = host_get_bool(L, idx, what, "hystart", c->hystart);
	c->init_cwnd = (uint32_t)host_get_int(L, idx, what, "init_cwnd", c->init_cwnd, 1, 1000000);
	c->rto_min = get_duration(L, idx, what, "rto_min", c->rto_min, TCP_LUA_RTO_LIMIT);
	c->rto_max = get_duration(L, idx, what, "rto_max", c->rto_max, TCP_LUA_RTO_LIMIT);
	c->rto_initial = get_duration(L, idx, what, "rto_initial", c->rto_initial, TCP_LUA_RTO_LIMIT);
	c->rto_rfc6298 = host_get_bool(L, idx, what, "rto_rfc6298", c->rto_rfc6298);
	c->delack_min = get_duration(L, idx, what, "delack_min", c->delack_min, TCP_LUA_RTO_LIMIT);
	c->time_wait = get_duration(L, idx, what, "time_wait", c->time_wait, TCP_LUA_WAIT_LIMIT);
	c->fin_timeout = get_duration(L, idx, what, "fin_timeout", c->fin_timeout, TCP_LUA_WAIT_LIMIT);
	c->syn_retries = (int)host_get_int(L, idx, what, "syn_retries", c->syn_retries, 0, 255);
	c->synack_retries = (int)host_get_int(L, idx, what, "synack_retries", c->synack_retries, 0, 255);
	c->retries2 = (int)host_get_int(L, idx, what, "retries2", c->retries2, 1, 255);
	c->sndbuf = get_size32(L, idx, what, "sndbuf", c->sndbuf);
	c->sndbuf_max = get_size32(L, idx, what, "sndbuf_max", c->sndbuf_max);
	c->rcvbuf = get_size32(L, idx, what, "rcvbuf", c->rcvbuf);
	c->rcvbuf_max = get_size32(L, idx, what, "rcvbuf_max", c->rcvbuf_max);
	c->rcvbuf_autotune = host_get_bool(L, idx, what, "autotune", c->rcvbuf_autotune);
	c->mss = (uint32_t)host_get_int(L, idx, what, "mss", c->mss, 0, 65495);
	if (c->mss && c->mss < TCP_LUA_MIN_MSS)
		host_error(L, "%s: mss: %u is below the smallest segment size, %u bytes (Linux TCP_MIN_MSS); "
			   "0 takes it from the path MTU", what, c->mss, TCP_LUA_MIN_MSS);
	c->backlog = (uint16_t)host_get_int(L, idx, what, "backlog", c->backlog, 1, 65535);
	if (c->rto_min <= 0 || c->rto_max < c->rto_min || c->rto_initial <= 0)
		host_error(L, "%s: need 0 < rto_min <= rto_max and rto_initial > 0", what);
	if (c->time_wait < 0 || c->fin_timeout < 0 || c->delack_min < 0)
		host_error(L, "%s: time_wait, fin_timeout and delack_min must not be negative", what);
	if (c->sndbuf < 1 || c->rcvbuf < 1)
		host_error(L, "%s: buffers must hold at least one byte", what);
	if (c->rcvbuf_max < c->rcvbuf)
		c->rcvbuf_max = c->rcvbuf;
	if (c->sndbuf_max < c->sndbuf)
		c->sndbuf_max = c->sndbuf;
}

/* ---- connection objects ---- */

enum { CB_CONNECT, CB_ACCEPT, CB_DATA, CB_WRITABLE, CB_PEER_CLOSED, CB_ERROR, CB_CLOSED, CB_N };
static const char *const cb_names[CB_N] = {
	"on_connect", "on_accept", "on_data", "on_writable", "on_peer_closed", "on_error", "on_close",
};

/* What Lua knows of a socket.  Listeners hand their callbacks to each
 * accepted connection. */
struct lconn {
	struct lconn *next;
	lua_State *L;
	struct tcp_sock *ts;     /* NULL once the app closed it or it was freed */
	int ref[CB_N];           /* callback functions, LUA_NOREF if none */
	int self;                /* registry ref to the userdata */
	int last_error;
	bool gone;               /* the connection closed */
	uint32_t connect_addr;   /* tcp.connect's destination, until `at` */
	uint16_t connect_port;
};

static void lworld_free(void *p)
{
	struct tcp_lua_world *w = p;
	while (w->conns) {
		struct lconn *c = w->conns;
		w->conns = c->next;
		free(c);
	}
	free(w);
}

static struct lconn *lconn_new(lua_State *L, struct tcp_sock *ts)
{
	struct tcp_lua_world *w = lworld(L);
	struct lconn *c = xcalloc(1, sizeof(*c));
	c->L = host_lua(host_of(L)); /* callbacks run on the main thread */
	c->ts = ts;
	for (int i = 0; i < CB_N; i++)
		c->ref[i] = LUA_NOREF;
	struct lconn **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = c;
	luaL_setmetatable(L, CONN_MT);
	c->self = luaL_ref(L, LUA_REGISTRYINDEX);
	c->next = w->conns;
	w->conns = c;
	return c;
}

static void push_conn(lua_State *L, struct lconn *c)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->self);
}

static struct lconn *checkconn(lua_State *L, int idx)
{
	return *(struct lconn **)luaL_checkudata(L, idx, CONN_MT);
}

/* Calls callback k of c with the connection and extra args on the stack. */
static void call_cb(struct lconn *c, int k, int nargs)
{
	lua_State *L = c->L;
	if (c->ref[k] == LUA_NOREF) {
		lua_pop(L, nargs);
		return;
	}
	host_push_ref(L, c->ref[k]);
	push_conn(L, c);
	lua_rotate(L, -(nargs + 2), 2); /* args fn conn -> fn conn args */
	host_pcall(host_of(L), 1 + nargs, 0);
}

static const struct tcp_cb lua_cbs;

static void cb_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	call_cb(ctx, CB_CONNECT, 0);
}

static void cb_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct lconn *lc = ctx;
	struct lconn *c = lconn_new(lc->L, child);
	for (int i = 0; i < CB_N; i++)
		if (lc->ref[i] != LUA_NOREF) {
			host_push_ref(lc->L, lc->ref[i]);
			c->ref[i] = luaL_ref(lc->L, LUA_REGISTRYINDEX);
		}
	tcp_set_callbacks(child, &lua_cbs, c);
	call_cb(c, CB_ACCEPT, 0); /* on_accept(new_connection); data that came with
				   * the handshake's ACK follows as on_data */
}

static void cb_readable(struct tcp_sock *ts, void *ctx)
{
	lua_pushinteger(((struct lconn *)ctx)->L, (lua_Integer)tcp_readable(ts));
	call_cb(ctx, CB_DATA, 1);
}

static void cb_writable(struct tcp_sock *ts, void *ctx)
{
	lua_pushinteger(((struct lconn *)ctx)->L, (lua_Integer)tcp_send_space(ts));
	call_cb(ctx, CB_WRITABLE, 1);
}

static void cb_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	call_cb(ctx, CB_PEER_CLOSED, 0);
}

static void cb_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct lconn *c = ctx;
	c->last_error = err;
	lua_pushstring(c->L, tcp_strerror(err));
	call_cb(c, CB_ERROR, 1);
}

static void cb_closed(struct tcp_sock *ts, void *ctx)
{
	struct lconn *c = ctx;
	c->gone = true;
	call_cb(c, CB_CLOSED, 0);
	/* the socket is finished; let the stack free it */
	if (c->ts == ts && (tcp_get_state(ts) == TCP_CLOSED || tcp_get_state(ts) == TCP_TIME_WAIT)) {
		c->ts = NULL;
		tcp_close(ts);
	}
}

static const struct tcp_cb lua_cbs = {
	.connected = cb_connected, .accept = cb_accept, .readable = cb_readable,
	.writable = cb_writable, .peer_closed = cb_peer_closed, .error = cb_error,
	.closed = cb_closed,
};

static void take_callbacks(lua_State *L, int idx, const char *what, struct lconn *c)
{
	for (int i = 0; i < CB_N; i++) {
		if (lua_getfield(L, idx, cb_names[i]) != LUA_TNIL) {
			if (!lua_isfunction(L, -1))
				host_error(L, "%s: %s: expected a function, got %s", what, cb_names[i],
					   luaL_typename(L, -1));
			c->ref[i] = luaL_ref(L, LUA_REGISTRYINDEX);
		} else {
			lua_pop(L, 1);
		}
	}
}

/* keys = tcp_lua_option_keys + extra (+ callbacks), for host_check_keys */
static void check_keys_cb(lua_State *L, int idx, const char *what, const char *const extra[],
			  bool callbacks)
{
	const char *keys[96];
	int n = 0;
	for (int i = 0; extra[i]; i++)
		keys[n++] = extra[i];
	for (int i = 0; tcp_lua_option_keys[i]; i++)
		keys[n++] = tcp_lua_option_keys[i];
	for (int i = 0; callbacks && i < CB_N; i++)
		keys[n++] = cb_names[i];
	keys[n] = NULL;
	host_check_keys(L, idx, what, keys);
}

static void check_keys(lua_State *L, int idx, const char *what, const char *const extra[])
{
	check_keys_cb(L, idx, what, extra, true);
}

/* tcp.listen { node =, port =, backlog =, on_accept = ..., <tcp options> } */
static int l_listen(lua_State *L)
{
	static const char *const extra[] = { "node", "port", "name", NULL };
	check_keys(L, 1, "tcp.listen", extra);
	struct node *nd = net_lua_getnode(L, 1, "tcp.listen", "node");
	if (!host_has(L, 1, "port"))
		return host_error(L, "tcp.listen: 'port' is required");
	uint16_t port = (uint16_t)host_get_int(L, 1, "tcp.listen", "port", 0, 1, 65535);
	struct tcp_config cfg;
	tcp_lua_defaults(L, &cfg);
	tcp_lua_config(L, 1, "tcp.listen", &cfg);
	struct tcp_sock *ts = tcp_socket(nd, &cfg, NULL, NULL);
	struct lconn *c = lconn_new(L, ts);
	take_callbacks(L, 1, "tcp.listen", c);
	tcp_set_callbacks(ts, &lua_cbs, c);
	int rc = tcp_bind(ts, port);
	if (rc < 0) {
		tcp_close(ts);
		c->ts = NULL;
		return host_error(L, "tcp.listen: port %u on %s: %s", port, nd->name, tcp_strerror(rc));
	}
	tcp_listen(ts, cfg.backlog);
	const char *name = host_get_str(L, 1, "tcp.listen", "name", NULL);
	if (name)
		tcp_set_name(ts, name);
	push_conn(L, c);
	return 1;
}

/* tcp.connect { from =, to =, port =, at = "1s", on_connect = ..., <tcp options> }
 * The connect happens at `at`; what it needs waits in the lconn, which the
 * world frees, so a run that ends first leaks nothing. */
static void do_connect(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct lconn *c = obj;
	if (c->ts) {
		int rc = tcp_connect(c->ts, c->connect_addr, c->connect_port);
		if (rc < 0) {
			c->last_error = -rc;
			lua_pushstring(c->L, tcp_strerror(rc));
			tcp_close(c->ts);
			c->ts = NULL;
			c->gone = true;
			call_cb(c, CB_ERROR, 1);
		}
	}
}

static int l_connect(lua_State *L)
{
	static const char *const extra[] = { "from", "to", "port", "local_port", "at", "name", NULL };
	check_keys(L, 1, "tcp.connect", extra);
	struct node *from = net_lua_getnode(L, 1, "tcp.connect", "from");
	uint32_t to = net_lua_getaddr(L, 1, "tcp.connect", "to");
	if (!host_has(L, 1, "port"))
		return host_error(L, "tcp.connect: 'port' is required");
	uint16_t port = (uint16_t)host_get_int(L, 1, "tcp.connect", "port", 0, 1, 65535);
	simtime_t at = host_get_duration(L, 1, "tcp.connect", "at", host_sim(L)->now);
	if (at < host_sim(L)->now)
		return host_error(L, "tcp.connect: at: %.9f s is in the past (now is %.9f s)", (double)at / 1e9,
				  (double)host_sim(L)->now / 1e9);
	struct tcp_config cfg;
	tcp_lua_defaults(L, &cfg);
	tcp_lua_config(L, 1, "tcp.connect", &cfg);
	struct tcp_sock *ts = tcp_socket(from, &cfg, NULL, NULL);
	struct lconn *c = lconn_new(L, ts);
	take_callbacks(L, 1, "tcp.connect", c);
	tcp_set_callbacks(ts, &lua_cbs, c);
	const char *name = host_get_str(L, 1, "tcp.connect", "name", NULL);
	if (name)
		tcp_set_name(ts, name);
	uint16_t lport = (uint16_t)host_get_int(L, 1, "tcp.connect", "local_port", 0, 0, 65535);
	if (lport) {
		int rc = tcp_bind(ts, lport);
		if (rc < 0) {
			c->ts = NULL;
			tcp_close(ts);
			return host_error(L, "tcp.connect: local port %u on %s: %s", lport, from->name,
					  tcp_strerror(rc));
		}
	}
	c->connect_addr = to;
	c->connect_port = port;
	sim_at(host_sim(L), at, do_connect, c, 0);
	push_conn(L, c);
	return 1;
}

/* tcp.defaults { ... }: options for every TCP made after this call */
static int l_defaults(lua_State *L)
{
	static const char *const extra[] = { NULL };
	check_keys_cb(L, 1, "tcp.defaults", extra, false);
	tcp_lua_config(L, 1, "tcp.defaults", &lworld(L)->defaults);
	return 0;
}

/* ---- methods ---- */

static struct tcp_sock *live(lua_State *L, struct lconn *c, const char *what)
{
	if (!c->ts)
		host_error(L, "%s: the connection is closed", what);
	return c->ts;
}

/* conn:send(n) or conn:send("bytes") -> bytes queued */
static int m_send(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	struct tcp_sock *ts = live(L, c, "send");
	int64_t rc;
	if (lua_type(L, 2) == LUA_TSTRING) {
		size_t n;
		const char *s = lua_tolstring(L, 2, &n);
		struct pbuf *b = pbuf_new(s, (uint32_t)n);
		rc = tcp_send(ts, n, b, 0);
		pbuf_unref(b);
	} else {
		lua_Integer n = luaL_checkinteger(L, 2);
		if (n < 0)
			return host_error(L, "send: a byte count must not be negative");
		rc = tcp_send(ts, (uint64_t)n, NULL, 0);
	}
	if (rc < 0)
		return host_error(L, "send: %s", tcp_strerror((int)rc));
	lua_pushinteger(L, rc);
	return 1;
}

/* An optional byte count at arg: not negative. */
static uint64_t opt_count(lua_State *L, int arg, uint64_t def)
{
	if (lua_isnoneornil(L, arg))
		return def;
	lua_Integer n = luaL_checkinteger(L, arg);
	if (n < 0)
		luaL_argerror(L, arg, "a byte count must not be negative");
	return (uint64_t)n;
}

/* conn:recv([max]) -> the bytes as a string (zeros for bulk data) */
static int m_recv(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	if (!c->ts) {
		opt_count(L, 2, 0);
		lua_pushliteral(L, "");
		return 1;
	}
	uint64_t max = opt_count(L, 2, tcp_readable(c->ts));
	uint64_t avail = tcp_readable(c->ts);
	if (max > avail)
		max = avail;
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, max ? max : 1);
	uint64_t n = tcp_recv(c->ts, max, (uint8_t *)p);
	luaL_pushresultsize(&b, n);
	return 1;
}

/* conn:discard([max]) -> bytes read without copying them */
static int m_discard(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	if (!c->ts) {
		opt_count(L, 2, 0);
		lua_pushinteger(L, 0);
		return 1;
	}
	uint64_t max = opt_count(L, 2, tcp_readable(c->ts));
	lua_pushinteger(L, (lua_Integer)tcp_recv(c->ts, max, NULL));
	return 1;
}

static int m_shutdown(lua_State *L)
{
	tcp_shutdown(live(L, checkconn(L, 1), "shutdown"));
	return 0;
}

static int m_close(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	if (c->ts) {
		struct tcp_sock *ts = c->ts;
		c->ts = NULL;
		tcp_close(ts);
	}
	return 0;
}

static int m_abort(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	if (c->ts) {
		struct tcp_sock *ts = c->ts;
		c->ts = NULL;
		c->gone = true;
		tcp_abort(ts);
	}
	return 0;
}

static void setint(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* conn:info() -> a table of tcp_info */
static int m_info(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	lua_newtable(L);
	if (c->last_error) {
		lua_pushstring(L, tcp_strerror(c->last_error));
		lua_setfield(L, -2, "error");
	}
	if (!c->ts) {
		lua_pushstring(L, "CLOSED");
		lua_setfield(L, -2, "state");
		return 1;
	}
	struct tcp_info i;
	tcp_get_info(c->ts, &i);
	lua_pushstring(L, tcp_state_name(i.state));
	lua_setfield(L, -2, "state");
	static const char *const ca[] = { "open", "disorder", "cwr", "recovery", "loss" };
	lua_pushstring(L, ca[i.ca_state < 5 ? i.ca_state : 0]);
	lua_setfield(L, -2, "ca_state");
	setint(L, "mss", i.mss);
	setint(L, "cwnd", i.cwnd);
	setint(L, "ssthresh", i.ssthresh);
	setint(L, "in_flight", i.packets_in_flight);
	setint(L, "snd_wnd", i.snd_wnd);
	setint(L, "rcv_wnd", i.rcv_wnd);
	setint(L, "srtt_ns", i.srtt);
	setint(L, "rttvar_ns", i.rttvar);
	setint(L, "rto_ns", i.rto);
	setint(L, "min_rtt_ns", i.min_rtt);
	setint(L, "bytes_acked", (int64_t)i.bytes_acked);
	setint(L, "bytes_received", (int64_t)i.bytes_received);
	setint(L, "bytes_sent", (int64_t)i.bytes_sent);
	setint(L, "segs_out", (int64_t)i.segs_out);
	setint(L, "segs_in", (int64_t)i.segs_in);
	setint(L, "retrans", (int64_t)i.retrans_segs);
	setint(L, "rto_count", (int64_t)i.rto_count);
	setint(L, "fast_retrans", (int64_t)i.fast_retrans);
	setint(L, "tlp_count", (int64_t)i.tlp_count);
	setint(L, "spurious_rto", (int64_t)i.spurious_rto);
	setint(L, "zero_window_probes", (int64_t)i.zwp_sent);
	setint(L, "dsacks", (int64_t)i.dsack_count);
	setint(L, "delivered", (int64_t)i.delivered);
	setint(L, "rcvbuf", i.rcvbuf);
	setint(L, "sndbuf", i.sndbuf);
	setint(L, "readable", (int64_t)tcp_readable(c->ts));
	setint(L, "local_port", tcp_local_port(c->ts));
	setint(L, "remote_port", tcp_remote_port(c->ts));
	return 1;
}

static int conn_index(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "name") == 0) {
		lua_pushstring(L, c->ts ? tcp_name(c->ts) : "");
		return 1;
	}
	if (strcmp(k, "state") == 0) {
		lua_pushstring(L, c->ts ? tcp_state_name(tcp_get_state(c->ts)) : "CLOSED");
		return 1;
	}
	luaL_getmetatable(L, CONN_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int conn_tostring(lua_State *L)
{
	struct lconn *c = checkconn(L, 1);
	lua_pushfstring(L, "tcp %s (%s)", c->ts ? tcp_name(c->ts) : "?",
			c->ts ? tcp_state_name(tcp_get_state(c->ts)) : "CLOSED");
	return 1;
}

static int tcp_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	tcp_world(host_sim(L));
	luaL_newmetatable(L, CONN_MT);
	lua_pushcfunction(L, conn_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, conn_tostring);
	lua_setfield(L, -2, "__tostring");
	static const luaL_Reg methods[] = {
		{ "send", m_send }, { "recv", m_recv }, { "discard", m_discard },
		{ "shutdown", m_shutdown }, { "close", m_close }, { "abort", m_abort },
		{ "info", m_info }, { NULL, NULL },
	};
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
	host_register(L, "tcp.listen", l_listen);
	host_register(L, "tcp.connect", l_connect);
	host_register(L, "tcp.defaults", l_defaults);
	return 0;
}

const struct host_module tcp_module = { "tcp", tcp_open };
