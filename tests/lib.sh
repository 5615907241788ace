# Helpers for shell tests.  Environment: $WIRELAB (the binary under test),
# $TOP (the source tree); the current folder is the test's scratch folder.
set -u

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "$*"; }

# q DB SQL: one value
q() { sqlite3 "$1" "$2"; }

# near ACTUAL EXPECTED TOL_FRACTION WHAT: |actual-expected| <= tol*|expected|
near() {
	awk -v a="$1" -v e="$2" -v t="$3" -v w="$4" 'BEGIN {
		d = a - e; if (d < 0) d = -d; lim = t * (e < 0 ? -e : e);
		if (d <= lim) { printf "ok: %s = %s (expected %s +- %s%%)\n", w, a, e, t * 100; exit 0 }
		printf "FAIL: %s = %s, expected %s +- %s%%\n", w, a, e, t * 100; exit 1 }' || exit 1
}

# same ACTUAL EXPECTED WHAT
same() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
	echo "ok: $3 = $1"
}

# expect_error "message fragment" -- command...: non-zero exit, the fragment
# on stderr, no crash (exit < 128, no sanitizer report)
expect_error() {
	frag=$1; shift
	[ "$1" = "--" ] && shift
	"$@" > out.txt 2> err.txt
	rc=$?
	[ $rc -ne 0 ] || fail "expected failure from: $* (exit 0)"
	[ $rc -lt 90 ] || { cat err.txt >&2; fail "crashed (exit $rc): $*"; }
	grep -q "AddressSanitizer\|runtime error" err.txt && { cat err.txt >&2; fail "sanitizer report: $*"; }
	grep -qF -- "$frag" err.txt || { cat err.txt >&2; fail "message lacks '$frag': $*"; }
	echo "ok: $(head -c 300 err.txt | tr '\n' ' ')"
}
