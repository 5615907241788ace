/* `wirelab merge`: folds result files into one (DESIGN §6).
 *
 * Every table of an input is copied, its rows shifted so that nothing
 * collides: run ids by one offset per input (the input's first run becomes
 * the output's last run + 1, so a file's runs stay in order), sweep ids
 * through a map.  Sweeps are joined, not renumbered apart, when their rows
 * carry the same spec (the sweep's own command line) and no job of the
 * sweep is in the output yet: the job files of `wirelab sweep --emit-jobs`
 * thus merge back into the one sweep they came from, while a sweep run
 * twice stays two sweeps.  Derived tables (run_stats, summary) are copied and then
 * recomputed, so they always describe the merged file. */
#ifndef WL_MERGE_H
#define WL_MERGE_H

#include <stdint.h>

struct db;
struct errbuf;

struct merge_result {
	int64_t first_run;  /* the first run's id in the output; 0 if none */
	int64_t last_run;   /* the last one's */
	int64_t nruns;      /* how many runs the input held */
	int64_t last_sweep; /* the output sweep the input's last sweep went to; 0 if none */
};

/* Copies every run of the result file at in_path into out, in one
 * transaction (on failure out is left as it was).  Does not recompute the
 * statistics (stats_update does).  0, or -1 with err set. */
int merge_file(struct db *out, const char *in_path, struct merge_result *res,
	       struct errbuf *err);

/* wirelab merge OUT.db IN.db... */
int merge_main(int argc, char **argv);

#endif
