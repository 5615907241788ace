/* TCP sockets: the API apps call, a socket's life and its state changes.
 * The stack's tables are in tcp_stack.c, timers and the RTT/RTO estimator
 * in tcp_timer.c, byte queues in tcp_buf.c, logging and series in
 * tcp_info.c; segment arrival is in tcp_input.c, ACK processing and loss
 * recovery in tcp_ack.c and the files it names, transmission in
 * tcp_output.c.
 *
 * The state machine (RFC 9293 §3.3.2), with the function that makes each
 * transition (tcp_input.c unless named here):
 *
 *   CLOSED --connect--> SYN_SENT --SYN+ACK--> ESTABLISHED    tcp_connect, synsent_input
 *   CLOSED --listen--> LISTEN --SYN--> (child) SYN_RCVD      tcp_listen, listen_input/tcp_child_new
 *   SYN_SENT --SYN--> SYN_RCVD (simultaneous open)           synsent_input
 *   SYN_RCVD --ACK--> ESTABLISHED                            state_input
 *   ESTABLISHED --close--> FIN_WAIT_1 --ACK--> FIN_WAIT_2    tcp_shutdown/tcp_fin_state, state_input
 *   FIN_WAIT_1 --FIN--> CLOSING --ACK--> TIME_WAIT           rcv_fin, state_input/tcp_time_wait
 *   FIN_WAIT_2 --FIN--> TIME_WAIT --2MSL--> CLOSED           rcv_fin, tcp_wait_fired/tcp_done
 *   TIME_WAIT --new SYN--> CLOSED, and the SYN to LISTEN     time_wait_input (RFC 6191)
 *   ESTABLISHED --FIN--> CLOSE_WAIT --close--> LAST_ACK --ACK--> CLOSED
 *   LISTEN --close--> CLOSED, its embryonic children too     listen_stop
 *   any --RST, abort or give-up--> CLOSED                    tcp_done
 *
 * The invariants every state keeps are numbered in tcp_check.c, which
 * checks them after every segment, timer and API call in the sanitizer
 * build. */
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

/* ---- defaults (Linux 6.x sysctls where the RFCs leave a choice) ---- */

void tcp_config_default(struct tcp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->cc = cc_default();
	c->sack = true;                 /* tcp_sack = 1 */
	c->timestamps = true;           /* tcp_timestamps = 1 */
	c->window_scaling = true;       /* tcp_window_scaling = 1 */
	c->ecn = false;                 /* tcp_ecn = 2: only when asked */
	c->nagle = true;
	c->delayed_ack = true;
	c->frto = true;                 /* tcp_frto = 2 */
	c->rack = true;                 /* tcp_recovery = 1 */
	c->pacing = false;              /* pfifo_fast: no fq, so no pacing */
	c->cubic_fast_convergence = true;
	c->hystart = true;              /* tcp_cubic hystart = 1 */
	c->init_cwnd = 10;              /* RFC 6928, TCP_INIT_CWND */
	c->rto_min = SIM_MS(200);       /* TCP_RTO_MIN */
	c->rto_max = SIM_S(120);        /* TCP_RTO_MAX */
	c->rto_initial = SIM_S(1);      /* TCP_TIMEOUT_INIT, RFC 6298 §2.1 */
	c->delack_min = SIM_MS(40);     /* TCP_DELACK_MIN */
	c->time_wait = SIM_S(60);       /* TCP_TIMEWAIT_LEN */
	c->fin_timeout = SIM_S(60);     /* tcp_fin_timeout */
	c->syn_retries = 6;             /* tcp_syn_retries */
	c->synack_retries = 5;          /* tcp_synack_retries */
	c->retries2 = 15;               /* tcp_retries2 */
	c->sndbuf = 16384;              /* tcp_wmem[1] */
	c->sndbuf_max = 4194304;        /* tcp_wmem[2] */
	c->rcvbuf = 131072;             /* tcp_rmem[1] */
	c->rcvbuf_max = 6291456;        /* tcp_rmem[2] */
	c->rcvbuf_autotune = true;      /* tcp_moderate_rcvbuf */
	c->backlog = 4096;              /* somaxconn */
}

const char *tcp_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case TCP_ECONNREFUSED: return "connection refused";
	case TCP_ECONNRESET: return "connection reset by peer";
	case TCP_ETIMEDOUT: return "connection timed out";
	case TCP_EADDRINUSE: return "address already in use";
	case TCP_EADDRNOTAVAIL: return "no free local port (ephemeral ports exhausted)";
	case TCP_ENOTCONN: return "not connected";
	case TCP_EPIPE: return "broken pipe";
	case TCP_EINVAL: return "invalid argument";
	case TCP_EHOSTUNREACH: return "no route to host";
	case 0: return "ok";
	}
	return "unknown error";
}

const char *tcp_state_name(enum tcp_state s)
{
	static const char *const n[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
	};
	return s <= TCP_TIME_WAIT ? n[s] : "?";
}

/* ---- state ---- */

void tcp_set_state(struct tcp_sock *tp, enum tcp_state st)
{
	if (tp->state == st)
		return;
	struct tcp_world *w = tp->world;
	if (rec_on_event(tp->sim, w->m_state))
		tcp_log(tp, "tcp_state", "%s -> %s", tcp_state_name(tp->state), tcp_state_name(st));
	if (st == TCP_ESTABLISHED)
		tp->established_ns = tp->sim->now;
	tp->state = st;
}

/* Our FIN is queued: the state it moves us to (RFC 9293 §3.10.4; Linux
 * tcp_close_state), before it leaves, so the log shows the FIN in its
 * new state. */
void tcp_fin_state(struct tcp_sock *tp)
{
	if (tp->state == TCP_ESTABLISHED)
		tcp_set_state(tp, TCP_FIN_WAIT_1);
	else if (tp->state == TCP_CLOSE_WAIT)
		tcp_set_state(tp, TCP_LAST_ACK);
}

/* The connection is established: the congestion control starts now, with
 * the MSS negotiated and the handshake's RTT sample known (Linux
 * tcp_init_transfer -> tcp_init_congestion_control). */
void tcp_init_transfer(struct tcp_sock *tp)
{
	if (tp->cc_ready)
		return;
	tp->cc_ready = true;
	if (tp->cc->init)
		tp->cc->init(tp);
}

void tcp_set_ca_state(struct tcp_sock *tp, uint8_t st)
{
	if (tp->cc->set_state)
		tp->cc->set_state(tp, (enum tcp_ca_state)st);
	tp->ca_state = st;
}

/* ---- socket life ---- */

/* What a socket owns besides its struct: the congestion control's state,
 * its timers, its queues.  Shared by a socket's freeing and the stack's. */
void tcp_sock_release(struct tcp_sock *tp)
{
	if (tp->cc->release)
		tp->cc->release(tp);
	timer_destroy(tp->sim, &tp->t_xmit);
	timer_destroy(tp->sim, &tp->t_delack);
	timer_destroy(tp->sim, &tp->t_pace);
	timer_destroy(tp->sim, &tp->t_wait);
	tcp_chunkq_free(&tp->sndq);
	tcp_chunkq_free(&tp->rcvq);
	while (tp->ooo) {
		struct packet *p = tp->ooo;
		tp->ooo = p->next;
		pkt_free(tp->sim, p);
	}
	tp->ooo_tail = NULL;
	free(tp->txq.v);
}

static void free_event(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct tcp_sock *tp = obj;
	struct tcp_stack *st = tp->stack;
	tcp_unhash(tp);
	tcp_listener_remove(st, tp);
	tcp_probes_remove(tp);
	tcp_sock_release(tp);
	if (tp->all_prev)
		tp->all_prev->all_next = tp->all_next;
	else
		st->all = tp->all_next;
	if (tp->all_next)
		tp->all_next->all_prev = tp->all_prev;
	free(tp);
}

/* Frees the socket after the current event, so callers up the stack may
 * still look at it. */
static void tcp_free_later(struct tcp_sock *tp)
{
	if (tp->freed)
		return;
	tp->freed = true;
	tcp_unhash(tp);
	tcp_listener_remove(tp->stack, tp);
	tp->state = TCP_CLOSED;
	timer_cancel(&tp->t_xmit);
	timer_cancel(&tp->t_delack);
	timer_cancel(&tp->t_pace);
	timer_cancel(&tp->t_wait);
	sim_at(tp->sim, tp->sim->now, free_event, tp, 0);
}

/* The connection is over: CLOSED, out of the tables, timers off.  err (a
 * positive TCP_E*) reaches the app if it still holds the socket. */
void tcp_done(struct tcp_sock *tp, int err)
{
	enum tcp_state was = tp->state;
	tcp_set_state(tp, TCP_CLOSED);
	tcp_unhash(tp);
	tcp_xmit_timer_arm(tp, XT_NONE, 0);
	timer_cancel(&tp->t_delack);
	timer_cancel(&tp->t_pace);
	timer_cancel(&tp->t_wait);
	if (tp->parent) {
		/* an embryonic connection: give back its place in the backlog */
		if (tp->parent->pending)
			tp->parent->pending--;
		tp->parent = NULL;
		tp->orphan = true;
	}
	if (err)
		tcp_log(tp, "tcp_error", "%s in %s", tcp_strerror(err), tcp_state_name(was));
	if (err)
		tcp_app_error(tp, err);
	tcp_app_closed(tp);
	if (tp->orphan)
		tcp_free_later(tp);
}

void tcp_time_wait(struct tcp_sock *tp)
{
	tcp_set_state(tp, TCP_TIME_WAIT);
	tcp_xmit_timer_arm(tp, XT_NONE, 0);
	timer_cancel(&tp->t_delack);
	timer_cancel(&tp->t_pace);
	/* nothing is left to send or reassemble: keep the 4-tuple, not the
	 * buffers (a host may hold tens of thousands of these) */
	free(tp->txq.v);
	tp->txq = (struct tcp_txq){ 0 };
	tp->ts_head = tp->ts_tail = TS_NONE;
	tp->packets_out = tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
	tcp_chunkq_free(&tp->sndq);
	timer_arm(tp->sim, &tp->t_wait, tp->sim->now + tp->cfg.time_wait);
	/* the app sees the end of the connection now; the 4-tuple stays
	 * taken for time_wait */
	tcp_app_closed(tp); /* once: not again when TIME_WAIT ends */
}

static void sock_init(struct tcp_sock *tp, struct node *nd, const struct tcp_config *cfg)
{
	struct tcp_stack *st = tcp_stack_of(nd);
	tp->stack = st;
	tp->node = nd;
	tp->sim = nd->net->sim;
	tp->world = tcp_world(tp->sim);
	tp->cfg = *cfg;
	tp->cc = cfg->cc ? cfg->cc : cc_default();
	tp->state = TCP_CLOSED;
	for (int i = 0; i < TCP_NCC; i++)
		tp->logged_cc[i] = NAN; /* the first value is always a change */
	tp->sndbuf = cfg->sndbuf;
	tp->rcvbuf = cfg->rcvbuf;
	tp->snd_cwnd = cfg->init_cwnd;
	tp->snd_ssthresh = 0x7fffffff; /* TCP_INFINITE_SSTHRESH */
	tp->snd_cwnd_clamp = 0x7fffffff;
	tp->ts_head = tp->ts_tail = TS_NONE;
	tp->reordering = 3;            /* TCP_FASTRETRANS_THRESH */
	tp->rto = cfg->rto_initial;
	tp->mss = 536;                 /* RFC 9293 default until negotiated */
	tp->start_ns = tp->sim->now;
	tp->pacing = cfg->pacing;
	minmax_reset(&tp->min_rtt, 0, INT64_MAX);
	tp->ato = cfg->delack_min;
	timer_init(tp->sim, &tp->t_xmit, tcp_xmit_fired, tp);
	timer_init(tp->sim, &tp->t_delack, tcp_delack_fired, tp);
	timer_init(tp->sim, &tp->t_pace, tcp_pace_timer_fired, tp);
	timer_init(tp->sim, &tp->t_wait, tcp_wait_fired, tp);
	tp->all_next = st->all;
	if (st->all)
		st->all->all_prev = tp;
	st->all = tp;
}

struct tcp_sock *tcp_socket(struct node *nd, const struct tcp_config *cfg,
			    const struct tcp_cb *cb, void *ctx)
{
	struct tcp_config def;
	if (!cfg) {
		tcp_config_default(&def);
		cfg = &def;
	}
	struct tcp_sock *tp = xcalloc(1, sizeof(*tp));
	sock_init(tp, nd, cfg);
	if (cb)
		tp->cb = *cb;
	tp->ctx = ctx;
	snprintf(tp->name, sizeof(tp->name), "tcp:%s", nd->name);
	return tp;
}

void tcp_set_callbacks(struct tcp_sock *ts, const struct tcp_cb *cb, void *ctx)
{
	if (cb)
		ts->cb = *cb;
	else
		memset(&ts->cb, 0, sizeof(ts->cb));
	ts->ctx = ctx;
}

void tcp_set_name(struct tcp_sock *ts, const char *name)
{
	snprintf(ts->name, sizeof(ts->name), "%s", name);
}

const char *tcp_name(const struct tcp_sock *ts) { return ts->name; }

void tcp_set_nodelay(struct tcp_sock *ts, bool on)
{
	ts->cfg.nagle = !on;
}

static void default_name(struct tcp_sock *tp)
{
	char a[16], b[16];
	snprintf(tp->name, sizeof(tp->name), "%s:%u>%s:%u", ipv4_fmt(a, tp->laddr), tp->lport,
		 ipv4_fmt(b, tp->raddr), tp->rport);
}

int tcp_bind(struct tcp_sock *ts, uint16_t port)
{
	if (ts->state != TCP_CLOSED || ts->bound)
		return -TCP_EINVAL;
	if (port == 0)
		return -TCP_EINVAL;
	if (tcp_port_in_use(ts->stack, port))
		return -TCP_EADDRINUSE;
	ts->lport = port;
	ts->bound = true;
	return 0;
}

int tcp_bind_addr(struct tcp_sock *ts, uint32_t laddr)
{
	if (ts->state != TCP_CLOSED || ts->freed || !laddr || !node_has_addr(ts->node, laddr))
		return -TCP_EINVAL;
	ts->laddr = laddr;
	return 0;
}

static void log_listen(struct sim *s, void *obj, uint64_t arg)
{
	(void)arg;
	struct tcp_sock *tp = obj; /* a socket is freed by a later event */
	if (tp->state == TCP_LISTEN && rec_on_event(s, tp->world->m_state))
		tcp_log(tp, "tcp_state", "CLOSED -> LISTEN");
}

int tcp_listen(struct tcp_sock *ts, int backlog)
{
	if (!ts->bound || ts->state != TCP_CLOSED)
		return -TCP_EINVAL;
	ts->backlog = (uint16_t)(backlog > 0 ? (backlog < 65535 ? backlog : 65535) : 1);
	/* The state log shows LISTEN when the run reaches it: a script
	 * listens before it says what to record, and names the listener
	 * after listening. */
	ts->state = TCP_LISTEN;
	sim_at(ts->sim, ts->sim->now, log_listen, ts, 0);
	tcp_listener_add(ts->stack, ts);
	if (strncmp(ts->name, "tcp:", 4) == 0)
		snprintf(ts->name, sizeof(ts->name), "%s:%u", ts->node->name, ts->lport);
	return 0;
}

/* The initial window scale, MSS and buffers of a connection towards raddr;
 * shared by active and passive opens. */
static int conn_init(struct tcp_sock *tp)
{
	const struct route *r = ip_route(tp->node, tp->raddr);
	if (!r)
		return -TCP_EHOSTUNREACH;
	uint32_t mtu = r->type == RT_LOCAL ? 65535 : r->out->link->mtu;
	/* the path's MSS, or the configured one if smaller (Linux
	 * TCP_MAXSEG), never below tcp_min_snd_mss */
	uint32_t path = mtu > IP_HDR_LEN + TCP_HDR_LEN + TCP_MIN_SND_MSS ? mtu - IP_HDR_LEN - TCP_HDR_LEN
									   : TCP_MIN_SND_MSS;
	tp->adv_mss = tp->cfg.mss && tp->cfg.mss < path ? tp->cfg.mss : path;
	tp->mss = tp->adv_mss;
	tp->rcv_mss = tp->adv_mss < 536 ? tp->adv_mss : 536;
	/* RFC 7323 §2.2: the smallest shift that lets the window reach the
	 * largest receive buffer (Linux tcp_select_initial_window) */
	tp->rcv_wscale = 0;
	if (tp->cfg.window_scaling)
		while (tp->rcv_wscale < 14 && (65535ull << tp->rcv_wscale) < tp->cfg.rcvbuf_max)
			tp->rcv_wscale++;
	/* the first window: 64 KiB rounded down to whole segments, as Linux */
	uint32_t w = 65535 < tp->rcvbuf ? 65535 : (uint32_t)tp->rcvbuf;
	tp->rcv_wnd = w / tp->adv_mss * tp->adv_mss;
	tp->rcv_ssthresh = tp->rcv_wnd;
	tp->ts_offset = (uint32_t)rng_u32(tp->stack->isn_rng);
	tp->iss = (uint32_t)rng_u32(tp->stack->isn_rng);
	tp->snd_una = tp->snd_nxt = tp->iss;
	tp->write_seq = tp->iss + 1;
	tp->sndq_seq = tp->iss + 1;
	tp->snd_wnd = 0;
	return 0;
}

int tcp_connect(struct tcp_sock *ts, uint32_t raddr, uint16_t rport)
{
	if (ts->state != TCP_CLOSED || ts->freed)
		return -TCP_EINVAL;
	ts->raddr = raddr;
	ts->rport = rport;
	uint32_t src = ip_source_for(ts->node, raddr);
	if (!src)
		return -TCP_EHOSTUNREACH;
	if (!ts->laddr)               /* else bound by tcp_bind_addr */
		ts->laddr = src;
	if (!ts->bound) {
		int rc = tcp_pick_port(ts);
		if (rc < 0)
			return rc;
		ts->bound = true;
	} else if (tcp_lookup_tuple(ts->stack, ts->laddr, ts->lport, raddr, rport)) {
		return -TCP_EADDRINUSE;
	}
	int rc = conn_init(ts);
	if (rc < 0)
		return rc;
	ts->start_ns = ts->sim->now; /* the connect time counts from here */
	if (strncmp(ts->name, "tcp:", 4) == 0)
		default_name(ts);
	tcp_hash(ts);
	tcp_set_state(ts, TCP_SYN_SENT);
	tcp_send_syn(ts);
	TCP_CHECK_SOCK(ts);
	return 0;
}

/* A listener got a SYN: a child in SYN_RCVD, or NULL if the backlog is
 * full (the SYN is dropped, as Linux does without syncookies). */
struct tcp_sock *tcp_child_new(struct tcp_sock *l, const struct packet *syn)
{
	if (l->pending >= l->backlog) {
		tcp_log(l, "syn_drop", "listen backlog of %u is full", l->backlog);
		return NULL;
	}
	struct tcp_sock *tp = xcalloc(1, sizeof(*tp));
	sock_init(tp, l->node, &l->cfg);
	tp->cc = l->cc;
	tp->parent = l;
	l->pending++;
	tp->laddr = syn->ip.dst;
	tp->lport = syn->l4.tcp.dport;
	tp->raddr = syn->ip.src;
	tp->rport = syn->l4.tcp.sport;
	tp->bound = true;
	tp->cb = l->cb;
	tp->ctx = l->ctx;
	/* named after its listener's app, then the peer (the app may rename
	 * it when it accepts) */
	char a[16];
	snprintf(tp->name, sizeof(tp->name), "%.40s/%s:%u", l->name, ipv4_fmt(a, tp->raddr), tp->rport);
	if (conn_init(tp) < 0) {
		tp->orphan = true;
		tcp_done(tp, 0);
		return NULL;
	}
	tcp_hash(tp);
	return tp;
}

/* ---- the API ---- */

static int64_t send_common(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off,
			   bool more)
{
	if (ts->shut_wr || ts->orphan)
		return -TCP_EPIPE;
	switch (ts->state) {
	case TCP_SYN_SENT: case TCP_SYN_RCVD: case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		break;
	default:
		return -TCP_ENOTCONN;
	}
	uint64_t space = tcp_send_space(ts);
	if (len > space)
		len = space;
	if (data && len > data->len - data_off)
		len = data->len - data_off;
	if (!len)
		return 0;
	tcp_chunkq_push(&ts->sndq, len, data, data_off);
	ts->write_seq += (uint32_t)len;
	if (!more && (ts->state == TCP_ESTABLISHED || ts->state == TCP_CLOSE_WAIT))
		tcp_write_xmit(ts);
	TCP_CHECK_SOCK(ts);
	return (int64_t)len;
}

int64_t tcp_send(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off)
{
	return send_common(ts, len, data, data_off, false);
}

int64_t tcp_send_more(struct tcp_sock *ts, uint64_t len, struct pbuf *data, uint32_t data_off)
{
	return send_common(ts, len, data, data_off, true);
}

uint64_t tcp_send_space(const struct tcp_sock *ts)
{
	return ts->sndq.bytes >= ts->sndbuf ? 0 : ts->sndbuf - ts->sndq.bytes;
}

uint64_t tcp_unacked(const struct tcp_sock *ts) { return ts->sndq.bytes; }
uint64_t tcp_readable(const struct tcp_sock *ts) { return ts->rcvq.bytes; }
uint64_t tcp_recv(struct tcp_sock *ts, uint64_t max, uint8_t *out)
{
	uint64_t n = ts->rcvq.bytes < max ? ts->rcvq.bytes : max;
	if (!n)
		return 0;
	uint32_t before = tcp_receive_window_free(ts);
	tcp_chunkq_pull(&ts->rcvq, n, out);
	ts->rcvq_copied += n;
	tcp_rcv_space_adjust(ts);
	/* a window update when reading opened a window that was closing
	 * (Linux tcp_cleanup_rbuf: the new window is at least twice the old) */
	uint32_t after = tcp_receive_window_free(ts);
	uint32_t cur = ts->rcv_wup + ts->rcv_wnd - ts->rcv_nxt;
	if (ts->state >= TCP_ESTABLISHED && ts->state != TCP_TIME_WAIT && ts->state != TCP_CLOSED &&
	    after > before && after >= 2 * cur && after - cur >= ts->adv_mss)
		tcp_send_ack(ts);
	TCP_CHECK_SOCK(ts);
	return n;
}

void tcp_shutdown(struct tcp_sock *ts)
{
	if (ts->shut_wr)
		return;
	ts->shut_wr = true;
	switch (ts->state) {
	case TCP_ESTABLISHED: case TCP_CLOSE_WAIT:
		tcp_fin_state(ts);
		tcp_send_fin(ts);
		break;
	case TCP_SYN_SENT: case TCP_SYN_RCVD:
		/* the FIN goes once the connection is up */
		break;
	default:
		break;
	}
}

/* A listener closes (Linux inet_csk_listen_stop): it leaves the listener
 * table at once, so a SYN to its port is refused, and its embryonic
 * children go silently with it, as Linux drops the request sockets of a
 * closed listener; the peer's next segment then finds no socket and is
 * answered with a reset.  (Children that completed the handshake were
 * accepted already and belong to the app.) */
static void listen_stop(struct tcp_sock *l)
{
	tcp_listener_remove(l->stack, l);
	for (struct tcp_sock *c = l->stack->all; c; c = c->all_next)
		if (c->parent == l && !c->freed) {
			tcp_log(c, "syn_drop", "its listener closed");
			tcp_done(c, 0); /* gives back its place: pending-- */
		}
	tcp_set_state(l, TCP_CLOSED);
	tcp_free_later(l);
}

void tcp_close(struct tcp_sock *ts)
{
	if (ts->orphan)
		return;
	ts->orphan = true;
	memset(&ts->cb, 0, sizeof(ts->cb));
	switch (ts->state) {
	case TCP_CLOSED:
		tcp_free_later(ts);
		return;
	case TCP_LISTEN:
		listen_stop(ts);
		return;
	case TCP_SYN_SENT:
		tcp_done(ts, 0);
		return;
	default:
		break;
	}
	/* RFC 9293 §3.10.4: data still unread means the app lost it: reset
	 * (Linux does the same) */
	if (ts->rcvq.bytes) {
		tcp_abort(ts);
		return;
	}
	tcp_shutdown(ts);
	if (ts->state == TCP_FIN_WAIT_2)
		timer_arm(ts->sim, &ts->t_wait, ts->sim->now + ts->cfg.fin_timeout);
	TCP_CHECK_SOCK(ts);
}

void tcp_abort(struct tcp_sock *ts)
{
	switch (ts->state) {
	case TCP_SYN_RCVD: case TCP_ESTABLISHED: case TCP_FIN_WAIT_1: case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		tcp_send_reset(ts);
		break;
	default:
		break;
	}
	ts->orphan = true;
	memset(&ts->cb, 0, sizeof(ts->cb));
	if (ts->state == TCP_LISTEN)
		listen_stop(ts);
	else if (ts->state == TCP_CLOSED)
		tcp_free_later(ts);
	else
		tcp_done(ts, 0);
}

enum tcp_state tcp_get_state(const struct tcp_sock *ts) { return ts->state; }
uint32_t tcp_local_addr(const struct tcp_sock *ts) { return ts->laddr; }
uint32_t tcp_remote_addr(const struct tcp_sock *ts) { return ts->raddr; }
uint16_t tcp_local_port(const struct tcp_sock *ts) { return ts->lport; }
uint16_t tcp_remote_port(const struct tcp_sock *ts) { return ts->rport; }
struct node *tcp_node(const struct tcp_sock *ts) { return ts->node; }
