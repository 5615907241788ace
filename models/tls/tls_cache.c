/* TLS session state kept across connections, per simulation (sim_ext
 * "tls"): the client's session cache, per node and server name (TLS 1.2
 * session IDs and tickets, reusable; TLS 1.3 tickets, single-use as
 * RFC 8446 C.4 asks, newest first, at most TLS_CACHE_PER_NAME kept), and a
 * server's state per node and port: its TLS 1.2 session-ID cache (RFC 5246
 * 7.3; OpenSSL's default size 20480, SSL_SESSION_CACHE_MAX_SIZE_DEFAULT),
 * the 0-RTT use count of each ticket (the anti-replay record, RFC 8446 8)
 * and its counters. */
#include "tls_conn.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/net/net.h"
#include "sim/sim.h"

#define TLS_CACHE_PER_NAME 8
#define TLS_SID_CACHE_MAX 20480

struct client_entry {
	uint32_t node_id;
	char name[256];
	int n;
	struct tls_session ss[TLS_CACHE_PER_NAME]; /* newest first */
};

struct sid_entry {
	uint8_t sid[32];
	simtime_t at;
};

struct early_use {
	uint64_t id;
	uint32_t uses;
};

struct tls_server_state {
	uint32_t node_id;
	uint16_t port;
	struct tls_server_stats stats;
	uint64_t next_ticket;
	struct sid_entry *sids;
	size_t nsids, capsids, sid_next; /* a ring once full */
	struct early_use *early;
	size_t nearly, capearly;
};

struct tls_world {
	struct tls_conn *conns;
	struct client_entry **clients;
	size_t nclients, capclients;
	struct tls_server_state **servers;
	size_t nservers, capservers;
};

static void world_free(void *p)
{
	struct tls_world *w = p;
	while (w->conns) {
		struct tls_conn *tc = w->conns;
		w->conns = tc->wnext;
		tc->wprev = tc->wnext = NULL;
		tls_conn_release(tc);
	}
	for (size_t i = 0; i < w->nclients; i++)
		free(w->clients[i]);
	for (size_t i = 0; i < w->nservers; i++) {
		free(w->servers[i]->sids);
		free(w->servers[i]->early);
		free(w->servers[i]);
	}
	free(w->clients);
	free(w->servers);
	free(w);
}

static void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	void *q = realloc(p, c * elem);
	if (!q)
		abort();
	*cap = c;
	return q;
}

static struct tls_world *world(struct sim *s)
{
	struct tls_world *w = sim_ext_get(s, "tls");
	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w)
			abort();
		sim_ext_set(s, "tls", w, world_free);
	}
	return w;
}

static struct client_entry *client(struct sim *s, uint32_t node_id, const char *name, bool make)
{
	struct tls_world *w = world(s);
	for (size_t i = 0; i < w->nclients; i++)
		if (w->clients[i]->node_id == node_id && strcmp(w->clients[i]->name, name) == 0)
			return w->clients[i];
	if (!make)
		return NULL;
	struct client_entry *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->node_id = node_id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	w->clients = xgrow(w->clients, &w->capclients, w->nclients + 1, sizeof(*w->clients));
	w->clients[w->nclients++] = c;
	return c;
}

void tls_world_link(struct sim *s, struct tls_conn *tc)
{
	struct tls_world *w = world(s);
	tc->wprev = NULL;
	tc->wnext = w->conns;
	if (w->conns)
		w->conns->wprev = tc;
	w->conns = tc;
}

void tls_world_unlink(struct sim *s, struct tls_conn *tc)
{
	struct tls_world *w = world(s);
	if (tc->wprev)
		tc->wprev->wnext = tc->wnext;
	else if (w->conns == tc)
		w->conns = tc->wnext;
	if (tc->wnext)
		tc->wnext->wprev = tc->wprev;
	tc->wprev = tc->wnext = NULL;
}

void tls_cache_put(struct sim *s, uint32_t node_id, const char *name, const struct tls_session *ss)
{
	struct client_entry *c = client(s, node_id, name, true);
	if (ss->version == TLS_V12)
		c->n = 0; /* one TLS 1.2 session per name: the newest replaces it */
	else
		for (int i = 0; i < c->n; i++)
			if (c->ss[i].version != TLS_V13)
				c->n = i;
	int keep = c->n < TLS_CACHE_PER_NAME ? c->n : TLS_CACHE_PER_NAME - 1;
	memmove(&c->ss[1], &c->ss[0], (size_t)keep * sizeof(c->ss[0]));
	c->ss[0] = *ss;
	c->n = keep + 1;
}

bool tls_cache_get(struct sim *s, uint32_t node_id, const char *name, simtime_t now, bool take,
		   struct tls_session *out)
{
	struct client_entry *c = client(s, node_id, name, false);
	if (!c)
		return false;
	/* drop the expired */
	int k = 0;
	for (int i = 0; i < c->n; i++)
		if (now - c->ss[i].received < c->ss[i].lifetime)
			c->ss[k++] = c->ss[i];
	c->n = k;
	if (!c->n)
		return false;
	*out = c->ss[0];
	if (take && out->version == TLS_V13) {
		memmove(&c->ss[0], &c->ss[1], (size_t)(c->n - 1) * sizeof(c->ss[0]));
		c->n--;
	}
	return true;
}

/* "name" matches its entries on every port, "name:port" one */
static bool name_matches(const char *key, const char *name)
{
	size_t n = strlen(name);
	return strncmp(key, name, n) == 0 && (key[n] == 0 || (key[n] == ':' && !strchr(name, ':')));
}

void tls_cache_flush(struct node *nd, const char *server_name)
{
	struct tls_world *w = world(nd->net->sim);
	for (size_t i = 0; i < w->nclients; i++)
		if (w->clients[i]->node_id == nd->id &&
		    (!server_name || name_matches(w->clients[i]->name, server_name)))
			w->clients[i]->n = 0;
}

static bool peek(struct node *nd, const char *server_name, simtime_t now, struct tls_session *ss)
{
	struct tls_world *w = world(nd->net->sim);
	for (size_t i = 0; i < w->nclients; i++)
		if (w->clients[i]->node_id == nd->id && name_matches(w->clients[i]->name, server_name) &&
		    tls_cache_get(nd->net->sim, nd->id, w->clients[i]->name, now, false, ss))
			return true;
	return false;
}

bool tls_cache_has(struct node *nd, const char *server_name, simtime_t now)
{
	struct tls_session ss;
	return peek(nd, server_name, now, &ss);
}

uint32_t tls_cache_early_bytes(struct node *nd, const char *server_name, simtime_t now)
{
	struct tls_session ss;
	if (!peek(nd, server_name, now, &ss) || ss.version != TLS_V13)
		return 0;
	return ss.max_early_data;
}

struct tls_server_state *tls_server_state(struct sim *s, uint32_t node_id, uint16_t port)
{
	struct tls_world *w = world(s);
	for (size_t i = 0; i < w->nservers; i++)
		if (w->servers[i]->node_id == node_id && w->servers[i]->port == port)
			return w->servers[i];
	struct tls_server_state *st = calloc(1, sizeof(*st));
	if (!st)
		abort();
	st->node_id = node_id;
	st->port = port;
	st->next_ticket = 1;
	w->servers = xgrow(w->servers, &w->capservers, w->nservers + 1, sizeof(*w->servers));
	w->servers[w->nservers++] = st;
	return st;
}

struct tls_server_stats *tls_srv_stats(struct tls_server_state *st)
{
	return &st->stats;
}

uint64_t tls_srv_next_ticket_id(struct tls_server_state *st)
{
	return st->next_ticket++;
}

void tls_srv_sid_put(struct tls_server_state *st, const uint8_t sid[32], simtime_t now, const char *alpn)
{
	(void)alpn;
	struct sid_entry *e;
	if (st->nsids < TLS_SID_CACHE_MAX) {
		st->sids = xgrow(st->sids, &st->capsids, st->nsids + 1, sizeof(*st->sids));
		e = &st->sids[st->nsids++];
	} else {
		e = &st->sids[st->sid_next]; /* the oldest goes */
		st->sid_next = (st->sid_next + 1) % TLS_SID_CACHE_MAX;
	}
	memcpy(e->sid, sid, 32);
	e->at = now;
}

bool tls_srv_sid_find(struct tls_server_state *st, const uint8_t sid[32], simtime_t now,
		      simtime_t timeout)
{
	for (size_t i = 0; i < st->nsids; i++)
		if (memcmp(st->sids[i].sid, sid, 32) == 0)
			return now - st->sids[i].at < timeout;
	return false;
}

uint32_t tls_srv_early_use(struct tls_server_state *st, uint64_t ticket_id)
{
	for (size_t i = 0; i < st->nearly; i++)
		if (st->early[i].id == ticket_id)
			return st->early[i].uses++;
	st->early = xgrow(st->early, &st->capearly, st->nearly + 1, sizeof(*st->early));
	st->early[st->nearly++] = (struct early_use){ ticket_id, 1 };
	return 0;
}

void tls_server_stats(struct node *nd, uint16_t port, struct tls_server_stats *out)
{
	*out = tls_server_state(nd->net->sim, nd->id, port)->stats;
}
