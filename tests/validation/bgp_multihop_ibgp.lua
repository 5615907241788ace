-- Multi-hop iBGP over TCP between addresses that are not on a shared link
-- (FRR's "neighbor X update-source", BIRD's "source address"): r1 and r2
-- of AS 65002 are two hops apart (r1 - m - r2, m runs no BGP), and each
-- uses the address of its other interface (towards a stub host) as the
-- session address, as an operator uses a loopback.  Expected (RFC 4271
-- §8: the session reaches Established once the TCP connection is up and
-- OPEN/KEEPALIVE are exchanged; §5.1.3: an iBGP speaker with
-- next-hop-self puts its own session address in NEXT_HOP):
--   - the session reaches Established, the connection going between the
--     two configured addresses (checked in the TCP table);
--   - r1 learns r2's prefix with NEXT_HOP = r2's session address and
--     installs it.
-- Then two more routers r3 - m2 - r4 with the default addresses (each
-- node's address, eth0, towards its stub host: not the interface the
-- route leaves by, so the connection must be bound to it): Established.
-- (Before the TCP layer bound the local address, neither reached it.)
local h1, r1, m, r2, h2 = node "h1", router "r1", router "m", router "r2", node "h2"
link(h1, r1, { rate = "100Mbps", delay = "1ms" })   -- r1 eth0: 10.0.1.2
link(r1, m, { rate = "100Mbps", delay = "2ms" })
link(m, r2, { rate = "100Mbps", delay = "2ms" })
link(h2, r2, { rate = "100Mbps", delay = "1ms" })   -- r2 eth1: 10.0.4.2
local function addr_of(nd, peer)
  for _, i in ipairs(nd:ifaces()) do
    if i.peer == peer then return (i.addr:gsub("/.*", "")) end
  end
end
local a1, a2 = addr_of(r1, h1), addr_of(r2, h2)
local B1 = bgp.speaker { node = r1, as = 65002, mrai_ibgp = "0s", id = "10.255.0.1" }
local B2 = bgp.speaker { node = r2, as = 65002, mrai_ibgp = "0s", id = "10.255.0.2" }
local p = B1:peer { with = B2, local_addr = a1, remote_addr = a2 }
local h3, r3, m2, r4, h4 = node "h3", router "r3", router "m2", router "r4", node "h4"
link(h3, r3, { rate = "100Mbps", delay = "1ms" })
link(h4, r4, { rate = "100Mbps", delay = "1ms" })
link(r3, m2, { rate = "100Mbps", delay = "2ms" })
link(m2, r4, { rate = "100Mbps", delay = "2ms" })
local B3 = bgp.speaker { node = r3, as = 65003, mrai_ibgp = "0s", id = "10.255.0.3" }
local B4 = bgp.speaker { node = r4, as = 65003, mrai_ibgp = "0s", id = "10.255.0.4" }
local q = B3:peer { with = B4 }
local pfx = "198.51.100.0/24"
at("10s", function() B2:announce(pfx) end)
run("30s")
assert(p.established, "the multi-hop session is not Established")
local b = B1:best(pfx)
assert(b, "r1 has no route to " .. pfx)
assert(b.next_hop == a2, "next hop " .. b.next_hop .. ", want r2's session address " .. a2)
assert(B1:fib(pfx), "r1 did not install " .. pfx)
print("ok: iBGP r1 (" .. a1 .. ") - r2 (" .. a2 .. "), two hops apart: Established, next hop " .. b.next_hop)
assert(q.established, "r3 - r4 with the nodes' own addresses is not Established")
print("ok: r3 (" .. r3.addr .. ") - r4 (" .. r4.addr .. ") with the default addresses: Established")
