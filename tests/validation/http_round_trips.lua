-- HTTP round trips against the protocols' message flows, at RTT R = 20 ms
-- (10 ms each way), 10 Gbps (a 1 KB response serialises in ~1 us), no TLS:
--   a small GET on a new connection: SYN, SYN-ACK (1 R), then the request
--   and its response (1 R)                                  = 2R (RFC 9293 + RFC 9112)
--   a second GET on the kept-alive connection               = 1R (RFC 9112 §9.3)
--   h2c with prior knowledge: the preface, SETTINGS and HEADERS leave with
--   the first request (RFC 9113 §3.3, §3.4): also 2R, then 1R
--   HTTP/1.0, two sequential GETs: a connection each (RFC 1945) = 2R + 2R = 4R
--   server queueing: workers = 1, service time S = 10 ms, N = 5 requests on
--   5 connections arriving together: the k-th answer leaves after k S, so the
--   k-th request takes 2R + k S (hand arithmetic)
--   keep-alive idle timeout 1 s: the server closes the idle connection
--   1 s after its last response (nginx keepalive_timeout)
-- Tolerance 0.1 ms (serialisation and header bytes at 10 Gbps are ~ us).
local R = 20e6
local tol = 0.1e6

local function pair(name)
  local c, s = node(name .. "c"), node(name .. "s")
  link(c, s, { rate = "10Gbps", delay = "10ms" })
  return c, s
end

local function total(r)
  local t = r.blocked_ns + r.send_ns + r.wait_ns + r.receive_ns
  if r.dns_ns > 0 then t = t + r.dns_ns end
  if r.connect_ns > 0 then t = t + r.connect_ns end
  return t
end

local function rows(client)
  return query(string.format("select * from http_requests where client = '%s' order by req_id", client))
end

local function check(what, got, want)
  assert(math.abs(got - want) <= tol, string.format("%s: %.6f ms, expected %.6f ms", what, got / 1e6, want / 1e6))
  print(string.format("ok: %s = %.6f ms (expected %.3f ms)", what, got / 1e6, want / 1e6))
end

-- 1. keep-alive: HTTP/1.1 and h2c, two sequential GETs on one connection
local clients = {}
for _, p in ipairs({ "http/1.1", "h2" }) do
  local tag = p == "h2" and "h2" or "h11"
  local c, s = pair(tag)
  http.server { node = s, resources = { ["/small"] = "1KB" } }
  clients[#clients + 1] = { p = p, name = tag, app = http.client { node = c, name = tag,
    url = "http://" .. s.addr .. "/small", proto = p, concurrency = 1, count = 2 } }
end

-- 2. HTTP/1.0: two sequential GETs, a connection each
local c10, s10 = pair("h10")
http.server { node = s10, resources = { ["/small"] = "1KB" } }
http.client { node = c10, name = "h10", url = "http://" .. s10.addr .. "/small", proto = "http/1.0",
  concurrency = 1, count = 2 }

-- 3. server queueing: one worker, 10 ms each, 5 requests at once
local S = 10e6
local cq, sq = pair("q")
local qsrv = http.server { node = sq, resources = { ["/"] = "1KB" }, workers = 1, service_time = "10ms" }
http.client { node = cq, name = "q", url = "http://" .. sq.addr .. "/", proto = "http/1.1",
  concurrency = 5, count = 5 }

-- 4. keep-alive timeout: the server closes an idle connection after 1 s
local ck, sk = pair("ka")
local ksrv = http.server { node = sk, resources = { ["/"] = "1KB" }, keepalive_timeout = "1s" }
local kcl = http.client { node = ck, name = "ka", url = "http://" .. sk.addr .. "/", concurrency = 1, count = 1 }
local open_at = {}
at("1.030s", function() open_at[1] = kcl:stats().open_connections end)
at("1.050s", function() open_at[2] = kcl:stats().open_connections end)

run("3s")

for _, cl in ipairs(clients) do
  local r = rows(cl.name)
  assert(#r == 2, cl.p .. ": expected 2 requests, got " .. #r)
  assert(r[1].status == 200 and r[2].status == 200 and not r[1].error, cl.p .. ": status")
  assert(r[1].conn_id == r[2].conn_id, cl.p .. ": the second GET should reuse the connection")
  check(cl.p .. " first GET (new connection)", total(r[1]), 2 * R)
  check(cl.p .. " connect phase", r[1].connect_ns, R)
  check(cl.p .. " second GET (kept alive)", total(r[2]), R)
  assert(r[2].connect_ns == -1, cl.p .. ": a reused connection has connect -1 (HAR)")
  if cl.p == "h2" then
    assert(r[1].stream_id == 1 and r[2].stream_id == 3, "h2 stream ids 1 and 3, got " .. tostring(r[1].stream_id) .. ", " .. tostring(r[2].stream_id))
  end
end

local r10 = rows("h10")
assert(#r10 == 2 and r10[1].conn_id ~= r10[2].conn_id, "HTTP/1.0: a connection per request")
local span10 = r10[2].started_ns + total(r10[2]) - r10[1].started_ns
check("HTTP/1.0 two sequential GETs", span10, 4 * R)

local rq = rows("q")
assert(#rq == 5, "queueing: 5 requests")
local lat = {}
for i, r in ipairs(rq) do lat[i] = total(r) end
table.sort(lat)
for k = 1, 5 do check(string.format("queued request %d (2R + %d S)", k, k), lat[k], 2 * R + k * S) end
local qs = qsrv:stats()
assert(qs.max_queued == 4, "queueing: 4 requests should have waited, got " .. qs.max_queued)

-- the GET ends at 2R = 40 ms; the server closes at 1.040 s, its FIN reaches
-- the client 10 ms later
assert(open_at[1] == 1 and open_at[2] == 0,
  string.format("keep-alive timeout: open connections at 1.030 s and 1.050 s: %s, %s (expected 1, 0)",
                tostring(open_at[1]), tostring(open_at[2])))
assert(ksrv:stats().idle_closed == 1, "keep-alive timeout: the server should have closed one idle connection")
print("ok: keep-alive timeout closes the idle connection 1 s after the last response")
