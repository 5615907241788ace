# Files and faults (ISSUE 8 §2): --out replaces only a wirelab result file,
# and a write error (a full disk) stops the run at once with status 'error'.
. "$TOP/tests/lib.sh"
W=$WIRELAB

cat > my.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "10Mbps", delay = "5ms" })
run("1s")
LUA
cp my.lua my.lua.orig
echo "notes I care about" > notes.txt
cp notes.txt notes.orig
$W run my.lua --quiet --out ro.db || fail "a first run"
chmod 444 ro.db
cp ro.db ro.orig
sqlite3 other.db "create table t (x); insert into t values (42);"
cp other.db other.orig
printf 'SQLite format 3\000 but not really' > fake.db
cp fake.db fake.orig

expect_error "cannot replace result file 'my.lua': it is the scenario script itself" -- $W run my.lua --quiet --out my.lua
cmp my.lua my.lua.orig || fail "the script was changed"
expect_error "my.lua': it is the scenario script itself" -- $W run ./my.lua --quiet --out "$PWD/my.lua"
cmp my.lua my.lua.orig || fail "the script was changed"
expect_error "cannot replace result file 'notes.txt': it is not a wirelab result file (not SQLite)" -- $W run my.lua --quiet --out notes.txt
cmp notes.txt notes.orig || fail "the text file was changed"
expect_error "cannot replace result file 'ro.db': it is read-only" -- $W run my.lua --quiet --out ro.db
cmp ro.db ro.orig || fail "the read-only file was changed"
expect_error "'other.db': it is not a wirelab result file (SQLite, but without the runs" -- $W run my.lua --quiet --out other.db
cmp other.db other.orig || fail "the other SQLite file was changed"
expect_error "'fake.db': it is not a wirelab result file" -- $W run my.lua --quiet --out fake.db
cmp fake.db fake.orig || fail "the fake SQLite file was changed"
expect_error "--out: the result file name is empty" -- $W run my.lua --quiet --out ''
mkdir adir
expect_error "cannot replace result file 'adir': it is not a regular file" -- $W run my.lua --quiet --out adir
# the default name (my.db here) is checked too
cp notes.txt my.db
expect_error "'my.db': it is not a wirelab result file" -- $W run my.lua --quiet
cmp my.db notes.orig || fail "the default result file was replaced"
rm my.db
# a result file, and an empty file, are replaced
chmod 644 ro.db
$W run my.lua --quiet --out ro.db || fail "replacing a result file"
: > empty.db
$W run my.lua --quiet --out empty.db || fail "replacing an empty file"
same "$(q empty.db "select status from runs")" "ok" "run into an empty file"

# ---- a full disk ----
# A 128 KiB tmpfs holds the schema and a few thousand rows; recording every
# TCP event of a 100 s bulk transfer writes far more.  The run must stop at
# the first failed write (not go on for 100 simulated seconds) and say why.
cat > big.lua <<'LUA'
local a, b = node "a", node "b"
link(a, b, { rate = "100Mbps", delay = "5ms" })
tcp.bulk { from = a, to = b }
record { "tcp", every = "event" }
run("100s")
LUA
mkdir -p full
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=128k tmpfs full 2>/dev/null; then
	echo "skip: the full-disk case needs root to mount a small tmpfs (uid $(id -u))"
	exit 0
fi
trap 'umount full 2>/dev/null' EXIT
# the start-up of the binary (slow under ASan on a loaded machine) does not
# count against the 2 s
echo 'local x = 1' > nothing.lua
t0=$(date +%s%N)
$W run nothing.lua --quiet --out nothing.db || fail "an empty run"
startup=$(( ($(date +%s%N) - t0) / 1000000 ))
case "$W" in */san/*) ;; *) startup=0 ;; esac
t0=$(date +%s%N)
$W run big.lua --quiet --out full/big.db > out.txt 2> err.txt
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cat err.txt
[ $rc -eq 1 ] || fail "exit status $rc on a full disk, expected 1"
grep -q "AddressSanitizer\|runtime error" err.txt && fail "sanitizer report"
grep -q "big.lua:5: result file 'full/big.db': .*database or disk is full" err.txt || fail "reason not printed"
same "$(q full/big.db "select status from runs")" "error" "status after a full disk"
q full/big.db "select error from runs" | grep -q "disk is full" || fail "reason not recorded in runs.error"
sim_s=$(q full/big.db "select sim_ns / 1e9 from runs")
awk -v s="$sim_s" 'BEGIN { exit !(s < 100) }' || fail "the run went on to the end (t = $sim_s s)"
echo "ok: stopped at t = $sim_s s of 100 s, after $ms ms of wall time (start-up allowance $startup ms)"
[ $ms -lt $((2000 + startup)) ] || fail "took $ms ms (limit 2000 + $startup)"
