/* Parsing and printing of the quantities scenarios are written in: rates
 * ("10Mbps", "1.5Gbps"), sizes ("1500B", "64KiB") and durations ("40ms",
 * "2s").  Decimal fractions are parsed exactly (no binary floating point),
 * and a number without a unit is an error, so "10" never silently means
 * 10 bit/s.  Results are rounded to the nearest base unit (bit/s, byte, ns). */
#ifndef WL_UNITS_H
#define WL_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "time.h"

enum unit_kind { UNIT_RATE, UNIT_SIZE, UNIT_DURATION };

/* 0 on success; -1 with nothing written on a malformed, negative or
 * out-of-range string. */
int units_parse_rate(const char *s, uint64_t *bps);
int units_parse_size(const char *s, uint64_t *bytes);
int units_parse_duration(const char *s, simtime_t *ns);
int units_parse(enum unit_kind k, const char *s, int64_t *out);

/* Which kind a string's unit belongs to; -1 if it has none we know. */
int units_kind_of(const char *s);
const char *units_kind_name(enum unit_kind k);    /* "rate" */
const char *units_kind_example(enum unit_kind k); /* "'10Mbps'" */

/* A Lua number as an integer count of base units, rounded half away from
 * zero; -1 for NaN, an infinity or a value beyond int64. */
int units_round(double x, int64_t *out);

/* Shortest exact rendering in the largest fitting unit: "10Mbps", "1.5Gbps",
 * "40ms", "64KiB" (sizes use binary units only when exact, else bytes). */
char *units_fmt_rate(char *buf, size_t n, uint64_t bps);
char *units_fmt_size(char *buf, size_t n, uint64_t bytes);
/* Any int64, INT64_MIN included ("-9223372036.854775808s"). */
char *units_fmt_duration(char *buf, size_t n, simtime_t ns);

#endif
