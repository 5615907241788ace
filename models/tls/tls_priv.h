/* TLS internals shared by the model's files: the byte writer and reader
 * (bounds-checked: a short or malformed input sets a flag, it never reads
 * out of bounds), the handshake messages as C structs with their encoders
 * and decoders (tls_msg.c, RFC 5246 7.4 and RFC 8446 4), the record layer
 * (tls_record.c, RFC 8446 5), the session store (tls_cache.c) and struct
 * tls_conn (tls.c). */
#ifndef WL_TLS_PRIV_H
#define WL_TLS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tls.h"
#include "sim/sched.h"

/* ---- record layer constants (RFC 8446 5.1, 5.2; RFC 5246 6.2) ---- */
enum {
	TLS_CT_CCS = 20, TLS_CT_ALERT = 21, TLS_CT_HANDSHAKE = 22, TLS_CT_APP = 23,
};
#define TLS_REC_HDR 5
#define TLS_MAX_PLAIN 16384                 /* 2^14 */
#define TLS13_OVERHEAD 17                   /* inner content type + 16-byte tag */
#define TLS12_NONCE 8                       /* AES-GCM explicit nonce */
#define TLS12_TAG 16
#define TLS12_OVERHEAD (TLS12_NONCE + TLS12_TAG)
#define TLS13_MAX_CIPHER (TLS_MAX_PLAIN + 256)   /* RFC 8446 5.2 */
#define TLS12_MAX_CIPHER (TLS_MAX_PLAIN + 2048)  /* RFC 5246 6.2.3 */

/* Handshake message types (RFC 8446 4, RFC 5246 7.4). */
enum {
	TLS_HS_CLIENT_HELLO = 1, TLS_HS_SERVER_HELLO = 2, TLS_HS_NEW_SESSION_TICKET = 4,
	TLS_HS_END_OF_EARLY_DATA = 5, TLS_HS_ENCRYPTED_EXTENSIONS = 8, TLS_HS_CERTIFICATE = 11,
	TLS_HS_SERVER_KEY_EXCHANGE = 12, TLS_HS_SERVER_HELLO_DONE = 14,
	TLS_HS_CERTIFICATE_VERIFY = 15, TLS_HS_CLIENT_KEY_EXCHANGE = 16, TLS_HS_FINISHED = 20,
};
/* OpenSSL's max_cert_list default (100 KB): a longer message is refused. */
#define TLS_MAX_HS_MSG (102400 + 64)

/* Extension types (IANA TLS ExtensionType registry). */
enum {
	TLS_EXT_SERVER_NAME = 0, TLS_EXT_SUPPORTED_GROUPS = 10, TLS_EXT_EC_POINT_FORMATS = 11,
	TLS_EXT_SIGNATURE_ALGORITHMS = 13, TLS_EXT_ALPN = 16, TLS_EXT_ENCRYPT_THEN_MAC = 22,
	TLS_EXT_EXTENDED_MASTER_SECRET = 23, TLS_EXT_SESSION_TICKET = 35,
	TLS_EXT_PRE_SHARED_KEY = 41, TLS_EXT_EARLY_DATA = 42, TLS_EXT_SUPPORTED_VERSIONS = 43,
	TLS_EXT_PSK_KEY_EXCHANGE_MODES = 45, TLS_EXT_KEY_SHARE = 51,
	TLS_EXT_RENEGOTIATION_INFO = 0xff01,
};

/* Cipher suites the model's server picks (OpenSSL 3's first choices,
 * measured: TLS_AES_256_GCM_SHA384 and ECDHE_*_WITH_AES_256_GCM_SHA384). */
#define TLS_AES_256_GCM_SHA384 0x1302
#define TLS_ECDHE_ECDSA_AES256_GCM 0xc02c
#define TLS_ECDHE_RSA_AES256_GCM 0xc030
#define TLS_GROUP_X25519 0x001d
#define TLS13_FINISHED_LEN 48               /* SHA-384 (RFC 8446 4.4.4) */
#define TLS12_FINISHED_LEN 12               /* RFC 5246 7.4.9 */
#define TLS_PSK_BINDER_LEN 48               /* SHA-384 */

/* ---- bounds-checked writer and reader ---- */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
};
void wb_reserve(struct wbuf *w, size_t more);
void wb_free(struct wbuf *w);
static inline void wb_u8(struct wbuf *w, uint8_t v) { wb_reserve(w, 1); w->p[w->len++] = v; }
static inline void wb_u16(struct wbuf *w, uint16_t v) { wb_u8(w, (uint8_t)(v >> 8)); wb_u8(w, (uint8_t)v); }
static inline void wb_u24(struct wbuf *w, uint32_t v) { wb_u8(w, (uint8_t)(v >> 16)); wb_u16(w, (uint16_t)v); }
static inline void wb_u32(struct wbuf *w, uint32_t v) { wb_u16(w, (uint16_t)(v >> 16)); wb_u16(w, (uint16_t)v); }
static inline void wb_bytes(struct wbuf *w, const void *b, size_t n)
{
	wb_reserve(w, n);
	if (n)
		memcpy(w->p + w->len, b, n);
	w->len += n;
}
/* Length-prefixed vectors: begin returns the prefix's place, end patches it. */
size_t wb_begin(struct wbuf *w, int prefix_bytes);
void wb_end(struct wbuf *w, size_t at, int prefix_bytes);
/* n pseudo-random bytes from a 64-bit seed (splitmix64): bodies of the
 * messages whose contents the model does not compute (signatures, keys). */
void wb_random(struct wbuf *w, size_t n, uint64_t seed);

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	bool bad;          /* read past the end or a malformed length */
};
static inline void rb_init(struct rbuf *r, const uint8_t *p, size_t len) { r->p = p; r->len = len; r->off = 0; r->bad = false; }
static inline size_t rb_left(const struct rbuf *r) { return r->bad ? 0 : r->len - r->off; }
uint32_t rb_uint(struct rbuf *r, int bytes);
const uint8_t *rb_take(struct rbuf *r, size_t n);
/* A sub-reader over a vector with a prefix of prefix_bytes. */
struct rbuf rb_vec(struct rbuf *r, int prefix_bytes);

/* ---- handshake messages ---- */
#define TLS_MAX_ALPN 8
#define TLS_MAX_TICKET 1024
#define TLS_TICKET_MIN 32   /* our ticket encoding's size (tls_ticket_*) */

struct tls_alpn_list {
	int n;
	char name[TLS_MAX_ALPN][32];
};
int tls_alpn_parse(const char *csv, struct tls_alpn_list *out);

struct tls_client_hello {
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t sid_len, sid[32];
	uint16_t n_suites;                  /* the count only: we do not keep them */
	bool suite_13, suite_12;            /* offers a suite we take */
	bool has_versions;                  /* supported_versions present */
	bool offers_13, offers_12;
	char sni[256];
	struct tls_alpn_list alpn;
	bool has_alpn;
	bool has_ticket_ext;                /* session_ticket (1.2) */
	uint16_t ticket_len;                /* its contents */
	uint8_t ticket[TLS_MAX_TICKET];
	bool has_key_share_x25519;
	bool has_psk_modes_dhe;
	bool has_psk;                       /* pre_shared_key (last, RFC 8446 4.2.11) */
	uint16_t psk_id_len;
	uint8_t psk_id[TLS_MAX_TICKET];     /* the first identity */
	bool has_early_data;
};
/* Encoder input: what the client offers. */
struct tls_ch_params {
	uint16_t max_version;
	const uint8_t *random;              /* 32 */
	const uint8_t *sid; uint8_t sid_len;
	const char *sni;
	const struct tls_alpn_list *alpn;
	const uint8_t *ticket12; uint16_t ticket12_len; /* session_ticket contents */
	const uint8_t *psk; uint16_t psk_len;           /* 1.3 identity */
	uint32_t psk_age;
	bool early_data;
	uint64_t seed;                      /* key share bytes */
};
void tls_enc_client_hello(struct wbuf *w, const struct tls_ch_params *p);
/* body: the message without its 4-byte header.  0 or an alert description. */
int tls_dec_client_hello(const uint8_t *body, size_t len, struct tls_client_hello *ch);

struct tls_server_hello {
	uint16_t legacy_version;
	uint8_t random[32];
	uint8_t sid_len, sid[32];
	uint16_t suite;
	uint16_t version;                   /* supported_versions, or legacy */
	bool has_key_share;
	bool psk_selected;
	bool ticket_ext;                    /* 1.2: a NewSessionTicket will follow */
	char alpn[32];                      /* 1.2 carries ALPN here */
	bool has_alpn;
};
struct tls_sh_params {
	uint16_t version;
	const uint8_t *random;
	const uint8_t *sid; uint8_t sid_len;
	uint16_t suite;
	bool psk_selected;                  /* 1.3 */
	bool ticket_ext;                    /* 1.2 */
	bool resumed;                       /* 1.2: no ec_point_formats (measured) */
	const char *alpn;                   /* 1.2 ("" or NULL: none) */
	uint64_t seed;
};
void tls_enc_server_hello(struct wbuf *w, const struct tls_sh_params *p);
int tls_dec_server_hello(const uint8_t *body, size_t len, struct tls_server_hello *sh);

/* EncryptedExtensions (1.3): ALPN and early_data. */
void tls_enc_encrypted_extensions(struct wbuf *w, const char *alpn, bool early_data);
int tls_dec_encrypted_extensions(const uint8_t *body, size_t len, char alpn[32], bool *early_data);

/* tls_cert.c: a DER certificate of exactly total bytes (-1 if total is
 * below tls_cert_min) */
int tls_cert_der(struct wbuf *w, enum tls_sign s, uint32_t total, uint64_t seed);
uint32_t tls_cert_min(enum tls_sign s);
void tls_enc_certificate(struct wbuf *w, uint16_t version, enum tls_sign s, uint32_t chain_bytes,
			 uint64_t seed);
int tls_dec_certificate(const uint8_t *body, size_t len, uint16_t version);
/* signature length of an algorithm, on the wire (measured, see tls.c) */
uint32_t tls_sig_len(enum tls_sign s);
void tls_enc_certificate_verify(struct wbuf *w, enum tls_sign s, uint64_t seed);
void tls_enc_server_key_exchange(struct wbuf *w, enum tls_sign s, uint64_t seed);
int tls_dec_signed(const uint8_t *body, size_t len, bool ske);
void tls_enc_empty(struct wbuf *w, uint8_t type); /* ServerHelloDone, EndOfEarlyData */
void tls_enc_client_key_exchange(struct wbuf *w, uint64_t seed);
int tls_dec_client_key_exchange(const uint8_t *body, size_t len);
void tls_enc_finished(struct wbuf *w, uint16_t version, uint64_t seed);
int tls_dec_finished(const uint8_t *body, size_t len, uint16_t version);

struct tls_nst {
	uint32_t lifetime_s, age_add;
	uint16_t ticket_len;
	uint8_t ticket[TLS_MAX_TICKET];
	uint32_t max_early_data;            /* 0: no early_data extension */
};
void tls_enc_new_session_ticket(struct wbuf *w, uint16_t version, const struct tls_nst *t, uint64_t seed);
int tls_dec_new_session_ticket(const uint8_t *body, size_t len, uint16_t version, struct tls_nst *t);

/* Writes a handshake message header (type, 24-bit length) at the start of
 * a message begun with tls_hs_begin. */
size_t tls_hs_begin(struct wbuf *w, uint8_t type);
void tls_hs_end(struct wbuf *w, size_t at);

/* Tickets: what the server seals in them (our own layout, opaque to the
 * client, TLS_TICKET_MIN bytes then random fill to the wanted size). */
struct tls_ticket {
	uint32_t issuer_node;
	uint16_t issuer_port;
	uint16_t version;
	uint64_t id;
	simtime_t issued;
	uint32_t max_early_data;
	uint8_t alpn_idx;                   /* index in the server's list + 1; 0: none */
};
void tls_ticket_seal(uint8_t *out, uint16_t len, const struct tls_ticket *t, uint64_t seed);
int tls_ticket_open(const uint8_t *in, uint16_t len, struct tls_ticket *t);

/* ---- record stream decoding (what the receiver parses) ---- */
/* Parses a record header: 0 when fewer than 5 bytes, 1 when valid (type,
 * length set), or -alert. */
int tls_rec_header(const uint8_t *b, size_t n, uint16_t max_len, uint8_t *type, uint16_t *len);
/* TLS 1.3 inner plaintext (RFC 8446 5.4): strips the tag and padding;
 * 0 with *inner and *plen, or -alert. */
int tls13_unwrap(const uint8_t *body, size_t len, uint8_t *inner, size_t *plen);

/* ---- the session store (tls_cache.c) ---- */
struct tls_session {
	uint16_t version;
	uint8_t sid_len, sid[32];           /* 1.2 session ID */
	uint16_t ticket_len;                /* 1.2 ticket or 1.3 PSK identity */
	uint8_t ticket[TLS_MAX_TICKET];
	uint32_t max_early_data;
	char alpn[32];
	simtime_t received, lifetime;
};
/* Client side, per node and server name. */
void tls_cache_put(struct sim *s, uint32_t node_id, const char *name, const struct tls_session *ss);
/* The newest usable session; if take, a TLS 1.3 one is removed (single
 * use, RFC 8446 C.4).  Returns false if none. */
bool tls_cache_get(struct sim *s, uint32_t node_id, const char *name, simtime_t now, bool take,
		   struct tls_session *out);

/* Live connections, freed with the simulation if still open then. */
void tls_world_link(struct sim *s, struct tls_conn *tc);
void tls_world_unlink(struct sim *s, struct tls_conn *tc);
void tls_conn_release(struct tls_conn *tc); /* tls.c: frees, touching no socket */

/* Server side, per node and port. */
struct tls_server_state;
struct tls_server_state *tls_server_state(struct sim *s, uint32_t node_id, uint16_t port);
struct tls_server_stats *tls_srv_stats(struct tls_server_state *st);
uint64_t tls_srv_next_ticket_id(struct tls_server_state *st);
void tls_srv_sid_put(struct tls_server_state *st, const uint8_t sid[32], simtime_t now, const char *alpn);
bool tls_srv_sid_find(struct tls_server_state *st, const uint8_t sid[32], simtime_t now,
		      simtime_t timeout);
/* Records a ticket's 0-RTT use; returns how many times it was used before. */
uint32_t tls_srv_early_use(struct tls_server_state *st, uint64_t ticket_id);

#endif
