/* Unit tests of sim/packet.c: wire serialisation (what pcap files hold) of
 * UDP, TCP and ICMP packets against byte arrays built by hand from RFC 791
 * (IPv4 header), RFC 768 (UDP), RFC 9293 §3.1 (TCP header), RFC 6691 / 7323
 * / 2018 (MSS, window scale, timestamps, SACK options) and RFC 792 (ICMP);
 * checksums are recomputed here with an independent RFC 1071 sum over the
 * pseudo-header, which must come to 0xffff with the checksum included.
 * Then option lengths, the packet pool's counts, and payload buffer
 * reference counting through pkt_clone (ASan reports any leak or double
 * free). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/packet.h"
#include "sim/sim.h"

#define A(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* RFC 1071 §4.1: the 16-bit one's complement sum, carries folded back in,
 * an odd last byte padded with zero on the right.  Not complemented. */
static uint16_t ones_sum(const uint8_t *b, size_t n, uint32_t start)
{
	uint64_t sum = start;
	for (size_t i = 0; i < n; i++)
		sum += i % 2 == 0 ? (uint32_t)b[i] << 8 : b[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The IPv4 header sums to 0xffff over its 20 bytes, checksum included;
 * the transport segment does too once the pseudo-header (RFC 768, RFC 9293
 * §3.1: source, destination, zero, protocol, segment length) is added. */
static void verify_checksums(const uint8_t *w, size_t len)
{
	assert_true(len >= 20);
	assert_int_equal(ones_sum(w, 20, 0), 0xffff);
	size_t l4len = len - 20;
	uint8_t proto = w[9];
	if (proto == 1) { /* ICMP: no pseudo-header */
		assert_int_equal(ones_sum(w + 20, l4len, 0), 0xffff);
		return;
	}
	uint8_t ph[12];
	memcpy(ph, w + 12, 8);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (uint8_t)(l4len >> 8);
	ph[11] = (uint8_t)l4len;
	uint16_t p = ones_sum(ph, sizeof(ph), 0);
	assert_int_equal(ones_sum(w + 20, l4len, p), 0xffff);
}

static void expect_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s: byte %zu is %02x, expected %02x", what, i, got[i], want[i]);
}

static int setup_sim(void **state)
{
	*state = sim_new(1);
	return *state ? 0 : -1;
}

static int teardown_sim(void **state)
{
	struct sim *s = *state;
	/* every test returns what it allocated */
	assert_int_equal(pkt_pool_in_use(s->pkts), 0);
	sim_free(s);
	return 0;
}

/* ---- UDP ---- */

/* The IPv4 header of Wikipedia's checksum example ("IPv4 header checksum",
 * https://en.wikipedia.org/wiki/Internet_checksum#Calculating_the_IPv4_header_checksum):
 * 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 — a 115-byte UDP
 * datagram with DF, TTL 64, checksum 0xb861.  Here its payload is 87 zero
 * bytes (bulk data); the UDP checksum, by hand: pseudo-header c0a8+0001+
 * c0a8+00c7+0011+005f, header 8000+1389+005f: sum 0x2_1670 -> 0x1672,
 * complement 0xe98d. */
static void test_udp_wikipedia(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(192, 168, 0, 1);
	p->ip.dst = A(192, 168, 0, 199);
	p->ip.proto = IPPROTO_UDP_;
	p->ip.ttl = 64;
	p->ip.id = 0;
	p->ip.df = true;
	p->l4.udp.sport = 0x8000;
	p->l4.udp.dport = 0x1389;
	p->payload_len = 87;
	pkt_set_len(p);
	assert_int_equal(p->ip.tot_len, 0x73);
	assert_int_equal(pkt_l4_hdr_len(p), 8);
	uint8_t w[256];
	memset(w, 0xaa, sizeof(w));
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 115);
	static const uint8_t want[28] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
		0x80, 0x00, 0x13, 0x89, 0x00, 0x5f, 0xe9, 0x8d,
	};
	expect_bytes(w, want, sizeof(want), "udp (wikipedia header)");
	for (size_t i = 28; i < 115; i++)
		assert_int_equal(w[i], 0); /* bulk payload reads as zeros */
	assert_int_equal(w[115], 0xaa); /* nothing written past the packet */
	verify_checksums(w, 115);
	pkt_free(s, p);
}

/* A datagram with real payload bytes ("wire") from a refcounted buffer,
 * taken from an offset.  Checksums by hand:
 * IP: 4500+0020+1234+4000+4011+0a00+0101+0a00+0202 = 0xee68 -> 0x1197.
 * UDP: pseudo 0a00+0101+0a00+0202+0011+000c = 0x1720, header
 * 8000+1389+000c = 0x9395, data 7769+7265 = 0xe9ce; total 0x1_9483 ->
 * 0x9484, complement 0x6b7b. */
static void test_udp_payload(void **state)
{
	struct sim *s = *state;
	struct pbuf *b = pbuf_new("xxwire", 6);
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(10, 0, 1, 1);
	p->ip.dst = A(10, 0, 2, 2);
	p->ip.proto = IPPROTO_UDP_;
	p->ip.ttl = 64;
	p->ip.id = 0x1234;
	p->ip.df = true;
	p->l4.udp.sport = 32768;
	p->l4.udp.dport = 5001;
	p->payload = b; /* the packet takes the reference */
	p->payload_off = 2;
	p->payload_len = 4;
	pkt_set_len(p);
	uint8_t w[64];
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 32);
	static const uint8_t want[32] = {
		0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x11, 0x97,
		0x0a, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x02, 0x02,
		0x80, 0x00, 0x13, 0x89, 0x00, 0x0c, 0x6b, 0x7b,
		'w', 'i', 'r', 'e',
	};
	expect_bytes(w, want, sizeof(want), "udp with payload");
	verify_checksums(w, 32);
	pkt_free(s, p);
}

/* Odd length (3 payload bytes: RFC 1071 pads the last byte), TOS with
 * DSCP and ECN bits, no DF, TTL 3. */
static void test_udp_odd_length(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(10, 0, 1, 1);
	p->ip.dst = A(10, 0, 2, 2);
	p->ip.proto = IPPROTO_UDP_;
	p->ip.ttl = 3;
	p->ip.id = 0x1235;
	p->ip.tos = 0xb9; /* DSCP 46 (EF) << 2 | ECT(1) */
	p->ip.df = false;
	p->l4.udp.sport = 32768;
	p->l4.udp.dport = 5001;
	p->payload = pbuf_new("abc", 3);
	p->payload_len = 3;
	pkt_set_len(p);
	uint8_t w[64];
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 31);
	/* checksums: IP 0x8dde, UDP 0x90e9 (by RFC 1071, as above) */
	static const uint8_t want[31] = {
		0x45, 0xb9, 0x00, 0x1f, 0x12, 0x35, 0x00, 0x00, 0x03, 0x11, 0x8d, 0xde,
		0x0a, 0x00, 0x01, 0x01, 0x0a, 0x00, 0x02, 0x02,
		0x80, 0x00, 0x13, 0x89, 0x00, 0x0b, 0x90, 0xe9, 'a', 'b', 'c',
	};
	expect_bytes(w, want, sizeof(want), "udp odd length");
	verify_checksums(w, 31);
	/* a short buffer gets the first bytes only; the length is still whole */
	uint8_t shortbuf[10];
	assert_int_equal(pkt_serialize(p, shortbuf, sizeof(shortbuf)), 31);
	expect_bytes(shortbuf, want, sizeof(shortbuf), "udp truncated");
	pkt_free(s, p);
}

/* ---- TCP ---- */

/* A SYN as Linux sends it: MSS 1460, SACK-permitted, timestamps, window
 * scale 7, laid out as Linux lays them (tcp_options_write):
 *   02 04 05 b4            MSS (RFC 6691)
 *   04 02 08 0a <tsval> <tsecr>   SACK-permitted (RFC 2018) + TS (RFC 7323)
 *   01 03 03 07            NOP, window scale 7 (RFC 7323 §2.2)
 * 20 option bytes: data offset 10 words (0xa0).  IP checksum by hand:
 * 4500+003c+4000+4006+c0a8+0001+c0a8+0002 = 0x2_4695 -> 0x4697 ->
 * 0xb968.  TCP checksum 0xe6be (RFC 1071 over pseudo-header + segment). */
static void test_tcp_syn(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(192, 168, 0, 1);
	p->ip.dst = A(192, 168, 0, 2);
	p->ip.proto = IPPROTO_TCP_;
	p->ip.ttl = 64;
	p->ip.id = 0;
	p->ip.df = true;
	struct tcp_hdr *t = &p->l4.tcp;
	t->sport = 40000;
	t->dport = 80;
	t->seq = 0x01020304;
	t->ack = 0;
	t->flags = TH_SYN;
	t->win = 64240;
	t->opts = TCPOPT_F_MSS | TCPOPT_F_SACK_OK | TCPOPT_F_TS | TCPOPT_F_WSCALE;
	t->mss = 1460;
	t->wscale = 7;
	t->tsval = 0x11223344;
	t->tsecr = 0;
	pkt_set_len(p);
	assert_int_equal(pkt_l4_hdr_len(p), 40);
	assert_int_equal(p->ip.tot_len, 60);
	uint8_t w[128];
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 60);
	static const uint8_t want[60] = {
		0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xb9, 0x68,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0x02,
		0x9c, 0x40, 0x00, 0x50,             /* ports 40000, 80 */
		0x01, 0x02, 0x03, 0x04,             /* seq */
		0x00, 0x00, 0x00, 0x00,             /* ack */
		0xa0, 0x02, 0xfa, 0xf0,             /* offset 10, SYN, window 64240 */
		0xe6, 0xbe, 0x00, 0x00,             /* checksum, urgent pointer */
		0x02, 0x04, 0x05, 0xb4,
		0x04, 0x02, 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x03, 0x03, 0x07,
	};
	expect_bytes(w, want, sizeof(want), "tcp syn");
	verify_checksums(w, 60);
	pkt_free(s, p);
}

/* An ACK with timestamps and two SACK blocks (RFC 2018 §3: kind 5, length
 * 2 + 8n) and 100 bytes of bulk data:
 *   01 01 08 0a <tsval> <tsecr>   NOP NOP TS
 *   01 01 05 12 <4 x 32-bit edges> NOP NOP SACK
 * 32 option bytes, data offset 13 (0xd0).  Checksums: IP 0xb9f1, TCP
 * 0xf24f. */
static void test_tcp_sack(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(192, 168, 0, 2);
	p->ip.dst = A(192, 168, 0, 1);
	p->ip.proto = IPPROTO_TCP_;
	p->ip.ttl = 63;
	p->ip.id = 7;
	p->ip.df = true;
	struct tcp_hdr *t = &p->l4.tcp;
	t->sport = 80;
	t->dport = 40000;
	t->seq = 5000;
	t->ack = 6000;
	t->flags = TH_ACK;
	t->win = 502;
	t->opts = TCPOPT_F_TS;
	t->tsval = 0xaabbccdd;
	t->tsecr = 0x11223344;
	t->nsack = 2;
	t->sack[0] = (struct sack_block){ 1000, 2000 };
	t->sack[1] = (struct sack_block){ 3000, 4000 };
	p->payload_len = 100;
	pkt_set_len(p);
	assert_int_equal(pkt_l4_hdr_len(p), 52);
	assert_int_equal(p->ip.tot_len, 172);
	uint8_t w[256];
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 172);
	static const uint8_t want[72] = {
		0x45, 0x00, 0x00, 0xac, 0x00, 0x07, 0x40, 0x00, 0x3f, 0x06, 0xb9, 0xf1,
		0xc0, 0xa8, 0x00, 0x02, 0xc0, 0xa8, 0x00, 0x01,
		0x00, 0x50, 0x9c, 0x40,
		0x00, 0x00, 0x13, 0x88,             /* seq 5000 */
		0x00, 0x00, 0x17, 0x70,             /* ack 6000 */
		0xd0, 0x10, 0x01, 0xf6,             /* offset 13, ACK, window 502 */
		0xf2, 0x4f, 0x00, 0x00,
		0x01, 0x01, 0x08, 0x0a, 0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44,
		0x01, 0x01, 0x05, 0x12,
		0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,
		0x00, 0x00, 0x0b, 0xb8, 0x00, 0x00, 0x0f, 0xa0,
	};
	expect_bytes(w, want, sizeof(want), "tcp sack");
	for (size_t i = 72; i < 172; i++)
		assert_int_equal(w[i], 0);
	verify_checksums(w, 172);
	pkt_free(s, p);
}

/* Option lengths by hand (each a multiple of 4: the header counts words).
 * NOP padding as Linux: MSS 4; SACK-permitted alone NOP NOP 4 2 = 4;
 * timestamps NOP NOP 8 10 = 12, or with SACK-permitted 4 2 8 10 = 12;
 * window scale NOP 3 3 s = 4; SACK blocks NOP NOP 5 len = 4 + 8n. */
static void test_tcp_opts_len(void **state)
{
	(void)state;
	static const struct {
		uint8_t opts, nsack;
		uint32_t len;
	} cases[] = {
		{ 0, 0, 0 },
		{ TCPOPT_F_MSS, 0, 4 },
		{ TCPOPT_F_SACK_OK, 0, 4 },
		{ TCPOPT_F_TS, 0, 12 },
		{ TCPOPT_F_WSCALE, 0, 4 },
		{ TCPOPT_F_MSS | TCPOPT_F_SACK_OK, 0, 8 },
		{ TCPOPT_F_MSS | TCPOPT_F_TS, 0, 16 },
		{ TCPOPT_F_MSS | TCPOPT_F_WSCALE, 0, 8 },
		{ TCPOPT_F_SACK_OK | TCPOPT_F_TS, 0, 12 },
		{ TCPOPT_F_MSS | TCPOPT_F_SACK_OK | TCPOPT_F_WSCALE, 0, 12 },
		{ TCPOPT_F_MSS | TCPOPT_F_SACK_OK | TCPOPT_F_TS | TCPOPT_F_WSCALE, 0, 20 },
		{ TCPOPT_F_MSS | TCPOPT_F_TS | TCPOPT_F_WSCALE, 0, 20 },
		{ 0, 1, 12 },
		{ 0, 4, 36 },
		{ TCPOPT_F_TS, 1, 24 },
		{ TCPOPT_F_TS, 3, 40 },            /* the 40-byte maximum */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcp_hdr th = { .opts = cases[i].opts, .nsack = cases[i].nsack };
		uint32_t got = tcp_opts_len(&th);
		if (got != cases[i].len)
			fail_msg("tcp_opts_len(opts=%#x, nsack=%u) = %u, expected %u", cases[i].opts,
				 cases[i].nsack, got, cases[i].len);
		assert_int_equal(got % 4, 0);
	}
}

/* Every option combination serialises to exactly tcp_opts_len bytes and
 * valid checksums, and the data offset matches. */
static void test_tcp_opts_serialised(void **state)
{
	struct sim *s = *state;
	for (unsigned opts = 0; opts < 16; opts++)
		for (unsigned nsack = 0; nsack <= 3; nsack++) {
			struct packet *p = pkt_alloc(s);
			p->ip.src = A(1, 2, 3, 4);
			p->ip.dst = A(5, 6, 7, 8);
			p->ip.proto = IPPROTO_TCP_;
			p->l4.tcp.opts = (uint8_t)opts;
			p->l4.tcp.nsack = (uint8_t)nsack;
			p->l4.tcp.mss = 1400;
			p->l4.tcp.wscale = 14;
			p->l4.tcp.tsval = 0xdeadbeef;
			for (unsigned k = 0; k < nsack; k++)
				p->l4.tcp.sack[k] = (struct sack_block){ 100u * k, 100u * k + 50 };
			p->payload_len = 11;
			pkt_set_len(p);
			uint32_t olen = tcp_opts_len(&p->l4.tcp);
			if (olen > 40) { /* more than a TCP header can carry */
				pkt_free(s, p);
				continue;
			}
			uint8_t w[256];
			size_t n = pkt_serialize(p, w, sizeof(w));
			assert_int_equal(n, 20 + 20 + olen + 11);
			assert_int_equal(w[20 + 12] >> 4, (20 + olen) / 4);
			verify_checksums(w, n);
			pkt_free(s, p);
		}
}

/* ---- ICMP ---- */

/* Echo request, id 0x1a2b, seq 1, 56 zero bytes (ping's default size):
 * checksum by hand 0800+1a2b+0001 = 0x222c -> 0xddd3. */
static void test_icmp_echo(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(10, 0, 0, 1);
	p->ip.dst = A(10, 0, 0, 2);
	p->ip.proto = IPPROTO_ICMP_;
	p->l4.icmp.type = ICMP_ECHO;
	p->l4.icmp.code = 0;
	p->l4.icmp.id = 0x1a2b;
	p->l4.icmp.seq = 1;
	p->payload_len = 56;
	pkt_set_len(p);
	assert_int_equal(p->ip.tot_len, 84);
	uint8_t w[128];
	assert_int_equal(pkt_serialize(p, w, sizeof(w)), 84);
	static const uint8_t want[8] = { 0x08, 0x00, 0xdd, 0xd3, 0x1a, 0x2b, 0x00, 0x01 };
	expect_bytes(w + 20, want, sizeof(want), "icmp echo");
	verify_checksums(w, 84);
	pkt_free(s, p);
}

/* ---- the pool ---- */

static void test_pool_counts(void **state)
{
	struct sim *s = *state;
	assert_int_equal(pkt_pool_in_use(s->pkts), 0);
	s->now = 12345; /* created_ns comes from the clock */
	struct packet *a = pkt_alloc(s), *b = pkt_alloc(s), *c = pkt_alloc(s);
	assert_int_equal(pkt_pool_in_use(s->pkts), 3);
	assert_int_equal(pkt_pool_peak(s->pkts), 3);
	assert_true(a != b && b != c && a != c);
	assert_true(a->uid < b->uid && b->uid < c->uid);
	assert_int_equal(a->created_ns, 12345);
	assert_int_equal(a->ip.ttl, 64); /* the default TTL (RFC 1700, Linux) */
	assert_null(a->payload);
	assert_int_equal(a->payload_len, 0);
	pkt_free(s, b);
	assert_int_equal(pkt_pool_in_use(s->pkts), 2);
	assert_int_equal(pkt_pool_peak(s->pkts), 3);
	/* a recycled packet comes back zeroed, with a fresh uid */
	b = pkt_alloc(s);
	assert_true(b->uid > c->uid);
	assert_int_equal(b->payload_len, 0);
	assert_int_equal(b->ip.src, 0);
	pkt_free(s, a);
	pkt_free(s, b);
	pkt_free(s, c);
	assert_int_equal(pkt_pool_in_use(s->pkts), 0);
}

/* Past one chunk (1024 packets): every packet distinct and writable. */
static void test_pool_many(void **state)
{
	struct sim *s = *state;
	enum { N = 3000 };
	struct packet **v = malloc(N * sizeof(*v));
	assert_non_null(v);
	for (int i = 0; i < N; i++) {
		v[i] = pkt_alloc(s);
		v[i]->ip.id = (uint16_t)i;
	}
	assert_int_equal(pkt_pool_in_use(s->pkts), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(v[i]->ip.id, (uint16_t)i);
	for (int i = 0; i < N; i += 2)
		pkt_free(s, v[i]);
	assert_int_equal(pkt_pool_in_use(s->pkts), N / 2);
	for (int i = 0; i < N; i += 2)
		v[i] = pkt_alloc(s);
	assert_int_equal(pkt_pool_peak(s->pkts), N); /* reused, not grown */
	for (int i = 0; i < N; i++)
		pkt_free(s, v[i]);
	free(v);
}

static void test_clone_shares_payload(void **state)
{
	struct sim *s = *state;
	struct packet *p = pkt_alloc(s);
	p->ip.src = A(1, 1, 1, 1);
	p->ip.proto = IPPROTO_UDP_;
	p->l4.udp.dport = 53;
	p->payload = pbuf_new("query", 5);
	p->payload_len = 5;
	struct packet *c = pkt_clone(s, p);
	assert_int_equal(pkt_pool_in_use(s->pkts), 2);
	assert_ptr_not_equal(c, p);
	assert_true(c->uid != p->uid);
	assert_null(c->next);
	assert_int_equal(c->ip.src, A(1, 1, 1, 1));
	assert_int_equal(c->l4.udp.dport, 53);
	assert_ptr_equal(c->payload, p->payload);
	assert_int_equal(p->payload->refs, 2);
	/* the original goes; the clone's bytes stay readable (ASan would
	 * report a use after free if the buffer had been freed) */
	pkt_free(s, p);
	assert_int_equal(c->payload->refs, 1);
	assert_memory_equal(c->payload->data, "query", 5);
	struct packet *cc = pkt_clone(s, c);
	assert_int_equal(cc->payload->refs, 2);
	pkt_free(s, c);
	pkt_free(s, cc); /* last reference: freed now, or LeakSanitizer says so */
	/* a packet without payload clones without one */
	p = pkt_alloc(s);
	c = pkt_clone(s, p);
	assert_null(c->payload);
	pkt_free(s, p);
	pkt_free(s, c);
}

static void test_pbuf(void **state)
{
	(void)state;
	struct pbuf *z = pbuf_new(NULL, 16);
	assert_int_equal(z->refs, 1);
	assert_int_equal(z->len, 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(z->data[i], 0);
	assert_ptr_equal(pbuf_ref(z), z);
	assert_int_equal(z->refs, 2);
	pbuf_unref(z);
	assert_int_equal(z->refs, 1);
	pbuf_unref(z);
	pbuf_unref(NULL); /* allowed, like free(NULL) */
}

/* Packets still in use when the simulation ends are freed with the pool,
 * payload buffers included: LeakSanitizer checks. */
static void test_pool_free_in_flight(void **state)
{
	(void)state;
	struct sim *s = sim_new(2);
	struct pbuf *b = pbuf_new("shared", 6);
	for (int i = 0; i < 5; i++) {
		struct packet *p = pkt_alloc(s);
		p->payload = pbuf_ref(b);
		p->payload_len = 6;
	}
	pbuf_unref(b); /* the packets hold the only references now */
	assert_int_equal(pkt_pool_in_use(s->pkts), 5);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_wikipedia, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_udp_payload, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_udp_odd_length, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_tcp_syn, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_tcp_sack, setup_sim, teardown_sim),
		cmocka_unit_test(test_tcp_opts_len),
		cmocka_unit_test_setup_teardown(test_tcp_opts_serialised, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_icmp_echo, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_pool_counts, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_pool_many, setup_sim, teardown_sim),
		cmocka_unit_test_setup_teardown(test_clone_shares_payload, setup_sim, teardown_sim),
		cmocka_unit_test(test_pbuf),
		cmocka_unit_test(test_pool_free_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
