/* The read side of the result store: each function of results.h as one
 * SQL statement over the schema of db.c (the merge lives in
 * results_merge.c).  Statements are prepared per call; none of these is on
 * a simulation's hot path. */
#include "sim/results.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/sim.h"
#include "sim/util.h"

static sqlite3 *H(struct db *db) { return db_handle(db); }

static int fail(struct db *db, struct errbuf *err, const char *what)
{
	if (err)
		err_set(err, "%s: %s", what, sqlite3_errmsg(H(db)));
	return -1;
}

static sqlite3_stmt *prep(struct db *db, const char *sql, struct errbuf *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(H(db), sql, -1, &st, NULL) != SQLITE_OK) {
		fail(db, err, "reading the result file");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static const char *txt(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

static int64_t opt_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Steps st to the end; rc of the walk: 0, fn's non-zero, or -1. */
static int finish(struct db *db, sqlite3_stmt *st, int step, int stopped, struct errbuf *err)
{
	int rc = stopped;
	if (!stopped && step != SQLITE_DONE)
		rc = fail(db, err, "reading the result file");
	sqlite3_finalize(st);
	return rc;
}

/* One integer from a statement already bound: def when NULL or no row. */
static int64_t one_int(struct db *db, sqlite3_stmt *st, int64_t def, struct errbuf *err)
{
	if (!st)
		return -1;
	int step = sqlite3_step(st);
	int64_t v = def;
	if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		v = fail(db, err, "reading the result file");
	sqlite3_finalize(st);
	return v;
}

/* ---- files ---- */

int results_remove(const char *path)
{
	static const char *const sides[] = { "-wal", "-shm", "-journal" };
	int rc = 0;
	if (unlink(path) < 0 && errno != ENOENT)
		rc = -1;
	int saved = errno;
	size_t n = strlen(path);
	char *side = xmalloc(n + 16);
	for (size_t i = 0; i < ARRAY_LEN(sides); i++) {
		snprintf(side, n + 16, "%s%s", path, sides[i]);
		unlink(side);
	}
	free(side);
	errno = saved;
	return rc;
}

/* ---- runs ---- */

int results_runs(struct db *db, int64_t run_id, results_run_fn fn, void *arg, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db,
		"SELECT r.run_id, r.scenario, r.params, coalesce(r.status, '?'), r.error, r.version,"
		"  r.seed, r.sim_ns, r.events, r.wall_s, s.sweep_id, s.rep, s.point"
		" FROM runs r LEFT JOIN sweeps s ON s.run_id = r.run_id"
		" WHERE ?1 = 0 OR r.run_id = ?1 ORDER BY r.run_id", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct results_run r = {
			.run_id = sqlite3_column_int64(st, 0), .scenario = txt(st, 1), .params = txt(st, 2),
			.status = txt(st, 3), .error = txt(st, 4), .version = txt(st, 5),
			.seed = sqlite3_column_int64(st, 6), .sim_ns = sqlite3_column_int64(st, 7),
			.events = sqlite3_column_int64(st, 8), .wall_s = sqlite3_column_double(st, 9),
			.sweep_id = sqlite3_column_int64(st, 10), .rep = sqlite3_column_int64(st, 11),
			.point = txt(st, 12),
		};
		stop = fn(arg, &r);
	}
	return finish(db, st, step, stop, err);
}

int results_run_exists(struct db *db, int64_t run_id, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT count(*) FROM runs WHERE run_id = ?1", err);
	if (st)
		sqlite3_bind_int64(st, 1, run_id);
	int64_t n = one_int(db, st, 0, err);
	return n < 0 ? -1 : n > 0;
}

int64_t results_last_run(struct db *db, struct errbuf *err)
{
	return one_int(db, prep(db, "SELECT max(run_id) FROM runs", err), 0, err);
}

int results_first_status(struct db *db, char *status, size_t sn, char *error, size_t en,
			 struct errbuf *err)
{
	status[0] = error[0] = '\0';
	sqlite3_stmt *st = prep(db, "SELECT status, error FROM runs ORDER BY run_id LIMIT 1", err);
	if (!st)
		return -1;
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		str_copy(status, sn, txt(st, 0));
		str_copy(error, en, txt(st, 1));
	} else if (step == SQLITE_DONE) {
		if (err)
			err_set(err, "the result file holds no run");
		rc = -1;
	} else {
		rc = fail(db, err, "corrupt result file");
	}
	sqlite3_finalize(st);
	return rc;
}

int results_run_mark(struct db *db, int64_t run_id, const char *status, const char *error,
		     struct errbuf *err)
{
	if (db_flush(db) < 0) {
		if (err)
			err_set(err, "%s", db_error(db));
		return -1;
	}
	sqlite3_stmt *st = prep(db, "UPDATE runs SET status = ?1, error = ?2 WHERE run_id = ?3", err);
	if (!st)
		return -1;
	bind_text(st, 1, status);
	bind_text(st, 2, error);
	sqlite3_bind_int64(st, 3, run_id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(db, err, "recording the run's status");
	sqlite3_finalize(st);
	return rc;
}

/* json_each over ?1, object members in order */
static int walk_object(struct db *db, sqlite3_stmt *st, results_param_fn fn, void *arg, struct errbuf *err)
{
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int type = sqlite3_column_type(st, 1);
		bool num = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
		stop = fn(arg, txt(st, 0), type == SQLITE_NULL ? "null" : txt(st, 1), num,
			  num ? sqlite3_column_double(st, 1) : 0);
	}
	return finish(db, st, step, stop, err);
}

int results_params(struct db *db, int64_t run_id, results_param_fn fn, void *arg, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db,
		"SELECT j.key, j.value FROM runs r, json_each(CASE WHEN json_valid(r.params)"
		" AND json_type(r.params) = 'object' THEN r.params ELSE '{}' END) j"
		" WHERE r.run_id = ?1 ORDER BY j.id", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	return walk_object(db, st, fn, arg, err);
}

int results_json_object(struct db *db, const char *json, results_param_fn fn, void *arg,
			struct errbuf *err)
{
	sqlite3_stmt *st = prep(db,
		"SELECT key, value FROM json_each(CASE WHEN json_valid(?1) AND json_type(?1) = 'object'"
		" THEN ?1 ELSE '{}' END) ORDER BY id", err);
	if (!st)
		return -1;
	bind_text(st, 1, json);
	return walk_object(db, st, fn, arg, err);
}

/* ---- flows ---- */

int results_flows(struct db *db, int64_t run_id, results_flow_fn fn, void *arg, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db,
		"SELECT flow_id, proto, app, name, src, dst, cc, start_ns, end_ns, bytes, goodput_bps,"
		"  retrans, rtt_min_ns, rtt_mean_ns, pkts_sent, pkts_recv"
		" FROM flows WHERE run_id = ?1 ORDER BY flow_id", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct results_flow f = {
			.flow_id = sqlite3_column_int64(st, 0), .proto = txt(st, 1), .app = txt(st, 2),
			.name = txt(st, 3), .src = txt(st, 4), .dst = txt(st, 5), .cc = txt(st, 6),
			.start_ns = sqlite3_column_int64(st, 7), .end_ns = sqlite3_column_int64(st, 8),
			.bytes = sqlite3_column_int64(st, 9), .goodput_bps = sqlite3_column_double(st, 10),
			.retrans = opt_int(st, 11), .rtt_min_ns = opt_int(st, 12), .rtt_mean_ns = opt_int(st, 13),
			.pkts_sent = opt_int(st, 14), .pkts_recv = opt_int(st, 15),
		};
		stop = fn(arg, &f);
	}
	return finish(db, st, step, stop, err);
}

/* ---- series and events ---- */

int results_series_keys(struct db *db, int64_t run_id, results_series_key_fn fn, void *arg,
			struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT metric, entity, count(*) FROM series WHERE run_id = ?1"
				    " GROUP BY metric, entity ORDER BY metric, entity", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, txt(st, 0), txt(st, 1), sqlite3_column_int64(st, 2));
	return finish(db, st, step, stop, err);
}

int results_has_series(struct db *db, int64_t run_id, const char *metric, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT EXISTS (SELECT 1 FROM series WHERE run_id = ?1 AND metric = ?2)", err);
	if (st) {
		sqlite3_bind_int64(st, 1, run_id);
		bind_text(st, 2, metric);
	}
	return (int)one_int(db, st, 0, err);
}

long results_series_values(struct db *db, int64_t run_id, const char *metric, const char *entity,
			   int64_t from_ns, enum results_order order, double **v, size_t *cap,
			   struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, order == RESULTS_BY_VALUE
		? "SELECT value FROM series WHERE run_id = ?1 AND metric = ?2"
		  " AND (?3 IS NULL OR entity = ?3) AND t_ns >= ?4 ORDER BY value"
		: "SELECT value FROM series WHERE run_id = ?1 AND metric = ?2"
		  " AND (?3 IS NULL OR entity = ?3) AND t_ns >= ?4 ORDER BY t_ns, entity", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, metric);
	bind_text(st, 3, entity);
	sqlite3_bind_int64(st, 4, from_ns);
	long n = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)v, cap, (size_t)n + 1, sizeof(**v));
		(*v)[n++] = sqlite3_column_double(st, 0);
	}
	return finish(db, st, step, 0, err) < 0 ? -1 : n;
}

int results_events(struct db *db, int64_t run_id, const char *kind, results_event_fn fn, void *arg,
		   struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT t_ns, entity, kind, detail FROM events WHERE run_id = ?1"
				    " AND (?2 IS NULL OR kind = ?2) ORDER BY t_ns, rowid", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, kind);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct results_event e = { sqlite3_column_int64(st, 0), txt(st, 1), txt(st, 2), txt(st, 3) };
		stop = fn(arg, &e);
	}
	return finish(db, st, step, stop, err);
}

int results_has_events(struct db *db, int64_t run_id, const char *kind, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT EXISTS (SELECT 1 FROM events WHERE run_id = ?1 AND kind = ?2)", err);
	if (st) {
		sqlite3_bind_int64(st, 1, run_id);
		bind_text(st, 2, kind);
	}
	return (int)one_int(db, st, 0, err);
}

/* ---- sweeps ---- */

int results_sweep_add(struct db *db, const struct results_sweep_row *w, struct errbuf *err)
{
	if (db_flush(db) < 0) {
		if (err)
			err_set(err, "%s", db_error(db));
		return -1;
	}
	sqlite3_stmt *st = prep(db, "INSERT INTO sweeps (sweep_id, run_id, point, rep, seed, status, error,"
				    " cmd, job, spec) VALUES (?,?,?,?,?,?,?,?,?,?)", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, w->sweep_id);
	sqlite3_bind_int64(st, 2, w->run_id);
	bind_text(st, 3, w->point);
	sqlite3_bind_int64(st, 4, w->rep);
	sqlite3_bind_int64(st, 5, w->seed);
	bind_text(st, 6, w->status);
	bind_text(st, 7, w->error);
	bind_text(st, 8, w->cmd);
	sqlite3_bind_int64(st, 9, w->job);
	bind_text(st, 10, w->spec);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(db, err, "writing the sweeps table");
	sqlite3_finalize(st);
	return rc;
}

int64_t results_sweep_next_id(struct db *db, struct errbuf *err)
{
	return one_int(db, prep(db, "SELECT coalesce(max(sweep_id), 0) + 1 FROM sweeps", err), 1, err);
}

long results_sweep_ids(struct db *db, int64_t **ids, struct errbuf *err)
{
	*ids = NULL;
	sqlite3_stmt *st = prep(db, "SELECT DISTINCT sweep_id FROM sweeps ORDER BY 1", err);
	if (!st)
		return -1;
	size_t cap = 0;
	long n = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow((void **)ids, &cap, (size_t)n + 1, sizeof(**ids));
		(*ids)[n++] = sqlite3_column_int64(st, 0);
	}
	return finish(db, st, step, 0, err) < 0 ? -1 : n;
}

int results_sweep_info(struct db *db, int64_t sweep_id, struct results_sweep_info *info,
		       struct errbuf *err)
{
	*info = (struct results_sweep_info){ 0 };
	sqlite3_stmt *st = prep(db, "SELECT min(spec), count(*), count(DISTINCT point),"
				    " coalesce(sum(status = 'ok'), 0) FROM sweeps WHERE sweep_id = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sweep_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		str_copy(info->spec, sizeof(info->spec), txt(st, 0));
		info->nruns = sqlite3_column_int64(st, 1);
		info->npoints = sqlite3_column_int64(st, 2);
		info->nok = sqlite3_column_int64(st, 3);
		step = SQLITE_DONE;
	}
	return finish(db, st, step, 0, err);
}

int results_sweep_points(struct db *db, int64_t sweep_id, results_point_fn fn, void *arg,
			 struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT point FROM sweeps WHERE sweep_id = ?1"
				    " GROUP BY point ORDER BY min(coalesce(job, run_id))", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sweep_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, txt(st, 0));
	return finish(db, st, step, stop, err);
}

/* ---- derived statistics ---- */

static int exec(struct db *db, const char *sql, struct errbuf *err)
{
	char *msg = NULL;
	if (sqlite3_exec(H(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			err_set(err, "%s", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int results_derived_begin(struct db *db, struct errbuf *err)
{
	if (db_index(db) < 0) {
		if (err)
			err_set(err, "%s", db_error(db));
		return -1;
	}
	if (exec(db, "BEGIN; DELETE FROM run_stats; DELETE FROM summary;", err) < 0) {
		exec(db, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

int results_derived_end(struct db *db, bool commit, struct errbuf *err)
{
	if (commit && exec(db, "COMMIT", err) == 0)
		return 0;
	exec(db, "ROLLBACK", NULL);
	return commit ? -1 : 0;
}

int results_run_stat_put(struct db *db, int64_t run_id, const char *metric, const char *key,
			 double value, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO run_stats (run_id, metric, key, value) VALUES (?,?,?,?)", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, metric);
	bind_text(st, 3, key ? key : "");
	sqlite3_bind_double(st, 4, value);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(db, err, "writing run_stats");
	sqlite3_finalize(st);
	return rc;
}

int results_run_stat(struct db *db, int64_t run_id, const char *metric, const char *key,
		     double *value, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT value FROM run_stats WHERE run_id = ?1 AND metric = ?2 AND key = ?3", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text(st, 2, metric);
	bind_text(st, 3, key ? key : "");
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*value = sqlite3_column_double(st, 0);
		rc = 1;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = fail(db, err, "reading run_stats");
	}
	sqlite3_finalize(st);
	return rc;
}

int results_sweep_run_stats(struct db *db, int64_t sweep_id, results_stat_fn fn, void *arg,
			    struct errbuf *err)
{
	sqlite3_stmt *st = prep(db,
		"SELECT s.point, st.metric, st.key, st.value,"
		"       (SELECT min(coalesce(s2.job, s2.run_id)) FROM sweeps s2"
		"         WHERE s2.sweep_id = s.sweep_id AND s2.point = s.point) AS first"
		" FROM sweeps s JOIN runs r ON r.run_id = s.run_id AND r.status = 'ok'"
		"  JOIN run_stats st ON st.run_id = s.run_id"
		" WHERE s.sweep_id = ?1 AND s.status = 'ok'"
		" ORDER BY first, s.point, st.metric, st.key, s.run_id", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sweep_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, txt(st, 0), txt(st, 1), txt(st, 2), sqlite3_column_double(st, 3));
	return finish(db, st, step, stop, err);
}

int results_summary_put(struct db *db, int64_t sweep_id, const char *point, const char *metric,
			const char *key, int64_t n, double mean, double ci95, struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO summary (sweep_id, point, metric, key, n, mean, ci95)"
				    " VALUES (?,?,?,?,?,?,?)", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sweep_id);
	bind_text(st, 2, point);
	bind_text(st, 3, metric);
	bind_text(st, 4, key ? key : "");
	sqlite3_bind_int64(st, 5, n);
	sqlite3_bind_double(st, 6, mean);
	if (isnan(ci95))
		sqlite3_bind_null(st, 7);
	else
		sqlite3_bind_double(st, 7, ci95);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : fail(db, err, "writing the summary");
	sqlite3_finalize(st);
	return rc;
}

int results_summary(struct db *db, int64_t sweep_id, results_summary_fn fn, void *arg,
		    struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT point, metric, key, n, mean, ci95 FROM summary"
				    " WHERE sweep_id = ?1 ORDER BY rowid", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sweep_id);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct results_summary s = {
			txt(st, 0), txt(st, 1), txt(st, 2), sqlite3_column_int64(st, 3),
			sqlite3_column_double(st, 4),
			sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5),
		};
		stop = fn(arg, &s);
	}
	return finish(db, st, step, stop, err);
}

int64_t results_summary_max_keys(struct db *db, int64_t sweep_id, const char *metric,
				 struct errbuf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM summary"
				    " WHERE sweep_id = ?1 AND metric = ?2 GROUP BY point)", err);
	if (st) {
		sqlite3_bind_int64(st, 1, sweep_id);
		bind_text(st, 2, metric);
	}
	return one_int(db, st, 0, err);
}
