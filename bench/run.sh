#!/bin/sh
# Runs every benchmark binary (build/rel/bench/*; bench_scenarios times
# whole `wirelab run` processes of shipped scenarios) and the benchmarks
# written as scripts (bench/*.sh, e.g. page loads per second; bench/*.lua run
# by wirelab, timed by their runs.wall_s), after printing what machine and
# commit the figures belong to.  Builds nothing: `make bench`
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
for b in bench/*.sh; do
	[ -f "$b" ] || continue
	[ "$(basename "$b")" = run.sh ] && continue
	echo
	echo "== $(basename "$b")"
	WIRELAB="$top/wirelab" sh "$b" || { echo "$(basename "$b") failed"; status=1; }
done
for b in bench/*.lua; do
	[ -f "$b" ] || continue
	# a .lua driven by a .sh of the same name is run by that script
	[ -f "${b%.lua}.sh" ] && continue
	echo
	echo "== $(basename "$b")"
	tmp=$(mktemp)
	if "$top/wirelab" run "$b" --quiet --out "$tmp"; then
		echo "wall $(sqlite3 "$tmp" 'select round(wall_s, 3) from runs') s, $(sqlite3 "$tmp" 'select events from runs') events"
	else
		echo "$(basename "$b") failed"
		status=1
	fi
	rm -f "$tmp" "$tmp-wal" "$tmp-shm"
done
if [ $found = 0 ]; then
	echo "no benchmark binaries in build/rel/bench: run 'make bench'" >&2
	status=1
fi

exit $status
