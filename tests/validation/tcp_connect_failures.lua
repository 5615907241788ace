-- Failed connects as series beside requests_per_s (tcp.reqresp), one of
-- each kind, each from its own client, and their counts.
--   refused: the client has no server of its own (server = false) and
--     nothing listens on port 9 of its peer: the peer answers the SYN with a
--     reset (RFC 9293 §3.10.7.1), ECONNREFUSED after one RTT (2 ms).
--   timed out: the peer is behind a link that drops every packet; with
--     syn_retries = 2 the SYN goes at 0, 1 s and 3 s (the RTO starts at 1 s
--     and doubles, RFC 6298 §2.1, §5.5) and the connect gives up when the
--     third RTO expires, at 1 + 2 + 4 = 7 s (Linux tcp_syn_retries), with
--     ETIMEDOUT.
--   no local port: one client, closed loop, new connection per request; it
--     closes first, so each connection's port stays in TIME_WAIT (made 600 s
--     here so none comes back during the test).  Linux's ephemeral range
--     32768-60999 holds 28 232 ports (ip_local_port_range), so of 28 233
--     requests the last finds no port: EADDRNOTAVAIL, and the client, with
--     no think time, gives up.
-- Each series is failures per second over its sampling interval (100 ms),
-- so the sum of value x 0.1 s over a run is the number of failures: 1 each.
local function pair(name, linkopts)
  local c, s = node(name .. "c"), node(name .. "s")
  linkopts.rate = "1Gbps"
  link(c, s, linkopts)
  return c, s
end
local c1, s1 = pair("refused", { delay = "1ms" })
local refused = tcp.reqresp { from = c1, to = s1, server = false, port = 9, parallel = 1, count = 1, name = "refused" }
local c2, s2 = pair("blackhole", { delay = "1ms", loss = { p = 1 } })
local timedout = tcp.reqresp { from = c2, to = s2, parallel = 1, count = 1, syn_retries = 2, name = "blackhole" }
local c3, s3 = pair("busy", { delay = "10us" })
local noport = tcp.reqresp { from = c3, to = s3, parallel = 1, count = 28233, time_wait = "600s", name = "busy" }
record { "reqresp", every = "100ms" }
run("10s")

local kinds = { connect_refused_per_s = "refused", connect_timed_out_per_s = "blackhole",
                connect_addr_not_avail_per_s = "busy" }
for _, metric in ipairs { "connect_refused_per_s", "connect_timed_out_per_s", "connect_addr_not_avail_per_s" } do
  for _, app in ipairs { "refused", "blackhole", "busy" } do
    local rows = query(string.format(
      "select t_ns, value from series where metric = '%s' and entity = '%s' and value > 0 order by t_ns", metric, app))
    local total = 0
    for _, r in ipairs(rows) do total = total + r.value * 0.1 end
    local want = kinds[metric] == app and 1 or 0
    assert(math.abs(total - want) < 1e-9, string.format("%s of %s: %g failures, expected %d", metric, app, total, want))
    if want == 1 then
      print(string.format("%-30s %-9s 1 failure in the interval ending %.1f s", metric, app, rows[1].t_ns / 1e9))
      if app == "refused" then assert(rows[1].t_ns == 100000000, "refused within the first 100 ms") end
      -- at 7 s exactly: the sample at 7 s may run before or after it
      if app == "blackhole" then
        assert(rows[1].t_ns == 7000000000 or rows[1].t_ns == 7100000000, "timed out at 7 s")
      end
    end
  end
end
local r, t, b = refused:stats(), timedout:stats(), noport:stats()
assert(r.connect_refused == 1 and r.connect_timed_out == 0 and r.connect_addr_not_avail == 0 and r.failed == 1, "refused counts")
assert(t.connect_refused == 0 and t.connect_timed_out == 1 and t.connect_addr_not_avail == 0 and t.failed == 1, "timed-out counts")
assert(b.connect_refused == 0 and b.connect_timed_out == 0 and b.connect_addr_not_avail == 1 and b.failed == 1, "no-port counts")
assert(b.completed == 28232 and b.connections == 28233, string.format("busy: %d completed over %d connects", b.completed, b.connections))
print(string.format("ok: refused 1, timed out 1, no local port 1 (after %d requests)", b.completed))
