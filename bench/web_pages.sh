#!/bin/sh
# Page loads per wall second (issue 9's target: >= 1000): bench/web_pages.lua
# for HTTP/1.1 with 6 connections and for HTTP/2, 1000 clients each.
# Prints the pages loaded, the run's wall time (runs.wall_s), page loads
# per wall second and per CPU second (user + system: steadier on a busy
# machine), events per second and the peak RSS.  Never fails on time.
top=$(cd "$(dirname "$0")/.." && pwd)
W=${WIRELAB:-$top/wirelab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for proto in h1.1 h2; do
	/usr/bin/time -f "%M %U %S" -o "$tmp/rss" "$W" run "$top/bench/web_pages.lua" -p proto=$proto \
		-p clients=${CLIENTS:-1000} --quiet --out "$tmp/$proto.db" > "$tmp/out" || { cat "$tmp/out"; exit 1; }
	sqlite3 -separator ' ' "$tmp/$proto.db" "select (select value from series where metric = 'pages_loaded'),
		wall_s, events, (select count(*) from http_requests) from runs" | {
		read pages wall events reqs
		read rss user sys < "$tmp/rss"
		awk -v p="$proto" -v n="$pages" -v w="$wall" -v e="$events" -v r="$reqs" -v rss="$rss" -v cpu="$user $sys" 'BEGIN {
			split(cpu, c, " "); t = c[1] + c[2]
			printf "%-5s %5d pages (%d requests) in %.2f s wall, %.2f s CPU: %5.0f page loads/s wall, %5.0f per CPU s," \
				" %5.2f M events/s, peak RSS %.0f MB\n", p, n, r, w, t, n / w, n / t, e / w / 1e6, rss / 1024 }'
	}
done
