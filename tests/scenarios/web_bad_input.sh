# Bad input to web.page and web.server: the script's line, the argument's
# name, what was expected, a non-zero exit, never a crash (issue 9: "an
# unknown protocol name, an object size without a unit").
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after a client c and a server s
bad() {
	printf 'local c, s = node "c", node "s"\nlink(c, s, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "t.lua:3: $2" -- $W run t.lua --quiet --out a.db
}
U='url = "http://10.0.0.2/"'

bad "web.page { from = c, $U, proto = \"h3\" }" "web.page: proto: unknown protocol 'h3' (expected h1.0, h1.1, h1.1-pipelined or h2)"
bad "web.page { from = c, $U, proto = \"HTTP/1.1\" }" "web.page: proto: unknown protocol 'HTTP/1.1'"
bad "web.page { from = c, $U, objects = { \"10\" } }" "web.page: objects[1]: expected a size with a unit like \"10KB\""
bad "web.page { from = c, $U, objects = { \"10KB\", 10240 } }" "web.page: objects[2]: expected a size with a unit like \"10KB\", got the number 10240 (a size needs its unit"
bad "web.page { from = c, $U, html = 14000 }" "web.page: html: expected a size with a unit like \"10KB\", got the number 14000"
bad "web.page { from = c, $U, objects = { n = 30 } }" "web.page: objects: give size = \"10KB\""
bad "web.page { from = c, $U, objects = { n = 30, size = \"10\" } }" "web.page: objects.size: expected a size with a unit"
bad "web.page { from = c, $U, objects = { n = 3, size = \"normal:10KB\" } }" "web.page: objects.size: expected a size (\"10KB\") or a distribution"
bad "web.page { from = c, $U, objects = { n = 3, size = \"lognormal:10KB\" } }" "web.page: objects.size: expected a size (\"10KB\") or a distribution"
bad "web.page { from = c, $U, objects = { n = 3, size = \"lognormal:10KB,x\" } }" "web.page: objects.size: lognormal: expected sigma"
bad "web.page { from = c, $U, objects = { n = 3, size = \"exp:10\" } }" "web.page: objects.size: exp: expected a mean size with a unit"
bad "web.page { from = c, $U, objects = { n = -1, size = \"1KB\" } }" "web.page: objects: n: -1 is out of range"
bad "web.page { from = c, $U, objects = { n = 2, size = \"1KB\", x = 1 } }" "web.page: objects"
bad "web.page { from = c, $U, objects = { \"1KB\", [5] = \"1KB\" } }" "web.page: objects: expected a list"
bad "web.page { from = c, $U, objects = \"1KB\" }" "web.page: objects: expected a list of sizes"
bad "web.page { from = c, $U, tls = \"1.4\" }" "web.page: tls: expected \"1.3\", \"1.2\" or false, got '1.4'"
bad "web.page { from = c, $U, tls = true }" "web.page: tls: expected \"1.3\", \"1.2\" or false, got boolean"
bad "web.page { from = c, $U, conns = 0 }" "web.page: conns: 0 is out of range [1, 256]"
bad "web.page { from = c, $U, waves = 0 }" "web.page: waves: 0 is out of range"
bad "web.page { from = c, url = \"ftp://x/\" }" "web.page: url: expected \"http://host/path\" or \"https://host/path\", got 'ftp://x/'"
bad "web.page { from = c, url = \"http:///x\" }" "web.page: url: no host in 'http:///x'"
bad "web.page { from = c, url = 5 }" "web.page: url: expected a string"
bad "web.page { from = c }" "web.page: 'url' is required"
bad "web.page { from = c, $U, on_done = 1 }" "web.page: on_done: expected a function(page), got number"
bad "web.page { from = c, $U, server = c }" "web.page: server: expected a web.server { ... }"
bad "web.page { from = c, $U, colour = 1 }" "web.page: unknown option"
bad "web.page()" "web.page: expected a table of options"
bad "web.page { from = c, $U, at = \"1\" }" "web.page: at:"
bad "web.server { on = s, html = \"14\" }" "web.server: html: expected a size with a unit"
bad "web.server { on = s, cert_chain = \"4KB\" }" "web.server: cert_chain: only with tls"
bad "web.server { on = s, port = 0 }" "web.server: port: 0 is out of range"
bad "local v = web.server { on = s } web.page { from = c, server = v, $U, html = \"1KB\" } web.page { from = c, server = v, $U, html = \"2KB\" }" \
	"web.page: html: the server already serves '/' with 1000 bytes for an earlier page, not 2000"
echo "ok: every bad argument is a clear error"
