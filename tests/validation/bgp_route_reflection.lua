-- Route reflection (RFC 4456): AS 65002 has a route reflector r (cluster
-- 10.0.0.100) and clients c1, c2, c3 with sessions only to r, no full
-- mesh; c1 has the exit to AS 65001.  Expected from RFC 4456 §6 and §8:
--   - c2 and c3 learn the route through r, with ORIGINATOR_ID = c1's BGP
--     identifier and CLUSTER_LIST = (r's cluster id);
--   - the reflected route keeps the NEXT_HOP c1 gave it (c1's own address,
--     next-hop-self; a reflector changes no attribute other than those two);
--   - c1 does not get its own route back (r does not send a route to the
--     peer it came from, and c1 would drop ORIGINATOR_ID = itself anyway);
--   - without reflection (cluster_id unset, plain iBGP), c2 and c3 learn
--     nothing: iBGP routes are not passed between iBGP peers (RFC 4271 §9.1.3).
-- Direct sessions; bgp_route_reflection_tcp.sh runs the same over TCP.
local function build(base, reflect)
  local a = bgp.speaker { as = base + 1, mrai = "0s", id = "10.0.1.1" }
  local r = bgp.speaker { as = base + 2, mrai_ibgp = "0s", id = "10.0.0.100",
                          cluster_id = reflect and "10.0.0.100" or nil }
  local c = {}
  for i = 1, 3 do
    c[i] = bgp.speaker { as = base + 2, mrai = "0s", mrai_ibgp = "0s", id = "10.0.0." .. i }
    r:peer { with = c[i], rr_client = reflect, mode = "direct", delay = "1ms" }
  end
  a:peer { with = c[1], mode = "direct", delay = "1ms" }
  return a, r, c
end
local a, r, c = build(65000, true)
local a2, r2, c2 = build(66000, false)
local pfx = "198.51.100.0/24"
at("1s", function() a:announce(pfx); a2:announce(pfx) end)
run("10s")
local direct = c[1]:best(pfx)
assert(direct and direct.from_as == 65001, "c1 lacks the eBGP route")
assert(#c[1]:routes(pfx) == 1, "c1 got its own route back")
for i = 2, 3 do
  local b = c[i]:best(pfx)
  assert(b, "c" .. i .. " has no route")
  assert(b.originator_id == "10.0.0.1", "originator " .. tostring(b.originator_id))
  assert(b.cluster_list and #b.cluster_list == 1 and b.cluster_list[1] == "10.0.0.100", "cluster list")
  assert(b.next_hop == c[1].id, "next hop " .. b.next_hop) -- c1's next-hop-self, kept by r
  assert(b.path == "65001", "path " .. b.path)
end
print("ok: clients c2, c3 learn c1's route through the reflector, ORIGINATOR_ID c1, CLUSTER_LIST (10.0.0.100)")
for i = 2, 3 do assert(c2[i]:best(pfx) == nil, "without reflection c" .. i .. " learned the route") end
assert(r2:best(pfx) ~= nil)
print("ok: without reflection only the full mesh would carry it: c2, c3 have nothing, r has it")
