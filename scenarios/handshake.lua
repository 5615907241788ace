-- One TCP connection, opened, a little data each way, and closed: a packet
-- trace to study beside RFC 9293's figures, in Wireshark or in the events
-- table.  Run it with --pcap to get client-eth0.pcap and server-eth0.pcap.
--
--   client --(rate, delay)-- server:80
--
-- The client sends a 100-byte request; the server answers 1000 bytes and
-- waits for the client to close first, so the client ends in TIME_WAIT.
local p = params {
  rate = "10Mbps",
  delay = "10ms",
  request = 100,
  response = 1000,
  time = "2s",
  time_wait = "60s",   -- Linux TCP_TIMEWAIT_LEN; the RFC's 2*MSL is 240s
}

local client, server = node "client", node "server"
link(client, server, { rate = p.rate, delay = p.delay })
tcp.defaults { time_wait = p.time_wait }

tcp.listen {
  node = server, port = 80, name = "server",
  on_accept = function(conn) end,
  on_data = function(conn, n)
    conn:discard()
    conn:send(p.response)
  end,
  on_peer_closed = function(conn) conn:close() end,
}
local got = 0
tcp.connect {
  from = client, to = server, port = 80, name = "client",
  on_connect = function(conn) conn:send(p.request) end,
  on_data = function(conn, n)
    got = got + conn:discard()
    if got >= p.response then conn:close() end
  end,
}

record { "tcp_trace", "tcp_events" }
run(p.time)
