-- Bufferbloat with the simplest traffic there is: a UDP source sends faster
-- than the bottleneck can carry, the FIFO in front of it fills, and a ping
-- sharing the queue waits behind the whole backlog.
--
--   src --(1 Gbps, 1 ms)-- router ==(rate, delay, FIFO of buf packets)== dst
--
-- In steady state the queue is full: every packet waits buf * 1500 * 8 / rate
-- (120 ms for 100 packets at 10 Mbps), a fraction 1 - rate/offered of the
-- UDP packets is dropped, and the ping RTT is the base RTT plus that wait.
local p = params {
  offered = "12Mbps",  -- UDP sending rate (whole IP packets)
  rate = "10Mbps",     -- bottleneck rate
  delay = "10ms",      -- bottleneck propagation delay
  buf = 100,           -- bottleneck FIFO size, packets
  time = "30s",
}

local src, r, dst = node "src", router "router", node "dst"
link(src, r, { rate = "1Gbps", delay = "1ms" })
local bottleneck = link(r, dst, { rate = p.rate, delay = p.delay,
                                  queue = fifo { limit = p.buf } })

udp.cbr { from = src, to = dst, rate = p.offered, size = 1472, start = "1s" }
ping { from = src, to = dst, every = "100ms" }

record { "queue", every = "50ms", only = bottleneck:queue_name(r) }
record { "throughput", every = "50ms" }
record { "ping" }
run(p.time)
