# wirelab plot draws every figure the run has data for, as valid PNG and SVG.
. "$TOP/tests/lib.sh"
$WIRELAB run "$TOP/scenarios/udp_overload.lua" -p time=5s --quiet --out u.db || fail run
$WIRELAB plot u.db --out figs > list.txt || fail "plot failed"
cat list.txt
for f in queue sojourn ping_rtt throughput; do
	[ -s figs/$f.png ] || fail "figs/$f.png missing"
	head -c 8 figs/$f.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "$f.png is not a PNG"
	grep -q "<svg" figs/$f.svg || fail "$f.svg is not SVG"
	tail -c 20 figs/$f.svg | grep -q "</svg>" || fail "$f.svg is truncated"
done
echo "ok: 4 figures, PNG and SVG"
# a run without series: a clear note, no figures, success
$WIRELAB run "$TOP/tests/scenarios/lossy.lua" --quiet --out l.db || fail run
expect_error "cannot read result file 'nope.db'" -- $WIRELAB plot nope.db
