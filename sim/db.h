/* The SQLite result store (DESIGN §5).  One file holds one run or a whole
 * sweep.  Rows are written inside long transactions that are committed every
 * DB_BATCH rows and at the end; the runs row is committed at once with
 * status 'running', so a killed run leaves a readable file that says it did
 * not finish.  Columns may be added, never renamed.
 *
 * Tables: runs, flows, series, events, queues (written by a run);
 * dns_lookups, http_requests and pages (written by the DNS, HTTP and page
 * models; the schema in db.c says what each column holds); sweeps
 * (cli/sweep_fold.c: which point, replication and seed each run of a sweep
 * is), run_stats and summary (analysis/stats.c: statistics derived from the
 * others, recomputed by sweep, merge and report).  What reads the file
 * goes through sim/results.h. */
#ifndef WL_DB_H
#define WL_DB_H

#include <stdbool.h>
#include <stdint.h>

struct errbuf;
struct db;

struct db_flow {
	int64_t flow_id;
	const char *proto, *app, *name, *src, *dst, *cc;
	int64_t start_ns, end_ns;
	int64_t bytes;          /* payload bytes delivered to the receiving app */
	double goodput_bps;     /* bytes * 8 / measured interval */
	int64_t retrans;        /* TCP retransmitted segments; -1 if n/a */
	int64_t rtt_min_ns, rtt_mean_ns; /* -1 if unknown */
	int64_t pkts_sent, pkts_recv;    /* -1 if n/a */
};

struct db_queue {
	const char *entity, *qdisc, *params;
	int64_t enqueued, dequeued, dropped, marked;
	int64_t bytes_dropped;
	int64_t max_pkts, max_bytes;
};

struct db_dns_lookup {
	int64_t t_ns;           /* when the lookup finished */
	const char *node, *resolver, *name, *qtype;
	const char *rcode;      /* "NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT" */
	const char *cache;      /* "hit", "miss", "negative", "stale" */
	int64_t latency_ns, upstream;
	const char *answers;
};

/* One HTTP request, as a HAR entry has it.  Timings in ns, -1 where the
 * phase does not apply; connect includes ssl (HAR 1.2). */
struct db_http_request {
	int64_t req_id, page_id;        /* page_id -1: not part of a page */
	const char *client, *url, *method;
	int64_t status;                 /* 0 if there was no response */
	const char *proto;              /* "http/1.0", "http/1.1", "h2" */
	int64_t conn_id, stream_id;     /* -1 if none */
	const char *server_ip;
	int64_t started_ns;
	int64_t blocked_ns, dns_ns, connect_ns, ssl_ns, send_ns, wait_ns, receive_ns;
	int64_t req_bytes, resp_bytes;  /* on the wire: headers and body */
	const char *mime, *error;       /* error NULL on success */
};

struct db_page {
	int64_t page_id;
	const char *client, *url, *proto;
	int64_t started_ns, ttfb_ns, onload_ns; /* ttfb and onload from started_ns; -1 if never */
	int64_t requests, bytes;
	const char *error;
};

/* Creates the file and its schema (or opens an existing one and adds the
 * tables it lacks); `wirelab run` removes any old file first, so a run's
 * file holds that run alone, while sweep and merge add runs to one file. */
struct db *db_open(const char *path, struct errbuf *err);
/* Whether `wirelab run --out path` may replace path: 0 if it does not
 * exist, is empty, or is a wirelab result file (SQLite with the runs,
 * series and events tables) that we may write; -1 with the reason
 * otherwise ("'path': it is read-only"; also a script, any text file, a
 * folder). */
int db_check_replaceable(const char *path, struct errbuf *err);
/* Calls fn once, at the first write failure (disk full, I/O error); from
 * then on rows are dropped and db_run_end still tries to record the run's
 * status.  Also sets aside 32 KiB of WAL space for that last write (the
 * file's content is unchanged). */
void db_on_error(struct db *db, void (*fn)(void *arg, const char *msg), void *arg);
/* Opens an existing result file read-only (reports, plots, the sweep
 * runner's look at a child's file: nothing is created or changed); read
 * it through sim/results.h.  NULL with err set when it cannot be read or
 * has no runs table. */
struct db *db_open_read(const char *path, struct errbuf *err);
/* Commits, builds indexes, and leaves a self-contained file (no WAL). */
int db_close(struct db *db, struct errbuf *err);

int64_t db_run_begin(struct db *db, const char *scenario, const char *params_json,
		     uint64_t seed, const char *version);
/* Replaces the run's parameter JSON once the script has resolved them. */
void db_set_params(struct db *db, int64_t run, const char *params_json);
void db_run_end(struct db *db, int64_t run, const char *status, const char *error,
		int64_t sim_ns, uint64_t events, double wall_s);

void db_series(struct db *db, int64_t run, const char *metric, const char *entity,
	       int64_t t_ns, double value);
void db_event(struct db *db, int64_t run, int64_t t_ns, const char *entity,
	      const char *kind, const char *detail);
void db_flow(struct db *db, int64_t run, const struct db_flow *f);
void db_queue(struct db *db, int64_t run, const struct db_queue *q);
void db_dns_lookup(struct db *db, int64_t run, const struct db_dns_lookup *l);
void db_http_request(struct db *db, int64_t run, const struct db_http_request *r);
void db_page(struct db *db, int64_t run, const struct db_page *p);

/* Builds the read indexes now (db_close always does); for tools that
 * query a file they are still writing.  0 or -1. */
int db_index(struct db *db);

/* Commits what is pending; 0 or -1 (the first failure is kept, see
 * db_error). */
int db_flush(struct db *db);
/* NULL while everything written so far has succeeded. */
const char *db_error(const struct db *db);

/* Read-only access for scenario scripts and reports: runs one SELECT (or
 * WITH ... SELECT), calling row() per row.  Anything that would change the
 * file is refused.  0, or -1 with the message in err. */
enum db_type { DB_INT = 1, DB_REAL = 2, DB_TEXT = 3, DB_BLOB = 4, DB_NULL = 5 };
struct db_row {
	int ncol;
	const char *const *names;
	const int *types;          /* enum db_type per column */
	const char *const *text;   /* DB_TEXT (and DB_BLOB) values */
	const int64_t *ival;       /* DB_INT values */
	const double *num;         /* DB_INT and DB_REAL values as doubles */
};
typedef int (*db_row_fn)(void *arg, const struct db_row *row); /* non-zero stops */
int db_query(struct db *db, const char *sql, db_row_fn row, void *arg, struct errbuf *err);

void *db_handle(struct db *db); /* the sqlite3 *, for sim/ internals */

#endif
