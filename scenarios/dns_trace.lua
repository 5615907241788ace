-- Trace a DNS lookup, and why a deploy "failed for 30 minutes" after a DNS
-- change (issue 9).  A client asks a recursive resolver; the resolver
-- iterates from the root (RFC 1034 §5.3.3) like `dig +trace`:
--
--   client --rtt_client-- resolver --rtt_root-- root     (zone .)
--                                   --rtt_tld--- tld      (zone test)
--                                   --rtt_auth-- ns       (zone example.test)
--
-- The client looks www.example.test up cold (one round trip to each of the
-- three servers), warm (from the resolver's cache), then a name that does
-- not exist, twice (NXDOMAIN, the second from the negative cache, kept
-- min(SOA TTL, MINIMUM), RFC 2308), then
-- api.example.test, and api again after its TTL ran out (one query
-- upstream).  At deploy_at both names move to a new address; www has a
-- long TTL (long_ttl, 30 minutes) and api a short one (short_ttl), so the
-- client, polling every `poll`, keeps getting www's old address until the
-- TTL it was cached with runs out.  Every lookup is a dns_lookups row:
--
--   select t_ns/1e9, node, resolver, name, rcode, cache, latency_ns/1e6, upstream, answers
--   from dns_lookups order by t_ns;
local p = params {
  rtt_client = "10ms",
  rtt_root = "30ms",
  rtt_tld = "50ms",
  rtt_auth = "70ms",
  rate = "100Mbps",
  long_ttl = "1800s",   -- www: 30 minutes, a common choice for "stable" records
  short_ttl = "60s",    -- api
  neg_ttl = "300s",     -- the SOA's MINIMUM: how long NXDOMAIN is cached
  deploy_at = "120s",
  poll = "60s",
  time = "2400s",
  serve_stale = false,
}
local half = function(d) return units.duration(units.ns(d) // 2) end

local client, resolver = node "client", node "resolver"
local root, tld, ns = node "root", node "tld", node "ns"
link(client, resolver, { rate = p.rate, delay = half(p.rtt_client) })
link(resolver, root, { rate = p.rate, delay = half(p.rtt_root) })
link(resolver, tld, { rate = p.rate, delay = half(p.rtt_tld) })
link(resolver, ns, { rate = p.rate, delay = half(p.rtt_auth) })

local function soa(mname)
  return { mname = mname, rname = "hostmaster", serial = 1, refresh = "24h", retry = "2h",
           expire = "1000h", minimum = p.neg_ttl, ttl = "1h" }
end
local OLD, NEW = "10.0.0.5", "10.0.0.9"
local zroot = dns.zone { origin = ".", soa = soa("a.root-servers.test."), records = {
  { "@", "NS", "a.root-servers.test." }, { "a.root-servers.test.", "A", root.addr },
  { "test.", "NS", "ns.test.", ttl = "48h" }, { "ns.test.", "A", tld.addr, ttl = "48h" },
} }
local ztld = dns.zone { origin = "test", soa = soa("ns"), records = {
  { "@", "NS", "ns" }, { "ns", "A", tld.addr },
  { "example", "NS", "ns.example", ttl = "24h" }, { "ns.example", "A", ns.addr, ttl = "24h" },
} }
local zone = dns.zone { origin = "example.test", soa = soa("ns"), records = {
  { "@", "NS", "ns" }, { "ns", "A", ns.addr },
  { "www", "A", OLD, ttl = p.long_ttl },
  { "api", "A", OLD, ttl = p.short_ttl },
} }
dns.server { node = root, zones = { zroot } }
dns.server { node = tld, zones = { ztld } }
dns.server { node = ns, zones = { zone } }
local res = dns.resolver { node = resolver, roots = { root }, serve_stale = p.serve_stale }
dns.stub { node = client, nameservers = { resolver } }

local log = {}
local function ask(t, name, why)
  at(t, function()
    dns.lookup(client, name, function(ans)
      log[#log + 1] = { t = ans.started, name = name, why = why, ans = ans }
    end)
  end)
end
local short = units.ns(p.short_ttl)
ask("1s", "www.example.test", "cold")
ask("2s", "www.example.test", "warm")
ask("3s", "nosuch.example.test", "no such name")
ask("3.5s", "nosuch.example.test", "again")
ask("4s", "api.example.test", "first")
ask(4e9 + short + 1e9, "api.example.test", "after its TTL")
at(p.deploy_at, function()
  zone:set("www", "A", NEW, p.long_ttl)
  zone:set("api", "A", NEW, p.short_ttl)
  event("deploy", "www and api -> " .. NEW)
end)
local step = units.ns(p.poll)
local t = units.ns(p.deploy_at) + step
while t < units.ns(p.time) do
  ask(t, "www.example.test", "poll")
  ask(t, "api.example.test", "poll")
  t = t + step
end
run(p.time)

-- the story, from the resolver's rows (cache status, upstream queries)
local rows = query("select t_ns, name, cache, upstream from dns_lookups where resolver = 'recursive' order by t_ns")
local function resrow(name, t0)
  for _, r in ipairs(rows) do
    if r.name == name and r.t_ns >= t0 then return r end
  end
end
print(string.format("%-9s %-22s %-14s %-9s %-8s %9s %4s  %s", "t (s)", "name", "why", "rcode",
                    "cache", "latency", "up", "answer"))
local switched = {}
for _, e in ipairs(log) do
  local r = resrow(e.name, e.t) or { cache = "?", upstream = 0 }
  local a = e.ans.addrs[1] or "-"
  if e.why ~= "poll" or (a == NEW and not switched[e.name]) then
    print(string.format("%-9.3f %-22s %-14s %-9s %-8s %6.1f ms %4d  %s", e.t / 1e9, e.name, e.why, e.ans.rcode,
                        r.cache, e.ans.latency / 1e6, r.upstream, a))
  end
  if e.why == "poll" and a == NEW and not switched[e.name] then switched[e.name] = e.t end
end
local dep = units.ns(p.deploy_at)
for _, n in ipairs { "api.example.test", "www.example.test" } do
  if switched[n] then
    print(string.format("%s: the new address reached the client %.0f s after the deploy", n,
                        (switched[n] - dep) / 1e9))
  else
    print(string.format("%s: the client still had the old address at the end", n))
  end
end
local st = res:stats()
print(string.format("resolver: %d requests, %d hits, %d misses, %d negative, %d queries upstream",
                    st.requests, st.hits, st.misses, st.negative, st.upstream_udp + st.upstream_tcp))
