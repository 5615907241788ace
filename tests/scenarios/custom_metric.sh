# A scenario's own measurement in a sweep (issue 8 §5): metric("my_metric",
# "x", v) with v depending on a parameter and on the run's seed, swept over
# k = 1, 5 with 3 replications; run_stats holds each run's mean per entity,
# summary the mean and 95 % CI over the replications, and the report's
# summary table shows the metric as a column.  Expected numbers by hand.
. "$TOP/tests/lib.sh"
W=$WIRELAB
cat > custom.lua <<'LUA'
local p = params { k = 1 }
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
local seed = query("select seed from runs")[1].seed
-- two samples per run: 10k + seed and 10k + seed + 2, mean 10k + seed + 1
at("100ms", function() metric("my_metric", "x", 10 * p.k + seed) end)
at("200ms", function() metric("my_metric", "x", 10 * p.k + seed + 2) end)
run("1s")
LUA
$W sweep custom.lua -p k=1,5 --reps 3 --out s.db > out.txt || { cat out.txt; fail sweep; }
cat out.txt
# per run: seeds 1, 2, 3 per point; run 5 is k = 5, seed 2: mean 50 + 2 + 1 = 53
same "$(q s.db "select value from run_stats where run_id = 5 and metric = 'my_metric' and key = 'x'")" 53.0 \
	"run 5's mean of my_metric (x)"
same "$(q s.db "select count(*) from run_stats where metric = 'my_metric'")" 6 "run_stats rows of my_metric"
# per point: run means 10k + 2, 10k + 3, 10k + 4, so mean 10k + 3 and sample
# standard deviation s = 1; ci95 = t(0.975, 2) * s / sqrt(3) with
# t(0.975, 2) = 4.302653 (two-sided 95 % critical value of Student's t with
# 2 degrees of freedom; NIST/SEMATECH e-Handbook of Statistical Methods,
# 1.3.6.7.2), so ci95 = 4.302653 / 1.7320508 = 2.484138
for k in 1 5; do
	pt="{\"k\":$k}"
	same "$(q s.db "select n from summary where point = '$pt' and metric = 'my_metric' and key = 'x'")" 3 "n at k=$k"
	near "$(q s.db "select mean from summary where point = '$pt' and metric = 'my_metric' and key = 'x'")" \
		$((10 * k + 3)) 1e-12 "mean of my_metric at k=$k"
	near "$(q s.db "select ci95 from summary where point = '$pt' and metric = 'my_metric' and key = 'x'")" \
		2.484138 1e-6 "ci95 of my_metric at k=$k"
done
# the report's summary table: a column for it, with mean +- ci per point
$W report s.db --out rep > /dev/null || fail report
grep -q '<th>my_metric (x)</th>' rep/index.html || fail "no my_metric (x) column in the summary table"
grep -q '<td class=n>13 <span class=ci>&plusmn;&nbsp;2.484</span></td>' rep/index.html ||
	fail "no cell 13 +- 2.484 in the summary table"
grep -q '<td class=n>53 <span class=ci>&plusmn;&nbsp;2.484</span></td>' rep/index.html ||
	fail "no cell 53 +- 2.484 in the summary table"
echo "ok: report column my_metric (x)"
