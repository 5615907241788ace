# The units library with values that are not numbers of base units: NaN,
# infinities, the ends of int64 (units.duration(0/0), (1/0) and
# (math.mininteger) recursed without end), and strings past int64.
. "$TOP/tests/lib.sh"
W=$WIRELAB

bad() {
	printf -- '-- units\n%s\n' "$1" > u.lua
	expect_error "u.lua:2: $2" -- $W run u.lua --quiet --out a.db
}
bad 'print(units.duration(0/0))' 'units.duration: expected a finite number of ns, got '
bad 'print(units.duration(1/0))' 'units.duration: expected a finite number of ns, got inf'
bad 'print(units.duration(-1/0))' 'units.duration: expected a finite number of ns, got -inf'
bad 'print(units.duration(1e300))' 'units.duration: expected a finite number of ns, got 1e+300'
bad 'print(units.rate(0/0))' 'units.rate: expected a finite number of bit/s, got '
bad 'print(units.size(2^63))' 'units.size: expected a finite number of bytes, got 9.2233720368548e+18'
bad 'print(units.size(-1))' 'units.size: a size cannot be negative (got -1)'
bad 'print(units.duration())' "units.duration: expected a number of ns, got nothing"
bad 'print(units.ns("99999999999999999999s"))' "units.ns: expected a duration like '40ms', got '99999999999999999999s'"
bad 'print(units.ns("9223372036.854775808s"))' "units.ns: expected a duration like '40ms', got '9223372036.854775808s'"
bad 'print(units.bps("1e5bps"))' "units.bps: expected a rate like '10Mbps', got '1e5bps'"

# the ends of int64 print, and parse back (2^63 - 1 and -2^63 ns)
cat > ok.lua <<'LUA'
assert(units.duration(math.mininteger) == "-9223372036.854775808s", units.duration(math.mininteger))
assert(units.duration(math.maxinteger) == "9223372036.854775807s")
assert(units.ns(units.duration(math.maxinteger)) == math.maxinteger)
assert(units.duration(-2.5) == "-3ns")   -- half away from zero
assert(units.duration(2.5) == "3ns")
assert(units.rate(2^62) == "4611686.018427387904Tbps")
LUA
$W run ok.lua --quiet --out ok.db || fail "units at the ends of int64"
echo "ok: units at the ends of int64"
