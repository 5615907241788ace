/* The definition of a sweep from its command line: the options, the -p
 * value lists (commas inside brackets do not split) and so the parameter
 * grid, the sweep's spec (its own command line, which merge uses to join
 * job files back into one sweep) and its work folder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sbuf.h"
#include "cli/sweep_priv.h"
#include "cli/usage.h"
#include "sim/util.h"

/* Splits "a,[b,c],d" into "a", "b,c", "d".  Commas inside brackets do not
 * split; a value that is wholly "[...]" loses its brackets.  0, or -1
 * after printing what is wrong. */
static int split_values(struct sweep_param *p, const char *list)
{
	size_t len = strlen(list);
	if (len == 0) {
		cmd_usage("sweep", "-p %s: no values (expected name=v1,v2,...)", p->arg);
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
			cmd_usage("sweep", "-p %s: an empty value (expected name=v1,v2,...)", p->arg);
			return -1;
		}
		p->values = xrealloc(p->values, (size_t)(p->nvalues + 1) * sizeof(*p->values));
		p->values[p->nvalues] = xmalloc(n + 1);
		memcpy(p->values[p->nvalues], v, n);
		p->values[p->nvalues++][n] = '\0';
		start = i + 1;
	}
	if (depth != 0) {
		cmd_usage("sweep", "-p %s: unbalanced brackets (write a value with commas as [a,b])", p->arg);
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
		cmd_usage("sweep", "%s needs %s, got '%s'", opt,
			  min > 0 ? "a positive integer" : "a non-negative integer", val ? val : "");
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

int sweep_parse_args(struct sweep *sw, int argc, char **argv)
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
				return cmd_usage("sweep", "%s needs name=v1,v2,... (got '%s')", a, val ? val : "");
			}
			struct sweep_param *p = &sw->p[sw->np++];
			p->arg = val;
			p->name = xmalloc((size_t)(eq - val) + 1);
			memcpy(p->name, val, (size_t)(eq - val));
			p->name[eq - val] = '\0';
			for (int j = 0; j < sw->np - 1; j++)
				if (strcmp(sw->p[j].name, p->name) == 0)
					return cmd_usage("sweep", "parameter '%s' is given twice", p->name);
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
				return cmd_usage("sweep", "%s needs a file name", a);
			sw->out = val;
			i++;
		} else if (strcmp(a, "--emit-jobs") == 0) {
			sw->emit = true;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			sw->quiet = true;
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage("sweep", "unknown option '%s'", a);
		} else if (!sw->script) {
			sw->script = a;
		} else {
			return cmd_usage("sweep", "one script at a time (got a second: '%s')", a);
		}
	}
	if (!sw->script)
		return cmd_usage("sweep", "which scenario? e.g. wirelab sweep scenarios/tcp_bulk.lua"
				   " -p buf=20,100 --out sweep.db");
	if (!sw->out)
		return cmd_usage("sweep", "--out FILE.db is required (where the runs are collected)");
	if (sw->emit && sw->job_only)
		return cmd_usage("sweep", "--emit-jobs and --job do not go together");
	sw->npoints = 1;
	for (int i = 0; i < sw->np; i++) {
		sw->npoints *= sw->p[i].nvalues;
		if (sw->npoints > SWEEP_MAX_RUNS)
			break;
	}
	if (sw->npoints > SWEEP_MAX_RUNS || sw->npoints * sw->reps > SWEEP_MAX_RUNS) {
		return cmd_usage("sweep", "more than %ld runs; split the sweep", SWEEP_MAX_RUNS);
	}
	sw->total = sw->npoints * sw->reps;
	if (sw->job_only > sw->total) {
		return cmd_usage("sweep", "--job %ld: this sweep has %ld runs", sw->job_only, sw->total);
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

void sweep_free(struct sweep *sw)
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

