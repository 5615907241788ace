# Any recorded series, one line per entity: the figure `wirelab plot` draws
# for every metric of a run that no run_*.gp template draws (application
# metrics such as requests_per_s and latency_ns, a scenario's own
# metric(name, entity, value) rows, the TCP and queue metrics without a
# figure of their own).  Run as
#   gnuplot -e "db='run.db'; run=1; metric='requests_per_s'; out='fig.png'; fmt='png'; lib='analysis'" metric.gp
# The unit comes from the name, as wirelab names metrics: *_ns in ms,
# *_bps in Mbit/s, anything else as written.
load lib.'/common.gp'
n = strlen(metric)
is_ns = n > 3 ? metric[n-2:n] eq '_ns' : 0
is_bps = n > 4 ? metric[n-3:n] eq '_bps' : 0
scale = is_ns ? 1e6 : (is_bps ? 1e6 : 1)
unit = is_ns ? ' (ms)' : (is_bps ? ' (Mbit/s)' : '')
set title title(metric) noenhanced font ',10'
set xlabel 'time (s)'
set ylabel metric.unit noenhanced
if (is_ns || is_bps) { set yrange [0:*] }
es = entities(metric)
# many entities (a 1000-flow run): the lines without a key
if (words(es) > 16) { unset key }
# points joined by thin lines: a metric may be sampled (every = ...) or
# written once per event (latency_ns: one row per response)
plot for [e in es] series(metric, e) using 1:($2/scale) with linespoints pt 7 ps 0.4 lw 1 title e noenhanced
