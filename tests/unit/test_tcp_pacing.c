/* The pacing rate of a non-BBR sender (Linux tcp_update_pacing_rate) at
 * windows where the old 64-bit product overflowed.
 *
 * Linux: rate = mss * ratio/100 * max(cwnd, packets_out) / srtt, with ratio
 * 200 (tcp_pacing_ss_ratio) while cwnd < ssthresh / 2, else 120
 * (tcp_pacing_ca_ratio), capped by sk_max_pacing_rate (~0UL by default).
 * With mss 1448 and srtt 100 ms:
 *   cwnd 100 000 in slow start: 2.0 x 1448 x 100 000 / 0.1 s = 2 896 000 000 bytes/s
 *   cwnd 100 000, ssthresh 100 000: 1.2 x 1448 x 100 000 / 0.1 s = 1 737 600 000 bytes/s
 *   cwnd 10, packets_out 20 (max of the two): 1.2 x 1448 x 20 / 0.1 s = 347 520 bytes/s
 * The old code formed 200 x 1448 x 100 000 x 10^9 = 2.9 x 10^19 > 2^64 in
 * 64 bits and wrapped (to 1 051 325 592 bytes/s instead of 2 896 000 000).
 * At cwnd 2^32 - 1 and srtt 1 ns the true rate, 1.2 x 1448 x (2^32 - 1) /
 * 10^-9 s = 7.5 x 10^21 bytes/s, passes 2^64 - 1 = 1.8 x 10^19: the cap
 * holds it there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models/net/net.h"
#include "models/tcp/tcp_priv.h"

static struct tcp_sock *sock(struct sim **s)
{
	*s = sim_new(1);
	struct net *n = net_get(*s);
	struct node *a = node_new(n, "a", false, NULL);
	struct node *b = node_new(n, "b", false, NULL);
	struct link_cfg lc = { .rate_bps = 10000000, .delay_ns = SIM_MS(10), .mtu = 1500 };
	link_new(n, a, b, &lc, NULL);
	struct tcp_config c;
	tcp_config_default(&c); /* cubic: no cong_control, so the stack sets the rate */
	struct tcp_sock *tp = tcp_socket(a, &c, NULL, NULL);
	tp->mss = 1448;
	tp->srtt8 = 8 * SIM_MS(100);
	tp->packets_out = 0;
	return tp;
}

static void test_large_window(void **state)
{
	(void)state;
	struct sim *s;
	struct tcp_sock *tp = sock(&s);
	tp->snd_cwnd = 100000;
	tp->snd_ssthresh = UINT32_MAX;
	tcp_update_pacing_rate(tp);
	assert_int_equal(tp->pacing_rate, 2896000000ull);
	tp->snd_ssthresh = 100000;
	tcp_update_pacing_rate(tp);
	assert_int_equal(tp->pacing_rate, 1737600000ull);
	sim_free(s);
}

static void test_packets_out(void **state)
{
	(void)state;
	struct sim *s;
	struct tcp_sock *tp = sock(&s);
	tp->snd_cwnd = 10;
	tp->snd_ssthresh = 10;
	tp->packets_out = 20;
	tcp_update_pacing_rate(tp);
	assert_int_equal(tp->pacing_rate, 347520ull);
	tp->packets_out = 0; /* the queue is empty: nothing to free */
	sim_free(s);
}

static void test_cap(void **state)
{
	(void)state;
	struct sim *s;
	struct tcp_sock *tp = sock(&s);
	tp->snd_cwnd = UINT32_MAX;
	tp->snd_ssthresh = UINT32_MAX;
	tp->srtt8 = 8; /* 1 ns */
	tcp_update_pacing_rate(tp);
	assert_true(tp->pacing_rate == UINT64_MAX);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_window),
		cmocka_unit_test(test_packets_out),
		cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
