-- tcp.reqresp with messages larger than the send buffer.  The default send
-- buffer starts at 16 384 bytes (Linux tcp_wmem[1]), so a 1 MB response (or
-- request) cannot be queued in one tcp_send: the app writes what fits and
-- the rest as the buffer drains (the writable callback).  Before that, the
-- server queued 16 384 bytes, dropped the rest, and the client waited for
-- ever with no error.
--
-- 100 Mbit/s (80 ns a byte), 5 ms each way (10 ms RTT), a FIFO that holds
-- everything; four requests, one after the other, on one reused connection.
--   MSS = 1500 - 52 = 1448 bytes;  1 000 000 = 690 x 1448 + 880
--   1 MB on the wire: 690 x 1500 + (880 + 52) = 1 035 932 bytes
--   100 bytes on the wire: 152 bytes
--   a request on the warm connection (cwnd and send buffer grown past the
--   path's 125 000-byte BDP during the first, so the link never idles):
--     10 ms + (152 + 1 035 932) x 80 ns = 10 ms + 82 886 720 ns = 92 886 720 ns
-- the same with the roles swapped (a 1 MB request, a 100-byte response).
-- The first request also opens the connection (SYN + SYN-ACK: 10 ms +
-- 2 x 60 x 80 ns = 10 009 600 ns) and starts from IW10 in slow start, which
-- needs a few RTTs to fill the 86-segment pipe: more than 102 896 320 ns
-- (handshake + warm figure), and less than 6 RTTs (60 ms) beyond that
-- (slow start from 10 to 86 segments takes log1.5(8.6) ~ 5.3 rounds even
-- with an ACK for every second segment).
local function pair(name, req, resp)
  local c, s = node(name .. "c"), node(name .. "s")
  link(c, s, { rate = "100Mbps", delay = "5ms", queue = fifo { limit = 10000 } })
  return tcp.reqresp { from = c, to = s, request = req, response = resp, reuse = true,
                       parallel = 1, count = 4, name = name }
end
local down, up = pair("download", 100, "1MB"), pair("upload", "1MB", 100)
record { "reqresp" }
run("10s")

local warm, first_min = 92886720, 10009600 + 92886720
for _, a in ipairs { { "download", down }, { "upload", up } } do
  local name, st = a[1], a[2]:stats()
  assert(st.completed == 4 and st.failed == 0,
         string.format("%s: %d of 4 completed, %d failed", name, st.completed, st.failed))
  local rows = query(string.format(
    "select value from series where metric = 'latency_ns' and entity = '%s' order by t_ns", name))
  assert(#rows == 4, name .. ": expected 4 latencies")
  assert(rows[1].value > first_min and rows[1].value < first_min + 60000000,
         string.format("%s: first request took %d ns", name, rows[1].value))
  for i = 2, 4 do
    assert(rows[i].value == warm, string.format("%s: request %d took %d ns, expected %d", name, i, rows[i].value, warm))
  end
  print(string.format("ok: %s: first %.6f ms, then 3 x %.6f ms", name, rows[1].value / 1e6, warm / 1e6))
end
