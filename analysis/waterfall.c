/* Page loads in plots and reports (see waterfall.h): the pages of a run
 * that get a waterfall figure, drawn by analysis/waterfall.gp from the
 * pages and http_requests tables, and the report's table of page loads
 * (page-load time is pages.onload_ns, TTFB pages.ttfb_ns: the first byte
 * of the HTML, both from the page's start).  Read through the store's
 * read-only query (sim/db.h). */
#include "analysis/waterfall.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/report_priv.h"
#include "sim/db.h"
#include "sim/sim.h"
#include "sim/util.h"

static int64_t col_int(const struct db_row *r, int i, int64_t missing)
{
	return r->types[i] == DB_INT ? r->ival[i] : r->types[i] == DB_REAL ? (int64_t)r->num[i] : missing;
}

static int one_int(void *arg, const struct db_row *r)
{
	*(int64_t *)arg = col_int(r, 0, 0);
	return 0;
}

/* Does the file have the pages and http_requests tables (older files do
 * not)? */
static bool has_page_tables(struct db *db)
{
	int64_t n = 0;
	if (db_query(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			 " AND name IN ('pages', 'http_requests')", one_int, &n, NULL) < 0)
		return false;
	return n == 2;
}

struct page_walk {
	void (*fn)(void *arg, int64_t page_id);
	void *arg;
	int n;
};

static int on_page_id(void *arg, const struct db_row *r)
{
	struct page_walk *w = arg;
	w->fn(w->arg, col_int(r, 0, 0));
	w->n++;
	return 0;
}

int waterfall_pages(struct db *db, int64_t run, void (*fn)(void *arg, int64_t page_id), void *arg)
{
	if (!has_page_tables(db))
		return 0;
	char sql[512];
	struct page_walk w = { fn, arg, 0 };
	snprintf(sql, sizeof(sql),
		 "SELECT p.page_id FROM pages p WHERE p.run_id = %" PRId64 " AND EXISTS"
		 " (SELECT 1 FROM http_requests r WHERE r.run_id = p.run_id AND r.page_id = p.page_id)"
		 " ORDER BY p.page_id LIMIT %d", run, WATERFALL_MAX_PAGES);
	if (db_query(db, sql, on_page_id, &w, NULL) < 0)
		return -1;
	return w.n;
}

/* ---- the report's table ---- */

struct table {
	FILE *f;
	int rows;
};

static void ms_cell(FILE *f, const struct db_row *r, int i)
{
	if (r->types[i] == DB_INT || r->types[i] == DB_REAL)
		fprintf(f, "<td class=n>%.3f</td>", r->num[i] / 1e6);
	else
		fputs("<td class=n>&ndash;</td>", f);
}

static int on_page_row(void *arg, const struct db_row *r)
{
	struct table *t = arg;
	FILE *f = t->f;
	bool failed = r->types[8] == DB_TEXT;
	fprintf(f, "<tr%s><td class=n>%" PRId64 "</td><td>", failed ? " class=error" : "", col_int(r, 0, 0));
	for (int i = 1; i <= 3; i++) {
		report_esc(f, r->types[i] == DB_TEXT ? r->text[i] : "");
		fputs(i < 3 ? "</td><td>" : "</td>", f);
	}
	fprintf(f, "<td class=n>%" PRId64 "</td><td class=n>%" PRId64 "</td>", col_int(r, 4, 0), col_int(r, 5, 0));
	ms_cell(f, r, 6);
	ms_cell(f, r, 7);
	fputs("<td class=status>", f);
	if (failed)
		report_esc(f, r->text[8]);
	fputs("</td></tr>\n", f);
	t->rows++;
	return 0;
}

struct agg {
	int64_t n, loaded;
	double mean, median, max;
};

static int on_agg(void *arg, const struct db_row *r)
{
	struct agg *a = arg;
	a->n = col_int(r, 0, 0);
	a->loaded = col_int(r, 1, 0);
	a->mean = r->num[2];
	a->max = r->num[3];
	return 0;
}

static int on_median(void *arg, const struct db_row *r)
{
	*(double *)arg = r->num[0];
	return 0;
}

void waterfall_page_table(FILE *f, struct db *db, int64_t run)
{
	if (!has_page_tables(db))
		return;
	char sql[768];
	struct agg a = { 0 };
	snprintf(sql, sizeof(sql), "SELECT count(*), count(onload_ns), avg(onload_ns), max(onload_ns)"
		 " FROM pages WHERE run_id = %" PRId64, run);
	if (db_query(db, sql, on_agg, &a, NULL) < 0 || a.n == 0)
		return;
	/* the median of the loaded pages (the lower middle one when even) */
	snprintf(sql, sizeof(sql), "SELECT onload_ns FROM pages WHERE run_id = %" PRId64
		 " AND onload_ns IS NOT NULL ORDER BY onload_ns LIMIT 1 OFFSET %" PRId64, run,
		 a.loaded > 0 ? (a.loaded - 1) / 2 : 0);
	if (a.loaded > 0)
		db_query(db, sql, on_median, &a.median, NULL);
	fprintf(f, "<p class=note>Page loads (<code>pages</code>; their requests are in "
		   "<code>http_requests</code>, and <code>wirelab har FILE.db --run %" PRId64 "</code> writes "
		   "them as a HAR file for a browser's developer tools): TTFB is the first byte of the "
		   "HTML, page-load time the last byte of the last object (onload), both in ms from "
		   "the page's start.", run);
	if (a.loaded > 0)
		fprintf(f, "  %" PRId64 " page%s, %" PRId64 " loaded: page-load time mean %.3f ms, median "
			   "%.3f ms, max %.3f ms.", a.n, a.n == 1 ? "" : "s", a.loaded, a.mean / 1e6,
			a.median / 1e6, a.max / 1e6);
	else
		fprintf(f, "  %" PRId64 " page%s, none loaded.", a.n, a.n == 1 ? "" : "s");
	if (a.n > WATERFALL_TABLE_ROWS)
		fprintf(f, "  The first %d by page id:", WATERFALL_TABLE_ROWS);
	fputs("</p>\n<div class=wide><table><tr><th>page</th><th>client</th><th>URL</th><th>protocol</th>"
	      "<th>requests</th><th>bytes</th><th>TTFB (ms)</th><th>page load (ms)</th><th>error</th></tr>\n", f);
	snprintf(sql, sizeof(sql), "SELECT page_id, client, url, proto, requests, bytes, ttfb_ns, onload_ns, error"
		 " FROM pages WHERE run_id = %" PRId64 " ORDER BY page_id LIMIT %d", run, WATERFALL_TABLE_ROWS);
	struct table t = { f, 0 };
	db_query(db, sql, on_page_row, &t, NULL);
	fputs("</table></div>\n", f);
}
