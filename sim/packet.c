/* Packet pool, payload buffers and wire serialisation (for pcap only). */
#include "packet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "util.h"

/* ---- payload buffers ---- */

struct pbuf *pbuf_new(const void *data, uint32_t len)
{
	struct pbuf *b = malloc(sizeof(*b) + len);
	if (!b) {
		fprintf(stderr, "wirelab: out of memory for a %u-byte payload\n", len);
		abort();
	}
	b->refs = 1;
	b->len = len;
	if (data)
		memcpy(b->data, data, len);
	else
		memset(b->data, 0, len);
	return b;
}

void pbuf_unref(struct pbuf *b)
{
	if (b && --b->refs == 0)
		free(b);
}

/* ---- the pool: packets are carved from chunks and never returned to
 * malloc until the simulation ends. ---- */

#define PKT_CHUNK 1024

struct pkt_chunk {
	struct pkt_chunk *next;
	struct packet pkts[PKT_CHUNK];
};

struct pkt_pool {
	struct pkt_chunk *chunks;
	struct packet *free;
	size_t in_use, peak;
	uint64_t next_uid;
};

struct pkt_pool *pkt_pool_new(void)
{
	return calloc(1, sizeof(struct pkt_pool));
}

void pkt_pool_free(struct pkt_pool *pool)
{
	if (!pool)
		return;
	struct pkt_chunk *c = pool->chunks;
	while (c) {
		struct pkt_chunk *next = c->next;
		for (size_t i = 0; i < PKT_CHUNK; i++)
			if (c->pkts[i].in_use)
				pbuf_unref(c->pkts[i].payload);
		free(c);
		c = next;
	}
	free(pool);
}

size_t pkt_pool_in_use(const struct pkt_pool *pool) { return pool->in_use; }
size_t pkt_pool_peak(const struct pkt_pool *pool) { return pool->peak; }

static void pool_refill(struct pkt_pool *pool)
{
	struct pkt_chunk *c = aligned_alloc(_Alignof(struct pkt_chunk), sizeof(*c));
	if (!c) {
		fprintf(stderr, "wirelab: out of memory for packets (%zu in use)\n", pool->in_use);
		abort();
	}
	c->next = pool->chunks;
	pool->chunks = c;
	for (size_t i = PKT_CHUNK; i-- > 0;) {
		c->pkts[i].in_use = false;
		c->pkts[i].payload = NULL;
		c->pkts[i].next = pool->free;
		pool->free = &c->pkts[i];
	}
}

struct packet *pkt_alloc(struct sim *s)
{
	struct pkt_pool *pool = s->pkts;
	if (!pool->free)
		pool_refill(pool);
	struct packet *p = pool->free;
	pool->free = p->next;
	memset(p, 0, sizeof(*p));
	p->in_use = true;
	p->uid = ++pool->next_uid;
	p->created_ns = s->now;
	p->ip.ttl = 64;
	if (++pool->in_use > pool->peak)
		pool->peak = pool->in_use;
	return p;
}

void pkt_free(struct sim *s, struct packet *p)
{
	struct pkt_pool *pool = s->pkts;
	pbuf_unref(p->payload);
	p->payload = NULL;
	p->in_use = false;
	p->next = pool->free;
	pool->free = p;
	pool->in_use--;
}

struct packet *pkt_clone(struct sim *s, const struct packet *p)
{
	struct packet *c = pkt_alloc(s);
	uint64_t uid = c->uid;
	*c = *p;
	c->uid = uid;
	c->next = NULL;
	if (c->payload)
		pbuf_ref(c->payload);
	return c;
}

/* ---- lengths ---- */

uint32_t tcp_opts_len(const struct tcp_hdr *th)
{
	uint32_t n = 0;
	if (th->opts & TCPOPT_F_MSS)
		n += 4;
	if ((th->opts & TCPOPT_F_SACK_OK) && (th->opts & TCPOPT_F_TS))
		n += 12; /* SACK-permitted(2) + timestamps(10), as Linux lays them */
	else if (th->opts & TCPOPT_F_TS)
		n += 12; /* NOP NOP timestamps */
	else if (th->opts & TCPOPT_F_SACK_OK)
		n += 4;  /* NOP NOP SACK-permitted */
	if (th->opts & TCPOPT_F_WSCALE)
		n += 4;  /* NOP window-scale */
	if (th->nsack)
		n += 4 + 8u * th->nsack; /* NOP NOP kind len blocks */
	return n;
}

uint32_t pkt_l4_hdr_len(const struct packet *p)
{
	switch (p->ip.proto) {
	case IPPROTO_UDP_: return UDP_HDR_LEN;
	case IPPROTO_TCP_: return TCP_HDR_LEN + tcp_opts_len(&p->l4.tcp);
	case IPPROTO_ICMP_: return ICMP_HDR_LEN;
	default: return 0;
	}
}

void pkt_set_len(struct packet *p)
{
	p->ip.tot_len = (uint16_t)(IP_HDR_LEN + pkt_l4_hdr_len(p) + p->payload_len);
}

/* ---- serialisation ---- */

static void put16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v;
}

/* RFC 1071 one's-complement sum, folded later. */
static uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void write_ip(const struct ipv4_hdr *ip, uint8_t *b)
{
	b[0] = 0x45;
	b[1] = ip->tos;
	put16(b + 2, ip->tot_len);
	put16(b + 4, ip->id);
	put16(b + 6, ip->df ? 0x4000 : 0);
	b[8] = ip->ttl;
	b[9] = ip->proto;
	put16(b + 10, 0);
	put32(b + 12, ip->src);
	put32(b + 16, ip->dst);
	put16(b + 10, csum_fold(csum_add(0, b, IP_HDR_LEN)));
}

static uint32_t pseudo_sum(const struct ipv4_hdr *ip, uint32_t l4len)
{
	uint8_t ph[12];
	put32(ph, ip->src);
	put32(ph + 4, ip->dst);
	ph[8] = 0;
	ph[9] = ip->proto;
	put16(ph + 10, (uint16_t)l4len);
	return csum_add(0, ph, sizeof(ph));
}

static size_t write_tcp_opts(const struct tcp_hdr *th, uint8_t *o)
{
	size_t n = 0;
	if (th->opts & TCPOPT_F_MSS) {
		o[n++] = 2; o[n++] = 4; put16(o + n, th->mss); n += 2;
	}
	if (th->opts & TCPOPT_F_TS) {
		if (th->opts & TCPOPT_F_SACK_OK) {
			o[n++] = 4; o[n++] = 2;
		} else {
			o[n++] = 1; o[n++] = 1;
		}
		o[n++] = 8; o[n++] = 10;
		put32(o + n, th->tsval); n += 4;
		put32(o + n, th->tsecr); n += 4;
	} else if (th->opts & TCPOPT_F_SACK_OK) {
		o[n++] = 1; o[n++] = 1; o[n++] = 4; o[n++] = 2;
	}
	if (th->opts & TCPOPT_F_WSCALE) {
		o[n++] = 1; o[n++] = 3; o[n++] = 3; o[n++] = th->wscale;
	}
	if (th->nsack) {
		o[n++] = 1; o[n++] = 1; o[n++] = 5; o[n++] = (uint8_t)(2 + 8 * th->nsack);
		for (int i = 0; i < th->nsack; i++) {
			put32(o + n, th->sack[i].start); n += 4;
			put32(o + n, th->sack[i].end); n += 4;
		}
	}
	return n;
}

size_t pkt_serialize(const struct packet *p, uint8_t *out, size_t cap)
{
	size_t len = p->ip.tot_len;
	uint8_t *b = calloc(1, len < 64 ? 64 : len);
	if (!b)
		return 0;
	write_ip(&p->ip, b);
	uint8_t *l4 = b + IP_HDR_LEN;
	uint32_t l4len = (uint32_t)len - IP_HDR_LEN;
	uint32_t hlen = pkt_l4_hdr_len(p);
	uint8_t *pay = l4 + hlen;
	if (p->payload && hlen + p->payload_len <= l4len) {
		uint32_t avail = p->payload->len > p->payload_off ? p->payload->len - p->payload_off : 0;
		uint32_t n = p->payload_len < avail ? p->payload_len : avail;
		memcpy(pay, p->payload->data + p->payload_off, n);
	}
	switch (p->ip.proto) {
	case IPPROTO_UDP_:
		put16(l4, p->l4.udp.sport);
		put16(l4 + 2, p->l4.udp.dport);
		put16(l4 + 4, (uint16_t)l4len);
		{
			uint16_t c = csum_fold(csum_add(pseudo_sum(&p->ip, l4len), l4, l4len));
			put16(l4 + 6, c ? c : 0xffff); /* RFC 768: 0 means none */
		}
		break;
	case IPPROTO_TCP_: {
		const struct tcp_hdr *th = &p->l4.tcp;
		put16(l4, th->sport);
		put16(l4 + 2, th->dport);
		put32(l4 + 4, th->seq);
		put32(l4 + 8, th->ack);
		l4[12] = (uint8_t)((hlen / 4) << 4);
		l4[13] = th->flags;
		put16(l4 + 14, th->win);
		write_tcp_opts(th, l4 + TCP_HDR_LEN);
		put16(l4 + 16, csum_fold(csum_add(pseudo_sum(&p->ip, l4len), l4, l4len)));
		break;
	}
	case IPPROTO_ICMP_: {
		const struct icmp_hdr *ic = &p->l4.icmp;
		l4[0] = ic->type;
		l4[1] = ic->code;
		if (ic->type == ICMP_ECHO || ic->type == ICMP_ECHO_REPLY) {
			put16(l4 + 4, ic->id);
			put16(l4 + 6, ic->seq);
		} else if (p->payload_len >= IP_HDR_LEN + 8) {
			/* RFC 792: the original IP header and 64 bits of its data */
			write_ip(&ic->q_ip, pay);
			put16(pay + IP_HDR_LEN, ic->q_sport);
			put16(pay + IP_HDR_LEN + 2, ic->q_dport);
			if (ic->q_ip.proto == IPPROTO_TCP_)
				put32(pay + IP_HDR_LEN + 4, ic->q_seq);
			else if (ic->q_ip.proto == IPPROTO_UDP_)
				put16(pay + IP_HDR_LEN + 4, (uint16_t)(ic->q_ip.tot_len - IP_HDR_LEN));
		}
		put16(l4 + 2, csum_fold(csum_add(0, l4, l4len)));
		break;
	}
	default:
		break;
	}
	memcpy(out, b, len < cap ? len : cap);
	free(b);
	return len;
}

/* ---- addresses ---- */

char *ipv4_fmt(char *buf, uint32_t a)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

/* Strict dotted quad: four decimal numbers 0..255 of at most three digits,
 * no signs or spaces; "/len" (0..32) only where plen is given. */
int ipv4_parse(const char *s, uint32_t *addr, int *plen)
{
	uint32_t a = 0;
	const char *p = s;
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255)
			return -1;
		a = a << 8 | v;
		if (i < 3 && *p++ != '.')
			return -1;
	}
	int len = 32;
	if (*p == '/') {
		if (!plen)
			return -1;
		p++;
		int digits = 0;
		len = 0;
		while (*p >= '0' && *p <= '9' && digits < 3) {
			len = len * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || len > 32)
			return -1;
	}
	if (*p)
		return -1;
	*addr = a;
	if (plen)
		*plen = len;
	return 0;
}
