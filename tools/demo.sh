#!/bin/sh
# make demo: the flagship experiment, bufferbloat, made visible with the
# simplest traffic there is (scenarios/udp_overload.lua), and its plots.
set -e
cd "$(dirname "$0")/.."
mkdir -p results
echo "== bufferbloat: 12 Mbps of UDP into a 10 Mbps link with a 100-packet FIFO"
./wirelab run scenarios/udp_overload.lua --out results/udp_overload.db
./wirelab plot results/udp_overload.db --out results/udp_overload
sqlite3 -header -column results/udp_overload.db \
	"select name, proto, pkts_sent as sent, pkts_recv as received,
	        printf('%.1f %%', 100.0 * (pkts_sent - pkts_recv) / pkts_sent) as lost,
	        printf('%.2f Mbit/s', goodput_bps / 1e6) as goodput,
	        printf('%.1f ms', rtt_mean_ns / 1e6) as mean_rtt
	 from flows"
echo "figures: results/udp_overload/*.png (and .svg)"
