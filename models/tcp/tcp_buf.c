/* TCP byte queues: the send queue (bytes the app queued and the peer has
 * not ACKed) and the receive queue (in-order bytes the app has not read),
 * as rings of chunks that are virtual (zeros) or real; receive-buffer
 * autotuning (Linux tcp_rcv_space_adjust) and send-buffer growth (Linux
 * tcp_sndbuf_expand). */
#include "tcp_priv.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- byte queues ---- */

void tcp_chunkq_push(struct tcp_chunkq *q, uint64_t len, struct pbuf *buf, uint32_t off)
{
	if (!len)
		return;
	/* virtual bytes merge with a virtual tail */
	if (!buf && q->len) {
		struct tcp_chunk *t = &q->v[(q->head + q->len - 1) & (q->cap - 1)];
		if (!t->buf) {
			t->len += len;
			q->bytes += len;
			return;
		}
	}
	if (q->len == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 2;
		struct tcp_chunk *v = xmalloc(cap * sizeof(*v));
		for (uint32_t i = 0; i < q->len; i++)
			v[i] = q->v[(q->head + i) & (q->cap - 1)];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	q->v[(q->head + q->len) & (q->cap - 1)] = (struct tcp_chunk){ len, buf ? pbuf_ref(buf) : NULL, off };
	q->len++;
	q->bytes += len;
	if (buf)
		q->real++;
}

/* Removes n bytes from the front, copying them to out if given. */
void tcp_chunkq_pull(struct tcp_chunkq *q, uint64_t n, uint8_t *out)
{
	while (n && q->len) {
		struct tcp_chunk *c = &q->v[q->head];
		uint64_t take = n < c->len ? n : c->len;
		if (out) {
			if (c->buf)
				memcpy(out, c->buf->data + c->off, take);
			else
				memset(out, 0, take);
			out += take;
		}
		c->len -= take;
		c->off += (uint32_t)take;
		q->bytes -= take;
		n -= take;
		if (!c->len) {
			if (c->buf) {
				pbuf_unref(c->buf);
				q->real--;
			}
			q->head = (q->head + 1) & (q->cap - 1);
			q->len--;
		}
	}
}

void tcp_chunkq_free(struct tcp_chunkq *q)
{
	tcp_chunkq_pull(q, q->bytes, NULL);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* For tcp_output.c: the real bytes of [off, off+len) of sndq, or NULL if
 * they are all virtual. */
struct pbuf *tcp_sndq_bytes(struct tcp_sock *tp, uint64_t off, uint32_t len)
{
	struct tcp_chunkq *q = &tp->sndq;
	if (!q->real || !len)
		return NULL;
	struct pbuf *b = pbuf_new(NULL, len);
	uint64_t pos = 0, filled = 0;
	bool any = false;
	for (uint32_t i = 0; i < q->len && filled < len; i++) {
		struct tcp_chunk *c = &q->v[(q->head + i) & (q->cap - 1)];
		uint64_t cs = pos, ce = pos + c->len;
		pos = ce;
		if (ce <= off + filled)
			continue;
		uint64_t from = off + filled - cs;
		uint64_t take = c->len - from;
		if (take > len - filled)
			take = len - filled;
		if (c->buf) {
			memcpy(b->data + filled, c->buf->data + c->off + from, take);
			any = true;
		}
		filled += take;
	}
	if (!any) {
		pbuf_unref(b);
		return NULL;
	}
	return b;
}

/* For tcp_input.c: in-order payload into the receive queue. */
void tcp_rcvq_add(struct tcp_sock *tp, const struct packet *p, uint32_t skip, uint32_t len)
{
	tcp_chunkq_push(&tp->rcvq, len, p->payload, p->payload_off + skip);
}

/* For tcp_ack.c: bytes acknowledged leave the send queue. */
void tcp_sndq_acked(struct tcp_sock *tp, uint32_t new_una)
{
	if (seq_after(new_una, tp->sndq_seq)) {
		uint32_t n = new_una - tp->sndq_seq;
		if (n > tp->sndq.bytes)
			n = (uint32_t)tp->sndq.bytes; /* the FIN's sequence number */
		tcp_chunkq_pull(&tp->sndq, n, NULL);
		tp->sndq_seq += n;
	}
}

/* Linux tcp_rcv_space_adjust (dynamic right-sizing): once per RTT, let the
 * receive buffer grow to twice what the app read in the last RTT. */
void tcp_rcv_space_adjust(struct tcp_sock *tp)
{
	simtime_t now = tp->sim->now;
	if (!tp->rcvq_time) {
		tp->rcvq_time = now;
		tp->rcvq_seq = tp->rcv_nxt;
		tp->rcvq_space = tp->rcv_wnd;
		return;
	}
	simtime_t rtt = tp->rcv_rtt_est;
	if (!rtt || now - tp->rcvq_time < rtt)
		return;
	uint64_t copied = tp->rcvq_copied;
	if (copied > tp->rcvq_space && tp->cfg.rcvbuf_autotune) {
		uint64_t win = 2 * copied + 16ull * tp->adv_mss;
		/* grow faster when the sender is still speeding up */
		if (tp->rcvq_space) {
			uint64_t grow = win * (copied - tp->rcvq_space) / tp->rcvq_space;
			win += 2 * grow;
		}
		if (win > tp->cfg.rcvbuf_max)
			win = tp->cfg.rcvbuf_max;
		if (win > tp->rcvbuf)
			tp->rcvbuf = win;
		tp->rcvq_space = copied;
	}
	tp->rcvq_copied = 0;
	tp->rcvq_time = now;
	tp->rcvq_seq = tp->rcv_nxt;
}

/* Linux tcp_sndbuf_expand: room for twice the congestion window, so the
 * sender is never limited by its own buffer before the network's. */
void tcp_sndbuf_expand(struct tcp_sock *tp)
{
	uint32_t segs = tp->snd_cwnd > tp->reordering + 1 ? tp->snd_cwnd : tp->reordering + 1;
	uint32_t per = tp->cc->sndbuf_expand ? tp->cc->sndbuf_expand(tp) : 2;
	uint64_t want = (uint64_t)per * segs * tp->mss;
	if (want > tp->cfg.sndbuf_max)
		want = tp->cfg.sndbuf_max;
	if (want > tp->sndbuf)
		tp->sndbuf = want;
}
