# sanitizer: skip (it builds a separate tool; nothing of wirelab runs)
# tools/linuxbed, the Linux reference for bbr_cubic_share.sh, needs root to
# run, so the test suite cannot run it; it can keep it building without
# warnings, its scripts parsing, and its emulator refusing bad arguments.
. "$TOP/tests/lib.sh"
src=$TOP/tools/linuxbed
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o emu "$src/emu.c" || fail "emu.c does not build cleanly"
./emu r0 r1 2> usage.txt
same "$?" 2 "emu's exit status without a FIFO size"
grep -q "^usage: " usage.txt || fail "emu printed no usage: $(cat usage.txt)"
./emu r0 r1 0 2> bad.txt
same "$?" 2 "emu's exit status for N = 0"
grep -q "N must be >= 1" bad.txt || fail "emu did not say what was wrong: $(cat bad.txt)"
for f in "$src"/*.sh; do sh -n "$f" || fail "$f does not parse"; done
if command -v python3 >/dev/null; then
	python3 -c 'import ast, sys
for f in sys.argv[1:]: ast.parse(open(f).read(), f)' "$src"/*.py || fail "a linuxbed script does not parse"
else
	note "no python3 here: the linuxbed scripts were not parsed"
fi
