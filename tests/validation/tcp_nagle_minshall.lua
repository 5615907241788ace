-- Nagle as Linux does it: Minshall's variant (Linux tcp_output.c
-- tcp_nagle_check / tcp_minshall_check; Minshall, "A suggested modification
-- to Nagle's algorithm", draft-minshall-nagle-01).  A short segment waits
-- only while an earlier *short* segment is unacknowledged, so a response
-- that ends in a short segment leaves at once behind its full ones.  Under
-- RFC 896's form the tail waited for the ACK of the full segments before it,
-- which the client delays (40 ms): about one RTT + 40 ms on every response.
--
-- 100 requests of 100 bytes, each answered with 100 KB (100 000 bytes),
-- one after the other over one reused connection; 1 Gbit/s, 25 ms each way
-- (50 ms RTT); the FIFO holds the whole response, so nothing is lost.
--   MSS = 1500 - 20 IP - 20 TCP - 12 timestamps = 1448 bytes
--   response: 100 000 = 69 x 1448 + 88 -> 69 segments of 1500 bytes on the
--             wire and one of 88 + 52 = 140 bytes: 103 640 bytes
--   request: 100 + 52 = 152 bytes
--   latency = request serialisation + 25 ms + response serialisation + 25 ms
--           = 50 ms + (152 + 103 640) x 8 ns = 50 ms + 830 336 ns
--           = 50 830 336 ns
-- for every request after the first (the first also opens the connection
-- and grows cwnd from IW10 in slow start, so it takes longer).  With Nagle
-- off the figure is the same: nothing waits in either case.
local function client(name, nagle)
  local c, s = node(name .. "c"), node(name .. "s")
  link(c, s, { rate = "1Gbps", delay = "25ms", queue = fifo { limit = 10000 } })
  return tcp.reqresp { from = c, to = s, request = 100, response = "100KB", reuse = true,
                       parallel = 1, count = 100, nagle = nagle, name = name }
end
local on, off = client("nagle", true), client("nodelay", false)
record { "reqresp" }
run("30s")

local want = 50830336 -- ns, from the arithmetic above
for _, name in ipairs { "nagle", "nodelay" } do
  local rows = query(string.format(
    "select value from series where metric = 'latency_ns' and entity = '%s' order by t_ns", name))
  assert(#rows == 100, string.format("%s: %d responses, expected 100", name, #rows))
  local first = rows[1].value
  assert(first > want, string.format("%s: the first request (handshake, slow start) took %d ns", name, first))
  for i = 2, 100 do
    assert(rows[i].value == want, string.format("%s: request %d took %d ns, expected %d", name, i, rows[i].value, want))
  end
  print(string.format("ok: %s: first %.6f ms, then 99 x %.6f ms", name, first / 1e6, want / 1e6))
end
assert(on:stats().connections == 1 and off:stats().connections == 1, "one reused connection each")
