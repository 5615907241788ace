-- Page-load time in round trips: one HTML of 1 KB and N = 30 small
-- objects (100 B: the 30 responses with their headers, 8 KB over HTTP/1.1,
-- fit in TCP's initial window of 10 segments, RFC 6928, so no slow-start
-- round is added) at
-- RTT R = 50 ms, 1 Gbit/s, no loss, no TLS (but for the last two), the server addressed by its
-- IP address (no DNS lookup: the count starts at the TCP handshake).
-- Round trips from the protocols' message flows:
--   TCP handshake (RFC 9293 §3.5)                          R
--   the HTML: request out, response back                   R
--   the objects, by protocol:
--     HTTP/1.1, one connection, one request at a time
--       (RFC 9112 §9.3: persistent, a response per request)  N R      -> (2 + N) R = 32 R
--     HTTP/1.1 pipelined on one connection (RFC 9112 §9.3.2) R        -> 3 R
--     HTTP/1.1 over 6 connections (the HTML's and 5 new:
--       their handshakes R, then ceil(N/6) rounds)           R + 5 R  -> 3 R + ceil(N/6) R = 8 R
--     HTTP/2 streams on the HTML's connection (RFC 9113 §5)  R        -> 3 R
-- and the HTML's first byte (TTFB) at 2 R for all four.
-- Tolerance: the page cannot load before n R (light does not go faster),
-- and the rest is transmission: 31 responses of at most 1.2 KB and their
-- requests at 1 Gbit/s are 0.1 ms in all, and over TLS the server's
-- signing time (ECDSA P-256 by default, under 0.3 ms: docs/models/tls.md)
-- and the records' overhead, so n R <= measured <= n R + 2 ms
-- (2 ms = 4 % of R: a lost round trip, a delayed ACK of 40 ms or Nagle
-- holding a request would each break it).
local R_ms = 50
local N = 30
local cases = {
  { proto = "h1.1", conns = 1, rtts = 2 + N },
  { proto = "h1.1-pipelined", conns = 1, rtts = 3 },
  { proto = "h1.1", conns = 6, rtts = 3 + math.ceil(N / 6) },
  { proto = "h2", conns = 1, rtts = 3 },
  -- over TLS, HTTP/1.1 on one connection: the handshake adds 1 R (TLS 1.3,
  -- RFC 8446 §2) or 2 R (TLS 1.2, RFC 5246 §7.3) before the HTML
  { proto = "h1.1", conns = 1, tls = "1.3", rtts = 3 + N, ttfb = 3 },
  { proto = "h1.1", conns = 1, tls = "1.2", rtts = 4 + N, ttfb = 4 },
}
local objects = {}
for i = 1, N do objects[i] = "100B" end
local got = {}
for i, c in ipairs(cases) do
  -- a client and a server of its own per case: nothing shared
  local cl, sv = node("c" .. i), node("s" .. i)
  link(cl, sv, { rate = "1Gbps", delay = (R_ms // 2) .. "ms" })
  local srv = web.server { on = sv, tls = c.tls or false }
  web.page {
    from = cl, server = srv, url = "http://" .. sv.addr .. "/", proto = c.proto, conns = c.conns,
    tls = c.tls or false, html = "1KB", objects = objects,
    name = c.proto .. "x" .. c.conns .. (c.tls and ("-tls" .. c.tls) or ""),
    on_done = function(page) got[i] = page end,
  }
end
run("10s")
local failed = false
for i, c in ipairs(cases) do
  local page = got[i]
  assert(page, c.proto .. ": the page did not load")
  assert(not page.error, c.proto .. ": " .. tostring(page.error))
  assert(page.requests == N + 1, string.format("%s: %d requests, expected %d", c.proto, page.requests, N + 1))
  local load_ms, ttfb_ms = page.onload_ns / 1e6, page.ttfb_ns / 1e6
  local want = c.rtts * R_ms
  local ttfb = (c.ttfb or 2) * R_ms
  local ok = load_ms >= want and load_ms <= want + 2 and ttfb_ms >= ttfb and ttfb_ms <= ttfb + 2
  print(string.format("%s %-15s x%d%s: page load %.3f ms (expected %d R = %d ms, +2 ms), TTFB %.3f ms (%d R = %d ms)",
    ok and "ok:  " or "FAIL:", c.proto, c.conns, c.tls and (" TLS " .. c.tls) or "", load_ms, c.rtts, want,
    ttfb_ms, c.ttfb or 2, ttfb))
  failed = failed or not ok
end
-- the pages table agrees with what on_done saw
for i, c in ipairs(cases) do
  local rows = query(string.format("select onload_ns, ttfb_ns, requests from pages where page_id = %d", got[i].id))
  assert(#rows == 1 and rows[1].onload_ns == got[i].onload_ns and rows[1].requests == N + 1,
    c.proto .. ": the pages row differs from on_done's")
  local reqs = query(string.format("select count(*) as n from http_requests where page_id = %d", got[i].id))
  assert(reqs[1].n == N + 1, c.proto .. ": http_requests rows")
end
assert(not failed, "page-load times off their round-trip counts")
