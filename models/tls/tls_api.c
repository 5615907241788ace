/* The life of a TLS connection and the API of tls.h: the defaults
 * (OpenSSL 3's behaviour, sizes and signing times measured on this machine,
 * docs/models/tls.md), taking over a TCP socket's callbacks, sending and
 * receiving application bytes, closing, and freeing a connection only when
 * none of its entry points is running (a callback may close it).  The
 * handshake itself is tls.c; the records, tls_record.c. */
#include "tls_conn.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/net/net.h"
#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/sim.h"

#define TLS_PENDING_MAX (256 * 1024)

/* ---- defaults ---- */

/* openssl speed -seconds 3 rsa2048 ecdsap256, OpenSSL 3.0.19 on this
 * machine (2026-12-03): rsa 2048 sign 3865.3/s, ecdsa nistp256 sign
 * 54602.7/s. */
simtime_t tls_sign_time_default(enum tls_sign s)
{
	return s == TLS_SIGN_RSA2048 ? SIM_NS(258713) : SIM_NS(18314);
}

void tls_config_default(struct tls_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_version = TLS_V13;
	c->min_version = TLS_V12;
	snprintf(c->alpn, sizeof(c->alpn), "h2,http/1.1");
	c->resume = true;
	c->early_data = false;
	/* the measured self-signed RSA-2048 certificate (openssl req -x509):
	 * 795 bytes of DER */
	c->cert_chain_bytes = 795;
	c->sign = TLS_SIGN_RSA2048;
	c->sign_time_ns = -1;
	c->resumption_12 = TLS_RESUME_TICKET;
	c->tickets_13 = 2;            /* OpenSSL's SSL_CTX_set_num_tickets default */
	c->accept_early_data = false; /* OpenSSL's max_early_data default is 0 */
	c->anti_replay = true;        /* OpenSSL: SSL_OP_NO_ANTI_REPLAY off */
	c->max_early_data = 16384;    /* s_server -early_data: SSL3_RT_MAX_PLAIN_LENGTH */
	c->ticket_lifetime_ns = SIM_S(7200); /* OpenSSL's session timeout */
}

const char *tls_strerror(int err)
{
	if (!TLS_IS_ALERT(err))
		return tcp_strerror(err);
	switch (err - TLS_ERR_ALERT_BASE) {
	case TLS_ALERT_CLOSE_NOTIFY: return "alert close_notify";
	case TLS_ALERT_UNEXPECTED_MESSAGE: return "alert unexpected_message";
	case TLS_ALERT_BAD_RECORD_MAC: return "alert bad_record_mac";
	case TLS_ALERT_RECORD_OVERFLOW: return "alert record_overflow";
	case TLS_ALERT_HANDSHAKE_FAILURE: return "alert handshake_failure";
	case TLS_ALERT_BAD_CERTIFICATE: return "alert bad_certificate";
	case TLS_ALERT_ILLEGAL_PARAMETER: return "alert illegal_parameter";
	case TLS_ALERT_DECODE_ERROR: return "alert decode_error";
	case TLS_ALERT_PROTOCOL_VERSION: return "alert protocol_version";
	case TLS_ALERT_INTERNAL_ERROR: return "alert internal_error";
	case TLS_ALERT_MISSING_EXTENSION: return "alert missing_extension";
	case TLS_ALERT_UNRECOGNIZED_NAME: return "alert unrecognized_name";
	case TLS_ALERT_NO_APPLICATION_PROTOCOL: return "alert no_application_protocol";
	default: return "alert";
	}
}

/* ---- life ---- */

static void conn_free(struct tls_conn *tc)
{
	tls_world_unlink(tc->sim, tc);
	tls_conn_release(tc);
}

void tls_conn_release(struct tls_conn *tc)
{
	timer_destroy(tc->sim, &tc->t_sign);
	timer_destroy(tc->sim, &tc->t_kick);
	txq_free(&tc->pending);
	txq_free(&tc->out);
	txq_free(&tc->early_copy);
	wb_free(&tc->hs);
	wb_free(&tc->app);
	free(tc->rbuf);
	free(tc);
}

static void enter(struct tls_conn *tc) { tc->busy++; }

static void leave(struct tls_conn *tc)
{
	if (--tc->busy == 0 && tc->dead)
		conn_free(tc);
}

/* the connection is over for the app: error, then closed */
void tls_report_error(struct tls_conn *tc, int err)
{
	if (!tc->app_closed && tc->cb.error)
		tc->cb.error(tc, err, tc->ctx);
	if (tc->app_closed)
		return; /* it closed from the callback */
	if (tc->ts) {
		/* unread bytes would turn the close into a RST that drops the
		 * alert (Linux tcp_close): they are discarded first */
		tcp_recv(tc->ts, UINT64_MAX, NULL);
		tcp_close(tc->ts);
		tc->ts = NULL;
	}
	tc->app_closed = true;
	if (tc->cb.closed)
		tc->cb.closed(tc, tc->ctx);
	tc->dead = true;
}

static void kick(struct sim *s, void *obj)
{
	(void)s;
	struct tls_conn *tc = obj;
	enter(tc);
	tls_rx_pump(tc);
	leave(tc);
}

static void sign_done(struct sim *s, void *obj)
{
	(void)s;
	struct tls_conn *tc = obj;
	enter(tc);
	tls_server_flight(tc);
	tls_flush(tc);
	tls_rx_pump(tc);
	leave(tc);
}

/* ---- TCP callbacks ---- */

static void t_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	if (tc->st == C_CONNECTING)
		tls_client_start(tc);
	leave(tc);
}

static void t_readable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	tls_rx_pump(tc);
	leave(tc);
}

static void t_writable(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	tls_flush(tc);
	if (!tc->dead && !tc->app_closed && !tc->out.n && tls_can_send_app(tc) && tc->cb.writable)
		tc->cb.writable(tc, tc->ctx);
	leave(tc);
}

static void t_peer_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	tls_rx_pump(tc);
	if (!tc->dead && tc->st != T_FAILED)
		tls_peer_done(tc);
	leave(tc);
}

static void t_error(struct tcp_sock *ts, int err, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	if (!tc->app_closed && tc->cb.error)
		tc->cb.error(tc, err, tc->ctx);
	leave(tc);
}

static void t_closed(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	tc->ts = NULL;
	if (!tc->app_closed) {
		tc->app_closed = true;
		if (tc->cb.closed)
			tc->cb.closed(tc, tc->ctx);
	}
	tc->dead = true;
	leave(tc);
}

static const struct tcp_cb tls_tcp_cb = {
	.connected = t_connected,
	.readable = t_readable,
	.writable = t_writable,
	.peer_closed = t_peer_closed,
	.error = t_error,
	.closed = t_closed,
};

/* ---- API ---- */

static struct tls_conn *conn_new(struct tcp_sock *ts, const struct tls_config *cfg,
				 const struct tls_cb *cb, void *ctx, bool server)
{
	if (!ts || !cfg || (cfg->max_version != TLS_V12 && cfg->max_version != TLS_V13) ||
	    (cfg->min_version != TLS_V12 && cfg->min_version != TLS_V13) ||
	    cfg->min_version > cfg->max_version)
		return NULL;
	struct tls_alpn_list al;
	if (tls_alpn_parse(cfg->alpn, &al) < 0 || memchr(cfg->server_name, 0, sizeof(cfg->server_name)) == NULL)
		return NULL;
	struct tls_conn *tc = calloc(1, sizeof(*tc));
	if (!tc)
		abort();
	tc->ts = ts;
	tc->nd = tcp_node(ts);
	tc->sim = tc->nd->net->sim;
	tc->cfg = *cfg;
	tc->alpn = al;
	if (cb)
		tc->cb = *cb;
	tc->ctx = ctx;
	tc->server = server;
	tc->rcap = TLS_REC_HDR + TLS12_MAX_CIPHER;
	tc->rbuf = malloc(tc->rcap);
	if (!tc->rbuf)
		abort();
	char name[64];
	snprintf(name, sizeof(name), "tls:%s", tc->nd->name);
	struct rng *r = rng_stream(tc->sim, name);
	tc->seed = rng_u32(r) << 32 | rng_u32(r);
	timer_init(tc->sim, &tc->t_sign, sign_done, tc);
	timer_init(tc->sim, &tc->t_kick, kick, tc);
	tls_world_link(tc->sim, tc);
	tcp_set_callbacks(ts, &tls_tcp_cb, tc);
	return tc;
}

struct tls_conn *tls_client(struct tcp_sock *ts, const struct tls_config *cfg, const struct tls_cb *cb,
			    void *ctx)
{
	struct tls_conn *tc = conn_new(ts, cfg, cb, ctx, false);
	if (!tc)
		return NULL;
	tc->st = C_CONNECTING;
	enum tcp_state s = tcp_get_state(ts);
	if (s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT) {
		enter(tc);
		tls_client_start(tc);
		leave(tc);
	}
	return tc;
}

struct tls_conn *tls_server(struct tcp_sock *ts, const struct tls_config *cfg, const struct tls_cb *cb,
			    void *ctx)
{
	if (cfg && cfg->cert_chain_bytes < tls_cert_min(cfg->sign))
		return NULL;
	struct tls_conn *tc = conn_new(ts, cfg, cb, ctx, true);
	if (!tc)
		return NULL;
	tc->st = S_WAIT_CH;
	tc->port = tcp_local_port(ts);
	tc->srv = tls_server_state(tc->sim, tc->nd->id, tc->port);
	/* bytes already there are read from an event of their own, so no
	 * callback runs before the caller has the connection */
	if (tcp_readable(ts))
		timer_arm(tc->sim, &tc->t_kick, tc->sim->now);
	return tc;
}

void tls_set_callbacks(struct tls_conn *tc, const struct tls_cb *cb, void *ctx)
{
	if (cb)
		tc->cb = *cb;
	else
		memset(&tc->cb, 0, sizeof(tc->cb));
	tc->ctx = ctx;
}

static uint64_t plain_room(uint64_t bytes)
{
	/* plaintext that fits in `bytes` of records (worst overhead 29) */
	uint64_t recs = (bytes + TLS_MAX_PLAIN + 28) / (TLS_MAX_PLAIN + 29);
	return bytes > recs * 29 ? bytes - recs * 29 : 0;
}

uint64_t tls_send_space(const struct tls_conn *tc)
{
	if (tc->app_closed || !tc->ts || tc->st == T_FAILED)
		return 0;
	if (tls_can_send_app(tc)) {
		uint64_t s = tcp_send_space(tc->ts);
		return s > tc->out.bytes ? plain_room(s - tc->out.bytes) : 0;
	}
	uint64_t room = tc->pending.bytes < TLS_PENDING_MAX ? TLS_PENDING_MAX - tc->pending.bytes : 0;
	if (tc->early_open)
		room += tc->early_budget;
	return room;
}

int64_t tls_send(struct tls_conn *tc, uint64_t len, struct pbuf *data, uint32_t data_off)
{
	if (tc->app_closed || !tc->ts || tc->st == T_FAILED)
		return -TCP_EPIPE;
	if (data && len > data->len - data_off)
		len = data->len - data_off;
	uint64_t room = tls_send_space(tc);
	if (len > room)
		len = room;
	if (!len) {
		tc->want_writable = true;
		return 0;
	}
	enter(tc);
	if (tls_can_send_app(tc)) {
		tls_rec_app(tc, data, data_off, len);
	} else {
		uint64_t e = 0;
		if (tc->early_open && tc->early_budget && !tc->pending.bytes) {
			e = len < tc->early_budget ? len : tc->early_budget;
			tls_rec_app(tc, data, data_off, e);
			txq_push(&tc->early_copy, data, data_off, e);
			tc->early_budget -= (uint32_t)e;
		}
		txq_push(&tc->pending, data, data ? data_off + (uint32_t)e : 0, len - e);
	}
	if (!tc->in_pump)
		tls_flush(tc);
	leave(tc);
	return (int64_t)len;
}

uint64_t tls_recv(struct tls_conn *tc, uint64_t max, uint8_t *out)
{
	uint64_t have = tc->app.len - tc->app_off;
	uint64_t n = have < max ? have : max;
	if (out && n)
		memcpy(out, tc->app.p + tc->app_off, n);
	tc->app_off += n;
	if (tc->app_off == tc->app.len)
		tc->app_off = tc->app.len = 0;
	else if (tc->app_off > tc->app.len / 2) {
		memmove(tc->app.p, tc->app.p + tc->app_off, tc->app.len - tc->app_off);
		tc->app.len -= tc->app_off;
		tc->app_off = 0;
	}
	if (tc->rx_stalled && !tc->in_pump && tc->ts) {
		enter(tc);
		tls_rx_pump(tc);
		leave(tc);
	}
	return n;
}

uint64_t tls_readable(const struct tls_conn *tc)
{
	return tc->app.len - tc->app_off;
}

void tls_close(struct tls_conn *tc)
{
	if (tc->app_closed && tc->dead)
		return;
	if (tc->ts && tc->st != T_FAILED) {
		static const uint8_t cn[2] = { 1, TLS_ALERT_CLOSE_NOTIFY };
		if (tc->tx_enc)
			tls_rec_protected(tc, TLS_CT_ALERT, cn, 2);
		else
			tls_rec_plain(tc, TLS_CT_ALERT, cn, 2);
		tls_flush(tc);
	}
	if (tc->ts)
		tcp_close(tc->ts);
	tc->ts = NULL;
	tc->app_closed = true;
	tc->dead = true;
	timer_cancel(&tc->t_sign);
	timer_cancel(&tc->t_kick);
	if (!tc->busy)
		conn_free(tc);
}

void tls_abort(struct tls_conn *tc)
{
	if (tc->ts)
		tcp_abort(tc->ts);
	tc->ts = NULL;
	tc->app_closed = true;
	tc->dead = true;
	timer_cancel(&tc->t_sign);
	timer_cancel(&tc->t_kick);
	if (!tc->busy)
		conn_free(tc);
}

bool tls_handshake_done(const struct tls_conn *tc)
{
	return tc->st == T_DONE;
}

const struct tls_hs_info *tls_info(const struct tls_conn *tc)
{
	return &tc->info;
}

struct tcp_sock *tls_tcp(const struct tls_conn *tc)
{
	return tc->ts;
}

