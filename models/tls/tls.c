/* The TLS handshake as message flights (RFC 8446 2 and 4; RFC 5246 7.3;
 * RFC 5077 3.1), the connection's life and the API of tls.h.
 *
 *   TLS 1.3 full      C: ClientHello                       ->
 *                     S: ServerHello CCS {EE Cert CV Fin}   <-  (after signing)
 *                     C: CCS {Fin} [data]                   ->
 *                     S: {NewSessionTicket x2} [data]       <-
 *   TLS 1.3 resumed   as full without Cert and CV (no signing); one ticket
 *   TLS 1.3 0-RTT     C: ClientHello CCS (early data)       ->
 *                     S: ServerHello CCS {EE(early) Fin} [0.5-RTT data]
 *                     C: {EndOfEarlyData Fin}               ->
 *   TLS 1.2 full      C: ClientHello  S: ServerHello Certificate
 *                     ServerKeyExchange ServerHelloDone (after signing)
 *                     C: ClientKeyExchange CCS {Fin}  S: [NewSessionTicket]
 *                     CCS {Fin}  C: [data]
 *   TLS 1.2 resumed   C: ClientHello(ticket or session ID)  S: ServerHello
 *                     CCS {Fin}  C: CCS {Fin} [data]
 *
 * Each message goes in its own record, as OpenSSL 3 writes them (measured:
 * docs/models/tls.md), and a flight leaves in one TCP write.  The server's
 * signing time (tls_config.sign_time_ns) delays its flight of a full
 * handshake.  Early data the server rejects is sent again after the
 * handshake, as applications using OpenSSL must do themselves. */
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
		tcp_close(tc->ts);
		tc->ts = NULL;
	}
	tc->app_closed = true;
	if (tc->cb.closed)
		tc->cb.closed(tc, tc->ctx);
	tc->dead = true;
}

static uint64_t next_seed(struct tls_conn *tc)
{
	return tc->seed ^ (++tc->nmsg * 0xd1b54a32d192ed03ULL);
}

static bool can_send_app(const struct tls_conn *tc)
{
	if (tc->st == T_DONE)
		return true;
	return tc->server && tc->version == TLS_V13 &&
	       (tc->st == S13_WAIT_EOED || tc->st == S13_WAIT_FIN);
}

/* Takes up to n bytes off the front of q and writes them as app records;
 * with copy, keeps them in copy too. */
static uint64_t drain(struct tls_conn *tc, struct txq *q, uint64_t n, struct txq *copy)
{
	uint64_t done = 0;
	while (q->n && done < n) {
		struct txitem *it = &q->v[q->head];
		uint64_t k = it->len < n - done ? it->len : n - done;
		tls_rec_app(tc, it->pb, it->off, k);
		if (copy)
			txq_push(copy, it->pb, it->off, k);
		done += k;
		it->len -= k;
		if (it->pb)
			it->off += (uint32_t)k;
		q->bytes -= k;
		if (!it->len) {
			if (it->pb)
				pbuf_unref(it->pb);
			q->head++;
			q->n--;
		}
	}
	return done;
}

static void msg_out(struct tls_conn *tc, struct wbuf *w, bool protected)
{
	if (protected)
		tls_rec_protected(tc, TLS_CT_HANDSHAKE, w->p, w->len);
	else
		tls_rec_plain(tc, TLS_CT_HANDSHAKE, w->p, w->len);
	w->len = 0;
}

static void send_ccs(struct tls_conn *tc)
{
	static const uint8_t one = 1;
	tls_rec_plain(tc, TLS_CT_CCS, &one, 1);
}

static void handshake_done(struct tls_conn *tc)
{
	tc->st = T_DONE;
	tc->info.done = tc->sim->now;
	tc->info.version = tc->version;
	tc->info.resumed = tc->resumed;
	if (tc->server) {
		struct tls_server_stats *ss = tls_srv_stats(tc->srv);
		ss->handshakes++;
		if (tc->resumed)
			ss->resumed++;
		else
			ss->full++;
	} else if (tc->new_sess) {
		tls_cache_put(tc->sim, tc->nd->id, tc->cache_name, &tc->sess12);
	}
	drain(tc, &tc->pending, tc->pending.bytes, NULL);
	if (!tc->app_closed && tc->cb.handshake_done)
		tc->cb.handshake_done(tc, &tc->info, tc->ctx);
	if (!tc->app_closed && tc->want_writable && tc->cb.writable) {
		tc->want_writable = false;
		tc->cb.writable(tc, tc->ctx);
	}
}

/* ---- client ---- */

static void client_start(struct tls_conn *tc)
{
	struct tls_config *c = &tc->cfg;
	tc->info.started = tc->sim->now;
	if (c->server_name[0])
		snprintf(tc->cache_name, sizeof(tc->cache_name), "%s", c->server_name);
	else {
		uint32_t a = tcp_remote_addr(tc->ts);
		snprintf(tc->cache_name, sizeof(tc->cache_name), "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
			 a >> 8 & 255, a & 255);
	}
	struct tls_session ss;
	if (c->resume && tls_cache_get(tc->sim, tc->nd->id, tc->cache_name, tc->sim->now, false, &ss) &&
	    ss.version <= c->max_version && ss.version >= c->min_version) {
		tls_cache_get(tc->sim, tc->nd->id, tc->cache_name, tc->sim->now, !c->replay_ticket, &ss);
		tc->sess = ss;
		tc->have_sess = true;
	}
	struct wbuf w = { 0 };
	wb_random(&w, 32, next_seed(tc));
	memcpy(tc->random, w.p, 32);
	w.len = 0;
	bool s12 = tc->have_sess && tc->sess.version == TLS_V12;
	bool s13 = tc->have_sess && tc->sess.version == TLS_V13;
	if (s12 && tc->sess.sid_len) {
		memcpy(tc->sid, tc->sess.sid, 32);
		tc->sid_len = 32;
	} else if (c->max_version >= TLS_V13 || s12) {
		/* 1.3 middlebox compatibility (RFC 8446 D.4), or the session ID
		 * a ticket is sent with (RFC 5077 3.4) */
		wb_random(&w, 32, next_seed(tc));
		memcpy(tc->sid, w.p, 32);
		tc->sid_len = 32;
		w.len = 0;
	}
	bool early = s13 && c->early_data && tc->sess.max_early_data > 0;
	struct tls_ch_params p = {
		.max_version = c->max_version,
		.random = tc->random,
		.sid = tc->sid,
		.sid_len = tc->sid_len,
		.sni = c->server_name,
		.alpn = &tc->alpn,
		.ticket12 = s12 ? tc->sess.ticket : NULL,
		.ticket12_len = s12 ? tc->sess.ticket_len : 0,
		.psk = s13 ? tc->sess.ticket : NULL,
		.psk_len = s13 ? tc->sess.ticket_len : 0,
		.psk_age = (uint32_t)((tc->sim->now - tc->sess.received) / 1000000),
		.early_data = early,
		.seed = next_seed(tc),
	};
	tls_enc_client_hello(&w, &p);
	msg_out(tc, &w, false);
	wb_free(&w);
	tc->st = C_WAIT_SH;
	if (early) {
		send_ccs(tc);
		tc->ccs_sent = true;
		tc->early_open = true;
		tc->early_budget = tc->sess.max_early_data;
		tc->info.early_sent = true;
		tc->early_budget -= (uint32_t)drain(tc, &tc->pending, tc->early_budget, &tc->early_copy);
	}
	tls_flush(tc);
}

static int client_server_hello(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	struct tls_server_hello sh;
	int a = tls_dec_server_hello(b, n, &sh);
	if (a)
		return a;
	uint16_t v = sh.version;
	if (v < tc->cfg.min_version || v > tc->cfg.max_version || (v != TLS_V12 && v != TLS_V13))
		return TLS_ALERT_PROTOCOL_VERSION;
	tc->version = v;
	if (v == TLS_V13) {
		if (sh.suite != TLS_AES_256_GCM_SHA384 && sh.suite != 0x1301 && sh.suite != 0x1303)
			return TLS_ALERT_ILLEGAL_PARAMETER;
		tc->fin_len = sh.suite == TLS_AES_256_GCM_SHA384 ? 48 : 32;
		if (!sh.has_key_share)
			return TLS_ALERT_MISSING_EXTENSION;
		if (sh.psk_selected && !(tc->have_sess && tc->sess.version == TLS_V13))
			return TLS_ALERT_ILLEGAL_PARAMETER;
		tc->resumed = sh.psk_selected;
		tc->rx_enc = true;
		tc->st = C13_WAIT_EE;
		return 0;
	}
	if (sh.suite != TLS_ECDHE_RSA_AES256_GCM && sh.suite != TLS_ECDHE_ECDSA_AES256_GCM)
		return TLS_ALERT_ILLEGAL_PARAMETER;
	tc->early_open = false;
	if (sh.has_alpn)
		snprintf(tc->info.alpn, sizeof(tc->info.alpn), "%s", sh.alpn);
	tc->resumed = tc->have_sess && tc->sess.version == TLS_V12 && sh.sid_len == 32 &&
		      tc->sid_len == 32 && memcmp(sh.sid, tc->sid, 32) == 0;
	if (!tc->resumed && sh.sid_len == 32) {
		/* a session ID to resume by later */
		memset(&tc->sess12, 0, sizeof(tc->sess12));
		tc->sess12.version = TLS_V12;
		tc->sess12.sid_len = 32;
		memcpy(tc->sess12.sid, sh.sid, 32);
		tc->sess12.received = tc->sim->now;
		tc->sess12.lifetime = tc->cfg.ticket_lifetime_ns;
		snprintf(tc->sess12.alpn, sizeof(tc->sess12.alpn), "%s", tc->info.alpn);
		tc->new_sess = true;
	}
	tc->st = tc->resumed ? C12_WAIT_CCS : C12_WAIT_CERT;
	return 0;
}

static void client_finish_13(struct tls_conn *tc)
{
	struct wbuf w = { 0 };
	if (tc->info.early_accepted) {
		tls_enc_empty(&w, TLS_HS_END_OF_EARLY_DATA);
		msg_out(tc, &w, true);
	}
	if (!tc->ccs_sent) {
		send_ccs(tc);
		tc->ccs_sent = true;
	}
	tls_enc_finished(&w, TLS_V13, next_seed(tc));
	if (tc->fin_len != TLS13_FINISHED_LEN) {
		w.len = 0;
		size_t m = tls_hs_begin(&w, TLS_HS_FINISHED);
		wb_random(&w, tc->fin_len, next_seed(tc));
		tls_hs_end(&w, m);
	}
	msg_out(tc, &w, true);
	wb_free(&w);
	tc->tx_enc = true;
	tc->early_open = false;
	if (tc->info.early_sent && !tc->info.early_accepted)
		txq_prepend(&tc->pending, &tc->early_copy);
	else
		txq_free(&tc->early_copy);
	handshake_done(tc);
}

static void client_finish_12(struct tls_conn *tc, bool full)
{
	struct wbuf w = { 0 };
	if (full) {
		tls_enc_client_key_exchange(&w, next_seed(tc));
		msg_out(tc, &w, false);
	}
	send_ccs(tc);
	tc->tx_enc = true;
	tls_enc_finished(&w, TLS_V12, next_seed(tc));
	msg_out(tc, &w, true);
	wb_free(&w);
}

static void client_ticket(struct tls_conn *tc, const struct tls_nst *t)
{
	struct tls_session *ss = tc->version == TLS_V12 ? &tc->sess12 : &(struct tls_session){ 0 };
	memset(ss, 0, sizeof(*ss));
	ss->version = tc->version;
	ss->ticket_len = t->ticket_len;
	memcpy(ss->ticket, t->ticket, t->ticket_len);
	ss->max_early_data = t->max_early_data;
	snprintf(ss->alpn, sizeof(ss->alpn), "%s", tc->info.alpn);
	ss->received = tc->sim->now;
	/* lifetime hint, at most 7 days (RFC 8446 4.6.1) */
	uint32_t life = t->lifetime_s < 604800 ? t->lifetime_s : 604800;
	ss->lifetime = life ? SIM_S((simtime_t)life) : tc->cfg.ticket_lifetime_ns;
	if (tc->version == TLS_V12)
		tc->new_sess = true;
	else if (t->ticket_len)
		tls_cache_put(tc->sim, tc->nd->id, tc->cache_name, ss);
}

static int client_handshake(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n)
{
	switch (tc->st) {
	case C_WAIT_SH:
		return type == TLS_HS_SERVER_HELLO ? client_server_hello(tc, b, n)
						   : TLS_ALERT_UNEXPECTED_MESSAGE;
	case C13_WAIT_EE: {
		if (type != TLS_HS_ENCRYPTED_EXTENSIONS)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		bool early;
		int a = tls_dec_encrypted_extensions(b, n, tc->info.alpn, &early);
		if (a)
			return a;
		if (early && !tc->info.early_sent)
			return TLS_ALERT_ILLEGAL_PARAMETER;
		tc->info.early_accepted = early;
		if (!early)
			tc->early_open = false;
		tc->st = tc->resumed ? C13_WAIT_FIN : C13_WAIT_CERT;
		return 0;
	}
	case C13_WAIT_CERT:
	case C12_WAIT_CERT:
		if (type != TLS_HS_CERTIFICATE)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		tc->st = tc->st == C13_WAIT_CERT ? C13_WAIT_CV : C12_WAIT_SKE;
		return tls_dec_certificate(b, n, tc->version);
	case C13_WAIT_CV:
		if (type != TLS_HS_CERTIFICATE_VERIFY)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		tc->st = C13_WAIT_FIN;
		return tls_dec_signed(b, n, false);
	case C13_WAIT_FIN:
		if (type != TLS_HS_FINISHED)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		if (n != tc->fin_len)
			return TLS_ALERT_DECODE_ERROR;
		client_finish_13(tc);
		return 0;
	case C12_WAIT_SKE:
		if (type != TLS_HS_SERVER_KEY_EXCHANGE)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		tc->st = C12_WAIT_SHD;
		return tls_dec_signed(b, n, true);
	case C12_WAIT_SHD:
		if (type != TLS_HS_SERVER_HELLO_DONE)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		if (n)
			return TLS_ALERT_DECODE_ERROR;
		client_finish_12(tc, true);
		tc->st = C12_WAIT_CCS;
		return 0;
	case C12_WAIT_CCS: {
		if (type != TLS_HS_NEW_SESSION_TICKET)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		struct tls_nst t;
		int a = tls_dec_new_session_ticket(b, n, TLS_V12, &t);
		if (a)
			return a;
		client_ticket(tc, &t);
		return 0;
	}
	case C12_WAIT_FIN: {
		if (type != TLS_HS_FINISHED)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		int a = tls_dec_finished(b, n, TLS_V12);
		if (a)
			return a;
		if (tc->resumed)
			client_finish_12(tc, false);
		handshake_done(tc);
		return 0;
	}
	case T_DONE: {
		if (type != TLS_HS_NEW_SESSION_TICKET || tc->version != TLS_V13)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		struct tls_nst t;
		int a = tls_dec_new_session_ticket(b, n, TLS_V13, &t);
		if (a)
			return a;
		client_ticket(tc, &t);
		return 0;
	}
	default:
		return TLS_ALERT_UNEXPECTED_MESSAGE;
	}
}

/* ---- server ---- */

static uint16_t ticket_len(const struct tls_config *c, uint16_t version)
{
	uint16_t n = version == TLS_V12 ? c->ticket_len_12 : c->ticket_len_13;
	if (!n)
		n = version == TLS_V12 ? 176 : c->accept_early_data ? 32 : 208;
	return n < TLS_TICKET_MIN ? TLS_TICKET_MIN : n;
}

static uint8_t alpn_index(const struct tls_conn *tc)
{
	for (int i = 0; i < tc->alpn.n; i++)
		if (strcmp(tc->alpn.name[i], tc->info.alpn) == 0)
			return (uint8_t)(i + 1);
	return 0;
}

static void server_ticket(struct tls_conn *tc)
{
	struct tls_nst t = { 0 };
	struct tls_ticket tk = {
		.issuer_node = tc->nd->id,
		.issuer_port = tc->port,
		.version = tc->version,
		.id = tls_srv_next_ticket_id(tc->srv),
		.issued = tc->sim->now,
		.max_early_data = tc->version == TLS_V13 && tc->cfg.accept_early_data ? tc->cfg.max_early_data : 0,
		.alpn_idx = alpn_index(tc),
	};
	t.lifetime_s = (uint32_t)(tc->cfg.ticket_lifetime_ns / SIM_S(1));
	t.age_add = (uint32_t)next_seed(tc);
	t.ticket_len = ticket_len(&tc->cfg, tc->version);
	tls_ticket_seal(t.ticket, t.ticket_len, &tk, next_seed(tc));
	t.max_early_data = tk.max_early_data;
	struct wbuf w = { 0 };
	tls_enc_new_session_ticket(&w, tc->version, &t, next_seed(tc));
	msg_out(tc, &w, tc->version == TLS_V13);
	wb_free(&w);
}

static bool ticket_valid(struct tls_conn *tc, const uint8_t *b, uint16_t n, uint16_t version)
{
	struct tls_ticket *tk = &tc->tk;
	return tls_ticket_open(b, n, tk) == 0 && tk->issuer_node == tc->nd->id &&
	       tk->issuer_port == tc->port && tk->version == version && tk->issued <= tc->sim->now &&
	       tc->sim->now - tk->issued < tc->cfg.ticket_lifetime_ns;
}

static void server_flight(struct tls_conn *tc)
{
	struct tls_config *c = &tc->cfg;
	struct wbuf w = { 0 };
	uint8_t rnd[32];
	wb_random(&w, 32, next_seed(tc));
	memcpy(rnd, w.p, 32);
	w.len = 0;
	struct tls_sh_params p = {
		.version = tc->version,
		.random = rnd,
		.seed = next_seed(tc),
		.alpn = tc->info.alpn,
	};
	if (tc->version == TLS_V13) {
		p.sid = tc->sid;
		p.sid_len = tc->sid_len; /* legacy_session_id_echo */
		p.suite = TLS_AES_256_GCM_SHA384;
		p.psk_selected = tc->resumed;
		tls_enc_server_hello(&w, &p);
		msg_out(tc, &w, false);
		send_ccs(tc);
		tc->tx_enc = tc->rx_enc = true;
		tls_enc_encrypted_extensions(&w, tc->info.alpn, tc->info.early_accepted);
		msg_out(tc, &w, true);
		if (!tc->resumed) {
			tls_enc_certificate(&w, TLS_V13, c->sign, c->cert_chain_bytes, next_seed(tc));
			msg_out(tc, &w, true);
			tls_enc_certificate_verify(&w, c->sign, next_seed(tc));
			msg_out(tc, &w, true);
		}
		tls_enc_finished(&w, TLS_V13, next_seed(tc));
		msg_out(tc, &w, true);
		tc->st = tc->early_rx_ok ? S13_WAIT_EOED : S13_WAIT_FIN;
		drain(tc, &tc->pending, tc->pending.bytes, NULL); /* 0.5-RTT data */
	} else {
		p.suite = c->sign == TLS_SIGN_RSA2048 ? TLS_ECDHE_RSA_AES256_GCM : TLS_ECDHE_ECDSA_AES256_GCM;
		bool ticket = !tc->resumed && c->resumption_12 == TLS_RESUME_TICKET && tc->client_ticket_ext;
		p.ticket_ext = ticket;
		p.resumed = tc->resumed;
		if (tc->resumed) {
			p.sid = tc->sid;
			p.sid_len = tc->sid_len;
		} else if (c->resumption_12 == TLS_RESUME_SESSION_ID) {
			wb_random(&w, 32, next_seed(tc));
			memcpy(tc->sid, w.p, 32);
			tc->sid_len = 32;
			w.len = 0;
			p.sid = tc->sid;
			p.sid_len = 32;
		}
		tls_enc_server_hello(&w, &p);
		msg_out(tc, &w, false);
		if (tc->resumed) {
			send_ccs(tc);
			tc->tx_enc = true;
			tls_enc_finished(&w, TLS_V12, next_seed(tc));
			msg_out(tc, &w, true);
			tc->st = S12_WAIT_CCS;
		} else {
			tls_enc_certificate(&w, TLS_V12, c->sign, c->cert_chain_bytes, next_seed(tc));
			msg_out(tc, &w, false);
			tls_enc_server_key_exchange(&w, c->sign, next_seed(tc));
			msg_out(tc, &w, false);
			tls_enc_empty(&w, TLS_HS_SERVER_HELLO_DONE);
			msg_out(tc, &w, false);
			tc->st = S12_WAIT_CKE;
		}
	}
	wb_free(&w);
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
	server_flight(tc);
	tls_flush(tc);
	tls_rx_pump(tc);
	leave(tc);
}

static int server_client_hello(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	struct tls_config *c = &tc->cfg;
	struct tls_client_hello *ch = malloc(sizeof(*ch));
	if (!ch)
		abort();
	int a = tls_dec_client_hello(b, n, ch);
	if (a)
		goto out;
	/* version (RFC 8446 4.2.1; RFC 5246 E.1) */
	if (ch->has_versions && ch->offers_13 && c->max_version >= TLS_V13)
		tc->version = TLS_V13;
	else if ((ch->has_versions ? ch->offers_12 : ch->legacy_version >= TLS_V12) &&
		 c->min_version <= TLS_V12 && c->max_version >= TLS_V12)
		tc->version = TLS_V12;
	else {
		a = TLS_ALERT_PROTOCOL_VERSION;
		goto out;
	}
	bool v13 = tc->version == TLS_V13;
	if (v13 ? !ch->suite_13 || !ch->has_key_share_x25519 : !ch->suite_12) {
		a = TLS_ALERT_HANDSHAKE_FAILURE; /* no HelloRetryRequest in this model */
		goto out;
	}
	/* ALPN: the server's preference (RFC 7301 3.2) */
	if (tc->alpn.n && ch->has_alpn) {
		for (int i = 0; i < tc->alpn.n && !tc->info.alpn[0]; i++)
			for (int j = 0; j < ch->alpn.n; j++)
				if (strcmp(tc->alpn.name[i], ch->alpn.name[j]) == 0) {
					snprintf(tc->info.alpn, sizeof(tc->info.alpn), "%s", tc->alpn.name[i]);
					break;
				}
		if (!tc->info.alpn[0]) {
			a = TLS_ALERT_NO_APPLICATION_PROTOCOL;
			goto out;
		}
	}
	tc->sid_len = ch->sid_len;
	memcpy(tc->sid, ch->sid, ch->sid_len);
	tc->client_ticket_ext = ch->has_ticket_ext;
	struct tls_server_stats *ss = tls_srv_stats(tc->srv);
	if (v13) {
		tc->resumed = ch->has_psk && ch->has_psk_modes_dhe &&
			      ticket_valid(tc, ch->psk_id, ch->psk_id_len, TLS_V13);
		if (ch->has_early_data) {
			ss->early_offered++;
			bool ok = tc->resumed && c->accept_early_data && tc->tk.max_early_data > 0 &&
				  tc->tk.alpn_idx == alpn_index(tc);
			if (ok) {
				uint32_t before = tls_srv_early_use(tc->srv, tc->tk.id);
				if (before && c->anti_replay)
					ok = false;
				else if (before)
					ss->early_replayed++;
			}
			if (ok) {
				ss->early_accepted++;
				tc->early_rx_ok = true;
				tc->info.early_accepted = true;
				tc->info.early_sent = true;
			} else {
				ss->early_rejected++;
				tc->early_rx_skip = true;
			}
		}
	} else if (ch->ticket_len && c->resumption_12 == TLS_RESUME_TICKET) {
		tc->resumed = ticket_valid(tc, ch->ticket, ch->ticket_len, TLS_V12) && ch->sid_len == 32;
	} else if (ch->sid_len == 32 && c->resumption_12 == TLS_RESUME_SESSION_ID) {
		tc->resumed = tls_srv_sid_find(tc->srv, ch->sid, tc->sim->now, c->ticket_lifetime_ns);
	}
	tc->info.started = tc->sim->now;
	simtime_t sign = c->sign_time_ns >= 0 ? c->sign_time_ns : tls_sign_time_default(c->sign);
	if (!tc->resumed && sign > 0) {
		tc->st = S_SIGNING;
		timer_arm(tc->sim, &tc->t_sign, tc->sim->now + sign);
	} else {
		server_flight(tc);
	}
out:
	free(ch);
	return a;
}

static int server_handshake(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n)
{
	switch (tc->st) {
	case S_WAIT_CH:
		return type == TLS_HS_CLIENT_HELLO ? server_client_hello(tc, b, n)
						   : TLS_ALERT_UNEXPECTED_MESSAGE;
	case S13_WAIT_EOED:
		if (type != TLS_HS_END_OF_EARLY_DATA)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		if (n)
			return TLS_ALERT_DECODE_ERROR;
		tc->early_rx_ok = false;
		tc->st = S13_WAIT_FIN;
		return 0;
	case S13_WAIT_FIN: {
		if (type != TLS_HS_FINISHED)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		int a = tls_dec_finished(b, n, TLS_V13);
		if (a)
			return a;
		tc->early_rx_skip = false;
		uint32_t k = tc->resumed ? 1 : tc->cfg.tickets_13;
		for (uint32_t i = 0; i < k; i++)
			server_ticket(tc);
		handshake_done(tc);
		return 0;
	}
	case S12_WAIT_CKE:
		if (type != TLS_HS_CLIENT_KEY_EXCHANGE)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		tc->st = S12_WAIT_CCS;
		return tls_dec_client_key_exchange(b, n);
	case S12_WAIT_FIN: {
		if (type != TLS_HS_FINISHED)
			return TLS_ALERT_UNEXPECTED_MESSAGE;
		int a = tls_dec_finished(b, n, TLS_V12);
		if (a)
			return a;
		if (!tc->resumed) {
			if (tc->cfg.resumption_12 == TLS_RESUME_TICKET && tc->client_ticket_ext)
				server_ticket(tc);
			if (tc->cfg.resumption_12 == TLS_RESUME_SESSION_ID)
				tls_srv_sid_put(tc->srv, tc->sid, tc->sim->now, tc->info.alpn);
			send_ccs(tc);
			tc->tx_enc = true;
			struct wbuf w = { 0 };
			tls_enc_finished(&w, TLS_V12, next_seed(tc));
			msg_out(tc, &w, true);
			wb_free(&w);
		}
		handshake_done(tc);
		return 0;
	}
	default:
		return TLS_ALERT_UNEXPECTED_MESSAGE;
	}
}

/* ---- from the record layer ---- */

void tls_on_handshake(struct tls_conn *tc, uint8_t type, const uint8_t *body, size_t len)
{
	int a = tc->server ? server_handshake(tc, type, body, len) : client_handshake(tc, type, body, len);
	if (a)
		tls_fail(tc, a);
}

void tls_on_ccs(struct tls_conn *tc)
{
	if (tc->version == TLS_V13) {
		if (tc->st == T_DONE)
			tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
		return; /* middlebox compatibility: ignored (RFC 8446 5) */
	}
	if (tc->st == C12_WAIT_CCS)
		tc->st = C12_WAIT_FIN;
	else if (tc->st == S12_WAIT_CCS)
		tc->st = S12_WAIT_FIN;
	else if (!tc->server && tc->st == C_WAIT_SH && tc->cfg.max_version >= TLS_V13)
		return; /* may be the CCS after a 1.3 ServerHello; ignored */
	else {
		tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
		return;
	}
	tc->rx_enc = true;
}

static void peer_done(struct tls_conn *tc)
{
	if (tc->peer_done)
		return;
	tc->peer_done = true;
	if (!tc->app_closed && tc->cb.peer_closed)
		tc->cb.peer_closed(tc, tc->ctx);
}

void tls_on_alert(struct tls_conn *tc, uint8_t level, uint8_t desc)
{
	(void)level; /* every alert but close_notify is fatal (RFC 8446 6) */
	if (desc == TLS_ALERT_CLOSE_NOTIFY) {
		peer_done(tc);
		return;
	}
	tc->st = T_FAILED;
	tls_report_error(tc, TLS_ERR_ALERT(desc));
}

void tls_on_app_data(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	if (tc->st == T_DONE || tc->early_rx_ok) {
		if (tc->early_rx_ok) {
			tc->early_rx_bytes += n;
			if (tc->early_rx_bytes > tc->cfg.max_early_data) {
				tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
				return;
			}
		}
		if (tc->app_off && tc->app_off == tc->app.len)
			tc->app_off = tc->app.len = 0;
		wb_bytes(&tc->app, b, n);
		return;
	}
	if (tc->early_rx_skip) {
		/* rejected 0-RTT: skipped, up to what the ticket allowed */
		tc->early_rx_bytes += n;
		if (tc->early_rx_bytes > tc->cfg.max_early_data + (uint64_t)TLS_MAX_PLAIN)
			tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
		return;
	}
	tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
}

/* ---- TCP callbacks ---- */

static void t_connected(struct tcp_sock *ts, void *ctx)
{
	(void)ts;
	struct tls_conn *tc = ctx;
	enter(tc);
	if (tc->st == C_CONNECTING)
		client_start(tc);
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
	if (!tc->dead && !tc->app_closed && !tc->out.n && can_send_app(tc) && tc->cb.writable)
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
		peer_done(tc);
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
		client_start(tc);
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
	if (can_send_app(tc)) {
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
	if (can_send_app(tc)) {
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
