/* IPv4 input, forwarding and output (RFC 791; RFC 1812 §5 for routers).
 *
 * Input: a packet for one of the node's addresses goes to its transport;
 * otherwise a router decrements TTL (answering Time Exceeded when it hits
 * zero) and forwards by longest-prefix match (answering Destination
 * Unreachable when there is no route); a host drops it.  Output fills in
 * the source address from the outgoing interface, as Linux does when a
 * socket is not bound to an address. */
#include <stdio.h>

#include "net.h"

static void deliver_local(struct sim *s, void *obj, uint64_t arg);

static void local_input(struct node *nd, struct packet *p)
{
	struct net *n = nd->net;
	switch (p->ip.proto) {
	case IPPROTO_ICMP_:
		icmp_input(nd, p);
		return;
	case IPPROTO_UDP_:
		if (n->input[L4_UDP]) {
			n->input[L4_UDP](nd, p);
			return;
		}
		break;
	case IPPROTO_TCP_:
		if (n->input[L4_TCP]) {
			n->input[L4_TCP](nd, p);
			return;
		}
		break;
	}
	/* RFC 1122 §3.2.2.1: protocol unreachable */
	icmp_send_error(nd, p, ICMP_DEST_UNREACH, 2);
	net_drop(n, nd->name, "no-protocol", p);
}

void ip_input(struct node *nd, struct packet *p, struct iface *in)
{
	(void)in;
	const struct route *r = fib_lookup(&nd->fib, p->ip.dst);
	if (r && r->type == RT_LOCAL) {
		local_input(nd, p);
		return;
	}
	if (!nd->router) {
		/* transit traffic at a multi-homed host is almost always a
		 * scenario that meant router(): say so once */
		if (nd->nifs > 1 && !nd->net->noted_not_router) {
			char a[16];
			nd->net->noted_not_router = true;
			fprintf(stderr, "wirelab: note: node %s dropped a packet for %s: a node() "
				"does not forward; declare it with router() if it should\n",
				nd->name, ipv4_fmt(a, p->ip.dst));
		}
		net_drop(nd->net, nd->name, "not-for-me", p);
		return;
	}
	if (p->ip.ttl <= 1) {
		icmp_send_error(nd, p, ICMP_TIME_EXCEEDED, 0);
		net_drop(nd->net, nd->name, "ttl", p);
		return;
	}
	if (!r) {
		icmp_send_error(nd, p, ICMP_DEST_UNREACH, ICMP_NET_UNREACH);
		net_drop(nd->net, nd->name, "no-route", p);
		return;
	}
	p->ip.ttl--;
	iface_send(r->out, p);
}

const struct route *ip_route(const struct node *nd, uint32_t dst)
{
	return fib_lookup(&nd->fib, dst);
}

uint32_t ip_source_for(const struct node *nd, uint32_t dst)
{
	const struct route *r = fib_lookup(&nd->fib, dst);
	if (!r)
		return 0;
	return r->type == RT_LOCAL ? dst : r->out->addr;
}

int ip_send(struct node *nd, struct packet *p)
{
	const struct route *r = fib_lookup(&nd->fib, p->ip.dst);
	if (!r) {
		net_drop(nd->net, nd->name, "no-route", p);
		return -1;
	}
	if (!p->ip.src)
		p->ip.src = r->type == RT_LOCAL ? p->ip.dst : r->out->addr;
	if (!p->ip.ttl)
		p->ip.ttl = 64;
	p->ip.id = nd->ip_id++;
	pkt_set_len(p);
	if (r->type == RT_LOCAL) {
		/* to ourselves: through the loopback, after the current event */
		sim_at(nd->net->sim, nd->net->sim->now, deliver_local, nd, (uint64_t)(uintptr_t)p);
		return 0;
	}
	iface_send(r->out, p);
	return 0;
}

static void deliver_local(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	local_input(obj, (struct packet *)(uintptr_t)arg);
}
