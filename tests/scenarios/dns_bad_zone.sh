# Bad zones, servers and queries: each a clear error at the script's line
# that names what was expected, a non-zero exit, never a crash (issue 9:
# "a CNAME beside other data, a record outside its zone, a bad TTL").
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 2, after a node a; the error names line 2
# and holds MESSAGE
bad() {
	printf 'local a = node "a"\n%s\n' "$1" > t.lua
	expect_error "$2" -- $W run t.lua --quiet --out a.db
	grep -q "^wirelab: t.lua:2: " err.txt || fail "not at line 2: $(cat err.txt)"
}
Z='dns.zone { origin = "example.test", records = { '

# RFC 1034 §3.6.2: a CNAME beside other data, either order, at the apex, twice
bad "$Z"'{ "www", "A", "10.0.0.5" }, { "www", "CNAME", "x" } } }' 'dns.zone: records[2] (www CNAME): www.example.test: a CNAME cannot be beside other data (here A; RFC 1034 §3.6.2'
bad "$Z"'{ "www", "CNAME", "x" }, { "www", "TXT", "t" } } }' 'records[2] (www TXT): www.example.test: a CNAME cannot be beside other data (here TXT'
bad "$Z"'{ "@", "CNAME", "x" } } }' 'records[1] (@ CNAME): example.test: a CNAME cannot be beside other data (here SOA'
bad "$Z"'{ "www", "CNAME", "x" }, { "www", "CNAME", "y" } } }' 'records[2] (www CNAME): www.example.test: a name has at most one CNAME'
# a record outside its zone
bad "$Z"'{ "www.other.test.", "A", "10.0.0.5" } } }' 'records[1] (www.other.test. A): www.other.test is outside the zone example.test'
# bad TTLs: no unit, not whole seconds, too long, negative
bad "$Z"'{ "www", "A", "10.0.0.5", ttl = 300 } } }' "records[1]: ttl: expected a TTL like '300s' or '1h', got a number without a unit"
bad "$Z"'{ "www", "A", "10.0.0.5", ttl = "1500ms" } } }' "records[1]: ttl: a TTL is whole seconds, got '1500ms'"
bad "$Z"'{ "www", "A", "10.0.0.5", ttl = "100y" } } }' 'records[1]: ttl: expected a duration'
bad "$Z"'{ "www", "A", "10.0.0.5", ttl = "2200000000s" } } }' "records[1]: ttl: '2200000000s' is longer than a TTL can be (2^31-1 s"
bad "$Z"'{ "www", "A", "10.0.0.5", ttl = "300s" }, { "www", "A", "10.0.0.6", ttl = "60s" } } }' 'TTL 60 differs from the 300 of the RRset'"'"'s other records (RFC 2181 §5.2)'
bad 'dns.zone { origin = "example.test", soa = { minimum = "-5s" } }' 'dns.zone: soa: minimum: expected a duration'
bad 'dns.zone { origin = "example.test", ttl = "abc" }' 'dns.zone: ttl: expected a duration'
# unknown types, malformed data
bad "$Z"'{ "www", "AAA", "10.0.0.5" } } }' 'records[1]: unknown record type AAA (expected one of A, AAAA, CNAME, NS, TXT, MX, SRV)'
bad "$Z"'{ "www", "SOA", "a b 1 2 3 4 5" } } }' 'the SOA comes from soa = {...}'
bad "$Z"'{ "www", "A", "10.0.0.256" } } }' "records[1] (www A): expected an IPv4 address like 10.0.0.5, got '10.0.0.256'"
bad "$Z"'{ "www", "A", "10.0.0" } } }' "expected an IPv4 address like 10.0.0.5, got '10.0.0'"
bad "$Z"'{ "www", "AAAA", "2001:db8::zz" } } }' "expected an IPv6 address like 2001:db8::5, got '2001:db8::zz'"
bad "$Z"'{ "mail", "MX", "mail" } } }' "expected 'preference exchange' like '10 mail', got 'mail'"
bad "$Z"'{ "s", "SRV", "0 5 70000 sip" } } }' "expected 'priority weight port target'"
bad "$Z"'{ "www", "A" } } }' 'records[1]: the data (third element) is missing'
bad "$Z"'{ "www", "A", 5 } } }' 'expected the record'"'"'s data as a string, a table of strings or a function(src), got number'
bad "$Z"'{ "www", "A", "10.0.0.5", tll = "5s" } } }' 'records[1]: unknown field tll'
bad "$Z"'{ "a..b", "A", "10.0.0.5" } } }' "records[1]: 'a..b' is not a domain name"
bad "$Z"'"www" } }' 'records[1]: expected { owner, type, data, ttl = ... }, got string'
bad "$Z"'{ string.rep("x", 64), "A", "10.0.0.5" } } }' "is not a domain name (labels of 1-63 bytes"
# zone options
bad 'dns.zone { records = {} }' 'dns.zone: origin: expected the zone'
bad 'dns.zone { origin = "example.test", sao = {} }' "dns.zone: unknown option 'sao' (expected one of: origin, soa, records, ttl)"
bad 'dns.zone "example.test"' 'dns.zone: expected a table { origin = ..., soa = {...}, records = {...} }, got string'
bad 'dns.zone { origin = "example.test", soa = { serial = -1 } }' 'dns.zone: soa: serial: -1 is out of range'
bad 'dns.zone { origin = "example.test", soa = { mnam = "x" } }' "dns.zone: soa: unknown option 'mnam'"
# zone:set and zone:remove
bad 'local z = dns.zone { origin = "example.test" } z:set("www", "A", "1.2.3.4", 60)' "zone:set: ttl: expected a TTL like '300s' or '1h', got a number without a unit"
bad 'local z = dns.zone { origin = "example.test" } z:set("www", "B", "1.2.3.4")' 'zone:set: unknown record type B'
bad 'local z = dns.zone { origin = "example.test" } z:set("x.other.", "A", "1.2.3.4")' 'zone:set: x.other is outside the zone example.test'
bad 'local z = dns.zone { origin = "example.test" } z.set("www", "A", "1.2.3.4")' 'set: a method of a DNS zone, to call with a colon'
bad 'local z = dns.zone { origin = "example.test", records = { { "w", "A", "1.2.3.4" } } } z:set("w", "CNAME", "x")' 'zone:set: w.example.test: a CNAME cannot be beside other data (here A'
# servers
bad 'dns.server { node = a }' 'dns.server: zones: expected a table of zones { z1, z2 }, got nil'
bad 'dns.server { node = a, zones = { "example.test" } }' 'dns.server: zones[1]: expected a zone from dns.zone, got string'
bad 'local z = dns.zone { origin = "example.test" } dns.server { node = a, zones = { z, z } }' 'dns.server: zones[2]: dns:a serves a zone example.test already'
bad 'local z = dns.zone { origin = "example.test" } dns.server { node = a, zones = { z } } dns.server { node = a, zones = { z } }' 'dns.server: udp: port 53 on a is already in use'
bad 'local z = dns.zone { origin = "example.test" } dns.server { node = a, zones = { z }, processing = "1" }' 'dns.server: processing: expected a duration'
bad 'local z = dns.zone { origin = "example.test" } dns.server { node = a, zones = { z }, udp_size = 100 }' 'dns.server: udp_size: 100 is out of range [512, 65535]'
bad 'dns.server { node = "nobody", zones = {} }' "dns.server: node: there is no node named 'nobody'"
# queries
bad 'dns.query { from = a, server = "10.9.9.9", name = "x.test" }' 'dns.query: on_reply: expected a function(reply), got nil'
bad 'dns.query { from = a, server = "10.9.9.9", name = "x.test", type = "AXX", on_reply = print }' 'dns.query: type: unknown type AXX'
bad 'dns.query { from = a, server = "10.9.9.9", name = "x.test", edns = 100, on_reply = print }' 'dns.query: edns: expected false or a payload size 512-65535 (bytes), got 100'

# a function that answers nonsense fails the run at the query, with the zone's record named
cat > f.lua <<'LUA'
local c, ns = node "c", node "ns"
link(c, ns, { rate = "10Mbps", delay = "1ms" })
local z = dns.zone { origin = "example.test", records = { { "lb", "A", function(src) return "not-an-address" end } } }
dns.server { node = ns, zones = { z } }
dns.query { from = c, server = ns, name = "lb.example.test", on_reply = function(r) end }
run("1s")
LUA
expect_error "records[1] (lb A): the function's answer: expected an IPv4 address like 10.0.0.5, got 'not-an-address'" -- $W run f.lua --quiet --out f.db
