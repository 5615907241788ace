-- An authoritative server answered directly (dns.query, as dig @server):
-- answers with AA, NXDOMAIN and NODATA with the SOA in authority at
-- min(SOA TTL, MINIMUM) (RFC 2308 §3), an empty non-terminal as NODATA
-- (RFC 8020), a CNAME followed (RFC 1034 §4.3.2), a referral with glue,
-- REFUSED outside the zones, TC without EDNS above 512 bytes and with EDNS
-- above 1232, the TCP retry that gets it all, answers chosen per client,
-- records changed mid-run, and several queries on one TCP connection
-- (RFC 7766 §6.2.1).
--
-- Timing, by hand: c1 -- ns is 10 Mbps with 5 ms each way, processing 0.1 ms.
-- The query for www.example.test A with EDNS is 12 (header) + 22 (question:
-- 3www7example4test0 = 18, type, class) + 11 (OPT) = 45 bytes; the answer
-- adds one A RR with its owner compressed to a pointer: 2 + 10 + 4 = 16,
-- so 61 bytes.  With 28 bytes of IPv4 and UDP headers the packets are 73
-- and 89 bytes: 58.4 us and 71.2 us at 10 Mbps.
--   RTT = 2 * 5 ms + 58.4 us + 71.2 us + 0.1 ms = 10.2296 ms
local c1, c2, ns = node "c1", node "c2", node "ns"
link(c1, ns, { rate = "10Mbps", delay = "5ms" })
link(c2, ns, { rate = "10Mbps", delay = "5ms" })

local big = {}
for i = 1, 100 do big[i] = "10.1." .. (i // 200) .. "." .. (i % 200 + 1) end
local mid = {}
for i = 1, 40 do mid[i] = big[i] end

local z = dns.zone {
  origin = "example.test",
  soa = { mname = "ns1", rname = "hostmaster", serial = 7, minimum = "60s", ttl = "1h" },
  records = {
    { "@", "NS", "ns1" },
    { "ns1", "A", "10.0.0.53" },
    { "www", "A", "10.0.0.5", ttl = "300s" },
    { "web", "CNAME", "www" },
    { "a.b", "TXT", "deep" },                       -- b.example.test: empty non-terminal
    { "sub", "NS", { "ns.sub", "ns.other.test." } }, -- a delegation
    { "ns.sub", "A", "10.0.9.53" },                 -- its glue
    { "mid", "A", mid },                            -- 40 A: 674 bytes
    { "big", "A", big },                            -- 100 A: 1645 bytes
    { "lb", "A", function(src) if src == c1.addr then return "10.0.0.11" end return { "10.0.0.12", "10.0.0.13" } end, ttl = "30s" },
    { "mail", "MX", "10 www" },
  },
}
local srv = dns.server { node = ns, zones = { z }, processing = "0.1ms" }

local got = {}
local function ask(tag, from, name, opts)
  opts = opts or {}
  local q = { from = from, server = ns, name = name, type = opts.type or "A",
              on_reply = function(r) got[tag] = r end }
  for k, v in pairs(opts) do if k ~= "type" then q[k] = v end end
  dns.query(q)
end

local function check(cond, fmt, ...)
  if not cond then error(string.format(fmt, ...), 2) end
end

local function rrs(sec, typ)
  local out = {}
  for _, r in ipairs(sec) do if r.type == typ then out[#out + 1] = r end end
  return out
end

-- the client's address as the server sees it (its link address)
run("1s")
ask("www", c1, "www.example.test")
run("2s")
local r = got.www
check(r and r.status == "ok", "www: %s", r and r.status or "no reply")
check(r.rcode == "NOERROR" and r.aa and not r.tc, "www: rcode %s aa %s", r.rcode, tostring(r.aa))
check(#r.answer == 1 and r.answer[1].data == "10.0.0.5" and r.answer[1].ttl == 300,
      "www: answer %s", #r.answer > 0 and r.answer[1].data or "none")
check(r.size == 61, "www: answer of %d bytes, expected 61", r.size)
check(math.abs(r.rtt_ms - 10.2296) < 1e-6, "www: RTT %.6f ms, expected 10.2296 ms", r.rtt_ms)
check(r.edns and r.udp_size == 1232, "www: the server's EDNS size %s", tostring(r.udp_size))

ask("nx", c1, "nothere.example.test")
ask("nodata", c1, "www.example.test", { type = "AAAA" })
ask("ent", c1, "b.example.test")
ask("cname", c1, "web.example.test")
ask("ref", c1, "host.sub.example.test")
ask("refapex", c1, "sub.example.test", { type = "NS" })
ask("refused", c1, "www.other.test")
ask("mx", c1, "mail.example.test", { type = "MX" })
ask("mid_plain_ign", c1, "mid.example.test", { edns = false, ignore_tc = true })
ask("mid_plain", c1, "mid.example.test", { edns = false })
ask("mid_edns", c1, "mid.example.test")
ask("big_edns", c1, "big.example.test")
ask("lb1", c1, "lb.example.test")
ask("lb2", c2, "lb.example.test")
run("4s")

local function negative(tag, rcode)
  local r = got[tag]
  check(r and r.rcode == rcode and r.aa, "%s: rcode %s, expected %s", tag, r and r.rcode or "none", rcode)
  check(#r.answer == 0, "%s: %d answers", tag, #r.answer)
  local soa = rrs(r.authority, "SOA")
  check(#soa == 1, "%s: no SOA in authority", tag)
  -- RFC 2308 §3: the SOA's TTL is min(SOA TTL 3600, MINIMUM 60) = 60
  check(soa[1].ttl == 60, "%s: SOA TTL %d, expected 60", tag, soa[1].ttl)
  check(soa[1].data == "ns1.example.test. hostmaster.example.test. 7 86400 7200 3600000 60",
        "%s: SOA %s", tag, soa[1].data)
end
negative("nx", "NXDOMAIN")
negative("nodata", "NOERROR")
negative("ent", "NOERROR")

r = got.cname
check(r.rcode == "NOERROR" and #r.answer == 2, "cname: %d answers", #r.answer)
check(r.answer[1].type == "CNAME" and r.answer[1].data == "www.example.test.", "cname: first %s", r.answer[1].type)
check(r.answer[2].type == "A" and r.answer[2].name == "www.example.test" and r.answer[2].data == "10.0.0.5",
      "cname: second %s %s", r.answer[2].type, r.answer[2].name)

for _, tag in ipairs { "ref", "refapex" } do
  r = got[tag]
  check(r.rcode == "NOERROR" and not r.aa and #r.answer == 0, "%s: rcode %s aa %s answers %d", tag, r.rcode, tostring(r.aa), #r.answer)
  local nsr = rrs(r.authority, "NS")
  check(#nsr == 2 and nsr[1].name == "sub.example.test", "%s: %d NS in authority", tag, #nsr)
  local glue = rrs(r.additional, "A")
  check(#glue == 1 and glue[1].name == "ns.sub.example.test" and glue[1].data == "10.0.9.53",
        "%s: glue %d", tag, #glue)
end

r = got.refused
check(r.rcode == "REFUSED" and not r.aa and #r.answer == 0 and #r.authority == 0, "refused: %s", r.rcode)

r = got.mx
check(#r.answer == 1 and r.answer[1].data == "10 www.example.test.", "mx: %s", r.answer[1] and r.answer[1].data)
check(#r.additional == 1 and r.additional[1].data == "10.0.0.5", "mx: the exchange's address in additional")

-- 40 A records: 12 + 22 (question for mid.example.test) + 40 * 16 = 674
-- bytes, above 512 without EDNS: TC and nothing in the answer; dig's TCP
-- retry gets all 40; with EDNS 1232 it fits (674 + 11 for the OPT)
r = got.mid_plain_ign
check(r.tc and #r.answer == 0 and not r.tcp, "mid without EDNS: tc %s, %d answers", tostring(r.tc), #r.answer)
check(r.size == 12 + 22, "mid without EDNS: %d bytes, expected 34 (header + question)", r.size)
r = got.mid_plain
check(r.tc_retry and r.tcp and not r.tc and #r.answer == 40, "mid over TCP: %d answers", #r.answer)
r = got.mid_edns
check(not r.tc and not r.tc_retry and #r.answer == 40 and r.size == 12 + 22 + 640 + 11,
      "mid with EDNS: tc %s, %d answers, %d bytes", tostring(r.tc), #r.answer, r.size)
-- 100 A: 12 + 22 + 1600 + 11 = 1645 > 1232: TC, then TCP
r = got.big_edns
check(r.tc_retry and r.tcp and #r.answer == 100 and r.size == 1645,
      "big: tc_retry %s, %d answers, %d bytes", tostring(r.tc_retry), #r.answer, r.size)

-- the function chose by source: c1 got one address, c2 the other two
check(#got.lb1.answer == 1 and got.lb1.answer[1].data == "10.0.0.11", "lb1: %d answers", #got.lb1.answer)
check(#got.lb2.answer == 2 and got.lb2.answer[1].data == "10.0.0.12" and got.lb2.answer[1].ttl == 30,
      "lb2: %d answers", #got.lb2.answer)

-- records change mid-run
z:set("www", "A", { "10.0.0.8", "10.0.0.9" }, "60s")
check(z:remove("mail", "MX") == 1, "remove mail MX")
ask("www2", c1, "www.example.test")
ask("mail2", c1, "mail.example.test", { type = "MX" })
run("5s")
r = got.www2
check(#r.answer == 2 and r.answer[1].ttl == 60, "www after set: %d answers", #r.answer)
check(got.mail2.rcode == "NXDOMAIN", "mail after remove: %s", got.mail2.rcode)
-- and each change is an events row at its time
local ev = query("select t_ns, entity, kind, detail from events where kind like 'dns_zone_%' order by rowid")
check(#ev == 2 and ev[1].t_ns == 4e9 and ev[1].entity == "example.test"
      and ev[1].detail == "www.example.test A ttl=60 10.0.0.8, 10.0.0.9"
      and ev[2].kind == "dns_zone_remove" and ev[2].detail == "mail.example.test MX",
      "zone change events: %d", #ev)

-- several queries on one TCP connection, answered in order (RFC 7766)
local function query_bytes(id, name, qtype)
  local q = string.pack(">I2I2I2I2I2I2", id, 0, 1, 0, 0, 0)
  for label in name:gmatch("[^.]+") do q = q .. string.char(#label) .. label end
  q = q .. "\0" .. string.pack(">I2I2", qtype, 1)
  return string.pack(">s2", q)
end
local ids, buf = {}, ""
tcp.connect { from = c2, to = ns, port = 53,
  on_connect = function(c)
    c:send(query_bytes(101, "www.example.test", 1) .. query_bytes(102, "nothere.example.test", 1)
           .. query_bytes(103, "web.example.test", 1))
  end,
  on_data = function(c)
    buf = buf .. c:recv()
    while #buf >= 2 do
      local len = string.unpack(">I2", buf)
      if #buf < 2 + len then break end
      local msg = buf:sub(3, 2 + len)
      buf = buf:sub(3 + len)
      local id, flags = string.unpack(">I2I2", msg)
      ids[#ids + 1] = { id = id, rcode = flags & 15 }
    end
  end }
run("6s")
check(#ids == 3, "TCP: %d answers on one connection, expected 3", #ids)
check(ids[1].id == 101 and ids[2].id == 102 and ids[3].id == 103, "TCP: answers out of order")
check(ids[1].rcode == 0 and ids[2].rcode == 3 and ids[3].rcode == 0, "TCP: rcodes %d %d %d", ids[1].rcode, ids[2].rcode, ids[3].rcode)

-- the server closes an idle connection after 30 s (Unbound, BIND)
local closed_at
tcp.connect { from = c1, to = ns, port = 53,
  on_connect = function(c) c:send(query_bytes(7, "www.example.test", 1)) end,
  on_data = function(c) c:recv() end,
  on_peer_closed = function(c) closed_at = now(); c:close() end }
run("60s")
check(closed_at and closed_at > 36e9 and closed_at < 37e9, "idle close at %s", tostring(closed_at))

local st = srv:stats()
check(st.tcp_conns == 4 and st.truncated == 3 and st.referrals == 2 and st.refused == 1,
      "stats: %d conns, %d truncated, %d referrals, %d refused", st.tcp_conns, st.truncated, st.referrals, st.refused)
print("ok: answers, NXDOMAIN/NODATA with SOA TTL 60, CNAME, referral with glue, REFUSED, TC and TCP retry, GSLB, set/remove, TCP pipelining, idle close")
