# Bad input to http.server and http.client: the script's line, the
# argument's name, what was expected, a non-zero exit, never a crash.
. "$TOP/tests/lib.sh"
W=$WIRELAB

# bad LUA MESSAGE: LUA on line 3, after two linked nodes a and b
bad() {
	printf 'local a, b = node "a", node "b"\nlink(a, b, { rate = "10Mbps", delay = "1ms" })\n%s\n' "$1" > t.lua
	expect_error "$2" -- $W run t.lua --quiet --out a.db
	grep -q "t.lua:3: " err.txt || fail "no script line in: $(cat err.txt)"
}

bad 'http.client { node = a, url = "http://10.0.1.2/", proto = "spdy" }' \
    "http.client: proto: unknown protocol 'spdy' (expected one of \"http/1.0\", \"http/1.1\", \"http/1.1-pipelined\", \"h2\", \"auto\")"
bad 'http.client { node = a, url = "ftp://10.0.1.2/" }' 'http.client: url:'
bad 'http.client { node = a, url = "http://10.0.1.2:99999/" }' "http.client: url: 'http://10.0.1.2:99999/': the port must be 1..65535"
bad 'http.client { node = a, url = "http:///x" }' "http.client: url: 'http:///x': no host"
bad 'http.client { node = a }' "http.client: 'url' is required"
bad 'http.client { node = a, url = "http://10.0.1.2/", rate = 10, concurrency = 2 }' 'give rate (open loop) or concurrency (closed loop), not both'
bad 'http.client { node = a, url = "http://10.0.1.2/", rate = -1 }' 'http.client: rate:'
bad 'http.client { node = a, url = "http://10.0.1.2/", concurrency = 0 }' 'http.client: concurrency: 0 is out of range'
bad 'http.client { node = a, url = "http://10.0.1.2/", max_conns = 0 }' 'http.client: max_conns: 0 is out of range'
bad 'http.client { node = a, url = "http://10.0.1.2/", colour = 1 }' 'http.client: unknown option'
bad 'http.client()' 'http.client: expected a table of options'
bad 'http.client { node = 5, url = "http://10.0.1.2/" }' 'http.client: node'
bad 'http.server { node = b, protocols = { "h3" } }' 'http.server: protocols[1]: expected "h2" or "http/1.1", got h3'
bad 'http.server { node = b, protocols = {} }' 'http.server: protocols: give at least one'
bad 'http.server { node = b, resources = { ["/"] = "14" } }' 'http.server resources: /:'
bad 'http.server { node = b, resources = { ["/"] = "14 apples" } }' 'http.server resources: /:'
bad 'http.server { node = b, resources = { obj = "1KB" } }' "http.server: resources: keys are paths starting with '/', got obj"
bad 'http.server { node = b, resources = 5 }' 'http.server: resources: expected a table'
bad 'http.server { node = b, default_size = "big" }' 'http.server: default_size:'
bad 'http.server { node = b, service_time = "exp:soon" }' "http.server: service_time: 'exp:soon': expected a duration after exp:"
bad 'http.server { node = b, service_time = "fast" }' 'http.server: service_time:'
bad 'http.server { node = b, workers = 0 }' 'http.server: workers: 0 is out of range'
bad 'http.server { node = b, port = 70000 }' 'http.server: port: 70000 is out of range'
bad 'http.server { node = b } http.server { node = b }' 'http.server: port 80 on b:'
bad 'http.server { node = b, mime = "text/html\r\nX: y" }' 'http.server: mime: at most 60 characters on one line'
# a resource function that returns nonsense fails the run with the path
bad 'http.server { node = b, resources = function(p) return {} end } http.client { node = a, url = "http://" .. b.addr .. "/x", count = 1 } run("1s")' \
    'http.server resources(/x): expected a size, nil or false, got a table'
