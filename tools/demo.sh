#!/bin/sh
# make demo: the flagship experiment.  Reno, CUBIC and BBR through a
# 10 Mbit/s, 40 ms bottleneck with a deep FIFO (1000 packets, 1.2 s), a
# shallow FIFO (20 packets) and FQ-CoDel (scenarios/bufferbloat.lua), as
# one sweep, and the report with its figures and tables.
set -e
cd "$(dirname "$0")/.."
mkdir -p results
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
