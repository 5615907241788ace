-- A browser loads one page: an HTML document, then its objects, over the
-- protocol and connection policy chosen, with the HAR 1.2 phases of every
-- request in http_requests and the page's TTFB and page-load time in pages.
--
--   client --(bw, rtt/2 each way, loss from the server)-- server
--     |
--     +--(1 Gbps, dns_rtt/2)-- ns  (authoritative for example.test)
--
-- The client's stub resolver asks ns for www.example.test (dns = true), so
-- the first request has a DNS phase; dns = false uses the server's address.
--
-- After the run: wirelab har page_load.db (open it in a browser's
-- developer tools or a HAR viewer), wirelab plot page_load.db (the
-- waterfall), wirelab report page_load.db.
--
-- The head-of-line blocking study (docs/models/web.md): page-load time
-- against loss, HTTP/1.1 over 6 connections against HTTP/2 over one:
--   wirelab sweep scenarios/page_load.lua -p proto=h1.1,h2 \
--     -p loss=0,0.005,0.01,0.02,0.04 --reps 10 --jobs 2 --out hol.db
--   wirelab report hol.db
-- Each run's page-load time is the metric page_load_ms (entity = proto),
-- so the report's summary has its mean and 95 % interval per point.
local p = params {
  proto = "h2",       -- h1.0 | h1.1 | h1.1-pipelined | h2
  conns = 6,          -- connections per origin for HTTP/1.x (browsers: 6)
  tls = "none",       -- none | 1.2 | 1.3
  rtt = "50ms",       -- round-trip time between client and server
  bw = "20Mbps",      -- link rate, both directions
  loss = 0.0,         -- packet loss probability, server to client
  objects = 30,       -- objects on the page
  size = "10KB",      -- object size (dist = fixed), mean (exp) or median (lognormal)
  dist = "fixed",     -- fixed | exp | lognormal: how object sizes are drawn
  sigma = 1.0,        -- lognormal: standard deviation of the size's logarithm
  html = "14KB",      -- the HTML's size
  waves = 1,          -- objects discovered in this many waves
  dns = true,         -- look the server's name up (false: its address in the URL)
  dns_rtt = "10ms",   -- round-trip time between client and name server
  time = "120s",      -- the page must load within this
}

local tls = p.tls
if tls == "none" or tls == "false" then tls = false
elseif tls ~= "1.2" and tls ~= "1.3" then
  error(string.format("tls: expected none, 1.2 or 1.3, got '%s'", tostring(p.tls)), 0)
end
local sizes = ({ fixed = p.size, exp = "exp:" .. p.size,
  lognormal = string.format("lognormal:%s,%g", p.size, p.sigma) })[p.dist]
if not sizes then error(string.format("dist: expected fixed, exp or lognormal, got '%s'", p.dist), 0) end
local half = units.duration(units.ns(p.rtt) // 2)

local client, server = node "client", node "server"
local l = link(client, server, { rate = p.bw, delay = half, queue = fifo { limit = 1000 } })
if p.loss > 0 then l:set_loss(p.loss, server) end

local host = server.addr
if p.dns then
  local ns = node "ns"
  link(client, ns, { rate = "1Gbps", delay = units.duration(units.ns(p.dns_rtt) // 2) })
  local zone = dns.zone {
    origin = "example.test",
    soa = { mname = "ns", rname = "hostmaster", serial = 1, minimum = "60s" },
    records = { { "@", "NS", "ns" }, { "ns", "A", ns.addr }, { "www", "A", server.addr, ttl = "300s" } },
  }
  dns.server { node = ns, zones = { zone } }
  dns.stub { node = client, nameservers = { ns } }
  host = "www.example.test"
end

local srv = web.server { on = server, tls = tls }
local loaded
web.page {
  from = client, server = srv, url = "http://" .. host .. "/",
  proto = p.proto, conns = p.conns, tls = tls, html = p.html,
  objects = { n = p.objects, size = sizes }, waves = p.waves,
  on_done = function(page)
    loaded = page
    if page.onload_ns then
      metric("page_load_ms", p.proto, page.onload_ns / 1e6)
      metric("page_ttfb_ms", p.proto, page.ttfb_ns / 1e6)
    end
  end,
}
run(p.time)
if not loaded then error("the page did not load within " .. p.time, 0) end
print(string.format("%s, %d objects: TTFB %.1f ms, page load %.1f ms, %d requests, %d bytes%s",
  p.proto, p.objects, (loaded.ttfb_ns or -1) / 1e6, (loaded.onload_ns or -1) / 1e6,
  loaded.requests, loaded.bytes, loaded.error and (", error: " .. loaded.error) or ""))
