/* CoDel, FQ-CoDel and PIE (models/queue/) driven packet by packet, for the
 * rules that a whole network run cannot isolate.
 *
 * CoDel (RFC 8289; Linux include/net/codel_impl.h):
 *  - §4: a backlog of at most one MTU is never dropped from, however
 *    long the sojourn; one more packet and drops begin an interval after
 *    the sojourn went above target.
 *  - §5 (the Linux rule): re-entering dropping state within 16 intervals of the last
 *    drop_next resumes from count - lastcount (if > 1), so the second drop
 *    of the new cycle comes interval/sqrt(count - lastcount) after the
 *    first, not a whole interval; after a longer pause count restarts at 1.
 *  - Linux ce_threshold: ECT packets whose sojourn exceeds it are marked.
 * FQ-CoDel (RFC 8290; Linux sch_fq_codel.c):
 *  - §4 / fq_codel_drop(): over the limit, the fattest flow loses
 *    packets from its head until half its backlog is gone, at most
 *    drop_batch of them; the other flows lose nothing.
 *  - §4 DRR++: a packet of a flow with an empty queue is sent next,
 *    ahead of a backlogged flow; backlogged flows share bytes equally
 *    whatever their packet sizes (deficit round robin, Shreedhar &
 *    Varghese 1995), to within a quantum.
 * PIE (RFC 8033; Linux sch_pie.c), with an overload of 1500-byte packets
 * (a departure every 1.2 ms, 2x or 1.25x as many arrivals):
 *  - §4 burst tolerance (Linux burst_time): no early drop during the first 150 ms of
 *    dequeues;
 *  - the drop probability settles where the queue drains as fast as it
 *    fills: 1/2 (2x) or 1/5 (1.25x) of the arrivals dropped, +-3 %;
 *  - §5 de-randomisation: no drop until the probability accumulated
 *    since the last one reaches 0.85, so while p < 0.85 a drop is never
 *    followed straight away by another.  (At 1.25x, where gaps of
 *    ceil(0.85/p) + (1 - p)/p arrivals on average give 1/5 at p ~ 1/3.
 *    At 2x the minimum gap forces p towards 1 to reach 1/2, and there
 *    such pairs are allowed.);
 *  - ECN (Linux): ECT packets are marked while p <= 10 %, dropped above;
 *  - the update timer rests once an idle queue's state stops changing, so
 *    a run with nothing else to do ends (sim_run to SIM_NEVER returns). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/queue/qdisc.h"
#include "sim/packet.h"
#include "sim/sim.h"

#define MAX_KV 8

static struct qdisc *aqm_new(struct sim *s, const char *name, const char *const *kv)
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
	struct qdisc *q = qdisc_new(s, qdisc_find(name), &ps, "r->d", &err);
	if (!q)
		fail_msg("%s: %s", name, err.msg);
	return q;
}

static struct packet *mkpkt(struct sim *s, uint32_t flow, uint16_t len, uint8_t tos)
{
	struct packet *p = pkt_alloc(s);
	p->ip.proto = IPPROTO_UDP_;
	p->ip.tot_len = len;
	p->ip.tos = tos;
	p->flow_hash = flow;
	return p;
}

/* ---- CoDel ---- */

/* One step of a queue kept at `level` packets and served every step_ns:
 * top up to level, then dequeue one, whose sojourn (level - 1 steps once
 * the level is steady) goes to *sojourn if asked.  Returns the drops this step made. */
static uint64_t codel_tick(struct sim *s, struct qdisc *q, uint32_t level, simtime_t step_ns,
			   uint8_t tos, simtime_t *sojourn)
{
	s->now += step_ns;
	while (q->qlen > level)
		pkt_free(s, qdisc_dequeue(q, s->now));
	while (q->qlen < level)
		qdisc_enqueue(q, mkpkt(s, 1, 1500, tos), s->now);
	uint64_t d0 = q->st.dropped;
	struct packet *p = qdisc_dequeue(q, s->now);
	if (sojourn)
		*sojourn = p ? qdisc_sojourn(p, s->now) : 0;
	if (p)
		pkt_free(s, p);
	return q->st.dropped - d0;
}

static uint64_t codel_step(struct sim *s, struct qdisc *q, uint32_t level, uint8_t tos)
{
	return codel_tick(s, q, level, SIM_MS(1), tos, NULL);
}

static void test_codel_mtu_rule(void **state)
{
	(void)state;
	struct sim *s = sim_new(1);
	struct qdisc *q = aqm_new(s, "codel", NULL);
	/* two queued, served every 10 ms: a 20 ms sojourn, but after each
	 * dequeue only 1500 bytes <= mtu remain, so never a drop */
	simtime_t soj;
	for (int i = 0; i < 200; i++) {
		assert_int_equal(codel_tick(s, q, 2, SIM_MS(10), 0, &soj), 0);
		assert_true(i < 2 || soj >= SIM_MS(10));
	}
	/* three queued: 3000 bytes behind the head, and drops begin just over
	 * an interval after the sojourn first reached target (one 10 ms step) */
	simtime_t t_above = 0, t_drop = 0;
	for (int i = 0; i < 100 && !t_drop; i++) {
		uint64_t dropped = codel_tick(s, q, 3, SIM_MS(10), 0, &soj);
		if (dropped)
			t_drop = s->now;
		else if (soj >= SIM_MS(5) && !t_above)
			t_above = s->now;
	}
	print_message("CoDel over one MTU: first drop %.1f ms after the sojourn reached target\n",
		      (double)(t_drop - t_above) / 1e6);
	assert_true(t_above && t_drop);
	assert_true(t_drop - t_above > SIM_MS(100) && t_drop - t_above <= SIM_MS(110));
	qdisc_free(q);
	sim_free(s);
}

/* Drops of a CoDel queue held at level for n ms; their times into t[]. */
static int codel_run(struct sim *s, struct qdisc *q, uint32_t level, int n, simtime_t *t, int max)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		if (codel_step(s, q, level, 0) && k < max)
			t[k++] = s->now;
	return k;
}

static void test_codel_reentry(void **state)
{
	(void)state;
	struct sim *s = sim_new(2);
	struct qdisc *q = aqm_new(s, "codel", NULL);
	simtime_t t[64];
	/* a standing 20 ms queue for 1.5 s: one dropping cycle */
	int n1 = codel_run(s, q, 20, 1500, t, 64);
	assert_true(n1 > 5);
	assert_int_equal(q->st.dropped, (uint64_t)n1);
	/* 50 ms below target leaves dropping state ... */
	assert_int_equal(codel_run(s, q, 2, 50, t, 64), 0);
	/* ... and coming back soon resumes at count - lastcount = n1 - 1: the
	 * first drop an interval after the sojourn rose again, the second
	 * interval/sqrt(n1 - 1) later (within the 1 ms step) */
	int n2 = codel_run(s, q, 20, 300, t, 64);
	assert_true(n2 >= 2);
	double gap_ms = (double)(t[1] - t[0]) / 1e6;
	double want_ms = 100 / sqrt(n1 - 1);
	print_message("re-entry after %d drops: second drop %.1f ms after the first (control law %.2f ms)\n",
		      n1, gap_ms, want_ms);
	assert_true(gap_ms >= want_ms && gap_ms <= want_ms + 1);
	qdisc_free(q);

	/* after more than 16 intervals below target, count starts again at 1 */
	q = aqm_new(s, "codel", NULL);
	n1 = codel_run(s, q, 20, 1500, t, 64);
	codel_run(s, q, 2, 2000, t, 64);
	n2 = codel_run(s, q, 20, 400, t, 64);
	assert_true(n2 >= 2);
	gap_ms = (double)(t[1] - t[0]) / 1e6;
	print_message("re-entry after 2 s: second drop %.1f ms after the first (fresh start: 100 ms)\n", gap_ms);
	assert_true(gap_ms >= 100 && gap_ms <= 101);
	qdisc_free(q);
	sim_free(s);
}

static void test_codel_ecn(void **state)
{
	(void)state;
	struct sim *s = sim_new(3);
	static const char *const ce[] = { "ce_threshold=1ms", NULL };
	/* sojourn 2 ms: under target, over ce_threshold: ECT packets marked */
	struct qdisc *q = aqm_new(s, "codel", ce);
	for (int i = 0; i < 3; i++)
		codel_step(s, q, 3, ECN_ECT0);
	uint64_t m0 = q->st.marked;
	for (int i = 0; i < 100; i++)
		codel_step(s, q, 3, ECN_ECT0);
	assert_int_equal(q->st.marked - m0, 100);
	assert_int_equal(q->st.dropped, 0);
	qdisc_free(q);
	/* ... and not-ECT ones neither marked nor dropped */
	q = aqm_new(s, "codel", ce);
	for (int i = 0; i < 100; i++)
		codel_step(s, q, 3, ECN_NOT_ECT);
	assert_int_equal(q->st.marked, 0);
	assert_int_equal(q->st.dropped, 0);
	qdisc_free(q);

	/* ecn = true: the drop schedule marks ECT packets instead ... */
	static const char *const ecn[] = { "ecn=true", NULL };
	q = aqm_new(s, "codel", ecn);
	for (int i = 0; i < 1000; i++)
		codel_step(s, q, 20, ECN_ECT1);
	assert_true(q->st.marked > 5);
	assert_int_equal(q->st.dropped, 0);
	qdisc_free(q);
	/* ... and still drops the others */
	q = aqm_new(s, "codel", ecn);
	for (int i = 0; i < 1000; i++)
		codel_step(s, q, 20, ECN_NOT_ECT);
	assert_int_equal(q->st.marked, 0);
	assert_true(q->st.dropped > 5);
	qdisc_free(q);
	sim_free(s);
}

/* ---- FQ-CoDel ---- */

static void test_fq_codel_overflow(void **state)
{
	(void)state;
	struct sim *s = sim_new(4);
	static const char *const kv[] = { "limit=100", NULL };
	struct qdisc *q = aqm_new(s, "fq_codel", kv);
	for (int i = 0; i < 90; i++)
		assert_true(qdisc_enqueue(q, mkpkt(s, 111, 1500, 0), s->now));
	for (int i = 0; i < 10; i++)
		assert_true(qdisc_enqueue(q, mkpkt(s, 222, 1500, 0), s->now));
	assert_int_equal(q->st.dropped, 0);
	/* the 101st packet: the fat flow (90 * 1500 bytes) loses half its
	 * backlog from the head, 45 packets; flow 222 keeps its 11 */
	qdisc_enqueue(q, mkpkt(s, 222, 1500, 0), s->now);
	assert_int_equal(q->st.dropped, 45);
	assert_int_equal(q->qlen, 56);
	int from_222 = 0;
	struct packet *p;
	while ((p = qdisc_dequeue(q, s->now))) {
		from_222 += p->flow_hash == 222;
		pkt_free(s, p);
	}
	assert_int_equal(from_222, 11);
	qdisc_free(q);

	/* drop_batch caps the batch */
	static const char *const kv2[] = { "limit=100", "drop_batch=16", NULL };
	q = aqm_new(s, "fq_codel", kv2);
	for (int i = 0; i < 101; i++)
		qdisc_enqueue(q, mkpkt(s, 111, 1500, 0), s->now);
	assert_int_equal(q->st.dropped, 16);
	qdisc_free(q);
	sim_free(s);
}

static void test_fq_codel_drr(void **state)
{
	(void)state;
	struct sim *s = sim_new(5);
	struct qdisc *q = aqm_new(s, "fq_codel", NULL);
	for (int i = 0; i < 50; i++)
		qdisc_enqueue(q, mkpkt(s, 111, 1500, 0), s->now);
	for (int i = 0; i < 5; i++)
		pkt_free(s, qdisc_dequeue(q, s->now));
	/* a sparse flow's packet goes next */
	struct packet *sparse = mkpkt(s, 333, 84, 0);
	qdisc_enqueue(q, sparse, s->now);
	struct packet *p = qdisc_dequeue(q, s->now);
	assert_ptr_equal(p, sparse);
	pkt_free(s, p);
	while ((p = qdisc_dequeue(q, s->now)))
		pkt_free(s, p);

	/* byte fairness between 1500- and 500-byte packets */
	for (int i = 0; i < 400; i++) {
		qdisc_enqueue(q, mkpkt(s, 111, 1500, 0), s->now);
		for (int k = 0; k < 3; k++)
			qdisc_enqueue(q, mkpkt(s, 222, 500, 0), s->now);
	}
	uint64_t bytes[2] = { 0, 0 };
	for (int i = 0; i < 600; i++) {
		p = qdisc_dequeue(q, s->now);
		bytes[p->flow_hash == 222] += p->ip.tot_len;
		pkt_free(s, p);
	}
	print_message("DRR: %llu bytes of 1500-byte packets, %llu of 500-byte ones\n",
		      (unsigned long long)bytes[0], (unsigned long long)bytes[1]);
	assert_true(llabs((long long)bytes[0] - (long long)bytes[1]) <= 2 * 1514);
	qdisc_free(q); /* still holds packets: freed with it */
	sim_free(s);
}

/* ---- PIE ---- */

struct pie_drive {
	struct qdisc *q;
	int n_in, n_out;          /* arrivals and departures per step */
	uint8_t tos;
	simtime_t start, stop, step;
	simtime_t first_drop;
	uint64_t arrivals, drops, back_to_back, marks_late, drops_late, arrivals_late;
	bool last_dropped;
};

/* n_in arrivals, then n_out departures, every step. */
static void pie_tick(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct pie_drive *d = obj;
	bool late = s->now >= d->start + SIM_S(5);
	for (int i = 0; i < d->n_in; i++) {
		uint64_t d0 = d->q->st.dropped, m0 = d->q->st.marked;
		qdisc_enqueue(d->q, mkpkt(s, 1, 1500, d->tos), s->now);
		bool dropped = d->q->st.dropped != d0;
		d->arrivals++;
		d->drops += dropped;
		if (dropped && !d->first_drop)
			d->first_drop = s->now;
		if (late) {
			d->back_to_back += dropped && d->last_dropped;
			d->arrivals_late++;
			d->drops_late += dropped;
			d->marks_late += d->q->st.marked != m0;
		}
		d->last_dropped = dropped;
	}
	for (int i = 0; i < d->n_out; i++) {
		struct packet *p = qdisc_dequeue(d->q, s->now);
		if (p)
			pkt_free(s, p);
	}
	if (s->now + d->step < d->stop)
		sim_at(s, s->now + d->step, pie_tick, d, 0);
}

static void pie_drain(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct qdisc *q = obj;
	struct packet *p = qdisc_dequeue(q, s->now);
	if (p) {
		pkt_free(s, p);
		sim_at(s, s->now + SIM_US(1200), pie_drain, q, 0);
	}
}

static void test_pie_overload(void **state)
{
	(void)state;
	struct sim *s = sim_new(6);
	struct qdisc *q = aqm_new(s, "pie", NULL);
	/* start after the first update (500 ms), which finds the queue idle
	 * and lets the timer rest: the arrivals must wake it */
	struct pie_drive d = { .q = q, .n_in = 2, .n_out = 1, .start = SIM_MS(600), .stop = SIM_S(20),
			       .step = SIM_US(1200) };
	sim_at(s, d.start, pie_tick, &d, 0);
	sim_run(s, d.stop);
	print_message("PIE 2x: first early drop %.1f ms after the overload began; %llu of %llu arrivals "
		      "dropped after 5 s (%.2f %%), %llu of them straight after another\n",
		      (double)(d.first_drop - d.start) / 1e6, (unsigned long long)d.drops_late,
		      (unsigned long long)d.arrivals_late,
		      100.0 * (double)d.drops_late / (double)d.arrivals_late,
		      (unsigned long long)d.back_to_back);
	assert_true(d.first_drop >= d.start + SIM_MS(150));
	assert_true(fabs((double)d.drops_late / (double)d.arrivals_late - 0.5) <= 0.5 * 0.03);
	assert_true(q->st.max_pkts < 1000); /* never reached the limit */

	/* overload over: drain; p decays to 0 and the timer rests, so a run
	 * with nothing left to do ends */
	sim_at(s, s->now, pie_drain, q, 0);
	sim_run(s, SIM_NEVER);
	assert_int_equal(q->qlen, 0);
	assert_true(s->now < SIM_S(40));
	/* a new arrival wakes it, and with p back at 0 nothing is dropped */
	uint64_t drops = q->st.dropped;
	d.start = s->now + SIM_MS(1);
	d.stop = d.start + SIM_MS(100);
	d.first_drop = 0;
	sim_at(s, d.start, pie_tick, &d, 0);
	sim_run(s, d.stop);
	assert_int_equal(q->st.dropped, drops);
	qdisc_free(q); /* with its timer still armed */
	sim_run(s, d.stop + SIM_S(1));
	sim_free(s);
}

static void test_pie_derandomised(void **state)
{
	(void)state;
	struct sim *s = sim_new(8);
	struct qdisc *q = aqm_new(s, "pie", NULL);
	struct pie_drive d = { .q = q, .n_in = 5, .n_out = 4, .start = SIM_MS(600), .stop = SIM_S(30),
			       .step = SIM_US(4800) };
	sim_at(s, d.start, pie_tick, &d, 0);
	sim_run(s, d.stop);
	print_message("PIE 1.25x: %llu of %llu arrivals dropped after 5 s (%.2f %%), %llu of them "
		      "straight after another\n",
		      (unsigned long long)d.drops_late, (unsigned long long)d.arrivals_late,
		      100.0 * (double)d.drops_late / (double)d.arrivals_late,
		      (unsigned long long)d.back_to_back);
	assert_true(fabs((double)d.drops_late / (double)d.arrivals_late - 0.2) <= 0.2 * 0.03);
	assert_int_equal(d.back_to_back, 0);
	qdisc_free(q);
	sim_free(s);
}

static void test_pie_ecn(void **state)
{
	(void)state;
	struct sim *s = sim_new(7);
	static const char *const kv[] = { "ecn=true", NULL };
	struct qdisc *q = aqm_new(s, "pie", kv);
	struct pie_drive d = { .q = q, .n_in = 2, .n_out = 1, .tos = ECN_ECT0, .start = SIM_MS(600),
			       .stop = SIM_S(10), .step = SIM_US(1200) };
	sim_at(s, d.start, pie_tick, &d, 0);
	sim_run(s, d.stop);
	print_message("PIE ecn: %llu marks, %llu drops; after 5 s (p far above 10 %%) %llu marks, %llu drops\n",
		      (unsigned long long)q->st.marked, (unsigned long long)q->st.dropped,
		      (unsigned long long)d.marks_late, (unsigned long long)d.drops_late);
	assert_true(q->st.marked > 0);   /* while p <= 10 % */
	assert_true(d.drops_late > 0);   /* p > 10 %: ECT or not, dropped */
	assert_int_equal(d.marks_late, 0);
	qdisc_free(q);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codel_mtu_rule),
		cmocka_unit_test(test_codel_reentry),
		cmocka_unit_test(test_codel_ecn),
		cmocka_unit_test(test_fq_codel_overflow),
		cmocka_unit_test(test_fq_codel_drr),
		cmocka_unit_test(test_pie_overload),
		cmocka_unit_test(test_pie_derandomised),
		cmocka_unit_test(test_pie_ecn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
