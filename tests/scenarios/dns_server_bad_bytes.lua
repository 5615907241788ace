-- Malformed DNS bytes at an authoritative server (RFC 1035 §4.1.1 rcodes,
-- RFC 6891 §6.1.3): what has no header, and answers (QR set), are
-- dropped; a malformed query is FORMERR with the query's ID; an opcode
-- other than QUERY is NOTIMP; EDNS version 1 is BADVERS (16: 0 in the
-- header, 1 in the OPT's extended rcode); then 3000 random and mutated
-- datagrams, each answered FORMERR/NOTIMP/... or dropped, never a crash,
-- and the server still answers a good query afterwards.
local c, ns = node "c", node "ns"
link(c, ns, { rate = "100Mbps", delay = "1ms" })
local z = dns.zone { origin = "example.test", records = { { "www", "A", "10.0.0.5" } } }
local srv = dns.server { node = ns, zones = { z } }

local replies = {}
local sock = udp.bind { node = c, port = 5353,
  on_datagram = function(s, data, src, sport)
    replies[#replies + 1] = data
  end }

local function header(id, flags, qd, an, ns_, ar)
  return string.pack(">I2I2I2I2I2I2", id, flags, qd, an, ns_, ar)
end
local question = "\3www\7example\4test\0" .. string.pack(">I2I2", 1, 1)
local function send(bytes) sock:sendto(ns, 53, bytes) end

local function rcode_of(m)
  local id, flags = string.unpack(">I2I2", m)
  return id, flags & 15, (flags >> 11) & 15
end

-- 1. fewer than 12 bytes: dropped
send("\1\2\3\4\5")
-- 2. a response: dropped
send(header(2, 0x8000, 1, 0, 0, 0) .. question)
-- 3. the question cut short: FORMERR with ID 3
send(header(3, 0x0100, 1, 0, 0, 0) .. question:sub(1, 10))
-- 4. NOTIFY (opcode 4): NOTIMP
send(header(4, 4 << 11, 1, 0, 0, 0) .. question)
-- 5. EDNS version 1: BADVERS
local opt = "\0" .. string.pack(">I2I2I4I2", 41, 1232, 1 << 16, 0)
send(header(5, 0, 1, 0, 0, 1) .. question .. opt)
-- 6. a pointer loop in the question
send(header(6, 0, 1, 0, 0, 0) .. "\xc0\x0c" .. string.pack(">I2I2", 1, 1))
-- 7. 1200 zero bytes (a bulk sender's datagram): ID 0, counts 0, trailing bytes: FORMERR
sock:sendto(ns, 53, 1200)
run("1s")
local byid = {}
for _, m in ipairs(replies) do
  local id, rcode, opcode = rcode_of(m)
  byid[id] = { rcode = rcode, opcode = opcode, msg = m }
end
assert(#replies == 5, "expected 5 answers (FORMERR, NOTIMP, BADVERS, FORMERR, FORMERR), got " .. #replies)
assert(byid[1] == nil and byid[2] == nil, "answered what it should drop")
assert(byid[3].rcode == 1, "cut question: rcode " .. byid[3].rcode)
assert(byid[4].rcode == 4 and byid[4].opcode == 4, "NOTIFY: rcode " .. byid[4].rcode)
-- BADVERS = 16: header rcode 0, OPT extended rcode 1 (in the TTL's top byte)
local m5 = byid[5].msg
assert(byid[5].rcode == 0 and #m5 >= 12 + 22 + 11, "BADVERS: rcode " .. byid[5].rcode .. ", " .. #m5 .. " bytes")
local ext = m5:byte(#m5 - 11 + 6)
assert(ext == 1, "BADVERS: extended rcode " .. tostring(ext))
assert(byid[6].rcode == 1, "pointer loop: rcode " .. byid[6].rcode)
assert(byid[0].rcode == 1, "zeros: rcode " .. byid[0].rcode)

-- 8. garbage, and mutations of a good query
local good = header(100, 0x0100, 1, 0, 0, 1) .. question .. "\0" .. string.pack(">I2I2I4I2", 41, 1232, 0, 0)
local rng = 12345
local function rand(n) rng = (rng * 1103515245 + 12345) % 2147483648; return rng % n end
for i = 1, 3000 do
  local m
  if i % 3 == 0 then
    local t = {}
    for k = 1, rand(80) do t[k] = string.char(rand(256)) end
    m = table.concat(t)
  else
    local b = { good:byte(1, -1) }
    for _ = 1, 1 + rand(4) do b[1 + rand(#b)] = rand(256) end
    if rand(4) == 0 then for k = #b, 1 + rand(#b), -1 do b[k] = nil end end
    m = string.char(table.unpack(b))
  end
  at(1e9 + i * 100000, function() send(m) end)
end
run("2s")
local before = #replies
send(header(9999, 0, 1, 0, 0, 0) .. question)
run("3s")
assert(#replies == before + 1, "no answer to a good query after the garbage")
local id, rcode = rcode_of(replies[#replies])
assert(id == 9999 and rcode == 0, "good query after garbage: id " .. id .. " rcode " .. rcode)
local st = srv:stats()
assert(st.formerr > 100 and st.dropped > 10, "stats: formerr " .. st.formerr .. " dropped " .. st.dropped)
print(string.format("ok: %d datagrams, %d answers, %d FORMERR, %d dropped", st.udp_queries, #replies, st.formerr, st.dropped))
