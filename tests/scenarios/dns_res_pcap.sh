# The resolvers' packets in pcap: the resolver validation run
# (tests/validation/dns_resolver.lua: priming, iteration, NXDOMAIN, CNAME,
# and an answer over 1232 bytes) decodes in tshark with zero malformed
# packets; the big answer arrives with TC=1 from the authoritative server
# (EDNS 1232) and from the resolver to the stub (no EDNS: 512), and both
# are asked again over TCP port 53 (RFC 7766), which tshark decodes as DNS.
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || { echo "skip: tshark is missing (make deps installs it)"; exit 0; }
$WIRELAB run "$TOP/tests/validation/dns_resolver.lua" --pcap p --quiet --out v.db || fail run
r_auth=p/r-eth3.pcap   # r's link to auth (its 4th link)
r_c=p/r-eth0.pcap      # r's link to c
[ -f $r_auth ] && [ -f $r_c ] || { ls p; fail "pcap files missing"; }
for f in p/*.pcap; do
	bad=$(tshark -r $f -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
	same "$bad" 0 "malformed packets in $f"
done
n=$(tshark -r $r_auth -Y 'udp && dns.flags.response == 1 && dns.flags.truncated == 1 && dns.qry.name == "big.example.test"' 2>/dev/null | wc -l)
same "$n" 1 "truncated UDP answers from auth for big.example.test"
n=$(tshark -r $r_auth -Y 'tcp.port == 53 && dns.flags.response == 1 && dns.count.answers == 100' 2>/dev/null | wc -l)
same "$n" 1 "the whole 100-record answer over TCP from auth"
n=$(tshark -r $r_c -Y 'udp && dns.flags.response == 1 && dns.flags.truncated == 1' 2>/dev/null | wc -l)
same "$n" 1 "truncated UDP answers from the resolver to the stub"
n=$(tshark -r $r_c -Y 'tcp.port == 53 && dns.flags.response == 1 && dns.count.answers == 100' 2>/dev/null | wc -l)
same "$n" 1 "the whole answer over TCP from the resolver to the stub"
# every DNS query the resolver sent upstream has RD clear and EDNS 1232;
# the stub's have RD set and no EDNS (glibc's defaults)
n=$(tshark -r $r_auth -Y 'dns.flags.response == 0 && (dns.flags.recdesired == 1 || !(dns.rr.udp_payload_size == 1232))' 2>/dev/null | wc -l)
same "$n" 0 "upstream queries with RD set or without EDNS 1232"
n=$(tshark -r $r_c -Y 'dns.flags.response == 0 && (dns.flags.recdesired == 0 || dns.rr.udp_payload_size)' 2>/dev/null | wc -l)
same "$n" 0 "stub queries without RD or with EDNS"
