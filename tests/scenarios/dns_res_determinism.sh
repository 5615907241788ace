# Same script, parameters and seed: byte-identical dns_lookups rows and
# pcap files (query IDs and source ports come from the named streams
# dns:stub:<node> and dns:resolver:<node>); another seed: other IDs and
# ports on the wire, the same lookups and timings in the rows.
. "$TOP/tests/lib.sh"
S="$TOP/tests/validation/dns_resolver.lua"
for i in 1 2; do
	$WIRELAB run "$S" --seed 7 --quiet --pcap p$i --out r$i.db > /dev/null || fail "run $i"
	q r$i.db "select * from dns_lookups" > rows$i.txt
done
$WIRELAB run "$S" --seed 8 --quiet --pcap p3 --out r3.db > /dev/null || fail "run 3"
q r3.db "select * from dns_lookups" > rows3.txt
cmp -s rows1.txt rows2.txt || fail "dns_lookups rows differ between two runs with seed 7"
echo "ok: dns_lookups identical with the same seed ($(wc -l < rows1.txt) rows)"
for f in p1/*.pcap; do
	cmp -s "$f" "p2/$(basename $f)" || fail "$f differs between two runs with seed 7"
done
echo "ok: pcap files identical with the same seed"
cmp -s rows1.txt rows3.txt || fail "the rows depend on the seed (they should not: no loss, no choice)"
echo "ok: the rows do not depend on the seed"
cmp -s p1/c-eth0.pcap p3/c-eth0.pcap && fail "seed 8 sent the same query IDs and ports as seed 7"
echo "ok: another seed, other query IDs and ports"
