# Route reflection (RFC 4456) over real BGP sessions on TCP port 179: the
# reflector r and clients c1, c2, c3 of AS 65002, sessions only r-ci, c1's
# exit to AS 65001.  Expected from RFC 4456 §8: c2 and c3 learn the route
# with ORIGINATOR_ID = c1's identifier (10.0.0.1) and CLUSTER_LIST =
# (10.0.0.100), NEXT_HOP kept as c1 set it; c1 does not take its own route
# back.  In the pcap (tshark's BGP dissector) the reflected UPDATEs carry
# both attributes with those values, and no packet is malformed.  Then a
# loop check: a second reflector r2 in the same cluster (10.0.0.100) peers
# with r as a client; r2 must drop what r reflects to it (its own cluster
# id in CLUSTER_LIST, RFC 4456 §8).
. "$TOP/tests/lib.sh"
cat > rr.lua <<'LUA'
local a1 = router "a1"
local r, r2 = router "r", router "r2"
local cn = { router "c1", router "c2", router "c3" }
link(a1, cn[1], { rate = "100Mbps", delay = "2ms" })
for i = 1, 3 do link(r, cn[i], { rate = "100Mbps", delay = "1ms" }) end
link(r, r2, { rate = "100Mbps", delay = "1ms" })
local A = bgp.speaker { node = a1, as = 65001, mrai = "0s", id = "10.0.1.1" }
local R = bgp.speaker { node = r, as = 65002, mrai_ibgp = "0s", id = "10.0.0.100", cluster_id = "10.0.0.100" }
local R2 = bgp.speaker { node = r2, as = 65002, mrai_ibgp = "0s", id = "10.0.0.200", cluster_id = "10.0.0.100" }
local C = {}
for i = 1, 3 do
  C[i] = bgp.speaker { node = cn[i], as = 65002, mrai = "0s", mrai_ibgp = "0s", id = "10.0.0." .. i }
  R:peer { with = C[i], rr_client = true }
end
R:peer { with = R2, rr_client = true }
A:peer { with = C[1] }
local pfx = "198.51.100.0/24"
at("5s", function() A:announce(pfx) end)
run("20s")
local direct = C[1]:best(pfx)
assert(direct and direct.from_as == 65001, "c1 lacks the eBGP route")
assert(#C[1]:routes(pfx) == 1, "c1 got its own route back")
for i = 2, 3 do
  local b = C[i]:best(pfx)
  assert(b, "c" .. i .. " has no route")
  assert(b.originator_id == "10.0.0.1", "originator " .. tostring(b.originator_id))
  assert(b.cluster_list and #b.cluster_list == 1 and b.cluster_list[1] == "10.0.0.100", "cluster list")
  assert(b.next_hop ~= direct.next_hop, "next hop is a1's")
  assert(b.path == "65001", "path " .. b.path)
end
print("ok: over TCP c2, c3 learn c1's route through r, ORIGINATOR_ID 10.0.0.1, CLUSTER_LIST (10.0.0.100)")
assert(R2:stats().updates_in > 0, "r2 was sent nothing")
assert(R2:best(pfx) == nil and #R2:routes(pfx) == 0, "r2 accepted a route carrying its own cluster id")
print("ok: r2 (same cluster id) ignores the reflected route")
LUA
$WIRELAB run rr.lua --quiet --out rr.db --pcap pcap > out.txt 2>&1 || { cat out.txt; fail "the scenario failed"; }
cat out.txt
command -v tshark > /dev/null 2>&1 || { echo "skip: tshark is not installed"; exit 0; }
command -v mergecap > /dev/null 2>&1 || { echo "skip: mergecap (wireshark-common) is not installed"; exit 0; }
mergecap -w all.pcap pcap/*.pcap || fail "mergecap failed"
bad=$(tshark -r all.pcap -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
same "$bad" 0 "malformed or erroneous packets"
orig=$(tshark -r all.pcap -Y 'bgp.update.path_attribute.originator_id' -T fields \
	-e bgp.update.path_attribute.originator_id 2>/dev/null | sort -u | tr '\n' ' ')
clus=$(tshark -r all.pcap -Y 'bgp.path_attribute.cluster_list' -T fields \
	-e bgp.path_attribute.cluster_id 2>/dev/null | sort -u | tr '\n' ' ')
same "$orig" "10.0.0.1 " "ORIGINATOR_ID values in the pcap"
same "$clus" "10.0.0.100 " "CLUSTER_LIST values in the pcap"
echo "ok: tshark decodes ORIGINATOR_ID 10.0.0.1 and CLUSTER_LIST 10.0.0.100, nothing malformed"
