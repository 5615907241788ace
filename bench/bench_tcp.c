/* TCP benchmarks (figures only, never pass/fail):
 *
 *   1. one bulk flow over a 1 Gbit/s, 10 ms RTT link for 10 simulated
 *      seconds: simulated seconds per wall second, events per second, and
 *      TCP segments (data and ACKs, both directions) processed per second;
 *   2. 10 000 concurrent short connections from one client to one server
 *      (each: handshake, 1 KB request, 10 KB response, close): connections
 *      per wall second and peak memory per connection.
 *
 * Each runs in a child process so its peak RSS (getrusage) is its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "models/apps/tcp_apps.h"
#include "models/net/net.h"
#include "models/queue/qdisc.h"
#include "models/tcp/tcp.h"
#include "sim/sim.h"

static double wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void pair(struct sim *s, struct node **a, struct node **b, uint64_t rate, simtime_t delay)
{
	struct net *n = net_get(s);
	*a = node_new(n, "a", false, NULL);
	*b = node_new(n, "b", false, NULL);
	struct link_cfg lc = { .rate_bps = rate, .delay_ns = delay, .mtu = 1500 };
	struct link *l = link_new(n, *a, *b, &lc, NULL);
	/* queues deep enough that a burst of 10 000 SYNs is not dropped: this
	 * measures TCP, not loss recovery */
	for (int k = 0; k < 2; k++) {
		struct qparam kv = { "limit", "1000000", false };
		struct qparams p = { 1, &kv };
		link_set_qdisc(l, k, qdisc_new(s, qdisc_find("fifo"), &p, l->end[k]->name, NULL));
	}
	net_routes_compute(n);
}

static void bench_bulk(void)
{
	struct sim *s = sim_new(1);
	struct node *a, *b;
	pair(s, &a, &b, 1000000000ull, SIM_MS(5));
	struct bulk_cfg c = { 0 };
	c.from = a;
	c.to = b;
	c.to_addr = node_addr(b);
	c.stop = SIM_NEVER;
	tcp_config_default(&c.tcp);
	c.tcp.cc = cc_find("reno");
	struct errbuf err;
	struct bulk *f = bulk_new(&c, &err);
	if (!f) {
		fprintf(stderr, "bench_tcp: %s\n", err.msg);
		exit(1);
	}
	double t0 = wall();
	sim_run(s, SIM_S(10));
	double dt = wall() - t0;
	struct tcp_info si = { 0 }, ri = { 0 };
	if (f->snd)
		tcp_get_info(f->snd, &si);
	if (f->rcv)
		tcp_get_info(f->rcv, &ri);
	double segs = (double)(si.segs_out + ri.segs_out);
	printf("1 Gbit/s bulk flow, 10 s simulated:\n");
	printf("  wall                   %.3f s (%.2f simulated s per wall s)\n", dt, 10.0 / dt);
	printf("  goodput                %.1f Mbit/s\n", (double)f->rcvd * 8 / 10 / 1e6);
	printf("  events                 %llu (%.2f M/s)\n", (unsigned long long)s->events,
	       (double)s->events / dt / 1e6);
	printf("  TCP segments           %.0f (%.2f M/s, data + ACKs)\n", segs, segs / dt / 1e6);
	printf("  peak RSS               %.1f MiB\n", (double)peak_kib() / 1024);
	sim_free(s);
}

static void bench_conns(int n)
{
	long base = peak_kib();
	struct sim *s = sim_new(1);
	struct node *a, *b;
	pair(s, &a, &b, 10000000000ull, SIM_MS(1));
	struct reqresp_cfg c = { 0 };
	c.from = a;
	c.to = b;
	c.to_addr = node_addr(b);
	c.req_size = 1000;
	c.resp_size = 10000;
	c.parallel = (uint32_t)n;
	c.count = (uint64_t)n;
	c.stop = SIM_NEVER;
	tcp_config_default(&c.tcp);
	c.tcp.cc = cc_find("reno");
	c.tcp.backlog = 65535; /* all 10 000 SYNs wait to be accepted */
	struct errbuf err;
	struct reqresp *rr = reqresp_new(&c, &err);
	if (!rr) {
		fprintf(stderr, "bench_tcp: %s\n", err.msg);
		exit(1);
	}
	double t0 = wall();
	/* run until every request has its response */
	while (rr->completed + rr->failed < (uint64_t)n && s->now < SIM_S(60))
		sim_run(s, s->now + SIM_MS(10));
	double dt = wall() - t0;
	long peak = peak_kib();
	printf("%d concurrent short connections (1 KB request, 10 KB response):\n", n);
	printf("  completed              %llu, failed %llu, in %.3f simulated s\n",
	       (unsigned long long)rr->completed, (unsigned long long)rr->failed, sim_to_sec(s->now));
	printf("  wall                   %.3f s (%.0f connections/s)\n", dt, (double)n / dt);
	printf("  events                 %llu (%.2f M/s)\n", (unsigned long long)s->events,
	       (double)s->events / dt / 1e6);
	printf("  peak RSS               %.1f MiB (%.2f KiB per connection, both ends, in TIME_WAIT)\n",
	       (double)peak / 1024, (double)(peak - base) / n);
	sim_free(s);
}

static void in_child(void (*fn)(int), int arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
}

static void bulk_wrapper(int unused)
{
	(void)unused;
	bench_bulk();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	in_child(bulk_wrapper, 0);
	in_child(bench_conns, n);
	return 0;
}
