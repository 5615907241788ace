# Stopping a sweep stops its runs: SIGTERM to `wirelab sweep` passes the
# signal on to the running child runs, starts no more, and records the
# runs that ran as interrupted (status 'interrupted' and the signal's name
# in the error, in both runs and sweeps).  A child that dies of a signal
# (here SIGKILL, as the OOM killer would) is recorded with that signal,
# by name, in both tables, and the sweep goes on.
. "$TOP/tests/lib.sh"
W=$WIRELAB
# a run that would take hours: a ping every 10 us for a simulated day
cat > long.lua <<'LUA'
local p = params { n = 1 }
local a, b = node "a", node "b"
link(a, b, { rate = "1Gbps", delay = "1us" })
ping { from = a, to = b, every = "10us" }
run("86400s")
LUA
# children PID: the sweep's running child runs, one per line
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
# wait_children PID N: until the sweep has N children (at most 20 s)
wait_children() {
	i=0
	while [ "$(children "$1" | wc -l)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "the sweep did not start $2 runs"
		sleep 0.1
	done
}
# gone PID...: none of the processes is alive within 10 s
gone() {
	for p in "$@"; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; do
			i=$((i + 1))
			[ $i -lt 100 ] || fail "child run $p still runs after the sweep was stopped"
			sleep 0.1
		done
	done
}

# ---- SIGTERM to the sweep stops both running runs ----
$W sweep long.lua -p n=1,2,3 --jobs 2 --out t.db --quiet 2> err.txt &
sw=$!
wait_children $sw 2
kids=$(children $sw)
sleep 0.5
start=$(date +%s)
kill -TERM $sw
wait $sw
rc=$?
took=$(( $(date +%s) - start ))
cat err.txt
same "$rc" 1 "exit status of an interrupted sweep"
[ "$took" -le 6 ] || fail "the sweep took $took s to stop"
gone $kids
echo "ok: the sweep and its runs ($(echo $kids | tr '\n' ' ')) stopped within $took s"
grep -q "interrupted; 2 of 3 runs are in t.db" err.txt || fail "the sweep's note on stopping"
same "$(q t.db "select count(*) from runs")" 2 "runs recorded (the third never started)"
same "$(q t.db "select group_concat(status, ' ') from (select status from sweeps order by run_id)")" \
	"interrupted interrupted" "sweeps.status"
same "$(q t.db "select group_concat(status, ' ') from (select status from runs order by run_id)")" \
	"interrupted interrupted" "runs.status"
same "$(q t.db "select count(*) from sweeps where error like '%SIGTERM%'")" 2 "SIGTERM named in sweeps.error"
same "$(q t.db "select count(*) from runs where error like '%SIGTERM%'")" 2 "SIGTERM named in runs.error"
same "$(q t.db "select count(*) from summary")" 0 "no summary of interrupted runs"

# ---- a child killed by SIGKILL is recorded with it; the sweep goes on ----
$W sweep long.lua -p n=1,2 --out k.db --quiet 2> err.txt &
sw=$!
wait_children $sw 1
first=$(children $sw)
sleep 0.5
kill -KILL $first
# the sweep starts the second run; then stop the sweep
i=0
while [ "$(children $sw)" = "$first" ] || [ -z "$(children $sw)" ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "the sweep did not go on to its second run"; sleep 0.1
done
second=$(children $sw)
sleep 0.5
kill -INT $sw
wait $sw
cat err.txt
gone $second
same "$(q k.db "select status || ': ' || error from runs where run_id = 1")" \
	"error: killed by signal 9 (SIGKILL)" "runs row of the killed run"
same "$(q k.db "select status || ': ' || error from sweeps where run_id = 1")" \
	"error: killed by signal 9 (SIGKILL)" "sweeps row of the killed run"
same "$(q k.db "select status from sweeps where run_id = 2")" interrupted "the run stopped by SIGINT"
q k.db "select error from sweeps where run_id = 2" | grep -q SIGINT || fail "SIGINT not named: $(q k.db "select error from sweeps where run_id = 2")"
grep -q "run 1 (n=1, rep 0, seed 1) failed: killed by signal 9 (SIGKILL)" err.txt || fail "the sweep's message on the killed run"

# ---- a run that does not stop on the signal is killed a few seconds later ----
cat > stuck.lua <<'LUA'
local p = params { n = 1 }
while true do end
LUA
$W sweep stuck.lua -p n=1 --out s.db --quiet 2> err.txt &
sw=$!
wait_children $sw 1
kids=$(children $sw)
sleep 0.3
start=$(date +%s)
kill -TERM $sw
wait $sw
took=$(( $(date +%s) - start ))
cat err.txt
[ "$took" -le 8 ] || fail "a stuck run held the sweep for $took s"
gone $kids
# the run stops on SIGTERM itself (then its error names it), or is killed
# by SIGKILL SWEEP_KILL_AFTER_S = 3 s later
same "$(q s.db "select status from sweeps")" interrupted "sweeps.status of the stuck run"
q s.db "select error from runs" | grep -q 'SIGTERM\|SIGKILL' || fail "signal not named: $(q s.db "select error from runs")"
