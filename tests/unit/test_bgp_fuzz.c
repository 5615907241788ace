/* Fuzzing the BGP decoder (models/bgp/bgp_msg.c, bgp_attr_codec.c): over a
 * million messages, valid ones built by the encoder from random attribute
 * sets and then mutated (bit flips, bytes overwritten, truncation and
 * extension with the header length fixed up or not, length fields and
 * attribute flags rewritten, random attributes spliced in) plus wholly
 * random ones behind a valid marker.  Under ASan/UBSan (build/san) any
 * out-of-bounds read is a crash.  Every message must either decode, or be
 * refused with a NOTIFICATION code/subcode that RFC 4271 §4.5/§6 defines;
 * a treat-as-withdraw UPDATE must carry an UPDATE Message Error subcode.
 * A decoded UPDATE re-encodes and decodes to the same attributes and
 * prefixes.  Then the same through the session: mutated messages sent on
 * an Established session (channel transport) leave it Established or take
 * it down with a valid NOTIFICATION, and it comes back.  The generator is a
 * fixed-seed LCG: the run is the same every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/bgp/bgp_session_priv.h"
#include "sim/sim.h"

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	rs = rs * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rs >> 33);
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

/* RFC 4271 §4.5 (with RFC 5492's 2/7, RFC 4486's Cease and RFC 6608's FSM
 * subcodes): is code/subcode one a NOTIFICATION may carry? */
static bool valid_notif(uint8_t code, uint8_t sub)
{
	switch (code) {
	case 1: return sub >= 1 && sub <= 3;
	case 2: return sub <= 7 && sub != 5;
	case 3: return sub <= 11 && sub != 7;
	case 4: return sub == 0;
	case 5: return sub <= 3;
	case 6: return sub <= 8;
	}
	return false;
}

static void random_attrs(struct bgp_attrs *a)
{
	bgp_attrs_init(a);
	a->present = BGP_AP(BGP_ATTR_ORIGIN) | BGP_AP(BGP_ATTR_AS_PATH) | BGP_AP(BGP_ATTR_NEXT_HOP);
	a->origin = (uint8_t)below(3);
	a->next_hop = 0x0A000001 + below(1000);
	unsigned nseg = below(4);
	for (unsigned s = 0; s < nseg; s++) {
		unsigned n = 1 + below(6);
		uint32_t asn = below(4) == 0 ? 4200000000u + below(100) : 1 + below(65000);
		if (below(5) == 0) {
			/* an AS_SET at the end */
			uint32_t *w = realloc(a->as_path.w, (a->as_path.nw + 1 + n) * sizeof *w);
			assert_non_null(w);
			a->as_path.w = w;
			w[a->as_path.nw++] = BGP_SEG_HDR(BGP_AS_SET, n);
			for (unsigned k = 0; k < n; k++)
				w[a->as_path.nw++] = asn + k;
		} else {
			bgp_aspath_prepend(&a->as_path, asn, n);
		}
	}
	if (below(2)) {
		a->present |= BGP_AP(BGP_ATTR_MED);
		a->med = rnd();
	}
	if (below(3) == 0) {
		a->present |= BGP_AP(BGP_ATTR_LOCAL_PREF);
		a->local_pref = rnd();
	}
	if (below(4) == 0)
		a->present |= BGP_AP(BGP_ATTR_ATOMIC_AGGREGATE);
	if (below(4) == 0) {
		a->present |= BGP_AP(BGP_ATTR_AGGREGATOR);
		a->aggregator_as = below(2) ? 4200000000u : 65000;
		a->aggregator_addr = rnd();
	}
	unsigned nc = below(3) ? 0 : below(80);
	for (unsigned i = 0; i < nc; i++)
		bgp_attrs_add_community(a, rnd());
	unsigned nl = below(3) ? 0 : below(30);
	for (unsigned i = 0; i < nl; i++)
		bgp_attrs_add_large(a, (struct bgp_large_comm){ rnd(), rnd(), rnd() });
	if (below(4) == 0) {                /* RFC 4456 §8 (encoded on iBGP only) */
		a->present |= BGP_AP(BGP_ATTR_ORIGINATOR_ID) | BGP_AP(BGP_ATTR_CLUSTER_LIST);
		a->originator_id = rnd() | 1;
		a->n_cluster = 1 + below(5);
		a->cluster_list = malloc(a->n_cluster * sizeof *a->cluster_list);
		assert_non_null(a->cluster_list);
		for (unsigned i = 0; i < a->n_cluster; i++)
			a->cluster_list[i] = rnd();
	}
	if (below(4) == 0) {
		/* an unknown optional transitive attribute, Partial set as kept */
		uint8_t len = (uint8_t)below(20);
		uint8_t *u = malloc(3u + len);
		assert_non_null(u);
		u[0] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE | BGP_AF_PARTIAL;
		u[1] = (uint8_t)(40 + below(100));
		u[2] = len;
		for (unsigned i = 0; i < len; i++)
			u[3 + i] = (uint8_t)rnd();
		a->unknown = u;
		a->unknown_len = 3u + len;
	}
}

static uint32_t random_prefixes(struct bgp_prefix *p, uint32_t max)
{
	uint32_t n = below(max + 1);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t len = (uint8_t)below(33);
		p[i].len = len;
		p[i].addr = rnd() & (len ? ~0u << (32 - len) : 0);
	}
	return n;
}

/* A valid message of any type into b; its length. */
static size_t make_seed(uint8_t *b, size_t cap, struct bgp_codec_ctx *ctx)
{
	ctx->as4 = below(4) != 0;
	ctx->ibgp = below(2);
	ctx->local_as = 65000;
	switch (below(10)) {
	case 0: {
		struct bgp_open o = { .version = 4, .as = below(2) ? 4200000000u : 65001,
				      .hold_time_s = (uint16_t)below(200), .bgp_id = rnd() | 1,
				      .cap_mp_ipv4_unicast = below(2), .cap_route_refresh = below(2),
				      .cap_as4 = below(4) != 0 };
		return (size_t)bgp_encode_open(b, cap, &o);
	}
	case 1:
		return (size_t)bgp_encode_keepalive(b, cap);
	case 2: {
		uint8_t d[32];
		size_t dl = below(sizeof d);
		for (size_t i = 0; i < dl; i++)
			d[i] = (uint8_t)rnd();
		return (size_t)bgp_encode_notification(b, cap, (uint8_t)below(7), (uint8_t)below(12), d, dl);
	}
	case 3:
		return (size_t)bgp_encode_route_refresh(b, cap, 1, 1);
	default: {
		struct bgp_attrs a;
		random_attrs(&a);
		struct bgp_prefix w[40], n[40];
		uint32_t nw = random_prefixes(w, below(3) ? 3 : 40);
		uint32_t nn = random_prefixes(n, below(3) ? 3 : 40);
		int len = bgp_encode_update(b, cap, ctx, w, nw, nn || below(2) ? &a : NULL, n, nn);
		bgp_attrs_clear(&a);
		if (len < 0)
			len = bgp_encode_keepalive(b, cap);
		return (size_t)len;
	}
	}
}

static void fix_len(uint8_t *b, size_t n)
{
	if (n >= 18) {
		b[16] = (uint8_t)(n >> 8);
		b[17] = (uint8_t)n;
	}
}

/* One to three mutations of b[0..*n), within cap. */
static void mutate(uint8_t *b, size_t *n, size_t cap)
{
	unsigned k = 1 + below(3);
	for (unsigned i = 0; i < k; i++) {
		size_t len = *n;
		switch (below(9)) {
		case 0: {                               /* bit flips */
			unsigned f = 1 + below(8);
			for (unsigned j = 0; j < f && len; j++) {
				size_t at = 19 + below((uint32_t)(len > 19 ? len - 19 : 1));
				if (at < len)
					b[at] ^= (uint8_t)(1u << below(8));
			}
			break;
		}
		case 1:                                 /* any byte, even the header */
			if (len)
				b[below((uint32_t)len)] = (uint8_t)rnd();
			break;
		case 2:                                 /* truncation */
			*n = below((uint32_t)len + 1);
			if (below(2))
				fix_len(b, *n);
			break;
		case 3: {                               /* extension with junk */
			size_t add = below(64);
			if (len + add > cap)
				add = cap - len;
			for (size_t j = 0; j < add; j++)
				b[len + j] = (uint8_t)rnd();
			*n = len + add;
			if (below(4))
				fix_len(b, *n);
			break;
		}
		case 4:                                 /* header length */
			if (len >= 18) {
				uint16_t v = below(2) ? (uint16_t)below(4200) : (uint16_t)(len + below(5) - 2);
				b[16] = (uint8_t)(v >> 8);
				b[17] = (uint8_t)v;
			}
			break;
		case 5:                                 /* UPDATE length fields */
			if (len >= 23 && b[18] == BGP_MSG_UPDATE) {
				size_t at = below(2) ? 19 : 21 + ((size_t)b[19] << 8 | b[20]);
				if (at + 1 < len) {
					uint16_t v = below(2) ? (uint16_t)rnd() : (uint16_t)below(64);
					b[at] = (uint8_t)(v >> 8);
					b[at + 1] = (uint8_t)v;
				}
			}
			break;
		case 6:                                 /* attribute flags and lengths */
			if (len >= 23 && b[18] == BGP_MSG_UPDATE) {
				size_t wl = (size_t)b[19] << 8 | b[20];
				size_t o = 23 + wl;
				if (o > len)
					break;
				size_t tal = (size_t)b[21 + wl] << 8 | b[22 + wl];
				size_t end = o + tal < len ? o + tal : len;
				unsigned target = below(8), idx = 0;
				while (o + 3 <= end) {
					size_t hl = (b[o] & BGP_AF_EXTLEN) ? 4 : 3;
					if (o + hl > end)
						break;
					size_t al = hl == 4 ? ((size_t)b[o + 2] << 8 | b[o + 3]) : b[o + 2];
					if (idx++ == target) {
						if (below(2))
							b[o] = (uint8_t)(b[o] ^ (0x10u << below(4)));
						else
							b[o + hl - 1] = (uint8_t)rnd();
						break;
					}
					o += hl + al;
				}
			}
			break;
		case 7: {                               /* splice a random attribute */
			if (len >= 23 && b[18] == BGP_MSG_UPDATE && len + 8 <= cap) {
				size_t wl = (size_t)b[19] << 8 | b[20];
				size_t at = 23 + wl;
				if (at > len)
					break;
				uint8_t t[8] = { (uint8_t)(rnd() & 0xF0), (uint8_t)below(40), 5,
						 (uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)rnd(),
						 (uint8_t)rnd(), (uint8_t)rnd() };
				memmove(b + at + 8, b + at, len - at);
				memcpy(b + at, t, 8);
				size_t tal = ((size_t)b[21 + wl] << 8 | b[22 + wl]) + 8;
				b[21 + wl] = (uint8_t)(tal >> 8);
				b[22 + wl] = (uint8_t)tal;
				*n = len + 8;
				fix_len(b, *n);
			}
			break;
		}
		case 8:                                 /* wholly random body */
			*n = 19 + below(200);
			for (size_t j = 16; j < *n; j++)
				b[j] = (uint8_t)rnd();
			b[18] = (uint8_t)(1 + below(6));
			if (below(2))
				fix_len(b, *n);
			break;
		}
	}
}

struct tally {
	uint64_t ok, tw, reset;
	uint64_t by_code[7];
};

static void check_one(const uint8_t *b, size_t n, const struct bgp_codec_ctx *ctx, struct tally *t)
{
	struct bgp_msg m;
	struct bgp_err e;
	struct bgp_err fe;
	int fr = bgp_msg_frame(b, n, &fe);
	if (fr < 0)
		assert_true(valid_notif(fe.code, fe.subcode));
	if (bgp_msg_decode(b, n, ctx, &m, &e) < 0) {
		if (!valid_notif(e.code, e.subcode))
			fail_msg("decoder refused with %u/%u", e.code, e.subcode);
		assert_true(e.data_len <= BGP_ERR_DATA_MAX);
		t->reset++;
		t->by_code[e.code]++;
		return;
	}
	/* it decoded: the framing agreed it is one whole message */
	assert_int_equal(fr, (int)n);
	if (m.type == BGP_MSG_UPDATE) {
		struct bgp_update *u = &m.u.update;
		if (u->treat_as_withdraw) {
			assert_int_equal(u->tw_err.code, BGP_ERR_UPDATE);
			assert_true(valid_notif(u->tw_err.code, u->tw_err.subcode));
			t->tw++;
			t->by_code[3]++;
		} else {
			t->ok++;
		}
		for (uint32_t i = 0; i < u->n_nlri; i++)
			assert_true(u->nlri[i].len <= 32);
		if (!u->treat_as_withdraw && ctx->as4) {
			/* round trip: re-encoded, it decodes to the same */
			uint8_t out[BGP_MAX_MSG_LEN];
			int len = bgp_encode_update(out, sizeof out, ctx, u->withdrawn, u->n_withdrawn,
						    u->has_attrs || u->n_nlri ? &u->attrs : NULL,
						    u->nlri, u->n_nlri);
			assert_true(len > 0);
			struct bgp_msg m2;
			assert_int_equal(bgp_msg_decode(out, (size_t)len, ctx, &m2, &e), 0);
			assert_false(m2.u.update.treat_as_withdraw);
			assert_true(bgp_attrs_equal(&m2.u.update.attrs, &u->attrs));
			assert_int_equal(m2.u.update.n_nlri, u->n_nlri);
			assert_int_equal(m2.u.update.n_withdrawn, u->n_withdrawn);
			for (uint32_t i = 0; i < u->n_nlri; i++) {
				assert_int_equal(m2.u.update.nlri[i].addr, u->nlri[i].addr);
				assert_int_equal(m2.u.update.nlri[i].len, u->nlri[i].len);
			}
			bgp_msg_free(&m2);
		}
	} else {
		t->ok++;
	}
	bgp_msg_free(&m);
}

#define N_MESSAGES 1000000

static void test_decoder_fuzz(void **state)
{
	(void)state;
	uint8_t seed[BGP_MAX_MSG_LEN + 64], b[BGP_MAX_MSG_LEN + 128];
	struct tally t = { 0 };
	struct bgp_codec_ctx ctx = { 0 };
	size_t sn = 0;
	for (int i = 0; i < N_MESSAGES; i++) {
		if (i % 16 == 0)
			sn = make_seed(seed, BGP_MAX_MSG_LEN, &ctx);
		memcpy(b, seed, sn);
		size_t n = sn;
		if (i % 16 != 0)                 /* one in 16 goes in unmutated */
			mutate(b, &n, BGP_MAX_MSG_LEN + 64);
		check_one(b, n, &ctx, &t);
	}
	printf("decoder fuzz: %d messages: %llu decoded, %llu treat-as-withdraw, %llu refused "
	       "(1/x %llu, 2/x %llu, 3/x %llu)\n", N_MESSAGES, (unsigned long long)t.ok,
	       (unsigned long long)t.tw, (unsigned long long)t.reset,
	       (unsigned long long)t.by_code[1], (unsigned long long)t.by_code[2],
	       (unsigned long long)(t.by_code[3] - t.tw));
	assert_int_equal(t.ok + t.tw + t.reset, N_MESSAGES);
	/* the mutations reach every class */
	assert_true(t.ok > 10000 && t.tw > 10000 && t.by_code[1] > 10000 && t.by_code[3] > t.tw);
}

/* ---- through the session ---- */

struct fz {
	int up, down;
	struct bgp_down last;
};

static void f_up(struct bgp_session *s, void *ctx) { (void)s; ((struct fz *)ctx)->up++; }
static void f_down(struct bgp_session *s, const struct bgp_down *d, void *ctx)
{
	(void)s;
	struct fz *f = ctx;
	f->down++;
	f->last = *d;
}

static void test_session_fuzz(void **state)
{
	(void)state;
	struct sim *sim = sim_new(3);
	struct bgp_session_config ca, cb;
	bgp_session_config_default(&ca);
	bgp_session_config_default(&cb);
	ca.transport = cb.transport = BGP_TRANSPORT_CHANNEL;
	ca.local_as = cb.peer_as = 65001;
	cb.local_as = ca.peer_as = 65002;
	ca.local_id = 1;
	cb.local_id = 2;
	cb.passive = true;
	ca.log = cb.log = false;
	ca.connect_retry = cb.connect_retry = SIM_S(1);
	struct fz fa = { 0 }, fb = { 0 };
	struct bgp_session_cb cbs = { .established = f_up, .down = f_down };
	char err[128];
	struct bgp_session *a = bgp_session_new(sim, NULL, &ca, &cbs, &fa, err, sizeof err);
	struct bgp_session *bs = bgp_session_new(sim, NULL, &cb, &cbs, &fb, err, sizeof err);
	assert_non_null(a);
	assert_non_null(bs);
	bgp_channel_join(a, bs);
	bgp_session_start(a);
	bgp_session_start(bs);
	simtime_t t = 0;
	uint8_t b[BGP_MAX_MSG_LEN + 128];
	int sent = 0, downs = 0;
	for (int i = 0; i < 3000; i++) {
		t += SIM_S(5);
		sim_run(sim, t);
		if (bgp_session_state(a) != BGP_ESTABLISHED || bgp_session_state(bs) != BGP_ESTABLISHED)
			continue;
		struct bgp_codec_ctx ctx;
		size_t n = make_seed(b, BGP_MAX_MSG_LEN, &ctx);
		mutate(b, &n, BGP_MAX_MSG_LEN + 64);
		int before = fb.down;
		bgp_session_send_raw(a, b, n);
		sent++;
		sim_run(sim, t + SIM_MS(10));
		if (fb.down > before) {
			downs++;
			if (fb.last.reason == BGP_DOWN_NOTIF_SENT) {
				const struct bgp_session_stats *st = bgp_session_stats(bs);
				assert_true(valid_notif(st->last_notif_sent[0], st->last_notif_sent[1]));
			}
		}
	}
	printf("session fuzz: %d messages sent, %d sessions reset, %d times up\n", sent, downs, fb.up);
	assert_true(sent > 1000 && downs > 100);
	bgp_session_free(a);
	bgp_session_free(bs);
	sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoder_fuzz),
		cmocka_unit_test(test_session_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
