# Bad parameters to the AQM queues (red, codel, fq_codel, pie) get a clear
# message that names the discipline, the parameter and what was expected,
# with the script's file and line, and a non-zero exit; never a crash.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad QUEUE MESSAGE: a script that puts QUEUE on a link must fail with
# MESSAGE, reported at the link's line
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms", queue = %s })\n' \
		"$1" > q.lua
	expect_error "q.lua:2: $2" -- $W run q.lua --quiet --out a.db
}

# codel
bad 'codel { target = "fast" }' "codel: target: expected a duration like '5ms', got 'fast'"
bad 'codel { target = 5 }' "codel: target: expected a duration like '5ms', got '5'"
bad 'codel { interval = "0ms" }' "codel: interval: must be above zero, got 0ns"
bad 'codel { limit = 0 }' "codel: limit: 0 is out of range [1, "
bad 'codel { ecn = "yes" }' "codel: ecn: expected true or false, got 'yes'"
bad 'codel { targt = "5ms" }' "codel: unknown parameter 'targt'"

# red
bad 'red { min_th = 20, max_th = 10 }' "red: min_th (20) must be below max_th (10)"
bad 'red { min_th = 5, max_th = 5 }' "red: min_th (5) must be below max_th (5)"
bad 'red { max_p = 2 }' "red: max_p: 2 is out of range [0, 1]"
bad 'red { max_p = 0 }' "red: max_p: must be above zero"
bad 'red { w_q = 0 }' "red: w_q: must be above zero"
bad 'red { min_th = "five" }' "red: min_th: expected a number, got 'five'"
bad 'red { bandwidth = "10" }' "red: bandwidth: expected a rate like '10Mbps', got '10'"
bad 'red { gentle = 1.5 }' "red: gentle: expected true or false, got '1.5'"

# fq_codel
bad 'fq_codel { flows = 0 }' "fq_codel: flows: 0 is out of range [1, 65536]"
bad 'fq_codel { quantum = 100 }' "fq_codel: quantum: 100 is out of range [256, "
bad 'fq_codel { interval = "-1ms" }' "fq_codel: interval: expected a duration like '5ms', got '-1ms'"
bad 'fq_codel { memory_limit = "lots" }' "fq_codel: memory_limit: expected a size like '1500B' or '64KiB', got 'lots'"
bad 'fq_codel { drop_batch = 0 }' "fq_codel: drop_batch: 0 is out of range [1, "

# pie
bad 'pie { alpha = -1 }' "pie: alpha: -1 is out of range [0, 2]"
bad 'pie { beta = "big" }' "pie: beta: expected a number, got 'big'"
bad 'pie { tupdate = "0s" }' "pie: tupdate: must be above zero, got 0ns"
bad 'pie { target = 15 }' "pie: target: expected a duration like '5ms', got '15'"
bad 'pie { limit = "many" }' "pie: limit: expected an integer, got 'many'"
bad 'pie { 5 }' "pie: options are named, e.g. pie { limit = 100 }"

# a queue name that is not a discipline lists the ones there are
printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms", queue = "codel" })\n' > q.lua
expect_error "q.lua:2: link: queue: expected a queue such as fifo { limit = 100 } (queues: fifo, red, codel, fq_codel, pie, policer)" -- \
	$W run q.lua --quiet --out a.db

# good ones run, and their parameters are recorded with the results
cat > ok.lua <<'LUA'
local a, b = node "a", node "b"
local l = link(a, b, { rate = "10Mbps", delay = "1ms", queue = red { gentle = true, ecn = true } })
l:set_queue(codel { target = "10ms", interval = "200ms" })
local c, d = node "c", node "d"
link(c, d, { rate = "10Mbps", delay = "1ms", queue = fq_codel { flows = 16, ecn = false } })
local e, f = node "e", node "f"
link(e, f, { rate = "10Mbps", delay = "1ms", queue = pie { ecn = true, target = "20ms" } })
-- the queues table lists queues that carried traffic
for _, ends in ipairs { { a, b }, { c, d }, { e, f } } do
  ping { from = ends[1], to = ends[2], count = 3, every = "100ms" }
end
run("1s")
LUA
$W run ok.lua --quiet --out ok.db || fail "good AQM parameters were refused"
same "$(q ok.db "select params from queues where entity = 'a->b'")" \
	"limit=1000 target=10ms interval=200ms ecn=false mtu=1500 ce_threshold=off" "codel parameters recorded"
same "$(q ok.db "select params from queues where entity = 'c->d'")" \
	"limit=10240 flows=16 quantum=1514 drop_batch=64 memory_limit=32MiB target=5ms interval=100ms ecn=false mtu=1500 ce_threshold=off" \
	"fq_codel parameters recorded"
same "$(q ok.db "select params from queues where entity = 'e->f'")" \
	"limit=1000 target=20ms tupdate=15ms alpha=0.125 beta=1.25 max_burst=150ms ecn=true bytemode=false dq_rate_estimator=false mtu=1500" \
	"pie parameters recorded"
