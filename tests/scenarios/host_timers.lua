-- Timers and a scenario's own results (ISSUE 8 §5).  Expected times are
-- hand arithmetic from the delays below, in ns.
local log = {}
local function mark(what) log[#log + 1] = what .. "@" .. now() end

at("1s", function() mark("at") end)                       -- 1e9
after("500ms", function() mark("after") end)              -- 5e8
local n = 0
every("300ms", function()                                 -- 3e8, 6e8, 9e8, then false
  n = n + 1
  mark("every")
  if n == 3 then return false end
end)
every("100ms", function(t) mark("once"); t:cancel() end)   -- 1e8 only
local never = after("2s", function() error("a cancelled timer ran") end)
never:cancel()
assert(not never:pending(), "cancelled timer still pending")
-- callbacks set inside a coroutine run on the main thread
coroutine.wrap(function() at("1.5s", function() mark("co") end) end)()
-- at() with an absolute time in ns
at(1200000000, function() mark("ns") end)                 -- 1.2e9
run("3s")

-- after run(): relative times from now() = 3e9
at(now() + units.ns("10ms"), function() mark("rel") end)  -- 3.01e9
after(5, function()                                       -- 3e9 + 5
  metric("custom_ms", "flow1", 12.5)
  event("phase", "warm-up over")
end)
local ticks = 0
local h = every("1s", function() ticks = ticks + 1; metric("ticks", "all", ticks) end)
at("6.5s", function() h:cancel() end)                     -- ticks at 4, 5, 6 s
run("10s")

local want = {
  "once@100000000", "every@300000000", "after@500000000", "every@600000000",
  "every@900000000", "at@1000000000", "ns@1200000000", "co@1500000000",
  "rel@3010000000",
}
assert(#log == #want, "got " .. #log .. " marks: " .. table.concat(log, " "))
for i = 1, #want do
  assert(log[i] == want[i], "mark " .. i .. ": got " .. log[i] .. ", expected " .. want[i])
end
print("ok: timer order and times: " .. table.concat(log, " "))

local m = query("select entity, t_ns, value from series where metric = 'custom_ms'")
assert(#m == 1 and m[1].entity == "flow1" and m[1].t_ns == 3000000005 and m[1].value == 12.5,
       "metric() row not written as expected")
local e = query("select t_ns, kind, detail from events where kind = 'phase'")
assert(#e == 1 and e[1].t_ns == 3000000005 and e[1].detail == "warm-up over", "event() row not written")
local t = query("select t_ns, value from series where metric = 'ticks' order by t_ns")
assert(#t == 3 and t[1].t_ns == 4e9 and t[3].t_ns == 6e9 and t[3].value == 3,
       "every() after cancel: got " .. #t .. " ticks")
print("ok: metric(), event() and a cancelled every()")
