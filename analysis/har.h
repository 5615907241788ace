/* `wirelab har`: one run's HTTP requests and page loads as an HTTP Archive
 * (HAR 1.2, http://www.softwareishard.com/blog/har-12-spec/ and the W3C
 * draft "HTTP Archive (HAR) format"), the file browsers' developer tools
 * export and HAR viewers open.  See har.c for how each field is filled. */
#ifndef WL_HAR_H
#define WL_HAR_H

#include <stdint.h>
#include <stdio.h>

struct db;
struct errbuf;

/* The fixed wall-clock instant simulated time 0 maps to in every
 * startedDateTime: 2000-01-01T00:00:00Z (POSIX time 946684800).  A fixed
 * epoch keeps the file a function of the result file alone. */
#define HAR_EPOCH_UNIX 946684800LL

/* Writes run `run`'s pages and http_requests rows as HAR 1.2 JSON to out.
 * A file without those tables (written before they existed) gives a log
 * with no pages and no entries.  0, or -1 with err set. */
int har_write(struct db *db, int64_t run, FILE *out, struct errbuf *err);

/* wirelab har FILE.db [--run N] [--out FILE.har]: run -1 is the last run;
 * outpath NULL is FILE's name with .har for .db.  Prints the path written.
 * The exit status: 0, or 1 after printing why. */
int har_main_write(const char *dbpath, long long run, const char *outpath);

/* ISO 8601 UTC text of simulated time t_ns after HAR_EPOCH_UNIX, to the
 * millisecond ("2000-01-01T00:00:01.234Z"); buf of at least 32 bytes. */
void har_iso_time(char *buf, size_t n, int64_t t_ns);

#endif
