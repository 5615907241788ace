# Random arguments to every non-TCP binding: node, router, link, routing,
# the queues, ping, traceroute, udp.cbr/onoff, udp.bind, units, now, and the
# methods of nodes, links, apps and UDP sockets (called with ':' and with '.').  Each call runs
# under pcall; the run must end normally (no signal, abort or sanitizer
# report) and every refusal must be a message string, not "(null)" or a
# non-string error object.  Deterministic: a fixed-seed xorshift in Lua
# (the sandbox has no math.random).  Calls before and after run(), so
# times in the past and objects made mid-run are covered too.
. "$TOP/tests/lib.sh"
W=$WIRELAB

cat > fuzz.lua <<'LUA'
local seed = 88172645463325252
local function rnd(n) -- 1..n
  seed = seed ~ (seed << 13); seed = seed ~ (seed >> 7); seed = seed ~ (seed << 17)
  return (seed >> 1) % n + 1
end
local a, b, c = node "a", node "b", router "c"
local l = link(a, c, { rate = "10Mbps", delay = "1ms" })
link(c, b, { rate = "5Mbps", delay = "2ms" })
local app = ping { from = a, to = b, every = "100ms" }
local us = udp.bind { node = b, port = 9, on_datagram = function(s, d, src, sp) s:sendto(src, sp, d) end }
local big = string.rep("x", 300)
local pool = {
  false, true, 0, -1, 1, 2, 7, 0.5, 1.5, 0 / 0, 1 / 0, -1 / 0, math.maxinteger, math.mininteger,
  2 ^ 63, 1e300, "", "x", "a", "b", "c", "10Mbps", "1bps", "0bps", "-5ms", "5ms", "0s", "1ns", "3s",
  "2562047.7h", "700000h", "4294.967295s", "64KiB", "99999999999999999999B", " -5", "1e5s",
  "10.0.0.1/24", "10.0.0.0/8", "1.2.3.4", "exp", "const", "pareto", "spf", "static", "list",
  "gilbert", "periodic", big, {}, { 1, 2 }, { "10.9.0.1/24", "10.9.0.2/24" }, { "1s", "2s" },
  function() end, a, b, c, l, app, fifo {}, codel {}, setmetatable({}, { __index = function() error("idx") end }),
}
local function val() if rnd(12) == 1 then return nil end return pool[rnd(#pool)] end
local optkeys = {
  "from", "to", "rate", "size", "port", "tos", "start", "stop", "name", "sink", "on", "off", "dist",
  "every", "count", "max_hops", "probes", "wait", "on_done", "delay", "jitter", "mtu", "cost",
  "loss", "queue", "addr", "down_at", "up_at", "mode", "model", "p", "r", "packets", "limit",
  "bytes", "mark_at", "target", "interval", "ce_threshold", "ecn", "flows", "quantum",
  "drop_batch", "memory_limit", "tupdate", "alpha", "beta", "max_burst", "min_th", "max_th",
  "max_p", "w_q", "gentle", "bandwidth", "avpkt", "burst", "node", "on_datagram", "on_error",
  "bogus",
}
local function opts()
  local r = rnd(10)
  if r == 1 then return val() end
  local t = {}
  for _ = 1, rnd(6) do
    local k = optkeys[rnd(#optkeys)]
    if rnd(20) == 1 then k = val() end
    if k ~= nil and k == k then t[k] = val() end
  end
  if rnd(3) > 1 then t.from = a; t.to = b end
  return t
end
local fns = {
  function() return node(val()) end,
  function() return router(opts()) end,
  function() return link(val(), val(), opts()) end,
  function() return link(a, b, opts()) end,
  function() return routing(opts()) end,
  function() return ping(opts()) end,
  function() return traceroute(opts()) end,
  function() return udp.cbr(opts()) end,
  function() return udp.onoff(opts()) end,
  function() return link(a, b, { rate = "10Mbps", queue = fifo(opts()) }) end,
  function() return l:set_queue(red(opts())) end,
  function() return l:set_queue(codel(opts())) end,
  function() return l:set_queue(fq_codel(opts())) end,
  function() return l:set_queue(pie(opts())) end,
  function() return l:set_queue(policer(opts()), val()) end,
  function() local q = fifo {}; q[val() or 1] = val(); return l:set_queue(q) end,
  function() return units.duration(val()) end,
  function() return units.rate(val()) end,
  function() return units.size(val()) end,
  function() return units.ns(val()) end,
  function() return units.bps(val()) end,
  function() return units.bytes(val()) end,
  function() return now(val()) end,
  function() return l:set_rate(val(), val()) end,
  function() return l:set_delay(val(), val()) end,
  function() return l:set_loss(val(), val()) end,
  function() return l:set_loss(opts()) end,
  function() return l:queue_name(val()) end,
  function() return l:stats(), l[val() or 1], tostring(l) end,
  function() return l.down(val()) end,
  function() return l.up(val()) end,
  function() return a:route(val(), val()) end,
  function() return a.route(val(), val(), val()) end,
  function() return a:ifaces(), a:routes(), a[val() or 1], tostring(a) end,
  function() return app:stats(), app[val() or 1], tostring(app) end,
  function() return app.stats(val()) end,
  function() return app.stop(val()) end,
  function() return udp.bind(opts()) end,
  function() return udp.bind { node = a, port = val() } end,
  function() return us:sendto(val(), val(), val()) end,
  function() return us:sendto(a, val(), val()) end,
  function() return us.sendto(val(), val(), val(), val()) end,
  function() return us:stats(), us[val() or 1], tostring(us), us.close(val()) end,
  function() local s = udp.bind { node = a }; s:close(); return s:sendto(b, 9, val()) end,
}
local ok, refused = 0, 0
local function round(n)
  for _ = 1, n do
    local f = fns[rnd(#fns)]
    local good, err = pcall(f)
    if good then ok = ok + 1 else
      refused = refused + 1
      assert(type(err) == "string", "a refusal that is not a message: " .. tostring(err))
      assert(not err:find("(null)", 1, true), "a message with (null): " .. err)
    end
  end
end
round(3000)
run("1s")
round(3000)
run("2s")
print(string.format("ok: %d calls accepted, %d refused with a message", ok, refused))
LUA
$W run fuzz.lua --quiet --out fuzz.db > out.txt 2> err.txt
rc=$?
cat out.txt
[ $rc -eq 0 ] || { tail -n 30 err.txt; fail "fuzz.lua exit $rc"; }
grep -q "^ok: .* refused with a message" out.txt || fail "fuzz.lua did not finish"
