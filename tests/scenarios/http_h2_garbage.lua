-- The server's HTTP/2 side against 400 mutated client byte streams (a real
-- h2c opening from a wirelab client: preface, SETTINGS, WINDOW_UPDATE and
-- three HEADERS frames, with bytes flipped, cut, repeated or inserted by a
-- fixed LCG): every connection ends (answered, GOAWAY, RST_STREAM or
-- closed), nothing crashes (the san build runs this under ASan), and a
-- well-formed h2 client is still answered afterwards.
local hex = "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001804000000000000010001000000020000000000040060000000060004000000000408000000000000ef000100001701050000000182864186081702e15c5f847a85f06b0b40e353032a2f2a0000060105000000038286c084bfbe0000060105000000058286c084bfbe"
local good = hex:gsub("..", function(h) return string.char(tonumber(h, 16)) end)
local seed = 12345
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local function mutate(s)
  local b = { s:byte(1, -1) }
  for _ = 1, 1 + rnd(4) do
    local k, at = rnd(4), 1 + rnd(#b)
    if k == 0 then b[at] = rnd(256)
    elseif k == 1 then for i = #b, at + 1 + rnd(#b - at + 1), -1 do b[i] = nil end
    elseif k == 2 then table.insert(b, at, rnd(256))
    else for i = 0, rnd(16) do table.insert(b, at, b[math.min(#b, at + i)]) end end
  end
  -- keep the preface most of the time, so the frames are what is tested
  if rnd(10) > 0 then for i = 1, 24 do b[i] = good:byte(i) end end
  local out = {}
  for i = 1, #b do out[i] = string.char(b[i]) end
  return table.concat(out)
end

local c, s = node "c", node "s"
link(c, s, { rate = "1Gbps", delay = "1ms" })
local srv = http.server { node = s, default_size = "2KB", keepalive_timeout = "2s" }
local ended = 0
for i = 1, 400 do
  local bytes = mutate(good)
  at(string.format("%dms", i * 5), function()
    tcp.connect { from = c, to = s, port = 80,
      on_connect = function(k) k:send(bytes) end,
      on_data = function(k) k:recv() end,
      on_peer_closed = function(k) ended = ended + 1; k:close() end,
      on_error = function(k) ended = ended + 1 end }
  end)
end
http.client { node = c, name = "after", url = "http://" .. s.addr .. "/", proto = "h2", count = 3, start = "4s" }
run("10s")
assert(ended == 400, "every mutated connection should end (the server's idle timeout at the latest), ended " .. ended)
local st = srv:stats()
assert(st.bad_requests > 100, "most mutations should be protocol errors, got " .. st.bad_requests)
local ok = query("select count(*) as n from http_requests where client = 'after' and status = 200")[1].n
assert(ok == 3, "a good client after the garbage: " .. ok .. " of 3 answered")
print(string.format("ok: 400 mutated h2 openings: %d protocol errors, %d answers; a good client is answered after",
  st.bad_requests, st.responses - 3))
