-- UDP sockets from Lua (udp.bind, sock:sendto, on_datagram, on_error): an
-- echo server one 5 ms, 10 Mbit/s link away.  Hand arithmetic:
--   a 100-byte payload is 20 (IPv4) + 8 (UDP) + 100 = 128 bytes on the wire,
--   128 * 8 / 10e6 s = 102.4 us to serialise, so one way is 5.1024 ms and
--   the echo returns 10.2048 ms after it was sent (nothing else queued).
-- A datagram to a port nobody holds draws an ICMP Port Unreachable (RFC
-- 1122 §4.1.3.1) from b: 56 bytes back (20 + 8 + 28 quoted), one way
-- 5.1024 ms out, 5 ms + 44.8 us back.
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "5ms" })

local msg = string.rep("x", 60) .. "\0binary\255" .. string.rep("y", 32) -- 100 bytes
assert(#msg == 100)

local echoed = {}
local server = udp.bind { node = b, port = 7,
  on_datagram = function(sock, data, src, sport)
    echoed[#echoed + 1] = { data = data, src = src, sport = sport }
    assert(sock:sendto(src, sport, data))
  end }
assert(server.port == 7 and server.node.name == "b")

local replies, errors = {}, {}
local client = udp.bind { node = a,
  on_datagram = function(sock, data, src, sport)
    replies[#replies + 1] = { t = now(), data = data, src = src, sport = sport }
  end,
  on_error = function(sock, err, from)
    errors[#errors + 1] = { t = now(), err = err, from = from }
  end }
-- an ephemeral port from Linux's 32768-60999, the first one a node hands out
assert(client.port == 32768, "ephemeral port " .. client.port)

at("1s", function() client:sendto(b, 7, msg) end)
at("2s", function() client:sendto(b.addr, 7, 1200) end)   -- 1200 zero bytes
at("3s", function() client:sendto(b, 9999, 10) end)       -- closed port
run("4s")

assert(#echoed == 2, "server got " .. #echoed .. " datagrams")
assert(echoed[1].src == a.addr and echoed[1].sport == 32768)
assert(#replies == 2, "client got " .. #replies .. " replies")
assert(replies[1].data == msg, "the bytes came back changed")
assert(replies[1].src == b.addr and replies[1].sport == 7)
local want = 1000000000 + 2 * (5000000 + 102400)
assert(replies[1].t == want, string.format("echo at %d ns, expected %d", replies[1].t, want))
-- 1228-byte packets: 982.4 us each way
assert(replies[2].data == string.rep("\0", 1200))
want = 2000000000 + 2 * (5000000 + 982400)
assert(replies[2].t == want, string.format("echo at %d ns, expected %d", replies[2].t, want))

assert(#errors == 1, "expected one ICMP error, got " .. #errors)
assert(errors[1].err == "port unreachable" and errors[1].from == b.addr)
-- out: 20 + 8 + 10 = 38 bytes, 30.4 us; back: 56 bytes, 44.8 us
want = 3000000000 + 5000000 + 30400 + 5000000 + 44800
assert(errors[1].t == want, string.format("ICMP error at %d ns, expected %d", errors[1].t, want))

local st = client:stats()
assert(st.sent_pkts == 3 and st.sent_bytes == 1310 and st.recv_pkts == 2 and st.recv_bytes == 1300)
client:close()
assert(client.closed and tostring(client) == "udp socket a:32768 (closed)")
assert(client:stats().sent_pkts == 3, "counts are kept after close")
-- the port is free again
local again = udp.bind { node = a, port = 32768 }
assert(again.port == 32768)
print("ok: echo at 10.2048 ms, 1200 zero bytes, port unreachable, ephemeral port, stats")
