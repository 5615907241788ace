# The AS-graph mode from a script: bgp.asgraph loads CAIDA's 2015-02-01
# relationships (49 755 ASes, 189 837 links: the dataset's README), AS2
# (a multihomed stub) announces a prefix, and after convergence 49 516
# ASes hold a route: the number the separately written valley-free BFS of
# tests/unit/test_bgp_rib_asgraph.c finds for AS2 (up through providers,
# one peer link at most, down through customers).  Then the withdrawal
# leaves no AS with a route.  Skips when ../shared/data/bgp is absent.
# sanitizer: skip (about 20 s and 900 MB under ASan; the unit test covers
# the same code under ASan)
. "$TOP/tests/lib.sh"
f="$TOP/../shared/data/bgp/20150201.as-rel.txt.bz2"
[ -f "$f" ] || { echo "skip: $f is absent"; exit 0; }
cat > g.lua <<'LUA'
local p = params { file = "" }
local g = bgp.asgraph { file = p.file, delay = "10ms", mrai = "30s" }
assert(g.ases == 49755 and g.links == 189837, g.ases .. " ASes, " .. g.links .. " links")
g:announce(2, "192.0.2.0/24")
run("600s")
print("reach " .. g:reach("192.0.2.0/24"))
print("path " .. g:speaker(3356):best("192.0.2.0/24").path)
g:withdraw(2, "192.0.2.0/24")
run("1200s")
print("after " .. g:reach("192.0.2.0/24"))
LUA
$WIRELAB run g.lua -p file="$f" --quiet --out g.db > out.txt 2>&1 || { cat out.txt; fail "the run failed"; }
same "$(sed -n 's/^reach //p' out.txt)" 49516 "ASes reaching AS2's prefix"
same "$(sed -n 's/^after //p' out.txt)" 0 "ASes with a route after the withdrawal"
path=$(sed -n 's/^path //p' out.txt)
case "$path" in *" 2") echo "ok: AS3356 reaches it over [$path]" ;; *) fail "AS3356's path [$path] does not end at AS2" ;; esac
