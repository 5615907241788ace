# BGP in pcap: every message of bgp_session_lab.lua decodes in tshark's BGP
# dissector with no malformed packet, and tshark counts the OPEN, UPDATE
# and NOTIFICATION messages the lab sends (RFC 4271 §4 formats; 4-octet
# AS_PATH and capability per RFC 6793; communities RFC 1997).  One tshark
# pass per link (tshark's start-up is most of the time): r1-eth0 sees the
# r1-r2 session, r2-eth1 the r2-r3 one.
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || { echo "skip: tshark is missing (make deps installs it)"; exit 0; }
$WIRELAB run "$TOP/tests/scenarios/bgp_session_lab.lua" --pcap pc --quiet --out lab.db || fail run
for g in r1-eth0 r2-eth1; do
	tshark -r pc/$g.pcap -V > $g.txt 2>/dev/null || fail "tshark cannot read pc/$g.pcap"
	n=$(grep -c "^Border Gateway Protocol" $g.txt)
	[ "$n" -gt 0 ] || fail "no BGP in pc/$g.pcap"
	echo "ok: $n packets with BGP in pc/$g.pcap"
	same "$(grep -c 'Malformed Packet' $g.txt)" 0 "malformed packets in pc/$g.pcap"
	same "$(grep -c 'Expert Info (Error' $g.txt)" 0 "expert errors in pc/$g.pcap"
done
cnt() { grep -c "Type: $1 Message ($2)" "$3"; }
same "$(cnt OPEN 1 r1-eth0.txt)" 2 "OPENs on r1-r2 (one each way; r2 is passive)"
same "$(cnt UPDATE 2 r1-eth0.txt)" 2 "UPDATEs on r1-r2 (an announcement, a withdrawal)"
same "$(cnt NOTIFICATION 3 r1-eth0.txt)" 1 "NOTIFICATIONs on r1-r2 (the Cease)"
grep -q "Minor error Code (Cease): Administratively Shutdown (2)" r1-eth0.txt || fail "no Cease/Administrative Shutdown decoded"
echo "ok: Cease 6/2 decodes"
grep -q "4200000001" r1-eth0.txt || fail "4-octet AS 4200000001 not decoded"
echo "ok: the 4-octet AS_PATH decodes"
grep -q "Support for 4-octet AS number capability" r1-eth0.txt || fail "4-octet AS capability not decoded"
echo "ok: OPEN capabilities decode"
same "$(cnt UPDATE 2 r2-eth1.txt)" 2 "UPDATEs on r2-r3 (1100 prefixes in two)"
grep -q "Minor error Code (Cease): Connection Collision Resolution (7)" r2-eth1.txt || fail "no Cease 6/7 for the collision"
echo "ok: the collision's Cease 6/7 decodes"
grep -q "Major error Code: Hold Timer Expired (4)" r2-eth1.txt || fail "no Hold Timer Expired on r2-r3"
echo "ok: Hold Timer Expired decodes"
