# A page load end to end: scenarios/page_load.lua, then `wirelab har`,
# `wirelab plot` and `wirelab report` on its result file.
#   - the HAR file is JSON with HAR 1.2's structure
#     (http://www.softwareishard.com/blog/har-12-spec/): log.version "1.2",
#     creator, one page, its entries with the required members, every
#     entry's timings adding up to its time (ssl inside connect, -1 parts
#     left out), every pageref naming a page.  Checked with SQLite's JSON
#     functions (sqlite3 is a dependency already: the plot templates use
#     it), so the check needs neither python nor jq;
#   - the waterfall exists as a PNG and an SVG (magic bytes, closing tag);
#   - the report has the page table and the waterfall.
. "$TOP/tests/lib.sh"
W=$WIRELAB

$W run "$TOP/scenarios/page_load.lua" -p proto=h2 -p objects=6 -p size=5KB --quiet --out p.db || fail "page_load.lua"
$W har p.db --out p.har > out.txt || fail "wirelab har"
same "$(cat out.txt)" "p.har" "the path printed"
J="readfile('p.har')"
same "$(q p.db "select json_valid($J)")" 1 "p.har is JSON"
same "$(q p.db "select json_extract($J, '\$.log.version')")" 1.2 "log.version"
same "$(q p.db "select json_type($J, '\$.log.creator.name') || json_type($J, '\$.log.creator.version')")" texttext "creator"
same "$(q p.db "select json_array_length($J, '\$.log.pages')")" 1 "one page"
same "$(q p.db "select json_array_length($J, '\$.log.entries')")" 7 "entries: the HTML and 6 objects"
same "$(q p.db "select count(*) from http_requests")" 7 "http_requests rows"
# every required member, with its type
missing=$(q p.db "select count(*) from json_each($J, '\$.log.entries') e where not (
	json_type(e.value, '\$.startedDateTime') = 'text' and json_type(e.value, '\$.time') in ('integer', 'real')
	and json_type(e.value, '\$.request.method') = 'text' and json_type(e.value, '\$.request.url') = 'text'
	and json_type(e.value, '\$.request.httpVersion') = 'text' and json_type(e.value, '\$.request.headers') = 'array'
	and json_type(e.value, '\$.request.queryString') = 'array' and json_type(e.value, '\$.request.cookies') = 'array'
	and json_type(e.value, '\$.request.headersSize') = 'integer' and json_type(e.value, '\$.request.bodySize') = 'integer'
	and json_type(e.value, '\$.response.status') = 'integer' and json_type(e.value, '\$.response.statusText') = 'text'
	and json_type(e.value, '\$.response.httpVersion') = 'text' and json_type(e.value, '\$.response.headers') = 'array'
	and json_type(e.value, '\$.response.cookies') = 'array' and json_type(e.value, '\$.response.content.size') = 'integer'
	and json_type(e.value, '\$.response.content.mimeType') = 'text' and json_type(e.value, '\$.response.redirectURL') = 'text'
	and json_type(e.value, '\$.response.headersSize') = 'integer' and json_type(e.value, '\$.response.bodySize') = 'integer'
	and json_type(e.value, '\$.cache') = 'object'
	and json_type(e.value, '\$.timings.send') in ('integer', 'real') and json_extract(e.value, '\$.timings.send') >= 0
	and json_type(e.value, '\$.timings.wait') in ('integer', 'real') and json_extract(e.value, '\$.timings.wait') >= 0
	and json_type(e.value, '\$.timings.receive') in ('integer', 'real') and json_extract(e.value, '\$.timings.receive') >= 0
	and json_extract(e.value, '\$.timings.blocked') >= -1 and json_extract(e.value, '\$.timings.dns') >= -1
	and json_extract(e.value, '\$.timings.connect') >= -1 and json_extract(e.value, '\$.timings.ssl') >= -1)")
same "$missing" 0 "entries lacking a required member"
# time = the sum of the non-negative parts but ssl
bad_sum=$(q p.db "select count(*) from json_each($J, '\$.log.entries') e where abs(json_extract(e.value, '\$.time') - (
	max(json_extract(e.value, '\$.timings.blocked'), 0) + max(json_extract(e.value, '\$.timings.dns'), 0)
	+ max(json_extract(e.value, '\$.timings.connect'), 0) + json_extract(e.value, '\$.timings.send')
	+ json_extract(e.value, '\$.timings.wait') + json_extract(e.value, '\$.timings.receive'))) > 0.0000005")
same "$bad_sum" 0 "entries whose timings do not add up to their time"
orphans=$(q p.db "select count(*) from json_each($J, '\$.log.entries') e where json_extract(e.value, '\$.pageref') is null
	or json_extract(e.value, '\$.pageref') not in (select json_extract(p.value, '\$.id') from json_each($J, '\$.log.pages') p)")
same "$orphans" 0 "entries whose pageref names no page"
# onLoad agrees with the pages table (ms with three decimals)
same "$(q p.db "select abs(json_extract($J, '\$.log.pages[0].pageTimings.onLoad') - (select onload_ns / 1e6 from pages)) < 0.001")" 1 \
	"onLoad = pages.onload_ns"
# the page's first request is the HTML, and it has the connect phase
same "$(q p.db "select json_extract($J, '\$.log.entries[0].request.url')")" "$(q p.db "select url from pages")" "first entry: the HTML"
same "$(q p.db "select json_extract($J, '\$.log.entries[0].timings.connect') > 0")" 1 "the HTML's connect"
# the name server is 10 ms away (page_load.lua's dns_rtt): the HTML's DNS
# phase is that round trip, the objects' -1 (no lookup of their own)
same "$(q p.db "select json_extract($J, '\$.log.entries[0].timings.dns') between 10 and 10.1")" 1 "the HTML's dns phase, 10 ms"
same "$(q p.db "select count(*) from json_each($J, '\$.log.entries') e where json_extract(e.value, '\$.timings.dns') = -1")" 6 \
	"objects without a lookup of their own"
# default output name and the last run; a run that does not exist
$W har p.db > out.txt || fail "wirelab har without --out"
[ -s p.har ] || fail "p.har"
expect_error "has no run 5" -- $W har p.db --run 5
expect_error "which result file?" -- $W har
expect_error "--run needs a run number" -- $W har p.db --run x
expect_error "cannot read result file 'nope.db'" -- $W har nope.db

# deterministic: the same run again writes the same rows and the same HAR
$W run "$TOP/scenarios/page_load.lua" -p proto=h2 -p objects=6 -p size=5KB --quiet --out p2.db || fail "page_load.lua again"
$W har p2.db --out p2.har > /dev/null || fail "wirelab har p2.db"
same "$(q p.db "select * from http_requests; select * from pages" | md5sum)" \
	"$(q p2.db "select * from http_requests; select * from pages" | md5sum)" "rows of two runs with one seed"
cmp -s p.har p2.har || fail "two runs with one seed give different HAR files"
echo "ok: the same HAR twice"

# the waterfall
$W plot p.db --out figs > list.txt || fail "wirelab plot"
cat list.txt
grep -q "figs/waterfall-page-1.png" list.txt || fail "no waterfall listed"
head -c 8 figs/waterfall-page-1.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || fail "waterfall PNG"
grep -q "<svg" figs/waterfall-page-1.svg || fail "waterfall SVG"
tail -c 20 figs/waterfall-page-1.svg | grep -q "</svg>" || fail "waterfall SVG truncated"
echo "ok: waterfall-page-1.png and .svg"

# the report: the page table and the figure
$W report p.db --out rep > /dev/null || fail "wirelab report"
grep -q "page load (ms)" rep/index.html || fail "no page table in the report"
grep -q "run-1-waterfall-page-1.png" rep/index.html || fail "no waterfall in the report"
[ -s rep/analysis/waterfall.gp ] || fail "the report lacks its copy of waterfall.gp"
echo "ok: the report has the page table and the waterfall"
