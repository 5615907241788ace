/* UDP; see udp.h.  Each node keeps its sockets in a small hash table keyed
 * by port, created when the first socket opens. */
#include "udp.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/util.h"

struct udp_table {
	struct udp_sock **slot; /* open addressing by port; NULL empty, TOMB deleted */
	uint32_t cap, used;     /* used counts live and deleted slots */
	uint16_t next_ephemeral;
};

static struct udp_sock tomb_sock;
#define TOMB (&tomb_sock)

static void udp_input(struct node *nd, struct packet *p);
static void udp_error(struct node *nd, const struct packet *icmp);

static void table_free(struct net *n)
{
	for (size_t i = 0; i < n->nnodes; i++) {
		struct udp_table *t = n->nodes[i]->l4[L4_UDP];
		if (!t)
			continue;
		for (uint32_t k = 0; k < t->cap; k++)
			if (t->slot[k] && t->slot[k] != TOMB)
				free(t->slot[k]);
		free(t->slot);
		free(t);
		n->nodes[i]->l4[L4_UDP] = NULL;
	}
}

static void udp_ext_destroy(void *obj)
{
	table_free(obj);
}

static struct udp_table *table_of(struct node *nd)
{
	struct udp_table *t = nd->l4[L4_UDP];
	if (t)
		return t;
	struct net *n = nd->net;
	if (!n->input[L4_UDP]) {
		net_register_l4(n, L4_UDP, IPPROTO_UDP_, udp_input, udp_error);
		/* sockets are freed with the network; this slot only orders it */
		sim_ext_set(n->sim, "udp", n, udp_ext_destroy);
	}
	t = xcalloc(1, sizeof(*t));
	t->cap = 16;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	t->next_ephemeral = EPHEMERAL_LO;
	nd->l4[L4_UDP] = t;
	return t;
}

static uint32_t port_hash(uint16_t port, uint32_t cap)
{
	return (uint32_t)(port * 40503u) & (cap - 1);
}

static struct udp_sock *lookup(const struct udp_table *t, uint16_t port)
{
	if (!t)
		return NULL;
	for (uint32_t j = port_hash(port, t->cap);; j = (j + 1) & (t->cap - 1)) {
		struct udp_sock *s = t->slot[j];
		if (!s)
			return NULL;
		if (s != TOMB && s->port == port)
			return s;
	}
}

static void insert(struct udp_table *t, struct udp_sock *us)
{
	if ((t->used + 1) * 2 > t->cap) {
		struct udp_sock **old = t->slot;
		uint32_t oldcap = t->cap;
		t->cap *= 2;
		t->slot = xcalloc(t->cap, sizeof(*t->slot));
		t->used = 0;
		for (uint32_t k = 0; k < oldcap; k++)
			if (old[k] && old[k] != TOMB)
				insert(t, old[k]);
		free(old);
	}
	uint32_t j = port_hash(us->port, t->cap);
	while (t->slot[j])
		j = (j + 1) & (t->cap - 1);
	t->slot[j] = us;
	t->used++;
}

struct udp_sock *udp_open(struct node *nd, uint16_t port, udp_recv_fn recv, udp_err_fn errfn,
			  void *ctx, struct errbuf *err)
{
	struct udp_table *t = table_of(nd);
	if (port == 0) {
		for (int tries = 0; tries <= EPHEMERAL_HI - EPHEMERAL_LO; tries++) {
			uint16_t cand = t->next_ephemeral;
			t->next_ephemeral = cand == EPHEMERAL_HI ? EPHEMERAL_LO : (uint16_t)(cand + 1);
			if (!lookup(t, cand)) {
				port = cand;
				break;
			}
		}
		if (port == 0) {
			err_set(err, "udp: no free ephemeral port on %s", nd->name);
			return NULL;
		}
	} else if (lookup(t, port)) {
		err_set(err, "udp: port %u on %s is already in use", port, nd->name);
		return NULL;
	}
	struct udp_sock *us = xcalloc(1, sizeof(*us));
	us->node = nd;
	us->port = port;
	us->recv = recv;
	us->err = errfn;
	us->ctx = ctx;
	insert(t, us);
	return us;
}

void udp_close(struct udp_sock *us)
{
	struct udp_table *t = us->node->l4[L4_UDP];
	for (uint32_t j = port_hash(us->port, t->cap);; j = (j + 1) & (t->cap - 1))
		if (t->slot[j] == us) {
			t->slot[j] = TOMB;
			break;
		}
	free(us);
}

int udp_send(struct udp_sock *us, uint32_t dst, uint16_t dport, uint32_t len, struct pbuf *data,
	     uint8_t ttl)
{
	return udp_send_from(us, 0, dst, dport, len, data, ttl);
}

int udp_send_from(struct udp_sock *us, uint32_t src, uint32_t dst, uint16_t dport, uint32_t len,
		  struct pbuf *data, uint8_t ttl)
{
	struct packet *p = pkt_alloc(us->node->net->sim);
	p->ip.src = src;
	p->ip.proto = IPPROTO_UDP_;
	p->ip.dst = dst;
	p->ip.tos = us->tos;
	p->ip.df = true; /* Linux sets DF on UDP (path MTU discovery "want") */
	if (ttl)
		p->ip.ttl = ttl;
	p->l4.udp.sport = us->port;
	p->l4.udp.dport = dport;
	p->payload_len = len;
	if (data)
		p->payload = pbuf_ref(data);
	p->flow_hash = (uint32_t)(us->node->id * 2654435761u) ^ us->port ^ (uint32_t)dport << 16 ^ dst;
	us->sent_pkts++;
	us->sent_bytes += len;
	return ip_send(us->node, p);
}

static void udp_input(struct node *nd, struct packet *p)
{
	struct udp_sock *us = lookup(nd->l4[L4_UDP], p->l4.udp.dport);
	if (!us) {
		icmp_send_error(nd, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
		net_drop(nd->net, nd->name, "port-unreachable", p);
		return;
	}
	us->recv_pkts++;
	us->recv_bytes += p->payload_len;
	if (us->recv)
		us->recv(us, p, us->ctx);
	pkt_free(nd->net->sim, p);
}

static void udp_error(struct node *nd, const struct packet *icmp)
{
	struct udp_sock *us = lookup(nd->l4[L4_UDP], icmp->l4.icmp.q_sport);
	if (us && us->err)
		us->err(us, icmp, us->ctx);
}
