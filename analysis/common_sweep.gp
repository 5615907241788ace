# Shared set-up for the sweep templates (analysis/sweep_*.gp).  Each is run as
#   gnuplot -e "db='sweep.db'; sweep=1; out='fig.png'; fmt='png'; lib='analysis'" TEMPLATE.gp
# and reads the result file itself through the sqlite3 command line tool:
# mostly its summary table, one row per (point, metric, key) with the mean
# over the point's replications (n) and the half-width of the 95 %
# confidence interval (ci95, NULL when n = 1).  sim/stats.h says what each
# metric means.

if (fmt eq 'svg') {
	set terminal svg size 900,560 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	set terminal pngcairo size 900,560 enhanced font 'Sans,11'
}
set output out
set grid
set key outside right top
set border 3
set tics nomirror

# Queries return fields separated by '|', so labels may hold spaces.
set datafile separator '|'
# sql(q): a data source that runs the query q on the result file
sql(q) = sprintf("< sqlite3 -separator '|' '%s' \"%s\"", db, q)
# sqlwords(q): the query's single column as a space-separated list
sqlwords(q) = system(sprintf("sqlite3 '%s' \"%s\" | tr '\\n' ' '", db, q))
# the sweep's own command line, for titles
spec = system(sprintf("sqlite3 '%s' \"select replace(spec, 'wirelab sweep ', '') from sweeps where sweep_id = %d limit 1\"", db, sweep))
# the spec wrapped at wrap_at characters, so a long one is never cut
wrap_at = 110
wrapped = ''
line = ''
do for [i = 1:words(spec)] {
	w = word(spec, i)
	if (strlen(line) > 0 && strlen(line) + 1 + strlen(w) > wrap_at) {
		wrapped = wrapped.line."\n"
		line = w
	} else {
		line = strlen(line) > 0 ? line.' '.w : w
	}
}
wrapped = wrapped.line
title(t) = sprintf("%s\n%s", t, wrapped)
