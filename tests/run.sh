#!/usr/bin/env bash
# Runs every test twice: with the release build and with the ASan+UBSan
# build.  Unit tests are the cmocka binaries; scenario and validation tests
# are tests/{scenarios,validation}/*.lua (run by wirelab; exit 0 = pass) and
# *.sh (shell scripts using tests/lib.sh).  A test whose first lines contain
# "sanitizer: skip" runs only in the release build (say why beside it).
# Last line: "N passed, N failed".
#
# TESTS=pattern limits the scenario/validation tests to matching names;
# JOBS=n runs n at once (default: the number of cores).
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out="$top/tests/out"
rm -rf "$out"
mkdir -p "$out"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"

# one line per test: "<build> <kind> <path>"
list="$out/list"
: > "$list"
for b in rel san; do
	for t in build/$b/tests/test_*; do
		[ -x "$t" ] && echo "$b unit $t" >> "$list"
	done
	for t in tests/scenarios/*.lua tests/scenarios/*.sh tests/validation/*.lua tests/validation/*.sh; do
		[ -f "$t" ] || continue
		case "$t" in *${TESTS:-}*) ;; *) continue ;; esac
		if [ $b = san ] && head -5 "$t" | grep -q "sanitizer: skip"; then
			continue
		fi
		echo "$b script $t" >> "$list"
	done
done

# runs one test; writes $out/<id>.res as "PASS|FAIL name seconds"
run_one() {
	b=$1 kind=$2 t=$3
	id=$(echo "$b-$t" | tr '/.' '__')
	log="$out/$id.log"
	work="$out/$id.d"
	mkdir -p "$work"
	start=$(date +%s%N)
	if [ $b = rel ]; then bin="$top/wirelab"; else bin="$top/build/san/wirelab"; fi
	case "$kind" in
	unit) "$t" > "$log" 2>&1 ;;
	script)
		case "$t" in
		*.lua) (cd "$work" && WIRELAB_HOME="$top" "$bin" run "$top/$t" --quiet --out "$work/result.db") > "$log" 2>&1 ;;
		*.sh) (cd "$work" && WIRELAB="$bin" WIRELAB_HOME="$top" TOP="$top" sh "$top/$t") > "$log" 2>&1 ;;
		esac ;;
	esac
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	secs=$(printf "%d.%d" $((ms / 1000)) $(((ms % 1000) / 100)))
	if [ $rc -eq 0 ]; then r=PASS; else r=FAIL; fi
	printf "%s %s %s %s\n" "$r" "$b" "$t" "$secs" > "$out/$id.res"
	if [ $r = FAIL ]; then
		printf "FAIL [%s] %s (exit %d)\n" "$b" "$t" "$rc"
		tail -n 25 "$log" | sed 's/^/    /'
	else
		printf "ok   [%s] %s (%ss)\n" "$b" "$t" "$secs"
	fi
}

export top out
export -f run_one
xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ < "$list"

passed=$(cat "$out"/*.res 2>/dev/null | grep -c '^PASS')
failed=$(cat "$out"/*.res 2>/dev/null | grep -c '^FAIL')
total=$(wc -l < "$list")
missing=$((total - passed - failed))
[ $missing -gt 0 ] && failed=$((failed + missing))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
