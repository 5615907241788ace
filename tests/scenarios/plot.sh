# wirelab plot draws every figure the run has data for, as valid PNG and SVG:
# the templates' figures, and a generic one for every other recorded metric
# (application metrics, a scenario's own); titles wrap the parameters; a
# run that does not exist is an error.
. "$TOP/tests/lib.sh"
$WIRELAB run "$TOP/scenarios/udp_overload.lua" -p time=5s --quiet --out u.db || fail run
$WIRELAB plot u.db --out figs > list.txt || fail "plot failed"
cat list.txt
for f in queue sojourn ping_rtt throughput; do
	[ -s figs/$f.png ] || fail "figs/$f.png missing"
	head -c 8 figs/$f.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "$f.png is not a PNG"
	grep -q "<svg" figs/$f.svg || fail "$f.svg is not SVG"
	tail -c 20 figs/$f.svg | grep -q "</svg>" || fail "$f.svg is truncated"
done
echo "ok: 4 figures, PNG and SVG"
# a run without series: a clear note, no figures, success
$WIRELAB run "$TOP/tests/scenarios/lossy.lua" --quiet --out l.db || fail run
expect_error "cannot read result file 'nope.db'" -- $WIRELAB plot nope.db

# ---- every recorded series is drawn: application metrics, a scenario's own ----
cat > rr.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "100Mbps", delay = "5ms" })
tcp.reqresp { from = a, to = b, request = 100, response = 10000, rate = 50, name = "web" }
record { "reqresp", every = "100ms" }
record { "reqresp", only = "web" }
run("3s")
LUA
$WIRELAB run rr.lua --quiet --out rr.db || fail "run of rr.lua"
same "$(q rr.db "select count(distinct metric) from series where metric in ('latency_ns', 'requests_per_s')")" 2 \
	"application metrics recorded"
# a custom metric, as a scenario's metric(name, entity, value) writes it:
# an ordinary series row; and one whose name cannot go into a command
q rr.db "insert into series values (1, 'queue_wait_ms', 'lab', 1000000000, 3.5),
	(1, 'queue_wait_ms', 'lab', 2000000000, 4.5), (1, 'bad''name', 'lab', 1000000000, 1)"
$WIRELAB plot rr.db --out rfigs > list.txt 2> err.txt || { cat err.txt; fail "plot of the reqresp run"; }
cat list.txt err.txt
for f in metric-latency_ns metric-requests_per_s metric-queue_wait_ms; do
	head -c 8 rfigs/$f.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "rfigs/$f.png missing or not a PNG"
	tail -c 20 rfigs/$f.svg | grep -q "</svg>" || fail "rfigs/$f.svg missing or truncated"
done
grep -q "metric 'bad'name' is not drawn" err.txt || fail "no note on the metric that cannot be drawn"
# the generic figure names its metric and the run, and shows latency in ms
grep -q ">latency_ns<" rfigs/metric-latency_ns.svg || fail "title of the latency figure"
grep -q "latency_ns (ms)" rfigs/metric-latency_ns.svg || fail "unit of the latency figure"
grep -q "rr.lua, run 1" rfigs/metric-latency_ns.svg || fail "scenario and run under the title"
echo "ok: application and custom metrics drawn"

# ---- titles: the parameters wrapped onto lines of at most 110 characters ----
$WIRELAB run "$TOP/scenarios/tcp_bulk.lua" -p time=1s -p cc=cubic -p rtt=40ms -p bw=10Mbps -p buf=100 \
	-p flows=1 --quiet --out long.db || fail run
$WIRELAB plot long.db --out lfigs > /dev/null || fail "plot"
# each line of the title is its own <text> element in the SVG
grep -q "tcp_bulk.lua, run 1" lfigs/cwnd.svg || fail "scenario line of the title"
grep -o '>[^<]*cc=cubic[^<]*<' lfigs/cwnd.svg | awk '{ if (length($0) - 2 > 110) exit 1 }' ||
	fail "a title line longer than 110 characters"
echo "ok: title lines at most 110 characters"

# ---- a run that does not exist ----
expect_error "has no run 99 (its runs are numbered up to 1)" -- $WIRELAB plot u.db --run 99
expect_error "--run needs a run number (1, 2, ...), got 'x'" -- $WIRELAB plot u.db --run x
expect_error "unknown option '--bogus'" -- $WIRELAB plot u.db --bogus
