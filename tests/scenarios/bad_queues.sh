# Bad queue specifications: keys that are not names, many options, numbers
# that do not fit, blanks, durations Linux cannot configure.  Each fails
# with the script's line and the option's name, never a crash (issue 8,
# section 1; the per-AQM messages are in aqm_bad_input.sh).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA-BEFORE QUEUE MESSAGE: line 2 runs LUA-BEFORE and links a to b
# with QUEUE
bad() {
	printf 'local a, b = node "a", node "b"\n%s link(a, b, { rate = "10Mbps", delay = "1ms", queue = %s })\n' \
		"$1" "$2" > q.lua
	expect_error "q.lua:2: $3" -- $W run q.lua --quiet --out a.db
}

# keys that are not strings, given or added to the spec later (a table
# key crashed on strcmp(NULL); a number key ended in "invalid key to 'next'")
bad '' 'fifo { 5 }' 'fifo: options are named, e.g. fifo { limit = 100 } (got a number key)'
bad 'local q = fifo { limit = 5 } q[{}] = 1' 'q' 'fifo: options are named, e.g. fifo { limit = 100 } (got a table key)'
bad 'local q = fifo { limit = 5 } q[2] = 1' 'q' 'fifo: options are named, e.g. fifo { limit = 100 } (got a number key)'
bad 'local q = fifo {} q.qdisc = {}' 'q' 'link: queue: expected a queue such as fifo { limit = 100 }'
bad '' 'fifo { limit = {} }' 'fifo: limit: expected a number, a string or a boolean, got a table'

# many options: each one read, none lost (40 overflowed the Lua stack)
bad 'local o = {} for i = 1, 200 do o["k" .. i] = i end o.limit = 5' 'fifo(o)' "fifo: unknown parameter 'k"

# numbers: no blanks, no wrap-around, no clamping
bad '' "fifo { bytes = ' -5' }" "fifo: bytes: expected a size like '1500B' or '64KiB', got ' -5'"
bad '' "fifo { bytes = '99999999999999999999999' }" 'fifo: bytes: 99999999999999999999999 bytes is too large'
bad '' "fifo { limit = ' 5' }" "fifo: limit: expected an integer, got ' 5'"
bad '' "fifo { limit = '+5' }" "fifo: limit: expected an integer, got '+5'"
bad '' "fifo { limit = '99999999999999999999' }" 'fifo: limit: 99999999999999999999 is out of range [0, 4294967295]'
bad '' 'fifo { limit = 2^63 }' "fifo: limit: expected an integer, got '9.2233720368547758e+18'"
bad '' 'fifo { limit = 0/0 }' 'fifo: limit: expected an integer, got'
bad '' 'fifo { limit = 1.5 }' "fifo: limit: expected an integer, got '1.5'"
bad '' 'pie { alpha = 0/0 }' 'pie: alpha: '
bad '' "red { w_q = ' 0.5' }" "red: w_q: expected a number, got ' 0.5'"

# durations: at most 2^32 - 1 microseconds, as Linux (u32 usecs); pie
# tupdate = 2562047.7 h overflowed now + tupdate
bad '' "pie { tupdate = '2562047.7h' }" 'pie: tupdate: 2562047.7h is longer than Linux can configure (4294.967295s, u32 microseconds)'
bad '' "codel { interval = '4294.967296s' }" 'codel: interval: 4294.967296s is longer than Linux can configure'
bad '' "fq_codel { ce_threshold = '2h' }" 'fq_codel: ce_threshold: 2h is longer than Linux can configure'

# what fits is taken as written: an integral float is an integer, the
# longest duration is accepted, and the recorded parameters say so
cat > ok.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms", queue = fifo { limit = 7.0 } })
local c, d = node "c", node "d"
link(c, d, { rate = "10Mbps", delay = "1ms", queue = codel { interval = "4294.967295s", target = "5ms" } })
ping { from = a, to = b, count = 2, every = "10ms" }
ping { from = c, to = d, count = 2, every = "10ms" }
run("1s")
LUA
$W run ok.lua --quiet --out ok.db || fail "good queues refused"
q ok.db "select params from queues where entity = 'a->b'" | grep -q "limit=7" || fail "fifo limit 7.0"
q ok.db "select params from queues where entity = 'c->d'" | grep -q "interval=4294.967295s" || fail "codel interval"
echo "ok: limit = 7.0 and interval = 4294.967295s accepted"
