/* UDP (RFC 768): sockets bound to a port on a node.  Datagrams to a port
 * with no socket are answered with ICMP Port Unreachable (RFC 1122
 * §4.1.3.1), which is what traceroute listens for; ICMP errors about a
 * socket's datagrams reach its error callback. */
#ifndef WL_UDP_H
#define WL_UDP_H

#include <stdint.h>

#include "models/net/net.h"

struct udp_sock;
/* The packet belongs to UDP and is freed after the callback returns. */
typedef void (*udp_recv_fn)(struct udp_sock *us, const struct packet *p, void *ctx);
typedef void (*udp_err_fn)(struct udp_sock *us, const struct packet *icmp, void *ctx);

struct udp_sock {
	struct node *node;
	uint16_t port;
	uint8_t tos;            /* DSCP/ECN byte for datagrams sent */
	udp_recv_fn recv;
	udp_err_fn err;
	void *ctx;
	uint64_t sent_pkts, sent_bytes, recv_pkts, recv_bytes;
};

/* Port 0 picks a free ephemeral port (32768-60999, as Linux).  NULL with
 * err set if the port is taken or none is free. */
struct udp_sock *udp_open(struct node *nd, uint16_t port, udp_recv_fn recv, udp_err_fn errfn,
			  void *ctx, struct errbuf *err);
void udp_close(struct udp_sock *us);
/* Sends len payload bytes (zeros, or data if given; a reference is taken).
 * ttl 0 means the default.  Returns 0, or -1 if there is no route. */
int udp_send(struct udp_sock *us, uint32_t dst, uint16_t dport, uint32_t len, struct pbuf *data,
	     uint8_t ttl);
/* The same from a given source address of the node (0: the outgoing
 * interface's), as a server answers from the address it was asked at
 * (Linux IP_PKTINFO). */
int udp_send_from(struct udp_sock *us, uint32_t src, uint32_t dst, uint16_t dport, uint32_t len,
		  struct pbuf *data, uint8_t ttl);

#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999

#endif
