# HTTP in pcap: an h2c run (prior knowledge, 12 requests on one connection,
# one of them 1 MB so flow control and WINDOW_UPDATE come into play) decodes
# in tshark as HTTP/2 with HEADERS and DATA frames for every stream and no
# malformed packet; an HTTP/1.1 run decodes as HTTP requests and responses.
. "$TOP/tests/lib.sh"
if ! command -v tshark >/dev/null; then
	echo "skip: tshark is missing (make deps installs it)"
	exit 0
fi
cat > h.lua <<'LUA'
local proto = params { proto = "h2" }.proto
local c, s = node "c", node "s"
link(c, s, { rate = "100Mbps", delay = "5ms" })
http.server { node = s, resources = { ["/"] = "14KB", ["/big"] = "1MB" } }
http.client { node = c, url = "http://" .. s.addr .. "/", proto = proto, concurrency = 3, count = 11 }
http.client { node = c, name = "big", url = "http://" .. s.addr .. "/big", proto = proto, count = 1 }
run("5s")
local n = query("select count(*) as n from http_requests where status = 200")[1].n
assert(n == 12, "expected 12 answered requests, got " .. n)
LUA
$WIRELAB run h.lua -p proto=h2 --pcap h2 --quiet --out h2.db || fail "h2 run"
f=h2/s-eth0.pcap
d="-d tcp.port==80,http2"
bad=$(tshark -r $f $d -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
same "$bad" 0 "malformed HTTP/2 packets in $f"
# frame types per frame: 1 HEADERS, 0 DATA, 4 SETTINGS, 8 WINDOW_UPDATE
types=$(tshark -r $f $d -Y http2 -T fields -e http2.type 2>/dev/null | tr ',' '\n')
headers=$(echo "$types" | grep -cx 1)
same "$headers" 24 "HEADERS frames (a request and a response for each of 12 streams)"
data=$(echo "$types" | grep -cx 0)
[ "$data" -ge 12 ] || fail "DATA frames: $data, expected at least 12"
echo "ok: $data DATA frames"
echo "$types" | grep -qx 4 || fail "no SETTINGS frame"
echo "$types" | grep -qx 8 || fail "no WINDOW_UPDATE frame"
echo "ok: SETTINGS and WINDOW_UPDATE decode"
magic=$(tshark -r $f $d -Y 'http2.magic' 2>/dev/null | wc -l)
same "$magic" 2 "connection prefaces (one connection per client, two clients)"

$WIRELAB run h.lua -p proto=http/1.1 --pcap h1 --quiet --out h1.db || fail "http/1.1 run"
f=h1/s-eth0.pcap
bad=$(tshark -r $f -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
same "$bad" 0 "malformed HTTP/1.1 packets in $f"
reqs=$(tshark -r $f -Y 'http.request.method == "GET"' 2>/dev/null | wc -l)
same "$reqs" 12 "GET requests tshark sees"
resps=$(tshark -r $f -Y 'http.response.code == 200' 2>/dev/null | wc -l)
same "$resps" 12 "200 responses tshark sees"
