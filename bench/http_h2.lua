-- Benchmark: HTTP/2 requests per wall second through one connection.
--   time wirelab run bench/http_h2.lua --quiet --out /tmp/h2.db
--   then: requests / the run's wall_s (printed at the end, from the runs table)
-- One h2c client keeps `streams` requests open on one connection (closed
-- loop) to a server answering `size` bodies with no service time, over
-- 10 Gbit/s and 1 ms each way, until `count` requests are done.  Every
-- request writes its http_requests row, as in any run.
local p = params { count = 100000, streams = 100, size = "1KB" }
local c, s = node "c", node "s"
link(c, s, { rate = "10Gbps", delay = "1ms" })
http.server { node = s, default_size = p.size }
local cl = http.client { node = c, url = "http://" .. s.addr .. "/o", proto = "h2",
                         concurrency = p.streams, count = p.count, name = "bench" }
run("1000s")
local st = cl:stats()
assert(st.completed == p.count and st.connections == 1,
  string.format("completed %d of %d on %d connections", st.completed, p.count, st.connections))
print(string.format("h2: %d requests on 1 connection, %d streams open, %.3f simulated s",
  st.completed, p.streams, now() / 1e9))
