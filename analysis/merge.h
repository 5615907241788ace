/* `wirelab merge`: folds result files into one (DESIGN §6).
 *
 * Every table of an input is copied by the store (sim/results.h,
 * results_merge_file), its rows shifted so that nothing collides: run ids
 * by one offset per input (the input's first run becomes the output's last
 * run + 1, so a file's runs stay in order), sweep ids through a map.
 * Sweeps are joined, not renumbered apart, when their rows carry the same
 * spec (the sweep's own command line) and no job of the sweep is in the
 * output yet: the job files of `wirelab sweep --emit-jobs` thus merge back
 * into the one sweep they came from, while a sweep run twice stays two
 * sweeps.  Derived tables (run_stats, summary) are recomputed, so they
 * always describe the merged file. */
#ifndef WL_MERGE_H
#define WL_MERGE_H

#include <stdbool.h>

/* wirelab merge OUT.db IN.db...: every input must be a readable SQLite
 * file, neither the output nor given twice.  Prints a line saying what
 * was merged unless quiet.  The exit status: 0, or 1 after printing why. */
int merge_files(const char *out, const char *const *in, int nin, bool quiet);

#endif
