/* The fold of a finished child of a sweep into the sweep's result file:
 * the child's own file is merged in (results_merge_file) when it is a
 * readable result file, else the run is recorded from what the sweep
 * knows; either way it gets its row in the sweeps table.  A child that
 * died of a signal is recorded with that signal, by name, in both runs
 * and sweeps (status 'interrupted' for SIGINT, SIGTERM and SIGHUP, which
 * ask a program to stop, and for any signal while the sweep itself is
 * being stopped; 'error' for any other). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/sweep_priv.h"
#include "sim/db.h"
#include "sim/results.h"
#include "sim/sim.h"
#include "sim/util.h"

const char *sweep_signal_name(int sig, char *buf, size_t n)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
		{ SIGKILL, "SIGKILL" }, { SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" }, { SIGXCPU, "SIGXCPU" },
		{ SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(buf, n, "signal %d", sig);
	return buf;
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
			str_copy(buf, n, strncmp(line, "wirelab: ", 9) == 0 ? line + 9 : line);
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
	struct errbuf err;
	struct db *db = db_open_read(tmp, &err);
	int rc = -1;
	if (!db)
		snprintf(why, wn, "corrupt result file: %s", err.msg);
	else if (results_first_status(db, status, sn, error, en, &err) < 0)
		snprintf(why, wn, "%s", err.msg);
	else
		rc = 0;
	db_close(db, &err);
	return rc;
}

int sweep_fold(const struct sweep *sw, struct db *out, int64_t sweep_id, const struct job *j,
	       int ws, const char *tmp, const char *errf, bool *ok)
{
	char status[64], runerr[2048], why[1024], err_line[2048], error[2300] = "", signame[32];
	last_line(errf, err_line, sizeof(err_line));
	bool exited_ok = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	bool file_ok = check_result(tmp, status, sizeof(status), runerr, sizeof(runerr), why, sizeof(why)) == 0;
	int64_t run_id = -1;
	struct errbuf e;
	if (file_ok) {
		struct results_merge r;
		if (results_merge_file(out, tmp, &r, &e) < 0) {
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
	const char *row_status = *ok ? "ok" : "error";
	if (!*ok) {
		if (WIFSIGNALED(ws)) {
			int sig = WTERMSIG(ws);
			snprintf(error, sizeof(error), "killed by signal %d (%s)", sig,
				 sweep_signal_name(sig, signame, sizeof(signame)));
			size_t used = strlen(error);
			if (sweep_interrupted && sig == SIGKILL)
				snprintf(error + used, sizeof(error) - used, ": it did not stop within %d s of the sweep's %s",
					 SWEEP_KILL_AFTER_S, sweep_signal_name(sweep_interrupted, signame, sizeof(signame)));
			else if (err_line[0])
				snprintf(error + used, sizeof(error) - used, ": %.1000s", err_line);
			row_status = sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sweep_interrupted
				     ? "interrupted" : "error";
		} else if (!exited_ok && err_line[0]) {
			str_copy(error, sizeof(error), err_line);
		} else if (!exited_ok) {
			snprintf(error, sizeof(error), "exit status %d", WEXITSTATUS(ws));
		} else if (!file_ok) {
			str_copy(error, sizeof(error), why);
		} else {
			str_copy(error, sizeof(error), runerr[0] ? runerr : "the run did not finish");
		}
		if (sweep_interrupted && !WIFSIGNALED(ws)) {
			/* the child stopped on the signal the sweep passed on */
			char why_stop[sizeof(error)];
			str_copy(why_stop, sizeof(why_stop), error);
			snprintf(error, sizeof(error), "the sweep got %s: ",
				 sweep_signal_name(sweep_interrupted, signame, sizeof(signame)));
			size_t used = strlen(error);
			str_copy(error + used, sizeof(error) - used, why_stop);
			row_status = "interrupted";
		}
		if (!file_ok)
			db_run_end(out, run_id, row_status, error, 0, 0, 0.0);
		else if ((WIFSIGNALED(ws) || sweep_interrupted) &&
			 results_run_mark(out, run_id, row_status, error, &e) < 0) {
			fprintf(stderr, "wirelab: sweep: %s\n", e.msg);
			return -1;
		}
	}
	struct results_sweep_row row = {
		.sweep_id = sweep_id, .run_id = run_id, .point = j->point, .rep = j->rep,
		.seed = (int64_t)j->seed, .status = row_status, .error = *ok ? NULL : error,
		.cmd = j->cmd, .job = j->k, .spec = sw->spec,
	};
	int rc = results_sweep_add(out, &row, &e);
	if (rc < 0)
		fprintf(stderr, "wirelab: sweep: %s\n", e.msg);
	if (!*ok)
		fprintf(stderr, "wirelab: sweep: run %ld (%s%srep %ld, seed %llu) failed: %s\n", j->k,
			j->label, j->label[0] ? ", " : "", j->rep, (unsigned long long)j->seed, error);
	return rc;
}
