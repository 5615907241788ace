/* Fuzzing what a TLS receiver parses (models/tls): record headers, the
 * TLS 1.3 inner plaintext, handshake messages (ClientHello with all its
 * extensions, ServerHello, EncryptedExtensions, Certificate,
 * CertificateVerify, ServerKeyExchange, ClientKeyExchange, Finished,
 * NewSessionTicket) and tickets.
 *   - 10^6 inputs: valid encodings mutated (bit flips, random bytes, length
 *     fields set to boundary values, truncation, extension, chunks
 *     duplicated) and purely random ones, through every decoder; ASan and
 *     UBSan watch (make build/san/tests/test_tls_fuzz).  A decoder returns
 *     0 or an alert description, never anything else.
 *   - the same inside a simulation: mutated ClientHello flights to a TLS
 *     server, and mutated server flights to a TLS client, over TCP; every
 *     malformed one ends in an alert and a closed connection, never a
 *     crash (RFC 8446 6: errors are alerts).
 * The mutations come from a fixed xorshift generator, so a failure
 * reproduces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/net/net.h"
#include "models/tls/tls_priv.h"
#include "sim/packet.h"
#include "sim/sim.h"

static uint64_t xs = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

static size_t mutate(uint8_t *b, size_t n, size_t cap)
{
	int k = 1 + (int)(rnd() % 4);
	for (int i = 0; i < k; i++) {
		switch (rnd() % 7) {
		case 0: /* flip a bit */
			if (n)
				b[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1: /* a random byte */
			if (n)
				b[rnd() % n] = (uint8_t)rnd();
			break;
		case 2: { /* a length-like field at a boundary */
			static const uint16_t v[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000,
						      0x4100, 0x7fff, 0xffff };
			if (n >= 2) {
				size_t at = rnd() % (n - 1);
				uint16_t x = v[rnd() % (sizeof(v) / sizeof(v[0]))];
				b[at] = (uint8_t)(x >> 8);
				b[at + 1] = (uint8_t)x;
			}
			break;
		}
		case 3: /* truncate */
			if (n)
				n = rnd() % n;
			break;
		case 4: { /* extend with random bytes */
			size_t add = rnd() % 64;
			if (n + add > cap)
				add = cap - n;
			for (size_t j = 0; j < add; j++)
				b[n + j] = (uint8_t)rnd();
			n += add;
			break;
		}
		case 5: { /* duplicate a chunk */
			if (!n)
				break;
			size_t from = rnd() % n, len = rnd() % 32;
			if (from + len > n)
				len = n - from;
			if (n + len > cap)
				len = cap - n;
			memmove(b + from + len, b + from, n - from);
			n += len;
			break;
		}
		default: /* zero a run */
			if (n) {
				size_t at = rnd() % n, len = rnd() % 8;
				if (at + len > n)
					len = n - at;
				memset(b + at, 0, len);
			}
			break;
		}
	}
	return n;
}

static bool is_alert(int a)
{
	return a == 0 || a == TLS_ALERT_DECODE_ERROR || a == TLS_ALERT_ILLEGAL_PARAMETER ||
	       a == TLS_ALERT_UNEXPECTED_MESSAGE;
}

/* ---- the corpus: valid messages from the encoders ---- */

enum { M_CH, M_SH, M_EE, M_CERT, M_CV, M_SKE, M_CKE, M_FIN, M_NST, M_REC, M_N };

struct seed {
	int kind;
	uint16_t version;
	struct wbuf w;
};

static int build_corpus(struct seed *s)
{
	int n = 0;
	uint8_t random[32] = { 1, 2, 3 }, sid[32] = { 4, 5, 6 }, ticket[208];
	memset(ticket, 0xab, sizeof(ticket));
	struct tls_alpn_list al;
	assert_int_equal(tls_alpn_parse("h2,http/1.1", &al), 0);
	for (int v = 0; v < 4; v++) {
		struct tls_ch_params p = {
			.max_version = v < 2 ? TLS_V13 : TLS_V12, .random = random, .sid = sid,
			.sid_len = 32, .sni = "www.example.test", .alpn = &al, .seed = 7,
		};
		if (v == 1) {
			p.psk = ticket;
			p.psk_len = sizeof(ticket);
			p.early_data = true;
		}
		if (v == 3) {
			p.ticket12 = ticket;
			p.ticket12_len = 176;
		}
		s[n].kind = M_CH;
		tls_enc_client_hello(&s[n++].w, &p);
	}
	for (int v = 0; v < 3; v++) {
		struct tls_sh_params p = {
			.version = v ? TLS_V12 : TLS_V13, .random = random, .sid = sid, .sid_len = 32,
			.suite = v ? TLS_ECDHE_RSA_AES256_GCM : TLS_AES_256_GCM_SHA384,
			.psk_selected = v == 0, .ticket_ext = v == 1, .alpn = "h2", .seed = 3,
		};
		s[n].kind = M_SH;
		tls_enc_server_hello(&s[n++].w, &p);
	}
	s[n].kind = M_EE;
	tls_enc_encrypted_extensions(&s[n++].w, "http/1.1", true);
	for (int v = 0; v < 2; v++) {
		s[n].kind = M_CERT;
		s[n].version = v ? TLS_V12 : TLS_V13;
		tls_enc_certificate(&s[n].w, s[n].version, v ? TLS_SIGN_RSA2048 : TLS_SIGN_ECDSA_P256,
				    v ? 900 : 400, 9);
		n++;
	}
	s[n].kind = M_CV;
	tls_enc_certificate_verify(&s[n++].w, TLS_SIGN_ECDSA_P256, 1);
	s[n].kind = M_SKE;
	tls_enc_server_key_exchange(&s[n++].w, TLS_SIGN_RSA2048, 1);
	s[n].kind = M_CKE;
	tls_enc_client_key_exchange(&s[n++].w, 1);
	s[n].kind = M_FIN;
	s[n].version = TLS_V13;
	tls_enc_finished(&s[n++].w, TLS_V13, 1);
	for (int v = 0; v < 2; v++) {
		struct tls_nst t = { .lifetime_s = 7200, .ticket_len = 64, .max_early_data = v ? 0 : 16384 };
		s[n].kind = M_NST;
		s[n].version = v ? TLS_V12 : TLS_V13;
		tls_enc_new_session_ticket(&s[n].w, s[n].version, &t, 2);
		n++;
	}
	/* a record stream: header + body */
	s[n].kind = M_REC;
	wb_u8(&s[n].w, TLS_CT_APP);
	wb_u16(&s[n].w, TLS_V12);
	wb_u16(&s[n].w, 40);
	wb_random(&s[n].w, 23, 5);
	wb_u8(&s[n].w, TLS_CT_HANDSHAKE);
	wb_random(&s[n].w, 16, 6);
	n++;
	return n;
}

/* every decoder on one input; the message ones get the body (after the
 * 4-byte handshake header, as the receiver hands it) */
static void decode_all(const uint8_t *b, size_t n, uint16_t version)
{
	struct tls_client_hello *ch = malloc(sizeof(*ch));
	struct tls_server_hello sh;
	struct tls_nst *t = malloc(sizeof(*t));
	char alpn[32];
	bool early;
	const uint8_t *body = n >= 4 ? b + 4 : b;
	size_t bl = n >= 4 ? n - 4 : 0;
	uint16_t v = version ? version : TLS_V13;
	assert_true(is_alert(tls_dec_client_hello(body, bl, ch)));
	assert_true(is_alert(tls_dec_server_hello(body, bl, &sh)));
	assert_true(is_alert(tls_dec_encrypted_extensions(body, bl, alpn, &early)));
	assert_true(strlen(alpn) < 32);
	assert_true(is_alert(tls_dec_certificate(body, bl, v)));
	assert_true(is_alert(tls_dec_signed(body, bl, false)));
	assert_true(is_alert(tls_dec_signed(body, bl, true)));
	assert_true(is_alert(tls_dec_client_key_exchange(body, bl)));
	assert_true(is_alert(tls_dec_finished(body, bl, v)));
	assert_true(is_alert(tls_dec_new_session_ticket(body, bl, v, t)));
	assert_true(t->ticket_len <= TLS_MAX_TICKET);
	struct tls_ticket tk;
	tls_ticket_open(b, (uint16_t)(n > 65535 ? 65535 : n), &tk);
	uint8_t type, inner;
	uint16_t len;
	int r = tls_rec_header(b, n, TLS13_MAX_CIPHER, &type, &len);
	assert_true(r == 0 || r == 1 || r == -TLS_ALERT_UNEXPECTED_MESSAGE || r == -TLS_ALERT_PROTOCOL_VERSION ||
		    r == -TLS_ALERT_RECORD_OVERFLOW);
	if (r == 1)
		assert_true(len <= TLS13_MAX_CIPHER);
	size_t pl;
	if (tls13_unwrap(b, n, &inner, &pl) == 0)
		assert_true(pl < n);
	free(ch);
	free(t);
}

static void test_decoders_accept_encoders(void **state)
{
	(void)state;
	struct seed s[32] = { 0 };
	int n = build_corpus(s);
	struct tls_client_hello *ch = malloc(sizeof(*ch));
	for (int i = 0; i < n; i++) {
		const uint8_t *b = s[i].w.p + 4;
		size_t bl = s[i].w.len - 4;
		struct tls_server_hello sh;
		struct tls_nst t;
		char alpn[32];
		bool early;
		switch (s[i].kind) {
		case M_CH:
			assert_int_equal(tls_dec_client_hello(b, bl, ch), 0);
			assert_string_equal(ch->sni, "www.example.test");
			assert_int_equal(ch->alpn.n, 2);
			assert_string_equal(ch->alpn.name[1], "http/1.1");
			assert_int_equal(ch->sid_len, 32);
			if (ch->has_psk)
				assert_true(ch->psk_id_len == 208 && ch->has_early_data && ch->offers_13);
			break;
		case M_SH:
			assert_int_equal(tls_dec_server_hello(b, bl, &sh), 0);
			break;
		case M_EE:
			assert_int_equal(tls_dec_encrypted_extensions(b, bl, alpn, &early), 0);
			assert_string_equal(alpn, "http/1.1");
			assert_true(early);
			break;
		case M_CERT:
			assert_int_equal(tls_dec_certificate(b, bl, s[i].version), 0);
			break;
		case M_CV:
			assert_int_equal(tls_dec_signed(b, bl, false), 0);
			break;
		case M_SKE:
			assert_int_equal(tls_dec_signed(b, bl, true), 0);
			break;
		case M_CKE:
			assert_int_equal(tls_dec_client_key_exchange(b, bl), 0);
			break;
		case M_FIN:
			assert_int_equal(tls_dec_finished(b, bl, TLS_V13), 0);
			break;
		case M_NST:
			assert_int_equal(tls_dec_new_session_ticket(b, bl, s[i].version, &t), 0);
			assert_int_equal(t.ticket_len, 64);
			break;
		}
	}
	free(ch);
	for (int i = 0; i < n; i++)
		wb_free(&s[i].w);
}

#define FUZZ_N 1000000

static void test_fuzz_decoders(void **state)
{
	(void)state;
	struct seed s[32] = { 0 };
	int n = build_corpus(s);
	size_t cap = 4096;
	uint8_t *buf = malloc(cap);
	for (long i = 0; i < FUZZ_N; i++) {
		size_t len;
		uint16_t v = 0;
		if (i % 16 == 0) {
			len = rnd() % 512; /* purely random */
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)rnd();
		} else {
			struct seed *sd = &s[rnd() % (uint64_t)n];
			len = sd->w.len < cap - 256 ? sd->w.len : cap - 256;
			memcpy(buf, sd->w.p, len);
			len = mutate(buf, len, cap);
			v = sd->version;
		}
		/* an exact-size heap copy, so ASan sees any read past the end */
		uint8_t *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		decode_all(exact, len, v);
		free(exact);
	}
	free(buf);
	for (int i = 0; i < n; i++)
		wb_free(&s[i].w);
}

/* ---- in a simulation ---- */

struct world {
	struct sim *s;
	struct net *n;
	struct node *a, *b;
	int errors, closed, done, raw_closed;
	int alerts_seen; /* raw peers that received an alert record */
};

struct raw {
	struct world *w;
	struct tcp_sock *ts;
	struct pbuf *msg;
	bool got_alert;
};

/* raw peers live in a pool, so those still open when the simulation is
 * freed (their sockets go without callbacks) are not leaked */
#define SIM_FUZZ_N 3000
static struct raw raws[SIM_FUZZ_N];
static int nraws;

static struct raw *raw_new(struct world *w)
{
	assert_true(nraws < SIM_FUZZ_N);
	struct raw *r = &raws[nraws++];
	memset(r, 0, sizeof(*r));
	r->w = w;
	return r;
}

static void raws_free(void)
{
	for (int i = 0; i < nraws; i++)
		if (raws[i].msg)
			pbuf_unref(raws[i].msg);
	nraws = 0;
}

static void raw_send(struct raw *r)
{
	if (r->msg) {
		tcp_send(r->ts, r->msg->len, r->msg, 0);
		pbuf_unref(r->msg);
		r->msg = NULL;
	}
}

static void raw_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	raw_send(ctx);
}

static void raw_send(struct raw *r);

static void raw_readable(struct tcp_sock *ts, void *ctx)
{
	struct raw *r = ctx;
	uint8_t b[2048];
	uint64_t k;
	while ((k = tcp_recv(ts, sizeof(b), b)) > 0)
		for (uint64_t i = 0; i + 4 < k; i++)
			if (b[i] == TLS_CT_ALERT && b[i + 1] == 3 && b[i + 3] == 0)
				r->got_alert = true;
	/* the server's flight for a raw server: answer a ClientHello once */
	raw_send(r);
}

static void raw_gone(struct raw *r)
{
	if (!r->ts)
		return;
	r->w->raw_closed++;
	r->w->alerts_seen += r->got_alert;
	tcp_close(r->ts);
	r->ts = NULL;
}

static void raw_peer_closed(struct tcp_sock *ts, void *ctx)
{
	raw_readable(ts, ctx);
	raw_gone(ctx);
}

static void raw_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct raw *r = ctx;
	r->ts = NULL;
	r->w->raw_closed++;
}

static const struct tcp_cb raw_cb = {
	.connected = raw_connected, .readable = raw_readable, .peer_closed = raw_peer_closed,
	.closed = raw_closed,
};

static void t_done(struct tls_conn *tc, const struct tls_hs_info *hi, void *ctx)
{
	(void)tc;
	(void)hi;
	((struct world *)ctx)->done++;
}

static void t_error(struct tls_conn *tc, int err, void *ctx)
{
	(void)tc;
	(void)err;
	((struct world *)ctx)->errors++;
}

static void t_closed(struct tls_conn *tc, void *ctx)
{
	(void)tc;
	((struct world *)ctx)->closed++;
}

static void t_peer_closed(struct tls_conn *tc, void *ctx)
{
	(void)ctx;
	tls_close(tc);
}

static const struct tls_cb tcb = {
	.handshake_done = t_done, .error = t_error, .closed = t_closed, .peer_closed = t_peer_closed,
};

static struct tls_config scfg;

static void srv_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	assert_non_null(tls_server(child, &scfg, &tcb, ctx));
}

static const struct tcp_cb listen_cb = { .accept = srv_accept };

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->s = sim_new(1);
	w->n = net_get(w->s);
	w->a = node_new(w->n, "a", false, NULL);
	w->b = node_new(w->n, "b", false, NULL);
	struct link_cfg lc = { .rate_bps = 1000000000, .delay_ns = SIM_MS(1), .mtu = 1500 };
	link_new(w->n, w->a, w->b, &lc, NULL);
}

/* a record around a message */
static void rec(struct wbuf *out, uint8_t type, const uint8_t *b, size_t n, bool v13_protected)
{
	wb_u8(out, v13_protected ? TLS_CT_APP : type);
	wb_u16(out, TLS_V12);
	wb_u16(out, (uint16_t)(n + (v13_protected ? 17 : 0)));
	wb_bytes(out, b, n);
	if (v13_protected) {
		wb_u8(out, type);
		wb_random(out, 16, n);
	}
}

static void test_fuzz_server_in_sim(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	tls_config_default(&scfg);
	struct tcp_config tcfg;
	tcp_config_default(&tcfg);
	struct tcp_sock *l = tcp_socket(w.b, &tcfg, &listen_cb, &w);
	assert_int_equal(tcp_bind(l, 443), 0);
	assert_int_equal(tcp_listen(l, 1024), 0);
	struct seed s[32] = { 0 };
	build_corpus(s);
	uint8_t buf[4096];
	for (int i = 0; i < SIM_FUZZ_N; i++) {
		/* a ClientHello record, then (sometimes) a CCS and garbage */
		struct wbuf flight = { 0 };
		struct seed *ch = &s[rnd() % 4];
		rec(&flight, TLS_CT_HANDSHAKE, ch->w.p, ch->w.len, false);
		if (rnd() % 2) {
			uint8_t one = 1;
			rec(&flight, TLS_CT_CCS, &one, 1, false);
		}
		size_t n = flight.len < sizeof(buf) - 256 ? flight.len : sizeof(buf) - 256;
		memcpy(buf, flight.p, n);
		wb_free(&flight);
		if (i % 10) /* every tenth is left valid */
			n = mutate(buf, n, sizeof(buf));
		struct raw *r = raw_new(&w);
		r->msg = pbuf_new(buf, (uint32_t)(n ? n : 1));
		r->ts = tcp_socket(w.a, &tcfg, &raw_cb, r);
		assert_int_equal(tcp_connect(r->ts, node_addr(w.b), 443), 0);
		sim_run(w.s, w.s->now + SIM_MS(5));
	}
	sim_run(w.s, w.s->now + SIM_S(5));
	struct tls_server_stats st;
	tls_server_stats(w.b, 443, &st);
	/* malformed hellos were answered with alerts */
	assert_true(st.alerts_sent > SIM_FUZZ_N / 4);
	assert_true(w.alerts_seen > SIM_FUZZ_N / 4);
	assert_int_equal(w.done, 0); /* no client ever finished */
	for (int i = 0; i < 32; i++)
		wb_free(&s[i].w);
	tcp_close(l);
	sim_free(w.s);
	raws_free();
}

/* A raw server answers the client's hello with a mutated TLS 1.3 server
 * flight. */
static struct pbuf *server_flight(void)
{
	struct wbuf m = { 0 }, f = { 0 };
	uint8_t random[32] = { 9 }, sid[32] = { 0 };
	struct tls_sh_params p = { .version = TLS_V13, .random = random, .sid = sid, .sid_len = 32,
				   .suite = TLS_AES_256_GCM_SHA384, .seed = 1 };
	tls_enc_server_hello(&m, &p);
	rec(&f, TLS_CT_HANDSHAKE, m.p, m.len, false);
	m.len = 0;
	uint8_t one = 1;
	rec(&f, TLS_CT_CCS, &one, 1, false);
	tls_enc_encrypted_extensions(&m, "h2", false);
	rec(&f, TLS_CT_HANDSHAKE, m.p, m.len, true);
	m.len = 0;
	tls_enc_certificate(&m, TLS_V13, TLS_SIGN_ECDSA_P256, 400, 3);
	rec(&f, TLS_CT_HANDSHAKE, m.p, m.len, true);
	m.len = 0;
	tls_enc_certificate_verify(&m, TLS_SIGN_ECDSA_P256, 4);
	rec(&f, TLS_CT_HANDSHAKE, m.p, m.len, true);
	m.len = 0;
	tls_enc_finished(&m, TLS_V13, 5);
	rec(&f, TLS_CT_HANDSHAKE, m.p, m.len, true);
	uint8_t buf[4096];
	size_t n = f.len;
	memcpy(buf, f.p, n);
	wb_free(&m);
	wb_free(&f);
	static int k;
	if (k++ % 10)
		n = mutate(buf, n, sizeof(buf));
	return pbuf_new(buf, (uint32_t)(n ? n : 1));
}

static void raw_srv_accept(struct tcp_sock *l, struct tcp_sock *child, void *ctx)
{
	(void)l;
	struct raw *r = raw_new(ctx);
	r->ts = child;
	r->msg = server_flight();
	tcp_set_callbacks(child, &raw_cb, r);
}

static const struct tcp_cb raw_listen_cb = { .accept = raw_srv_accept };

static void test_fuzz_client_in_sim(void **state)
{
	(void)state;
	struct world w;
	world_init(&w);
	struct tcp_config tcfg;
	tcp_config_default(&tcfg);
	struct tcp_sock *l = tcp_socket(w.b, &tcfg, &raw_listen_cb, &w);
	assert_int_equal(tcp_bind(l, 443), 0);
	assert_int_equal(tcp_listen(l, 1024), 0);
	struct tls_config ccfg;
	tls_config_default(&ccfg);
	ccfg.resume = false;
	for (int i = 0; i < SIM_FUZZ_N; i++) {
		struct tcp_sock *ts = tcp_socket(w.a, &tcfg, NULL, NULL);
		assert_int_equal(tcp_connect(ts, node_addr(w.b), 443), 0);
		assert_non_null(tls_client(ts, &ccfg, &tcb, &w));
		sim_run(w.s, w.s->now + SIM_MS(5));
	}
	sim_run(w.s, w.s->now + SIM_S(5));
	/* the valid tenth completed; most mutated ones failed with an alert */
	assert_true(w.done >= SIM_FUZZ_N / 10);
	assert_true(w.errors > SIM_FUZZ_N / 4);
	tcp_close(l);
	sim_free(w.s);
	raws_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoders_accept_encoders),
		cmocka_unit_test(test_fuzz_decoders),
		cmocka_unit_test(test_fuzz_server_in_sim),
		cmocka_unit_test(test_fuzz_client_in_sim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
