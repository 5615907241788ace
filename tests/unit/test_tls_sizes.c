/* The sizes of the TLS messages the model writes, against what OpenSSL
 * 3.0.19 sent on this machine (docs/models/tls.md, measured with
 * openssl s_server / s_client and tshark on loopback, 2026-12-03;
 * handshake lengths here include the 4-byte message header):
 *   ClientHello, default client, SNI "www.example.test", ALPN h2,http/1.1: 335
 *   ClientHello, -tls1_2: 226; with a 176-byte ticket and a session ID: 434
 *   ClientHello, default, resumed with a 208-byte ticket: 606
 *   ServerHello 1.3: 122, resumed 128; 1.2: 74 (102 with a session ID),
 *   resumed 94; EncryptedExtensions 15 (19 with early_data);
 *   Certificate of a 795-byte DER: 808 (1.3), 805 (1.2);
 *   CertificateVerify RSA 264; ServerKeyExchange RSA 300;
 *   ClientKeyExchange 37; Finished 52 (1.3), 16 (1.2);
 *   NewSessionTicket 1.3 with 208-byte ticket 233, 1.2 with 176: 186.
 * And the certificate builder reaches every size from its minimum up, with
 * a DER SEQUENCE whose length covers exactly the bytes written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "models/tls/tls_priv.h"

static struct tls_alpn_list alpn;
static uint8_t random32[32], sid[32], ticket[256];

static size_t ch_len(uint16_t max, uint8_t sid_len, uint16_t t12, uint16_t psk)
{
	struct wbuf w = { 0 };
	struct tls_ch_params p = {
		.max_version = max, .min_version = TLS_V12, .random = random32, .sid = sid,
		.sid_len = sid_len, .sni = "www.example.test", .alpn = &alpn, .ticket12 = ticket,
		.ticket12_len = t12, .psk = ticket, .psk_len = psk,
	};
	tls_enc_client_hello(&w, &p);
	size_t n = w.len;
	wb_free(&w);
	return n;
}

static void test_hello_sizes(void **state)
{
	(void)state;
	assert_int_equal(tls_alpn_parse("h2,http/1.1", &alpn), 0);
	assert_int_equal(ch_len(TLS_V13, 32, 0, 0), 335);
	assert_int_equal(ch_len(TLS_V12, 0, 0, 0), 226);
	assert_int_equal(ch_len(TLS_V12, 32, 176, 0), 434);
	assert_int_equal(ch_len(TLS_V13, 32, 0, 208), 606);
	struct { uint16_t v; bool psk, ticket, resumed; uint8_t sid; size_t want; } sh[] = {
		{ TLS_V13, false, false, false, 32, 122 }, { TLS_V13, true, false, false, 32, 128 },
		{ TLS_V12, false, true, false, 0, 74 },    { TLS_V12, false, false, false, 32, 102 },
		{ TLS_V12, false, false, true, 32, 94 },
	};
	for (size_t i = 0; i < sizeof(sh) / sizeof(sh[0]); i++) {
		struct wbuf w = { 0 };
		struct tls_sh_params p = {
			.version = sh[i].v, .random = random32, .sid = sid, .sid_len = sh[i].sid,
			.suite = sh[i].v == TLS_V13 ? TLS_AES_256_GCM_SHA384 : TLS_ECDHE_RSA_AES256_GCM,
			.psk_selected = sh[i].psk, .ticket_ext = sh[i].ticket, .resumed = sh[i].resumed,
			.alpn = "h2",
		};
		tls_enc_server_hello(&w, &p);
		assert_int_equal(w.len, sh[i].want);
		wb_free(&w);
	}
	struct wbuf w = { 0 };
	tls_enc_encrypted_extensions(&w, "h2", false);
	assert_int_equal(w.len, 15);
	w.len = 0;
	tls_enc_encrypted_extensions(&w, "h2", true);
	assert_int_equal(w.len, 19);
	wb_free(&w);
}

static void test_other_sizes(void **state)
{
	(void)state;
	struct wbuf w = { 0 };
	tls_enc_certificate(&w, TLS_V13, TLS_SIGN_RSA2048, 795, 1);
	assert_int_equal(w.len, 808);
	w.len = 0;
	tls_enc_certificate(&w, TLS_V12, TLS_SIGN_RSA2048, 795, 1);
	assert_int_equal(w.len, 805);
	w.len = 0;
	tls_enc_certificate(&w, TLS_V12, TLS_SIGN_ECDSA_P256, 399, 1);
	assert_int_equal(w.len, 409);
	w.len = 0;
	tls_enc_certificate_verify(&w, TLS_SIGN_RSA2048, 1);
	assert_int_equal(w.len, 264);
	w.len = 0;
	tls_enc_server_key_exchange(&w, TLS_SIGN_RSA2048, 1);
	assert_int_equal(w.len, 300);
	w.len = 0;
	tls_enc_server_key_exchange(&w, TLS_SIGN_ECDSA_P256, 1);
	assert_int_equal(w.len, 115);
	w.len = 0;
	tls_enc_client_key_exchange(&w, 1);
	assert_int_equal(w.len, 37);
	w.len = 0;
	tls_enc_finished(&w, TLS_V13, 1);
	assert_int_equal(w.len, 52);
	w.len = 0;
	tls_enc_finished(&w, TLS_V12, 1);
	assert_int_equal(w.len, 16);
	w.len = 0;
	struct tls_nst t = { .lifetime_s = 7200, .ticket_len = 208 };
	tls_enc_new_session_ticket(&w, TLS_V13, &t, 1);
	assert_int_equal(w.len, 233);
	w.len = 0;
	t.ticket_len = 32;
	t.max_early_data = 16384;
	tls_enc_new_session_ticket(&w, TLS_V13, &t, 1);
	assert_int_equal(w.len, 65); /* record 82 */
	w.len = 0;
	t.ticket_len = 176;
	tls_enc_new_session_ticket(&w, TLS_V12, &t, 1);
	assert_int_equal(w.len, 186);
	wb_free(&w);
}

/* DER: a SEQUENCE's header and length */
static size_t der_total(const uint8_t *p, size_t n)
{
	assert_true(n >= 2);
	assert_int_equal(p[0], 0x30);
	if (p[1] < 0x80)
		return 2 + p[1];
	size_t k = p[1] & 0x7f, len = 0;
	assert_true(k >= 1 && k <= 3 && n >= 2 + k);
	for (size_t i = 0; i < k; i++)
		len = len << 8 | p[2 + i];
	return 2 + k + len;
}

/* A TLS 1.2 Certificate message for a chain of n bytes: its certificates'
 * sizes add up to n, and each is a DER SEQUENCE exactly that long. */
static void check_chain(enum tls_sign sg, uint32_t n)
{
	struct wbuf w = { 0 };
	tls_enc_certificate(&w, TLS_V12, sg, n, n);
	struct rbuf r;
	rb_init(&r, w.p + 4, w.len - 4);
	struct rbuf l = rb_vec(&r, 3);
	assert_false(r.bad);
	assert_int_equal(rb_left(&r), 0);
	uint32_t sum = 0;
	int certs = 0;
	while (rb_left(&l)) {
		struct rbuf c = rb_vec(&l, 3);
		assert_false(l.bad);
		assert_int_equal(der_total(c.p, c.len), c.len);
		sum += (uint32_t)c.len;
		certs++;
	}
	assert_int_equal(sum, n);
	assert_true(certs == 1 || certs == 2);
	wb_free(&w);
}

static void test_certificate_every_size(void **state)
{
	(void)state;
	for (int s = 0; s < 2; s++) {
		enum tls_sign sg = s ? TLS_SIGN_RSA2048 : TLS_SIGN_ECDSA_P256;
		uint32_t min = tls_cert_min(sg);
		struct wbuf w = { 0 };
		assert_int_equal(tls_cert_der(&w, sg, min - 1, 1), -1);
		wb_free(&w);
		for (uint32_t n = min; n < 70000; n += n < 3000 ? 1 : 7)
			check_chain(sg, n);
		for (uint32_t n = 65500; n < 66300; n++) /* DER lengths of 2 and 3 bytes */
			check_chain(sg, n);
		check_chain(sg, 1 << 20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_sizes),
		cmocka_unit_test(test_other_sizes),
		cmocka_unit_test(test_certificate_every_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
