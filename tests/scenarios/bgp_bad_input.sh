# Bad input to the BGP speaker bindings (bgp.speaker, s:peer, policies,
# s:announce, bgp.asgraph): the script's line, the argument's name, what
# was expected, a non-zero exit, never a crash or a leak under ASan.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two speakers s1 and s2 on linked routers
bad() {
	printf 'local a, b = router "a", router "b" link(a, b, { rate = "10Mbps", delay = "1ms" })\nlocal s1, s2 = bgp.speaker { node = a, as = 65001 }, bgp.speaker { node = b, as = 65002 }\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

bad 'bgp.speaker { }' 'bgp.speaker: as'
bad 'bgp.speaker { as = 0 }' 'bgp.speaker: as'
bad 'bgp.speaker { as = 4294967296 }' 'bgp.speaker: as'
bad 'bgp.speaker { as = 1, colour = "red" }' "bgp.speaker: unknown option 'colour'"
bad 'bgp.speaker { as = 1, id = "1.2.3" }' 'bgp.speaker: id: expected a nonzero dotted quad'
bad 'bgp.speaker { as = 1, mrai = "fast" }' 'bgp.speaker: mrai'
bad 'bgp.speaker { as = 1, processing = "quagga" }' 'bgp.speaker: processing: expected "frr", "bird"'
bad 'bgp.speaker { as = 1, processing = { hold = "-1s" } }' 'bgp.speaker: processing: hold'
bad 'bgp.speaker { as = 1, node = 5 }' 'bgp.speaker: node'
bad 'bgp.speaker { as = 1, damping = "yes" }' 'bgp.speaker: damping: expected true or'
bad 'bgp.speaker { as = 1, damping = { reuse = 3000 } }' 'bgp.speaker: damping: expected half_life > 0, suppress > reuse'
bad 'bgp.speaker { as = 1, damping = { halflife = "1m" } }' "bgp.speaker: damping: unknown option 'halflife'"
bad 'bgp.speaker { as = 1, node = a }' 'bgp.speaker: node a already runs speaker a (one per router)'
bad 's1:peer { with = 5 }' 'peer: with: expected a BGP speaker, got number'
bad 's1:peer { with = s1 }' 'peer: a speaker cannot peer with itself'
bad 's1:peer { with = s2, relation = "friend" }' 'peer: relation: expected "customer", "peer", "provider" or "none"'
bad 's1:peer { with = s2, mode = "udp" }' 'peer: mode: expected "tcp", "channel" or "direct"'
bad 's1:peer { with = s2, delay = "1ms" }' 'peer: delay is for modes "channel" and "direct"'
bad 's1:peer { with = s2, mode = "direct", hold = "3s" }' 'peer: hold, keepalive and connect_retry are for modes'
bad 's1:peer { with = s2, rr_client = true }' 'peer: rr_client needs an iBGP peer'
bad 's1:peer { with = s2, import = 5 }' 'peer: import: expected a policy'
bad 's1:peer { with = s2, import = { { prefix = "10.0.0.1/8" } } }' 'peer: import: term 1: prefix: expected "a.b.c.d/len" without host bits'
bad 's1:peer { with = s2, import = { { prefix = "10.0.0.0/8", le = 4 } } }' 'peer: import: term 1: le'
bad 's1:peer { with = s2, import = { { le = 24 } } }' 'peer: import: term 1: ge and le qualify a prefix'
bad 's1:peer { with = s2, import = { { community = "65536:1" } } }' 'peer: import: term 1: community: expected a community as "asn:value" with both parts 0..65535'
bad 's1:peer { with = s2, import = { { colour = 1 } } }' "peer: import: term 1: unknown option 'colour'"
bad 's1:peer { with = s2, import = { default = "maybe" } }' 'peer: import: default: expected "accept" or "reject"'
bad 's1:peer { with = s2, import = { fn = 3 } }' 'peer: import: fn: expected a function'
bad 's1:peer { with = s2, import = { { reject = true } }, export = { x = 1 } }' "peer: export: unknown key 'x'"
bad 's1:peer { with = s2, export = { { prepend = 33 } } }' 'peer: export: term 1: prepend'
bad 's1:announce("10.0.0.0")' 'announce: expected a prefix as "a.b.c.d/len"'
bad 's1:announce("10.0.0.1/8")' 'announce: expected a prefix as "a.b.c.d/len" with no host bits set'
bad 's1:announce(5)' 'announce: expected a prefix as "a.b.c.d/len", got number'
bad 's1:announce("10.0.0.0/8", { origin = "bgp" })' 'announce: origin: expected "igp", "egp" or "incomplete"'
bad 's1:announce("10.0.0.0/8", { as_path = { 0 } })' 'announce: as_path[1]: expected an AS number'
bad 's1:announce("10.0.0.0/8", { med = -1 })' 'announce: med'
bad 's1:announce("10.0.0.0/8", { communities = { "x" } })' 'announce: communities: expected a community'
bad 's1.announce("10.0.0.0/8")' 'announce: a method of a BGP speaker, to call with a colon'
bad 's1:best("nope")' 'best: expected a prefix'
bad 'bgp.speaker { as = 7 }:fib("10.0.0.0/8")' 'fib: speaker AS7 has no node'
bad 'bgp.asgraph { }' 'bgp.asgraph: file: expected the path of a CAIDA as-rel file'
bad 'bgp.asgraph { file = "nonexistent.txt" }' 'bgp.asgraph: nonexistent.txt: No such file or directory'
printf '# c\n1|2|-1\n2|3|7\n' > bad.txt
bad 'bgp.asgraph { file = "bad.txt" }' 'bgp.asgraph: bad.txt:3: the relationship must be -1'
printf '1|x|0\n' > bad.txt
bad 'bgp.asgraph { file = "bad.txt" }' "bgp.asgraph: bad.txt:1: expected 'as1|as2|rel'"
printf '5|5|0\n' > bad.txt
bad 'bgp.asgraph { file = "bad.txt" }' 'bgp.asgraph: bad.txt:1: AS5 linked to itself'
printf 'BZh91AY&SYgarbage' > bad.txt
bad 'bgp.asgraph { file = "bad.txt" }' 'bgp.asgraph: bad.txt'

# a policy function's errors fail the run with its line
printf 'local s1, s2, s3 = bgp.speaker { as = 1 }, bgp.speaker { as = 2 }, bgp.speaker { as = 3 }\ns1:peer { with = s2, import = function(r) return { local_pref = "high" } end }\ns2:announce("10.0.0.0/8")\nrun("5s")\n' > f.lua
expect_error "local_pref" -- $W run f.lua --quiet --out a.db
echo "ok: every mistake named"
