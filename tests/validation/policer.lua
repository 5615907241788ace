-- The token-bucket policer: 15 Mbit/s of UDP (1500-byte IP packets) into a
-- policer of 10 Mbit/s with a 30 000-byte bucket on a 100 Mbit/s link, for
-- 30 s.  A token bucket passes at most burst + rate * T bytes in T
-- (Turner's leaky bucket; RFC 2697's single-rate meter with only the
-- committed bucket): the bucket starts full, so 20 packets pass at once,
-- then 10e6 / 12000 = 833.33 packets per second until the last packet is
-- sent, at 29.9992 s (one every 0.8 ms from 0): 24 999.3, so 25 019 in all
-- (+-1 for a packet on the boundary).  The rest (a third) is dropped,
-- with the reason 'policed'; nothing waits, so every delivered packet's
-- delay is the bare path.
local s, r, d = node("s"), router("r"), node("d")
link(s, r, { rate = "1Gbps", delay = "1ms" })
link(r, d, { rate = "100Mbps", delay = "1ms", queue = policer { rate = "10Mbps", burst = "30000B" } })
udp.cbr { from = s, to = d, rate = "15Mbps", size = 1472, name = "cbr", stop = "30s" }
record { "drops" }
run("31s")

local f = query("select pkts_sent, pkts_recv from flows where name = 'cbr'")[1]
local pol = query("select count(*) as n from events where kind = 'drop' and detail like 'policed %'")[1].n
print(string.format("sent %d, received %d, policed %d", f.pkts_sent, f.pkts_recv, pol))
assert(math.abs(f.pkts_recv - 25019) <= 1, "received packets differ from burst + rate x time")
assert(f.pkts_sent - f.pkts_recv == pol, "every lost packet should be a 'policed' drop")
