# Misuse of the TCP bindings (tcp.listen, tcp.connect, tcp.defaults and a
# connection's methods) ends in a clear error naming the script's line and
# the argument, with a non-zero exit; never a crash or a sanitizer report.
# And a listener closed by the script is gone: a SYN to its port is
# refused (it was a heap use-after-free in tcp_lookup), and its embryonic
# children go with it (Linux inet_csk_listen_stop).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad 'LUA' MESSAGE: a script whose line 3 is LUA must fail with MESSAGE
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\nrun("1s")\n' \
		"$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

# an MSS below the smallest segment wrapped to 4294967285 bytes
bad 'tcp.connect { from = a, to = b, port = 80, mss = 40 }' \
	"tcp.connect: mss: 40 is below the smallest segment size, 88 bytes"
bad 'tcp.listen { node = b, port = 80, mss = 1 }' "tcp.listen: mss: 1 is below the smallest segment size"
bad 'tcp.defaults { mss = 65496 }' "tcp.defaults: mss: 65496 is out of range [0, 65495]"
bad 'tcp.defaults { mss = -1 }' "tcp.defaults: mss: -1 is out of range"
# sizes of 4 GiB or more were truncated to 32 bits
bad 'tcp.connect { from = a, to = b, port = 80, sndbuf = "4GiB" }' \
	"tcp.connect: sndbuf: 4294967296 bytes is more than a TCP buffer can hold (at most 4294967295)"
bad 'tcp.defaults { rcvbuf = 4294967296 }' "tcp.defaults: rcvbuf: 4294967296 bytes is more than a TCP buffer"
bad 'tcp.defaults { rcvbuf_max = "8GiB" }' "tcp.defaults: rcvbuf_max: 8589934592 bytes is more than"
bad 'tcp.defaults { sndbuf_max = "5GB" }' "tcp.defaults: sndbuf_max: 5000000000 bytes is more than"
bad 'tcp.defaults { sndbuf = 0 }' "tcp.defaults: buffers must hold at least one byte"
# durations that would overflow now + d in a timer
bad 'tcp.defaults { rto_initial = "100000h" }' "tcp.defaults: rto_initial: 360000000 s is more than the longest allowed, 3600 s"
bad 'tcp.defaults { rto_initial = "1000000h" }' "tcp.defaults: rto_initial: 3600000000s is longer than any run can last"
bad 'tcp.connect { from = a, to = b, port = 80, rto_max = "2h" }' "tcp.connect: rto_max: 7200 s is more than the longest allowed"
bad 'tcp.defaults { rto_min = "2h" }' "tcp.defaults: rto_min: 7200 s is more than the longest allowed"
bad 'tcp.defaults { delack_min = "1000h" }' "tcp.defaults: delack_min: 3600000 s is more than"
bad 'tcp.defaults { time_wait = "100000h" }' "tcp.defaults: time_wait: 360000000 s is more than the longest allowed, 2592000 s"
bad 'tcp.defaults { fin_timeout = "100000h" }' "tcp.defaults: fin_timeout: 360000000 s is more than"
bad 'tcp.defaults { rto_initial = "0s" }' "tcp.defaults: need 0 < rto_min <= rto_max and rto_initial > 0"
bad 'tcp.defaults { rto_min = "2s", rto_max = "1s" }' "tcp.defaults: need 0 < rto_min <= rto_max"
# wrong types and unknown keys
bad 'tcp.defaults { rto_initial = 5 }' "tcp.defaults: rto_initial: expected a duration like"
bad 'tcp.defaults { sack = "yes" }' "tcp.defaults: sack: expected true or false, got 'yes'"
bad 'tcp.defaults { cc = "vegetable" }' "tcp.defaults: unknown congestion control 'vegetable'"
bad 'tcp.defaults { init_cwnd = 0 }' "tcp.defaults: init_cwnd: 0 is out of range [1, 1000000]"
bad 'tcp.listen { node = b, port = 80, on_accept = 5 }' "tcp.listen: on_accept: expected a function, got number"
bad 'tcp.listen { node = b, port = 0 }' "tcp.listen: port: 0 is out of range [1, 65535]"
bad 'tcp.listen { node = b }' "tcp.listen: 'port' is required"
bad 'tcp.listen { node = b, port = 80, prot = 1 }' "tcp.listen: unknown option 'prot' (expected one of: node, port"
bad 'tcp.connect { from = a, to = b, port = "http" }' "tcp.connect: port: expected"
bad 'tcp.connect { from = a, to = b, port = 80, local_port = 70000 }' "tcp.connect: local_port: 70000 is out of range"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:send({})' "bad argument #1 to 'send' (number expected, got table)"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:send(-5)' "send: a byte count must not be negative"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:recv(-1)' "bad argument #1 to 'recv' (a byte count must not be negative)"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:discard("all")' "bad argument #1 to 'discard' (number expected, got string)"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c.send(5, 1)' "bad argument #1 to 'send' (wirelab.tcpconn expected, got number)"
# calls on closed sockets
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:close(); c:send(10)' "send: the connection is closed"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:close(); c:shutdown()' "shutdown: the connection is closed"
bad 'local c = tcp.connect { from = a, to = b, port = 80 }; c:abort(); c:send("x")' "send: the connection is closed"
bad 'local l = tcp.listen { node = b, port = 80 }; l:close(); l:recv(-2)' "bad argument #1 to 'recv'"
bad 'local l = tcp.listen { node = b, port = 80 }; l:send(10)' "send: not connected"
# a connect whose time lies in the past
bad 'at("0.5s", function() tcp.connect { from = a, to = b, port = 80, at = "0.1s" } end)' \
	"tcp.connect: at: 0.100000000 s is in the past (now is 0.500000000 s)"

# Closing is not an error: methods of a closed connection answer quietly.
cat > ok.lua <<'EOF'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "10ms" })
-- a closed listener: a SYN to its port is refused (RFC 9293 §3.10.7.1)
local l = tcp.listen { node = b, port = 80 }
l:close()
l:close()
assert(l:recv() == "" and l:discard() == 0 and l.state == "CLOSED")
local refused
tcp.connect { from = a, to = b, port = 80, on_error = function(c, e) refused = e end }
-- a listener closed with an embryonic child: the SYN arrives at 10 ms,
-- the handshake's ACK at 30 ms; closed at 20 ms, the child goes silently
-- and the ACK finds no socket: reset (Linux drops the request socket)
local accepted = false
local l2 = tcp.listen { node = b, port = 81, on_accept = function() accepted = true end }
at("0.02s", function() l2:close() end)
local reset, connected
tcp.connect { from = a, to = b, port = 81, on_connect = function() connected = true end,
              on_error = function(c, e) reset = e end }
-- a third listener closed after many children are born and before any completes
local l3 = tcp.listen { node = b, port = 82, backlog = 8 }
local errs = 0
for i = 1, 20 do
  tcp.connect { from = a, to = b, port = 82, on_error = function() errs = errs + 1 end }
end
at("0.015s", function() l3:close() end)
-- port 80 is free again for a new listener, which works
at("1s", function()
  local got = 0
  tcp.listen { node = b, port = 80, on_data = function(c) got = got + c:discard() end,
               on_peer_closed = function(c) c:close() end }
  tcp.connect { from = a, to = b, port = 80, on_connect = function(c) c:send(10000); c:close() end }
  at("3s", function() assert(got == 10000, "received " .. got) end)
end)
record { "tcp_events" }
run("5s")
assert(refused == "connection refused", "SYN to a closed listener: " .. tostring(refused))
assert(connected and reset == "connection reset by peer" and not accepted,
       "embryonic child of a closed listener: " .. tostring(reset))
-- 8 were embryonic (backlog 8, reset at their ACK), 12 were dropped at
-- the full backlog (their SYNs retried after 1 s and were refused)
assert(errs == 20, "children of the third listener: " .. errs .. " errors")
print("ok")
EOF
$W run ok.lua --quiet --out ok.db > out.txt 2> err.txt || { cat out.txt err.txt; fail "closing listeners"; }
grep -q "AddressSanitizer\|runtime error" err.txt && { cat err.txt; fail "sanitizer report"; }
echo "ok: closed listeners"
