/* Segment-level tests of the TCP state machine (tcp_helper.h: crafted
 * segments in, recorded segments out, a pool leak check at the end).
 * Expected behaviour, with its source beside each test:
 *   - sequence numbers wrap at 2^32 (RFC 9293 §3.4, RFC 1982 arithmetic);
 *   - a FIN retransmitted after our ACK of it was lost is ACKed again in
 *     CLOSE_WAIT, CLOSING and LAST_ACK (RFC 9293 §3.10.7.4: an
 *     unacceptable or old segment gets an ACK; Linux tcp_data_queue);
 *   - a SYN for a TIME_WAIT 4-tuple opens a new connection when it cannot
 *     be an old duplicate (RFC 1122 §4.2.2.13, RFC 6191; Linux
 *     tcp_timewait_state_process, ISN = old snd_nxt + 65535 + 2), else it
 *     is ACKed;
 *   - RST and SYN checks in every state (RFC 5961 §3.2, §4.2; RFC 9293
 *     §3.10.7);
 *   - a listener closed with embryonic children (Linux
 *     inet_csk_listen_stop): the children go, the peer's ACK is reset;
 *   - application callbacks never run inside segment processing, and
 *     closed() fires once. */
#include "tcp_helper.h"

#define PEER_PORT 40000
#define PORT 80

/* ---- sequence wraparound ---- */

/* The peer's ISN is 2^32 - 5000: ten 1000-byte segments cross 2^32. */
static void test_receive_wraps(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 1);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 0xFFFFFFFFu - 4999, a_isn;
	struct tcp_sock *c = th_accept_conn(&w, l, PEER_PORT, isn, &a_isn);
	for (uint32_t i = 0; i < 10; i++)
		th_send(&w, PEER_PORT, PORT, isn + 1 + i * 1000, a_isn + 1, TH_ACK | TH_PSH, 1000);
	assert_int_equal(tcp_readable(c), 10000);
	assert_int_equal(c->rcv_nxt, (uint32_t)(isn + 1 + 10000));
	assert_true(c->rcv_nxt < 10000); /* it did wrap */
	th_run(&w, SIM_MS(300));        /* delayed ACKs go out */
	assert_true(w.nsent >= 1);
	assert_int_equal(th_last(&w)->l4.tcp.ack, (uint32_t)(isn + 1 + 10000));
	/* one segment out of order beyond the wrap, then the hole */
	th_clear(&w);
	uint32_t base = isn + 1 + 10000;
	th_send(&w, PEER_PORT, PORT, base + 1000, a_isn + 1, TH_ACK, 1000);
	assert_int_equal(c->ooo_count, 1);
	th_send(&w, PEER_PORT, PORT, base, a_isn + 1, TH_ACK, 1000);
	assert_int_equal(c->ooo_count, 0);
	assert_int_equal(tcp_readable(c), 12000);
	tcp_check(c);
	th_finish(&w);
}

/* Our ISN moved to 2^32 - 3000 before the SYN-ACK: 100 000 bytes sent
 * and acknowledged across 2^32, segment by segment. */
static void test_send_wraps(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 2);
	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.sndbuf = cfg.sndbuf_max = 1 << 20;
	struct tcp_sock *c = th_socket(&w, &cfg);
	assert_int_equal(tcp_connect(c, w.b_addr, PORT), 0);
	assert_int_equal(th_flush(&w), 1);
	/* move the connection's sequence space, as if its ISN had been this */
	uint32_t iss = 0xFFFFFFFFu - 2999;
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = iss + 1;
	c->write_seq = c->sndq_seq = iss + 1;
	txq_at(&c->txq, 0)->seq = iss;
	txq_at(&c->txq, 0)->end = iss + 1;
	tcp_check(c);
	uint16_t lport = tcp_local_port(c);
	th_clear(&w);
	th_send(&w, PORT, lport, 5000, iss + 1, TH_SYN | TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_ESTABLISHED);
	assert_int_equal(tcp_send(c, 100000, NULL, 0), 100000);
	uint32_t want = iss + 1 + 100000, acked = iss + 1;
	for (int round = 0; round < 200 && acked != want; round++) {
		th_flush(&w);
		for (int i = 0; i < w.nsent; i++) {
			const struct tcp_hdr *h = &w.sent[i]->l4.tcp;
			uint32_t end = h->seq + w.sent[i]->payload_len;
			if (w.sent[i]->payload_len && seq_after(end, acked))
				acked = end;
		}
		th_clear(&w);
		th_send(&w, PORT, lport, 5001, acked, TH_ACK, 0);
	}
	assert_int_equal(acked, want);
	assert_int_equal(c->snd_una, want);
	assert_true(c->snd_una < 100000); /* it did wrap */
	assert_int_equal(tcp_unacked(c), 0);
	assert_int_equal(c->packets_out, 0);
	assert_int_equal(c->retrans_segs, 0);
	tcp_check(c);
	th_finish(&w);
}

/* ---- FIN retransmissions ---- */

/* A retransmitted FIN must get an ACK, with ack = its sequence + 1. */
static void expect_ack_of_fin(struct th *w, uint32_t fin_seq, uint32_t a_una)
{
	th_clear(w);
	th_send(w, PEER_PORT, PORT, fin_seq, a_una, TH_FIN | TH_ACK, 0);
	assert_int_equal(w->nsent, 0); /* not yet: it is on the wire */
	assert_int_equal(th_flush(w), 1);
	const struct tcp_hdr *h = &th_last(w)->l4.tcp;
	assert_true(h->flags & TH_ACK);
	assert_int_equal(h->ack, fin_seq + 1);
	assert_int_equal(th_last(w)->payload_len, 0);
}

static void test_fin_retransmit_close_wait_last_ack(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 3);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 1000, a_isn;
	struct tcp_sock *c = th_accept_conn(&w, l, PEER_PORT, isn, &a_isn);
	th_send(&w, PEER_PORT, PORT, isn + 1, a_isn + 1, TH_FIN | TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_CLOSE_WAIT);
	assert_int_equal(w.n_peer_closed, 1);
	th_run(&w, SIM_MS(300)); /* the delayed ACK of the FIN, which the peer "loses" */
	expect_ack_of_fin(&w, isn + 1, a_isn + 1);
	assert_int_equal(tcp_get_state(c), TCP_CLOSE_WAIT);
	/* LAST_ACK: our FIN is out and unacknowledged */
	tcp_shutdown(c);
	assert_int_equal(tcp_get_state(c), TCP_LAST_ACK);
	th_flush(&w);
	expect_ack_of_fin(&w, isn + 1, a_isn + 1);
	assert_int_equal(tcp_get_state(c), TCP_LAST_ACK);
	/* the peer ACKs our FIN: CLOSED, and closed() once */
	th_send(&w, PEER_PORT, PORT, isn + 2, a_isn + 2, TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_CLOSED);
	assert_int_equal(w.n_closed, 1);
	th_finish(&w);
}

static void test_fin_retransmit_closing(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 4);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 77, a_isn;
	struct tcp_sock *c = th_accept_conn(&w, l, PEER_PORT, isn, &a_isn);
	tcp_shutdown(c);
	assert_int_equal(tcp_get_state(c), TCP_FIN_WAIT_1);
	/* simultaneous close: the peer's FIN does not ACK ours */
	th_send(&w, PEER_PORT, PORT, isn + 1, a_isn + 1, TH_FIN | TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_CLOSING);
	th_flush(&w);
	expect_ack_of_fin(&w, isn + 1, a_isn + 1);
	assert_int_equal(tcp_get_state(c), TCP_CLOSING);
	/* now it ACKs our FIN: TIME_WAIT, and closed() fires there only once */
	th_send(&w, PEER_PORT, PORT, isn + 2, a_isn + 2, TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_TIME_WAIT);
	assert_int_equal(w.n_closed, 1);
	/* in TIME_WAIT too (RFC 9293: ACK it, restart the 2MSL timer) */
	th_run(&w, SIM_S(30));
	expect_ack_of_fin(&w, isn + 1, a_isn + 2);
	assert_int_equal(timer_expiry(&c->t_wait), w.s->now - SIM_MS(2) + c->cfg.time_wait);
	th_run(&w, SIM_S(61));
	assert_int_equal(tcp_get_state(c), TCP_CLOSED);
	assert_int_equal(w.n_closed, 1); /* not again when TIME_WAIT ends */
	th_finish(&w);
}

/* ---- TIME_WAIT and a new SYN ---- */

/* a closes first and reaches TIME_WAIT with the peer at isn; returns
 * the socket, our snd_nxt in *a_nxt. */
static struct tcp_sock *to_time_wait(struct th *w, struct tcp_sock *l, uint32_t isn, bool ts, uint32_t *a_nxt)
{
	uint32_t a_isn;
	struct tcp_sock *c = th_accept_conn(w, l, PEER_PORT, isn, &a_isn);
	if (ts) {
		/* the crafted handshake had no timestamps; turn them on as if
		 * it had, with ts_recent 1000 */
		c->ts_ok = true;
		c->ts_recent = 1000;
		c->ts_recent_stamp = w->s->now;
	}
	tcp_shutdown(c);
	th_flush(w);
	struct packet *p = th_seg(w, PEER_PORT, PORT, isn + 1, a_isn + 2, TH_FIN | TH_ACK, 0);
	if (ts)
		th_ts(p, 1001, 0);
	th_give(w, p);
	assert_int_equal(tcp_get_state(c), TCP_TIME_WAIT);
	th_flush(w); /* our ACK of its FIN */
	th_clear(w);
	*a_nxt = a_isn + 2;
	return c;
}

static void test_time_wait_syn(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 5);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 5000, a_nxt;
	struct tcp_sock *tw = to_time_wait(&w, l, isn, false, &a_nxt);
	/* an old SYN (below rcv_nxt, no timestamp): ACKed, TIME_WAIT stays */
	th_send(&w, PEER_PORT, PORT, isn - 100, 0, TH_SYN, 0);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_ACK);
	assert_int_equal(th_last(&w)->l4.tcp.ack, isn + 2);
	assert_int_equal(tcp_get_state(tw), TCP_TIME_WAIT);
	/* a new one (beyond rcv_nxt): a new connection, ISN = snd_nxt + 65537 */
	th_clear(&w);
	int accepted = w.n_accepted;
	th_send(&w, PEER_PORT, PORT, isn + 100000, 0, TH_SYN, 0);
	assert_int_equal(tcp_get_state(tw), TCP_CLOSED);
	assert_int_equal(th_flush(&w), 1);
	const struct tcp_hdr *h = &th_last(&w)->l4.tcp;
	assert_int_equal(h->flags, TH_SYN | TH_ACK);
	assert_int_equal(h->ack, isn + 100001);
	assert_int_equal(h->seq, a_nxt + 65535 + 2);
	th_send(&w, PEER_PORT, PORT, isn + 100001, h->seq + 1, TH_ACK, 0);
	assert_int_equal(w.n_accepted, accepted + 1);
	assert_int_equal(tcp_get_state(w.accepted), TCP_ESTABLISHED);
	th_finish(&w);
}

/* RFC 6191: below rcv_nxt, but with a newer timestamp: accepted. */
static void test_time_wait_syn_timestamp(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 6);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 5000, a_nxt;
	struct tcp_sock *tw = to_time_wait(&w, l, isn, true, &a_nxt);
	/* older timestamp: PAWS rejects it, ACK */
	struct packet *p = th_seg(&w, PEER_PORT, PORT, isn - 100, 0, TH_SYN, 0);
	th_ts(p, 900, 0);
	th_give(&w, p);
	assert_int_equal(tcp_get_state(tw), TCP_TIME_WAIT);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_ACK);
	th_clear(&w);
	/* newer timestamp */
	p = th_seg(&w, PEER_PORT, PORT, isn - 100, 0, TH_SYN, 0);
	th_ts(p, 2000, 0);
	th_give(&w, p);
	assert_int_equal(tcp_get_state(tw), TCP_CLOSED);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_SYN | TH_ACK);
	assert_int_equal(th_last(&w)->l4.tcp.seq, a_nxt + 65537);
	th_finish(&w);
}

/* ---- RST and SYN in every state (RFC 5961) ---- */

enum { ST_SYN_RCVD, ST_EST, ST_FW1, ST_FW2, ST_CW, ST_CLOSING, ST_LAST_ACK, ST_TW, ST_N };
static const enum tcp_state st_of[ST_N] = {
	TCP_SYN_RCVD, TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING,
	TCP_LAST_ACK, TCP_TIME_WAIT,
};

/* A connection of a's in state st; *rcv_nxt and *snd are what the peer
 * uses as its sequence and ACK numbers from then on. */
static struct tcp_sock *into_state(struct th *w, int st, uint32_t *rcv_nxt, uint32_t *snd)
{
	struct tcp_sock *l = th_listen(w, PORT, NULL);
	uint32_t isn = 9000, a_isn;
	if (st == ST_SYN_RCVD) {
		th_send(w, PEER_PORT, PORT, isn, 0, TH_SYN, 0);
		th_flush(w);
		*rcv_nxt = isn + 1;
		*snd = th_last(w)->l4.tcp.seq + 1;
		th_clear(w);
		struct tcp_sock *c = tcp_lookup_tuple(l->stack, w->a_addr, PORT, w->b_addr, PEER_PORT);
		assert_non_null(c);
		return c;
	}
	struct tcp_sock *c = th_accept_conn(w, l, PEER_PORT, isn, &a_isn);
	*rcv_nxt = isn + 1;
	*snd = a_isn + 1;
	switch (st) {
	case ST_FW1: case ST_FW2: case ST_CLOSING: case ST_TW:
		tcp_shutdown(c);
		th_flush(w);
		if (st == ST_FW2 || st == ST_TW)
			th_send(w, PEER_PORT, PORT, isn + 1, a_isn + 2, TH_ACK, 0);
		if (st == ST_CLOSING || st == ST_TW) {
			th_send(w, PEER_PORT, PORT, isn + 1, st == ST_TW ? a_isn + 2 : a_isn + 1,
				TH_FIN | TH_ACK, 0);
			*rcv_nxt = isn + 2;
		}
		break;
	case ST_CW: case ST_LAST_ACK:
		th_send(w, PEER_PORT, PORT, isn + 1, a_isn + 1, TH_FIN | TH_ACK, 0);
		*rcv_nxt = isn + 2;
		if (st == ST_LAST_ACK)
			tcp_shutdown(c);
		break;
	}
	th_flush(w);
	th_clear(w);
	assert_int_equal(tcp_get_state(c), st_of[st]);
	return c;
}

static void test_rst_every_state(void **state)
{
	(void)state;
	for (int st = 0; st < ST_N; st++) {
		for (int kind = 0; kind < 4; kind++) {
			/* kind 0: RST in the window, not at rcv_nxt -> challenge ACK
			 * kind 1: RST outside the window -> dropped silently
			 * kind 2: RST at rcv_nxt -> the connection is reset
			 * kind 3: SYN in a synchronized state -> challenge ACK */
			struct th w;
			th_init(&w, 100 + (uint64_t)st * 4 + (uint64_t)kind);
			uint32_t rn, snd;
			struct tcp_sock *c = into_state(&w, st, &rn, &snd);
			uint32_t seq = kind == 0 ? rn + 1 : kind == 1 ? rn + 0x40000000u : rn;
			uint8_t flags = kind == 3 ? TH_SYN : TH_RST;
			if (kind == 3)
				seq = rn + 10;
			int errors = w.n_error;
			th_send(&w, PEER_PORT, PORT, seq, 0, flags, 0);
			/* the socket may be freed once events run: look now */
			enum tcp_state now_st = tcp_get_state(c);
			uint32_t snd_nxt = c->snd_nxt;
			tcp_check(c);
			int sent = th_flush(&w);
			bool tw = st == ST_TW;
			if (kind == 2) {
				assert_int_equal(now_st, TCP_CLOSED);
				assert_int_equal(sent, 0);
				/* only a connection the app holds hears of it: ECONNRESET
				 * in ESTABLISHED, FIN_WAIT_1/2 and CLOSE_WAIT (RFC 9293) */
				bool told = st == ST_EST || st == ST_FW1 || st == ST_FW2 || st == ST_CW;
				assert_int_equal(w.n_error - errors, told ? 1 : 0);
				if (told)
					assert_int_equal(w.last_error, TCP_ECONNRESET);
			} else if (tw && kind == 3) {
				/* TIME_WAIT: a SYN beyond rcv_nxt opens a new connection
				 * (the test above covers it) */
				assert_int_equal(now_st, TCP_CLOSED);
				assert_int_equal(sent, 1);
				assert_int_equal(th_last(&w)->l4.tcp.flags, TH_SYN | TH_ACK);
			} else if (kind == 1) {
				assert_int_equal(now_st, st_of[st]);
				/* TIME_WAIT: an RST anywhere but rcv_nxt is ignored */
				assert_int_equal(sent, 0);
			} else {
				assert_int_equal(now_st, st_of[st]);
				if (tw && kind == 0) {
					assert_int_equal(sent, 0); /* Linux: no ACK for a RST in TIME_WAIT */
				} else if (st == ST_SYN_RCVD && kind == 3) {
					/* SYN_RCVD: a new SYN of another sequence number is
					 * challenged like any (RFC 5961 §4.2) */
					assert_int_equal(sent, 1);
					assert_int_equal(th_last(&w)->l4.tcp.flags, TH_ACK);
				} else {
					assert_int_equal(sent, 1);
					const struct tcp_hdr *h = &th_last(&w)->l4.tcp;
					assert_int_equal(h->flags & (TH_ACK | TH_RST | TH_SYN), TH_ACK);
					assert_int_equal(h->ack, rn);
					assert_int_equal(h->seq, snd_nxt);
				}
			}
			th_finish(&w);
		}
	}
}

/* SYN_SENT (RFC 9293 §3.10.7.3): a RST counts only with an acceptable
 * ACK; LISTEN ignores a RST. */
static void test_rst_syn_sent_listen(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 7);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	th_send(&w, PEER_PORT, PORT, 1, 0, TH_RST, 0);
	assert_int_equal(tcp_get_state(l), TCP_LISTEN);
	assert_int_equal(th_flush(&w), 0);
	struct tcp_sock *c = th_socket(&w, NULL);
	assert_int_equal(tcp_connect(c, w.b_addr, 443), 0);
	th_flush(&w);
	uint32_t iss = th_last(&w)->l4.tcp.seq;
	uint16_t lport = tcp_local_port(c);
	th_clear(&w);
	th_send(&w, 443, lport, 0, 0, TH_RST, 0);           /* no ACK: ignored */
	assert_int_equal(tcp_get_state(c), TCP_SYN_SENT);
	th_send(&w, 443, lport, 0, iss + 5, TH_RST | TH_ACK, 0); /* bad ACK: ignored */
	assert_int_equal(tcp_get_state(c), TCP_SYN_SENT);
	assert_int_equal(th_flush(&w), 0);
	th_send(&w, 443, lport, 0, iss + 1, TH_RST | TH_ACK, 0);
	assert_int_equal(tcp_get_state(c), TCP_CLOSED);
	assert_int_equal(w.last_error, TCP_ECONNREFUSED);
	assert_int_equal(w.n_closed, 1);
	th_finish(&w);
}

/* ---- a zero-window probe ---- */

/* A probe (sequence rcv_nxt - 1, no data; Linux tcp_xmit_probe_skb) is
 * unacceptable, so it is answered with an ACK carrying the window
 * (RFC 9293 §3.8.6.1, §3.10.7.4). */
static void test_zero_window_probe_answered(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 9);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t isn = 300, a_isn;
	struct tcp_sock *c = th_accept_conn(&w, l, PEER_PORT, isn, &a_isn);
	th_send(&w, PEER_PORT, PORT, isn + 1, a_isn + 1, TH_ACK | TH_PSH, 1000);
	th_run(&w, SIM_MS(300));
	th_clear(&w);
	th_send(&w, PEER_PORT, PORT, isn + 1000, a_isn + 1, TH_ACK, 0);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_ACK);
	assert_int_equal(th_last(&w)->l4.tcp.ack, isn + 1001);
	assert_int_equal(tcp_readable(c), 1000);
	th_finish(&w);
}

/* ---- a listener closed with embryonic children ---- */

static void test_listener_close_children(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 8);
	struct tcp_sock *l = th_listen(&w, PORT, NULL);
	uint32_t a_isn[3];
	for (int i = 0; i < 3; i++) {
		th_send(&w, (uint16_t)(PEER_PORT + i), PORT, 100u * (uint32_t)i, 0, TH_SYN, 0);
		th_flush(&w);
		a_isn[i] = th_last(&w)->l4.tcp.seq;
	}
	assert_int_equal(l->pending, 3);
	tcp_check(l);
	th_clear(&w);
	tcp_close(l);
	struct tcp_stack *st = w.a->l4[L4_TCP];
	assert_int_equal(st->nlisten, 0);
	assert_int_equal(st->hcount, 0);
	tcp_check_stack(st);
	assert_int_equal(th_flush(&w), 0); /* they go silently, as Linux's request sockets */
	/* the handshake's ACK of a child: no socket, a reset */
	th_send(&w, PEER_PORT + 1, PORT, 101, a_isn[1] + 1, TH_ACK, 0);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_RST);
	assert_int_equal(th_last(&w)->l4.tcp.seq, a_isn[1] + 1);
	/* a new SYN to the port: refused */
	th_clear(&w);
	th_send(&w, PEER_PORT + 7, PORT, 5, 0, TH_SYN, 0);
	assert_int_equal(th_flush(&w), 1);
	assert_int_equal(th_last(&w)->l4.tcp.flags, TH_RST | TH_ACK);
	assert_int_equal(w.n_accepted, 0);
	th_run(&w, SIM_S(1)); /* the freed sockets' events run */
	assert_null(st->all);
	th_finish(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive_wraps),
		cmocka_unit_test(test_send_wraps),
		cmocka_unit_test(test_fin_retransmit_close_wait_last_ack),
		cmocka_unit_test(test_fin_retransmit_closing),
		cmocka_unit_test(test_time_wait_syn),
		cmocka_unit_test(test_time_wait_syn_timestamp),
		cmocka_unit_test(test_rst_every_state),
		cmocka_unit_test(test_rst_syn_sent_listen),
		cmocka_unit_test(test_zero_window_probe_answered),
		cmocka_unit_test(test_listener_close_children),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
