#!/bin/sh
# bbr_cubic.sh [DURATION] [REPS] [OUTDIR]: the Linux reference for
# tests/validation/bbr_cubic_share.sh.  One BBR and one CUBIC flow of the
# running kernel share a 10 Mbit/s, 40 ms bottleneck with a FIFO of 2, 8,
# 32 and 64 BDP (67, 267, 1067, 2133 packets), DURATION seconds (300), REPS
# times (2); two testbeds run at a time.  Prints BBR's share of the
# goodput over [20 s, DURATION] per run, and the table in OUTDIR/results.md.
# Needs root, network namespaces, veth, ethtool, python3 and a kernel
# with tcp_bbr; everything stays inside the namespaces (10.77.0.0/24).
set -eu
DUR=${1:-300} REPS=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
OUT=${3:-$here/../../results/linuxbed}
grep -qw bbr /proc/sys/net/ipv4/tcp_available_congestion_control ||
	modprobe tcp_bbr 2>/dev/null || { echo "bbr_cubic.sh: the kernel has no tcp_bbr" >&2; exit 1; }
mkdir -p "$here/../../build/linuxbed" "$OUT"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$here/../../build/linuxbed/emu" "$here/emu.c"
trap '"$here/netns.sh" down a; "$here/netns.sh" down b' EXIT
"$here/netns.sh" up a
"$here/netns.sh" up b
uname -r > "$OUT/kernel.txt"
rep=1
while [ $rep -le "$REPS" ]; do
	for pair in "67 2133" "267 1067"; do
		set -- $pair
		"$here/run.sh" a "$1" "$DUR" "$OUT/N$1_r$rep" bbr:5001 cubic:5002 &
		"$here/run.sh" b "$2" "$DUR" "$OUT/N$2_r$rep" bbr:5001 cubic:5002 &
		wait
	done
	rep=$((rep + 1))
done
python3 "$here/analyze.py" "$OUT" "$DUR" | tee "$OUT/results.md"
