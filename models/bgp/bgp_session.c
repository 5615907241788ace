/* The BGP session API (bgp_session.h): configuration and its defaults
 * (RFC 4271 §10), creation and teardown, start/stop, sending UPDATEs split
 * to fit 4096-octet messages (RFC 4271 §4.1), state and counters.  The FSM
 * itself is bgp_fsm.c; the transports are bgp_tcp.c and bgp_channel.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_session_priv.h"
#include "models/net/net.h"
#include "sim/sim.h"
#include "sim/util.h"

const char *bgp_state_name(enum bgp_state st)
{
	static const char *const n[] = { "Idle", "Connect", "Active", "OpenSent", "OpenConfirm",
					 "Established" };
	return (unsigned)st < 6 ? n[st] : "?";
}

const char *bgp_down_reason_name(enum bgp_down_reason r)
{
	switch (r) {
	case BGP_DOWN_NOTIF_SENT: return "notification sent";
	case BGP_DOWN_NOTIF_RECEIVED: return "notification received";
	case BGP_DOWN_HOLD_EXPIRED: return "hold timer expired";
	case BGP_DOWN_TRANSPORT: return "transport closed";
	case BGP_DOWN_ADMIN: return "administrative stop";
	}
	return "?";
}

void bgp_session_config_default(struct bgp_session_config *c)
{
	memset(c, 0, sizeof *c);
	c->transport = BGP_TRANSPORT_TCP;
	c->hold_time = SIM_S(90);        /* RFC 4271 §10 */
	c->keepalive = 0;                /* Hold/3: 30 s (RFC 4271 §10) */
	c->connect_retry = SIM_S(120);   /* RFC 4271 §10 */
	c->idle_hold = SIM_S(1);         /* FRR bgpd.h BGP_INIT_START_TIMER */
	c->jitter = false;               /* FRR: none (see bgp_session.h) */
	c->as4 = true;
	c->route_refresh = true;
	c->restart_after_error = true;
	c->rfc7606 = true;
	c->log = true;
	c->channel_delay = SIM_MS(1);
}

void bgp_enter(struct bgp_session *s)
{
	s->busy++;
}

void bgp_session_stop_notify(struct bgp_session *s, uint8_t code, uint8_t subcode,
			     const uint8_t *data, size_t data_len)
{
	bgp_enter(s);
	bgp_fsm_stop_notify(s, code, subcode, data, data_len < BGP_ERR_DATA_MAX ? data_len : BGP_ERR_DATA_MAX);
	bgp_leave(s);
}

static void session_destroy(struct bgp_session *s);

bool bgp_leave(struct bgp_session *s)
{
	if (--s->busy == 0 && s->dead) {
		session_destroy(s);
		return true;
	}
	return false;
}

static void start_due(struct sim *sim, void *obj)
{
	(void)sim;
	struct bgp_session *s = obj;
	bgp_enter(s);
	bgp_fsm_start(s);
	bgp_leave(s);
}

struct bgp_session *bgp_session_new(struct sim *sim, struct node *nd,
				    const struct bgp_session_config *cfg,
				    const struct bgp_session_cb *cb, void *ctx,
				    char *err, size_t errlen)
{
#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return NULL; } while (0)
	if (cfg->hold_time != 0 && cfg->hold_time < SIM_S(3))
		FAIL("hold time must be 0 or at least 3 s (RFC 4271 §4.2)");
	if (cfg->hold_time > SIM_S(65535))
		FAIL("hold time must fit in 16 bits of seconds (at most 65535 s)");
	if (cfg->keepalive < 0 || cfg->connect_retry <= 0 || cfg->idle_hold < 0 ||
	    cfg->start_delay < 0)
		FAIL("timers must be positive");
	if (cfg->local_as == 0)
		FAIL("local AS must be nonzero");
	if (cfg->transport == BGP_TRANSPORT_TCP && (!nd || !cfg->peer_addr))
		FAIL("a TCP session needs a node and a peer address");
	if (cfg->transport == BGP_TRANSPORT_CHANNEL && cfg->channel_delay < 0)
		FAIL("channel delay must not be negative");
	uint32_t id = cfg->local_id ? cfg->local_id : (nd ? node_addr(nd) : 0);
	if (id == 0)
		FAIL("no BGP identifier: give one (local_id; id in Lua) or a node with an address");
	struct bgp_session *s = xcalloc(1, sizeof *s);
	s->sim = sim;
	s->nd = nd;
	s->cfg = *cfg;
	s->cfg.name = NULL;
	if (cfg->name)
		str_copy(s->name, sizeof s->name, cfg->name);
	else if (nd)
		snprintf(s->name, sizeof s->name, "%s:%u.%u.%u.%u", nd->name, cfg->peer_addr >> 24,
			 (cfg->peer_addr >> 16) & 255, (cfg->peer_addr >> 8) & 255, cfg->peer_addr & 255);
	else
		snprintf(s->name, sizeof s->name, "AS%u-AS%u", cfg->local_as, cfg->peer_as);
	if (cb)
		s->cb = *cb;
	s->ctx = ctx;
	s->local_id = id;
	s->state = s->base = BGP_IDLE;
	s->st.last_established = s->st.last_down = SIM_NEVER;
	s->st.last_rx = s->st.last_keepalive_out = SIM_NEVER;
	bgp_fsm_init_timers(s);
	timer_init(sim, &s->start_timer, start_due, s);
	if (cfg->transport == BGP_TRANSPORT_TCP && bgp_tcp_register(s, err, errlen) < 0) {
		timer_destroy(sim, &s->start_timer);
		timer_destroy(sim, &s->connect_retry);
		for (int i = 0; i < 2; i++) {
			timer_destroy(sim, &s->conn[i].hold);
			timer_destroy(sim, &s->conn[i].keepalive);
		}
		free(s);
		return NULL;
	}
	return s;
#undef FAIL
}

void bgp_session_start(struct bgp_session *s)
{
	if (s->started)
		return;
	s->started = true;
	timer_arm(s->sim, &s->start_timer, s->sim->now + s->cfg.start_delay);
}

void bgp_session_stop(struct bgp_session *s)
{
	bgp_enter(s);
	bgp_fsm_stop(s);
	bgp_leave(s);
}

static void session_destroy(struct bgp_session *s)
{
	for (int i = 0; i < 2; i++) {
		struct bgp_conn *c = &s->conn[i];
		if (c->state != BGP_IDLE && !s->quiet) {
			if (s->cfg.transport == BGP_TRANSPORT_TCP)
				bgp_tcp_close(c, false);
			else
				bgp_bytechan_close(c, false);
		}
		free(c->rx);
		while (c->tx_head) {
			struct bgp_txbuf *b = c->tx_head;
			c->tx_head = b->next;
			free(b);
		}
		timer_destroy(s->sim, &c->hold);
		timer_destroy(s->sim, &c->keepalive);
	}
	timer_destroy(s->sim, &s->connect_retry);
	timer_destroy(s->sim, &s->start_timer);
	if (s->cfg.transport == BGP_TRANSPORT_TCP) {
		if (!s->quiet)
			bgp_tcp_unregister(s);
	} else {
		bgp_bytechan_detach(s);
	}
	free(s);
}

void bgp_session_free_at_exit(struct bgp_session *s)
{
	if (!s)
		return;
	s->quiet = true;
	session_destroy(s);
}

void bgp_session_free(struct bgp_session *s)
{
	if (!s)
		return;
	s->cb = (struct bgp_session_cb){ 0 };
	if (s->busy) {
		s->dead = true;
		return;
	}
	session_destroy(s);
}

static struct bgp_conn *established(struct bgp_session *s)
{
	for (int i = 0; i < 2; i++)
		if (s->conn[i].state == BGP_ESTABLISHED)
			return &s->conn[i];
	return NULL;
}

static void send_bytes(struct bgp_session *s, struct bgp_conn *c, const uint8_t *buf, size_t len)
{
	(void)s;
	bgp_conn_send(c, buf, len);
}

static int send_update(struct bgp_session *s, struct bgp_conn *c,
		       const struct bgp_prefix *withdrawn, uint32_t nw,
		       const struct bgp_attrs *attrs,
		       const struct bgp_prefix *nlri, uint32_t nn);

int bgp_session_send_update(struct bgp_session *s,
			    const struct bgp_prefix *withdrawn, uint32_t nw,
			    const struct bgp_attrs *attrs,
			    const struct bgp_prefix *nlri, uint32_t nn)
{
	struct bgp_conn *c = established(s);
	if (!c || (nn && !attrs))
		return -1;
	bgp_enter(s);
	int r = send_update(s, c, withdrawn, nw, attrs, nlri, nn);
	bgp_leave(s);
	return r;
}

static int send_update(struct bgp_session *s, struct bgp_conn *c,
		       const struct bgp_prefix *withdrawn, uint32_t nw,
		       const struct bgp_attrs *attrs,
		       const struct bgp_prefix *nlri, uint32_t nn)
{
	uint8_t buf[BGP_MAX_MSG_LEN];
	int msgs = 0;
	/* everything in one message when it fits */
	int n = bgp_encode_update(buf, sizeof buf, &s->codec, withdrawn, nw, nn ? attrs : NULL,
				  nlri, nn);
	if (n > 0) {
		send_bytes(s, c, buf, (size_t)n);
		return 1;
	}
	/* else withdrawals first, as many per message as fit, then the NLRI */
	while (nw) {
		uint32_t room = BGP_MAX_MSG_LEN - BGP_UPDATE_MIN_LEN, k = 0;
		while (k < nw && bgp_prefix_wire_len(&withdrawn[k]) <= room)
			room -= bgp_prefix_wire_len(&withdrawn[k++]);
		if (!k)
			return -1;
		n = bgp_encode_update(buf, sizeof buf, &s->codec, withdrawn, k, NULL, NULL, 0);
		if (n < 0)
			return -1;
		send_bytes(s, c, buf, (size_t)n);
		msgs++;
		withdrawn += k;
		nw -= k;
	}
	while (nn) {
		uint32_t k = bgp_update_fit(&s->codec, attrs, nlri, nn);
		if (!k)
			return -1;       /* the attributes alone do not fit */
		n = bgp_encode_update(buf, sizeof buf, &s->codec, NULL, 0, attrs, nlri, k);
		if (n < 0)
			return -1;
		send_bytes(s, c, buf, (size_t)n);
		msgs++;
		nlri += k;
		nn -= k;
	}
	return msgs;
}

int bgp_session_send_refresh(struct bgp_session *s)
{
	struct bgp_conn *c = established(s);
	if (!c || !c->peer_open.cap_route_refresh)
		return -1;
	uint8_t buf[BGP_HDR_LEN + 4];
	int n = bgp_encode_route_refresh(buf, sizeof buf, 1, 1);
	send_bytes(s, c, buf, (size_t)n);
	return 0;
}

void bgp_session_silence(struct bgp_session *s, bool on)
{
	s->silenced = on;
}

int bgp_session_send_raw(struct bgp_session *s, const uint8_t *buf, size_t len)
{
	struct bgp_conn *c = established(s);
	for (int i = 0; !c && i < 2; i++)
		if (s->conn[i].state >= BGP_OPENSENT)
			c = &s->conn[i];
	if (!c)
		return -1;
	if (s->cfg.transport == BGP_TRANSPORT_TCP)
		bgp_tcp_send(c, buf, len);
	else
		bgp_bytechan_send(c, buf, len);
	return 0;
}

enum bgp_state bgp_session_state(const struct bgp_session *s) { return s->state; }
struct node *bgp_session_node(const struct bgp_session *s) { return s->nd; }
const struct bgp_session_config *bgp_session_config(const struct bgp_session *s) { return &s->cfg; }
const char *bgp_session_name(const struct bgp_session *s) { return s->name; }
void *bgp_session_ctx(const struct bgp_session *s) { return s->ctx; }
const struct bgp_session_stats *bgp_session_stats(const struct bgp_session *s) { return &s->st; }
const struct bgp_codec_ctx *bgp_session_codec(const struct bgp_session *s) { return &s->codec; }

const struct bgp_open *bgp_session_peer_open(const struct bgp_session *s)
{
	for (int i = 0; i < 2; i++)
		if (s->conn[i].state >= BGP_OPENCONFIRM)
			return &s->conn[i].peer_open;
	return NULL;
}

simtime_t bgp_session_hold_time(const struct bgp_session *s)
{
	const struct bgp_conn *c = established((struct bgp_session *)s);
	return c ? c->hold_ns : 0;
}

simtime_t bgp_session_keepalive_time(const struct bgp_session *s)
{
	const struct bgp_conn *c = established((struct bgp_session *)s);
	return c ? c->ka_ns : 0;
}

bool bgp_session_is_ibgp(const struct bgp_session *s)
{
	return s->cfg.local_as == s->cfg.peer_as;
}
