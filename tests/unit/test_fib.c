/* Unit tests of the longest-prefix-match table (models/net/fib.c) and of
 * IPv4 address parsing and printing (sim/packet.c).  The table is checked
 * on hand-picked overlapping prefixes, then against a brute-force linear
 * LPM over thousands of random routes with removals interleaved, which
 * exercises the backward-shift deletion of the open-addressing table,
 * including probe chains that wrap around the end of a small table.
 * Routes point at dummy interfaces; only their addresses matter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/net/net.h"
#include "sim/packet.h"

static struct iface ifs[16];

/* Fixed-seed 64-bit LCG (Knuth's MMIX constants); high bits returned. */
static uint64_t lcg_state;
static void lcg_seed(uint64_t s) { lcg_state = s; }
static uint32_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(lcg_state >> 32);
}

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void expect_route(const struct fib *f, uint32_t addr, uint32_t prefix, int len,
			 const struct iface *out)
{
	const struct route *r = fib_lookup(f, addr);
	char a[16], p[16];
	ipv4_fmt(a, addr);
	ipv4_fmt(p, prefix);
	if (!r)
		fail_msg("lookup %s: no route, expected %s/%d", a, p, len);
	if (r->prefix != prefix || r->len != len || r->out != out) {
		char got[16];
		fail_msg("lookup %s: got %s/%u (if%td), expected %s/%d (if%td)", a, ipv4_fmt(got, r->prefix),
			 r->len, r->out - ifs, p, len, out - ifs);
	}
}

/* ---- hand-picked overlapping prefixes ---- */

static void add_nested(struct fib *f)
{
	fib_add(f, 0, 0, RT_STATIC, &ifs[0]);
	fib_add(f, A(10, 0, 0, 0), 8, RT_SPF, &ifs[1]);
	fib_add(f, A(10, 1, 0, 0), 16, RT_SPF, &ifs[2]);
	fib_add(f, A(10, 1, 2, 0), 24, RT_CONNECTED, &ifs[3]);
	fib_add(f, A(10, 1, 2, 3), 32, RT_STATIC, &ifs[4]);
}

static void test_lpm_nested(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	add_nested(&f);
	assert_int_equal(f.count, 5);
	expect_route(&f, A(10, 1, 2, 3), A(10, 1, 2, 3), 32, &ifs[4]);
	expect_route(&f, A(10, 1, 2, 4), A(10, 1, 2, 0), 24, &ifs[3]);
	expect_route(&f, A(10, 1, 2, 255), A(10, 1, 2, 0), 24, &ifs[3]);
	expect_route(&f, A(10, 1, 2, 0), A(10, 1, 2, 0), 24, &ifs[3]);
	expect_route(&f, A(10, 1, 3, 1), A(10, 1, 0, 0), 16, &ifs[2]);
	expect_route(&f, A(10, 1, 255, 255), A(10, 1, 0, 0), 16, &ifs[2]);
	expect_route(&f, A(10, 2, 0, 1), A(10, 0, 0, 0), 8, &ifs[1]);
	expect_route(&f, A(10, 0, 0, 0), A(10, 0, 0, 0), 8, &ifs[1]);
	expect_route(&f, A(10, 255, 255, 255), A(10, 0, 0, 0), 8, &ifs[1]);
	expect_route(&f, A(11, 0, 0, 1), 0, 0, &ifs[0]);
	expect_route(&f, A(9, 255, 255, 255), 0, 0, &ifs[0]);
	expect_route(&f, A(255, 255, 255, 255), 0, 0, &ifs[0]);
	expect_route(&f, 0, 0, 0, &ifs[0]);
	const struct route *r = fib_lookup(&f, A(10, 1, 2, 3));
	assert_int_equal(r->type, RT_STATIC);
	fib_free(&f);
}

static void test_lpm_no_default(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	assert_null(fib_lookup(&f, A(1, 2, 3, 4))); /* empty table */
	fib_add(&f, A(192, 168, 0, 0), 16, RT_SPF, &ifs[1]);
	assert_null(fib_lookup(&f, A(192, 169, 0, 0)));
	assert_null(fib_lookup(&f, A(10, 0, 0, 1)));
	expect_route(&f, A(192, 168, 77, 1), A(192, 168, 0, 0), 16, &ifs[1]);
	fib_free(&f);
}

static void test_remove_middle(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	add_nested(&f);
	/* unmasked bits in the prefix are ignored, as in fib_add */
	assert_true(fib_remove(&f, A(10, 1, 99, 99), 16));
	assert_int_equal(f.count, 4);
	assert_false(fib_remove(&f, A(10, 1, 0, 0), 16)); /* already gone */
	assert_false(fib_remove(&f, A(10, 1, 0, 0), 12)); /* never there */
	assert_null(fib_get(&f, A(10, 1, 0, 0), 16));
	expect_route(&f, A(10, 1, 3, 1), A(10, 0, 0, 0), 8, &ifs[1]);  /* falls back to /8 */
	expect_route(&f, A(10, 1, 2, 4), A(10, 1, 2, 0), 24, &ifs[3]); /* longer ones stay */
	expect_route(&f, A(10, 1, 2, 3), A(10, 1, 2, 3), 32, &ifs[4]);
	/* the last route of a length gone: that length is no longer probed */
	assert_true(fib_remove(&f, A(10, 1, 2, 3), 32));
	expect_route(&f, A(10, 1, 2, 3), A(10, 1, 2, 0), 24, &ifs[3]);
	assert_true(fib_remove(&f, 0, 0));
	assert_null(fib_lookup(&f, A(11, 0, 0, 1)));
	expect_route(&f, A(10, 7, 7, 7), A(10, 0, 0, 0), 8, &ifs[1]);
	fib_free(&f);
}

static void test_replace(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	add_nested(&f);
	fib_add(&f, A(10, 1, 77, 1), 16, RT_STATIC, &ifs[9]); /* same key once masked */
	assert_int_equal(f.count, 5);
	expect_route(&f, A(10, 1, 3, 1), A(10, 1, 0, 0), 16, &ifs[9]);
	const struct route *r = fib_get(&f, A(10, 1, 0, 0), 16);
	assert_non_null(r);
	assert_int_equal(r->type, RT_STATIC);
	assert_ptr_equal(r->out, &ifs[9]);
	/* a same prefix with another length is a different route */
	fib_add(&f, A(10, 1, 0, 0), 17, RT_SPF, &ifs[10]);
	assert_int_equal(f.count, 6);
	expect_route(&f, A(10, 1, 3, 1), A(10, 1, 0, 0), 17, &ifs[10]);
	expect_route(&f, A(10, 1, 128, 1), A(10, 1, 0, 0), 16, &ifs[9]);
	fib_free(&f);
}

struct walk_acc {
	int n;
	uint32_t prefix[16];
	int len[16];
};

static void walk_cb(const struct route *r, void *arg)
{
	struct walk_acc *w = arg;
	assert_true(w->n < 16);
	w->prefix[w->n] = r->prefix;
	w->len[w->n] = r->len;
	w->n++;
}

static void test_walk_order(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	add_nested(&f);
	fib_add(&f, A(9, 0, 0, 0), 8, RT_SPF, &ifs[5]);
	fib_add(&f, A(10, 1, 1, 0), 24, RT_SPF, &ifs[6]);
	struct walk_acc w = { 0 };
	fib_walk(&f, walk_cb, &w);
	/* longest first, then by prefix */
	static const uint32_t want_p[] = { A(10, 1, 2, 3), A(10, 1, 1, 0), A(10, 1, 2, 0), A(10, 1, 0, 0),
					   A(9, 0, 0, 0), A(10, 0, 0, 0), 0 };
	static const int want_l[] = { 32, 24, 24, 16, 8, 8, 0 };
	assert_int_equal(w.n, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(w.prefix[i], want_p[i]);
		assert_int_equal(w.len[i], want_l[i]);
	}
	fib_free(&f);
}

/* ---- random routes against brute force ---- */

struct ref_route {
	uint32_t prefix;
	int len;
	int out;
};

struct ref {
	struct ref_route *v;
	size_t n, cap;
};

static int ref_find(const struct ref *r, uint32_t prefix, int len)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].prefix == prefix && r->v[i].len == len)
			return (int)i;
	return -1;
}

/* Linear longest-prefix match: the definition, with nothing clever. */
static const struct ref_route *ref_lookup(const struct ref *r, uint32_t addr)
{
	const struct ref_route *best = NULL;
	for (size_t i = 0; i < r->n; i++) {
		uint32_t mask = r->v[i].len ? 0xffffffffu << (32 - r->v[i].len) : 0;
		if ((addr & mask) == r->v[i].prefix && (!best || r->v[i].len > best->len))
			best = &r->v[i];
	}
	return best;
}

/* Prefixes drawn from a small space (three first octets, 64 second ones)
 * so that routes overlap and lookups have several candidates.  A quarter
 * are /24 (a popular length makes long probe clusters), a quarter any
 * length 0..32, the rest 16..32, where the space is large enough for
 * thousands of distinct routes. */
static void random_prefix(uint32_t *prefix, int *len)
{
	static const uint32_t first[] = { 10, 172, 192 };
	uint32_t a = first[lcg() % 3] << 24 | (lcg() % 64) << 16 | (lcg() & 0xffff);
	uint32_t pick = lcg() % 4;
	int l = pick == 0 ? 24 : pick == 1 ? (int)(lcg() % 33) : 16 + (int)(lcg() % 17);
	*len = l;
	*prefix = a & (l ? 0xffffffffu << (32 - l) : 0);
}

/* Half the time an address inside a random existing route (so the longest
 * matches are exercised), else anywhere near the route space. */
static uint32_t random_addr(const struct ref *ref)
{
	if (ref->n && lcg() % 2) {
		const struct ref_route *r = &ref->v[lcg() % ref->n];
		uint32_t mask = r->len ? 0xffffffffu << (32 - r->len) : 0;
		return r->prefix | (lcg() & ~mask);
	}
	static const uint32_t first[] = { 10, 172, 192, 11 };
	return first[lcg() % 4] << 24 | (lcg() % 65) << 16 | (lcg() & 0xffff);
}

static void check_all(const struct fib *f, const struct ref *ref, int nlookups)
{
	assert_int_equal(f->count, ref->n);
	for (size_t i = 0; i < ref->n; i++) {
		const struct route *r = fib_get(f, ref->v[i].prefix, ref->v[i].len);
		if (!r) {
			char p[16];
			fail_msg("route %s/%d lost", ipv4_fmt(p, ref->v[i].prefix), ref->v[i].len);
		}
		assert_ptr_equal(r->out, &ifs[ref->v[i].out]);
	}
	for (int k = 0; k < nlookups; k++) {
		uint32_t addr = random_addr(ref);
		const struct ref_route *want = ref_lookup(ref, addr);
		const struct route *got = fib_lookup(f, addr);
		if (!want) {
			assert_null(got);
			continue;
		}
		expect_route(f, addr, want->prefix, want->len, &ifs[want->out]);
	}
}

/* One random operation: remove an existing route with probability
 * remove_pct %, else add a random one (replacing it if it exists, or, half
 * the time, removing it and checking a second removal finds nothing). */
static void random_op(struct fib *f, struct ref *ref, uint32_t remove_pct)
{
	uint32_t roll = lcg() % 100;
	if (ref->n && roll < remove_pct) {
		size_t i = lcg() % ref->n;
		assert_true(fib_remove(f, ref->v[i].prefix, ref->v[i].len));
		assert_null(fib_get(f, ref->v[i].prefix, ref->v[i].len));
		ref->v[i] = ref->v[--ref->n];
		return;
	}
	uint32_t p;
	int l, out = (int)(lcg() % 16);
	random_prefix(&p, &l);
	int i = ref_find(ref, p, l);
	if (i >= 0 && roll % 2) {
		assert_true(fib_remove(f, p, l));
		ref->v[i] = ref->v[--ref->n];
		assert_false(fib_remove(f, p, l));
		return;
	}
	fib_add(f, p, l, RT_SPF, &ifs[out]);
	if (i >= 0) {
		ref->v[i].out = out; /* replaced */
	} else {
		assert_true(ref->n < ref->cap);
		ref->v[ref->n++] = (struct ref_route){ p, l, out };
	}
}

static void test_random_vs_bruteforce(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	struct ref ref = { .cap = 16384 };
	ref.v = malloc(ref.cap * sizeof(*ref.v));
	assert_non_null(ref.v);
	lcg_seed(12345);
	/* (a failed assertion leaks ref.v and the table; LeakSanitizer then
	 * reports them too, after the failure itself) */
	/* grow: three adds to one removal */
	for (int op = 0; op < 12000; op++) {
		random_op(&f, &ref, 25);
		if (op % 1000 == 0)
			check_all(&f, &ref, 100);
	}
	assert_true(ref.n > 4000);
	check_all(&f, &ref, 2000);
	/* churn at a steady size */
	for (int op = 0; op < 10000; op++) {
		random_op(&f, &ref, 50);
		if (op % 1000 == 0)
			check_all(&f, &ref, 100);
	}
	check_all(&f, &ref, 2000);
	/* remove the rest in a random order, checking as it empties */
	while (ref.n) {
		size_t i = lcg() % ref.n;
		assert_true(fib_remove(&f, ref.v[i].prefix, ref.v[i].len));
		ref.v[i] = ref.v[--ref.n];
		if (ref.n % 499 == 0)
			check_all(&f, &ref, 100);
	}
	assert_int_equal(f.count, 0);
	assert_int_equal(f.lens, 0);
	assert_null(fib_lookup(&f, A(10, 0, 0, 1)));
	free(ref.v);
	fib_free(&f);
}

/* The memo of recent lookups (fib.c) must never answer from a table that
 * has since changed.  A fixed set of 48 addresses is looked up after every
 * single change, so nearly every lookup finds its memo filled, sometimes
 * by the same table and sometimes by an older one; each answer must be the
 * brute-force longest match of the table as it is.  Growth (rehashes),
 * replacements (same key, new interface) and removals are all mixed in. */
static void test_memo_follows_changes(void **state)
{
	(void)state;
	struct fib f;
	fib_init(&f);
	struct ref ref = { .cap = 4096 };
	ref.v = malloc(ref.cap * sizeof(*ref.v));
	assert_non_null(ref.v);
	lcg_seed(777);
	uint32_t addrs[48];
	for (int op = 0; op < 3000; op++) {
		if (op % 500 == 0) /* a new set now and then, inside current routes */
			for (size_t k = 0; k < 48; k++)
				addrs[k] = random_addr(&ref);
		random_op(&f, &ref, op < 1500 ? 25 : 60);
		for (size_t k = 0; k < 48; k++) {
			for (int rep = 0; rep < 2; rep++) { /* the second is a memo hit */
				const struct ref_route *want = ref_lookup(&ref, addrs[k]);
				if (!want)
					assert_null(fib_lookup(&f, addrs[k]));
				else
					expect_route(&f, addrs[k], want->prefix, want->len, &ifs[want->out]);
			}
		}
	}
	free(ref.v);
	fib_free(&f);
}

/* Small tables (16 slots at up to 7 routes) make probe chains wrap around
 * slot 0 often; delete in random order and check every survivor after each
 * deletion.  Many rounds with fresh keys. */
static void test_small_table_deletions(void **state)
{
	(void)state;
	lcg_seed(777);
	for (int round = 0; round < 3000; round++) {
		struct fib f;
		fib_init(&f);
		struct ref ref = { .cap = 8 };
		struct ref_route v[8];
		ref.v = v;
		while (ref.n < 7) {
			uint32_t p = lcg() & 0xffffff00u;
			int l = 24 + (int)(lcg() % 9);
			p &= 0xffffffffu << (32 - l);
			if (ref_find(&ref, p, l) >= 0)
				continue;
			int out = (int)(lcg() % 16);
			fib_add(&f, p, l, RT_SPF, &ifs[out]);
			ref.v[ref.n++] = (struct ref_route){ p, l, out };
		}
		assert_int_equal(f.cap, 16);
		while (ref.n) {
			size_t i = lcg() % ref.n;
			assert_true(fib_remove(&f, ref.v[i].prefix, ref.v[i].len));
			ref.v[i] = ref.v[--ref.n];
			check_all(&f, &ref, 0);
		}
		fib_free(&f);
	}
}

/* ---- addresses ---- */

static void test_ipv4_parse_good(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		uint32_t addr;
		int plen;
	} good[] = {
		{ "10.0.0.1", 0x0a000001, 32 },
		{ "192.168.1.0/24", 0xc0a80100, 24 },
		{ "0.0.0.0/0", 0, 0 },
		{ "255.255.255.255", 0xffffffff, 32 },
		{ "255.255.255.255/32", 0xffffffff, 32 },
		{ "172.16.5.4/12", 0xac100504, 12 }, /* host bits are kept: masking is the caller's */
		{ "1.2.3.4", 0x01020304, 32 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint32_t a = 0;
		int pl = -1;
		if (ipv4_parse(good[i].s, &a, &pl) != 0)
			fail_msg("ipv4_parse(\"%s\") failed", good[i].s);
		assert_int_equal(a, good[i].addr);
		assert_int_equal(pl, good[i].plen);
	}
	uint32_t a = 0;
	assert_int_equal(ipv4_parse("8.8.4.4", &a, NULL), 0); /* plen optional */
	assert_int_equal(a, 0x08080404);
}

static void test_ipv4_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1234.1.1.1", "a.b.c.d",
		"1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/24x", "1.2.3.4/ 24", "1.2.3.4x",
		"1.2.3.4 ", "1..2.3", "1.2.3.4//24", "-1.2.3.4",
		/* RFC 790 dotted decimal has digits only: no signs, no blanks inside */
		" 1.2.3.4", "+1.2.3.4", "1. 2.3.4", "1.2.+3.4", "-0.1.2.3",
	};
	int accepted = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t a = 0;
		int pl = -1;
		if (ipv4_parse(bad[i], &a, &pl) == 0) {
			char b[16];
			print_error("ipv4_parse(\"%s\") accepted it as %s/%d\n", bad[i], ipv4_fmt(b, a), pl);
			accepted++;
		}
	}
	if (accepted)
		fail_msg("%d malformed addresses accepted", accepted);
}

static void test_ipv4_fmt(void **state)
{
	(void)state;
	char b[16];
	assert_string_equal(ipv4_fmt(b, 0), "0.0.0.0");
	assert_string_equal(ipv4_fmt(b, 0xffffffff), "255.255.255.255");
	assert_string_equal(ipv4_fmt(b, 0x0a010203), "10.1.2.3");
	assert_string_equal(ipv4_fmt(b, 0xc0a80001), "192.168.0.1");
	assert_string_equal(ipv4_fmt(b, 0x7f000001), "127.0.0.1");
	/* round trip over random addresses */
	lcg_seed(5);
	for (int i = 0; i < 10000; i++) {
		uint32_t x = lcg(), y = 0;
		int pl;
		assert_int_equal(ipv4_parse(ipv4_fmt(b, x), &y, &pl), 0);
		assert_int_equal(y, x);
		assert_int_equal(pl, 32);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpm_nested),
		cmocka_unit_test(test_lpm_no_default),
		cmocka_unit_test(test_remove_middle),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_walk_order),
		cmocka_unit_test(test_random_vs_bruteforce),
		cmocka_unit_test(test_small_table_deletions),
		cmocka_unit_test(test_memo_follows_changes),
		cmocka_unit_test(test_ipv4_parse_good),
		cmocka_unit_test(test_ipv4_parse_bad),
		cmocka_unit_test(test_ipv4_fmt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
