-- Malformed bytes at the HTTP server are protocol actions, never a crash:
--   HTTP/1.x garbage -> "400 Bad Request" with Connection: close, then the
--   server closes (nginx; RFC 9112 §2.2, §5.1);
--   an h2c preface followed by a frame that is not SETTINGS -> GOAWAY
--   (PROTOCOL_ERROR, RFC 9113 §3.4) and the connection closed;
--   a request after a good one on the same connection still gets its answer
--   first (the 400 comes second).
-- Also a client facing a server that answers garbage fails the request with
-- a "protocol:" error.
local c, s = node "c", node "s"
link(c, s, { rate = "100Mbps", delay = "1ms" })
local srv = http.server { node = s, default_size = "100B" }

local function probe(name, bytes)
  local got, closed = {}, false
  tcp.connect { from = c, to = s, port = 80, name = name,
    on_connect = function(k) k:send(bytes) end,
    on_data = function(k) got[#got + 1] = k:recv() end,
    on_peer_closed = function(k) closed = true; k:close() end }
  return function() return table.concat(got), closed end
end

local bad1 = probe("bad1", "GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n")
local bad2 = probe("bad2", "\0\1\2\3 garbage \255\r\n\r\n")
local mixed = probe("mixed", "GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost : a\r\n\r\n")
local h2bad = probe("h2bad", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\4\8\0\0\0\0\0\0\0\0\1")

-- a fake server that answers any request with a broken status line
tcp.listen { node = s, port = 8080,
  on_data = function(k) k:recv(); k:send("HTTP/1.1 2x0 Whatever\r\n\r\n") end }
http.client { node = c, name = "victim", url = "http://" .. s.addr .. ":8080/", count = 1 }

run("2s")

local out, closed = bad1()
assert(out:match("^HTTP/1.1 400 Bad Request\r\n") and out:match("Connection: close\r\n") and closed,
  "bad header: expected a 400 and a close, got " .. string.format("%q", out))
print("ok: a malformed header line gets 400 and the connection closed")
out, closed = bad2()
assert(out:match("^HTTP/1.1 400 ") and closed, "garbage: expected 400 and a close")
print("ok: binary garbage gets 400 and the connection closed")
out, closed = mixed()
local first, second = out:match("^(HTTP/1.1 200 OK.-)(HTTP/1.1 400 .*)$")
assert(first and second and closed, "pipelined good then bad: expected 200 then 400, got " .. string.format("%q", out))
print("ok: a good request then a bad one: 200, then 400 and close")
out, closed = h2bad()
-- the server's frames: its SETTINGS, then GOAWAY: type 7, flags 0, stream 0,
-- last stream 0, error code 1 (PROTOCOL_ERROR)
assert(closed and out:find("\7" .. string.rep("\0", 12) .. "\1", 1, true), "h2c: expected a GOAWAY and a close")
print("ok: h2c preface then a bad frame: GOAWAY and the connection closed")
local st = srv:stats()
assert(st.bad_requests == 4, "the server should count 4 bad requests, got " .. st.bad_requests)
local r = query("select status, error from http_requests where client = 'victim'")[1]
assert(r and r.status == 0 and r.error:match("^protocol: bad status"), "client: expected a protocol error, got " .. tostring(r and r.error))
print("ok: a client given a broken status line fails the request: " .. r.error)
