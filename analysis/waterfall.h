/* Page loads in `wirelab plot` and `wirelab report`: which pages of a run
 * get a waterfall figure (analysis/waterfall.gp, one bar per request as in
 * a browser's network panel), and the report's table of page loads. */
#ifndef WL_WATERFALL_H
#define WL_WATERFALL_H

#include <stdint.h>
#include <stdio.h>

struct db;

/* Waterfalls drawn per run: a run of 1000 clients has 1000 pages, and a
 * figure each would bury the report. */
#define WATERFALL_MAX_PAGES 4

/* Calls fn with the page ids of run `run` that get a waterfall: the first
 * WATERFALL_MAX_PAGES pages by page_id that have requests.  The count, 0
 * for a run without pages (or a file without the pages table), -1 on
 * error. */
int waterfall_pages(struct db *db, int64_t run, void (*fn)(void *arg, int64_t page_id), void *arg);

/* The report's table of run `run`'s page loads (nothing when it has
 * none): page, client, URL, protocol, requests, bytes, TTFB and page-load
 * time in ms, error; at most WATERFALL_TABLE_ROWS rows, then the count and
 * the mean, median and maximum page-load time of them all. */
#define WATERFALL_TABLE_ROWS 20
void waterfall_page_table(FILE *f, struct db *db, int64_t run);

#endif
