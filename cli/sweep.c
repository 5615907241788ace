/* `wirelab sweep`: runs the cross product of parameter values and
 * replications as separate processes and folds their result files into
 * one (see sweep.h).  The pieces, top to bottom: a small string builder,
 * the command line and its -p value lists, the description of job k (its
 * parameters, point, seed and commands), --emit-jobs, running and waiting
 * for the processes, and the fold of a finished run into the output. */
#include "cli/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/db.h"
#include "analysis/merge.h"
#include "sim/sim.h"
#include "analysis/stats.h"
#include "sim/util.h"

#define SWEEP_MAX_RUNS 1000000L

/* ---- a growing string ---- */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	xgrow((void **)&b->s, &b->cap, b->n + (size_t)len + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)len;
}

/* A word the shell reads back as s: bare when it is plain, else in single
 * quotes (brackets and commas of -p lists included). */
static void sb_shell(struct sbuf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:+-@%,", *c))
			plain = false;
	if (plain) {
		sb_printf(b, "%s", s);
		return;
	}
	sb_printf(b, "'");
	for (const char *c = s; *c; c++) {
		if (*c == '\'')
			sb_printf(b, "'\\''");
		else
			sb_printf(b, "%c", *c);
	}
	sb_printf(b, "'");
}

/* A JSON number exactly as JSON spells one (so "020" or "1." stay strings). */
static bool is_json_number(const char *s)
{
	const char *c = s;
	if (*c == '-')
		c++;
	if (*c == '0')
		c++;
	else if (*c >= '1' && *c <= '9')
		while (*c >= '0' && *c <= '9')
			c++;
	else
		return false;
	if (*c == '.') {
		c++;
		if (!(*c >= '0' && *c <= '9'))
			return false;
		while (*c >= '0' && *c <= '9')
			c++;
	}
	if (*c == 'e' || *c == 'E') {
		c++;
		if (*c == '+' || *c == '-')
			c++;
		if (!(*c >= '0' && *c <= '9'))
			return false;
		while (*c >= '0' && *c <= '9')
			c++;
	}
	return *c == '\0';
}

static void sb_json_string(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			sb_printf(b, "\\%c", *c);
		else if (*c < 0x20)
			sb_printf(b, "\\u%04x", *c);
		else
			sb_printf(b, "%c", *c);
	}
	sb_printf(b, "\"");
}

static void sb_json_value(struct sbuf *b, const char *s)
{
	if (is_json_number(s))
		sb_printf(b, "%s", s);
	else
		sb_json_string(b, s);
}

/* ---- the sweep's definition ---- */

struct sweep_param {
	const char *arg;    /* as given: "cc=[cubic,bbr],reno" */
	char *name;
	char **values;      /* "cubic,bbr", "reno" */
	long nvalues;
};

struct sweep {
	const char *script, *out;
	struct sweep_param *p;
	int np;
	uint64_t seed;
	long reps, jobs, job_only; /* job_only: 0, or the one job to run */
	bool emit, quiet;
	long npoints, total;
	char *spec;                /* "wirelab sweep SCRIPT -p ... --reps N --seed S" */
	char *workdir;             /* FILE.d: where runs write their files */
	char exe[4096];            /* this binary, for --emit-jobs */
};

static int sweep_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "wirelab: sweep: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see wirelab --help)\n");
	return 2;
}

/* Splits "a,[b,c],d" into "a", "b,c", "d".  Commas inside brackets do not
 * split; a value that is wholly "[...]" loses its brackets.  0, or -1
 * after printing what is wrong. */
static int split_values(struct sweep_param *p, const char *list)
{
	size_t len = strlen(list);
	if (len == 0) {
		sweep_usage("-p %s: no values (expected name=v1,v2,...)", p->arg);
		return -1;
	}
	size_t start = 0;
	int depth = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = list[i];
		if (c == '[')
			depth++;
		else if (c == ']' && --depth < 0)
			break;
		if (!((c == ',' && depth == 0) || c == '\0'))
			continue;
		const char *v = list + start;
		size_t n = i - start;
		if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
			/* strip only if the first '[' closes at the end */
			int d = 0;
			size_t j;
			for (j = 0; j < n; j++) {
				d += v[j] == '[' ? 1 : v[j] == ']' ? -1 : 0;
				if (d == 0)
					break;
			}
			if (j == n - 1) {
				v++;
				n -= 2;
			}
		}
		if (n == 0) {
			sweep_usage("-p %s: an empty value (expected name=v1,v2,...)", p->arg);
			return -1;
		}
		p->values = xrealloc(p->values, (size_t)(p->nvalues + 1) * sizeof(*p->values));
		p->values[p->nvalues] = xmalloc(n + 1);
		memcpy(p->values[p->nvalues], v, n);
		p->values[p->nvalues++][n] = '\0';
		start = i + 1;
	}
	if (depth != 0) {
		sweep_usage("-p %s: unbalanced brackets (write a value with commas as [a,b])", p->arg);
		return -1;
	}
	return 0;
}

static int parse_count(const char *opt, const char *val, long min, long *out)
{
	char *end;
	errno = 0;
	long v = val ? strtol(val, &end, 10) : 0;
	if (!val || !*val || *end || errno || v < min) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%s needs %s, got '%%s'", opt,
			 min > 0 ? "a positive integer" : "a non-negative integer");
		sweep_usage(msg, val ? val : "");
		return -1;
	}
	*out = v;
	return 0;
}

/* FILE.db -> FILE.d (or FILE.d for a name without .db) */
static char *workdir_of(const char *out)
{
	size_t n = strlen(out);
	if (n > 3 && strcmp(out + n - 3, ".db") == 0)
		n -= 3;
	char *d = xmalloc(n + 3);
	snprintf(d, n + 3, "%.*s.d", (int)n, out);
	return d;
}

static int parse_args(struct sweep *sw, int argc, char **argv)
{
	sw->seed = 1;
	sw->reps = 1;
	sw->jobs = 1;
	sw->p = xcalloc((size_t)argc + 1, sizeof(*sw->p));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-p") == 0 || strcmp(a, "--param") == 0) {
			const char *eq = val ? strchr(val, '=') : NULL;
			if (!eq || eq == val) {
				char msg[128];
				snprintf(msg, sizeof(msg), "%s needs name=v1,v2,... (got '%%s')", a);
				return sweep_usage(msg, val ? val : "");
			}
			struct sweep_param *p = &sw->p[sw->np++];
			p->arg = val;
			p->name = xmalloc((size_t)(eq - val) + 1);
			memcpy(p->name, val, (size_t)(eq - val));
			p->name[eq - val] = '\0';
			for (int j = 0; j < sw->np - 1; j++)
				if (strcmp(sw->p[j].name, p->name) == 0)
					return sweep_usage("parameter '%s' is given twice", p->name);
			if (split_values(p, eq + 1) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--reps") == 0) {
			if (parse_count(a, val, 1, &sw->reps) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
			if (parse_count(a, val, 1, &sw->jobs) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--job") == 0) {
			if (parse_count(a, val, 1, &sw->job_only) < 0)
				return 2;
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			long s;
			if (parse_count(a, val, 0, &s) < 0)
				return 2;
			sw->seed = (uint64_t)s;
			i++;
		} else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (!val)
				return sweep_usage("%s needs a file name", a);
			sw->out = val;
			i++;
		} else if (strcmp(a, "--emit-jobs") == 0) {
			sw->emit = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			sw->quiet = true;
		} else if (a[0] == '-' && a[1]) {
			return sweep_usage("unknown option '%s'", a);
		} else if (!sw->script) {
			sw->script = a;
		} else {
			return sweep_usage("one script at a time (got a second: '%s')", a);
		}
	}
	if (!sw->script)
		return sweep_usage("%s", "which scenario? e.g. wirelab sweep scenarios/tcp_bulk.lua"
				   " -p buf=20,100 --out sweep.db");
	if (!sw->out)
		return sweep_usage("%s", "--out FILE.db is required (where the runs are collected)");
	if (sw->emit && sw->job_only)
		return sweep_usage("%s", "--emit-jobs and --job do not go together");
	sw->npoints = 1;
	for (int i = 0; i < sw->np; i++) {
		sw->npoints *= sw->p[i].nvalues;
		if (sw->npoints > SWEEP_MAX_RUNS)
			break;
	}
	if (sw->npoints > SWEEP_MAX_RUNS || sw->npoints * sw->reps > SWEEP_MAX_RUNS) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%ld", SWEEP_MAX_RUNS);
		return sweep_usage("more than %s runs; split the sweep", msg);
	}
	sw->total = sw->npoints * sw->reps;
	if (sw->job_only > sw->total) {
		char msg[160];
		snprintf(msg, sizeof(msg), "--job %ld: this sweep has %ld runs", sw->job_only, sw->total);
		return sweep_usage("%s", msg);
	}
	if (access(sw->script, R_OK) < 0) {
		fprintf(stderr, "wirelab: sweep: cannot open scenario '%s': %s\n", sw->script, strerror(errno));
		return 1;
	}
	struct sbuf spec = { 0 };
	sb_printf(&spec, "wirelab sweep ");
	sb_shell(&spec, sw->script);
	for (int i = 0; i < sw->np; i++) {
		sb_printf(&spec, " -p ");
		sb_shell(&spec, sw->p[i].arg);
	}
	sb_printf(&spec, " --reps %ld --seed %llu", sw->reps, (unsigned long long)sw->seed);
	sw->spec = spec.s;
	sw->workdir = workdir_of(sw->out);
	ssize_t n = readlink("/proc/self/exe", sw->exe, sizeof(sw->exe) - 1);
	sw->exe[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(sw->exe, sizeof(sw->exe), "wirelab");
	return 0;
}

static void sweep_free(struct sweep *sw)
{
	for (int i = 0; i < sw->np; i++) {
		for (long j = 0; j < sw->p[i].nvalues; j++)
			free(sw->p[i].values[j]);
		free(sw->p[i].values);
		free(sw->p[i].name);
	}
	free(sw->p);
	free(sw->spec);
	free(sw->workdir);
}

/* ---- job k ---- */

struct job {
	long k, rep;
	uint64_t seed;
	const char **value;  /* per -p, this job's value */
	char *point;         /* {"buf":20,"loss":0}: the swept parameters */
	char *params;        /* every -p, as JSON */
	char *label;         /* buf=20 loss=0 */
	char *cmd;           /* wirelab run SCRIPT -p ... --seed S */
};

static void job_describe(const struct sweep *sw, long k, struct job *j)
{
	*j = (struct job){ .k = k };
	long point = (k - 1) / sw->reps;
	j->rep = (k - 1) % sw->reps;
	j->seed = sw->seed + (uint64_t)j->rep;
	j->value = xcalloc((size_t)sw->np + 1, sizeof(*j->value));
	for (int i = sw->np - 1; i >= 0; i--) {   /* the last -p varies fastest */
		j->value[i] = sw->p[i].values[point % sw->p[i].nvalues];
		point /= sw->p[i].nvalues;
	}
	struct sbuf pt = { 0 }, all = { 0 }, label = { 0 }, cmd = { 0 };
	sb_printf(&pt, "{");
	sb_printf(&all, "{");
	sb_printf(&cmd, "wirelab run ");
	sb_shell(&cmd, sw->script);
	for (int i = 0; i < sw->np; i++) {
		if (sw->p[i].nvalues > 1) {
			sb_printf(&pt, "%s", pt.n > 1 ? "," : "");
			sb_json_string(&pt, sw->p[i].name);
			sb_printf(&pt, ":");
			sb_json_value(&pt, j->value[i]);
			sb_printf(&label, "%s%s=%s", label.n ? " " : "", sw->p[i].name, j->value[i]);
		}
		sb_printf(&all, "%s", all.n > 1 ? "," : "");
		sb_json_string(&all, sw->p[i].name);
		sb_printf(&all, ":");
		sb_json_value(&all, j->value[i]);
		char *nv = xmalloc(strlen(sw->p[i].name) + strlen(j->value[i]) + 2);
		sprintf(nv, "%s=%s", sw->p[i].name, j->value[i]);
		sb_printf(&cmd, " -p ");
		sb_shell(&cmd, nv);
		free(nv);
	}
	sb_printf(&pt, "}");
	sb_printf(&all, "}");
	sb_printf(&label, "%s", "");
	sb_printf(&cmd, " --seed %llu", (unsigned long long)j->seed);
	j->point = pt.s;
	j->params = all.s;
	j->label = label.s;
	j->cmd = cmd.s;
}

static void job_free(struct job *j)
{
	free(j->value);
	free(j->point);
	free(j->params);
	free(j->label);
	free(j->cmd);
}

/* ---- --emit-jobs ---- */

static char *job_file(const struct sweep *sw, long k)
{
	char *f = xmalloc(strlen(sw->workdir) + 32);
	sprintf(f, "%s/run-%ld.db", sw->workdir, k);
	return f;
}

static int emit_jobs(const struct sweep *sw)
{
	if (mkdir(sw->workdir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "wirelab: sweep: cannot create '%s': %s\n", sw->workdir, strerror(errno));
		return 1;
	}
	for (long k = 1; k <= sw->total; k++) {
		struct job j;
		job_describe(sw, k, &j);
		char *file = job_file(sw, k);
		struct sbuf line = { 0 };
		sb_shell(&line, sw->exe);
		/* the spec, after its leading "wirelab" */
		sb_printf(&line, "%s --job %ld --out ", sw->spec + strlen("wirelab"), k);
		sb_shell(&line, file);
		sb_printf(&line, " --quiet  # %s%srep=%ld seed=%llu\n", j.label, j.label[0] ? " " : "",
			  j.rep, (unsigned long long)j.seed);
		fputs(line.s, stdout);
		free(line.s);
		free(file);
		job_free(&j);
	}
	struct sbuf merge = { 0 }, pattern = { 0 };
	sb_printf(&pattern, "%s/run-%%g.db", sw->workdir);
	sb_printf(&merge, "# when every job has finished: ");
	sb_shell(&merge, sw->exe);
	sb_printf(&merge, " merge ");
	sb_shell(&merge, sw->out);
	sb_printf(&merge, " $(seq -f ");
	sb_shell(&merge, pattern.s);
	sb_printf(&merge, " 1 %ld)\n", sw->total);
	fputs(merge.s, stdout);
	free(merge.s);
	free(pattern.s);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- running ---- */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

/* Starts `wirelab run` for job j writing tmp, its stderr into errf. */
static pid_t start_run(const struct sweep *sw, const struct job *j, const char *tmp, const char *errf)
{
	char seed[32];
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)j->seed);
	size_t n = 0;
	char **argv = xcalloc((size_t)(2 * sw->np + 10), sizeof(*argv));
	char **assign = xcalloc((size_t)sw->np + 1, sizeof(*assign));
	argv[n++] = "wirelab";
	argv[n++] = "run";
	argv[n++] = (char *)sw->script;
	for (int i = 0; i < sw->np; i++) {
		assign[i] = xmalloc(strlen(sw->p[i].name) + strlen(j->value[i]) + 2);
		sprintf(assign[i], "%s=%s", sw->p[i].name, j->value[i]);
		argv[n++] = "-p";
		argv[n++] = assign[i];
	}
	argv[n++] = "--seed";
	argv[n++] = seed;
	argv[n++] = "--out";
	argv[n++] = (char *)tmp;
	argv[n++] = "--quiet";
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		int null = open("/dev/null", O_RDWR);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}
		execv("/proc/self/exe", argv);
		fprintf(stderr, "wirelab: sweep: cannot run %s: %s\n", sw->exe, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "wirelab: sweep: fork: %s\n", strerror(errno));
	for (int i = 0; i < sw->np; i++)
		free(assign[i]);
	free(assign);
	free(argv);
	return pid;
}

/* snprintf(buf, n, "%s", s) that the compiler does not warn about */
static void copy_text(char *buf, size_t n, const char *s)
{
	size_t len = strlen(s);
	if (len >= n)
		len = n - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

/* The last non-empty line of a file, without a "wirelab: " prefix. */
static void last_line(const char *path, char *buf, size_t n)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			copy_text(buf, n, strncmp(line, "wirelab: ", 9) == 0 ? line + 9 : line);
	}
	fclose(f);
}

/* Is tmp a readable result file?  Gives its first run's status and error.
 * 0, or -1 with why in `why`. */
static int check_result(const char *tmp, char *status, size_t sn, char *error, size_t en,
			char *why, size_t wn)
{
	status[0] = error[0] = '\0';
	if (access(tmp, R_OK) < 0) {
		snprintf(why, wn, "no result file");
		return -1;
	}
	sqlite3 *h;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_open_v2(tmp, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT status, error FROM runs ORDER BY run_id LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, wn, "corrupt result file: %s", sqlite3_errmsg(h));
		goto out;
	}
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0), *e = sqlite3_column_text(st, 1);
		copy_text(status, sn, s ? (const char *)s : "");
		copy_text(error, en, e ? (const char *)e : "");
		rc = 0;
	} else {
		snprintf(why, wn, step == SQLITE_DONE ? "the result file holds no run"
						      : "corrupt result file: %s", sqlite3_errmsg(h));
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}

static void remove_db(const char *path)
{
	char side[8192];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
}

/* Folds finished job j (wait status ws, result file tmp, stderr errf)
 * into out as a run of sweep sweep_id.  *ok says whether the run
 * succeeded.  0, or -1 if out itself could not be written. */
static int fold(const struct sweep *sw, struct db *out, int64_t sweep_id, const struct job *j,
		int ws, const char *tmp, const char *errf, bool *ok)
{
	char status[64], runerr[2048], why[1024], err_line[2048], error[2048] = "";
	last_line(errf, err_line, sizeof(err_line));
	bool exited_ok = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	bool file_ok = check_result(tmp, status, sizeof(status), runerr, sizeof(runerr), why, sizeof(why)) == 0;
	int64_t run_id = -1;
	struct errbuf e;
	if (file_ok) {
		struct merge_result r;
		if (merge_file(out, tmp, &r, &e) < 0) {
			fprintf(stderr, "wirelab: sweep: %s\n", e.msg);
			return -1;
		}
		run_id = r.first_run;
	} else {
		/* no usable file: the run is recorded from what the sweep knows */
		run_id = db_run_begin(out, sw->script, j->params, j->seed, WIRELAB_VERSION);
		if (run_id < 0) {
			fprintf(stderr, "wirelab: sweep: %s\n", db_error(out));
			return -1;
		}
	}
	*ok = exited_ok && file_ok && strcmp(status, "ok") == 0;
	if (!*ok) {
		if (!exited_ok && err_line[0])
			copy_text(error, sizeof(error), err_line);
		else if (WIFSIGNALED(ws))
			snprintf(error, sizeof(error), "killed by signal %d", WTERMSIG(ws));
		else if (!exited_ok)
			snprintf(error, sizeof(error), "exit status %d", WEXITSTATUS(ws));
		else if (!file_ok)
			copy_text(error, sizeof(error), why);
		else
			copy_text(error, sizeof(error), runerr[0] ? runerr : "the run did not finish");
		if (!file_ok)
			db_run_end(out, run_id, "error", error, 0, 0, 0.0);
	}
	sqlite3 *h = db_handle(out);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, "INSERT INTO sweeps (sweep_id, run_id, point, rep, seed, status, error,"
			       " cmd, job, spec) VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "wirelab: sweep: %s\n", sqlite3_errmsg(h));
		return -1;
	}
	sqlite3_bind_int64(st, 1, sweep_id);
	sqlite3_bind_int64(st, 2, run_id);
	sqlite3_bind_text(st, 3, j->point, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, j->rep);
	sqlite3_bind_int64(st, 5, (int64_t)j->seed);
	sqlite3_bind_text(st, 6, *ok ? "ok" : "error", -1, SQLITE_STATIC);
	if (*ok)
		sqlite3_bind_null(st, 7);
	else
		sqlite3_bind_text(st, 7, error, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, j->cmd, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, j->k);
	sqlite3_bind_text(st, 10, sw->spec, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc < 0)
		fprintf(stderr, "wirelab: sweep: %s\n", sqlite3_errmsg(h));
	sqlite3_finalize(st);
	if (!*ok)
		fprintf(stderr, "wirelab: sweep: run %ld (%s%srep %ld, seed %llu) failed: %s\n", j->k,
			j->label, j->label[0] ? ", " : "", j->rep, (unsigned long long)j->seed, error);
	return rc;
}

struct slot {
	pid_t pid;
	long k;
	char *tmp, *errf;
};

static void progress(const struct sweep *sw, long done, long failed, bool final)
{
	if (sw->quiet || !isatty(STDERR_FILENO))
		return;
	if (final)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\rsweep: %ld/%ld runs done%s", done, sw->total,
			failed ? " (some failed)" : "");
	fflush(stderr);
}

/* Runs jobs first..last, folding each into out in job order. */
static int run_jobs(const struct sweep *sw, struct db *out, long first, long last,
		    long *nok, long *nfailed, long *nrun)
{
	long count = last - first + 1, jobs = sw->jobs < count ? sw->jobs : count;
	struct slot *slots = xcalloc((size_t)jobs, sizeof(*slots));
	int *wstatus = xcalloc((size_t)count, sizeof(*wstatus));
	bool *finished = xcalloc((size_t)count, sizeof(*finished));
	char **tmps = xcalloc((size_t)count, sizeof(*tmps)), **errs = xcalloc((size_t)count, sizeof(*errs));
	int64_t sweep_id = 1;
	int rc = 0;
	long next = first, folded = first, running = 0;

	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(out), "SELECT coalesce(max(sweep_id), 0) + 1 FROM sweeps", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			sweep_id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	struct sigaction sa = { 0 }, old_int, old_term;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	for (;;) {
		while (!interrupted && rc == 0 && running < jobs && next <= last) {
			long i = next - first;
			if (sw->job_only) {   /* beside the job's own file */
				size_t n = strlen(sw->out);
				tmps[i] = xmalloc(n + 16);
				errs[i] = xmalloc(n + 16);
				if (n > 3 && strcmp(sw->out + n - 3, ".db") == 0)
					n -= 3;
				sprintf(tmps[i], "%.*s.run.db", (int)n, sw->out);
				sprintf(errs[i], "%.*s.err", (int)n, sw->out);
			} else {
				tmps[i] = job_file(sw, next);
				errs[i] = xmalloc(strlen(tmps[i]) + 2);
				sprintf(errs[i], "%.*s.err", (int)strlen(tmps[i]) - 3, tmps[i]);
			}
			remove_db(tmps[i]);
			struct job j;
			job_describe(sw, next, &j);
			pid_t pid = start_run(sw, &j, tmps[i], errs[i]);
			job_free(&j);
			if (pid < 0) {
				rc = -1;
				break;
			}
			for (long s = 0; s < jobs; s++)
				if (!slots[s].pid) {
					slots[s] = (struct slot){ pid, next, NULL, NULL };
					break;
				}
			running++;
			next++;
		}
		if (running == 0)
			break;
		int ws;
		pid_t pid = waitpid(-1, &ws, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "wirelab: sweep: wait: %s\n", strerror(errno));
			rc = -1;
			break;
		}
		for (long s = 0; s < jobs; s++)
			if (slots[s].pid == pid) {
				long i = slots[s].k - first;
				wstatus[i] = ws;
				finished[i] = true;
				slots[s].pid = 0;
				running--;
				(*nrun)++;
				break;
			}
		/* fold in job order, whatever order the runs finished in */
		while (rc == 0 && folded <= last && finished[folded - first]) {
			long i = folded - first;
			struct job j;
			bool ok = false;
			job_describe(sw, folded, &j);
			rc = fold(sw, out, sweep_id, &j, wstatus[i], tmps[i], errs[i], &ok);
			job_free(&j);
			remove_db(tmps[i]);
			if (ok)
				unlink(errs[i]);
			*nok += ok;
			*nfailed += !ok;
			folded++;
		}
		progress(sw, folded - first, *nfailed, false);
	}
	progress(sw, 0, 0, true);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (long i = 0; i < count; i++) {
		if (tmps[i] && !finished[i])
			remove_db(tmps[i]);
		free(tmps[i]);
		free(errs[i]);
	}
	free(tmps);
	free(errs);
	free(slots);
	free(wstatus);
	free(finished);
	return rc;
}

static int run_sweep(struct sweep *sw)
{
	long first = sw->job_only ? sw->job_only : 1, last = sw->job_only ? sw->job_only : sw->total;
	/* where the runs write: FILE.d for a whole sweep, beside the job file
	 * for one job (FILE.d/run-k.db, made by --emit-jobs) */
	const char *dir = sw->workdir;
	char parent[4096];
	if (sw->job_only) {
		snprintf(parent, sizeof(parent), "%s", sw->out);
		char *slash = strrchr(parent, '/');
		if (slash && slash != parent)
			*slash = '\0';
		else
			snprintf(parent, sizeof(parent), ".");
		dir = parent;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "wirelab: sweep: cannot create '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	/* like a run's, the sweep's result file is replaced */
	remove_db(sw->out);
	struct errbuf err;
	struct db *out = db_open(sw->out, &err);
	if (!out) {
		fprintf(stderr, "wirelab: sweep: %s\n", err.msg);
		return 1;
	}
	long nok = 0, nfailed = 0, nrun = 0;
	int rc = run_jobs(sw, out, first, last, &nok, &nfailed, &nrun);
	if (stats_update(out, &err) < 0) {
		fprintf(stderr, "wirelab: sweep: %s\n", err.msg);
		rc = -1;
	}
	if (db_close(out, &err) < 0) {
		fprintf(stderr, "wirelab: sweep: %s\n", err.msg);
		rc = -1;
	}
	if (!sw->job_only)
		rmdir(sw->workdir);   /* unless failed runs left their stderr there */
	long count = last - first + 1;
	if (interrupted)
		fprintf(stderr, "wirelab: sweep: interrupted; %ld of %ld runs are in %s\n",
			nok + nfailed, count, sw->out);
	if (!sw->quiet) {
		if (sw->job_only)
			printf("sweep: job %ld of %ld: %s -> %s\n", sw->job_only, sw->total,
			       nok ? "ok" : "failed", sw->out);
		else
			printf("sweep: %ld runs (%ld points x %ld reps): %ld ok, %ld failed -> %s%s%s%s\n",
			       count, sw->npoints, sw->reps, nok, nfailed, sw->out,
			       nfailed ? " (errors in its sweeps table; stderr in " : "",
			       nfailed ? sw->workdir : "", nfailed ? "/)" : "");
	}
	return rc == 0 && !interrupted && nfailed == 0 && nok == count ? 0 : 1;
}

int sweep_main(int argc, char **argv)
{
	struct sweep sw = { 0 };
	int rc = parse_args(&sw, argc, argv);
	if (rc == 0)
		rc = sw.emit ? emit_jobs(&sw) : run_sweep(&sw);
	sweep_free(&sw);
	return rc;
}
