# Bad input to the non-TCP apps (ping, traceroute, udp.cbr, udp.onoff) and
# their objects: the script's line, the argument's name, what was
# expected, a non-zero exit, never a crash (issue 8, section 1).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two linked nodes a and b
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

# periods the clock cannot add (now + every overflowed)
bad 'ping { from = a, to = b, every = "2562047.7h" }' 'ping: every: 9223371720s is longer than any run can last'
bad 'ping { from = a, to = b, every = "0s" }' 'ping: every: must be above zero'
bad 'traceroute { from = a, to = b, wait = "2562047.7h" }' 'traceroute: wait: 9223371720s is longer than any run can last'
bad 'udp.onoff { from = a, to = b, rate = "1Mbps", on = "2562047.7h" }' 'udp.onoff: on: 9223371720s is longer than any run can last'
bad 'udp.onoff { from = a, to = b, rate = "1Mbps", off = "0s" }' 'udp.onoff: off: must be above zero'
bad 'udp.cbr { from = a, to = b, rate = "1Mbps", stop = "2562047.7h" }' 'udp.cbr: stop: 9223371720s is longer than any run can last'

# times in the past, stop before start
bad 'run("2s") ping { from = a, to = b, start = "1s" }' 'ping: start: 1s is in the past (now is 2s)'
bad 'run("2s") udp.cbr { from = a, to = b, rate = "1Mbps", stop = "1500ms" }' 'udp.cbr: stop: 1.5s is in the past (now is 2s)'
bad 'ping { from = a, to = b, start = "2s", stop = "1s" }' 'ping: stop (1s) is before start (2s)'
# run() may not take the clock past SIM_TIME_LIMIT (2^61 ns), so nothing is
# ever scheduled from a clock where now + delay could overflow
bad 'run("9223372036.854775806s") ping { from = a, to = b }' 'run: time: 9223372036.854775806s is longer than any run can last'

# wrong types, with the option's name (was "bad argument #-1 to 'traceroute'")
bad 'traceroute { from = a, to = b, on_done = 5 }' 'traceroute: on_done: expected a function(hops), got number'
bad 'traceroute()' 'traceroute: expected a table of options { from = ..., to = ... }, got nothing'
bad 'ping(5)' 'ping: expected a table of options { ... }, got 5'
bad 'traceroute { from = a }' "traceroute: 'to' is required"
bad 'traceroute { from = a, to = b, max_hops = 0 }' 'traceroute: max_hops: 0 is out of range [1, '
bad 'traceroute { from = a, to = b, port = 65000, max_hops = 64, probes = 10 }' 'traceroute: port: 65000 + max_hops * probes - 1 = 65639 is past 65535'
bad 'ping { from = a, to = b, size = 65508 }' 'ping: size: 65508 is out of range [0, 65507]'
bad 'ping { from = a, to = "1.2.3" }' "ping: to: there is no node named '1.2.3'"
bad 'ping { from = a, to = b, name = string.rep("x", 48) }' 'ping: name: at most 47 characters, got 48'
bad 'udp.cbr { from = a, to = b, rate = "300Gbps", size = 0 }' 'udp.cbr: rate: 300Gbps sends a 28-byte packet more often than once a nanosecond'
bad 'udp.cbr { from = a, to = b }' "udp.cbr: 'rate' is required"
bad 'udp.onoff { from = a, to = b, rate = "1Mbps", dist = "normal" }' 'udp.onoff: dist: expected "exp", "const" or "pareto", got '"'"'normal'"'"
bad 'udp.cbr { from = a, to = b, rate = "1Mbps", port = 5000 } udp.cbr { from = a, to = b, rate = "1Mbps", port = 5000 }' 'udp.cbr: udp: port 5000 on b is already in use'

# methods called with '.' or on another object
bad 'local p = ping { from = a, to = b } p.stop()' 'stop: a method of an app, to call with a colon, as x:stop(...) (self is nothing)'
bad 'local p = ping { from = a, to = b } p.stats(a)' 'stats: a method of an app, to call with a colon, as x:stats(...) (self is wirelab.node)'

# a start after run() defaults to now, and the app runs
cat > late.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
run("2s")
local p = ping { from = a, to = b, count = 3, every = "10ms" }
run("3s")
assert(p:stats().received == 3, "late ping received " .. p:stats().received)
assert(p[{}] == nil)
LUA
$W run late.lua --quiet --out late.db || fail "a ping made after run()"
echo "ok: a ping made after run() starts then"

# a traceroute made inside a coroutine that has ended calls on_done on the
# main thread (it pushed onto the dead coroutine's stack: "(null)")
cat > co.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
local got
local co = coroutine.create(function()
  traceroute { from = a, to = b, on_done = function(h) got = #h end }
  coroutine.yield()
end)
coroutine.resume(co)
co = nil
for i = 1, 100000 do local t = { i } end
run("20s")
assert(got == 1, "on_done did not run")
LUA
$W run co.lua --quiet --out co.db || fail "traceroute from a coroutine"
echo "ok: on_done of a traceroute made in a coroutine"

# tcp.bulk and tcp.reqresp: instants in the past or past SIM_TIME_LIMIT
# (2^61 ns = 2305843009.213693952 s) are errors naming the argument, not
# clamped to now; durations as long as any run can last at most
bad 'run("2s") tcp.bulk { from = a, to = b, start = "1s" }' 'tcp.bulk: start: 1s is in the past (now is 2s)'
bad 'run("2s") tcp.bulk { from = a, to = b, measure_from = "1s" }' 'tcp.bulk: measure_from: 1s is in the past (now is 2s)'
bad 'tcp.bulk { from = a, to = b, measure_from = "2562047.7h" }' 'tcp.bulk: measure_from: 9223371720s is longer than any run can last'
bad 'tcp.bulk { from = a, to = b, stop = "2562047.7h" }' 'tcp.bulk: stop: 9223371720s is longer than any run can last'
bad 'tcp.bulk { from = a, to = b, start = "2s", stop = "1s" }' 'tcp.bulk: stop (1s) is before start (2s)'
bad 'tcp.bulk { from = a, to = b, read_rate = "1Mbps", read_every = "2562047.7h" }' 'tcp.bulk: read_every: 9223371720s is longer than any run can last'
bad 'run("2s") tcp.reqresp { from = a, to = b, start = "1500ms" }' 'tcp.reqresp: start: 1.5s is in the past (now is 2s)'
bad 'run("2s") tcp.reqresp { from = a, to = b, stop = "1s" }' 'tcp.reqresp: stop: 1s is in the past (now is 2s)'
bad 'tcp.reqresp { from = a, to = b, start = "2562047.7h" }' 'tcp.reqresp: start: 9223371720s is longer than any run can last'
bad 'tcp.reqresp { from = a, to = b, think = "2562047.7h" }' 'tcp.reqresp: think: 9223371720s is longer than any run can last'
