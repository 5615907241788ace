/* Job k of a sweep (1-based: point (k-1)/reps, replication (k-1)%reps,
 * the first -p varying slowest): its parameter values, its point as JSON,
 * its seed and its `wirelab run` command; and --emit-jobs, which prints
 * every job as a shell command for GNU parallel or a Slurm array, then
 * the merge that folds their files back into one sweep. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/sbuf.h"
#include "cli/sweep_priv.h"
#include "sim/util.h"

void job_describe(const struct sweep *sw, long k, struct job *j)
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

void job_free(struct job *j)
{
	free(j->value);
	free(j->point);
	free(j->params);
	free(j->label);
	free(j->cmd);
}

char *job_file(const struct sweep *sw, long k)
{
	char *f = xmalloc(strlen(sw->workdir) + 32);
	sprintf(f, "%s/run-%ld.db", sw->workdir, k);
	return f;
}

int emit_jobs(const struct sweep *sw)
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

