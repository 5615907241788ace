/* Statistics across runs and replications (DESIGN §6).
 *
 * Two tables of the result file are derived from the others here:
 *
 *   run_stats (run_id, metric, key, value)       one number per run and metric
 *   summary   (sweep_id, point, metric, key, n, mean, ci95)
 *                                                 the same across the replications
 *                                                 of each point of each sweep
 *
 * The metrics of a run (only runs whose status is 'ok'):
 *
 *   goodput_bps      ''    sum of flows.goodput_bps over the run's TCP flows
 *   goodput_cc_bps   cc    the same, for the flows of one congestion control
 *   goodput_share    cc    goodput_cc_bps / goodput_bps (0..1)
 *   ping_rtt_p50_ns  ''    median of the series 'ping_rtt_ns' (every ping)
 *   ping_rtt_p95_ns  ''    95th percentile of the same
 *   latency_p50_ns   ''    median of the series 'latency_ns' (every response
 *                          of every request-response app: tcp.reqresp)
 *   latency_p95_ns   ''    95th percentile of the same
 *   latency_p99_ns   ''    99th percentile of the same
 *   sojourn_mean_ns  queue mean of the series 'sojourn_ns' of the queue with
 *                          the most samples (the bottleneck)
 *
 * Series samples count from the run's warm-up: when runs.params has a
 * "warmup" (a duration such as "2s"; a bare number is seconds), samples
 * with t_ns < warmup are left out.  Goodput needs no such cut: scenarios
 * measure flows.goodput_bps from their warm-up themselves.
 *
 * Percentiles interpolate between order statistics as R's default (type 7,
 * Hyndman and Fan 1996, "Sample quantiles in statistical packages", The
 * American Statistician 50(4)) and GSL's gsl_stats_quantile_from_sorted_data
 * (GSL manual, "Median and Percentiles") do: of n sorted samples x[0..n-1],
 * the p-quantile is x[i] + (h - i) (x[i+1] - x[i]) with h = (n - 1) p and
 * i = floor(h).  A summary row's mean
 * is the sample mean of the point's n successful replications and ci95 the
 * half-width of the two-sided 95 % Student's t interval,
 * t(0.975, n-1) * s / sqrt(n), with s the sample standard deviation; NULL
 * when n = 1. */
#ifndef WL_STATS_H
#define WL_STATS_H

#include <stddef.h>

struct db;
struct errbuf;

/* Sample mean and the 95 % confidence half-width of x[0..n-1] (n >= 1);
 * *ci95 is NaN when n < 2. */
void stats_mean_ci95(const double *x, size_t n, double *mean, double *ci95);

/* The q-quantile (0 <= q <= 1) of sorted[0..n-1], ascending, n >= 1. */
double stats_quantile_sorted(const double *sorted, size_t n, double q);

/* Recomputes run_stats for every run and summary for every sweep of the
 * file (both are replaced: they are derived data).  0, or -1 with err set. */
int stats_update(struct db *db, struct errbuf *err);

#endif
