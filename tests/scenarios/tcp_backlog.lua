-- A listen backlog of 2: five SYNs arrive together, two wait in SYN_RCVD,
-- the other three are dropped (Linux without syncookies) and their clients
-- retransmit after the initial RTO of 1 s (RFC 6298 §2.1).  Those three
-- arrive together again: two get in, one is dropped again and retries 2 s
-- later (the RTO doubled).  So connections complete at about one RTT (two
-- clients), 1 s + RTT (two) and 3 s + RTT (one), and 4 SYNs are dropped.
local server = node "server"
local sw = router "sw"
link(sw, server, { rate = "100Mbps", delay = "9ms" })
local times = {}
tcp.listen { node = server, port = 80, backlog = 2 }
for i = 1, 5 do
  local c = node("c" .. i)
  link(c, sw, { rate = "10Mbps", delay = "1ms" })
  tcp.connect { from = c, to = server, port = 80,
                on_connect = function(conn) times[#times + 1] = now() end }
end
run("5s")
table.sort(times)
assert(#times == 5, "only " .. #times .. " connected")
local at0, at1, at3 = 0, 0, 0
for _, t in ipairs(times) do
  if t < 30e6 then at0 = at0 + 1
  elseif t > 1e9 and t < 1.03e9 then at1 = at1 + 1
  elseif t > 3e9 and t < 3.03e9 then at3 = at3 + 1 end
end
print(string.format("connected at %s ns", table.concat(times, ", ")))
assert(at0 == 2 and at1 == 2 and at3 == 1, string.format("%d, %d, %d connected at RTT, 1 s, 3 s", at0, at1, at3))
local drops = query("select count(*) as n from events where kind = 'syn_drop'")[1].n
assert(drops == 4, "expected 4 SYN drops, got " .. drops)
