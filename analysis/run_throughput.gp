# Throughput received per flow over time.
# needs-metric: throughput_bps
load lib.'/common.gp'
set title title('Throughput per flow') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'throughput (Mbit/s)'
set yrange [0:*]
fs = entities('throughput_bps')
plot for [f in fs] series('throughput_bps', f) using 1:($2/1e6) with steps lw 2 title f noenhanced
