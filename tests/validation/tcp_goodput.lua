-- One bulk flow, 10 Mbps, 40 ms RTT, a FIFO of 100 packets (more than the
-- bandwidth-delay product, 10e6 * 0.04 / (1500 * 8) = 33 packets): the link
-- stays busy, so goodput reaches at least 95 % of its payload capacity.
-- Header overhead assumed: every full segment is a 1500-byte IP packet
-- carrying 1448 payload bytes (20 IP + 20 TCP + 12 timestamp option), and
-- the link adds no layer-2 framing, so capacity = 10 Mbps * 1448/1500 =
-- 9.653 Mbps.  Goodput counts the whole minute, slow start included.
include("scenarios/tcp_bulk.lua", { cc = "reno", bw = "10Mbps", rtt = "40ms", buf = 100, time = "60s" })
local f = query("select bytes, goodput_bps from flows where app = 'bulk'")[1]
local capacity = 10e6 * 1448 / 1500
print(string.format("goodput %.3f Mbps = %.1f %% of %.3f Mbps", f.goodput_bps / 1e6,
                    100 * f.goodput_bps / capacity, capacity / 1e6))
assert(f.goodput_bps >= 0.95 * capacity, "goodput below 95 % of capacity")
