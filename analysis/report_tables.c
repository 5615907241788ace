/* The tables of `wirelab report`, laid out as a paper's results section
 * lays them out:
 *
 *   - a sweep's summary has one row per parameter point: the swept
 *     parameters as columns, then n and the key metrics (goodput, ping RTT
 *     p50/p95, the congestion controls' shares when they compete, request
 *     latency p50/p95/p99, queueing delay), then one column per custom
 *     metric and entity (a scenario's metric() series), each as mean ± the
 *     half-width of its 95 % confidence interval (stats.h);
 *   - the runs table shows, as columns, only the parameters that differ
 *     between the file's runs; the others are listed once above it.
 *
 * Every value comes from the result file's runs, sweeps, run_stats and
 * summary tables through sim/results.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/report_priv.h"
#include "sim/results.h"
#include "sim/util.h"

void report_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

void kv_add(struct kvlist *l, const char *name, const char *text)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct kv){ xstrdup(name), xstrdup(text ? text : "") };
}

const char *kv_get(const struct kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].text;
	return NULL;
}

void kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].text);
	}
	free(l->v);
	*l = (struct kvlist){ 0 };
}

static int on_param(void *arg, const char *name, const char *text, bool is_number, double num)
{
	(void)is_number;
	(void)num;
	kv_add(arg, name, text);
	return 0;
}

/* ---- which parameters vary ---- */

int report_params(struct report *r)
{
	struct kvlist all = { 0 };   /* every name, in order of first sight */
	for (size_t i = 0; i < r->nruns; i++) {
		struct run_row *u = &r->runs[i];
		if (results_params(r->h, u->run_id, on_param, &u->kv, NULL) < 0)
			return -1;
		for (size_t k = 0; k < u->kv.n; k++)
			if (!kv_get(&all, u->kv.v[k].name))
				kv_add(&all, u->kv.v[k].name, u->kv.v[k].text);
	}
	for (size_t k = 0; k < all.n; k++) {
		bool same = true;
		for (size_t i = 0; i < r->nruns && same; i++) {
			const char *v = kv_get(&r->runs[i].kv, all.v[k].name);
			same = v && strcmp(v, all.v[k].text) == 0;
		}
		/* a file of one run varies nothing: its parameters are common */
		if (same)
			kv_add(&r->common, all.v[k].name, all.v[k].text);
		else
			kv_add(&r->varied, all.v[k].name, NULL);
	}
	kv_free(&all);
	return 0;
}

void report_run_params(FILE *f, const struct report *r, const struct run_row *u)
{
	bool any = false;
	for (size_t k = 0; k < r->varied.n; k++) {
		const char *v = kv_get(&u->kv, r->varied.v[k].name);
		if (!v)
			continue;
		fprintf(f, "%s<code>", any ? " " : "");
		report_esc(f, r->varied.v[k].name);
		fputc('=', f);
		report_esc(f, v);
		fprintf(f, "</code>");
		any = true;
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- the runs ---- */

void report_runs_table(FILE *f, const struct report *r)
{
	if (r->common.n) {
		fprintf(f, "<p class=note>Parameters of every run: ");
		for (size_t k = 0; k < r->common.n; k++) {
			fprintf(f, "%s<code>", k ? " " : "");
			report_esc(f, r->common.v[k].name);
			fputc('=', f);
			report_esc(f, r->common.v[k].text);
			fprintf(f, "</code>");
		}
		fprintf(f, ".</p>\n");
	}
	bool any_sweep = false;
	for (size_t i = 0; i < r->nruns; i++)
		any_sweep |= r->runs[i].sweep_id > 0;
	fprintf(f, "<div class=wide><table class=runs><tr><th>run</th><th>scenario</th>");
	for (size_t k = 0; k < r->varied.n; k++) {
		fprintf(f, "<th>");
		report_esc(f, r->varied.v[k].name);
		fprintf(f, "</th>");
	}
	fprintf(f, "<th>seed</th>%s<th>status</th><th>goodput (Mbit/s)</th><th>ping RTT p95 (ms)</th></tr>\n",
		any_sweep ? "<th>sweep, rep</th>" : "");
	for (size_t i = 0; i < r->nruns; i++) {
		const struct run_row *u = &r->runs[i];
		bool ok = strcmp(u->status, "ok") == 0;
		fprintf(f, "<tr%s><td class=n>%lld</td><td>", ok ? "" : " class=error", (long long)u->run_id);
		report_esc(f, base_name(u->scenario));
		fprintf(f, "</td>");
		for (size_t k = 0; k < r->varied.n; k++) {
			const char *v = kv_get(&u->kv, r->varied.v[k].name);
			fprintf(f, "<td>");
			if (v)
				report_esc(f, v);
			else
				fprintf(f, "&ndash;");
			fprintf(f, "</td>");
		}
		fprintf(f, "<td class=n>%lld</td>", (long long)u->seed);
		if (any_sweep) {
			if (u->sweep_id > 0)
				fprintf(f, "<td>%lld, %lld</td>", (long long)u->sweep_id, (long long)u->rep);
			else
				fprintf(f, "<td></td>");
		}
		fprintf(f, "<td class=status>");
		report_esc(f, u->status);
		if (!ok && u->error[0]) {
			fprintf(f, ": ");
			report_esc(f, u->error);
		}
		fprintf(f, "</td><td class=n>");
		if (u->has_goodput)
			fprintf(f, "%.3f", u->goodput_bps / 1e6);
		fprintf(f, "</td><td class=n>");
		if (u->has_p95)
			fprintf(f, "%.2f", u->p95_ns / 1e6);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table></div>\n");
}

/* ---- a sweep's summary ---- */

struct srow {
	char *point, *metric, *key;
	int64_t n;
	double mean, ci95;
};

struct srows {
	struct srow *v;
	size_t n, cap;
	struct kvlist points;    /* point JSON (name), unused text */
};

static int on_summary_row(void *arg, const struct results_summary *s)
{
	struct srows *t = arg;
	xgrow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = (struct srow){ xstrdup(s->point), xstrdup(s->metric), xstrdup(s->key), s->n, s->mean,
				      s->ci95 };
	return 0;
}

static int on_point(void *arg, const char *point)
{
	kv_add(arg, point, NULL);
	return 0;
}

/* The row of (point, metric, key); key NULL: the first of any key. */
static const struct srow *find(const struct srows *t, const char *point, const char *metric, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].point, point) == 0 && strcmp(t->v[i].metric, metric) == 0 &&
		    (!key || strcmp(t->v[i].key, key) == 0))
			return &t->v[i];
	return NULL;
}

/* the key metrics, in their column order; scale divides the stored value */
static const struct {
	const char *metric, *label;
	double scale;
	const char *fmt;
} key_metrics[] = {
	{ "goodput_bps", "goodput (Mbit/s)", 1e6, "%.3f" },
	{ "ping_rtt_p50_ns", "ping RTT p50 (ms)", 1e6, "%.2f" },
	{ "ping_rtt_p95_ns", "ping RTT p95 (ms)", 1e6, "%.2f" },
	{ "goodput_share", NULL, 0.01, "%.1f" },   /* one column per algorithm */
	{ "latency_p50_ns", "latency p50 (ms)", 1e6, "%.2f" },
	{ "latency_p95_ns", "latency p95 (ms)", 1e6, "%.2f" },
	{ "latency_p99_ns", "latency p99 (ms)", 1e6, "%.2f" },
	{ "sojourn_mean_ns", "queueing delay, mean (ms)", 1e6, "%.2f" },
};

/* A summary metric that is not a key metric nor goodput_cc_bps: a
 * scenario's own metric() series (analysis/stats.c), one column per
 * (metric, entity). */
static bool custom_metric(const char *metric)
{
	if (strcmp(metric, "goodput_cc_bps") == 0)
		return false;
	for (size_t m = 0; m < ARRAY_LEN(key_metrics); m++)
		if (strcmp(metric, key_metrics[m].metric) == 0)
			return false;
	return true;
}

static void cell(FILE *f, const struct srow *s, double scale, const char *fmt)
{
	fprintf(f, "<td class=n>");
	if (s) {
		fprintf(f, fmt, s->mean / scale);
		if (!isnan(s->ci95)) {
			fprintf(f, " <span class=ci>&plusmn;&nbsp;");
			fprintf(f, fmt, s->ci95 / scale);
			fprintf(f, "</span>");
		}
	}
	fprintf(f, "</td>");
}

void report_sweep_summary(FILE *f, const struct report *r, int64_t sweep)
{
	struct srows t = { 0 };
	struct kvlist names = { 0 }, shares = { 0 };
	if (results_summary(r->h, sweep, on_summary_row, &t, NULL) < 0 ||
	    results_sweep_points(r->h, sweep, on_point, &t.points, NULL) < 0)
		goto out;
	/* the swept parameters: the names of the points, in order */
	struct kvlist *pkv = xcalloc(t.points.n + 1, sizeof(*pkv));
	for (size_t p = 0; p < t.points.n; p++) {
		results_json_object(r->h, t.points.v[p].name, on_param, &pkv[p], NULL);
		for (size_t k = 0; k < pkv[p].n; k++)
			if (!kv_get(&names, pkv[p].v[k].name))
				kv_add(&names, pkv[p].v[k].name, NULL);
	}
	/* shares only where algorithms compete: a lone algorithm's is 100 % */
	for (size_t i = 0; i < t.n; i++) {
		const struct srow *s = &t.v[i];
		if (strcmp(s->metric, "goodput_share") != 0 || kv_get(&shares, s->key))
			continue;
		int at_point = 0;
		for (size_t j = 0; j < t.n; j++)
			at_point += strcmp(t.v[j].metric, "goodput_share") == 0 && strcmp(t.v[j].point, s->point) == 0;
		if (at_point > 1)
			kv_add(&shares, s->key, NULL);
	}
	/* custom metrics, in the order of their first row */
	size_t *custom = xcalloc(t.n + 1, sizeof(*custom)), ncustom = 0;
	for (size_t i = 0; i < t.n; i++) {
		if (!custom_metric(t.v[i].metric))
			continue;
		bool seen = false;
		for (size_t j = 0; j < ncustom && !seen; j++)
			seen = strcmp(t.v[custom[j]].metric, t.v[i].metric) == 0 &&
			       strcmp(t.v[custom[j]].key, t.v[i].key) == 0;
		if (!seen)
			custom[ncustom++] = i;
	}
	fprintf(f, "<div class=wide><table class=summary><tr>");
	for (size_t k = 0; k < names.n; k++) {
		fprintf(f, "<th>");
		report_esc(f, names.v[k].name);
		fprintf(f, "</th>");
	}
	fprintf(f, "<th>n</th>");
	bool shown[ARRAY_LEN(key_metrics)] = { false };
	for (size_t m = 0; m < ARRAY_LEN(key_metrics); m++) {
		if (!key_metrics[m].label) {
			for (size_t k = 0; k < shares.n; k++) {
				fprintf(f, "<th>share ");
				report_esc(f, shares.v[k].name);
				fprintf(f, " (%%)</th>");
			}
			continue;
		}
		for (size_t i = 0; i < t.n && !shown[m]; i++)
			shown[m] = strcmp(t.v[i].metric, key_metrics[m].metric) == 0;
		if (shown[m])
			fprintf(f, "<th>%s</th>", key_metrics[m].label);
	}
	for (size_t c = 0; c < ncustom; c++) {
		fprintf(f, "<th>");
		report_esc(f, t.v[custom[c]].metric);
		if (t.v[custom[c]].key[0]) {
			fprintf(f, " (");
			report_esc(f, t.v[custom[c]].key);
			fprintf(f, ")");
		}
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr>\n");
	for (size_t p = 0; p < t.points.n; p++) {
		const char *pt = t.points.v[p].name;
		fprintf(f, "<tr>");
		for (size_t k = 0; k < names.n; k++) {
			const char *v = kv_get(&pkv[p], names.v[k].name);
			fprintf(f, "<td>");
			report_esc(f, v ? v : "");
			fprintf(f, "</td>");
		}
		/* n: the successful replications (goodput's, else any metric's) */
		const struct srow *g = find(&t, pt, "goodput_bps", "");
		int64_t n = g ? g->n : 0;
		for (size_t i = 0; !g && i < t.n; i++)
			if (strcmp(t.v[i].point, pt) == 0 && t.v[i].n > n)
				n = t.v[i].n;
		fprintf(f, "<td class=n>%lld</td>", (long long)n);
		if (n == 0) {
			size_t ncols = shares.n + ncustom;
			for (size_t m = 0; m < ARRAY_LEN(key_metrics); m++)
				ncols += shown[m];
			fprintf(f, "<td class=failed colspan=%zu>no successful replication (see the runs table)</td></tr>\n",
				ncols ? ncols : 1);
			continue;
		}
		for (size_t m = 0; m < ARRAY_LEN(key_metrics); m++) {
			if (!key_metrics[m].label) {
				for (size_t k = 0; k < shares.n; k++)
					cell(f, find(&t, pt, "goodput_share", shares.v[k].name), key_metrics[m].scale,
					     key_metrics[m].fmt);
			} else if (shown[m]) {
				cell(f, find(&t, pt, key_metrics[m].metric, NULL), key_metrics[m].scale,
				     key_metrics[m].fmt);
			}
		}
		for (size_t c = 0; c < ncustom; c++)
			cell(f, find(&t, pt, t.v[custom[c]].metric, t.v[custom[c]].key), 1, "%.4g");
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table></div>\n");
	for (size_t p = 0; p < t.points.n; p++)
		kv_free(&pkv[p]);
	free(pkv);
	free(custom);
out:
	for (size_t i = 0; i < t.n; i++) {
		free(t.v[i].point);
		free(t.v[i].metric);
		free(t.v[i].key);
	}
	free(t.v);
	kv_free(&t.points);
	kv_free(&names);
	kv_free(&shares);
}
