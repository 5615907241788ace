/* The child processes of a sweep: each run is `wirelab run ... --quiet`,
 * the binary re-executing itself through /proc/self/exe, at most --jobs
 * at once; finished runs are folded into the output in job order, so the
 * file does not depend on --jobs.  SIGINT, SIGTERM or SIGHUP to the sweep
 * stops it: no more runs start, the signal is passed on to the running
 * ones (which mark their runs interrupted and end), and a run still there
 * SWEEP_KILL_AFTER_S seconds later is killed; every run that ran is
 * folded, with the reason it stopped.  A sweep killed outright (SIGKILL)
 * takes its children with it (PR_SET_PDEATHSIG). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/sweep_priv.h"
#include "sim/db.h"
#include "sim/results.h"
#include "sim/util.h"

volatile sig_atomic_t sweep_interrupted;

static void on_interrupt(int sig)
{
	sweep_interrupted = sig;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
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
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* a sweep killed outright (SIGKILL) takes its runs with it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
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

struct slot {
	pid_t pid;
	long k;
	char *tmp, *errf;
};

/* Sends sig to every running child. */
static void pass_on(const struct slot *slots, long n, int sig)
{
	for (long s = 0; s < n; s++)
		if (slots[s].pid > 0)
			kill(slots[s].pid, sig);
}

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
int sweep_run_jobs(const struct sweep *sw, struct db *out, int64_t sweep_id, long first, long last,
		   long *nok, long *nfailed, long *nrun)
{
	long count = last - first + 1, jobs = sw->jobs < count ? sw->jobs : count;
	struct slot *slots = xcalloc((size_t)jobs, sizeof(*slots));
	int *wstatus = xcalloc((size_t)count, sizeof(*wstatus));
	bool *finished = xcalloc((size_t)count, sizeof(*finished));
	char **tmps = xcalloc((size_t)count, sizeof(*tmps)), **errs = xcalloc((size_t)count, sizeof(*errs));
	int rc = 0;
	long next = first, folded = first, running = 0;

	struct sigaction sa = { 0 }, old_int, old_term, old_hup;
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	bool passed_on = false, killed = false;
	double deadline = 0;

	for (;;) {
		while (!sweep_interrupted && rc == 0 && running < jobs && next <= last) {
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
			results_remove(tmps[i]);
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
		if (sweep_interrupted && !passed_on) {
			/* stop the runs too, as the terminal would for a Ctrl-C */
			pass_on(slots, jobs, sweep_interrupted);
			passed_on = true;
			deadline = now_s() + SWEEP_KILL_AFTER_S;
		}
		/* polled, not blocking: a signal that comes just before a
		 * blocking waitpid would wait for a run to end on its own */
		int ws;
		pid_t pid = waitpid(-1, &ws, WNOHANG);
		if (pid == 0) {
			/* a run that ignores the signal (stuck in a loop) is killed */
			if (passed_on && !killed && now_s() > deadline) {
				pass_on(slots, jobs, SIGKILL);
				killed = true;
			}
			struct timespec nap = { 0, 10 * 1000 * 1000 };
			nanosleep(&nap, NULL);
			continue;
		}
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
			rc = sweep_fold(sw, out, sweep_id, &j, wstatus[i], tmps[i], errs[i], &ok);
			job_free(&j);
			results_remove(tmps[i]);
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
	sigaction(SIGHUP, &old_hup, NULL);
	for (long i = 0; i < count; i++) {
		if (tmps[i] && !finished[i])
			results_remove(tmps[i]);
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
