-- Gao and Rexford, "Stable Internet routing without global coordination"
-- (IEEE/ACM ToN 9(6), 2001): when every AS prefers customer routes over
-- peer and provider routes and exports peer and provider routes only to
-- its customers, routing converges, and every path chosen is valley-free:
-- from the origin up through providers, across at most one peer link,
-- then down through customers.  A three-tier hierarchy (3 tier-1 ASes in
-- a peering clique, 6 transit ASes each with two tier-1 providers and one
-- peer, 12 stubs with one or two providers), every AS originating its own
-- prefix, MRAI 30 s with jitter.  Checked: every AS reaches every prefix
-- (the hierarchy is connected through the tier-1 clique), every chosen
-- path is valley-free, a customer route is chosen wherever one exists,
-- and nothing changes in the 10 minutes after convergence.
local rel = {}   -- rel[a][b]: what b is to a
local sp, all = {}, {}
local function speaker(name, as)
  sp[name] = bgp.speaker { as = as, name = name }
  all[#all + 1] = name
  rel[name] = {}
end
local function link(a, b, r) -- r: what b is to a
  local inv = { customer = "provider", provider = "customer", peer = "peer" }
  sp[a]:peer { with = sp[b], relation = r, delay = "5ms" }
  rel[a][b], rel[b][a] = r, inv[r]
end
for i = 1, 3 do speaker("T" .. i, 100 + i) end
for i = 1, 6 do speaker("M" .. i, 200 + i) end
for i = 1, 12 do speaker("S" .. i, 300 + i) end
for i = 1, 3 do for j = i + 1, 3 do link("T" .. i, "T" .. j, "peer") end end
for i = 1, 6 do
  link("T" .. (i % 3 + 1), "M" .. i, "customer")
  link("T" .. ((i + 1) % 3 + 1), "M" .. i, "customer")
end
link("M1", "M2", "peer"); link("M3", "M4", "peer"); link("M5", "M6", "peer")
for i = 1, 12 do
  link("M" .. (i % 6 + 1), "S" .. i, "customer")
  if i % 2 == 0 then link("M" .. ((i + 2) % 6 + 1), "S" .. i, "customer") end
end
local byas = {}
for _, n in ipairs(all) do byas[sp[n].as] = n end
local pfx = {}
for k, n in ipairs(all) do pfx[n] = string.format("10.%d.0.0/16", k) end
at("1s", function() for _, n in ipairs(all) do sp[n]:announce(pfx[n]) end end)
run("600s")
local settled = bgp.stats()
assert(settled.last_change < 600e9, "still changing at the end")

-- the customer cone of a: ASes reachable going down only
local function cone(a, seen)
  seen = seen or {}
  for b, r in pairs(rel[a]) do if r == "customer" and not seen[b] then seen[b] = true; cone(b, seen) end end
  return seen
end
local checked = 0
for _, x in ipairs(all) do
  local mycone = cone(x)
  for _, o in ipairs(all) do
    if o ~= x then
      local b = sp[x]:best(pfx[o])
      assert(b, x .. " has no route to " .. o .. "'s " .. pfx[o])
      local hops = { x }
      for i = 1, #b.as_path do hops[#hops + 1] = byas[b.as_path[i]] end
      assert(hops[#hops] == o, x .. ": path to " .. o .. " ends at " .. tostring(hops[#hops]))
      -- walk from the origin to x: up*, at most one peer, then down*
      local phase = 0
      for i = #hops, 2, -1 do
        local u, v = hops[i], hops[i - 1]  -- u sent to v
        local r = rel[v][u]                -- what u is to v
        assert(r, v .. " and " .. u .. " are not neighbours")
        if r == "customer" then
          assert(phase == 0, x .. ": valley in path " .. b.path .. " to " .. o)
        else
          assert(phase == 0 or r == "provider", x .. ": two peer links or up after down in " .. b.path)
          phase = 1
        end
      end
      -- a customer route is chosen when the origin is in x's customer cone
      if mycone[o] then assert(rel[x][hops[2]] == "customer", x .. " prefers a non-customer route to " .. o) end
      checked = checked + 1
    end
  end
end
print(string.format("ok: %d chosen paths, every one valley-free; customer routes preferred", checked))
local u = settled.updates
run("1200s")
assert(bgp.stats().updates == u and bgp.stats().last_change == settled.last_change, "routing changed after convergence")
print(string.format("ok: converged %.2f s after the announcements (%d UPDATEs), nothing changed in the next 10 minutes",
  (settled.last_change - 1e9) / 1e9, u))
