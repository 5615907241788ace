# Ping round-trip time over time: what a user of the path feels.
# needs-metric: ping_rtt_ns
load lib.'/common.gp'
set title title('Ping RTT') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'RTT (ms)'
set yrange [0:*]
ps = entities('ping_rtt_ns')
plot for [p in ps] series('ping_rtt_ns', p) using 1:($2/1e6) with linespoints pt 7 ps 0.4 lw 1.5 title p noenhanced
