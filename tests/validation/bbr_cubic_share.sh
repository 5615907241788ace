# One BBR flow against one CUBIC flow, 10 Mbit/s, 40 ms, FIFO of 2, 8, 32
# and 64 BDP (BDP = 10 Mbit/s x 40 ms / 1500 B = 33.3 packets: 67, 267,
# 1067, 2133 packets), 300 s, BBR's share of the goodput after 20 s.
# Ware et al., "Modeling BBR's Interactions with Loss-Based Congestion
# Control", IMC 2019: BBR's share falls as the buffer grows; their model
# gives 0.78 / 0.545 / 0.44 / 0.37 (testbed error 5-8 %).
# What this test holds the model to:
#   - the share falls monotonically from 2 to 64 BDP (Ware et al.; also
#     Hock et al., "Experimental Evaluation of BBR", ICNP 2017);
#   - BBR gets more than half the link at 2 BDP, where CUBIC's losses are
#     BBR's gain.
# It does not hold it to the model's numbers +- 0.1, which wirelab does not
# meet: it gives BBR 0.55 / 0.43 / 0.22 / 0.08, less than the model at
# every size.  ns-3.37's TcpBbr with its two rate-sample fixes (#735,
# #1026), on the same set-up, gives 0.996 / 0.577 / 0.338 / 0.19: it does
# not meet the model at 2 and 64 BDP either.  docs/models/tcp.md ("BBR
# against CUBIC") has the analysis; it is an open item.
. "$TOP/tests/lib.sh"
prev=2
for k in 2 8 32 64; do
	buf=$(( (k * 4000000 / 12000 + 5) / 10 ))   # k x BDP, rounded
	$WIRELAB run "$TOP/scenarios/bufferbloat.lua" -p cc=bbr,cubic -p buf=$buf -p time=300s -p warmup=20s \
		--quiet --out s$k.db || fail "run at $k BDP"
	share=$(q s$k.db "select (select goodput_bps from flows where name = 'bbr1')
		/ (select sum(goodput_bps) from flows where app = 'bulk')")
	echo "$k BDP ($buf packets): BBR's share $share"
	awk -v s="$share" -v p=$prev 'BEGIN { exit !(s < p) }' || fail "share at $k BDP ($share) not below the previous ($prev)"
	case $k in
	2) awk -v s="$share" 'BEGIN { exit !(s > 0.5) }' || fail "BBR's share at 2 BDP is $share, not above half" ;;
	esac
	prev=$share
done
