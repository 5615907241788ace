-- Receive-buffer autotuning (Linux tcp_rcv_space_adjust, "dynamic
-- right-sizing"): the receive buffer starts at 128 KiB (tcp_rmem[1]) and
-- grows each RTT to twice what the app read, up to tcp_rmem[2] = 6 MiB.
-- On a 1 Gbit/s path with a 100 ms RTT (BDP 12.5 MB) the window, and so
-- the flow, is limited by that maximum: goodput = 6 MiB * 8 / 0.1 s =
-- 503.3 Mbit/s (the sender's buffer is raised so it is not the limit).
local a, b = node "a", node "b"
link(a, b, { rate = "1Gbps", delay = "50ms", queue = fifo { limit = 100000 } })
local f = tcp.bulk { from = a, to = b, cc = "reno", sndbuf_max = "64MiB", measure_from = "5s" }
run("10s")
local s = f:stats()
print(string.format("receive buffer %d bytes, goodput %.1f Mbps (expected 503.3)", s.rcvbuf, s.goodput_bps / 1e6))
assert(s.rcvbuf == 6 * 1024 * 1024, "the receive buffer did not grow to 6 MiB")
local want = 6 * 1024 * 1024 * 8 / 0.1
assert(math.abs(s.goodput_bps - want) < 0.02 * want, "goodput is not rcvbuf_max / RTT")
