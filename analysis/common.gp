# Shared set-up for wirelab's gnuplot templates.  Each template is run as
#   gnuplot -e "db='run.db'; run=1; out='fig.png'; fmt='png'; lib='analysis'" TEMPLATE.gp
# and reads the result file itself through the sqlite3 command line tool,
# so the query that drew a figure is right there in its template.

if (fmt eq 'svg') {
	set terminal svg size 900,500 dynamic enhanced font 'Sans,12' background rgb 'white'
} else {
	set terminal pngcairo size 900,500 enhanced font 'Sans,11'
}
set output out
set grid
set key outside right top
set border 3
set tics nomirror

# sql(q): a data source that runs the query q on the result file
sql(q) = sprintf("< sqlite3 -separator ' ' '%s' \"%s\"", db, q)
# sqlwords(q): the query's single column as a space-separated list
sqlwords(q) = system(sprintf("sqlite3 '%s' \"%s\" | tr '\\n' ' '", db, q))
# the entities that have rows of a metric in this run
entities(m) = sqlwords(sprintf("select distinct entity from series where run_id=%d and metric='%s' order by entity", run, m))
# time (s) and value of one entity's series
series(m, e) = sql(sprintf("select t_ns/1e9, value from series where run_id=%d and metric='%s' and entity='%s' order by t_ns", run, m, e))
# Titles: the figure's name, then the scenario's file name and the run,
# then the run's parameters as name=value, wrapped at wrap_at characters so
# that a long list is never cut at the canvas' edges.
scenario = system(sprintf("sqlite3 '%s' \"select replace(scenario, rtrim(scenario, replace(scenario, '/', '')), '') from runs where run_id=%d\"", db, run))
params = system(sprintf("sqlite3 '%s' \"select group_concat(j.key || '=' || coalesce(j.value, 'null'), ' ') from runs r, json_each(case when json_valid(r.params) then r.params else '{}' end) j where r.run_id=%d\"", db, run))
wrap_at = 110
wrapped = ''
line = ''
do for [i = 1:words(params)] {
	w = word(params, i)
	if (strlen(line) > 0 && strlen(line) + 2 + strlen(w) > wrap_at) {
		wrapped = wrapped.line."\n"
		line = w
	} else {
		line = strlen(line) > 0 ? line.'  '.w : w
	}
}
wrapped = wrapped.line
# title(t): a figure title with the scenario, the run and its parameters underneath
title(t) = sprintf("%s\n%s, run %d%s", t, scenario, run, strlen(wrapped) > 0 ? "\n".wrapped : "")
