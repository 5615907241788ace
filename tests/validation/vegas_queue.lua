-- TCP Vegas alone on a deep FIFO keeps its backlog between alpha = 2 and
-- beta = 4 packets (Brakmo & Peterson 1995; Linux tcp_vegas.c defaults).
-- Vegas estimates its backlog once per round trip as
--   diff = cwnd * (rtt - base_rtt) / rtt,
-- with rtt the smallest RTT seen in that round, so the quantity it holds in
-- [alpha, beta] is the smallest backlog of each round trip.  Measured here:
-- the bottleneck's queue sampled every millisecond, its minimum over each
-- 40 ms round; the median of those minima must lie in [2, 4], the mean
-- backlog (which also holds the one-packet bursts that delayed ACKs cause)
-- at most beta + 1, and the link stays busy: goodput >= 95 % of the
-- payload rate 10 Mbit/s * 1448 / 1500.
local s, r1, r2, d = node("s"), router("r1"), router("r2"), node("d")
link(s, r1, { rate = "1Gbps", delay = "1ms" })
link(r1, r2, { rate = "10Mbps", delay = "18ms", queue = fifo { limit = 1000 } })
link(r2, d, { rate = "1Gbps", delay = "1ms" })
tcp.bulk { from = s, to = d, cc = "vegas", measure_from = "10s", name = "vegas" }
record { "queue", every = "1ms", only = "r1->r2" }
run("60s")

local rows = query([[select t_ns, value from series where metric = 'queue_pkts'
                     and entity = 'r1->r2' and t_ns >= 10e9 order by t_ns]])
local mins, sum, win, cur = {}, 0, nil, nil
for _, r in ipairs(rows) do
  sum = sum + r.value
  local w = r.t_ns // 40000000
  if w ~= win then
    if cur then mins[#mins + 1] = cur end
    win, cur = w, r.value
  elseif r.value < cur then
    cur = r.value
  end
end
table.sort(mins)
local median = mins[#mins // 2 + 1]
local mean = sum / #rows
print(string.format("backlog: median of per-round minima %d packets, mean %.2f packets", median, mean))
assert(median >= 2 and median <= 4, "per-round minimum backlog outside [alpha, beta] = [2, 4]")
assert(mean <= 5, "mean backlog above beta + 1")
local g = query("select goodput_bps from flows where name = 'vegas'")[1].goodput_bps
print(string.format("goodput %.3f Mbit/s", g / 1e6))
assert(g >= 0.95 * 10e6 * 1448 / 1500, "goodput below 95 % of the link")
