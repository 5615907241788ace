#!/bin/sh
# Runs every benchmark binary (build/rel/bench/*) and times the shipped
# udp_overload scenario over 300 simulated seconds, after printing what
# machine and commit the figures belong to.  Builds nothing: `make bench`
# builds first, then calls this.  Benchmarks print figures and never fail
# on time (DESIGN §7); this script fails only if a benchmark crashes or a
# binary is missing.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
status=0

echo "== machine"
echo "cores   $(nproc 2>/dev/null || echo '?')"
echo "cpu     $(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo "commit  $(git describe --always --dirty 2>/dev/null || echo unknown)"
echo "date    $(date -u '+%Y-%m-%d %H:%M UTC')"

found=0
for b in build/rel/bench/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	found=1
	echo
	echo "== $(basename "$b")"
	if ! "$b"; then
		echo "$(basename "$b") failed (exit status $?)"
		status=1
	fi
done
if [ $found = 0 ]; then
	echo "no benchmark binaries in build/rel/bench: run 'make bench'" >&2
	status=1
fi

echo
echo "== scenario: wirelab run scenarios/udp_overload.lua -p time=300s"
db=/tmp/bench_udp.db
if [ ! -x ./wirelab ]; then
	echo "./wirelab is missing: run 'make bench'" >&2
	exit 1
fi
rm -f "$db" "$db-wal" "$db-shm" # the runs table would otherwise gain a row
t0=$(date +%s%N)
if ! ./wirelab run scenarios/udp_overload.lua -p time=300s --quiet --out "$db"; then
	echo "the scenario failed" >&2
	exit 1
fi
t1=$(date +%s%N)
echo "wall (whole process)  $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f s", (b - a) / 1e9 }')"
sqlite3 "$db" "SELECT printf('simulated %.0f s, %d events in %.3f s of run(): %.2f M events/s', \
	sim_ns / 1e9, events, wall_s, events / wall_s / 1e6) FROM runs ORDER BY run_id DESC LIMIT 1"
exit $status
