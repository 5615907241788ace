# The bufferbloat study (scenarios/bufferbloat.lua): 10 Mbit/s, 40 ms base
# RTT, a FIFO of 1000 1500-byte packets = 1000 * 1500 * 8 / 10e6 = 1.2 s of
# queue, 60 s, goodput after a 5 s warm-up.  Expected from first principles:
#   - loss-based CCs (Reno, CUBIC) fill the FIFO before they see a loss, so
#     the largest ping RTT is the base RTT + 1.2 s (+-5 %), and the median
#     after the warm-up is at least 10 x the base RTT;
#   - at the first loss Reno halves its window (RFC 5681: ssthresh =
#     cwnd/2) and CUBIC cuts it to 717/1024 (RFC 9438 beta = 0.7, Linux);
#   - BBR paces at the bottleneck rate and keeps about one BDP of extra
#     inflight at most, so the median ping RTT stays <= 1.5 x base, with
#     goodput >= 90 %;
#   - with a 20-packet FIFO all three keep goodput >= 90 %.
# Base RTT: 40 ms plus an 84-byte ping's serialisation on four links
# (2 x 1 Gbps + 10 Mbps) each way: 40 ms + 2 x (2 x 672 + 67200) ns.
# Capacity: 10 Mbit/s * 1448 / 1500 = 9.653 Mbit/s of payload.
. "$TOP/tests/lib.sh"
base=40137088
cap=9653333
for cc in reno cubic bbr; do
	$WIRELAB run "$TOP/scenarios/bufferbloat.lua" -p cc=$cc -p buf=1000 --quiet --out $cc.db || fail "run $cc"
	g=$(q $cc.db "select goodput_bps from flows where app = 'bulk'")
	max=$(q $cc.db "select max(value) from series where metric = 'ping_rtt_ns'")
	med=$(q $cc.db "select value from series where metric = 'ping_rtt_ns' and t_ns >= 5e9 order by value
		limit 1 offset (select count(*) / 2 from series where metric = 'ping_rtt_ns' and t_ns >= 5e9)")
	echo "$cc: goodput $g bit/s, ping RTT median $med ns, max $max ns"
	case $cc in
	reno|cubic)
		near "$max" $((base + 1200000000)) 0.05 "$cc: largest ping RTT (ns)"
		awk -v m="$med" -v b=$base 'BEGIN { exit !(m >= 10 * b) }' || fail "$cc: median RTT $med < 10 x base"
		awk -v g="$g" -v c=$cap 'BEGIN { exit !(g >= 0.95 * c) }' || fail "$cc: goodput $g < 95 %"
		# the first reduction: "fast recovery: cwnd X ssthresh Y in flight Z"
		first=$(q $cc.db "select detail from events where kind = 'recovery' order by t_ns limit 1")
		set -- $first
		w=$4 s=$6
		if [ $cc = reno ]; then want=$((w / 2)); else want=$((w * 717 / 1024)); fi
		same "$s" "$want" "$cc: ssthresh after the first loss at cwnd $w"
		# and cwnd settles there when recovery ends (the ACK that ends it
		# may already grow it by one segment in congestion avoidance)
		after=$(q $cc.db "select cast(value / 1448 as int) from series where metric = 'cwnd' and entity = '${cc}1'
			and t_ns >= (select t_ns from events where kind = 'recovery_done' order by t_ns limit 1) order by t_ns limit 1")
		[ "$after" -ge "$want" ] && [ "$after" -le $((want + 1)) ] || fail "$cc: cwnd $after when recovery ends, expected $want"
		echo "ok: $cc: cwnd $after when recovery ends (ssthresh $want)"
		;;
	bbr)
		awk -v m="$med" -v b=$base 'BEGIN { exit !(m <= 1.5 * b) }' || fail "bbr: median RTT $med > 1.5 x base"
		awk -v g="$g" -v c=$cap 'BEGIN { exit !(g >= 0.90 * c) }' || fail "bbr: goodput $g < 90 %"
		echo "ok: bbr keeps the queue short"
		;;
	esac
	$WIRELAB run "$TOP/scenarios/bufferbloat.lua" -p cc=$cc -p buf=20 --quiet --out ${cc}20.db || fail "run $cc 20"
	g=$(q ${cc}20.db "select goodput_bps from flows where app = 'bulk'")
	awk -v g="$g" -v c=$cap 'BEGIN { exit !(g >= 0.90 * c) }' || fail "$cc with 20 packets: goodput $g < 90 %"
	echo "ok: $cc with a 20-packet FIFO: goodput $g bit/s"
done
