-- TIME_WAIT and ephemeral-port exhaustion.  A client opens short
-- connections to one server port at a steady rate, one request each, and
-- closes first, so each connection leaves its 4-tuple in TIME_WAIT.  With
-- Linux's 28 232 ephemeral ports (32768-60999) and a 60 s TIME_WAIT, at
-- most 28232 / 60 = 470 new connections per second can be sustained; at
-- 1000 per second the ports run out after about 28 s and the rest of the
-- attempts fail with "no free local port" (EADDRNOTAVAIL).
local p = params {
  rate = 1000,          -- new connections per second (Poisson arrivals)
  time_wait = "60s",    -- Linux TCP_TIMEWAIT_LEN; RFC 9293's 2*MSL would be 240 s
  time = "120s",
}

local client, server = node "client", node "server"
link(client, server, { rate = "1Gbps", delay = "1ms" })
tcp.defaults { time_wait = p.time_wait }
tcp.reqresp { from = client, to = server, port = 80, rate = p.rate,
              request = 100, response = 1000, reuse = false, name = "web" }

record { "reqresp", every = "1s" }
run(p.time)
