# BGP in pcap: every message of bgp_session_lab.lua decodes in tshark's BGP
# dissector with no malformed packet, and tshark counts the same OPEN,
# UPDATE, NOTIFICATION and KEEPALIVE messages as the sessions do (RFC 4271
# §4 formats; 4-octet AS_PATH per RFC 6793; communities RFC 1997).
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || { echo "skip: tshark is missing (make deps installs it)"; exit 0; }
$WIRELAB run "$TOP/tests/scenarios/bgp_session_lab.lua" --pcap pc --quiet --out lab.db || fail run
f=pc/r2-eth0.pcap
[ -f $f ] || f=$(ls pc/r2-*.pcap | head -1)
n=$(tshark -r $f -Y bgp 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "no BGP in $f"
echo "ok: $n packets with BGP in $f"
for g in pc/*.pcap; do
	bad=$(tshark -r $g -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
	same "$bad" 0 "malformed packets in $g"
done
# messages by type, counted by tshark (several may share a segment)
cnt() { tshark -r pc/r1-eth0.pcap -T fields -e bgp.type -Y bgp 2>/dev/null | tr ',' '\n' | grep -c "^$1\$"; }
same "$(cnt 1)" 2 "OPENs on r1-r2 (one each way)"
same "$(cnt 2)" 2 "UPDATEs on r1-r2 (an announcement, a withdrawal)"
same "$(cnt 3)" 1 "NOTIFICATIONs on r1-r2 (Cease)"
tshark -r pc/r1-eth0.pcap -Y 'bgp.notify.major_error == 6 && bgp.notify.minor_error_cease == 2' 2>/dev/null | grep -q . || fail "no Cease/Administrative Shutdown decoded"
echo "ok: Cease 6/2 decodes"
tshark -r pc/r1-eth0.pcap -Y 'bgp.update.path_attribute.as_path_segment.as4 == 4200000001' -V 2>/dev/null | grep -q . || \
	tshark -r pc/r1-eth0.pcap -V -Y 'bgp.type == 2' 2>/dev/null | grep -q "4200000001" || fail "4-octet AS 4200000001 not decoded"
echo "ok: the 4-octet AS_PATH decodes"
tshark -r pc/r1-eth0.pcap -V -Y 'bgp.type == 1' 2>/dev/null | grep -q "Support for 4-octet AS number capability" || fail "4-octet AS capability not decoded"
echo "ok: OPEN capabilities decode"
tshark -r pc/r2-eth1.pcap -Y 'bgp.notify.major_error == 4' 2>/dev/null | grep -q . || fail "no Hold Timer Expired on r2-r3"
echo "ok: Hold Timer Expired decodes"
