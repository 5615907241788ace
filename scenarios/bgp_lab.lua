-- The five-AS BGP lab: one router per AS in a chain or a clique, real BGP
-- sessions over TCP (open the --pcap files in Wireshark), and a prefix
-- that AS 65001 announces, withdraws and announces again.  Compare MRAI
-- values (-p mrai=0s,5s,30s in a sweep) and shapes (-p shape=clique): the
-- clique's withdrawal explores ever longer paths, one MRAI each (Labovitz
-- et al., SIGCOMM 2000), the chain's just walks down the line.
--
--   chain:  r1 -- r2 -- r3 -- r4 -- r5        clique: every pair linked
--
-- Results: the events table holds each AS's best path over time
-- (kind bgp_best) and its forwarding-table changes (bgp_fib); the series
-- table gets, per phase, the UPDATEs sent (metric bgp_updates) and the
-- convergence time in seconds after the event (bgp_convergence_s).
local p = params {
  shape = "chain",          -- chain | clique
  n = 5,                    -- ASes
  mrai = "30s",             -- MinRouteAdvertisementInterval (RFC 4271 default for eBGP)
  jitter = true,            -- RFC 4271 §10 jitter on MRAI
  hold = "0ms",             -- input-queue hold before the decision process (FRR: 50ms)
  fib = "0ms",              -- forwarding-table install delay
  delay = "5ms",            -- link delay
  prefix = "203.0.113.0/24",
  announce_at = "10s", withdraw_at = "200s", reannounce_at = "600s", time = "800s",
}
if p.shape ~= "chain" and p.shape ~= "clique" then error("shape: expected chain or clique, got " .. p.shape, 0) end
if p.n < 2 or p.n > 50 then error("n: expected 2..50 ASes", 0) end

routing { mode = "static" } -- inter-domain routes come from BGP only
local r, sp = {}, {}
for i = 1, p.n do
  r[i] = router("r" .. i)
  sp[i] = bgp.speaker { node = r[i], as = 65000 + i, mrai = p.mrai, jitter = p.jitter,
                        processing = { hold = p.hold, fib = p.fib } }
end
for i = 1, p.n do
  for j = i + 1, p.n do
    if p.shape == "clique" or j == i + 1 then
      link(r[i], r[j], { rate = "100Mbps", delay = p.delay })
      sp[i]:peer { with = sp[j] }
    end
  end
end
record { "bgp_best", "bgp_fib" }

local function phase(name, t, fn)
  at(t, function()
    local u0 = bgp.stats().updates
    local t0 = now()
    fn()
    -- report once the phase has settled: just before the next event
    local nextt = { announce = p.withdraw_at, withdraw = p.reannounce_at, reannounce = p.time }
    at(units.ns(nextt[name]) - 1, function()
      local st = bgp.stats()
      local conv = st.last_change and st.last_change >= t0 and (st.last_change - t0) / 1e9 or 0
      metric("bgp_updates", name, st.updates - u0)
      metric("bgp_convergence_s", name, conv)
      print(string.format("%-10s %5d UPDATEs, converged after %8.3f s", name, st.updates - u0, conv))
    end)
  end)
end
phase("announce", p.announce_at, function() sp[1]:announce(p.prefix) end)
phase("withdraw", p.withdraw_at, function() sp[1]:withdraw(p.prefix) end)
phase("reannounce", p.reannounce_at, function() sp[1]:announce(p.prefix) end)
run(p.time)
for i = 2, p.n do
  local b = sp[i]:best(p.prefix)
  print(string.format("AS%d best path: %s", sp[i].as, b and b.path or "none"))
end
