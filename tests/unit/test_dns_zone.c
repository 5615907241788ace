/* Unit tests of the authoritative answer (models/dns/dns_zone.c) without
 * a network: RFC 1034 §4.3.2's steps on hand-built zones.  CNAME chains
 * within one zone, across two zones of one server, into a zone the server
 * does not serve, and in a loop; RFC 2308 §3's SOA TTL; empty
 * non-terminals appearing and vanishing as records come and go (RFC 8020);
 * a referral whose glue does not fit is truncated (RFC 9471) while other
 * additional data is dropped silently (RFC 2181 §9); the zone checks of
 * RFC 1034 §3.6.2 and RFC 2181 §5.2; dynamic RRsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/dns/dns_server.h"

static struct dns_name N(const char *s)
{
	struct dns_name n;
	if (dns_name_from_str(&n, s) != 0)
		fail_msg("bad name %s", s);
	return n;
}

static struct dns_zone *zone(const char *origin, uint32_t soa_ttl, uint32_t minimum)
{
	struct dns_rr soa;
	dns_rr_init(&soa);
	soa.name = N(origin);
	soa.type = DNS_T_SOA;
	soa.ttl = soa_ttl;
	char text[300];
	snprintf(text, sizeof(text), "ns1.%s. hostmaster.%s. 1 7200 3600 1209600 %u", origin, origin,
		 minimum);
	char err[200];
	if (dns_rr_parse(&soa, text, NULL, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return dns_zone_new(&soa);
}

/* Adds owner type data (owner relative to the zone); returns 0 or -1. */
static int add(struct dns_zone *z, const char *owner, uint16_t type, uint32_t ttl, const char *data,
	       struct errbuf *err)
{
	struct dns_rr rr;
	dns_rr_init(&rr);
	if (dns_name_join(&rr.name, owner, dns_zone_origin(z)) < 0)
		fail_msg("owner %s", owner);
	rr.type = type;
	rr.ttl = ttl;
	char e[200];
	if (dns_rr_parse(&rr, data, dns_zone_origin(z), e, sizeof(e)) < 0)
		fail_msg("%s", e);
	int rc = dns_zone_add(z, &rr, err);
	dns_rr_clear(&rr);
	return rc;
}

static void must_add(struct dns_zone *z, const char *owner, uint16_t type, uint32_t ttl, const char *data)
{
	struct errbuf err;
	if (add(z, owner, type, ttl, data, &err) < 0)
		fail_msg("add %s: %s", owner, err.msg);
}

/* Asks zones for name/type; r is the answer (free it). */
static void ask(struct dns_zone **zs, int nz, const char *name, uint16_t type, struct dns_msg *r)
{
	struct dns_msg q;
	struct dns_name n = N(name);
	dns_msg_query(&q, 1, &n, type, false, 0);
	dns_msg_reply(r, &q, 0);
	dns_zones_answer(zs, nz, &q, 0x0a000001, r);
	dns_msg_free(&q);
}

static void test_cname_chains(void **state)
{
	(void)state;
	struct dns_zone *a = zone("a.test", 3600, 60), *b = zone("b.test", 30, 300);
	must_add(a, "www", DNS_T_CNAME, 300, "web");
	must_add(a, "web", DNS_T_CNAME, 300, "host.b.test.");
	must_add(b, "host", DNS_T_A, 120, "10.0.0.7");
	must_add(a, "out", DNS_T_CNAME, 300, "x.elsewhere.");
	must_add(a, "l1", DNS_T_CNAME, 300, "l2");
	must_add(a, "l2", DNS_T_CNAME, 300, "l1");
	must_add(a, "gone", DNS_T_CNAME, 300, "nothing.b.test.");
	struct dns_zone *zs[] = { a, b };
	struct dns_msg r;
	/* www -> web -> host.b.test (another zone of this server) -> A */
	ask(zs, 2, "www.a.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_true(r.aa);
	assert_int_equal(r.n[DNS_SEC_AN], 3);
	assert_int_equal(r.rr[DNS_SEC_AN][2].type, DNS_T_A);
	assert_int_equal(r.rr[DNS_SEC_AN][2].rd.a, 0x0a000007);
	dns_msg_free(&r);
	/* with only zone a served, the chain stops at the CNAME into b */
	ask(zs, 1, "www.a.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_int_equal(r.n[DNS_SEC_AN], 2);
	assert_int_equal(r.n[DNS_SEC_NS], 0);
	dns_msg_free(&r);
	/* a CNAME out of every zone: the CNAME alone */
	ask(zs, 2, "out.a.test", DNS_T_A, &r);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	dns_msg_free(&r);
	/* a loop ends: l1 -> l2 -> l1 */
	ask(zs, 2, "l1.a.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_int_equal(r.n[DNS_SEC_AN], 2);
	dns_msg_free(&r);
	/* the question for the CNAME itself is not followed */
	ask(zs, 2, "www.a.test", DNS_T_CNAME, &r);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	dns_msg_free(&r);
	/* a chain ending in NXDOMAIN in zone b: NXDOMAIN (RFC 6604) with b's
	 * SOA, TTL min(30, 300) = 30 */
	ask(zs, 2, "gone.a.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	assert_int_equal(r.n[DNS_SEC_NS], 1);
	assert_int_equal(r.rr[DNS_SEC_NS][0].type, DNS_T_SOA);
	assert_int_equal(r.rr[DNS_SEC_NS][0].ttl, 30);
	assert_true(dns_name_eq(&r.rr[DNS_SEC_NS][0].name, dns_zone_origin(b)));
	dns_msg_free(&r);
	/* NXDOMAIN directly in a: min(3600, 60) = 60 */
	ask(zs, 2, "none.a.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	assert_int_equal(r.rr[DNS_SEC_NS][0].ttl, 60);
	dns_msg_free(&r);
	/* outside every zone */
	ask(zs, 2, "c.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_REFUSED);
	assert_false(r.aa);
	dns_msg_free(&r);
	dns_zone_unref(a);
	dns_zone_unref(b);
}

static void test_empty_non_terminals(void **state)
{
	(void)state;
	struct dns_zone *z = zone("e.test", 100, 100);
	must_add(z, "a.b.c", DNS_T_A, 5, "10.0.0.1");
	struct dns_msg r;
	ask(&z, 1, "b.c.e.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR); /* NODATA */
	assert_int_equal(r.n[DNS_SEC_AN], 0);
	assert_int_equal(r.n[DNS_SEC_NS], 1);
	dns_msg_free(&r);
	ask(&z, 1, "x.b.c.e.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	dns_msg_free(&r);
	struct dns_name n = N("a.b.c.e.test");
	assert_int_equal(dns_zone_remove(z, &n, DNS_T_A), 1);
	ask(&z, 1, "b.c.e.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN); /* nothing below any more */
	dns_msg_free(&r);
	ask(&z, 1, "a.b.c.e.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	dns_msg_free(&r);
	/* ANY at the apex keeps the SOA and NS */
	must_add(z, "@", DNS_T_NS, 100, "ns1");
	must_add(z, "@", DNS_T_TXT, 100, "hello");
	struct dns_name apex = N("e.test");
	assert_int_equal(dns_zone_remove(z, &apex, DNS_T_ANY), 1);
	assert_int_equal(dns_zone_remove(z, &apex, DNS_T_SOA), 0);
	ask(&z, 1, "e.test", DNS_T_SOA, &r);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	dns_msg_free(&r);
	ask(&z, 1, "e.test", DNS_T_ANY, &r);
	assert_int_equal(r.n[DNS_SEC_AN], 2); /* SOA and NS */
	dns_msg_free(&r);
	dns_zone_unref(z);
}

static void test_referral_glue(void **state)
{
	(void)state;
	struct dns_zone *z = zone("p.test", 100, 100);
	must_add(z, "@", DNS_T_NS, 100, "ns1");
	must_add(z, "ns1", DNS_T_A, 100, "10.0.0.53");
	must_add(z, "kid", DNS_T_NS, 100, "ns.kid");
	must_add(z, "kid", DNS_T_NS, 100, "ns1");   /* a sibling in the parent */
	must_add(z, "ns.kid", DNS_T_A, 100, "10.0.1.53");
	must_add(z, "ns.kid", DNS_T_AAAA, 100, "2001:db8::53");
	struct dns_msg r;
	ask(&z, 1, "deep.www.kid.p.test", DNS_T_A, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_false(r.aa);
	assert_int_equal(r.n[DNS_SEC_AN], 0);
	assert_int_equal(r.n[DNS_SEC_NS], 2);
	/* glue for ns.kid (A and AAAA, required) then ns1's address */
	assert_int_equal(r.n[DNS_SEC_AR], 3);
	assert_int_equal(r.ar_required, 2);
	/* header 12 + question 25 (deep.www.kid.p.test: 21, type, class)
	 * + NS kid->ns.kid 17 (the owner a pointer into the question 2, 10,
	 * 2ns+pointer 5) + NS kid->ns1 18 (pointer 2, 10, 3ns1+pointer 6)
	 * = 72; glue A 16 -> 88 fits in 100, AAAA 28 -> 116 does not: the
	 * required glue is incomplete, so TC and 88 bytes (the A RRset kept).
	 * In full, ns1's A adds 16: 132.  With room for the glue but not
	 * ns1's A, no TC. */
	uint8_t buf[512];
	int len = dns_encode(&r, buf, 100);
	assert_int_equal(len, 88);
	assert_true(dns_wire_tc(buf));
	int full = dns_encode(&r, buf, sizeof(buf));
	assert_int_equal(full, 132);
	assert_false(dns_wire_tc(buf));
	len = dns_encode(&r, buf, (size_t)full - 1); /* ns1's A (16 bytes) left out */
	assert_false(dns_wire_tc(buf));
	assert_int_equal(dns_wire_count(buf, 3), 2);
	assert_int_equal(len, full - 16);
	dns_msg_free(&r);
	/* data at or below the cut is not answered with AA even if present */
	ask(&z, 1, "ns.kid.p.test", DNS_T_A, &r);
	assert_false(r.aa);
	assert_int_equal(r.n[DNS_SEC_AN], 0);
	dns_msg_free(&r);
	/* the apex NS is an answer (AA), with its address in additional */
	ask(&z, 1, "p.test", DNS_T_NS, &r);
	assert_true(r.aa);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	assert_int_equal(r.n[DNS_SEC_AR], 1);
	dns_msg_free(&r);
	dns_zone_unref(z);
}

static void test_zone_checks(void **state)
{
	(void)state;
	struct dns_zone *z = zone("c.test", 100, 100);
	struct errbuf err;
	must_add(z, "www", DNS_T_A, 60, "10.0.0.1");
	must_add(z, "www", DNS_T_A, 60, "10.0.0.1"); /* a duplicate: one RR */
	assert_int_equal(dns_zone_count(z), 2);      /* SOA + A */
	assert_int_equal(add(z, "www", DNS_T_CNAME, 60, "x", &err), -1);
	assert_non_null(strstr(err.msg, "CNAME cannot be beside other data"));
	assert_int_equal(add(z, "www", DNS_T_A, 30, "10.0.0.2", &err), -1);
	assert_non_null(strstr(err.msg, "TTL 30 differs"));
	assert_int_equal(add(z, "other.test.", DNS_T_A, 30, "10.0.0.2", &err), -1);
	assert_non_null(strstr(err.msg, "outside the zone c.test"));
	assert_int_equal(add(z, "sub", DNS_T_SOA, 30, "a b 1 2 3 4 5", &err), -1);
	assert_non_null(strstr(err.msg, "apex"));
	must_add(z, "alias", DNS_T_CNAME, 60, "www");
	assert_int_equal(add(z, "alias", DNS_T_CNAME, 60, "web", &err), -1);
	assert_non_null(strstr(err.msg, "at most one CNAME"));
	/* set replaces, with one TTL */
	struct dns_rr rrs[2];
	for (int i = 0; i < 2; i++) {
		dns_rr_init(&rrs[i]);
		rrs[i].name = N("www.c.test");
		rrs[i].type = DNS_T_A;
		rrs[i].ttl = 5;
		rrs[i].rd.a = 0x0a000100u + (uint32_t)i;
	}
	assert_int_equal(dns_zone_set(z, rrs, 2, &err), 0);
	struct dns_msg r;
	ask(&z, 1, "www.c.test", DNS_T_A, &r);
	assert_int_equal(r.n[DNS_SEC_AN], 2);
	assert_int_equal(r.rr[DNS_SEC_AN][0].ttl, 5);
	assert_int_equal(r.rr[DNS_SEC_AN][1].rd.a, 0x0a000101);
	dns_msg_free(&r);
	dns_zone_unref(z);
}

/* A dynamic RRset: the answer depends on the client's address. */
static int by_src(void *ctx, uint32_t src, struct dns_rr *out, int max)
{
	int *calls = ctx;
	(*calls)++;
	assert_true(max >= 2);
	out[0].rd.a = src + 1;
	out[1].rd.a = src + 1; /* duplicates are dropped */
	return 2;
}

static void test_dynamic(void **state)
{
	(void)state;
	struct dns_zone *z = zone("d.test", 100, 100);
	int calls = 0;
	struct errbuf err;
	struct dns_name n = N("lb.d.test");
	assert_int_equal(dns_zone_set_dynamic(z, &n, DNS_T_A, 30, by_src, &calls, NULL, &err), 0);
	struct dns_msg r;
	ask(&z, 1, "lb.d.test", DNS_T_A, &r);
	assert_int_equal(calls, 1);
	assert_int_equal(r.n[DNS_SEC_AN], 1);
	assert_int_equal(r.rr[DNS_SEC_AN][0].rd.a, 0x0a000002); /* ask() sends from 10.0.0.1 */
	assert_int_equal(r.rr[DNS_SEC_AN][0].ttl, 30);
	dns_msg_free(&r);
	/* another type at the name does not call it: NODATA */
	ask(&z, 1, "lb.d.test", DNS_T_AAAA, &r);
	assert_int_equal(calls, 1);
	assert_int_equal(r.n[DNS_SEC_NS], 1);
	dns_msg_free(&r);
	/* NS cannot be dynamic; a static add onto a dynamic set is refused */
	assert_int_equal(dns_zone_set_dynamic(z, &n, DNS_T_NS, 30, by_src, &calls, NULL, &err), -1);
	assert_int_equal(add(z, "lb", DNS_T_A, 30, "10.0.0.9", &err), -1);
	assert_non_null(strstr(err.msg, "chosen by a function"));
	dns_zone_unref(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cname_chains),
		cmocka_unit_test(test_empty_non_terminals),
		cmocka_unit_test(test_referral_glue),
		cmocka_unit_test(test_zone_checks),
		cmocka_unit_test(test_dynamic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
