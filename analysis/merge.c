/* `wirelab merge`: checks the inputs (readable SQLite files, none of them
 * the output, none given twice), folds each into the output with the
 * store's results_merge_file, then recomputes the statistics.  See
 * merge.h. */
#include "analysis/merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "sim/db.h"
#include "sim/results.h"
#include "sim/sim.h"
#include "sim/util.h"

/* ---- the command ---- */

/* Does the file start with SQLite's header? */
static bool is_sqlite(const char *path)
{
	char head[16] = "";
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, "SQLite format 3", 16) == 0;
}

int merge_files(const char *out, const char *const *in, int nin, bool quiet)
{
	int rc = 1;
	/* every input must exist and be neither the output nor given twice */
	struct stat so, *si = xcalloc((size_t)nin, sizeof(*si));
	bool out_exists = stat(out, &so) == 0;
	for (int i = 0; i < nin; i++) {
		if (stat(in[i], &si[i]) < 0 || access(in[i], R_OK) < 0) {
			fprintf(stderr, "wirelab: merge: cannot read '%s': %s\n", in[i], strerror(errno));
			goto bad;
		}
		if (!S_ISREG(si[i].st_mode)) {
			fprintf(stderr, "wirelab: merge: '%s' is not a file\n", in[i]);
			goto bad;
		}
		if (!is_sqlite(in[i])) {
			fprintf(stderr, "wirelab: merge: '%s' is not a wirelab result file (not a database)\n", in[i]);
			goto bad;
		}
		if (out_exists && si[i].st_dev == so.st_dev && si[i].st_ino == so.st_ino) {
			fprintf(stderr, "wirelab: merge: cannot merge '%s' into itself\n", in[i]);
			goto bad;
		}
		for (int j = 0; j < i; j++)
			if (si[i].st_dev == si[j].st_dev && si[i].st_ino == si[j].st_ino) {
				fprintf(stderr, "wirelab: merge: '%s' is given twice (as '%s')\n", in[i], in[j]);
				goto bad;
			}
	}
	struct errbuf err;
	struct db *db = db_open(out, &err);
	if (!db) {
		fprintf(stderr, "wirelab: merge: %s\n", err.msg);
		goto bad;
	}
	int64_t first = 0, last = 0, total = 0;
	int merged = 0;
	for (int i = 0; i < nin; i++) {
		struct results_merge r;
		if (results_merge_file(db, in[i], &r, &err) < 0) {
			fprintf(stderr, "wirelab: merge: %s\n", err.msg);
			if (merged)
				fprintf(stderr, "wirelab: merge: the %d file(s) before it are in '%s'\n", merged, out);
			break;
		}
		merged++;
		if (r.nruns) {
			if (!first)
				first = r.first_run;
			last = r.last_run;
			total += r.nruns;
		}
	}
	if (stats_update(db, &err) < 0)
		fprintf(stderr, "wirelab: merge: %s\n", err.msg);
	else if (merged == nin)
		rc = 0;
	if (db_close(db, &err) < 0) {
		fprintf(stderr, "wirelab: merge: %s\n", err.msg);
		rc = 1;
	}
	if (rc == 0 && !quiet) {
		if (total)
			printf("merge: %lld run%s from %d file%s into %s (runs %lld-%lld)\n", (long long)total,
			       total == 1 ? "" : "s", nin, nin == 1 ? "" : "s", out, (long long)first,
			       (long long)last);
		else
			printf("merge: %d files held no runs; %s unchanged\n", nin, out);
	}
bad:
	free(si);
	return rc;
}
