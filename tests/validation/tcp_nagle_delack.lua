-- Nagle (RFC 896; RFC 9293 §3.7.4) and delayed ACKs (RFC 9293 §3.8.6.3).
--  1. An app writes 100 bytes every 5 ms for 2 s (400 writes) over a 100 ms
--     RTT.  With Nagle off nearly every write is a segment (only writes
--     that find the initial window of 10 full wait and merge).  With Nagle on a
--     short segment waits while another short one is unacknowledged
--     (Minshall's variant, as Linux tcp_nagle_check), so writes coalesce: at
--     most one short segment per round trip, plus full ones (40 000 bytes /
--     1448 = 27.6), so well under 80.  (RFC 896's stricter form, held
--     while any data was unacknowledged, gave 28; Minshall's gives 40.)
--  2. A bulk receiver ACKs every second full-sized segment (after up to 16
--     quick ACKs at the start): with no loss (the FIFO holds the whole
--     transfer) its ACKs number half the data segments, plus a few.
local function writer(name, nagle)
  local a, b = node(name .. "a"), node(name .. "b")
  link(a, b, { rate = "10Mbps", delay = "50ms" })
  tcp.listen { node = b, port = 80, on_data = function(c) c:discard() end }
  local writes = 0
  return tcp.connect { from = a, to = b, port = 80, nagle = nagle,
    on_connect = function(conn)
      local function tick()
        if writes < 400 then
          conn:send(100)
          writes = writes + 1
          at(string.format("%dns", now() + 5000000), tick)
        end
      end
      tick()
    end }
end
local on, off = writer("n", true), writer("o", false)

local x, y = node "x", node "y"
link(x, y, { rate = "10Mbps", delay = "20ms", queue = fifo { limit = 5000 } })
local bulk = tcp.bulk { from = x, to = y, bytes = "5MB", cc = "reno" }
run("10s")

-- minus the SYN and the handshake's ACK
local segs_on, segs_off = on:info().segs_out - 2, off:info().segs_out - 2
print(string.format("400 writes: %d segments with Nagle, %d without", segs_on, segs_off))
assert(segs_on >= 28 and segs_on < 80, "Nagle did not coalesce the writes")
assert(segs_off > 350, "without Nagle almost every write is a segment")
local s = bulk:stats()
local ratio = s.rcv_segs_out / s.data_segs_out
print(string.format("receiver sent %d ACKs for %d data segments: %.3f", s.rcv_segs_out, s.data_segs_out, ratio))
assert(ratio > 0.49 and ratio < 0.52, "delayed ACKs should halve the ACK count")
