# wirelab sweep and merge: the cross product of -p lists times replications,
# run as separate processes and folded into one file that does not depend
# on --jobs; the sweeps table and the summary statistics; a failed run is
# recorded and the sweep goes on; --emit-jobs + merge rebuild the same
# file; bad input gets a clear message.
. "$TOP/tests/lib.sh"
W=$WIRELAB
S=$TOP/scenarios/tcp_bulk.lua
# a result file's contents without its wall-clock columns
dump() {
	sqlite3 "$1" "update runs set wall_s = 0, started_at = '';" ".dump" | grep -v '^PRAGMA'
}
SWEEP="-p buf=20,100 -p loss=0,0.01 -p time=3s -p warmup=1s --reps 2"

# ---- --jobs 1 and --jobs 2 give the same file ----
$W sweep "$S" $SWEEP --out j1.db > out1.txt || fail "sweep --jobs 1"
cat out1.txt
grep -q "8 runs (4 points x 2 reps): 8 ok, 0 failed" out1.txt || fail "summary line"
$W sweep "$S" $SWEEP --jobs 2 --out j2.db > out2.txt || fail "sweep --jobs 2"
dump j1.db > j1.sql
dump j2.db > j2.sql
cmp -s j1.sql j2.sql || { diff j1.sql j2.sql | head; fail "--jobs 2 gave a different file"; }
echo "ok: --jobs 1 and --jobs 2: identical dumps ($(wc -l < j1.sql) lines)"
[ ! -e j1.d ] || fail "the sweep's work folder j1.d was left behind"

# ---- the sweeps table: one row per run, in cross-product order ----
same "$(q j1.db "select count(*) from runs")" 8 "runs"
same "$(q j1.db "select count(*) from sweeps where sweep_id = 1 and status = 'ok'")" 8 "sweeps rows"
got=$(q j1.db "select group_concat(run_id || ' ' || point || ' ' || rep || ' ' || seed, '; ') from (select * from sweeps order by run_id)")
want='1 {"buf":20,"loss":0} 0 1; 2 {"buf":20,"loss":0} 1 2; 3 {"buf":20,"loss":0.01} 0 1; 4 {"buf":20,"loss":0.01} 1 2; 5 {"buf":100,"loss":0} 0 1; 6 {"buf":100,"loss":0} 1 2; 7 {"buf":100,"loss":0.01} 0 1; 8 {"buf":100,"loss":0.01} 1 2'
same "$got" "$want" "points, reps and seeds"
# each run really ran with its point's parameters and seed
same "$(q j1.db "select count(*) from runs r join sweeps s using (run_id) where r.seed = s.seed
	and r.status = 'ok' and json_extract(r.params, '$.buf') = json_extract(s.point, '$.buf')
	and json_extract(r.params, '$.loss') = json_extract(s.point, '$.loss')
	and json_extract(r.params, '$.time') = '3s'")" 8 "runs matching their sweep rows"
same "$(q j1.db "select cmd from sweeps where run_id = 3")" \
	"wirelab run $S -p buf=20 -p loss=0.01 -p time=3s -p warmup=1s --seed 1" "cmd of run 3"

# ---- statistics ----
same "$(q j1.db "select count(*) from summary where metric = 'goodput_bps' and key = '' and n = 2")" 4 \
	"goodput rows with n = 2"
for m in ping_rtt_p50_ns ping_rtt_p95_ns sojourn_mean_ns; do
	same "$(q j1.db "select count(*) from summary where metric = '$m' and n = 2 and mean > 0")" 4 "$m rows"
done
same "$(q j1.db "select count(*) from summary where n > 1 and (ci95 is null or ci95 < 0)")" 0 \
	"rows without a sensible ci95"
same "$(q j1.db "select count(*) from summary where metric = 'goodput_share' and key = 'reno' and mean = 1")" 4 \
	"reno's share when alone"
# random loss with different seeds: the two replications differ
lossy_ci=$(q j1.db "select ci95 from summary where point = '{\"buf\":20,\"loss\":0.01}' and metric = 'goodput_bps'")
awk -v c="$lossy_ci" 'BEGIN { exit !(c > 0) }' || fail "loss 1 %: ci95 = $lossy_ci, expected > 0"
# per run, goodput is the sum over the TCP flows
same "$(q j1.db "select count(*) from run_stats s where metric = 'goodput_bps' and abs(value -
	(select sum(goodput_bps) from flows f where f.run_id = s.run_id and proto = 'tcp')) < 1e-6")" 8 \
	"run goodput = sum of TCP flows"
# n = 2: mean = (x1 + x2) / 2 and ci95 = t(0.975, 1) |x1 - x2| / 2, where
# t(0.975, 1) = 12.7062 (the two-sided 95 % critical value of Student's t
# with 1 degree of freedom, e.g. NIST/SEMATECH e-Handbook of Statistical
# Methods, 1.3.6.7.2)
x1=$(q j1.db "select value from run_stats where run_id = 3 and metric = 'goodput_bps'")
x2=$(q j1.db "select value from run_stats where run_id = 4 and metric = 'goodput_bps'")
mean=$(q j1.db "select mean from summary where point = '{\"buf\":20,\"loss\":0.01}' and metric = 'goodput_bps'")
near "$mean" "$(awk -v a="$x1" -v b="$x2" 'BEGIN { printf "%.6f", (a + b) / 2 }')" 1e-9 "mean goodput"
near "$lossy_ci" "$(awk -v a="$x1" -v b="$x2" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.6f", 12.7062047 * d / 2 }')" \
	1e-6 "ci95 of goodput (n = 2)"
# ping percentiles count from warmup=1s; quantiles as R's type 7
q j1.db "select value from series where run_id = 3 and metric = 'ping_rtt_ns' and t_ns >= 1000000000 order by value" > rtt.txt
[ "$(q j1.db "select count(*) from series where run_id = 3 and metric = 'ping_rtt_ns' and t_ns < 1000000000")" -gt 0 ] ||
	fail "no ping samples before the warm-up to leave out"
quantile() { awk -v p="$1" '{ x[NR - 1] = $1 } END { h = (NR - 1) * p; l = int(h);
	v = x[l]; if (l + 1 < NR) v += (h - l) * (x[l + 1] - x[l]); printf "%.3f", v }' rtt.txt; }
near "$(q j1.db "select value from run_stats where run_id = 3 and metric = 'ping_rtt_p50_ns'")" "$(quantile 0.5)" 1e-9 "ping p50, after warm-up"
near "$(q j1.db "select value from run_stats where run_id = 3 and metric = 'ping_rtt_p95_ns'")" "$(quantile 0.95)" 1e-9 "ping p95, after warm-up"

# ---- a failing run is recorded and the sweep goes on ----
$W sweep "$S" -p cc=reno,nosuchcc -p time=1s --out bad.db > out.txt 2> err.txt
rc=$?
cat out.txt err.txt
same "$rc" 1 "exit status of a sweep with a failed run"
grep -q "2 runs (2 points x 1 reps): 1 ok, 1 failed" out.txt || fail "summary line of a failed sweep"
same "$(q bad.db "select status from sweeps where run_id = 2")" error "sweeps.status of the failed run"
q bad.db "select error from sweeps where run_id = 2" | grep -q "unknown congestion control 'nosuchcc'" ||
	fail "the failed run's error is not in sweeps"
same "$(q bad.db "select status from runs where run_id = 2")" error "runs.status of the failed run"
same "$(q bad.db "select status from sweeps where run_id = 1")" ok "the other run"
same "$(q bad.db "select group_concat(distinct point) from summary")" '{"cc":"reno"}' "summary of the successful point only"
[ -s bad.d/run-2.err ] || fail "the failed run's stderr was not kept"

# a run that leaves no result file at all (here: its path is a folder)
mkdir -p gone.d/run-2.db
$W sweep "$S" -p buf=20,100 -p time=1s --out gone.db --quiet 2> err.txt
same "$?" 1 "exit status when a run writes no file"
same "$(q gone.db "select count(*) from runs")" 2 "runs, with the missing one recorded"
same "$(q gone.db "select r.status || ' ' || r.seed || ' ' || s.point from runs r join sweeps s using (run_id) where run_id = 2")" \
	'error 1 {"buf":100}' "the run without a file"
q gone.db "select error from sweeps where run_id = 2" | grep -q "cannot replace result file" ||
	fail "error of the run without a file: $(q gone.db "select error from sweeps where run_id = 2")"

# ---- a value with commas, in brackets ----
cat > list.lua <<'LUA'
local p = params { cc = "reno", time = "1s" }
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
ping { from = a, to = b, every = "100ms" }
record { "ping" }
run(p.time)
LUA
$W sweep list.lua -p 'cc=[cubic,bbr],reno' --out list.db --quiet || fail "sweep with a bracketed value"
same "$(q list.db "select group_concat(point, ' ') from (select point from sweeps order by run_id)")" \
	'{"cc":"cubic,bbr"} {"cc":"reno"}' "points of a bracketed list"
same "$(q list.db "select json_extract(params, '$.cc') from runs where run_id = 1")" "cubic,bbr" "the run's cc"

# ---- --emit-jobs, run them, merge: the same file as the direct sweep ----
$W sweep "$S" $SWEEP --out e.db --emit-jobs > jobs.txt || fail "--emit-jobs"
cat jobs.txt
same "$(grep -vc '^#' jobs.txt)" 8 "job lines"
same "$(grep -c '^#' jobs.txt)" 1 "comment lines"
[ -d e.d ] || fail "--emit-jobs did not make e.d"
[ ! -e e.db ] || fail "--emit-jobs wrote e.db"
grep -q -- "--job 3 --out e.d/run-3.db" jobs.txt || fail "job 3's line"
# as GNU parallel would: every line, two at a time
grep -v '^#' jobs.txt | xargs -P 2 -I CMD sh -c CMD || fail "running the jobs"
merge=$(tail -n 1 jobs.txt | sed 's/^# when every job has finished: //')
eval "$merge" || fail "the merge command: $merge"
dump e.db > e.sql
cmp -s j1.sql e.sql || { diff j1.sql e.sql | head; fail "emit-jobs + merge differs from the sweep"; }
echo "ok: --emit-jobs, the jobs, then merge: the same file as the sweep"

# ---- merge ----
$W merge all.db j1.db bad.db > out.txt || fail "merge of two sweeps"
cat out.txt
same "$(q all.db "select count(*) || ' ' || max(run_id) from runs")" "10 10" "merged runs"
same "$(q all.db "select group_concat(sweep_id || ':' || n, ' ') from (select sweep_id, count(*) n from sweeps group by 1)")" \
	"1:8 2:2" "merged sweeps"
same "$(q all.db "select count(*) from summary where sweep_id = 2")" \
	"$(q bad.db "select count(*) from summary")" "summary of the second sweep"
same "$(q all.db "select count(*) from flows where run_id > 8")" "$(q bad.db "select count(*) from flows")" "flows of the second file"
same "$(q all.db "select count(*) from series where run_id > 8")" "$(q bad.db "select count(*) from series")" "series of the second file"
# a plain run merges too, after what is there
$W run "$S" -p time=1s --quiet --out one.db || fail run
$W merge all.db one.db > /dev/null || fail "merge of a run"
same "$(q all.db "select max(run_id) || ' ' || (select count(*) from sweeps) from runs")" "11 10" "a plain run appended"
# the same sweep again stays a separate sweep
$W merge all.db j2.db 2> err.txt > /dev/null || fail "merge of a repeated sweep"
grep -q "repeats job 1 of sweep 1; it becomes sweep 3" err.txt || fail "note on a repeated sweep"

# ---- bad input ----
expect_error "-p cc=: no values" -- $W sweep "$S" -p cc= --out x.db
expect_error "-p needs name=v1,v2,... (got 'cc')" -- $W sweep "$S" -p cc --out x.db
expect_error "an empty value" -- $W sweep "$S" -p cc=reno,,cubic --out x.db
expect_error "unbalanced brackets" -- $W sweep "$S" -p 'cc=[reno,cubic' --out x.db
expect_error "unknown option '--bogus'" -- $W sweep "$S" -p buf=1,2 --bogus --out x.db
expect_error "--jobs needs a positive integer, got '0'" -- $W sweep "$S" -p buf=1,2 --jobs 0 --out x.db
expect_error "--reps needs a positive integer, got 'two'" -- $W sweep "$S" --reps two --out x.db
expect_error "--out FILE.db is required" -- $W sweep "$S" -p buf=1,2
expect_error "parameter 'buf' is given twice" -- $W sweep "$S" -p buf=1 -p buf=2 --out x.db
expect_error "cannot open scenario 'missing.lua'" -- $W sweep missing.lua -p buf=1,2 --out x.db
[ ! -e x.db ] || fail "a refused sweep wrote x.db"
expect_error "cannot read 'nope.db'" -- $W merge m.db nope.db
[ ! -e m.db ] || fail "a refused merge wrote m.db"
expect_error "cannot merge 'j1.db' into itself" -- $W merge j1.db j1.db
expect_error "is given twice" -- $W merge m.db j1.db ./j1.db
expect_error "not a database" -- $W merge m.db jobs.txt
expect_error "which files to merge?" -- $W merge m.db
