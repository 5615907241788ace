-- A 5-second link outage in the middle of a bulk transfer (RFC 6298 §5.5):
-- each retransmission timeout doubles the RTO, so the retransmissions go
-- out at RTO, 2 RTO, 4 RTO ... after the last ACK, and the first one after
-- the link returns gets through and the transfer completes.
-- 10 Mbps, 20 ms RTT, 100-packet FIFO; the link is down from 5 s to 10 s.
local a, r, b = node "a", router "r", node "b"
link(a, r, { rate = "100Mbps", delay = "1ms" })
local l = link(r, b, { rate = "10Mbps", delay = "9ms", queue = fifo { limit = 100 } })
local f = tcp.bulk { from = a, to = b, bytes = "20MB", cc = "reno" }
at("5s", function() l:down() end)
at("10s", function() l:up() end)
run("30s")

local rtos = query("select t_ns, detail from events where kind = 'rto' order by t_ns")
assert(#rtos >= 4, "expected several timeouts during a 5 s outage, got " .. #rtos)
-- each logged rto_ns is the timeout that just expired; consecutive timeouts
-- are spaced by the doubled RTO, so the gaps double exactly
local prev_gap
for i = 2, #rtos do
  local gap = rtos[i].t_ns - rtos[i - 1].t_ns
  if rtos[i].t_ns > 10e9 and rtos[i - 1].t_ns > 10e9 then break end
  print(string.format("timeout %d at %.3f s, %.3f s after the previous", i, rtos[i].t_ns / 1e9, gap / 1e9))
  if prev_gap then
    assert(gap == 2 * prev_gap, string.format("gap %d ns is not twice %d ns", gap, prev_gap))
  end
  prev_gap = gap
end
local logged = {}
for i, r in ipairs(rtos) do logged[i] = tonumber(r.detail:match("rto_ns (%d+)")) end
for i = 2, #logged do
  if rtos[i].t_ns < 10e9 then
    assert(logged[i] == 2 * logged[i - 1], "RTO did not double: " .. rtos[i].detail)
  end
end
-- (segments that arrived before the outage but whose SACKs died with the
-- reverse direction are cumulatively ACKed by the first repair: F-RTO
-- rightly concludes they were never lost and undoes part of the reduction)
local s = f:stats()
assert(s.finished == 1, "the transfer did not complete after the outage")
print(string.format("ok: %d timeouts, RTO doubling; 20 MB done in %.2f s", #rtos, s.fct_ns / 1e9))
