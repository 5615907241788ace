/* The RTO estimator against RFC 6298 §2 arithmetic and Linux's floor.
 *
 * RFC 6298 with samples R1 = 100 ms, R2 = 120 ms (alpha 1/8, beta 1/4, K 4):
 *   after R1: SRTT = 100, RTTVAR = 50, RTO = 100 + 4*50 = 300 ms
 *   after R2: RTTVAR = 3/4*50 + 1/4*|100-120| = 42.5
 *             SRTT   = 7/8*100 + 1/8*120     = 102.5
 *             RTO    = 102.5 + 4*42.5        = 272.5 ms
 * Linux (tcp_rtt_estimator, tcp_set_rto): the variance term is floored at
 * rto_min (200 ms), so after one sample RTO = max(3R, R + 200 ms) and
 * after these two RTO = SRTT + 200 ms = 302.5 ms; a 300 ms first sample
 * gives 3R = 900 ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/net/net.h"
#include "models/tcp/tcp_priv.h"

struct world {
	struct sim *s;
	struct node *a, *b;
};

static struct tcp_sock *sock(struct world *w, bool rfc)
{
	w->s = sim_new(1);
	struct net *n = net_get(w->s);
	w->a = node_new(n, "a", false, NULL);
	w->b = node_new(n, "b", false, NULL);
	struct link_cfg lc = { .rate_bps = 10000000, .delay_ns = SIM_MS(10), .mtu = 1500 };
	link_new(n, w->a, w->b, &lc, NULL);
	struct tcp_config c;
	tcp_config_default(&c);
	c.rto_rfc6298 = rfc;
	if (rfc)
		c.rto_min = SIM_MS(1); /* let the RFC formula show through */
	return tcp_socket(w->a, &c, NULL, NULL);
}

static void test_rfc6298_worked_example(void **state)
{
	(void)state;
	struct world w;
	struct tcp_sock *tp = sock(&w, true);
	tcp_rtt_estimator(tp, SIM_MS(100));
	tcp_set_rto(tp);
	assert_int_equal(tp->rfc_srtt, SIM_MS(100));
	assert_int_equal(tp->rfc_rttvar, SIM_MS(50));
	assert_int_equal(tp->rto, SIM_MS(300));
	tcp_rtt_estimator(tp, SIM_MS(120));
	tcp_set_rto(tp);
	assert_int_equal(tp->rfc_srtt, SIM_US(102500));
	assert_int_equal(tp->rfc_rttvar, SIM_US(42500));
	assert_int_equal(tp->rto, SIM_US(272500));
	sim_free(w.s);
}

static void test_linux_floor(void **state)
{
	(void)state;
	struct world w;
	struct tcp_sock *tp = sock(&w, false);
	tcp_rtt_estimator(tp, SIM_MS(100));
	tcp_set_rto(tp);
	assert_int_equal(tp->rto, SIM_MS(300));     /* max(3 * 100, 100 + 200) */
	tcp_rtt_estimator(tp, SIM_MS(120));
	tcp_set_rto(tp);
	assert_int_equal(tp->srtt8 >> 3, SIM_US(102500));
	assert_int_equal(tp->rto, SIM_US(302500)); /* SRTT + the 200 ms floor */
	sim_free(w.s);

	tp = sock(&w, false);
	tcp_rtt_estimator(tp, SIM_MS(300));
	tcp_set_rto(tp);
	assert_int_equal(tp->rto, SIM_MS(900));     /* 3R beats R + 200 ms */
	sim_free(w.s);

	tp = sock(&w, false);
	tcp_rtt_estimator(tp, SIM_MS(10));
	tcp_set_rto(tp);
	assert_int_equal(tp->rto, SIM_MS(210));     /* R + 200 ms beats 3R */
	sim_free(w.s);
}

/* Without RTT samples the RTO is the initial 1 s (RFC 6298 §2.1), and it
 * never exceeds rto_max (120 s). */
static void test_initial_and_max(void **state)
{
	(void)state;
	struct world w;
	struct tcp_sock *tp = sock(&w, false);
	assert_int_equal(tp->rto, SIM_S(1));
	tcp_rtt_estimator(tp, SIM_S(100));
	tcp_set_rto(tp);
	assert_int_equal(tp->rto, SIM_S(120));
	sim_free(w.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6298_worked_example),
		cmocka_unit_test(test_linux_floor),
		cmocka_unit_test(test_initial_and_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
