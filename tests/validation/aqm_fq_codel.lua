-- FQ-CoDel (RFC 8290): flow isolation and fair shares.
--
-- 1. Sparse flows jump the queue (RFC 8290 §4: a flow whose queue empties
--    between packets re-enters on the new-flows list, served before the
--    bulk flows).  One bulk CUBIC flow and a ping every 20 ms share a 10
--    Mbit/s bottleneck.  The ping's RTT stays within 5 ms of the base RTT:
--    it waits for the packet being sent (1.2 ms) and, at worst, for the
--    bulk flow's quantum (1514 bytes: two 1500-byte packets) when that flow
--    has itself just come back as a new flow after the queue drained (as in
--    Linux, a drained flow leaves the lists), so 3 * 1.2 = 3.6 ms, plus a
--    few ACKs on the way back.  Base RTT as in
--    tests/scenarios/udp_overload.lua: 2 * (1 ms + 10 ms) propagation +
--    serialising the 84-byte ping at 1 Gbit/s (672 ns) and 10 Mbit/s (67200
--    ns) each way = 22135744 ns. The TCP flow must meanwhile keep the link
--    busy (> 80 % of it) and hold a standing queue, or the test would prove
--    nothing.
-- 2. Deficit round robin with equal quanta gives every backlogged flow the
--    same byte rate (Shreedhar & Varghese, SIGCOMM 1995), i.e. max-min
--    fair shares: two UDP flows of 8 Mbit/s into 10 Mbit/s get 5 Mbit/s
--    each, and so do flows of 12 and 6 Mbit/s (a FIFO would split those
--    in proportion, 6.67 and 3.33).  Rates are of whole IP packets; the
--    sink counts UDP payload, 1472 of each 1500 bytes.  +-5 %, measured
--    after 5 s, once each flow's CoDel has reached its drop rate.
local function net(tag)
  local s, r, d = node("s" .. tag), router("r" .. tag), node("d" .. tag)
  link(s, r, { rate = "1Gbps", delay = "1ms" })
  link(r, d, { rate = "10Mbps", delay = "10ms", queue = fq_codel {} })
  return s, d, "r" .. tag .. "->d" .. tag
end

local s1, d1, q1 = net("1")
local bulk = tcp.bulk { from = s1, to = d1, cc = "cubic", measure_from = "5s" }
ping { from = s1, to = d1, every = "20ms", name = "ping" }

local s2, d2 = net("2")
udp.cbr { from = s2, to = d2, rate = "8Mbps", size = 1472, start = "1s", name = "a8" }
udp.cbr { from = s2, to = d2, rate = "8Mbps", size = 1472, start = "1s", name = "b8" }
local s3, d3 = net("3")
udp.cbr { from = s3, to = d3, rate = "12Mbps", size = 1472, start = "1s", name = "a12" }
udp.cbr { from = s3, to = d3, rate = "6Mbps", size = 1472, start = "1s", name = "b6" }

record { "ping" }
record { "throughput", every = "100ms" }
record { "sojourn_ns", every = "100ms", only = q1 }
run("30s")

local near = require("expect").near

-- 1. the ping beside a bulk TCP flow
local base = 22135744
local p = query([[select count(*) as n, max(value) as hi, avg(value) as mean from series
                  where metric = 'ping_rtt_ns' and t_ns > 2e9]])[1]
print(string.format("ping: %d replies, mean %.3f ms, max %.3f ms, base %.3f ms",
                    p.n, p.mean / 1e6, p.hi / 1e6, base / 1e6))
assert(p.n > 1000, "the pings should have been answered")
assert(p.hi - base <= 5e6, "a ping waited more than 5 ms above the base RTT")
local st = bulk:stats()
local soj = query(string.format([[select avg(value) as v from series where metric = 'sojourn_ns'
                                  and entity = '%s' and t_ns > 5e9]], q1))[1].v
print(string.format("bulk TCP: goodput %.2f Mbit/s, mean sojourn at the bottleneck %.2f ms",
                    st.goodput_bps / 1e6, soj / 1e6))
assert(st.goodput_bps > 0.8 * 10e6 * 1448 / 1500, "the TCP flow did not load the link")
assert(soj > 1e6, "the TCP flow should keep a standing queue for the ping to skip")

-- 2. fair shares
local function rate(name)
  local r = query(string.format([[select avg(value) as v from series where metric = 'throughput_bps'
                                  and entity = '%s' and t_ns > 5e9]], name))[1].v
  assert(r, "no throughput samples for " .. name)
  return r * 1500 / 1472
end
for _, f in ipairs { "a8", "b8", "a12", "b6" } do
  near(rate(f), 5e6, 0.05, "IP rate of flow " .. f .. " (bit/s)")
end
