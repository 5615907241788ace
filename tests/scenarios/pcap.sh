# --pcap writes one file per interface that tshark decodes with no
# malformed packets and no bad checksums, with the hand-counted number of
# packets.  chain.lua for 3.5 s, seen at h1's only interface:
#   ping at 0, 1, 2, 3 s: 4 requests + 4 replies (a reply takes 40.5 ms)
#   traceroute at 0.5 s: 4 hops x 3 probes = 12 probes + 12 ICMP answers
#   = 32 packets
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || fail "tshark is missing (make deps installs it)"
$WIRELAB run "$TOP/scenarios/chain.lua" -p time=3.5s --pcap pcaps --quiet --out c.db || fail run
ls pcaps
[ -f pcaps/h1-eth0.pcap ] || fail "no pcap for h1's interface"
n=$(ls pcaps/*.pcap | wc -l)
same "$n" 8 "pcap files (h1, r1 x2, r2 x2, r3 x2, h2)"
chk="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o icmp.check_checksum:TRUE"
total=0
for f in pcaps/*.pcap; do
	c=$(tshark -r "$f" 2>/dev/null | wc -l)
	total=$((total + c))
	bad=$(tshark -r "$f" $chk -Y '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || icmp.checksum.status == "Bad"' 2>/dev/null | wc -l)
	[ "$bad" -eq 0 ] || { tshark -r "$f" $chk -V | head -80; fail "$f: $bad malformed or bad-checksum packets"; }
done
echo "ok: no malformed packets or bad checksums in $total packets"
same "$(tshark -r pcaps/h1-eth0.pcap 2>/dev/null | wc -l)" 32 "packets at h1-eth0"
same "$(tshark -r pcaps/h1-eth0.pcap -Y 'icmp.type == 8' 2>/dev/null | wc -l)" 4 "echo requests"
same "$(tshark -r pcaps/h1-eth0.pcap -Y 'icmp.type == 11' 2>/dev/null | wc -l)" 9 "time exceeded"
same "$(tshark -r pcaps/h1-eth0.pcap -Y 'icmp.type == 3 && icmp.code == 3' 2>/dev/null | wc -l)" 3 "port unreachable"
# timestamps are the simulator's own, to the nanosecond: the first reply
# arrives one RTT (40537600 ns for 84-byte packets) after the request
t=$(tshark -r pcaps/h1-eth0.pcap -Y 'icmp.type == 0' -T fields -e frame.time_relative 2>/dev/null | head -1)
same "$t" "0.040537600" "first echo reply time"
