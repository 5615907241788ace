-- Server queueing against M/M/1 (Kleinrock, Queueing Systems vol. 1, §3.2):
-- Poisson arrivals at lambda = 50/s, one worker, exponential service times
-- with mean S = 10 ms, so rho = 0.5 and the time in the system (waiting +
-- service) is exponential with mean S / (1 - rho) = 20 ms; its p99 is
-- ln(100) x 20 ms = 92.10 ms.  The client speaks h2 over one connection
-- (no client-side queueing) at RTT 1 ms and 10 Gbps, so a request's latency
-- is 1 ms plus its time in the server.  30 000 requests (600 s):
-- mean 21 ms +- 4 %, p99 93.1 ms +- 8 % (sampling error of correlated
-- waits; a wrong queue discipline or worker count misses by far more).
local c, s = node "c", node "s"
link(c, s, { rate = "10Gbps", delay = "0.5ms" })
local srv = http.server { node = s, default_size = "100B", workers = 1, service_time = "exp:10ms" }
http.client { node = c, name = "load", url = "http://" .. s.addr .. "/", proto = "h2", rate = 50,
              count = 30000 }
record { "latency_ns" }
run("700s")
local v = {}
for _, r in ipairs(query("select value from series where metric = 'latency_ns' and entity = 'load' order by value")) do
  v[#v + 1] = r.value
end
assert(#v == 30000, "expected 30000 answers, got " .. #v)
local sum = 0
for _, x in ipairs(v) do sum = sum + x end
local mean, p99 = sum / #v / 1e6, v[math.ceil(0.99 * #v)] / 1e6
assert(math.abs(mean - 21) <= 0.04 * 21, string.format("mean latency %.3f ms, expected 21 ms (M/M/1)", mean))
assert(math.abs(p99 - 93.1) <= 0.08 * 93.1, string.format("p99 latency %.3f ms, expected 93.1 ms (M/M/1)", p99))
assert(srv:stats().max_queued > 5, "requests should have queued")
print(string.format("ok: M/M/1 at rho 0.5: mean %.3f ms (expected 21), p99 %.3f ms (expected 93.1), %d requests",
  mean, p99, #v))
