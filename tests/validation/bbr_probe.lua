-- BBR v1 in steady state, on the set-up of ns-3's tcp-bbr-example (which
-- its authors validated against Linux 5.4): sender --1 Gbps, 5 ms-- r1
-- --10 Mbps, 10 ms, 100-packet FIFO-- r2 --1 Gbps, 5 ms-- receiver, so a
-- base RTT of 40 ms, MSS 1448.  Expected (the issue's numbers, from ns-3's
-- validation and Linux tcp_bbr.c):
--   - ProbeBW: cwnd = 2 * BDP + 3 TSO segments, rounded up to even
--     (bbr_quantization_budget), ~75-78 packets; phase 0 of the gain
--     cycle adds 2 more.  The median over ProbeBW is the steady value.
--   - ProbeRTT: when the min-RTT estimate is 10 s old, cwnd drops to 4
--     packets for max(200 ms, one round), so dips every ~10.2-10.5 s
--     (10 s + 200 ms + a round trip), each lasting >= 200 ms.
--   - goodput >= 95 % of the payload rate 10 Mbit/s * 1448 / 1500.
-- The timing is read from the cwnd series itself; the bbr_mode events
-- must agree with it.  The "cc" series show BBR's model: its bandwidth
-- estimate is the bottleneck's payload rate (1.2067 MB/s, within 3 %),
-- its min_rtt the base RTT plus at most two packet times at 10 Mbit/s,
-- and its pacing gain takes Linux's values: 2.89 and 1/2.89 (Startup,
-- Drain, BBR_UNIT-scaled: 739/256 and 88/256), then 1.25, 0.75 and 1.
local s, r1, r2, d = node("s"), router("r1"), router("r2"), node("d")
link(s, r1, { rate = "1Gbps", delay = "5ms" })
link(r1, r2, { rate = "10Mbps", delay = "10ms", queue = fifo { limit = 100 } })
link(r2, d, { rate = "1Gbps", delay = "5ms" })
tcp.bulk { from = s, to = d, cc = "bbr", measure_from = "1s", name = "bbr" }
record { "cwnd", every = "event" }
record { "cc", every = "event" }
run("60s")

local MSS = 1448
local rows = query("select t_ns, value from series where metric = 'cwnd' and entity = 'bbr' order by t_ns")
-- ProbeRTT intervals: cwnd at 4 packets
local dips, cur = {}, nil
for i, r in ipairs(rows) do
  local w = r.value / MSS
  if w <= 4 and not cur then
    cur = { from = r.t_ns }
  elseif w > 4 and cur then
    cur.to = r.t_ns
    dips[#dips + 1] = cur
    cur = nil
  end
end
assert(#dips >= 5, "expected at least 5 ProbeRTT dips in 60 s, got " .. #dips)
for i, dp in ipairs(dips) do
  local len = (dp.to - dp.from) / 1e6
  print(string.format("ProbeRTT %d: %.3f s for %.1f ms", i, dp.from / 1e9, len))
  assert(len >= 200, string.format("ProbeRTT %d lasted %.1f ms, < 200 ms", i, len))
  if i > 1 then
    local gap = (dp.from - dips[i - 1].from) / 1e9
    assert(gap >= 10.2 and gap <= 10.5,
           string.format("ProbeRTT %d came %.3f s after the previous one, expected 10.2-10.5 s", i, gap))
  end
end
local ev = query("select t_ns from events where kind = 'bbr_mode' and detail like '% -> PROBE_RTT' order by t_ns")
assert(#ev == #dips, string.format("%d PROBE_RTT events, %d dips", #ev, #dips))

-- cwnd in ProbeBW, time-weighted, after the first ProbeRTT (when Startup
-- and Drain are long over), outside the dips and the round after each
local hist, total = {}, 0
local after = dips[1].to
for i = 1, #rows - 1 do
  local t0, t1 = rows[i].t_ns, rows[i + 1].t_ns
  local w = math.floor(rows[i].value / MSS + 0.5)
  local in_dip = false
  for _, dp in ipairs(dips) do
    if t1 > dp.from and t0 < dp.to + 100e6 then in_dip = true end
  end
  if t0 >= after and not in_dip then
    hist[w] = (hist[w] or 0) + (t1 - t0)
    total = total + (t1 - t0)
  end
end
local ws = {}
for w in pairs(hist) do ws[#ws + 1] = w end
table.sort(ws)
local acc, median = 0, nil
for _, w in ipairs(ws) do
  acc = acc + hist[w]
  print(string.format("cwnd %3d packets: %5.1f %% of ProbeBW time", w, 100 * hist[w] / total))
  if not median and acc >= total / 2 then median = w end
end
print("median ProbeBW cwnd: " .. median .. " packets")
assert(median >= 75 and median <= 78, "median ProbeBW cwnd " .. median .. ", expected 75-78")

local g = query("select goodput_bps from flows where name = 'bbr'")[1].goodput_bps
local cap = 10e6 * 1448 / 1500
print(string.format("goodput %.3f Mbit/s = %.1f %% of %.3f", g / 1e6, 100 * g / cap, cap / 1e6))
assert(g >= 0.95 * cap, "goodput below 95 % of the link")

-- BBR's model, from the "cc" series
local bw = query(string.format("select value from series where metric = 'cc_bw' and entity = 'bbr' " ..
                 "and t_ns > %d order by value", dips[1].to))
local bw_med = bw[(#bw + 1) // 2].value
print(string.format("bw estimate in ProbeBW: median %.0f bytes/s (payload rate %.0f)", bw_med, cap / 8))
assert(math.abs(bw_med - cap / 8) <= 0.03 * cap / 8, "bw estimate off the payload rate by more than 3 %")
-- the estimate each ProbeRTT leaves for the next 10 s (on entering
-- ProbeRTT the expired estimate is first replaced by the current sample)
for i, dp in ipairs(dips) do
  local v = query(string.format("select value from series where metric = 'cc_min_rtt' and entity = 'bbr' " ..
                  "and t_ns <= %d order by t_ns desc limit 1", dp.to))[1].value
  print(string.format("min_rtt after ProbeRTT %d: %.3f ms", i, v / 1e6))
  assert(v >= 40e6 and v <= 40e6 + 2 * 1.2e6, "min_rtt outside [40, 42.4] ms")
end
local gains = {}
for _, r in ipairs(query("select distinct value from series where metric = 'pacing_gain' and entity = 'bbr'")) do
  gains[#gains + 1] = r.value
end
table.sort(gains)
local want = { 88 / 256, 0.75, 1, 1.25, 739 / 256 }
print("pacing gains: " .. table.concat(gains, " "))
assert(#gains == #want, "expected the pacing gains of Drain, ProbeBW and Startup")
for i, g in ipairs(want) do assert(gains[i] == g, "pacing gain " .. gains[i] .. ", expected " .. g) end
