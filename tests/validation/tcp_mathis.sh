# Mathis, Semke, Mahdavi & Ott, "The macroscopic behavior of the TCP
# congestion avoidance algorithm", CCR 27(3), 1997: throughput =
# (MSS / RTT) * C / sqrt(p).  Linux's Reno grows cwnd by one segment per
# cwnd segments ACKed (delayed ACKs do not slow it), so C = sqrt(3/2):
#   p = 0.001:  1448 * 8 / 0.05 * 1.2247 / sqrt(0.001)  = 8.973 Mbps
#   p = 0.0005:                                          = 12.690 Mbps
#   p = 0.002:                                           = 6.345 Mbps
# One Reno flow, 100 Mbps, 50 ms RTT (cwnd stays far below the 417-packet
# BDP, so no queue forms), Bernoulli loss on the data direction, 600 s,
# goodput counted after a 60 s warm-up; each within +-15 %.
. "$TOP/tests/lib.sh"
for pe in "0.001 8973000" "0.0005 12690000" "0.002 6345000"; do
	set -- $pe
	$WIRELAB run "$TOP/scenarios/tcp_bulk.lua" -p cc=reno -p bw=100Mbps -p rtt=50ms -p buf=2000 \
		-p loss=$1 -p time=600s -p warmup=60s --quiet --out m.db || fail "run p=$1"
	g=$(q m.db "select goodput_bps from flows where app = 'bulk'")
	near "$g" "$2" 0.15 "goodput at p=$1 (bit/s)"
done
