-- iBGP inside an AS over the interior shortest paths (RFC 4271 §9.1.2.2
-- (d), (e); §5.1.3 next hop): AS 65002 has three routers b1, b2, b3 in an
-- iBGP full mesh over TCP with next-hop-self, and two exits to AS 65001 (a1),
-- at b1 and b3.  Interior link costs: b1-b2 1, b2-b3 5, b1-b3 50; the inter-AS links
-- cost 100, so interior paths stay inside the AS.
--   - b1 and b3 prefer their own eBGP route over the iBGP one from the
--     other exit (step d);
--   - b2 gets the prefix from b1 and from b3 with equal LOCAL_PREF, path,
--     origin and MED, both over iBGP; the lower interior cost to the next
--     hop (b1: 1, b3: 5) decides (step e), and the forwarding table points
--     at b1;
--   - iBGP routes are not passed on to iBGP peers (full mesh, §9.1.3):
--     b2 sends no UPDATE at all;
--   - when the session a1-b1 is shut down, b1 withdraws, and b2 moves to
--     b3 (interior cost 5) in its table.
local a1 = router "a1"
local b1, b2, b3 = router "b1", router "b2", router "b3"
link(a1, b1, { rate = "100Mbps", delay = "2ms", cost = 100 })
link(a1, b3, { rate = "100Mbps", delay = "2ms", cost = 100 })
link(b1, b2, { rate = "100Mbps", delay = "1ms", cost = 1 })
link(b2, b3, { rate = "100Mbps", delay = "1ms", cost = 5 })
-- b1-b3 only carries their iBGP session's packets (its cost keeps
-- interior paths off it); sessions between routers with no shared link
-- work too (local_addr, bgp_multihop_ibgp.lua)
link(b1, b3, { rate = "100Mbps", delay = "1ms", cost = 50 })
local A = bgp.speaker { node = a1, as = 65001, mrai = "0s" }
local B = {}
for i, r in ipairs({ b1, b2, b3 }) do
  B[i] = bgp.speaker { node = r, as = 65002, mrai = "0s", mrai_ibgp = "0s", id = "10.255.0." .. i }
end
local e1 = A:peer { with = B[1] }
A:peer { with = B[3] }
B[1]:peer { with = B[2] }; B[1]:peer { with = B[3] }; B[2]:peer { with = B[3] }
local pfx = "198.51.100.0/24"
at("10s", function() A:announce(pfx) end)
at("30s", function() e1:down() end)
record { "bgp_best", "bgp_fib" }
run("29s")

local function from(s) local b = s:best(pfx); return b and b.from end
assert(from(B[1]) == "b1->a1" and from(B[3]) == "b3->a1", "exits: " .. tostring(from(B[1])) .. ", " .. tostring(from(B[3])))
print("ok: b1 and b3 use their own eBGP routes (eBGP over iBGP)")
local b = B[2]:best(pfx)
assert(b.from == "b2->b1", "b2 chose " .. b.from)
assert(#B[2]:routes(pfx) == 2, "b2 holds " .. #B[2]:routes(pfx) .. " routes")
local why = query("select detail from events where kind = 'bgp_best' and entity = 'b2' order by t_ns desc limit 1")[1].detail
assert(why:match("%(igp cost%)$"), "b2's choice: " .. why)
-- b1's end of the b1-b2 link (the third link: 10.0.3.0/24, b1 is .1):
-- the session's local address, which next-hop-self puts in NEXT_HOP
assert(b.next_hop == "10.0.3.1", "next hop " .. b.next_hop .. ", want b1's 10.0.3.1")
assert(B[2]:fib(pfx) == "b2->b1", "b2's table: " .. tostring(B[2]:fib(pfx)))
assert(B[2]:stats().updates_out == 0, "b2 sent " .. B[2]:stats().updates_out .. " UPDATEs")
print("ok: b2 picks b1 by interior cost (" .. why .. "), next hop b1 (next-hop-self), table via b2->b1, no UPDATE from b2")
run("60s")
b = B[2]:best(pfx)
assert(b and b.from == "b2->b3", "after the shutdown b2 uses " .. tostring(b and b.from))
assert(B[2]:fib(pfx) == "b2->b3", "b2's table: " .. tostring(B[2]:fib(pfx)))
assert(from(B[1]) == "b1->b3", "b1 now uses " .. tostring(from(B[1])))
print("ok: a1-b1 shut down: b2 and b1 move to the exit at b3")
