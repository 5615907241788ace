-- scenarios/dns_trace.lua tells its story in its dns_lookups rows, with
-- a 600 s TTL on www and 60 s on api, deploy at 120 s, polls every 60 s:
-- www was cached at 1.16 s (cold lookup: 10 + 30 + 50 + 70 ms), so it
-- expires at 601.16 s: the polls up to 600 s get the old address and the
-- one at 660 s the new (540 s after the deploy); api (re-cached at 65.08 s,
-- TTL 60 s) switches at the first poll, 180 s.
include("scenarios/dns_trace.lua", { long_ttl = "600s", time = "900s" })

local function rows(sql) return query(sql) end
local r = rows("select * from dns_lookups where resolver = 'recursive' and name = 'www.example.test' order by t_ns")
assert(r[1].cache == "miss" and r[1].upstream == 3, "cold: 3 upstream queries")
assert(r[2].cache == "hit" and r[2].upstream == 0, "warm: a hit")
local nx = rows("select * from dns_lookups where resolver = 'recursive' and name = 'nosuch.example.test' order by t_ns")
assert(#nx == 2 and nx[1].rcode == "NXDOMAIN" and nx[1].cache == "miss" and nx[2].cache == "negative",
       "NXDOMAIN, then from the negative cache")
local api = rows("select * from dns_lookups where resolver = 'recursive' and name = 'api.example.test' order by t_ns")
assert(api[2].cache == "miss" and api[2].upstream == 1, "api after its TTL: exactly one upstream query")
local function first_new(name)
  local x = rows("select min(t_ns) as t from dns_lookups where resolver = 'stub' and name = '" .. name ..
                 "' and answers = '10.0.0.9'")
  return x[1].t
end
local last_old = rows("select max(t_ns) as t from dns_lookups where resolver = 'stub' and " ..
                      "name = 'www.example.test' and answers = '10.0.0.5'")[1].t
assert(last_old > 600e9 and last_old < 601e9, "www's old address served until 600 s, got " .. last_old)
local w, a = first_new("www.example.test"), first_new("api.example.test")
assert(w > 660e9 and w < 661e9, "www switches at the 660 s poll, got " .. tostring(w))
assert(a > 180e9 and a < 181e9, "api switches at the 180 s poll, got " .. tostring(a))
print(string.format("ok: www switched at %.3f s (TTL 600 s from 1.16 s), api at %.3f s", w / 1e9, a / 1e9))
