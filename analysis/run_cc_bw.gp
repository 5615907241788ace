# The congestion control's own model of the path, per flow (BBR): its
# bandwidth estimate (thick) and its pacing rate (thin: the gain cycle's
# 1.25 and 0.75 phases show as steps above and below the estimate).
# needs-metric: cc_bw
# draws: pacing_rate
load lib.'/common.gp'
set title title('Bandwidth estimate and pacing rate') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'Mbit/s'
set yrange [0:*]
fs = entities('cc_bw')
ps = entities('pacing_rate')
plot for [f in fs] series('cc_bw', f) using 1:($2*8/1e6) with steps lw 1.5 title f.' bw estimate' noenhanced, \
     for [f in ps] series('pacing_rate', f) using 1:($2*8/1e6) with steps lw 0.5 title f.' pacing rate' noenhanced
