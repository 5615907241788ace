# Queueing delay (sojourn time) over time, one line per queue.
# needs-metric: sojourn_ns
load lib.'/common.gp'
set title title('Queueing delay') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'sojourn time (ms)'
qs = entities('sojourn_ns')
plot for [q in qs] series('sojourn_ns', q) using 1:($2/1e6) with lines lw 2 title q noenhanced
