-- TIME_WAIT holds ephemeral ports: time_wait.lua at 1000 new connections
-- per second to one server port.  Linux's range 32768-60999 has 28 232
-- ports and TIME_WAIT lasts 60 s, so (Linux ip_local_port_range,
-- TCP_TIMEWAIT_LEN):
--   - for the first 28 232 / 1000 = 28 s every connection succeeds;
--   - then, over any 60 s, at most 28 232 connections can start:
--     28232 / 60 = 470.5 per second; the other attempts fail with
--     "no free local port" (EADDRNOTAVAIL), reported to the app.
include("scenarios/time_wait.lua", { rate = 1000, time_wait = "60s", time = "120s" })

local function rate(from, to)
  return query(string.format([[select avg(value) as v from series where metric = 'requests_per_s'
                               and t_ns > %d and t_ns <= %d]], from * 1e9, to * 1e9))[1].v
end
local early, late = rate(1, 25), rate(60, 120)
print(string.format("completed per second: %.1f in 1-25 s, %.1f in 60-120 s (expected ~1000 and 470.5)", early, late))
assert(math.abs(early - 1000) < 50, "before exhaustion every attempt should succeed")
assert(math.abs(late - 28232 / 60) < 0.05 * 28232 / 60, "sustained rate is not 28232/60")
local f = query("select pkts_sent, pkts_recv from flows where name = 'web'")[1]
local errs = query("select detail from events where kind = 'tcp_error'")
assert(#errs >= 1 and errs[1].detail:match("no free local port"), "exhaustion was not reported")
print(string.format("%d attempts, %d completed; error reported: %s", f.pkts_sent, f.pkts_recv, errs[1].detail))
