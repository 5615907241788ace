/* Unit tests of the DNS message codec (models/dns/dns_msg.c, dns_rr.c,
 * dns_name.c, dns_wire.c): names in text and wire form, the compression
 * example of RFC 1035 §4.1.4 checked byte by byte, round trips of every
 * typed record and EDNS(0) (RFC 6891 §6.1.2 layout), truncation with TC
 * (RFC 2181 §9), and malformed messages that must be FORMERR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/dns/dns_msg.h"

static struct dns_name N(const char *s)
{
	struct dns_name n;
	if (dns_name_from_str(&n, s) != 0)
		fail_msg("bad name %s", s);
	return n;
}

static struct dns_rr RR(const char *owner, uint16_t type, uint32_t ttl, const char *rdata)
{
	struct dns_rr rr;
	dns_rr_init(&rr);
	rr.name = N(owner);
	rr.type = type;
	rr.ttl = ttl;
	char err[256];
	if (dns_rr_parse(&rr, rdata, NULL, err, sizeof(err)) != 0)
		fail_msg("parse %s: %s", rdata, err);
	return rr;
}

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	struct dns_name n;
	char buf[DNS_NAME_STRLEN];
	assert_int_equal(dns_name_from_str(&n, "www.Example.test"), 0);
	/* 3 www 7 Example 4 test 0: 1+3+1+7+1+4+1 = 18 bytes */
	assert_int_equal(n.len, 18);
	assert_memory_equal(n.b, "\3www\7Example\4test\0", 18);
	assert_string_equal(dns_name_to_str(buf, sizeof(buf), &n), "www.Example.test");
	struct dns_name m = N("WWW.example.TEST.");
	assert_true(dns_name_eq(&n, &m));
	assert_true(dns_name_is_sub(&n, &m));
	struct dns_name z = N("example.test"), z2 = N("ample.test"), root = N(".");
	assert_true(dns_name_is_sub(&n, &z));
	assert_false(dns_name_is_sub(&n, &z2)); /* not at a label boundary */
	assert_false(dns_name_is_sub(&z, &n));
	assert_true(dns_name_is_sub(&n, &root));
	assert_int_equal(dns_name_labels(&n), 3);
	assert_int_equal(dns_name_labels(&root), 0);
	assert_true(dns_name_parent(&n));
	assert_true(dns_name_eq(&n, &z));
	assert_true(dns_name_parent(&n));
	assert_true(dns_name_parent(&n));
	assert_true(dns_name_eq(&n, &root));
	assert_false(dns_name_parent(&n));
	assert_string_equal(dns_name_to_str(buf, sizeof(buf), &root), ".");
	/* escapes, RFC 1035 §5.1 */
	assert_int_equal(dns_name_from_str(&n, "a\\.b.c\\032d"), 0);
	assert_int_equal(n.len, 9);
	assert_memory_equal(n.b, "\3a.b\3c d", 9);
	assert_string_equal(dns_name_to_str(buf, sizeof(buf), &n), "a\\.b.c\\032d");
	/* errors: empty labels, 64-byte label, names over 255 bytes */
	assert_int_equal(dns_name_from_str(&n, "a..b"), -1);
	assert_int_equal(dns_name_from_str(&n, ".a"), -1);
	assert_int_equal(dns_name_from_str(&n, "a\\2"), -1);
	char lab[80];
	memset(lab, 'x', 63);
	lab[63] = '\0';
	assert_int_equal(dns_name_from_str(&n, lab), 0);
	lab[63] = 'x';
	lab[64] = '\0';
	assert_int_equal(dns_name_from_str(&n, lab), -1);
	/* 4 labels of 63 make 4*64 + 1 = 257 bytes; 3 of 63 and one of 61
	 * make 3*64 + 62 + 1 = 255, the largest name */
	char big[300];
	snprintf(big, sizeof(big), "%.63s.%.63s.%.63s.%.61s", lab, lab, lab, lab);
	memset(big, 'x', strlen(big));
	big[63] = big[127] = big[191] = '.';
	assert_int_equal(dns_name_from_str(&n, big), 0);
	assert_int_equal(n.len, 255);
	snprintf(big, sizeof(big), "%.63s.%.63s.%.63s.%.62s", lab, lab, lab, lab);
	memset(big, 'x', strlen(big));
	big[63] = big[127] = big[191] = '.';
	assert_int_equal(dns_name_from_str(&n, big), -1);
	/* join: relative below an origin, @, absolute with a trailing dot */
	assert_int_equal(dns_name_join(&n, "www", &z), 0);
	assert_string_equal(dns_name_to_str(buf, sizeof(buf), &n), "www.example.test");
	assert_int_equal(dns_name_join(&n, "@", &z), 0);
	assert_true(dns_name_eq(&n, &z));
	assert_int_equal(dns_name_join(&n, "ns.other.", &z), 0);
	assert_string_equal(dns_name_to_str(buf, sizeof(buf), &n), "ns.other");
	struct dns_name zu = N("EXAMPLE.test");
	assert_int_equal(dns_name_hash(&z), dns_name_hash(&zu));
}

static void test_types(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(dns_type_from_str("A"), 1);
	assert_int_equal(dns_type_from_str("aaaa"), 28);
	assert_int_equal(dns_type_from_str("SRV"), 33);
	assert_int_equal(dns_type_from_str("TYPE65280"), 65280);
	assert_int_equal(dns_type_from_str("TYPE65536"), -1);
	assert_int_equal(dns_type_from_str("BOGUS"), -1);
	assert_string_equal(dns_type_str(buf, sizeof(buf), 15), "MX");
	assert_string_equal(dns_type_str(buf, sizeof(buf), 999), "TYPE999");
	assert_string_equal(dns_rcode_name(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(16, buf, sizeof(buf)), "BADVERS");
	/* presentation parse errors name what was expected */
	struct dns_rr rr;
	char err[256];
	dns_rr_init(&rr);
	rr.type = DNS_T_A;
	assert_int_equal(dns_rr_parse(&rr, "10.0.0.300", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "IPv4"));
	assert_int_equal(dns_rr_parse(&rr, "10.0.0", NULL, err, sizeof(err)), -1);
	rr.type = DNS_T_AAAA;
	assert_int_equal(dns_rr_parse(&rr, "2001:db8::g", NULL, err, sizeof(err)), -1);
	rr.type = DNS_T_MX;
	assert_int_equal(dns_rr_parse(&rr, "70000 mail", NULL, err, sizeof(err)), -1);
	assert_int_equal(dns_rr_parse(&rr, "10", NULL, err, sizeof(err)), -1);
	rr.type = DNS_T_SOA;
	assert_int_equal(dns_rr_parse(&rr, "a b 1 2 3 4", NULL, err, sizeof(err)), -1);
	rr.type = 99;
	assert_int_equal(dns_rr_parse(&rr, "x", NULL, err, sizeof(err)), -1);
	dns_rr_clear(&rr);
}

/* ---- RFC 1035 §4.1.4: F.ISI.ARPA, FOO.F.ISI.ARPA and ARPA ----
 * The RFC puts F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA at 40 as "3 FOO"
 * and a pointer to 20, and ARPA at 64 as a pointer to 26 (20 + 1+1 + 1+3,
 * past the F and ISI labels).  Here F.ISI.ARPA is the question's name, at
 * offset 12 (right after the header), so the same layout has the
 * pointers to 12 (0xC00C) and 12 + 6 = 18 (0xC012). */
static void test_compression_rfc1035(void **state)
{
	(void)state;
	struct dns_msg m;
	struct dns_name q = N("F.ISI.ARPA");
	dns_msg_query(&m, 0x1234, &q, DNS_T_A, false, 0);
	m.qr = true;
	struct dns_rr a = RR("FOO.F.ISI.ARPA", DNS_T_A, 60, "10.0.0.1");
	struct dns_rr ns = RR("ARPA", DNS_T_NS, 60, "F.ISI.ARPA");
	dns_msg_add(&m, DNS_SEC_AN, &a);
	dns_msg_add(&m, DNS_SEC_NS, &ns);
	uint8_t buf[512];
	int len = dns_encode(&m, buf, sizeof(buf));
	static const uint8_t want[] = {
		0x12, 0x34, 0x80, 0x00, 0, 1, 0, 1, 0, 1, 0, 0, /* header: QR, 1/1/1/0 */
		/* 12: F.ISI.ARPA */
		1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0,
		0, 1, 0, 1,                                        /* A IN */
		/* 28: FOO + pointer to 12 */
		3, 'F', 'O', 'O', 0xc0, 0x0c,
		0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1,        /* A IN 60 10.0.0.1 */
		/* 48: ARPA as a pointer to 18 */
		0xc0, 0x12,
		0, 2, 0, 1, 0, 0, 0, 60, 0, 2,                     /* NS IN 60, rdlength 2 */
		0xc0, 0x0c,                                        /* F.ISI.ARPA */
	};
	assert_int_equal(len, (int)sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* and decoding it gives the names back */
	struct dns_msg d;
	assert_int_equal(dns_decode(&d, buf, (size_t)len), DNS_OK);
	assert_true(dns_name_eq(&d.rr[DNS_SEC_AN][0].name, &a.name));
	assert_true(dns_name_eq(&d.rr[DNS_SEC_NS][0].name, &ns.name));
	assert_true(dns_name_eq(&d.rr[DNS_SEC_NS][0].rd.ns, &q));
	dns_msg_free(&d);
	dns_msg_free(&m);
	dns_rr_clear(&a);
	dns_rr_clear(&ns);
}

/* ---- round trips ---- */

static void test_round_trip(void **state)
{
	(void)state;
	struct dns_msg m;
	struct dns_name q = N("example.test");
	dns_msg_query(&m, 7, &q, DNS_T_ANY, true, 1232);
	m.qr = m.aa = m.ra = m.ad = true;
	m.rcode = DNS_R_BADVERS; /* 16: 0 in the header, 1 in the OPT's extended rcode */
	m.edns_do = true;
	static const uint8_t opt[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 }; /* a COOKIE */
	m.edns_opts = malloc(sizeof(opt));
	memcpy(m.edns_opts, opt, sizeof(opt));
	m.edns_opts_len = sizeof(opt);
	struct dns_rr rrs[] = {
		RR("example.test", DNS_T_SOA, 3600, "ns1.example.test hostmaster.example.test 2024010101 7200 3600 1209600 60"),
		RR("example.test", DNS_T_NS, 3600, "ns1.example.test"),
		RR("example.test", DNS_T_MX, 300, "10 mail.example.test"),
		RR("www.example.test", DNS_T_A, 300, "10.0.0.5"),
		RR("www.example.test", DNS_T_A, 300, "10.0.0.6"),
		RR("www.example.test", DNS_T_AAAA, 300, "2001:db8::5"),
		RR("w.example.test", DNS_T_CNAME, 300, "www.example.test"),
		RR("_sip._udp.example.test", DNS_T_SRV, 300, "0 5 5060 sip.example.test"),
		RR("example.test", DNS_T_TXT, 300, "v=spf1 -all \"quoted\""),
	};
	int nrr = (int)(sizeof(rrs) / sizeof(rrs[0]));
	for (int i = 0; i < nrr; i++)
		dns_msg_add(&m, i < 6 ? DNS_SEC_AN : i < 8 ? DNS_SEC_NS : DNS_SEC_AR, &rrs[i]);
	/* an unknown type as opaque RDATA (RFC 3597) */
	struct dns_rr u;
	dns_rr_init(&u);
	u.name = N("x.example.test");
	u.type = 65280;
	u.ttl = 5;
	u.data = malloc(3);
	memcpy(u.data, "abc", 3);
	u.data_len = 3;
	dns_msg_add(&m, DNS_SEC_AR, &u);
	uint8_t b1[4096], b2[4096];
	int l1 = dns_encode(&m, b1, sizeof(b1));
	assert_true(l1 > 0);
	struct dns_msg d;
	assert_int_equal(dns_decode(&d, b1, (size_t)l1), DNS_OK);
	assert_int_equal(d.id, 7);
	assert_true(d.qr && d.aa && d.rd && d.ra && d.ad && !d.cd && !d.tc);
	assert_int_equal(d.rcode, DNS_R_BADVERS);
	assert_true(d.edns && d.edns_do);
	assert_int_equal(d.edns_udp_size, 1232);
	assert_int_equal(d.edns_opts_len, sizeof(opt));
	assert_memory_equal(d.edns_opts, opt, sizeof(opt));
	assert_int_equal(d.n[DNS_SEC_AN], 6);
	assert_int_equal(d.n[DNS_SEC_NS], 2);
	assert_int_equal(d.n[DNS_SEC_AR], 2); /* TXT and TYPE65280; OPT is not an RR here */
	for (int i = 0; i < nrr; i++) {
		int s = i < 6 ? 0 : i < 8 ? 1 : 2, k = i < 6 ? i : i < 8 ? i - 6 : i - 8;
		assert_true(dns_rr_same_data(&d.rr[s][k], &rrs[i]));
		assert_int_equal(d.rr[s][k].ttl, rrs[i].ttl);
	}
	assert_true(dns_rr_same_data(&d.rr[DNS_SEC_AR][1], &u));
	/* re-encoding what was decoded gives the same bytes */
	int l2 = dns_encode(&d, b2, sizeof(b2));
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, (size_t)l1);
	/* formats */
	char t[1024];
	assert_string_equal(dns_rr_to_str(t, sizeof(t), &rrs[3], false),
			    "www.example.test. 300 IN A 10.0.0.5");
	assert_string_equal(dns_rr_to_str(t, sizeof(t), &rrs[8], true),
			    "\"v=spf1 -all \\\"quoted\\\"\"");
	assert_string_equal(dns_rr_to_str(t, sizeof(t), &u, true), "\\# 3 616263");
	assert_string_equal(dns_rr_to_str(t, sizeof(t), &rrs[0], true),
			    "ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 60");
	dns_msg_free(&d);
	dns_msg_free(&m);
	for (int i = 0; i < nrr; i++)
		dns_rr_clear(&rrs[i]);
	dns_rr_clear(&u);
}

/* A TXT longer than 255 bytes is split into 255-byte strings. */
static void test_txt_long(void **state)
{
	(void)state;
	char text[600];
	memset(text, 'a', 599);
	text[599] = '\0';
	struct dns_rr rr = RR("t.example.test", DNS_T_TXT, 1, text);
	assert_int_equal(rr.data_len, 599 + 3); /* 255 + 255 + 89, three length bytes */
	assert_int_equal(rr.data[0], 255);
	assert_int_equal(rr.data[256], 255);
	assert_int_equal(rr.data[512], 89);
	/* formatted whole: three quoted strings, two spaces: 599 + 6 + 2 */
	char buf[2048];
	assert_int_equal(strlen(dns_rr_to_str(buf, sizeof(buf), &rr, true)), 607);
	/* and cut, never past the buffer */
	assert_int_equal(strlen(dns_rr_to_str(buf, 100, &rr, false)), 99);
	dns_rr_clear(&rr);
}

/* ---- truncation ---- */

static void test_truncation(void **state)
{
	(void)state;
	struct dns_msg m;
	struct dns_name q = N("big.example.test");
	dns_msg_query(&m, 1, &q, DNS_T_A, false, 0);
	m.qr = true;
	/* 40 A records: 12 + 22 (question) + 40 * 16 (2 pointer + 10 + 4)
	 * = 674 bytes > 512 */
	for (int i = 0; i < 40; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.0.%d.%d", i / 250, i % 250 + 1);
		struct dns_rr rr = RR("big.example.test", DNS_T_A, 60, a);
		dns_msg_add(&m, DNS_SEC_AN, &rr);
		dns_rr_clear(&rr);
	}
	uint8_t buf[2048];
	int len = dns_encode(&m, buf, 512);
	/* the whole RRset is left out and TC set: header + question only */
	assert_int_equal(len, 12 + 22);
	assert_true(dns_wire_tc(buf));
	assert_int_equal(dns_wire_count(buf, 1), 0);
	len = dns_encode(&m, buf, 2048);
	assert_int_equal(len, 12 + 22 + 40 * 16);
	assert_false(dns_wire_tc(buf));
	/* optional additional data is dropped without TC; required glue is not */
	dns_msg_free(&m);
	dns_msg_query(&m, 1, &q, DNS_T_A, false, 1232);
	struct dns_rr ns = RR("sub.example.test", DNS_T_NS, 60, "ns.sub.example.test");
	dns_msg_add(&m, DNS_SEC_NS, &ns);
	char txt[400];
	memset(txt, 'g', 399);
	txt[399] = '\0';
	struct dns_rr glue = RR("ns.sub.example.test", DNS_T_TXT, 60, txt);
	dns_msg_add(&m, DNS_SEC_AR, &glue);
	len = dns_encode(&m, buf, 200);
	assert_true(len > 0 && len <= 200);
	assert_false(dns_wire_tc(buf));
	assert_int_equal(dns_wire_count(buf, 2), 1);
	assert_int_equal(dns_wire_count(buf, 3), 1); /* only the OPT */
	struct dns_msg d;
	assert_int_equal(dns_decode(&d, buf, (size_t)len), DNS_OK);
	assert_true(d.edns);
	dns_msg_free(&d);
	m.ar_required = 1;
	len = dns_encode(&m, buf, 200);
	assert_true(dns_wire_tc(buf));
	assert_int_equal(dns_wire_count(buf, 2), 1);
	assert_int_equal(dns_wire_count(buf, 3), 1);
	/* too small for header + question + OPT */
	assert_int_equal(dns_encode(&m, buf, 40), -1);
	dns_rr_clear(&ns);
	dns_rr_clear(&glue);
	dns_msg_free(&m);
}

/* ---- malformed input ---- */

static int dec(const uint8_t *b, size_t len)
{
	struct dns_msg m;
	int rc = dns_decode(&m, b, len);
	dns_msg_free(&m);
	return rc;
}

/* A header with the given counts, then the bytes given. */
static size_t mk(uint8_t *out, int qd, int an, int ns, int ar, const uint8_t *body, size_t n)
{
	uint8_t h[12] = { 0xab, 0xcd, 0x01, 0x00, 0, (uint8_t)qd, 0, (uint8_t)an, 0, (uint8_t)ns,
			  0, (uint8_t)ar };
	memcpy(out, h, 12);
	memcpy(out + 12, body, n);
	return 12 + n;
}

static void test_malformed(void **state)
{
	(void)state;
	uint8_t b[1024];
	size_t n;
	/* a well-formed query, to show the helper builds sound messages */
	static const uint8_t okq[] = { 1, 'a', 0, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, okq, sizeof(okq));
	assert_int_equal(dec(b, n), DNS_OK);
	/* shorter than a header: dropped */
	assert_int_equal(dec(b, 11), DNS_E_SHORT);
	assert_int_equal(dec(b, 0), DNS_E_SHORT);
	/* question cut short */
	assert_int_equal(dec(b, n - 1), DNS_E_FORMERR);
	/* the header survives a FORMERR, so the server can answer */
	struct dns_msg m;
	assert_int_equal(dns_decode(&m, b, n - 1), DNS_E_FORMERR);
	assert_int_equal(m.id, 0xabcd);
	assert_true(m.rd);
	dns_msg_free(&m);
	/* two questions */
	static const uint8_t two[] = { 1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0, 0, 1, 0, 1 };
	n = mk(b, 2, 0, 0, 0, two, sizeof(two));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* counts larger than the message */
	n = mk(b, 1, 200, 0, 0, okq, sizeof(okq));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	n = mk(b, 1, 0, 0, 1, okq, sizeof(okq));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* pointer to itself (a loop) */
	static const uint8_t loop[] = { 0xc0, 12, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, loop, sizeof(loop));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* two pointers pointing at each other: 12 -> 14 is forward */
	static const uint8_t loop2[] = { 0xc0, 14, 0xc0, 12, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, loop2, sizeof(loop2));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* a label then a pointer back to the start of the same name (loop) */
	static const uint8_t loop3[] = { 1, 'a', 0xc0, 12, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, loop3, sizeof(loop3));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* forward pointer from the answer's owner into its RDATA */
	static const uint8_t fwd[] = { 1, 'a', 0, 0, 1, 0, 1,
				       0xc0, 31, 0, 5, 0, 1, 0, 0, 0, 1, 0, 3, 1, 'b', 0 };
	n = mk(b, 1, 1, 0, 0, fwd, sizeof(fwd));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* the same with a backward pointer to the question's name is fine */
	static const uint8_t back[] = { 1, 'a', 0, 0, 1, 0, 1,
					0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 3, 1, 'b', 0 };
	n = mk(b, 1, 1, 0, 0, back, sizeof(back));
	assert_int_equal(dec(b, n), DNS_OK);
	/* label types 0x40 and 0x80 (a 64-byte "label") */
	static const uint8_t l64[] = { 0x40, 'a', 0, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, l64, sizeof(l64));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	static const uint8_t l80[] = { 0x80, 'a', 0, 0, 1, 0, 1 };
	n = mk(b, 1, 0, 0, 0, l80, sizeof(l80));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* a name over 255 bytes: five 63-byte labels */
	uint8_t body[600];
	size_t o = 0;
	for (int i = 0; i < 5; i++) {
		body[o++] = 63;
		memset(body + o, 'x', 63);
		o += 63;
	}
	body[o++] = 0;
	memcpy(body + o, "\0\1\0\1", 4);
	o += 4;
	n = mk(b, 1, 0, 0, 0, body, o);
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* A with 3 bytes of RDATA */
	static const uint8_t a3[] = { 1, 'a', 0, 0, 1, 0, 1,
				      0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3 };
	n = mk(b, 1, 1, 0, 0, a3, sizeof(a3));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* RDLENGTH past the end */
	static const uint8_t rdl[] = { 1, 'a', 0, 0, 1, 0, 1,
				       0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 40, 1, 2, 3, 4 };
	n = mk(b, 1, 1, 0, 0, rdl, sizeof(rdl));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* a CNAME whose name runs past its RDLENGTH */
	static const uint8_t cn[] = { 1, 'a', 0, 0, 5, 0, 1,
				      0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 1, 0, 2, 1, 'b', 0 };
	n = mk(b, 1, 1, 0, 0, cn, sizeof(cn));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* a TXT string longer than its RDATA */
	static const uint8_t tx[] = { 1, 'a', 0, 0, 16, 0, 1,
				      0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, 3, 5, 'x', 'y' };
	n = mk(b, 1, 1, 0, 0, tx, sizeof(tx));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* SOA with a field missing */
	static const uint8_t soa[] = { 1, 'a', 0, 0, 6, 0, 1,
				       0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 1, 0, 20,
				       0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0 };
	n = mk(b, 1, 0, 1, 0, soa, sizeof(soa));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* OPT in the answer section; two OPTs; OPT not owned by the root;
	 * an option overrunning the OPT */
	static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };
	n = mk(b, 0, 1, 0, 0, opt, sizeof(opt));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	n = mk(b, 0, 0, 0, 1, opt, sizeof(opt));
	assert_int_equal(dec(b, n), DNS_OK);
	uint8_t two_opt[22];
	memcpy(two_opt, opt, 11);
	memcpy(two_opt + 11, opt, 11);
	n = mk(b, 0, 0, 0, 2, two_opt, sizeof(two_opt));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	static const uint8_t optn[] = { 1, 'a', 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };
	n = mk(b, 0, 0, 0, 1, optn, sizeof(optn));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	static const uint8_t opto[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 5, 0, 10, 0, 8, 1 };
	n = mk(b, 0, 0, 0, 1, opto, sizeof(opto));
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* bytes after the last RR */
	n = mk(b, 1, 0, 0, 0, okq, sizeof(okq));
	b[n++] = 0;
	assert_int_equal(dec(b, n), DNS_E_FORMERR);
	/* a TTL with the top bit set reads as 0 (RFC 2181 §8) */
	static const uint8_t ttl[] = { 1, 'a', 0, 0, 1, 0, 1,
				       0xc0, 12, 0, 1, 0, 1, 0x80, 0, 0, 1, 0, 4, 1, 2, 3, 4 };
	n = mk(b, 1, 1, 0, 0, ttl, sizeof(ttl));
	assert_int_equal(dns_decode(&m, b, n), DNS_OK);
	assert_int_equal(m.rr[DNS_SEC_AN][0].ttl, 0);
	assert_int_equal(m.rr[DNS_SEC_AN][0].rd.a, 0x01020304);
	dns_msg_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_compression_rfc1035),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_txt_long),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
