/* Unit tests of the speaker's RIB pieces and timing (models/bgp):
 * attribute interning (equal sets are one object, community order does not
 * matter, the last reference frees), the prefix table (growth, exact-match
 * lookups against a list), implicit withdrawal in a destination, prefix
 * parsing, policy terms (prefix ranges as FRR's ge/le, communities, AS path
 * matches, actions), and MRAI on a direct channel: RFC 4271 §9.2.1.1 with
 * the §10 jitter factor in [0.75, 1], withdrawals at once or paced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/bgp/bgp_chan.h"
#include "models/bgp/bgp_policy.h"
#include "models/bgp/bgp_rib.h"
#include "models/bgp/bgp_speaker.h"
#include "sim/sim.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void test_intern(void **st)
{
	(void)st;
	struct bgp_attr_table t;
	bgp_attr_table_init(&t);
	uint32_t as[] = { 65001, 65002 }, c1[] = { 3, 1, 2, 1 }, c2[] = { 2, 3, 1 };
	struct bgp_rattr x = { .as = as, .n_as = 2, .comm = c1, .ncomm = 4, .next_hop = 7 };
	struct bgp_rattr y = x;
	y.comm = c2;
	y.ncomm = 3;
	const struct bgp_rattr *a = bgp_rattr_intern(&t, &x), *b = bgp_rattr_intern(&t, &y);
	assert_ptr_equal(a, b); /* same set of communities, any order, duplicates dropped */
	assert_int_equal(a->ncomm, 3);
	assert_true(a->comm[0] == 1 && a->comm[1] == 2 && a->comm[2] == 3);
	assert_true(bgp_rattr_has_comm(a, 2) && !bgp_rattr_has_comm(a, 4));
	assert_int_equal(a->refcnt, 2);
	y.next_hop = 8;
	const struct bgp_rattr *c = bgp_rattr_intern(&t, &y);
	assert_ptr_not_equal(a, c);
	assert_int_equal(t.count, 2);
	/* many distinct sets: the table grows and finds each again */
	const struct bgp_rattr *many[2000];
	for (uint32_t i = 0; i < 2000; i++) {
		struct bgp_rattr z = { .as = as, .n_as = 2, .med = i, .has_med = true };
		many[i] = bgp_rattr_intern(&t, &z);
	}
	for (uint32_t i = 0; i < 2000; i++) {
		struct bgp_rattr z = { .as = as, .n_as = 2, .med = i, .has_med = true };
		const struct bgp_rattr *again = bgp_rattr_intern(&t, &z);
		assert_ptr_equal(again, many[i]);
		bgp_rattr_unref(&t, again);
		bgp_rattr_unref(&t, many[i]);
	}
	bgp_rattr_unref(&t, a);
	bgp_rattr_unref(&t, b);
	bgp_rattr_unref(&t, c);
	assert_int_equal(t.count, 0); /* the last reference frees */
	char buf[64];
	uint32_t sp[] = { 1, 2, 3, 4 };
	struct bgp_rattr s = { .as = sp, .n_as = 4, .n_set = 2 };
	assert_string_equal(bgp_aspath_fmt(buf, sizeof(buf), &s), "1 2 {3,4}");
	assert_int_equal(bgp_path_len(&s), 3);
	assert_int_equal(bgp_origin_as(&s), 2);
	assert_int_equal(bgp_neighbor_as(&s), 1);
	bgp_attr_table_free(&t);
}

static void test_prefix_parse(void **st)
{
	(void)st;
	struct bgp_prefix p;
	char buf[20];
	assert_int_equal(bgp_prefix_parse("203.0.113.0/24", &p), 0);
	assert_int_equal(p.addr, A(203, 0, 113, 0));
	assert_int_equal(p.len, 24);
	assert_string_equal(bgp_prefix_fmt(buf, p), "203.0.113.0/24");
	assert_int_equal(bgp_prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(bgp_prefix_parse("203.0.113.1/24", &p), -1); /* host bits */
	assert_int_equal(bgp_prefix_parse("203.0.113.0", &p), -1);
	assert_int_equal(bgp_prefix_parse("203.0.113.0/33", &p), -1);
	assert_int_equal(bgp_prefix_parse("x/8", &p), -1);
}

static void test_table(void **st)
{
	(void)st;
	struct bgp_table t;
	struct bgp_attr_table at;
	bgp_table_init(&t);
	bgp_attr_table_init(&at);
	enum { N = 5000 };
	for (uint32_t i = 0; i < N; i++) {
		struct bgp_prefix p = { A(10, 0, 0, 0) + (i << 8), 24 };
		struct bgp_dest *d = bgp_table_get(&t, p);
		assert_ptr_equal(bgp_table_get(&t, p), d);
	}
	assert_int_equal(t.count, N);
	for (uint32_t i = 0; i < N; i++) {
		struct bgp_prefix p = { A(10, 0, 0, 0) + (i << 8), 24 }, q = { p.addr, 23 };
		assert_non_null(bgp_table_find(&t, p));
		assert_null(bgp_table_find(&t, q)); /* exact match only */
	}
	/* implicit withdrawal: a new route from the same peer replaces the old */
	struct bgp_prefix p = { A(10, 0, 0, 0), 24 };
	struct bgp_dest *d = bgp_table_get(&t, p);
	struct bgp_peer *peer = (struct bgp_peer *)(uintptr_t)0x1000; /* only compared */
	uint32_t as1[] = { 1 }, as2[] = { 2, 1 };
	struct bgp_rattr r1 = { .as = as1, .n_as = 1 }, r2 = { .as = as2, .n_as = 2 };
	const struct bgp_rattr *a1 = bgp_rattr_intern(&at, &r1), *a2 = bgp_rattr_intern(&at, &r2);
	assert_true(bgp_dest_set(d, peer, a1, &at, 0));
	assert_false(bgp_dest_set(d, peer, a1, &at, 1)); /* the same route again: no change */
	assert_true(bgp_dest_set(d, peer, a2, &at, 2));
	assert_ptr_equal(bgp_dest_path(d, peer)->attr, a2);
	assert_null(d->paths->next);
	assert_int_equal(a1->refcnt, 1); /* the old route's reference was dropped */
	assert_true(bgp_dest_set(d, NULL, a1, &at, 3)); /* a local route beside it */
	assert_true(bgp_dest_set(d, peer, NULL, &at, 4));
	assert_false(bgp_dest_set(d, peer, NULL, &at, 5));
	assert_null(bgp_dest_path(d, peer));
	assert_non_null(bgp_dest_path(d, NULL));
	bgp_rattr_unref(&at, a1);
	bgp_rattr_unref(&at, a2);
	bgp_table_free(&t, &at);
	assert_int_equal(at.count, 0);
	bgp_attr_table_free(&at);
}

static void test_policy(void **st)
{
	(void)st;
	uint32_t as[] = { 65002, 65003, 65010 }, comm[] = { 65002u << 16 | 666 };
	struct bgp_rattr r = { .as = as, .n_as = 3, .comm = comm, .ncomm = 1 };
	struct bgp_prefix p24 = { A(10, 1, 2, 0), 24 }, p8 = { A(10, 0, 0, 0), 8 }, other = { A(11, 0, 0, 0), 8 };
	struct bgp_match m = { .what = BGP_M_PREFIX, .pfx = { A(10, 0, 0, 0), 8 }, .ge = 8, .le = 8 };
	assert_true(bgp_match(&m, p8, &r));  /* exact */
	assert_false(bgp_match(&m, p24, &r));
	m.le = 32;                           /* 10.0.0.0/8 le 32 */
	assert_true(bgp_match(&m, p24, &r));
	assert_false(bgp_match(&m, other, &r));
	m.ge = 16;
	m.le = 24; /* ge 16 le 24 */
	assert_true(bgp_match(&m, p24, &r));
	assert_false(bgp_match(&m, p8, &r));
	struct bgp_match o = { .what = BGP_M_ORIGIN_AS, .origin_as = 65010 };
	assert_true(bgp_match(&o, p8, &r));
	o.origin_as = 65002;
	assert_false(bgp_match(&o, p8, &r));
	struct bgp_match n = { .what = BGP_M_NEIGHBOR_AS | BGP_M_PATH_HAS | BGP_M_COMMUNITY | BGP_M_PATH_LEN_MAX,
			       .neighbor_as = 65002, .path_has = 65003, .community = comm[0], .path_len_max = 3 };
	assert_true(bgp_match(&n, p8, &r));
	n.path_len_max = 2;
	assert_false(bgp_match(&n, p8, &r));

	/* first match decides; actions apply; default when nothing matches */
	struct bgp_term terms[2] = {
		{ .m = { .what = BGP_M_COMMUNITY, .community = comm[0] }, .a = { .reject = true } },
		{ .m = { .what = BGP_M_PATH_HAS, .path_has = 65003 },
		  .a = { .set_local_pref = true, .local_pref = 50, .prepend = 2, .ncomm_add = 1, .comm_add = { 7 } } },
	};
	struct bgp_policy pol = { .terms = terms, .nterms = 2, .default_reject = true };
	struct bgp_route_edit *e = malloc(sizeof(*e));
	assert_int_equal(bgp_edit_init(e, &r), 0);
	assert_int_equal(bgp_policy_apply(&pol, p8, e, 65001), 0); /* community: rejected */
	struct bgp_rattr r2 = r;
	r2.ncomm = 0;
	assert_int_equal(bgp_edit_init(e, &r2), 0);
	assert_int_equal(bgp_policy_apply(&pol, p8, e, 65001), 1);
	assert_true(e->a.has_local_pref && e->a.local_pref == 50);
	assert_int_equal(e->a.n_as, 5);
	assert_true(e->as[0] == 65001 && e->as[1] == 65001 && e->as[2] == 65002);
	assert_true(e->a.ncomm == 1 && e->comm[0] == 7);
	uint32_t as3[] = { 65009 };
	struct bgp_rattr r3 = { .as = as3, .n_as = 1 };
	assert_int_equal(bgp_edit_init(e, &r3), 0);
	assert_int_equal(bgp_policy_apply(&pol, p8, e, 65001), 0); /* default reject */
	assert_int_equal(bgp_policy_apply(NULL, p8, e, 65001), 1);  /* no policy: accept */
	/* an edit past its limits fails (the route is rejected, never cut) */
	assert_int_equal(bgp_edit_prepend(e, 1, BGP_EDIT_AS_MAX), -1);
	free(e);
}

/* ---- MRAI over a direct channel ---- */

struct two {
	struct sim *s;
	struct bgp_speaker *a, *b;
	struct bgp_peer *pa, *pb;
};

static void two_make(struct two *t, simtime_t mrai, bool jitter, bool wrate)
{
	t->s = sim_new(7);
	struct bgp_speaker_cfg c;
	bgp_speaker_cfg_default(&c);
	c.mrai_ebgp = mrai;
	c.jitter = jitter;
	c.mrai_withdrawals = wrate;
	struct errbuf err;
	c.as = 1;
	t->a = bgp_speaker_new(t->s, &c, &err);
	c.as = 2;
	t->b = bgp_speaker_new(t->s, &c, &err);
	struct bgp_peer_cfg ca, cb;
	bgp_peer_cfg_default(&ca);
	bgp_peer_cfg_default(&cb);
	bgp_chan_connect(t->a, &ca, t->b, &cb, SIM_MS(1), &t->pa, &t->pb);
	t->pa->ops->start(t->pa);
	t->pb->ops->start(t->pb);
	sim_run(t->s, SIM_S(1));
	assert_true(t->pa->up && t->pb->up);
}

/* a announces p with MED m at time `at` (an origination's change) */
struct ann {
	struct two *t;
	uint32_t med;
	bool withdraw;
};

static void do_ann(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct ann *x = obj;
	struct bgp_prefix p = { A(192, 0, 2, 0), 24 };
	if (x->withdraw) {
		bgp_speaker_withdraw(x->t->a, p);
		return;
	}
	struct bgp_rattr r = { .has_med = true, .med = x->med };
	bgp_speaker_announce(x->t->a, p, &r);
}

/* b's MED for the prefix (UINT32_MAX: no route), read at chosen times */
static uint32_t med_at_b(struct two *t)
{
	struct bgp_prefix p = { A(192, 0, 2, 0), 24 };
	const struct bgp_path *b = bgp_speaker_best(t->b, p);
	return b ? (b->attr->has_med ? b->attr->med : 0) : UINT32_MAX;
}

static void test_mrai(void **st)
{
	(void)st;
	struct two t;
	two_make(&t, SIM_S(30), false, false);
	struct ann a1 = { &t, 1, false }, a2 = { &t, 2, false }, a3 = { &t, 3, false }, wd = { &t, 0, true };
	/* t=10 s: the first announcement goes at once (no timer runs) and
	 * starts MRAI; changes at 20 s and 25 s wait until 40 s and go as one
	 * (the latest); a withdrawal at 50 s goes at once. */
	sim_at(t.s, SIM_S(10), do_ann, &a1, 0);
	sim_at(t.s, SIM_S(20), do_ann, &a2, 0);
	sim_at(t.s, SIM_S(25), do_ann, &a3, 0);
	sim_at(t.s, SIM_S(50), do_ann, &wd, 0);
	sim_run(t.s, SIM_S(10) + SIM_MS(2));
	assert_int_equal(med_at_b(&t), 1);
	sim_run(t.s, SIM_S(40));
	assert_int_equal(med_at_b(&t), 1);
	sim_run(t.s, SIM_S(40) + SIM_MS(2));
	assert_int_equal(med_at_b(&t), 3); /* MED 2 was never sent */
	assert_int_equal(t.pa->st.updates_out, 2);
	sim_run(t.s, SIM_S(50) + SIM_MS(2));
	assert_int_equal(med_at_b(&t), UINT32_MAX); /* withdrawn at once */
	assert_int_equal(t.pa->st.updates_out, 3);
	sim_free(t.s);

	/* paced withdrawals: the one at 50 s waits for the timer armed at 40 s */
	two_make(&t, SIM_S(30), false, true);
	sim_at(t.s, SIM_S(10), do_ann, &a1, 0);
	sim_at(t.s, SIM_S(20), do_ann, &a2, 0);
	sim_at(t.s, SIM_S(50), do_ann, &wd, 0);
	sim_run(t.s, SIM_S(50) + SIM_MS(2));
	assert_int_equal(med_at_b(&t), 2);
	sim_run(t.s, SIM_S(70) + SIM_MS(2));
	assert_int_equal(med_at_b(&t), UINT32_MAX);
	sim_free(t.s);

	/* jitter: each interval is MRAI times a factor in [0.75, 1] */
	two_make(&t, SIM_S(30), true, false);
	struct ann seq[40];
	for (int i = 0; i < 40; i++) {
		seq[i] = (struct ann){ &t, (uint32_t)i + 10, false };
		sim_at(t.s, SIM_S(10) + (simtime_t)i * SIM_S(1), do_ann, &seq[i], 0); /* a change every second */
	}
	simtime_t last = -1, gmin = SIM_NEVER, gmax = 0;
	uint32_t prev = UINT32_MAX;
	for (simtime_t now = SIM_S(10); now < SIM_S(120); now += SIM_MS(1)) {
		sim_run(t.s, now);
		uint32_t m = med_at_b(&t);
		if (m != prev) {
			if (last >= 0) {
				simtime_t gap = now - last;
				gmin = gap < gmin ? gap : gmin;
				gmax = gap > gmax ? gap : gmax;
			}
			last = now;
			prev = m;
		}
	}
	assert_true(gmin >= SIM_MS(22500) - SIM_MS(2));
	assert_true(gmax <= SIM_S(30) + SIM_MS(2));
	assert_true(gmax - gmin > SIM_S(1)); /* not all the same */
	sim_free(t.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern), cmocka_unit_test(test_prefix_parse), cmocka_unit_test(test_table),
		cmocka_unit_test(test_policy), cmocka_unit_test(test_mrai),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
