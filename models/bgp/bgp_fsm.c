/* The BGP finite-state machine of RFC 4271 §8, per connection, with the
 * timers of §10 and collision detection (§6.8).
 *
 *   Idle --ManualStart--> Connect --transport up--> OpenSent
 *     ^   (passive: Active)  |  ^                      | OPEN ok: send KEEPALIVE
 *     |                      v  | ConnectRetry         v
 *     |                     Active                  OpenConfirm
 *     |                                                | KEEPALIVE
 *     +---- any error: NOTIFICATION, close ------- Established
 *
 * The session's reported state is Idle/Connect/Active (s->base) while no
 * connection has got past the transport, else the furthest state of its
 * two connections (the one it initiated, the one it accepted).  Errors
 * close one connection with a NOTIFICATION carrying RFC 4271 §6's code:
 * header 1/x, OPEN 2/x, UPDATE 3/x, Hold Timer Expired 4/0, FSM 5/x (RFC
 * 6608 subcodes), Cease 6/x (RFC 4486).  When the last connection past
 * Connect goes, the session is down: Idle, and back to Connect/Active after
 * the idle hold time if restart_after_error is set (FRR's and BIRD's
 * automatic restart) -- except that a transport failure in OpenSent goes
 * to Active with the ConnectRetry timer restarted (§8.2.2).
 *
 * Timers: the Hold Timer is restarted by every message received (FRR
 * restarts it on any message; RFC 4271 §8.2.2 names KEEPALIVE and UPDATE,
 * the only ones possible in Established besides NOTIFICATION and
 * ROUTE-REFRESH); the Keepalive Timer by every KEEPALIVE or UPDATE sent
 * (§8.2.2).  OpenSent waits for the peer's OPEN with a Hold Timer of 4
 * minutes (§8.2.2's "large value"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_priv.h"
#include "models/bgp/bgp_session_priv.h"
#include "models/net/net.h"
#include "sim/record.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "sim/util.h"

#define OPENSENT_HOLD SIM_S(240)     /* RFC 4271 §8.2.2: "4 minutes is suggested" */

static void sess_log(struct bgp_session *s, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sess_log(struct bgp_session *s, const char *kind, const char *fmt, ...)
{
	if (!s->cfg.log)
		return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rec_log(s->sim, s->name, kind, "%s", buf);
}

/* RFC 4271 §10: a random factor in [0.75, 1.0] when jitter is on. */
simtime_t bgp_jitter(struct bgp_session *s, simtime_t t)
{
	if (!s->cfg.jitter || t <= 0)
		return t;
	if (!s->rng) {
		char name[96];
		snprintf(name, sizeof name, "bgp:%s:jitter", s->name);
		s->rng = rng_stream(s->sim, name);
	}
	return (simtime_t)((double)t * (0.75 + 0.25 * rng_uniform(s->rng)));
}

/* ---- sending ---- */

void bgp_conn_send(struct bgp_conn *c, const uint8_t *buf, size_t len)
{
	struct bgp_session *s = c->s;
	if (s->silenced)
		return;
	uint8_t type = buf[18];
	if (type >= 1 && type <= 5)
		s->st.msgs_out[type]++;
	if (type == BGP_MSG_KEEPALIVE)
		s->st.last_keepalive_out = s->sim->now;
	s->st.bytes_out += len;
	if (s->cfg.transport == BGP_TRANSPORT_TCP)
		bgp_tcp_send(c, buf, len);
	else
		bgp_bytechan_send(c, buf, len);
	/* §8.2.2: sending a KEEPALIVE or UPDATE restarts the KeepaliveTimer */
	if ((type == BGP_MSG_KEEPALIVE || type == BGP_MSG_UPDATE) && c->ka_ns &&
	    c->state >= BGP_OPENCONFIRM)
		timer_arm(s->sim, &c->keepalive, s->sim->now + bgp_jitter(s, c->ka_ns));
}

static void send_notification(struct bgp_conn *c, uint8_t code, uint8_t sub,
			      const uint8_t *data, size_t dlen)
{
	uint8_t buf[BGP_NOTIF_MIN_LEN + BGP_ERR_DATA_MAX];
	if (dlen > BGP_ERR_DATA_MAX)
		dlen = BGP_ERR_DATA_MAX;
	int n = bgp_encode_notification(buf, sizeof buf, code, sub, data, dlen);
	if (n > 0)
		bgp_conn_send(c, buf, (size_t)n);
	if (!c->s->silenced) {
		c->s->st.last_notif_sent[0] = code;
		c->s->st.last_notif_sent[1] = sub;
	}
}

static void send_open(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	struct bgp_open o = {
		.version = BGP_VERSION,
		.as = s->cfg.local_as,
		.hold_time_s = (uint16_t)(s->cfg.hold_time / SIM_S(1)),
		.bgp_id = s->local_id,
		.cap_mp_ipv4_unicast = true,
		.cap_route_refresh = s->cfg.route_refresh,
		.cap_as4 = s->cfg.as4,
	};
	uint8_t buf[128];
	int n = bgp_encode_open(buf, sizeof buf, &o);
	if (n > 0)
		bgp_conn_send(c, buf, (size_t)n);
}

static void send_keepalive(struct bgp_conn *c)
{
	uint8_t buf[BGP_HDR_LEN];
	bgp_encode_keepalive(buf, sizeof buf);
	bgp_conn_send(c, buf, sizeof buf);
}

/* ---- state ---- */

static enum bgp_state conn_state_max(const struct bgp_session *s)
{
	enum bgp_state m = BGP_IDLE;
	for (int i = 0; i < 2; i++)
		if (s->conn[i].state >= BGP_OPENSENT && s->conn[i].state > m)
			m = s->conn[i].state;
	return m;
}

static void schedule_restart(struct bgp_session *s);

/* Recomputes the reported state and tells the speaker what changed. */
static void update_state(struct bgp_session *s)
{
	enum bgp_state old = s->state, now = conn_state_max(s);
	if (now == BGP_IDLE)
		now = s->base;
	if (now == old)
		return;
	s->state = now;
	if (now == BGP_ESTABLISHED) {
		s->st.established_count++;
		s->st.last_established = s->sim->now;
		sess_log(s, "bgp_up", "Established");
		if (s->cb.established)
			s->cb.established(s, s->ctx);
		return;
	}
	if (old >= BGP_OPENSENT && now < BGP_OPENSENT) {
		s->last_down.from = old;
		s->st.last_down = s->sim->now;
		char e[96] = "";
		if (s->last_down.code)
			bgp_err_str(s->last_down.code, s->last_down.subcode, e, sizeof e);
		sess_log(s, "bgp_down", "from %s: %s %s", bgp_state_name(old),
			 bgp_down_reason_name(s->last_down.reason), e);
		struct bgp_down d = s->last_down;
		if (s->cb.down)
			s->cb.down(s, &d, s->ctx);
	}
}

/* Frees a connection's slot (the transport is already closed). */
static void conn_reset(struct bgp_conn *c)
{
	timer_cancel(&c->hold);
	timer_cancel(&c->keepalive);
	free(c->rx);
	c->rx = NULL;
	c->rx_len = 0;
	while (c->tx_head) {
		struct bgp_txbuf *b = c->tx_head;
		c->tx_head = b->next;
		free(b);
	}
	c->tx_tail = NULL;
	c->ts = NULL;
	c->chan_id = 0;
	c->state = BGP_IDLE;
	c->hold_ns = c->ka_ns = 0;
	memset(&c->peer_open, 0, sizeof c->peer_open);
}

static void transport_close(struct bgp_conn *c, bool graceful)
{
	if (c->s->cfg.transport == BGP_TRANSPORT_TCP)
		bgp_tcp_close(c, graceful);
	else
		bgp_bytechan_close(c, graceful);
}

/* After a connection closed: if none is left past Connect, the session
 * falls back to Idle (an error), or to Active when the transport failed
 * in OpenSent, or keeps its Connect/Active. */
static void after_close(struct bgp_session *s, bool was_open, bool opensent_transport)
{
	bool any = false;
	for (int i = 0; i < 2; i++)
		any |= s->conn[i].state >= BGP_OPENSENT;
	if (!any && was_open && opensent_transport && s->started) {
		/* §8.2.2 OpenSent, TcpConnectionFails: restart ConnectRetry, listen,
		 * Active */
		timer_arm(s->sim, &s->connect_retry,
			  s->sim->now + bgp_jitter(s, s->cfg.connect_retry));
		if (s->base != BGP_CONNECT || s->conn[BGP_CONN_OUT].state != BGP_CONNECT)
			s->base = BGP_ACTIVE;
		update_state(s);
		return;
	}
	if (!any && was_open) {
		/* §8.2.2: errors in OpenSent and later go to Idle */
		timer_cancel(&s->connect_retry);
		if (s->conn[BGP_CONN_OUT].state == BGP_CONNECT) {
			transport_close(&s->conn[BGP_CONN_OUT], false);
			conn_reset(&s->conn[BGP_CONN_OUT]);
		}
		s->base = BGP_IDLE;
		update_state(s);
		if (s->started && s->cfg.restart_after_error)
			schedule_restart(s);
		return;
	}
	update_state(s);
}

/* Closes one connection, sending a NOTIFICATION first when code != 0. */
static void conn_close(struct bgp_conn *c, enum bgp_down_reason why, uint8_t code,
		       uint8_t sub, const uint8_t *data, size_t dlen, int terr)
{
	struct bgp_session *s = c->s;
	if (c->state == BGP_IDLE)
		return;
	bool was_open = c->state >= BGP_OPENSENT;
	bool opensent_transport = c->state == BGP_OPENSENT && why == BGP_DOWN_TRANSPORT;
	if (code && c->state >= BGP_OPENSENT && why != BGP_DOWN_NOTIF_RECEIVED)
		send_notification(c, code, sub, data, dlen);
	if (was_open)
		s->last_down = (struct bgp_down){ .reason = why, .code = code, .subcode = sub,
						  .transport_err = terr };
	transport_close(c, true);
	conn_reset(c);
	after_close(s, was_open, opensent_transport);
}

static void conn_error(struct bgp_conn *c, const struct bgp_err *e)
{
	char b[96];
	sess_log(c->s, "bgp_error", "sent NOTIFICATION %s",
		 bgp_err_str(e->code, e->subcode, b, sizeof b));
	conn_close(c, BGP_DOWN_NOTIF_SENT, e->code, e->subcode, e->data, e->data_len, 0);
}

/* ---- timers ---- */

static void hold_expired(struct sim *sim, void *obj)
{
	(void)sim;
	struct bgp_conn *c = obj;
	struct bgp_session *s = c->s;
	bgp_enter(s);
	sess_log(s, "bgp_error", "Hold Timer expired in %s", bgp_state_name(c->state));
	conn_close(c, BGP_DOWN_HOLD_EXPIRED, BGP_ERR_HOLD_TIMER, 0, NULL, 0, 0);
	bgp_leave(s);
}

static void keepalive_due(struct sim *sim, void *obj)
{
	(void)sim;
	struct bgp_conn *c = obj;
	struct bgp_session *s = c->s;
	bgp_enter(s);
	if (c->state >= BGP_OPENCONFIRM && c->ka_ns) {
		send_keepalive(c);
		if (s->silenced)   /* bgp_conn_send did not re-arm: keep the rhythm */
			timer_arm(s->sim, &c->keepalive, s->sim->now + bgp_jitter(s, c->ka_ns));
	}
	bgp_leave(s);
}

static void start_connect(struct bgp_session *s)
{
	struct bgp_conn *c = &s->conn[BGP_CONN_OUT];
	if (c->state != BGP_IDLE)
		return;
	c->state = BGP_CONNECT;
	if (s->cfg.transport == BGP_TRANSPORT_TCP)
		bgp_tcp_connect(c);
	else
		bgp_bytechan_connect(c);
}

static void connect_retry_expired(struct sim *sim, void *obj)
{
	(void)sim;
	struct bgp_session *s = obj;
	bgp_enter(s);
	if (s->started && conn_state_max(s) < BGP_OPENSENT) {
		/* §8.2.2 Connect/Active: drop the attempt, try again, Connect */
		struct bgp_conn *c = &s->conn[BGP_CONN_OUT];
		if (c->state == BGP_CONNECT) {
			transport_close(c, false);
			conn_reset(c);
		}
		timer_arm(s->sim, &s->connect_retry,
			  s->sim->now + bgp_jitter(s, s->cfg.connect_retry));
		if (!s->cfg.passive) {
			s->base = BGP_CONNECT;
			start_connect(s);
		}
		update_state(s);
	}
	bgp_leave(s);
}

void bgp_fsm_init_timers(struct bgp_session *s)
{
	for (int i = 0; i < 2; i++) {
		s->conn[i].s = s;
		s->conn[i].idx = (uint8_t)i;
		timer_init(s->sim, &s->conn[i].hold, hold_expired, &s->conn[i]);
		timer_init(s->sim, &s->conn[i].keepalive, keepalive_due, &s->conn[i]);
	}
	timer_init(s->sim, &s->connect_retry, connect_retry_expired, s);
}

/* ManualStart (§8.1.2) or the automatic restart. */
void bgp_fsm_start(struct bgp_session *s)
{
	if (!s->started || s->state != BGP_IDLE)
		return;
	timer_arm(s->sim, &s->connect_retry, s->sim->now + bgp_jitter(s, s->cfg.connect_retry));
	if (s->cfg.passive) {
		s->base = BGP_ACTIVE;
		update_state(s);
	} else {
		s->base = BGP_CONNECT;
		update_state(s);
		start_connect(s);
	}
}

static void schedule_restart(struct bgp_session *s)
{
	timer_arm(s->sim, &s->start_timer, s->sim->now + s->cfg.idle_hold);
}

/* ManualStop (§8.1.2): Cease / Administrative Shutdown. */
void bgp_fsm_stop(struct bgp_session *s)
{
	bgp_fsm_stop_notify(s, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 0);
}

/* ManualStop with the NOTIFICATION the caller names (max-prefix: 6/1 with
 * RFC 4486 §4's AFI/SAFI/limit data). */
void bgp_fsm_stop_notify(struct bgp_session *s, uint8_t code, uint8_t sub, const uint8_t *data,
			 size_t dlen)
{
	enum bgp_down_reason why = code == BGP_ERR_CEASE && sub == BGP_CEASE_ADMIN_SHUTDOWN ?
					   BGP_DOWN_ADMIN : BGP_DOWN_NOTIF_SENT;
	s->started = false;
	timer_cancel(&s->connect_retry);
	timer_cancel(&s->start_timer);
	for (int i = 0; i < 2; i++) {
		struct bgp_conn *c = &s->conn[i];
		if (c->state == BGP_CONNECT) {
			transport_close(c, false);
			conn_reset(c);
		} else if (c->state >= BGP_OPENSENT) {
			conn_close(c, why, code, sub, data, dlen, 0);
		}
	}
	s->base = BGP_IDLE;
	update_state(s);
}

/* ---- transport events ---- */

bool bgp_session_accepts(const struct bgp_session *s)
{
	return s->started && s->state != BGP_IDLE && s->conn[BGP_CONN_IN].state == BGP_IDLE &&
	       s->conn[BGP_CONN_OUT].state != BGP_ESTABLISHED;
}

void bgp_conn_connected(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	/* §8.2.2 Connect/Active, TcpConnectionConfirmed: stop ConnectRetry,
	 * send OPEN, Hold Timer to a large value, OpenSent */
	timer_cancel(&s->connect_retry);
	c->state = BGP_OPENSENT;
	c->rx_len = 0;
	send_open(c);
	timer_arm(s->sim, &c->hold, s->sim->now + OPENSENT_HOLD);
	update_state(s);
}

void bgp_conn_transport_down(struct bgp_conn *c, int err)
{
	struct bgp_session *s = c->s;
	if (c->state == BGP_CONNECT) {
		/* §8.2.2 Connect, TcpConnectionFails: Active, ConnectRetry runs on */
		transport_close(c, false);
		conn_reset(c);
		if (s->base == BGP_CONNECT)
			s->base = BGP_ACTIVE;
		update_state(s);
		return;
	}
	if (c->state >= BGP_OPENSENT)
		sess_log(s, "bgp_error", "transport closed in %s: %s", bgp_state_name(c->state),
			 err ? "error" : "closed");
	conn_close(c, BGP_DOWN_TRANSPORT, 0, 0, NULL, 0, err);
}

/* §6.8: with an OPEN in hand on c, settle a collision with the other
 * connection.  Returns true if c was closed. */
static bool collision(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	struct bgp_conn *o = &s->conn[1 - c->idx];
	if (o->state == BGP_ESTABLISHED) {
		/* an Established connection always wins */
		conn_close(c, BGP_DOWN_NOTIF_SENT, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0, 0);
		return true;
	}
	/* OpenConfirm (the peer's identifier is known), or OpenSent: then the
	 * identifier is the one just received, as BIRD compares it */
	if (o->state != BGP_OPENCONFIRM && o->state != BGP_OPENSENT)
		return false;
	/* keep the connection initiated by the speaker with the higher id */
	bool keep_outgoing = s->local_id > c->peer_open.bgp_id;
	struct bgp_conn *loser = &s->conn[keep_outgoing ? BGP_CONN_IN : BGP_CONN_OUT];
	sess_log(s, "bgp_collision", "keeping the %s connection",
		 keep_outgoing ? "outgoing" : "incoming");
	/* the loser's close is not a session failure: the winner lives on */
	struct bgp_down keep = s->last_down;
	enum bgp_state lstate = loser->state;
	if (lstate >= BGP_OPENSENT)
		send_notification(loser, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
	transport_close(loser, true);
	conn_reset(loser);
	s->last_down = keep;
	update_state(s);
	return loser == c;
}

static void negotiate(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	simtime_t peer_hold = SIM_S(c->peer_open.hold_time_s);
	simtime_t mine = (s->cfg.hold_time / SIM_S(1)) * SIM_S(1);
	c->hold_ns = peer_hold < mine ? peer_hold : mine;   /* §4.2: the smaller */
	if (c->hold_ns == 0) {
		c->ka_ns = 0;                                     /* §4.4: none */
	} else {
		simtime_t third = c->hold_ns / 3;
		c->ka_ns = s->cfg.keepalive && s->cfg.keepalive < third ? s->cfg.keepalive : third;
	}
}

static void handle_open(struct bgp_conn *c, const struct bgp_open *o)
{
	struct bgp_session *s = c->s;
	struct bgp_err e = { 0 };
	if (c->state != BGP_OPENSENT) {
		bgp_err_set(&e, BGP_ERR_FSM, c->state == BGP_OPENCONFIRM ? BGP_FSM_IN_OPENCONFIRM
						: BGP_FSM_IN_ESTABLISHED, NULL, 0);
		conn_error(c, &e);
		return;
	}
	if (bgp_open_check(o, s->cfg.peer_as, s->local_id, &e) < 0) {
		conn_error(c, &e);
		return;
	}
	c->peer_open = *o;
	if (collision(c))
		return;
	negotiate(c);
	c->state = BGP_OPENCONFIRM;
	send_keepalive(c);
	if (c->hold_ns)
		timer_arm(s->sim, &c->hold, s->sim->now + c->hold_ns);
	else
		timer_cancel(&c->hold);
	if (c->ka_ns)
		timer_arm(s->sim, &c->keepalive, s->sim->now + bgp_jitter(s, c->ka_ns));
	update_state(s);
}

static void go_established(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	struct bgp_conn *o = &s->conn[1 - c->idx];
	/* §6.8: the other connection, if any, gives way */
	if (o->state >= BGP_OPENSENT) {
		send_notification(o, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
		transport_close(o, true);
		conn_reset(o);
	} else if (o->state == BGP_CONNECT) {
		transport_close(o, false);
		conn_reset(o);
	}
	timer_cancel(&s->connect_retry);
	s->codec = (struct bgp_codec_ctx){
		.as4 = s->cfg.as4 && c->peer_open.cap_as4,
		.ibgp = s->cfg.local_as == c->peer_open.as,
		.local_as = s->cfg.local_as,
	};
	c->state = BGP_ESTABLISHED;
	update_state(s);
}

/* One whole message received on c. */
static void handle_msg(struct bgp_conn *c, const uint8_t *buf, size_t len)
{
	struct bgp_session *s = c->s;
	struct bgp_msg m;
	struct bgp_err e;
	uint8_t type = buf[18];
	if (type >= 1 && type <= 5)
		s->st.msgs_in[type]++;
	s->st.bytes_in += len;
	s->st.last_rx = s->sim->now;
	struct bgp_codec_ctx ctx = s->codec;
	if (c->state != BGP_ESTABLISHED)
		ctx = (struct bgp_codec_ctx){ .local_as = s->cfg.local_as };
	if (bgp_msg_decode(buf, len, &ctx, &m, &e) < 0) {
		conn_error(c, &e);
		return;
	}
	/* every message restarts the Hold Timer once negotiated */
	if (c->state >= BGP_OPENCONFIRM && c->hold_ns)
		timer_arm(s->sim, &c->hold, s->sim->now + c->hold_ns);
	switch (m.type) {
	case BGP_MSG_NOTIFICATION: {
		char b[96];
		s->st.last_notif_rcvd[0] = m.u.notif.code;
		s->st.last_notif_rcvd[1] = m.u.notif.subcode;
		sess_log(s, "bgp_notification", "received %s",
			 bgp_err_str(m.u.notif.code, m.u.notif.subcode, b, sizeof b));
		enum bgp_state st = c->state;
		struct bgp_conn *o = &s->conn[1 - c->idx];
		/* a collision loser's Cease while the other connection lives on */
		if (m.u.notif.code == BGP_ERR_CEASE && m.u.notif.subcode == BGP_CEASE_COLLISION &&
		    o->state >= BGP_OPENSENT && st != BGP_ESTABLISHED) {
			transport_close(c, true);
			conn_reset(c);
			update_state(s);
		} else {
			conn_close(c, BGP_DOWN_NOTIF_RECEIVED, m.u.notif.code, m.u.notif.subcode,
				   NULL, 0, 0);
		}
		break;
	}
	case BGP_MSG_OPEN:
		handle_open(c, &m.u.open);
		break;
	case BGP_MSG_KEEPALIVE:
		if (c->state == BGP_OPENCONFIRM) {
			go_established(c);
		} else if (c->state == BGP_OPENSENT) {
			bgp_err_set(&e, BGP_ERR_FSM, BGP_FSM_IN_OPENSENT, NULL, 0);
			conn_error(c, &e);
		}
		break;
	case BGP_MSG_UPDATE:
		if (c->state != BGP_ESTABLISHED) {
			bgp_err_set(&e, BGP_ERR_FSM, c->state == BGP_OPENSENT ? BGP_FSM_IN_OPENSENT
							: BGP_FSM_IN_OPENCONFIRM, NULL, 0);
			conn_error(c, &e);
		} else if (m.u.update.treat_as_withdraw && !s->cfg.rfc7606) {
			conn_error(c, &m.u.update.tw_err);
		} else {
			if (m.u.update.treat_as_withdraw) {
				char b[96];
				sess_log(s, "bgp_treat_as_withdraw", "%s, %u prefixes withdrawn",
					 bgp_err_str(m.u.update.tw_err.code, m.u.update.tw_err.subcode,
						     b, sizeof b), m.u.update.n_nlri);
			}
			if (s->cb.update)
				s->cb.update(s, &m.u.update, s->ctx);
		}
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (c->state != BGP_ESTABLISHED) {
			bgp_err_set(&e, BGP_ERR_FSM, c->state == BGP_OPENSENT ? BGP_FSM_IN_OPENSENT
							: BGP_FSM_IN_OPENCONFIRM, NULL, 0);
			conn_error(c, &e);
		} else if (m.u.refresh.afi == 1 && m.u.refresh.safi == 1 && s->cb.refresh) {
			s->cb.refresh(s, s->ctx);
		}
		break;
	}
	bgp_msg_free(&m);
}

void bgp_conn_rx(struct bgp_conn *c, const uint8_t *data, size_t len)
{
	struct bgp_session *s = c->s;
	struct bgp_err e;
	/* A connection closed by handle_msg has state Idle: stop there. */
	while (len && c->state >= BGP_OPENSENT) {
		if (c->rx_len == 0) {
			/* whole messages straight from the input */
			int n = bgp_msg_frame(data, len, &e);
			if (n < 0) {
				conn_error(c, &e);
				return;
			}
			if (n > 0) {
				handle_msg(c, data, (size_t)n);
				data += n;
				len -= (size_t)n;
				continue;
			}
			/* a partial message: keep it (less than one message).  The
			 * buffer is made on first need: the channel transport
			 * delivers whole messages and never needs one. */
			if (!c->rx)
				c->rx = xmalloc(BGP_MAX_MSG_LEN);
			memcpy(c->rx, data, len);
			c->rx_len = (uint32_t)len;
			return;
		}
		/* complete the buffered message: first its header, then the rest */
		size_t need = BGP_HDR_LEN;
		if (c->rx_len >= BGP_HDR_LEN)
			need = bgp_get16(c->rx + 16);
		if (c->rx_len < need) {
			size_t k = need - c->rx_len < len ? need - c->rx_len : len;
			memcpy(c->rx + c->rx_len, data, k);
			c->rx_len += (uint32_t)k;
			data += k;
			len -= k;
		}
		int n = bgp_msg_frame(c->rx, c->rx_len, &e);
		if (n < 0) {
			conn_error(c, &e);
			return;
		}
		if (n > 0) {
			c->rx_len = 0;
			handle_msg(c, c->rx, (size_t)n);
		}
	}
	(void)s;
}
