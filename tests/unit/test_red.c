/* RED (models/queue/red.c) against Floyd & Jacobson, "Random Early
 * Detection Gateways for Congestion Avoidance", IEEE/ACM ToN 1(4), 1993.
 *
 * The arrival process is controlled exactly: every arrival finds the same
 * number of packets queued (one leaves after each packet accepted), so the
 * average avg <- (1 - w_q) avg + w_q q converges to that number and stays.
 *
 * Between the thresholds (§4, Fig. 2)
 *     p_b = max_p (avg - min_th) / (max_th - min_th);
 * with min_th 5, max_th 15, max_p 1/50 and avg 10: p_b = 0.01.  Marking
 * the count-th packet since the last mark with p_a = p_b / (1 - count p_b)
 * makes the gap X between marks uniform on {1, ..., 1/p_b} (§7, "Method
 * 2"), so E[X] = 1/(2 p_b) + 1/2 = 50.5 and the drop fraction is
 * 1/E[X] = 1/50.5 = 1.980 % (not p_b = 1 %: spreading the drops out
 * doubles their rate, for the same avg).  We check the fraction to
 * +-0.1 percentage point over 10^6 arrivals (its standard deviation
 * there is under 0.01 point), that no gap exceeds 1/p_b = 100, and that
 * the gaps are uniform (as many in 1..50 as in 51..100, +-5 %).
 *
 * Gentle mode (Floyd, "Recommendation on using the gentle_ variant of
 * RED", 2000): between max_th and 2 max_th, p_b = max_p + (1 - max_p)
 * (avg - max_th) / max_th.  With max_p 0.1 and avg 20 that is 0.4; the
 * same spacing gives X = ceil(U / p_b), i.e. 1, 2, 3 with probabilities
 * 0.4, 0.4, 0.2, E[X] = 1.8, a drop fraction of 5/9 = 55.56 %.  At avg 16,
 * p_b = 0.16 and E[X] = sum_{n=0}^{6} (1 - 0.16 n) = 3.64: 27.47 %.  Above
 * 2 max_th (gentle) or max_th (not gentle) every packet is dropped.
 *
 * ECN (RFC 3168 §7; Linux sch_red's ecn and harddrop flags): an
 * ECN-capable packet is marked where it would have been dropped, a
 * non-capable one is still dropped; above max_th marks too unless harddrop.
 *
 * Idle periods (§4): after the queue empties, the average decays as if
 * m = idle / (avpkt transmission time) empty-queue packets had arrived. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models/queue/qdisc.h"
#include "sim/packet.h"
#include "sim/sim.h"

#define MAX_KV 8

/* A RED qdisc from "key=value" strings. */
static struct qdisc *red_new(struct sim *s, const char *const *kv)
{
	static char keys[MAX_KV][32], vals[MAX_KV][32];
	struct qparam p[MAX_KV];
	int n = 0;
	for (; kv && kv[n]; n++) {
		assert_true(n < MAX_KV);
		const char *eq = strchr(kv[n], '=');
		assert_non_null(eq);
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)(eq - kv[n]), kv[n]);
		snprintf(vals[n], sizeof(vals[n]), "%s", eq + 1);
		p[n] = (struct qparam){ keys[n], vals[n], false };
	}
	struct qparams ps = { n, p };
	struct errbuf err = { "" };
	struct qdisc *q = qdisc_new(s, qdisc_find("red"), &ps, "r->d", &err);
	if (!q)
		fail_msg("red: %s", err.msg);
	return q;
}

static struct packet *mkpkt(struct sim *s, uint8_t tos)
{
	struct packet *p = pkt_alloc(s);
	p->ip.proto = IPPROTO_UDP_;
	p->ip.tot_len = 1500;
	p->ip.tos = tos;
	return p;
}

struct tally {
	uint64_t arrivals, dropped, marked;
	uint64_t max_gap, gaps, gap_sum, gaps_low, gaps_high; /* between drops or marks */
};

/* Offers n arrivals 1 us apart, each finding exactly `level` packets
 * queued (the queue is first trimmed or filled to that level); counts
 * drops and marks, and the gaps between them. */
static struct tally hold(struct sim *s, struct qdisc *q, uint32_t level, uint64_t n, uint8_t tos)
{
	while (q->qlen > level)
		pkt_free(s, qdisc_dequeue(q, s->now));
	while (q->qlen < level) {
		s->now += SIM_US(1);
		qdisc_enqueue(q, mkpkt(s, tos), s->now);
	}
	struct tally t = { 0 };
	uint64_t since = 0;
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(q->qlen, level);
		s->now += SIM_US(1);
		uint64_t d0 = q->st.dropped, m0 = q->st.marked;
		if (qdisc_enqueue(q, mkpkt(s, tos), s->now))
			pkt_free(s, qdisc_dequeue(q, s->now));
		t.arrivals++;
		t.dropped += q->st.dropped - d0;
		t.marked += q->st.marked - m0;
		since++;
		if (q->st.dropped != d0 || q->st.marked != m0) {
			if (since > t.max_gap)
				t.max_gap = since;
			t.gaps++;
			t.gap_sum += since;
			if (since <= 50)
				t.gaps_low++;
			else
				t.gaps_high++;
			since = 0;
		}
	}
	return t;
}

static void drain(struct sim *s, struct qdisc *q)
{
	struct packet *p;
	while ((p = qdisc_dequeue(q, s->now)))
		pkt_free(s, p);
}

static void check_fraction(uint64_t k, uint64_t n, double expected, const char *what)
{
	double f = (double)k / (double)n;
	print_message("%s: %.4f %% (expected %.4f %% +- 0.1 point)\n", what, 100 * f, 100 * expected);
	assert_true(fabs(f - expected) <= 0.001);
}

static void test_uniform_spacing(void **state)
{
	(void)state;
	struct sim *s = sim_new(1);
	struct qdisc *q = red_new(s, NULL);
	hold(s, q, 10, 20000, 0); /* avg -> 10 within 10 * 0.998^20000 */
	struct tally t = hold(s, q, 10, 1000000, 0);
	check_fraction(t.dropped, t.arrivals, 1 / 50.5, "drop fraction at avg 10");
	assert_int_equal(t.marked, 0);
	print_message("gaps: %llu, mean %.3f (expected 50.5), longest %llu (at most 100), "
		      "%llu in 1..50, %llu in 51..100\n",
		      (unsigned long long)t.gaps, (double)t.gap_sum / (double)t.gaps,
		      (unsigned long long)t.max_gap, (unsigned long long)t.gaps_low,
		      (unsigned long long)t.gaps_high);
	assert_true(t.max_gap <= 100);
	assert_true(fabs((double)t.gap_sum / (double)t.gaps - 50.5) <= 1);
	assert_true(fabs((double)t.gaps_low / (double)t.gaps_high - 1) <= 0.05);
	qdisc_free(q);
	sim_free(s);
}

static void test_thresholds(void **state)
{
	(void)state;
	struct sim *s = sim_new(2);
	struct qdisc *q = red_new(s, NULL);
	struct tally t = hold(s, q, 4, 100000, 0);  /* avg -> 4 < min_th */
	assert_int_equal(t.dropped, 0);
	hold(s, q, 16, 20000, 0);                   /* avg -> 16 >= max_th */
	t = hold(s, q, 16, 100000, 0);
	assert_int_equal(t.dropped, t.arrivals);
	qdisc_free(q);
	sim_free(s);
}

static void test_gentle(void **state)
{
	(void)state;
	struct sim *s = sim_new(3);
	static const char *const kv[] = { "gentle=true", "max_p=0.1", NULL };
	struct qdisc *q = red_new(s, kv);
	hold(s, q, 20, 20000, 0);
	struct tally t = hold(s, q, 20, 1000000, 0);
	check_fraction(t.dropped, t.arrivals, 5.0 / 9, "gentle, drop fraction at avg 20");
	assert_true(t.max_gap <= 3);
	hold(s, q, 16, 20000, 0);
	t = hold(s, q, 16, 1000000, 0);
	check_fraction(t.dropped, t.arrivals, 1 / 3.64, "gentle, drop fraction at avg 16");
	hold(s, q, 31, 20000, 0);                   /* above 2 max_th */
	t = hold(s, q, 31, 100000, 0);
	assert_int_equal(t.dropped, t.arrivals);
	qdisc_free(q);
	sim_free(s);
}

static void test_ecn(void **state)
{
	(void)state;
	struct sim *s = sim_new(4);
	static const char *const kv[] = { "ecn=true", NULL };
	struct qdisc *q = red_new(s, kv);
	hold(s, q, 10, 20000, ECN_ECT0);
	struct tally t = hold(s, q, 10, 1000000, ECN_ECT0);
	check_fraction(t.marked, t.arrivals, 1 / 50.5, "ECT(0): mark fraction at avg 10");
	assert_int_equal(t.dropped, 0);
	t = hold(s, q, 10, 1000000, ECN_NOT_ECT);
	check_fraction(t.dropped, t.arrivals, 1 / 50.5, "not-ECT with ecn on: drop fraction");
	assert_int_equal(t.marked, 0);
	hold(s, q, 16, 20000, ECN_ECT1);
	t = hold(s, q, 16, 10000, ECN_ECT1);
	assert_int_equal(t.marked, t.arrivals);     /* above max_th: marked, kept */
	assert_int_equal(t.dropped, 0);
	qdisc_free(q);

	static const char *const hard[] = { "ecn=true", "harddrop=true", NULL };
	q = red_new(s, hard);
	hold(s, q, 16, 20000, ECN_ECT0);
	t = hold(s, q, 16, 10000, ECN_ECT0);
	assert_int_equal(t.dropped, t.arrivals);    /* harddrop: dropped above max_th */
	qdisc_free(q);
	sim_free(s);
}

/* After 10 s idle at 10 Mbit/s with avpkt 1000 bytes (0.8 ms each),
 * m = 12500 and avg ~ 10 * 0.998^12500 ~ 0: the next 200 arrivals, even at
 * a queue of 10, lift avg only to 10 (1 - 0.998^210) < 3.5 < min_th, so
 * none is dropped.  Without the decay avg would still be 10 and, gaps
 * being at most 100, two or more of them would be. */
static void test_idle_decay(void **state)
{
	(void)state;
	struct sim *s = sim_new(5);
	struct qdisc *q = red_new(s, NULL);
	hold(s, q, 10, 20000, 0);
	drain(s, q);
	s->now += SIM_S(10);
	struct tally t = hold(s, q, 10, 200, 0);
	assert_int_equal(t.dropped, 0);
	/* and a busy queue is not mistaken for an idle one */
	hold(s, q, 10, 20000, 0);
	t = hold(s, q, 10, 200, 0);
	assert_true(t.dropped >= 2);
	qdisc_free(q);
	sim_free(s);
}

static void test_params(void **state)
{
	(void)state;
	struct sim *s = sim_new(6);
	struct qdisc *q = red_new(s, NULL);
	char buf[256];
	q->ops->describe(q, buf, sizeof(buf));
	assert_string_equal(buf, "limit=1000 min_th=5 max_th=15 max_p=0.02 w_q=0.002 gentle=false ecn=false "
				 "harddrop=false bandwidth=10Mbps avpkt=1000");
	qdisc_free(q);

	static const struct { const char *kv, *msg; } bad[] = {
		{ "min_th=20", "red: min_th (20) must be below max_th (15)" },
		{ "max_p=1.5", "red: max_p: 1.5 is out of range [0, 1]" },
		{ "w_q=0", "red: w_q: must be above zero" },
		{ "bandwidth=fast", "red: bandwidth: expected a rate like '10Mbps', got 'fast'" },
		{ "gentle=maybe", "red: gentle: expected true or false, got 'maybe'" },
		{ "limit=0", "red: limit: 0 is out of range" },
		{ "maxp=0.1", "red: unknown parameter 'maxp'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char k[32], v[32];
		const char *eq = strchr(bad[i].kv, '=');
		snprintf(k, sizeof(k), "%.*s", (int)(eq - bad[i].kv), bad[i].kv);
		snprintf(v, sizeof(v), "%s", eq + 1);
		struct qparam p = { k, v, false };
		struct qparams ps = { 1, &p };
		struct errbuf err = { "" };
		assert_null(qdisc_new(s, qdisc_find("red"), &ps, "x", &err));
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s' gave '%s', expected '%s'", bad[i].kv, err.msg, bad[i].msg);
	}
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform_spacing),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_gentle),
		cmocka_unit_test(test_ecn),
		cmocka_unit_test(test_idle_decay),
		cmocka_unit_test(test_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
