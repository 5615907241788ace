/* Per-simulation HTTP state (struct http_sim: the servers and clients to
 * free at the end, request and connection ids) and the record pools the
 * client and server take their request and connection records and input
 * buffers from: slabs of 64, recycled through a free list, freed with the
 * simulation.  Under AddressSanitizer the pools are plain malloc/free, so
 * a use after free is still caught. */
#include "http_priv.h"

#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

static void http_sim_destroy(void *p)
{
	struct http_sim *h = p;
	http_server_destroy_all(h->servers);
	http_client_destroy_all(h->clients);
	http_pool_drain(&h->creq);
	http_pool_drain(&h->sreq);
	http_pool_drain(&h->cconn);
	http_pool_drain(&h->sconn);
	http_pool_drain(&h->inbuf);
	free(h);
}

#if defined(__SANITIZE_ADDRESS__)
#define HTTP_REC_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HTTP_REC_POOL 0
#endif
#endif
#ifndef HTTP_REC_POOL
#define HTTP_REC_POOL 1
#endif

#define HTTP_SLAB 64

void *http_pool_get(struct http_pool *p, size_t size)
{
	if (!HTTP_REC_POOL)
		return xmalloc(size);
	void *r = p->free;
	if (r) {
		memcpy(&p->free, r, sizeof(void *));
		return r;
	}
	size = (size + 15) & ~(size_t)15;
	if (!p->left) {
		char *slab = xmalloc(16 + HTTP_SLAB * size);
		memcpy(slab, &p->slabs, sizeof(void *));
		p->slabs = slab;
		p->cur = slab + 16;
		p->left = HTTP_SLAB;
	}
	r = p->cur;
	p->cur += size;
	p->left--;
	return r;
}

void http_pool_put(struct http_pool *p, void *rec)
{
	if (!HTTP_REC_POOL) {
		free(rec);
		return;
	}
	memcpy(rec, &p->free, sizeof(void *));
	p->free = rec;
}

void http_pool_drain(struct http_pool *p)
{
	while (p->slabs) {
		void *s = p->slabs;
		memcpy(&p->slabs, s, sizeof(void *));
		free(s);
	}
	*p = (struct http_pool){ 0 };
}

void *http_rec_get(struct http_pool *p, size_t size)
{
	void *r = http_pool_get(p, size);
	memset(r, 0, size);
	return r;
}

uint8_t *http_in_get(struct sim *s, uint8_t **in)
{
	if (!*in)
		*in = http_pool_get(&http_sim_of(s)->inbuf, HTTP_IN_BUF);
	return *in;
}

void http_in_put(struct sim *s, uint8_t **in)
{
	if (*in)
		http_pool_put(&http_sim_of(s)->inbuf, *in);
	*in = NULL;
}

struct http_sim *http_sim_of(struct sim *s)
{
	struct http_sim *h = sim_ext_get(s, "http");
	if (!h) {
		h = xcalloc(1, sizeof(*h));
		h->next_req_id = 1;
		h->next_conn_id = 1;
		sim_ext_set(s, "http", h, http_sim_destroy);
	}
	return h;
}

