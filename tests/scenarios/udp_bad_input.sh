# Bad input to udp.bind and the socket methods: the script's line, the
# argument, what was expected, a non-zero exit, never a crash.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two linked nodes a and b
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

bad 'udp.bind()' 'udp.bind: expected a table of options'
bad 'udp.bind { port = 5 }' "udp.bind: 'node' is required"
bad 'udp.bind { node = a, port = 70000 }' 'udp.bind: port: 70000 is out of range [0, 65535]'
bad 'udp.bind { node = a, prot = 5 }' 'udp.bind: unknown option'
bad 'udp.bind { node = a, on_datagram = 5 }' 'udp.bind: on_datagram: expected a function, got number'
bad 'udp.bind { node = a, port = 5 } udp.bind { node = a, port = 5 }' 'udp.bind: port 5 on a is already in use'
bad 'local s = udp.bind { node = a } s:sendto(b, 0, "x")' "bad argument #2 to 'sendto' (a port from 1 to 65535 expected)"
bad 'local s = udp.bind { node = a } s:sendto(b, 9, string.rep("x", 65508))' "bad argument #3 to 'sendto' (a datagram holds at most 65507 bytes)"
bad 'local s = udp.bind { node = a } s:sendto(b, 9, -1)' "bad argument #3 to 'sendto' (a byte count from 0 to 65507 expected)"
bad 'local s = udp.bind { node = a } s:sendto(b, 9, {})' "bad argument #3 to 'sendto' (string or integer byte count expected, got table)"
bad 'local s = udp.bind { node = a } s:sendto("nowhere", 9, 1)' "sendto: there is no node named 'nowhere'"
bad 'local s = udp.bind { node = a } s.sendto(b, 9, 1)' 'sendto: a method of a UDP socket, to call with a colon'
bad 'local s = udp.bind { node = a } s:close() s:sendto(b, 9, 1)' 'sendto: the socket is closed'
bad 'udp.bind { node = a, on_datagram = function() error("boom") end } local s = udp.bind { node = b } s:sendto(a, 32768, 1) run("1s")' 'boom'
echo "ok: udp.bind refuses bad input"
