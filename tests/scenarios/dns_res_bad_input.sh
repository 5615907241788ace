# Bad input to the resolver bindings (dns.resolver, dns.stub, dns.lookup):
# the script's line, the argument's name and what was expected, a
# non-zero exit, never a crash.  The ranges are glibc's (resolv.h
# RES_MAXNS 3, RES_MAXRETRANS 30, RES_MAXRETRY 5) and the 13 root hints.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two linked nodes c and r
bad() {
	printf 'local c, r = node "c", node "r"\nlink(c, r, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

bad 'dns.stub()' 'dns.stub: expected a table of options'
bad 'dns.stub { node = c }' 'dns.stub: nameservers: expected a list of addresses'
bad 'dns.stub { node = c, nameservers = {} }' 'dns.stub: nameservers: expected 1 to 3 addresses, got 0'
bad 'dns.stub { node = c, nameservers = { r, r, r, r } }' 'dns.stub: nameservers: expected 1 to 3 addresses, got 4'
bad 'dns.stub { node = c, nameservers = { "10.0.0.300" } }' 'dns.stub: nameservers'
bad 'dns.stub { node = c, nameservers = { r }, timeout = "1500ms" }' 'dns.stub: timeout: expected whole seconds'
bad 'dns.stub { node = c, nameservers = { r }, timeout = "31s" }' 'dns.stub: timeout: expected 1 to 30 s, got 31 s'
bad 'dns.stub { node = c, nameservers = { r }, timeout = 5 }' 'dns.stub: timeout'
bad 'dns.stub { node = c, nameservers = { r }, attempts = 0 }' 'dns.stub: attempts: 0 is out of range [1, 5]'
bad 'dns.stub { node = c, nameservers = { r }, rotate = "yes" }' 'dns.stub: rotate'
bad 'dns.stub { node = c, nameservers = { r }, edns = 100 }' 'dns.stub: edns: expected 0 (no EDNS'
bad 'dns.stub { node = c, nameservers = { r }, colour = 1 }' 'dns.stub: unknown option'
bad 'dns.resolver { node = r }' 'dns.resolver: roots: expected a list of addresses'
bad 'dns.resolver { node = r, roots = { c }, cache_max_ttl = "0s" }' 'dns.resolver: cache_max_ttl: expected 1 to'
bad 'dns.resolver { node = r, roots = { c }, prime = "never" }' 'dns.resolver: prime: expected "start" or "lazy", got "never"'
bad 'dns.resolver { node = r, roots = { c }, edns = 100 }' 'dns.resolver: edns: 100 is out of range [512, 65535]'
bad 'dns.resolver { node = r, roots = { c } } dns.resolver { node = r, roots = { c } }' 'dns.resolver: udp: port 53 on r is already in use'
bad 'dns.lookup(c, "www.example.test", function() end)' 'dns.lookup: node c has no resolver settings: call dns.stub'
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup("nobody", "x.test", print)' "dns.lookup: argument 1: expected a node"
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup(c, 5, print)' 'dns.lookup: argument 2: expected a name'
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup(c, "a..b", print)' 'dns.lookup: argument 2: "a..b" is not a valid domain name'
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup(c, "x.test", 5)' 'dns.lookup: argument 3: expected a function(ans), got number'
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup(c, "x.test", print, "BOGUS")' 'dns.lookup: argument 4: unknown record type "BOGUS"'
bad 'dns.stub { node = c, nameservers = { r } } dns.lookup(c, "x.test", print, "A", 1)' 'dns.lookup: expected (node, name, function [, type]), got 5 arguments'
bad 'local res = dns.resolver { node = r, roots = { c } } res.stats()' 'stats: a method of a resolver'

# a callback's error stops the run with the script's line
cat > cb.lua <<'LUA'
local c, r = node "c", node "r"
link(c, r, { rate = "10Mbps", delay = "1ms" })
dns.stub { node = c, nameservers = { r } }
dns.lookup(c, "10.0.0.1", function(ans) error("boom " .. ans.rcode) end)
run "1s"
LUA
expect_error 'cb.lua:4: boom NOERROR' -- $W run cb.lua --quiet --out b.db
