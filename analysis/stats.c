/* Statistics across runs and replications: the run_stats and summary
 * tables, with GSL for the percentiles, the standard deviation and
 * Student's t.  See stats.h for what each metric means. */
#include "analysis/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/results.h"
#include "sim/sim.h"
#include "sim/units.h"
#include "sim/util.h"

void stats_mean_ci95(const double *x, size_t n, double *mean, double *ci95)
{
	*mean = gsl_stats_mean(x, 1, n);
	*ci95 = NAN;
	if (n < 2)
		return;
	/* two-sided 95 %: the 0.975 quantile of t with n-1 degrees of freedom */
	double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
	*ci95 = t * gsl_stats_sd_m(x, 1, n, *mean) / sqrt((double)n);
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, q);
}

/* ---- per run ---- */

struct run_ref {
	int64_t run_id;
	int64_t warmup_ns;
};

struct run_list {
	struct run_ref *v;
	size_t n, cap;
	struct db *db;
	struct errbuf *err;
	int64_t current, warmup_ns;
};

/* The run's warm-up from its parameters: a duration string, or a number
 * of seconds.  0 when absent or unreadable (with a note). */
static int on_param(void *arg, const char *name, const char *text, bool is_number, double num)
{
	struct run_list *l = arg;
	if (strcmp(name, "warmup") != 0)
		return 0;
	simtime_t ns;
	if (is_number)
		l->warmup_ns = (int64_t)llround(num * 1e9);
	else if (units_parse_duration(text, &ns) == 0 && ns >= 0)
		l->warmup_ns = ns;
	else
		fprintf(stderr, "wirelab: note: run %lld: warmup '%s' is not a duration; counting every sample\n",
			(long long)l->current, text);
	return 1;
}

static int on_run(void *arg, const struct results_run *r)
{
	struct run_list *l = arg;
	if (strcmp(r->status, "ok") != 0)
		return 0;
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (struct run_ref){ r->run_id, 0 };
	return 0;
}

struct cc_sum {
	char cc[64];
	double bps;
};

struct cc_sums {
	struct cc_sum v[32];
	size_t n;
};

static int on_flow(void *arg, const struct results_flow *f)
{
	struct cc_sums *c = arg;
	if (strcmp(f->proto, "tcp") != 0)
		return 0;
	const char *cc = f->cc[0] ? f->cc : "unknown";
	size_t i;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].cc, cc) == 0)
			break;
	if (i == c->n) {
		if (c->n == ARRAY_LEN(c->v))
			return 0;
		snprintf(c->v[c->n].cc, sizeof(c->v[c->n].cc), "%s", cc);
		c->v[c->n++].bps = 0;
	}
	c->v[i].bps += f->goodput_bps;
	return 0;
}

static int cmp_cc(const void *a, const void *b)
{
	return strcmp(((const struct cc_sum *)a)->cc, ((const struct cc_sum *)b)->cc);
}

/* the bottleneck: the queue with the most sojourn samples */
struct busiest {
	char entity[256];
	int64_t n;
};

static int on_series_key(void *arg, const char *metric, const char *entity, int64_t n)
{
	struct busiest *b = arg;
	if (strcmp(metric, "sojourn_ns") == 0 && n > b->n) {
		snprintf(b->entity, sizeof(b->entity), "%s", entity);
		b->n = n;
	}
	return 0;
}

struct scratch {
	double *v;
	size_t cap;
};

/* The series metrics the models write (every rec_metric_def name in
 * models/): a series whose metric is not here is a scenario's own, written
 * with metric(name, entity, value) (cli/host_results.c, which refuses the
 * models' names), and gets a run_stats row of its own below. */
static const char *const model_metrics[] = {
	"cwnd", "ssthresh", "srtt", "rto", "inflight", "rwnd", "rtt",
	"pacing_rate", "cc_bw", "cc_min_rtt", "pacing_gain", "tcp_state", "tcp_segments",
	"routes", "drops", "queue_pkts", "queue_bytes", "sojourn_ns",
	"latency_ns", "requests_per_s", "connect_refused_per_s", "connect_timed_out_per_s",
	"connect_addr_not_avail_per_s", "ping_rtt_ns", "throughput_bps",
};

/* and the run_stats names this file derives, which a custom series must
 * not take over */
static const char *const derived_metrics[] = {
	"goodput_bps", "goodput_cc_bps", "goodput_share", "ping_rtt_p50_ns", "ping_rtt_p95_ns",
	"latency_p50_ns", "latency_p95_ns", "latency_p99_ns", "sojourn_mean_ns",
};

static bool model_metric(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(model_metrics); i++)
		if (strcmp(model_metrics[i], name) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_LEN(derived_metrics); i++)
		if (strcmp(derived_metrics[i], name) == 0) {
			fprintf(stderr, "wirelab: note: the series '%s' has the name of a statistic; not summarised\n",
				name);
			return true;
		}
	return false;
}

/* the (metric, entity) pairs of a run's custom series */
struct custom_keys {
	char **metric, **entity;
	size_t n, cap, cap2;
};

static int on_custom_key(void *arg, const char *metric, const char *entity, int64_t n)
{
	struct custom_keys *c = arg;
	(void)n;
	if (model_metric(metric))
		return 0;
	xgrow((void **)&c->metric, &c->cap, c->n + 1, sizeof(*c->metric));
	xgrow((void **)&c->entity, &c->cap2, c->n + 1, sizeof(*c->entity));
	c->metric[c->n] = xstrdup(metric);
	c->entity[c->n++] = xstrdup(entity ? entity : "");
	return 0;
}

/* A custom metric's run_stats row: per entity, the mean of the values the
 * scenario wrote from the warm-up on, under the series' own metric name
 * with the entity as key. */
static int stats_custom(struct db *db, struct scratch *q, const struct run_ref *r, struct errbuf *err)
{
	struct custom_keys c = { 0 };
	int rc = results_series_keys(db, r->run_id, on_custom_key, &c, err) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < c.n; i++) {
		long n = results_series_values(db, r->run_id, c.metric[i], c.entity[i], r->warmup_ns,
					       RESULTS_BY_TIME, &q->v, &q->cap, err);
		if (n < 0)
			rc = -1;
		else if (n > 0)
			rc |= results_run_stat_put(db, r->run_id, c.metric[i], c.entity[i],
						   gsl_stats_mean(q->v, 1, (size_t)n), err);
	}
	for (size_t i = 0; i < c.n; i++) {
		free(c.metric[i]);
		free(c.entity[i]);
	}
	free(c.metric);
	free(c.entity);
	return rc;
}

static int stats_one_run(struct db *db, struct scratch *q, const struct run_ref *r, struct errbuf *err)
{
	int rc = 0;
	/* goodput: per congestion control, then the total and the shares */
	struct cc_sums per = { .n = 0 };
	if (results_flows(db, r->run_id, on_flow, &per, err) < 0)
		return -1;
	qsort(per.v, per.n, sizeof(per.v[0]), cmp_cc);
	double total = 0;
	for (size_t i = 0; i < per.n; i++)
		total += per.v[i].bps;
	if (per.n > 0) {
		rc |= results_run_stat_put(db, r->run_id, "goodput_bps", "", total, err);
		for (size_t i = 0; i < per.n; i++) {
			rc |= results_run_stat_put(db, r->run_id, "goodput_cc_bps", per.v[i].cc, per.v[i].bps, err);
			if (total > 0)
				rc |= results_run_stat_put(db, r->run_id, "goodput_share", per.v[i].cc,
							   per.v[i].bps / total, err);
		}
	}

	/* ping RTT percentiles, samples sorted by the store */
	long n = results_series_values(db, r->run_id, "ping_rtt_ns", NULL, r->warmup_ns, RESULTS_BY_VALUE,
				       &q->v, &q->cap, err);
	if (n < 0)
		return -1;
	if (n > 0) {
		rc |= results_run_stat_put(db, r->run_id, "ping_rtt_p50_ns", "",
					   stats_quantile_sorted(q->v, (size_t)n, 0.5), err);
		rc |= results_run_stat_put(db, r->run_id, "ping_rtt_p95_ns", "",
					   stats_quantile_sorted(q->v, (size_t)n, 0.95), err);
	}

	/* application latency (tcp.reqresp's latency_ns, one sample per
	 * response), over every app of the run */
	n = results_series_values(db, r->run_id, "latency_ns", NULL, r->warmup_ns, RESULTS_BY_VALUE,
				  &q->v, &q->cap, err);
	if (n < 0)
		return -1;
	if (n > 0) {
		static const struct { const char *metric; double q; } lat[] = {
			{ "latency_p50_ns", 0.50 }, { "latency_p95_ns", 0.95 }, { "latency_p99_ns", 0.99 },
		};
		for (size_t i = 0; i < ARRAY_LEN(lat); i++)
			rc |= results_run_stat_put(db, r->run_id, lat[i].metric, "",
						   stats_quantile_sorted(q->v, (size_t)n, lat[i].q), err);
	}

	struct busiest b = { "", 0 };
	if (results_series_keys(db, r->run_id, on_series_key, &b, err) < 0)
		return -1;
	if (b.entity[0]) {
		n = results_series_values(db, r->run_id, "sojourn_ns", b.entity, r->warmup_ns, RESULTS_BY_TIME,
					  &q->v, &q->cap, err);
		if (n < 0)
			return -1;
		if (n > 0)
			rc |= results_run_stat_put(db, r->run_id, "sojourn_mean_ns", b.entity,
						   gsl_stats_mean(q->v, 1, (size_t)n), err);
	}
	if (stats_custom(db, q, r, err) < 0)
		return -1;
	return rc;
}

static int stats_runs(struct db *db, struct errbuf *err)
{
	struct run_list l = { .db = db, .err = err };
	struct scratch q = { 0 };
	int rc = results_runs(db, 0, on_run, &l, err);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		l.current = l.v[i].run_id;
		l.warmup_ns = 0;
		rc = results_params(db, l.v[i].run_id, on_param, &l, err) < 0 ? -1 : 0;
		l.v[i].warmup_ns = l.warmup_ns;
		if (rc == 0 && stats_one_run(db, &q, &l.v[i], err) < 0) {
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err->msg);
			err_set(err, "statistics of run %lld: %s", (long long)l.v[i].run_id, msg);
			rc = -1;
		}
	}
	free(q.v);
	free(l.v);
	return rc;
}

/* ---- per sweep point ---- */

struct group {
	struct db *db;
	struct errbuf *err;
	int64_t sweep;
	int rc;
	char *point, *metric, *key;
	double *v;
	size_t n, cap;
};

static int flush_group(struct group *g)
{
	if (!g->n)
		return 0;
	double mean, ci95;
	stats_mean_ci95(g->v, g->n, &mean, &ci95);
	int64_t n = (int64_t)g->n;
	g->n = 0;
	return results_summary_put(g->db, g->sweep, g->point, g->metric, g->key, n, mean, ci95, g->err);
}

static bool same_text(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static void set_text(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

static int on_stat(void *arg, const char *point, const char *metric, const char *key, double value)
{
	struct group *g = arg;
	if (!(same_text(g->point, point) && same_text(g->metric, metric) && same_text(g->key, key))) {
		if (flush_group(g) < 0)
			return -1;
		set_text(&g->point, point);
		set_text(&g->metric, metric);
		set_text(&g->key, key);
	}
	xgrow((void **)&g->v, &g->cap, g->n + 1, sizeof(*g->v));
	g->v[g->n++] = value;
	return 0;
}

/* The successful replications of each point, grouped by (point, metric,
 * key); points in the order of their first run in the sweep. */
static int stats_sweep(struct db *db, int64_t sweep, struct errbuf *err)
{
	struct group g = { .db = db, .err = err, .sweep = sweep };
	int rc = results_sweep_run_stats(db, sweep, on_stat, &g, err);
	if (rc == 0)
		rc = flush_group(&g);
	if (rc < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, "summary of sweep %lld: %s", (long long)sweep, msg);
	}
	free(g.point);
	free(g.metric);
	free(g.key);
	free(g.v);
	return rc < 0 ? -1 : 0;
}

int stats_update(struct db *db, struct errbuf *err)
{
	if (results_derived_begin(db, err) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		err_set(err, "statistics: %s", msg);
		return -1;
	}
	int rc = stats_runs(db, err);
	int64_t *ids = NULL;
	long n = rc == 0 ? results_sweep_ids(db, &ids, err) : 0;
	if (n < 0)
		rc = -1;
	for (long i = 0; rc == 0 && i < n; i++)
		rc = stats_sweep(db, ids[i], err);
	free(ids);
	return results_derived_end(db, rc == 0, err) < 0 ? -1 : rc;
}
