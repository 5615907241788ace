-- Benchmark scenario (bench/bench_scenarios.c): N bulk CUBIC flows through
-- one bottleneck, as lean as a user would write it for speed: no series
-- recorded, only the runs and flows tables.  Defaults: 100 flows, 100
-- Mbit/s, 40 ms base RTT, a FIFO of one BDP (333 packets), 60 s.
local p = params {
  flows = 100,
  bw = "100Mbps",
  rtt = "40ms",
  buf = 333,
  cc = "cubic",
  time = "60s",
}
local net = topo.dumbbell {
  pairs = p.flows,
  bottleneck = { rate = p.bw, rtt = p.rtt, queue = fifo { limit = p.buf } },
}
for i = 1, p.flows do
  -- starts spread over the first second, as real flows never start together
  tcp.bulk { from = net.left[i], to = net.right[i], cc = p.cc,
             start = string.format("%dus", (i - 1) * 1000000 // p.flows) }
end
run(p.time)
