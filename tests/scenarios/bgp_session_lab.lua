-- A three-router chain of bare BGP sessions (bgp.session, no RIB) that puts
-- every message type on the wire: OPEN with capabilities, KEEPALIVE,
-- UPDATEs with a 4-octet AS_PATH, MED, communities and many prefixes (more
-- than one 4096-octet message), withdrawals, and NOTIFICATIONs (Cease 6/2
-- from a ManualStop, Hold Timer Expired 4/0 from a silenced peer), and a
-- connection collision between r2 and r3, which both connect (Cease 6/7).
-- bgp_session_pcap.sh reads its pcap with tshark.  The counts checked here
-- follow from RFC 4271: one OPEN each way per session, then KEEPALIVEs every
-- 30 s, and an UPDATE per announce() (two for 1100 /24s: 4400 octets of
-- NLRI do not fit in one 4096-octet message, §4.1).
local p = params { time = "200s" }
local r1, r2, r3 = router "r1", router "r2", router "r3"
link(r1, r2, { rate = "10Mbps", delay = "5ms" })
link(r2, r3, { rate = "10Mbps", delay = "5ms" })
local got = {}
local function on_update(s, u) got[#got + 1] = u end
local s12 = bgp.session { node = r1, peer = r2, local_as = 4200000001, peer_as = 65002, name = "r1-r2" }
local s21 = bgp.session { node = r2, peer = r1, local_as = 65002, peer_as = 4200000001, name = "r2-r1",
                          passive = true,
                          on_update = on_update }
local s23 = bgp.session { node = r2, peer = r3, local_as = 65002, peer_as = 65003, name = "r2-r3" }
local s32 = bgp.session { node = r3, peer = r2, local_as = 65003, peer_as = 65002, name = "r3-r2",
                          on_update = on_update, restart = false }

at("1s", function()
  assert(s12:state() == "Established" and s23:state() == "Established", "sessions up by 1 s")
  s12:announce { prefixes = { "203.0.113.0/24", "198.51.100.0/25" }, as_path = { 4200000001, 64512 },
                 med = 50, communities = { "65002:100", "65535:65281" } }
  local many = {}
  for i = 0, 1099 do many[#many + 1] = string.format("10.%d.%d.0/24", i // 256, i % 256) end
  assert(s23:announce { prefixes = many, as_path = { 65002 } } == 2, "1100 prefixes in 2 UPDATEs")
end)
at("2s", function() s12:withdraw { "198.51.100.0/25" } end)
at("50s", function() s12:stop() end)          -- Cease 6/2 to r2
at("60s", function() s23:silence(true) end)   -- r3 sends 4/0 by 150 s at the latest
run(p.time)

assert(#got == 4, "4 UPDATEs received, got " .. #got)
assert(got[1].as_path == "4200000001 64512" and #got[1].nlri == 2, "the 4-octet path arrived")
assert(#got[2].nlri + #got[3].nlri == 1100, "1100 prefixes in two UPDATEs")
assert(got[4].withdrawn[1] == "198.51.100.0/25", "the withdrawal arrived")
local a, b = s21:stats(), s32:stats()
assert(a.notification_received == "6/2", "r2 got Cease/Administrative Shutdown: " .. a.notification_received)
assert(b.notification_sent == "4/0", "r3 sent Hold Timer Expired: " .. b.notification_sent)
assert(s32:state() == "Idle", "r3's session is down")
print("ok: every message type exchanged; UPDATE, withdrawal, 6/2 and 4/0 as expected")
