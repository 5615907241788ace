-- BGP sessions against RFC 4271 (models/bgp, bgp.session):
--  §8 message flow: after the TCP handshake (1 RTT) come OPEN and KEEPALIVE
--    each way (1 RTT): with Nagle off, the initiator is Established at 2 RTT;
--  §4.4, §10: a KEEPALIVE every Hold/3 (30 s of the default 90 s), with
--    jitter off (FRR sends them unjittered, bgpd/bgp_keepalives.c);
--  §4.2, §10: a silent peer is dropped exactly Hold Time after the last
--    message received, with NOTIFICATION 4/0 (Hold Timer Expired);
--  §4.2: the smaller hold time wins; 0 means no KEEPALIVEs at all;
--  §6.3: a malformed UPDATE (Withdrawn Routes Length past the end of the
--    message) is answered with NOTIFICATION 3/1 and the session drops;
--    RFC 7606 §7.1: a bad ORIGIN value is treat-as-withdraw, session kept.
local ms, s = 1000000, 1000000000

local function pair(name, one_way, opts_a, opts_b)
  local a, b = node(name .. "a"), node(name .. "b")
  link(a, b, { rate = "100Mbps", delay = one_way })
  local ev = { a = {}, b = {} }
  local function cbs(t, who)
    t.on_established = function(x) ev[who].up = now() end
    t.on_down = function(x, reason, code, sub)
      ev[who].down = now(); ev[who].reason = reason; ev[who].code = code; ev[who].sub = sub
    end
    t.on_update = function(x, u) ev[who].update = u end
    return t
  end
  local oa = { node = a, peer = b, local_as = 65001, peer_as = 65002, restart = false }
  local ob = { node = b, peer = a, local_as = 65002, peer_as = 65001, passive = true, restart = false }
  for k, v in pairs(opts_a or {}) do oa[k] = v end
  for k, v in pairs(opts_b or {}) do ob[k] = v end
  return bgp.session(cbs(oa, "a")), bgp.session(cbs(ob, "b")), ev
end

local function check(cond, what) assert(cond, what); print("ok: " .. what) end

-- 1. the message flow: 10 ms one way, Nagle off
local fa, fb, fev = pair("flow", "10ms", { nodelay = true }, { nodelay = true })
-- 2. keepalives and hold expiry: defaults (90 s / 30 s)
local ka, kb, kev = pair("hold", "1ms")
-- 3. negotiation: b offers 30 s, then 0
local na, nb, nev = pair("neg", "1ms", nil, { hold = "30s" })
local za, zb, zev = pair("zero", "1ms", nil, { hold = "0s" })
-- 4. malformed UPDATEs
local ma, mb, mev = pair("mal", "1ms")
local wa, wb, wev = pair("tw", "1ms")

-- 5. the channel transport (no TCP): SYN and SYN-ACK take one delay each,
--    so with 10 ms the passive side is Established at 30 ms, the initiator
--    at 40 ms; the same FSM drops a silenced peer after the Hold Time.
local cev = { x = {}, y = {} }
local cx = bgp.session { transport = "channel", id = "1.1.1.1", local_as = 1, peer_as = 2,
  restart = false, on_established = function() cev.x.up = now() end,
  on_down = function(s, r, c, sub) cev.x.down = now(); cev.x.code = c end }
local cy = bgp.session { transport = "channel", id = "2.2.2.2", local_as = 2, peer_as = 1,
  passive = true, restart = false, with = cx, delay = "10ms",
  on_established = function() cev.y.up = now() end }

run("1s")
check(cev.y.up == 30 * ms and cev.x.up == 40 * ms, "channel: Established at 3 and 4 delays")
-- 2 RTT = 40 ms, plus transmission of a few short frames at 100 Mbit/s
check(fev.a.up and fev.a.up >= 40 * ms and fev.a.up < 41 * ms,
      string.format("initiator Established at %.3f ms (2 RTT = 40 ms)", fev.a.up / ms))
check(fev.b.up and fev.b.up >= 50 * ms and fev.b.up < 51 * ms,
      string.format("passive side Established at %.3f ms (2.5 RTT)", fev.b.up / ms))
local st = fa:stats()
check(st.open_out == 1 and st.keepalive_out == 1 and st.open_in == 1 and st.keepalive_in == 1,
      "one OPEN and one KEEPALIVE each way")
check(ka:state() == "Established" and kb:state() == "Established", "default session Established")
check(na:hold_time() == 30 * s and na:keepalive_time() == 10 * s,
      "hold 90 s vs 30 s: 30 s negotiated, keepalive 10 s")
check(za:hold_time() == 0 and za:keepalive_time() == 0, "hold 0 negotiated")

-- keepalives: every 30 s exactly from the one sent in OpenConfirm
local k0 = ka:stats().last_keepalive_out
local n0 = ka:stats().keepalive_out
local gaps = {}
for i = 1, 5 do
  run(string.format("%dns", k0 + i * 30 * s - 1))
  assert(ka:stats().keepalive_out == n0 + i - 1, "a keepalive came early")
  run(string.format("%dns", k0 + i * 30 * s))
  assert(ka:stats().keepalive_out == n0 + i, "no keepalive at Hold/3")
  gaps[#gaps + 1] = (ka:stats().last_keepalive_out - k0 - (i - 1) * 30 * s) / s
end
check(true, "keepalive gaps (s): " .. table.concat(gaps, " ") .. " = Hold/3")

-- malformed UPDATE: Withdrawn Routes Length 10, nothing follows
local marker = string.rep("\255", 16)
ma:send_raw(marker .. "\0\23\2" .. "\0\10" .. "\0\0")
-- ORIGIN value 7, AS_PATH (65001), NEXT_HOP 10.0.0.1, NLRI 10/8
wa:send_raw(marker .. "\0\45\2" .. "\0\0" .. "\0\20" ..
            "\64\1\1\7" .. "\64\2\6\2\1\0\0\253\233" .. "\64\3\4\10\0\0\1" .. "\8\10")
run("181s")
check(mev.b.down and mev.b.code == 3 and mev.b.sub == 1 and mev.b.reason == "notification sent",
      "malformed UPDATE: NOTIFICATION 3/1 sent, session dropped")
check(mev.a.code == 3 and mev.a.sub == 1 and mb:state() == "Idle", "the sender got 3/1")
check(wev.b.update and wev.b.update.treat_as_withdraw and wev.b.update.error == "3/6" and
      wev.b.update.nlri[1] == "10.0.0.0/8" and wb:state() == "Established",
      "bad ORIGIN: treat-as-withdraw (RFC 7606), session kept")
check(za:stats().keepalive_out == 1 and zb:stats().keepalive_out == 1 and za:state() == "Established",
      "hold 0: no keepalives after OpenConfirm's, no expiry in 180 s")

-- silence b: a drops the session Hold Time after the last message from b
kb:silence(true)
cy:silence(true)
local clast = cx:stats().last_rx
local last = ka:stats().last_rx
run("400s")
check(kev.a.down == last + 90 * s,
      string.format("hold timer expired %.9f s after the last message received", (kev.a.down - last) / s))
check(kev.a.code == 4 and kev.a.sub == 0 and kev.a.reason == "hold timer expired",
      "NOTIFICATION 4/0 sent")
check(kev.b.code == 4 and kev.b.reason == "notification received", "the silent peer received 4/0")
check(cev.x.down == clast + 90 * s and cev.x.code == 4, "channel: hold timer expired after 90 s, 4/0")
