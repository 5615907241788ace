# Bad input to tls.server and tls.client: the script's line, the argument's
# name, what was expected, a non-zero exit, never a crash; and protocol
# mismatches at run time end in the alert the RFCs name, reported to
# on_done, not in a crash.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two linked nodes a and b
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}

bad 'tls.server { node = b, version = "1.4" }' 'tls.server: version: expected "1.3" or "1.2", got '"'"'1.4'"'"
bad 'tls.server { node = b, version = 1.3 }' 'tls.server: version: expected a string'
bad 'tls.client { node = a, server = b, version = "TLSv1.3" }' 'tls.client: version: expected "1.3" or "1.2", got '"'"'TLSv1.3'"'"
bad 'tls.server { node = b, version = "1.2", min_version = "1.3" }' 'tls.server: min_version is above version'
bad 'tls.server { node = b, sign = "dsa" }' 'tls.server: sign: expected "rsa" (RSA-2048) or "ecdsa" (ECDSA P-256), got '"'"'dsa'"'"
bad 'tls.server { node = b, cert_chain = "10B" }' 'tls.server: cert_chain: at least'
bad 'tls.server { node = b, cert_chain = "4" }' 'tls.server: cert_chain: expected a size'
bad 'tls.server { node = b, cert_chain = "2MB" }' 'tls.server: cert_chain: '"'"'2MB'"'"' is too large (at most 1MiB'
bad 'tls.server { node = b, response = "4B" }' 'tls.server: response: at least 8 bytes'
bad 'tls.server { node = b, response = "1 parsec" }' 'tls.server: response: expected a size'
bad 'tls.server { node = b, resumption = "cookie" }' 'tls.server: resumption: expected "ticket", "session_id" or "none"'
bad 'tls.server { node = b, tickets = 100 }' 'tls.server: tickets: 100 is out of range [0, 16]'
bad 'tls.server { node = b, early_data = "yes" }' 'tls.server: early_data: expected true or false'
bad 'tls.server { node = b, ticket_lifetime = "0s" }' 'tls.server: ticket_lifetime: must be above zero'
bad 'tls.server { node = b, sign_time = "-1ms" }' 'tls.server: sign_time'
bad 'tls.server { node = b, alpn = "h2,,http/1.1" }' 'tls.server: alpn: expected a comma-separated list'
bad 'tls.server { node = b, alpn = string.rep("x", 40) }' 'tls.server: alpn: expected a comma-separated list'
bad 'tls.server { node = b, port = 0 }' 'tls.server: port: 0 is out of range [1, 65535]'
bad 'tls.server { node = b, colour = "blue" }' "tls.server: unknown option 'colour'"
bad 'tls.server { node = b } tls.server { node = b }' 'tls.server: port 443 on b'
bad 'tls.server()' 'tls.server: expected a table of options'
bad 'tls.server { port = 443 }' "tls.server: 'node' is required"
bad 'tls.client { node = a }' "tls.client: 'server' is required"
bad 'tls.client { node = a, server = "1.2.3" }' "tls.client: server: there is no node named '1.2.3'"
bad 'tls.client { node = a, server = b, request = "7B" }' 'tls.client: request: at least 8 bytes'
bad 'tls.client { node = a, server = b, response = "2B" }' 'tls.client: response: at least 8 bytes'
bad 'tls.client { node = a, server = b, on_done = 5 }' 'tls.client: on_done: expected a function(r), got number'
bad 'tls.client { node = a, server = b, start = "1s", at = "2s" }' 'tls.client: give start or at'
bad 'run("2s") tls.client { node = a, server = b, start = "1s" }' 'tls.client: start: 1s is in the past (now is 2s)'
bad 'tls.client { node = a, server = b, server_name = string.rep("x", 300) }' 'tls.client: server_name: expected a host name of at most 255 characters'
bad 'tls.client { node = a, server = b, cc = "warp" }' 'tls.client: unknown congestion control'
bad 'tls.server { node = b, version = "1.2", early_data = true }' 'tls.server: early_data: 0-RTT needs version "1.3"'
bad 'tls.client { node = a, server = b, version = "1.2", early_data = true }' 'tls.client: early_data: 0-RTT needs version "1.3"'
bad 'tls.flush_cache(a, 5)' 'tls.flush_cache: name: expected a server name'
bad 'tls.flush_cache(5)' 'tls.flush_cache'
bad 'local s = tls.server { node = b } s.stats()' 'stats: a method of a TLS server, to call with a colon'
bad 'local c = tls.client { node = a, server = b } c.result(a)' 'result: a method of a TLS client, to call with a colon'

# mismatches at run time: alerts, reported to on_done (RFC 8446 6.2, RFC 7301 3.2)
cat > mismatch.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "1ms" })
local s12 = tls.server { node = b, port = 443, version = "1.2" }
local s13 = tls.server { node = b, port = 444, alpn = "h2" }
local got = {}
tls.client { node = a, server = b, port = 443, version = "1.3", min_version = "1.3",
  on_done = function(r) got.version = r end }
tls.client { node = a, server = b, port = 444, alpn = "http/1.1",
  on_done = function(r) got.alpn = r end }
tls.client { node = a, server = b, port = 445, on_done = function(r) got.refused = r end }
run("5s")
assert(got.version.error == "alert protocol_version", tostring(got.version.error))
assert(got.alpn.error == "alert no_application_protocol", tostring(got.alpn.error))
assert(got.refused.error and got.refused.error:find("refused"), tostring(got.refused.error))
assert(s12:stats().alerts_sent == 1 and s13:stats().alerts_sent == 1, "alerts counted")
print("ok")
LUA
$W run mismatch.lua --quiet --out m.db > out.txt 2> err.txt || { cat err.txt; fail "mismatch.lua"; }
echo "ok: a version or ALPN mismatch is an alert; a closed port is refused"
