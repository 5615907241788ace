/* UDP sources (constant bit rate, on/off) and the sink that measures them. */
#ifndef WL_UDP_APPS_H
#define WL_UDP_APPS_H

#include "apps.h"
#include "models/udp/udp.h"

struct udp_sink {
	struct udp_sock *sock;
	uint64_t pkts, bytes;
	uint64_t last_bytes;   /* at the last throughput sample */
	simtime_t last_t;
};

int udp_sink_open(struct udp_sink *k, struct node *nd, uint16_t port, const char *entity,
		  struct errbuf *err);

enum onoff_dist { DIST_CONST, DIST_EXP, DIST_PARETO };

struct udp_source_cfg {
	struct node *from, *to_node;  /* to_node NULL: a bare address, no sink */
	uint32_t to_addr;
	uint16_t port;                /* 0: 5000 + flow id */
	uint64_t rate_bps;            /* IP packets on the wire */
	uint32_t size;                /* UDP payload bytes */
	uint8_t tos;
	bool sink;                    /* open a measuring sink at the destination */
	bool onoff;
	simtime_t on_ns, off_ns;      /* mean on and off durations */
	enum onoff_dist dist;
	simtime_t start, stop;
	const char *name;
};

struct udp_source {
	struct app base;
	struct udp_sock *sock;
	uint32_t dst;
	uint16_t dport;
	uint64_t rate_bps;
	uint32_t size, pkt_bytes;
	uint64_t rem;                 /* carried remainder of the send gap */
	struct timer tx;
	bool onoff, on;
	double on_ns, off_ns;
	enum onoff_dist dist;
	simtime_t period_end;
	simtime_t wait_ns;            /* on-time still to wait before the next packet */
	struct rng *rng;
	uint64_t sent_pkts, sent_bytes;
	struct udp_sink sink;
};

struct udp_source *udp_source_new(const struct udp_source_cfg *cfg, struct errbuf *err);

#endif
