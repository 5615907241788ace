-- The server's processing time queues: queries are served one at a time
-- in arrival order (a single-threaded server), each taking `processing`.
-- Ten queries for www.example.test leave c at once over 1 Gbps, 1 ms each
-- way, processing 1 ms.  By hand: a query is 45 bytes of DNS + 28 of
-- headers = 73 bytes, 0.584 us at 1 Gbps; an answer 61 + 28 = 89 bytes,
-- 0.712 us.  The first query reaches the server at 1 ms + 0.584 us, the
-- others right behind it (0.584 us apart), all before the first is done,
-- so answer k leaves at that arrival + k ms and comes back 1 ms + 0.712 us
-- later:
--   RTT_k = 1 ms + 0.584 us + k ms + 0.712 us + 1 ms = (k + 2) ms + 1.296 us
-- With processing 0 the ten answers come back 0.712 us apart instead.
local c, ns = node "c", node "ns"
link(c, ns, { rate = "1Gbps", delay = "1ms" })
local z = dns.zone { origin = "example.test", records = { { "www", "A", "10.0.0.5" } } }
dns.server { node = ns, zones = { z }, processing = "1ms" }

local rtts = {}
for k = 1, 10 do
  dns.query { from = c, server = ns, name = "www.example.test",
              on_reply = function(r) rtts[#rtts + 1] = r.time_ns end }
end
run("1s")
assert(#rtts == 10, "answers: " .. #rtts)
table.sort(rtts)
for k = 1, 10 do
  local want = (k + 2) * 1000000 + 1296
  assert(rtts[k] == want, string.format("answer %d after %d ns, expected %d ns", k, rtts[k], want))
end
print("ok: ten queries served one at a time, RTT_k = (k + 2) ms + 1.296 us")
