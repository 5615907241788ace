-- No spurious retransmissions behind a deep queue (RFC 8985 §7, RFC 5682):
-- one bulk flow through a 10 Mbit/s, 40 ms bottleneck with a 1000-packet
-- FIFO (1.2 s of queue, 30 x the base RTT), 60 s, for Reno and CUBIC.
-- The RTT swings from 40 ms to 1.24 s, which is what fools a sender into
-- resending segments that were only late.  Every segment the FIFO drops
-- must be resent once, and nothing else: retransmitted segments equal
-- dropped segments (data packets are the only ones dropped; the ACK
-- direction never queues).  Allowed slack: none.
local flows = {}
for _, cc in ipairs { "reno", "cubic" } do
  local s, r1, r2, d = node("s" .. cc), router("r1" .. cc), router("r2" .. cc), node("d" .. cc)
  link(s, r1, { rate = "1Gbps", delay = "1ms" })
  link(r1, r2, { rate = "10Mbps", delay = "18ms", queue = fifo { limit = 1000 } })
  link(r2, d, { rate = "1Gbps", delay = "1ms" })
  tcp.bulk { from = s, to = d, cc = cc, name = cc }
  flows[cc] = "r1" .. cc .. "->r2" .. cc
end
run("60s")

for _, cc in ipairs { "reno", "cubic" } do
  local q = query(string.format("select dropped from queues where entity = '%s'", flows[cc]))[1]
  local f = query(string.format("select retrans from flows where name = '%s'", cc))[1]
  local ev = query(string.format("select count(*) as n from events where entity = '%s' and kind = 'rto'", cc))[1]
  print(string.format("%-5s dropped %d, retransmitted %d, timeouts %d", cc, q.dropped, f.retrans, ev.n))
  assert(q.dropped > 0, cc .. ": the FIFO never overflowed, so the test proves nothing")
  assert(f.retrans == q.dropped, cc .. ": retransmissions differ from drops")
end
