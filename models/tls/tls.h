/* TLS 1.2 (RFC 5246, with session resumption by session ID and by ticket,
 * RFC 5077) and TLS 1.3 (RFC 8446: full handshake, PSK resumption, 0-RTT
 * early data) over a simulated TCP socket, as message flights with real
 * record and handshake bytes.
 *
 * The API mirrors tcp.h so an application swaps one for the other: create
 * and connect (or accept) a struct tcp_sock as usual, then hand it to
 * tls_client / tls_server, which take over the socket's callbacks and call
 * the application through struct tls_cb.  Application bytes go through
 * tls_send / tls_recv as records (plaintext fragments of at most 16384
 * bytes plus the AEAD overhead: TLS 1.3 +1 inner content type +16 tag,
 * TLS 1.2 AES-GCM +8 explicit nonce +16 tag).
 *
 * ClientHello and ServerHello are well-formed (SNI, ALPN, supported_versions,
 * key_share, session_ticket, pre_shared_key, early_data where they belong),
 * so tshark names them; the encrypted messages (EncryptedExtensions,
 * Certificate, CertificateVerify, Finished, NewSessionTicket) are records of
 * the sizes OpenSSL 3 sends (docs/models/tls.md, measured on this machine),
 * with random-looking bodies from a named rng stream.  Nothing is really
 * encrypted: the model is about bytes and round trips.
 *
 * Sessions (TLS 1.2 session IDs and tickets, TLS 1.3 tickets) are cached per
 * client node and server name and port, in the simulation (sim_ext "tls"); a server's
 * state (its TLS 1.2 session-ID cache, the anti-replay record of 0-RTT
 * tickets, its counters) is kept per server node and port. */
#ifndef WL_TLS_H
#define WL_TLS_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/tcp.h"

struct tls_conn;
struct pbuf;

/* Protocol versions as on the wire. */
#define TLS_V12 0x0303
#define TLS_V13 0x0304

/* The server's signature algorithm (its certificate's key). */
enum tls_sign {
	TLS_SIGN_ECDSA_P256,   /* ecdsa_secp256r1_sha256 */
	TLS_SIGN_RSA2048,      /* rsa_pss_rsae_sha256 (1.3), rsa_pkcs1... / pss (1.2) */
};

/* TLS 1.2 resumption mechanism the server offers. */
enum tls_resumption {
	TLS_RESUME_TICKET,     /* RFC 5077 tickets (OpenSSL's default) */
	TLS_RESUME_SESSION_ID, /* server-side session cache (RFC 5246 7.3) */
	TLS_RESUME_NONE,
};

/* Errors reported through tls_cb.error: a TCP error (positive errno as in
 * tcp.h), or an alert, TLS_ERR_ALERT(description) (RFC 8446 6.2), either
 * received from the peer or sent by us after a protocol error. */
#define TLS_ERR_ALERT_BASE 0x1000
#define TLS_ERR_ALERT(desc) (TLS_ERR_ALERT_BASE + (desc))
#define TLS_IS_ALERT(err) ((err) >= TLS_ERR_ALERT_BASE && (err) < TLS_ERR_ALERT_BASE + 256)
const char *tls_strerror(int err);

/* Alert descriptions (RFC 8446 6). */
enum {
	TLS_ALERT_CLOSE_NOTIFY = 0,
	TLS_ALERT_UNEXPECTED_MESSAGE = 10,
	TLS_ALERT_BAD_RECORD_MAC = 20,
	TLS_ALERT_RECORD_OVERFLOW = 22,
	TLS_ALERT_HANDSHAKE_FAILURE = 40,
	TLS_ALERT_BAD_CERTIFICATE = 42,
	TLS_ALERT_ILLEGAL_PARAMETER = 47,
	TLS_ALERT_DECODE_ERROR = 50,
	TLS_ALERT_PROTOCOL_VERSION = 70,
	TLS_ALERT_INTERNAL_ERROR = 80,
	TLS_ALERT_MISSING_EXTENSION = 109,
	TLS_ALERT_UNRECOGNIZED_NAME = 112,
	TLS_ALERT_NO_APPLICATION_PROTOCOL = 120,
};

/* Settings of one side.  tls_config_default() gives OpenSSL 3's behaviour
 * and the sizes measured on this machine (docs/models/tls.md). */
struct tls_config {
	/* both sides */
	uint16_t max_version;       /* TLS_V13 or TLS_V12: the highest enabled */
	uint16_t min_version;       /* TLS_V12 (OpenSSL 3's default minimum) */
	/* ALPN protocols in preference order, comma-separated ("h2,http/1.1");
	 * empty: no ALPN extension.  The server picks its first that the client
	 * offers; none in common: no_application_protocol alert (RFC 7301 3.2). */
	char alpn[64];

	/* client */
	char server_name[256];      /* SNI and the session cache's key; "" : none */
	bool resume;                /* use a cached session when there is one */
	bool early_data;            /* send 0-RTT data when the ticket allows */
	bool replay_ticket;         /* reuse a TLS 1.3 ticket instead of
	                             * consuming it (RFC 8446 C.4 says clients
	                             * should not): replays the 0-RTT data */

	/* server */
	uint32_t cert_chain_bytes;  /* Certificate message's certificate_list */
	enum tls_sign sign;
	simtime_t sign_time_ns;     /* server time to sign (CertificateVerify /
	                             * ServerKeyExchange); < 0: the default for sign */
	enum tls_resumption resumption_12;
	uint32_t tickets_13;        /* NewSessionTickets after a full 1.3
	                             * handshake (OpenSSL: 2) */
	bool accept_early_data;     /* server: accept 0-RTT (OpenSSL -early_data) */
	bool anti_replay;           /* server: a ticket's 0-RTT is accepted once
	                             * (OpenSSL's default; off shows the replay risk) */
	uint32_t max_early_data;    /* bytes advertised in tickets (16384) */
	simtime_t ticket_lifetime_ns; /* and session timeout (OpenSSL 7200 s) */
	uint16_t ticket_len_12;     /* ticket bytes; 0: OpenSSL's measured 176 */
	uint16_t ticket_len_13;     /* 0: OpenSSL's measured 208, or 32 when it
	                             * accepts early data (stateful tickets) */
};
void tls_config_default(struct tls_config *c);
/* The measured signing time for an algorithm (docs/models/tls.md). */
simtime_t tls_sign_time_default(enum tls_sign s);

/* What the handshake settled. */
struct tls_hs_info {
	uint16_t version;           /* TLS_V12 or TLS_V13 */
	char alpn[32];              /* chosen protocol, "" if none */
	bool resumed;
	bool early_sent;            /* client: 0-RTT data was sent */
	bool early_accepted;        /* 0-RTT data was accepted by the server */
	simtime_t started, done;    /* when the ClientHello left / handshake done */
};

/* App callbacks; any may be NULL. */
struct tls_cb {
	/* Client: the server's Finished has arrived (ours is sent); server:
	 * the client's Finished has arrived.  Early data the server rejected
	 * has already been queued again as ordinary data. */
	void (*handshake_done)(struct tls_conn *tc, const struct tls_hs_info *hi, void *ctx);
	void (*readable)(struct tls_conn *tc, void *ctx);     /* plaintext to read
	                                                        * (server: may be 0-RTT data) */
	void (*writable)(struct tls_conn *tc, void *ctx);
	void (*peer_closed)(struct tls_conn *tc, void *ctx);  /* close_notify or FIN */
	void (*error)(struct tls_conn *tc, int err, void *ctx);
	void (*closed)(struct tls_conn *tc, void *ctx);       /* the connection is gone */
};

/* Take over a TCP socket.  The client's ts may still be connecting: the
 * ClientHello leaves when it connects.  The server's ts is an accepted
 * child.  The config is copied.  Returns NULL for a config that makes no
 * sense (max_version < min_version, unknown version). */
struct tls_conn *tls_client(struct tcp_sock *ts, const struct tls_config *cfg,
			    const struct tls_cb *cb, void *ctx);
struct tls_conn *tls_server(struct tcp_sock *ts, const struct tls_config *cfg,
			    const struct tls_cb *cb, void *ctx);
void tls_set_callbacks(struct tls_conn *tc, const struct tls_cb *cb, void *ctx);

/* Queues len plaintext bytes (zeros, or from data at data_off) as records;
 * returns how many were taken, or a negative error.  Before the handshake
 * is done, a client's bytes go out as 0-RTT data if its config and ticket
 * allow (up to the ticket's max_early_data), otherwise they wait for the
 * handshake; a server's wait for its flight. */
int64_t tls_send(struct tls_conn *tc, uint64_t len, struct pbuf *data, uint32_t data_off);
/* Reads up to max plaintext bytes (copied to out if given). */
uint64_t tls_recv(struct tls_conn *tc, uint64_t max, uint8_t *out);
uint64_t tls_readable(const struct tls_conn *tc);
/* Plaintext bytes tls_send takes now. */
uint64_t tls_send_space(const struct tls_conn *tc);
/* close_notify, then the TCP socket is closed; no callback runs after. */
void tls_close(struct tls_conn *tc);
/* Abortive: RST, freed; no callback runs after. */
void tls_abort(struct tls_conn *tc);

bool tls_handshake_done(const struct tls_conn *tc);
const struct tls_hs_info *tls_info(const struct tls_conn *tc);
struct tcp_sock *tls_tcp(const struct tls_conn *tc);

/* A server's counters, per node and port (all connections of tls_server
 * on that port). */
struct tls_server_stats {
	uint64_t handshakes, full, resumed;
	uint64_t early_offered, early_accepted, early_rejected;
	uint64_t early_replayed;      /* accepted 0-RTT whose ticket had
	                               * already carried accepted 0-RTT data */
	uint64_t alerts_sent;
};
void tls_server_stats(struct node *nd, uint16_t port, struct tls_server_stats *out);

/* Sessions are cached per origin: "name:port" (name: the SNI, or the
 * server's dotted quad without SNI).  Forget a client node's cached
 * sessions for a name (every port) or a "name:port" (NULL: all). */
void tls_cache_flush(struct node *nd, const char *server_name);
/* Whether the client node holds a usable session for that name or name:port. */
bool tls_cache_has(struct node *nd, const char *server_name, simtime_t now);
/* The 0-RTT bytes the session a client would use now allows (0: no 0-RTT:
 * none cached, TLS 1.2, or a server that does not accept early data).
 * server_name as for tls_cache_has; with "name" alone, the first port's. */
uint32_t tls_cache_early_bytes(struct node *nd, const char *server_name, simtime_t now);

#endif
