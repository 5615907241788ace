-- Response functions (RFC 9438 §5.1, Table 1): with a deterministic loss
-- every 1/p packets, RTT 100 ms and no queue limit, the average window is
--                 p = 1e-4    p = 1e-5
--   CUBIC           187        1054     (C = 0.4, beta = 0.7)
--   Reno            120         379
-- each within +-10 %.  The average is over time, from the cwnd series,
-- after a 60 s warm-up; 400 s lets even the slowest (Reno at 1e-5, a loss
-- every 26 s) go through more than ten cycles.
local cases = {
  { cc = "cubic", every = 10000, want = 187 }, { cc = "cubic", every = 100000, want = 1054 },
  { cc = "reno", every = 10000, want = 120 }, { cc = "reno", every = 100000, want = 379 },
}
for i, c in ipairs(cases) do
  local a, b = node("a" .. i), node("b" .. i)
  local l = link(a, b, { rate = "10Gbps", delay = "50ms", queue = fifo { limit = 1000000 } })
  l:set_loss({ model = "periodic", every = c.every }, a)
  c.name = string.format("%s_%d", c.cc, c.every)
  tcp.bulk { from = a, to = b, cc = c.cc, rcvbuf = "64MiB", rcvbuf_max = "64MiB",
             sndbuf_max = "64MiB", name = c.name }
end
record { "cwnd", every = "event" }
local T0, T1 = 60e9, 400e9
run("400s")

for _, c in ipairs(cases) do
  local rows = query(string.format([[select t_ns, value from series where metric = 'cwnd'
                                     and entity = '%s' order by t_ns]], c.name))
  local area, prev_t, prev_v = 0, nil, nil
  for _, r in ipairs(rows) do
    if prev_t and r.t_ns > T0 then
      local from = prev_t > T0 and prev_t or T0
      area = area + prev_v * (r.t_ns - from)
    end
    prev_t, prev_v = r.t_ns, r.value
  end
  area = area + prev_v * (T1 - math.max(prev_t, T0))
  local mean = area / (T1 - T0) / 1448
  print(string.format("%-14s mean cwnd %7.1f, RFC 9438 Table 1: %d", c.name, mean, c.want))
  assert(math.abs(mean - c.want) <= 0.1 * c.want, c.name .. ": mean cwnd outside +-10 %")
end
