# TCP in pcap: handshake.lua decodes in tshark with no malformed packets and
# no bad checksums (TCP options and all), and in a lossy bulk run tshark's
# own count of retransmissions at the sender equals the simulator's.
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || fail "tshark is missing (make deps installs it)"
chk="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
$WIRELAB run "$TOP/scenarios/handshake.lua" --pcap hs --quiet --out h.db || fail run
for f in hs/client-eth0.pcap hs/server-eth0.pcap; do
	n=$(tshark -r $f 2>/dev/null | wc -l)
	same "$n" 7 "segments in $f (SYN, SYN-ACK, request, response, FIN, FIN-ACK, ACK)"
	bad=$(tshark -r $f $chk -Y '_ws.malformed || _ws.expert.severity >= "warning" || tcp.checksum.status == "Bad" || ip.checksum.status == "Bad"' 2>/dev/null | wc -l)
	same "$bad" 0 "malformed, bad-checksum or warned packets in $f"
done
tshark -r hs/client-eth0.pcap -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.options.mss_val == 1460 && tcp.options.wscale.shift == 7 && tcp.options.sack_perm && tcp.options.timestamp.tsval' 2>/dev/null | grep -q . || fail "the SYN's options do not decode as MSS 1460, WS 7, SACK_PERM, TS"
echo "ok: the SYN's options decode"

$WIRELAB run "$TOP/scenarios/tcp_bulk.lua" -p loss=0.01 -p time=20s --pcap lossy --quiet --out l.db || fail run
ours=$(q l.db "select retrans from flows where app = 'bulk'")
theirs=$(tshark -r lossy/s1-eth0.pcap -Y tcp.analysis.retransmission 2>/dev/null | wc -l)
[ "$ours" -gt 10 ] || fail "too few retransmissions to compare ($ours)"
same "$theirs" "$ours" "retransmissions, tshark vs the simulator"
bad=$(tshark -r lossy/s1-eth0.pcap $chk -Y '_ws.malformed || tcp.checksum.status == "Bad"' 2>/dev/null | wc -l)
same "$bad" 0 "malformed packets in the lossy run"
