/* Fuzz test of the DNS decoder (models/dns/dns_msg.c): 10^6 messages,
 * random bytes and mutations of valid messages (bit flips, bytes set to
 * the values parsers trip on, truncations, splices of two messages,
 * inserted and deleted bytes, edited counts), through dns_decode.  Run
 * under ASan+UBSan in the san build, any read out of bounds is a crash.
 * What decodes is encoded again (with and without a size limit) and must
 * decode again to the same bytes: the encoder never writes what the
 * decoder rejects.  The generator is a fixed-seed xorshift64*, so every
 * run tests the same messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/dns/dns_msg.h"

#define ROUNDS 1000000

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ull;
}
static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* ---- the seed corpus: valid messages of every shape ---- */

#define NSEEDS 6
static uint8_t seed[NSEEDS][4096];
static size_t seed_len[NSEEDS];

static void add(struct dns_msg *m, enum dns_section s, const char *owner, uint16_t type,
		const char *rdata)
{
	struct dns_rr rr;
	dns_rr_init(&rr);
	dns_name_from_str(&rr.name, owner);
	rr.type = type;
	rr.ttl = 300;
	char err[128];
	if (dns_rr_parse(&rr, rdata, NULL, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	dns_msg_add(m, s, &rr);
	dns_rr_clear(&rr);
}

static void make_seeds(void)
{
	struct dns_msg m;
	struct dns_name q;
	for (int i = 0; i < NSEEDS; i++) {
		dns_name_from_str(&q, i % 2 ? "www.example.test" : "a.b.c.example.test");
		dns_msg_query(&m, (uint16_t)(i * 4099), &q, i == 5 ? DNS_T_MX : DNS_T_A, true,
			      i % 3 ? 1232 : 0);
		if (i >= 1) {
			m.qr = m.aa = true;
			add(&m, DNS_SEC_AN, "www.example.test", DNS_T_CNAME, "web.example.test");
			add(&m, DNS_SEC_AN, "web.example.test", DNS_T_A, "10.0.0.5");
			add(&m, DNS_SEC_AN, "web.example.test", DNS_T_A, "10.0.0.6");
		}
		if (i >= 2) {
			add(&m, DNS_SEC_NS, "example.test", DNS_T_SOA,
			    "ns1.example.test host.example.test 1 7200 3600 1209600 60");
			add(&m, DNS_SEC_NS, "example.test", DNS_T_NS, "ns1.example.test");
			add(&m, DNS_SEC_AR, "ns1.example.test", DNS_T_AAAA, "2001:db8::53");
		}
		if (i >= 3) {
			add(&m, DNS_SEC_AN, "example.test", DNS_T_MX, "10 mail.example.test");
			add(&m, DNS_SEC_AN, "example.test", DNS_T_TXT, "hello \"world\"");
			add(&m, DNS_SEC_AR, "_x._tcp.example.test", DNS_T_SRV, "1 2 3 t.example.test");
		}
		if (i == 4) {
			static const uint8_t opt[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
			m.edns_opts = malloc(sizeof(opt));
			memcpy(m.edns_opts, opt, sizeof(opt));
			m.edns_opts_len = sizeof(opt);
		}
		int len = dns_encode(&m, seed[i], sizeof(seed[i]));
		assert_true(len > 0);
		seed_len[i] = (size_t)len;
		dns_msg_free(&m);
		struct dns_msg d;
		assert_int_equal(dns_decode(&d, seed[i], seed_len[i]), DNS_OK);
		dns_msg_free(&d);
	}
}

/* ---- mutations ---- */

static const uint8_t interesting[] = { 0x00, 0x01, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xc1,
				       0xff, 0x0c, 0x29, 0x06 };

static size_t mutate(uint8_t *b, size_t len, size_t cap)
{
	int steps = 1 + (int)below(4);
	for (int s = 0; s < steps; s++) {
		switch (below(8)) {
		case 0: /* bit flip */
			if (len)
				b[below((uint32_t)len)] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* an interesting byte */
			if (len)
				b[below((uint32_t)len)] = interesting[below(sizeof(interesting))];
			break;
		case 2: /* truncate */
			len = below((uint32_t)len + 1);
			break;
		case 3: { /* splice: our prefix, another seed's suffix */
			int o = (int)below(NSEEDS);
			size_t cut = below((uint32_t)len + 1), from = below((uint32_t)seed_len[o]);
			size_t n = seed_len[o] - from;
			if (cut + n > cap)
				n = cap - cut;
			memcpy(b + cut, seed[o] + from, n);
			len = cut + n;
			break;
		}
		case 4: /* insert a random byte */
			if (len < cap) {
				size_t at = below((uint32_t)len + 1);
				memmove(b + at + 1, b + at, len - at);
				b[at] = (uint8_t)rnd();
				len++;
			}
			break;
		case 5: /* delete a byte */
			if (len) {
				size_t at = below((uint32_t)len);
				memmove(b + at, b + at + 1, len - at - 1);
				len--;
			}
			break;
		case 6: /* edit a count */
			if (len >= 12)
				b[5 + 2 * below(4)] = (uint8_t)below(8);
			break;
		case 7: /* a compression pointer somewhere */
			if (len >= 2) {
				size_t at = below((uint32_t)len - 1);
				b[at] = (uint8_t)(0xc0 | below(2));
				b[at + 1] = (uint8_t)below((uint32_t)len + 8);
			}
			break;
		}
	}
	return len;
}

static void test_fuzz(void **state)
{
	(void)state;
	make_seeds();
	static uint8_t b[8192], e1[DNS_MSG_MAX], e2[DNS_MSG_MAX];
	long ok = 0, formerr = 0, shortm = 0, reenc = 0, trunc = 0;
	for (long i = 0; i < ROUNDS; i++) {
		size_t len;
		if (i % 8 == 0) { /* random bytes, some with a plausible header */
			len = below(600);
			for (size_t k = 0; k < len; k++)
				b[k] = (uint8_t)rnd();
			if (len >= 12 && (i & 8)) {
				b[4] = 0;
				b[5] = (uint8_t)below(2);
				for (int c = 6; c < 12; c += 2) {
					b[c] = 0;
					b[c + 1] = (uint8_t)below(4);
				}
			}
		} else {
			int s = (int)below(NSEEDS);
			memcpy(b, seed[s], seed_len[s]);
			len = mutate(b, seed_len[s], sizeof(b));
		}
		struct dns_msg m;
		int rc = dns_decode(&m, b, len);
		if (rc == DNS_OK) {
			ok++;
			/* what decodes encodes, and decodes again to the same bytes */
			int l1 = dns_encode(&m, e1, DNS_MSG_MAX);
			if (l1 > 0) {
				reenc++;
				struct dns_msg d;
				if (dns_decode(&d, e1, (size_t)l1) != DNS_OK)
					fail_msg("re-encoded message %ld does not decode", i);
				int l2 = dns_encode(&d, e2, DNS_MSG_MAX);
				if (l2 != l1 || memcmp(e1, e2, (size_t)l1) != 0)
					fail_msg("message %ld: encoding is not stable", i);
				dns_msg_free(&d);
				/* and a truncated encoding is a valid message too */
				int l3 = dns_encode(&m, e2, 12 + below(200));
				if (l3 > 0) {
					trunc += dns_wire_tc(e2);
					if (dns_decode(&d, e2, (size_t)l3) != DNS_OK)
						fail_msg("truncated message %ld does not decode", i);
					dns_msg_free(&d);
				}
			}
		} else if (rc == DNS_E_FORMERR) {
			formerr++;
		} else {
			assert_int_equal(rc, DNS_E_SHORT);
			assert_true(len < 12);
			shortm++;
		}
		dns_msg_free(&m);
	}
	printf("fuzz: %d messages: %ld decoded (%ld re-encoded, %ld truncated with TC), "
	       "%ld FORMERR, %ld short\n", ROUNDS, ok, reenc, trunc, formerr, shortm);
	/* the mutations reach both outcomes in numbers */
	assert_true(ok > ROUNDS / 100);
	assert_true(formerr > ROUNDS / 10);
	assert_true(trunc > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
