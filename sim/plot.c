/* `wirelab plot`.  Each template in analysis/ starts with comment lines
 * naming what it needs:
 *     # needs-metric: queue_pkts        (series rows of that metric)
 *     # needs-events: traceroute        (events rows of that kind)
 * and is drawn for a run that has such rows, as PNG and SVG, by calling
 *     gnuplot -e "db='FILE'; run=N; out='BASE.png'; fmt='png'; lib='analysis'" T.gp
 * so the same command works by hand. */
#include "plot.h"

#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static int count_rows(sqlite3 *db, const char *sql, long long run, const char *arg)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, arg, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Does the run have what the template says it needs?  A template that
 * names nothing is always drawn. */
static int template_applies(sqlite3 *db, const char *path, long long run)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[512];
	int needs = 0, has = 0;
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		char what[128];
		if (sscanf(line, "# needs-metric: %127s", what) == 1) {
			needs++;
			has += count_rows(db, "SELECT count(*) FROM (SELECT 1 FROM series WHERE run_id=?1 AND metric=?2 LIMIT 1)", run, what) > 0;
		} else if (sscanf(line, "# needs-events: %127s", what) == 1) {
			needs++;
			has += count_rows(db, "SELECT count(*) FROM (SELECT 1 FROM events WHERE run_id=?1 AND kind=?2 LIMIT 1)", run, what) > 0;
		}
	}
	fclose(f);
	return needs == 0 || has == needs;
}

static int run_gnuplot(const char *expr, const char *template_path)
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
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int plot_template(const char *home, const char *template_path, const char *db,
		  long long run, const char *out_base)
{
	if (strchr(db, '\'') || strchr(out_base, '\'') || strchr(home, '\'')) {
		fprintf(stderr, "wirelab: plot: file names with a ' are not supported\n");
		return -1;
	}
	static const char *const fmts[] = { "png", "svg" };
	for (size_t i = 0; i < ARRAY_LEN(fmts); i++) {
		char expr[8192];
		snprintf(expr, sizeof(expr), "db='%s'; run=%lld; out='%s.%s'; fmt='%s'; lib='%s/analysis'",
			 db, run, out_base, fmts[i], fmts[i], home);
		if (run_gnuplot(expr, template_path) < 0) {
			fprintf(stderr, "wirelab: plot: gnuplot failed on %s for %s.%s\n", template_path,
				out_base, fmts[i]);
			return -1;
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int plot_main(int argc, char **argv)
{
	const char *dbpath = NULL, *outdir = NULL;
	long long run = -1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--run") == 0 && i + 1 < argc) {
			char *end;
			run = strtoll(argv[++i], &end, 10);
			if (*end || run < 1) {
				fprintf(stderr, "wirelab: plot: --run needs a run number\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			outdir = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "wirelab: plot: unknown option '%s'\n", argv[i]);
			return 2;
		} else if (!dbpath) {
			dbpath = argv[i];
		} else {
			fprintf(stderr, "wirelab: plot: one result file at a time\n");
			return 2;
		}
	}
	if (!dbpath) {
		fprintf(stderr, "wirelab: plot: which result file? e.g. wirelab plot results.db\n");
		return 2;
	}
	sqlite3 *db;
	if (access(dbpath, R_OK) < 0 ||
	    sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "wirelab: plot: cannot read result file '%s'\n", dbpath);
		return 1;
	}
	sqlite3_stmt *st;
	if (run < 0) {
		if (sqlite3_prepare_v2(db, "SELECT max(run_id) FROM runs", -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "wirelab: plot: '%s' is not a wirelab result file\n", dbpath);
			sqlite3_close(db);
			return 1;
		}
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			run = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (run < 0) {
			fprintf(stderr, "wirelab: plot: '%s' holds no runs\n", dbpath);
			sqlite3_close(db);
			return 1;
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
		sqlite3_close(db);
		return 1;
	}
	char home[4096], adir[4200];
	wl_home(home, sizeof(home));
	snprintf(adir, sizeof(adir), "%s/analysis", home);
	DIR *d = opendir(adir);
	if (!d) {
		fprintf(stderr, "wirelab: plot: no templates folder %s\n", adir);
		sqlite3_close(db);
		return 1;
	}
	char *names[256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);
		/* per-run figures; sweep_*.gp and lib files are drawn by `report` */
		if (len > 3 && strcmp(e->d_name + len - 3, ".gp") == 0 && strncmp(e->d_name, "run_", 4) == 0)
			names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_str);
	int drawn = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		char tpath[8400], base[8400];
		snprintf(tpath, sizeof(tpath), "%s/%s", adir, names[i]);
		if (template_applies(db, tpath, run)) {
			snprintf(base, sizeof(base), "%s/%.*s", outdir, (int)strlen(names[i]) - 7, names[i] + 4);
			if (plot_template(home, tpath, dbpath, run, base) == 0) {
				printf("%s.png %s.svg\n", base, base);
				drawn++;
			} else {
				failed++;
			}
		}
		free(names[i]);
	}
	sqlite3_close(db);
	if (!drawn && !failed)
		fprintf(stderr, "wirelab: plot: run %lld has no recorded series to draw "
			"(add record { ... } to the scenario)\n", run);
	return failed ? 1 : 0;
}
