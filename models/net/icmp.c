/* ICMP (RFC 792): echo, and the errors routers and hosts send.
 *
 * Errors quote the offending packet's IP header and first eight transport
 * bytes (RFC 792; RFC 1812 §4.3.2.3 allows more, we keep the minimum) and
 * are never sent about another ICMP error (RFC 1122 §3.2.2).  Their source
 * is the address of the interface the error leaves through, as Linux's
 * default.  Errors reach the transport that sent the quoted packet, which
 * finds the socket by the quoted ports. */
#include <string.h>

#include "net.h"
#include "sim/util.h"

static bool is_error(const struct packet *p)
{
	return p->ip.proto == IPPROTO_ICMP_ && p->l4.icmp.type != ICMP_ECHO &&
	       p->l4.icmp.type != ICMP_ECHO_REPLY;
}

void icmp_send_error(struct node *nd, const struct packet *orig, uint8_t type, uint8_t code)
{
	if (is_error(orig))
		return;
	struct packet *e = pkt_alloc(nd->net->sim);
	e->ip.proto = IPPROTO_ICMP_;
	e->ip.dst = orig->ip.src;
	e->ip.tos = 0xc0; /* Internetwork Control, as Linux sends errors */
	e->l4.icmp.type = type;
	e->l4.icmp.code = code;
	e->l4.icmp.q_ip = orig->ip;
	if (orig->ip.proto == IPPROTO_UDP_) {
		e->l4.icmp.q_sport = orig->l4.udp.sport;
		e->l4.icmp.q_dport = orig->l4.udp.dport;
	} else if (orig->ip.proto == IPPROTO_TCP_) {
		e->l4.icmp.q_sport = orig->l4.tcp.sport;
		e->l4.icmp.q_dport = orig->l4.tcp.dport;
		e->l4.icmp.q_seq = orig->l4.tcp.seq;
	} else if (orig->ip.proto == IPPROTO_ICMP_) {
		e->l4.icmp.q_sport = (uint16_t)(orig->l4.icmp.type << 8 | orig->l4.icmp.code);
		e->l4.icmp.q_dport = 0;
		e->l4.icmp.q_seq = (uint32_t)orig->l4.icmp.id << 16 | orig->l4.icmp.seq;
	}
	e->payload_len = IP_HDR_LEN + 8;
	ip_send(nd, e);
}

static bool echo_used(const struct node *nd, uint16_t id)
{
	return nd->echo_used[id >> 6] >> (id & 63) & 1;
}

uint16_t icmp_listen_echo(struct node *nd, uint16_t id, echo_reply_fn fn, void *obj)
{
	if (!nd->echo_used)
		nd->echo_used = xcalloc(65536 / 64, sizeof(uint64_t));
	if (id == 0) {
		/* a fresh identifier, as each ping process has its own; 0 when
		 * all 65535 are taken */
		for (int tries = 0; tries < 65536 && !id; tries++) {
			uint16_t cand = nd->next_echo_id++;
			if (cand && !echo_used(nd, cand))
				id = cand;
		}
		if (!id)
			return 0;
	}
	nd->echo_used[id >> 6] |= (uint64_t)1 << (id & 63);
	xgrow((void **)&nd->echo, &nd->capecho, nd->necho + 1, sizeof(*nd->echo));
	nd->echo[nd->necho++] = (struct echo_listener){ id, fn, obj };
	return id;
}

void icmp_unlisten_echo(struct node *nd, uint16_t id)
{
	for (size_t i = 0; i < nd->necho; i++)
		if (nd->echo[i].id == id) {
			nd->echo[i] = nd->echo[--nd->necho];
			nd->echo_used[id >> 6] &= ~((uint64_t)1 << (id & 63));
			return;
		}
}

void icmp_input(struct node *nd, struct packet *p)
{
	struct net *n = nd->net;
	struct icmp_hdr *ic = &p->l4.icmp;
	switch (ic->type) {
	case ICMP_ECHO: {
		/* the reply carries the same identifier, sequence and data */
		uint32_t from = p->ip.src;
		p->ip.src = p->ip.dst;
		p->ip.dst = from;
		p->ip.ttl = 64;
		ic->type = ICMP_ECHO_REPLY;
		ip_send(nd, p);
		return;
	}
	case ICMP_ECHO_REPLY:
		for (size_t i = 0; i < nd->necho; i++)
			if (nd->echo[i].id == ic->id) {
				nd->echo[i].fn(nd->echo[i].obj, nd, p);
				break;
			}
		pkt_free(n->sim, p);
		return;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
		if (ic->q_ip.proto == IPPROTO_UDP_ && n->error[L4_UDP])
			n->error[L4_UDP](nd, p);
		else if (ic->q_ip.proto == IPPROTO_TCP_ && n->error[L4_TCP])
			n->error[L4_TCP](nd, p);
		pkt_free(n->sim, p);
		return;
	default:
		pkt_free(n->sim, p);
		return;
	}
}
