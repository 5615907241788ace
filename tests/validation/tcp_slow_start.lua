-- Slow start with IW10 and no loss (RFC 5681 §3.1, RFC 6928): cwnd starts at
-- 10 segments and grows by one segment per segment ACKed (Linux counts
-- segments, so delayed ACKs do not slow it), i.e. it doubles every round
-- trip.  Round k (k = 1, 2, ...) carries 10 * 2^(k-1) segments, so by the
-- end of round k the sender has 10 * (2^k - 1) segments acknowledged:
--     round:                  1    2    3     4     5
--     ACKed by its end:      10   30   70   150   310   segments of 1448 B
-- Path: 1 Gbps, 50 ms each way (RTT 100 ms), so serialising a round (at
-- most 160 * 1.5 KB = 1.9 ms) is small against the RTT.  The receiver's
-- buffer is large (4 MiB) so its window is never the limit.
local a, b = node "a", node "b"
link(a, b, { rate = "1Gbps", delay = "50ms" })
tcp.defaults { cc = "reno", rcvbuf = "4MiB", rcvbuf_max = "8MiB" }
tcp.listen { node = b, port = 80, on_data = function(c) c:discard() end }
local conn
conn = tcp.connect { from = a, to = b, port = 80,
  on_connect = function(c) c:send(100000000) end,
  on_writable = function(c) c:send(100000000) end }

-- the connection is up at 100.096 ms (SYN and SYN-ACK, 60 B each at 1 Gbps
-- = 480 ns); round k's ACKs arrive about 100 ms * k later; sample halfway
-- between ACK bursts
local samples = {}
for k = 1, 5 do
  at(string.format("%dms", 100 + 100 * k + 50), function()
    samples[k] = conn:info()
  end)
end
run("0.7s")

local mss = samples[1].mss
assert(mss == 1448, "MSS " .. mss .. ", expected 1460 - 12 (timestamps) = 1448")
local want = { 10, 30, 70, 150, 310 }
for k = 1, 5 do
  local acked = samples[k].bytes_acked
  -- bytes_acked counts the SYN's sequence number too
  local segs = (acked - 1) / mss
  print(string.format("round %d: %d segments ACKed (expected %d), cwnd %d", k, segs, want[k], samples[k].cwnd))
  assert(segs == want[k], string.format("round %d: %s segments ACKed, expected %d", k, segs, want[k]))
  assert(samples[k].cwnd == 10 + want[k], "cwnd after round " .. k)
end
