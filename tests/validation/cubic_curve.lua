-- CUBIC's window after one loss (RFC 9438 §4.2 and its worked example):
-- W_max = 100 segments, beta = 0.7, C = 0.4, fast convergence off:
--   cwnd drops to 70;  W(t) = 0.4 (t - K)^3 + 100,  K = cbrt(30 / 0.4) = 4.217 s
--   W(1 s) = 86.7,  W(2 s) = 95.6,  W(3 s) = 99.3,  100 again at K
-- at 100 ms and at 200 ms RTT (K does not depend on the RTT).  At 10 ms RTT
-- the Reno-friendly region rules instead (RFC 9438 §4.3): the window grows
-- alpha = 3 (1 - 0.7) / (1 + 0.7) = 0.529 segments per RTT, so 100 is
-- regained after 30 / 0.529 = 57 RTTs = 0.57 s.
-- Making W_max exactly 100: slow start from IW10 grows cwnd by one per
-- segment ACKed, so cwnd is 100 once 90 segments are ACKed; the 91st data
-- segment (packet 92 a->b, after the SYN) is dropped, the ACK stops
-- advancing, and the loss is found at cwnd 100.  HyStart is off so slow
-- start runs that far; receive buffers are large so the window is cwnd's.
local flows = {}
for _, rtt in ipairs { 100, 200, 10 } do
  local a, b = node("a" .. rtt), node("b" .. rtt)
  local l = link(a, b, { rate = "1Gbps", delay = string.format("%dms", rtt // 2),
                         queue = fifo { limit = 100000 } })
  l:set_loss({ model = "list", packets = { 92 } }, a)
  flows[rtt] = tcp.bulk { from = a, to = b, cc = "cubic", fast_convergence = false, hystart = false,
                          rcvbuf = "4MiB", name = "cubic" .. rtt }
end
record { "cwnd", "ssthresh", every = "event" }
run("8s")

local function cwnd_at(name, t_ns)
  local r = query(string.format([[select value from series where metric = 'cwnd' and entity = '%s'
                                  and t_ns <= %d order by t_ns desc limit 1]], name, t_ns))[1]
  return r.value / 1448
end
local function W(t) return 0.4 * (t - (30 / 0.4) ^ (1 / 3)) ^ 3 + 100 end

for _, rtt in ipairs { 100, 200, 10 } do
  local name = "cubic" .. rtt
  local rec = query(string.format("select t_ns, detail from events where entity = '%s' and kind = 'recovery' order by t_ns", name))
  assert(#rec == 1, name .. ": expected exactly one loss recovery, got " .. #rec)
  local w, s = rec[1].detail:match("cwnd (%d+) ssthresh (%d+)")
  assert(tonumber(w) == 100 and tonumber(s) == 70, name .. ": " .. rec[1].detail)
  local t0 = query(string.format("select t_ns from events where entity = '%s' and kind = 'recovery_done'", name))[1].t_ns
  local back = query(string.format([[select min(t_ns) as t from series where metric = 'cwnd' and entity = '%s'
                                     and t_ns > %d and value >= 100 * 1448]], name, t0))[1].t
  local took = (back - t0) / 1e9
  if rtt == 10 then
    print(string.format("%s: 100 regained %.3f s (%.1f RTTs) after recovery; expected 0.567 s (57 RTTs)", name, took, took / 0.01))
    assert(math.abs(took - 30 / 0.529 * 0.01) < 0.1 * 0.567, name .. ": not the Reno-friendly pace")
  else
    for _, t in ipairs { 1, 2, 3 } do
      local c = cwnd_at(name, t0 + t * 1e9)
      print(string.format("%s: cwnd %.1f at %d s, W(%d) = %.1f", name, c, t, t, W(t)))
      assert(math.abs(c - W(t)) <= 2, string.format("%s at %d s: cwnd %.1f, W = %.1f", name, t, c, W(t)))
    end
    print(string.format("%s: 100 regained %.3f s after recovery; K = 4.217 s", name, took))
    assert(math.abs(took - 4.217) <= rtt / 1000, name .. ": K off by more than one RTT")
  end
end
