# DNS on the wire: the server test's run (dns_server.lua) written with
# --pcap decodes in tshark with zero malformed packets or errors, UDP and
# TCP (RFC 7766 framing) alike, and tshark reads the flags we meant: TC on
# the answers over 512 bytes without EDNS and over 1232 with it (3), the
# NXDOMAIN rcodes, AA on answers and not on referrals.
. "$TOP/tests/lib.sh"
if ! command -v tshark >/dev/null; then echo "skip: tshark is missing (make deps installs it)"; exit 0; fi
$WIRELAB run "$TOP/tests/scenarios/dns_server.lua" --pcap p --quiet --out d.db || fail run
f=p/c1-eth0.pcap
[ -f $f ] || fail "no $f"
n=$(tshark -r $f -Y dns 2>/dev/null | wc -l)
[ "$n" -gt 20 ] || fail "only $n DNS packets in $f"
echo "ok: $n DNS packets in $f"
for g in p/*.pcap; do
	bad=$(tshark -r $g -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
	same "$bad" 0 "malformed or error packets in $g"
done
tc=$(tshark -r $f -Y 'udp && dns.flags.response == 1 && dns.flags.truncated == 1' 2>/dev/null | wc -l)
same "$tc" 3 "truncated UDP answers (mid without EDNS twice, big with EDNS)"
tcpdns=$(tshark -r $f -Y 'tcp && dns.flags.response == 1' 2>/dev/null | wc -l)
[ "$tcpdns" -ge 3 ] || fail "only $tcpdns DNS answers over TCP"
echo "ok: $tcpdns DNS answers over TCP decode"
big=$(tshark -r $f -Y 'tcp && dns.count.answers == 100' 2>/dev/null | wc -l)
[ "$big" -ge 1 ] || fail "the 100-record answer over TCP does not decode"
echo "ok: the 100-record answer over TCP decodes"
nx=$(tshark -r $f -Y 'dns.flags.rcode == 3' 2>/dev/null | wc -l)
[ "$nx" -ge 2 ] || fail "only $nx NXDOMAIN answers"
ref=$(tshark -r $f -Y 'dns.flags.response == 1 && dns.flags.authoritative == 0 && dns.count.auth_rr == 2 && dns.count.add_rr == 2' 2>/dev/null | wc -l)
same "$ref" 2 "referrals (no AA, 2 NS, glue + OPT)"
# the query tshark shows for www.example.test carries EDNS 1232
edns=$(tshark -r $f -Y 'dns.flags.response == 0 && dns.qry.name == "www.example.test" && dns.rr.udp_payload_size == 1232' 2>/dev/null | wc -l)
[ "$edns" -ge 1 ] || fail "no EDNS query for www.example.test"
echo "ok: EDNS 1232 in the queries"
# tshark reads the data we put in: the first answer for www (10.0.0.5, TTL
# 300), the NXDOMAIN's SOA at TTL min(3600, 60) = 60 (RFC 2308 §3), the
# CNAME chain web -> www -> 10.0.0.5
first=$(tshark -r $f -Y 'dns.flags.response == 1 && dns.qry.name == "www.example.test" && dns.qry.type == 1' -T fields -e dns.a -e dns.resp.ttl 2>/dev/null | head -1 | tr '\t' ' ')
same "$first" "10.0.0.5 300" "tshark's reading of the first www answer"
nxttl=$(tshark -r $f -Y 'dns.flags.rcode == 3 && dns.qry.name == "nothere.example.test"' -T fields -e dns.resp.ttl -e dns.soa.minimum_ttl 2>/dev/null | tr '\t' ' ')
same "$nxttl" "60 60" "tshark's reading of the NXDOMAIN's SOA TTL and MINIMUM"
cn=$(tshark -r $f -Y 'dns.flags.response == 1 && dns.qry.name == "web.example.test"' -T fields -e dns.cname -e dns.a 2>/dev/null | tr '\t' ' ')
same "$cn" "www.example.test 10.0.0.5" "tshark's reading of the CNAME answer"
