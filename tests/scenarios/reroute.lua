-- Two paths of different delay between h1 and h2 (a diamond):
--
--        r2            h1-r1 and r4-h2: 1 ms;  r1-r2, r2-r4: 5 ms each
--   h1-r1    r4-h2     r1-r3, r3-r4: 20 ms each;  all links 100 Mbps
--        r3
--
-- Both paths have three links from r1 to h2, so shortest-path routing
-- breaks the tie by delay and uses r2.  Taking r1-r2 down at 3 s moves
-- traffic to r3 (the events table shows the route change), and bringing it
-- back at 6 s moves it back.  RTTs of an 84-byte ping, by hand:
--   short: 2 * (1 + 5 + 5 + 1) ms + 8 * 6720 ns = 24053760 ns
--   long:  2 * (1 + 20 + 20 + 1) ms + 8 * 6720 ns = 84053760 ns
local h1, h2 = node "h1", node "h2"
local r1, r2, r3, r4 = router "r1", router "r2", router "r3", router "r4"
local fast = { rate = "100Mbps", delay = "1ms" }
link(h1, r1, fast)
link(r4, h2, fast)
local short = link(r1, r2, { rate = "100Mbps", delay = "5ms" })
link(r2, r4, { rate = "100Mbps", delay = "5ms" })
link(r1, r3, { rate = "100Mbps", delay = "20ms" })
link(r3, r4, { rate = "100Mbps", delay = "20ms" })

ping { from = h1, to = h2, every = "100ms" }
at("3s", function() short:down() end)
at("6s", function() short:up() end)
record { "ping" }
run("9s")

local function rtts(from, to)
  return query(string.format([[select min(value) as lo, max(value) as hi, count(*) as n
    from series where metric = 'ping_rtt_ns' and t_ns >= %d and t_ns < %d]], from, to))[1]
end
local before = rtts(0, 3e9)
assert(before.lo == 24053760 and before.hi == 24053760, "short path RTT before the failure")
local during = rtts(3.2e9, 6e9)
assert(during.n > 20 and during.lo == 84053760 and during.hi == 84053760,
       string.format("long path RTT during the failure: %d..%d", during.lo, during.hi))
local after = rtts(6.2e9, 9e9)
assert(after.n > 20 and after.lo == 24053760 and after.hi == 24053760, "short path RTT after repair")

-- r1's route to h2's subnet (r4-h2 is the second link: 10.0.2.0/24)
local h2r = query([[select t_ns, detail from events where kind = 'route' and entity = 'r1'
                    and detail like '10.0.2.0/24 %' order by t_ns]])
assert(#h2r == 2, "expected two route changes for h2's subnet at r1, got " .. #h2r)
assert(h2r[1].t_ns == 3e9 and h2r[1].detail:match("via r1%->r3"), h2r[1].detail)
assert(h2r[2].t_ns == 6e9 and h2r[2].detail:match("via r1%->r2"), h2r[2].detail)
local down = query("select t_ns from events where kind = 'link_down' and entity = 'r1-r2'")
assert(#down == 1 and down[1].t_ns == 3e9)
print("ok: reroute on failure and back, RTT 24.05 -> 84.05 -> 24.05 ms")
