-- Route-flap damping (RFC 2439 §4.2, FRR's defaults: half-life 15 min,
-- reuse 750, suppress 2000, max-suppress 60 min, 1000 per withdrawal).
-- AS 65001 flaps a prefix towards AS 65002 (damping on): announced at 10 s
-- and withdrawn at 20 s, again 30/40 s and 50/60 s, announced for good at
-- 70 s.  By hand, the penalty after each withdrawal decays by
-- 2^(-dt/900 s) and gains 1000:
--   20 s: 1000;  40 s: 1000 * 2^(-20/900) + 1000 = 1984.7 (< 2000: kept);
--   60 s: 1984.7 * 2^(-20/900) + 1000 = 2954.3 (>= 2000: suppressed).
-- So the announcement at 70 s is held back, and the route is used again
-- when the penalty has decayed to 750: at 60 + 900 * log2(2954.3 / 750)
-- = 1840.1 s.  Without damping (AS 65003 beside it) every flap goes through.
local a = bgp.speaker { as = 65001, mrai = "0s" }
local b = bgp.speaker { as = 65002, mrai = "0s", damping = true }
local c = bgp.speaker { as = 65003, mrai = "0s" }
a:peer { with = b, mode = "direct", delay = "1ms" }
a:peer { with = c, mode = "direct", delay = "1ms" }
local pfx = "192.0.2.0/24"
for _, t in ipairs({ 10, 30, 50, 70 }) do at(t .. "s", function() a:announce(pfx) end) end
for _, t in ipairs({ 20, 40, 60 }) do at(t .. "s", function() a:withdraw(pfx) end) end
local p40 = 1000 * 2 ^ (-20 / 900) + 1000
local p60 = p40 * 2 ^ (-20 / 900) + 1000
local reuse_t = 60 + 900 * math.log(p60 / 750, 2)
run("35s")
assert(b:best(pfx), "suppressed too early (penalty 1000)")
run("55s")
assert(b:best(pfx), string.format("suppressed at penalty %.1f < 2000", p40))
run("71s")
assert(b:best(pfx) == nil, string.format("the route is used at penalty %.1f", p60))
assert(c:best(pfx), "without damping the route is there")
assert(#b:routes(pfx) == 1, "the suppressed route is kept in the Adj-RIB-In")
print(string.format("ok: suppressed after the third withdrawal (penalty %.1f), kept in the Adj-RIB-In", p60))
run(string.format("%.3fs", reuse_t - 1))
assert(b:best(pfx) == nil, "reused before the penalty reached 750")
run(string.format("%.3fs", reuse_t + 1))
assert(b:best(pfx), string.format("not reused by %.1f s", reuse_t + 1))
local row = query("select t_ns from events where kind = 'bgp_damp' and detail like '%reused%'")[1]
assert(math.abs(row.t_ns / 1e9 - reuse_t) < 0.01, string.format("reused at %.3f s, want %.3f s", row.t_ns / 1e9, reuse_t))
print(string.format("ok: reused at %.2f s (by hand: 60 + 900 log2(%.1f / 750) = %.2f s)", row.t_ns / 1e9, p60, reuse_t))
