/* The stub resolver (glibc resolv/res_send.c rules; see dns_stub.h): per
 * node settings, and each lookup as a walk over (attempt, server) pairs
 * with glibc's per-server wait, a switch to TCP after TC=1, and the answer
 * or the error delivered when glibc would return it. */
#include "models/dns/dns_stub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_msg.h"
#include "models/dns/dns_res_tcp.h"
#include "models/udp/udp.h"
#include "sim/db.h"
#include "sim/rng.h"
#include "sim/util.h"

struct stub_lk;

struct stub_node {
	struct node *nd;
	struct dns_stub_cfg cfg;
	int rot;                    /* rotate: how far the list has turned */
	struct rng *rng;            /* "dns:stub:<node>": IDs and ports */
	struct stub_lk *head;       /* lookups in flight */
};

struct stub_world {
	struct sim *sim;
	struct stub_node **by_id;   /* indexed by node id */
	size_t cap;
};

struct stub_lk {
	struct stub_lk *prev, *next;
	struct stub_node *sn;
	struct sim *sim;
	struct dns_stub_cfg cfg;    /* settings at the start, servers in the order used */
	char name[DNS_NAME_STRLEN];
	struct dns_name qname;
	uint16_t qtype;
	dns_done_fn done;
	void *ctx;
	simtime_t started;
	int try, ns;                /* the (attempt, server) being asked */
	bool vc;                    /* TCP from now on (TC seen) */
	bool got_somewhere;         /* some server answered or timed out (not ECONNREFUSED) */
	int last_rcode;             /* SERVFAIL/REFUSED... seen, or 0 */
	bool literal;
	struct udp_sock *us;
	uint16_t id;
	struct dns_tcpq *tq;
	struct timer timer;
	int queries;
	uint8_t qbuf[DNS_NAME_MAX + 64];
	int qlen;
};

static void stub_world_free(void *p)
{
	struct stub_world *w = p;
	for (size_t i = 0; i < w->cap; i++) {
		struct stub_node *sn = w->by_id[i];
		if (!sn)
			continue;
		while (sn->head) {
			struct stub_lk *lk = sn->head;
			sn->head = lk->next;
			if (lk->us)
				udp_close(lk->us);
			dns_tcpq_cancel(lk->tq);
			timer_destroy(w->sim, &lk->timer);
			free(lk);
		}
		free(sn);
	}
	free(w->by_id);
	free(w);
}

static struct stub_node *stub_node_of(struct node *nd, bool make)
{
	struct sim *s = nd->net->sim;
	struct stub_world *w = sim_ext_get(s, "dns_stub");
	if (!w) {
		if (!make)
			return NULL;
		w = xcalloc(1, sizeof(*w));
		w->sim = s;
		sim_ext_set(s, "dns_stub", w, stub_world_free);
	}
	if (nd->id >= w->cap) {
		if (!make)
			return NULL;
		size_t ncap = w->cap ? w->cap : 16;
		while (ncap <= nd->id)
			ncap *= 2;
		w->by_id = realloc(w->by_id, ncap * sizeof(*w->by_id));
		if (!w->by_id)
			abort();
		memset(w->by_id + w->cap, 0, (ncap - w->cap) * sizeof(*w->by_id));
		w->cap = ncap;
	}
	if (!w->by_id[nd->id] && make) {
		struct stub_node *sn = xcalloc(1, sizeof(*sn));
		char rn[64];
		snprintf(rn, sizeof(rn), "dns:stub:%s", nd->name);
		sn->nd = nd;
		sn->rng = rng_stream(s, rn);
		w->by_id[nd->id] = sn;
	}
	return w->by_id[nd->id];
}

void dns_stub_cfg_default(struct dns_stub_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_s = DNS_STUB_TIMEOUT_S;
	cfg->attempts = DNS_STUB_ATTEMPTS;
}

int dns_stub_config(struct node *nd, const struct dns_stub_cfg *cfg, struct errbuf *err)
{
	if (cfg->nns < 1 || cfg->nns > DNS_STUB_MAXNS) {
		err_set(err, "nameservers: expected 1 to %d addresses, got %d", DNS_STUB_MAXNS, cfg->nns);
		return -1;
	}
	if (cfg->timeout_s < 1 || cfg->timeout_s > DNS_STUB_MAXTIMEOUT_S) {
		err_set(err, "timeout: expected 1 to %d whole seconds, got %d", DNS_STUB_MAXTIMEOUT_S,
			cfg->timeout_s);
		return -1;
	}
	if (cfg->attempts < 1 || cfg->attempts > DNS_STUB_MAXATTEMPTS) {
		err_set(err, "attempts: expected 1 to %d, got %d", DNS_STUB_MAXATTEMPTS, cfg->attempts);
		return -1;
	}
	if (cfg->edns_udp_size && cfg->edns_udp_size < DNS_UDP_SIZE_PLAIN) {
		err_set(err, "edns: expected a UDP payload size of at least 512, got %u",
			cfg->edns_udp_size);
		return -1;
	}
	for (int i = 0; i < cfg->nns; i++)
		if (!cfg->ns[i]) {
			err_set(err, "nameservers: 0.0.0.0 is not a nameserver address");
			return -1;
		}
	struct stub_node *sn = stub_node_of(nd, true);
	sn->cfg = *cfg;
	sn->rot = 0;
	return 0;
}

const struct dns_stub_cfg *dns_stub_get(struct node *nd)
{
	struct stub_node *sn = stub_node_of(nd, false);
	return sn && sn->cfg.nns ? &sn->cfg : NULL;
}

const char *dns_answer_status(int rcode, char buf[16])
{
	switch (rcode) {
	case DNS_ANS_TIMEOUT: return "TIMEOUT";
	case DNS_ANS_UNREACH: return "UNREACHABLE";
	default: return dns_rcode_name((uint16_t)rcode, buf, 16);
	}
}

/* ---- one lookup ---- */

static void lk_unlink(struct stub_lk *lk)
{
	if (lk->prev)
		lk->prev->next = lk->next;
	else
		lk->sn->head = lk->next;
	if (lk->next)
		lk->next->prev = lk->prev;
	lk->prev = lk->next = NULL;
}

static void lk_drop_transport(struct stub_lk *lk)
{
	if (lk->us) {
		udp_close(lk->us);
		lk->us = NULL;
	}
	if (lk->tq) {
		dns_tcpq_cancel(lk->tq);
		lk->tq = NULL;
	}
	timer_cancel(&lk->timer);
}

static void write_row(struct stub_lk *lk, const struct dns_answer *a)
{
	struct sim *s = lk->sim;
	if (!s->db)
		return;
	char ans[DNS_ANS_MAX_ADDRS * 2 * 48 + 8] = "";
	size_t off = 0;
	for (int i = 0; i < a->n4 && off + 20 < sizeof(ans); i++) {
		char b[16];
		off += (size_t)snprintf(ans + off, sizeof(ans) - off, "%s%s", off ? " " : "",
					ipv4_fmt(b, a->addr4[i]));
	}
	for (int i = 0; i < a->n6 && off + 48 < sizeof(ans); i++) {
		off += (size_t)snprintf(ans + off, sizeof(ans) - off, "%s", off ? " " : "");
		for (int k = 0; k < 16; k += 2)
			off += (size_t)snprintf(ans + off, sizeof(ans) - off, "%s%x", k ? ":" : "",
						a->addr6[i][k] << 8 | a->addr6[i][k + 1]);
	}
	char tb[16], rb[16];
	struct db_dns_lookup row = {
		.t_ns = s->now, .node = lk->sn->nd->name, .resolver = "stub", .name = lk->name,
		.qtype = dns_type_str(tb, sizeof(tb), lk->qtype),
		.rcode = dns_answer_status(a->rcode, rb), .cache = NULL,
		.latency_ns = a->latency_ns, .upstream = a->queries, .answers = ans,
	};
	db_dns_lookup(s->db, s->run_id, &row);
}

/* Delivers the result and frees the lookup. */
static void lk_finish(struct stub_lk *lk, struct dns_answer *a)
{
	lk_drop_transport(lk);
	lk_unlink(lk);
	a->name = lk->name;
	a->qtype = lk->qtype;
	a->started_ns = lk->started;
	a->latency_ns = lk->sim->now - lk->started;
	a->queries = lk->queries;
	a->literal = lk->literal;
	write_row(lk, a);
	dns_done_fn done = lk->done;
	void *ctx = lk->ctx;
	timer_destroy(lk->sim, &lk->timer);
	free(lk);
	if (done)
		done(ctx, a);
}

static void lk_fail(struct stub_lk *lk)
{
	struct dns_answer a;
	memset(&a, 0, sizeof(a));
	/* res_send: ECONNREFUSED if no server was reached, else ETIMEDOUT;
	 * a SERVFAIL/REFUSED answer seen on the way is what the caller gets
	 * (res_query turns the error into TRY_AGAIN either way) */
	if (lk->last_rcode)
		a.rcode = lk->last_rcode;
	else
		a.rcode = lk->got_somewhere ? DNS_ANS_TIMEOUT : DNS_ANS_UNREACH;
	lk_finish(lk, &a);
}

/* Fills a from a decoded final answer. */
static void lk_answer(struct stub_lk *lk, const struct dns_msg *m, uint32_t server, bool tcp)
{
	struct dns_answer a;
	memset(&a, 0, sizeof(a));
	a.rcode = m->rcode;
	a.server = server;
	a.tcp = tcp;
	bool have_ttl = false;
	/* follow the CNAME chain from the question's name through the answer */
	struct dns_name cur = lk->qname;
	for (int hop = 0; hop < 16; hop++) {
		bool moved = false;
		for (int i = 0; i < m->n[DNS_SEC_AN]; i++) {
			const struct dns_rr *rr = &m->rr[DNS_SEC_AN][i];
			if (!dns_name_eq(&rr->name, &cur))
				continue;
			if (rr->type == DNS_T_CNAME && lk->qtype != DNS_T_CNAME) {
				if (!have_ttl || rr->ttl < a.ttl)
					a.ttl = rr->ttl;
				have_ttl = true;
				cur = rr->rd.cname;
				moved = true;
				break;
			}
		}
		if (!moved)
			break;
	}
	for (int i = 0; i < m->n[DNS_SEC_AN]; i++) {
		const struct dns_rr *rr = &m->rr[DNS_SEC_AN][i];
		if (!dns_name_eq(&rr->name, &cur) || rr->type != lk->qtype)
			continue;
		if (!have_ttl || rr->ttl < a.ttl)
			a.ttl = rr->ttl;
		have_ttl = true;
		if (rr->type == DNS_T_A && a.n4 < DNS_ANS_MAX_ADDRS)
			a.addr4[a.n4++] = rr->rd.a;
		else if (rr->type == DNS_T_AAAA && a.n6 < DNS_ANS_MAX_ADDRS)
			memcpy(a.addr6[a.n6++], rr->rd.aaaa, 16);
	}
	if (!have_ttl) /* negative: the SOA's TTL says how long it holds */
		for (int i = 0; i < m->n[DNS_SEC_NS]; i++)
			if (m->rr[DNS_SEC_NS][i].type == DNS_T_SOA) {
				a.ttl = m->rr[DNS_SEC_NS][i].ttl;
				break;
			}
	lk_finish(lk, &a);
}

static void lk_send(struct stub_lk *lk);

/* On to the next server, or the next pass, or the end (res_send's
 * next_ns). */
static void lk_next(struct stub_lk *lk)
{
	lk_drop_transport(lk);
	lk->ns++;
	if (lk->ns >= lk->cfg.nns) {
		lk->ns = 0;
		lk->try++;
		/* after TC the TCP tries use up the attempts (send_vc: try = retry) */
		if (lk->try >= lk->cfg.attempts || lk->vc) {
			lk_fail(lk);
			return;
		}
	}
	lk_send(lk);
}

/* The wait for server ns (send_dg): retrans << ns, divided by nscount
 * for ns > 0, at least 1 s. */
static simtime_t wait_for(const struct dns_stub_cfg *c, int ns)
{
	int seconds = c->timeout_s << ns;
	if (ns > 0)
		seconds /= c->nns;
	if (seconds <= 0)
		seconds = 1;
	return SIM_S(seconds);
}

static void lk_timeout(struct sim *s, void *obj)
{
	(void)s;
	struct stub_lk *lk = obj;
	lk->got_somewhere = true; /* send_dg sets it on a timeout */
	lk_next(lk);
}

/* Handles an answer's bytes from the server being asked. */
static void lk_got(struct stub_lk *lk, const uint8_t *b, size_t len, bool tcp)
{
	struct dns_msg m;
	int rc = dns_decode(&m, b, len);
	if (rc == DNS_E_SHORT || (rc == DNS_OK && !tcp && (m.id != lk->id))) {
		dns_msg_free(&m);
		return; /* not ours: keep waiting (send_dg "old answer") */
	}
	uint32_t server = lk->cfg.ns[lk->ns];
	lk->got_somewhere = true;
	if (rc != DNS_OK) {
		/* undersized or malformed: glibc's err_out, next server */
		dns_msg_free(&m);
		lk_next(lk);
		return;
	}
	if (!m.has_question || !dns_name_eq(&m.q.name, &lk->qname) || m.q.type != lk->qtype) {
		dns_msg_free(&m);
		if (!tcp)
			return; /* "wrong query name": ignored, keep waiting */
		lk_next(lk);
		return;
	}
	if (m.rcode == DNS_R_SERVFAIL || m.rcode == DNS_R_NOTIMP || m.rcode == DNS_R_REFUSED) {
		lk->last_rcode = m.rcode;
		dns_msg_free(&m);
		lk_next(lk);
		return;
	}
	if (m.rcode == DNS_R_NOERROR && m.n[DNS_SEC_AN] == 0 && !m.aa && !m.ra &&
	    m.n[DNS_SEC_AR] == 0) {
		/* a referral: this server does not recurse */
		dns_msg_free(&m);
		lk_next(lk);
		return;
	}
	if (m.tc && !tcp) {
		/* the rest over TCP, same server (send_dg sets v_circuit) */
		dns_msg_free(&m);
		lk_drop_transport(lk);
		lk->vc = true;
		lk_send(lk);
		return;
	}
	lk_answer(lk, &m, server, tcp);
	dns_msg_free(&m);
}

static void lk_udp_recv(struct udp_sock *us, const struct packet *p, void *ctx)
{
	(void)us;
	struct stub_lk *lk = ctx;
	if (p->ip.src != lk->cfg.ns[lk->ns] || p->l4.udp.sport != DNS_PORT || !p->payload)
		return; /* res_ourserver_p: not from our server */
	lk_got(lk, p->payload->data + p->payload_off,
	       p->payload_len <= p->payload->len - p->payload_off ? p->payload_len : 0, false);
}

/* ICMP port unreachable on glibc's connected socket: POLLERR, next server
 * at once, and got_somewhere stays as it was. */
static void lk_udp_err(struct udp_sock *us, const struct packet *icmp, void *ctx)
{
	(void)us;
	struct stub_lk *lk = ctx;
	if (icmp->l4.icmp.type != ICMP_DEST_UNREACH)
		return;
	lk_next(lk);
}

static void lk_tcp_done(void *ctx, const uint8_t *msg, size_t len, int err)
{
	struct stub_lk *lk = ctx;
	lk->tq = NULL;
	if (!msg) {
		(void)err;
		lk_next(lk); /* send_vc failed: next server */
		return;
	}
	lk_got(lk, msg, len, true);
}

static struct udp_sock *open_random_port(struct stub_lk *lk)
{
	struct errbuf err;
	uint16_t range = EPHEMERAL_HI - EPHEMERAL_LO + 1;
	uint16_t first = (uint16_t)rng_below(lk->sn->rng, range);
	for (int k = 0; k < 64; k++) {
		uint16_t port = (uint16_t)(EPHEMERAL_LO + (first + k) % range);
		struct udp_sock *us = udp_open(lk->sn->nd, port, lk_udp_recv, lk_udp_err, lk, &err);
		if (us)
			return us;
	}
	return udp_open(lk->sn->nd, 0, lk_udp_recv, lk_udp_err, lk, &err);
}

static void lk_send(struct stub_lk *lk)
{
	uint32_t server = lk->cfg.ns[lk->ns];
	lk->id = (uint16_t)rng_below(lk->sn->rng, 65536);
	struct dns_msg q;
	dns_msg_query(&q, lk->id, &lk->qname, lk->qtype, true, lk->cfg.edns_udp_size);
	lk->qlen = dns_encode(&q, lk->qbuf, sizeof(lk->qbuf));
	dns_msg_free(&q);
	lk->queries++;
	if (lk->vc) {
		/* send_vc: no timeout of its own; TCP's own timers end a dead try */
		lk->tq = dns_tcpq_start(lk->sn->nd, server, DNS_PORT, lk->qbuf, (size_t)lk->qlen,
					lk_tcp_done, lk);
		return;
	}
	lk->us = open_random_port(lk);
	if (!lk->us) {
		lk_next(lk);
		return;
	}
	struct pbuf *b = pbuf_new(lk->qbuf, (uint32_t)lk->qlen);
	int rc = udp_send(lk->us, server, DNS_PORT, (uint32_t)lk->qlen, b, 0);
	pbuf_unref(b);
	(void)rc; /* no route: the wait runs out as glibc's would */
	timer_arm(lk->sim, &lk->timer, lk->sim->now + wait_for(&lk->cfg, lk->ns));
}

static void lk_start(struct sim *s, void *obj, uint64_t arg)
{
	(void)s;
	(void)arg;
	struct stub_lk *lk = obj;
	if (lk->literal) {
		struct dns_answer a;
		memset(&a, 0, sizeof(a));
		a.rcode = DNS_R_NOERROR;
		if (lk->qtype == DNS_T_A) {
			int plen;
			ipv4_parse(lk->name, &a.addr4[0], &plen);
			a.n4 = 1;
		}
		lk_finish(lk, &a);
		return;
	}
	lk_send(lk);
}

static bool is_dotted_quad(const char *s)
{
	int parts = 0, digits = 0, val = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			val = val * 10 + (*s - '0');
			if (++digits > 3 || val > 255)
				return false;
		} else if (*s == '.' && digits) {
			parts++;
			digits = val = 0;
		} else {
			return false;
		}
	}
	return digits && parts == 3;
}

int dns_lookup(struct node *nd, const char *name, uint16_t qtype, dns_done_fn done, void *ctx)
{
	struct stub_node *sn = stub_node_of(nd, false);
	if (!name || strlen(name) >= DNS_NAME_STRLEN)
		return -22;
	bool literal = is_dotted_quad(name);
	struct dns_name qn;
	if (!literal && (dns_name_from_str(&qn, name) < 0 || qn.len <= 1))
		return -22;
	if (!literal && (!sn || !sn->cfg.nns))
		return -6;
	if (!sn)
		sn = stub_node_of(nd, true);
	struct stub_lk *lk = xcalloc(1, sizeof(*lk));
	lk->sn = sn;
	lk->sim = nd->net->sim;
	snprintf(lk->name, sizeof(lk->name), "%s", name);
	lk->qname = qn;
	lk->qtype = qtype;
	lk->done = done;
	lk->ctx = ctx;
	lk->literal = literal;
	lk->started = lk->sim->now;
	lk->cfg = sn->cfg;
	if (sn->cfg.rotate && sn->cfg.nns > 1) {
		/* RES_ROTATE: the list turns by one before each query */
		for (int i = 0; i < sn->cfg.nns; i++)
			lk->cfg.ns[i] = sn->cfg.ns[(i + sn->rot + 1) % sn->cfg.nns];
		sn->rot = (sn->rot + 1) % sn->cfg.nns;
	}
	timer_init(lk->sim, &lk->timer, lk_timeout, lk);
	lk->next = sn->head;
	if (sn->head)
		sn->head->prev = lk;
	sn->head = lk;
	sim_at(lk->sim, lk->sim->now, lk_start, lk, 0);
	return 0;
}

void dns_lookup_cancel(struct node *nd, void *ctx)
{
	struct stub_node *sn = stub_node_of(nd, false);
	if (!sn)
		return;
	for (struct stub_lk *lk = sn->head; lk; lk = lk->next)
		if (lk->ctx == ctx)
			lk->done = NULL; /* runs to its end silently (the event may be pending) */
}
