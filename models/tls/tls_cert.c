/* A well-formed X.509 v3 certificate (RFC 5280 4.1) of any wanted size, in
 * DER, for the Certificate message: TLS 1.2 sends it in the clear, so
 * tshark parses it and must find nothing malformed.  The key and signature
 * are random bytes of the right shape (an RSA-2048 modulus and exponent
 * 65537, or an uncompressed P-256 point; a 256-byte RSA signature or a DER
 * ECDSA-Sig-Value); the size is reached with one private extension (OID
 * 1.3.6.1.4.1.32473.1, the documentation enterprise number of RFC 5612)
 * holding padding, and the serial number's length (1 to 20 bytes) takes up
 * the odd bytes DER's length encoding leaves.  A chain is sent as one
 * certificate of the chain's size. */
#include "tls_priv.h"

static size_t lenlen(size_t n)
{
	return n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 4;
}

static size_t dsz(size_t n)
{
	return 1 + lenlen(n) + n;
}

static void hdr(struct wbuf *w, uint8_t tag, size_t n)
{
	wb_u8(w, tag);
	if (n < 128)
		wb_u8(w, (uint8_t)n);
	else if (n < 256) {
		wb_u8(w, 0x81);
		wb_u8(w, (uint8_t)n);
	} else if (n < 65536) {
		wb_u8(w, 0x82);
		wb_u16(w, (uint16_t)n);
	} else {
		wb_u8(w, 0x83);
		wb_u24(w, (uint32_t)n);
	}
}

static const uint8_t OID_SHA256_RSA[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b };
static const uint8_t OID_ECDSA_SHA256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t OID_RSA[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_EC_PUB[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_P256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_CN[] = { 0x06, 0x03, 0x55, 0x04, 0x03 };
static const uint8_t OID_PAD[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01 };
static const char ISSUER[] = "wirelab test CA";
static const char SUBJECT[] = "www.example.test";
static const char NOT_BEFORE[] = "260101000000Z", NOT_AFTER[] = "270101000000Z";

struct cert_sizes {
	size_t version, serial, sigalg, issuer, validity, subject, spki, ext, extseq, exts, tbs, sig, cert;
	size_t pad;
};

static size_t name_size(const char *s)
{
	return dsz(dsz(dsz(sizeof(OID_CN) + dsz(strlen(s)))));
}

static void sizes(struct cert_sizes *z, bool rsa, size_t serial, size_t pad)
{
	z->pad = pad;
	z->version = 5;
	z->serial = dsz(serial);
	z->sigalg = rsa ? dsz(sizeof(OID_SHA256_RSA) + 2) : dsz(sizeof(OID_ECDSA_SHA256));
	z->issuer = name_size(ISSUER);
	z->validity = dsz(2 * dsz(13));
	z->subject = name_size(SUBJECT);
	z->spki = rsa ? dsz(dsz(sizeof(OID_RSA) + 2) + dsz(1 + dsz(dsz(257) + 5)))
		      : dsz(dsz(sizeof(OID_EC_PUB) + sizeof(OID_P256)) + dsz(1 + 65));
	z->ext = dsz(sizeof(OID_PAD) + dsz(pad));
	z->extseq = dsz(z->ext);
	z->exts = dsz(z->extseq);
	z->tbs = dsz(z->version + z->serial + z->sigalg + z->issuer + z->validity + z->subject + z->spki +
		     z->exts);
	z->sig = rsa ? dsz(1 + 256) : dsz(1 + 70);
	z->cert = dsz(z->tbs + z->sigalg + z->sig);
}

uint32_t tls_cert_min(enum tls_sign s)
{
	struct cert_sizes z;
	sizes(&z, s == TLS_SIGN_RSA2048, 1, 0);
	return (uint32_t)z.cert;
}

static void name(struct wbuf *w, const char *s)
{
	size_t n = strlen(s);
	size_t atv = sizeof(OID_CN) + dsz(n);
	hdr(w, 0x30, dsz(dsz(atv)));
	hdr(w, 0x31, dsz(atv));
	hdr(w, 0x30, atv);
	wb_bytes(w, OID_CN, sizeof(OID_CN));
	hdr(w, 0x0c, n); /* UTF8String */
	wb_bytes(w, s, n);
}

/* A positive INTEGER of n random bytes whose top bit is set (after a 0). */
static void big_int(struct wbuf *w, size_t n, uint64_t seed, bool top)
{
	hdr(w, 0x02, n);
	size_t at = w->len;
	wb_random(w, n, seed);
	if (top) {
		w->p[at] = 0;
		w->p[at + 1] |= 0x80;
	} else {
		w->p[at] = (uint8_t)((w->p[at] & 0x7f) | 0x01); /* positive, minimal */
	}
}

static void sigalg(struct wbuf *w, bool rsa)
{
	if (rsa) {
		hdr(w, 0x30, sizeof(OID_SHA256_RSA) + 2);
		wb_bytes(w, OID_SHA256_RSA, sizeof(OID_SHA256_RSA));
		wb_u8(w, 0x05);
		wb_u8(w, 0x00);
	} else {
		hdr(w, 0x30, sizeof(OID_ECDSA_SHA256));
		wb_bytes(w, OID_ECDSA_SHA256, sizeof(OID_ECDSA_SHA256));
	}
}

int tls_cert_der(struct wbuf *w, enum tls_sign s, uint32_t total, uint64_t seed)
{
	bool rsa = s == TLS_SIGN_RSA2048;
	struct cert_sizes z;
	bool found = false;
	for (size_t serial = 20; serial >= 1 && !found; serial--) {
		sizes(&z, rsa, serial, 0);
		if (z.cert > total)
			continue;
		size_t guess = total - z.cert;
		for (size_t d = 0; d <= 12 && !found; d++) {
			if (d > guess)
				break;
			sizes(&z, rsa, serial, guess - d);
			found = z.cert == total;
		}
	}
	if (!found)
		return -1;
	size_t serial = z.serial - 2;
	hdr(w, 0x30, z.tbs + z.sigalg + z.sig);
	size_t tbs_content = z.version + z.serial + z.sigalg + z.issuer + z.validity + z.subject + z.spki + z.exts;
	hdr(w, 0x30, tbs_content);
	/* version v3 */
	wb_u8(w, 0xa0);
	wb_u8(w, 3);
	wb_u8(w, 0x02);
	wb_u8(w, 1);
	wb_u8(w, 2);
	big_int(w, serial, seed, false);
	sigalg(w, rsa);
	name(w, ISSUER);
	hdr(w, 0x30, 2 * dsz(13));
	hdr(w, 0x17, 13);
	wb_bytes(w, NOT_BEFORE, 13);
	hdr(w, 0x17, 13);
	wb_bytes(w, NOT_AFTER, 13);
	name(w, SUBJECT);
	if (rsa) {
		size_t pub = dsz(257) + 5;
		hdr(w, 0x30, dsz(sizeof(OID_RSA) + 2) + dsz(1 + dsz(pub)));
		hdr(w, 0x30, sizeof(OID_RSA) + 2);
		wb_bytes(w, OID_RSA, sizeof(OID_RSA));
		wb_u8(w, 0x05);
		wb_u8(w, 0x00);
		hdr(w, 0x03, 1 + dsz(pub));
		wb_u8(w, 0); /* unused bits */
		hdr(w, 0x30, pub);
		big_int(w, 257, seed ^ 1, true);
		static const uint8_t e[] = { 0x02, 0x03, 0x01, 0x00, 0x01 };
		wb_bytes(w, e, sizeof(e));
	} else {
		hdr(w, 0x30, dsz(sizeof(OID_EC_PUB) + sizeof(OID_P256)) + dsz(1 + 65));
		hdr(w, 0x30, sizeof(OID_EC_PUB) + sizeof(OID_P256));
		wb_bytes(w, OID_EC_PUB, sizeof(OID_EC_PUB));
		wb_bytes(w, OID_P256, sizeof(OID_P256));
		hdr(w, 0x03, 1 + 65);
		wb_u8(w, 0);
		wb_u8(w, 0x04); /* uncompressed point */
		wb_random(w, 64, seed ^ 1);
	}
	hdr(w, 0xa3, z.extseq);
	hdr(w, 0x30, z.ext);
	hdr(w, 0x30, sizeof(OID_PAD) + dsz(z.pad));
	wb_bytes(w, OID_PAD, sizeof(OID_PAD));
	hdr(w, 0x04, z.pad);
	wb_random(w, z.pad, seed ^ 2);
	sigalg(w, rsa);
	if (rsa) {
		hdr(w, 0x03, 1 + 256);
		wb_u8(w, 0);
		wb_random(w, 256, seed ^ 3);
	} else {
		hdr(w, 0x03, 1 + 70);
		wb_u8(w, 0);
		hdr(w, 0x30, 68);
		big_int(w, 32, seed ^ 3, false);
		big_int(w, 32, seed ^ 4, false);
	}
	return 0;
}
