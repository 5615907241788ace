-- Benchmark: page loads per wall second.  `clients` browsers, each on its
-- own 100 Mbit/s access link (10 ms) to a router, load the 31-object page
-- (a 14 KB HTML and 30 objects of 10 KB) from one server behind a
-- 10 Gbit/s link (1 ms), starting evenly over the first second, over
-- HTTP/1.1 with 6 connections or HTTP/2 (-p proto=h1.1|h2).  Run by
-- bench/web_pages.sh, which divides the pages loaded by the run's wall
-- time (runs.wall_s).
local p = params { proto = "h2", clients = 1000, time = "30s" }
local r, sv = router "r", node "server"
link(r, sv, { rate = "10Gbps", delay = "1ms", queue = fifo { limit = 100000 } })
local srv = web.server { on = sv, workers = 1000000 }
local objects = {}
for i = 1, 30 do objects[i] = "10KB" end
local loaded = 0
for i = 1, p.clients do
  local c = node("c" .. i)
  link(c, r, { rate = "100Mbps", delay = "10ms" })
  web.page {
    from = c, server = srv, url = "http://" .. sv.addr .. "/", proto = p.proto, conns = 6,
    html = "14KB", objects = objects, at = units.duration((i - 1) * 1000000000 // p.clients),
    on_done = function(page) if page.onload_ns and not page.error then loaded = loaded + 1 end end,
  }
end
run(p.time)
metric("pages_loaded", p.proto, loaded)
print(string.format("%s: %d of %d pages loaded", p.proto, loaded, p.clients))
