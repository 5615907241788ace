-- Topology helpers: the shapes most experiments start from.  Each returns a
-- table of the nodes and links it made, so a scenario can attach apps and
-- change links.  Written in Lua on purpose: read them, copy them, adapt them.

local topo = {}

local function check(o, what, allowed)
  if type(o) ~= "table" then
    error(what .. ": expected a table of options { ... }", 3)
  end
  for k in pairs(o) do
    local ok = false
    for _, a in ipairs(allowed) do if a == k then ok = true end end
    if not ok then
      error(string.format("%s: unknown option '%s' (expected one of: %s)",
                          what, tostring(k), table.concat(allowed, ", ")), 3)
    end
  end
end

-- Link options shared by the helpers: rate, delay, queue, loss, mtu.
local function link_opts(o, rate, delay, queue)
  return { rate = rate, delay = delay, queue = queue, loss = o.loss, mtu = o.mtu }
end

-- chain { hops = 3, rate = "10Mbps", delay = "5ms", queue = fifo{...} }
--   h1 - r1 - r2 - ... - rN - h2     (N = hops routers, N+1 links)
function topo.chain(o)
  check(o, "topo.chain", { "hops", "rate", "delay", "queue", "loss", "mtu" })
  local n = o.hops or 1
  if math.type(n) ~= "integer" or n < 0 then
    error("topo.chain: hops must be a whole number >= 0, got " .. tostring(n), 2)
  end
  local t = { routers = {}, links = {} }
  t.left = node "h1"
  t.right = node "h2"
  local prev = t.left
  for i = 1, n do
    local r = router("r" .. i)
    t.routers[i] = r
    t.links[#t.links + 1] = link(prev, r, link_opts(o, o.rate, o.delay, o.queue))
    prev = r
  end
  t.links[#t.links + 1] = link(prev, t.right, link_opts(o, o.rate, o.delay, o.queue))
  t.hosts = { t.left, t.right }
  return t
end

-- star { leaves = 4, rate = "1Gbps", delay = "1ms" }
--   one router "hub", hosts h1..hN each on its own link
function topo.star(o)
  check(o, "topo.star", { "leaves", "rate", "delay", "queue", "loss", "mtu" })
  local t = { hosts = {}, links = {} }
  t.hub = router "hub"
  for i = 1, (o.leaves or 2) do
    t.hosts[i] = node("h" .. i)
    t.links[i] = link(t.hosts[i], t.hub, link_opts(o, o.rate, o.delay, o.queue))
  end
  return t
end

-- dumbbell { pairs = 2, bottleneck = { rate = "10Mbps", delay = "18ms" or
--            rtt = "40ms", queue = fifo{...}, loss = ... },
--            access = { rate = "1Gbps", delay = "1ms", jitter = "0ms" } }
--   s1..sN - left ==bottleneck== right - d1..dN
-- With bottleneck.rtt, the bottleneck's delay is set so that the base
-- round-trip time from si to di is rtt: rtt/2 - 2 * access delay each way.
function topo.dumbbell(o)
  check(o, "topo.dumbbell", { "pairs", "bottleneck", "access" })
  local b = o.bottleneck or error("topo.dumbbell: 'bottleneck' is required", 2)
  local a = o.access or {}
  check(a, "topo.dumbbell: access", { "rate", "delay", "jitter" })
  local arate = a.rate or "1Gbps"
  local adelay = a.delay or "1ms"
  local bdelay = b.delay
  if b.rtt then
    if b.delay then error("topo.dumbbell: give bottleneck rtt or delay, not both", 2) end
    local d = units.ns(b.rtt) // 2 - 2 * units.ns(adelay)
    if d < 0 then
      error("topo.dumbbell: rtt " .. b.rtt .. " is shorter than the access links allow", 2)
    end
    bdelay = units.duration(d)
  end
  local t = { left = {}, right = {}, links = {} }
  t.routers = { router "left", router "right" }
  t.bottleneck = link(t.routers[1], t.routers[2],
                      { rate = b.rate, delay = bdelay or "0ms", queue = b.queue,
                        loss = b.loss, mtu = b.mtu })
  for i = 1, (o.pairs or 1) do
    t.left[i] = node("s" .. i)
    t.right[i] = node("d" .. i)
    t.links[#t.links + 1] = link(t.left[i], t.routers[1], { rate = arate, delay = adelay, jitter = a.jitter })
    t.links[#t.links + 1] = link(t.routers[2], t.right[i], { rate = arate, delay = adelay, jitter = a.jitter })
  end
  return t
end

return topo
