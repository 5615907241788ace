# The head-of-line blocking study as a sweep (docs/models/web.md): the
# report's summary has page_load_ms per protocol and point, and the sweep
# figure analysis/sweep_page_load.gp draws page-load time against loss as
# a valid PNG and SVG.
. "$TOP/tests/lib.sh"
W=$WIRELAB
$W sweep "$TOP/scenarios/page_load.lua" -p proto=h1.1,h2 -p loss=0,0.02 -p objects=10 --reps 2 --jobs 2 \
	--out s.db --quiet || fail "sweep"
same "$(q s.db "select count(*) from summary where metric = 'page_load_ms' and n = 2")" 4 "summary rows of page_load_ms"
same "$(q s.db "select count(*) from pages")" 8 "one page per run"
# the command `wirelab report` runs for it (the report itself would draw
# every run's figures too: slow here, and tested in report.sh)
for fmt in png svg; do
	gnuplot -e "db='s.db'; sweep=1; out='page_load.$fmt'; fmt='$fmt'; lib='$TOP/analysis'" \
		"$TOP/analysis/sweep_page_load.gp" || fail "gnuplot ($fmt)"
done
head -c 8 page_load.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "page_load.png"
tail -c 20 page_load.svg | grep -q "</svg>" || fail "page_load.svg"
echo "ok: page-load time against loss drawn"
