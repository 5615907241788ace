/* The usage printer shared by every command; see usage.h.  The usage
 * lines are the first lines of each command in `wirelab --help`. */
#include "cli/usage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *cmd, *line; } usage_lines[] = {
	{ "run", "wirelab run SCRIPT [-p name=value]... [--seed N] [--out FILE.db] [--pcap DIR] [--quiet]" },
	{ "plot", "wirelab plot FILE.db [--run N] [--out DIR]" },
	{ "sweep", "wirelab sweep SCRIPT -p name=v1,v2,... [-p ...] [--reps N] [--jobs N] [--seed S]"
		   " --out FILE.db [--emit-jobs] [--quiet]" },
	{ "merge", "wirelab merge OUT.db IN.db... [--quiet]" },
	{ "report", "wirelab report FILE.db [--out DIR]" },
	{ "har", "wirelab har FILE.db [--run N] [--out FILE.har]" },
};

static int vusage(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "wirelab: ");
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	for (size_t i = 0; cmd && i < sizeof(usage_lines) / sizeof(usage_lines[0]); i++)
		if (strcmp(usage_lines[i].cmd, cmd) == 0)
			fprintf(stderr, "usage: %s\n", usage_lines[i].line);
	fprintf(stderr, "(see wirelab --help)\n");
	return 2;
}

int cmd_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(cmd, fmt, ap);
	va_end(ap);
	return rc;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(NULL, fmt, ap);
	va_end(ap);
	return rc;
}
