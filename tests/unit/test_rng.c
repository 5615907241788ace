/* Unit tests of the named random streams (sim/rng.c): a name always gives
 * the same stream; a stream's numbers depend only on the run seed and its
 * name (not on which other streams exist or were created first); streams
 * of different names or seeds differ and are uncorrelated; and the
 * distributions have the means they should.  Statistical bounds are four
 * standard errors of the estimator (a fixed seed makes each check
 * deterministic; with a fresh seed a correct generator would fail one of
 * them with probability about 6e-5 per check). */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/rng.h"
#include "sim/sim.h"

enum { N = 100000 };

static void test_same_name_same_stream(void **state)
{
	(void)state;
	struct sim *s = sim_new(1);
	assert_non_null(s);
	struct rng *a = rng_stream(s, "link:r1-r2:loss:a>b");
	struct rng *b = rng_stream(s, "link:r1-r2:loss:b>a");
	struct rng *c = rng_stream(s, "app:cbr1:onoff");
	assert_ptr_equal(rng_stream(s, "link:r1-r2:loss:a>b"), a);
	assert_ptr_equal(rng_stream(s, "app:cbr1:onoff"), c);
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_string_equal(a->name, "link:r1-r2:loss:a>b");
	/* the stream keeps its state between look-ups: drawing one number,
	 * looking it up again and drawing another gives the same two numbers
	 * as two draws in a row in a twin simulation */
	struct sim *twin = sim_new(1);
	struct rng *t = rng_stream(twin, "link:r1-r2:loss:a>b");
	uint64_t t1 = rng_u32(t), t2 = rng_u32(t);
	assert_int_equal(rng_u32(a), t1);
	assert_int_equal(rng_u32(rng_stream(s, "link:r1-r2:loss:a>b")), t2);
	sim_free(twin);
	/* the recorded seed is the derivation's */
	assert_int_equal(a->seed, rng_derive_seed(1, "link:r1-r2:loss:a>b"));
	sim_free(s);
}

static void test_same_seed_same_numbers(void **state)
{
	(void)state;
	struct sim *s1 = sim_new(42), *s2 = sim_new(42);
	struct rng *a = rng_stream(s1, "x"), *b = rng_stream(s2, "x");
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(rng_u32(a), rng_u32(b));
		assert_true(rng_uniform(a) == rng_uniform(b));
		assert_true(rng_exponential(a, 3.0) == rng_exponential(b, 3.0));
	}
	sim_free(s1);
	sim_free(s2);
}

/* Counts equal positions in the first n u32 draws of two streams; two
 * independent uniform 32-bit sequences agree at a position with
 * probability 2^-32, so any agreement in 1000 draws means they are the
 * same (or shifted) sequence. */
static int agreements(struct rng *a, struct rng *b, int n)
{
	int same = 0;
	for (int i = 0; i < n; i++)
		same += rng_u32(a) == rng_u32(b);
	return same;
}

static void test_different_names_differ(void **state)
{
	(void)state;
	struct sim *s = sim_new(7);
	struct rng *a = rng_stream(s, "flow1"), *b = rng_stream(s, "flow2");
	struct rng *c = rng_stream(s, "2wolf"); /* same letters, other order */
	assert_int_equal(agreements(a, b, 1000), 0);
	assert_int_equal(agreements(b, c, 1000), 0);
	assert_true(rng_derive_seed(7, "flow1") != rng_derive_seed(7, "flow2"));
	sim_free(s);
}

static void test_different_seeds_differ(void **state)
{
	(void)state;
	static const uint64_t seeds[] = { 1, 2, 3, 0x100000000ull, 0xffffffffffffffffull };
	for (size_t i = 0; i < 5; i++)
		for (size_t j = i + 1; j < 5; j++) {
			struct sim *s1 = sim_new(seeds[i]), *s2 = sim_new(seeds[j]);
			assert_int_equal(agreements(rng_stream(s1, "x"), rng_stream(s2, "x"), 1000), 0);
			sim_free(s1);
			sim_free(s2);
		}
}

/* Another stream created before, between or after, and drawn from in
 * between, does not change this stream's numbers. */
static void test_creation_order_independent(void **state)
{
	(void)state;
	uint64_t ref[1000];
	struct sim *s = sim_new(5);
	struct rng *x = rng_stream(s, "link:a-b:loss:a>b");
	for (int i = 0; i < 1000; i++)
		ref[i] = rng_u32(x);
	sim_free(s);

	s = sim_new(5);
	struct rng *y = rng_stream(s, "app:cbr1:onoff");
	for (int i = 0; i < 77; i++)
		rng_u32(y);
	x = rng_stream(s, "link:a-b:loss:a>b");
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(rng_u32(x), ref[i]);
		rng_uniform(y);
		if (i == 500)
			rng_exponential(rng_stream(s, "late-comer"), 1.0);
	}
	sim_free(s);
}

/* Pearson correlation of paired uniform draws from two streams:
 * under independence r is about N(0, 1/sqrt(n)), 0.0032 for n = 1e5, so
 * |r| < 0.02 is a bound of over six standard errors. */
static void test_streams_uncorrelated(void **state)
{
	(void)state;
	struct sim *s = sim_new(3);
	struct rng *a = rng_stream(s, "a"), *b = rng_stream(s, "b");
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
	for (int i = 0; i < N; i++) {
		double x = rng_uniform(a), y = rng_uniform(b);
		sx += x;
		sy += y;
		sxx += x * x;
		syy += y * y;
		sxy += x * y;
	}
	double cov = sxy - sx * sy / N, vx = sxx - sx * sx / N, vy = syy - sy * sy / N;
	double r = cov / sqrt(vx * vy);
	if (!(fabs(r) < 0.02))
		fail_msg("Pearson r = %g between streams a and b", r);
	/* and a stream with itself shifted by one (lag-1 autocorrelation) */
	double prev = rng_uniform(a);
	sx = sy = sxx = syy = sxy = 0;
	for (int i = 0; i < N; i++) {
		double x = rng_uniform(a);
		sx += prev;
		sy += x;
		sxx += prev * prev;
		syy += x * x;
		sxy += prev * x;
		prev = x;
	}
	cov = sxy - sx * sy / N;
	r = cov / sqrt((sxx - sx * sx / N) * (syy - sy * sy / N));
	if (!(fabs(r) < 0.02))
		fail_msg("lag-1 autocorrelation r = %g", r);
	sim_free(s);
}

/* Uniform on [0, 1): mean 1/2, variance 1/12, so the standard error of
 * the mean of n draws is sqrt(1/12 / n) = 0.000913 for n = 1e5. */
static void test_uniform_mean(void **state)
{
	(void)state;
	struct sim *s = sim_new(11);
	struct rng *r = rng_stream(s, "u");
	double sum = 0, sumsq = 0;
	for (int i = 0; i < N; i++) {
		double u = rng_uniform(r);
		assert_true(u >= 0.0 && u < 1.0);
		sum += u;
		sumsq += u * u;
	}
	double mean = sum / N, se = sqrt(1.0 / 12.0 / N);
	if (!(fabs(mean - 0.5) < 4 * se))
		fail_msg("uniform mean %g, expected 0.5 +- %g", mean, 4 * se);
	/* the sample variance, 1/12 within 4 standard errors: the variance of
	 * the estimator is (mu4 - sigma^4)/n with mu4 = 1/80 for U(0,1) */
	double var = sumsq / N - mean * mean;
	double se_var = sqrt((1.0 / 80.0 - 1.0 / 144.0) / N);
	if (!(fabs(var - 1.0 / 12.0) < 4 * se_var))
		fail_msg("uniform variance %g, expected %g +- %g", var, 1.0 / 12.0, 4 * se_var);
	struct rng *p = rng_stream(s, "pos");
	for (int i = 0; i < N; i++) {
		double u = rng_uniform_pos(p);
		assert_true(u > 0.0 && u < 1.0);
	}
	sim_free(s);
}

/* Exponential with mean m: standard deviation m, so the standard error of
 * the mean of n draws is m / sqrt(n). */
static void test_exponential_mean(void **state)
{
	(void)state;
	struct sim *s = sim_new(13);
	static const double means[] = { 1.0, 0.04, 2.5e6 };
	for (size_t k = 0; k < 3; k++) {
		struct rng *r = rng_stream(s, k == 0 ? "e0" : k == 1 ? "e1" : "e2");
		double m = means[k], sum = 0;
		int below_mean = 0;
		for (int i = 0; i < N; i++) {
			double x = rng_exponential(r, m);
			assert_true(x >= 0);
			sum += x;
			below_mean += x < m;
		}
		double mean = sum / N, se = m / sqrt(N);
		if (!(fabs(mean - m) < 4 * se))
			fail_msg("exponential mean %g, expected %g +- %g", mean, m, 4 * se);
		/* P(X < m) = 1 - 1/e = 0.63212; binomial standard error */
		double p = 1 - exp(-1.0), frac = (double)below_mean / N;
		double se_p = sqrt(p * (1 - p) / N);
		if (!(fabs(frac - p) < 4 * se_p))
			fail_msg("exponential P(X < mean) = %g, expected %g +- %g", frac, p, 4 * se_p);
	}
	sim_free(s);
}

static void test_bernoulli_and_below(void **state)
{
	(void)state;
	struct sim *s = sim_new(17);
	struct rng *r = rng_stream(s, "b");
	int hits = 0;
	for (int i = 0; i < N; i++) {
		assert_false(rng_bernoulli(r, 0.0));
		assert_true(rng_bernoulli(r, 1.0));
		hits += rng_bernoulli(r, 0.3);
	}
	double se = sqrt(0.3 * 0.7 / N);
	if (!(fabs((double)hits / N - 0.3) < 4 * se))
		fail_msg("bernoulli(0.3) frequency %g", (double)hits / N);
	/* rng_below(6) is a fair die: every face, each near n/6 */
	int faces[6] = { 0 };
	for (int i = 0; i < 60000; i++) {
		uint64_t v = rng_below(r, 6);
		assert_true(v < 6);
		faces[v]++;
	}
	/* binomial(60000, 1/6): sd = sqrt(60000 * 1/6 * 5/6) = 91.3 */
	for (int f = 0; f < 6; f++)
		assert_in_range(faces[f], 10000 - 4 * 92, 10000 + 4 * 92);
	assert_int_equal(rng_below(r, 1), 0);
	sim_free(s);
}

/* rng.h promises rng_below(r, n) for n <= 2^32.  Run in a child so that an
 * abort (GSL's default error handler) fails this test only. */
static void test_below_full_range(void **state)
{
	(void)state;
	static const uint64_t ns[] = { 0xffffffffull, 0x100000000ull };
	for (size_t k = 0; k < 2; k++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			signal(SIGABRT, SIG_DFL);
			struct sim *s = sim_new(1);
			struct rng *r = rng_stream(s, "wide");
			int ok = 1;
			for (int i = 0; i < 1000; i++)
				ok &= rng_below(r, ns[k]) < ns[k];
			sim_free(s);
			_exit(ok ? 0 : 3);
		}
		int st;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st))
			fail_msg("rng_below(r, %#llx) killed the process (signal %d)",
				 (unsigned long long)ns[k], WTERMSIG(st));
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("rng_below(r, %#llx): value out of range or exit %d",
				 (unsigned long long)ns[k], WEXITSTATUS(st));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_name_same_stream),
		cmocka_unit_test(test_same_seed_same_numbers),
		cmocka_unit_test(test_different_names_differ),
		cmocka_unit_test(test_different_seeds_differ),
		cmocka_unit_test(test_creation_order_independent),
		cmocka_unit_test(test_streams_uncorrelated),
		cmocka_unit_test(test_uniform_mean),
		cmocka_unit_test(test_exponential_mean),
		cmocka_unit_test(test_bernoulli_and_below),
		cmocka_unit_test(test_below_full_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
