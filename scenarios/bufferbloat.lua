-- Bufferbloat: bulk TCP flows and a ping share a bottleneck.  Compare
-- congestion controls (-p cc=reno|cubic|bbr|vegas, or a list such as
-- cc=cubic,bbr for competing flows), queue disciplines (-p aqm=fifo|red|
-- codel|fq_codel|pie) and buffer sizes against the bandwidth-delay product
-- (bw * rtt / (1500 * 8) packets: 33 at 10 Mbit/s and 40 ms).
--
--   s1..sN  --(1 Gbps, 1 ms)--  left ==(bw, rtt, aqm of buf packets)== right  --(1 Gbps, 1 ms)-- d1..dN
--   sP (ping) --------------------/                                   \-------------------- dP
--
-- A deep FIFO (1000 packets = 1.2 s at 10 Mbit/s) fills under loss-based
-- congestion control, and every packet, the ping's too, waits behind it.
-- The flows table carries each flow's goodput after the warm-up.
local p = params {
  cc = "cubic",       -- one congestion control, or a comma list given to flows in turn
  flows = 0,          -- bulk flows (0: one per listed congestion control)
  bw = "10Mbps",      -- bottleneck rate
  rtt = "40ms",       -- base round-trip time
  buf = 1000,         -- bottleneck queue limit, packets
  aqm = "fifo",       -- fifo | red | codel | fq_codel | pie
  time = "60s",
  warmup = "5s",      -- goodput and the summary count from here
  jitter = "0ms",     -- extra delay on the access links, 0..jitter, order kept: the
                      -- timing noise of real hosts, which breaks drop-tail phase effects
}

local ccs = {}
for name in string.gmatch(p.cc, "[^,%s]+") do ccs[#ccs + 1] = name end
if #ccs == 0 then error("cc: name at least one congestion control", 0) end
local n = p.flows > 0 and p.flows or #ccs

local queues = {
  fifo = function() return fifo { limit = p.buf } end,
  red = function() return red { limit = p.buf } end,
  codel = function() return codel { limit = p.buf } end,
  fq_codel = function() return fq_codel { limit = p.buf } end,
  pie = function() return pie { limit = p.buf } end,
}
local make_queue = queues[p.aqm]
if not make_queue then
  error(string.format("aqm: expected fifo, red, codel, fq_codel or pie, got '%s'", p.aqm), 0)
end

local net = topo.dumbbell {
  pairs = n + 1,
  bottleneck = { rate = p.bw, rtt = p.rtt, queue = make_queue() },
  access = { jitter = p.jitter },
}
for i = 1, n do
  tcp.bulk { from = net.left[i], to = net.right[i], cc = ccs[(i - 1) % #ccs + 1],
             start = string.format("%dms", (i - 1) * 100), measure_from = p.warmup,
             name = string.format("%s%d", ccs[(i - 1) % #ccs + 1], i) }
end
ping { from = net.left[n + 1], to = net.right[n + 1], every = "50ms", name = "ping" }

local bottleneck = net.bottleneck:queue_name(net.routers[1])
record { "cwnd", "ssthresh", every = "event" }
record { "srtt", "throughput", every = "100ms" }
record { "cc", every = "100ms" }      -- pacing rate, BBR's bw and min_rtt estimates
record { "queue", every = "10ms", only = bottleneck }
record { "ping" }
run(p.time)
