/* `wirelab plot`, `wirelab merge`, `wirelab report` and `wirelab har`:
 * their command lines, parsed here and handed to analysis/ (plot.c,
 * merge.c, report.c, har.c).
 * Mistakes go through the shared usage printer (usage.h). */
#include "cli/analysis_cmds.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/har.h"
#include "analysis/merge.h"
#include "analysis/plot.h"
#include "analysis/report.h"
#include "cli/usage.h"
#include "sim/util.h"

int plot_main(int argc, char **argv)
{
	const char *dbpath = NULL, *outdir = NULL;
	long long run = -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--run") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (i + 1 >= argc)
				return cmd_usage("plot", "%s needs %s", a, a[2] == 'r' ? "a run number" : "a folder");
			if (a[2] == 'r') {
				char *end;
				errno = 0;
				run = strtoll(argv[++i], &end, 10);
				if (!argv[i][0] || *end || errno || run < 1)
					return cmd_usage("plot", "--run needs a run number (1, 2, ...), got '%s'", argv[i]);
			} else {
				outdir = argv[++i];
			}
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage("plot", "unknown option '%s'", a);
		} else if (!dbpath) {
			dbpath = a;
		} else {
			return cmd_usage("plot", "one result file at a time (got a second: '%s')", a);
		}
	}
	if (!dbpath)
		return cmd_usage("plot", "which result file? e.g. wirelab plot results.db");
	return plot_run(dbpath, run, outdir);
}

int merge_main(int argc, char **argv)
{
	const char *out = NULL;
	const char **in = xcalloc((size_t)argc + 1, sizeof(*in));
	int nin = 0, rc;
	bool quiet = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			rc = cmd_usage("merge", "unknown option '%s'", argv[i]);
			goto done;
		} else if (!out)
			out = argv[i];
		else
			in[nin++] = argv[i];
	}
	if (!out || nin == 0)
		rc = cmd_usage("merge", "%s", out ? "which files to merge? (after OUT.db, one or more IN.db)"
						  : "which files? e.g. wirelab merge all.db a.db b.db");
	else
		rc = merge_files(out, in, nin, quiet);
done:
	free(in);
	return rc;
}

int report_main(int argc, char **argv)
{
	const char *dbpath = NULL, *outdir = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0) {
			if (i + 1 >= argc)
				return cmd_usage("report", "%s needs a folder", argv[i]);
			outdir = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cmd_usage("report", "unknown option '%s'", argv[i]);
		} else if (!dbpath) {
			dbpath = argv[i];
		} else {
			return cmd_usage("report", "one result file at a time (got a second: '%s')", argv[i]);
		}
	}
	if (!dbpath)
		return cmd_usage("report", "which result file? e.g. wirelab report sweep.db --out report");
	return report_write(dbpath, outdir);
}

int har_main(int argc, char **argv)
{
	const char *dbpath = NULL, *out = NULL;
	long long run = -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--run") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (i + 1 >= argc)
				return cmd_usage("har", "%s needs %s", a, a[2] == 'r' ? "a run number" : "a file name");
			if (a[2] == 'r') {
				char *end;
				errno = 0;
				run = strtoll(argv[++i], &end, 10);
				if (!argv[i][0] || *end || errno || run < 1)
					return cmd_usage("har", "--run needs a run number (1, 2, ...), got '%s'", argv[i]);
			} else {
				out = argv[++i];
			}
		} else if (a[0] == '-' && a[1]) {
			return cmd_usage("har", "unknown option '%s'", a);
		} else if (!dbpath) {
			dbpath = a;
		} else {
			return cmd_usage("har", "one result file at a time (got a second: '%s')", a);
		}
	}
	if (!dbpath)
		return cmd_usage("har", "which result file? e.g. wirelab har page_load.db");
	return har_main_write(dbpath, run, out);
}
