/* Lua bindings of UDP sockets, for scenarios that write their own
 * datagram protocols (as tcp_lua.c does for streams):
 *
 *   local s = udp.bind { node = server, port = 5000,
 *                        on_datagram = function(sock, data, src, sport) ... end,
 *                        on_error = function(sock, err, from) ... end }
 *   s:sendto("10.0.0.1", 5000, "hello")   -- real bytes
 *   s:sendto(client, 5000, 1200)          -- 1200 zero bytes
 *   s:close()   s.port   s.node   s:stats()
 *
 * data is the datagram's payload as a Lua string (zeros where the sender
 * sent a byte count), src the sender's address as dotted-quad text, sport
 * its port.  on_error gets ICMP errors about the socket's datagrams (RFC
 * 1122 §4.1.3.3: port unreachable, host unreachable, time exceeded) with the
 * address of the router or host that sent them.  Port 0 (or no port) picks
 * an ephemeral port as Linux does (udp.h).  A socket object stays valid
 * after close(); its methods then say it is closed. */
#include "udp.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "cli/host.h"
#include "models/net/net_lua.h"
#include "sim/packet.h"
#include "sim/util.h"

static const char SOCK_MT[] = "wirelab.udpsock";

/* What Lua knows of a socket.  Every one is kept on the world's list and
 * freed with the simulation, so a Lua object never points at freed memory. */
struct lsock {
	struct lsock *next;
	lua_State *L;
	struct udp_sock *us;     /* NULL once closed */
	struct node *node;
	uint16_t port;
	int on_datagram, on_error; /* registry refs, LUA_NOREF if none */
	int self;
	uint64_t sent_pkts, sent_bytes, recv_pkts, recv_bytes; /* kept after close */
};

struct udp_lua_world {
	struct lsock *socks;
};

static void world_free(void *p)
{
	struct udp_lua_world *w = p;
	while (w->socks) {
		struct lsock *s = w->socks;
		w->socks = s->next;
		free(s);
	}
	free(w);
}

static struct udp_lua_world *world(lua_State *L)
{
	struct sim *s = host_sim(L);
	struct udp_lua_world *w = sim_ext_get(s, "udp_lua");
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		sim_ext_set(s, "udp_lua", w, world_free);
	}
	return w;
}

static void push_sock(lua_State *L, const struct lsock *s)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->self);
}

static struct lsock *checksock(lua_State *L, const char *method)
{
	return net_lua_checkself(L, SOCK_MT, "a UDP socket", method);
}

static void on_datagram(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct lsock *s = ctx;
	if (s->on_datagram == LUA_NOREF)
		return;
	lua_State *L = s->L;
	host_push_ref(L, s->on_datagram);
	push_sock(L, s);
	if (p->payload && p->payload_off + p->payload_len <= p->payload->len) {
		lua_pushlstring(L, (const char *)p->payload->data + p->payload_off, p->payload_len);
	} else {
		luaL_Buffer b;
		char *z = luaL_buffinitsize(L, &b, p->payload_len ? p->payload_len : 1);
		memset(z, 0, p->payload_len);
		luaL_pushresultsize(&b, p->payload_len);
	}
	char a[16];
	lua_pushstring(L, ipv4_fmt(a, p->ip.src));
	lua_pushinteger(L, p->l4.udp.sport);
	host_pcall(host_of(L), 4, 0);
}

static const char *icmp_error_name(const struct icmp_hdr *h)
{
	if (h->type == ICMP_TIME_EXCEEDED)
		return "time exceeded";
	if (h->type != ICMP_DEST_UNREACH)
		return "ICMP error";
	switch (h->code) {
	case ICMP_NET_UNREACH: return "network unreachable";
	case ICMP_HOST_UNREACH: return "host unreachable";
	case ICMP_PORT_UNREACH: return "port unreachable";
	default: return "destination unreachable";
	}
}

static void on_error(struct udp_sock *us, const struct packet *icmp, void *ctx)
{
	(void)us;
	struct lsock *s = ctx;
	if (s->on_error == LUA_NOREF)
		return;
	lua_State *L = s->L;
	host_push_ref(L, s->on_error);
	push_sock(L, s);
	lua_pushstring(L, icmp_error_name(&icmp->l4.icmp));
	char a[16];
	lua_pushstring(L, ipv4_fmt(a, icmp->ip.src));
	host_pcall(host_of(L), 3, 0);
}

static int get_callback(lua_State *L, const char *what, const char *key)
{
	if (lua_getfield(L, 1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return LUA_NOREF;
	}
	if (!lua_isfunction(L, -1))
		host_error(L, "%s: %s: expected a function, got %s", what, key, luaL_typename(L, -1));
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* udp.bind { node =, port = 0, on_datagram =, on_error =, tos = 0 } */
static int l_bind(lua_State *L)
{
	static const char *const keys[] = { "node", "port", "on_datagram", "on_error", "tos", NULL };
	host_check_table(L, 1, "udp.bind");
	host_check_keys(L, 1, "udp.bind", keys);
	struct node *nd = net_lua_getnode(L, 1, "udp.bind", "node");
	uint16_t port = (uint16_t)host_get_int(L, 1, "udp.bind", "port", 0, 0, 65535);
	uint8_t tos = (uint8_t)host_get_int(L, 1, "udp.bind", "tos", 0, 0, 255);
	int ondg = get_callback(L, "udp.bind", "on_datagram");
	int onerr = get_callback(L, "udp.bind", "on_error");

	struct lsock *s = xcalloc(1, sizeof(*s));
	s->L = host_lua(host_of(L)); /* callbacks run on the main thread */
	s->on_datagram = ondg;
	s->on_error = onerr;
	s->node = nd;
	struct errbuf err;
	s->us = udp_open(nd, port, on_datagram, on_error, s, &err);
	if (!s->us) {
		free(s);
		const char *m = err.msg;
		if (strncmp(m, "udp: ", 5) == 0)
			m += 5;
		return host_error(L, "udp.bind: %s", m);
	}
	s->us->tos = tos;
	s->port = s->us->port;
	struct udp_lua_world *w = world(L);
	s->next = w->socks;
	w->socks = s;
	struct lsock **ud = lua_newuserdatauv(L, sizeof(*ud), 0);
	*ud = s;
	luaL_setmetatable(L, SOCK_MT);
	lua_pushvalue(L, -1);
	s->self = luaL_ref(L, LUA_REGISTRYINDEX);
	return 1;
}

/* sock:sendto(addr, port, data) -> true, or nil and the reason.  data is
 * a string (its bytes) or a byte count (zeros). */
static int m_sendto(lua_State *L)
{
	struct lsock *s = checksock(L, "sendto");
	uint32_t dst = net_lua_checkaddr(L, 2, "sendto");
	lua_Integer port = luaL_checkinteger(L, 3);
	if (port < 1 || port > 65535)
		return luaL_argerror(L, 3, "a port from 1 to 65535 expected");
	uint32_t len;
	struct pbuf *b = NULL;
	if (lua_type(L, 4) == LUA_TSTRING) {
		size_t n;
		const char *d = lua_tolstring(L, 4, &n);
		if (n > 65507)
			return luaL_argerror(L, 4, "a datagram holds at most 65507 bytes");
		len = (uint32_t)n;
		b = pbuf_new(d, len);
	} else if (lua_isinteger(L, 4)) {
		lua_Integer n = lua_tointeger(L, 4);
		if (n < 0 || n > 65507)
			return luaL_argerror(L, 4, "a byte count from 0 to 65507 expected");
		len = (uint32_t)n;
	} else {
		return luaL_typeerror(L, 4, "string or integer byte count");
	}
	if (!s->us) {
		if (b)
			pbuf_unref(b);
		return host_error(L, "sendto: the socket is closed");
	}
	net_lua_check_clock(L, "sendto");
	int rc = udp_send(s->us, dst, (uint16_t)port, len, b, 0);
	if (b)
		pbuf_unref(b);
	if (rc < 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "no route to host");
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

static void keep_counts(struct lsock *s)
{
	s->sent_pkts = s->us->sent_pkts;
	s->sent_bytes = s->us->sent_bytes;
	s->recv_pkts = s->us->recv_pkts;
	s->recv_bytes = s->us->recv_bytes;
}

static int m_close(lua_State *L)
{
	struct lsock *s = checksock(L, "close");
	if (s->us) {
		keep_counts(s);
		udp_close(s->us);
		s->us = NULL;
	}
	return 0;
}

static void setint(lua_State *L, const char *k, uint64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

/* sock:stats() -> { sent_pkts, sent_bytes, recv_pkts, recv_bytes } (payload bytes) */
static int m_stats(lua_State *L)
{
	struct lsock *s = checksock(L, "stats");
	if (s->us)
		keep_counts(s);
	lua_createtable(L, 0, 4);
	setint(L, "sent_pkts", s->sent_pkts);
	setint(L, "sent_bytes", s->sent_bytes);
	setint(L, "recv_pkts", s->recv_pkts);
	setint(L, "recv_bytes", s->recv_bytes);
	return 1;
}

static int sock_index(lua_State *L)
{
	struct lsock *s = *(struct lsock **)luaL_checkudata(L, 1, SOCK_MT);
	const char *k = luaL_checkstring(L, 2);
	if (strcmp(k, "port") == 0) {
		lua_pushinteger(L, s->port);
		return 1;
	}
	if (strcmp(k, "node") == 0) {
		net_lua_pushnode(L, s->node);
		return 1;
	}
	if (strcmp(k, "closed") == 0) {
		lua_pushboolean(L, s->us == NULL);
		return 1;
	}
	luaL_getmetatable(L, SOCK_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int sock_tostring(lua_State *L)
{
	struct lsock *s = *(struct lsock **)luaL_checkudata(L, 1, SOCK_MT);
	lua_pushfstring(L, "udp socket %s:%d%s", s->node->name, (int)s->port, s->us ? "" : " (closed)");
	return 1;
}

static int udp_lua_open(struct host *h, lua_State *L, struct errbuf *err)
{
	(void)h;
	(void)err;
	luaL_newmetatable(L, SOCK_MT);
	lua_pushcfunction(L, sock_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, sock_tostring);
	lua_setfield(L, -2, "__tostring");
	static const luaL_Reg methods[] = {
		{ "sendto", m_sendto }, { "close", m_close }, { "stats", m_stats }, { NULL, NULL },
	};
	lua_newtable(L);
	luaL_setfuncs(L, methods, 0);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);
	host_register(L, "udp.bind", l_bind);
	return 0;
}

const struct host_module udp_module = { "udp", udp_lua_open };
