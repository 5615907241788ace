-- The stub resolver's timing against glibc's resolv/res_send.c (send_dg):
-- the wait for server i of n in each pass is RES_TIMEOUT (5 s) << i, divided
-- by n when i > 0 (integer seconds), and RES_DFLRETRY (2) passes are made.
--   one dead nameserver:            2 x 5 s                  = 10 s, TIMEOUT
--   dead first of two, then r:      5 s + r's answer (10 ms)  = 5.010 s
--   three dead:                     2 x (5 + 10/3 + 20/3) = 2 x (5 + 3 + 6) = 28 s
--   rotate with { r, dead }:        the list turns before each lookup
--                                   (RES_ROTATE), so the first starts at
--                                   dead (5.010 s) and the second at r (10 ms)
--   a nameserver without a DNS server (ICMP port unreachable): next at once,
--                                   "UNREACHABLE" after 2 x 2 ms
-- "Dead" is an address no node has: the query is dropped (no route), as a
-- firewalled or crashed server drops it.  r answers from its cache (warmed
-- at t = 0.5 s), so every answer from r takes the c-r RTT, 10 ms.
local c, r, root, quiet = node "c", node "r", node "root", node "quiet"
link(c, r, { rate = "1Gbps", delay = "5ms" })
link(r, root, { rate = "1Gbps", delay = "15ms" })
link(c, quiet, { rate = "1Gbps", delay = "1ms" })
local z = dns.zone { origin = ".", soa = { mname = "a.root.", rname = "h", serial = 1, refresh = "1h",
  retry = "1h", expire = "1h", minimum = "60s", ttl = "1h" }, records = {
  { "@", "NS", "a.root." }, { "a.root.", "A", root.addr }, { "www.test.", "A", "10.0.0.5", ttl = "1h" },
} }
dns.server { node = root, zones = { z } }
dns.resolver { node = r, roots = { root } }
local DEAD1, DEAD2, DEAD3 = "10.250.0.1", "10.250.0.2", "10.250.0.3"

local got = {}
local function ask(t, key, cfg)
  at(t, function()
    cfg.node = c
    dns.stub(cfg)
    dns.lookup(c, "www.test", function(ans) got[key] = ans end)
  end)
end
ask("0.5s", "warmup", { nameservers = { r } })
ask("1s", "one_dead", { nameservers = { DEAD1 } })
ask("20s", "first_dead", { nameservers = { DEAD1, r } })
ask("40s", "three_dead", { nameservers = { DEAD1, DEAD2, DEAD3 } })
at("80s", function()
  dns.stub { node = c, nameservers = { r, DEAD1 }, rotate = true }
  dns.lookup(c, "www.test", function(ans) got.rot1 = ans end)
end)
at("90s", function() dns.lookup(c, "www.test", function(ans) got.rot2 = ans end) end)
ask("100s", "refused", { nameservers = { quiet } })
run "130s"

local function check(key, rcode, want_ns, what)
  local a = got[key]
  assert(a, what .. ": no answer")
  local ok = a.rcode == rcode and math.abs(a.latency - want_ns) <= 1e6
  print(string.format("%s %s: %s after %.6f s (expected %s after %.3f s +- 1 ms)", ok and "ok:" or "FAIL:",
                      what, a.rcode, a.latency / 1e9, rcode, want_ns / 1e9))
  assert(ok, what)
end
check("one_dead", "TIMEOUT", 10e9, "one dead nameserver, 2 attempts x 5 s")
assert(got.one_dead.queries == 2)
check("first_dead", "NOERROR", 5e9 + 10e6, "dead first of two: 5 s + RTT to the second")
assert(got.first_dead.server == r.addr)
check("three_dead", "TIMEOUT", 28e9, "three dead: 2 x (5 + 3 + 6) s")
assert(got.three_dead.queries == 6)
check("rot1", "NOERROR", 5e9 + 10e6, "rotate: the first lookup starts at the second server")
check("rot2", "NOERROR", 10e6, "rotate: the second lookup starts at the first")
check("refused", "UNREACHABLE", 4e6, "port unreachable: next try at once")
-- the stub's rows say the same
local rows = query("select count(*) as n from dns_lookups where resolver = 'stub' and rcode = 'TIMEOUT'")
assert(rows[1].n == 2, "two TIMEOUT rows, got " .. rows[1].n)
