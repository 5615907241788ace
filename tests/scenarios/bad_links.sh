# Bad input to node, router, link, routing and their methods: a clear
# message with the script's file and line, the argument's name and what
# was expected, a non-zero exit, never a crash (issue 8, section 1).
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA follows two linked nodes a and b on line 2; the
# error must name line 3 (or the line given in MESSAGE)
bad() {
	printf 'local a, b = node "a", node "b"\nlocal l = link(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\n' \
		"$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}
# badlink OPTIONS MESSAGE: link(a, b, { OPTIONS }) on line 2
badlink() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", %s })\nrun("1s")\n' "$1" > t.lua
	expect_error "t.lua:2: $2" -- $W run t.lua --quiet --out a.db
}

# addr must be a table of two addresses (a string segfaulted)
badlink 'addr = "10.0.0.1/24"' 'link: addr: expected { "192.168.1.1/24", "192.168.1.2/24" }, got string'
badlink 'addr = { "10.0.0.1/24" }' 'link: addr: expected { "192.168.1.1/24", "192.168.1.2/24" }, got a table without two entries'
badlink 'addr = { 5, {} }' 'link: addr: expected { "192.168.1.1/24", "192.168.1.2/24" }'
badlink 'addr = { "10.0.0.1/24", "10.0.1.2/24" }' 'link: addr: both ends must be in the same subnet'
badlink 'addr = { "0.0.0.0/8", "0.0.0.1/8" }' 'link: addr: 0.0.0.0 is not an address a node can have'

# durations the clock cannot add (2562047.7 h is just below 2^63 ns):
# bounded by SIM_TIME_LIMIT, 2^61 ns
badlink 'delay = "2562047.7h"' 'link: delay: 9223371720s is longer than any run can last (at most 2305843009.213693952s'
badlink 'jitter = "100000000h"' 'link: jitter: expected a duration like'
badlink 'jitter = "700000h"' 'link: jitter: 2520000000s is longer than any run can last'
badlink 'down_at = "2562047.7h"' 'link: down_at: 9223371720s is longer than any run can last'
badlink 'up_at = { "1s", 5 }' 'link: up_at[2]: expected a duration like'
badlink 'loss = { model = "list", packets = { [1] = 1, [3] = 3 } }' 'loss: packets: expected a list { n1, n2, ... }, got a table with other keys'
badlink 'loss = 0/0' 'link: loss: a probability in [0, 1], got'
badlink 'loss = { model = "periodic", every = 1.5 }' 'loss: every: expected an integer, got 1.5'
badlink 'mtu = 67' 'link: mtu: 67 is out of range [68, 65535]'

# times in the past, for objects made after run() (an assert aborted)
cat > past.lua <<'LUA'
local a, b = node "a", node "b"
run("2s")
link(a, b, { rate = "10Mbps", delay = "1ms", down_at = "1s" })
LUA
expect_error "past.lua:3: link: down_at: 1s is in the past (now is 2s)" -- $W run past.lua --quiet --out a.db

# the huge delay set later, when the clock is well on: now + delay
# overflowed in the link
bad 'run("3000s") l:set_delay("2562047.7h")' 'set_delay: delay: 9223371720s is longer than any run can last'
bad 'routing { delay = "2562047.7h" }' 'routing: delay: 9223371720s is longer than any run can last'
bad 'routing()' 'routing: expected a table of options { delay = ..., mode = ... }, got nothing'
bad 'routing(5)' 'routing: expected a table of options { ... }, got 5'
bad 'routing { mode = "ospf" }' "routing: mode: expected \"spf\" or \"static\", got 'ospf'"

# methods: called with '.', on the wrong object, without their argument
bad 'l.down()' 'down: a method of a link, to call with a colon, as x:down(...) (self is nothing)'
bad 'l.set_rate("5Mbps")' 'set_rate: a method of a link, to call with a colon, as x:set_rate(...) (self is string)'
bad 'a.ifaces(l)' 'ifaces: a method of a node, to call with a colon, as x:ifaces(...) (self is wirelab.link)'
bad 'l:set_rate()' 'set_rate: rate: missing, e.g. l:set_rate("5Mbps")'
bad 'l:set_delay()' 'set_delay: delay: missing'
bad 'l:set_rate("0bps")' 'set_rate: rate: a rate must be above zero'
bad 'l:set_queue(5)' 'set_queue: expected a queue such as fifo { limit = 100 }'
bad 'l:set_loss(2)' 'set_loss: loss: a probability in [0, 1], got 2'
bad 'l:queue_name(5)' 'queue_name: expected a node, got number'
bad 'a:route({}, b)' "route: prefix: expected a prefix like '10.1.0.0/16', got table"
bad 'a:route("10.0.0.0/40", b)' "route: prefix: expected a prefix like '10.1.0.0/16', got '10.0.0.0/40'"
bad 'a:route("10.0.0.0/8")' 'route: via: expected the neighbour to send through'
bad 'node(5)' 'node: expected a name, e.g. node "h1"'
bad 'router { name = string.rep("r", 40) }' "router: node name '$(printf 'r%.0s' $(seq 40))' must have 1 to 31 characters"
bad 'link(a, b)' 'link: give its options'
bad 'link(a, b, "fast")' "link: expected a table of options { ... }, got 'fast'"

# indexing with a key that is not a string is nil, as in a table
cat > idx.lua <<'LUA'
local a, b = node "a", node "b"
local l = link(a, b, { rate = "10Mbps", delay = "1ms" })
assert(l[{}] == nil and a[1] == nil and l.nosuch == nil)
assert(l.name == "a-b" and a.name == "a")
LUA
$W run idx.lua --quiet --out idx.db || fail "indexing with odd keys"
echo "ok: odd keys index to nil"

# pcap: the reason the file cannot be made
printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\nrun("1s")\n' > p.lua
expect_error "--pcap: cannot create folder '/nonexistent/x': No such file or directory" -- \
	$W run p.lua --quiet --out p.db --pcap /nonexistent/x
: > afile
expect_error "--pcap: cannot create folder 'afile': Not a directory" -- \
	$W run p.lua --quiet --out p.db --pcap afile

# a link made after run() gets its pcap files too (they were never opened)
cat > late.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
run("1s")
local c = node "c"
link(b, c, { rate = "10Mbps", delay = "1ms" })
ping { from = b, to = c, count = 2 }
run("2s")
LUA
$W run late.lua --quiet --out late.db --pcap pc || fail "late link with --pcap"
[ "$(stat -c %s pc/c-eth0.pcap)" -gt 24 ] || fail "no packets in the late link's pcap file"
echo "ok: a late link's pcap file holds packets"
