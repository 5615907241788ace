/* Unit tests of the result store's read side (sim/results.c), the one JSON
 * writer (sim/json.c) and the statistics helpers (analysis/stats.c).  A
 * small file is written through db.h, then read back through results.h:
 * what goes in comes out, in the documented order, and derived tables
 * round-trip.  JSON cases are RFC 8259 §6 and §7; quantiles are worked by
 * hand with the definition stats.h cites (R type 7, Hyndman and Fan 1996:
 * h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])),
 * and the 95 % half-width uses t(0.975, 1) = 12.7062 and t(0.975, 2) =
 * 4.3027 (NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/stats.h"
#include "sim/db.h"
#include "sim/json.h"
#include "sim/results.h"
#include "sim/sim.h"

/* ---- JSON ---- */

static void test_json_quote(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "", "\"\"" },
		{ "cubic", "\"cubic\"" },
		{ "a\"b", "\"a\\\"b\"" },         /* RFC 8259 §7: quotation mark */
		{ "a\\b", "\"a\\\\b\"" },         /* reverse solidus */
		{ "l1\nl2\t", "\"l1\\u000al2\\u0009\"" }, /* control characters */
		{ "\x01", "\"\\u0001\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" }, /* UTF-8 passes as it is */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *q = json_quote(cases[i].in);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
}

static void test_json_number(void **state)
{
	(void)state;
	static const char *const yes[] = { "0", "-0", "1", "20", "-1.5", "0.001", "1e3", "1E+3", "2.5e-7" };
	static const char *const no[] = { "", "-", "020", "1.", ".5", "+1", "1e", "1e+", "nan", "inf",
					  "0x10", "1 ", " 1", "10Mbps", "1,2" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(json_is_number(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (json_is_number(no[i]))
			fail_msg("json_is_number(\"%s\") is true", no[i]);
}

/* ---- statistics ---- */

static void test_quantiles(void **state)
{
	(void)state;
	const double x[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
	assert_true(fabs(stats_quantile_sorted(x, 10, 0.50) - 55.0) < 1e-12);
	assert_true(fabs(stats_quantile_sorted(x, 10, 0.95) - 95.5) < 1e-12);
	assert_true(fabs(stats_quantile_sorted(x, 10, 0.99) - 99.1) < 1e-12);
	assert_true(fabs(stats_quantile_sorted(x, 10, 0.0) - 10.0) < 1e-12);
	assert_true(fabs(stats_quantile_sorted(x, 10, 1.0) - 100.0) < 1e-12);
	const double one[] = { 7 };
	assert_true(fabs(stats_quantile_sorted(one, 1, 0.99) - 7.0) < 1e-12);
}

static void test_mean_ci95(void **state)
{
	(void)state;
	double mean, ci;
	const double two[] = { 9, 11 };     /* s = sqrt(2), half-width 12.7062 * sqrt(2)/sqrt(2) */
	stats_mean_ci95(two, 2, &mean, &ci);
	assert_true(fabs(mean - 10.0) < 1e-12);
	assert_true(fabs(ci - 12.7062047) < 1e-6);
	const double three[] = { 1, 2, 3 }; /* s = 1: 4.3026527 / sqrt(3) */
	stats_mean_ci95(three, 3, &mean, &ci);
	assert_true(fabs(mean - 2.0) < 1e-12);
	assert_true(fabs(ci - 4.3026527 / sqrt(3.0)) < 1e-6);
	stats_mean_ci95(three, 1, &mean, &ci);
	assert_true(isnan(ci));
}

/* ---- the store ---- */

static char path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/wl_test_results_%d.db", (int)getpid());
	results_remove(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	results_remove(path);
	return 0;
}

struct seen {
	int n;
	char text[512];
};

static int on_run(void *arg, const struct results_run *r)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof(s->text) - len, "%s%lld:%s:%s:%s:%lld:%lld", s->n ? ";" : "",
		 (long long)r->run_id, r->scenario, r->status, r->error, (long long)r->seed,
		 (long long)r->sweep_id);
	s->n++;
	return 0;
}

static int on_param(void *arg, const char *name, const char *text, bool is_number, double num)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof(s->text) - len, "%s%s=%s%s", s->n ? " " : "", name, text,
		 is_number ? (num == 20 ? "#20" : "#") : "");
	s->n++;
	return 0;
}

static int on_key(void *arg, const char *metric, const char *entity, int64_t n)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);
	snprintf(s->text + len, sizeof(s->text) - len, "%s%s/%s/%lld", s->n ? " " : "", metric, entity, (long long)n);
	s->n++;
	return 0;
}

static int stop_at_first(void *arg, const struct results_event *e)
{
	struct seen *s = arg;
	snprintf(s->text, sizeof(s->text), "%lld %s %s %s", (long long)e->t_ns, e->entity, e->kind, e->detail);
	s->n++;
	return 7;
}

static void test_write_then_read(void **state)
{
	(void)state;
	struct errbuf err;
	struct db *db = db_open(path, &err);
	assert_non_null(db);
	int64_t r1 = db_run_begin(db, "a.lua", "{\"buf\":20,\"cc\":\"cubic\"}", 1, "test");
	int64_t r2 = db_run_begin(db, "b.lua", "not json", 2, "test");
	assert_int_equal(r1, 1);
	assert_int_equal(r2, 2);
	db_series(db, r1, "rtt", "f1", 3000, 30);
	db_series(db, r1, "rtt", "f1", 1000, 10);
	db_series(db, r1, "rtt", "f2", 2000, 20);
	db_series(db, r1, "cwnd", "f1", 1000, 14480);
	db_event(db, r1, 500, "r1", "route", "up");
	db_event(db, r1, 100, "r1", "route", "down");
	db_run_end(db, r1, "ok", NULL, 5000, 42, 0.5);
	db_run_end(db, r2, "error", "b.lua:3: boom", 0, 0, 0.1);
	struct results_sweep_row row = { .sweep_id = 1, .run_id = r1, .point = "{\"buf\":20}", .rep = 0,
					 .seed = 1, .status = "ok", .cmd = "wirelab run a.lua", .job = 1,
					 .spec = "wirelab sweep a.lua" };
	assert_int_equal(results_sweep_add(db, &row, &err), 0);
	assert_int_equal(db_close(db, &err), 0);

	db = db_open_read(path, &err);
	assert_non_null(db);
	struct seen s = { 0 };
	assert_int_equal(results_runs(db, 0, on_run, &s, &err), 0);
	assert_string_equal(s.text, "1:a.lua:ok::1:1;2:b.lua:error:b.lua:3: boom:2:0");
	assert_int_equal(results_run_exists(db, 2, &err), 1);
	assert_int_equal(results_run_exists(db, 99, &err), 0);
	assert_int_equal(results_last_run(db, &err), 2);
	/* parameters in the object's order; a run whose params are not JSON has none */
	s = (struct seen){ 0 };
	assert_int_equal(results_params(db, r1, on_param, &s, &err), 0);
	assert_string_equal(s.text, "buf=20#20 cc=cubic");
	s = (struct seen){ 0 };
	assert_int_equal(results_params(db, r2, on_param, &s, &err), 0);
	assert_int_equal(s.n, 0);
	/* series: keys with counts, values by time or by value, from a time on */
	s = (struct seen){ 0 };
	assert_int_equal(results_series_keys(db, r1, on_key, &s, &err), 0);
	assert_string_equal(s.text, "cwnd/f1/1 rtt/f1/2 rtt/f2/1");
	double *v = NULL;
	size_t cap = 0;
	assert_int_equal(results_series_values(db, r1, "rtt", NULL, 0, RESULTS_BY_TIME, &v, &cap, &err), 3);
	assert_true(v[0] == 10 && v[1] == 20 && v[2] == 30);
	assert_int_equal(results_series_values(db, r1, "rtt", "f1", 2000, RESULTS_BY_VALUE, &v, &cap, &err), 1);
	assert_true(v[0] == 30);
	free(v);
	assert_int_equal(results_has_series(db, r1, "cwnd", &err), 1);
	assert_int_equal(results_has_series(db, r2, "cwnd", &err), 0);
	/* events in time order; the walk stops where fn says, returning its value */
	s = (struct seen){ 0 };
	assert_int_equal(results_events(db, r1, "route", stop_at_first, &s, &err), 7);
	assert_string_equal(s.text, "100 r1 route down");
	assert_int_equal(s.n, 1);
	assert_int_equal(results_has_events(db, r1, "route", &err), 1);
	assert_int_equal(results_sweep_next_id(db, &err), 2);
	/* a read-only file refuses writes */
	assert_int_equal(results_run_stat_put(db, r1, "x", "", 1, &err), -1);
	assert_int_equal(db_close(db, &err), 0);

	/* derived tables round-trip, NaN ci95 as NULL */
	db = db_open(path, &err);
	assert_non_null(db);
	assert_int_equal(results_derived_begin(db, &err), 0);
	assert_int_equal(results_run_stat_put(db, r1, "goodput_bps", "", 9.5e6, &err), 0);
	assert_int_equal(results_summary_put(db, 1, "{\"buf\":20}", "goodput_bps", "", 1, 9.5e6, NAN, &err), 0);
	assert_int_equal(results_derived_end(db, true, &err), 0);
	double x = 0;
	assert_int_equal(results_run_stat(db, r1, "goodput_bps", "", &x, &err), 1);
	assert_true(x == 9.5e6);
	assert_int_equal(results_run_stat(db, r1, "nothing", "", &x, &err), 0);
	assert_int_equal(results_summary_max_keys(db, 1, "goodput_bps", &err), 1);
	assert_int_equal(results_run_mark(db, r1, "interrupted", "killed by signal 9 (SIGKILL)", &err), 0);
	assert_int_equal(db_close(db, &err), 0);
	db = db_open_read(path, &err);
	s = (struct seen){ 0 };
	results_runs(db, r1, on_run, &s, &err);
	assert_string_equal(s.text, "1:a.lua:interrupted:killed by signal 9 (SIGKILL):1:1");
	db_close(db, &err);
}

static void test_open_read_refuses(void **state)
{
	(void)state;
	struct errbuf err;
	assert_null(db_open_read("/nonexistent/x.db", &err));
	FILE *f = fopen(path, "w");
	fputs("not a database\n", f);
	fclose(f);
	assert_null(db_open_read(path, &err));
	assert_non_null(strstr(err.msg, "not a wirelab result file"));
	/* results_remove takes the side files too */
	char side[80];
	snprintf(side, sizeof(side), "%s-wal", path);
	f = fopen(side, "w");
	fclose(f);
	assert_int_equal(results_remove(path), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(side, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_quote),
		cmocka_unit_test(test_json_number),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_mean_ci95),
		cmocka_unit_test_setup_teardown(test_write_then_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_read_refuses, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
