-- udp_overload.lua: 12 Mbps of UDP into a 10 Mbps link with a 100-packet
-- FIFO of 1500-byte packets.  Expected from first principles:
--   loss     = 1 - 10/12 = 1/6 of the packets                (+-2 %)
--   sojourn  = 100 * 1500 * 8 / 10e6 s = 120 ms in steady state (+-3 %)
--   ping RTT = base RTT + 120 ms                              (+-3 %)
-- base RTT: 2 * (1 ms + 10 ms) propagation, plus serialising the 84-byte
-- ping packet at 1 Gbps (672 ns) and 10 Mbps (67200 ns) each way
--   = 22000000 + 2 * (672 + 67200) = 22135744 ns.
include("scenarios/udp_overload.lua",
        { offered = "12Mbps", rate = "10Mbps", delay = "10ms", buf = 100, time = "30s" })

local near = require("expect").near

local f = query("select pkts_sent, pkts_recv from flows where app = 'cbr'")[1]
near(1 - f.pkts_recv / f.pkts_sent, 1 / 6, 0.02, "UDP loss fraction")

-- steady state: after the queue has filled (5 s in)
local s = query([[select avg(value) as v from series where metric = 'sojourn_ns'
                  and entity = 'router->dst' and t_ns > 5e9]])[1]
near(s.v, 120e6, 0.03, "bottleneck sojourn (ns)")

local p = query([[select avg(value) as v from series where metric = 'ping_rtt_ns'
                  and t_ns > 5e9]])[1]
near(p.v - 22135744, 120e6, 0.03, "ping RTT above base (ns)")

-- before the UDP source starts at 1 s the ping sees exactly the base RTT
local first = query("select value from series where metric = 'ping_rtt_ns' order by t_ns limit 1")[1]
assert(first.value == 22135744, "first ping RTT " .. first.value .. ", expected 22135744")

-- drops are counted by the queue and match what the sink missed
local qd = query("select dropped from queues where entity = 'router->dst'")[1]
assert(qd.dropped > 0)
