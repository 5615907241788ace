-- Unbound's infrastructure cache at work (util/rtt.c, iterator/iter_utils.c):
-- example.test has two name servers, ns1 (RTT 70 ms from the resolver) and
-- ns2, whose address answers nothing (a black hole).  50 names are looked
-- up, one every 2 s, so no two overlap (the slowest takes 10 + 376 + 752 +
-- 70 ms; overlapping lookups may each wait out the same RTO before either
-- backs it off, as rtt_lost's comment says).  By Unbound's rules:
--   * an unknown server's selection RTT is 376 ms (srtt 0 + 4 x 94); both
--     start inside the 400 ms band, so ns2 may be picked (at random);
--   * a timeout doubles the RTO the query used: 376 -> 752 ms, still within
--     400 ms of ns1's ~360 ms after one sample, so ns2 may be picked once
--     more; after a second timeout its 1504 ms is out of the band and it is
--     not asked again (until infra-host-ttl, 900 s);
--   * so ns2 gets at most 2 queries, every lookup succeeds, and the only
--     extra delay is those timeouts: 376 ms and 752 ms at most.
local c, r, root, ns1 = node "c", node "r", node "root", node "ns1"
link(c, r, { rate = "1Gbps", delay = "5ms" })
link(r, root, { rate = "1Gbps", delay = "15ms" })
link(r, ns1, { rate = "1Gbps", delay = "35ms" })
local DEAD = "10.250.0.1"
local soa = { mname = "ns1.example.test.", rname = "h", serial = 1, refresh = "1h", retry = "1h",
              expire = "1h", minimum = "60s", ttl = "1h" }
local zroot = dns.zone { origin = ".", soa = soa, records = {
  { "@", "NS", "a.root." }, { "a.root.", "A", root.addr },
  { "example.test.", "NS", { "ns1.example.test.", "ns2.example.test." } },
  { "ns1.example.test.", "A", ns1.addr }, { "ns2.example.test.", "A", DEAD },
} }
local recs = { { "@", "NS", { "ns1", "ns2" } }, { "ns1", "A", ns1.addr }, { "ns2", "A", DEAD } }
for i = 1, 50 do recs[#recs + 1] = { "n" .. i, "A", "10.0.0." .. i } end
local zex = dns.zone { origin = "example.test", soa = soa, records = recs }
dns.server { node = root, zones = { zroot } }
dns.server { node = ns1, zones = { zex } }
local res = dns.resolver { node = r, roots = { root } }
dns.stub { node = c, nameservers = { r } }
local lat = {}
for i = 1, 50 do
  at((2 * i) .. "s", function()
    dns.lookup(c, "n" .. i .. ".example.test", function(ans)
      assert(ans.rcode == "NOERROR" and ans.addrs[1] == "10.0.0." .. i, "n" .. i .. ": " .. ans.rcode)
      lat[i] = ans.latency / 1e6
    end)
  end)
end
run "110s"
local st = res:stats()
-- every timeout is one to ns2: count them and the extra latency
local extra, slow = 0, 0
for i = 1, 50 do
  local base = i == 1 and 10 + 30 + 70 or 10 + 70 -- the first also asks the root
  local d = lat[i] - base
  assert(d > -1, "n" .. i .. " faster than possible: " .. lat[i])
  if d > 1 then
    slow = slow + 1
    extra = extra + d
    assert(math.abs(d - 376) < 1 or math.abs(d - 752) < 1 or math.abs(d - 1128) < 1,
           string.format("n%d: %.3f ms extra, expected 376, 752 or 376 + 752", i, d))
  end
end
print(string.format("ok: %d timeouts to the dead server, %d slow lookups, %.0f ms extra in all", st.timeouts,
                    slow, extra))
assert(st.timeouts <= 2, "the dead server is abandoned after at most 2 timeouts, got " .. st.timeouts)
assert(st.servfail == 0)
local rows = query("select count(*) as n from dns_lookups where resolver = 'recursive' and rcode = 'NOERROR'")
assert(rows[1].n == 50)
