-- onoff_rate.lua: an on/off source never sends faster than its rate while
-- on, however short its periods (issue 8: short periods used to send one
-- packet at the start of every on period, far above the rate).
-- Hand arithmetic: rate 1.2 Mbps and 122-byte payloads make 150-byte IP
-- packets (122 + 8 UDP + 20 IP) = 1200 bits, one every 1200 / 1.2e6 s =
-- 1 ms of on-time (the gap is counted in on-time, as ns-3's
-- OnOffApplication carries its residual bits).  Constant periods, run
-- until 999.5 ms, first packet at on-time 0:
--   on 0.4 ms / off 0.6 ms: 1000 cycles, 1000 * 0.4 = 400 ms of on-time,
--     packets at on-time 0, 1, ..., 399 ms = 400 (was 1000: one a cycle)
--   on 2.5 ms / off 2.5 ms: 200 cycles, 200 * 2.5 = 500 ms of on-time,
--     500 packets (was 600: three per 2.5 ms on period)
--   on 10 ms / off 10 ms: a whole number of gaps per period, 50 cycles
--     (the 50th on period ends at 990 ms), 10 packets each = 500
local cases = {
  { on = "0.4ms", off = "0.6ms", want = 400 },
  { on = "2.5ms", off = "2.5ms", want = 500 },
  { on = "10ms", off = "10ms", want = 500 },
}
local src = {}
for i, c in ipairs(cases) do
  local a, b = node("a" .. i), node("b" .. i)
  link(a, b, { rate = "100Mbps", delay = "1ms" })
  src[i] = udp.onoff { from = a, to = b, rate = "1.2Mbps", size = 122, on = c.on, off = c.off,
                       dist = "const" }
end
run("999.5ms")
for i, c in ipairs(cases) do
  local sent = src[i]:stats().sent
  assert(sent == c.want, string.format("on %s off %s: sent %d packets, expected %d",
                                       c.on, c.off, sent, c.want))
  print(string.format("ok: on %s off %s: %d packets", c.on, c.off, sent))
end
