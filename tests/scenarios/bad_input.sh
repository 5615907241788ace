# Bad input gets a clear message naming what was expected (and, for script
# mistakes, the file and line) and a non-zero exit; never a crash.
. "$TOP/tests/lib.sh"
W=$WIRELAB
S=$TOP/scenarios

expect_error "unknown parameter 'bogus' (this scenario has: delay, hops, rate, size, time)" -- \
	$W run $S/chain.lua -p bogus=1 --quiet --out a.db
expect_error "parameter rate: expected a rate like '10Mbps', got '10'" -- \
	$W run $S/chain.lua -p rate=10 --quiet --out a.db
expect_error "parameter delay: expected a duration like '40ms', got '-5ms'" -- \
	$W run $S/chain.lua -p delay=-5ms --quiet --out a.db
expect_error "parameter hops: expected an integer, got 'three'" -- \
	$W run $S/chain.lua -p hops=three --quiet --out a.db

# a negative delay written in a script
cat > neg.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "-5ms" })
LUA
expect_error "neg.lua:2: link: delay: expected a duration like '40ms', got '-5ms'" -- \
	$W run neg.lua --quiet --out a.db

cat > syntax.lua <<'LUA'
local a = node "a"
local b = node "b"
link(a, b, { rate = "10Mbps" delay = "1ms" })
LUA
expect_error "syntax.lua:3: '}' expected" -- $W run syntax.lua --quiet --out a.db

cat > runtime.lua <<'LUA'
local a = node "a"
local x = nil
at("1s", function() return x.field end)
run("2s")
LUA
expect_error "runtime.lua:3: attempt to index a nil value (upvalue 'x')" -- \
	$W run runtime.lua --quiet --out rt.db
same "$(q rt.db "select status from runs")" "error" "status of a failed run"
q rt.db "select error from runs" | grep -q "runtime.lua:3" || fail "error not recorded in runs"

# mistakes inside a library function point at the user's line
cat > lib.lua <<'LUA'
local p = params { time = "1s" }
local net = topo.chain { hops = 2, rate = "fast", delay = "1ms" }
LUA
expect_error "lib.lua:2: link: rate: expected a rate like '10Mbps', got 'fast' (in " -- \
	$W run lib.lua --quiet --out a.db
cat > opt.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", dealy = "1ms" })
LUA
expect_error "opt.lua:2: link: unknown option 'dealy' (expected one of: rate, delay," -- \
	$W run opt.lua --quiet --out a.db
cat > nolink.lua <<'LUA'
ping { from = "h1", to = "h2" }
LUA
expect_error "nolink.lua:1: ping: from: there is no node named 'h1'" -- $W run nolink.lua --quiet --out a.db
cat > rec.lua <<'LUA'
record { "qeue" }
LUA
expect_error "rec.lua:1: record: unknown metric or group 'qeue' (known: " -- $W run rec.lua --quiet --out a.db
cat > sandbox.lua <<'LUA'
os.execute("true")
LUA
expect_error "sandbox.lua:1: attempt to index a nil value (global 'os')" -- $W run sandbox.lua --quiet --out a.db

expect_error "cannot open scenario 'missing.lua'" -- $W run missing.lua --quiet --out a.db
expect_error "cannot open result file '/nonexistent/dir/x.db'" -- \
	$W run $S/chain.lua --quiet --out /nonexistent/dir/x.db
expect_error "--seed needs a non-negative integer, got 'x'" -- $W run $S/chain.lua --seed x
expect_error "unknown option '--bogus'" -- $W run $S/chain.lua --bogus
expect_error "unknown command 'fly'" -- $W fly
expect_error "run: which scenario?" -- $W run
$W --help | grep -q "wirelab run SCRIPT" || fail "--help"
$W --version | grep -q "^wirelab " || fail "--version"
echo "ok: --help and --version"

# TCP
cat > cc.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
tcp.bulk { from = a, to = b, cc = "vegass" }
LUA
expect_error "cc.lua:3: tcp.bulk: unknown congestion control 'vegass' (available: reno, newreno" -- \
	$W run cc.lua --quiet --out a.db
$W run "$TOP/scenarios/tcp_bulk.lua" -p cc=cubik -p time=1s --quiet --out a.db 2> err.txt
grep -q "unknown congestion control 'cubik'" err.txt || fail "unknown cc through -p"
echo "ok: $(cat err.txt)"
cat > port.lua <<'LUA'
local a = node "a"
local b = node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
tcp.listen { node = b, port = 80 }
tcp.listen { node = b, port = 80 }
LUA
expect_error "port.lua:5: tcp.listen: port 80 on b: address already in use" -- $W run port.lua --quiet --out a.db
cat > opt2.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
tcp.bulk { from = a, to = b, rto_min = "-1ms" }
LUA
expect_error "opt2.lua:3: tcp.bulk: rto_min: expected a duration like '40ms', got '-1ms'" -- $W run opt2.lua --quiet --out a.db
