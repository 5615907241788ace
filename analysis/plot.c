/* `wirelab plot`, and the template machinery `wirelab report` shares.
 * Each template in analysis/ starts with comment lines naming what it
 * needs:
 *     # needs-metric: queue_pkts        (series rows of that metric)
 *     # needs-events: traceroute        (events rows of that kind)
 *     # needs-summary: goodput_share 2  (summary rows of that metric, with
 *                                        at least 2 keys at one point)
 * and may name the other metrics it draws beside them:
 *     # draws: ssthresh
 * run_*.gp templates draw one run and sweep_*.gp one sweep; a template is
 * drawn when the run (or sweep) has such rows, as PNG and SVG, by calling
 *     gnuplot -e "db='FILE'; run=N; out='BASE.png'; fmt='png'; lib='analysis'" T.gp
 * (sweep=N for a sweep template), so the same command works by hand.
 * Every other metric of a run's series (application metrics such as
 * requests_per_s and latency_ns, a scenario's own metric() rows) is drawn
 * by the generic metric.gp, one figure per metric, metric='NAME' added to
 * the command, into metric-NAME.png and .svg.  A run with page loads gets
 * a waterfall per page (waterfall.gp; waterfall.c picks the pages),
 * page=N added to the command, into waterfall-page-N.png and .svg. */
#include "analysis/plot.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/results.h"
#include "sim/sim.h"
#include "sim/util.h"
#include "analysis/waterfall.h"

/* Metric names the templates that apply draw (needs-metric and draws). */
struct names {
	char **v;
	size_t n, cap;
};

static void names_add(struct names *l, const char *s)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

static bool names_has(const struct names *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Does the run (or sweep) have what the template says it needs?  A
 * template that names nothing is always drawn.  When it applies, the
 * metrics it draws go into *drawn. */
static int template_applies(struct db *db, const char *path, long long id, struct names *drawn)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int needs = 0, has = 0;
	struct names mine = { 0 };
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		char what[128];
		int min = 1;
		if (sscanf(line, "# needs-metric: %127s", what) == 1) {
			needs++;
			has += results_has_series(db, id, what, NULL) > 0;
			names_add(&mine, what);
		} else if (sscanf(line, "# needs-events: %127s", what) == 1) {
			needs++;
			has += results_has_events(db, id, what, NULL) > 0;
		} else if (sscanf(line, "# needs-summary: %127s %d", what, &min) >= 1) {
			needs++;
			has += results_summary_max_keys(db, id, what, NULL) >= (min > 0 ? min : 1);
		} else if (strncmp(line, "# draws:", 8) == 0) {
			for (char *w = strtok(line + 8, " \t\r\n"); w; w = strtok(NULL, " \t\r\n"))
				names_add(&mine, w);
		}
	}
	fclose(f);
	bool applies = needs == 0 || has == needs;
	for (size_t i = 0; applies && i < mine.n; i++)
		if (!names_has(drawn, mine.v[i]))
			names_add(drawn, mine.v[i]);
	names_free(&mine);
	return applies;
}

/* A metric name that can go into a gnuplot string, an SQL literal and a
 * file name as it is. */
static bool plain_name(const char *s)
{
	if (!*s || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-", *s))
			return false;
	return true;
}

struct generic {
	struct names *drawn, todo;
};

static void on_page(void *arg, int64_t page_id)
{
	char s[32];
	snprintf(s, sizeof(s), "%lld", (long long)page_id);
	names_add(arg, s);
}

static int on_series_key(void *arg, const char *metric, const char *entity, int64_t n)
{
	struct generic *g = arg;
	(void)entity;
	(void)n;
	if (names_has(g->drawn, metric) || names_has(&g->todo, metric))
		return 0;
	if (!plain_name(metric))
		fprintf(stderr, "wirelab: plot: note: metric '%s' is not drawn (its name has characters"
			" other than letters, digits and _ . : -)\n", metric);
	else
		names_add(&g->todo, metric);
	return 0;
}

static pid_t start_gnuplot(const char *expr, const char *template_path)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("wirelab: fork");
		return -1;
	}
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", "-e", expr, template_path, (char *)NULL);
		fprintf(stderr, "wirelab: cannot run gnuplot: %s (install gnuplot-nox: make deps)\n",
			strerror(errno));
		_exit(127);
	}
	return pid;
}

/* One figure: a template drawn into base.png and base.svg. */
struct plot_task {
	char *tname, *tpath, *base;
	char *extra;       /* more gnuplot assignments ("metric='x'; "), or "" */
	pid_t pid[2];      /* the running gnuplot per format; 0 when not running */
	int done, failed;  /* formats finished, and of those failed */
};

static const char *const plot_fmts[] = { "png", "svg" };

static int plot_parallelism(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Draws every task, both formats, at most `par` gnuplots at once. */
static void run_tasks(const char *home, const char *db, const char *var, long long id,
		      struct plot_task *t, int n, int par)
{
	int next = 0, running = 0;   /* next: task * 2 + format */
	while (next < 2 * n || running > 0) {
		while (running < par && next < 2 * n) {
			struct plot_task *k = &t[next / 2];
			int f = next % 2;
			char expr[8192];
			snprintf(expr, sizeof(expr), "db='%s'; %s=%lld; %sout='%s.%s'; fmt='%s'; lib='%s/analysis'",
				 db, var, id, k->extra, k->base, plot_fmts[f], plot_fmts[f], home);
			k->pid[f] = start_gnuplot(expr, k->tpath);
			if (k->pid[f] < 0) {
				k->pid[f] = 0;
				k->done++;
				k->failed++;
			} else {
				running++;
			}
			next++;
		}
		if (running == 0)
			break;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < n; i++)
			for (int f = 0; f < 2; f++)
				if (t[i].pid[f] == pid) {
					t[i].pid[f] = 0;
					t[i].done++;
					running--;
					if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
						t[i].failed++;
						fprintf(stderr, "wirelab: plot: gnuplot failed on %s for %s.%s\n",
							t[i].tpath, t[i].base, plot_fmts[f]);
					}
				}
	}
}

void plot_command(char *buf, size_t n, const char *home, const char *template_path, const char *db,
		  const char *var, long long id, const char *extra, const char *out_base, const char *fmt)
{
	snprintf(buf, n, "gnuplot -e \"db='%s'; %s=%lld; %sout='%s.%s'; fmt='%s'; lib='%s/analysis'\" %s",
		 db, var, id, extra, out_base, fmt, fmt, home, template_path);
}

static bool quote_free(const char *home, const char *db, const char *out)
{
	if (strchr(db, '\'') || strchr(out, '\'') || strchr(home, '\'')) {
		fprintf(stderr, "wirelab: plot: file names with a ' are not supported\n");
		return false;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int plot_figures(const char *home, struct db *db, const char *dbpath, const char *kind, long long id,
		 const char *outdir, const char *prefix, plot_figure_fn done, void *arg, int *failed)
{
	char adir[4200];
	snprintf(adir, sizeof(adir), "%s/analysis", home);
	if (!quote_free(home, dbpath, outdir))
		return -1;
	DIR *d = opendir(adir);
	if (!d) {
		fprintf(stderr, "wirelab: plot: no templates folder %s\n", adir);
		return -1;
	}
	char *names[256];
	int n = 0;
	size_t klen = strlen(kind);
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);
		/* KIND_NAME.gp: run_*.gp per run, sweep_*.gp per sweep; lib files
		 * (common.gp, common_sweep.gp) are loaded by the templates */
		if (len > klen + 4 && strcmp(e->d_name + len - 3, ".gp") == 0 &&
		    strncmp(e->d_name, kind, klen) == 0 && e->d_name[klen] == '_')
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	struct names covered = { 0 };
	struct plot_task *tasks = xcalloc((size_t)n + 1, sizeof(*tasks));
	int ntasks = 0;
	for (int i = 0; i < n; i++) {
		char tpath[8400], base[8400];
		snprintf(tpath, sizeof(tpath), "%s/%s", adir, names[i]);
		if (template_applies(db, tpath, id, &covered)) {
			/* run_cwnd.gp -> OUTDIR/PREFIXcwnd */
			snprintf(base, sizeof(base), "%s/%s%.*s", outdir, prefix,
				 (int)(strlen(names[i]) - klen - 4), names[i] + klen + 1);
			tasks[ntasks++] = (struct plot_task){ names[i], xstrdup(tpath), xstrdup(base), xstrdup(""),
							      { 0, 0 }, 0, 0 };
		} else {
			free(names[i]);
		}
	}
	/* every other metric of a run: the generic template, one figure each */
	struct generic g = { &covered, { 0 } };
	if (strcmp(kind, "run") == 0)
		results_series_keys(db, id, on_series_key, &g, NULL);
	if (g.todo.n)
		tasks = xrealloc(tasks, ((size_t)ntasks + g.todo.n + 1) * sizeof(*tasks));
	for (size_t i = 0; i < g.todo.n; i++) {
		char tpath[8400], base[8400], extra[160];
		snprintf(tpath, sizeof(tpath), "%s/metric.gp", adir);
		snprintf(base, sizeof(base), "%s/%smetric-%s", outdir, prefix, g.todo.v[i]);
		snprintf(extra, sizeof(extra), "metric='%s'; ", g.todo.v[i]);
		tasks[ntasks++] = (struct plot_task){ xstrdup("metric.gp"), xstrdup(tpath), xstrdup(base),
						      xstrdup(extra), { 0, 0 }, 0, 0 };
	}
	names_free(&g.todo);
	/* a waterfall per page of a run (the first few: waterfall.h) */
	struct names pages = { 0 };
	if (strcmp(kind, "run") == 0)
		waterfall_pages(db, id, on_page, &pages);
	if (pages.n)
		tasks = xrealloc(tasks, ((size_t)ntasks + pages.n + 1) * sizeof(*tasks));
	for (size_t i = 0; i < pages.n; i++) {
		char tpath[8400], base[8400], extra[160];
		snprintf(tpath, sizeof(tpath), "%s/waterfall.gp", adir);
		snprintf(base, sizeof(base), "%s/%swaterfall-page-%s", outdir, prefix, pages.v[i]);
		snprintf(extra, sizeof(extra), "page=%s; ", pages.v[i]);
		tasks[ntasks++] = (struct plot_task){ xstrdup("waterfall.gp"), xstrdup(tpath), xstrdup(base),
						      xstrdup(extra), { 0, 0 }, 0, 0 };
	}
	names_free(&pages);
	names_free(&covered);
	run_tasks(home, dbpath, kind, id, tasks, ntasks, plot_parallelism());
	int drawn = 0;
	for (int i = 0; i < ntasks; i++) {
		if (tasks[i].failed || tasks[i].done != 2) {
			(*failed)++;
		} else {
			drawn++;
			if (done)
				done(arg, tasks[i].tname, tasks[i].tpath, tasks[i].extra, tasks[i].base);
		}
		free(tasks[i].extra);
		free(tasks[i].tname);
		free(tasks[i].tpath);
		free(tasks[i].base);
	}
	free(tasks);
	return drawn;
}

static void print_figure(void *arg, const char *name, const char *template_path, const char *extra,
			 const char *base)
{
	(void)arg;
	(void)name;
	(void)template_path;
	(void)extra;
	printf("%s.png %s.svg\n", base, base);
}

int plot_run(const char *dbpath, long long run, const char *outdir)
{
	struct errbuf err;
	if (access(dbpath, R_OK) < 0) {
		fprintf(stderr, "wirelab: plot: cannot read result file '%s': %s\n", dbpath, strerror(errno));
		return 1;
	}
	struct db *db = db_open_read(dbpath, &err);
	if (!db) {
		fprintf(stderr, "wirelab: plot: %s\n", err.msg);
		return 1;
	}
	int rc = 1;
	if (run < 0) {
		run = results_last_run(db, &err);
		if (run < 0) {
			fprintf(stderr, "wirelab: plot: '%s': %s\n", dbpath, err.msg);
			goto out;
		}
		if (run == 0) {
			fprintf(stderr, "wirelab: plot: '%s' holds no runs\n", dbpath);
			goto out;
		}
	} else {
		int has = results_run_exists(db, run, &err);
		if (has < 0) {
			fprintf(stderr, "wirelab: plot: '%s': %s\n", dbpath, err.msg);
			goto out;
		}
		if (!has) {
			int64_t last = results_last_run(db, &err);
			if (last > 0)
				fprintf(stderr, "wirelab: plot: '%s' has no run %lld (its runs are numbered up to %lld)\n",
					dbpath, run, (long long)last);
			else
				fprintf(stderr, "wirelab: plot: '%s' has no run %lld (it holds no runs)\n", dbpath, run);
			goto out;
		}
	}
	char defdir[4096];
	if (!outdir) {
		snprintf(defdir, sizeof(defdir), "%s", dbpath);
		size_t n = strlen(defdir);
		if (n > 3 && strcmp(defdir + n - 3, ".db") == 0)
			defdir[n - 3] = '\0';
		else
			snprintf(defdir + n, sizeof(defdir) - n, ".plots");
		outdir = defdir;
	}
	if (mkdir(outdir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "wirelab: plot: cannot create '%s': %s\n", outdir, strerror(errno));
		goto out;
	}
	char home[4096];
	wl_home(home, sizeof(home));
	int failed = 0;
	int drawn = plot_figures(home, db, dbpath, "run", run, outdir, "", print_figure, NULL, &failed);
	if (drawn < 0)
		goto out;
	if (!drawn && !failed)
		fprintf(stderr, "wirelab: plot: run %lld has no recorded series to draw "
			"(add record { ... } to the scenario)\n", run);
	rc = failed ? 1 : 0;
out:
	db_close(db, &err);
	return rc;
}
