/* TCP apps: a bulk sender with its sink (as iperf), and a request/response
 * client with its server (a web-like workload, with or without connection
 * reuse). */
#ifndef WL_TCP_APPS_H
#define WL_TCP_APPS_H

#include "apps.h"
#include "models/tcp/tcp.h"

struct bulk_cfg {
	struct node *from, *to;
	uint32_t to_addr;
	uint16_t port;               /* 0: 5000 + flow id */
	uint64_t bytes;              /* 0: until stopped */
	uint64_t read_rate_bps;      /* 0: the sink reads everything at once */
	simtime_t read_every;        /* a rate-limited reader wakes this often */
	simtime_t start, stop;
	simtime_t measure_from;      /* goodput counts from here (a warm-up) */
	const char *name;
	struct tcp_config tcp;       /* sender's and receiver's options */
};

struct bulk {
	struct app base;
	struct bulk_cfg cfg;
	struct tcp_sock *snd, *lst, *rcv;
	uint64_t queued;             /* bytes handed to TCP */
	bool all_queued, connected, finished, peer_closed;
	int error;
	simtime_t connect_time, finish_time;
	/* the sink */
	uint64_t rcvd, rcvd_at_measure, sample_bytes;
	bool measured;
	simtime_t sample_t, first_rx, last_rx;
	struct timer t_read, t_measure;
	double read_credit;          /* bytes the rate-limited reader may take */
	simtime_t read_last;
	struct tcp_info final;       /* the sender's last info, once it is gone */
	struct tcp_info rcv_final;   /* the receiver's, once it is gone */
	bool have_rcv_final;
	bool have_final;
};

struct bulk *bulk_new(const struct bulk_cfg *cfg, struct errbuf *err);

enum rr_dist { RR_FIXED, RR_EXP, RR_PARETO };

struct reqresp_cfg {
	struct node *from, *to;
	uint32_t to_addr;
	uint16_t port;               /* 0: 5000 + flow id */
	uint32_t req_size, resp_size;/* bytes (means when random); req_size >= 8 */
	enum rr_dist dist;
	bool reuse;                  /* keep connections open for later requests */
	double rate;                 /* open loop: requests per second (Poisson) */
	simtime_t think;             /* closed loop: pause after each response */
	uint32_t parallel;           /* closed loop: concurrent clients */
	uint64_t count;              /* 0: until stopped */
	simtime_t start, stop;
	bool no_server;              /* no server of its own: `to`:port is another's, or none */
	const char *name;
	struct tcp_config tcp;
};

/* Connect failures with a series each (connect_<kind>_per_s). */
enum { RR_FAIL_REFUSED, RR_FAIL_TIMEDOUT, RR_FAIL_NOPORT, RR_NFAIL };

struct rr_conn;

struct reqresp {
	struct app base;
	struct reqresp_cfg cfg;
	struct tcp_sock *lst;
	struct rr_conn *conns;       /* client connections, busy and idle */
	struct rr_conn *servers;     /* server connections */
	uint64_t nconns, nservers, ndead; /* records, and how many are dead */
	struct timer t_arrive;
	struct rng *rng;
	uint64_t issued, completed, failed, connects;
	uint64_t resp_bytes;
	simtime_t lat_min, lat_max;
	double lat_sum;
	uint64_t sample_completed;
	simtime_t sample_t;
	int errors[128];             /* by errno */
	uint64_t connect_fail[RR_NFAIL];   /* connects failed, by kind */
	uint64_t fail_sampled[RR_NFAIL];   /* ... at the last sample */
	simtime_t fail_sample_t[RR_NFAIL];
	int m_latency;
};

struct reqresp *reqresp_new(const struct reqresp_cfg *cfg, struct errbuf *err);

#endif
