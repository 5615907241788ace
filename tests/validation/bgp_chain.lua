-- A chain of k ASes, one router each, with a per-hop processing hold h,
-- an install delay f and no MRAI: a prefix announced at one end reaches
-- the other end's forwarding table (k - 1)(h + d) + f after the
-- announcement, d being the one-way delay of each hop (issue 10; by hand:
-- each hop adds its link delay, then the input-queue hold, before it
-- sends on; the last adds the install delay).  The withdrawal travels
-- the same way, removing the route after the same time.  Also checked:
-- every router's best path is the chain behind it, and the number of
-- UPDATEs is one per hop each way (RFC 4271 §9.2: one UPDATE carries
-- the change; nothing else changes).
local k, h, f, d = 6, 50e6, 10e6, 1e6 -- ns
routing { mode = "static" } -- the routes between ASes come from BGP only
local r, sp = {}, {}
for i = 1, k do
  r[i] = router("r" .. i)
  sp[i] = bgp.speaker { node = r[i], as = 65000 + i, mrai = "0s",
                        processing = { hold = "50ms", fib = "10ms" } }
end
for i = 1, k - 1 do
  link(r[i], r[i + 1], { rate = "100Mbps", delay = "1ms" })
  sp[i]:peer { with = sp[i + 1], mode = "direct" } -- the session's delay is the link's
end
local pfx = "203.0.113.0/24"
at("2s", function() sp[1]:announce(pfx) end)
at("5s", function() sp[1]:withdraw(pfx) end)
record { "bgp_fib", "bgp_best" }
run("10s")

local function fib_time(who, what)
  local row = query(string.format([[select t_ns from events where kind = 'bgp_fib' and entity = '%s'
      and detail like '%s%%' order by t_ns limit 1]], who, pfx .. " " .. what))[1]
  return row and row.t_ns
end
local want = (k - 1) * (h + d) + f
local t_in = fib_time("r" .. k, "via")
assert(t_in, "r" .. k .. " never installed " .. pfx)
assert(t_in - 2e9 == want, string.format("install at the far end after %d ns, want (k-1)(h+d)+f = %d ns", t_in - 2e9, want))
print(string.format("ok: r%d installs %s %.3f s after the announcement (k-1)(h+d)+f = %.3f s", k, pfx, (t_in - 2e9) / 1e9, want / 1e9))
local t_out = fib_time("r" .. k, "removed")
assert(t_out and t_out - 5e9 == want, string.format("removal after %s ns, want %d", tostring(t_out and t_out - 5e9), want))
print(string.format("ok: and removes it %.3f s after the withdrawal", (t_out - 5e9) / 1e9))
-- while it was up, each router's path was the chain behind it
local paths = query([[select entity, detail from events where kind = 'bgp_best' and detail like '%path%' order by t_ns]])
for _, row in ipairs(paths) do
  local i = tonumber(row.entity:match("r(%d+)"))
  local want_path = {}
  for j = i - 1, 1, -1 do want_path[#want_path + 1] = tostring(65000 + j) end
  local got = row.detail:match("path %[(.-)%]")
  assert(got == table.concat(want_path, " "), row.entity .. ": path [" .. got .. "]")
end
local st = bgp.stats()
assert(st.updates == 2 * (k - 1), "updates " .. st.updates .. ", want " .. 2 * (k - 1))
print("ok: " .. st.updates .. " UPDATEs, one per hop each way; paths follow the chain")
