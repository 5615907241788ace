-- HTTP over TLS against the handshakes' message flows (RFC 8446 §2, RFC
-- 5246 §7.3), at RTT R = 20 ms, 10 Gbps, a 1 KB response, no signing time:
--   TLS 1.3: TCP (1 R) + ClientHello/ServerHello..Finished (1 R), the request
--   rides with the client's Finished (1 R)                  = 3R, ssl = 1R
--   TLS 1.2: TCP (1 R) + two handshake round trips (2 R) + the request (1 R)
--                                                            = 4R, ssl = 2R
--   the second GET on the kept-alive connection              = 1R
-- for HTTP/1.1 and for h2 (ALPN "h2", RFC 7301), whose connection must say
-- h2 in the rows.  Tolerance 0.1 ms.
local R, tol = 20e6, 0.1e6
local cases = {}
for _, v in ipairs({ "1.3", "1.2" }) do
  for _, p in ipairs({ "http/1.1", "h2" }) do
    local tag = (v == "1.3" and "t13" or "t12") .. (p == "h2" and "h2" or "h1")
    local c, s = node(tag .. "c"), node(tag .. "s")
    link(c, s, { rate = "10Gbps", delay = "10ms" })
    http.server { node = s, tls = { version = v, sign_time = "0s" }, default_size = "1KB" }
    http.client { node = c, name = tag, url = "https://" .. s.addr .. "/", proto = p, concurrency = 1,
                  count = 2, tls = { version = v } }
    cases[#cases + 1] = { tag = tag, p = p, rounds = v == "1.3" and 3 or 4, ssl = v == "1.3" and 1 or 2 }
  end
end
run("2s")
local function check(what, got, want)
  assert(math.abs(got - want) <= tol, string.format("%s: %.6f ms, expected %.3f ms", what, got / 1e6, want / 1e6))
  print(string.format("ok: %s = %.6f ms (expected %.3f ms)", what, got / 1e6, want / 1e6))
end
for _, cs in ipairs(cases) do
  local r = query(string.format([[select proto, conn_id, status, connect_ns, ssl_ns, blocked_ns + max(dns_ns, 0)
      + max(connect_ns, 0) + send_ns + wait_ns + receive_ns as t from http_requests where client = '%s'
      order by req_id]], cs.tag))
  assert(#r == 2 and r[1].status == 200 and r[2].status == 200, cs.tag .. ": two answers expected")
  assert(r[1].proto == cs.p and r[1].conn_id == r[2].conn_id, cs.tag .. ": protocol " .. r[1].proto .. ", one connection")
  check(cs.tag .. " first GET", r[1].t, cs.rounds * R)
  check(cs.tag .. " ssl phase", r[1].ssl_ns, cs.ssl * R)
  check(cs.tag .. " connect phase (includes ssl)", r[1].connect_ns, (1 + cs.ssl) * R)
  check(cs.tag .. " second GET", r[2].t, R)
  assert(r[2].ssl_ns == -1 and r[2].connect_ns == -1, cs.tag .. ": reused: connect and ssl -1")
end

-- TLS 1.3 0-RTT (RFC 8446 §2.3): a second client on the same node holds the
-- first connection's ticket, and its request leaves as early data with the
-- ClientHello: TCP (1 R) + request/response (1 R) = 2R.  A server that does
-- not accept early data answers after the handshake: 3R.
local R2 = {}
for _, acc in ipairs({ true, false }) do
  local tag = acc and "z" or "zr"
  local c, s = node(tag .. "c"), node(tag .. "s")
  link(c, s, { rate = "10Gbps", delay = "10ms" })
  http.server { node = s, tls = { early_data = acc, sign_time = "0s" }, default_size = "1KB" }
  http.client { node = c, name = tag .. "1", url = "https://" .. s.addr .. "/", proto = "h2", count = 1,
                tls = { early_data = true } }
  http.client { node = c, name = tag .. "2", url = "https://" .. s.addr .. "/", proto = "h2", count = 1,
                tls = { early_data = true }, start = "3s" }
end
run("5s")
for _, cs in ipairs({ { "z2", 2 }, { "zr2", 3 } }) do
  local r = query(string.format([[select status, blocked_ns + max(dns_ns, 0) + max(connect_ns, 0) + send_ns
      + wait_ns + receive_ns as t from http_requests where client = '%s']], cs[1]))[1]
  assert(r and r.status == 200, cs[1] .. ": no answer")
  check(cs[1] .. (cs[2] == 2 and " 0-RTT GET" or " 0-RTT refused by the server"), r.t, cs[2] * R)
end
