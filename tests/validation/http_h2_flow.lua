-- HTTP/2 stream flow control (RFC 9113 §5.2, §6.9): a receiver that
-- announces a stream window W lets the sender have at most W DATA bytes
-- not yet credited by WINDOW_UPDATE.  nghttp2 credits automatically once
-- the bytes consumed since the last update reach half the window
-- (nghttp2_should_send_window_update: recv_window_size >= window / 2), and
-- what is left below that half waits for the next burst, so in steady state
-- about W/2 is credited per round trip.  At RTT R = 100 ms and 1 Gbps a
-- 1 MiB body with W = 64 KiB then needs 1 MiB / 32 KiB = 32 round trips
-- (one fewer: the first carries the whole window): the transfer (first to
-- last response byte) is between 29R and 33R, and with W = 128 KiB half
-- that, 14R to 17R.  With Chrome's 6 MiB window only slow start bounds it
-- (under 8R: IW10 doubling passes 1 MiB in 7 round trips).
local R = 100e6
local res = {}
for _, w in ipairs({ "64KiB", "128KiB", "6MiB" }) do
  local tag = "w" .. w
  local c, s = node(tag .. "c"), node(tag .. "s")
  link(c, s, { rate = "1Gbps", delay = "50ms" })
  http.server { node = s, resources = { ["/big"] = "1MiB" } }
  http.client { node = c, name = tag, url = "http://" .. s.addr .. "/big", proto = "h2", count = 1, h2_window = w }
end
run("10s")
local function recv(tag)
  local r = query(string.format("select status, receive_ns, resp_bytes from http_requests where client = '%s'", tag))[1]
  assert(r and r.status == 200 and r.resp_bytes > 1048576, tag .. ": no full answer")
  return r.receive_ns
end
local small, mid, big = recv("w64KiB"), recv("w128KiB"), recv("w6MiB")
assert(small >= 29 * R and small <= 33 * R, string.format("64 KiB window: %.1f RTTs, expected 29..33", small / R))
assert(mid >= 14 * R and mid <= 17 * R, string.format("128 KiB window: %.1f RTTs, expected 14..17", mid / R))
assert(big < 8 * R, string.format("6 MiB window: %.1f RTTs, expected under 8", big / R))
print(string.format("ok: 1 MiB over h2: %.2f RTTs with a 64 KiB stream window, %.2f with 128 KiB, %.2f with 6 MiB",
  small / R, mid / R, big / R))
