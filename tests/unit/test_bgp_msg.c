/* The BGP codec (models/bgp/bgp_msg.c, bgp_attr_codec.c, bgp_attr.c)
 * against bytes written by hand from the formats of RFC 4271 §4 (header,
 * OPEN, UPDATE, NOTIFICATION, KEEPALIVE), RFC 5492/4760/2918/6793 (the
 * capabilities), RFC 6793 §4.2 (AS_TRANS and AS4_PATH towards a 2-octet
 * peer), RFC 1997 and RFC 8092 (communities); every error case of RFC 4271
 * §6.1-6.3 maps to its code and subcode, and RFC 7606's classes
 * (treat-as-withdraw, attribute discard) apply where it says.  Also the
 * AS_PATH helpers (§9.1.2.2 path length) and the intern table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/bgp/bgp_msg.h"

#define MARKER 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, \
	       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF

static const struct bgp_codec_ctx as4_ebgp = { .as4 = true, .ibgp = false, .local_as = 65002 };
static const struct bgp_codec_ctx as2_ebgp = { .as4 = false, .ibgp = false, .local_as = 65002 };
static const struct bgp_codec_ctx as4_ibgp = { .as4 = true, .ibgp = true, .local_as = 65001 };

/* ORIGIN IGP, AS_PATH (65001 4200000000), NEXT_HOP 192.0.2.1, MED 100,
 * COMMUNITIES 65001:100, LARGE_COMMUNITY 4200000000:1:2. */
static void sample_attrs(struct bgp_attrs *a)
{
	bgp_attrs_init(a);
	uint32_t path[] = { 65001, 4200000000u };
	assert_int_equal(bgp_aspath_from_seq(&a->as_path, path, 2), 0);
	a->present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) |
		     BGP_AP(BGP_ATTR_NEXT_HOP) | BGP_AP(BGP_ATTR_MED);
	a->origin = BGP_ORIGIN_IGP;
	a->next_hop = 0xC0000201;
	a->med = 100;
	assert_int_equal(bgp_attrs_add_community(a, (65001u << 16) | 100), 0);
	assert_int_equal(bgp_attrs_add_large(a, (struct bgp_large_comm){ 4200000000u, 1, 2 }), 0);
}

/* RFC 4271 §4.3 by hand: withdrawn 203.0.113.0/25, six attributes with a
 * 4-octet AS_PATH (RFC 6793 §3), NLRI 198.51.100.0/24. */
static const uint8_t update_as4[] = {
	MARKER, 0x00, 0x55, 0x02,
	0x00, 0x05, 25, 203, 0, 113, 0,                 /* withdrawn */
	0x00, 0x35,                                      /* 53 octets of attributes */
	0x40, 0x01, 0x01, 0x00,                          /* ORIGIN IGP */
	0x40, 0x02, 0x0A, 0x02, 0x02,                    /* AS_PATH, AS_SEQUENCE of 2 */
	0x00, 0x00, 0xFD, 0xE9, 0xFA, 0x56, 0xEA, 0x00,  /* 65001 4200000000 */
	0x40, 0x03, 0x04, 192, 0, 2, 1,                  /* NEXT_HOP */
	0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x64,        /* MED 100 */
	0xC0, 0x08, 0x04, 0xFD, 0xE9, 0x00, 0x64,        /* COMMUNITIES 65001:100 */
	0xC0, 0x20, 0x0C, 0xFA, 0x56, 0xEA, 0x00,        /* LARGE_COMMUNITY */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	24, 198, 51, 100,                                /* NLRI */
};

static void test_update_encode_as4(void **state)
{
	(void)state;
	struct bgp_attrs a;
	sample_attrs(&a);
	struct bgp_prefix w = { 0xCB007100, 25 }, n = { 0xC6336400, 24 };
	uint8_t buf[BGP_MAX_MSG_LEN];
	int len = bgp_encode_update(buf, sizeof buf, &as4_ebgp, &w, 1, &a, &n, 1);
	assert_int_equal(len, sizeof update_as4);
	assert_memory_equal(buf, update_as4, sizeof update_as4);

	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(update_as4, sizeof update_as4, &as4_ebgp, &m, &e), 0);
	assert_int_equal(m.type, BGP_MSG_UPDATE);
	assert_int_equal(m.u.update.n_withdrawn, 1);
	assert_int_equal(m.u.update.withdrawn[0].addr, 0xCB007100);
	assert_int_equal(m.u.update.withdrawn[0].len, 25);
	assert_int_equal(m.u.update.n_nlri, 1);
	assert_int_equal(m.u.update.nlri[0].addr, 0xC6336400);
	assert_false(m.u.update.treat_as_withdraw);
	assert_true(bgp_attrs_equal(&m.u.update.attrs, &a));
	bgp_msg_free(&m);
	bgp_attrs_clear(&a);
}

/* RFC 6793 §4.2.2: to a 2-octet peer, AS_PATH carries AS_TRANS (23456)
 * for 4200000000 and AS4_PATH the real path; the receiver merges them
 * back (§4.2.3). */
static void test_update_as_trans(void **state)
{
	(void)state;
	struct bgp_attrs a;
	bgp_attrs_init(&a);
	uint32_t path[] = { 65001, 4200000000u };
	bgp_aspath_from_seq(&a.as_path, path, 2);
	a.present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) | BGP_AP(BGP_ATTR_NEXT_HOP);
	a.next_hop = 0x0A000001;
	struct bgp_prefix n = { 0x0A000000, 8 };
	static const uint8_t want[] = {
		MARKER, 0x00, 0x3A, 0x02,
		0x00, 0x00, 0x00, 0x21,
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x06, 0x02, 0x02, 0xFD, 0xE9, 0x5B, 0xA0,
		0x40, 0x03, 0x04, 10, 0, 0, 1,
		0xC0, 0x11, 0x0A, 0x02, 0x02, 0x00, 0x00, 0xFD, 0xE9, 0xFA, 0x56, 0xEA, 0x00,
		8, 10,
	};
	uint8_t buf[512];
	int len = bgp_encode_update(buf, sizeof buf, &as2_ebgp, NULL, 0, &a, &n, 1);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(buf, want, sizeof want);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(want, sizeof want, &as2_ebgp, &m, &e), 0);
	assert_true(bgp_attrs_equal(&m.u.update.attrs, &a));
	bgp_msg_free(&m);
	bgp_attrs_clear(&a);
}

/* RFC 4271 §4.2 with one Capabilities parameter (RFC 5492): MP IPv4
 * unicast (RFC 4760), route refresh (RFC 2918), 4-octet AS (RFC 6793),
 * and AS_TRANS in My AS for an AS above 65535. */
static void test_open(void **state)
{
	(void)state;
	static const uint8_t want[] = {
		MARKER, 0x00, 0x2D, 0x01,
		0x04, 0x5B, 0xA0, 0x00, 0x5A, 10, 0, 0, 1,
		0x10, 0x02, 0x0E,
		0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
		0x02, 0x00,
		0x41, 0x04, 0xFA, 0x56, 0xEA, 0x00,
	};
	struct bgp_open o = { .version = 4, .as = 4200000000u, .hold_time_s = 90,
			      .bgp_id = 0x0A000001, .cap_mp_ipv4_unicast = true,
			      .cap_route_refresh = true, .cap_as4 = true };
	uint8_t buf[128];
	int len = bgp_encode_open(buf, sizeof buf, &o);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(buf, want, sizeof want);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(want, sizeof want, &as4_ebgp, &m, &e), 0);
	assert_int_equal(m.u.open.as, 4200000000u);
	assert_int_equal(m.u.open.my_as16, BGP_AS_TRANS);
	assert_int_equal(m.u.open.hold_time_s, 90);
	assert_true(m.u.open.cap_as4 && m.u.open.cap_route_refresh && m.u.open.cap_mp_ipv4_unicast);
	assert_int_equal(bgp_open_check(&m.u.open, 4200000000u, 0x0A000002, &e), 0);
	/* §6.2 checks */
	assert_int_equal(bgp_open_check(&m.u.open, 65001, 0x0A000002, &e), -1);
	assert_int_equal(e.code, 2);
	assert_int_equal(e.subcode, BGP_OPEN_BAD_PEER_AS);
	assert_int_equal(bgp_open_check(&m.u.open, 0, 0x0A000001, &e), -1);
	assert_int_equal(e.subcode, BGP_OPEN_BAD_BGP_ID);
	struct bgp_open bad = m.u.open;
	bad.hold_time_s = 2;
	assert_int_equal(bgp_open_check(&bad, 0, 0x0A000002, &e), -1);
	assert_int_equal(e.subcode, BGP_OPEN_UNACCEPTABLE_HOLD);
	bad.hold_time_s = 0;
	assert_int_equal(bgp_open_check(&bad, 0, 0x0A000002, &e), 0);
	bad.bgp_id = 0;
	assert_int_equal(bgp_open_check(&bad, 0, 0x0A000002, &e), -1);
	assert_int_equal(e.subcode, BGP_OPEN_BAD_BGP_ID);
	bgp_msg_free(&m);

	/* version 3: 2/1 with our version, 2 octets (§6.2) */
	uint8_t v3[sizeof want];
	memcpy(v3, want, sizeof want);
	v3[19] = 3;
	assert_int_equal(bgp_msg_decode(v3, sizeof v3, &as4_ebgp, &m, &e), -1);
	assert_int_equal(e.code, 2);
	assert_int_equal(e.subcode, 1);
	assert_int_equal(e.data_len, 2);
	assert_int_equal(e.data[1], 4);
	/* an optional parameter other than Capabilities: 2/4 */
	uint8_t p1[sizeof want];
	memcpy(p1, want, sizeof want);
	p1[29] = 1;
	assert_int_equal(bgp_msg_decode(p1, sizeof p1, &as4_ebgp, &m, &e), -1);
	assert_int_equal(e.code, 2);
	assert_int_equal(e.subcode, 4);
}

static void test_notification_keepalive(void **state)
{
	(void)state;
	static const uint8_t ka[] = { MARKER, 0x00, 0x13, 0x04 };
	static const uint8_t nt[] = { MARKER, 0x00, 0x17, 0x03, 0x03, 0x01, 0xAB, 0xCD };
	uint8_t buf[64];
	assert_int_equal(bgp_encode_keepalive(buf, sizeof buf), 19);
	assert_memory_equal(buf, ka, 19);
	const uint8_t d[] = { 0xAB, 0xCD };
	assert_int_equal(bgp_encode_notification(buf, sizeof buf, 3, 1, d, 2), 23);
	assert_memory_equal(buf, nt, 23);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(nt, sizeof nt, &as4_ebgp, &m, &e), 0);
	assert_int_equal(m.u.notif.code, 3);
	assert_int_equal(m.u.notif.subcode, 1);
	assert_int_equal(m.u.notif.data_len, 2);
	assert_int_equal(m.u.notif.data[1], 0xCD);
	bgp_msg_free(&m);
	assert_int_equal(bgp_encode_route_refresh(buf, sizeof buf, 1, 1), 23);
	assert_int_equal(bgp_msg_decode(buf, 23, &as4_ebgp, &m, &e), 0);
	assert_int_equal(m.type, BGP_MSG_ROUTE_REFRESH);
	assert_int_equal(m.u.refresh.afi, 1);
	char s[96];
	assert_string_equal(bgp_err_str(4, 0, s, sizeof s), "4/0 Hold Timer Expired / Unspecific");
	assert_string_equal(bgp_err_str(3, 11, s, sizeof s), "3/11 UPDATE Message Error / Malformed AS_PATH");
}

/* RFC 4271 §6.1: marker 1/1, length 1/2 (data: the length field), type 1/3. */
static void test_header_errors(void **state)
{
	(void)state;
	uint8_t b[32] = { MARKER, 0x00, 0x13, 0x04 };
	struct bgp_err e;
	assert_int_equal(bgp_msg_frame(b, 10, &e), 0);
	assert_int_equal(bgp_msg_frame(b, 19, &e), 19);
	b[3] = 0xFE;
	assert_int_equal(bgp_msg_frame(b, 19, &e), -1);
	assert_int_equal(e.code, 1);
	assert_int_equal(e.subcode, 1);
	b[3] = 0xFF;
	b[17] = 18;
	assert_int_equal(bgp_msg_frame(b, 19, &e), -1);
	assert_int_equal(e.code, 1);
	assert_int_equal(e.subcode, 2);
	assert_int_equal(e.data_len, 2);
	assert_int_equal(e.data[1], 18);
	b[17] = 20;                           /* a KEEPALIVE of 20 octets */
	assert_int_equal(bgp_msg_frame(b, 20, &e), -1);
	assert_int_equal(e.subcode, 2);
	b[16] = 0x10; b[17] = 0x01;           /* 4097 */
	b[18] = 2;
	assert_int_equal(bgp_msg_frame(b, 19, &e), -1);
	assert_int_equal(e.subcode, 2);
	b[16] = 0; b[17] = 19; b[18] = 6;
	assert_int_equal(bgp_msg_frame(b, 19, &e), -1);
	assert_int_equal(e.subcode, 3);
	assert_int_equal(e.data[0], 6);
	b[18] = 1;                            /* an OPEN of 19 octets */
	assert_int_equal(bgp_msg_frame(b, 19, &e), -1);
	assert_int_equal(e.subcode, 2);
}

/* Builds an UPDATE: header, no withdrawn, the given attributes, NLRI 10/8. */
static size_t mk_update(uint8_t *b, const uint8_t *attrs, size_t alen, bool nlri)
{
	static const uint8_t hdr[] = { MARKER };
	memcpy(b, hdr, 16);
	size_t o = 19;
	b[o++] = 0;
	b[o++] = 0;
	b[o++] = (uint8_t)(alen >> 8);
	b[o++] = (uint8_t)alen;
	if (alen)
		memcpy(b + o, attrs, alen);
	o += alen;
	if (nlri) {
		b[o++] = 8;
		b[o++] = 10;
	}
	b[16] = (uint8_t)(o >> 8);
	b[17] = (uint8_t)o;
	b[18] = 2;
	return o;
}

#define BASE_ATTRS 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9, 0x40, 3, 4, 10, 0, 0, 1

static void expect_tw(const uint8_t *attrs, size_t alen, const struct bgp_codec_ctx *ctx,
		      uint8_t sub)
{
	uint8_t b[512];
	size_t n = mk_update(b, attrs, alen, true);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(b, n, ctx, &m, &e), 0);
	assert_true(m.u.update.treat_as_withdraw);
	assert_int_equal(m.u.update.tw_err.code, 3);
	assert_int_equal(m.u.update.tw_err.subcode, sub);
	assert_int_equal(m.u.update.n_nlri, 1);
	bgp_msg_free(&m);
}

static void expect_reset(const uint8_t *b, size_t n, uint8_t code, uint8_t sub)
{
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(b, n, &as4_ebgp, &m, &e), -1);
	assert_int_equal(e.code, code);
	assert_int_equal(e.subcode, sub);
}

/* RFC 4271 §6.3 codes, with RFC 7606's handling. */
static void test_update_errors(void **state)
{
	(void)state;
	uint8_t b[512];
	/* withdrawn routes length past the end: 3/1, reset */
	size_t n = mk_update(b, NULL, 0, false);
	b[20] = 5;
	expect_reset(b, n, 3, 1);
	/* total attribute length past the end: 3/1, reset */
	n = mk_update(b, NULL, 0, false);
	b[22] = 9;
	expect_reset(b, n, 3, 1);
	/* NLRI prefix length 33: 3/10 */
	static const uint8_t base[] = { BASE_ATTRS };
	n = mk_update(b, base, sizeof base, true);
	b[n - 2] = 33;
	expect_reset(b, n, 3, 10);
	/* NLRI prefix running past the end: 3/10 */
	n = mk_update(b, base, sizeof base, true);
	b[n - 2] = 24;
	expect_reset(b, n, 3, 10);
	/* an unrecognized well-known attribute: 3/2, reset */
	static const uint8_t wk[] = { BASE_ATTRS, 0x40, 99, 1, 0 };
	n = mk_update(b, wk, sizeof wk, true);
	expect_reset(b, n, 3, 2);

	/* treat-as-withdraw (RFC 7606 §3, §7) */
	static const uint8_t flags[] = { 0xC0, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9, 0x40, 3, 4, 10, 0, 0, 1 };
	expect_tw(flags, sizeof flags, &as4_ebgp, BGP_UPD_ATTR_FLAGS);
	static const uint8_t origin[] = { 0x40, 1, 1, 3, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9, 0x40, 3, 4, 10, 0, 0, 1 };
	expect_tw(origin, sizeof origin, &as4_ebgp, BGP_UPD_INVALID_ORIGIN);
	static const uint8_t nonh[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9 };
	expect_tw(nonh, sizeof nonh, &as4_ebgp, BGP_UPD_MISSING_WELLKNOWN);
	static const uint8_t path[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 2, 0, 0, 0xFD, 0xE9, 0x40, 3, 4, 10, 0, 0, 1 };
	expect_tw(path, sizeof path, &as4_ebgp, BGP_UPD_MALFORMED_AS_PATH);
	static const uint8_t path0[] = { 0x40, 1, 1, 0, 0x40, 2, 2, 2, 0, 0x40, 3, 4, 10, 0, 0, 1 };
	expect_tw(path0, sizeof path0, &as4_ebgp, BGP_UPD_MALFORMED_AS_PATH);
	static const uint8_t comm[] = { BASE_ATTRS, 0xC0, 8, 3, 1, 2, 3 };
	expect_tw(comm, sizeof comm, &as4_ebgp, BGP_UPD_ATTR_LENGTH);
	static const uint8_t lc[] = { BASE_ATTRS, 0xC0, 32, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	expect_tw(lc, sizeof lc, &as4_ebgp, BGP_UPD_ATTR_LENGTH);
	static const uint8_t nh[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xFD, 0xE9, 0x40, 3, 4, 0, 0, 0, 0 };
	expect_tw(nh, sizeof nh, &as4_ebgp, BGP_UPD_INVALID_NEXT_HOP);
	static const uint8_t lp[] = { BASE_ATTRS, 0x40, 5, 3, 0, 0, 1 };
	expect_tw(lp, sizeof lp, &as4_ibgp, BGP_UPD_ATTR_LENGTH);
	/* an attribute length past the attributes: 7606 §4 */
	static const uint8_t over[] = { BASE_ATTRS, 0xC0, 8, 200, 1, 2, 3, 4 };
	expect_tw(over, sizeof over, &as4_ebgp, BGP_UPD_ATTR_LENGTH);
	static const uint8_t stub[] = { BASE_ATTRS, 0xC0, 8 };
	expect_tw(stub, sizeof stub, &as4_ebgp, BGP_UPD_MALFORMED_ATTR_LIST);
}

/* RFC 7606 attribute discard and duplicates; RFC 4271 §5 unknown optional
 * attributes: transitive ones kept with Partial set, others dropped. */
static void test_update_discard_and_unknown(void **state)
{
	(void)state;
	static const uint8_t attrs[] = {
		BASE_ATTRS,
		0x40, 5, 4, 0, 0, 0, 200,                 /* LOCAL_PREF from eBGP: ignored */
		0x40, 6, 1, 0,                            /* ATOMIC_AGGREGATE of length 1: discarded */
		0x40, 1, 1, 2,                            /* a second ORIGIN: discarded */
		0xC0, 77, 2, 0xAA, 0xBB,                  /* unknown optional transitive */
		0x80, 78, 1, 0xCC,                        /* unknown optional non-transitive */
	};
	uint8_t b[512];
	size_t n = mk_update(b, attrs, sizeof attrs, true);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(b, n, &as4_ebgp, &m, &e), 0);
	struct bgp_attrs *a = &m.u.update.attrs;
	assert_false(m.u.update.treat_as_withdraw);
	assert_false(bgp_attrs_has(a, BGP_ATTR_LOCAL_PREF));
	assert_false(bgp_attrs_has(a, BGP_ATTR_ATOMIC_AGGREGATE));
	assert_int_equal(a->origin, 0);
	assert_int_equal(m.u.update.n_discarded, 3);
	static const uint8_t kept[] = { 0xE0, 77, 2, 0xAA, 0xBB };
	assert_int_equal(a->unknown_len, sizeof kept);
	assert_memory_equal(a->unknown, kept, sizeof kept);
	/* passed on as it was kept */
	uint8_t out[512];
	struct bgp_prefix p = { 0x0A000000, 8 };
	int len = bgp_encode_update(out, sizeof out, &as4_ebgp, NULL, 0, a, &p, 1);
	assert_true(len > 0);
	assert_memory_equal(out + len - 2 - sizeof kept, kept, sizeof kept);
	bgp_msg_free(&m);
}

/* RFC 4456 §8: ORIGINATOR_ID (type 9, 4 octets) and CLUSTER_LIST (type
 * 10, 4·n octets), both optional non-transitive (flags 0x80).  RFC 7606
 * §7.9/§7.10: a wrong length is treat-as-withdraw (3/5); from an external
 * peer the attribute is discarded. */
static void test_route_reflection_attrs(void **state)
{
	(void)state;
	static const uint8_t attrs[] = {
		BASE_ATTRS,
		0x80, 9, 4, 10, 0, 0, 1,                             /* ORIGINATOR_ID 10.0.0.1 */
		0x80, 10, 8, 10, 0, 0, 100, 10, 0, 0, 200,           /* CLUSTER_LIST 10.0.0.100 10.0.0.200 */
	};
	uint8_t b[512];
	size_t n = mk_update(b, attrs, sizeof attrs, true);
	struct bgp_msg m;
	struct bgp_err e;
	assert_int_equal(bgp_msg_decode(b, n, &as4_ibgp, &m, &e), 0);
	struct bgp_attrs *a = &m.u.update.attrs;
	assert_false(m.u.update.treat_as_withdraw);
	assert_true(bgp_attrs_has(a, BGP_ATTR_ORIGINATOR_ID));
	assert_true(bgp_attrs_has(a, BGP_ATTR_CLUSTER_LIST));
	assert_int_equal(a->originator_id, 0x0A000001);
	assert_int_equal(a->n_cluster, 2);
	assert_int_equal(a->cluster_list[0], 0x0A000064);
	assert_int_equal(a->cluster_list[1], 0x0A0000C8);
	/* re-encoded byte for byte, in the table's order (after NEXT_HOP) */
	uint8_t out[512];
	struct bgp_prefix p = { 0x0A000000, 8 };
	int len = bgp_encode_update(out, sizeof out, &as4_ibgp, NULL, 0, a, &p, 1);
	assert_int_equal(len, (int)n);
	assert_memory_equal(out, b, n);
	/* interned sets differ by either attribute */
	struct bgp_attrs c;
	assert_int_equal(bgp_attrs_copy(&c, a), 0);
	assert_true(bgp_attrs_equal(&c, a));
	c.cluster_list[1] = 0x0A0000C9;
	assert_false(bgp_attrs_equal(&c, a));
	bgp_attrs_clear(&c);
	/* never sent to an external peer */
	len = bgp_encode_update(out, sizeof out, &as4_ebgp, NULL, 0, a, &p, 1);
	assert_true(len > 0);
	assert_int_equal(len, (int)n - 7 - 11);
	/* from an external peer: discarded, the route stays */
	bgp_msg_free(&m);
	assert_int_equal(bgp_msg_decode(b, n, &as4_ebgp, &m, &e), 0);
	assert_false(m.u.update.treat_as_withdraw);
	assert_false(bgp_attrs_has(&m.u.update.attrs, BGP_ATTR_ORIGINATOR_ID));
	assert_false(bgp_attrs_has(&m.u.update.attrs, BGP_ATTR_CLUSTER_LIST));
	assert_int_equal(m.u.update.n_discarded, 2);
	bgp_msg_free(&m);
	/* malformed lengths: treat-as-withdraw, 3/5 */
	static const uint8_t o3[] = { BASE_ATTRS, 0x80, 9, 3, 10, 0, 0 };
	expect_tw(o3, sizeof o3, &as4_ibgp, BGP_UPD_ATTR_LENGTH);
	static const uint8_t c6[] = { BASE_ATTRS, 0x80, 10, 6, 10, 0, 0, 100, 10, 0 };
	expect_tw(c6, sizeof c6, &as4_ibgp, BGP_UPD_ATTR_LENGTH);
	static const uint8_t c0[] = { BASE_ATTRS, 0x80, 10, 0 };
	expect_tw(c0, sizeof c0, &as4_ibgp, BGP_UPD_ATTR_LENGTH);
	/* wrong flags (transitive set): 3/4 treat-as-withdraw (RFC 7606 §3 c) */
	static const uint8_t fl[] = { BASE_ATTRS, 0xC0, 9, 4, 10, 0, 0, 1 };
	expect_tw(fl, sizeof fl, &as4_ibgp, BGP_UPD_ATTR_FLAGS);
}

static void test_aspath(void **state)
{
	(void)state;
	struct bgp_aspath p;
	uint32_t seq[] = { 3, 2, 1 };
	bgp_aspath_from_seq(&p, seq, 3);
	assert_int_equal(bgp_aspath_length(&p), 3);
	assert_int_equal(bgp_aspath_first_as(&p), 3);
	assert_int_equal(bgp_aspath_origin_as(&p), 1);
	assert_int_equal(bgp_aspath_prepend(&p, 7, 2), 0);
	assert_int_equal(p.nw, 6);
	assert_int_equal(bgp_aspath_length(&p), 5);
	char s[128];
	assert_string_equal(bgp_aspath_str(&p, s, sizeof s), "7 7 3 2 1");
	/* a set counts 1 (RFC 4271 §9.1.2.2 a) and has no origin AS (RFC 6811) */
	uint32_t *w = realloc(p.w, (p.nw + 3) * sizeof *w);
	p.w = w;
	p.w[p.nw++] = BGP_SEG_HDR(BGP_AS_SET, 2);
	p.w[p.nw++] = 8;
	p.w[p.nw++] = 9;
	assert_int_equal(bgp_aspath_length(&p), 6);
	assert_int_equal(bgp_aspath_origin_as(&p), 0);
	assert_true(bgp_aspath_contains(&p, 9));
	assert_false(bgp_aspath_contains(&p, 4));
	assert_string_equal(bgp_aspath_str(&p, s, sizeof s), "7 7 3 2 1 {8,9}");
	free(p.w);
	/* 300 prepends span two segments (255 at most each) */
	struct bgp_aspath q = { 0 };
	assert_int_equal(bgp_aspath_prepend(&q, 5, 300), 0);
	assert_int_equal(bgp_aspath_length(&q), 300);
	assert_int_equal(BGP_SEG_COUNT(q.w[0]), 45);
	free(q.w);
}

static void test_intern(void **state)
{
	(void)state;
	struct bgp_attr_cache *c = bgp_attr_cache_new();
	struct bgp_attrs a, b;
	sample_attrs(&a);
	sample_attrs(&b);
	const struct bgp_attrs *ia = bgp_attrs_intern(c, &a);
	const struct bgp_attrs *ib = bgp_attrs_intern(c, &b);
	assert_ptr_equal(ia, ib);
	assert_int_equal(ia->refs, 2);
	assert_int_equal(bgp_attr_cache_count(c), 1);
	b.med = 101;
	const struct bgp_attrs *ic = bgp_attrs_intern(c, &b);
	assert_ptr_not_equal(ia, ic);
	assert_int_equal(bgp_attr_cache_count(c), 2);
	bgp_attrs_unref(c, ia);
	bgp_attrs_unref(c, ib);
	assert_int_equal(bgp_attr_cache_count(c), 1);
	/* many distinct sets grow the table */
	const struct bgp_attrs *v[500];
	for (int i = 0; i < 500; i++) {
		b.med = 1000 + (uint32_t)i;
		v[i] = bgp_attrs_intern(c, &b);
	}
	assert_int_equal(bgp_attr_cache_count(c), 501);
	b.med = 1250;
	assert_ptr_equal(bgp_attrs_intern(c, &b), v[250]);
	bgp_attrs_unref(c, v[250]);
	for (int i = 0; i < 500; i++)
		bgp_attrs_unref(c, v[i]);
	bgp_attrs_unref(c, ic);
	assert_int_equal(bgp_attr_cache_count(c), 0);
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
	bgp_attr_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_encode_as4),
		cmocka_unit_test(test_update_as_trans),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_notification_keepalive),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_update_errors),
		cmocka_unit_test(test_update_discard_and_unknown),
		cmocka_unit_test(test_route_reflection_attrs),
		cmocka_unit_test(test_aspath),
		cmocka_unit_test(test_intern),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
