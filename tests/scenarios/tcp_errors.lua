-- Connection errors reach the app and the results, never a crash:
--   a port nobody listens on answers RST: "connection refused" (RFC 9293
--   §3.10.7.1); an address no route leads to: "no route to host"; the
--   server aborting an established connection sends a RST: "connection
--   reset by peer"; SYNs into a black hole give up after
--   tcp_syn_retries = 6 (1+2+4+8+16+32+64 = 127 s): "connection timed out".
local a, r, b = node "a", router "r", node "b"
link(a, r, { rate = "10Mbps", delay = "5ms" })
local rb = link(r, b, { rate = "10Mbps", delay = "5ms" })
local errors = {}
local function on_error(name) return function(c, err) errors[name] = err end end

tcp.connect { from = a, to = b, port = 9, on_error = on_error("refused") }
tcp.connect { from = a, to = "192.168.7.7", port = 80, on_error = on_error("noroute") }
local srv
tcp.listen { node = b, port = 80, on_accept = function(c) srv = c end }
local cli = tcp.connect { from = a, to = b, port = 80, on_error = on_error("reset") }
at("1s", function() srv:abort() end)
at("1.5s", function()
  local ok, err = pcall(cli.send, cli, 1000)
  assert(not ok and err:match("the connection is closed"), "send on a reset connection: " .. tostring(err))
end)
at("2s", function() rb:set_loss(1.0) end)
tcp.connect { from = a, to = b, port = 80, at = "2s", on_error = on_error("timeout") }
record { "tcp_events", "tcp_trace" }
run("200s")

local want = { refused = "connection refused", noroute = "no route to host",
               reset = "connection reset by peer", timeout = "connection timed out" }
for k, v in pairs(want) do
  assert(errors[k] == v, k .. ": got " .. tostring(errors[k]) .. ", expected " .. v)
  print("ok: " .. k .. ": " .. errors[k])
end
local e = query("select count(*) as n from events where kind = 'tcp_error'")[1].n
assert(e >= 3, "errors are not recorded in the events table")
-- the SYN retries: sent at 2, 3, 5, 9, 17, 33, 65 s, given up at 129 s
local syns = query("select t_ns from events where kind = 'rto' and detail like 'SYN retransmission%' order by t_ns")
assert(#syns == 6, "expected 6 SYN retransmissions, got " .. #syns)
local gone = query("select t_ns from events where kind = 'tcp_error' and detail like 'connection timed out%'")[1].t_ns
assert(gone == 129e9, "gave up at " .. gone)
