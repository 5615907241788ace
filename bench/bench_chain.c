/* Forwarding benchmark: UDP through a chain of ten routers.
 *
 *   h1 -- r1 -- r2 -- ... -- r10 -- h2     11 links, 10 Gbps, 1 ms each
 *
 * A constant-bit-rate source on h1 sends 1472-byte datagrams (1500-byte IP
 * packets) to a sink on h2 at 5 Gbps, half the link rate, so no queue ever
 * holds more than one packet and nothing is dropped: the figure is the cost
 * of moving a packet one hop (dequeue, serialise, propagate, look up the
 * route, enqueue), not of dropping it.  The network is built in C, as a
 * scenario would build it through the Lua binding (models/net/net_lua.c,
 * models/apps/apps_lua.c).  Simulated time advances in 100 ms slices until
 * about three wall seconds have passed.  Prints packet-hops per second
 * (packets received by h2 times 11 links, and the sum of every interface's
 * tx_pkts, per wall second), events per second, wall seconds per simulated
 * second and peak RSS.  Never fails on time (DESIGN §7). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "models/apps/udp_apps.h"
#include "models/net/net.h"
#include "models/queue/qdisc.h"
#include "sim/record.h"
#include "sim/sim.h"

enum { ROUTERS = 10, LINKS = ROUTERS + 1 };

#define LINK_RATE_BPS 10000000000ull /* 10 Gbps */
#define SEND_RATE_BPS 5000000000ull  /* 5 Gbps */
#define PAYLOAD_BYTES 1472           /* + 20 IP + 8 UDP = 1500 */
#define TARGET_WALL_S 3.0

static double wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct errbuf *err)
{
	fprintf(stderr, "bench_chain: %s: %s\n", what, err ? err->msg : "out of memory");
	exit(1);
}

int main(void)
{
	struct errbuf err = { "" };
	struct sim *s = sim_new(1);
	if (!s)
		die("sim_new", NULL);
	struct net *n = net_get(s);

	struct node *nodes[ROUTERS + 2];
	nodes[0] = node_new(n, "h1", false, &err);
	for (int i = 1; i <= ROUTERS; i++) {
		char name[8];
		snprintf(name, sizeof(name), "r%d", i);
		nodes[i] = node_new(n, name, true, &err);
	}
	nodes[ROUTERS + 1] = node_new(n, "h2", false, &err);
	for (int i = 0; i < ROUTERS + 2; i++)
		if (!nodes[i])
			die("node_new", &err);
	struct link_cfg cfg = { .rate_bps = LINK_RATE_BPS, .delay_ns = SIM_MS(1), .mtu = 1500 };
	for (int i = 0; i < LINKS; i++)
		if (!link_new(n, nodes[i], nodes[i + 1], &cfg, &err))
			die("link_new", &err);
	net_routes_compute(n);

	struct node *h1 = nodes[0], *h2 = nodes[ROUTERS + 1];
	struct udp_source_cfg c = {
		.from = h1, .to_node = h2, .to_addr = node_addr(h2),
		.rate_bps = SEND_RATE_BPS, .size = PAYLOAD_BYTES, .sink = true,
		.start = 0, .stop = SIM_NEVER, .name = "cbr",
	};
	struct udp_source *u = udp_source_new(&c, &err);
	if (!u)
		die("udp_source_new", &err);
	rec_start(s); /* as the Lua host does when the run starts; nothing is recorded */

	double t0 = wall_now(), wall = 0;
	simtime_t until = 0;
	while (wall < TARGET_WALL_S) {
		until += SIM_MS(100);
		if (sim_run(s, until) < 0) {
			fprintf(stderr, "bench_chain: the run failed: %s\n", s->error);
			return 1;
		}
		wall = wall_now() - t0;
	}

	uint64_t tx = 0, drops = 0;
	for (size_t i = 0; i < n->nlinks; i++)
		for (int k = 0; k < 2; k++) {
			tx += n->links[i]->end[k]->tx_pkts;
			drops += n->links[i]->end[k]->q->st.dropped;
		}
	uint64_t recv = u->sink.pkts;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double sim_s = sim_to_sec(s->now);

	printf("chain of %d routers, %d links at 10 Gbps, 1 ms; UDP cbr 5 Gbps, %d-byte payloads\n",
	       ROUTERS, LINKS, PAYLOAD_BYTES);
	printf("  simulated %.1f s in %.3f wall s: sent %llu, received %llu, dropped %llu\n", sim_s, wall,
	       (unsigned long long)u->sent_pkts, (unsigned long long)recv, (unsigned long long)drops);
	printf("  packet-hops/s (received x %d)   %9.2f M\n", LINKS, (double)recv * LINKS / wall / 1e6);
	printf("  packet-hops/s (sum of tx_pkts)  %9.2f M\n", (double)tx / wall / 1e6);
	printf("  events/s                        %9.2f M  (%llu events, %.1f per packet-hop)\n",
	       (double)s->events / wall / 1e6, (unsigned long long)s->events,
	       tx ? (double)s->events / (double)tx : 0.0);
	printf("  wall s per simulated s          %9.3f\n", wall / sim_s);
	printf("  peak RSS                        %9.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
	sim_free(s);
	return 0;
}
