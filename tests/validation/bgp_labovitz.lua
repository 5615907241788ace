-- Labovitz, Ahuja, Bose and Jahanian, "Delayed Internet Routing
-- Convergence", SIGCOMM 2000, section 5: in a clique of n ASes where one
-- AS withdraws its prefix, BGP explores ever longer paths, one MRAI round
-- each, and converges only after (n - 3) x MinRouteAdver (30 s): 60, 90,
-- 150 and 210 s for n = 5, 6, 8 and 10.  Their simulator, as RFC 1771
-- §9.2.3.1 words MRAI ("an advertisement and/or withdrawal"), paces
-- withdrawals too, and has no jitter: mrai_withdrawals = true, jitter off.
-- Without MRAI the same clique converges in well under a second but
-- explores many more paths, sending more UPDATEs (Labovitz et al. §5;
-- Griffin and Premore, ICNP 2001, fig. 3): checked for n >= 6.  (For
-- n = 5 the counts are close and the order varies with the delays.)  The
-- announcement converges within one MRAI.  Link delays differ per pair
-- (1 to 23 ms), so messages arrive in no lockstep order.
local MRAI = 30e9
local results = {}
local function clique(n, mrai, base)
  local sp = {}
  for i = 1, n do
    sp[i] = bgp.speaker { as = base + i, mrai = mrai, jitter = false, mrai_withdrawals = true }
  end
  for i = 1, n do
    for j = i + 1, n do
      sp[i]:peer { with = sp[j], delay = string.format("%dms", (i * 7 + j * 13) % 23 + 1) }
    end
  end
  return sp
end
local function measure(sp, since)
  local upd, last = 0, since
  for _, s in ipairs(sp) do
    local st = s:stats()
    upd = upd + st.updates_out
    if st.last_change and st.last_change > last then last = st.last_change end
  end
  return upd, last - since
end

local sizes = { 5, 6, 8, 10 }
local cl = {}
for k, n in ipairs(sizes) do
  cl[n] = { with = clique(n, "30s", 100000 * k), without = clique(n, "0s", 100000 * k + 50000) }
end
local pfx = "203.0.113.0/24"
at("10s", function() for _, n in ipairs(sizes) do cl[n].with[1]:announce(pfx); cl[n].without[1]:announce(pfx) end end)
run("300s")
local before = {}
for _, n in ipairs(sizes) do
  for _, kind in ipairs({ "with", "without" }) do
    local upd, t = measure(cl[n][kind], 10e9)
    assert(t <= MRAI, string.format("n=%d %s MRAI: announcement converged after %.3f s, more than one MRAI", n, kind, t / 1e9))
    before[n .. kind] = upd
  end
  -- every AS reached the origin directly
  for i = 2, n do assert(cl[n].with[i]:best(pfx).path == tostring(cl[n].with[1].as)) end
end
print("ok: announcements converge within one MRAI on the direct path")
at("300s", function() for _, n in ipairs(sizes) do cl[n].with[1]:withdraw(pfx); cl[n].without[1]:withdraw(pfx) end end)
run("1000s")
for _, n in ipairs(sizes) do
  local uw, tw = measure(cl[n].with, 300e9)
  local uo, to = measure(cl[n].without, 300e9)
  uw, uo = uw - before[n .. "with"], uo - before[n .. "without"]
  local want = (n - 3) * MRAI
  assert(math.abs(tw - want) < 0.2e9, string.format("n=%d: withdrawal converged after %.3f s, want (n-3)*30 = %d s", n, tw / 1e9, want / 1e9))
  for i = 1, n do assert(cl[n].with[i]:best(pfx) == nil and cl[n].without[i]:best(pfx) == nil) end
  assert(to < 1e9, string.format("n=%d without MRAI: %.3f s", n, to / 1e9))
  if n >= 6 then assert(uo > uw, string.format("n=%d: %d UPDATEs without MRAI, %d with", n, uo, uw)) end
  print(string.format("ok: n=%2d  withdrawal converges after %6.2f s (want %3d s), %4d UPDATEs; without MRAI %.3f s, %4d UPDATEs",
    n, tw / 1e9, want / 1e9, uw, to / 1e9, uo))
end
