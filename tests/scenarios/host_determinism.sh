# next() in the sandbox (ISSUE 8 §2): Lua seeds its string hash anew in
# every process, so the raw next() named a different "first" key run to
# run and a script that iterated with it wrote different results each time.
# Five runs must give byte-identical result files (apart from the two
# wall-clock columns of runs).
. "$TOP/tests/lib.sh"
cat > it.lua <<'LUA'
local t = {}
for i, k in ipairs { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
                     "hotel", "india", "juliett", "kilo", "lima", 7, 3.5, true } do
  t[k] = i
end
local k, i = next(t), 0
while k ~= nil do
  i = i + 1
  event("next", tostring(k))
  metric("order", tostring(k), i)
  k = next(t, k)
end
assert(i == 15, "next() visited " .. i .. " keys")
for key in pairs(t) do event("pairs", tostring(key)) end
assert(next({}) == nil)
LUA
for i in 1 2 3 4 5; do
	$WIRELAB run it.lua --quiet --out r$i.db || fail "run $i"
	sqlite3 r$i.db "update runs set wall_s = 0, started_at = ''; vacuum;" || fail "normalising run $i"
done
for i in 2 3 4 5; do
	cmp r1.db r$i.db || fail "runs 1 and $i differ"
done
echo "ok: five runs, byte-identical result files ($(wc -c < r1.db) bytes)"
# the order is pairs()'s: booleans, numbers, then strings, each sorted
same "$(q r1.db "select group_concat(detail, ' ') from events where kind = 'next'")" \
	"true 3.5 7 alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima" "next() order"
same "$(q r1.db "select group_concat(detail, ' ') from events where kind = 'pairs'")" \
	"true 3.5 7 alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima" "pairs() order"
