# The waterfall of one page load, as Chrome's network panel draws it: one
# horizontal bar per request of the page, in the order the requests
# started, split into the HAR 1.2 phases (blocked, dns, connect without
# ssl, ssl, send, wait, receive; analysis/har.c explains them), with the
# page's first HTML byte (TTFB, green) and its onload (red) as vertical
# lines.  `wirelab plot` draws it for each page of a run that has pages
# (analysis/waterfall.c chooses which), as
#   gnuplot -e "db='run.db'; run=1; page=1; out='fig.png'; fmt='png'; lib='analysis'" waterfall.gp
# Times are ms from the page's start.
load lib.'/common.gp'
set datafile separator ','
q(s) = sprintf("< sqlite3 -separator ',' '%s' \"%s\"", db, s)
v(s) = system(sprintf("sqlite3 '%s' \"%s\"", db, s))
page_sql = sprintf("from pages where run_id=%d and page_id=%d", run, page)
t0 = v('select started_ns '.page_sql) + 0
url = v('select url '.page_sql)
ttfb = v('select coalesce(ttfb_ns, -1) / 1e6 '.page_sql) + 0
onload = v('select coalesce(onload_ns, -1) / 1e6 '.page_sql) + 0
n = v(sprintf('select count(*) from http_requests where run_id=%d and page_id=%d', run, page)) + 0
# taller for pages with many requests
h = n * 16 + 200
if (h < 300) { h = 300 }
if (fmt eq 'svg') {
	set terminal svg size 1000,h dynamic enhanced font 'Sans,11' background rgb 'white'
} else {
	set terminal pngcairo size 1000,h enhanced font 'Sans,10'
}
set output out
# one row per request: its index, start (ms from the page's start), the
# seven phase lengths (ms; -1 counts as 0; connect without its ssl part),
# and the URL's path as the label
reqs = q(sprintf("select row_number() over (order by started_ns, req_id), (started_ns - %d) / 1e6," \
	. " max(blocked_ns, 0) / 1e6, max(dns_ns, 0) / 1e6, (max(connect_ns, 0) - max(ssl_ns, 0)) / 1e6," \
	. " max(ssl_ns, 0) / 1e6, max(send_ns, 0) / 1e6, max(wait_ns, 0) / 1e6, max(receive_ns, 0) / 1e6," \
	. " replace(coalesce(nullif(substr(url, instr(substr(url, 9), '/') + 8), ''), url), ',', ' ')" \
	. " || case when error is not null then ' (failed)' else '' end" \
	. " from http_requests where run_id=%d and page_id=%d order by started_ns, req_id", t0, run, page))
set title title(sprintf('Waterfall of page %d: %s', page, url)) noenhanced font ',10'
set xlabel 'time from the start of the page load (ms)'
set yrange [-(n + 0.7):-0.3]
set xrange [0:*]
set ytics scale 0 font ',8' noenhanced
set grid x
set grid noy
set key outside right top
set style fill solid 1.0 noborder
if (ttfb >= 0) { set arrow 1 from ttfb, graph 0 to ttfb, graph 1 nohead lc rgb '#2ca02c' dt 2 lw 1.5 }
if (onload >= 0) { set arrow 2 from onload, graph 0 to onload, graph 1 nohead lc rgb '#d62728' lw 1.5 }
# phase k starts at the start plus the phases before it (columns 3..9)
before(k) = k <= 3 ? 0 : sum [j = 3:k-1] column(j)
bar = 0.32
plot reqs using ($2 + before(3) + $3 / 2):(-$1):($3 / 2):(bar):ytic(10) with boxxyerror lc rgb '#b0b0b0' title 'blocked', \
     reqs using ($2 + before(4) + $4 / 2):(-$1):($4 / 2):(bar) with boxxyerror lc rgb '#009688' title 'dns', \
     reqs using ($2 + before(5) + $5 / 2):(-$1):($5 / 2):(bar) with boxxyerror lc rgb '#ff9800' title 'connect', \
     reqs using ($2 + before(6) + $6 / 2):(-$1):($6 / 2):(bar) with boxxyerror lc rgb '#9c27b0' title 'ssl', \
     reqs using ($2 + before(7) + $7 / 2):(-$1):($7 / 2):(bar) with boxxyerror lc rgb '#607d8b' title 'send', \
     reqs using ($2 + before(8) + $8 / 2):(-$1):($8 / 2):(bar) with boxxyerror lc rgb '#4caf50' title 'wait', \
     reqs using ($2 + before(9) + $9 / 2):(-$1):($9 / 2):(bar) with boxxyerror lc rgb '#2196f3' title 'receive', \
     NaN with lines lc rgb '#2ca02c' dt 2 lw 1.5 title 'TTFB', \
     NaN with lines lc rgb '#d62728' lw 1.5 title 'onload'
