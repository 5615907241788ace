# wirelab report, on one run and on a sweep whose runs mix congestion
# controls: every figure is a valid PNG and SVG, index.html links only to
# files that exist, and it shows the runs, the summary and which template
# drew each figure.
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
grep -q "goodput_share" r2/index.html || fail "summary table"
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
