/* Unit parsing and printing; see units.h. */
#include "units.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	uint64_t mult;
	int nocase; /* match ignoring case */
};

static const struct unit rate_units[] = {
	{ "bps", 1, 1 },       { "kbps", 1000, 1 },         { "mbps", 1000000, 1 },
	{ "gbps", 1000000000, 1 }, { "tbps", 1000000000000ull, 1 },
	{ "bit", 1, 1 },       { "kbit", 1000, 1 },         { "mbit", 1000000, 1 },
	{ "gbit", 1000000000, 1 },
	{ NULL, 0, 0 },
};

static const struct unit size_units[] = {
	{ "B", 1, 0 },         { "byte", 1, 1 },            { "bytes", 1, 1 },
	{ "kB", 1000, 0 },     { "KB", 1000, 0 },           { "KiB", 1024, 0 },
	{ "MB", 1000000, 0 },  { "MiB", 1048576, 0 },       { "GB", 1000000000, 0 },
	{ "GiB", 1073741824, 0 },
	{ NULL, 0, 0 },
};

static const struct unit duration_units[] = {
	{ "ns", 1, 0 },        { "us", 1000, 0 },           { "\xc2\xb5s", 1000, 0 }, /* µs */
	{ "ms", 1000000, 0 },  { "s", 1000000000, 0 },      { "sec", 1000000000, 0 },
	{ "min", 60000000000ull, 0 }, { "h", 3600000000000ull, 0 },
	{ NULL, 0, 0 },
};

static const struct unit *table_of(enum unit_kind k)
{
	switch (k) {
	case UNIT_RATE: return rate_units;
	case UNIT_SIZE: return size_units;
	case UNIT_DURATION: return duration_units;
	}
	return NULL;
}

static const struct unit *find_unit(const struct unit *t, const char *u)
{
	for (; t->name; t++)
		if (t->nocase ? strcasecmp(t->name, u) == 0 : strcmp(t->name, u) == 0)
			return t;
	return NULL;
}

/* Splits "1.25 Mbps" into an exact decimal (mant / 10^frac) and the unit
 * text.  Returns -1 if there is no digit, a sign, or too many digits. */
static int split_number(const char *s, uint64_t *mant, int *frac, const char **unit)
{
	uint64_t m = 0;
	int digits = 0, f = 0, seen_dot = 0;
	const char *p = s;
	for (;; p++) {
		if (isdigit((unsigned char)*p)) {
			if (digits >= 19)
				return -1; /* 10^19 - 1 still fits in uint64 */
			if (m || *p != '0')
				digits++;
			m = m * 10 + (uint64_t)(*p - '0');
			if (seen_dot && ++f > 30)
				return -1; /* more decimals than any unit can use */
		} else if (*p == '.' && !seen_dot) {
			seen_dot = 1;
		} else {
			break;
		}
	}
	if (p == s || (p == s + 1 && seen_dot))
		return -1;
	if (*p == ' ')
		p++;
	*mant = m;
	*frac = f;
	*unit = p;
	return 0;
}

int units_parse(enum unit_kind k, const char *s, int64_t *out)
{
	uint64_t mant;
	int frac;
	const char *utext;
	if (!s || split_number(s, &mant, &frac, &utext) < 0 || !*utext)
		return -1;
	const struct unit *u = find_unit(table_of(k), utext);
	if (!u)
		return -1;
	unsigned __int128 v = (unsigned __int128)mant * u->mult;
	unsigned __int128 div = 1;
	for (int i = 0; i < frac; i++)
		div *= 10;
	v = (v + div / 2) / div;
	if (v > (unsigned __int128)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int units_parse_rate(const char *s, uint64_t *bps)
{
	int64_t v;
	if (units_parse(UNIT_RATE, s, &v) < 0 || v == 0)
		return -1;
	*bps = (uint64_t)v;
	return 0;
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	int64_t v;
	if (units_parse(UNIT_SIZE, s, &v) < 0)
		return -1;
	*bytes = (uint64_t)v;
	return 0;
}

int units_parse_duration(const char *s, simtime_t *ns)
{
	int64_t v;
	if (units_parse(UNIT_DURATION, s, &v) < 0)
		return -1;
	*ns = v;
	return 0;
}

int units_kind_of(const char *s)
{
	uint64_t mant;
	int frac;
	const char *utext;
	if (!s || split_number(s, &mant, &frac, &utext) < 0 || !*utext)
		return -1;
	for (int k = UNIT_RATE; k <= UNIT_DURATION; k++)
		if (find_unit(table_of((enum unit_kind)k), utext))
			return k;
	return -1;
}

const char *units_kind_name(enum unit_kind k)
{
	static const char *names[] = { "rate", "size", "duration" };
	return names[k];
}

const char *units_kind_example(enum unit_kind k)
{
	static const char *ex[] = { "'10Mbps'", "'1500B' or '64KiB'", "'40ms'" };
	return ex[k];
}

/* Prints v/mult with as many decimals as it takes (mult a power of ten). */
static char *fmt_decimal(char *buf, size_t n, uint64_t v, uint64_t mult, const char *unit)
{
	uint64_t whole = v / mult, rest = v % mult;
	if (!rest) {
		snprintf(buf, n, "%llu%s", (unsigned long long)whole, unit);
		return buf;
	}
	int width = 0;
	for (uint64_t m = mult; m > 1; m /= 10)
		width++;
	char fracbuf[32];
	if (width > 20)
		width = 20;
	snprintf(fracbuf, sizeof(fracbuf), "%0*llu", width, (unsigned long long)rest);
	for (int i = width - 1; i > 0 && fracbuf[i] == '0'; i--)
		fracbuf[i] = '\0';
	snprintf(buf, n, "%llu.%s%s", (unsigned long long)whole, fracbuf, unit);
	return buf;
}

char *units_fmt_rate(char *buf, size_t n, uint64_t bps)
{
	static const struct unit order[] = {
		{ "Tbps", 1000000000000ull, 0 }, { "Gbps", 1000000000, 0 },
		{ "Mbps", 1000000, 0 },          { "kbps", 1000, 0 },
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bps >= order[i].mult)
			return fmt_decimal(buf, n, bps, order[i].mult, order[i].name);
	return fmt_decimal(buf, n, bps, 1, "bps");
}

/* A duration's magnitude: unsigned, so that INT64_MIN has one too. */
static char *fmt_duration_mag(char *buf, size_t n, uint64_t ns)
{
	static const struct unit order[] = {
		{ "s", 1000000000, 0 }, { "ms", 1000000, 0 }, { "us", 1000, 0 },
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (ns >= order[i].mult)
			return fmt_decimal(buf, n, ns, order[i].mult, order[i].name);
	return fmt_decimal(buf, n, ns, 1, "ns");
}

char *units_fmt_duration(char *buf, size_t n, simtime_t ns)
{
	if (ns >= 0)
		return fmt_duration_mag(buf, n, (uint64_t)ns);
	char tmp[48];
	fmt_duration_mag(tmp, sizeof(tmp), 0 - (uint64_t)ns); /* no overflow at INT64_MIN */
	snprintf(buf, n, "-%s", tmp);
	return buf;
}

int units_round(double x, int64_t *out)
{
	/* 2^63 is exact as a double; every double below it in magnitude
	 * rounds to a value int64 holds (the largest is 2^63 - 1024) */
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return -1;
	double r = x < 0 ? x - 0.5 : x + 0.5;
	if (!(r > -9223372036854775808.0 && r < 9223372036854775808.0))
		return -1;
	*out = (int64_t)r;
	return 0;
}

char *units_fmt_size(char *buf, size_t n, uint64_t bytes)
{
	static const struct unit order[] = {
		{ "GiB", 1073741824, 0 }, { "MiB", 1048576, 0 }, { "KiB", 1024, 0 },
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (bytes >= order[i].mult && bytes % order[i].mult == 0) {
			snprintf(buf, n, "%llu%s", (unsigned long long)(bytes / order[i].mult), order[i].name);
			return buf;
		}
	snprintf(buf, n, "%lluB", (unsigned long long)bytes);
	return buf;
}
