-- Link jitter: each packet's propagation delay gets an extra U[0, j) per
-- direction, and the wire keeps its order.  A ping every 10 ms over one
-- 100 Mbit/s link with 10 ms delay and j = 2 ms: RTT - base is the sum of
-- two independent U[0, 2 ms) draws, so it lies in [0, 4 ms) with mean 2 ms
-- (standard deviation 2 ms / sqrt(6) = 0.82 ms; over 2000 pings the mean's
-- standard error is 18 us, so +-5 % is over five of them).  Base RTT: 2 x
-- (10 ms + 84 bytes * 8 / 100 Mbit/s) = 20.01344 ms.
-- Order: a TCP transfer across a second jittered link (full-sized packets
-- 120 us apart, jitter 2 ms, so unordered draws would overtake each other
-- often) sees no reordering: with its window capped below the FIFO's
-- size nothing is lost, so any retransmission or D-SACK would mean a
-- segment overtook another (RFC 5681 dupacks, RFC 8985 RACK).
local a, b = node("a"), node("b")
link(a, b, { rate = "100Mbps", delay = "10ms", jitter = "2ms" })
ping { from = a, to = b, every = "10ms", count = 2000, name = "ping" }
local c, d = node("c"), node("d")
link(c, d, { rate = "100Mbps", delay = "10ms", jitter = "2ms" })
tcp.bulk { from = c, to = d, bytes = "50MB", rcvbuf = "256KiB", rcvbuf_max = "256KiB", name = "bulk" }
record { "ping" }
run("25s")

local base = 2 * (10e6 + 84 * 8 * 1e9 / 100e6)
local r = query("select count(*) as n, avg(value) as m, min(value) as lo, max(value) as hi from series where metric = 'ping_rtt_ns'")[1]
print(string.format("%d pings: RTT - base mean %.3f ms, range [%.3f, %.3f] ms", r.n,
                    (r.m - base) / 1e6, (r.lo - base) / 1e6, (r.hi - base) / 1e6))
assert(r.n == 2000, "expected 2000 replies")
assert(r.lo >= base and r.hi < base + 4e6, "RTT outside [base, base + 2 x jitter)")
assert(math.abs((r.m - base) - 2e6) <= 0.05 * 2e6, "mean extra delay not 2 ms +- 5 %")
local f = query("select bytes, retrans from flows where name = 'bulk'")[1]
print(string.format("bulk: %d bytes, %d retransmissions", f.bytes, f.retrans))
assert(f.bytes == 50000000, "the transfer did not finish")
assert(f.retrans == 0, "segments were retransmitted: the jittered link reordered them")
