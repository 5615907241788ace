/* The parts of `wirelab sweep` (sweep.h) and what they share: the
 * sweep's definition (sweep_args.c), job k of it and --emit-jobs
 * (sweep_jobs.c), the child processes (sweep_children.c) and the fold of
 * a finished child's file into the output (sweep_fold.c). */
#ifndef WL_SWEEP_PRIV_H
#define WL_SWEEP_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define SWEEP_MAX_RUNS 1000000L

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

/* ---- sweep_args.c ---- */

/* Fills sw from the command line: 0, or the exit status after printing
 * what is wrong (2 for a usage error, 1 for a missing script). */
int sweep_parse_args(struct sweep *sw, int argc, char **argv);
void sweep_free(struct sweep *sw);

/* ---- sweep_jobs.c ---- */

struct job {
	long k, rep;
	uint64_t seed;
	const char **value;  /* per -p, this job's value */
	char *point;         /* {"buf":20,"loss":0}: the swept parameters */
	char *params;        /* every -p, as JSON */
	char *label;         /* buf=20 loss=0 */
	char *cmd;           /* wirelab run SCRIPT -p ... --seed S */
};

void job_describe(const struct sweep *sw, long k, struct job *j);
void job_free(struct job *j);
/* FILE.d/run-K.db, malloc'd */
char *job_file(const struct sweep *sw, long k);
/* --emit-jobs: the exit status */
int emit_jobs(const struct sweep *sw);

/* ---- sweep_children.c ---- */

/* The signal (SIGINT, SIGTERM, SIGHUP) that asked the sweep to stop, or 0. */
extern volatile sig_atomic_t sweep_interrupted;
/* Runs jobs first..last, at most sw->jobs at once, folding each into out
 * (sweep sweep_id) in job order.  On a signal it passes the signal on to
 * the running children, starts no more, and waits for them (SIGKILL
 * after SWEEP_KILL_AFTER_S seconds).  0, or -1 if out could not be
 * written. */
#define SWEEP_KILL_AFTER_S 3
int sweep_run_jobs(const struct sweep *sw, struct db *out, int64_t sweep_id, long first, long last,
		   long *nok, long *nfailed, long *nrun);

/* ---- sweep_fold.c ---- */

/* Folds finished job j (wait status ws, result file tmp, stderr errf)
 * into out as a run of sweep sweep_id.  *ok says whether the run
 * succeeded.  0, or -1 if out itself could not be written. */
int sweep_fold(const struct sweep *sw, struct db *out, int64_t sweep_id, const struct job *j,
	       int ws, const char *tmp, const char *errf, bool *ok);
/* "SIGKILL" for 9; "signal N" for one without a name here. */
const char *sweep_signal_name(int sig, char *buf, size_t n);

#endif
