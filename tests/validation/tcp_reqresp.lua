-- Request/response with and without connection reuse.  1 Gbps, 20 ms each
-- way; 100-byte requests, 1000-byte responses, 10 requests 100 ms apart.
-- Segments carry 52 bytes of headers (20 IP + 20 TCP + 12 timestamps); the
-- SYN and SYN-ACK are 60 bytes.  Serialisation at 1 Gbps: 8 ns per byte.
--   new connection each time: SYN + SYN-ACK + request + response
--     = 4 x 20 ms + (60 + 60 + 152 + 1052) x 8 ns = 80.010592 ms
--   reused connection: request + response
--     = 2 x 20 ms + (152 + 1052) x 8 ns            = 40.009632 ms
local function client(name, reuse)
  local c, s = node(name .. "c"), node(name .. "s")
  link(c, s, { rate = "1Gbps", delay = "20ms" })
  return tcp.reqresp { from = c, to = s, request = 100, response = 1000, reuse = reuse,
                       parallel = 1, think = "100ms", count = 10, name = name }
end
local fresh, pooled = client("fresh", false), client("pooled", true)
record { "reqresp" }
run("3s")

local function lat(name)
  return query(string.format("select value from series where metric = 'latency_ns' and entity = '%s' order by t_ns", name))
end
local f, p = lat("fresh"), lat("pooled")
assert(#f == 10 and #p == 10, "expected 10 responses each")
for i = 1, 10 do
  assert(f[i].value == 80010592, string.format("fresh request %d took %d ns", i, f[i].value))
  local want = i == 1 and 80010592 or 40009632
  assert(p[i].value == want, string.format("pooled request %d took %d ns, expected %d", i, p[i].value, want))
end
local ps, fs = pooled:stats(), fresh:stats()
assert(ps.connections == 1 and fs.connections == 10, "pooling should use one connection")
print(string.format("ok: fresh 10 x 80.010592 ms over %d connections; pooled 80.010592 then 9 x 40.009632 ms over %d",
                    fs.connections, ps.connections))
