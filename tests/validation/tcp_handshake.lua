-- Handshakes and teardowns against RFC 9293's figures: the segments' order,
-- flags and the states on both sides.  Segment traces come from the
-- events table (record { "tcp_trace" }), sequence numbers relative to the
-- ISNs, as Wireshark shows them.
--   Figure 6  (basic 3-way handshake):  SYN, SYN-ACK, ACK
--   Figure 7  (simultaneous open):      SYN / SYN crossing, then SYN-ACKs
--   Figure 12 (normal close):           FIN, ACK, FIN, ACK -> TIME_WAIT
--   Figure 13 (simultaneous close):     FINs cross, both CLOSING, then TIME_WAIT

local function trace(who)
  local rows = query(string.format([[select t_ns, kind, detail from events where entity = '%s'
      and kind in ('tcp_tx', 'tcp_state') order by rowid]], who))
  local out = {}
  for _, r in ipairs(rows) do
    if r.kind == 'tcp_tx' then
      local flags, seq, ack, len = r.detail:match("^(%u+) seq=(%d+) ack=(%d+) win=%d+ len=(%d+)")
      out[#out + 1] = string.format("%s %s/%s/%s", flags, seq, ack, len)
    else
      out[#out + 1] = r.detail:match("-> (%u[%u_%d]*)")
    end
  end
  return table.concat(out, ", ")
end

local function expect(who, want)
  local got = trace(who)
  assert(got == want, string.format("%s:\n  got  %s\n  want %s", who, got, want))
  print("ok: " .. who .. ": " .. got)
end

-- 1. a client opens, sends 100 bytes, gets 1000 back, closes first; the
--    server closes 100 ms after the client's FIN (so its ACK and FIN are two
--    segments, as in Figure 12).  10 Mbps, 10 ms one way.
local client, server = node "client", node "server"
link(client, server, { rate = "10Mbps", delay = "10ms" })
tcp.defaults { time_wait = "1s" }
tcp.listen { node = server, port = 80, name = "srv",
  on_accept = function(c) end,
  on_data = function(c) c:discard(); c:send(1000) end,
  on_peer_closed = function(c) at(string.format("%dns", now() + 100000000), function() c:close() end) end }
local got = 0
local conn = tcp.connect { from = client, to = server, port = 80, name = "cli",
  on_connect = function(c) c:send(100) end,
  on_data = function(c) got = got + c:discard(); if got == 1000 then c:close() end end }

-- 2. simultaneous open (Figure 7) and, at 1 s, simultaneous close (Figure 13)
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "10ms" })
local ca, cb
ca = tcp.connect { from = a, to = b, port = 2000, local_port = 1000, name = "A" }
cb = tcp.connect { from = b, to = a, port = 1000, local_port = 2000, name = "B" }
at("1s", function() ca:close(); cb:close() end)

record { "tcp_trace", "tcp_events" }
run("3s")

-- the listener's state log shows LISTEN; its connection is named after it
-- (the listener's name, then the peer)
expect("srv", "LISTEN")
local srv = query("select entity from events where kind = 'tcp_state' and detail = 'CLOSED -> SYN_RCVD' and entity like 'srv/10.0.1.1:%'")[1].entity

-- Figure 6 then data, then Figure 12.  The client's handshake ACK rides on
-- its request (seq 1, ack 1): the app hears of the connection after the
-- stack is done with the SYN-ACK, and the ACK waits for what it sends then
-- (as Linux when the app is already waiting to write).  The server's ACK
-- of the FIN waits for the delayed-ACK timer (40 ms) and its FIN comes
-- 100 ms after the client's.  A FIN is logged in the state it moves to,
-- set as it is queued (Linux tcp_close_state).
expect("cli", "SYN_SENT, S 0/0/0, ESTABLISHED, PA 1/1/100, FIN_WAIT_1, FA 101/1001/0, FIN_WAIT_2, TIME_WAIT, A 102/1002/0, CLOSED")
expect(srv, "SYN_RCVD, SA 0/1/0, ESTABLISHED, PA 1/101/1000, CLOSE_WAIT, A 1001/102/0, LAST_ACK, FA 1001/102/0, CLOSED")

-- the client's connect took exactly one RTT plus serialisation: two 60-byte
-- segments (20 IP + 20 TCP + 20 options) at 10 Mbps = 2 * 48 us, plus 2 * 10 ms
local c = query("select detail from events where entity = 'cli' and kind = 'connected'")[1]
assert(c.detail == "in 0.020096 s", c.detail)

-- TIME_WAIT lasts exactly the configured 1 s from the final ACK
local tw = query("select t_ns from events where entity = 'cli' and kind = 'tcp_state' and detail like '%-> TIME_WAIT'")[1].t_ns
local cl = query("select t_ns from events where entity = 'cli' and kind = 'tcp_state' and detail = 'TIME_WAIT -> CLOSED'")[1].t_ns
assert(cl - tw == 1000000000, "TIME_WAIT lasted " .. (cl - tw) .. " ns")

-- Figure 7 and Figure 13, the same on both sides
for _, who in ipairs { "A", "B" } do
  expect(who, "SYN_SENT, S 0/0/0, SYN_RCVD, SA 0/1/0, ESTABLISHED, FIN_WAIT_1, FA 1/1/0, CLOSING, A 2/2/0, TIME_WAIT, CLOSED")
end
print("ok: connect in one RTT, TIME_WAIT exactly 1 s")
