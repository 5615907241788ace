/* SQLite result store; see db.h. */
#include "db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

#define DB_BATCH 20000

static const char *const schema =
	"CREATE TABLE IF NOT EXISTS runs ("
	"  run_id INTEGER PRIMARY KEY, scenario TEXT, params TEXT, seed INTEGER,"
	"  status TEXT, error TEXT, sim_ns INTEGER, events INTEGER, wall_s REAL,"
	"  version TEXT, started_at TEXT);"
	"CREATE TABLE IF NOT EXISTS flows ("
	"  run_id INTEGER, flow_id INTEGER, proto TEXT, app TEXT, src TEXT, dst TEXT,"
	"  cc TEXT, start_ns INTEGER, end_ns INTEGER, bytes INTEGER, goodput_bps REAL,"
	"  retrans INTEGER, rtt_min_ns INTEGER, rtt_mean_ns INTEGER,"
	"  pkts_sent INTEGER, pkts_recv INTEGER, name TEXT,"
	"  PRIMARY KEY (run_id, flow_id));"
	"CREATE TABLE IF NOT EXISTS series ("
	"  run_id INTEGER, metric TEXT, entity TEXT, t_ns INTEGER, value REAL);"
	"CREATE TABLE IF NOT EXISTS events ("
	"  run_id INTEGER, t_ns INTEGER, entity TEXT, kind TEXT, detail TEXT);"
	"CREATE TABLE IF NOT EXISTS queues ("
	"  run_id INTEGER, entity TEXT, qdisc TEXT, params TEXT, enqueued INTEGER,"
	"  dequeued INTEGER, dropped INTEGER, marked INTEGER, bytes_dropped INTEGER,"
	"  max_pkts INTEGER, max_bytes INTEGER,"
	"  PRIMARY KEY (run_id, entity));"
	/* Sweeps (cli/sweep.c): one row per run of a sweep.  point is the JSON
	 * of the swept parameters, rep the replication (0-based, seed =
	 * base seed + rep), job the run's place in the sweep's cross product
	 * (1-based), spec the sweep's definition (merge joins rows with equal
	 * spec into one sweep), cmd the `wirelab run` command of the run. */
	"CREATE TABLE IF NOT EXISTS sweeps ("
	"  sweep_id INTEGER, run_id INTEGER, point TEXT, rep INTEGER, seed INTEGER,"
	"  status TEXT, error TEXT, cmd TEXT, job INTEGER, spec TEXT,"
	"  PRIMARY KEY (sweep_id, run_id));"
	/* Statistics (analysis/stats.c): per run, and per sweep point across the
	 * point's replications.  key is '' for a metric of the whole run. */
	"CREATE TABLE IF NOT EXISTS run_stats ("
	"  run_id INTEGER, metric TEXT, key TEXT, value REAL,"
	"  PRIMARY KEY (run_id, metric, key));"
	"CREATE TABLE IF NOT EXISTS summary ("
	"  sweep_id INTEGER, point TEXT, metric TEXT, key TEXT, n INTEGER,"
	"  mean REAL, ci95 REAL,"
	"  PRIMARY KEY (sweep_id, point, metric, key));"
	/* DNS (models/dns): one row per lookup a resolver (stub or recursive)
	 * finished.  cache is 'hit', 'miss', 'negative' (answered from the
	 * negative cache) or 'stale' (RFC 8767); upstream is the number of
	 * queries the lookup sent; answers the addresses or data, space
	 * separated. */
	"CREATE TABLE IF NOT EXISTS dns_lookups ("
	"  run_id INTEGER, t_ns INTEGER, node TEXT, resolver TEXT, name TEXT,"
	"  qtype TEXT, rcode TEXT, cache TEXT, latency_ns INTEGER, upstream INTEGER,"
	"  answers TEXT);"
	/* HTTP (models/http): one row per request, with the phases of a HAR 1.2
	 * entry (http://www.softwareishard.com/blog/har-12-spec/): blocked,
	 * dns, connect, ssl, send, wait, receive in ns, -1 where the phase
	 * does not apply (a reused connection has no dns, connect or ssl).
	 * As in HAR, connect includes ssl.  started_ns is when the request was
	 * issued; page_id joins pages (NULL outside a page load). */
	"CREATE TABLE IF NOT EXISTS http_requests ("
	"  run_id INTEGER, req_id INTEGER, page_id INTEGER, client TEXT, url TEXT,"
	"  method TEXT, status INTEGER, proto TEXT, conn_id INTEGER, stream_id INTEGER,"
	"  server_ip TEXT, started_ns INTEGER, blocked_ns INTEGER, dns_ns INTEGER,"
	"  connect_ns INTEGER, ssl_ns INTEGER, send_ns INTEGER, wait_ns INTEGER,"
	"  receive_ns INTEGER, req_bytes INTEGER, resp_bytes INTEGER, mime TEXT,"
	"  error TEXT, PRIMARY KEY (run_id, req_id));"
	/* Page loads (models/web): ttfb is the HTML's first byte, onload when
	 * the last object has arrived, both from started_ns. */
	"CREATE TABLE IF NOT EXISTS pages ("
	"  run_id INTEGER, page_id INTEGER, client TEXT, url TEXT, proto TEXT,"
	"  started_ns INTEGER, ttfb_ns INTEGER, onload_ns INTEGER, requests INTEGER,"
	"  bytes INTEGER, error TEXT, PRIMARY KEY (run_id, page_id));";

static const char *const indexes =
	"CREATE INDEX IF NOT EXISTS series_by_metric ON series (run_id, metric, entity, t_ns);"
	"CREATE INDEX IF NOT EXISTS events_by_kind ON events (run_id, kind, t_ns);";

enum { ST_SERIES, ST_EVENT, ST_FLOW, ST_QUEUE, ST_DNS, ST_HTTP, ST_PAGE, ST_COUNT };

static const char *const stmt_sql[ST_COUNT] = {
	[ST_SERIES] = "INSERT INTO series VALUES (?,?,?,?,?)",
	[ST_EVENT] = "INSERT INTO events VALUES (?,?,?,?,?)",
	[ST_FLOW] = "INSERT OR REPLACE INTO flows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_QUEUE] = "INSERT OR REPLACE INTO queues VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[ST_DNS] = "INSERT INTO dns_lookups VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[ST_HTTP] = "INSERT OR REPLACE INTO http_requests VALUES"
		    " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[ST_PAGE] = "INSERT OR REPLACE INTO pages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
};

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST_COUNT];
	bool in_tx;
	bool readonly;   /* db_open_read: no schema, no writes, no indexes */
	int pending;
	char error[512]; /* first failure */
	void (*on_error)(void *arg, const char *msg);
	void *on_error_arg;
};

/* Keeps the first failure and tells the owner once (the host stops the
 * run: rows written after a failure would be lost anyway). */
static void fail_msg(struct db *db, const char *msg)
{
	if (db->error[0])
		return;
	snprintf(db->error, sizeof(db->error), "%s", msg);
	if (db->on_error)
		db->on_error(db->on_error_arg, db->error);
}

static void db_fail(struct db *db, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: %s", what, sqlite3_errmsg(db->h));
	fail_msg(db, msg);
}

static int exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg(db, msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Room for the last words on a full disk.  A transaction that spills a
 * few pages into the WAL and is rolled back leaves the WAL file that much
 * longer; the space stays allocated and the next writes reuse it, so
 * db_run_end can still record the status after the disk has filled.
 * Nothing is committed: the file's content does not change. */
enum { RESERVE_BYTES = 32768 };

static void reserve_wal(struct db *db)
{
	char sql[160];
	sqlite3_exec(db->h, "PRAGMA cache_size=1; BEGIN;"
		     " CREATE TABLE wirelab_reserve (x BLOB);", NULL, NULL, NULL);
	snprintf(sql, sizeof(sql), "INSERT INTO wirelab_reserve VALUES (zeroblob(%d))", RESERVE_BYTES);
	sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	sqlite3_exec(db->h, "ROLLBACK; PRAGMA cache_size=-2000;", NULL, NULL, NULL);
}

void db_on_error(struct db *db, void (*fn)(void *arg, const char *msg), void *arg)
{
	reserve_wal(db);
	db->on_error = fn;
	db->on_error_arg = arg;
}

/* The first 16 bytes of every SQLite 3 database (fileformat2.html §1.3). */
static const char sqlite_magic[16] = "SQLite format 3";

int db_check_replaceable(const char *path, struct errbuf *err)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		err_set(err, "cannot check '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(err, "'%s': it is not a regular file", path);
		return -1;
	}
	if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(path, W_OK) < 0) {
		err_set(err, "'%s': it is read-only", path);
		return -1;
	}
	if (st.st_size == 0)
		return 0; /* nothing to lose */
	char head[16] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(err, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n < sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)) != 0) {
		err_set(err, "'%s': it is not a wirelab result file (not SQLite)", path);
		return -1;
	}
	sqlite3 *h = NULL;
	int found = 0;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st2 = NULL;
		if (sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				       " AND name IN ('runs', 'series', 'events')", -1, &st2, NULL) == SQLITE_OK &&
		    sqlite3_step(st2) == SQLITE_ROW)
			found = sqlite3_column_int(st2, 0);
		sqlite3_finalize(st2);
	}
	sqlite3_close(h);
	if (found != 3) {
		err_set(err, "'%s': it is not a wirelab result file (SQLite, but without the runs, "
			"series and events tables)", path);
		return -1;
	}
	return 0;
}

struct db *db_open(const char *path, struct errbuf *err)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db) {
		err_set(err, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err_set(err, "cannot open result file '%s': %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 10000);
	if (exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") < 0 ||
	    exec(db, "BEGIN") < 0 || exec(db, schema) < 0 || exec(db, "COMMIT") < 0) {
		err_set(err, "cannot write result file '%s': %s", path, db->error);
		goto fail;
	}
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(db->h, stmt_sql[i], -1, &db->st[i], NULL) != SQLITE_OK) {
			err_set(err, "result file '%s': %s", path, sqlite3_errmsg(db->h));
			goto fail;
		}
	return db;
fail:
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
	return NULL;
}

struct db *db_open_read(const char *path, struct errbuf *err)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db) {
		err_set(err, "out of memory");
		return NULL;
	}
	db->readonly = true;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(err, "cannot read result file '%s': %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->h, "SELECT run_id FROM runs LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		err_set(err, "'%s' is not a wirelab result file (%s)", path, sqlite3_errmsg(db->h));
		goto fail;
	}
	sqlite3_finalize(st);
	return db;
fail:
	sqlite3_close(db->h);
	free(db);
	return NULL;
}

int db_index(struct db *db)
{
	db_flush(db);
	return exec(db, indexes);
}

int db_flush(struct db *db)
{
	if (db->in_tx) {
		if (exec(db, "COMMIT") < 0)
			return -1;
		db->in_tx = false;
	}
	db->pending = 0;
	return db->error[0] ? -1 : 0;
}

int db_close(struct db *db, struct errbuf *err)
{
	if (!db)
		return 0;
	db_flush(db);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	if (!db->readonly) {
		exec(db, indexes);
		exec(db, "PRAGMA journal_mode=DELETE");
	}
	int rc = db->error[0] ? -1 : 0;
	if (rc)
		err_set(err, "result file: %s", db->error);
	if (sqlite3_close(db->h) != SQLITE_OK && !rc) {
		err_set(err, "closing result file: %s", sqlite3_errmsg(db->h));
		rc = -1;
	}
	free(db);
	return rc;
}

/* Opens the batch transaction if needed; every insert goes through here.
 * false after a failure: nothing more is written (the run is stopping). */
static bool begin_row(struct db *db)
{
	if (db->error[0])
		return false;
	if (!db->in_tx) {
		if (exec(db, "BEGIN") < 0)
			return false;
		db->in_tx = true;
	}
	return true;
}

static void end_row(struct db *db, sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, what);
	sqlite3_reset(st);
	if (++db->pending >= DB_BATCH)
		db_flush(db);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

int64_t db_run_begin(struct db *db, const char *scenario, const char *params_json,
		     uint64_t seed, const char *version)
{
	db_flush(db);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h,
			       "INSERT INTO runs (scenario, params, seed, status, version, started_at)"
			       " VALUES (?,?,?,'running',?,strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
			       -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "recording the run");
		return -1;
	}
	bind_text(st, 1, scenario);
	bind_text(st, 2, params_json);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seed);
	bind_text(st, 4, version);
	int64_t id = -1;
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(db->h);
	else
		db_fail(db, "recording the run");
	sqlite3_finalize(st);
	return id;
}

void db_set_params(struct db *db, int64_t run, const char *params_json)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "UPDATE runs SET params=? WHERE run_id=?", -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "recording the parameters");
		return;
	}
	bind_text(st, 1, params_json);
	sqlite3_bind_int64(st, 2, run);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_fail(db, "recording the parameters");
	sqlite3_finalize(st);
	db_flush(db);
}

/* The UPDATE of a run's row; SQLITE_DONE or the error code. */
static int update_run(struct db *db, int64_t run, const char *status, const char *error,
		      int64_t sim_ns, uint64_t events, double wall_s)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h,
				    "UPDATE runs SET status=?, error=?, sim_ns=?, events=?, wall_s=?"
				    " WHERE run_id=?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	bind_text(st, 1, status);
	bind_text(st, 2, error);
	sqlite3_bind_int64(st, 3, sim_ns);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)events);
	sqlite3_bind_double(st, 5, wall_s);
	sqlite3_bind_int64(st, 6, run);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc;
}

void db_run_end(struct db *db, int64_t run, const char *status, const char *error,
		int64_t sim_ns, uint64_t events, double wall_s)
{
	if (!db->error[0]) {
		db_flush(db);
		if (update_run(db, run, status, error, sim_ns, events, wall_s) != SQLITE_DONE)
			db_fail(db, "finishing the run");
		return;
	}
	/* After a failure (a full disk): drop the batch that failed, then
	 * record the status in the WAL space that batch (or reserve_wal) left
	 * allocated.  If even that does not fit, try to move what is committed
	 * from the WAL into the database, truncating the WAL, and again. */
	if (db->in_tx)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = false;
	db->pending = 0;
	if (update_run(db, run, status, error, sim_ns, events, wall_s) == SQLITE_DONE)
		return;
	sqlite3_exec(db->h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	update_run(db, run, status, error, sim_ns, events, wall_s);
}

void db_series(struct db *db, int64_t run, const char *metric, const char *entity,
	       int64_t t_ns, double value)
{
	sqlite3_stmt *st = db->st[ST_SERIES];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t_ns);
	sqlite3_bind_double(st, 5, value);
	end_row(db, st, "writing a series row");
}

void db_event(struct db *db, int64_t run, int64_t t_ns, const char *entity,
	      const char *kind, const char *detail)
{
	sqlite3_stmt *st = db->st[ST_EVENT];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, t_ns);
	bind_text(st, 3, entity);
	bind_text(st, 4, kind);
	bind_text(st, 5, detail);
	end_row(db, st, "writing an event row");
}

void db_flow(struct db *db, int64_t run, const struct db_flow *f)
{
	sqlite3_stmt *st = db->st[ST_FLOW];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, f->flow_id);
	bind_text(st, 3, f->proto);
	bind_text(st, 4, f->app);
	bind_text(st, 5, f->src);
	bind_text(st, 6, f->dst);
	bind_text(st, 7, f->cc);
	sqlite3_bind_int64(st, 8, f->start_ns);
	sqlite3_bind_int64(st, 9, f->end_ns);
	sqlite3_bind_int64(st, 10, f->bytes);
	sqlite3_bind_double(st, 11, f->goodput_bps);
	bind_opt_int(st, 12, f->retrans);
	bind_opt_int(st, 13, f->rtt_min_ns);
	bind_opt_int(st, 14, f->rtt_mean_ns);
	bind_opt_int(st, 15, f->pkts_sent);
	bind_opt_int(st, 16, f->pkts_recv);
	bind_text(st, 17, f->name);
	end_row(db, st, "writing a flow row");
}

void db_queue(struct db *db, int64_t run, const struct db_queue *q)
{
	sqlite3_stmt *st = db->st[ST_QUEUE];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	bind_text(st, 2, q->entity);
	bind_text(st, 3, q->qdisc);
	bind_text(st, 4, q->params);
	sqlite3_bind_int64(st, 5, q->enqueued);
	sqlite3_bind_int64(st, 6, q->dequeued);
	sqlite3_bind_int64(st, 7, q->dropped);
	sqlite3_bind_int64(st, 8, q->marked);
	sqlite3_bind_int64(st, 9, q->bytes_dropped);
	sqlite3_bind_int64(st, 10, q->max_pkts);
	sqlite3_bind_int64(st, 11, q->max_bytes);
	end_row(db, st, "writing a queue row");
}

void db_dns_lookup(struct db *db, int64_t run, const struct db_dns_lookup *l)
{
	sqlite3_stmt *st = db->st[ST_DNS];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, l->t_ns);
	bind_text(st, 3, l->node);
	bind_text(st, 4, l->resolver);
	bind_text(st, 5, l->name);
	bind_text(st, 6, l->qtype);
	bind_text(st, 7, l->rcode);
	bind_text(st, 8, l->cache);
	sqlite3_bind_int64(st, 9, l->latency_ns);
	sqlite3_bind_int64(st, 10, l->upstream);
	bind_text(st, 11, l->answers);
	end_row(db, st, "writing a DNS lookup row");
}

/* A HAR timing: -1 (not applicable) is kept as -1, as HAR writes it. */
void db_http_request(struct db *db, int64_t run, const struct db_http_request *r)
{
	sqlite3_stmt *st = db->st[ST_HTTP];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, r->req_id);
	bind_opt_int(st, 3, r->page_id);
	bind_text(st, 4, r->client);
	bind_text(st, 5, r->url);
	bind_text(st, 6, r->method);
	sqlite3_bind_int64(st, 7, r->status);
	bind_text(st, 8, r->proto);
	bind_opt_int(st, 9, r->conn_id);
	bind_opt_int(st, 10, r->stream_id);
	bind_text(st, 11, r->server_ip);
	sqlite3_bind_int64(st, 12, r->started_ns);
	const int64_t t[7] = { r->blocked_ns, r->dns_ns, r->connect_ns, r->ssl_ns,
			       r->send_ns, r->wait_ns, r->receive_ns };
	for (int i = 0; i < 7; i++)
		sqlite3_bind_int64(st, 13 + i, t[i] < 0 ? -1 : t[i]);
	sqlite3_bind_int64(st, 20, r->req_bytes);
	sqlite3_bind_int64(st, 21, r->resp_bytes);
	bind_text(st, 22, r->mime);
	bind_text(st, 23, r->error);
	end_row(db, st, "writing an HTTP request row");
}

void db_page(struct db *db, int64_t run, const struct db_page *p)
{
	sqlite3_stmt *st = db->st[ST_PAGE];
	if (!begin_row(db))
		return;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_int64(st, 2, p->page_id);
	bind_text(st, 3, p->client);
	bind_text(st, 4, p->url);
	bind_text(st, 5, p->proto);
	sqlite3_bind_int64(st, 6, p->started_ns);
	bind_opt_int(st, 7, p->ttfb_ns);
	bind_opt_int(st, 8, p->onload_ns);
	sqlite3_bind_int64(st, 9, p->requests);
	sqlite3_bind_int64(st, 10, p->bytes);
	bind_text(st, 11, p->error);
	end_row(db, st, "writing a page row");
}

const char *db_error(const struct db *db)
{
	return db->error[0] ? db->error : NULL;
}

void *db_handle(struct db *db) { return db->h; }

/* Authoriser for db_query: reading only. */
static int read_only(void *arg, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)arg; (void)a; (void)b; (void)c; (void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

int db_query(struct db *db, const char *sql, db_row_fn row, void *arg, struct errbuf *err)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	sqlite3_set_authorizer(db->h, read_only, NULL);
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, &tail);
	sqlite3_set_authorizer(db->h, NULL, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, "query: %s", sqlite3_errmsg(db->h));
		return -1;
	}
	if (!st) {
		err_set(err, "query: empty SQL");
		return -1;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		sqlite3_finalize(st);
		err_set(err, "query: one statement at a time, please (extra text: '%.40s')", tail);
		return -1;
	}
	int n = sqlite3_column_count(st);
	const char **names = calloc((size_t)n + 1, sizeof(*names));
	const char **text = calloc((size_t)n + 1, sizeof(*text));
	int *types = calloc((size_t)n + 1, sizeof(*types));
	int64_t *ival = calloc((size_t)n + 1, sizeof(*ival));
	double *num = calloc((size_t)n + 1, sizeof(*num));
	int result = 0;
	if (!names || !text || !types || !ival || !num) {
		err_set(err, "query: out of memory");
		result = -1;
		goto out;
	}
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	for (;;) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			err_set(err, "query: %s", sqlite3_errmsg(db->h));
			result = -1;
			break;
		}
		for (int i = 0; i < n; i++) {
			types[i] = sqlite3_column_type(st, i);
			text[i] = NULL;
			ival[i] = 0;
			num[i] = 0;
			if (types[i] == SQLITE_INTEGER) {
				ival[i] = sqlite3_column_int64(st, i);
				num[i] = (double)ival[i];
			} else if (types[i] == SQLITE_FLOAT) {
				num[i] = sqlite3_column_double(st, i);
			} else if (types[i] != SQLITE_NULL) {
				text[i] = (const char *)sqlite3_column_text(st, i);
			}
		}
		struct db_row r = { n, names, types, text, ival, num };
		if (row(arg, &r))
			break;
	}
out:
	sqlite3_finalize(st);
	free(names);
	free(text);
	free(types);
	free(ival);
	free(num);
	return result;
}
