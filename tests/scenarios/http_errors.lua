-- Failures reach every request as an error in its row, at the time the
-- protocols deliver them (RTT 2 ms):
--   connection refused (RST to the SYN): h2 requests all wait for the one
--   connection and all fail after 1 RTT; HTTP/1.1 requests (5 at once,
--   6 connections allowed) each have their own connect and fail after 1 RTT;
--   a name with no resolver configured fails at once ("dns.stub");
--   a name whose nameserver's port is unreachable fails after glibc's
--   2 attempts x 1 round trip each (ICMP port unreachable ends a try early).
local c, s = node "c", node "s"
link(c, s, { rate = "100Mbps", delay = "1ms" })
http.client { node = c, name = "h2", url = "http://" .. s.addr .. "/", proto = "h2", concurrency = 5, count = 5 }
http.client { node = c, name = "h1", url = "http://" .. s.addr .. "/", proto = "http/1.1", concurrency = 5, count = 5 }
local c2 = node "c2"
link(c2, s, { rate = "100Mbps", delay = "1ms" })
http.client { node = c2, name = "nores", url = "http://www.example.test/", count = 1 }
local c3 = node "c3"
link(c3, s, { rate = "100Mbps", delay = "1ms" })
dns.stub { node = c3, nameservers = { s } }
http.client { node = c3, name = "unreach", url = "http://www.example.test/", count = 1 }
run("30s")
local function rows(name)
  return query(string.format([[select status, error, blocked_ns + max(dns_ns, 0) + max(connect_ns, 0) + send_ns
      + wait_ns + receive_ns as t, dns_ns from http_requests where client = '%s']], name))
end
for _, name in ipairs({ "h2", "h1" }) do
  local r = rows(name)
  assert(#r == 5, name .. ": 5 rows expected, got " .. #r)
  for _, x in ipairs(r) do
    assert(x.status == 0 and x.error == "connect: connection refused", name .. ": got " .. tostring(x.error))
    assert(math.abs(x.t - 2e6) < 0.1e6, string.format("%s: failed after %.3f ms, expected 2 ms", name, x.t / 1e6))
  end
  print("ok: " .. name .. ": 5 requests fail with 'connect: connection refused' after 1 RTT")
end
local r = rows("nores")[1]
assert(r.error == "dns: the node has no resolver (dns.stub)" and r.t == 0, "no resolver: " .. tostring(r.error))
print("ok: no resolver: " .. r.error)
r = rows("unreach")[1]
assert(r.error == "dns: UNREACHABLE", "unreachable nameserver: " .. tostring(r.error))
assert(math.abs(r.dns_ns - 4e6) < 0.1e6, string.format("unreachable nameserver: %.3f ms, expected 2 x 2 ms", r.dns_ns / 1e6))
print(string.format("ok: unreachable nameserver: %s after %.3f ms in the dns phase", r.error, r.dns_ns / 1e6))
