# Page-load time against packet loss, the head-of-line blocking figure
# (scenarios/page_load.lua, docs/models/web.md): for each protocol (the
# page_load_ms metric's entity) and each combination of the sweep's other
# parameters, the mean page-load time over the replications with its 95 %
# confidence interval, against the point's loss parameter (0 when the
# sweep does not set one).
# needs-summary: page_load_ms
load lib.'/common_sweep.gp'
set termoption noenhanced
set title title('Page-load time against loss') font ',10'
set xlabel 'packet loss probability (loss)'
set ylabel 'page-load time (ms)'
set yrange [0:*]
set key font ',9'
where = sprintf("s.sweep_id = %d and s.metric = 'page_load_ms'", sweep)
# a point's parameters other than loss and proto, as 'conns=6 tls=1.3'
others = "(select coalesce(group_concat(key || '=' || value, ' '), '') from json_each(s.point) where key not in ('loss', 'proto'))"
# one line per protocol and other parameters: 'h2|conns=6'
lines = sqlwords(sprintf("select distinct replace(s.key || '|' || %s, ' ', '~') from summary s where %s order by 1", others, where))
line_key(l) = l[1:strstrt(l, '|') - 1]
line_others(l) = system(sprintf("printf '%%s' '%s' | tr '~' ' '", l[strstrt(l, '|') + 1:]))
points(l) = sql(sprintf("select coalesce(json_extract(s.point, '$.loss'), 0), s.mean, coalesce(s.ci95, 0) from summary s where %s and s.key = '%s' and %s = '%s' order by 1", where, line_key(l), others, line_others(l)))
plot for [l in lines] points(l) using 1:2:3 with yerrorlines pt 7 ps 1 lw 1.5 \
     title (strlen(line_others(l)) ? sprintf('%s, %s', line_key(l), line_others(l)) : line_key(l))
