/* The TLS record layer (RFC 8446 5, RFC 5246 6.2) over a simulated TCP
 * socket.  Writing: records with real 5-byte headers (content type, legacy
 * version 0x0303, or 0x0301 on the ClientHello as OpenSSL writes it,
 * length); protected records carry the AEAD overhead (TLS 1.3: outer type
 * application_data, +1 inner content type +16 tag; TLS 1.2 AES-GCM: +8
 * explicit nonce +16 tag); plaintext fragments are at most 2^14 bytes.
 * Nothing is encrypted: application bytes travel as they are, tags are
 * pseudo-random.  Record bytes wait in a queue until TCP takes them.
 * Reading: record headers and lengths are checked (record_overflow,
 * unexpected_message, protocol_version), handshake messages are reassembled
 * across records, and any error becomes a fatal alert and a closed
 * connection (tls_fail). */
#include "tls_conn.h"

#include <stdlib.h>

#include "sim/packet.h"

/* Plaintext we hold for the application before it reads it; past this we
 * stop reading TCP, so TCP's window does the flow control. */
#define TLS_RX_APP_MAX (256 * 1024)

void txq_push(struct txq *q, struct pbuf *pb, uint32_t off, uint64_t len)
{
	if (!len)
		return;
	if (q->head + q->n == q->cap) {
		if (q->head) {
			memmove(q->v, q->v + q->head, q->n * sizeof(*q->v));
			q->head = 0;
		}
		if (q->n == q->cap) {
			q->cap = q->cap ? q->cap * 2 : 16;
			q->v = realloc(q->v, q->cap * sizeof(*q->v));
			if (!q->v)
				abort();
		}
	}
	q->v[q->head + q->n++] = (struct txitem){ pb ? pbuf_ref(pb) : NULL, off, len };
	q->bytes += len;
}

void txq_free(struct txq *q)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[q->head + i].pb)
			pbuf_unref(q->v[q->head + i].pb);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

void txq_prepend(struct txq *dst, struct txq *src)
{
	struct txq t = { 0 };
	for (size_t i = 0; i < src->n; i++) {
		struct txitem *it = &src->v[src->head + i];
		txq_push(&t, it->pb, it->off, it->len);
	}
	for (size_t i = 0; i < dst->n; i++) {
		struct txitem *it = &dst->v[dst->head + i];
		txq_push(&t, it->pb, it->off, it->len);
	}
	txq_free(src);
	txq_free(dst);
	*dst = t;
}

/* ---- writing ---- */

static void out_bytes(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	struct pbuf *pb = pbuf_new(b, (uint32_t)n);
	txq_push(&tc->out, pb, 0, n);
	pbuf_unref(pb);
}

static void put_hdr(uint8_t *h, uint8_t type, uint16_t ver, size_t len)
{
	h[0] = type;
	h[1] = (uint8_t)(ver >> 8);
	h[2] = (uint8_t)ver;
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* the 16-byte tag (and 8-byte nonce) of the next record */
static void put_tag(struct tls_conn *tc, uint8_t *p, size_t n)
{
	uint64_t k = mix(tc->seed ^ (tc->seq_tx++ * 0x9e3779b97f4a7c15ULL));
	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0 && i)
			k = mix(k + i);
		p[i] = (uint8_t)(k >> (8 * (i % 8)));
	}
}

void tls_rec_plain(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n)
{
	/* a plaintext message longer than 2^14 is fragmented (RFC 8446 5.1) */
	uint16_t ver = type == TLS_CT_HANDSHAKE && b[0] == TLS_HS_CLIENT_HELLO ? 0x0301 : TLS_V12;
	for (size_t o = 0; o < n; o += TLS_MAX_PLAIN) {
		size_t k = n - o < TLS_MAX_PLAIN ? n - o : TLS_MAX_PLAIN;
		uint8_t *r = malloc(TLS_REC_HDR + k);
		if (!r)
			abort();
		put_hdr(r, type, ver, k);
		memcpy(r + TLS_REC_HDR, b + o, k);
		out_bytes(tc, r, TLS_REC_HDR + k);
		free(r);
	}
}

void tls_rec_protected(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n)
{
	bool v13 = tc->version == TLS_V13;
	for (size_t o = 0; o < n || (n == 0 && o == 0); o += TLS_MAX_PLAIN) {
		size_t k = n - o < TLS_MAX_PLAIN ? n - o : TLS_MAX_PLAIN;
		size_t len = v13 ? k + TLS13_OVERHEAD : k + TLS12_OVERHEAD;
		uint8_t *r = malloc(TLS_REC_HDR + len);
		if (!r)
			abort();
		uint8_t *p = r + TLS_REC_HDR;
		put_hdr(r, v13 ? TLS_CT_APP : type, TLS_V12, len);
		if (v13) {
			memcpy(p, b + o, k);
			p[k] = type;
			put_tag(tc, p + k + 1, 16);
		} else {
			put_tag(tc, p, TLS12_NONCE);
			memcpy(p + TLS12_NONCE, b + o, k);
			put_tag(tc, p + TLS12_NONCE + k, TLS12_TAG);
		}
		out_bytes(tc, r, TLS_REC_HDR + len);
		free(r);
		if (n == 0)
			break;
	}
}

void tls_rec_app(struct tls_conn *tc, struct pbuf *pb, uint32_t off, uint64_t len)
{
	bool v13 = tc->version == TLS_V13 || (!tc->version && tc->early_open);
	while (len) {
		uint64_t k = len < TLS_MAX_PLAIN ? len : TLS_MAX_PLAIN;
		uint8_t h[TLS_REC_HDR + TLS12_NONCE], t[TLS13_OVERHEAD];
		size_t rl = (size_t)k + (v13 ? TLS13_OVERHEAD : TLS12_OVERHEAD);
		put_hdr(h, TLS_CT_APP, TLS_V12, rl);
		if (v13) {
			out_bytes(tc, h, TLS_REC_HDR);
			txq_push(&tc->out, pb, off, k);
			t[0] = TLS_CT_APP;
			put_tag(tc, t + 1, 16);
			out_bytes(tc, t, TLS13_OVERHEAD);
		} else {
			put_tag(tc, h + TLS_REC_HDR, TLS12_NONCE);
			out_bytes(tc, h, sizeof(h));
			txq_push(&tc->out, pb, off, k);
			put_tag(tc, t, TLS12_TAG);
			out_bytes(tc, t, TLS12_TAG);
		}
		len -= k;
		if (pb)
			off += (uint32_t)k;
	}
}

void tls_flush(struct tls_conn *tc)
{
	if (!tc->ts)
		return;
	while (tc->out.n) {
		struct txitem *it = &tc->out.v[tc->out.head];
		uint64_t space = tcp_send_space(tc->ts);
		if (!space)
			break;
		/* the last write of a batch pushes (not MSG_MORE), so nothing
		 * waits queued with nothing in flight */
		bool last = tc->out.n == 1 || it->len >= space;
		int64_t k = last ? tcp_send(tc->ts, it->len, it->pb, it->off)
				 : tcp_send_more(tc->ts, it->len, it->pb, it->off);
		if (k <= 0)
			break;
		it->len -= (uint64_t)k;
		it->off += (uint32_t)k;
		tc->out.bytes -= (uint64_t)k;
		if (it->len)
			break;
		if (it->pb)
			pbuf_unref(it->pb);
		tc->out.head++;
		tc->out.n--;
	}
	if (!tc->out.n)
		tc->out.head = 0;
}

void tls_fail(struct tls_conn *tc, int alert)
{
	if (tc->st == T_FAILED)
		return;
	tc->st = T_FAILED;
	if (tc->ts) {
		uint8_t a[2] = { 2, (uint8_t)alert }; /* fatal */
		if (tc->tx_enc)
			tls_rec_protected(tc, TLS_CT_ALERT, a, 2);
		else
			tls_rec_plain(tc, TLS_CT_ALERT, a, 2);
		tls_flush(tc);
		if (tc->server && tc->srv)
			tls_srv_stats(tc->srv)->alerts_sent++;
	}
	tls_report_error(tc, TLS_ERR_ALERT(alert));
}

/* ---- reading ---- */

static void hs_input(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	wb_bytes(&tc->hs, b, n);
	size_t o = 0;
	while (tc->st != T_FAILED && !tc->dead && tc->hs.len - o >= 4) {
		const uint8_t *m = tc->hs.p + o;
		uint32_t len = (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		if (len > TLS_MAX_HS_MSG) {
			tls_fail(tc, TLS_ALERT_ILLEGAL_PARAMETER); /* excessive message size */
			break;
		}
		if (tc->hs.len - o < 4 + (size_t)len)
			break;
		o += 4 + len;
		tls_on_handshake(tc, m[0], m + 4, len);
	}
	if (o) {
		memmove(tc->hs.p, tc->hs.p + o, tc->hs.len - o);
		tc->hs.len -= o;
	}
}

static void alert_input(struct tls_conn *tc, const uint8_t *b, size_t n)
{
	if (n != 2) {
		tls_fail(tc, TLS_ALERT_DECODE_ERROR);
		return;
	}
	tls_on_alert(tc, b[0], b[1]);
}

static void handle_record(struct tls_conn *tc, uint8_t type, const uint8_t *b, size_t n)
{
	bool v13 = tc->version == TLS_V13;
	switch (type) {
	case TLS_CT_CCS:
		if (n != 1 || b[0] != 1) {
			tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
			return;
		}
		tls_on_ccs(tc);
		return;
	case TLS_CT_ALERT:
		if (tc->rx_enc && !v13) {
			if (n < TLS12_OVERHEAD) {
				tls_fail(tc, TLS_ALERT_BAD_RECORD_MAC);
				return;
			}
			b += TLS12_NONCE;
			n -= TLS12_OVERHEAD;
		}
		alert_input(tc, b, n);
		return;
	case TLS_CT_HANDSHAKE:
		if (tc->rx_enc && v13) {
			tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
			return;
		}
		if (tc->rx_enc) {
			if (n < TLS12_OVERHEAD + 1) {
				tls_fail(tc, TLS_ALERT_BAD_RECORD_MAC);
				return;
			}
			b += TLS12_NONCE;
			n -= TLS12_OVERHEAD;
		}
		hs_input(tc, b, n);
		return;
	case TLS_CT_APP:
		if (!tc->rx_enc) {
			tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
			return;
		}
		if (v13) {
			uint8_t inner;
			size_t pl;
			int r = tls13_unwrap(b, n, &inner, &pl);
			if (r < 0) {
				tls_fail(tc, -r);
				return;
			}
			if (inner == TLS_CT_HANDSHAKE && pl > 0)
				hs_input(tc, b, pl);
			else if (inner == TLS_CT_APP)
				tls_on_app_data(tc, b, pl);
			else if (inner == TLS_CT_ALERT)
				alert_input(tc, b, pl);
			else
				tls_fail(tc, TLS_ALERT_UNEXPECTED_MESSAGE);
			return;
		}
		if (n < TLS12_OVERHEAD) {
			tls_fail(tc, TLS_ALERT_BAD_RECORD_MAC);
			return;
		}
		tls_on_app_data(tc, b + TLS12_NONCE, n - TLS12_OVERHEAD);
		return;
	}
}

void tls_rx_pump(struct tls_conn *tc)
{
	if (tc->in_pump || !tc->ts)
		return;
	tc->in_pump = true;
	while (tc->ts && tc->st != T_FAILED && !tc->dead && tc->st != S_SIGNING &&
	       tc->app.len - tc->app_off < TLS_RX_APP_MAX) {
		if (tc->rlen < TLS_REC_HDR) {
			tc->rlen += tcp_recv(tc->ts, TLS_REC_HDR - tc->rlen, tc->rbuf + tc->rlen);
			if (tc->rlen < TLS_REC_HDR)
				break;
		}
		uint8_t type;
		uint16_t len;
		uint16_t max = tc->version == TLS_V13 ? TLS13_MAX_CIPHER : TLS12_MAX_CIPHER;
		int r = tls_rec_header(tc->rbuf, tc->rlen, max, &type, &len);
		if (r < 0) {
			tls_fail(tc, -r);
			break;
		}
		size_t need = TLS_REC_HDR + (size_t)len;
		if (tc->rlen < need) {
			tc->rlen += tcp_recv(tc->ts, need - tc->rlen, tc->rbuf + tc->rlen);
			if (tc->rlen < need)
				break;
		}
		tc->rlen = 0;
		handle_record(tc, type, tc->rbuf + TLS_REC_HDR, len);
	}
	tc->in_pump = false;
	tc->rx_stalled = tc->app.len - tc->app_off >= TLS_RX_APP_MAX;
	if (tc->ts && !tc->dead && tc->st != T_FAILED) {
		if (tc->app.len > tc->app_off && tc->cb.readable)
			tc->cb.readable(tc, tc->ctx);
	}
	if (!tc->dead)
		tls_flush(tc);
}
