/* struct tls_conn: one TLS connection's state, shared by the handshake
 * state machine (tls.c) and the record layer (tls_record.c). */
#ifndef WL_TLS_CONN_H
#define WL_TLS_CONN_H

#include "tls_priv.h"

/* A queue of byte runs: real bytes from a pbuf, or zeros (pb NULL). */
struct txitem {
	struct pbuf *pb;
	uint32_t off;
	uint64_t len;
};
struct txq {
	struct txitem *v;
	size_t head, n, cap;
	uint64_t bytes;
};
void txq_push(struct txq *q, struct pbuf *pb, uint32_t off, uint64_t len); /* takes a ref */
void txq_free(struct txq *q);
/* Moves everything of src to the front of dst (src ends empty). */
void txq_prepend(struct txq *dst, struct txq *src);

enum tls_state {
	/* client */
	C_CONNECTING, C_WAIT_SH,
	C13_WAIT_EE, C13_WAIT_CERT, C13_WAIT_CV, C13_WAIT_FIN,
	C12_WAIT_CERT, C12_WAIT_SKE, C12_WAIT_SHD, C12_WAIT_CCS, C12_WAIT_FIN,
	/* server */
	S_WAIT_CH, S_SIGNING, S13_WAIT_EOED, S13_WAIT_FIN,
	S12_WAIT_CKE, S12_WAIT_CCS, S12_WAIT_FIN,
	/* both */
	T_DONE, T_FAILED,
};

struct tls_conn {
	struct tls_conn *wprev, *wnext; /* the simulation's live connections */
	struct sim *sim;
	struct node *nd;
	struct tcp_sock *ts;     /* NULL once closed */
	struct tls_config cfg;
	struct tls_cb cb;
	void *ctx;
	bool server;
	enum tls_state st;
	uint16_t version;        /* negotiated; 0 before the hellos */
	struct tls_alpn_list alpn;
	struct tls_hs_info info;
	uint64_t seed;           /* per-connection seed for message bodies */
	uint64_t nmsg;           /* messages written, mixed into seeds */
	uint32_t fin_len;

	bool rx_enc, tx_enc;     /* records are protected in that direction */
	bool ccs_sent;           /* 1.3 middlebox-compat CCS (RFC 8446 D.4) */
	bool resumed;
	bool peer_done;          /* close_notify or FIN seen */
	bool dead;               /* the app closed it, or it failed: free when idle */
	bool app_closed;         /* no callbacks any more */
	bool in_pump;
	bool rx_stalled;          /* stopped reading: the app's buffer is full */
	int busy;                /* nesting of our entry points */

	/* client */
	bool have_sess;
	struct tls_session sess;
	uint8_t random[32];
	uint8_t sid[32];
	uint8_t sid_len;
	uint32_t early_budget;   /* 0-RTT bytes we may still send */
	bool early_open;         /* writing 0-RTT records now */
	struct txq early_copy;   /* what we sent as 0-RTT, resent if rejected */
	char cache_name[256];
	bool new_sess;           /* a TLS 1.2 session to cache at done */
	struct tls_session sess12;

	/* server */
	struct tls_server_state *srv;
	uint16_t port;
	struct tls_ticket tk;    /* the ticket the client resumed with */
	bool early_rx_ok;        /* accepting 0-RTT data */
	bool early_rx_skip;      /* rejected 0-RTT: discard it (RFC 8446 4.2.10) */
	uint64_t early_rx_bytes;
	bool client_ticket_ext;  /* 1.2: the client can take a ticket */
	struct timer t_sign;
	struct timer t_kick;     /* reads what arrived before tls_server */

	/* plaintext waiting until it may be sent (handshake not done) */
	struct txq pending;
	/* record bytes for TCP */
	struct txq out;
	uint64_t seq_tx;
	bool want_writable;

	/* receive: the record being read, handshake reassembly, plaintext */
	uint8_t *rbuf;
	size_t rlen, rcap;
	struct wbuf hs;
	struct wbuf app;
	size_t app_off;
};

/* tls_record.c */
void tls_rec_plain(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n);
/* A handshake message or alert under the current keys. */
void tls_rec_protected(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n);
/* Application data as records of at most 16384 plaintext bytes. */
void tls_rec_app(struct tls_conn *tc, struct pbuf *pb, uint32_t off, uint64_t len);
void tls_flush(struct tls_conn *tc);
/* Reads and handles records from TCP as long as there are some. */
void tls_rx_pump(struct tls_conn *tc);
/* Sends a fatal alert, reports the error and closes. */
void tls_fail(struct tls_conn *tc, int alert);

/* tls.c: what the record layer hands up */
void tls_on_handshake(struct tls_conn *tc, uint8_t type, const uint8_t *body, size_t len);
void tls_on_ccs(struct tls_conn *tc);
void tls_on_alert(struct tls_conn *tc, uint8_t level, uint8_t desc);
void tls_on_app_data(struct tls_conn *tc, const uint8_t *b, size_t n);
void tls_report_error(struct tls_conn *tc, int err);

#endif
