-- chain.lua, 3 routers, 10 Mbps, 5 ms per link, 64-byte ping payload: every
-- RTT is the hand-computed sum of serialisation and propagation delays.
--   packet = 20 (IPv4) + 8 (ICMP) + 64 = 92 bytes
--   serialisation per link = 92 * 8 / 10e6 s = 73.6 us = 73600 ns
--   one way = 4 links * (73600 + 5000000) ns = 20294400 ns
--   RTT = 40588800 ns, no queueing (nothing else is sent at ping times)
include("scenarios/chain.lua", { hops = 3, rate = "10Mbps", delay = "5ms", size = 64, time = "10s" })

local rows = query("select t_ns, value from series where metric = 'ping_rtt_ns' order by t_ns")
assert(#rows == 10, "expected 10 replies in 10 s, got " .. #rows)
for _, r in ipairs(rows) do
  assert(r.value == 40588800,
         string.format("ping at %d ns: RTT %d ns, expected 40588800 ns", r.t_ns, r.value))
end

-- traceroute lists every router in order, then the destination
local hops = query("select detail from events where kind = 'traceroute' order by t_ns")
local want = { "r1", "r2", "r3", "h2" }
assert(#hops == #want, "traceroute: " .. #hops .. " hops, expected " .. #want)
for i, h in ipairs(hops) do
  local name = h.detail:match("node=(%S+)")
  assert(name == want[i], string.format("hop %d is %s, expected %s", i, tostring(name), want[i]))
  assert(h.detail:match("^hop=" .. i .. " "), "hop number in: " .. h.detail)
end
local done = query("select detail from events where kind = 'traceroute_done'")
assert(#done == 1 and done[1].detail:match("^reached"), "traceroute did not reach h2")
-- hop k answers after k links each way: 2 * k * (serialisation of a 60-byte
-- probe or its 56-byte ICMP answer + 5 ms); check hop 1's first probe:
-- probe 20+8+32 = 60 B -> 48000 ns; Time Exceeded 20+8+28 = 56 B -> 44800 ns
local rtt1 = tonumber(hops[1].detail:match("rtt_ms=([%d.]+)"))
assert(math.abs(rtt1 - 10.0928) < 0.0005, "hop 1 RTT " .. rtt1 .. " ms, expected 10.0928 ms")
print("ok: 10 RTTs of 40588800 ns; traceroute r1 r2 r3 h2")
