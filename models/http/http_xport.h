/* The byte transport under an HTTP connection: plain TCP (models/tcp/tcp.h)
 * or TLS over TCP (models/tls/tls.h), behind one small ops table so HTTP/1.x
 * and HTTP/2 run over either without knowing which.
 *
 * Output is staged and pushed: xp_write (real bytes) and xp_write_zeros
 * (filler, no copy) queue pieces of a message, xp_push hands them to the
 * socket with every piece but the last marked "more" (Linux MSG_MORE), so
 * a message written in parts leaves in full segments and Nagle never holds
 * its tail.  Callers stay within xp_space().
 *
 * The transport also keeps the times HAR reports: when the connect began,
 * when TCP was established and when the connection was secured (TLS
 * handshake done; equal to the TCP time without TLS). */
#ifndef WL_HTTP_XPORT_H
#define WL_HTTP_XPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/tcp.h"

struct http_xport;
struct tls_config;
struct pbuf;

struct http_xport_cb {
	void (*up)(struct http_xport *x, void *ctx);          /* ready for application bytes */
	void (*readable)(struct http_xport *x, void *ctx);
	void (*writable)(struct http_xport *x, void *ctx);
	void (*peer_closed)(struct http_xport *x, void *ctx);
	void (*error)(struct http_xport *x, const char *msg, void *ctx); /* then closed, or nothing more */
};

struct http_xport_ops {
	const char *name;
	int64_t (*send)(struct http_xport *x, uint64_t len, struct pbuf *data, uint32_t off, bool more);
	uint64_t (*recv)(struct http_xport *x, uint64_t max, uint8_t *out);
	uint64_t (*readable)(const struct http_xport *x);
	uint64_t (*send_space)(const struct http_xport *x);
	void (*close)(struct http_xport *x);   /* orderly: after what is queued; no callback after */
	void (*abort)(struct http_xport *x);   /* RST; no callback after */
};

struct xp_piece {
	struct pbuf *buf;       /* real bytes, or NULL: zeros */
	uint64_t len;
};

struct http_xport {
	const struct http_xport_ops *ops;
	struct tcp_sock *ts;
	void *tls;                      /* struct tls_conn * when secured */
	const struct http_xport_cb *cb;
	void *ctx;
	bool up, gone;                  /* gone: closed by us; no more I/O */
	bool server;
	bool early;                     /* client: up before the handshake, for 0-RTT data */
	char early_alpn[32];            /* the protocol assumed for it */
	uint16_t tls_version;           /* 0x0303, 0x0304 once secured; 0 without TLS */
	bool tls_resumed;
	simtime_t t_start, t_tcp_up, t_up;
	char alpn[32];                  /* negotiated ALPN ("" for none) */
	char errmsg[128];
	/* staged output */
	uint8_t *stage;                 /* real bytes not yet in a piece */
	uint32_t stage_len, stage_cap;
	struct xp_piece *pieces;
	int npieces, cap_pieces;
	uint64_t staged;                /* bytes in stage and pieces */
};

/* Client side: a socket on nd connecting to addr:port; with tls non-NULL a
 * TLS client (SNI sni, ALPN list alpn, NULL-terminated) once TCP is up.
 * early_alpn non-NULL: when the TLS config allows 0-RTT and a session for
 * sni is cached, the transport says "up" at once (from an event) with that
 * ALPN, so the first request leaves as early data (RFC 8446 §2.3); the
 * handshake must then settle on the same ALPN or the connection fails.
 * 0, or a negative TCP error (then nothing is open). */
int xp_connect(struct http_xport *x, struct node *nd, const struct tcp_config *tcfg, uint32_t addr,
	       uint16_t port, const struct tls_config *tls, const char *sni, const char *const *alpn,
	       const char *early_alpn, const struct http_xport_cb *cb, void *ctx);
/* Server side: an accepted child; with tls a TLS server offering alpn. */
void xp_accept(struct http_xport *x, struct tcp_sock *child, const struct tls_config *tls,
	       const char *const *alpn, const struct http_xport_cb *cb, void *ctx);
/* Whether this build has a TLS transport (models/tls merged). */
bool xp_tls_available(void);
/* http_xport_tls.c: put TLS on x's socket (client: SNI and ALPN offered;
 * server: ALPN accepted, in preference order).  0 or a negative error. */
int xp_tls_client(struct http_xport *x, const struct tls_config *tls, const char *sni, const char *const *alpn,
		  const char *early_alpn);
int xp_tls_server(struct http_xport *x, const struct tls_config *tls, const char *const *alpn);

void xp_write(struct http_xport *x, const void *data, uint32_t len);
void xp_write_zeros(struct http_xport *x, uint64_t len);
/* Hands what is staged to the socket, in order; what the socket cannot
 * take yet stays queued (counted in xp_space) and leaves from the writable
 * callback.  False if the connection is gone or failed. */
bool xp_push(struct http_xport *x);
/* Sends what is still queued after a short write (called from the
 * transports' writable callbacks). */
void xp_flush_pending(struct http_xport *x);
uint64_t xp_space(const struct http_xport *x);
uint64_t xp_recv(struct http_xport *x, uint64_t max, uint8_t *out);
uint64_t xp_readable(const struct http_xport *x);
void xp_close(struct http_xport *x);
void xp_abort(struct http_xport *x);
/* Frees the staging memory without touching the socket (the simulation is
 * being torn down). */
void xp_abandon(struct http_xport *x);

#endif
