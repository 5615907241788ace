# SIGINT and SIGTERM stop a run even while the script is stuck in a Lua
# loop (ISSUE 8 §2): within 1 s, the run marked 'interrupted' with the
# signal's name, and the process dies of that signal (status 128 + n).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# stop SIG FILE.lua DB: starts a run, waits until it is in the loop, sends
# SIG, checks the run ended within 1 s
stop() {
	sig=$1 script=$2 db=$3
	$W run "$script" --quiet --out "$db" > out.txt 2> err.txt &
	pid=$!
	# the result file is created just before the script starts: wait for
	# it (at most 10 s; not with sqlite3, which would race with its
	# creation), then give the script 0.5 s to reach its loop
	i=0
	until [ -s "$db" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "the run did not start"; sleep 0.1
	done
	sleep 0.5
	t0=$(date +%s%N)
	kill -$sig $pid
	wait $pid
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	cat err.txt
	grep -q "AddressSanitizer\|runtime error" err.txt && fail "sanitizer report"
	[ $ms -lt 1000 ] || fail "$script: $sig took $ms ms to stop the run (limit 1000)"
	echo "ok: $script stopped $ms ms after SIG$sig, exit status $rc"
	same "$(q "$db" "select status from runs")" "interrupted" "$script: status"
	q "$db" "select error from runs" | grep -q "interrupted by SIG$sig" || fail "$script: no reason recorded"
}

# a loop at the top level
cat > top.lua <<'LUA'
while true do end
LUA
stop INT top.lua top.db
same "$rc" "130" "exit status after SIGINT (128 + 2)"

# a loop in a callback, behind pcall, in a coroutine
cat > cb.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "5ms" })
at("1s", function()
  while true do
    pcall(function() coroutine.wrap(function() while true do end end)() end)
  end
end)
run("2s")
LUA
stop TERM cb.lua cb.db
same "$rc" "143" "exit status after SIGTERM (128 + 15)"
same "$(q cb.db "select sim_ns from runs")" "1000000000" "interrupted at the callback's time"

# while the simulation itself runs (checked every 2^16 events)
cat > sim.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "1Gbps", delay = "5ms" })
tcp.bulk { from = a, to = b }
run("100000s")
LUA
stop INT sim.lua sim.db
