/* Inside the recursive resolver: the resolver object and a request's
 * state, shared by dns_resolver.c (iteration) and dns_res_front.c (the
 * client side).  Not for other models: they use dns_resolver.h. */
#ifndef WL_DNS_RES_PRIV_H
#define WL_DNS_RES_PRIV_H

#include "models/dns/dns_msg.h"
#include "models/dns/dns_resolver.h"

struct udp_sock;
struct tcp_sock;
struct dns_tcpq;
struct rng;

enum rq_origin {
	RQ_CLIENT_UDP, RQ_CLIENT_TCP, /* a stub asked over the network */
	RQ_API,                       /* dns_resolver_resolve */
	RQ_PRIME,                     /* ". NS" to the root hints */
	RQ_GLUE,                      /* an NS name's address, for a parent request */
};

#define RQ_MAX_SRV 32

struct res_conn;

struct rq {
	struct rq *prev, *next;       /* the resolver's active requests */
	struct dns_resolver *r;
	enum rq_origin origin;
	simtime_t started;
	/* the question asked, and the one being resolved (after CNAMEs) */
	struct dns_name oname, qname;
	uint16_t otype, qtype;
	/* the client */
	uint32_t c_addr;
	uint16_t c_port, c_id;
	bool c_rd, c_cd, c_edns;
	uint16_t c_udp_size;
	struct res_conn *conn;        /* RQ_CLIENT_TCP */
	dns_resolve_fn api_done;      /* RQ_API */
	void *api_ctx;
	struct rq *parent;            /* RQ_GLUE */
	int depth;
	/* the answer so far */
	int rcode;                    /* -1 until known */
	struct dns_rr *ans;           /* CNAMEs then the RRset, TTLs as sent */
	int nans, capans;
	struct dns_rr soa;            /* negative answers */
	bool has_soa, negative, stale;
	/* iteration */
	bool have_zone;
	struct dns_name zone;         /* the delegation being asked */
	uint32_t srv[RQ_MAX_SRV];     /* its servers' addresses */
	uint8_t srv_tries[RQ_MAX_SRV];
	bool srv_bad[RQ_MAX_SRV];
	int nsrv;
	struct dns_name sub_asked[4]; /* NS names whose address we looked up */
	int nsub;
	bool waiting;                 /* on priming or a glue lookup */
	struct rq *wait_next;         /* priming's waiting list */
	int restarts, referrals, sent, upstream;
	/* the query outstanding */
	struct udp_sock *us;
	struct dns_tcpq *tq;
	struct timer timer;
	uint16_t qid;
	int q_idx;
	uint32_t q_server;
	bool q_tcp;
	simtime_t q_sent;
	int q_rto_ms;
};

struct dns_resolver {
	struct dns_resolver_cfg cfg;
	char name[64];
	struct sim *sim;
	struct node *nd;
	struct udp_sock *us;          /* port 53 */
	struct tcp_sock *lst;         /* port 53 */
	struct dns_cache cache;
	struct dns_infra infra;
	struct rng *rng_id;           /* query IDs and ports */
	struct rng *rng_sel;          /* server selection */
	struct rq *active;
	struct rq *prime_rq;
	struct rq *prime_waiters;
	struct res_conn *conns;
	struct dns_resolver *next_res; /* the simulation's resolvers */
	struct dns_resolver_stats st;
};

struct rq *rq_new(struct dns_resolver *r, enum rq_origin origin, const struct dns_name *qname,
		  uint16_t qtype);
void rq_free(struct rq *rq);
void rq_run(struct rq *rq);
void rq_run_event(struct sim *s, void *obj, uint64_t arg);
void rq_timeout(struct sim *s, void *obj);
/* The request has its answer (rcode set): answer the client, write the
 * row, wake a parent, free it (dns_res_front.c). */
void rq_done(struct rq *rq);
static inline bool rq_is_client(const struct rq *rq)
{
	return rq->origin == RQ_CLIENT_UDP || rq->origin == RQ_CLIENT_TCP || rq->origin == RQ_API;
}
void res_prime(struct dns_resolver *r);
void res_prime_done(struct dns_resolver *r);

#endif
