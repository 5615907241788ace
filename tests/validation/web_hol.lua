-- Head-of-line blocking: one data segment dropped on purpose in the middle
-- of a page load.  Over HTTP/2 every object shares one TCP byte stream, so
-- the hole stops the delivery of every stream behind it until the
-- retransmission arrives, at least one RTT later (the sender learns of the
-- loss from duplicate ACKs or SACKs that come back one RTT after the hole,
-- RFC 5681 §3.2 / RFC 8985; the bytes after the hole wait in the
-- receiver's out-of-order queue, RFC 9293 §3.10.7.4); with 6 HTTP/1.1
-- connections only the object in flight on the connection that lost it
-- waits (RFC 9113 §1 and §5 describe the trade).
--
-- Four client/server pairs, identical but for the protocol and the loss:
-- HTTP/2 and HTTP/1.1 x 6, each with and without the drop.  The drop: when
-- the HTML has arrived (on_html) the objects are requested; their
-- requests reach the server R/2 later (HTTP/2) or, on the 5 new HTTP/1.1
-- connections, after their handshake, 3R/2 later; 1 ms into the server's
-- burst, when every connection is sending, the link's loss model becomes
-- "drop the next packet the server sends" (net.md: model "list",
-- packets = { 1 }).  The drops metric
-- records when, and that the packet was a full data segment.
-- Checks (R = 50 ms, 100 Mbit/s, 30 objects of 20 KB), against the same
-- page without the drop:
--   HTTP/2: every object not complete when the lost segment would have
--     reached the client completes only with the retransmission, at least
--     0.9 R after that instant (the retransmission comes one RTT after the
--     hole; 0.1 R of slack for the segments' transmission and the
--     loss-detection timer's rounding), and that is at least 20 of the 30;
--   HTTP/1.1 x 6: the object in flight on the connection that lost the
--     segment takes at least 0.8 R longer than any object of the page
--     without the drop (it waits about R for the retransmission; 0.2 R of
--     slack because it is compared with the longest undisturbed object,
--     which may be a few ms slower than it would have been), and no object on the other five connections takes
--     longer than the longest without the drop (+0.1 R).
local R_ms = 50
local objects = {}
for i = 1, 30 do objects[i] = "20KB" end

local pages = {}
-- drop: ms after the HTML's arrival to arm the drop, or nil
local function pair(name, proto, drop)
  local cl, sv = node("c_" .. name), node("s_" .. name)
  local l = link(cl, sv, { rate = "100Mbps", delay = (R_ms // 2) .. "ms", queue = fifo { limit = 1000 } })
  local srv = web.server { on = sv }
  web.page {
    from = cl, server = srv, url = "http://" .. sv.addr .. "/", proto = proto, conns = 6,
    html = "14KB", objects = objects, name = name,
    on_done = function(page) pages[name] = page end,
    on_html = drop and function()
      at(now() + drop * 1000000, function() l:set_loss({ model = "list", packets = { 1 } }, sv) end)
    end or nil,
  }
  return l
end
pair("h2_base", "h2", false)
pair("h2_drop", "h2", R_ms // 2 + 1)
pair("h1_base", "h1.1", false)
pair("h1_drop", "h1.1", 3 * R_ms // 2 + 1)
record { "drops" }
run("30s")
for _, n in ipairs { "h2_base", "h2_drop", "h1_base", "h1_drop" } do
  assert(pages[n] and pages[n].onload_ns and not pages[n].error, n .. ": the page did not load cleanly")
  print(string.format("%-8s page load %.1f ms", n, pages[n].onload_ns / 1e6))
end

-- the two drops: when, and that each was a data segment
local drops = query("select t_ns, entity, detail from events where kind = 'drop' order by t_ns")
assert(#drops == 2, string.format("expected 2 drops, got %d", #drops))
local t_drop = {}
for _, d in ipairs(drops) do
  local len = tonumber(d.detail:match("len=(%d+)"))
  assert(d.detail:match("^loss") and len and len >= 1000,
    "the dropped packet should be a data segment: " .. d.detail)
  local who = d.entity:match("s_(h%d_drop)")
  assert(who, "drop at " .. d.entity)
  t_drop[who] = d.t_ns
  print(string.format("dropped at %.3f ms on %s: %s", d.t_ns / 1e6, d.entity, d.detail))
end

-- finish time of each object of a page: start plus its phases
local function objects_of(name)
  local rows = query(string.format([[select url, conn_id,
      started_ns + max(blocked_ns, 0) + max(dns_ns, 0) + max(connect_ns, 0) + max(send_ns, 0)
        + max(wait_ns, 0) + max(receive_ns, 0) as fin,
      max(send_ns, 0) + max(wait_ns, 0) + max(receive_ns, 0) as dur
    from http_requests where page_id = %d and url like '%%/obj/%%' order by url]], pages[name].id))
  local by = {}
  for _, r in ipairs(rows) do by[r.url:match("/obj/.*$")] = r end
  assert(#rows == 30, name .. ": expected 30 objects, got " .. #rows)
  return by
end

local R_ns = R_ms * 1000000
-- HTTP/2
local base, drop = objects_of("h2_base"), objects_of("h2_drop")
local hole_at = t_drop.h2_drop + R_ns // 2  -- when the lost segment would have arrived
local behind, blocked, delayed = 0, 0, 0
for path, b in pairs(base) do
  if b.fin > hole_at then
    behind = behind + 1
    local f = drop[path].fin
    if f >= hole_at + 0.9 * R_ns then blocked = blocked + 1
    else print(string.format("  %s: done %.3f ms after the hole", path, (f - hole_at) / 1e6)) end
    if f - b.fin >= 0.9 * R_ns then delayed = delayed + 1 end
  end
end
print(string.format("h2: %d objects not complete when the hole reached the client; %d of them completed"
  .. " only with the retransmission (>= 0.9 R later), %d of them >= 0.9 R later than without the drop",
  behind, blocked, delayed))
assert(behind >= 20, "h2: the drop should come before most objects finish")
assert(blocked == behind, "h2: every object behind the hole waits for the retransmission")

-- HTTP/1.1 x 6: each object's time on its connection (request written
-- to last byte: HAR send + wait + receive).  Without the drop none takes
-- longer than `longest` (an object on a new connection needs two rounds
-- of slow start).  With it, the connection that lost the segment is the
-- one of the slowest object, which waited for the retransmission; every
-- object on the other five connections takes no longer than without the
-- drop (objects move between connections, as the stalled one takes fewer,
-- so they are compared with the longest, not one by one).
local base1, drop1 = objects_of("h1_base"), objects_of("h1_drop")
local longest = 0
for _, b in pairs(base1) do longest = math.max(longest, b.dur) end
local lossy, slowest = nil, 0
for _, d in pairs(drop1) do
  if d.dur > slowest then slowest, lossy = d.dur, d.conn_id end
end
local others, others_late = 0, 0
for path, d in pairs(drop1) do
  if d.conn_id ~= lossy then
    others = others + 1
    if d.dur > longest + 0.1 * R_ns then
      others_late = others_late + 1
      print(string.format("  %s on connection %d took %.3f ms", path, d.conn_id, d.dur / 1e6))
    end
  end
end
print(string.format("h1.1 x6: longest object without the drop %.1f ms; with it %.1f ms on the connection"
  .. " that lost the segment; %d objects on the other connections, %d of them longer than %.1f ms",
  longest / 1e6, slowest / 1e6, others, others_late, (longest + 0.1 * R_ns) / 1e6))
assert(slowest >= longest + 0.8 * R_ns, "h1: the object on the lossy connection waits about an RTT")
assert(others >= 20 and others_late == 0, "h1: only the objects on the connection that lost it wait")
