/* Folding one result file into another (results.h: results_merge_file),
 * for `wirelab merge` and the sweep runner: the input is ATTACHed and every
 * table copied with INSERT ... SELECT over the columns both files have
 * (columns may be added, never renamed: DESIGN §5), run ids shifted by an
 * offset and sweep ids mapped through a temporary table.  Sweeps are
 * joined, not renumbered apart, when their rows carry the same spec (the
 * sweep's own command line) and no job of the sweep is in the output yet:
 * the job files of `wirelab sweep --emit-jobs` thus merge back into the one
 * sweep they came from, while a sweep run twice stays two sweeps. */
#include "sim/results.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/sim.h"
#include "sim/util.h"

/* Runs SQL built with sqlite3_mprintf's %w/%q/%Q; 0 or -1 with err set. */
static int execf(sqlite3 *h, struct errbuf *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	char *msg = NULL;
	int rc = sql ? sqlite3_exec(h, sql, NULL, NULL, &msg) : SQLITE_NOMEM;
	if (rc != SQLITE_OK)
		err_set(err, "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	sqlite3_free(sql);
	return rc == SQLITE_OK ? 0 : -1;
}

/* One integer from a query with up to two integer parameters; def for
 * NULL or no row.  -1 on error (err set) with *v untouched. */
static int query_int(sqlite3 *h, struct errbuf *err, int64_t *v, int64_t def, const char *sql,
		     int nargs, int64_t a1, int64_t a2)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		err_set(err, "%s", sqlite3_errmsg(h));
		return -1;
	}
	if (nargs > 0)
		sqlite3_bind_int64(st, 1, a1);
	if (nargs > 1)
		sqlite3_bind_int64(st, 2, a2);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_type(st, 0) == SQLITE_NULL ? def : sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*v = def;
	else
		err_set(err, "%s", sqlite3_errmsg(h));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

struct strlist {
	char **v;
	size_t n, cap;
};

static void strlist_add(struct strlist *l, const char *s)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s ? s : "");
}

static bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct strlist){ 0 };
}

/* The column names of schema.table, in order; empty if there is no such
 * table. */
static int table_columns(sqlite3 *h, const char *schema, const char *table, struct strlist *cols,
			 struct errbuf *err)
{
	char *sql = sqlite3_mprintf("PRAGMA \"%w\".table_info(\"%w\")", schema, table);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		err_set(err, "%s", sqlite3_errmsg(h));
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		strlist_add(cols, (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return 0;
}

/* Maps the input's sweeps to output sweep ids in temp.merge_sweeps: a
 * sweep whose spec the output already has joins it, unless one of its
 * jobs is there already (the same sweep run twice); any other gets the
 * next free id. */
static int map_sweeps(sqlite3 *h, const char *in_path, int64_t *last, struct errbuf *err)
{
	if (execf(h, err, "CREATE TEMP TABLE IF NOT EXISTS merge_sweeps"
			  " (old INTEGER PRIMARY KEY, new INTEGER, joined INTEGER);"
			  "DELETE FROM temp.merge_sweeps;") < 0)
		return -1;
	int64_t has = 0, next = 0;
	if (query_int(h, err, &has, 0, "SELECT count(*) FROM src.sqlite_master"
		      " WHERE type = 'table' AND name = 'sweeps'", 0, 0, 0) < 0)
		return -1;
	if (!has)
		return 0;
	if (query_int(h, err, &next, 0, "SELECT max(sweep_id) FROM main.sweeps", 0, 0, 0) < 0)
		return -1;
	sqlite3_stmt *list = NULL, *find = NULL, *put = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(h, "SELECT sweep_id, min(spec) FROM src.sweeps GROUP BY sweep_id ORDER BY sweep_id",
			       -1, &list, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT sweep_id FROM main.sweeps WHERE spec = ?1"
			       " UNION ALL SELECT new FROM temp.merge_sweeps m JOIN src.sweeps s"
			       "  ON s.sweep_id = m.old AND s.spec = ?1 LIMIT 1", -1, &find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO temp.merge_sweeps VALUES (?,?,?)", -1, &put, NULL) != SQLITE_OK) {
		err_set(err, "%s", sqlite3_errmsg(h));
		goto out;
	}
	while (sqlite3_step(list) == SQLITE_ROW) {
		int64_t old = sqlite3_column_int64(list, 0), to = 0;
		bool joined = false;
		if (sqlite3_column_type(list, 1) != SQLITE_NULL) {
			sqlite3_bind_text(find, 1, (const char *)sqlite3_column_text(list, 1), -1, SQLITE_TRANSIENT);
			if (sqlite3_step(find) == SQLITE_ROW) {
				to = sqlite3_column_int64(find, 0);
				joined = true;
			}
			sqlite3_reset(find);
		}
		if (joined) {
			int64_t dup = 0;
			if (query_int(h, err, &dup, 0,
				      "SELECT min(s.job) FROM src.sweeps s JOIN main.sweeps m"
				      " ON m.sweep_id = ?2 AND m.job = s.job WHERE s.sweep_id = ?1",
				      2, old, to) < 0)
				goto out;
			if (dup) {
				/* a repetition of the whole sweep, say after a change
				 * to the simulator: kept apart, never counted twice */
				fprintf(stderr, "wirelab: merge: note: '%s' repeats job %lld of sweep %lld;"
					" it becomes sweep %lld\n", in_path, (long long)dup, (long long)to,
					(long long)next + 1);
				joined = false;
			}
		}
		if (!joined)
			to = ++next;
		sqlite3_bind_int64(put, 1, old);
		sqlite3_bind_int64(put, 2, to);
		sqlite3_bind_int(put, 3, joined);
		if (sqlite3_step(put) != SQLITE_DONE) {
			err_set(err, "%s", sqlite3_errmsg(h));
			goto out;
		}
		sqlite3_reset(put);
		*last = to;
	}
	rc = 0;
out:
	sqlite3_finalize(list);
	sqlite3_finalize(find);
	sqlite3_finalize(put);
	return rc;
}

/* Copies one table: the columns both sides have, run_id shifted by off,
 * sweep_id mapped; a table keyed by sweep only (summary) loses the rows
 * of joined sweeps, which stats_update recomputes. */
static int copy_table(sqlite3 *h, const char *table, const char *create_sql, int64_t off,
		      const char *in_path, struct errbuf *err)
{
	struct strlist src = { 0 }, dst = { 0 };
	int rc = -1;
	if (table_columns(h, "src", table, &src, err) < 0 || table_columns(h, "main", table, &dst, err) < 0)
		goto out;
	if (dst.n == 0) {
		if (!create_sql || execf(h, err, "%s", create_sql) < 0 ||
		    table_columns(h, "main", table, &dst, err) < 0)
			goto out;
	}
	bool has_run = strlist_has(&src, "run_id") && strlist_has(&dst, "run_id");
	bool has_sweep = strlist_has(&src, "sweep_id") && strlist_has(&dst, "sweep_id");
	if (!has_run && !has_sweep) {
		int64_t n = 0;
		char *sql = sqlite3_mprintf("SELECT count(*) FROM src.\"%w\"", table);
		query_int(h, err, &n, 0, sql, 0, 0, 0);
		sqlite3_free(sql);
		if (n > 0)
			fprintf(stderr, "wirelab: merge: note: table '%s' of '%s' has no run_id column; not copied\n",
				table, in_path);
		rc = 0;
		goto out;
	}
	char *cols = sqlite3_mprintf("%s", ""), *exprs = sqlite3_mprintf("%s", "");
	for (size_t i = 0; i < src.n; i++) {
		const char *c = src.v[i];
		if (!strlist_has(&dst, c))
			continue;
		const char *sep = cols[0] ? ", " : "";
		char *nc = sqlite3_mprintf("%s%s\"%w\"", cols, sep, c), *ne;
		if (strcmp(c, "run_id") == 0)
			ne = sqlite3_mprintf("%s%st.run_id + %lld", exprs, sep, (long long)off);
		else if (strcmp(c, "sweep_id") == 0)
			ne = sqlite3_mprintf("%s%s(SELECT new FROM temp.merge_sweeps WHERE old = t.sweep_id)", exprs, sep);
		else
			ne = sqlite3_mprintf("%s%st.\"%w\"", exprs, sep, c);
		sqlite3_free(cols);
		sqlite3_free(exprs);
		cols = nc;
		exprs = ne;
	}
	const char *where = has_run ? "" : " WHERE t.sweep_id IN (SELECT old FROM temp.merge_sweeps WHERE NOT joined)";
	rc = execf(h, err, "INSERT INTO main.\"%w\" (%s) SELECT %s FROM src.\"%w\" AS t%s",
		   table, cols, exprs, table, where);
	if (rc < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, "copying table '%s' of '%s': %s", table, in_path, msg);
	}
	sqlite3_free(cols);
	sqlite3_free(exprs);
out:
	strlist_free(&src);
	strlist_free(&dst);
	return rc;
}

static int merge_attached(sqlite3 *h, const char *in_path, struct results_merge *res, struct errbuf *err)
{
	int64_t has_runs = 0;
	if (query_int(h, err, &has_runs, 0, "SELECT count(*) FROM src.sqlite_master"
		      " WHERE type = 'table' AND name = 'runs'", 0, 0, 0) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, "cannot read '%s': %s", in_path, msg);
		return -1;
	}
	if (!has_runs) {
		err_set(err, "'%s' is not a wirelab result file (it has no runs table)", in_path);
		return -1;
	}
	int64_t max_out = 0, min_in = 1, max_in = 0, nruns = 0;
	if (query_int(h, err, &max_out, 0, "SELECT max(run_id) FROM main.runs", 0, 0, 0) < 0 ||
	    query_int(h, err, &min_in, 1, "SELECT min(run_id) FROM src.runs", 0, 0, 0) < 0 ||
	    query_int(h, err, &max_in, 0, "SELECT max(run_id) FROM src.runs", 0, 0, 0) < 0 ||
	    query_int(h, err, &nruns, 0, "SELECT count(*) FROM src.runs", 0, 0, 0) < 0)
		return -1;
	int64_t off = max_out - min_in + 1;
	if (map_sweeps(h, in_path, &res->last_sweep, err) < 0)
		return -1;

	struct strlist tables = { 0 }, sqls = { 0 };
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "SELECT name, sql FROM src.sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid", -1, &st, NULL) != SQLITE_OK) {
		err_set(err, "%s", sqlite3_errmsg(h));
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		strlist_add(&tables, (const char *)sqlite3_column_text(st, 0));
		strlist_add(&sqls, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < tables.n; i++)
		rc = copy_table(h, tables.v[i], sqls.v[i], off, in_path, err);
	strlist_free(&tables);
	strlist_free(&sqls);
	if (rc == 0) {
		res->first_run = nruns ? min_in + off : 0;
		res->last_run = nruns ? max_in + off : 0;
		res->nruns = nruns;
	}
	return rc;
}

int results_merge_file(struct db *out, const char *in_path, struct results_merge *res, struct errbuf *err)
{
	*res = (struct results_merge){ 0 };
	if (access(in_path, R_OK) < 0) {
		err_set(err, "cannot read '%s': %s", in_path, strerror(errno));
		return -1;
	}
	sqlite3 *h = db_handle(out);
	if (db_flush(out) < 0) {
		err_set(err, "%s", db_error(out));
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "ATTACH DATABASE ?1 AS src", -1, &st, NULL) != SQLITE_OK) {
		err_set(err, "%s", sqlite3_errmsg(h));
		return -1;
	}
	sqlite3_bind_text(st, 1, in_path, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		err_set(err, "cannot open '%s': %s", in_path, sqlite3_errmsg(h));
		return -1;
	}
	rc = execf(h, err, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = merge_attached(h, in_path, res, err);
	if (rc == 0)
		rc = execf(h, err, "COMMIT");
	if (rc < 0)
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	struct errbuf ignore;
	execf(h, &ignore, "DETACH DATABASE src");
	return rc;
}
