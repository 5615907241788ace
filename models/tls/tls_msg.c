/* TLS handshake messages on the wire, but for the hellos (tls_hello.c):
 * the byte writer and reader, Certificate, CertificateVerify,
 * ServerKeyExchange, ClientKeyExchange, Finished and NewSessionTicket
 * (RFC 8446 4.4, 4.6.1; RFC 5246 7.4; RFC 5077 3.3), our ticket layout and
 * record headers (RFC 8446 5): encoders that write what OpenSSL 3 writes
 * (sizes measured on this machine, docs/models/tls.md) and decoders that
 * read what a peer sends, checking every length.  A decoder returns 0 or the alert the receiver sends
 * (decode_error for a malformed vector, illegal_parameter for a value it
 * may not take); it never reads out of bounds.  Fuzzed by
 * tests/unit/test_tls_fuzz.c. */
#include "tls_priv.h"

#include <stdlib.h>

/* ---- writer and reader ---- */

void wb_reserve(struct wbuf *w, size_t more)
{
	if (w->len + more <= w->cap)
		return;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < w->len + more)
		cap *= 2;
	uint8_t *p = realloc(w->p, cap);
	if (!p)
		abort();
	w->p = p;
	w->cap = cap;
}

void wb_free(struct wbuf *w)
{
	free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
}

size_t wb_begin(struct wbuf *w, int prefix_bytes)
{
	size_t at = w->len;
	for (int i = 0; i < prefix_bytes; i++)
		wb_u8(w, 0);
	return at;
}

void wb_end(struct wbuf *w, size_t at, int prefix_bytes)
{
	size_t n = w->len - at - (size_t)prefix_bytes;
	for (int i = prefix_bytes - 1; i >= 0; i--, n >>= 8)
		w->p[at + (size_t)i] = (uint8_t)n;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void wb_random(struct wbuf *w, size_t n, uint64_t seed)
{
	wb_reserve(w, n);
	uint8_t *p = w->p + w->len;
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = splitmix64(&seed);
		size_t k = n - i < 8 ? n - i : 8;
		memcpy(p + i, &v, k);
	}
	w->len += n;
}

uint32_t rb_uint(struct rbuf *r, int bytes)
{
	if (r->bad || r->len - r->off < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | r->p[r->off++];
	return v;
}

const uint8_t *rb_take(struct rbuf *r, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

struct rbuf rb_vec(struct rbuf *r, int prefix_bytes)
{
	struct rbuf v;
	uint32_t n = rb_uint(r, prefix_bytes);
	const uint8_t *p = rb_take(r, n);
	rb_init(&v, p ? p : (const uint8_t *)"", p ? n : 0);
	v.bad = r->bad;
	return v;
}

size_t tls_hs_begin(struct wbuf *w, uint8_t type)
{
	size_t at = w->len;
	wb_u8(w, type);
	wb_u24(w, 0);
	return at;
}

void tls_hs_end(struct wbuf *w, size_t at)
{
	wb_end(w, at + 1, 3);
}

int tls_alpn_parse(const char *csv, struct tls_alpn_list *out)
{
	out->n = 0;
	const char *p = csv;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof(out->name[0]) || out->n == TLS_MAX_ALPN)
			return -1;
		memcpy(out->name[out->n], p, n);
		out->name[out->n][n] = 0;
		out->n++;
		p += n;
		if (*p == ',' && !*++p)
			return -1;
	}
	return 0;
}

/* One CertificateEntry (RFC 8446 4.4.2) or ASN.1Cert (RFC 5246 7.4.2) */
static bool cert_entry(struct wbuf *w, uint16_t version, enum tls_sign s, uint32_t n, uint64_t seed)
{
	size_t at = w->len;
	size_t c = wb_begin(w, 3);
	if (tls_cert_der(w, s, n, seed) < 0) {
		w->len = at;
		return false;
	}
	wb_end(w, c, 3);
	if (version == TLS_V13)
		wb_u16(w, 0); /* extensions */
	return true;
}

void tls_enc_certificate(struct wbuf *w, uint16_t version, enum tls_sign s, uint32_t chain_bytes,
			 uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_CERTIFICATE);
	if (version == TLS_V13)
		wb_u8(w, 0); /* certificate_request_context */
	size_t l = wb_begin(w, 3);
	/* the chain as one certificate of its whole size, or two */
	if (!cert_entry(w, version, s, chain_bytes, seed)) {
		uint32_t min = tls_cert_min(s);
		bool ok = false;
		for (uint32_t b = min; !ok && b < min + 64 && chain_bytes >= b + min; b++) {
			size_t at = w->len;
			ok = cert_entry(w, version, s, chain_bytes - b, seed) &&
			     cert_entry(w, version, s, b, seed ^ 0x7f);
			if (!ok)
				w->len = at;
		}
		if (!ok) { /* too small for a certificate: opaque bytes */
			size_t c = wb_begin(w, 3);
			wb_random(w, chain_bytes, seed);
			wb_end(w, c, 3);
			if (version == TLS_V13)
				wb_u16(w, 0);
		}
	}
	wb_end(w, l, 3);
	tls_hs_end(w, m);
}

int tls_dec_certificate(const uint8_t *body, size_t len, uint16_t version)
{
	struct rbuf r;
	rb_init(&r, body, len);
	if (version == TLS_V13) {
		struct rbuf ctx = rb_vec(&r, 1);
		if (r.bad || rb_left(&ctx))
			return TLS_ALERT_DECODE_ERROR; /* a server sends an empty context */
	}
	struct rbuf l = rb_vec(&r, 3);
	if (r.bad || rb_left(&r))
		return TLS_ALERT_DECODE_ERROR;
	int n = 0;
	while (rb_left(&l)) {
		struct rbuf c = rb_vec(&l, 3);
		if (version == TLS_V13)
			rb_vec(&l, 2);
		if (l.bad || rb_left(&c) == 0)
			return TLS_ALERT_DECODE_ERROR;
		n++;
	}
	return n ? 0 : TLS_ALERT_DECODE_ERROR; /* a server must send one */
}

/* Signature sizes on the wire: RSA-2048 256 bytes; ECDSA P-256 a DER
 * SEQUENCE of two integers, 70 to 72 bytes (measured 71 and 72). */
uint32_t tls_sig_len(enum tls_sign s)
{
	return s == TLS_SIGN_RSA2048 ? 256 : 71;
}

void tls_enc_certificate_verify(struct wbuf *w, enum tls_sign s, uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_CERTIFICATE_VERIFY);
	wb_u16(w, s == TLS_SIGN_RSA2048 ? 0x0804 : 0x0403);
	wb_u16(w, (uint16_t)tls_sig_len(s));
	wb_random(w, tls_sig_len(s), seed);
	tls_hs_end(w, m);
}

void tls_enc_server_key_exchange(struct wbuf *w, enum tls_sign s, uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_SERVER_KEY_EXCHANGE);
	wb_u8(w, 3); /* named_curve (RFC 8422 5.4) */
	wb_u16(w, TLS_GROUP_X25519);
	wb_u8(w, 32);
	wb_random(w, 32, seed);
	wb_u16(w, s == TLS_SIGN_RSA2048 ? 0x0804 : 0x0403);
	wb_u16(w, (uint16_t)tls_sig_len(s));
	wb_random(w, tls_sig_len(s), seed ^ 0x5e);
	tls_hs_end(w, m);
}

int tls_dec_signed(const uint8_t *body, size_t len, bool ske)
{
	struct rbuf r;
	rb_init(&r, body, len);
	if (ske) {
		if (rb_uint(&r, 1) != 3 && !r.bad)
			return TLS_ALERT_ILLEGAL_PARAMETER;
		rb_uint(&r, 2);
		struct rbuf k = rb_vec(&r, 1);
		if (r.bad || rb_left(&k) == 0)
			return TLS_ALERT_DECODE_ERROR;
	}
	rb_uint(&r, 2);
	struct rbuf sig = rb_vec(&r, 2);
	return r.bad || rb_left(&r) || rb_left(&sig) == 0 ? TLS_ALERT_DECODE_ERROR : 0;
}

void tls_enc_empty(struct wbuf *w, uint8_t type)
{
	tls_hs_end(w, tls_hs_begin(w, type));
}

void tls_enc_client_key_exchange(struct wbuf *w, uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_CLIENT_KEY_EXCHANGE);
	wb_u8(w, 32);
	wb_random(w, 32, seed);
	tls_hs_end(w, m);
}

int tls_dec_client_key_exchange(const uint8_t *body, size_t len)
{
	struct rbuf r;
	rb_init(&r, body, len);
	struct rbuf k = rb_vec(&r, 1);
	return r.bad || rb_left(&r) || rb_left(&k) == 0 ? TLS_ALERT_DECODE_ERROR : 0;
}

void tls_enc_finished(struct wbuf *w, uint16_t version, uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_FINISHED);
	wb_random(w, version == TLS_V13 ? TLS13_FINISHED_LEN : TLS12_FINISHED_LEN, seed);
	tls_hs_end(w, m);
}

int tls_dec_finished(const uint8_t *body, size_t len, uint16_t version)
{
	(void)body;
	return len == (version == TLS_V13 ? TLS13_FINISHED_LEN : TLS12_FINISHED_LEN)
		       ? 0
		       : TLS_ALERT_DECODE_ERROR;
}

/* NewSessionTicket: RFC 5077 3.3 (1.2), RFC 8446 4.6.1 (1.3). */
void tls_enc_new_session_ticket(struct wbuf *w, uint16_t version, const struct tls_nst *t, uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_NEW_SESSION_TICKET);
	wb_u32(w, t->lifetime_s);
	if (version == TLS_V13) {
		wb_u32(w, t->age_add);
		wb_u8(w, 8);
		wb_random(w, 8, seed); /* ticket_nonce */
	}
	wb_u16(w, t->ticket_len);
	wb_bytes(w, t->ticket, t->ticket_len);
	if (version == TLS_V13) {
		size_t x = wb_begin(w, 2);
		if (t->max_early_data) {
			wb_u16(w, TLS_EXT_EARLY_DATA);
			wb_u16(w, 4);
			wb_u32(w, t->max_early_data);
		}
		wb_end(w, x, 2);
	}
	tls_hs_end(w, m);
}

int tls_dec_new_session_ticket(const uint8_t *body, size_t len, uint16_t version, struct tls_nst *t)
{
	struct rbuf r;
	rb_init(&r, body, len);
	memset(t, 0, sizeof(*t));
	t->lifetime_s = rb_uint(&r, 4);
	if (version == TLS_V13) {
		t->age_add = rb_uint(&r, 4);
		rb_vec(&r, 1);
	}
	struct rbuf tk = rb_vec(&r, 2);
	if (r.bad)
		return TLS_ALERT_DECODE_ERROR;
	if (rb_left(&tk) > TLS_MAX_TICKET)
		return TLS_ALERT_ILLEGAL_PARAMETER;
	if (version == TLS_V13 && rb_left(&tk) == 0)
		return TLS_ALERT_DECODE_ERROR; /* ticket<1..2^16-1> */
	t->ticket_len = (uint16_t)rb_left(&tk);
	memcpy(t->ticket, tk.p, t->ticket_len);
	if (version == TLS_V13) {
		struct rbuf exts = rb_vec(&r, 2);
		if (r.bad)
			return TLS_ALERT_DECODE_ERROR;
		while (rb_left(&exts)) {
			uint16_t type = (uint16_t)rb_uint(&exts, 2);
			struct rbuf d = rb_vec(&exts, 2);
			if (exts.bad)
				return TLS_ALERT_DECODE_ERROR;
			if (type == TLS_EXT_EARLY_DATA) {
				t->max_early_data = rb_uint(&d, 4);
				if (d.bad || rb_left(&d))
					return TLS_ALERT_DECODE_ERROR;
			}
		}
	}
	return rb_left(&r) ? TLS_ALERT_DECODE_ERROR : 0;
}

/* ---- tickets ---- */

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void tls_ticket_seal(uint8_t *out, uint16_t len, const struct tls_ticket *t, uint64_t seed)
{
	struct wbuf w = { 0 };
	wb_random(&w, len, seed);
	memcpy(out, w.p, len);
	wb_free(&w);
	out[0] = 'W';
	out[1] = 'T';
	put_be(out + 2, t->issuer_node, 4);
	put_be(out + 6, t->issuer_port, 2);
	put_be(out + 8, t->version, 2);
	put_be(out + 10, t->id, 8);
	put_be(out + 18, (uint64_t)t->issued, 8);
	put_be(out + 26, t->max_early_data, 4);
	out[30] = t->alpn_idx;
}

int tls_ticket_open(const uint8_t *in, uint16_t len, struct tls_ticket *t)
{
	if (len < TLS_TICKET_MIN || in[0] != 'W' || in[1] != 'T')
		return -1;
	t->issuer_node = (uint32_t)get_be(in + 2, 4);
	t->issuer_port = (uint16_t)get_be(in + 6, 2);
	t->version = (uint16_t)get_be(in + 8, 2);
	t->id = get_be(in + 10, 8);
	t->issued = (simtime_t)get_be(in + 18, 8);
	t->max_early_data = (uint32_t)get_be(in + 26, 4);
	t->alpn_idx = in[30];
	return 0;
}

/* ---- records ---- */

int tls_rec_header(const uint8_t *b, size_t n, uint16_t max_len, uint8_t *type, uint16_t *len)
{
	if (n < TLS_REC_HDR)
		return 0;
	*type = b[0];
	*len = (uint16_t)(b[3] << 8 | b[4]);
	if (*type < TLS_CT_CCS || *type > TLS_CT_APP)
		return -TLS_ALERT_UNEXPECTED_MESSAGE;
	if (b[1] != 3)
		return -TLS_ALERT_PROTOCOL_VERSION; /* OpenSSL: wrong version number */
	if (*len > max_len)
		return -TLS_ALERT_RECORD_OVERFLOW;
	if (*len == 0 && *type != TLS_CT_APP)
		return -TLS_ALERT_UNEXPECTED_MESSAGE; /* RFC 8446 5.1 */
	return 1;
}

int tls13_unwrap(const uint8_t *body, size_t len, uint8_t *inner, size_t *plen)
{
	if (len < TLS13_OVERHEAD)
		return -TLS_ALERT_BAD_RECORD_MAC;
	size_t n = len - 16;
	while (n > 0 && body[n - 1] == 0)
		n--; /* padding (RFC 8446 5.4) */
	if (n == 0)
		return -TLS_ALERT_UNEXPECTED_MESSAGE;
	*inner = body[n - 1];
	*plen = n - 1;
	return 0;
}
