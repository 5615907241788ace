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
 * handshake, as applications using OpenSSL must do themselves.  The
 * connection's life and the API are tls_api.c. */
#include "tls_conn.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/net/net.h"
#include "sim/packet.h"
#include "sim/sim.h"


static uint64_t next_seed(struct tls_conn *tc)
{
	return tc->seed ^ (++tc->nmsg * 0xd1b54a32d192ed03ULL);
}

bool tls_can_send_app(const struct tls_conn *tc)
{
	if (tc->st == T_DONE)
		return true;
	return tc->server && tc->version == TLS_V13 &&
	       (tc->st == S13_WAIT_EOED || tc->st == S13_WAIT_FIN);
}

/* Takes up to n bytes off the front of q and writes them as app records;
 * with copy, keeps them in copy too. */
uint64_t tls_drain(struct tls_conn *tc, struct txq *q, uint64_t n, struct txq *copy)
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
	tls_drain(tc, &tc->pending, tc->pending.bytes, NULL);
	if (!tc->app_closed && tc->cb.handshake_done)
		tc->cb.handshake_done(tc, &tc->info, tc->ctx);
	if (!tc->app_closed && tc->want_writable && tc->cb.writable) {
		tc->want_writable = false;
		tc->cb.writable(tc, tc->ctx);
	}
}

/* ---- client ---- */

void tls_client_start(struct tls_conn *tc)
{
	struct tls_config *c = &tc->cfg;
	tc->info.started = tc->sim->now;
	/* sessions are kept per origin, name and port, as browsers and curl
	 * key them */
	uint16_t port = tcp_remote_port(tc->ts);
	if (c->server_name[0])
		snprintf(tc->cache_name, sizeof(tc->cache_name), "%.249s:%u", c->server_name, port);
	else {
		uint32_t a = tcp_remote_addr(tc->ts);
		snprintf(tc->cache_name, sizeof(tc->cache_name), "%u.%u.%u.%u:%u", a >> 24, a >> 16 & 255,
			 a >> 8 & 255, a & 255, port);
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
		.min_version = c->min_version,
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
		tc->early_budget -= (uint32_t)tls_drain(tc, &tc->pending, tc->early_budget, &tc->early_copy);
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

void tls_server_flight(struct tls_conn *tc)
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
		tls_drain(tc, &tc->pending, tc->pending.bytes, NULL); /* 0.5-RTT data */
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
		tls_server_flight(tc);
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

void tls_peer_done(struct tls_conn *tc)
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
		tls_peer_done(tc);
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

