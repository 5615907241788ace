-- Bulk TCP flows across a dumbbell bottleneck: the classic experiment.
--
--   s1..sN --(1 Gbps)-- left ==(bw, rtt, FIFO of buf packets, loss)== right --(1 Gbps)-- d1..dN
--
-- Each flow sends as much as it can for the whole run.  Compare congestion
-- controls (-p cc=newreno, or cc=reno,cubic to give the listed ones to
-- the flows in turn), buffer sizes against the bandwidth-delay
-- product (bw * rtt / (1500 * 8) packets), and random loss (-p loss=0.001:
-- Mathis et al. predict (MSS/RTT) * 1.22 / sqrt(p)).
local p = params {
  cc = "reno",         -- congestion control, or a comma list given to flows in turn
  bw = "10Mbps",       -- bottleneck rate
  rtt = "40ms",        -- base round-trip time
  buf = 100,           -- bottleneck FIFO, packets
  loss = 0.0,          -- random loss on the bottleneck, data direction
  time = "30s",
  warmup = "0s",       -- goodput in the flows table counts from here
  flows = 1,
  sack = true,
}

local ccs = {}
for name in string.gmatch(p.cc, "[^,%s]+") do ccs[#ccs + 1] = name end
if #ccs == 0 then error("cc: name at least one congestion control", 0) end

local net = topo.dumbbell {
  pairs = p.flows,
  bottleneck = { rate = p.bw, rtt = p.rtt, queue = fifo { limit = p.buf } },
}
if p.loss > 0 then
  net.bottleneck:set_loss(p.loss, net.routers[1])
end
for i = 1, p.flows do
  tcp.bulk { from = net.left[i], to = net.right[i], cc = ccs[(i - 1) % #ccs + 1], sack = p.sack,
             start = string.format("%dms", (i - 1) * 10), measure_from = p.warmup }
end
ping { from = net.left[1], to = net.right[1], every = "100ms" }

record { "cwnd", "ssthresh", "srtt", every = "10ms" }
record { "throughput", every = "100ms" }
record { "queue", every = "10ms", only = net.bottleneck:queue_name(net.routers[1]) }
record { "ping" }
run(p.time)
