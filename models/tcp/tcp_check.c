/* tcp_check: the invariants of a TCP socket, as SQLite's pager.c checks
 * its state machine (assert(assert_pager_state(p))).  The sanitizer build
 * (-DTCP_CHECK) asserts them after every segment a stack processes, every
 * timer that fires and every call of the socket API; unit tests call
 * tcp_check directly.  Each failed invariant prints what it says, the
 * socket and its state, then aborts.
 *
 * The invariants, numbered as the failure messages name them:
 *
 *   1. Sequence space: snd_una <= snd_nxt <= write_seq + FIN, and the send
 *      queue holds exactly [sndq_seq, write_seq); sndq_seq is snd_una but
 *      for the SYN (one after) and the FIN (one before).
 *   2. The retransmission queue holds the segments of [snd_una, snd_nxt),
 *      contiguous, each nonempty, in order; packets_out is its length.
 *   3. With SACK, sacked_out, lost_out and retrans_out count the marks
 *      SEG_SACKED, SEG_LOST and SEG_RETRANS in it; without SACK,
 *      sacked_out counts duplicate ACKs and is at most packets_out.
 *      SACKED and LOST never go together; RETRANS implies EVER_RETRANS.
 *   4. The time-sorted list (RACK's) holds exactly the segments in flight:
 *      not SACKed, and not lost unless retransmitted since; its links
 *      agree both ways.
 *   5. The FINs: FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK and TIME_WAIT
 *      have our FIN queued (the state changes when it is queued, as
 *      Linux's tcp_close_state); it has a sequence number (fin_sent) only
 *      in those states, always in FIN_WAIT_2 and TIME_WAIT, where it is
 *      acknowledged; fin_rcvd exactly in CLOSE_WAIT, CLOSING, LAST_ACK and
 *      TIME_WAIT.
 *   6. The receive side: the out-of-order queue is in order, after
 *      rcv_nxt, and its count, bytes and tail agree with it.
 *   7. Tables: a socket is in the 4-tuple table exactly in the states from
 *      SYN_SENT to TIME_WAIT (and there under its own 4-tuple), in the
 *      listener table exactly in LISTEN; a freed socket is in neither.
 *   8. Listener and children: an embryonic child (parent set) is in
 *      SYN_RCVD and its parent is a live listener; a listener's pending
 *      count is the number of its embryonic children.
 *   9. Timers are armed only in the states that use them: the
 *      retransmission/probe timer (xt says which) with data in flight, or,
 *      for a zero-window probe, none in flight; the delayed-ACK and pacing
 *      timers in synchronized states; t_wait in TIME_WAIT (always) and
 *      FIN_WAIT_2; none on a freed socket.
 *
 * Walking a queue costs its length, so the walks of long queues (2, 3, 4
 * and 6) are made on every k-th call only, k growing with the length: a
 * checked run stays within a small factor of an unchecked one. */
#include "tcp_priv.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/packet.h"

static void fail(const struct tcp_sock *tp, const char *file, int line, const char *what)
{
	fprintf(stderr,
		"%s:%d: tcp_check: %s\n"
		"  socket %s in %s%s: snd_una %u snd_nxt %u write_seq %u (iss %u) sndq_seq %u sndq %llu\n"
		"  packets_out %u sacked_out %u lost_out %u retrans_out %u txq.len %u sack_ok %d\n"
		"  rcv_nxt %u (irs %u) ooo_count %u fin_sent %d fin_rcvd %d shut_wr %d orphan %d\n",
		file, line, what, tp->name, tcp_state_name(tp->state), tp->freed ? " (freed)" : "",
		tp->snd_una, tp->snd_nxt, tp->write_seq, tp->iss, tp->sndq_seq,
		(unsigned long long)tp->sndq.bytes, tp->packets_out, tp->sacked_out, tp->lost_out,
		tp->retrans_out, tp->txq.len, tp->sack_ok, tp->rcv_nxt, tp->irs, tp->ooo_count,
		tp->fin_sent, tp->fin_rcvd, tp->shut_wr, tp->orphan);
	abort();
}

#define CHECK(cond, what)                                                     \
	do {                                                                  \
		if (!(cond))                                                  \
			fail(tp, __FILE__, __LINE__, what " [" #cond "]");   \
	} while (0)

static bool in_listeners(const struct tcp_sock *tp)
{
	const struct tcp_stack *st = tp->stack;
	for (size_t i = 0; i < st->nlisten; i++)
		if (st->listeners[i] == tp)
			return true;
	return false;
}

static bool synchronized(enum tcp_state s)
{
	return s >= TCP_SYN_RCVD;
}

/* Whether to walk a queue of len entries on this call: on one call in
 * len/128 + 1, so a walk costs about 128 steps per call on average. */
static bool walk_now(uint32_t len)
{
	static uint64_t calls;
	uint32_t k = len / 128 + 1;
	return calls++ % k == 0;
}

static void check_txq(const struct tcp_sock *tp)
{
	const struct tcp_txq *q = &tp->txq;
	CHECK(tp->packets_out == q->len, "2. packets_out is the length of the retransmission queue");
	if (!q->len) {
		CHECK(tp->snd_una == tp->snd_nxt, "2. nothing queued means nothing in flight");
		CHECK(!tp->sack_ok || (!tp->sacked_out && !tp->lost_out && !tp->retrans_out),
		      "3. no marks without segments");
		CHECK(tp->ts_head == TS_NONE && tp->ts_tail == TS_NONE, "4. an empty time-sorted list");
		return;
	}
	CHECK(q->cap && !(q->cap & (q->cap - 1)) && q->len <= q->cap, "2. the ring's size");
	CHECK(txq_at(q, 0)->seq == tp->snd_una, "2. the queue starts at snd_una");
	CHECK(txq_at(q, q->len - 1)->end == tp->snd_nxt, "2. the queue ends at snd_nxt");
	CHECK(tp->sacked_out + tp->lost_out <= tp->packets_out, "3. SACKed and lost are at most all");
	CHECK(tp->retrans_out <= tp->packets_out, "3. retransmitted are at most all");
	if (!tp->sack_ok)
		CHECK(tp->sacked_out <= tp->packets_out, "3. duplicate ACKs counted at most per segment");
	if (!walk_now(q->len))
		return;
	uint32_t sacked = 0, lost = 0, retrans = 0, linked = 0;
	for (uint32_t i = 0; i < q->len; i++) {
		const struct tcp_txseg *s = txq_at(q, i);
		CHECK(seq_before(s->seq, s->end), "2. every segment is nonempty");
		if (i + 1 < q->len)
			CHECK(s->end == txq_at(q, i + 1)->seq, "2. segments are contiguous and in order");
		CHECK((s->sacked & (SEG_SACKED | SEG_LOST)) != (SEG_SACKED | SEG_LOST),
		      "3. a segment is not both SACKed and lost");
		CHECK(!(s->sacked & SEG_RETRANS) || (s->sacked & SEG_EVER_RETRANS),
		      "3. a retransmission in flight was retransmitted");
		sacked += !!(s->sacked & SEG_SACKED);
		lost += !!(s->sacked & SEG_LOST);
		retrans += !!(s->sacked & SEG_RETRANS);
		bool in_flight = !(s->sacked & SEG_SACKED) &&
				 (!(s->sacked & SEG_LOST) || (s->sacked & SEG_RETRANS));
		CHECK(s->tlinked == in_flight, "4. the time-sorted list holds exactly the segments in flight");
		linked += s->tlinked;
	}
	if (tp->sack_ok)
		CHECK(sacked == tp->sacked_out, "3. sacked_out counts the SACKed segments");
	CHECK(lost == tp->lost_out, "3. lost_out counts the segments marked lost");
	CHECK(retrans == tp->retrans_out, "3. retrans_out counts the retransmissions in flight");
	uint32_t n = 0, prev = TS_NONE;
	for (uint32_t pos = tp->ts_head; pos != TS_NONE; pos = q->v[pos].tnext) {
		CHECK(pos < q->cap && n < q->len, "4. the list stays inside the ring, without a cycle");
		const struct tcp_txseg *s = &q->v[pos];
		CHECK(s->tlinked && s->tprev == prev, "4. the list's links agree both ways");
		prev = pos;
		n++;
	}
	CHECK(prev == tp->ts_tail && n == linked, "4. the list's tail and length");
}

static void check_ooo(const struct tcp_sock *tp)
{
	CHECK(!tp->ooo == !tp->ooo_count, "6. an empty out-of-order queue counts none");
	if (!walk_now(tp->ooo_count))
		return;
	uint32_t n = 0;
	uint64_t bytes = 0;
	const struct packet *last = NULL;
	for (const struct packet *p = tp->ooo; p; p = p->next) {
		CHECK(seq_after(p->l4.tcp.seq, tp->rcv_nxt), "6. out-of-order segments lie after rcv_nxt");
		if (last)
			CHECK(seq_before(last->l4.tcp.seq, p->l4.tcp.seq), "6. the out-of-order queue is in order");
		last = p;
		n++;
		bytes += p->payload_len;
	}
	CHECK(n == tp->ooo_count && bytes == tp->ooo_bytes && last == tp->ooo_tail,
	      "6. the out-of-order queue's count, bytes and tail");
}

static void check_listener(const struct tcp_sock *tp)
{
	uint32_t children = 0;
	for (const struct tcp_sock *s = tp->stack->all; s; s = s->all_next)
		if (s->parent == tp && !s->freed)
			children++;
	CHECK(children == tp->pending, "8. a listener's pending count is its embryonic children");
}

bool tcp_check(const struct tcp_sock *tp)
{
	enum tcp_state s = tp->state;
	CHECK(s <= TCP_TIME_WAIT, "0. a known state");
	bool tables = s >= TCP_SYN_SENT && !tp->freed;
	CHECK(tp->hashed == tables, "7. in the 4-tuple table exactly from SYN_SENT to TIME_WAIT");
	if (tp->hashed)
		CHECK(tcp_lookup_tuple(tp->stack, tp->laddr, tp->lport, tp->raddr, tp->rport) == tp,
		      "7. found under its own 4-tuple");
	CHECK(in_listeners(tp) == (s == TCP_LISTEN && !tp->freed), "7. in the listener table exactly in LISTEN");
	if (tp->freed) {
		CHECK(s == TCP_CLOSED, "7. a freed socket is closed");
		CHECK(!timer_pending(&tp->t_xmit) && !timer_pending(&tp->t_delack) &&
		      !timer_pending(&tp->t_pace) && !timer_pending(&tp->t_wait),
		      "9. no timer on a freed socket");
		return true;
	}
	if (tp->parent) {
		CHECK(s == TCP_SYN_RCVD, "8. an embryonic child is in SYN_RCVD");
		CHECK(tp->parent->state == TCP_LISTEN && !tp->parent->freed, "8. its parent is a live listener");
	}
	if (s == TCP_LISTEN)
		check_listener(tp);

	/* timers */
	bool xmit = timer_pending(&tp->t_xmit);
	CHECK(xmit == (tp->xt != XT_NONE), "9. xt says what t_xmit is armed for");
	if (s == TCP_CLOSED || s == TCP_LISTEN || s == TCP_TIME_WAIT) {
		CHECK(!xmit, "9. no retransmission timer when nothing can be in flight");
		CHECK(!timer_pending(&tp->t_delack), "9. no delayed ACK outside a connection");
		CHECK(!timer_pending(&tp->t_pace), "9. no pacing outside a connection");
	}
	if (tp->xt == XT_RTO || tp->xt == XT_TLP || tp->xt == XT_REO)
		CHECK(tp->packets_out, "9. RTO, loss-probe and reorder timers only with data in flight");
	if (tp->xt == XT_PROBE0)
		CHECK(!tp->packets_out, "9. a zero-window probe only with nothing in flight");
	CHECK(!timer_pending(&tp->t_delack) || synchronized(s), "9. delayed ACKs in synchronized states");
	if (s == TCP_TIME_WAIT)
		CHECK(timer_pending(&tp->t_wait), "9. TIME_WAIT always ends");
	else
		CHECK(!timer_pending(&tp->t_wait) || s == TCP_FIN_WAIT_2, "9. t_wait only in FIN_WAIT_2 and TIME_WAIT");

	if (s == TCP_CLOSED || s == TCP_LISTEN)
		return true;

	/* 1. sequence space */
	CHECK(seq_leq(tp->snd_una, tp->snd_nxt), "1. snd_una <= snd_nxt");
	CHECK(seq_leq(tp->snd_nxt, tp->write_seq + tp->fin_sent), "1. snd_nxt <= write_seq (+1 for a FIN)");
	CHECK(!tp->fin_sent || tp->snd_nxt == tp->write_seq + 1, "1. the FIN follows the last byte");
	if (s != TCP_TIME_WAIT) {
		CHECK(tp->sndq_seq + (uint32_t)tp->sndq.bytes == tp->write_seq, "1. the send queue is [sndq_seq, write_seq)");
		CHECK((uint32_t)(tp->snd_una - tp->sndq_seq + 1) <= 2, "1. sndq_seq is snd_una but for SYN and FIN");
		check_txq(tp);
	} else {
		CHECK(!tp->packets_out && !tp->txq.len, "2. TIME_WAIT keeps no segments");
	}

	/* 5. FINs */
	bool fin_state = s == TCP_FIN_WAIT_1 || s == TCP_FIN_WAIT_2 || s == TCP_CLOSING ||
			 s == TCP_LAST_ACK || s == TCP_TIME_WAIT;
	CHECK(!tp->fin_sent || fin_state, "5. our FIN is sent only in FIN_WAIT_1/2, CLOSING, LAST_ACK, TIME_WAIT");
	CHECK(!fin_state || tp->shut_wr, "5. those states have our FIN queued");
	CHECK(tp->fin_sent || (s != TCP_FIN_WAIT_2 && s != TCP_TIME_WAIT), "5. FIN_WAIT_2 and TIME_WAIT follow our FIN");
	CHECK(!tp->fin_sent || tp->shut_wr, "5. a FIN only after shutdown");
	if (s == TCP_FIN_WAIT_2 || s == TCP_TIME_WAIT)
		CHECK(tp->snd_una == tp->snd_nxt, "5. our FIN is acknowledged in FIN_WAIT_2 and TIME_WAIT");
	bool fin_rcvd_state = s == TCP_CLOSE_WAIT || s == TCP_CLOSING || s == TCP_LAST_ACK || s == TCP_TIME_WAIT;
	CHECK(tp->fin_rcvd == fin_rcvd_state, "5. the peer's FIN is in exactly in CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT");

	/* 6. receive side */
	if (s != TCP_SYN_SENT)
		check_ooo(tp);
	CHECK(tp->snd_cwnd >= 1 && tp->mss >= 1, "0. a congestion window and a segment size");
	return true;
}

/* Every socket of the node's stack. */
bool tcp_check_stack(const struct tcp_stack *st)
{
	if (!st)
		return true;
	uint32_t hashed = 0;
	for (const struct tcp_sock *tp = st->all; tp; tp = tp->all_next) {
		tcp_check(tp);
		hashed += tp->hashed;
	}
	if (hashed != st->hcount) {
		fprintf(stderr, "tcp_check: 7. the 4-tuple table holds %u sockets, %u say they are in it\n",
			st->hcount, hashed);
		abort();
	}
	return true;
}
