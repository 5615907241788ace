/* `wirelab plot`: draws the figures a result file has data for, each with
 * a gnuplot template from analysis/ that reads the file itself. */
#ifndef WL_PLOT_H
#define WL_PLOT_H

#include <stddef.h>

struct db;

/* wirelab plot FILE.db [--run N] [--out DIR]: every figure run `run` (-1:
 * the last run) has data for, into outdir (NULL: FILE's name without
 * .db).  The exit status: 0, or 1 after printing why (no such file or
 * run, a figure that failed). */
int plot_run(const char *dbpath, long long run, const char *outdir);

/* The gnuplot command that draws one figure in one format, for people:
 * var is "run" or "sweep", the gnuplot variable that receives id; extra
 * more assignments ("metric='x'; ") or "". */
void plot_command(char *buf, size_t n, const char *home, const char *template_path, const char *db,
		  const char *var, long long id, const char *extra, const char *out_base, const char *fmt);

/* Draws every analysis/KIND_*.gp template (kind "run" or "sweep") whose
 * needs-* header lines the run or sweep `id` of the open result file
 * satisfies, into OUTDIR/PREFIXNAME.png and .svg, and for a run every
 * other metric of its series with metric.gp into OUTDIR/PREFIXmetric-M, calling
 * done() for each figure drawn.  Returns how many were drawn (failures
 * are printed and counted in *failed), or -1 without a templates folder. */
typedef void (*plot_figure_fn)(void *arg, const char *template_name, const char *template_path,
			       const char *extra, const char *out_base);
int plot_figures(const char *home, struct db *db, const char *dbpath, const char *kind, long long id,
		 const char *outdir, const char *prefix, plot_figure_fn done, void *arg, int *failed);

#endif
