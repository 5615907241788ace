/* `wirelab report`: a folder of figures and an index.html for a result
 * file, one run or a whole sweep. */
#ifndef WL_REPORT_H
#define WL_REPORT_H

/* wirelab report FILE.db [--out DIR]: recomputes the statistics and
 * writes outdir/index.html (outdir NULL: FILE's name without .db, plus
 * -report).  The exit status: 0, or 1 after printing why. */
int report_write(const char *dbpath, const char *outdir);

#endif
