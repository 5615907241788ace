/* Unit tests of the BGP decision process (models/bgp/bgp_decision.c), one
 * per step of RFC 4271 §9.1.2.2 with crafted routes: each test builds two
 * or three candidates that are equal up to the step under test and differ
 * there (and, where it matters, differ in a later step the other way, so
 * the step is shown to come first).  Expected winners are the RFC's text
 * read by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "models/bgp/bgp_decision.h"

static uint32_t path_a[] = { 65001, 65010 };
static uint32_t path_b[] = { 65002, 65010 };
static uint32_t path_long[] = { 65003, 65020, 65010 };
static uint32_t path_a2[] = { 65001, 65011 };

static struct bgp_rattr attr(uint32_t *as, uint16_t n)
{
	return (struct bgp_rattr){ .as = as, .n_as = n, .origin = BGP_ORIGIN_IGP, .has_local_pref = true,
				   .local_pref = 100, .next_hop = 1 };
}

static struct bgp_cand cand(const struct bgp_rattr *a, uint32_t rid, uint32_t addr)
{
	return (struct bgp_cand){ .attr = a, .ebgp = true, .router_id = rid, .peer_addr = addr };
}

static const struct bgp_decision_cfg dflt = { 0 };

static void expect(const struct bgp_cand *c, int n, const struct bgp_decision_cfg *cfg, int want,
		   enum bgp_step step)
{
	enum bgp_step why;
	int got = bgp_decide(c, n, cfg, &why);
	assert_int_equal(got, want);
	assert_int_equal(why, step);
}

static void test_empty_and_single(void **st)
{
	(void)st;
	struct bgp_rattr a = attr(path_a, 2);
	struct bgp_cand c[1] = { cand(&a, 1, 1) };
	expect(c, 0, &dflt, -1, BGP_STEP_NONE);
	expect(c, 1, &dflt, 0, BGP_STEP_ONLY);
}

/* A route originated here beats a learned one whatever its LOCAL_PREF
 * (FRR's weight 32768 for local routes). */
static void test_local_first(void **st)
{
	(void)st;
	struct bgp_rattr l = attr(NULL, 0), r = attr(path_a, 2);
	r.local_pref = 1000;
	struct bgp_cand c[2] = { cand(&r, 1, 1), cand(&l, 9, 9) };
	c[1].local = true;
	expect(c, 2, &dflt, 1, BGP_STEP_LOCAL);
}

/* §9.1.1: the highest degree of preference (LOCAL_PREF) first, even over
 * a shorter AS path; a missing LOCAL_PREF counts as 100. */
static void test_local_pref(void **st)
{
	(void)st;
	struct bgp_rattr hi = attr(path_long, 3), lo = attr(path_a, 2), none = attr(path_b, 2);
	hi.local_pref = 200;
	lo.local_pref = 90;
	none.has_local_pref = false;
	struct bgp_cand c[3] = { cand(&lo, 1, 1), cand(&hi, 2, 2), cand(&none, 3, 3) };
	expect(c, 3, &dflt, 1, BGP_STEP_LOCAL_PREF);
	struct bgp_cand d[2] = { cand(&lo, 1, 1), cand(&none, 3, 3) };
	expect(d, 2, &dflt, 1, BGP_STEP_LOCAL_PREF); /* 100 > 90 */
}

/* (a) fewest ASes; an AS_SET counts one, whatever its size. */
static void test_a_as_path(void **st)
{
	(void)st;
	struct bgp_rattr shortp = attr(path_b, 2), longp = attr(path_long, 3);
	struct bgp_cand c[2] = { cand(&longp, 1, 1), cand(&shortp, 9, 9) };
	expect(c, 2, &dflt, 1, BGP_STEP_AS_PATH);
	/* 65003 {65020,65010,65030}: length 2, ties with path_b; then (b) ... */
	uint32_t set_path[] = { 65003, 65020, 65010, 65030 };
	struct bgp_rattr set = attr(set_path, 4);
	set.n_set = 3;
	assert_int_equal(bgp_path_len(&set), 2);
	set.origin = BGP_ORIGIN_INCOMPLETE;
	struct bgp_cand d[2] = { cand(&set, 1, 1), cand(&shortp, 9, 9) };
	expect(d, 2, &dflt, 1, BGP_STEP_ORIGIN);
}

/* (b) lowest ORIGIN: IGP < EGP < INCOMPLETE. */
static void test_b_origin(void **st)
{
	(void)st;
	struct bgp_rattr igp = attr(path_a, 2), egp = attr(path_b, 2), inc = attr(path_a2, 2);
	egp.origin = BGP_ORIGIN_EGP;
	inc.origin = BGP_ORIGIN_INCOMPLETE;
	struct bgp_cand c[3] = { cand(&inc, 1, 1), cand(&egp, 2, 2), cand(&igp, 3, 3) };
	expect(c, 3, &dflt, 2, BGP_STEP_ORIGIN);
	struct bgp_cand d[2] = { cand(&inc, 1, 1), cand(&egp, 2, 2) };
	expect(d, 2, &dflt, 1, BGP_STEP_ORIGIN);
}

/* (c) MED compared only among routes from the same neighbouring AS; a
 * missing MED is 0; always-compare compares across ASes. */
static void test_c_med(void **st)
{
	(void)st;
	struct bgp_rattr a1 = attr(path_a, 2), a2 = attr(path_a2, 2), b = attr(path_b, 2);
	a1.has_med = true;
	a1.med = 50;
	a2.has_med = true;
	a2.med = 10;
	b.has_med = true;
	b.med = 5;
	/* a1 and a2 both from AS 65001: a1 (MED 50) goes; a2 and b remain,
	 * b is not compared with a2 on MED; router id then picks a2 (id 2) */
	struct bgp_cand c[3] = { cand(&a1, 1, 1), cand(&a2, 2, 2), cand(&b, 3, 3) };
	expect(c, 3, &dflt, 1, BGP_STEP_ROUTER_ID);
	/* with two from the same AS only, MED decides though a1 has the lower id */
	struct bgp_cand d[2] = { cand(&a1, 1, 1), cand(&a2, 2, 2) };
	expect(d, 2, &dflt, 1, BGP_STEP_MED);
	/* always-compare-med: b's 5 beats everything */
	struct bgp_decision_cfg acm = { .always_compare_med = true };
	expect(c, 3, &acm, 2, BGP_STEP_MED);
	/* missing MED is 0 (best); as worst with med-missing-as-worst */
	struct bgp_rattr nomed = attr(path_a, 2);
	struct bgp_cand e[2] = { cand(&a2, 1, 1), cand(&nomed, 2, 2) };
	expect(e, 2, &dflt, 1, BGP_STEP_MED);
	struct bgp_decision_cfg worst = { .med_missing_as_worst = true };
	expect(e, 2, &worst, 0, BGP_STEP_MED);
}

/* (d) eBGP-learned over iBGP-learned. */
static void test_d_ebgp(void **st)
{
	(void)st;
	struct bgp_rattr a = attr(path_a, 2), b = attr(path_b, 2);
	struct bgp_cand c[2] = { cand(&a, 1, 1), cand(&b, 2, 2) };
	c[0].ebgp = false;
	c[0].igp_cost = 0;
	c[1].igp_cost = 100; /* worse IGP cost does not matter: (d) comes first */
	expect(c, 2, &dflt, 1, BGP_STEP_EBGP);
}

/* (e) lowest interior cost to the NEXT_HOP. */
static void test_e_igp(void **st)
{
	(void)st;
	struct bgp_rattr a = attr(path_a, 2), b = attr(path_b, 2);
	struct bgp_cand c[2] = { cand(&a, 1, 1), cand(&b, 2, 2) };
	c[0].ebgp = c[1].ebgp = false;
	c[0].igp_cost = 20;
	c[1].igp_cost = 10;
	expect(c, 2, &dflt, 1, BGP_STEP_IGP);
}

/* (f) lowest BGP Identifier; a reflected route counts its ORIGINATOR_ID
 * (RFC 4456 §9); then the shorter CLUSTER_LIST. */
static void test_f_router_id(void **st)
{
	(void)st;
	struct bgp_rattr a = attr(path_a, 2), b = attr(path_b, 2);
	struct bgp_cand c[2] = { cand(&a, 7, 1), cand(&b, 3, 2) };
	expect(c, 2, &dflt, 1, BGP_STEP_ROUTER_ID);
	b.originator_id = 9; /* reflected: 9 > 7 now */
	expect(c, 2, &dflt, 0, BGP_STEP_ROUTER_ID);
	uint32_t cl1[] = { 1 }, cl2[] = { 1, 2 };
	a.originator_id = 9;
	a.cluster = cl2;
	a.ncluster = 2;
	b.cluster = cl1;
	b.ncluster = 1;
	expect(c, 2, &dflt, 1, BGP_STEP_CLUSTER);
}

/* (g) lowest peer address. */
static void test_g_peer_addr(void **st)
{
	(void)st;
	struct bgp_rattr a = attr(path_a, 2), b = attr(path_b, 2);
	struct bgp_cand c[2] = { cand(&a, 5, 0x0a000002), cand(&b, 5, 0x0a000001) };
	expect(c, 2, &dflt, 1, BGP_STEP_PEER_ADDR);
}

/* Many candidates (past the small on-stack buffer) pick the same winner. */
static void test_many(void **st)
{
	(void)st;
	enum { N = 200 };
	static struct bgp_rattr a[N];
	static struct bgp_cand c[N];
	for (int i = 0; i < N; i++) {
		a[i] = attr(path_a, 2);
		a[i].local_pref = (uint32_t)(100 + (i * 37) % N);
		c[i] = cand(&a[i], (uint32_t)i + 1, (uint32_t)i + 1);
	}
	int want = 0;
	for (int i = 1; i < N; i++)
		if (a[i].local_pref > a[want].local_pref)
			want = i;
	expect(c, N, &dflt, want, BGP_STEP_LOCAL_PREF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_single), cmocka_unit_test(test_local_first),
		cmocka_unit_test(test_local_pref),       cmocka_unit_test(test_a_as_path),
		cmocka_unit_test(test_b_origin),         cmocka_unit_test(test_c_med),
		cmocka_unit_test(test_d_ebgp),           cmocka_unit_test(test_e_igp),
		cmocka_unit_test(test_f_router_id),      cmocka_unit_test(test_g_peer_addr),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
