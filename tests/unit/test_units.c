/* Unit tests of sim/units.c: parsing rates, sizes and durations written the
 * way scenarios write them, rejecting what is malformed or ambiguous, and
 * printing values back in their shortest exact form.  Expected values are
 * the SI definitions (k = 10^3, M = 10^6, G = 10^9; BIPM SI Brochure, 9th
 * ed., table 7) and the IEC binary prefixes (Ki = 2^10, Mi = 2^20;
 * IEC 80000-13), worked out by hand beside each case. */
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

#include "sim/units.h"

/* ---- rates ---- */

static void check_rate(const char *s, uint64_t want)
{
	uint64_t v = 0;
	if (units_parse_rate(s, &v) != 0)
		fail_msg("units_parse_rate(\"%s\") failed, expected %llu", s, (unsigned long long)want);
	if (v != want)
		fail_msg("units_parse_rate(\"%s\") = %llu, expected %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

static void test_rate_good(void **state)
{
	(void)state;
	check_rate("10Mbps", 10000000);           /* 10 * 10^6 */
	check_rate("1.5Gbps", 1500000000);        /* 1.5 * 10^9 */
	check_rate("100kbps", 100000);            /* 100 * 10^3 */
	check_rate("1bps", 1);
	check_rate("10 Mbps", 10000000);          /* one space allowed */
	check_rate("10mbps", 10000000);           /* rate units ignore case */
	check_rate("10MBPS", 10000000);
	check_rate("2.5gbps", 2500000000);
	check_rate("1Tbps", 1000000000000ull);    /* 10^12 */
	check_rate("64kbit", 64000);              /* tc's spelling */
	check_rate("0.5kbps", 500);
	check_rate("1.0000005Mbps", 1000001);     /* 1000000.5 rounds to nearest: up */
}

static void test_rate_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"10",          /* no unit: "10" must never mean 10 bit/s */
		"-5Mbps",      /* negative */
		"abc",
		"Mbps",        /* no number */
		"10Mbpsx",     /* trailing garbage */
		"",
		"1..5Mbps",
		"10KiB",       /* a size, not a rate */
		"40ms",        /* a duration, not a rate */
		"0bps",        /* a zero rate is rejected by units_parse_rate */
		"0Gbps",
		"10  Mbps",    /* two spaces */
		" 10Mbps",     /* leading space */
		"10Mbps ",     /* trailing space */
		"99999999999999999999Gbps", /* overflow */
		"10000000Tbps", /* 10^19 > INT64_MAX (9.22 * 10^18) */
		".Mbps",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 12345;
		if (units_parse_rate(bad[i], &v) == 0)
			fail_msg("units_parse_rate(\"%s\") accepted it as %llu", bad[i], (unsigned long long)v);
		assert_int_equal(v, 12345); /* nothing written on failure */
	}
	uint64_t v;
	assert_int_equal(units_parse_rate(NULL, &v), -1);
}

/* ---- sizes ---- */

static void check_size(const char *s, uint64_t want)
{
	uint64_t v = 0;
	if (units_parse_size(s, &v) != 0)
		fail_msg("units_parse_size(\"%s\") failed, expected %llu", s, (unsigned long long)want);
	if (v != want)
		fail_msg("units_parse_size(\"%s\") = %llu, expected %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

static void test_size_good(void **state)
{
	(void)state;
	check_size("64KiB", 65536);        /* 64 * 2^10 */
	check_size("1.5KB", 1500);         /* 1.5 * 10^3 */
	check_size("1500B", 1500);
	check_size("1500 B", 1500);
	check_size("1kB", 1000);
	check_size("1MiB", 1048576);       /* 2^20 */
	check_size("2MB", 2000000);
	check_size("1GiB", 1073741824);    /* 2^30 */
	check_size("1.5KiB", 1536);        /* 1.5 * 1024 */
	check_size("0B", 0);               /* an empty buffer is a size */
	check_size("10bytes", 10);
}

static void test_size_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"1500",        /* no unit */
		"-1B",
		"10Mbps",      /* a rate, not a size */
		"1s",
		"64kib",       /* binary units are case-sensitive: kib is not KiB */
		"1..5KB",
		"",
		"B",
		"99999999999999999999B",
		"10GiBx",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 12345;
		if (units_parse_size(bad[i], &v) == 0)
			fail_msg("units_parse_size(\"%s\") accepted it as %llu", bad[i], (unsigned long long)v);
		assert_int_equal(v, 12345);
	}
	uint64_t v;
	assert_int_equal(units_parse_size(NULL, &v), -1);
}

/* ---- durations ---- */

static void check_dur(const char *s, simtime_t want)
{
	simtime_t v = 0;
	if (units_parse_duration(s, &v) != 0)
		fail_msg("units_parse_duration(\"%s\") failed, expected %lld", s, (long long)want);
	if (v != want)
		fail_msg("units_parse_duration(\"%s\") = %lld, expected %lld", s, (long long)v,
			 (long long)want);
}

static void test_duration_good(void **state)
{
	(void)state;
	check_dur("40ms", 40000000);          /* 40 * 10^6 ns */
	check_dur("2s", 2000000000);
	check_dur("1.5us", 1500);
	check_dur("0.1ms", 100000);           /* exact: no binary floating point */
	check_dur("1min", 60000000000ll);      /* 60 s */
	check_dur("1h", 3600000000000ll);
	check_dur("250ns", 250);
	check_dur("0s", 0);
	check_dur("10 ms", 10000000);
	check_dur("0.3s", 300000000);         /* 0.3 has no exact binary form */
	check_dur("1.0000000005s", 1000000001); /* 1000000000.5 ns rounds up */
	check_dur("9000000000s", 9000000000000000000ll); /* < INT64_MAX */
}

static void test_duration_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"-5ms",
		"abc",
		"40",          /* no unit */
		"",
		"1..5s",
		"40msx",
		"10KiB",       /* a size, not a duration */
		"10Mbps",
		"99999999999999999999s", /* 20 digits */
		"10000000000s", /* 10^19 ns > INT64_MAX */
		"40 ms ",
		"40MS",        /* duration units are case-sensitive: MS is not ms */
		"1e3s",        /* no exponents */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		simtime_t v = 12345;
		if (units_parse_duration(bad[i], &v) == 0)
			fail_msg("units_parse_duration(\"%s\") accepted it as %lld", bad[i], (long long)v);
		assert_int_equal(v, 12345);
	}
	simtime_t v;
	assert_int_equal(units_parse_duration(NULL, &v), -1);
}

/* Runs fn(arg) in a child process with the default signal actions (cmocka
 * installs its own, which must not run in the child) and returns the
 * child's exit status, or 1000 + signal number if it was killed. */
static int in_child(int (*fn)(const void *arg), const void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const int sigs[] = { SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGABRT };
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		_exit(fn(arg));
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* 0: rejected, or accepted as 0 ns; 3: accepted as something else */
static int parse_tiny(const void *arg)
{
	simtime_t v = 77;
	int rc = units_parse_duration(arg, &v);
	return rc != 0 || v == 0 ? 0 : 3;
}

/* A decimal with very many fractional digits is still a well-formed
 * number: it may be rejected or rounded (10^-(zeros+1) s is 0 ns), but the
 * parser must not crash.  Each case runs in a child, so a crash fails this
 * test only. */
static void test_duration_long_fraction(void **state)
{
	(void)state;
	static const int zeros[] = { 30, 40, 126, 127, 128, 200 };
	for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++) {
		char buf[256] = "0.";
		memset(buf + 2, '0', (size_t)zeros[i]);
		strcpy(buf + 2 + zeros[i], "1s");
		int rc = in_child(parse_tiny, buf);
		if (rc == 3)
			fail_msg("units_parse_duration(\"0.<%d zeros>1s\") accepted a value other than 0",
				 zeros[i]);
		if (rc != 0)
			fail_msg("units_parse_duration(\"0.<%d zeros>1s\") crashed (%s %d)", zeros[i],
				 rc >= 1000 ? "signal" : "exit status", rc >= 1000 ? rc - 1000 : rc);
	}
}

/* ---- the generic entry point and kinds ---- */

static void test_parse_generic(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(units_parse(UNIT_RATE, "10Mbps", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(units_parse(UNIT_SIZE, "64KiB", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(units_parse(UNIT_DURATION, "40ms", &v), 0);
	assert_int_equal(v, 40000000);
	assert_int_equal(units_parse(UNIT_SIZE, "10Mbps", &v), -1);
	assert_int_equal(units_parse(UNIT_DURATION, NULL, &v), -1);
}

static void test_kind_of(void **state)
{
	(void)state;
	assert_int_equal(units_kind_of("10Mbps"), UNIT_RATE);
	assert_int_equal(units_kind_of("1.5gbps"), UNIT_RATE);
	assert_int_equal(units_kind_of("64KiB"), UNIT_SIZE);
	assert_int_equal(units_kind_of("1500B"), UNIT_SIZE);
	assert_int_equal(units_kind_of("40ms"), UNIT_DURATION);
	assert_int_equal(units_kind_of("2s"), UNIT_DURATION);
	assert_int_equal(units_kind_of("10"), -1);
	assert_int_equal(units_kind_of("abc"), -1);
	assert_int_equal(units_kind_of("10furlongs"), -1);
	assert_int_equal(units_kind_of(""), -1);
	assert_int_equal(units_kind_of(NULL), -1);
	assert_string_equal(units_kind_name(UNIT_RATE), "rate");
	assert_string_equal(units_kind_name(UNIT_SIZE), "size");
	assert_string_equal(units_kind_name(UNIT_DURATION), "duration");
}

/* ---- printing ---- */

static void test_fmt_rate(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(units_fmt_rate(b, sizeof(b), 10000000), "10Mbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 1500000000), "1.5Gbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 100000), "100kbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 999), "999bps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 1000), "1kbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 12345678), "12.345678Mbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 1000000001), "1.000000001Gbps");
	assert_string_equal(units_fmt_rate(b, sizeof(b), 2000000000000ull), "2Tbps");
}

static void test_fmt_duration(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(units_fmt_duration(b, sizeof(b), 40000000), "40ms");
	assert_string_equal(units_fmt_duration(b, sizeof(b), 1500), "1.5us");
	assert_string_equal(units_fmt_duration(b, sizeof(b), 2000000000), "2s");
	assert_string_equal(units_fmt_duration(b, sizeof(b), 999), "999ns");
	assert_string_equal(units_fmt_duration(b, sizeof(b), 0), "0ns");
	assert_string_equal(units_fmt_duration(b, sizeof(b), 1000001), "1.000001ms");
	assert_string_equal(units_fmt_duration(b, sizeof(b), -40000000), "-40ms");
	/* 90 s prints in seconds (no minutes unit when printing) */
	assert_string_equal(units_fmt_duration(b, sizeof(b), 90000000000ll), "90s");
	/* the ends of int64 (2^63 - 1 and -2^63 ns): printed, not recursed on */
	assert_string_equal(units_fmt_duration(b, sizeof(b), INT64_MAX), "9223372036.854775807s");
	assert_string_equal(units_fmt_duration(b, sizeof(b), INT64_MIN), "-9223372036.854775808s");
	assert_string_equal(units_fmt_duration(b, sizeof(b), -1), "-1ns");
}

/* Lua numbers to integer base units: half away from zero, and no value
 * outside int64 (whose conversion in C is undefined). */
static void test_round(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(units_round(2.5, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(units_round(-2.5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(units_round(-1.2, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(units_round(9007199254740992.0, &v), 0); /* 2^53 */
	assert_int_equal(v, 9007199254740992ll);
	assert_int_equal(units_round(-9223372036854775808.0, &v), -1); /* -2^63 itself: excluded */
	assert_int_equal(units_round(9223372036854775808.0, &v), -1);  /* 2^63 */
	assert_int_equal(units_round(9223372036854774784.0, &v), 0);   /* 2^63 - 1024 */
	assert_int_equal(v, 9223372036854774784ll);
	v = 7;
	assert_int_equal(units_round(0.0 / 0.0, &v), -1);
	assert_int_equal(units_round(1.0 / 0.0, &v), -1);
	assert_int_equal(units_round(-1.0 / 0.0, &v), -1);
	assert_int_equal(units_round(1e300, &v), -1);
	assert_int_equal(v, 7);
}

/* simtime_add reports overflow rather than wrapping; the saturating form
 * gives SIM_NEVER.  SIM_TIME_LIMIT + 3 * SIM_TIME_LIMIT - 1 still fits. */
static void test_time_add(void **state)
{
	(void)state;
	simtime_t t = 5;
	assert_int_equal(simtime_add(1, 2, &t), 0);
	assert_int_equal(t, 3);
	assert_int_equal(simtime_add(INT64_MAX, 1, &t), -1);
	assert_int_equal(t, 3);
	assert_int_equal(simtime_add(INT64_MIN, -1, &t), -1);
	assert_int_equal(simtime_add(SIM_TIME_LIMIT, 2 * SIM_TIME_LIMIT, &t), 0);
	assert_int_equal(simtime_add(t, SIM_TIME_LIMIT - 1, &t), 0);
	assert_int_equal(t, INT64_MAX);
	assert_int_equal(simtime_add_sat(INT64_MAX - 10, 11), SIM_NEVER);
	assert_int_equal(simtime_add_sat(10, 11), 21);
	assert_int_equal(SIM_TIME_LIMIT, 2305843009213693952ll); /* 2^61 */
}

static void test_fmt_size(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(units_fmt_size(b, sizeof(b), 65536), "64KiB");
	assert_string_equal(units_fmt_size(b, sizeof(b), 1500), "1500B");
	assert_string_equal(units_fmt_size(b, sizeof(b), 1024), "1KiB");
	assert_string_equal(units_fmt_size(b, sizeof(b), 1536), "1536B"); /* not exact in KiB */
	assert_string_equal(units_fmt_size(b, sizeof(b), 1048576), "1MiB");
	assert_string_equal(units_fmt_size(b, sizeof(b), 3221225472ull), "3GiB");
	assert_string_equal(units_fmt_size(b, sizeof(b), 0), "0B");
}

/* Whatever is printed parses back to the same value. */
static void test_round_trip(void **state)
{
	(void)state;
	static const uint64_t rates[] = { 1, 999, 1000, 1500, 56000, 1544000, 10000000, 12345678,
					  1500000000, 40000000000ull, 2000000000000ull };
	static const simtime_t durs[] = { 1, 999, 1000, 1500, 40000000, 123456789, 2000000000,
					  90000000000ll, INT64_MAX };
	static const uint64_t sizes[] = { 0, 1, 1500, 1024, 65536, 1048576, 1073741824, 9000 };
	char b[64];
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t v = 0;
		assert_int_equal(units_parse_rate(units_fmt_rate(b, sizeof(b), rates[i]), &v), 0);
		assert_int_equal(v, rates[i]);
	}
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		simtime_t v = 0;
		assert_int_equal(units_parse_duration(units_fmt_duration(b, sizeof(b), durs[i]), &v), 0);
		assert_int_equal(v, durs[i]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t v = 7;
		assert_int_equal(units_parse_size(units_fmt_size(b, sizeof(b), sizes[i]), &v), 0);
		assert_int_equal(v, sizes[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_good),
		cmocka_unit_test(test_rate_bad),
		cmocka_unit_test(test_size_good),
		cmocka_unit_test(test_size_bad),
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
		cmocka_unit_test(test_duration_long_fraction),
		cmocka_unit_test(test_parse_generic),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_fmt_rate),
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_time_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
