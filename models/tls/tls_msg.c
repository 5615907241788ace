/* TLS handshake messages on the wire: encoders that write what OpenSSL 3
 * writes (extension sets and orders measured on this machine with tshark,
 * docs/models/tls.md) and decoders that read what a peer sends, checking
 * every length (RFC 8446 4 and 4.2, RFC 5246 7.4, RFC 5077 3, RFC 7301,
 * RFC 6066 3).  A decoder returns 0 or the alert the receiver sends
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

/* ---- ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2) ---- */

/* OpenSSL 3.0's default lists (measured ClientHello, tshark -V). */
static const uint16_t suites_13[] = { 0x1302, 0x1303, 0x1301 };
static const uint16_t suites_12[] = {
	0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e, 0xc024,
	0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013,
	0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f,
};
#define SCSV_RENEGO 0x00ff
static const uint16_t groups[] = {
	0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
};
#define GROUPS_12 5 /* a TLS 1.2-only client leaves out the ffdhe groups */
static const uint16_t sigalgs[] = {
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805,
	0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static size_t ext_begin(struct wbuf *w, uint16_t type)
{
	wb_u16(w, type);
	return wb_begin(w, 2);
}

static void enc_alpn(struct wbuf *w, const char *const *names, int n)
{
	size_t e = ext_begin(w, TLS_EXT_ALPN);
	size_t l = wb_begin(w, 2);
	for (int i = 0; i < n; i++) {
		size_t k = strlen(names[i]);
		wb_u8(w, (uint8_t)k);
		wb_bytes(w, names[i], k);
	}
	wb_end(w, l, 2);
	wb_end(w, e, 2);
}

void tls_enc_client_hello(struct wbuf *w, const struct tls_ch_params *p)
{
	bool v13 = p->max_version >= TLS_V13;
	size_t m = tls_hs_begin(w, TLS_HS_CLIENT_HELLO);
	wb_u16(w, TLS_V12);
	wb_bytes(w, p->random, 32);
	wb_u8(w, p->sid_len);
	wb_bytes(w, p->sid, p->sid_len);
	size_t s = wb_begin(w, 2);
	if (v13)
		for (size_t i = 0; i < NELEM(suites_13); i++)
			wb_u16(w, suites_13[i]);
	for (size_t i = 0; i < NELEM(suites_12); i++)
		wb_u16(w, suites_12[i]);
	wb_u16(w, SCSV_RENEGO);
	wb_end(w, s, 2);
	wb_u8(w, 1);
	wb_u8(w, 0); /* null compression */
	size_t x = wb_begin(w, 2);
	size_t e;
	if (p->sni && *p->sni) {
		size_t n = strlen(p->sni);
		e = ext_begin(w, TLS_EXT_SERVER_NAME);
		wb_u16(w, (uint16_t)(n + 3));
		wb_u8(w, 0); /* host_name */
		wb_u16(w, (uint16_t)n);
		wb_bytes(w, p->sni, n);
		wb_end(w, e, 2);
	}
	e = ext_begin(w, TLS_EXT_EC_POINT_FORMATS);
	wb_u8(w, 3);
	wb_u8(w, 0);
	wb_u8(w, 1);
	wb_u8(w, 2);
	wb_end(w, e, 2);
	e = ext_begin(w, TLS_EXT_SUPPORTED_GROUPS);
	size_t g = wb_begin(w, 2);
	for (size_t i = 0; i < (v13 ? NELEM(groups) : GROUPS_12); i++)
		wb_u16(w, groups[i]);
	wb_end(w, g, 2);
	wb_end(w, e, 2);
	e = ext_begin(w, TLS_EXT_SESSION_TICKET);
	wb_bytes(w, p->ticket12, p->ticket12_len);
	wb_end(w, e, 2);
	if (p->alpn && p->alpn->n) {
		const char *names[TLS_MAX_ALPN];
		for (int i = 0; i < p->alpn->n; i++)
			names[i] = p->alpn->name[i];
		enc_alpn(w, names, p->alpn->n);
	}
	wb_u16(w, TLS_EXT_ENCRYPT_THEN_MAC);
	wb_u16(w, 0);
	wb_u16(w, TLS_EXT_EXTENDED_MASTER_SECRET);
	wb_u16(w, 0);
	e = ext_begin(w, TLS_EXT_SIGNATURE_ALGORITHMS);
	g = wb_begin(w, 2);
	for (size_t i = 0; i < NELEM(sigalgs); i++)
		wb_u16(w, sigalgs[i]);
	wb_end(w, g, 2);
	wb_end(w, e, 2);
	if (v13) {
		/* OpenSSL lists every version it could speak, down to TLS 1.0 */
		e = ext_begin(w, TLS_EXT_SUPPORTED_VERSIONS);
		wb_u8(w, 8);
		wb_u16(w, TLS_V13);
		wb_u16(w, TLS_V12);
		wb_u16(w, 0x0302);
		wb_u16(w, 0x0301);
		wb_end(w, e, 2);
		e = ext_begin(w, TLS_EXT_PSK_KEY_EXCHANGE_MODES);
		wb_u8(w, 1);
		wb_u8(w, 1); /* psk_dhe_ke */
		wb_end(w, e, 2);
		e = ext_begin(w, TLS_EXT_KEY_SHARE);
		g = wb_begin(w, 2);
		wb_u16(w, TLS_GROUP_X25519);
		wb_u16(w, 32);
		wb_random(w, 32, p->seed);
		wb_end(w, g, 2);
		wb_end(w, e, 2);
		if (p->early_data) {
			wb_u16(w, TLS_EXT_EARLY_DATA);
			wb_u16(w, 0);
		}
		if (p->psk_len) {
			/* last (RFC 8446 4.2.11) */
			e = ext_begin(w, TLS_EXT_PRE_SHARED_KEY);
			g = wb_begin(w, 2);
			wb_u16(w, p->psk_len);
			wb_bytes(w, p->psk, p->psk_len);
			wb_u32(w, p->psk_age);
			wb_end(w, g, 2);
			g = wb_begin(w, 2);
			wb_u8(w, TLS_PSK_BINDER_LEN);
			wb_random(w, TLS_PSK_BINDER_LEN, p->seed ^ 0xb1);
			wb_end(w, g, 2);
			wb_end(w, e, 2);
		}
	}
	wb_end(w, x, 2);
	tls_hs_end(w, m);
}

static bool seen_twice(uint64_t *seen, uint16_t type)
{
	/* the extension types we read, folded into 64 bits */
	unsigned bit = type == TLS_EXT_RENEGOTIATION_INFO ? 63 : type < 63 ? type : 62;
	if (bit == 62)
		return false; /* others are skipped, not tracked */
	if (*seen >> bit & 1)
		return true;
	*seen |= 1ULL << bit;
	return false;
}

static int dec_ch_ext(struct tls_client_hello *ch, uint16_t type, struct rbuf *d)
{
	switch (type) {
	case TLS_EXT_SERVER_NAME: {
		struct rbuf l = rb_vec(d, 2);
		if (l.bad || rb_left(&l) == 0)
			return TLS_ALERT_DECODE_ERROR;
		while (rb_left(&l)) {
			uint8_t nt = (uint8_t)rb_uint(&l, 1);
			struct rbuf n = rb_vec(&l, 2);
			if (l.bad || rb_left(&n) == 0)
				return TLS_ALERT_DECODE_ERROR;
			if (nt == 0 && !ch->sni[0]) {
				size_t k = rb_left(&n);
				if (k >= sizeof(ch->sni))
					return TLS_ALERT_DECODE_ERROR;
				memcpy(ch->sni, n.p, k);
				ch->sni[k] = 0;
				if (memchr(ch->sni, 0, k))
					return TLS_ALERT_ILLEGAL_PARAMETER;
			}
		}
		break;
	}
	case TLS_EXT_ALPN: {
		struct rbuf l = rb_vec(d, 2);
		if (l.bad || rb_left(&l) < 2)
			return TLS_ALERT_DECODE_ERROR;
		ch->has_alpn = true;
		while (rb_left(&l)) {
			struct rbuf n = rb_vec(&l, 1);
			if (l.bad || rb_left(&n) == 0)
				return TLS_ALERT_DECODE_ERROR;
			size_t k = rb_left(&n);
			if (k < sizeof(ch->alpn.name[0]) && ch->alpn.n < TLS_MAX_ALPN) {
				memcpy(ch->alpn.name[ch->alpn.n], n.p, k);
				ch->alpn.name[ch->alpn.n][k] = 0;
				ch->alpn.n++;
			}
		}
		break;
	}
	case TLS_EXT_SUPPORTED_VERSIONS: {
		struct rbuf l = rb_vec(d, 1);
		size_t k = rb_left(&l);
		if (l.bad || k < 2 || k % 2)
			return TLS_ALERT_DECODE_ERROR;
		ch->has_versions = true;
		while (rb_left(&l)) {
			uint32_t v = rb_uint(&l, 2);
			ch->offers_13 |= v == TLS_V13;
			ch->offers_12 |= v == TLS_V12;
		}
		break;
	}
	case TLS_EXT_SESSION_TICKET: {
		size_t k = rb_left(d);
		ch->has_ticket_ext = true;
		if (k <= TLS_MAX_TICKET) {
			memcpy(ch->ticket, d->p + d->off, k);
			ch->ticket_len = (uint16_t)k;
		}
		d->off = d->len;
		break;
	}
	case TLS_EXT_KEY_SHARE: {
		struct rbuf l = rb_vec(d, 2);
		if (l.bad)
			return TLS_ALERT_DECODE_ERROR;
		while (rb_left(&l)) {
			uint32_t grp = rb_uint(&l, 2);
			struct rbuf k = rb_vec(&l, 2);
			if (l.bad || rb_left(&k) == 0)
				return TLS_ALERT_DECODE_ERROR;
			if (grp == TLS_GROUP_X25519) {
				if (rb_left(&k) != 32)
					return TLS_ALERT_ILLEGAL_PARAMETER;
				ch->has_key_share_x25519 = true;
			}
		}
		break;
	}
	case TLS_EXT_PSK_KEY_EXCHANGE_MODES: {
		struct rbuf l = rb_vec(d, 1);
		if (l.bad || rb_left(&l) == 0)
			return TLS_ALERT_DECODE_ERROR;
		while (rb_left(&l))
			ch->has_psk_modes_dhe |= rb_uint(&l, 1) == 1;
		break;
	}
	case TLS_EXT_EARLY_DATA:
		if (rb_left(d))
			return TLS_ALERT_DECODE_ERROR;
		ch->has_early_data = true;
		break;
	case TLS_EXT_PRE_SHARED_KEY: {
		struct rbuf ids = rb_vec(d, 2);
		struct rbuf binders = rb_vec(d, 2);
		if (d->bad || rb_left(&ids) < 7 || rb_left(&binders) < 33)
			return TLS_ALERT_DECODE_ERROR;
		int nid = 0, nb = 0;
		while (rb_left(&ids)) {
			struct rbuf id = rb_vec(&ids, 2);
			rb_uint(&ids, 4); /* obfuscated_ticket_age */
			if (ids.bad || rb_left(&id) == 0)
				return TLS_ALERT_DECODE_ERROR;
			if (nid++ == 0 && rb_left(&id) <= TLS_MAX_TICKET) {
				ch->psk_id_len = (uint16_t)rb_left(&id);
				memcpy(ch->psk_id, id.p, ch->psk_id_len);
			}
		}
		while (rb_left(&binders)) {
			struct rbuf b = rb_vec(&binders, 1);
			if (binders.bad || rb_left(&b) < 32)
				return TLS_ALERT_DECODE_ERROR;
			nb++;
		}
		if (nb != nid)
			return TLS_ALERT_ILLEGAL_PARAMETER; /* RFC 8446 4.2.11 */
		ch->has_psk = true;
		break;
	}
	default:
		d->off = d->len; /* unknown: ignored (RFC 8446 4.2) */
		break;
	}
	return rb_left(d) || d->bad ? TLS_ALERT_DECODE_ERROR : 0;
}

int tls_dec_client_hello(const uint8_t *body, size_t len, struct tls_client_hello *ch)
{
	struct rbuf r;
	rb_init(&r, body, len);
	memset(ch, 0, sizeof(*ch));
	ch->legacy_version = (uint16_t)rb_uint(&r, 2);
	const uint8_t *rnd = rb_take(&r, 32);
	struct rbuf sid = rb_vec(&r, 1);
	struct rbuf suites = rb_vec(&r, 2);
	struct rbuf comp = rb_vec(&r, 1);
	if (r.bad || rb_left(&sid) > 32 || rb_left(&suites) < 2 || rb_left(&suites) % 2 ||
	    rb_left(&comp) < 1)
		return TLS_ALERT_DECODE_ERROR;
	memcpy(ch->random, rnd, 32);
	ch->sid_len = (uint8_t)rb_left(&sid);
	memcpy(ch->sid, sid.p, ch->sid_len);
	ch->n_suites = (uint16_t)(rb_left(&suites) / 2);
	while (rb_left(&suites)) {
		uint32_t cs = rb_uint(&suites, 2);
		ch->suite_13 |= cs == TLS_AES_256_GCM_SHA384;
		ch->suite_12 |= cs == TLS_ECDHE_RSA_AES256_GCM || cs == TLS_ECDHE_ECDSA_AES256_GCM;
	}
	if (!memchr(comp.p, 0, rb_left(&comp)))
		return TLS_ALERT_ILLEGAL_PARAMETER; /* no null compression */
	if (rb_left(&r) == 0)
		return 0; /* no extensions (RFC 5246 7.4.1.2) */
	struct rbuf exts = rb_vec(&r, 2);
	if (r.bad || rb_left(&r))
		return TLS_ALERT_DECODE_ERROR;
	uint64_t seen = 0;
	while (rb_left(&exts)) {
		uint16_t type = (uint16_t)rb_uint(&exts, 2);
		struct rbuf d = rb_vec(&exts, 2);
		if (exts.bad)
			return TLS_ALERT_DECODE_ERROR;
		if (seen_twice(&seen, type))
			return TLS_ALERT_ILLEGAL_PARAMETER; /* RFC 8446 4.2 */
		if (ch->has_psk)
			return TLS_ALERT_ILLEGAL_PARAMETER; /* pre_shared_key not last */
		int a = dec_ch_ext(ch, type, &d);
		if (a)
			return a;
	}
	return 0;
}

/* ---- ServerHello (RFC 8446 4.1.3, RFC 5246 7.4.1.3) ---- */

void tls_enc_server_hello(struct wbuf *w, const struct tls_sh_params *p)
{
	size_t m = tls_hs_begin(w, TLS_HS_SERVER_HELLO);
	wb_u16(w, TLS_V12);
	wb_bytes(w, p->random, 32);
	wb_u8(w, p->sid_len);
	wb_bytes(w, p->sid, p->sid_len);
	wb_u16(w, p->suite);
	wb_u8(w, 0);
	size_t x = wb_begin(w, 2), e;
	if (p->version == TLS_V13) {
		e = ext_begin(w, TLS_EXT_SUPPORTED_VERSIONS);
		wb_u16(w, TLS_V13);
		wb_end(w, e, 2);
		e = ext_begin(w, TLS_EXT_KEY_SHARE);
		wb_u16(w, TLS_GROUP_X25519);
		wb_u16(w, 32);
		wb_random(w, 32, p->seed);
		wb_end(w, e, 2);
		if (p->psk_selected) {
			e = ext_begin(w, TLS_EXT_PRE_SHARED_KEY);
			wb_u16(w, 0);
			wb_end(w, e, 2);
		}
	} else {
		e = ext_begin(w, TLS_EXT_RENEGOTIATION_INFO);
		wb_u8(w, 0);
		wb_end(w, e, 2);
		if (!p->resumed) {
			e = ext_begin(w, TLS_EXT_EC_POINT_FORMATS);
			wb_u8(w, 3);
			wb_u8(w, 0);
			wb_u8(w, 1);
			wb_u8(w, 2);
			wb_end(w, e, 2);
		}
		if (p->ticket_ext) {
			wb_u16(w, TLS_EXT_SESSION_TICKET);
			wb_u16(w, 0);
		}
		if (p->alpn && *p->alpn)
			enc_alpn(w, &p->alpn, 1);
		wb_u16(w, TLS_EXT_EXTENDED_MASTER_SECRET);
		wb_u16(w, 0);
	}
	wb_end(w, x, 2);
	tls_hs_end(w, m);
}

/* One ALPN name, the only one (RFC 7301 3.1: the server's reply). */
static int dec_alpn_one(struct rbuf *d, char out[32])
{
	struct rbuf l = rb_vec(d, 2);
	struct rbuf n = rb_vec(&l, 1);
	size_t k = rb_left(&n);
	if (d->bad || l.bad || rb_left(&l) || rb_left(d) || k == 0)
		return TLS_ALERT_DECODE_ERROR;
	if (k >= 32 || memchr(n.p, 0, k))
		return TLS_ALERT_ILLEGAL_PARAMETER;
	memcpy(out, n.p, k);
	out[k] = 0;
	return 0;
}

int tls_dec_server_hello(const uint8_t *body, size_t len, struct tls_server_hello *sh)
{
	struct rbuf r;
	rb_init(&r, body, len);
	memset(sh, 0, sizeof(*sh));
	sh->legacy_version = (uint16_t)rb_uint(&r, 2);
	const uint8_t *rnd = rb_take(&r, 32);
	struct rbuf sid = rb_vec(&r, 1);
	sh->suite = (uint16_t)rb_uint(&r, 2);
	uint32_t comp = rb_uint(&r, 1);
	if (r.bad || rb_left(&sid) > 32)
		return TLS_ALERT_DECODE_ERROR;
	if (comp != 0)
		return TLS_ALERT_ILLEGAL_PARAMETER;
	memcpy(sh->random, rnd, 32);
	sh->sid_len = (uint8_t)rb_left(&sid);
	memcpy(sh->sid, sid.p, sh->sid_len);
	sh->version = sh->legacy_version;
	if (rb_left(&r) == 0)
		return 0;
	struct rbuf exts = rb_vec(&r, 2);
	if (r.bad || rb_left(&r))
		return TLS_ALERT_DECODE_ERROR;
	uint64_t seen = 0;
	while (rb_left(&exts)) {
		uint16_t type = (uint16_t)rb_uint(&exts, 2);
		struct rbuf d = rb_vec(&exts, 2);
		if (exts.bad)
			return TLS_ALERT_DECODE_ERROR;
		if (seen_twice(&seen, type))
			return TLS_ALERT_ILLEGAL_PARAMETER;
		switch (type) {
		case TLS_EXT_SUPPORTED_VERSIONS:
			sh->version = (uint16_t)rb_uint(&d, 2);
			break;
		case TLS_EXT_KEY_SHARE: {
			rb_uint(&d, 2);
			struct rbuf k = rb_vec(&d, 2);
			if (d.bad || rb_left(&k) == 0)
				return TLS_ALERT_DECODE_ERROR;
			sh->has_key_share = true;
			break;
		}
		case TLS_EXT_PRE_SHARED_KEY:
			if (rb_uint(&d, 2) != 0 && !d.bad)
				return TLS_ALERT_ILLEGAL_PARAMETER; /* we offer one identity */
			sh->psk_selected = true;
			break;
		case TLS_EXT_SESSION_TICKET:
			sh->ticket_ext = true;
			break;
		case TLS_EXT_ALPN: {
			int a = dec_alpn_one(&d, sh->alpn);
			if (a)
				return a;
			sh->has_alpn = true;
			break;
		}
		default:
			d.off = d.len;
			break;
		}
		if (d.bad || rb_left(&d))
			return TLS_ALERT_DECODE_ERROR;
	}
	return 0;
}

/* ---- the encrypted messages ---- */

void tls_enc_encrypted_extensions(struct wbuf *w, const char *alpn, bool early_data)
{
	size_t m = tls_hs_begin(w, TLS_HS_ENCRYPTED_EXTENSIONS);
	size_t x = wb_begin(w, 2);
	if (alpn && *alpn)
		enc_alpn(w, &alpn, 1);
	if (early_data) {
		wb_u16(w, TLS_EXT_EARLY_DATA);
		wb_u16(w, 0);
	}
	wb_end(w, x, 2);
	tls_hs_end(w, m);
}

int tls_dec_encrypted_extensions(const uint8_t *body, size_t len, char alpn[32], bool *early_data)
{
	struct rbuf r;
	rb_init(&r, body, len);
	alpn[0] = 0;
	*early_data = false;
	struct rbuf exts = rb_vec(&r, 2);
	if (r.bad || rb_left(&r))
		return TLS_ALERT_DECODE_ERROR;
	uint64_t seen = 0;
	while (rb_left(&exts)) {
		uint16_t type = (uint16_t)rb_uint(&exts, 2);
		struct rbuf d = rb_vec(&exts, 2);
		if (exts.bad)
			return TLS_ALERT_DECODE_ERROR;
		if (seen_twice(&seen, type))
			return TLS_ALERT_ILLEGAL_PARAMETER;
		if (type == TLS_EXT_ALPN) {
			int a = dec_alpn_one(&d, alpn);
			if (a)
				return a;
		} else if (type == TLS_EXT_EARLY_DATA) {
			if (rb_left(&d))
				return TLS_ALERT_DECODE_ERROR;
			*early_data = true;
		}
	}
	return 0;
}

void tls_enc_certificate(struct wbuf *w, uint16_t version, enum tls_sign s, uint32_t chain_bytes,
			 uint64_t seed)
{
	size_t m = tls_hs_begin(w, TLS_HS_CERTIFICATE);
	if (version == TLS_V13)
		wb_u8(w, 0); /* certificate_request_context */
	size_t l = wb_begin(w, 3);
	/* the chain as one certificate of its whole size */
	size_t c = wb_begin(w, 3);
	if (tls_cert_der(w, s, chain_bytes, seed) < 0)
		wb_random(w, chain_bytes, seed); /* too small to be a certificate */
	wb_end(w, c, 3);
	if (version == TLS_V13)
		wb_u16(w, 0); /* CertificateEntry extensions */
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
