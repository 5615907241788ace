-- PIE holds the queueing delay at its target (RFC 8033 §1 and §4: a PI
-- controller on the delay, reference QDELAY_REF = 15 ms) where a FIFO of
-- the same size fills up.  Three identical bottlenecks, 10 Mbit/s, each fed
-- 20 Mbit/s of unresponsive UDP (1500-byte IP packets), i.e. 2x overload:
--   pie {}                          Linux's default: delay = sojourn time
--   pie { dq_rate_estimator = true } delay = backlog / departure rate (RFC 8033 §5)
--   fifo { limit = 1000 }           PIE's default limit, no AQM
-- Expected:
--   * PIE: mean sojourn after a 5 s warm-up = 15 ms +- 30 %.  The
--     integral term drives the *mean* delay error to zero, but the delay
--     itself ripples around the target: p is updated only every 15 ms from
--     one delay sample (the last packet's sojourn, or one backlog/rate
--     estimate), drops are random, and the per-100 ms means swing roughly
--     between 6 and 25 ms.  +-30 % admits that ripple and a change of
--     estimator while still separating PIE from any FIFO by a factor of 50.
--   * FIFO: full, so every packet waits limit * 1500 * 8 / 10e6 s =
--     1000 * 1.2 ms = 1200 ms (+-3 %).
--   * loss in all three = 1 - 10/20 = 1/2 of the packets (+-2 %): whatever
--     the discipline, the link carries 10 of the 20 Mbit/s.
local function bottleneck(tag, q)
  local s, r, d = node("s" .. tag), router("r" .. tag), node("d" .. tag)
  link(s, r, { rate = "1Gbps", delay = "1ms" })
  link(r, d, { rate = "10Mbps", delay = "10ms", queue = q })
  udp.cbr { from = s, to = d, rate = "20Mbps", size = 1472, start = "1s", name = "udp" .. tag }
  return "r" .. tag .. "->d" .. tag
end
local pie_ts = bottleneck("1", pie {})
local pie_dq = bottleneck("2", pie { dq_rate_estimator = true })
local fifo_q = bottleneck("3", fifo { limit = 1000 })
record { "sojourn_ns", every = "100ms" }
run("30s")

local near = require("expect").near
local function mean_sojourn(q)
  return query(string.format([[select avg(value) as v from series where metric = 'sojourn_ns'
                               and entity = '%s' and t_ns > 5e9]], q))[1].v
end

near(mean_sojourn(pie_ts), 15e6, 0.30, "PIE (sojourn estimator) mean sojourn, ns")
near(mean_sojourn(pie_dq), 15e6, 0.30, "PIE (departure-rate estimator) mean sojourn, ns")
near(mean_sojourn(fifo_q), 1200e6, 0.03, "FIFO of 1000 packets mean sojourn, ns")

for i = 1, 3 do
  local f = query(string.format("select pkts_sent, pkts_recv from flows where app = 'cbr' and name = 'udp%d'", i))[1]
  near(1 - f.pkts_recv / f.pkts_sent, 0.5, 0.02, "UDP loss fraction through bottleneck " .. i)
end
local q = query(string.format("select max_pkts from queues where entity = '%s'", pie_ts))[1]
assert(q.max_pkts < 1000, "PIE should never have reached its limit")
