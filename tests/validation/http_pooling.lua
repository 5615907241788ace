-- Connection policies against round-trip counting (RTT R = 20 ms, 10 Gbps,
-- 1 KB objects, no TLS), N requests issued together at t = 0:
--   HTTP/1.1, one connection, no pipelining: the k-th response needs the
--   handshake (1 R) and k request/response exchanges      = (1 + k) R
--   HTTP/1.1 pipelined on one connection: all N requests leave together once
--   the connection is up (RFC 9112 §9.3.2)                = 2R for every k
--   HTTP/1.1 with 6 connections (the per-origin limit): requests 1-6 at 2R,
--   7-12 at 3R (each connection carries a second one)
--   h2 on one connection: every request a stream          = 2R for every k
-- Tolerance 0.1 ms.
local R, tol = 20e6, 0.1e6
local N = 12
local cases = {
  { name = "seq", proto = "http/1.1", max_conns = 1, want = function(k) return (1 + k) * R end },
  { name = "pipe", proto = "http/1.1-pipelined", max_conns = 1, want = function(k) return 2 * R end },
  { name = "six", proto = "http/1.1", max_conns = 6, want = function(k) return (k <= 6 and 2 or 3) * R end },
  { name = "h2", proto = "h2", max_conns = 6, want = function(k) return 2 * R end },
}
for _, cs in ipairs(cases) do
  local c, s = node(cs.name .. "c"), node(cs.name .. "s")
  link(c, s, { rate = "10Gbps", delay = "10ms" })
  http.server { node = s, default_size = "1KB" }
  cs.app = http.client { node = c, name = cs.name, url = "http://" .. s.addr .. "/o", proto = cs.proto,
                         max_conns = cs.max_conns, concurrency = N, count = N }
end
run("2s")
for _, cs in ipairs(cases) do
  local rows = query(string.format([[select blocked_ns + max(dns_ns, 0) + max(connect_ns, 0) + send_ns + wait_ns
      + receive_ns as t, conn_id from http_requests where client = '%s' and status = 200 order by t]], cs.name))
  assert(#rows == N, cs.name .. ": expected " .. N .. " answers, got " .. #rows)
  local conns = {}
  for k, r in ipairs(rows) do
    local want = cs.want(k)
    assert(math.abs(r.t - want) <= tol, string.format("%s: request %d took %.6f ms, expected %.3f ms",
      cs.name, k, r.t / 1e6, want / 1e6))
    conns[r.conn_id] = true
  end
  local nc = 0
  for _ in pairs(conns) do nc = nc + 1 end
  local want_conns = cs.name == "six" and 6 or 1
  assert(nc == want_conns, string.format("%s: %d connections, expected %d", cs.name, nc, want_conns))
  print(string.format("ok: %s: %d requests on %d connection(s), the last at %.6f ms", cs.name, N, nc, rows[N].t / 1e6))
end
