/* Packets: header structs, a pool, and refcounted payload buffers.
 *
 * A packet is an IPv4 header, one transport header (UDP, TCP or ICMP) and a
 * payload.  Bulk payload is only a length (its bytes read as zeros);
 * protocols that need real bytes (DNS, BGP, HTTP headers) attach a
 * refcounted buffer in their wire format.  Headers are turned into bytes
 * only when a packet is written to a pcap file (pkt_serialize), with correct
 * checksums, so Wireshark decodes what the simulator sent.
 *
 * Sizes follow the wire: ip.tot_len is what a link serialises. */
#ifndef WL_PACKET_H
#define WL_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "time.h"

enum { IPPROTO_ICMP_ = 1, IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17 };
enum { IP_HDR_LEN = 20, UDP_HDR_LEN = 8, ICMP_HDR_LEN = 8, TCP_HDR_LEN = 20 };

/* ECN codepoints in the low two bits of the TOS byte (RFC 3168 §5). */
enum { ECN_NOT_ECT = 0, ECN_ECT1 = 1, ECN_ECT0 = 2, ECN_CE = 3 };

struct ipv4_hdr {
	uint32_t src, dst;  /* host byte order */
	uint16_t tot_len;   /* header + transport + payload, bytes */
	uint16_t id;
	uint8_t ttl;
	uint8_t proto;
	uint8_t tos;        /* DSCP << 2 | ECN */
	bool df;
};

struct udp_hdr {
	uint16_t sport, dport;
};

/* TCP flags as on the wire (RFC 9293 §3.1, RFC 3168 §6.1). */
enum {
	TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08,
	TH_ACK = 0x10, TH_URG = 0x20, TH_ECE = 0x40, TH_CWR = 0x80,
};

struct sack_block {
	uint32_t start, end; /* [start, end) in sequence space */
};
#define TCP_MAX_SACK 4

/* Which options a segment carries. */
enum {
	TCPOPT_F_MSS = 1 << 0, TCPOPT_F_WSCALE = 1 << 1, TCPOPT_F_SACK_OK = 1 << 2,
	TCPOPT_F_TS = 1 << 3,
};

struct tcp_hdr {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t win;       /* as on the wire, before scaling */
	uint8_t flags;
	uint8_t opts;       /* TCPOPT_F_* */
	uint16_t mss;
	uint8_t wscale;
	uint8_t nsack;
	uint32_t tsval, tsecr;
	struct sack_block sack[TCP_MAX_SACK];
};

/* ICMP (RFC 792).  Errors quote the offending packet's IP header and first
 * eight transport bytes, which we keep as structs. */
enum {
	ICMP_ECHO_REPLY = 0, ICMP_DEST_UNREACH = 3, ICMP_ECHO = 8, ICMP_TIME_EXCEEDED = 11,
};
enum { ICMP_NET_UNREACH = 0, ICMP_HOST_UNREACH = 1, ICMP_PORT_UNREACH = 3 };

struct icmp_hdr {
	uint8_t type, code;
	uint16_t id, seq;          /* echo */
	struct ipv4_hdr q_ip;      /* quoted header (errors) */
	uint16_t q_sport, q_dport; /* first transport bytes quoted */
	uint32_t q_seq;            /* TCP sequence number quoted */
};

/* A refcounted, immutable byte buffer shared by the copies of a message. */
struct pbuf {
	uint32_t refs;
	uint32_t len;
	uint8_t data[];
};
struct pbuf *pbuf_new(const void *data, uint32_t len);
static inline struct pbuf *pbuf_ref(struct pbuf *b) { b->refs++; return b; }
void pbuf_unref(struct pbuf *b);

/* Packets are line-aligned, and what every hop reads or writes (the queue
 * link, the IP header, the wire's epoch, the queue's timestamp, the flow
 * hash, and on a wire the arrival of the packet behind it, models/net/link.c)
 * fills the first 64-byte line; the transport header and the rest,
 * read only at the ends, follow. */
struct packet {
	_Alignas(64) struct packet *next; /* queue linkage; owner's use */
	struct ipv4_hdr ip;
	uint32_t link_epoch;     /* link generation when it left the wire's sender */
	uint32_t flow_hash;      /* set by the sender; FQ and ECMP use it */
	union {
		simtime_t enq_ns;       /* when it entered its current queue */
		simtime_t wire_next_at; /* on a wire, before `next`: next's arrival */
	};
	uint32_t payload_len;    /* transport payload bytes */
	bool in_use;             /* false while in the pool's free list */
	uint64_t uid;            /* unique per simulation, for traces */
	uint64_t wire_next_seq;  /* on a wire, before `next`: next's event seq */
	/* second line on */
	union {
		struct udp_hdr udp;
		struct tcp_hdr tcp;
		struct icmp_hdr icmp;
	} l4;
	struct pbuf *payload;    /* real bytes, or NULL for zeros */
	uint32_t payload_off;    /* where this packet's bytes start in payload */
	simtime_t created_ns;    /* when the packet was built */
};
_Static_assert(offsetof(struct packet, l4) == 64, "the per-hop fields fill the first line");

struct pkt_pool;
struct pkt_pool *pkt_pool_new(void);
/* Frees every packet, including those still referenced by pending events. */
void pkt_pool_free(struct pkt_pool *pool);
size_t pkt_pool_in_use(const struct pkt_pool *pool);
size_t pkt_pool_peak(const struct pkt_pool *pool);

struct sim;
/* A zeroed packet with uid and created_ns set. */
struct packet *pkt_alloc(struct sim *s);
void pkt_free(struct sim *s, struct packet *p);
/* A copy sharing the payload buffer. */
struct packet *pkt_clone(struct sim *s, const struct packet *p);

/* Transport header length on the wire, options included. */
uint32_t pkt_l4_hdr_len(const struct packet *p);
uint32_t tcp_opts_len(const struct tcp_hdr *th);
/* Sets ip.tot_len from the headers and payload_len. */
void pkt_set_len(struct packet *p);

/* Writes the packet's wire bytes (IPv4 header onward, checksums computed)
 * into buf, at most cap bytes.  Returns the full wire length; bytes beyond
 * cap are not written. */
size_t pkt_serialize(const struct packet *p, uint8_t *buf, size_t cap);

/* 1.2.3.4 notation into a caller buffer of at least 16 bytes. */
char *ipv4_fmt(char *buf, uint32_t addr);
/* Parses dotted quad, optionally with "/len"; returns 0 or -1. */
int ipv4_parse(const char *s, uint32_t *addr, int *plen);

#endif
