/* TCP: the stack of a node.  Connections are found by their 4-tuple in
 * an open-addressing hash table, listeners by local port; a count of ephemeral
 * ports in use per destination lets a connect to a destination whose
 * ports are all taken fail at once; local ports are picked as Linux's
 * ip_local_port_range (32768..60999). */
#include "tcp_priv.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- the stack of a node ---- */

struct eph_count {
	uint32_t addr;
	uint16_t port;
	uint16_t used;   /* 0 and addr 0: empty slot */
};

static void stack_destroy(struct tcp_stack *st);

static void stacks_free(void *obj)
{
	struct net *n = obj;
	for (size_t i = 0; i < n->nnodes; i++)
		if (n->nodes[i]->l4[L4_TCP]) {
			stack_destroy(n->nodes[i]->l4[L4_TCP]);
			n->nodes[i]->l4[L4_TCP] = NULL;
		}
}

struct tcp_stack *tcp_stack_of(struct node *nd)
{
	struct tcp_stack *st = nd->l4[L4_TCP];
	if (st)
		return st;
	struct net *n = nd->net;
	if (!n->input[L4_TCP]) {
		net_register_l4(n, L4_TCP, IPPROTO_TCP_, tcp_input, tcp_icmp_error);
		sim_ext_set(n->sim, "tcp_stacks", n, stacks_free);
	}
	/* line-aligned: the first line is all a lookup that hits reads */
	size_t size = (sizeof(*st) + 63) / 64 * 64;
	st = aligned_alloc(64, size);
	if (!st) {
		fprintf(stderr, "wirelab: out of memory for a TCP stack\n");
		abort();
	}
	memset(st, 0, size);
	st->node = nd;
	st->hcap = 64;
	st->hash = xcalloc(st->hcap, sizeof(*st->hash));
	st->next_port = 0;
	char name[64];
	snprintf(name, sizeof(name), "tcp:%s:isn", nd->name);
	st->isn_rng = rng_stream(n->sim, name);
	nd->l4[L4_TCP] = st;
	return st;
}

static uint32_t tuple_hash(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint64_t x = ((uint64_t)laddr << 32 | raddr) * 0x9e3779b97f4a7c15ull;
	x ^= ((uint64_t)lport << 16 | rport) * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(x >> 32);
}

/* The 4-tuple table: open addressing with linear probing, the key kept in
 * the slot, so a lookup reads one or two slots and no socket but the one
 * it finds (a chain through the sockets cost a cache miss per step, a few
 * per cent of a 1000-flow run).  At most half full; deletion shifts the
 * following entries back (Knuth 6.4, Algorithm R), so no tombstones. */
static inline uint64_t key_addrs(uint32_t la, uint32_t ra) { return (uint64_t)la << 32 | ra; }
static inline uint32_t key_ports(uint16_t lp, uint16_t rp) { return (uint32_t)lp << 16 | rp; }

static uint32_t slot_home(const struct tcp_stack *st, uint64_t addrs, uint32_t ports)
{
	return tuple_hash((uint32_t)(addrs >> 32), (uint16_t)(ports >> 16), (uint32_t)addrs, (uint16_t)ports) &
	       (st->hcap - 1);
}

/* A copy of the entry found last sits in the stack's first line, so the
 * segments of one connection in a row (a host with one connection: every
 * segment) read no slot.  The copy is always an entry of the table:
 * tcp_unhash() clears it when it removes that entry; adding and rehashing
 * move entries but never change what a 4-tuple maps to. */
struct tcp_sock *tcp_lookup_tuple(struct tcp_stack *st, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
	uint64_t a = key_addrs(la, ra);
	uint32_t p = key_ports(lp, rp);
	if (st->last.s && st->last.addrs == a && st->last.ports == p)
		return st->last.s;
	for (uint32_t i = slot_home(st, a, p);; i = (i + 1) & (st->hcap - 1)) {
		const struct tcp_hslot *h = &st->hash[i];
		if (!h->s)
			return NULL;
		if (h->addrs == a && h->ports == p) {
			st->last = *h;
			return h->s;
		}
	}
}

static void slot_put(struct tcp_stack *st, uint64_t a, uint32_t p, struct tcp_sock *s)
{
	uint32_t i = slot_home(st, a, p);
	while (st->hash[i].s)
		i = (i + 1) & (st->hcap - 1);
	st->hash[i] = (struct tcp_hslot){ a, p, s };
}

static void rehash(struct tcp_stack *st)
{
	uint32_t old = st->hcap;
	struct tcp_hslot *ov = st->hash;
	st->hcap *= 2;
	st->hash = xcalloc(st->hcap, sizeof(*st->hash));
	for (uint32_t i = 0; i < old; i++)
		if (ov[i].s)
			slot_put(st, ov[i].addrs, ov[i].ports, ov[i].s);
	free(ov);
}

/* Ephemeral ports in use per destination, so that a connect to a
 * destination whose ports are all taken fails at once. */
static struct eph_count *eph_slot(struct tcp_stack *st, uint32_t addr, uint16_t port, bool create)
{
	if (!st->ephcap) {
		if (!create)
			return NULL;
		st->ephcap = 16;
		st->eph = xcalloc(st->ephcap, sizeof(*st->eph));
	}
	if (create && (st->ephcount + 1) * 2 > st->ephcap) {
		struct eph_count *old = st->eph;
		uint32_t oldcap = st->ephcap;
		st->ephcap *= 2;
		st->eph = xcalloc(st->ephcap, sizeof(*st->eph));
		st->ephcount = 0;
		for (uint32_t i = 0; i < oldcap; i++)
			if (old[i].addr || old[i].port) {
				struct eph_count *e = eph_slot(st, old[i].addr, old[i].port, true);
				*e = old[i];
				st->ephcount++;
			}
		free(old);
	}
	uint32_t j = tuple_hash(addr, port, 0, 0) & (st->ephcap - 1);
	for (;; j = (j + 1) & (st->ephcap - 1)) {
		struct eph_count *e = &st->eph[j];
		if (e->addr == addr && e->port == port)
			return e;
		if (!e->addr && !e->port) {
			if (!create)
				return NULL;
			e->addr = addr;
			e->port = port;
			e->used = 0;
			st->ephcount++;
			return e;
		}
	}
}

void tcp_hash(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	if (tp->hashed)
		return;
	if ((st->hcount + 1) * 2 > st->hcap)
		rehash(st);
	slot_put(st, key_addrs(tp->laddr, tp->raddr), key_ports(tp->lport, tp->rport), tp);
	st->hcount++;
	tp->hashed = true;
	if (tp->ephemeral)
		eph_slot(st, tp->raddr, tp->rport, true)->used++;
}

void tcp_unhash(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	if (!tp->hashed)
		return;
	if (st->last.s == tp)
		st->last = (struct tcp_hslot){ 0 };
	uint32_t mask = st->hcap - 1;
	uint32_t i = slot_home(st, key_addrs(tp->laddr, tp->raddr), key_ports(tp->lport, tp->rport));
	while (st->hash[i].s != tp)
		i = (i + 1) & mask;
	/* shift back every entry of the run after i that may move to i */
	for (uint32_t j = i;;) {
		j = (j + 1) & mask;
		if (!st->hash[j].s)
			break;
		uint32_t k = slot_home(st, st->hash[j].addrs, st->hash[j].ports);
		/* k cyclically in (i, j]: the entry is at or after its home already */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			st->hash[i] = st->hash[j];
			i = j;
		}
	}
	st->hash[i] = (struct tcp_hslot){ 0 };
	st->hcount--;
	tp->hashed = false;
	if (tp->ephemeral) {
		struct eph_count *e = eph_slot(st, tp->raddr, tp->rport, false);
		if (e && e->used)
			e->used--;
	}
}

void tcp_listener_add(struct tcp_stack *st, struct tcp_sock *tp)
{
	xgrow((void **)&st->listeners, &st->caplisten, st->nlisten + 1, sizeof(*st->listeners));
	st->listeners[st->nlisten++] = tp;
}

void tcp_listener_remove(struct tcp_stack *st, struct tcp_sock *tp)
{
	for (size_t i = 0; i < st->nlisten; i++)
		if (st->listeners[i] == tp) {
			memmove(&st->listeners[i], &st->listeners[i + 1],
				(st->nlisten - i - 1) * sizeof(*st->listeners));
			st->nlisten--;
			return;
		}
}

struct tcp_sock *tcp_lookup(struct tcp_stack *st, const struct packet *p)
{
	struct tcp_sock *s = tcp_lookup_tuple(st, p->ip.dst, p->l4.tcp.dport, p->ip.src, p->l4.tcp.sport);
	if (s)
		return s;
	for (size_t i = 0; i < st->nlisten; i++)
		if (st->listeners[i]->lport == p->l4.tcp.dport)
			return st->listeners[i];
	return NULL;
}

bool tcp_port_in_use(const struct tcp_stack *st, uint16_t port)
{
	for (struct tcp_sock *s = st->all; s; s = s->all_next)
		if (s->bound && s->lport == port && !s->freed)
			return true;
	return false;
}

/* Picks a free local port for (laddr, raddr:rport): the first free one after
 * the last used, in 32768..60999 (Linux ip_local_port_range).  Ports held
 * by TIME_WAIT connections to the same destination are not reused. */
int tcp_pick_port(struct tcp_sock *tp)
{
	struct tcp_stack *st = tp->stack;
	const uint32_t lo = 32768, hi = 60999, n = hi - lo + 1;
	struct eph_count *e = eph_slot(st, tp->raddr, tp->rport, false);
	if (e && e->used >= n)
		return -TCP_EADDRNOTAVAIL;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t port = (uint16_t)(lo + (st->next_port + i) % n);
		if (!tcp_lookup_tuple(st, tp->laddr, port, tp->raddr, tp->rport)) {
			bool listening = false;
			for (size_t k = 0; k < st->nlisten && !listening; k++)
				listening = st->listeners[k]->lport == port;
			if (listening)
				continue;
			st->next_port = (uint16_t)((port - lo + 1) % n);
			tp->lport = port;
			tp->ephemeral = true;
			return 0;
		}
	}
	return -TCP_EADDRNOTAVAIL;
}

static void stack_destroy(struct tcp_stack *st)
{
	while (st->all) {
		struct tcp_sock *tp = st->all;
		st->all = tp->all_next;
		tcp_sock_release(tp);
		free(tp);
	}
	free(st->hash);
	free(st->listeners);
	free(st->eph);
	tcp_app_free(st);
	free(st);
}
