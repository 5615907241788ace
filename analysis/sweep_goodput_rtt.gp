# Goodput against delay, the classic bufferbloat figure: one point per
# parameter point of the sweep at the mean of its replications, with 95 %
# confidence intervals (Student's t) as error bars when it has more than
# one.  x: 95th percentile of the ping RTT, on a log scale (a deep FIFO
# adds seconds, an AQM milliseconds); y: total TCP goodput.  Colour: the
# point's congestion control (cc; 'all' when the sweep does not vary it);
# point shape: its other parameters (the queue: aqm, buf ...), named in
# the key.
# needs-summary: goodput_bps
# needs-summary: ping_rtt_p95_ns
load lib.'/common_sweep.gp'
set termoption noenhanced
set title title('Goodput against 95th-percentile ping RTT') font ',10'
set xlabel 'ping RTT, 95th percentile (ms, log scale)'
set ylabel 'total TCP goodput (Mbit/s)'
set logscale x
set autoscale xfix
set xtics add (20, 50, 200, 500, 2000, 5000)
set yrange [0:*]
set offsets graph 0.05, graph 0.05, graph 0.1, 0
set key font ',9'
ccs = sqlwords(sprintf("select distinct coalesce(json_extract(point, '$.cc'), 'all') from summary where sweep_id = %d order by 1", sweep))
# a point's parameters other than cc, as 'aqm=fifo buf=20'
others = "(select coalesce(group_concat(key || '=' || value, ' '), '') from json_each(g.point) where key <> 'cc')"
where = sprintf("g.sweep_id = %d and g.metric = 'goodput_bps' and g.key = ''", sweep)
nq = int(system(sprintf("sqlite3 '%s' \"select count(distinct %s) from summary g where %s\"", db, others, where)))
qlabel(i) = system(sprintf("sqlite3 '%s' \"select distinct %s from summary g where %s order by 1 limit 1 offset %d\"", db, others, where, i - 1))
shapes = "7 5 9 13 11 4 6 8 10 12"
# one row per point of that cc and those other parameters: RTT (ms),
# goodput (Mbit/s) and their CIs
points(c, i) = sql(sprintf("select rtt.mean / 1e6, g.mean / 1e6, coalesce(rtt.ci95, 0) / 1e6, coalesce(g.ci95, 0) / 1e6 from summary g join summary rtt on rtt.sweep_id = g.sweep_id and rtt.point = g.point and rtt.metric = 'ping_rtt_p95_ns' and rtt.key = '' where %s and coalesce(json_extract(g.point, '$.cc'), 'all') = '%s' and %s = '%s' union all select 'NaN', 'NaN', 0, 0", where, c, others, qlabel(i)))
# more than 12 entries do not fit beside the plot: then the key names the
# colours (cc) alone, and the summary table of the report says which point
# is which
long_key = words(ccs) * nq > 12
if (long_key) { set label 1 "shape: the other\nparameters (see\nthe summary table)" at screen 0.985, screen 0.74 right font ',9' }
plot for [ci = 1:words(ccs)] for [qi = 1:nq] points(word(ccs, ci), qi) using 1:2:3:4 \
     with xyerrorbars pt int(word(shapes, (qi - 1) % 10 + 1)) ps 1.3 lw 1.5 lc ci \
     title (long_key ? (qi == 1 ? word(ccs, ci) : '') : \
            (qi == 1 && nq == 1 ? word(ccs, ci) : sprintf('%s, %s', word(ccs, ci), qlabel(qi))))
