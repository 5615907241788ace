-- Callbacks set from inside a coroutine (ISSUE 8 §1): the models kept the
-- coroutine's stack and later called the callback on it ("(null)" errors,
-- or the callback never ran).  They run on the main thread now.
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "5ms" })
local got = {}
local co = coroutine.create(function()
  tcp.listen { node = b, port = 80, on_accept = function(c) got.accept = now() end }
  tcp.connect { from = a, to = b, port = 80, on_connect = function(c) got.connect = now() end }
  traceroute { from = a, to = b, on_done = function(hops) got.traceroute = #hops end }
  coroutine.yield()
end)
assert(coroutine.resume(co))
run("10s")
-- SYN at 0, SYN-ACK back at 10 ms (RTT 2 x 5 ms plus serialisation):
-- the client's on_connect a little after 10 ms, the server's on_accept
-- one more one-way delay later
assert(got.connect and got.connect > 10e6 and got.connect < 11e6, "on_connect: " .. tostring(got.connect))
assert(got.accept and got.accept > 15e6 and got.accept < 16e6, "on_accept: " .. tostring(got.accept))
assert(got.traceroute == 1, "traceroute hops: " .. tostring(got.traceroute))
print(string.format("ok: on_connect at %d ns, on_accept at %d ns, traceroute %d hop",
                    got.connect, got.accept, got.traceroute))
