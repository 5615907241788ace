/* What report.c (the page and its figures) and report_tables.c (the
 * tables of runs and of a sweep's summary) share. */
#ifndef WL_REPORT_PRIV_H
#define WL_REPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;

struct fig {
	char *name;      /* file name without extension, relative to DIR */
	char *tname;     /* run_cwnd.gp */
	char *cmd;       /* the gnuplot command, PNG */
};

struct figs {
	struct fig *v;
	size_t n, cap;
};

/* name=value pairs of a run's parameters or a sweep's point, in order */
struct kv {
	char *name, *text;
};

struct kvlist {
	struct kv *v;
	size_t n, cap;
};

struct run_row {
	int64_t run_id, seed, sweep_id, rep;
	char *scenario, *params, *status, *error, *point;
	struct kvlist kv;             /* params, parsed */
	double goodput_bps, p95_ns;
	bool has_goodput, has_p95, drawn;
	struct figs figs;
};

struct report {
	const char *dbpath, *outdir;
	char home[4096];
	struct db *h;
	struct run_row *runs;
	size_t nruns, cap;
	struct kvlist varied;         /* parameter names that differ between runs (text unused) */
	struct kvlist common;         /* name=value the same in every run */
	int failed_figs;
	const char *kind;      /* for the figure callback: "run" or "sweep" */
	int64_t id;
	struct figs *into;
};

/* HTML-escaped text */
void report_esc(FILE *f, const char *s);
void kv_add(struct kvlist *l, const char *name, const char *text);
const char *kv_get(const struct kvlist *l, const char *name);
void kv_free(struct kvlist *l);

/* Reads every run's parameters and splits the names into varied and
 * common.  0 or -1. */
int report_params(struct report *r);
/* The parameters of a run that vary across the file: "buf=20 cc=cubic". */
void report_run_params(FILE *f, const struct report *r, const struct run_row *u);
/* The table of every run: the varied parameters as columns. */
void report_runs_table(FILE *f, const struct report *r);
/* A sweep's summary: one row per point, its parameters as columns, the
 * key metrics beside them, each as mean +- 95 % CI. */
void report_sweep_summary(FILE *f, const struct report *r, int64_t sweep);

#endif
