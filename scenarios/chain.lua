-- Ping across a chain of routers.
--
--   h1 -- r1 -- r2 -- ... -- rN -- h2      (N = hops)
--
-- Every link has the same rate and propagation delay and nothing else is
-- sent, so each RTT is exactly the sum of serialisation and propagation
-- delays both ways:  2 * (hops + 1) * (size*8/rate + delay),  size being
-- the IP packet: 20 (IP) + 8 (ICMP) + payload bytes.
local p = params {
  hops = 3,            -- routers between the two hosts
  rate = "10Mbps",     -- every link
  delay = "5ms",       -- propagation delay of every link
  size = 56,           -- ICMP payload bytes (iputils ping's default)
  time = "10s",
}

local net = topo.chain { hops = p.hops, rate = p.rate, delay = p.delay }
ping { from = net.left, to = net.right, every = "1s", size = p.size }
-- between the first two pings, so it does not queue beside them
traceroute { from = net.left, to = net.right, start = "500ms" }
record { "ping" }
run(p.time)
