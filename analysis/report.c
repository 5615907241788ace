/* `wirelab report FILE.db [--out DIR]`: recomputes the statistics
 * (stats.c), draws the figures with the gnuplot templates of analysis/
 * (plot.c) and writes DIR/index.html, plain HTML with inline CSS:
 *
 *   - a table of every run: scenario, the parameters that vary between
 *     the runs (those that do not are listed once), seed, sweep and
 *     replication, status, goodput and 95th-percentile ping RTT;
 *   - per sweep, the sweep_*.gp figures and the summary: one row per
 *     parameter point with the key metrics and their 95 % CIs
 *     (report_tables.c);
 *   - per run, the run_*.gp figures: for every run when the file holds at
 *     most REPORT_ALL_RUNS, else for the first successful replication of
 *     each sweep point and for the runs outside sweeps, in run order, at
 *     most REPORT_MAX_RUN_FIGS runs (the page says which).
 *
 * Under each figure: its template (copied into DIR/analysis/ with the
 * files it loads, so DIR is self-contained) and the gnuplot command that
 * drew it.  The page links only to files that were written. */
#include "analysis/report.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/results.h"
#include "analysis/plot.h"
#include "sim/sim.h"
#include "analysis/stats.h"
#include "sim/util.h"
#include "analysis/report_priv.h"
#include "analysis/waterfall.h"

#define REPORT_ALL_RUNS 8
#define REPORT_MAX_RUN_FIGS 16

/* Fits a 1400-pixel window: the page is at most 1250 px wide, wide
 * tables scroll inside their own box, long words (a sweep's command line,
 * an error) wrap, and figures shrink to the page. */
static const char css[] =
	"body{font-family:sans-serif;max-width:1250px;margin:2em auto;padding:0 1em;color:#222}"
	"h1{font-size:1.5em;overflow-wrap:anywhere}h2{border-bottom:1px solid #ccc;margin-top:2em}"
	"div.wide{max-width:100%;overflow-x:auto}"
	"table{border-collapse:collapse;font-size:.85em;margin:1em 0}"
	"th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
	"th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.status{max-width:28em;overflow-wrap:anywhere}span.ci{color:#666}"
	"tr.error td,td.failed{background:#fdecea}"
	"figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}"
	"figcaption{font-size:.85em;color:#444}"
	"code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.85em;background:#f6f6f6}"
	"code{overflow-wrap:anywhere}"
	"pre{padding:.5em;overflow-x:auto;max-width:100%}"
	"p.note{color:#555;font-size:.9em}";

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Copies analysis/NAME into DIR/analysis/NAME once. */
static void copy_template(const struct report *r, const char *name)
{
	char src[8400], dst[8400];
	snprintf(src, sizeof(src), "%s/analysis/%s", r->home, name);
	snprintf(dst, sizeof(dst), "%s/analysis/%s", r->outdir, name);
	FILE *in = fopen(src, "r");
	if (!in)
		return;
	FILE *out = fopen(dst, "w");
	if (out) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		fclose(out);
	}
	fclose(in);
}

static bool exists(const char *dir, const char *name, const char *ext)
{
	char path[8400];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static void on_figure(void *arg, const char *tname, const char *tpath, const char *extra, const char *base)
{
	struct report *r = arg;
	const char *name = base + strlen(r->outdir) + 1;
	if (!exists(r->outdir, name, ".png") || !exists(r->outdir, name, ".svg")) {
		r->failed_figs++;
		return;
	}
	char cmd[16384];
	plot_command(cmd, sizeof(cmd), r->home, tpath, r->dbpath, r->kind, r->id, extra, base, "png");
	xgrow((void **)&r->into->v, &r->into->cap, r->into->n + 1, sizeof(*r->into->v));
	r->into->v[r->into->n++] = (struct fig){ xstrdup(name), xstrdup(tname), xstrdup(cmd) };
	copy_template(r, tname);
}

static void draw(struct report *r, const char *kind, int64_t id, struct figs *into)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s-%lld-", kind, (long long)id);
	r->kind = kind;
	r->id = id;
	r->into = into;
	if (plot_figures(r->home, r->h, r->dbpath, kind, id, r->outdir, prefix, on_figure, r, &r->failed_figs) < 0)
		r->failed_figs++;
}

static void write_template_text(FILE *f, const struct report *r, const char *tname)
{
	char path[8400];
	snprintf(path, sizeof(path), "%s/analysis/%s", r->outdir, tname);
	FILE *t = fopen(path, "r");
	if (!t)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), t))
		report_esc(f, line);
	fclose(t);
}

static void write_figs(FILE *f, const struct report *r, const struct figs *figs)
{
	for (size_t i = 0; i < figs->n; i++) {
		const struct fig *g = &figs->v[i];
		fprintf(f, "<figure><a href=\"");
		report_esc(f, g->name);
		fprintf(f, ".svg\"><img src=\"");
		report_esc(f, g->name);
		fprintf(f, ".png\" alt=\"");
		report_esc(f, g->name);
		fprintf(f, "\"></a>\n<figcaption>Drawn by <a href=\"analysis/");
		report_esc(f, g->tname);
		fprintf(f, "\">analysis/");
		report_esc(f, g->tname);
		fprintf(f, "</a>, which queries the result file itself (PNG; the image links to the SVG).\n"
			   "<details><summary>the command and the template's queries</summary><pre>");
		report_esc(f, g->cmd);
		fprintf(f, "\n\n");
		write_template_text(f, r, g->tname);
		fprintf(f, "</pre></details></figcaption></figure>\n");
	}
}

/* ---- collecting ---- */

static int on_run(void *arg, const struct results_run *x)
{
	struct report *r = arg;
	xgrow((void **)&r->runs, &r->cap, r->nruns + 1, sizeof(*r->runs));
	struct run_row *u = &r->runs[r->nruns++];
	*u = (struct run_row){
		.run_id = x->run_id, .seed = x->seed, .sweep_id = x->sweep_id, .rep = x->rep,
		.scenario = xstrdup(x->scenario), .params = xstrdup(x->params), .status = xstrdup(x->status),
		.error = xstrdup(x->error), .point = xstrdup(x->point),
	};
	return 0;
}

static int load_runs(struct report *r)
{
	struct errbuf err;
	if (results_runs(r->h, 0, on_run, r, &err) < 0) {
		fprintf(stderr, "wirelab: report: '%s': %s\n", r->dbpath, err.msg);
		return -1;
	}
	for (size_t i = 0; i < r->nruns; i++) {
		struct run_row *u = &r->runs[i];
		u->has_goodput = results_run_stat(r->h, u->run_id, "goodput_bps", "", &u->goodput_bps, NULL) > 0;
		u->has_p95 = results_run_stat(r->h, u->run_id, "ping_rtt_p95_ns", "", &u->p95_ns, NULL) > 0;
	}
	return 0;
}

/* Which runs get figures; writes the reason into why. */
static void choose_runs(struct report *r, char *why, size_t n)
{
	if (r->nruns <= REPORT_ALL_RUNS) {
		for (size_t i = 0; i < r->nruns; i++)
			r->runs[i].drawn = true;
		snprintf(why, n, "Figures for every run (the file holds %zu).", r->nruns);
		return;
	}
	size_t picked = 0;
	for (size_t i = 0; i < r->nruns && picked < REPORT_MAX_RUN_FIGS; i++) {
		struct run_row *u = &r->runs[i];
		if (u->sweep_id > 0) {
			if (strcmp(u->status, "ok") != 0)
				continue;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = r->runs[j].drawn && r->runs[j].sweep_id == u->sweep_id &&
				       strcmp(r->runs[j].point, u->point) == 0;
			if (seen)
				continue;
		}
		u->drawn = true;
		picked++;
	}
	snprintf(why, n, "The file holds %zu runs, more than %d, so figures are drawn for the first "
		 "successful replication of each sweep point and for every run outside a sweep, "
		 "in run order, at most %d runs (%zu here).  Draw any other with "
		 "<code>wirelab plot FILE.db --run N</code>.", r->nruns, REPORT_ALL_RUNS,
		 REPORT_MAX_RUN_FIGS, picked);
}

/* ---- the page ---- */

static int write_index(struct report *r, const char *why, struct figs *sweep_figs, int64_t *sweeps,
		       size_t nsweeps)
{
	char path[8400];
	snprintf(path, sizeof(path), "%s/index.html", r->outdir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "wirelab: report: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	size_t nok = 0;
	for (size_t i = 0; i < r->nruns; i++)
		nok += strcmp(r->runs[i].status, "ok") == 0;
	fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>wirelab report: ");
	report_esc(f, base_name(r->dbpath));
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>wirelab report: ", css);
	report_esc(f, r->dbpath);
	fprintf(f, "</h1>\n<p>%zu run%s (%zu ok, %zu failed), %zu sweep%s.  Written by "
		   "<code>wirelab report</code> (wirelab " WIRELAB_VERSION ") from the result file; "
		   "every figure is drawn by a gnuplot template of <code>analysis/</code> that "
		   "reads the file with <code>sqlite3</code>, and the tables are the file's "
		   "<code>runs</code>, <code>sweeps</code>, <code>run_stats</code> and "
		   "<code>summary</code> (see docs/sweeps.md).</p>\n",
		r->nruns, r->nruns == 1 ? "" : "s", nok, r->nruns - nok, nsweeps, nsweeps == 1 ? "" : "s");

	fprintf(f, "<h2 id=runs>Runs</h2>\n<p class=note>Goodput: the sum over the run's TCP flows "
		   "(<code>flows.goodput_bps</code>); ping RTT: the 95th percentile of the "
		   "<code>ping_rtt_ns</code> samples after the run's warm-up.</p>\n");
	report_runs_table(f, r);

	for (size_t s = 0; s < nsweeps; s++) {
		struct results_sweep_info info;
		fprintf(f, "<h2 id=sweep-%lld>Sweep %lld</h2>\n", (long long)sweeps[s], (long long)sweeps[s]);
		if (results_sweep_info(r->h, sweeps[s], &info, NULL) == 0) {
			fprintf(f, "<p><code>");
			report_esc(f, info.spec);
			fprintf(f, "</code><br>%lld runs at %lld points, %lld ok.</p>\n", (long long)info.nruns,
				(long long)info.npoints, (long long)info.nok);
		}
		fprintf(f, "<h3 id=sweep-%lld-summary>Summary</h3>\n<p class=note>One row per point of the sweep: the swept "
			   "parameters, the number n of successful replications, and per metric the mean "
			   "over them &plusmn; the half-width of its 95 %% confidence interval, "
			   "t(0.975, n&minus;1)&middot;s/&radic;n (no interval when n = 1).  Goodput is the "
			   "total over the run's TCP flows, a share that algorithm's fraction of it where "
			   "algorithms compete; ping RTT and latency percentiles count from the warm-up.  "
			   "Every metric of every point: <code>SELECT * FROM summary WHERE sweep_id = %lld</code>."
			   "</p>\n", (long long)sweeps[s], (long long)sweeps[s]);
		report_sweep_summary(f, r, sweeps[s]);
		if (sweep_figs[s].n)
			fprintf(f, "<h3>Figures</h3>\n");
		write_figs(f, r, &sweep_figs[s]);
	}

	fprintf(f, "<h2 id=each-run>Runs, one by one</h2>\n<p class=note>%s</p>\n", why);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct run_row *u = &r->runs[i];
		if (!u->drawn)
			continue;
		fprintf(f, "<h3 id=run-%lld>Run %lld: ", (long long)u->run_id, (long long)u->run_id);
		report_esc(f, base_name(u->scenario));
		fprintf(f, "</h3>\n<p>");
		report_run_params(f, r, u);
		fprintf(f, "%sseed %lld</p>\n", r->varied.n ? ", " : "", (long long)u->seed);
		waterfall_page_table(f, r->h, u->run_id);
		if (u->figs.n == 0)
			fprintf(f, "<p class=note>Nothing to draw: the run recorded no series "
				   "(scenarios record them with <code>record { ... }</code>).</p>\n");
		write_figs(f, r, &u->figs);
	}
	fprintf(f, "</body></html>\n");
	if (fclose(f) != 0) {
		fprintf(stderr, "wirelab: report: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void free_figs(struct figs *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].name);
		free(g->v[i].tname);
		free(g->v[i].cmd);
	}
	free(g->v);
}

int report_write(const char *dbpath, const char *outdir)
{
	struct report r = { .dbpath = dbpath, .outdir = outdir };
	if (access(r.dbpath, R_OK) < 0) {
		fprintf(stderr, "wirelab: report: cannot read result file '%s': %s\n", r.dbpath, strerror(errno));
		return 1;
	}
	char defdir[4096];
	if (!r.outdir) {
		size_t n = strlen(r.dbpath);
		if (n > 3 && strcmp(r.dbpath + n - 3, ".db") == 0)
			n -= 3;
		snprintf(defdir, sizeof(defdir), "%.*s-report", (int)n, r.dbpath);
		r.outdir = defdir;
	}
	if (strchr(r.dbpath, '\'') || strchr(r.outdir, '\'')) {
		fprintf(stderr, "wirelab: report: file names with a ' are not supported\n");
		return 1;
	}
	int rc = 1;
	struct figs *sweep_figs = NULL;
	int64_t *sweeps = NULL;
	size_t nsweeps = 0;
	struct errbuf err;
	r.h = db_open_read(r.dbpath, &err);
	if (!r.h) {
		fprintf(stderr, "wirelab: report: %s\n", err.msg);
		goto out;
	}
	db_close(r.h, &err);
	r.h = NULL;

	/* the statistics, fresh: they are derived from the other tables */
	struct db *db = db_open(r.dbpath, &err);
	if (!db || stats_update(db, &err) < 0) {
		fprintf(stderr, "wirelab: report: cannot update the statistics of '%s': %s\n", r.dbpath, err.msg);
		db_close(db, &err);
		goto out;
	}
	if (db_close(db, &err) < 0) {
		fprintf(stderr, "wirelab: report: %s\n", err.msg);
		goto out;
	}
	r.h = db_open_read(r.dbpath, &err);
	if (!r.h) {
		fprintf(stderr, "wirelab: report: %s\n", err.msg);
		goto out;
	}
	if (load_runs(&r) < 0 || report_params(&r) < 0)
		goto out;

	char sub[8400];
	snprintf(sub, sizeof(sub), "%s/analysis", r.outdir);
	if ((mkdir(r.outdir, 0777) < 0 && errno != EEXIST) || (mkdir(sub, 0777) < 0 && errno != EEXIST)) {
		fprintf(stderr, "wirelab: report: cannot create '%s': %s\n", sub, strerror(errno));
		goto out;
	}
	wl_home(r.home, sizeof(r.home));
	copy_template(&r, "common.gp");
	copy_template(&r, "common_sweep.gp");

	long ns = results_sweep_ids(r.h, &sweeps, &err);
	if (ns < 0) {
		fprintf(stderr, "wirelab: report: %s\n", err.msg);
		goto out;
	}
	nsweeps = (size_t)ns;
	sweep_figs = xcalloc(nsweeps + 1, sizeof(*sweep_figs));
	for (size_t s = 0; s < nsweeps; s++)
		draw(&r, "sweep", sweeps[s], &sweep_figs[s]);
	char why[1024];
	choose_runs(&r, why, sizeof(why));
	size_t nfigs = 0;
	for (size_t i = 0; i < r.nruns; i++)
		if (r.runs[i].drawn) {
			draw(&r, "run", r.runs[i].run_id, &r.runs[i].figs);
			nfigs += r.runs[i].figs.n;
		}
	for (size_t s = 0; s < nsweeps; s++)
		nfigs += sweep_figs[s].n;
	if (write_index(&r, why, sweep_figs, sweeps, nsweeps) == 0) {
		printf("report: %s/index.html (%zu runs, %zu sweeps, %zu figures)\n", r.outdir, r.nruns,
		       nsweeps, nfigs);
		rc = r.failed_figs ? 1 : 0;
		if (r.failed_figs)
			fprintf(stderr, "wirelab: report: %d figures failed (see gnuplot's messages above)\n",
				r.failed_figs);
	}
out:
	for (size_t s = 0; s < nsweeps; s++)
		free_figs(&sweep_figs[s]);
	free(sweep_figs);
	free(sweeps);
	for (size_t i = 0; i < r.nruns; i++) {
		struct run_row *u = &r.runs[i];
		free(u->scenario);
		free(u->params);
		free(u->status);
		free(u->error);
		free(u->point);
		kv_free(&u->kv);
		free_figs(&u->figs);
	}
	free(r.runs);
	kv_free(&r.varied);
	kv_free(&r.common);
	if (r.h)
		db_close(r.h, &err);
	return rc;
}
