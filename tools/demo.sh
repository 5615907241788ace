#!/bin/sh
# make demo: the flagship experiment, bufferbloat.  First with the simplest
# traffic there is (scenarios/udp_overload.lua: UDP into a slower link, a
# ping beside it) and its plots; then Reno, CUBIC and BBR through a
# 10 Mbit/s, 40 ms bottleneck with a deep FIFO (1000 packets, 1.2 s), a
# shallow FIFO (20 packets) and FQ-CoDel (scenarios/bufferbloat.lua), as
# one sweep, and the report with its figures and tables.
set -e
cd "$(dirname "$0")/.."
mkdir -p results
echo "== bufferbloat made visible: 12 Mbit/s of UDP into a 10 Mbit/s link with a 100-packet FIFO"
./wirelab run scenarios/udp_overload.lua --quiet --out results/udp_overload.db
./wirelab plot results/udp_overload.db --out results/udp_overload
sqlite3 -header -column results/udp_overload.db \
	"select name, proto, pkts_sent as sent, pkts_recv as received,
	        printf('%.1f %%', 100.0 * (pkts_sent - pkts_recv) / pkts_sent) as lost,
	        case when rtt_mean_ns > 0 then printf('%.1f ms', rtt_mean_ns / 1e6) else '' end as mean_rtt
	 from flows"
echo "figures: results/udp_overload/*.png (queue length, sojourn, ping RTT over time)"
echo
echo "== bufferbloat: Reno, CUBIC and BBR x deep FIFO, shallow FIFO, FQ-CoDel (60 s each)"
./wirelab sweep scenarios/bufferbloat.lua -p cc=reno,cubic,bbr -p aqm=fifo,fq_codel -p buf=20,1000 \
	--jobs 2 --out results/bufferbloat.db
./wirelab report results/bufferbloat.db --out results/bufferbloat-report
sqlite3 -header -column results/bufferbloat.db \
	"select json_extract(s.point, '$.cc') as cc, json_extract(s.point, '$.aqm') as queue,
	        json_extract(s.point, '$.buf') as buf,
	        printf('%.2f', g.mean / 1e6) as 'goodput Mbit/s',
	        printf('%.0f', r.mean / 1e6) as 'ping RTT p95 ms'
	 from summary s
	 join summary g on g.sweep_id = s.sweep_id and g.point = s.point and g.metric = 'goodput_bps' and g.key = ''
	 join summary r on r.sweep_id = s.sweep_id and r.point = s.point and r.metric = 'ping_rtt_p95_ns' and r.key = ''
	 where s.metric = 'goodput_bps' and s.key = '' order by s.rowid"
echo "report: results/bufferbloat-report/index.html (figures as PNG and SVG beside it)"
