# The BGP lab (scenarios/bgp_lab.lua, clique of five over TCP) in
# Wireshark: every BGP message in every pcap decodes with no malformed
# packet and no expert error (tshark's BGP dissector, RFC 4271 formats),
# and the UPDATEs on the wire are as many as the speakers say they sent.  Skips when
# tshark is missing.
. "$TOP/tests/lib.sh"
command -v tshark > /dev/null 2>&1 || { echo "skip: tshark is not installed"; exit 0; }
command -v mergecap > /dev/null 2>&1 || { echo "skip: mergecap (wireshark-common) is not installed"; exit 0; }
$WIRELAB run "$TOP/scenarios/bgp_lab.lua" -p shape=clique -p time=300s -p withdraw_at=100s \
	-p reannounce_at=200s --quiet --out lab.db --pcap pcap > out.txt 2>&1 || { cat out.txt; fail "the lab failed"; }
# one file, two tshark passes (tshark's start-up dominates otherwise).
# Both ends of a link capture each segment; in the merged file tshark
# takes the second copy for a retransmission and dissects the BGP once.
mergecap -w all.pcap pcap/*.pcap || fail "mergecap failed"
types=$(tshark -r all.pcap -Y bgp -T fields -e bgp.type 2>/dev/null)
n=$(printf '%s\n' "$types" | grep -c .)
# UPDATE messages (several may share a segment: "2,2")
upd=$(printf '%s\n' "$types" | tr ',' '\n' | grep -c '^2$')
bad=$(tshark -r all.pcap -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "no BGP packets in the pcaps"
same "$bad" 0 "malformed or erroneous BGP packets among $n"
sent=$(sqlite3 lab.db "select cast(sum(value) as integer) from series where metric = 'bgp_updates'")
same "$upd" "$sent" "UPDATE messages in the pcaps (the speakers sent $sent)"
