-- Flow control (RFC 9293 §3.8.6): a receiving app that reads only 1 Mbit/s
-- holds a sender on a 100 Mbit/s path to about 1 Mbit/s.  The receive buffer
-- fills, the window closes, and the sender probes it with zero-window probes
-- (the persist timer, §3.8.6.1) until reading opens it again.
-- The receive buffer is fixed at 256 KiB (no autotuning) so it fills soon,
-- and the app reads in gulps, every second (125 KB each), so the window
-- stays shut longer than the retransmission timeout (>= 200 ms) and the
-- persist timer fires.
local a, b = node "a", node "b"
link(a, b, { rate = "100Mbps", delay = "10ms" })
local f = tcp.bulk { from = a, to = b, read_rate = "1Mbps", read_every = "1s",
                     rcvbuf = "256KiB", autotune = false,
                     measure_from = "5s", cc = "reno" }
record { "rwnd", every = "event" }
run("60s")
local s = f:stats()
print(string.format("goodput %.3f Mbps, zero-window probes %d", s.goodput_bps / 1e6, s.zero_window_probes))
-- goodput counts payload bytes the app read: it reads exactly 1 Mbit/s
assert(math.abs(s.goodput_bps - 1e6) < 0.02e6, "goodput is not 1 Mbps")
assert(s.zero_window_probes > 0, "no zero-window probes were sent")
-- the advertised window really reached zero
local z = query("select count(*) as n from series where metric = 'rwnd' and value = 0")[1].n
assert(z > 0, "the window never closed")
