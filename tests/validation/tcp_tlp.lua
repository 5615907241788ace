-- A tail loss is repaired by a tail loss probe about two smoothed RTTs
-- later, not by a retransmission timeout (RFC 8985 §7: PTO = 2 * SRTT, plus
-- 2 ms here as Linux's TCP_TIMEOUT_MIN when more than one segment is out).
-- A 100-segment transfer (144800 bytes) over 100 Mbps, 20 ms each way;
-- the last two data segments are dropped (packets 100 and 101 a->b: the SYN
-- is packet 1).  The probe resends the last segment, the receiver SACKs it,
-- RACK marks the other lost, and it is retransmitted at once.
local a, b = node "a", node "b"
local l = link(a, b, { rate = "100Mbps", delay = "20ms" })
l:set_loss({ model = "list", packets = { 100, 101 } }, a)
local f = tcp.bulk { from = a, to = b, bytes = 100 * 1448, cc = "reno" }
record { "tcp_trace" }
run("3s")

local s = f:stats()
print(string.format("finished %s, retrans %d, tlp %d, rto %d, srtt %.2f ms", tostring(s.finished == 1),
                    s.retrans, s.tlp_count, s.rto_count, s.srtt_ns / 1e6))
assert(s.finished == 1, "the transfer did not finish")
assert(s.rto_count == 0, "a timeout repaired the tail loss")
assert(s.tlp_count == 1, "expected one loss probe, got " .. s.tlp_count)
assert(s.retrans == 2, "expected 2 retransmissions (the probe and the repair), got " .. s.retrans)
-- when: the probe follows the last ACK by 2 * SRTT + 2 ms
local last_ack = query([[select max(t_ns) as t from events where entity = 'bulk1.rcv' and kind = 'tcp_tx'
                         and t_ns < (select t_ns from events where kind = 'tlp')]])[1].t
local tlp = query("select t_ns from events where kind = 'tlp'")[1].t_ns
-- the last ACK reaches the sender 20 ms (+ 52-byte serialisation) after it is sent
local wait = tlp - (last_ack + 20e6 + 4160)
local pto = 2 * s.srtt_ns + 2e6
print(string.format("probe %.3f ms after the last ACK; 2 SRTT + 2 ms = %.3f ms", wait / 1e6, pto / 1e6))
assert(math.abs(wait - pto) < 0.1 * pto, "the probe was not sent 2 SRTT after the last ACK")
