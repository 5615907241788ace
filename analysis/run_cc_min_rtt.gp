# The congestion control's minimum RTT (BBR's min_rtt, refreshed in
# ProbeRTT; Vegas' base RTT) against the smoothed RTT.  Under a competing
# loss-based flow BBR's min_rtt includes that flow's queue.
# needs-metric: cc_min_rtt
load lib.'/common.gp'
set title title('Minimum RTT (model) and smoothed RTT') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'ms'
set yrange [0:*]
fs = entities('cc_min_rtt')
rs = entities('srtt')
plot for [f in fs] series('cc_min_rtt', f) using 1:($2/1e6) with steps lw 2 title f.' min RTT' noenhanced, \
     for [f in rs] series('srtt', f) using 1:($2/1e6) with lines lw 0.7 title f.' srtt' noenhanced
