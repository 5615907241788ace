# wirelab report, on one run and on a sweep whose runs mix congestion
# controls: every figure is a valid PNG and SVG, index.html links only to
# files that exist, and it shows the runs, the summary and which template
# drew each figure.  The summary has one row per parameter point (swept
# parameters as columns, key metrics with CIs beside them, numbers equal to
# the summary table's) and the runs table only the parameters that vary.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# check_report DIR: the figures are valid, the links resolve
check_report() {
	dir=$1
	[ -s "$dir/index.html" ] || fail "$dir/index.html missing"
	n=0
	for png in "$dir"/*.png; do
		[ -f "$png" ] || fail "no figures in $dir"
		head -c 8 "$png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "$png is not a PNG"
		svg=${png%.png}.svg
		grep -q "<svg" "$svg" || fail "$svg is not SVG"
		tail -c 20 "$svg" | grep -q "</svg>" || fail "$svg is truncated"
		n=$((n + 1))
	done
	grep -o '\(src\|href\)="[^"]*"' "$dir/index.html" | sed 's/^[a-z]*="//; s/"$//' > refs.txt
	[ -s refs.txt ] || fail "$dir/index.html links to nothing"
	while IFS= read -r ref; do
		[ -f "$dir/$ref" ] || { echo "missing: $dir/$ref" > missing.txt; break; }
	done < refs.txt
	[ ! -s missing.txt ] || fail "index.html names a file that does not exist: $(cat missing.txt)"
	# every figure on disk is on the page
	for png in "$dir"/*.png; do
		grep -q "src=\"$(basename "$png")\"" "$dir/index.html" || fail "$png is not on the page"
	done
	echo "ok: $dir: $n figures (PNG and SVG), $(sort -u refs.txt | wc -l) links, all to files that exist"
}

# ---- one run ----
$W run "$TOP/scenarios/tcp_bulk.lua" -p time=3s --quiet --out one.db || fail run
$W report one.db --out r1 > out.txt || fail "report of one run"
cat out.txt
check_report r1
for f in cwnd srtt sojourn throughput ping_rtt queue; do
	[ -f r1/run-1-$f.png ] || fail "r1/run-1-$f.png missing"
	grep -q "analysis/run_$f.gp" r1/index.html || fail "template name of run-1-$f missing"
done
[ -f r1/analysis/run_cwnd.gp ] && [ -f r1/analysis/common.gp ] || fail "templates not copied"
same "$(grep -c '<tr><td class=n>' r1/index.html)" 1 "rows of the runs table"
# one run varies nothing: no parameter columns, every parameter listed once
grep -q '<th>run</th><th>scenario</th><th>seed</th><th>status</th>' r1/index.html || fail "runs table of one run"
grep 'Parameters of every run: ' r1/index.html | grep -q '<code>cc=reno</code>.*<code>time=3s</code>' ||
	fail "parameters of the one run"
same "$(q one.db "select count(*) from run_stats where run_id = 1 and metric = 'goodput_bps'")" 1 \
	"report wrote run_stats"

# ---- a sweep: reno against cubic, and each alone, at two buffer sizes ----
cat > mix.lua <<'LUA'
-- tcp_bulk with a comma list of congestion controls, one per flow in turn
local p = params { cc = "reno", buf = 100, flows = 2, time = "3s", warmup = "1s" }
local algs = {}
for a in string.gmatch(p.cc, "[^,]+") do algs[#algs + 1] = a end
local net = topo.dumbbell {
  pairs = p.flows,
  bottleneck = { rate = "10Mbps", rtt = "40ms", queue = fifo { limit = p.buf } },
}
for i = 1, p.flows do
  tcp.bulk { from = net.left[i], to = net.right[i], cc = algs[(i - 1) % #algs + 1],
             start = string.format("%dms", (i - 1) * 10), measure_from = p.warmup }
end
ping { from = net.left[1], to = net.right[1], every = "100ms" }
record { "cwnd", "ssthresh", "srtt", every = "10ms" }
record { "throughput", every = "100ms" }
record { "queue", every = "10ms", only = net.bottleneck:queue_name(net.routers[1]) }
record { "ping" }
run(p.time)
LUA
$W sweep mix.lua -p 'cc=[reno,cubic],reno' -p buf=20,100 --reps 2 --jobs 2 --out mix.db --quiet || fail sweep
same "$(q mix.db "select count(distinct key) from summary where metric = 'goodput_share' and point like '%reno,cubic%'")" 2 \
	"algorithms sharing"
$W report mix.db --out r2 > out.txt || fail "report of a sweep"
cat out.txt
check_report r2
for f in sweep-1-goodput_rtt sweep-1-share run-1-cwnd run-8-sojourn; do
	[ -f r2/$f.png ] || fail "r2/$f.png missing"
done
grep -q "analysis/sweep_goodput_rtt.gp" r2/index.html || fail "template name under the goodput-RTT figure"
grep -q "from summary g join summary rtt" r2/index.html || fail "the goodput-RTT figure's SQL"
same "$(grep -c '<tr><td class=n>' r2/index.html)" 8 "rows of the runs table"
# the summary reads like a paper's table: one row per point, the swept
# parameters as columns, the key metrics beside them with their 95 % CIs
sed -n '/<table class=summary>/,/<\/table>/p' r2/index.html > summary.html
grep -q '<tr><th>cc</th><th>buf</th><th>n</th><th>goodput (Mbit/s)</th><th>ping RTT p50 (ms)</th><th>ping RTT p95 (ms)</th><th>share cubic (%)</th><th>share reno (%)</th>' summary.html ||
	{ head -2 summary.html; fail "summary header: the swept parameters, n, then the key metrics"; }
same "$(grep -c '^<tr><td>' summary.html)" 4 "summary rows: one per point"
# the cells are the summary table's numbers: point cc=reno,cubic buf=20
row=$(grep '^<tr><td>reno,cubic</td><td>20</td>' summary.html)
[ -n "$row" ] || fail "no summary row for cc=reno,cubic buf=20"
pt='{"cc":"reno,cubic","buf":20}'
g=$(q mix.db "select printf('%.3f', mean / 1e6) from summary where point = '$pt' and metric = 'goodput_bps'")
p95=$(q mix.db "select printf('%.2f', mean / 1e6) from summary where point = '$pt' and metric = 'ping_rtt_p95_ns'")
sc=$(q mix.db "select printf('%.1f', mean * 100) from summary where point = '$pt' and metric = 'goodput_share' and key = 'cubic'")
ci=$(q mix.db "select printf('%.3f', ci95 / 1e6) from summary where point = '$pt' and metric = 'goodput_bps'")
echo "$row" | grep -qF "<td class=n>2</td><td class=n>$g <span class=ci>&plusmn;&nbsp;$ci</span></td>" ||
	fail "goodput cell of the point: expected $g +- $ci in: $row"
echo "$row" | grep -qF ">$p95 <span" || fail "ping p95 cell: expected $p95 in: $row"
echo "$row" | grep -qF ">$sc <span" || fail "cubic's share cell: expected $sc in: $row"
# shares only where algorithms compete: reno alone has no cubic share
grep '^<tr><td>reno</td><td>20</td>' summary.html | grep -q '<td class=n></td><td class=n>100.0 ' ||
	fail "reno alone: an empty cubic share and 100 % for reno"
echo "ok: the summary: one row per point with goodput $g +- $ci Mbit/s, ping p95 $p95 ms, cubic share $sc %"
# the runs table: the parameters that vary as columns, the others once
sed -n '/<table class=runs>/,/<\/table>/p' r2/index.html > runs.html
grep -q '<th>run</th><th>scenario</th><th>buf</th><th>cc</th><th>seed</th>' runs.html ||
	{ head -1 runs.html; fail "runs table: the varied parameters as columns"; }
grep -q 'Parameters of every run: <code>flows=2</code> <code>time=3s</code> <code>warmup=1s</code>' r2/index.html ||
	fail "the parameters common to every run, once"
grep -q '{&quot;' runs.html && fail "the runs table shows raw parameter JSON"
grep -q '<h3 id=run-3>Run 3: mix.lua</h3>' r2/index.html && grep -q '<p><code>buf=100</code> <code>cc=reno,cubic</code>, seed 1</p>' r2/index.html ||
	fail "a run's heading: its varied parameters"
grep -q "Figures for every run" r2/index.html || fail "how runs were chosen"

# ---- many runs: figures for one run per point, and a failed run listed ----
$W sweep mix.lua -p cc=reno,nosuchcc -p buf=20,100 --reps 3 -p time=1s --jobs 2 --out many.db --quiet 2> /dev/null
same "$?" 1 "the sweep with a failed point"
$W report many.db --out r3 > out.txt || fail "report of a sweep with failed runs"
cat out.txt
check_report r3
same "$(ls r3/run-*-cwnd.png | wc -l)" 2 "runs drawn: one per successful point"
[ -f r3/run-1-cwnd.png ] && [ -f r3/run-4-cwnd.png ] || fail "runs drawn: the first of each point"
grep -q "first successful replication of each sweep point" r3/index.html || fail "how runs were chosen"
grep -q "unknown congestion control" r3/index.html || fail "the failed runs' errors"
[ ! -f r3/sweep-1-share.png ] || fail "a share figure without competing algorithms"

expect_error "cannot read result file 'nope.db'" -- $W report nope.db --out r4
expect_error "unknown option '--bogus'" -- $W report one.db --bogus

# ---- request latency: its percentiles are columns of the summary ----
cat > rr.lua <<'LUA'
local p = params { rate = 50, time = "2s", warmup = "0.5s" }
local a, b = node "a", node "b"
link(a, b, { rate = "100Mbps", delay = "5ms", loss = 0.01 })
tcp.reqresp { from = a, to = b, request = 100, response = 10000, rate = p.rate, name = "web" }
record { "reqresp", only = "web" }
run(p.time)
LUA
$W sweep rr.lua -p rate=50,200 --reps 2 --jobs 2 --out rr.db --quiet || fail "sweep of rr.lua"
$W report rr.db --out r5 > out.txt || fail "report of the reqresp sweep"
check_report r5
sed -n '/<table class=summary>/,/<\/table>/p' r5/index.html > summary.html
grep -q '<tr><th>rate</th><th>n</th><th>goodput (Mbit/s)</th><th>latency p50 (ms)</th><th>latency p95 (ms)</th><th>latency p99 (ms)</th></tr>' summary.html ||
	{ head -1 summary.html; fail "summary header of a request-response sweep"; }
p99=$(q rr.db "select printf('%.2f', mean / 1e6) from summary where point = '{\"rate\":200}' and metric = 'latency_p99_ns'")
grep '^<tr><td>200</td>' summary.html | grep -qF ">$p99 <span" || fail "latency p99 cell: expected $p99"
[ -f r5/run-1-metric-latency_ns.png ] && [ -f r5/run-1-metric-requests_per_s.png ] || fail "application metrics drawn per run"
echo "ok: latency p50/p95/p99 in the summary (rate=200: p99 $p99 ms), application figures per run"
