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
# the scenario's file name and parameters, for titles
scenario = system(sprintf("sqlite3 '%s' \"select replace(scenario, rtrim(scenario, replace(scenario, '/', '')), '') || '  ' || params from runs where run_id=%d\"", db, run))
# title(t): a figure title with the run underneath
title(t) = sprintf("%s\n%s", t, scenario)
