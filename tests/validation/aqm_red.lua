-- RED in a network (Floyd & Jacobson, IEEE/ACM ToN 1993).  The drop law
-- itself (1/50.5 at avg 10, gentle mode, ECN) is checked with exactly
-- controlled arrivals in tests/unit/test_red.c; here, where the average
-- queue settles under unresponsive overload.
--
-- 12 Mbit/s of UDP (1500-byte IP packets) into 10 Mbit/s, red with the
-- paper's parameters (min_th 5, max_th 15, max_p 1/50, w_q 0.002).  The
-- link carries 10 of 12 Mbit/s, so RED must drop 1/6 of the packets
-- (conservation; +-2 %).  Where does the average sit?
--   * classic RED: spread out by the count (§7), early drops reach at most
--     1/(1/(2 max_p) + 1/2) = 1/25.5 = 3.9 % < 1/6, so the average climbs
--     to max_th, where every packet is dropped, and hovers there: the
--     mean queue is max_th = 15 packets (+-5 %).
--   * gentle RED (Floyd 2000): p_b rises from max_p at max_th to 1 at
--     2 max_th, so an equilibrium exists inside that range.  With drops
--     spaced uniformly on {1, ..., 1/p_b}, the drop fraction is
--     2/(1/p_b + 1) = 1/6 at p_b = 1/11, i.e. at
--     avg = max_th + max_th (1/11 - max_p)/(1 - max_p) = 16.09 packets
--     (+-5 %).
-- The +-5 % covers the average's wander about its equilibrium (w_q =
-- 0.002 is a time constant of 500 arrivals, 0.5 s) and the difference
-- between the average seen by arrivals and the time average sampled here;
-- runs with other seeds stay within 2 %.
local function bottleneck(tag, q)
  local s, r, d = node("s" .. tag), router("r" .. tag), node("d" .. tag)
  link(s, r, { rate = "1Gbps", delay = "1ms" })
  link(r, d, { rate = "10Mbps", delay = "10ms", queue = q })
  udp.cbr { from = s, to = d, rate = "12Mbps", size = 1472, start = "1s", name = "udp" .. tag }
  return "r" .. tag .. "->d" .. tag
end
local classic = bottleneck("1", red {})
local gentle = bottleneck("2", red { gentle = true })
record { "queue_pkts", every = "10ms" }
run("60s")

local near = require("expect").near
local function mean_queue(q)
  return query(string.format([[select avg(value) as v from series where metric = 'queue_pkts'
                               and entity = '%s' and t_ns > 10e9]], q))[1].v
end

near(mean_queue(classic), 15, 0.05, "classic RED: mean queue (packets)")
local max_th, max_p = 15, 1 / 50
near(mean_queue(gentle), max_th + max_th * (1 / 11 - max_p) / (1 - max_p), 0.05,
     "gentle RED: mean queue (packets)")
for i = 1, 2 do
  local f = query(string.format("select pkts_sent, pkts_recv from flows where name = 'udp%d'", i))[1]
  near(1 - f.pkts_recv / f.pkts_sent, 1 / 6, 0.02, "UDP loss fraction through bottleneck " .. i)
end
-- the queue never came near its limit: RED, not the tail, did the dropping
for _, q in ipairs { classic, gentle } do
  local row = query(string.format("select max_pkts from queues where entity = '%s'", q))[1]
  assert(row.max_pkts < 100, q .. ": the queue should stay far below its limit of 1000")
end
