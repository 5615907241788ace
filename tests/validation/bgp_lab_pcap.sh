# The BGP lab (scenarios/bgp_lab.lua, clique of five over TCP) in
# Wireshark: every BGP message in every pcap decodes with no malformed
# packet and no expert error (tshark's BGP dissector, RFC 4271 formats),
# and the UPDATEs on the wire match the speakers' own count.  Skips when
# tshark is missing.
. "$TOP/tests/lib.sh"
command -v tshark > /dev/null 2>&1 || { echo "skip: tshark is not installed"; exit 0; }
$WIRELAB run "$TOP/scenarios/bgp_lab.lua" -p shape=clique -p time=300s -p withdraw_at=100s \
	-p reannounce_at=200s --quiet --out lab.db --pcap pcap > out.txt 2>&1 || { cat out.txt; fail "the lab failed"; }
n=0 bad=0 upd=0
for f in pcap/*.pcap; do
	n=$((n + $(tshark -r "$f" -Y bgp 2>/dev/null | wc -l)))
	bad=$((bad + $(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)))
	# UPDATEs sent from this interface's node (each message counted once: the sender's side)
	upd=$((upd + $(tshark -r "$f" -Y 'bgp.type == 2' -T fields -e bgp.type 2>/dev/null | tr ',' '\n' | grep -c 2)))
done
[ "$n" -gt 0 ] || fail "no BGP packets in the pcaps"
same "$bad" 0 "malformed or erroneous BGP packets among $n"
# each UPDATE crosses one link and appears in both ends' pcaps
sent=$(sqlite3 lab.db "select cast(sum(value) as integer) from series where metric = 'bgp_updates'")
same "$upd" "$((2 * sent))" "UPDATE messages in the pcaps (twice the $sent sent: both ends capture)"
