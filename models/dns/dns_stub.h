/* The stub resolver every application uses to turn a name into addresses,
 * with glibc's rules (resolv/res_send.c, resolv/resolv.h, resolv.conf(5)):
 *
 * - up to MAXNS = 3 nameservers, tried in the order configured; `attempts`
 *   (RES_DFLRETRY = 2) passes over the list; a server that answers
 *   SERVFAIL, NOTIMP or REFUSED, or whose port is unreachable (ICMP error
 *   on glibc's connected UDP socket), is left for the next one at once;
 * - the wait for server i (0-based) in every pass is
 *   (timeout << i) / nscount seconds for i > 0 and `timeout` for i = 0
 *   (send_dg: `seconds = retrans << ns; if (ns > 0) seconds /= nscount;`,
 *   at least 1 s), with timeout = RES_TIMEOUT = 5 s: one dead server of one
 *   fails after 2 x 5 s = 10 s; a dead first of two answers from the second
 *   after 5 s plus its round trip; three dead servers cost 5 + 3 + 6 s per
 *   pass;
 * - an answer with TC=1 is asked again over TCP of the same server, one
 *   try per server (send_vc);
 * - `rotate` moves the first server to the end of the list before every
 *   lookup (RES_ROTATE), so successive lookups start at successive servers;
 * - NXDOMAIN and NOERROR (with or without data) are final: they are
 *   delivered, not retried elsewhere;
 * - no EDNS(0) by default (glibc sends it only with `options edns0`), so a
 *   UDP answer is at most 512 bytes.
 * Every query has a fresh ID from the node's named random stream
 * "dns:stub:<node>" and a fresh socket on a random ephemeral port
 * (32768-60999, as Linux), so --pcap shows what a real host sends.
 *
 * Not modelled: the search list and ndots (names are always absolute), the
 * parallel A + AAAA query of getaddrinfo (one qtype per lookup; ask twice
 * for both), /etc/hosts, nscd, and glibc's fallback to 127.0.0.1 when no
 * nameserver is configured (dns_lookup refuses instead, so a forgotten
 * dns.stub is a clear error). */
#ifndef WL_DNS_STUB_H
#define WL_DNS_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "models/net/net.h"

#define DNS_STUB_MAXNS 3              /* glibc resolv.h MAXNS */
#define DNS_STUB_TIMEOUT_S 5          /* glibc resolv.h RES_TIMEOUT */
#define DNS_STUB_ATTEMPTS 2           /* glibc resolv.h RES_DFLRETRY */
#define DNS_STUB_MAXTIMEOUT_S 30      /* glibc resolv.h RES_MAXRETRANS */
#define DNS_STUB_MAXATTEMPTS 5        /* glibc resolv.h RES_MAXRETRY */

/* A node's resolver settings, as resolv.conf holds them. */
struct dns_stub_cfg {
	uint32_t ns[DNS_STUB_MAXNS];  /* nameserver IPv4 addresses, host order */
	int nns;                      /* 1..DNS_STUB_MAXNS */
	int timeout_s;                /* resolv.conf `timeout:n`, whole seconds, 1..30 */
	int attempts;                 /* resolv.conf `attempts:n`, 1..5 */
	bool rotate;                  /* resolv.conf `rotate` */
	uint16_t edns_udp_size;       /* 0: no EDNS(0) (glibc default, 512-byte UDP answers);
				       * else the OPT payload size (`options edns0`: 1200 in glibc) */
};

/* glibc's defaults, no nameservers. */
void dns_stub_cfg_default(struct dns_stub_cfg *cfg);
/* Sets (or replaces) a node's resolver settings; lookups in flight keep
 * the settings they started with.  -1 with err set if cfg is out of range. */
int dns_stub_config(struct node *nd, const struct dns_stub_cfg *cfg, struct errbuf *err);
/* The node's settings, or NULL if dns_stub_config was never called. */
const struct dns_stub_cfg *dns_stub_get(struct node *nd);

/* What a lookup gave.  rcode is the RFC 1035 RCODE of the final answer
 * (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, ...) or one of the
 * negative DNS_ANS_* values when no server gave one. */
#define DNS_ANS_TIMEOUT (-1)     /* every try timed out: getaddrinfo's EAI_AGAIN */
#define DNS_ANS_UNREACH (-2)     /* every server's port unreachable (ECONNREFUSED) */
#define DNS_ANS_MAX_ADDRS 16

struct dns_answer {
	const char *name;             /* the name asked for (valid during the callback) */
	uint16_t qtype;               /* 1 A, 28 AAAA, ... */
	int rcode;
	int n4, n6;                   /* addresses found (A, AAAA), at most DNS_ANS_MAX_ADDRS each */
	uint32_t addr4[DNS_ANS_MAX_ADDRS];    /* host order, in answer order */
	uint8_t addr6[DNS_ANS_MAX_ADDRS][16];
	uint32_t ttl;                 /* smallest TTL of the answer records (s); 0 if none */
	simtime_t started_ns;         /* when dns_lookup was called */
	simtime_t latency_ns;         /* from dns_lookup to the callback */
	uint32_t server;              /* nameserver that answered (0: none, or a literal) */
	int queries;                  /* datagrams and TCP queries sent for this lookup */
	bool literal;                 /* the name was an address: no query was sent */
	bool tcp;                     /* the answer came over TCP (after TC=1) */
};

typedef void (*dns_done_fn)(void *ctx, const struct dns_answer *ans);

/* Starts resolving `name` (absolute, with or without the final dot) for
 * qtype (1 = A, 28 = AAAA, or any other type code: answers of other types
 * give rcode and ttl, no addresses) on node nd.  Returns 0 and calls done
 * exactly once later, from an event (never from inside dns_lookup, so the
 * caller may finish setting up ctx after the call).  A dotted quad answers
 * with latency 0 and no query, as getaddrinfo does (an A lookup of it
 * gives the address; any other type gives NOERROR with no address).
 * Returns a negative value, and never calls done, when the lookup cannot
 * start: -EINVAL (-22) for a malformed name, -ENXIO (-6) when the node has
 * no resolver settings.  Every lookup finished also writes a dns_lookups
 * row (resolver 'stub', cache NULL: the stub has no cache). */
int dns_lookup(struct node *nd, const char *name, uint16_t qtype, dns_done_fn done, void *ctx);

/* Forgets every unfinished lookup of nd whose ctx is ctx: their done will
 * not be called (for an application that goes away while it waits). */
void dns_lookup_cancel(struct node *nd, void *ctx);

/* "NOERROR", "SERVFAIL", "NXDOMAIN", "REFUSED", "TIMEOUT", "UNREACHABLE",
 * or "RCODE<n>" for others (n written into buf, which must hold 16 bytes). */
const char *dns_answer_status(int rcode, char buf[16]);

#endif
