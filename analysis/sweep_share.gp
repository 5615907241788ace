# Who gets the bottleneck when algorithms compete: for each point whose
# runs mix congestion controls (e.g. -p cc=[cubic,bbr]), each algorithm's
# share of the total TCP goodput, the mean over the replications with 95 %
# confidence intervals.  Equal shares are fair.
# needs-summary: goodput_share 2
load lib.'/common_sweep.gp'
set title title('Goodput share per congestion control') noenhanced font ',10'
set ylabel 'share of the total goodput (%)'
set yrange [0:105]
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set xtics rotate by -20 left noenhanced
# the algorithms that compete somewhere in the sweep
algs = sqlwords(sprintf("select distinct key from summary where sweep_id = %d and metric = 'goodput_share' and point in (select point from summary where sweep_id = %d and metric = 'goodput_share' group by point having count(*) > 1) order by key", sweep, sweep))
# one row per point with several algorithms: label, share (%), its CI (%)
share(a) = sql(sprintf("select (select coalesce(group_concat(key || '=' || value, ' '), 'all') from json_each(p.point)), coalesce(s.mean * 100, 0), coalesce(s.ci95 * 100, 0) from (select point, min(rowid) as first from summary where sweep_id = %d and metric = 'goodput_share' group by point having count(*) > 1) p left join summary s on s.sweep_id = %d and s.point = p.point and s.metric = 'goodput_share' and s.key = '%s' order by p.first", sweep, sweep, a))
plot for [a in algs] share(a) using 2:3:xtic(1) title a noenhanced
