/* Measurement apps: ping (ICMP echo, as iputils ping) and traceroute (UDP
 * probes with rising TTL, as Linux traceroute's default method). */
#ifndef WL_PROBES_H
#define WL_PROBES_H

#include "apps.h"
#include "models/udp/udp.h"

#define PING_RING 4096 /* replies later than this many pings count as lost */

struct ping_cfg {
	struct node *from;
	uint32_t to;
	simtime_t every;      /* interval between requests */
	uint32_t size;        /* ICMP data bytes (iputils default 56) */
	uint32_t count;       /* 0: until stopped */
	uint8_t tos;
	simtime_t start, stop;
	const char *name;
};

struct ping {
	struct app base;
	struct ping_cfg cfg;
	uint16_t ident;
	uint32_t next_seq;
	struct timer tx;
	simtime_t sent_at[PING_RING];
	uint32_t sent_seq[PING_RING]; /* full sequence number sent in each slot */
	bool waiting[PING_RING];
	uint64_t sent, received;
	simtime_t rtt_min, rtt_max, rtt_last;
	double rtt_sum;
	int m_rtt;
};

struct ping *ping_new(const struct ping_cfg *cfg, struct errbuf *err);

#define TR_MAX_HOPS 64
#define TR_MAX_PROBES 10

struct tr_hop {
	uint32_t addr;        /* 0: no answer */
	bool reached;         /* the answer came from the destination */
	bool unreachable;     /* a router said the destination cannot be reached */
	int nrtt;
	simtime_t rtt[TR_MAX_PROBES]; /* -1: no answer to that probe */
};

struct traceroute;
typedef void (*tr_done_fn)(struct traceroute *t, void *ctx);

struct traceroute_cfg {
	struct node *from;
	uint32_t to;
	int max_hops;         /* Linux default 30 */
	int probes;           /* per hop, Linux default 3 */
	simtime_t wait;       /* per hop, Linux default 5 s */
	uint16_t port;        /* first destination port, Linux default 33434 */
	simtime_t start;
	const char *name;
	tr_done_fn done;
	void *ctx;
};

struct traceroute {
	struct app base;
	struct traceroute_cfg cfg;
	struct udp_sock *sock;
	int ttl;              /* hop being probed */
	int answered;         /* probes of this hop answered */
	simtime_t sent_at[TR_MAX_PROBES];
	struct timer wait;
	struct tr_hop hops[TR_MAX_HOPS];
	int nhops;
	bool reached, finished;
};

struct traceroute *traceroute_new(const struct traceroute_cfg *cfg, struct errbuf *err);

#endif
