/* The table of congestion controls.  Adding one: a file in this folder and
 * a line here. */
#include <stdio.h>
#include <string.h>

#include "cc.h"

extern const struct cc_ops reno_ops, newreno_ops, cubic_ops, vegas_ops, bbr_ops;

static const struct cc_ops *const cc_table[] = {
	&reno_ops,
	&newreno_ops,
	&cubic_ops,
	&vegas_ops,
	&bbr_ops,
};

const struct cc_ops *cc_find(const char *name)
{
	for (size_t i = 0; i < sizeof(cc_table) / sizeof(cc_table[0]); i++)
		if (strcmp(cc_table[i]->name, name) == 0)
			return cc_table[i];
	return NULL;
}

void cc_names(char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(cc_table) / sizeof(cc_table[0]) && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", cc_table[i]->name);
}

/* Linux's default (net.ipv4.tcp_congestion_control) */
const struct cc_ops *cc_default(void)
{
	return &cubic_ops;
}
