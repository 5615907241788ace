/* Authoritative DNS: zones and the server that serves them on a node.
 *
 * A zone (RFC 1034 §4.2) is an origin, its SOA and its RRsets.  Answering
 * follows RFC 1034 §4.3.2: an exact match answers (AA); a CNAME is
 * answered and followed within the server's zones; an NS RRset below the
 * apex is a delegation, answered as a referral (no AA) with the glue
 * addresses of in-zone name servers in the additional section; a name that
 * does not exist is NXDOMAIN and a name without the type is NODATA, both
 * with the SOA in the authority section, its TTL min(SOA TTL, MINIMUM)
 * (RFC 2308 §3); a name outside every zone is REFUSED.
 *
 * The server (dns_server.c) listens on UDP and TCP port 53 of its node
 * (RFC 7766: 2-byte length prefix, many queries per connection, an idle
 * timeout), serves queries one at a time, each taking `processing_ns`,
 * truncates UDP answers to the client's EDNS size (512 without EDNS) with
 * TC, answers malformed queries FORMERR and drops what has no header. */
#ifndef WL_DNS_SERVER_H
#define WL_DNS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "models/dns/dns_msg.h"
#include "models/net/net.h"
#include "sim/sim.h"

/* ---- zones (dns_zone.c) ---- */

struct dns_zone;

/* A zone with its SOA (soa->type DNS_T_SOA, owner = origin).  Refcounted:
 * a server that serves it holds a reference. */
struct dns_zone *dns_zone_new(const struct dns_rr *soa);
struct dns_zone *dns_zone_ref(struct dns_zone *z);
void dns_zone_unref(struct dns_zone *z);
const struct dns_name *dns_zone_origin(const struct dns_zone *z);
const struct dns_rr *dns_zone_soa(const struct dns_zone *z);

/* Adds one RR.  -1 with err set if the owner is outside the zone, or the
 * RR would put a CNAME beside other data at a name (RFC 1034 §3.6.2, RFC
 * 2181 §10.1), a second SOA or an SOA below the apex.  An RR equal to one
 * there already is not added twice (RFC 2181 §5). */
int dns_zone_add(struct dns_zone *z, const struct dns_rr *rr, struct errbuf *err);
/* Replaces the RRset (rrs[0].name, rrs[0].type) with the n RRs (all of one
 * owner and type), with the same checks. */
int dns_zone_set(struct dns_zone *z, const struct dns_rr *rrs, int n, struct errbuf *err);
/* Removes the RRset (name, type); type DNS_T_ANY removes every RRset at
 * the name but the apex SOA and NS.  Returns the number of RRs removed. */
int dns_zone_remove(struct dns_zone *z, const struct dns_name *name, uint16_t type);

/* An RRset chosen when asked: fn fills up to max RRs of (name, type) for
 * a query from src (IPv4 address) and returns how many (0: the RRset is
 * empty for this client; NODATA) or -1 on error (SERVFAIL).  The RRs
 * given to fn are initialised with the owner, type, class IN and ttl. */
typedef int (*dns_dyn_fn)(void *ctx, uint32_t src, struct dns_rr *out, int max);
/* ctx_free, if not NULL, is called on ctx when the RRset goes away. */
int dns_zone_set_dynamic(struct dns_zone *z, const struct dns_name *name, uint16_t type,
			 uint32_t ttl, dns_dyn_fn fn, void *ctx, void (*ctx_free)(void *ctx),
			 struct errbuf *err);
int dns_zone_count(const struct dns_zone *z);      /* RRs, dynamic RRsets as one */

/* Answers query q (a QUERY with a question) from zones, for a client at
 * src, into r (already made by dns_msg_reply).  Sets rcode, AA and the
 * sections. */
void dns_zones_answer(struct dns_zone *const *zones, int nzones, const struct dns_msg *q,
		      uint32_t src, struct dns_msg *r);

/* ---- the server (dns_server.c) ---- */

struct dns_server;

struct dns_server_cfg {
	struct node *node;
	uint16_t port;             /* 53 */
	simtime_t processing_ns;   /* per query, served one at a time */
	simtime_t tcp_idle_ns;     /* 30 s: Unbound tcp-idle-timeout, BIND tcp-idle-timeout */
	uint16_t udp_size;         /* our EDNS payload size, 1232 (DNS Flag Day 2020) */
	const char *name;          /* for events; default "dns:<node>" */
};
void dns_server_cfg_default(struct dns_server_cfg *c);

struct dns_server_stats {
	uint64_t udp_queries, tcp_queries;
	uint64_t noerror, nxdomain, formerr, refused, servfail, notimp;
	uint64_t referrals, truncated, dropped, tcp_conns;
};

/* Opens UDP and TCP on the port.  NULL with err set if a port is taken.
 * The server lives until its simulation is freed. */
struct dns_server *dns_server_new(const struct dns_server_cfg *cfg, struct errbuf *err);
/* Serves z too (takes a reference).  -1 if a zone with that origin is
 * served already. */
int dns_server_add_zone(struct dns_server *srv, struct dns_zone *z, struct errbuf *err);
void dns_server_stats(const struct dns_server *srv, struct dns_server_stats *st);


/* ---- a query tool, as dig (dns_query.c) ----
 * One query from a node to a server, over UDP (retried over TCP when the
 * answer has TC, as dig does unless +ignore) or TCP; for tests and for
 * scenarios that speak DNS by hand.  The result's msg is valid during the
 * callback only. */
enum { DNS_Q_OK = 0, DNS_Q_TIMEOUT = -1, DNS_Q_UNREACHABLE = -2, DNS_Q_MALFORMED = -3 };

struct dns_query_result {
	int status;                /* DNS_Q_* */
	struct dns_msg msg;        /* the answer if DNS_Q_OK */
	simtime_t rtt_ns;          /* first send to answer, all attempts */
	uint32_t size;             /* answer's bytes, without a TCP prefix */
	bool over_tcp;
	bool tc_retry;             /* UDP came back with TC, TCP retry made */
};

struct dns_query_cfg {
	struct node *from;
	uint32_t server;
	uint16_t port;             /* 53 */
	struct dns_name name;
	uint16_t qtype;
	bool rd;                   /* false: a question for an authority */
	uint16_t edns_udp_size;    /* 0: no EDNS; dig sends 1232 */
	bool tcp;                  /* TCP from the start (dig +tcp) */
	bool ignore_tc;            /* no TCP retry (dig +ignore) */
	simtime_t timeout_ns;      /* per attempt; dig +time=5 */
	void (*done)(void *ctx, const struct dns_query_result *res);
	void *ctx;
};
void dns_query_cfg_default(struct dns_query_cfg *c);
/* Starts the query; done runs exactly once, later.  -1 with err set if no
 * socket could be opened. */
int dns_query_start(const struct dns_query_cfg *cfg, struct errbuf *err);

#endif
