/* The read side of the result store (DESIGN §1, §5): what everything that
 * reads a result file (analysis/ and the sweep runner) may ask of it, in
 * the file's own terms: runs and their parameters, flows, series by metric
 * and entity, events by kind, the sweeps table and the derived statistics
 * (run_stats, summary).  No caller outside sim/ sees SQL or an SQLite
 * handle; the gnuplot templates of analysis/ are the one exception DESIGN
 * §5 makes on purpose (a student reads the query that drew a figure).
 *
 * A file is opened with db_open (read and write; creates the schema) or
 * db_open_read (read only: a report or plot never changes what it reads).
 * Iterators call fn once per row, in a documented order; the strings of a
 * row live until fn returns; a non-zero return from fn stops the walk and
 * is returned.  Errors are -1 with the reason in err (when err is not
 * NULL).  Text columns that are NULL in the file come back as "". */
#ifndef WL_RESULTS_H
#define WL_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct errbuf;

/* ---- files ---- */

/* Removes a result file and the -wal, -shm and -journal files SQLite may
 * have left beside it.  0, or -1 with errno from the main file's unlink
 * (a missing file is not an error). */
int results_remove(const char *path);

/* ---- runs ---- */

struct results_run {
	int64_t run_id;
	const char *scenario, *params, *status, *error, *version;
	int64_t seed, sim_ns, events;
	double wall_s;
	/* its row in sweeps, if it belongs to a sweep: sweep_id 0 if not */
	int64_t sweep_id, rep;
	const char *point;
};
typedef int (*results_run_fn)(void *arg, const struct results_run *r);
/* Every run (run_id 0) or one, in run_id order. */
int results_runs(struct db *db, int64_t run_id, results_run_fn fn, void *arg, struct errbuf *err);
/* 1 if the file has that run, 0 if not, -1 if it is not a result file. */
int results_run_exists(struct db *db, int64_t run_id, struct errbuf *err);
/* The highest run_id, 0 when the file holds no run, -1 on error. */
int64_t results_last_run(struct db *db, struct errbuf *err);
/* The first run's status and error (for the sweep runner's check of a
 * child's file).  0, -1 (err: why; "holds no run" when empty). */
int results_first_status(struct db *db, char *status, size_t sn, char *error, size_t en,
			 struct errbuf *err);

/* Sets a run's status and error, nothing else (the sweep runner's record
 * of a child that died of a signal before it could write them). */
int results_run_mark(struct db *db, int64_t run_id, const char *status, const char *error,
		     struct errbuf *err);

/* A run's parameters (runs.params, a JSON object), one call per name in
 * the object's order: text is the value as text (a number as SQLite
 * prints it), is_number whether it is a JSON number (then num holds it). */
typedef int (*results_param_fn)(void *arg, const char *name, const char *text, bool is_number,
				double num);
int results_params(struct db *db, int64_t run_id, results_param_fn fn, void *arg, struct errbuf *err);
/* The same for any JSON object held as text (a sweep point). */
int results_json_object(struct db *db, const char *json, results_param_fn fn, void *arg,
			struct errbuf *err);

/* ---- flows ---- */

struct results_flow {
	int64_t flow_id;
	const char *proto, *app, *name, *src, *dst, *cc;
	int64_t start_ns, end_ns, bytes;
	double goodput_bps;
	int64_t retrans, rtt_min_ns, rtt_mean_ns, pkts_sent, pkts_recv; /* -1: NULL */
};
typedef int (*results_flow_fn)(void *arg, const struct results_flow *f);
/* A run's flows in flow_id order. */
int results_flows(struct db *db, int64_t run_id, results_flow_fn fn, void *arg, struct errbuf *err);

/* ---- series and events ---- */

/* The (metric, entity) pairs of a run's series with their sample counts,
 * ordered by metric, then entity. */
typedef int (*results_series_key_fn)(void *arg, const char *metric, const char *entity, int64_t n);
int results_series_keys(struct db *db, int64_t run_id, results_series_key_fn fn, void *arg,
			struct errbuf *err);
/* Does the run have any series row of metric (any entity)?  1, 0, -1. */
int results_has_series(struct db *db, int64_t run_id, const char *metric, struct errbuf *err);

enum results_order { RESULTS_BY_TIME, RESULTS_BY_VALUE };
/* The values of one series (entity NULL: every entity of the metric) with
 * t_ns >= from_ns, in time or value order, into *v (grown with xgrow;
 * *cap its capacity).  The count, or -1. */
long results_series_values(struct db *db, int64_t run_id, const char *metric, const char *entity,
			   int64_t from_ns, enum results_order order, double **v, size_t *cap,
			   struct errbuf *err);

struct results_event {
	int64_t t_ns;
	const char *entity, *kind, *detail;
};
typedef int (*results_event_fn)(void *arg, const struct results_event *e);
/* A run's events of one kind (NULL: all) in time order. */
int results_events(struct db *db, int64_t run_id, const char *kind, results_event_fn fn, void *arg,
		   struct errbuf *err);
/* Does the run have any event of kind?  1, 0, -1. */
int results_has_events(struct db *db, int64_t run_id, const char *kind, struct errbuf *err);

/* ---- sweeps ---- */

struct results_sweep_row {
	int64_t sweep_id, run_id;
	const char *point;   /* JSON object of the swept parameters */
	int64_t rep, seed;
	const char *status;  /* 'ok', 'error' or 'interrupted' */
	const char *error;   /* NULL when ok */
	const char *cmd;     /* the run's `wirelab run` command */
	int64_t job;
	const char *spec;    /* the sweep's own command line */
};
int results_sweep_add(struct db *db, const struct results_sweep_row *row, struct errbuf *err);
/* One more than the highest sweep_id of the file (1 when none). */
int64_t results_sweep_next_id(struct db *db, struct errbuf *err);
/* The sweep ids of the file, ascending, into *ids (malloc'd).  The count or -1. */
long results_sweep_ids(struct db *db, int64_t **ids, struct errbuf *err);
struct results_sweep_info {
	char spec[4096];
	int64_t nruns, npoints, nok;
};
int results_sweep_info(struct db *db, int64_t sweep_id, struct results_sweep_info *info,
		       struct errbuf *err);
/* The points of a sweep (JSON text), in the order of their first job. */
typedef int (*results_point_fn)(void *arg, const char *point);
int results_sweep_points(struct db *db, int64_t sweep_id, results_point_fn fn, void *arg,
			 struct errbuf *err);

/* ---- derived statistics: run_stats and summary ---- */

/* Opens the transaction that replaces both derived tables (empties them);
 * results_derived_end commits (commit true) or rolls back. */
int results_derived_begin(struct db *db, struct errbuf *err);
int results_derived_end(struct db *db, bool commit, struct errbuf *err);

int results_run_stat_put(struct db *db, int64_t run_id, const char *metric, const char *key,
			 double value, struct errbuf *err);
/* One run_stats value: 1 found (in *value), 0 none, -1 error. */
int results_run_stat(struct db *db, int64_t run_id, const char *metric, const char *key,
		     double *value, struct errbuf *err);

/* The run_stats rows of a sweep's successful runs, grouped for the
 * summary: ordered by the point's first job, point, metric, key, run. */
typedef int (*results_stat_fn)(void *arg, const char *point, const char *metric, const char *key,
			       double value);
int results_sweep_run_stats(struct db *db, int64_t sweep_id, results_stat_fn fn, void *arg,
			    struct errbuf *err);

/* ci95 NaN is stored (and read back) as NULL. */
int results_summary_put(struct db *db, int64_t sweep_id, const char *point, const char *metric,
			const char *key, int64_t n, double mean, double ci95, struct errbuf *err);
struct results_summary {
	const char *point, *metric, *key;
	int64_t n;
	double mean, ci95;   /* ci95 NaN when NULL (n = 1) */
};
typedef int (*results_summary_fn)(void *arg, const struct results_summary *s);
/* A sweep's summary rows in the order they were written. */
int results_summary(struct db *db, int64_t sweep_id, results_summary_fn fn, void *arg,
		    struct errbuf *err);
/* The most keys one point of the sweep has for metric (0 when none). */
int64_t results_summary_max_keys(struct db *db, int64_t sweep_id, const char *metric,
				 struct errbuf *err);

/* ---- folding one file into another (merge, sweep) ---- */

struct results_merge {
	int64_t first_run;  /* the first run's id in the output; 0 if none */
	int64_t last_run;   /* the last one's */
	int64_t nruns;      /* how many runs the input held */
	int64_t last_sweep; /* the output sweep the input's last sweep went to; 0 if none */
};
/* Copies every table of the result file in_path into out in one
 * transaction (on failure out is left as it was): run ids shifted so the
 * input's first run follows out's last, sweep ids mapped (a sweep joins
 * the output's sweep of the same spec unless one of its jobs is there
 * already).  Derived tables are copied as they are; recompute them
 * (stats_update).  0, or -1 with err set. */
int results_merge_file(struct db *out, const char *in_path, struct results_merge *res,
		       struct errbuf *err);

#endif
