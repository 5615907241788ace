# Max-prefix over a TCP session: r2 accepts at most 2 prefixes from r1,
# r1 announces 3.  RFC 4486 §4: the speaker MUST send NOTIFICATION Cease
# with subcode 1, "Maximum Number of Prefixes Reached", and MAY carry in
# the data AFI (2 octets), SAFI (1 octet) and the prefix upper bound
# (4 octets): here AFI 1 (IPv4), SAFI 1 (unicast), limit 2, so the data is
# 00 01 01 00 00 00 02.  Checked on both ends (sent 6/1, received 6/1),
# r2 keeps none of r1's routes, and in the pcap as tshark decodes it.
. "$TOP/tests/lib.sh"
cat > mp.lua <<'LUA'
local r1, r2 = router "r1", router "r2"
link(r1, r2, { rate = "100Mbps", delay = "1ms" })
local A = bgp.speaker { node = r1, as = 65001, mrai = "0s" }
local B = bgp.speaker { node = r2, as = 65002, mrai = "0s" }
local pa = A:peer { with = B }
local pb = B:peer { with = A, max_prefix = 2 }
at("5s", function()
  A:announce("198.51.100.0/24"); A:announce("198.51.101.0/24"); A:announce("198.51.102.0/24")
end)
run("20s")
local sb, sa = pb:stats(), pa:stats()
assert(sb.notification_sent == "6/1", "r2 sent " .. sb.notification_sent)
assert(sa.notification_received == "6/1", "r1 received " .. sa.notification_received)
assert(not pb.established and B:best("198.51.100.0/24") == nil, "r2 kept r1's routes")
print("ok: max-prefix 2 exceeded: r2 sent Cease 6/1, r1 received 6/1, the session is down")
LUA
$WIRELAB run mp.lua --quiet --out mp.db --pcap pcap > out.txt 2>&1 || { cat out.txt; fail "the scenario failed"; }
cat out.txt
command -v tshark > /dev/null 2>&1 || { echo "skip: tshark is not installed"; exit 0; }
f=$(ls pcap/*r2*.pcap | head -1)
[ -n "$f" ] || fail "no pcap of r2"
# (6/7, Connection Collision Resolution, closes one of the two
# connections both ends opened at start: RFC 4271 §6.8)
got=$(tshark -r "$f" -Y 'bgp.type == 3 && bgp.notify.minor_error_cease != 7' -T fields -e bgp.notify.major_error \
	-e bgp.notify.minor_error_cease -e bgp.notify.minor_data 2>/dev/null | sort -u | tr '\t' ' ')
same "$got" "6 1 00010100000002" "NOTIFICATION code, subcode, data in r2's pcap"
bad=$(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
same "$bad" 0 "malformed or erroneous packets"
