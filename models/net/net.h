/* The network: nodes, interfaces, point-to-point links, IPv4 forwarding
 * and ICMP (RFC 791, RFC 792, RFC 1812 for router behaviour).
 *
 * A link is full duplex.  Each end's interface owns an egress qdisc; a
 * packet is dequeued when the transmitter is free, occupies the wire for
 * exactly size*8/rate (the remainder of the division is carried so long
 * runs keep the exact rate), and arrives at the far end one propagation
 * delay after its last bit left.  Links carry bare IPv4 packets: no layer-2
 * header is added (as PPP without framing overhead); say so when comparing
 * with ns-3, whose point-to-point devices add 2 bytes.
 *
 * Routing: every node has a longest-prefix-match table.  Unless a scenario
 * says otherwise, routes are computed for the whole topology by shortest
 * path (Dijkstra over link costs, ties broken by lower propagation delay),
 * and recomputed a configurable delay after any link goes down or up; the
 * changes are logged as 'route' events.  Static routes override computed
 * ones. */
#ifndef WL_NET_H
#define WL_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/sim.h"

struct qdisc;
struct pcap_writer;
struct net;
struct node;
struct link;
struct loss;

/* ---- longest-prefix match ---- */

/* RT_BGP: installed by a BGP speaker (models/bgp); the SPF computation
 * leaves these in place and replaces one only with a route of its own for
 * the same prefix (an interior route wins, as a lower administrative
 * distance does). */
enum route_type { RT_LOCAL, RT_CONNECTED, RT_STATIC, RT_SPF, RT_BGP };

struct route {
	uint32_t prefix;
	uint8_t len;
	uint8_t type;          /* enum route_type */
	struct iface *out;     /* NULL for RT_LOCAL */
};

/* A remembered lookup: while the table's generation was gen, addr's
 * longest match was `r` (found) or nothing. */
struct fib_memo {
	uint32_t addr, gen;
	bool found;
	struct route r;        /* a copy: one cache line holds the whole answer */
};

struct fib {                   /* what a memo hit reads comes first */
	struct fib_memo *memo; /* cap entries, direct-mapped by address */
	uint32_t cap;
	uint32_t gen;          /* bumped on every change: older memos are void */
	struct route *slots;   /* open addressing on (prefix, len) */
	uint32_t count;
	uint64_t lens;         /* bit L set: some route of length L exists */
	uint32_t per_len[33];
};

void fib_init(struct fib *f);
void fib_free(struct fib *f);
/* Adds or replaces the route for (prefix, len); prefix is masked. */
void fib_add(struct fib *f, uint32_t prefix, int len, enum route_type type, struct iface *out);
bool fib_remove(struct fib *f, uint32_t prefix, int len);
/* The longest match for addr, or NULL.  The route returned is a copy that
 * stays valid until the next fib_lookup() on this table or a change to it:
 * read it at once (fib_get returns the table's own entries). */
const struct route *fib_lookup(const struct fib *f, uint32_t addr);
const struct route *fib_get(const struct fib *f, uint32_t prefix, int len);
/* Calls fn for every route, in (len desc, prefix asc) order. */
void fib_walk(const struct fib *f, void (*fn)(const struct route *r, void *arg), void *arg);
static inline uint32_t prefix_mask(int len) { return len ? ~0u << (32 - len) : 0; }

/* ---- nodes and interfaces ---- */

struct iface {                 /* what every packet touches fills the first line */
	struct node *node;
	struct link *link;
	struct qdisc *q;
	struct pcap_writer *pcap;
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	int side;              /* this end is link->end[side] (link.c reads the link instead) */
	int index;             /* ethN */
	uint32_t addr;
	uint8_t plen;
	char name[96];         /* "r1->r2", the queue's entity */
};

/* Transport protocol hooks, per IP protocol number. */
typedef void (*l4_input_fn)(struct node *nd, struct packet *p);
/* An ICMP error about a packet this node sent; icmp is the error packet. */
typedef void (*l4_error_fn)(struct node *nd, const struct packet *icmp);
typedef void (*echo_reply_fn)(void *obj, struct node *nd, const struct packet *p);

enum { L4_UDP, L4_TCP, L4_MAX };

struct echo_listener {
	uint16_t id;
	echo_reply_fn fn;
	void *obj;
};

struct node {                  /* what every packet reads fills the first line */
	struct net *net;
	void *l4[L4_MAX];      /* per-transport state (UDP ports, TCP sockets) */
	uint32_t id;
	uint16_t ip_id;
	bool router;           /* forwards packets not addressed to it */
	struct fib fib;        /* its memo, cap and gen in the first line too */
	char name[32];
	struct iface **ifs;
	size_t nifs, capifs;
	struct echo_listener *echo;
	size_t necho, capecho;
	uint16_t next_echo_id;
	uint64_t *echo_used;   /* bit per identifier in use; made on first use */
};

/* ---- links ---- */

/* A direction of a link: what sending a packet that way reads and
 * writes, in one line. */
struct link_dir {
	_Alignas(64) uint64_t rate_bps;
	simtime_t delay_ns;
	uint64_t rem;          /* carried remainder of bits*1e9 / rate */
	struct loss *loss;     /* NULL: lossless */
	struct rng *jitter_rng; /* NULL: no jitter (link->jitter then unused) */
	/* The last packet on the wire (link.c: the packets on a wire follow
	 * the first, whose arrival is the pending event, through `next`). */
	struct packet *wire_tail;
	/* The transmitter is busy until the event (tx_end, tx_seq) would run:
	 * that event is queued only when a packet waits for it (link.c). */
	simtime_t tx_end;
	uint64_t tx_seq;
};
_Static_assert(sizeof(struct link_dir) == 64, "a link direction fills one line");

struct link_jitter {
	simtime_t ns;          /* extra delay, uniform in [0, ns) */
	simtime_t last_arrive; /* no packet overtakes the one before */
};

/* Line-aligned: a packet reads the first line (the ends, up, epoch, what
 * is on the wire) and, where it is sent, the line of its direction. */
struct link {
	struct net *net;
	struct iface *end[2];
	uint32_t epoch;         /* bumped on every down: packets on the wire die */
	uint32_t mtu;
	uint32_t wire_len[2];   /* packets on the wire in each direction */
	bool up;
	bool tx_event[2];       /* the direction's (tx_end, tx_seq) event is queued */
	uint32_t id;
	uint32_t cost;
	uint64_t lost, dropped_down;
	struct link_dir dir[2]; /* dir[i]: from end[i] to end[1-i] */
	struct link_jitter jitter[2];
	char name[80];         /* "r1-r2" */
};

/* ---- loss models ---- */

struct loss_ops {
	const char *name;
	/* true: this packet is lost */
	bool (*lose)(struct loss *l, const struct packet *p);
};

struct loss {
	const struct loss_ops *ops;
	struct rng *rng;
	double p, r;           /* Bernoulli: p.  Gilbert-Elliott: good->bad p, bad->good r */
	double loss_good, loss_bad;
	bool bad;              /* Gilbert-Elliott state */
	uint64_t *list;        /* list: the packet numbers to drop, ascending */
	int nlist, next;
	uint64_t seen;         /* packets offered to the model so far */
	uint64_t every;        /* periodic: drop each every-th packet */
};

#define LOSS_LIST_MAX 256

struct loss_cfg {
	enum { LOSS_NONE, LOSS_BERNOULLI, LOSS_GILBERT, LOSS_LIST, LOSS_PERIODIC } kind;
	uint64_t every;        /* LOSS_PERIODIC: drop packets every, 2*every, ... */
	double p, r, loss_good, loss_bad;
	/* LOSS_LIST: drop exactly these packets (1 = the first sent this way) */
	uint64_t list[LOSS_LIST_MAX];
	int nlist;
};

struct link_cfg {
	uint64_t rate_bps;
	simtime_t delay_ns;
	simtime_t jitter_ns;
	uint32_t mtu;
	uint32_t cost;
	struct loss_cfg loss;
	/* addresses: 0 means automatic (10.x.y.1/24 and .2) */
	uint32_t addr[2];
	uint8_t plen[2];
};

/* ---- the network ---- */

struct net {
	struct sim *sim;
	struct node **nodes;
	size_t nnodes, capnodes;
	struct link **links;
	size_t nlinks, caplinks;
	l4_input_fn input[L4_MAX];
	l4_error_fn error[L4_MAX];
	simtime_t route_delay;  /* from a link change to the new routes */
	bool spf;               /* compute routes automatically */
	bool routing_started;   /* tables computed once: later changes are logged */
	struct timer route_timer;
	uint32_t next_flow_id;  /* flows of every transport share one numbering */
	int m_route, m_drops;   /* recorder ids */
	const char *pcap_dir;
	bool noted_not_router;  /* the "a node() does not forward" note is out */
};

/* The simulation's network, created on first use. */
struct net *net_get(struct sim *s);

struct node *node_new(struct net *n, const char *name, bool router, struct errbuf *err);
struct node *net_find_node(struct net *n, const char *name);
/* The node owning an address, or NULL. */
struct node *net_node_of_addr(struct net *n, uint32_t addr);
/* The node's first interface address (0 if it has none). */
uint32_t node_addr(const struct node *nd);
bool node_has_addr(const struct node *nd, uint32_t addr);
/* A node's interface towards a neighbour, or NULL. */
struct iface *node_iface_to(const struct node *nd, const struct node *peer);

struct link *link_new(struct net *n, struct node *a, struct node *b, const struct link_cfg *cfg,
		      struct errbuf *err);
/* Sets an end's egress qdisc (the link takes ownership; the old is freed). */
void link_set_qdisc(struct link *l, int side, struct qdisc *q);
void link_set_up(struct link *l, bool up);
void link_set_rate(struct link *l, int side, uint64_t rate_bps); /* side -1: both */
void link_set_delay(struct link *l, int side, simtime_t delay);
int link_set_loss(struct link *l, int side, const struct loss_cfg *cfg, struct errbuf *err);

/* Registers a transport. */
void net_register_l4(struct net *n, int l4, uint8_t proto, l4_input_fn in, l4_error_fn err);

/* Sends a locally generated packet: fills in the source address (that of
 * the outgoing interface) if zero, the IP id and the length; routes it.
 * Returns 0, or -1 if there is no route (the packet is freed). */
int ip_send(struct node *nd, struct packet *p);
/* The route a packet to dst would take from nd, or NULL. */
const struct route *ip_route(const struct node *nd, uint32_t dst);
/* The source address nd would use towards dst (0 if unreachable). */
uint32_t ip_source_for(const struct node *nd, uint32_t dst);

/* ICMP */
void icmp_input(struct node *nd, struct packet *p);
void icmp_send_error(struct node *nd, const struct packet *orig, uint8_t type, uint8_t code);
/* Echo replies with this id go to fn; returns a fresh id if id is 0, or
 * 0 if all 65535 are taken. */
uint16_t icmp_listen_echo(struct node *nd, uint16_t id, echo_reply_fn fn, void *obj);
void icmp_unlisten_echo(struct node *nd, uint16_t id);

/* Routing */
void net_routes_compute(struct net *n);
void net_routes_schedule(struct net *n);
int node_add_static_route(struct node *nd, uint32_t prefix, int len, struct iface *out,
			  struct errbuf *err);

/* Interface internals shared by link.c and ipv4.c */
void iface_send(struct iface *ifc, struct packet *p);
void ip_input(struct node *nd, struct packet *p, struct iface *in);
void net_drop(struct net *n, const char *entity, const char *why, struct packet *p);

/* Loss models */
struct loss *loss_new(struct sim *s, const struct loss_cfg *cfg, const char *stream,
		      struct errbuf *err);
void loss_free(struct loss *l);

/* Opens pcap files for every interface into dir; -1 with err set. */
int net_pcap_open(struct net *n, const char *dir, struct errbuf *err);
/* The same for one interface (a link made after the run started). */
int net_pcap_open_iface(struct iface *ifc, const char *dir, struct errbuf *err);
void net_pcap_close(struct net *n);
void net_report(struct net *n);

#endif
