/* BGP sessions end to end (models/bgp/bgp_fsm.c, bgp_tcp.c, bgp_channel.c):
 * two speakers a (AS 65001) and b (AS 65002) joined by a 1 ms link, or by a
 * channel with a 1 ms delay.  Expected values come from RFC 4271: the
 * message flow of §8 (a TCP handshake, then OPEN and KEEPALIVE each way:
 * Established after two round trips at the initiator), the Hold Timer of
 * §4.2/§10 (the session drops exactly Hold Time after the last message
 * received, with NOTIFICATION 4/0), keepalives every Hold/3 (§4.4, §10),
 * hold-time negotiation (§4.2: the smaller; 0 = none), collision detection
 * (§6.8: the connection initiated by the higher BGP identifier stays), and
 * §6.3 / RFC 7606 for malformed UPDATEs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/bgp/bgp_session_priv.h"
#include "models/net/net.h"
#include "sim/sim.h"

struct side {
	struct bgp_session *s;
	int n_up, n_down, n_update;
	simtime_t t_up, t_down;
	struct bgp_down down;
	struct bgp_update last;       /* withdrawn/nlri/attrs copied */
	struct bgp_prefix nlri[8];
	uint32_t n_nlri;
	struct bgp_attrs attrs;
	bool tw;
	struct bgp_err tw_err;
};

struct world {
	struct sim *sim;
	struct node *na, *nb;
	struct link *l;
	struct side a, b;
};

static void cb_up(struct bgp_session *s, void *ctx)
{
	struct side *d = ctx;
	d->n_up++;
	d->t_up = s->sim->now;
}

static void cb_down(struct bgp_session *s, const struct bgp_down *why, void *ctx)
{
	struct side *d = ctx;
	d->n_down++;
	d->t_down = s->sim->now;
	d->down = *why;
}

static void cb_update(struct bgp_session *s, const struct bgp_update *u, void *ctx)
{
	(void)s;
	struct side *d = ctx;
	d->n_update++;
	d->n_nlri = u->n_nlri < 8 ? u->n_nlri : 8;
	memcpy(d->nlri, u->nlri, d->n_nlri * sizeof *d->nlri);
	bgp_attrs_clear(&d->attrs);
	if (u->has_attrs)
		assert_int_equal(bgp_attrs_copy(&d->attrs, &u->attrs), 0);
	d->tw = u->treat_as_withdraw;
	d->tw_err = u->tw_err;
}

static const struct bgp_session_cb cbs = {
	.established = cb_up, .down = cb_down, .update = cb_update,
};

static void cfg_pair(struct bgp_session_config *ca, struct bgp_session_config *cb,
		     enum bgp_transport tr)
{
	bgp_session_config_default(ca);
	bgp_session_config_default(cb);
	ca->transport = cb->transport = tr;
	ca->local_as = cb->peer_as = 65001;
	cb->local_as = ca->peer_as = 65002;
	ca->log = cb->log = false;
	ca->restart_after_error = cb->restart_after_error = false;
}

/* a and b over TCP on a 1 ms, 100 Mbit/s link; b passive unless both_active. */
static void world_tcp(struct world *w, struct bgp_session_config *ca, struct bgp_session_config *cb)
{
	char err[128];
	memset(w, 0, sizeof *w);
	w->sim = sim_new(7);
	struct net *n = net_get(w->sim);
	w->na = node_new(n, "a", true, NULL);
	w->nb = node_new(n, "b", true, NULL);
	struct link_cfg lc = { .rate_bps = 100000000, .delay_ns = SIM_MS(1), .mtu = 1500 };
	w->l = link_new(n, w->na, w->nb, &lc, NULL);
	ca->peer_addr = node_addr(w->nb);
	cb->peer_addr = node_addr(w->na);
	w->a.s = bgp_session_new(w->sim, w->na, ca, &cbs, &w->a, err, sizeof err);
	assert_non_null(w->a.s);
	w->b.s = bgp_session_new(w->sim, w->nb, cb, &cbs, &w->b, err, sizeof err);
	assert_non_null(w->b.s);
}

static void world_chan(struct world *w, struct bgp_session_config *ca, struct bgp_session_config *cb)
{
	char err[128];
	memset(w, 0, sizeof *w);
	w->sim = sim_new(7);
	ca->local_id = 0x01010101;
	cb->local_id = 0x02020202;
	ca->channel_delay = cb->channel_delay = SIM_MS(1);
	w->a.s = bgp_session_new(w->sim, NULL, ca, &cbs, &w->a, err, sizeof err);
	assert_non_null(w->a.s);
	w->b.s = bgp_session_new(w->sim, NULL, cb, &cbs, &w->b, err, sizeof err);
	assert_non_null(w->b.s);
	assert_int_equal(bgp_channel_join(w->a.s, w->b.s), 0);
}

static void world_free(struct world *w)
{
	bgp_session_free(w->a.s);
	bgp_session_free(w->b.s);
	bgp_attrs_clear(&w->a.attrs);
	bgp_attrs_clear(&w->b.attrs);
	sim_free(w->sim);
}

static void start_both(struct world *w)
{
	bgp_session_start(w->a.s);
	bgp_session_start(w->b.s);
}

/* RFC 4271 §8: TCP handshake (1 RTT), then OPEN and KEEPALIVE each way
 * (1 RTT more).  With TCP_NODELAY the initiator a is Established after 2
 * RTT = 4 ms (plus microseconds of transmission), b when a's KEEPALIVE
 * arrives at 5 ms.  With Nagle on (FRR's sockets: it sets TCP_NODELAY only
 * before a NOTIFICATION, bgpd/bgp_packet.c) b's KEEPALIVE waits behind its
 * unacknowledged OPEN for one more RTT (RFC 896), so a is up at 6 ms.
 * Each side sends exactly one OPEN and one KEEPALIVE. */
static void establish_tcp(bool nodelay)
{
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	ca.tcp_nodelay = cb.tcp_nodelay = nodelay;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	assert_int_equal(bgp_session_state(w.b.s), BGP_ESTABLISHED);
	assert_int_equal(w.a.n_up, 1);
	assert_int_equal(w.b.n_up, 1);
	simtime_t rtts = nodelay ? 2 : 3;
	assert_true(w.a.t_up >= rtts * SIM_MS(2) && w.a.t_up < rtts * SIM_MS(2) + SIM_US(100));
	assert_true(w.b.t_up >= SIM_MS(5) && w.b.t_up < SIM_MS(5) + SIM_US(100));
	const struct bgp_session_stats *sa = bgp_session_stats(w.a.s), *sb = bgp_session_stats(w.b.s);
	assert_int_equal(sa->msgs_out[BGP_MSG_OPEN], 1);
	assert_int_equal(sb->msgs_out[BGP_MSG_OPEN], 1);
	assert_int_equal(sa->msgs_out[BGP_MSG_KEEPALIVE], 1);
	assert_int_equal(sb->msgs_out[BGP_MSG_KEEPALIVE], 1);
	/* negotiated: 90 s, keepalive 30 s (RFC 4271 §10) */
	assert_int_equal(bgp_session_hold_time(w.a.s), SIM_S(90));
	assert_int_equal(bgp_session_keepalive_time(w.a.s), SIM_S(30));
	assert_true(bgp_session_peer_open(w.a.s)->cap_as4);
	assert_int_equal(bgp_session_peer_open(w.a.s)->as, 65002);
	world_free(&w);
}

static void test_establish_tcp(void **state) { (void)state; establish_tcp(false); }
static void test_establish_tcp_nodelay(void **state) { (void)state; establish_tcp(true); }

/* The channel transport, by hand: SYN d, SYNACK d; the passive side sends
 * its OPEN at d, gets a's at 3d and a's KEEPALIVE at 3d too (a sent both
 * at 2d): Established at 3d; a gets b's KEEPALIVE at 4d. */
static void test_establish_channel(void **state)
{
	(void)state;
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_CHANNEL);
	cb.passive = true;
	world_chan(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(w.a.n_up, 1);
	assert_int_equal(w.b.n_up, 1);
	assert_int_equal(w.b.t_up, SIM_MS(3));
	assert_int_equal(w.a.t_up, SIM_MS(4));
	world_free(&w);
}

/* RFC 4271 §4.2, §10: b falls silent; a drops the session exactly Hold
 * Time (90 s) after the last message it received, sending 4/0, which b
 * (still listening) receives. */
static void hold_expiry(enum bgp_transport tr)
{
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, tr);
	cb.passive = true;
	if (tr == BGP_TRANSPORT_TCP)
		world_tcp(&w, &ca, &cb);
	else
		world_chan(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(100));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	bgp_session_silence(w.b.s, true);
	simtime_t last = bgp_session_stats(w.a.s)->last_rx;
	assert_true(last > SIM_S(60) && last <= SIM_S(100));
	sim_run(w.sim, last + SIM_S(90) - 1);
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	assert_int_equal(w.a.n_down, 0);
	sim_run(w.sim, last + SIM_S(90));
	assert_int_equal(w.a.n_down, 1);
	assert_int_equal(w.a.t_down, last + SIM_S(90));
	assert_int_equal(w.a.down.reason, BGP_DOWN_HOLD_EXPIRED);
	assert_int_equal(w.a.down.code, BGP_ERR_HOLD_TIMER);
	assert_int_equal(w.a.down.subcode, 0);
	assert_int_equal(bgp_session_state(w.a.s), BGP_IDLE);
	sim_run(w.sim, last + SIM_S(91));
	assert_int_equal(w.b.n_down, 1);
	assert_int_equal(w.b.down.reason, BGP_DOWN_NOTIF_RECEIVED);
	assert_int_equal(w.b.down.code, 4);
	assert_int_equal(bgp_session_stats(w.b.s)->last_notif_rcvd[0], 4);
	world_free(&w);
}

static void test_hold_expiry_tcp(void **state) { (void)state; hold_expiry(BGP_TRANSPORT_TCP); }
static void test_hold_expiry_channel(void **state) { (void)state; hold_expiry(BGP_TRANSPORT_CHANNEL); }

/* RFC 4271 §4.4, §10: with jitter off, a KEEPALIVE every Hold/3 = 30 s;
 * with jitter, every 22.5 to 30 s (§10: 0.75 to 1.0). */
static void keepalives(bool jitter)
{
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	ca.jitter = jitter;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	const struct bgp_session_stats *st = bgp_session_stats(w.a.s);
	simtime_t k = st->last_keepalive_out;
	uint64_t n = st->msgs_out[BGP_MSG_KEEPALIVE];
	bool all_30 = true;
	for (int i = 0; i < 10; i++) {
		if (!jitter) {
			sim_run(w.sim, k + SIM_S(30) - 1);
			assert_int_equal(st->msgs_out[BGP_MSG_KEEPALIVE], n);
		}
		sim_run(w.sim, k + SIM_S(30));
		assert_int_equal(st->msgs_out[BGP_MSG_KEEPALIVE], n + 1);
		simtime_t gap = st->last_keepalive_out - k;
		if (jitter)
			assert_true(gap >= SIM_MS(22500) && gap <= SIM_S(30));
		else
			assert_int_equal(gap, SIM_S(30));
		all_30 &= gap == SIM_S(30);
		k = st->last_keepalive_out;
		n++;
	}
	assert_true(jitter ? !all_30 : all_30);
	world_free(&w);
}

static void test_keepalive_interval(void **state) { (void)state; keepalives(false); }
static void test_keepalive_jitter(void **state) { (void)state; keepalives(true); }

/* RFC 4271 §4.2: the smaller hold time; 0 means no KEEPALIVE and no Hold
 * Timer at all. */
static void test_hold_negotiation(void **state)
{
	(void)state;
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	cb.hold_time = SIM_S(9);
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(bgp_session_hold_time(w.a.s), SIM_S(9));
	assert_int_equal(bgp_session_keepalive_time(w.a.s), SIM_S(3));
	world_free(&w);

	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	cb.hold_time = 0;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1000));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	assert_int_equal(bgp_session_hold_time(w.a.s), 0);
	/* the KEEPALIVE of OpenConfirm only */
	assert_int_equal(bgp_session_stats(w.a.s)->msgs_out[BGP_MSG_KEEPALIVE], 1);
	assert_int_equal(bgp_session_stats(w.b.s)->msgs_out[BGP_MSG_KEEPALIVE], 1);
	world_free(&w);

	/* 1-2 s cannot be configured (RFC 4271 §4.2) */
	char err[128];
	struct sim *s = sim_new(1);
	cfg_pair(&ca, &cb, BGP_TRANSPORT_CHANNEL);
	ca.local_id = 1;
	ca.hold_time = SIM_S(2);
	assert_null(bgp_session_new(s, NULL, &ca, &cbs, NULL, err, sizeof err));
	sim_free(s);
}

/* RFC 4271 §6.8: both connect at once; the connection initiated by the
 * speaker with the higher BGP identifier survives, the other is closed
 * with Cease 6/7; the session comes up once on each side. */
static void test_collision(void **state)
{
	(void)state;
	for (int swap = 0; swap < 2; swap++) {
		struct world w;
		struct bgp_session_config ca, cb;
		cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
		ca.local_id = swap ? 0x0A000001 : 0x0A0000FF;
		cb.local_id = swap ? 0x0A0000FF : 0x0A000001;
		world_tcp(&w, &ca, &cb);
		start_both(&w);
		sim_run(w.sim, SIM_S(5));
		assert_int_equal(w.a.n_up, 1);
		assert_int_equal(w.b.n_up, 1);
		assert_int_equal(w.a.n_down, 0);
		assert_int_equal(w.b.n_down, 0);
		struct bgp_session *hi = swap ? w.b.s : w.a.s, *lo = swap ? w.a.s : w.b.s;
		assert_int_equal(hi->conn[BGP_CONN_OUT].state, BGP_ESTABLISHED);
		assert_int_equal(hi->conn[BGP_CONN_IN].state, BGP_IDLE);
		assert_int_equal(lo->conn[BGP_CONN_IN].state, BGP_ESTABLISHED);
		assert_int_equal(lo->conn[BGP_CONN_OUT].state, BGP_IDLE);
		/* each side may detect it before hearing from the other: one or
		 * two Cease 6/7, both on the losing connection */
		uint64_t nn = bgp_session_stats(lo)->msgs_out[BGP_MSG_NOTIFICATION] +
			      bgp_session_stats(hi)->msgs_out[BGP_MSG_NOTIFICATION];
		assert_true(nn >= 1 && nn <= 2);
		for (int k = 0; k < 2; k++) {
			const struct bgp_session_stats *st = bgp_session_stats(k ? lo : hi);
			if (st->msgs_out[BGP_MSG_NOTIFICATION]) {
				assert_int_equal(st->last_notif_sent[0], BGP_ERR_CEASE);
				assert_int_equal(st->last_notif_sent[1], BGP_CEASE_COLLISION);
			}
		}
		/* and it stays up */
		sim_run(w.sim, SIM_S(400));
		assert_int_equal(w.a.n_down, 0);
		assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
		world_free(&w);
	}
}

/* An UPDATE goes through: AS_PATH, NEXT_HOP, communities, NLRI. */
static void test_update_delivery(void **state)
{
	(void)state;
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	ca.local_as = cb.peer_as = 4200000001u;   /* a 4-octet AS */
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	struct bgp_attrs a;
	bgp_attrs_init(&a);
	uint32_t path[] = { 4200000001u, 65010 };
	assert_int_equal(bgp_aspath_from_seq(&a.as_path, path, 2), 0);
	a.present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) | BGP_AP(BGP_ATTR_NEXT_HOP);
	a.next_hop = node_addr(w.na);
	bgp_attrs_add_community(&a, (65001u << 16) | 100);
	struct bgp_prefix p[2] = { { 0x0A000000, 8 }, { 0xC0A80100, 24 } };
	assert_int_equal(bgp_session_send_update(w.a.s, NULL, 0, &a, p, 2), 1);
	sim_run(w.sim, SIM_S(2));
	assert_int_equal(w.b.n_update, 1);
	assert_int_equal(w.b.n_nlri, 2);
	assert_int_equal(w.b.nlri[1].addr, 0xC0A80100);
	assert_int_equal(w.b.nlri[1].len, 24);
	assert_true(bgp_attrs_equal(&w.b.attrs, &a));
	assert_int_equal(bgp_aspath_first_as(&w.b.attrs.as_path), 4200000001u);
	assert_false(w.b.tw);
	/* 1100 /24s (4 octets each) need two messages of at most 4096 octets */
	struct bgp_prefix many[1100];
	for (int i = 0; i < 1100; i++)
		many[i] = (struct bgp_prefix){ 0x0B000000u + ((uint32_t)i << 8), 24 };
	assert_int_equal(bgp_session_send_update(w.a.s, NULL, 0, &a, many, 1100), 2);
	sim_run(w.sim, SIM_S(3));
	assert_int_equal(w.b.n_update, 3);
	bgp_attrs_clear(&a);
	world_free(&w);
}

/* RFC 4271 §6.3: an UPDATE whose Withdrawn Routes Length overruns the
 * message: NOTIFICATION 3/1 (Malformed Attribute List), session down on
 * both sides.  A bad ORIGIN value instead is RFC 7606 treat-as-withdraw:
 * the session stays up and the NLRI come up as withdrawn. */
static void malformed(bool session_reset, bool rfc7606)
{
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	cb.rfc7606 = rfc7606;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	if (session_reset) {
		uint8_t m[23] = { 0 };
		memset(m, 0xFF, 16);
		m[17] = 23;
		m[18] = BGP_MSG_UPDATE;
		m[20] = 10;         /* withdrawn routes length 10 > the 0 that follow */
		assert_int_equal(bgp_session_send_raw(w.a.s, m, sizeof m), 0);
	} else {
		/* ORIGIN 7, AS_PATH (65001), NEXT_HOP 10.0.0.1, NLRI 10/8 */
		static const uint8_t m[] = {
			0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			0, 45, 2, 0, 0, 0, 20,
			0x40, 1, 1, 7,
			0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9,
			0x40, 3, 4, 10, 0, 0, 1,
			8, 10,
		};
		assert_int_equal(sizeof m, 45);
		assert_int_equal(bgp_session_send_raw(w.a.s, m, sizeof m), 0);
	}
	sim_run(w.sim, SIM_S(2));
	if (!rfc7606) {
		/* RFC 4271 alone: the bad ORIGIN is 3/6 and a session reset */
		assert_int_equal(w.b.n_down, 1);
		assert_int_equal(w.b.down.code, 3);
		assert_int_equal(w.b.down.subcode, BGP_UPD_INVALID_ORIGIN);
		assert_int_equal(w.b.n_update, 0);
	} else if (session_reset) {
		assert_int_equal(w.b.n_down, 1);
		assert_int_equal(w.b.down.reason, BGP_DOWN_NOTIF_SENT);
		assert_int_equal(w.b.down.code, 3);
		assert_int_equal(w.b.down.subcode, 1);
		assert_int_equal(w.a.n_down, 1);
		assert_int_equal(w.a.down.reason, BGP_DOWN_NOTIF_RECEIVED);
		assert_int_equal(w.a.down.code, 3);
		assert_int_equal(w.a.down.subcode, 1);
		assert_int_equal(bgp_session_state(w.b.s), BGP_IDLE);
	} else {
		assert_int_equal(w.b.n_down, 0);
		assert_int_equal(w.b.n_update, 1);
		assert_true(w.b.tw);
		assert_int_equal(w.b.tw_err.code, 3);
		assert_int_equal(w.b.tw_err.subcode, BGP_UPD_INVALID_ORIGIN);
		assert_int_equal(w.b.n_nlri, 1);
		assert_int_equal(w.b.nlri[0].addr, 0x0A000000);
		assert_int_equal(bgp_session_state(w.b.s), BGP_ESTABLISHED);
	}
	world_free(&w);
}

static void test_malformed_update_reset(void **state) { (void)state; malformed(true, true); }
static void test_malformed_update_withdraw(void **state) { (void)state; malformed(false, true); }
static void test_malformed_update_no7606(void **state) { (void)state; malformed(false, false); }

/* A peer with the wrong AS gets 2/2 Bad Peer AS; the link failing takes
 * the channel session down at once on both sides; ManualStop sends 6/2. */
static void test_errors_and_stop(void **state)
{
	(void)state;
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	cb.passive = true;
	ca.peer_as = 65099;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(w.a.n_up, 0);
	assert_int_equal(bgp_session_stats(w.a.s)->last_notif_sent[0], 2);
	assert_int_equal(bgp_session_stats(w.a.s)->last_notif_sent[1], 2);
	assert_int_equal(bgp_session_stats(w.b.s)->last_notif_rcvd[0], 2);
	world_free(&w);

	cfg_pair(&ca, &cb, BGP_TRANSPORT_CHANNEL);
	world_chan(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	bgp_channel_set_up(w.a.s, false);
	assert_int_equal(w.a.n_down, 1);
	assert_int_equal(w.b.n_down, 1);
	assert_int_equal(w.a.down.reason, BGP_DOWN_TRANSPORT);
	bgp_channel_set_up(w.a.s, true);
	/* restart_after_error is off: by hand */
	bgp_session_stop(w.a.s);
	bgp_session_stop(w.b.s);
	start_both(&w);
	sim_run(w.sim, SIM_S(300));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	bgp_session_stop(w.a.s);
	sim_run(w.sim, SIM_S(301));
	assert_int_equal(w.b.down.reason, BGP_DOWN_NOTIF_RECEIVED);
	assert_int_equal(w.b.down.code, 6);
	assert_int_equal(w.b.down.subcode, 2);
	world_free(&w);
}

/* Errors answered in OpenSent, over the channel: a is silenced from the
 * start (it sends no OPEN of its own) and writes its own first message;
 * b must answer with RFC 4271 §6's NOTIFICATION and drop the connection:
 * hold time 2 s -> 2/6, version 3 -> 2/1, a KEEPALIVE before any OPEN ->
 * 5/1 (RFC 6608), a bad marker -> 1/1, a 4097-octet length -> 1/2. */
static void test_opensent_errors(void **state)
{
	(void)state;
	static const struct { uint8_t bad; uint8_t code, sub; } cases[] = {
		{ 0, 2, 6 }, { 1, 2, 1 }, { 2, 5, 1 }, { 3, 1, 1 }, { 4, 1, 2 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct world w;
		struct bgp_session_config ca, cb;
		cfg_pair(&ca, &cb, BGP_TRANSPORT_CHANNEL);
		cb.passive = true;
		world_chan(&w, &ca, &cb);
		bgp_session_silence(w.a.s, true);
		start_both(&w);
		sim_run(w.sim, SIM_MS(3));
		/* a has b's OPEN (OpenConfirm); b has heard nothing from a */
		assert_int_equal(bgp_session_state(w.a.s), BGP_OPENCONFIRM);
		assert_int_equal(bgp_session_state(w.b.s), BGP_OPENSENT);
		uint8_t m[64];
		struct bgp_open o = { .version = 4, .as = 65001, .hold_time_s = 2, .bgp_id = 0x01010101,
				      .cap_as4 = true };
		int n = bgp_encode_open(m, sizeof m, &o);
		if (cases[k].bad == 1) {
			o.hold_time_s = 90;
			n = bgp_encode_open(m, sizeof m, &o);
			m[19] = 3;
		} else if (cases[k].bad == 2) {
			n = bgp_encode_keepalive(m, sizeof m);
		} else if (cases[k].bad == 3) {
			n = bgp_encode_keepalive(m, sizeof m);
			m[5] = 0;
		} else if (cases[k].bad == 4) {
			n = bgp_encode_keepalive(m, sizeof m);
			m[16] = 0x10;
			m[17] = 0x01;
		}
		assert_int_equal(bgp_session_send_raw(w.a.s, m, (size_t)n), 0);
		sim_run(w.sim, SIM_MS(10));
		const struct bgp_session_stats *sb = bgp_session_stats(w.b.s);
		assert_int_equal(sb->last_notif_sent[0], cases[k].code);
		assert_int_equal(sb->last_notif_sent[1], cases[k].sub);
		assert_int_equal(bgp_session_stats(w.a.s)->last_notif_rcvd[0], cases[k].code);
		assert_int_equal(w.b.n_down, 1);
		assert_int_equal(w.b.down.reason, BGP_DOWN_NOTIF_SENT);
		assert_int_equal(w.b.down.from, BGP_OPENSENT);
		assert_int_equal(bgp_session_state(w.b.s), BGP_IDLE);
		world_free(&w);
	}
}

/* The default restart: after an error the session comes back by itself
 * (FRR's and BIRD's behaviour). */
static void test_restart(void **state)
{
	(void)state;
	struct world w;
	struct bgp_session_config ca, cb;
	cfg_pair(&ca, &cb, BGP_TRANSPORT_TCP);
	ca.restart_after_error = cb.restart_after_error = true;
	world_tcp(&w, &ca, &cb);
	start_both(&w);
	sim_run(w.sim, SIM_S(1));
	assert_int_equal(w.a.n_up, 1);
	link_set_up(w.l, false);
	sim_run(w.sim, SIM_S(200));
	assert_int_equal(w.a.n_down, 1);
	assert_int_equal(w.a.down.reason, BGP_DOWN_HOLD_EXPIRED);
	link_set_up(w.l, true);
	sim_run(w.sim, SIM_S(600));
	assert_int_equal(bgp_session_state(w.a.s), BGP_ESTABLISHED);
	assert_int_equal(bgp_session_state(w.b.s), BGP_ESTABLISHED);
	assert_int_equal(w.a.n_up, 2);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_establish_tcp),
		cmocka_unit_test(test_establish_tcp_nodelay),
		cmocka_unit_test(test_establish_channel),
		cmocka_unit_test(test_hold_expiry_tcp),
		cmocka_unit_test(test_hold_expiry_channel),
		cmocka_unit_test(test_keepalive_interval),
		cmocka_unit_test(test_keepalive_jitter),
		cmocka_unit_test(test_hold_negotiation),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_update_delivery),
		cmocka_unit_test(test_malformed_update_reset),
		cmocka_unit_test(test_malformed_update_withdraw),
		cmocka_unit_test(test_malformed_update_no7606),
		cmocka_unit_test(test_errors_and_stop),
		cmocka_unit_test(test_opensent_errors),
		cmocka_unit_test(test_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
