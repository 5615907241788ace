# HTTP runs are deterministic: the same script and seed give the same
# http_requests rows and latency series (Poisson arrivals and exponential
# service times come from named rng streams); another seed gives others.
. "$TOP/tests/lib.sh"
cat > d.lua <<'LUA'
local c, s = node "c", node "s"
link(c, s, { rate = "20Mbps", delay = "5ms", loss = 0.01 })
http.server { node = s, default_size = "20KB", workers = 2, service_time = "exp:5ms" }
http.client { node = c, name = "h2", url = "http://" .. s.addr .. "/", proto = "h2", rate = 40, count = 200 }
http.client { node = c, name = "h1", url = "http://" .. s.addr .. "/", proto = "http/1.1", rate = 40, count = 200 }
http.client { node = c, name = "pl", url = "http://" .. s.addr .. "/", proto = "http/1.1-pipelined",
              concurrency = 8, max_conns = 2, count = 200 }
record { "latency_ns" }
run("30s")
LUA
dump() {
	q "$1" "select req_id, client, status, proto, conn_id, stream_id, started_ns, blocked_ns, connect_ns,
	        send_ns, wait_ns, receive_ns, req_bytes, resp_bytes, error from http_requests order by req_id;
	        select t_ns, entity, value from series where metric = 'latency_ns' order by rowid"
}
$WIRELAB run d.lua --seed 7 --quiet --out a.db || fail run
$WIRELAB run d.lua --seed 7 --quiet --out b.db || fail run
$WIRELAB run d.lua --seed 8 --quiet --out c.db || fail run
n=$(q a.db "select count(*) from http_requests where status = 200")
[ "$n" -eq 600 ] || fail "expected 600 answered requests, got $n"
[ "$(dump a.db | md5sum)" = "$(dump b.db | md5sum)" ] || fail "the same seed gave different rows"
echo "ok: the same seed gives the same 600 rows and latencies"
[ "$(dump a.db | md5sum)" != "$(dump c.db | md5sum)" ] || fail "another seed gave the same rows"
echo "ok: another seed gives other rows"
