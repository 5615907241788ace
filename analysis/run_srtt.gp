# Smoothed RTT of each TCP flow over time: queueing delay as the sender sees it.
# needs-metric: srtt
load lib.'/common.gp'
set title title('Smoothed RTT') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'srtt (ms)'
set yrange [0:*]
fs = entities('srtt')
plot for [f in fs] series('srtt', f) using 1:($2/1e6) with lines lw 1.5 title f noenhanced
