# Bad input to the Lua host (ISSUE 8 §1): every case exits non-zero with a
# message naming the script line or the argument; no signal, no sanitizer
# report (expect_error checks both).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# ---- command line ----
cat > p.lua <<'LUA'
local p = params { x = 1.5, n = 3, d = "10ms" }
LUA
# NaN and inf would be written as invalid JSON into runs.params
expect_error "p.lua:1: parameter x: expected a finite number, got 'nan'" -- $W run p.lua -p x=nan --quiet --out a.db
expect_error "p.lua:1: parameter x: expected a finite number, got 'inf'" -- $W run p.lua -p x=inf --quiet --out a.db
expect_error "parameter x: expected a finite number, got '-Infinity'" -- $W run p.lua -p x=-Infinity --quiet --out a.db
# SQLite integers are signed 64-bit: 2^63 would be stored as -2^63
expect_error "--seed needs a non-negative integer, got '9223372036854775808' (at most 9223372036854775807)" -- \
	$W run p.lua --seed 9223372036854775808 --quiet --out a.db
$W run p.lua --seed 9223372036854775807 --quiet --out a.db || fail "seed 2^63-1 refused"
same "$(q a.db "select seed from runs")" "9223372036854775807" "largest seed, read back"
same "$(q a.db "select json_valid(params) from runs")" "1" "runs.params is valid JSON"

# ---- one line scripts: "message" 'script' ----
check() {
	printf '%s\n' "$2" > e.lua
	expect_error "$1" -- $W run e.lua --quiet --out e.db
	grep -q "(null)\|a no value" err.txt && { cat err.txt >&2; fail "unclear message"; }
	return 0
}
check "e.lua:1: params: default of 'x' must be a finite number, got" 'params { x = 0/0 }'
check "e.lua:1: include: unknown parameter 'bogus' (the scenario has: d, n, x)" 'include("p.lua", { bogus = 1 })'
check "e.lua:1: include: unknown parameter 1 (the scenario has: d, n, x)" 'include("p.lua", { 7 })'
check "e.lua:1: units.duration: expected a finite number of ns, got" 'units.duration(0/0)'
check "e.lua:1: units.duration: expected a finite number of ns, got inf" 'units.duration(1/0)'
check "e.lua:1: units.size: a size cannot be negative (got -1)" 'units.size(-1)'
check "e.lua:1: units.ns: expected a duration like '40ms', got nothing" 'units.ns()'
check "e.lua:1: at: expected a function to call, got nothing" 'at("1s")'
check "e.lua:1: at: time: expected a duration like '40ms', got nil" 'at(nil, print)'
check "e.lua:1: at: time 500ms is in the past (now is 1s" 'run("1s"); at("0.5s", print)'
check "e.lua:1: every: the period must be above zero" 'every("0s", print)'
check "e.lua:1: every: period: expected a duration like '40ms' or whole nanoseconds, got 1.5" 'every(1.5, print)'
check "e.lua:1: run: time: -1 ns is out of range [0, 2305843009213693952]" 'run(-1)'
# durations whose now + d would overflow a signed 64-bit ns clock
check "e.lua:2: link: delay: 5000000000s is longer than any run can last (at most 2305843009.213693952s" \
	"$(printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "1Mbps", delay = "5000000000s" })')"
check "e.lua:1: after: delay: 5000000000s is longer than any run can last (at most 2305843009.213693952s" 'after("5000000000s", print)'
check "e.lua:1: at: time: 9223372036854775807 ns is out of range [0, 2305843009213693952]" 'at(math.maxinteger, print)'
# run() from a callback would nest the run loop; from a coroutine, run
# callbacks on a suspended stack
check "e.lua:1: run: called from inside a callback while the simulation is running" \
	'at("1s", function() run("5s") end); run("2s")'
check "run: called inside a coroutine" 'coroutine.wrap(function() run("1s") end)()'
# a function called with no call site to name it (a callback, pcall) was
# "bad argument #1 to '?'"
check "e.lua:1: bad argument #1 to 'next' (table expected, got wirelab.timer)" 'at("1s", next); run("2s")'
check "bad argument #1 to 'tcpconn.send' (wirelab.tcpconn expected, got nil)" \
	"$(printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "1Mbps", delay = "1ms" })\nlocal c = tcp.connect { from = a, to = b, port = 9 }\nrun("1s")\nlocal ok, err = pcall(c.send, nil)\nerror(err)')"
check "e.lua:1: setmetatable: __gc metamethods are not available to scenarios" 'setmetatable({}, { __gc = print })'
check "e.lua:1: record: only: entry 1: expected an entity name, got 1" 'record { "queue", only = { 1 } }'
check "e.lua:1: record: only: expected a list of entity names, got an empty table" 'record { "queue", only = {} }'
check "e.lua:1: record: every: a sampling interval must be above zero" 'record { "queue", every = "0s" }'
check "e.lua:1: metric: value: expected a finite number, got" 'metric("x", "e", 0/0)'
check "e.lua:1: metric: 'queue_pkts' is a metric of the models" 'metric("queue_pkts", "e", 1)'
check "e.lua:1: metric: name: expected a name of 1 to 64 characters, got ''" 'metric("", "e", 1)'
check "e.lua:1: event: kind: expected a string, got nothing" 'event()'
# include() and require() read scenario files only
check "e.lua:1: include: '/etc/passwd' must be a path relative to the script's folder" 'include("/etc/passwd")'
check "e.lua:1: include: '../x.lua' must be a path relative" 'include("../x.lua")'
check "e.lua:1: include: 'scenarios/../../x.lua' must be a path relative" 'include("scenarios/../../x.lua")'
check "e.lua:1: require: '..x' is not a library name" 'require("..x")'
ln -sf /etc/hostname escape.lua
check "e.lua:1: include: no scenario file 'escape.lua'" 'include("escape.lua")'

# record{ only = ... } with 40 names (crashed: a fixed array and an
# unchecked Lua stack) records exactly the names given
{
	echo 'local n = {}'
	echo 'for i = 1, 41 do n[i] = node("n" .. i) end'
	echo 'for i = 1, 40 do link(n[i], n[i + 1], { rate = "10Mbps", delay = "1ms" }) end'
	printf 'local only = {}\nfor i = 1, 40 do only[i] = "n" .. i .. "->n" .. (i + 1) end\n'
	echo 'record { "queue_pkts", every = "100ms", only = only }'
	echo 'run("1s")'
} > only.lua
$W run only.lua --quiet --out only.db 2> err.txt || { cat err.txt; fail "record only = 40 names"; }
same "$(q only.db "select count(distinct entity) from series where metric = 'queue_pkts'")" "40" "entities recorded with only = 40 names"
