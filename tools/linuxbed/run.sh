#!/bin/sh
# run.sh S N DURATION OUTDIR CC:PORT... : one run on testbed S (netns.sh up S
# first): emu with an N-packet FIFO at 10 Mbit/s and 20 ms each way, the
# flows started 0.1 s apart in the order given, `ss -tin` once a second.
# OUTDIR gets recv.json (bytes per 1-s bin per flow), ss.log, emu.out,
# emu_persec.txt.  Needs root; emu is built by bbr_cubic.sh.
set -eu
S=$1 N=$2 DUR=$3 OUT=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
emu=${EMU:-$here/../../build/linuxbed/emu}
mkdir -p "$OUT"
ip netns exec "rtr$S" "$emu" r0 r1 "$N" 1e7 20 "$OUT/emu_persec.txt" > "$OUT/emu.out" 2> "$OUT/emu.err" &
emu_pid=$!
sleep 0.5
ip netns exec "snd$S" ping -c 3 -i 0.2 10.77.0.2 > "$OUT/ping.txt"
ports=""
for f in "$@"; do ports="$ports ${f#*:}:${f%:*}"; done
ip netns exec "rcv$S" python3 "$here/receiver.py" "$OUT/recv.json" $((DUR + 1)) $ports &
rcv_pid=$!
sleep 0.5
ip netns exec "snd$S" python3 "$here/sslog.py" "$OUT/ss.log" $((DUR + 1)) &
ss_pid=$!
ip netns exec "snd$S" python3 "$here/sender.py" "$OUT/send.json" "$DUR" 0.1 "$@"
wait $rcv_pid
wait $ss_pid
kill -TERM $emu_pid
wait $emu_pid || true
