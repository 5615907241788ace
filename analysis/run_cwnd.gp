# Congestion window over time, one line per TCP flow (and ssthresh dashed).
# needs-metric: cwnd
# draws: ssthresh
load lib.'/common.gp'
set title title('Congestion window') noenhanced font ',10'
set xlabel 'time (s)'
set ylabel 'cwnd (packets of 1448 B, or KB / 1.448)'
set yrange [0:*]
fs = entities('cwnd')
ss = entities('ssthresh')
if (strlen(ss) > 0) {
	plot for [f in fs] series('cwnd', f) using 1:($2/1448) with steps lw 1.5 title f noenhanced, \
	     for [f in ss] series('ssthresh', f) using 1:($2/1448) with steps dt 2 lw 1 title f.' ssthresh' noenhanced
} else {
	plot for [f in fs] series('cwnd', f) using 1:($2/1448) with steps lw 1.5 title f noenhanced
}
