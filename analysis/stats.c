/* Statistics across runs and replications: the run_stats and summary
 * tables, with GSL for the percentiles, the standard deviation and
 * Student's t.  See stats.h for what each metric means. */
#include "analysis/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/sim.h"
#include "sim/units.h"
#include "sim/util.h"

void stats_mean_ci95(const double *x, size_t n, double *mean, double *ci95)
{
	*mean = gsl_stats_mean(x, 1, n);
	*ci95 = NAN;
	if (n < 2)
		return;
	/* two-sided 95 %: the 0.975 quantile of t with n-1 degrees of freedom */
	double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
	*ci95 = t * gsl_stats_sd_m(x, 1, n, *mean) / sqrt((double)n);
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

/* ---- per run ---- */

struct run_ref {
	int64_t run_id;
	int64_t warmup_ns;
};

/* Prepares sql or records why not. */
static sqlite3_stmt *prep(sqlite3 *h, const char *sql, struct errbuf *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		err_set(err, "statistics: %s", sqlite3_errmsg(h));
		return NULL;
	}
	return st;
}

static int put_stat(sqlite3_stmt *ins, int64_t run, const char *metric, const char *key, double v)
{
	sqlite3_bind_int64(ins, 1, run);
	sqlite3_bind_text(ins, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(ins, 4, v);
	int rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The run's warm-up from its parameter JSON: a duration string, or a
 * number of seconds.  0 when absent or unreadable (with a note). */
static int64_t warmup_of(int64_t run, int type, sqlite3_stmt *st, int col)
{
	if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
		return (int64_t)llround(sqlite3_column_double(st, col) * 1e9);
	if (type != SQLITE_TEXT)
		return 0;
	const char *s = (const char *)sqlite3_column_text(st, col);
	simtime_t ns;
	if (units_parse_duration(s, &ns) == 0 && ns >= 0)
		return ns;
	fprintf(stderr, "wirelab: note: run %lld: warmup '%s' is not a duration; counting every sample\n",
		(long long)run, s);
	return 0;
}

/* Appends every value the statement yields (column 0) to *v. */
static size_t collect(sqlite3_stmt *st, double **v, size_t *cap)
{
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		xgrow((void **)v, cap, n + 1, sizeof(**v));
		(*v)[n++] = sqlite3_column_double(st, 0);
	}
	sqlite3_reset(st);
	return n;
}

struct run_stmts {
	sqlite3_stmt *flows, *ping, *bottleneck, *sojourn, *ins;
	double *v;
	size_t cap;
};

static int stats_one_run(struct run_stmts *q, const struct run_ref *r)
{
	int rc = 0;
	/* goodput: per congestion control, then the total and the shares */
	struct { char cc[64]; double bps; } per[32];
	size_t ncc = 0;
	double total = 0;
	sqlite3_bind_int64(q->flows, 1, r->run_id);
	while (sqlite3_step(q->flows) == SQLITE_ROW && ncc < ARRAY_LEN(per)) {
		snprintf(per[ncc].cc, sizeof(per[ncc].cc), "%s", (const char *)sqlite3_column_text(q->flows, 0));
		per[ncc].bps = sqlite3_column_double(q->flows, 1);
		total += per[ncc++].bps;
	}
	sqlite3_reset(q->flows);
	if (ncc > 0) {
		rc |= put_stat(q->ins, r->run_id, "goodput_bps", "", total);
		for (size_t i = 0; i < ncc; i++) {
			rc |= put_stat(q->ins, r->run_id, "goodput_cc_bps", per[i].cc, per[i].bps);
			if (total > 0)
				rc |= put_stat(q->ins, r->run_id, "goodput_share", per[i].cc, per[i].bps / total);
		}
	}

	/* ping RTT percentiles, samples sorted by SQLite */
	sqlite3_bind_int64(q->ping, 1, r->run_id);
	sqlite3_bind_int64(q->ping, 2, r->warmup_ns);
	size_t n = collect(q->ping, &q->v, &q->cap);
	if (n > 0) {
		rc |= put_stat(q->ins, r->run_id, "ping_rtt_p50_ns", "", stats_quantile_sorted(q->v, n, 0.5));
		rc |= put_stat(q->ins, r->run_id, "ping_rtt_p95_ns", "", stats_quantile_sorted(q->v, n, 0.95));
	}

	/* the bottleneck: the queue with the most sojourn samples */
	char queue[256] = "";
	sqlite3_bind_int64(q->bottleneck, 1, r->run_id);
	if (sqlite3_step(q->bottleneck) == SQLITE_ROW && sqlite3_column_type(q->bottleneck, 0) == SQLITE_TEXT)
		snprintf(queue, sizeof(queue), "%s", (const char *)sqlite3_column_text(q->bottleneck, 0));
	sqlite3_reset(q->bottleneck);
	if (queue[0]) {
		sqlite3_bind_int64(q->sojourn, 1, r->run_id);
		sqlite3_bind_text(q->sojourn, 2, queue, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q->sojourn, 3, r->warmup_ns);
		n = collect(q->sojourn, &q->v, &q->cap);
		if (n > 0)
			rc |= put_stat(q->ins, r->run_id, "sojourn_mean_ns", queue, gsl_stats_mean(q->v, 1, n));
	}
	return rc;
}

static int stats_runs(sqlite3 *h, struct errbuf *err)
{
	struct run_ref *runs = NULL;
	size_t nruns = 0, cap = 0;
	int rc = -1;
	struct run_stmts q = { 0 };
	sqlite3_stmt *list = prep(h,
		"SELECT run_id, CASE WHEN json_valid(params) THEN json_type(params, '$.warmup') END,"
		"       CASE WHEN json_valid(params) THEN json_extract(params, '$.warmup') END"
		" FROM runs WHERE status = 'ok' ORDER BY run_id", err);
	if (!list)
		return -1;
	while (sqlite3_step(list) == SQLITE_ROW) {
		xgrow((void **)&runs, &cap, nruns + 1, sizeof(*runs));
		int64_t id = sqlite3_column_int64(list, 0);
		runs[nruns++] = (struct run_ref){ id, warmup_of(id, sqlite3_column_type(list, 2), list, 2) };
	}
	sqlite3_finalize(list);

	q.flows = prep(h, "SELECT coalesce(cc, 'unknown'), sum(goodput_bps) FROM flows"
			  " WHERE run_id = ?1 AND proto = 'tcp' GROUP BY 1 ORDER BY 1", err);
	q.ping = prep(h, "SELECT value FROM series WHERE run_id = ?1 AND metric = 'ping_rtt_ns'"
			 " AND t_ns >= ?2 ORDER BY value", err);
	q.bottleneck = prep(h, "SELECT entity FROM series WHERE run_id = ?1 AND metric = 'sojourn_ns'"
			       " GROUP BY entity ORDER BY count(*) DESC, entity LIMIT 1", err);
	q.sojourn = prep(h, "SELECT value FROM series WHERE run_id = ?1 AND metric = 'sojourn_ns'"
			    " AND entity = ?2 AND t_ns >= ?3 ORDER BY t_ns", err);
	q.ins = prep(h, "INSERT INTO run_stats (run_id, metric, key, value) VALUES (?,?,?,?)", err);
	if (!q.flows || !q.ping || !q.bottleneck || !q.sojourn || !q.ins)
		goto out;
	for (size_t i = 0; i < nruns; i++)
		if (stats_one_run(&q, &runs[i]) < 0) {
			err_set(err, "statistics of run %lld: %s", (long long)runs[i].run_id, sqlite3_errmsg(h));
			goto out;
		}
	rc = 0;
out:
	sqlite3_finalize(q.flows);
	sqlite3_finalize(q.ping);
	sqlite3_finalize(q.bottleneck);
	sqlite3_finalize(q.sojourn);
	sqlite3_finalize(q.ins);
	free(q.v);
	free(runs);
	return rc;
}

/* ---- per sweep point ---- */

struct group {
	char *point, *metric, *key;
	double *v;
	size_t n, cap;
};

static int flush_group(sqlite3_stmt *ins, int64_t sweep, struct group *g)
{
	if (!g->n)
		return 0;
	double mean, ci95;
	stats_mean_ci95(g->v, g->n, &mean, &ci95);
	sqlite3_bind_int64(ins, 1, sweep);
	sqlite3_bind_text(ins, 2, g->point, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, g->metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, g->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 5, (int64_t)g->n);
	sqlite3_bind_double(ins, 6, mean);
	if (isnan(ci95))
		sqlite3_bind_null(ins, 7);
	else
		sqlite3_bind_double(ins, 7, ci95);
	int rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	g->n = 0;
	return rc == SQLITE_DONE ? 0 : -1;
}

static bool same_text(const char *a, const unsigned char *b)
{
	return a && b && strcmp(a, (const char *)b) == 0;
}

static void set_text(char **dst, const unsigned char *src)
{
	free(*dst);
	*dst = xstrdup(src ? (const char *)src : "");
}

/* The successful replications of each point, grouped by (point, metric,
 * key); points in the order of their first run in the sweep. */
static int stats_sweep(sqlite3 *h, int64_t sweep, struct errbuf *err)
{
	sqlite3_stmt *rows = prep(h,
		"SELECT s.point, st.metric, st.key, st.value,"
		"       (SELECT min(coalesce(s2.job, s2.run_id)) FROM sweeps s2"
		"         WHERE s2.sweep_id = s.sweep_id AND s2.point = s.point) AS first"
		" FROM sweeps s JOIN runs r ON r.run_id = s.run_id AND r.status = 'ok'"
		"  JOIN run_stats st ON st.run_id = s.run_id"
		" WHERE s.sweep_id = ?1 AND s.status = 'ok'"
		" ORDER BY first, s.point, st.metric, st.key, s.run_id", err);
	sqlite3_stmt *ins = prep(h, "INSERT INTO summary (sweep_id, point, metric, key, n, mean, ci95)"
				    " VALUES (?,?,?,?,?,?,?)", err);
	struct group g = { 0 };
	int rc = rows && ins ? 0 : -1;
	if (rc == 0)
		sqlite3_bind_int64(rows, 1, sweep);
	while (rc == 0 && sqlite3_step(rows) == SQLITE_ROW) {
		const unsigned char *point = sqlite3_column_text(rows, 0);
		const unsigned char *metric = sqlite3_column_text(rows, 1);
		const unsigned char *key = sqlite3_column_text(rows, 2);
		if (!(same_text(g.point, point) && same_text(g.metric, metric) && same_text(g.key, key))) {
			rc = flush_group(ins, sweep, &g);
			set_text(&g.point, point);
			set_text(&g.metric, metric);
			set_text(&g.key, key);
		}
		xgrow((void **)&g.v, &g.cap, g.n + 1, sizeof(*g.v));
		g.v[g.n++] = sqlite3_column_double(rows, 3);
	}
	if (rc == 0)
		rc = flush_group(ins, sweep, &g);
	if (rc < 0 && ins)
		err_set(err, "summary of sweep %lld: %s", (long long)sweep, sqlite3_errmsg(h));
	sqlite3_finalize(rows);
	sqlite3_finalize(ins);
	free(g.point);
	free(g.metric);
	free(g.key);
	free(g.v);
	return rc;
}

int stats_update(struct db *db, struct errbuf *err)
{
	sqlite3 *h = db_handle(db);
	if (db_index(db) < 0) {
		err_set(err, "statistics: %s", db_error(db));
		return -1;
	}
	if (sqlite3_exec(h, "BEGIN; DELETE FROM run_stats; DELETE FROM summary;", NULL, NULL, NULL) != SQLITE_OK) {
		err_set(err, "statistics: %s", sqlite3_errmsg(h));
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	int rc = stats_runs(h, err);
	sqlite3_stmt *sweeps = rc == 0 ? prep(h, "SELECT DISTINCT sweep_id FROM sweeps ORDER BY 1", err) : NULL;
	if (!sweeps)
		rc = -1;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while (sweeps && sqlite3_step(sweeps) == SQLITE_ROW) {
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(sweeps, 0);
	}
	sqlite3_finalize(sweeps);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = stats_sweep(h, ids[i], err);
	free(ids);
	if (rc == 0 && sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		err_set(err, "statistics: %s", sqlite3_errmsg(h));
		rc = -1;
	}
	if (rc < 0)
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
