-- NewReno without SACK (RFC 6582): three segments lost from one 40-segment
-- window are repaired in one fast recovery, one retransmission per partial
-- ACK, in about three round trips, without a timeout.
-- Set-up: 100 Mbps, 50 ms each way (RTT 100 ms), initial window 40, SACK
-- off; the 10th, 20th and 30th data segments are dropped (packets 11, 21 and
-- 31 in the a->b direction: the SYN is packet 1, and the first segment
-- carries the handshake's ACK).
--   RTT 1: three dupACKs for segment 10 -> fast retransmit of 10
--   RTT 2: partial ACK up to segment 19 -> retransmit 20
--   RTT 3: partial ACK up to segment 29 -> retransmit 30
--   then the full ACK ends recovery: ~3 RTT after it began.
-- The same drops under Reno (RFC 5681, recovery ends at the first partial
-- ACK) cost more than one recovery or a timeout (Fall & Floyd, CCR 26(3),
-- 1996, §4 "Reno with three packets dropped").
local p = params { cc = "newreno" }
local a, b = node "a", node "b"
local l = link(a, b, { rate = "100Mbps", delay = "50ms" })
l:set_loss({ model = "list", packets = { 11, 21, 31 } }, a)
local f = tcp.bulk { from = a, to = b, bytes = 200 * 1448, cc = p.cc, sack = false,
                     init_cwnd = 40, rcvbuf = "4MiB" }
record { "cwnd", every = "event" }
run("5s")

local s = f:stats()
print(string.format("%s: retrans %d, recoveries %d, timeouts %d, finished %s",
                    p.cc, s.retrans, s.fast_retrans, s.rto_count, tostring(s.finished == 1)))
assert(s.finished == 1, "the transfer did not finish")
if p.cc == "newreno" then
  assert(s.rto_count == 0, "NewReno needed a timeout")
  assert(s.retrans == 3, "NewReno retransmitted " .. s.retrans .. " segments, expected 3")
  assert(s.fast_retrans == 1, "NewReno entered recovery " .. s.fast_retrans .. " times, expected once")
  local r = query("select t_ns from events where kind = 'recovery'")[1].t_ns
  local d = query("select t_ns from events where kind = 'recovery_done'")[1].t_ns
  local rtts = (d - r) / 100e6
  print(string.format("recovery lasted %.2f RTT", rtts))
  assert(rtts > 2.5 and rtts < 3.5, "recovery lasted " .. rtts .. " RTTs, expected about 3")
else
  assert(s.rto_count > 0 or s.fast_retrans > 1, "Reno recovered all three losses in one episode")
end
