-- Two CUBIC flows with the same 40 ms RTT through one 10 Mbit/s bottleneck
-- (a 100-packet FIFO, 3 x BDP) share it fairly: RFC 9438 §5 (CUBIC is fair
-- to itself at equal RTTs) and the issue's bar, Jain's fairness index
--   J = (x1 + x2)^2 / (2 (x1^2 + x2^2))        (Jain, Chiu & Hawe 1984)
-- at least 0.98 over 60 s, and the link stays busy (>= 95 %).
-- The second flow starts 10 ms, 50 ms, 100 ms, 300 ms or 1 s after the
-- first (five pairs side by side, each on its own dumbbell), so the bar
-- holds whatever the phase the flows meet at.
-- The access links have 1 ms of jitter (link option `jitter`).  Without
-- any timing noise a simulated drop-tail queue locks into phase effects
-- (Floyd & Jacobson, "On Traffic Phase Effects in Packet-Switched
-- Gateways", 1992): the same flow's burst meets the full queue again and
-- again, and over 60 s J falls to 0.91-0.98 depending on the start offset
-- (Reno to 0.98-1.0).  A millisecond of host timing noise is what any
-- real sender has.
local offsets = { 10, 50, 100, 300, 1000 }
for k, off in ipairs(offsets) do
  -- a dumbbell: 1 Gbps, 1 ms (+ jitter) access links, 18 ms bottleneck
  local L, R = router("L" .. k), router("R" .. k)
  link(L, R, { rate = "10Mbps", delay = "18ms", queue = fifo { limit = 100 } })
  for i = 1, 2 do
    local s, d = node(string.format("s%d_%d", k, i)), node(string.format("d%d_%d", k, i))
    link(s, L, { rate = "1Gbps", delay = "1ms", jitter = "1ms" })
    link(R, d, { rate = "1Gbps", delay = "1ms", jitter = "1ms" })
    tcp.bulk { from = s, to = d, cc = "cubic",
               start = string.format("%dms", (i - 1) * off), name = string.format("cubic%d_%d", k, i) }
  end
end
run("60s")

for k, off in ipairs(offsets) do
  local f = query(string.format("select goodput_bps from flows where name like 'cubic%d_%%' order by name", k))
  local x1, x2 = f[1].goodput_bps, f[2].goodput_bps
  local J = (x1 + x2) ^ 2 / (2 * (x1 ^ 2 + x2 ^ 2))
  print(string.format("start offset %4d ms: goodput %.3f and %.3f Mbit/s, Jain's index %.4f",
                      off, x1 / 1e6, x2 / 1e6, J))
  assert(J >= 0.98, "Jain's fairness index below 0.98")
  assert(x1 + x2 >= 0.95 * 10e6 * 1448 / 1500, "the two flows leave the link idle")
end
