# Queue length over time, one line per queue that has samples.
# needs-metric: queue_pkts
load lib.'/common.gp'
set title title('Queue length') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'packets queued'
qs = entities('queue_pkts')
plot for [q in qs] series('queue_pkts', q) using 1:2 with steps lw 2 title q noenhanced
