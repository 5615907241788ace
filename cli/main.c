/* The wirelab command line.  This is the one file of sim/ that knows the
 * models: it lists them in the module table and hands the table to the
 * host.
 *
 *   wirelab run SCRIPT [-p name=value]... [--seed N] [--out FILE.db]
 *                      [--pcap DIR] [--quiet]
 *   wirelab plot FILE.db [--run N] [--out DIR]
 *   wirelab sweep SCRIPT -p name=v1,v2,... [-p ...] [--reps N] [--jobs N]
 *                 [--seed S] --out FILE.db [--emit-jobs] [--quiet]
 *   wirelab merge OUT.db IN.db...
 *   wirelab report FILE.db [--out DIR]
 *   wirelab har FILE.db [--run N] [--out FILE.har]
 *   wirelab --help | --version
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analysis_cmds.h"
#include "cli/host.h"
#include "cli/sweep.h"
#include "cli/usage.h"

extern const struct host_module queue_module, net_module, tcp_module, udp_module, apps_module;
extern const struct host_module dns_module;
extern const struct host_module http_module;
extern const struct host_module dns_res_module;
extern const struct host_module tls_module;
extern const struct host_module web_module;
extern const struct host_module bgp_session_module, bgp_module;

/* Order matters only in that a module may use what an earlier one set up. */
static const struct host_module *const modules[] = {
	&queue_module,
	&net_module,
	&tcp_module,
	&udp_module,
	&apps_module,
	&dns_module,
	&dns_res_module, /* after "dns": adds dns.resolver, dns.stub, dns.lookup */
	&tls_module,
	&http_module,
	&web_module,
	&bgp_session_module,
	&bgp_module,
};

static const char usage[] =
	"wirelab " WIRELAB_VERSION " - a discrete-event network simulator\n"
	"\n"
	"usage:\n"
	"  wirelab run SCRIPT [-p name=value]... [--seed N] [--out FILE.db]\n"
	"                     [--pcap DIR] [--quiet]\n"
	"      Runs a Lua scenario.  -p overrides a parameter the script declares\n"
	"      with params{}; results go to FILE.db (default: SCRIPT's name with\n"
	"      .db, in the current folder); --pcap writes one pcap per interface.\n"
	"  wirelab plot FILE.db [--run N] [--out DIR]\n"
	"      Draws the figures a result file has data for (PNG and SVG) with the\n"
	"      gnuplot templates in analysis/ (default: the last run, into DIR =\n"
	"      FILE's name without .db).\n"
	"  wirelab sweep SCRIPT -p name=v1,v2,... [-p ...] [--reps N] [--jobs N]\n"
	"                       [--seed S] --out FILE.db [--emit-jobs] [--quiet]\n"
	"      Runs the cross product of the -p value lists, each point --reps\n"
	"      times (seeds S, S+1, ...; default S=1, N=1), as separate processes,\n"
	"      --jobs at a time (default 1), and collects them in FILE.db with a\n"
	"      table sweeps (point, rep, seed, status of each run) and a table\n"
	"      summary (mean and 95 % confidence interval per point).  A value\n"
	"      with commas goes in brackets: -p cc=[cubic,bbr],reno.  A failed run\n"
	"      is recorded and the sweep goes on (exit status 1).  --emit-jobs\n"
	"      prints the runs as shell commands (GNU parallel, a Slurm array):\n"
	"      this command with --job K, writing FILE.d/run-K.db; then, as a\n"
	"      comment, the wirelab merge command that collects them.\n"
	"  wirelab merge OUT.db IN.db... [--quiet]\n"
	"      Folds result files into OUT.db (created if needed), renumbering\n"
	"      runs and sweeps; job files of one sweep become that sweep again.\n"
	"  wirelab report FILE.db [--out DIR]\n"
	"      Recomputes the statistics and writes DIR/index.html (default: FILE's\n"
	"      name without .db, plus -report) with every run, the summary table\n"
	"      and the figures (PNG and SVG) drawn by the templates in analysis/.\n"
	"  wirelab har FILE.db [--run N] [--out FILE.har]\n"
	"      Writes run N's HTTP requests and page loads (default: the last run)\n"
	"      as a HAR 1.2 file that browsers' developer tools and HAR viewers\n"
	"      open (default: FILE's name with .har; - for standard output).\n"
	"  wirelab --help | --version\n"
	"\n"
	"Exit status: 0 on success, 1 if a run failed, 2 for a usage error.\n"
	"Documentation: README.md, docs/sweeps.md.\n";

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

/* "scenarios/chain.lua" -> "chain.db" */
static char *default_out(const char *script)
{
	const char *base = strrchr(script, '/');
	base = base ? base + 1 : script;
	size_t n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".lua") == 0)
		n -= 4;
	char *out = malloc(n + 4);
	if (out)
		snprintf(out, n + 4, "%.*s.db", (int)n, base);
	return out;
}

static int cmd_run(int argc, char **argv)
{
	struct host_opts o = {
		.seed = 1, .version = WIRELAB_VERSION, .modules = modules,
		.nmodules = (int)(sizeof(modules) / sizeof(modules[0])),
	};
	struct host_param_override *ovr = calloc((size_t)argc, sizeof(*ovr));
	char *out_default = NULL;
	int rc = 2;
	if (!ovr)
		return 1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "-p") == 0 || strcmp(a, "--param") == 0) {
			if (!val || !strchr(val, '=') || val[0] == '=') {
				rc = usage_error("%s needs name=value", a);
				goto out;
			}
			char *eq = strchr(argv[i + 1], '=');
			*eq = '\0';
			ovr[o.noverrides++] = (struct host_param_override){ argv[i + 1], eq + 1 };
			i++;
		} else if (strcmp(a, "--seed") == 0) {
			/* the result file keeps seeds as SQLite integers (signed
			 * 64-bit), so 2^63 - 1 is the largest that reads back */
			if (!val || parse_u64(val, &o.seed) < 0 || o.seed > INT64_MAX) {
				rc = usage_error("--seed needs a non-negative integer, got '%s' (at most 9223372036854775807)",
						 val ? val : "");
				goto out;
			}
			i++;
		} else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (!val) {
				rc = usage_error("%s needs a file name", a);
				goto out;
			}
			o.out = val;
			i++;
		} else if (strcmp(a, "--pcap") == 0) {
			if (!val) {
				rc = usage_error("%s needs a folder", a);
				goto out;
			}
			o.pcap_dir = val;
			i++;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o.quiet = true;
		} else if (a[0] == '-' && a[1]) {
			rc = usage_error("unknown option '%s'", a);
			goto out;
		} else if (!o.script) {
			o.script = a;
		} else {
			rc = usage_error("one script at a time (got a second: '%s')", a);
			goto out;
		}
	}
	if (!o.script) {
		rc = usage_error("%s", "run: which scenario? e.g. wirelab run scenarios/chain.lua");
		goto out;
	}
	for (int i = 0; i < o.noverrides; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(ovr[i].name, ovr[j].name) == 0) {
				rc = usage_error("parameter '%s' is given twice", ovr[i].name);
				goto out;
			}
	if (!o.out)
		o.out = out_default = default_out(o.script);
	o.overrides = ovr;
	o.progress = !o.quiet && isatty(STDERR_FILENO);
	rc = host_main(&o);
out:
	free(ovr);
	free(out_default);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("wirelab %s\n", WIRELAB_VERSION);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(cmd, "plot") == 0)
		return plot_main(argc - 2, argv + 2);
	if (strcmp(cmd, "sweep") == 0)
		return sweep_main(argc - 2, argv + 2);
	if (strcmp(cmd, "merge") == 0)
		return merge_main(argc - 2, argv + 2);
	if (strcmp(cmd, "report") == 0)
		return report_main(argc - 2, argv + 2);
	if (strcmp(cmd, "har") == 0)
		return har_main(argc - 2, argv + 2);
	return usage_error("unknown command '%s' (commands: run, plot, sweep, merge, report, har)", cmd);
}
