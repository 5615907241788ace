/* `wirelab sweep`: many runs of one scenario (DESIGN §6).
 *
 *   wirelab sweep SCRIPT -p name=v1,v2,... [-p ...] [--reps N] [--jobs N]
 *                 [--seed S] --out FILE.db [--emit-jobs] [--quiet]
 *
 * The runs are the cross product of every -p's values (the first -p varies
 * slowest), each point replicated N times with seeds S, S+1, ... S+N-1.
 * Job k (1-based) is point (k-1)/N, replication (k-1)%N.  Each run is its
 * own process, `wirelab run SCRIPT -p ... --seed ... --out FILE.d/run-k.db
 * --quiet` (the binary re-executes itself through /proc/self/exe), at most
 * --jobs at once.  Finished runs are folded into FILE.db in job order, so
 * the file does not depend on --jobs; a table sweeps ties each run to its
 * point, replication and seed, and stats.c writes the summary.  A failed
 * run is recorded with the last line of its stderr and the sweep goes on.
 *
 * --emit-jobs prints the runs as shell commands instead (for GNU parallel
 * or a Slurm array); each is this same command limited to one job,
 * `--job k --out FILE.d/run-k.db`, and `wirelab merge` puts them back
 * together into the same sweep. */
#ifndef WL_SWEEP_H
#define WL_SWEEP_H

int sweep_main(int argc, char **argv);

#endif
