/* `wirelab sweep` (see sweep.h): the command, top to bottom.  Its parts
 * are in sweep_args.c (the definition), sweep_jobs.c (job k,
 * --emit-jobs), sweep_children.c (running the runs) and sweep_fold.c
 * (folding each into the output). */
#include "cli/sweep.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "cli/sweep_priv.h"
#include "sim/db.h"
#include "sim/results.h"
#include "sim/sim.h"

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
	results_remove(sw->out);
	struct errbuf err;
	struct db *out = db_open(sw->out, &err);
	if (!out) {
		fprintf(stderr, "wirelab: sweep: %s\n", err.msg);
		return 1;
	}
	long nok = 0, nfailed = 0, nrun = 0;
	int64_t sweep_id = results_sweep_next_id(out, &err);
	int rc = sweep_id < 0 ? -1 : sweep_run_jobs(sw, out, sweep_id, first, last, &nok, &nfailed, &nrun);
	if (sweep_id < 0)
		fprintf(stderr, "wirelab: sweep: %s\n", err.msg);
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
	if (sweep_interrupted)
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
	return rc == 0 && !sweep_interrupted && nfailed == 0 && nok == count ? 0 : 1;
}

int sweep_main(int argc, char **argv)
{
	struct sweep sw = { 0 };
	int rc = sweep_parse_args(&sw, argc, argv);
	if (rc == 0)
		rc = sw.emit ? emit_jobs(&sw) : run_sweep(&sw);
	sweep_free(&sw);
	return rc;
}
