# run_stats from a hand-made series: the latency percentiles (p50, p95,
# p99 of latency_ns over every app, from the run's warm-up on) against
# values computed by hand with the definition stats.h cites (R type 7 =
# GSL gsl_stats_quantile_from_sorted_data: h = (n-1)p, x[floor h] +
# (h - floor h)(x[floor h + 1] - x[floor h])).
. "$TOP/tests/lib.sh"
W=$WIRELAB
cat > tiny.lua <<'LUA'
local p = params { warmup = "1s" }
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
run("2s")
LUA
$W run tiny.lua --quiet --out in.db || fail run
# ten responses after the warm-up, of 10, 20, ... 100 ms, written out of
# order and split over two apps; one before the warm-up (t < 1 s), which
# must not count
sqlite3 in.db "insert into series values
 (1, 'latency_ns', 'rr1', 500000000, 999000000),
 (1, 'latency_ns', 'rr1', 1100000000, 70000000), (1, 'latency_ns', 'rr2', 1200000000, 10000000),
 (1, 'latency_ns', 'rr1', 1300000000, 100000000), (1, 'latency_ns', 'rr2', 1400000000, 40000000),
 (1, 'latency_ns', 'rr1', 1500000000, 30000000), (1, 'latency_ns', 'rr2', 1600000000, 90000000),
 (1, 'latency_ns', 'rr1', 1700000000, 20000000), (1, 'latency_ns', 'rr2', 1800000000, 60000000),
 (1, 'latency_ns', 'rr1', 1900000000, 80000000), (1, 'latency_ns', 'rr2', 1950000000, 50000000)" || fail insert
$W merge out.db in.db --quiet || fail "merge (which computes run_stats)"
# sorted: 10 20 30 40 50 60 70 80 90 100 ms, n = 10
# p50: h = 9 * 0.50 = 4.50 -> 50 + 0.50 * 10 = 55 ms
# p95: h = 9 * 0.95 = 8.55 -> 90 + 0.55 * 10 = 95.5 ms
# p99: h = 9 * 0.99 = 8.91 -> 90 + 0.91 * 10 = 99.1 ms
near "$(q out.db "select value from run_stats where metric = 'latency_p50_ns'")" 55000000 1e-12 "latency p50"
near "$(q out.db "select value from run_stats where metric = 'latency_p95_ns'")" 95500000 1e-12 "latency p95"
near "$(q out.db "select value from run_stats where metric = 'latency_p99_ns'")" 99100000 1e-12 "latency p99"
# without the warm-up, the 999 ms sample is the largest of eleven:
# p99: h = 10 * 0.99 = 9.9 -> 100 + 0.9 * 899 = 909.1 ms
sqlite3 in.db "update runs set params = '{}'"
$W merge out2.db in.db --quiet || fail merge
near "$(q out2.db "select value from run_stats where metric = 'latency_p99_ns'")" 909100000 1e-12 "latency p99 without warm-up"
# a run without latency samples has no latency rows
$W run tiny.lua --quiet --out none.db || fail run
$W merge out3.db none.db --quiet || fail merge
same "$(q out3.db "select count(*) from run_stats where metric like 'latency%'")" 0 "latency rows of a run without samples"
